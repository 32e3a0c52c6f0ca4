//! `sqlx::migrate!` embeds the migrations at compile time, but on stable Rust it cannot tell cargo
//! which files it read: without this, an edited or added migration is not rebuilt into the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

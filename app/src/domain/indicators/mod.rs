//! The territory's indicators: their catalogue (what each measures and how), the values per
//! territory and period imported from files, the roll-up from localidades to zonas and the
//! district, and the semáforo against a goal. Everything here is pure; reading CSV/XLSX bytes,
//! storing and drawing are the server's.

mod catalogue;
pub mod import;
mod period;
mod roll_up;
mod views;

pub use catalogue::*;
pub use period::*;
pub use roll_up::*;
pub use views::*;

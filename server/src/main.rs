use std::process::ExitCode;

fn main() -> ExitCode {
    sala::cli::main()
}

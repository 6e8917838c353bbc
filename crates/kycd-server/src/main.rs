//! The `kycd` binary: parses the command line and runs the chosen command.

fn main() -> std::process::ExitCode {
    kycd_server::cli::main()
}

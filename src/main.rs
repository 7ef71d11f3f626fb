use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = claimtrack::cli::Cli::parse();
    match claimtrack::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(claimtrack::error::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

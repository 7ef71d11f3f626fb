use clap::parser::ValueSource;
use clap::FromArgMatches;
use std::process::ExitCode;

/// A reconcile or an import allocates and frees millions of small strings and vectors, from
/// two threads; mimalloc does that in a fraction of glibc's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, version 3): how long freed memory waits
/// before it goes back to the system. libmimalloc-sys names no constant for it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // A first reconcile's three threads free each batch another thread made; with mimalloc's
    // default delay (a second) that memory stayed resident: 330 MB at a million claims
    // instead of 280 (BENCHMARKS.md). At once, for a few percent more system time.
    // SAFETY: mi_option_set takes any option and value; it runs before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    let matches = match claimtrack::cli::Cli::command_here().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let db_on_command_line = matches.value_source("db") == Some(ValueSource::CommandLine);
    let cli = match claimtrack::cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match claimtrack::run(cli, db_on_command_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(claimtrack::error::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Messages quote what users typed and logged: shown, never obeyed, by the terminal.
            for line in e.lines() {
                eprintln!("error: {}", claimtrack::output::visible(&line));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Help and version as clap prints them; any other command-line error on one line (what was
/// wrong, with clap's list of allowed values or missing arguments), exit 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind::*;
    if matches!(e.kind(), DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand) {
        e.exit();
    }
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect();
    eprintln!("{} (see --help)", lines.join(" "));
    ExitCode::from(2)
}

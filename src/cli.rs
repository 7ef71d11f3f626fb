//! The command line: global flags and the command tree (clap derive). Each command's Args
//! live beside its code in `commands/`.

use crate::commands::{
    backup, changes, claim, clone, completions, config, correct, demo, desk, export, findings, history, import, link,
    log, man, matching, matrix, party, proposition, reconcile, report, request, retract, search, source, sync, trace,
    verdict, verify,
};
use crate::output::Format;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

/// Log who said what in a contested story, find the conflicts and the silences, and report
/// them for editors.
#[derive(Parser)]
#[command(
    name = "claimtrack",
    version,
    propagate_version = true,
    after_help = "\
Examples:
  claimtrack demo
  claimtrack log --from fixtures/log/reuters-report.toml
  claimtrack party add china-mfa --name \"China's foreign ministry\" --kind government --country CN
  claimtrack claim add --prop experts-helped --party china-mfa --stance denies --source reuters-report
  claimtrack claim list --prop experts-helped --format json"
)]
pub struct Cli {
    /// The database file [default: claimtrack.db in the working directory]
    #[arg(long, global = true, env = "CLAIMTRACK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Output format for commands that print data
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Fit tables and the terminal report to this many columns; a table too wide for it
    /// prints one block per record [default: the terminal's width, else 100 for tables and
    /// 80 for the report and the matrix]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,

    /// Print no messages on stderr, only data and errors
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Load the built-in Kupol example and show what is in it
    Demo(demo::Args),
    /// Load a bundle (JSON) into the database, all or nothing
    Import(import::Args),
    /// Write the whole database as a bundle
    Export(export::Args),
    /// Log a source and the claims in it in one go, in your editor or from a file
    ///
    /// Logs a source and the claims, requests for comment, new parties and new propositions
    /// found in it, all at once. Without --from, your editor ($VISUAL, else $EDITOR) opens on
    /// a template to fill in; when you save and close it, everything is checked and written
    /// in one transaction, or the editor reopens with the error noted at its line and nothing
    /// is written. Save the template unchanged, or empty it, to abort. Parties, propositions
    /// and sources are named by id, or by name or alias, title or text (case and accents
    /// ignored). The format, with a full example: docs/LOG.md.
    Log(log::Args),
    /// Parties: who speaks, or is expected to
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  claimtrack party add china-mfa --name \"China's foreign ministry\" --kind government\n  claimtrack party list"
    )]
    Party(party::Command),
    /// Sources: where claims are found
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  claimtrack source add reuters-report --title \"...\" --kind article --publisher reuters\n  claimtrack source list"
    )]
    Source(source::Command),
    /// Propositions: the matters in question
    #[command(subcommand, visible_alias = "prop")]
    #[command(
        after_help = "Examples:\n  claimtrack prop add experts-helped --text \"Chinese experts helped IEMZ Kupol\"\n  claimtrack prop list"
    )]
    Proposition(proposition::Command),
    /// Claims: one party's stance on one proposition in one source
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  claimtrack claim add --prop experts-helped --party china-mfa --stance denies --source reuters-report\n  claimtrack claim list --prop experts-helped"
    )]
    Claim(claim::Command),
    /// Links between claims (contradicts, supports, cites, supersedes)
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  claimtrack link add c-mfa-denies contradicts c-officials-affirm\n  claimtrack link list"
    )]
    Link(link::Command),
    /// Requests for comment
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  claimtrack request add --party kremlin --prop experts-helped --by reuters --asked 2025-09-24\n  claimtrack request list"
    )]
    Request(request::Command),
    /// Retract a claim or a source (it stays, marked as retracted)
    Retract(retract::Args),
    /// Correct a record you logged (the id stays; history keeps every version)
    Correct(correct::Args),
    /// Find conflicts, reversals, silences and weak sourcing
    Reconcile(reconcile::Args),
    /// List the findings and triage them (ack, resolve, dismiss, reopen)
    Findings(findings::Args),
    /// The editor's report: positions, findings, provenance, matrix and timelines
    Report(report::Args),
    /// What changed since a moment: claims, positions, findings, requests, sources, verdicts
    Changes(changes::Args),
    /// The stance matrix: parties by propositions
    Matrix(matrix::Args),
    /// One claim's provenance chain, down to its root sources
    Trace(trace::Args),
    /// Check the audit log's hash chain and that the tables agree with it
    Verify(verify::Args),
    /// The audit log: every write, who made it and when
    History(history::Args),
    /// A consistent copy of the database, taken while others write
    Backup(backup::Args),
    /// Verdicts on propositions (exported as ClaimReview)
    #[command(subcommand)]
    Verdict(verdict::Command),
    /// The newsroom's settings (org.name, org.url, report.title)
    #[command(subcommand)]
    Config(config::Command),
    /// A desk: many fact-checkers, one record, on PostgreSQL (init, add people, status)
    #[command(subcommand)]
    Desk(desk::Command),
    /// Make a new local replica of a desk
    Clone(clone::Args),
    /// Push what the desk lacks, then pull what this replica lacks, and say what moved
    #[command(after_help = "Examples:\n  claimtrack sync\n  claimtrack sync --dry-run")]
    Sync(sync::Args),
    /// Push what the desk lacks (one transaction on the desk)
    #[command(after_help = "Examples:\n  claimtrack push\n  claimtrack push --dry-run")]
    Push(sync::Args),
    /// Pull what this replica lacks from its desk
    #[command(after_help = "Examples:\n  claimtrack pull\n  claimtrack pull --dry-run")]
    Pull(sync::Args),
    /// Full-text search over quotes, notes, propositions, parties and sources
    Search(search::Args),
    /// Checked before? The propositions most like a pasted text, with verdict and status
    Match(matching::Args),
    /// A shell completion script (bash, zsh, fish), ids from the database included
    Completions(completions::Args),
    /// The manual page (roff), from the same definitions as --help
    Man(man::Args),
    /// The ids of one kind of record, one a line: what the completion scripts offer
    #[command(name = "__complete-ids", hide = true)]
    CompleteIds(completions::IdsArgs),
}

impl Cli {
    /// The command line as this run reads it: on a terminal, `claim add` asks for the
    /// required flags it is not given (see [`claim::asking`]); elsewhere they are required.
    pub fn command_here() -> clap::Command {
        let cli = Cli::command();
        if crate::prompt::on_terminal() {
            cli.mut_subcommand("claim", |c| c.mut_subcommand("add", claim::asking))
        } else {
            cli
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(|| PathBuf::from("claimtrack.db"))
    }
}

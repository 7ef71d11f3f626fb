//! claimtrack: log who said what in a contested story, reconcile it and report it.
//!
//! One data path: cli → commands → interchange → store → analysis (reconcile) → report / export.

/// Loading a story and reading it once: the one way commands get a reconcile's outcome.
pub(crate) mod analysis;
/// The command line: global flags and the command tree.
pub mod cli;
/// The clock and the current user, pinnable for tests.
pub(crate) mod clock;
/// One file per command: its arguments and what it does.
pub(crate) mod commands;
/// Dates at the precision given, and timestamps.
pub(crate) mod date;
/// The desk: PostgreSQL where the team's replicas meet (push, pull, clone, verify).
pub(crate) mod desk;
/// The one error type, with exit codes.
pub mod error;
/// ClaimReview and PROV-JSON: what others read and claimtrack never reads back.
pub(crate) mod export;
/// verify's checks: the hash chain and the tables against the log.
pub(crate) mod integrity;
/// The bundle, JSON Lines and CSV, read and written; ClaimReview read.
pub(crate) mod interchange;
/// The text `claimtrack log` reads: TOML for one source and its claims.
pub(crate) mod logfile;
/// Which propositions (or claims) are the same matter as a text, best first: `match` and the
/// duplicate warning when one is logged.
pub(crate) mod matching;
/// The domain records and the interchange bundle.
pub(crate) mod model;
/// Tables, JSON and CSV on stdout.
pub mod output;
/// The phrases the reconciler and the reports share: lists, stances and dates in words.
pub(crate) mod phrases;
/// Progress bars for long imports and reconciles.
pub(crate) mod progress;
/// Questions at the terminal: picking by name, checked values, confirmation.
pub(crate) mod prompt;
/// The rules: conflicts, reversals, silences, weak sourcing, and each proposition's status.
pub(crate) mod reconcile;
/// The report model and its renderers (terminal, Markdown, HTML).
pub(crate) mod report;
/// Search in any language: index terms, the query language, matches in context.
pub(crate) mod search;
/// SQLite: schema, migrations, the write path and all SQL.
pub(crate) mod store;
/// What a character looks like: the invisible ones.
pub(crate) mod text;

pub use commands::run;

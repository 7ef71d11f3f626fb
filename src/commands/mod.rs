//! One module per command: its arguments (the doc comments are its --help) and its run fn.
//! What the commands share lives here: opening the database, choosing a format, messages.

pub mod backup;
pub mod changes;
pub mod claim;
pub mod clone;
pub mod completions;
pub mod config;
pub mod correct;
pub mod demo;
pub mod desk;
pub mod export;
pub mod findings;
pub mod history;
pub mod import;
pub mod link;
pub mod log;
pub mod man;
pub mod matching;
pub mod matrix;
pub mod party;
pub mod proposition;
pub mod reconcile;
pub mod report;
pub mod request;
pub mod retract;
pub mod search;
pub mod source;
pub mod sync;
pub mod trace;
pub mod verdict;
pub mod verify;

use crate::analysis;
use crate::cli::{Cli, Command};
use crate::date::When as Moment;
use crate::error::{Error, Result};
use crate::model::{Bundle, Logged, RecordKind};
use crate::output::{self, Format};
use crate::store::{self, Open, Refs, Store, Summary};
use std::path::PathBuf;

/// Which moment of the story to look at (reconcile, the reports and trace share these flags).
#[derive(clap::Args, Clone, Copy, Default)]
pub struct When {
    /// Read the story as it stood on this day: later claims, requests and retractions do
    /// not count, and deadlines are judged against it (a date, today, yesterday, a
    /// weekday, 3d...) [default: today]
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<Moment>,
    /// Also drop every record logged in this database after this moment (an instant, or a
    /// day: its end), to see exactly what an editor saw then
    #[arg(long, value_name = "WHEN")]
    pub known_at: Option<Moment>,
}

impl From<When> for analysis::When {
    fn from(w: When) -> Self {
        analysis::When { as_of: w.as_of.map(|m| m.date()), known_at: w.known_at.map(|m| m.end()) }
    }
}

/// What every command gets from the global flags.
pub struct Ctx {
    pub db: PathBuf,
    /// `--db` was given on the command line (not only through CLAIMTRACK_DB).
    pub db_on_command_line: bool,
    pub format: Option<Format>,
    pub quiet: bool,
    /// `--width`, if given.
    pub width: Option<usize>,
}

impl Ctx {
    /// Runs one write in one transaction. A database that does not exist yet is created
    /// only by a write that succeeds: it is built beside its final name and linked into
    /// place at the end, so a refused write (or a dry run) leaves no file behind.
    pub fn write<T>(&self, dry_run: bool, work: impl FnOnce(&store::Tx) -> Result<T>) -> Result<T> {
        store::refuse_dangling_link(&self.db, "--db")?;
        if self.db.exists() {
            return Store::open(&self.db, Open::CreateIfMissing)?.write(dry_run, work);
        }
        if dry_run {
            return Store::memory()?.write(true, work);
        }
        let name = self.db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = self.db.with_file_name(format!(".{name}.{}.new", std::process::id()));
        let result = Store::open(&tmp, Open::CreateIfMissing).and_then(|mut s| s.write_new(work));
        let placed = result.as_ref().ok().map(|_| std::fs::hard_link(&tmp, &self.db));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        match placed {
            Some(Err(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::input(format!(
                "{} was created by another process while this one wrote; nothing was written, run the command again",
                self.db.display()
            ))),
            Some(Err(e)) => Err(Error::Io { context: format!("creating {}", self.db.display()), source: e }),
            _ => result,
        }
    }

    /// Opens the database for a command that only reads.
    /// A database changed behind claimtrack's back is read with a warning.
    pub fn open_for_read(&self) -> Result<Store> {
        let store = Store::open(&self.db, Open::Read)?;
        self.warn_if_tampered(&store)?;
        Ok(store)
    }

    /// Opens the database for a command that reads first and then writes (a triage, a
    /// present-day reconcile): the write says what is wrong, if anything, and refuses.
    pub fn open_to_write(&self) -> Result<Store> {
        Store::open(&self.db, Open::Read)
    }

    /// Says what the cheap check on opening found wrong (see `store::guard`).
    pub fn warn_if_tampered(&self, store: &Store) -> Result<()> {
        if let Some(problem) = store.tampered()? {
            self.say(format!("warning: {problem}; run `claimtrack verify` to see what changed"));
        }
        Ok(())
    }

    /// The format asked for, if this command speaks it; `allowed[0]` when none was asked.
    pub fn format(&self, command: &str, allowed: &[Format]) -> Result<Format> {
        match self.format {
            None => Ok(allowed[0]),
            Some(f) if allowed.contains(&f) => Ok(f),
            Some(f) => Err(Error::Usage(format!(
                "`{command}` does not write {}; use --format {}",
                f.name(),
                allowed.iter().map(|a| a.name()).collect::<Vec<_>>().join(" or ")
            ))),
        }
    }

    /// Refuses --format for a command that prints no data (an id, a message): a format it
    /// would silently ignore is a mistake in the user's script.
    pub fn no_format(&self, command: &str) -> Result<()> {
        match self.format {
            None => Ok(()),
            Some(f) => Err(Error::Usage(format!(
                "`{command}` prints no data, so --format {} means nothing to it; leave --format out",
                f.name()
            ))),
        }
    }

    /// The width tables are fitted to: --width, else the terminal's, else 100.
    pub fn table_width(&self) -> usize {
        self.width.unwrap_or_else(|| output::terminal_width_or(100))
    }

    /// The width the terminal report and the matrix are fitted to: --width, else the
    /// terminal's, else 80.
    pub fn report_width(&self) -> usize {
        self.width.unwrap_or_else(|| output::terminal_width_or(crate::report::terminal::DEFAULT_WIDTH))
    }

    /// A message for the person at the terminal: stderr, unless --quiet.
    pub fn say(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", output::visible(message.as_ref()));
        }
    }
}

pub fn run(cli: Cli, db_on_command_line: bool) -> Result<()> {
    crate::clock::check()?;
    crate::store::busy_timeout()?;
    let ctx = Ctx {
        db: cli.db_path(),
        db_on_command_line,
        format: cli.format,
        quiet: cli.quiet,
        width: cli.width.map(usize::from),
    };
    match cli.command {
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Log(a) => log::run(&ctx, a),
        Command::Party(c) => party::run(&ctx, c),
        Command::Source(c) => source::run(&ctx, c),
        Command::Proposition(c) => proposition::run(&ctx, c),
        Command::Claim(c) => claim::run(&ctx, c),
        Command::Link(c) => link::run(&ctx, c),
        Command::Request(c) => request::run(&ctx, c),
        Command::Retract(a) => retract::run(&ctx, a),
        Command::Correct(a) => correct::run(&ctx, a),
        Command::Reconcile(a) => reconcile::run(&ctx, a),
        Command::Findings(a) => findings::run(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Changes(a) => changes::run(&ctx, a),
        Command::Matrix(a) => matrix::run(&ctx, a),
        Command::Trace(a) => trace::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::History(a) => history::run(&ctx, a),
        Command::Backup(a) => backup::run(&ctx, a),
        Command::Verdict(c) => verdict::run(&ctx, c),
        Command::Config(c) => config::run(&ctx, c),
        Command::Desk(c) => desk::run(&ctx, c),
        Command::Clone(a) => clone::run(&ctx, a),
        Command::Sync(a) => sync::run(&ctx, a, sync::Way::Sync),
        Command::Push(a) => sync::run(&ctx, a, sync::Way::Push),
        Command::Pull(a) => sync::run(&ctx, a, sync::Way::Pull),
        Command::Search(a) => search::run(&ctx, a),
        Command::Match(a) => matching::run(&ctx, a),
        // The command tree is handed down, so that neither imports the CLI that names them.
        Command::Completions(a) => completions::run(&ctx, a, <Cli as clap::CommandFactory>::command()),
        Command::Man(a) => man::run(&ctx, a, <Cli as clap::CommandFactory>::command()),
        Command::CompleteIds(a) => completions::run_ids(&ctx, a),
    }
}

/// The desk a database replicates, or the error for one that replicates none.
fn replica_of(store: &Store) -> Result<store::replica::Replica> {
    store.read(store::replica::replica)?.ok_or_else(|| {
        Error::input(format!(
            "{} is no desk's replica; make one with `claimtrack clone URL FILE`, or point --db at yours",
            store.path().display()
        ))
    })
}

/// Where a command's flag-built record went wrong: the flag that carried the value.
fn flag_for(plural: &str, _index: usize, field: &str) -> String {
    let field = field.split('[').next().unwrap_or(field);
    match (plural, field) {
        ("claims" | "requests", "id") => "--id".into(),
        (_, "id") => "ID".into(),
        (_, "from") => "FROM".into(),
        (_, "to") => "TO".into(),
        (_, "target") => "TARGET".into(),
        // `verdict set` names its proposition first, without a flag.
        ("verdicts", "proposition") => "PROP".into(),
        (_, "proposition") => "--prop".into(),
        (_, "expected") => "--expect".into(),
        (_, "aliases") => "--alias".into(),
        (_, "tags") => "--tag".into(),
        (_, f) => format!("--{}", f.replace('_', "-")),
    }
}

/// A count given on the command line (`--limit`, `--offset`): from `least` up to the largest
/// SQLite takes, so that a huge one is a usage error naming the range, not a database error.
pub fn count_from(least: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(least..=i64::MAX as u64)
}

/// Writes the records a command built from its flags, through the same checks as an import.
/// Prints the record's key on stdout (new or already there).
fn add(ctx: &Ctx, command: &str, mut bundle: Bundle, kind: RecordKind) -> Result<()> {
    ctx.no_format(command)?;
    if let Some((_, used)) = warn_of_lookalikes(ctx, &mut bundle, true)?.pop() {
        // The person took the logged proposition instead: it is the answer, nothing is new.
        output::line(&used)?;
        ctx.say(format!("using {kind} {used}; nothing written"));
        return Ok(());
    }
    let summary: Summary = ctx.write(false, |tx| store::apply(tx, bundle, "add", Refs::IdsOrNames, &flag_for))?;
    let key = summary.first_key.clone().unwrap_or_default();
    output::line(&key)?;
    if summary.total_added() > 0 {
        ctx.say(format!("added {kind} {key}"));
    } else {
        ctx.say(format!("{kind} {key} is already logged, unchanged; nothing written"));
    }
    Ok(())
}

/// Says, for each new proposition of a bundle, the proposition already logged that it looks
/// like (a score of at least `matching::LOOKS_LIKE`, docs/LOG.md). A warning only: what is
/// logged is the person's to decide, never replaced. With `offer`, a person at a terminal is
/// asked whether to use the logged one instead (no by default); each one taken is dropped
/// from the bundle and the bundle's records name the logged one. Returns those taken, as
/// (new id, logged id).
pub fn warn_of_lookalikes(ctx: &Ctx, bundle: &mut Bundle, offer: bool) -> Result<Vec<(String, String)>> {
    let mut taken = Vec::new();
    if bundle.propositions.is_empty() || !ctx.db.exists() {
        return Ok(taken);
    }
    let store = ctx.open_for_read()?;
    for p in &bundle.propositions {
        let found = crate::matching::rank(store.conn(), &p.text, crate::matching::Ranked::Propositions, 2)?;
        let Some(m) = found.into_iter().find(|m| m.profile.proposition != p.id) else { continue };
        if m.score >= crate::matching::LOOKS_LIKE && store::proposition(store.conn(), &p.id)?.is_none() {
            let id = &m.profile.proposition;
            ctx.say(format!(
                "warning: {} looks like {id}: '{}' ({:.2}); use it with --prop {id}, or merge later",
                p.id,
                crate::report::words::short(&m.profile.text, 60),
                m.score
            ));
            if offer && crate::prompt::on_terminal() && crate::prompt::offer(&format!("Use {id} instead of {}?", p.id))?
            {
                taken.push((p.id.clone(), id.clone()));
            }
        }
    }
    for (new, used) in &taken {
        // A record of the bundle may name the new proposition by its id or its text.
        let text = bundle.propositions.iter().find(|p| &p.id == new).map(|p| p.text.clone()).unwrap_or_default();
        bundle.propositions.retain(|p| &p.id != new);
        let rename = |prop: &mut String| {
            if prop == new || *prop == text {
                *prop = used.clone();
            }
        };
        bundle.claims.iter_mut().for_each(|c| rename(&mut c.proposition));
        bundle.requests.iter_mut().for_each(|r| rename(&mut r.proposition));
        bundle.verdicts.iter_mut().for_each(|v| rename(&mut v.proposition));
    }
    Ok(taken)
}

/// `KIND list`: every record of a kind that `keep` accepts.
fn list_records<T: Logged>(
    ctx: &Ctx,
    load: fn(&store::Conn) -> Result<Vec<T>>,
    keep: impl Fn(&T) -> bool,
    columns: &[&str],
) -> Result<()> {
    let format = ctx.format(&format!("{} list", T::KIND), DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let mut records = load(store.conn())?;
    records.retain(keep);
    output::list(&records, format, columns, T::FIELDS, ctx.table_width())
}

/// `KIND show ID`.
fn show_record<T: Logged>(ctx: &Ctx, id: &str, load: fn(&store::Conn, &str) -> Result<Option<T>>) -> Result<()> {
    let format = ctx.format(&format!("{} show", T::KIND), DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let record = load(store.conn(), id)?.ok_or_else(|| not_found(&store, T::KIND, id))?;
    output::show(&record, format, T::FIELDS, ctx.table_width())
}

/// The error for a `show` of an id that is not there, with the nearest one.
fn not_found(store: &Store, kind: RecordKind, id: &str) -> Error {
    match store::ids(store.conn(), kind) {
        Ok(known) => Error::input(format!("no {kind} '{id}'{}", store::suggest(id, &known, store::Named::Kind(kind)))),
        Err(e) => e,
    }
}

/// A flag naming a party, source or proposition, as its id (see [`store::resolve`]).
fn resolve_flag(store: &Store, kind: RecordKind, flag: &str, value: Option<String>) -> Result<Option<String>> {
    value.map(|v| store::resolve(store.conn(), kind, &v, flag)).transpose()
}

/// The id of a record named on the command line (an id or a name); one that is not logged is
/// refused, rather than matching nothing.
pub fn logged(store: &Store, kind: RecordKind, flag: &str, value: &str) -> Result<String> {
    let id = store::resolve(store.conn(), kind, value, flag)?;
    match store::exists(store.conn(), kind, &id)? {
        true => Ok(id),
        false => Err(not_found(store, kind, &id)),
    }
}

/// The propositions a view is limited to (`--prop`, repeatable), as ids; one that is not
/// logged is refused.
fn chosen_propositions(store: &Store, flag: &str, props: &[String]) -> Result<Vec<String>> {
    props.iter().map(|p| logged(store, RecordKind::Proposition, flag, p)).collect()
}

/// The formats lists and shows speak.
const DATA_FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Csv];

/// The window `--since` and `--until` (as `flag`) give: from the first moment of one to the
/// last of the other. An end before the start is a usage error, and so is a `--since` after
/// now when there is no end: the same for `changes`, `report`, `history` and `findings`.
pub fn span(since: Moment, until: Option<Moment>, flag: &str) -> Result<analysis::Span> {
    let span = analysis::Span { since: since.start(), until: until.map(|u| u.end()) };
    let now = crate::date::Timestamp::now();
    match span.until {
        Some(end) if end < span.since => Err(Error::Usage(format!(
            "{flag} ({}) is before --since ({}); give a {flag} after the --since, or leave it out for now",
            end.human(),
            span.since.human()
        ))),
        None if now < span.since => Err(Error::Usage(format!(
            "--since ({}) is after now ({}); give a --since in the past",
            span.since.human(),
            now.human()
        ))),
        _ => Ok(span),
    }
}

/// " from 2 people" (nothing when nothing moved).
pub fn from_people(m: &crate::desk::Moved) -> String {
    match m.people.len() {
        0 => String::new(),
        1 => format!(" from {}", m.people.iter().next().expect("one")),
        n => format!(" from {n} people"),
    }
}

/// Each conflict, refusal and resolved conflict, one line each, on stderr.
pub fn report_problems(ctx: &Ctx, m: &crate::desk::Moved) {
    for c in &m.conflicts {
        ctx.say(conflict_line(c));
    }
    for r in &m.refused {
        ctx.say(format!("refused: {r}"));
    }
    for r in &m.resolved {
        ctx.say(format!("resolved: the conflict over {r} (it reads here as on the desk)"));
    }
}

/// A conflict in one line, with both versions.
pub fn conflict_line(c: &crate::store::replica::Conflict) -> String {
    let by = c.pushed_by.as_deref().map(|p| format!(" (pushed by {p})")).unwrap_or_default();
    let what = if c.direction == "push" { "not pushed" } else { "not pulled" };
    format!(
        "conflict: {} {} is on the desk with other content; {what}. yours: {} | the desk's{by}: {} (resolve it: correct yours until it reads as the desk's; if they are different records, log yours under a new id first)",
        c.kind,
        c.record,
        crate::store::audit::canonical(&c.ours),
        crate::store::audit::canonical(&c.theirs)
    )
}

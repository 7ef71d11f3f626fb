//! Helpers shared by the CLI tests: a throwaway database, a pinned environment for the real
//! binary, and assertions for the shape of error messages.

use assert_cmd::Command;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The pinned clock (CLAIMTRACK_NOW) every command runs with.
pub const NOW: &str = "2025-10-01T12:00:00Z";
/// `recorded` as the binary writes it for records logged at [`NOW`].
pub const RECORDED: &str = "2025-10-01T12:00:00.000000Z";
/// The day of [`NOW`]: the effective date of a claim with no date of its own.
pub const TODAY: &str = "2025-10-01";
/// The pinned user (CLAIMTRACK_USER).
pub const USER: &str = "tester";

/// The fixtures shipped in the repository.
pub const FIXTURES: &[&str] = &["kupol-drones.json", "reversal.json", "rewrites.json"];

/// The path of a fixture in the repository's fixtures/ directory.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A path in the repository.
pub fn repo_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A golden file: tests/golden/`name`.
fn golden_path(name: &str) -> PathBuf {
    repo_path("tests/golden").join(name)
}

/// Compares `actual` with tests/golden/`name` byte for byte; with UPDATE_GOLDEN=1 writes it
/// there instead.
pub fn golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("reading {}: {e}; create it with UPDATE_GOLDEN=1 cargo test --test cli", path.display())
    });
    if expected == actual {
        return;
    }
    panic!(
        "{name} differs from the golden file: {}\n(if the change is intended: UPDATE_GOLDEN=1 cargo test --test cli, then read git diff tests/golden)",
        parting(&expected, actual, "expected", "printed")
    );
}

/// Whether a test that needs something this machine may lack must be skipped: false when
/// `available`; otherwise says on one line what is missing and how to get it, and returns true,
/// unless CLAIMTRACK_TEST_STRICT=1 (set by .ci/run), where a missing requirement fails the test
/// so that CI never passes vacuously.
pub fn skip_unless(available: bool, test: &str, needs: &str) -> bool {
    if available {
        return false;
    }
    assert!(
        std::env::var_os("CLAIMTRACK_TEST_STRICT").is_none_or(|v| v != "1"),
        "{test} needs {needs}, and CLAIMTRACK_TEST_STRICT=1 forbids skipping it"
    );
    // Straight to the stream, past the test harness's capture of eprintln!: the skip is seen.
    let _ = writeln!(std::io::stderr(), "skipped {test}: needs {needs}");
    true
}

/// Whether `program` is an executable on the PATH.
pub fn on_path(program: &str) -> bool {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|dir| dir.join(program).is_file())
}

/// `full` under CLAIMTRACK_TEST_HEAVY=1 (as in CI), else `short`: the stress tests (100k
/// imports, dozens of SIGKILLs, many writers, long property runs) keep a short version in the
/// README's `cargo test` so that it finishes in minutes, and run whole in CI.
pub fn heavy<T>(full: T, short: T) -> T {
    if std::env::var_os("CLAIMTRACK_TEST_HEAVY").is_some_and(|v| v == "1") {
        full
    } else {
        short
    }
}

/// The text of a file in the repository.
pub fn repo_file(path: &str) -> String {
    let full = repo_path(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

/// The text of a fixture.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("reading fixture {name}: {e}"))
}

/// Command-line arguments: a slice of words, or one line split at spaces, where double quotes
/// group words and `""` is an empty argument (`party add x --name "The Kremlin" --kind other`).
pub trait Args {
    fn to_args(&self) -> Vec<String>;
}

impl Args for str {
    fn to_args(&self) -> Vec<String> {
        let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
        for c in self.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    started = true;
                }
                c if c.is_whitespace() && !quoted => {
                    if started {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                c => {
                    word.push(c);
                    started = true;
                }
            }
        }
        assert!(!quoted, "unbalanced quotes in {self:?}");
        if started {
            words.push(word);
        }
        words
    }
}

impl Args for [&str] {
    fn to_args(&self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl<const N: usize> Args for [&str; N] {
    fn to_args(&self) -> Vec<String> {
        self[..].to_args()
    }
}

impl Args for Vec<&str> {
    fn to_args(&self) -> Vec<String> {
        self[..].to_args()
    }
}

impl Args for Vec<String> {
    fn to_args(&self) -> Vec<String> {
        self.clone()
    }
}

/// What a finished command left behind.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Panics, showing everything, unless the command exited 0.
    pub fn success(self) -> Outcome {
        assert_eq!(self.code, 0, "expected success, got {self:#?}");
        self
    }
}

/// A database file (`story.db`) in its own temporary directory. The file does not exist until
/// a command that writes creates it.
pub struct Db {
    dir: TempDir,
    path: PathBuf,
}

impl Default for Db {
    fn default() -> Self {
        Db::new()
    }
}

impl Db {
    /// A path where no database exists yet.
    pub fn new() -> Db {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("story.db");
        Db { dir, path }
    }

    /// A database holding one fixture.
    pub fn with_fixture(name: &str) -> Db {
        let db = Db::new();
        db.import_fixture(name);
        db
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path beside the database, for files a test writes.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The temporary directory (used as the working directory of every command).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The real binary with a clean, pinned environment, pointed at this database.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.bare_cmd();
        cmd.env("CLAIMTRACK_DB", &self.path);
        cmd
    }

    /// Like [`Db::cmd`] but without CLAIMTRACK_DB: the binary decides where its database is.
    pub fn bare_cmd(&self) -> Command {
        Command::from_std(self.bare_process())
    }

    /// The real binary as a plain `std::process::Command`, with the same pinned environment
    /// as [`Db::cmd`]: for tests that spawn processes side by side, or kill one mid-run.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = self.bare_process();
        cmd.env("CLAIMTRACK_DB", &self.path);
        cmd
    }

    /// The binary in a clean environment: a pinned user, clock and no colour, run in the
    /// test's directory.
    fn bare_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_claimtrack"));
        cmd.env_clear()
            .env("CLAIMTRACK_USER", USER)
            .env("CLAIMTRACK_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs the binary with `args` (and `stdin`, if any) and captures what it did.
    pub fn run_with(&self, args: &(impl Args + ?Sized), stdin: Option<&str>) -> Outcome {
        let mut cmd = self.cmd();
        cmd.args(args.to_args());
        if let Some(text) = stdin {
            cmd.write_stdin(text);
        }
        outcome(&mut cmd)
    }

    pub fn run(&self, args: &(impl Args + ?Sized)) -> Outcome {
        self.run_with(args, None)
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &(impl Args + ?Sized)) -> String {
        self.run(args).success().stdout
    }

    /// Runs a listing command with `--format json` and parses what it prints.
    pub fn json(&self, args: &(impl Args + ?Sized)) -> Value {
        let mut all = args.to_args();
        all.extend(["--format".to_string(), "json".to_string()]);
        let out = self.run(&all).success().stdout;
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{all:?} printed invalid JSON ({e}):\n{out}"))
    }

    /// The `id` (or other `field`) of every row a JSON listing prints, in order.
    pub fn column(&self, args: &(impl Args + ?Sized), field: &str) -> Vec<String> {
        match self.json(args) {
            Value::Array(rows) => rows.iter().map(|r| r[field].as_str().unwrap_or_default().to_string()).collect(),
            other => panic!("{:?} printed {other} rather than a list", args.to_args()),
        }
    }

    /// Imports a fixture, which must succeed; returns the summary message (stderr).
    pub fn import_fixture(&self, name: &str) -> String {
        let path = fixture(name);
        self.run(&["import", path.to_str().expect("a UTF-8 path")]).success().stderr
    }

    /// Imports bundle text through standard input.
    pub fn import_str(&self, bundle: &str) -> Outcome {
        self.run_with(&["import", "-"], Some(bundle))
    }

    /// The whole database as `claimtrack export` prints it.
    pub fn export(&self) -> String {
        self.ok(&["export"])
    }

    /// The whole database as parsed JSON.
    pub fn export_json(&self) -> Value {
        serde_json::from_str(&self.export()).expect("export prints JSON")
    }

    /// What the database holds, to compare before and after a command that must write
    /// nothing: the export, or a marker when there is no database file at all.
    pub fn snapshot(&self) -> String {
        if self.exists() {
            self.export()
        } else {
            format!("<no database file at {}>", self.path.display())
        }
    }
}

/// Runs a prepared command and captures its exit code and output.
pub fn outcome(cmd: &mut Command) -> Outcome {
    let out = cmd.output().expect("the binary runs");
    Outcome {
        code: out.status.code().expect("the binary exits (no signal)"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A claimtrack error: exactly one line, "error: ...", containing every needle.
pub fn assert_error_line(stderr: &str, needles: &[&str]) {
    assert_errors(stderr, needles);
    assert_eq!(stderr.lines().count(), 1, "stderr should be a single line:\n{stderr}");
}

/// Every problem an input has, one "error: ..." line each (a log file or an import names
/// them all at once); together they contain every needle.
pub fn assert_errors(stderr: &str, needles: &[&str]) {
    assert!(stderr.ends_with('\n'), "stderr should end with a newline:\n{stderr:?}");
    for line in stderr.lines() {
        assert!(line.starts_with("error: "), "every line should start with 'error: ':\n{stderr}");
    }
    for needle in needles {
        assert!(stderr.contains(needle), "stderr should mention {needle:?}:\n{stderr}");
    }
}

/// Runs a command that must be refused with exit `code` and a message naming every needle,
/// and checks that the database is exactly as it was.
pub fn assert_refused(
    db: &Db,
    args: &(impl Args + ?Sized),
    stdin: Option<&str>,
    code: i32,
    needles: &[&str],
) -> Outcome {
    let before = db.snapshot();
    let out = db.run_with(args, stdin);
    let context = format!("{:?} with stdin {stdin:?}", args.to_args());
    assert_eq!(out.code, code, "{context}: expected exit {code}, got {out:#?}");
    // Usage errors too are one line: claimtrack folds clap's usage hint into it.
    assert_error_line(&out.stderr, needles);
    assert!(out.stdout.is_empty(), "{context}: a refused command prints no data, got {:?}", out.stdout);
    assert_unchanged(&before, &db.snapshot(), &context);
    out
}

/// Fails, showing where they part, unless two snapshots are the same.
pub fn assert_unchanged(before: &str, after: &str, context: &str) {
    if before != after {
        panic!("{context}: the database changed; {}", parting(before, after, "before", "after"));
    }
}

/// Where two texts part: their line counts, and a few lines of each from the first that
/// differs.
pub fn parting(a: &str, b: &str, a_name: &str, b_name: &str) -> String {
    let (one, two): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = one.iter().zip(&two).take_while(|(x, y)| x == y).count();
    let show = |lines: &[&str]| lines.iter().skip(at.saturating_sub(2)).take(6).copied().collect::<Vec<_>>().join("\n");
    format!(
        "{} lines {a_name}, {} {b_name}; trailing newline {a_name} {}, {b_name} {}; from line {}:\n--- {a_name}\n{}\n--- {b_name}\n{}",
        one.len(),
        two.len(),
        a.ends_with('\n'),
        b.ends_with('\n'),
        at + 1,
        show(&one),
        show(&two)
    )
}

/// A bundle that must be refused: exit 1, one line naming every needle, database unchanged.
pub fn assert_import_refused(db: &Db, bundle: &str, needles: &[&str]) {
    assert_refused(db, &["import", "-"], Some(bundle), 1, needles);
}

/// Builds a version-1 bundle from a JSON object of lists (`{"parties": [...]}`).
pub fn bundle(lists: Value) -> String {
    let mut map = serde_json::Map::new();
    map.insert("claimtrack".into(), 1.into());
    match lists {
        Value::Object(m) => map.extend(m),
        other => panic!("bundle() takes an object of lists, got {other}"),
    }
    Value::Object(map).to_string()
}

/// `claim add` for a new claim on the Kupol fixture's ids, quoting `quote`.
pub fn claim_add(quote: &str) -> Vec<String> {
    [
        "--quiet",
        "claim",
        "add",
        "--prop",
        "p-experts-helped-kupol",
        "--party",
        "reuters",
        "--stance",
        "affirms",
        "--source",
        "s-reuters-report",
        "--quote",
        quote,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

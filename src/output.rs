//! Writing data to stdout or a file in the formats every command shares: table, JSON and
//! CSV; and the escaping every sink needs (visible control characters on a terminal, `<`
//! `>` `&` escaped in JSON).

use crate::error::{Context, Error, Result};
use crate::interchange::write;
pub use crate::interchange::write::{cell_text, json, json_line};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// Every output format a command may speak; each command says which it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// JSON (stable, documented in docs/FORMAT.md).
    Json,
    /// CSV with a header row of the documented field names.
    Csv,
    /// Markdown that pastes cleanly into a CMS or a GitHub comment.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// JSON Lines: a header line, then one record a line with a "type".
    Jsonl,
    /// schema.org ClaimReview as JSON-LD.
    Claimreview,
    /// W3C PROV-JSON.
    Prov,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
            Format::Claimreview => "claimreview",
            Format::Prov => "prov",
        }
    }
}

/// Whether to colour: only on a terminal, and never with NO_COLOR set.
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether a character must not reach a terminal as itself: C0 and C1 controls and DEL
/// (screen clears, window titles, links, carriage-return overwrites), line and paragraph
/// separators, bidirectional overrides and isolates (text that reads in another order than
/// it is stored), and zero-width characters (text that looks like other text).
fn hidden(c: char) -> bool {
    c.is_control() || crate::text::is_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Logged text as a terminal may show it: every [`hidden`] character as a visible escape
/// (`\e`, `\n`, `\x07`, `\u{202e}`), everything else as it is. Used at every sink that
/// reaches a terminal (tables, the terminal report, messages on stderr); JSON, CSV, Markdown
/// and HTML keep the real text and escape it their own way.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            c if (c as u32) < 0x80 && hidden(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`visible`], but keeping line breaks: for text a command lays out in lines itself.
pub fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// A table of text as every command prints it (see [`Grid::render`]).
pub struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The columns whose values head a record's block when a table does not fit: its id and
/// its kind (`f-knqbxdy872  conflict`), else its first column.
const HEADLINE: &[&str] = &["id", "finding", "seq", "key", "record", "kind"];

/// The narrowest a column of prose is squeezed to before the table becomes blocks.
const PROSE_FLOOR: usize = 12;

impl Grid {
    pub fn new(header: &[&str]) -> Self {
        Grid { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// A row of logged text, each cell made [`visible`].
    pub fn add(&mut self, cells: impl IntoIterator<Item = impl AsRef<str>>) {
        self.add_styled(cells.into_iter().map(|c| visible(c.as_ref()).into_owned()));
    }

    /// A row whose cells are already visible and may carry SGR colour codes (`\x1b[31m`),
    /// which take no width.
    pub fn add_styled(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(cells.into_iter().collect());
    }

    /// The table fitted to `width` columns: never a line longer, never a word split (but
    /// one longer than a whole line). Columns keep their natural width while the table
    /// fits; then the widest give way down to their longest word; when even that does not
    /// fit, each record becomes a block: its id and kind on the first line, then its other
    /// fields one a line, indented, wrapped at words. Box-drawn on a terminal, a Markdown
    /// table elsewhere.
    pub fn render(&self, width: usize) -> String {
        match self.widths(width) {
            Some(widths) => self.table(&widths, std::io::stdout().is_terminal()),
            None => self.blocks(width),
        }
    }

    /// The columns' widths that fit `width`, if any do.
    fn widths(&self, width: usize) -> Option<Vec<usize>> {
        let columns = self.header.len();
        let cells = |i: usize| self.rows.iter().map(move |r| r.get(i).map_or("", String::as_str));
        let natural: Vec<usize> = (0..columns)
            .map(|i| cells(i).map(shown_width).chain([self.header[i].width()]).max().unwrap_or(0))
            .collect();
        let floor: Vec<usize> = (0..columns)
            .map(|i| {
                let word = cells(i).flat_map(str::split_whitespace).map(shown_width).max().unwrap_or(0);
                word.max(self.header[i].width()).max(natural[i].min(PROSE_FLOOR))
            })
            .collect();
        let room = width.checked_sub(3 * columns + 1)?;
        if floor.iter().sum::<usize>() > room {
            return None;
        }
        let mut widths = natural;
        while widths.iter().sum::<usize>() > room {
            let (i, _) = widths.iter().enumerate().filter(|(i, w)| **w > floor[*i]).max_by_key(|(_, w)| **w)?;
            widths[i] -= 1;
        }
        Some(widths)
    }

    fn table(&self, widths: &[usize], boxed: bool) -> String {
        let rule = |left: &str, fill: &str, mid: &str, right: &str| {
            let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
            format!("{left}{}{right}\n", parts.join(mid))
        };
        let bar = if boxed { "│" } else { "|" };
        let line = |cells: &[String]| {
            let wrapped: Vec<Vec<String>> =
                widths.iter().enumerate().map(|(i, w)| wrap(cells.get(i).map_or("", String::as_str), *w)).collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut out = String::new();
            for l in 0..height {
                out.push_str(bar);
                for (cell, w) in wrapped.iter().zip(widths) {
                    let text = cell.get(l).map_or("", String::as_str);
                    out.push_str(&format!(" {text}{} {bar}", " ".repeat(w - shown_width(text))));
                }
                out.push('\n');
            }
            out
        };
        let mut out = String::new();
        if boxed {
            out.push_str(&rule("┌", "─", "┬", "┐"));
        }
        out.push_str(&line(&self.header));
        out.push_str(&if boxed { rule("╞", "═", "╪", "╡") } else { rule("|", "-", "|", "|") });
        for row in &self.rows {
            out.push_str(&line(row));
        }
        if boxed {
            out.push_str(&rule("└", "─", "┴", "┘"));
        }
        out
    }

    fn blocks(&self, width: usize) -> String {
        let mut headline: Vec<usize> =
            (0..self.header.len()).filter(|i| HEADLINE.contains(&self.header[*i].as_str())).collect();
        if headline.is_empty() {
            headline.push(0);
        }
        let label = self.header.iter().map(|h| h.width()).max().unwrap_or(0) + 2;
        let mut out = String::new();
        for (n, row) in self.rows.iter().enumerate() {
            if n > 0 {
                out.push('\n');
            }
            let cell = |i: usize| row.get(i).map_or("", String::as_str);
            let head: Vec<&str> = headline.iter().map(|i| cell(*i)).filter(|c| !c.is_empty()).collect();
            for l in wrap(&head.join("  "), width) {
                out.push_str(&l);
                out.push('\n');
            }
            for (i, name) in self.header.iter().enumerate() {
                if headline.contains(&i) || cell(i).trim().is_empty() {
                    continue;
                }
                let lines = wrap(cell(i), width.saturating_sub(2 + label));
                let narrow = lines.iter().any(|l| shown_width(l) > width.saturating_sub(2 + label));
                if narrow {
                    // A word longer than the room beside the label: the value under it.
                    out.push_str(&format!("  {name}\n"));
                    for l in wrap(cell(i), width - 4) {
                        out.push_str(&format!("    {l}\n"));
                    }
                    continue;
                }
                for (k, l) in lines.iter().enumerate() {
                    let lead = if k == 0 {
                        format!("  {name}{}", " ".repeat(label - name.width()))
                    } else {
                        " ".repeat(2 + label)
                    };
                    out.push_str(&format!("{lead}{l}\n"));
                }
            }
        }
        out
    }
}

/// The display width of text that may carry SGR colour codes.
fn shown_width(text: &str) -> usize {
    if !text.contains('\x1b') {
        return text.width();
    }
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            plain.push(c);
        }
    }
    plain.width()
}

/// Text in lines of at most `width` columns, broken at white space; a word longer than a
/// line is the one thing broken.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while shown_width(&word) > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut head = String::new();
            let mut rest = word.chars();
            for c in rest.by_ref() {
                head.push(c);
                if shown_width(&head) >= width {
                    break;
                }
            }
            lines.push(head);
            word = rest.collect();
        }
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && shown_width(&line) + 1 + shown_width(&word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn to_objects<T: Serialize>(rows: &[T]) -> Vec<serde_json::Map<String, Value>> {
    rows.iter()
        .map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(m)) => m,
            _ => unreachable!("records serialise to objects"),
        })
        .collect()
}

/// Writes records as a table fitted to `width` (`columns` only), a JSON array, or CSV
/// (`fields`, in order).
pub fn list<T: Serialize>(rows: &[T], format: Format, columns: &[&str], fields: &[&str], width: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => json(&mut out, rows)?,
        Format::Csv => write::fields(&mut out, rows, fields)?,
        _ => {
            let mut t = Grid::new(columns);
            for row in to_objects(rows) {
                t.add(columns.iter().map(|c| cell_text(row.get(*c))));
            }
            drop(out);
            print(&t.render(width))?;
        }
    }
    Ok(())
}

/// Writes one record: a two-column table of its fields fitted to `width`, a JSON object or
/// one CSV row.
pub fn show<T: Serialize>(record: &T, format: Format, fields: &[&str], width: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => json(&mut out, record)?,
        Format::Csv => write::fields(&mut out, std::slice::from_ref(record), fields)?,
        _ => {
            let row = to_objects(std::slice::from_ref(record)).remove(0);
            let mut t = Grid::new(&["field", "value"]);
            for (k, v) in &row {
                t.add([k.clone(), cell_text(Some(v))]);
            }
            drop(out);
            print(&t.render(width))?;
        }
    }
    Ok(())
}

/// Writes `text` to standard output. A failed write is an error, never a panic: a closed pipe
/// (`claimtrack ... | head`) ends the command quietly, a full disk is one error line.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).context(|| "writing to standard output".into())
}

/// Writes one line to standard output (see [`print`]).
pub fn line(text: impl std::fmt::Display) -> Result<()> {
    print(&format!("{text}\n"))
}

/// Where a command that writes a document (`report`, `export`) puts it: `-o FILE`, or
/// standard output.
#[derive(clap::Args, Default)]
pub struct Destination {
    /// Write to this file instead of standard output (its extension sets the format when
    /// --format is not given); an existing file is replaced only with --force
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With -o: replace the file if it exists (never the database itself)
    #[arg(long, requires = "output")]
    pub force: bool,
}

impl Destination {
    /// Writes `text` to the file, or to standard output when there is none. The file is
    /// written beside its final name under a name of its own and renamed into place, so a
    /// reader never sees half of it and a failed write leaves nothing behind; it never
    /// replaces `database` or its -wal and -shm files, and replaces another existing file
    /// only with --force.
    pub fn write(&self, text: &str, database: &Path) -> Result<()> {
        let Some(path) = &self.output else { return print(text) };
        let shown = path.display();
        if is_database(path, database) {
            return Err(Error::input(format!(
                "-o {shown} is the database itself (or its -wal or -shm file); write to another file"
            )));
        }
        // A name that is free now may not be by the time the file goes into place (another
        // claimtrack writing it at once): with --force that one is replaced like any file.
        let Ok(found) = path.symlink_metadata() else { return place(path, text, self.force) };
        if !self.force {
            return Err(Error::input(format!(
                "-o {shown} already exists; give another file name, or --force to replace it"
            )));
        }
        // --force replaces a file: through a symbolic link, the file it points to.
        let target = if found.file_type().is_symlink() {
            std::fs::canonicalize(path).map_err(|_| {
                Error::input(format!("-o {shown} is a symbolic link to nothing; give another file name"))
            })?
        } else {
            path.clone()
        };
        let kind = std::fs::metadata(&target).context(|| format!("reading {shown}"))?.file_type();
        use std::os::unix::fs::FileTypeExt;
        if kind.is_file() {
            place(&target, text, true)
        } else if kind.is_char_device() || kind.is_fifo() {
            // A device or a pipe is written into, never replaced by a file of the same name.
            std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .context(|| format!("writing {shown}"))
        } else {
            let what = if kind.is_dir() { "directory" } else { "special file (a socket or a block device)" };
            Err(Error::input(format!("-o {shown} is a {what}, not a file; give a file name")))
        }
    }
}

/// Writes `text` beside `path` under a name of its own and renames it into place: over an
/// existing regular file only when `replace` (else only if the name is still free).
fn place(path: &Path, text: &str, replace: bool) -> Result<()> {
    let shown = path.display();
    let mut tmp = beside(path, "claimtrack-tmp")?;
    tmp.write_all(text.as_bytes()).and_then(|_| tmp.as_file().sync_all()).context(|| format!("writing {shown}"))?;
    let placed = if replace { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    placed.map(drop).map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => {
            Error::input(format!("-o {shown} already exists; give another file name, or --force to replace it"))
        }
        _ => Error::Io { context: format!("writing {shown}"), source: e.error },
    })
}

/// A new file in the directory of `path`, under a name no other process has (`.NAME.XXXXXX.
/// SUFFIX`), to be renamed into place once whole; removed if dropped before that. Created
/// with the permissions a plain new file gets (0666 less the umask).
pub fn beside(path: &Path, suffix: &str) -> Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(&format!(".{suffix}"))
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .context(|| format!("creating a file beside {}", path.display()))
}

/// Whether `path` names the database or its -wal or -shm file: the same file on disk (a
/// hard link too), or the same name once symbolic links and `..` are resolved (for the
/// files SQLite has not created yet).
fn is_database(path: &Path, database: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let identity = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let resolved = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
        })
    };
    let (id, name) = (identity(path), resolved(path));
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let mut file = database.as_os_str().to_owned();
        file.push(suffix);
        let file = PathBuf::from(file);
        (id.is_some() && id == identity(&file)) || (name.is_some() && name == resolved(&file))
    })
}

/// The format a file name implies (`report.html`), for `-o` without `--format`.
pub fn format_of(path: &std::path::Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "html" | "htm" => Some(Format::Html),
        "md" | "markdown" => Some(Format::Markdown),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "csv" => Some(Format::Csv),
        "jsonld" => Some(Format::Claimreview),
        _ => None,
    }
}

/// The terminal's width when stdout is one, else `default`.
pub fn terminal_width_or(default: usize) -> usize {
    terminal_size::terminal_size_of(std::io::stdout()).map_or(default, |(w, _)| usize::from(w.0)).max(40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_visible_escapes() {
        assert_eq!(visible("plain ё 中"), "plain ё 中");
        assert_eq!(visible("a\u{1b}[2Jb\u{7}\r\n\t\0"), "a\\e[2Jb\\a\\r\\n\\t\\0");
        assert_eq!(
            visible("\u{7f}\u{9b}\u{202e}\u{2066}\u{200b}\u{2028}"),
            "\\x7f\\u{009b}\\u{202e}\\u{2066}\\u{200b}\\u{2028}"
        );
        assert_eq!(visible_lines("a\u{1b}\nb"), "a\\e\nb");
    }

    fn grid() -> Grid {
        let mut g = Grid::new(&["id", "kind", "detail"]);
        g.add([
            "f-knqbxdy872",
            "conflict",
            "affirmed by European security officials; denied by China's foreign ministry",
        ]);
        g.add(["f-3azsa2nqkd", "single-source", "one line of evidence"]);
        g
    }

    #[test]
    fn a_grid_wraps_cells_at_words_and_never_passes_its_width() {
        let text = grid().table(&grid().widths(60).expect("fits at 60"), false);
        assert!(text.lines().all(|l| l.width() <= 60), "{text}");
        assert!(text.lines().any(|l| l.starts_with("| f-knqbxdy872 | conflict ")), "{text}");
        for word in ["European", "security", "officials;", "ministry"] {
            assert!(text.lines().any(|l| l.contains(word)), "{word} split:\n{text}");
        }
        let wide = grid().render(200);
        assert_eq!(wide.lines().count(), 4, "one line per record when it fits:\n{wide}");
    }

    #[test]
    fn a_grid_too_narrow_for_its_longest_words_prints_blocks() {
        let text = grid().render(40);
        assert!(text.starts_with("f-knqbxdy872 conflict\n  detail  affirmed by"), "{text}");
        assert!(text.contains("\n\nf-3azsa2nqkd single-source\n"), "a blank line between records:\n{text}");
        assert!(text.lines().all(|l| l.width() <= 40), "{text}");
        assert_eq!(wrap("a-very-long-identifier-indeed", 10).len(), 3, "only a word longer than the line is cut");
        assert_eq!(shown_width("\x1b[31mhigh\x1b[0m"), 4, "colour takes no width");
    }
}

//! The report for the terminal: fitted to its width (or `--width`), never a line longer and
//! never a word split across lines; a cell too long for its column is cut with "…" (the full
//! text is in `--format markdown|json`). Coloured on a terminal unless NO_COLOR is set.

use super::digest::Digest;
use super::words::{self, short};
use super::{Cell as MatrixCell, ClaimLine, Mark, Matrix, PropositionReport, Report, Style, Summary};
use crate::model::{Severity, Stance};
use crate::output::{self, visible};
use std::fmt::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width the terminal report is fitted to when nothing says otherwise.
pub const DEFAULT_WIDTH: usize = 80;

/// ANSI colours the report uses.
#[derive(Clone, Copy)]
enum Paint {
    Green,
    Red,
    Yellow,
    Magenta,
    Grey,
    Bold,
}

impl Paint {
    fn code(self) -> &'static str {
        match self {
            Paint::Green => "32",
            Paint::Red => "31",
            Paint::Yellow => "33",
            Paint::Magenta => "35",
            Paint::Grey => "90",
            Paint::Bold => "1",
        }
    }
}

/// How the report is drawn: its width and whether to colour.
struct Pen {
    width: usize,
    colour: bool,
}

impl Pen {
    fn paint(&self, text: &str, paint: Option<Paint>) -> String {
        match paint {
            Some(p) if self.colour && !text.is_empty() => format!("\x1b[{}m{text}\x1b[0m", p.code()),
            _ => text.to_string(),
        }
    }

    /// Prose wrapped at word boundaries: the first line after `first`, the rest after
    /// `rest` (both indents of spaces or a marker). A word longer than a line is cut. Logged
    /// text is shown as it is, control characters as visible escapes (`output::visible`).
    fn wrap(&self, out: &mut String, first: &str, rest: &str, text: &str) {
        // A lead wider than the line ("• European security officials, affirms: ") is wrapped
        // as words too, after its indent.
        let head = first.trim_start();
        if !head.is_empty() && visible(first).width() >= self.width {
            let indent = &first[..first.len() - head.len()];
            return self.wrap(out, indent, rest, &format!("{head}{text}"));
        }
        let mut line = visible(first).into_owned();
        let mut empty = true;
        for word in text.split_whitespace() {
            let word = visible(word);
            let room = self.width.saturating_sub(line.width());
            // Chinese, Japanese and Korean run without spaces: a run wider than the room
            // breaks between its characters rather than being cut.
            if word.width() > room && word.chars().any(|c| c.width() == Some(2)) {
                if !empty {
                    line.push(' ');
                }
                for ch in word.chars() {
                    if line.width() + ch.width().unwrap_or(0) > self.width {
                        let _ = writeln!(out, "{}", line.trim_end());
                        line = rest.to_string();
                    }
                    line.push(ch);
                }
                empty = false;
                continue;
            }
            let need = word.width() + usize::from(!empty);
            if need > room && !empty {
                let _ = writeln!(out, "{}", line.trim_end());
                line = rest.to_string();
                empty = true;
            }
            let room = self.width.saturating_sub(line.width()).max(1);
            let word = if word.width() > room { cut(&word, room) } else { word.to_string() };
            if !empty {
                line.push(' ');
            }
            line.push_str(&word);
            empty = false;
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn sign(m: Mark) -> &'static str {
    match m {
        Mark::New => "+",
        Mark::Changed => "~",
    }
}

fn mark_paint(m: Mark) -> Option<Paint> {
    match m {
        Mark::New => Some(Paint::Green),
        Mark::Changed => Some(Paint::Yellow),
    }
}

impl Pen {
    /// An indent of `width` with a mark's sign at its end ("  + " for new, "  ~ " for
    /// changed), the sign in colour on a terminal.
    fn lead(&self, width: usize, change: Option<Mark>) -> String {
        match change {
            None => " ".repeat(width),
            Some(m) => format!("{}{} ", " ".repeat(width.saturating_sub(2)), self.paint(sign(m), mark_paint(m))),
        }
    }

    /// The same pen without colour: what lines are wrapped with (escape codes have no width).
    fn plain(&self) -> Pen {
        Pen { width: self.width, colour: false }
    }

    /// [`Pen::wrap`] after an indent of `width` carrying a mark's sign, then `first`.
    fn wrap_marked(
        &self,
        out: &mut String,
        (width, change): (usize, Option<Mark>),
        first: &str,
        rest: &str,
        text: &str,
    ) {
        let plain = self.plain().lead(width, change);
        let mut lines = String::new();
        self.plain().wrap(&mut lines, &format!("{plain}{first}"), rest, text);
        out.push_str(&lines.replacen(&plain, &self.lead(width, change), 1));
    }
}

/// Text cut to a display width, with "…" when cut.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for ch in text.chars() {
        if out.width() + ch.to_string().width() + 1 > width {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

fn stance_paint(stance: Stance) -> Option<Paint> {
    match stance {
        Stance::Affirms => Some(Paint::Green),
        Stance::Denies => Some(Paint::Red),
        Stance::Qualifies => Some(Paint::Yellow),
        Stance::Declined | Stance::NoResponse => Some(Paint::Magenta),
        Stance::Neutral => None,
    }
}

fn cell_paint(c: MatrixCell) -> Option<Paint> {
    match c {
        MatrixCell::Affirms => Some(Paint::Green),
        MatrixCell::Denies => Some(Paint::Red),
        MatrixCell::Qualifies | MatrixCell::NotAsked | MatrixCell::Awaiting => Some(Paint::Yellow),
        MatrixCell::Declined | MatrixCell::NoResponse => Some(Paint::Magenta),
        MatrixCell::Neutral | MatrixCell::Blank => None,
    }
}

fn severity_paint(s: Severity) -> Option<Paint> {
    match s {
        Severity::High => Some(Paint::Red),
        Severity::Medium => Some(Paint::Yellow),
        Severity::Low => Some(Paint::Grey),
    }
}

/// A table fitted to `width`: columns keep their natural width while the table fits; the
/// widest shrink first, to no less than their header, and cells too long are cut with "…".
/// Each cell is (text, paint); `marks`, when given, puts each row's sign in its indent.
fn table(
    pen: &Pen,
    out: &mut String,
    indent: usize,
    header: &[&str],
    rows: &[Vec<(String, Option<Paint>)>],
    marks: &[Option<Mark>],
    whole: &[usize],
) {
    let columns = header.len();
    let gap = 2;
    let rows: Vec<Vec<(String, Option<Paint>)>> =
        rows.iter().map(|r| r.iter().map(|(text, paint)| (visible(text).into_owned(), *paint)).collect()).collect();
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r[i].0.width()).chain([header[i].width()]).max().unwrap_or(0))
        .collect();
    let room = pen.width.saturating_sub(indent + gap * (columns - 1));
    // Columns in `whole` (a stance, a date) are never cut: "affirms (withdraw…" says less
    // than the record does.
    while widths.iter().sum::<usize>() > room {
        let Some((widest, w)) =
            widths.iter().copied().enumerate().filter(|(i, _)| !whole.contains(i)).max_by_key(|(_, w)| *w)
        else {
            break;
        };
        let floor = header[widest].width().max(4);
        if w <= floor {
            break;
        }
        widths[widest] = w - 1;
    }
    let line = |cells: Vec<(String, Option<Paint>)>, change: Option<Mark>| -> String {
        let shown: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, ((text, paint), w))| {
                let text = cut(text, *w);
                let padding = if i + 1 == columns { String::new() } else { pad("", w.saturating_sub(text.width())) };
                format!("{}{padding}", pen.paint(&text, *paint))
            })
            .collect();
        format!("{}{}", pen.lead(indent, change), shown.join(&" ".repeat(gap))).trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header.iter().map(|h| (h.to_string(), Some(Paint::Bold))).collect(), None));
    for (i, row) in rows.iter().enumerate() {
        let _ = writeln!(out, "{}", line(row.clone(), marks.get(i).copied().flatten()));
    }
}

pub fn render(r: &Report, style: Style) -> String {
    let pen = Pen { width: style.width.max(40), colour: output::colour() };
    let mut out = String::new();
    let known = r.known_at.map(|k| format!(", as known at {k}")).unwrap_or_default();
    let mut title = String::new();
    pen.plain().wrap(&mut title, "", "", &r.title);
    let _ = write!(out, "{}", pen.paint(title.trim_end(), Some(Paint::Bold)));
    let _ = writeln!(out);
    pen.wrap(&mut out, "", "", &format!("As of {}{known}", r.as_of.human()));
    pen.wrap(&mut out, "", "", &words::counts_line(&r.counts));
    if let Some(title) = r.read_in_by_all() {
        pen.wrap(&mut out, "", "", &format!("Every claim below was read in “{title}”."));
    }
    let _ = writeln!(out);
    if let Some(d) = &r.changes {
        digest_into(&pen, &mut out, d);
        if !d.is_empty() {
            pen.wrap(&mut out, "", "", "Marked below: + new, ~ changed.");
        }
        let _ = writeln!(out);
    }
    summary(&pen, &mut out, &r.summary, &r.propositions);
    let _ = writeln!(out, "{}", pen.paint("STANCE MATRIX", Some(Paint::Bold)));
    matrix_into(&pen, &mut out, &r.matrix);
    let _ = writeln!(out);
    let shared = r.read_in_by_all();
    for (i, p) in r.propositions.iter().enumerate() {
        proposition(&pen, &mut out, i + 1, p, style.show_ids, shared.is_some());
    }
    notes(&pen, &mut out, r);
    let _ = writeln!(out);
    pen.wrap(&mut out, "", "", &format!("Database: {}", r.database));
    out
}

fn summary(pen: &Pen, out: &mut String, s: &Summary, props: &[PropositionReport]) {
    let _ = writeln!(out, "{}", pen.paint("SUMMARY", Some(Paint::Bold)));
    let numbers = super::numbers(props);
    let groups = s.groups();
    if groups.is_empty() {
        pen.wrap(out, "", "", Summary::NOTHING);
    }
    for (title, lines) in groups {
        pen.wrap(out, "", "", title);
        for l in lines {
            let first = format!("  [{}] ", numbers.get(l.proposition.as_str()).copied().unwrap_or(0));
            let rest = " ".repeat(first.width());
            pen.wrap(out, &first, &rest, &format!("{} — {}", l.text, l.what));
        }
    }
    let _ = writeln!(out);
}

/// The stance matrix: a table when it fits the width, else one line per proposition.
pub fn matrix(m: &Matrix, width: usize) -> String {
    let pen = Pen { width: width.max(40), colour: output::colour() };
    let mut out = String::new();
    matrix_into(&pen, &mut out, m);
    out
}

fn matrix_into(pen: &Pen, out: &mut String, m: &Matrix) {
    let numbers: Vec<String> = (1..=m.propositions.len()).map(|i| format!("[{i}]")).collect();
    let party_width = m.rows.iter().map(|r| r.party_name.width()).max().unwrap_or(5).min(28);
    let cell_width = m.rows.iter().flat_map(|r| &r.cells).map(|c| c.label().width()).max().unwrap_or(3).max(4);
    if party_width + (cell_width + 2) * m.propositions.len() <= pen.width {
        let mut header = vec!["party"];
        header.extend(numbers.iter().map(String::as_str));
        let rows: Vec<Vec<(String, Option<Paint>)>> = m
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![(r.party_name.clone(), None)];
                row.extend(r.cells.iter().map(|c| (c.label().to_string(), cell_paint(*c))));
                row
            })
            .collect();
        table(pen, out, 0, &header, &rows, &[], &[]);
        for (n, text) in numbers.iter().zip(&m.texts) {
            pen.wrap(out, &format!("{n} "), &" ".repeat(n.width() + 1), text);
        }
        return;
    }
    // Too wide for a table: each proposition with who stands where on it.
    for (i, (n, text)) in numbers.iter().zip(&m.texts).enumerate() {
        let stands: Vec<String> =
            m.stands(i).iter().map(|(c, names)| format!("{}: {}", c.label(), words::list(names))).collect();
        let indent = " ".repeat(n.width() + 1);
        pen.wrap(out, &format!("{n} "), &indent, &format!("{text} — {}", stands.join("; ")));
    }
}

fn date_cell(c: &ClaimLine) -> String {
    words::claim_date(c.date, c.date_basis, None)
}

fn proposition(pen: &Pen, out: &mut String, n: usize, p: &PropositionReport, show_ids: bool, shared: bool) {
    let mut status = p.status.as_str().to_uppercase();
    if let Some(m) = p.change {
        status.push_str(&format!("; {}", m.word().to_uppercase()));
    }
    let first = format!("[{n}] ");
    pen.wrap(out, &first, &" ".repeat(first.width()), &format!("{} ({status})", p.text));
    let indent = "    ";
    if show_ids {
        pen.wrap(out, indent, indent, &format!("id {}", p.id));
    }
    pen.wrap(out, indent, indent, &words::support_line(p));
    if let Some(v) = &p.verdict {
        pen.wrap(out, &format!("{indent}Verdict: "), &format!("{indent}  "), &v.said);
    }
    if let Some(note) = &p.note {
        pen.wrap(out, &format!("{indent}Note: "), indent, note);
    }
    let mut header = vec!["party", "stance", "date"];
    if !shared {
        header.push("read in");
    }
    let rows: Vec<Vec<(String, Option<Paint>)>> = p
        .claims
        .iter()
        .map(|c| {
            let party = if show_ids { format!("{} {}", c.party_name, c.claim) } else { c.party_name.clone() };
            let mut row = vec![(party, None), (words::stance_cell(c), stance_paint(c.stance)), (date_cell(c), None)];
            if !shared {
                row.push((short(&c.read_in_title, 40), None));
            }
            row
        })
        .collect();
    if !rows.is_empty() {
        let marks: Vec<Option<Mark>> = p.claims.iter().map(|c| c.change).collect();
        table(pen, out, 4, &header, &rows, &marks, &[1, 2]);
    }
    // What each claim said, and on what it rests, under the table.
    for c in &p.claims {
        let said = words::claim_detail(c);
        if !said.is_empty() {
            pen.wrap(
                out,
                &format!("{indent}• {} {}: ", c.party_name, words::said(c.stance)),
                &format!("{indent}  "),
                &said,
            );
        }
    }
    for (line, change) in p.request_lines() {
        pen.wrap_marked(out, (indent.len(), change), "• Request: ", &format!("{indent}  "), &line);
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "{indent}Findings");
        for f in p.finding_lines() {
            let sev = f.severity.as_str().to_uppercase();
            let first_plain = format!("{}{sev} ", pen.plain().lead(indent.len() + 2, f.change));
            let rest = " ".repeat(first_plain.width());
            let mut text = String::new();
            pen.plain().wrap(&mut text, &first_plain, &rest, &format!("{}: {}", f.kind, f.said));
            let first =
                format!("{}{} ", pen.lead(indent.len() + 2, f.change), pen.paint(&sev, severity_paint(f.severity)));
            let _ = write!(out, "{}", text.replacen(&first_plain, &first, 1));
        }
    }
    for (title, lines) in words::desk_record(p) {
        let _ = writeln!(out, "{indent}{title}");
        for line in lines {
            pen.wrap(out, &format!("{indent}  "), &format!("{indent}    "), &line);
        }
    }
    let dated: Vec<&super::TimelineEntry> = p.timeline.iter().filter(|e| e.date.is_some()).collect();
    if dated.len() >= 2 {
        let _ = writeln!(out, "{indent}Dates");
        for e in dated {
            let date = e.when();
            let mark = if e.reversal { " (turned)" } else { "" };
            pen.wrap(out, &format!("{indent}  {date}: "), &format!("{indent}    "), &format!("{}{mark}", e.text));
        }
    }
    let _ = writeln!(out);
}

/// Notes on the sources and parties the report names, and what each source is.
fn notes(pen: &Pen, out: &mut String, r: &Report) {
    let _ = writeln!(out, "{}", pen.paint("SOURCES", Some(Paint::Bold)));
    for s in &r.sources {
        let mut text = format!("{} ({})", s.title, words::source_about(s));
        if let Some(note) = &s.note {
            text.push_str(&format!(". Note: {note}"));
        }
        match s.change {
            Some(_) => pen.wrap_marked(out, (4, s.change), "", "    ", &text),
            None => pen.wrap(out, "  • ", "    ", &text),
        }
    }
    let noted: Vec<&super::PartyEntry> = r.parties.iter().filter(|p| p.note.is_some()).collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "{}", pen.paint("PARTIES", Some(Paint::Bold)));
        for p in noted {
            pen.wrap(out, "  • ", "    ", &format!("{}: {}", p.name, p.note.as_deref().unwrap_or_default()));
        }
    }
}

/// What changed in a window, for the terminal (`claimtrack changes`; the head of `report
/// --since`), fitted to `width`: one line when nothing did.
pub fn digest(d: &Digest, width: usize) -> String {
    let pen = Pen { width: width.max(40), colour: output::colour() };
    let mut out = String::new();
    digest_into(&pen, &mut out, d);
    out
}

fn digest_into(pen: &Pen, out: &mut String, d: &Digest) {
    if d.is_empty() {
        pen.wrap(out, "", "", &d.nothing_line());
        return;
    }
    let _ = writeln!(out, "{}", pen.paint("WHAT CHANGED", Some(Paint::Bold)));
    pen.wrap(out, "", "", &format!("From {}.", d.span()));
    for (title, lines) in super::digest::sections(d) {
        pen.wrap(out, "", "", title);
        for (text, id) in lines {
            let text = id.map_or_else(|| text.clone(), |id| format!("{text} [{id}]"));
            pen.wrap(out, "  • ", "    ", &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_splits_words_or_overruns() {
        let pen = Pen { width: 20, colour: false };
        let mut out = String::new();
        pen.wrap(&mut out, "  - ", "    ", "the quick brown fox jumps over the lazy dog again and again");
        for line in out.lines() {
            assert!(line.width() <= 20, "{line:?}");
        }
        let words: Vec<&str> = out.split_whitespace().filter(|w| *w != "-").collect();
        assert_eq!(words.join(" "), "the quick brown fox jumps over the lazy dog again and again");
    }

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut("中文字符", 5), "中文…");
    }
}

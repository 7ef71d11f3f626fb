//! The report as Markdown: GitHub-flavoured tables that survive `|` and newlines in logged
//! text, notes as footnotes, for pasting into a CMS or a comment.

use super::digest::Digest;
use super::words;
use super::{ClaimLine, Mark, Matrix, PropositionReport, Report, Style, Summary};
use crate::output::visible;
use std::fmt::Write;

/// Text made safe for a table cell or a list line: pipes escaped, line breaks as <br>,
/// Markdown's own punctuation escaped so logged text never turns into markup (GitHub's
/// strikethrough `~~` and math `$` included; `&` where it would start an entity).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            '&' if chars.peek().is_some_and(|c| c.is_ascii_alphanumeric() || *c == '#') => out.push_str("\\&"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c if crate::text::is_bidi_control(c) => out.push_str(&crate::text::bidi_escaped(c)),
            _ => out.push(ch),
        }
    }
    out
}

/// Text as an inline code span: fenced with more backticks than it holds in a row (so none
/// inside can close it), line breaks and other controls as visible escapes (a code span
/// cannot hold a line break).
pub fn code(text: &str) -> String {
    let text = visible(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A Markdown table, every cell escaped, and the blank line that ends it.
pub fn table(out: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let _ = writeln!(out, "| {} |", header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
    }
    let _ = writeln!(out);
}

pub fn matrix(out: &mut String, m: &Matrix) {
    let numbers: Vec<String> = (1..=m.propositions.len()).map(|i| format!("[{i}]")).collect();
    let mut header = vec!["party"];
    header.extend(numbers.iter().map(String::as_str));
    let rows = m.rows.iter().map(|r| {
        let mut cells = vec![r.party_name.clone()];
        cells.extend(r.cells.iter().map(|c| c.label().to_string()));
        cells
    });
    table(out, &header, rows);
    for (n, text) in numbers.iter().zip(&m.texts) {
        let _ = writeln!(out, "- {}: {}", escape(n), escape(text));
    }
    let _ = writeln!(out);
}

pub fn render(r: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&r.title));
    let known = r.known_at.map(|k| format!(", as known at {k}")).unwrap_or_default();
    let _ = writeln!(out, "As of **{}**{known}.", r.as_of.human());
    let _ = writeln!(out, "{}.\n", escape(&words::counts_line(&r.counts)));
    if let Some(title) = r.read_in_by_all() {
        let _ = writeln!(out, "Every claim below was read in “{}”.\n", escape(title));
    }
    if let Some(d) = &r.changes {
        out.push_str(&digest(d, 2));
        let legend = if d.is_empty() { "" } else { "Marked below: **new** and **changed**.\n" };
        let _ = writeln!(out, "{legend}");
    }
    summary(&mut out, r);
    let _ = writeln!(out, "## Stance matrix\n");
    matrix(&mut out, &r.matrix);
    let mut footnotes = 0;
    for (i, p) in r.propositions.iter().enumerate() {
        proposition(&mut out, i + 1, p, &mut footnotes, style.show_ids, r.read_in_by_all().is_some());
    }
    sources(&mut out, r);
    let _ = writeln!(out, "\n---\n\nDatabase {}.", code(&r.database));
    out
}

fn summary(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Summary\n");
    let s = &r.summary;
    let numbers = super::numbers(&r.propositions);
    let groups = s.groups();
    if groups.is_empty() {
        let _ = writeln!(out, "{}\n", Summary::NOTHING);
    }
    for (title, lines) in groups {
        let _ = writeln!(out, "**{title}**\n");
        for l in lines {
            let n = numbers.get(l.proposition.as_str()).copied().unwrap_or(0);
            let _ = writeln!(out, "- \\[{n}\\] {} — {}", escape(&l.text), escape(&l.what));
        }
        let _ = writeln!(out);
    }
}

fn date_cell(c: &ClaimLine) -> String {
    words::claim_date(c.date, c.date_basis, c.logged)
}

/// A mark as Markdown, before what it marks: "**new** ".
fn marked(change: Option<Mark>) -> String {
    change.map(|m| format!("**{}** ", m.word())).unwrap_or_default()
}

fn proposition(out: &mut String, n: usize, p: &PropositionReport, footnotes: &mut usize, show_ids: bool, shared: bool) {
    let change = p.change.map(|m| format!(" **{}**", m.word())).unwrap_or_default();
    let _ = writeln!(out, "## \\[{n}\\] {} ({}){change}\n", escape(&p.text), p.status);
    if show_ids {
        let _ = writeln!(out, "Proposition {}.\n", code(&p.id));
    }
    let _ = writeln!(out, "{}", escape(&words::support_line(p)));
    if let Some(v) = &p.verdict {
        let _ = writeln!(out, "\n**Verdict:** {}", escape(&v.said));
    }
    if let Some(note) = &p.note {
        let _ = writeln!(out, "\n*Note:* {}", escape(note));
    }
    let _ = writeln!(out);
    let mut notes = Vec::new();
    let rows: Vec<Vec<String>> = p
        .claims
        .iter()
        .map(|c| {
            let mut party = format!("{}{}", marked(c.change), escape(&c.party_name));
            if show_ids {
                party.push_str(&format!(" {}", code(&c.claim)));
            }
            if let Some(note) = &c.note {
                *footnotes += 1;
                party.push_str(&format!("[^{footnotes}]"));
                notes.push((*footnotes, note));
            }
            // The note goes to a footnote; the rest of what the claim said stays in the row.
            let without_note = ClaimLine { note: None, ..c.clone() };
            let mut said = words::claim_detail(&without_note);
            if !shared {
                said = format!("read in {}. {said}", c.read_in_title).trim().to_string();
            }
            vec![party, escape(&words::stance_cell(c)), escape(&date_cell(c)), escape(&said)]
        })
        .collect();
    if !rows.is_empty() {
        // Cells are escaped above, so footnote marks stay live.
        let _ = writeln!(out, "| party | stance | date | said |\n|---|---|---|---|");
        for row in rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        let _ = writeln!(out);
    }
    let requests = p.request_lines();
    if !requests.is_empty() {
        let _ = writeln!(out, "Requests for comment:\n");
        for (line, change) in requests {
            let _ = writeln!(out, "- {}{}", marked(change), escape(&line));
        }
        let _ = writeln!(out);
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "Findings:\n");
        for f in p.finding_lines() {
            let _ = writeln!(
                out,
                "- {}**{}** {}: {} <sub>{}</sub>",
                marked(f.change),
                f.severity,
                f.kind,
                escape(&f.said),
                escape(&f.ids.join(" "))
            );
        }
        let _ = writeln!(out);
    }
    for (title, lines) in words::desk_record(p) {
        let _ = writeln!(out, "{title}:\n");
        for line in lines {
            let _ = writeln!(out, "- {}", escape(&line));
        }
        let _ = writeln!(out);
    }
    let dated: Vec<&super::TimelineEntry> = p.timeline.iter().filter(|e| e.date.is_some()).collect();
    if dated.len() >= 2 {
        let _ = writeln!(out, "Dates:\n");
        for e in dated {
            let mark = if e.reversal { " (turned)" } else { "" };
            let date = e.when();
            let _ = writeln!(out, "- {}: {}{mark}", escape(&date), escape(&e.text));
        }
        let _ = writeln!(out);
    }
    for (n, note) in notes {
        let _ = writeln!(out, "[^{n}]: {}", escape(note));
    }
    if *footnotes > 0 {
        let _ = writeln!(out);
    }
}

fn sources(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Sources\n");
    for s in &r.sources {
        let note = s.note.as_deref().map(|n| format!(" {}", escape(n))).unwrap_or_default();
        let _ = writeln!(
            out,
            "- {}**{}** ({}).{note}",
            marked(s.change),
            escape(&s.title),
            escape(&words::source_about(s))
        );
    }
    let noted: Vec<&super::PartyEntry> = r.parties.iter().filter(|p| p.note.is_some()).collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "\n## Parties\n");
        for p in noted {
            let _ = writeln!(out, "- **{}**: {}", escape(&p.name), escape(p.note.as_deref().unwrap_or_default()));
        }
    }
}

/// What changed in a window as Markdown, under a heading of `level` (`claimtrack changes`;
/// the head of `report --since`): one line when nothing did.
pub fn digest(d: &Digest, level: usize) -> String {
    if d.is_empty() {
        return format!("{}\n", escape(&d.nothing_line()));
    }
    let mut out = format!("{} What changed\n\nFrom {}.\n\n", "#".repeat(level), escape(&d.span()));
    for (title, lines) in super::digest::sections(d) {
        let _ = writeln!(out, "**{title}**\n");
        for (text, id) in lines {
            let id = id.map(|id| format!(" <sub>{}</sub>", escape(&id))).unwrap_or_default();
            let _ = writeln!(out, "- {}{id}", escape(&text));
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_survive_pipes_newlines_and_markup() {
        assert_eq!(escape("a | b\nc"), "a \\| b<br>c");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("**bold** [x](y)"), "\\*\\*bold\\*\\* \\[x\\](y)");
        assert_eq!(escape("~~gone~~ $x$ &amp; & co"), "\\~\\~gone\\~\\~ \\$x\\$ \\&amp; & co");
    }

    #[test]
    fn code_spans_hold_backticks_and_line_breaks() {
        assert_eq!(code("story.db"), "`story.db`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("x\n# Heading\r"), "`x\\n# Heading\\r`");
        assert!(!code("a\u{2028}b").contains('\u{2028}'));
    }
}

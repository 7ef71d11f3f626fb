//! The report as Markdown: GitHub-flavoured tables that survive `|` and newlines in logged
//! text, for pasting into a CMS or a comment.

use super::{chain, counts_line, plain, shown_date, support_line, Matrix, PropositionReport, Report};
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

fn table(out: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let _ = writeln!(out, "| {} |", header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
    }
    let _ = writeln!(out);
}

pub fn matrix(out: &mut String, m: &Matrix) {
    let mut header = vec!["party"];
    header.extend(m.propositions.iter().map(String::as_str));
    let rows = m.rows.iter().map(|r| {
        let mut cells = vec![r.party_name.clone()];
        cells.extend(r.cells.iter().map(|c| c.label().to_string()));
        cells
    });
    table(out, &header, rows);
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Story report\n");
    let _ = writeln!(out, "Database {}, as of **{}**.\n", code(&r.database), r.as_of);
    let _ = writeln!(out, "{}.\n", escape(&counts_line(&r.counts)));
    let _ = writeln!(out, "## Stance matrix\n");
    matrix(&mut out, &r.matrix);
    for p in &r.propositions {
        proposition(&mut out, p);
    }
    out
}

fn proposition(out: &mut String, p: &PropositionReport) {
    let _ = writeln!(out, "## {} ({})\n", escape(&p.text), p.status);
    let _ = writeln!(out, "Proposition {}.", code(&p.id));
    let _ = writeln!(out, "{}.", escape(&support_line(p)));
    let _ = writeln!(out);
    if !p.positions.is_empty() {
        let rows = p.positions.iter().map(|pos| {
            vec![
                pos.party_name.clone(),
                pos.stance.to_string(),
                shown_date(&pos.date, Some(pos.date_basis)),
                pos.source_title.clone(),
                pos.via.clone().unwrap_or_default(),
                pos.confidence.map(|c| c.to_string()).unwrap_or_default(),
                pos.grade.map(|g| g.to_string()).unwrap_or_default(),
            ]
        });
        table(out, &["party", "stance", "date", "source", "via", "confidence", "grade"], rows);
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "### Findings\n");
        for f in &p.findings {
            let _ = writeln!(out, "- **{}** {}: {} ({})", f.severity, f.kind, escape(&plain(f)), code(&f.id));
        }
        let _ = writeln!(out);
    }
    if !p.provenance.is_empty() {
        let _ = writeln!(out, "### Provenance\n");
        for l in &p.provenance {
            let via = l.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}{}: {}",
                escape(&format!("{} {}", l.party, l.stance)),
                escape(&via),
                escape(&chain(&l.trace))
            );
        }
        let _ = writeln!(out);
    }
    if !p.timeline.is_empty() {
        let _ = writeln!(out, "### Timeline\n");
        let rows = p.timeline.iter().map(|e| {
            vec![
                shown_date(&e.date, e.date_basis),
                e.kind.to_string(),
                e.text.clone(),
                if e.reversal { "reversal".into() } else { String::new() },
            ]
        });
        table(out, &["date", "event", "what", "mark"], rows);
    }
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

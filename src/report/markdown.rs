//! The report as Markdown: GitHub-flavoured tables that survive `|` and newlines in logged
//! text, for pasting into a CMS or a comment.

use super::{chain, counts_line, plain, shown_date, support_line, Matrix, PropositionReport, Report};
use std::fmt::Write;

/// Text made safe for a table cell or a list line: pipes escaped, line breaks as <br>,
/// Markdown's own punctuation escaped so logged text never turns into markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\r' => {}
            '\n' => out.push_str("<br>"),
            _ => out.push(ch),
        }
    }
    out
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
    let _ = writeln!(out, "Database `{}`, as of **{}**.\n", r.database.replace('`', "'"), r.as_of);
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
    let _ = writeln!(out, "Proposition `{}`.", p.id.replace('`', "'"));
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
            let _ = writeln!(out, "- **{}** {}: {} (`{}`)", f.severity, f.kind, escape(&plain(f)), f.id);
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
    }
}

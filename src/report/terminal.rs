//! The report for the terminal: comfy-table tables that fit its width, coloured on a
//! terminal unless NO_COLOR is set.

use super::{
    chain, counts_line, plain, shown_date, support_line, Cell as MatrixCell, Matrix, PropositionReport, Report,
};
use crate::output::{self, visible};
use comfy_table::{Cell, Color, Table};
use std::fmt::Write;

fn stance_colour(stance: &str) -> Option<Color> {
    match stance {
        "affirms" => Some(Color::Green),
        "denies" => Some(Color::Red),
        "qualifies" => Some(Color::Yellow),
        "declined" | "no response" | "no-response" => Some(Color::Magenta),
        "silent (expected)" => Some(Color::DarkYellow),
        _ => None,
    }
}

/// A cell coloured by the stance it names, when colour is on.
fn stance_cell(text: &str, colour: bool) -> Cell {
    let cell = Cell::new(text);
    match stance_colour(text) {
        Some(c) if colour => cell.fg(c),
        _ => cell,
    }
}

pub fn matrix(m: &Matrix) -> Table {
    let colour = output::colour();
    let mut header = vec!["party"];
    header.extend(m.propositions.iter().map(String::as_str));
    let mut t = output::table(&header);
    for row in &m.rows {
        let mut cells = vec![output::cell(&row.party_name)];
        cells.extend(row.cells.iter().map(|c: &MatrixCell| stance_cell(c.label(), colour)));
        t.add_row(cells);
    }
    t
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "claimtrack report: {} as of {}", visible(&r.database), r.as_of);
    let _ = writeln!(out, "{}\n", counts_line(&r.counts));
    let _ = writeln!(out, "Stance matrix\n{}\n", matrix(&r.matrix));
    for p in &r.propositions {
        proposition(&mut out, p);
    }
    out
}

fn proposition(out: &mut String, p: &PropositionReport) {
    let colour = output::colour();
    let _ = writeln!(out, "== {} [{}]\n{}", visible(&p.id), p.status, visible(&p.text));
    let _ = writeln!(
        out,
        "{}
",
        support_line(p)
    );
    if !p.positions.is_empty() {
        let mut t = output::table(&["party", "stance", "date", "source", "via", "confidence", "grade"]);
        for pos in &p.positions {
            t.add_row(vec![
                output::cell(&pos.party_name),
                stance_cell(pos.stance.as_str(), colour),
                Cell::new(shown_date(&pos.date, Some(pos.date_basis))),
                output::cell(&pos.source_title),
                output::cell(pos.via.as_deref().unwrap_or("")),
                Cell::new(pos.confidence.map(|c| c.to_string()).unwrap_or_default()),
                Cell::new(pos.grade.map(|g| g.to_string()).unwrap_or_default()),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "Findings:");
        for f in &p.findings {
            let kind = f.reason.map_or_else(|| f.kind.to_string(), |r| format!("{}: {r}", f.kind));
            let _ = writeln!(out, "  - [{}] {kind}: {} ({})", f.severity, visible(&plain(f)), visible(&f.id));
        }
    }
    if !p.provenance.is_empty() {
        let _ = writeln!(out, "Provenance:");
        for l in &p.provenance {
            let via = l.via.as_deref().map(|v| format!(" via {}", visible(v))).unwrap_or_default();
            let _ = writeln!(out, "  - {} {}{via}: {}", visible(&l.party), l.stance, visible(&chain(&l.trace)));
        }
    }
    if !p.timeline.is_empty() {
        let _ = writeln!(out, "Timeline:");
        for e in &p.timeline {
            let mark = if e.reversal { " ⟲ reversal" } else { "" };
            let _ =
                writeln!(out, "  {:<10}  {:<10} {}{mark}", shown_date(&e.date, e.date_basis), e.kind, visible(&e.text));
        }
    }
    let _ = writeln!(out);
}

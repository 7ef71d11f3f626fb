//! The report for the terminal: comfy-table tables that fit its width, coloured on a
//! terminal unless NO_COLOR is set.

use super::{chain, plain, Cell as MatrixCell, Matrix, PropositionReport, Report};
use crate::output;
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
        let mut cells = vec![Cell::new(&row.party_name)];
        cells.extend(row.cells.iter().map(|c: &MatrixCell| stance_cell(c.label(), colour)));
        t.add_row(cells);
    }
    t
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let findings: Vec<String> = r.counts.open_findings.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(out, "claimtrack report: {} as of {}", r.database, r.as_of);
    let _ = writeln!(
        out,
        "{} propositions, {} claims, {} parties; open findings: {}\n",
        r.counts.propositions,
        r.counts.claims,
        r.counts.parties,
        if findings.is_empty() { "none".to_string() } else { findings.join(", ") }
    );
    let _ = writeln!(out, "Stance matrix\n{}\n", matrix(&r.matrix));
    for p in &r.propositions {
        proposition(&mut out, p);
    }
    out
}

fn proposition(out: &mut String, p: &PropositionReport) {
    let colour = output::colour();
    let _ = writeln!(out, "== {} [{}]\n{}", p.id, p.status, p.text);
    let support: Vec<String> = p
        .support
        .iter()
        .map(|(side, s)| format!("{side}: support {:.2}, grade {}, {} root(s)", s.support, s.grade, s.roots.len()))
        .collect();
    let _ = writeln!(out, "{}\n", support.join("; "));
    if !p.positions.is_empty() {
        let mut t = output::table(&["party", "stance", "date", "source", "via", "confidence", "grade"]);
        for pos in &p.positions {
            t.add_row(vec![
                Cell::new(&pos.party_name),
                stance_cell(pos.stance.as_str(), colour),
                Cell::new(pos.date),
                Cell::new(&pos.source_title),
                Cell::new(pos.via.as_deref().unwrap_or("")),
                Cell::new(pos.confidence.map(|c| c.to_string()).unwrap_or_default()),
                Cell::new(pos.grade.map(|g| g.to_string()).unwrap_or_default()),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "Findings:");
        for f in &p.findings {
            let _ = writeln!(out, "  - [{}] {} ({})", f.severity, plain(f), f.id);
        }
    }
    if !p.provenance.is_empty() {
        let _ = writeln!(out, "Provenance:");
        for l in &p.provenance {
            let via = l.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default();
            let _ = writeln!(out, "  - {} {}{via}: {}", l.party, l.stance, chain(&l.trace));
        }
    }
    if !p.timeline.is_empty() {
        let _ = writeln!(out, "Timeline:");
        for e in &p.timeline {
            let mark = if e.reversal { " ⟲ reversal" } else { "" };
            let _ = writeln!(out, "  {}  {:<10} {}{mark}", e.date, e.kind, e.text);
        }
    }
    let _ = writeln!(out);
}

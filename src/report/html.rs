//! The report as one self-contained HTML page: inline CSS, an inline SVG timeline per
//! proposition, no scripts and nothing fetched. Every piece of logged text is escaped.

use super::{chain, counts_line, plain, shown_date, support_line, Cell, Event, Matrix, PropositionReport, Report};
use crate::model::Stance;
use std::fmt::Write;

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --affirms: #1a7f37; --denies: #cf222e; --qualifies: #bf8700; --neutral: #6e7781;
        --declined: #8250df; --noresp: #8250df; --silent: #d4a72c; --ink: #1f2328; --rule: #d0d7de; }
* { box-sizing: border-box; }
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: var(--ink); max-width: 72rem;
       margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.35rem; margin-top: 2.5rem; border-top: 2px solid var(--ink); padding-top: .75rem; }
h3 { font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: #57606a; }
.meta { color: #57606a; font-family: "Helvetica Neue", Arial, sans-serif; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0; font-family: "Helvetica Neue", Arial, sans-serif; font-size: .875rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.date { white-space: nowrap; }
th { background: #f6f8fa; }
.matrix td.cell { text-align: center; font-weight: 600; }
td.affirms { background: #dafbe1; color: var(--affirms); }
td.denies { background: #ffebe9; color: var(--denies); }
td.qualifies { background: #fff8c5; color: #7d4e00; }
td.neutral { background: #f6f8fa; color: var(--neutral); }
td.declined, td.no-response { background: #fbefff; color: var(--declined); }
td.silent-but-expected { background: #fff8c5; color: #7d4e00; font-style: italic; }
.status { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-size: .8rem;
          font-family: "Helvetica Neue", Arial, sans-serif; text-transform: uppercase; letter-spacing: .04em; border: 1px solid; }
.status.contested { color: var(--denies); } .status.denied { color: var(--denies); }
.status.corroborated { color: var(--affirms); } .status.single-source { color: var(--qualifies); }
.status.unanswered { color: var(--neutral); }
ul.findings { list-style: none; padding: 0; }
ul.findings li { border-left: 4px solid var(--rule); background: #f6f8fa; margin: .4rem 0; padding: .4rem .75rem; }
ul.findings li.high { border-color: var(--denies); background: #fff5f5; }
ul.findings li.medium { border-color: var(--qualifies); background: #fffbea; }
ul.findings li.low { border-color: var(--neutral); }
.kind { font-family: "Helvetica Neue", Arial, sans-serif; font-weight: 700; font-size: .8rem; text-transform: uppercase; }
.id { font-family: ui-monospace, Menlo, monospace; font-size: .75rem; color: #57606a; }
ul.provenance li { margin: .25rem 0; }
svg.timeline { width: 100%; height: auto; border: 1px solid var(--rule); background: #fff; }
svg text { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 11px; fill: var(--ink); }
.legend { font-family: "Helvetica Neue", Arial, sans-serif; font-size: .8rem; color: #57606a; }
.legend span { margin-right: 1rem; }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; vertical-align: middle; margin-right: .25rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-before: auto; break-after: avoid; }
  section.proposition { break-inside: avoid-page; }
  table, svg.timeline, ul.findings li { break-inside: avoid; }
  td.affirms, td.denies, td.qualifies, td.neutral, td.declined, td.no-response, td.silent-but-expected,
  ul.findings li { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn colour(stance: Stance) -> &'static str {
    match stance {
        Stance::Affirms => "#1a7f37",
        Stance::Denies => "#cf222e",
        Stance::Qualifies => "#bf8700",
        Stance::Neutral => "#6e7781",
        Stance::Declined | Stance::NoResponse => "#8250df",
    }
}

fn cell_class(c: Cell) -> &'static str {
    match c {
        Cell::Affirms => "affirms",
        Cell::Denies => "denies",
        Cell::Qualifies => "qualifies",
        Cell::Neutral => "neutral",
        Cell::Declined => "declined",
        Cell::NoResponse => "no-response",
        Cell::SilentButExpected => "silent-but-expected",
        Cell::Blank => "blank",
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Story report as of {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        r.as_of
    );
    let _ = writeln!(out, "<header>\n<h1>Story report</h1>");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Database <code>{}</code> · as of <strong>{}</strong> · {}</p>\n</header>",
        escape(&r.database),
        r.as_of,
        escape(&counts_line(&r.counts))
    );
    matrix(&mut out, &r.matrix, r);
    for p in &r.propositions {
        proposition(&mut out, p);
    }
    let _ = writeln!(out, "</body>\n</html>");
    out
}

fn matrix(out: &mut String, m: &Matrix, r: &Report) {
    let _ = writeln!(
        out,
        "<section id=\"matrix\">\n<h2>Stance matrix</h2>\n<table class=\"matrix\">\n<thead><tr><th>party</th>"
    );
    for p in &m.propositions {
        let title = r.propositions.iter().find(|x| &x.id == p).map(|x| x.text.as_str()).unwrap_or("");
        let _ =
            write!(out, "<th title=\"{}\"><a href=\"#{}\">{}</a></th>", escape(title), escape(&anchor(p)), escape(p));
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for row in &m.rows {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(&row.party_name));
        for c in &row.cells {
            let _ = write!(out, "<td class=\"cell {}\">{}</td>", cell_class(*c), escape(c.label()));
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody>\n</table>\n</section>");
}

fn anchor(id: &str) -> String {
    format!("p-{}", id.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>())
}

fn proposition(out: &mut String, p: &PropositionReport) {
    let _ = writeln!(out, "<section class=\"proposition\" id=\"{}\">", escape(&anchor(&p.id)));
    let _ = writeln!(out, "<h2>{} <span class=\"status {}\">{}</span></h2>", escape(&p.text), p.status, p.status);
    let _ = write!(out, "<p class=\"meta\">Proposition <code>{}</code>", escape(&p.id));
    let _ = write!(out, " · {}", escape(&support_line(p)));
    let _ = writeln!(out, "</p>");
    if !p.positions.is_empty() {
        let _ = writeln!(out, "<table class=\"positions\">\n<thead><tr><th>party</th><th>stance</th><th>date</th><th>source</th><th>via</th><th>confidence</th><th>grade</th></tr></thead>\n<tbody>");
        for pos in &p.positions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"{}\">{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&pos.party_name),
                pos.stance,
                pos.stance,
                shown_date(&pos.date, Some(pos.date_basis)),
                escape(&pos.source_title),
                escape(pos.via.as_deref().unwrap_or("")),
                pos.confidence.map(|c| c.to_string()).unwrap_or_default(),
                pos.grade.map(|g| g.to_string()).unwrap_or_default()
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "<h3>Findings</h3>\n<ul class=\"findings\">");
        for f in &p.findings {
            let _ = writeln!(
                out,
                "<li class=\"{}\"><span class=\"kind\">{}</span> {} <span class=\"id\">{}</span></li>",
                f.severity,
                escape(&f.reason.map_or_else(|| f.kind.to_string(), |r| format!("{}: {r}", f.kind))),
                escape(&plain(f)),
                escape(&f.id)
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    if !p.provenance.is_empty() {
        let _ = writeln!(out, "<h3>Provenance</h3>\n<ul class=\"provenance\">");
        for l in &p.provenance {
            let via = l.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><strong>{} {}</strong>{}: {}</li>",
                escape(&l.party),
                l.stance,
                escape(&via),
                escape(&chain(&l.trace))
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    if !p.timeline.is_empty() {
        let _ = writeln!(out, "<h3>Timeline</h3>");
        timeline_svg(out, &p.timeline);
        let _ = writeln!(
            out,
            "<table class=\"timeline\">\n<thead><tr><th>date</th><th>event</th><th>what</th></tr></thead>\n<tbody>"
        );
        for e in &p.timeline {
            let mark = if e.reversal { " <strong>(reversal)</strong>" } else { "" };
            let date = shown_date(&e.date, e.date_basis);
            let _ = writeln!(
                out,
                "<tr><td class=\"date\">{date}</td><td>{}</td><td>{}{mark}</td></tr>",
                e.kind,
                escape(&e.text)
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    let _ = writeln!(out, "</section>");
}

/// One lane per party, a mark per claim coloured by stance; requests, deadlines and
/// retractions drawn on the same lanes; reversals ringed.
fn timeline_svg(out: &mut String, events: &[Event]) {
    const WIDTH: f64 = 760.0;
    const LABEL: f64 = 170.0;
    const LANE: f64 = 28.0;
    const TOP: f64 = 24.0;
    let mut lanes: Vec<(&str, &str)> = Vec::new();
    for e in events {
        if !lanes.iter().any(|l| l.0 == e.party) {
            lanes.push((&e.party, &e.party_name));
        }
    }
    let times: Vec<i64> = events.iter().map(|e| e.date.start().timestamp()).collect();
    let (min, max) = (times.iter().min().copied().unwrap_or(0), times.iter().max().copied().unwrap_or(0));
    let x = |t: i64| {
        if max == min {
            (LABEL + WIDTH - 20.0) / 2.0
        } else {
            LABEL + 10.0 + (t - min) as f64 / (max - min) as f64 * (WIDTH - LABEL - 30.0)
        }
    };
    let height = TOP + LANE * lanes.len() as f64 + 24.0;
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Timeline of claims and requests\">"
    );
    for (i, (_, name)) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64 + LANE / 2.0;
        let label: String =
            if name.chars().count() > 26 { name.chars().take(25).chain(['…']).collect() } else { name.to_string() };
        let _ = writeln!(
            out,
            "<line x1=\"{LABEL}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#d0d7de\"/><text x=\"4\" y=\"{}\">{}</text>",
            WIDTH - 10.0,
            y + 4.0,
            escape(&label)
        );
    }
    // Marks on one lane at one moment are set side by side instead of on top of each other.
    let mut taken: std::collections::HashMap<(usize, i64), usize> = std::collections::HashMap::new();
    for (e, t) in events.iter().zip(&times) {
        let lane = lanes.iter().position(|l| l.0 == e.party).unwrap_or(0);
        let slot = taken.entry((lane, *t)).or_insert(0);
        let (cx, cy) = (x(*t) + 13.0 * *slot as f64, TOP + LANE * lane as f64 + LANE / 2.0);
        *slot += 1;
        let approximate = match e.date {
            crate::date::Date::Year(_) => " (some time that year)",
            crate::date::Date::Month(..) => " (some time that month)",
            _ => "",
        };
        let title = format!(
            "<title>{}{approximate} {}: {}</title>",
            shown_date(&e.date, e.date_basis),
            e.kind,
            escape(&e.text)
        );
        let _ = match (e.kind, e.stance) {
            ("claim", Some(Stance::NoResponse)) => writeln!(out, "<circle cx=\"{cx:.1}\" cy=\"{cy}\" r=\"6\" fill=\"#fff\" stroke=\"#8250df\" stroke-width=\"2\">{title}</circle>"),
            ("claim", Some(stance)) => writeln!(out, "<circle cx=\"{cx:.1}\" cy=\"{cy}\" r=\"6\" fill=\"{}\">{title}</circle>", colour(stance)),
            ("request", _) => writeln!(out, "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\">{title}</polygon>", cx, cy - 7.0, cx - 6.0, cy + 5.0, cx + 6.0, cy + 5.0),
            ("deadline", _) => writeln!(out, "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"#cf222e\" stroke-width=\"2\" stroke-dasharray=\"3 2\">{title}</line>", cy - 10.0, cy + 10.0),
            _ => writeln!(out, "<path d=\"M{:.1} {:.1} l10 10 m0 -10 l-10 10\" stroke=\"#1f2328\" stroke-width=\"2\">{title}</path>", cx - 5.0, cy - 5.0),
        };
        if e.reversal {
            let _ = writeln!(
                out,
                "<circle cx=\"{cx:.1}\" cy=\"{cy}\" r=\"10\" fill=\"none\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            );
        }
    }
    let axis_y = TOP + LANE * lanes.len() as f64 + 16.0;
    let first = events.first().map(|e| e.date.to_string()).unwrap_or_default();
    let last = events.last().map(|e| e.date.to_string()).unwrap_or_default();
    if first == last {
        let _ = writeln!(out, "<text x=\"{:.1}\" y=\"{axis_y}\" text-anchor=\"middle\">{first}</text>", x(min));
    } else {
        let _ = writeln!(out, "<text x=\"{LABEL}\" y=\"{axis_y}\">{first}</text>");
        let _ = writeln!(out, "<text x=\"{}\" y=\"{axis_y}\" text-anchor=\"end\">{last}</text>", WIDTH - 10.0);
    }
    let _ = writeln!(out, "</svg>");
    let _ = writeln!(
        out,
        "<p class=\"legend\"><span><i class=\"dot\" style=\"background:#1a7f37\"></i>affirms</span><span><i class=\"dot\" style=\"background:#cf222e\"></i>denies</span><span><i class=\"dot\" style=\"background:#bf8700\"></i>qualifies</span><span><i class=\"dot\" style=\"background:#6e7781\"></i>neutral</span><span><i class=\"dot\" style=\"background:#8250df\"></i>declined / no response</span><span>△ request</span><span>┆ deadline</span><span>✕ retraction</span><span>◯ reversal</span></p>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_attribute_breakouts() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("\"><img src=x onerror=y>"), "&quot;&gt;&lt;img src=x onerror=y&gt;");
        assert_eq!(escape("a & 'b'"), "a &amp; &#39;b&#39;");
    }
}

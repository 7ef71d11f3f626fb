//! The report as one self-contained HTML page: inline CSS, an inline SVG timeline where a
//! proposition has two dates or more, no scripts and nothing fetched. Laid out for any width
//! from a phone to a wide screen (360 to 1600 px) with nothing to scroll sideways: the stance
//! matrix is a table where its columns fit and one block per proposition where they do not
//! (a media query at the width this page's table needs), a timeline is a chart on a wide
//! screen and a list of dates on a narrow one, and long words wrap. For print too (the
//! summary on page one). Every piece of logged text is escaped.

use super::digest::Digest;
use super::words::{self, short};
use super::{Cell, ClaimLine, Mark, Matrix, PropositionReport, Report, Style, Summary, TimelineEntry};
use crate::model::{DateBasis, Stance};
use crate::reconcile::ClaimStatus;
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
            c if crate::text::is_bidi_control(c) => out.push_str(&crate::text::bidi_escaped(c)),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --affirms: #1a7f37; --denies: #cf222e; --qualifies: #9a6700; --neutral: #57606a;
        --declined: #8250df; --ink: #1f2328; --muted: #57606a; --rule: #d0d7de; --tint: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); max-width: 74rem; margin: 1.25rem auto; padding: 0 .9rem; overflow-wrap: break-word; }
h1 { font-size: 1.45rem; margin: 0 0 .2rem; }
h2 { font-size: 1.02rem; margin: .9rem 0 .1rem; padding-top: .3rem; border-top: 2px solid var(--ink); }
h3 { font-size: .78rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: .7rem 0 .2rem; }
p { margin: .25rem 0; }
.meta, .id, .note, .legend { color: var(--muted); }
.meta { font-size: .85rem; }
.id { font: .72rem ui-monospace, Menlo, Consolas, monospace; }
.note { font-size: .8rem; display: block; }
a { color: inherit; }
section.summary { border: 1px solid var(--rule); border-radius: 6px; padding: .2rem .9rem .6rem; margin-top: .8rem; }
section.summary ul { margin: 0; padding-left: 1.1rem; }
@media (min-width: 900px) { section.summary { columns: 2; column-gap: 2rem; } section.summary div { break-inside: avoid; } }
section.summary li { margin: .15rem 0; }
.num { color: var(--muted); font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { font-weight: 600; }
table.matrix { width: 100%; }
table.matrix th.prop { min-width: 6.5rem; font-size: .74rem; font-weight: 500; line-height: 1.25; }
table.matrix th.prop a { text-decoration: none; }
table.matrix th:first-child { min-width: 8rem; max-width: 12rem; }
.matrix-blocks { display: none; }
.matrix-blocks dl { margin: .3rem 0 .5rem; }
.matrix-blocks dt { font-weight: 600; font-size: .88rem; }
.matrix-blocks dd { margin: .05rem 0 0 1.1rem; font-size: .85rem; }
.matrix-blocks .stance { display: inline-block; min-width: 5.5rem; }
@media (min-width: 900px) { .matrix-blocks { columns: 2; column-gap: 2rem; } .matrix-blocks dl { break-inside: avoid; margin-top: 0; } }
ol.timeline-list { display: none; list-style: none; padding: 0; margin: .2rem 0; font-size: .82rem; }
ol.timeline-list li { margin: .1rem 0; }
ol.timeline-list .when { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .35rem; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
table.matrix td { text-align: center; white-space: nowrap; font-weight: 600; font-size: .8rem; }
td.affirms { background: #dafbe1; color: var(--affirms); }
td.denies { background: #ffebe9; color: var(--denies); }
td.qualifies, td.awaiting, td.not-asked { background: #fff8c5; color: #7d4e00; }
td.neutral { background: var(--tint); color: var(--neutral); }
td.declined, td.no-response { background: #fbefff; color: var(--declined); }
table.claims { width: 100%; margin: .1rem 0; table-layout: fixed; }
col.party { width: 12rem; } col.stance { width: 8.5rem; } col.date { width: 8.5rem; }
td, th, li, p, dd, dt, h1, h2 { overflow-wrap: anywhere; }
table.claims td.said .note { display: inline; }
.stance { font-weight: 600; }
.stance.affirms { color: var(--affirms); } .stance.denies { color: var(--denies); }
.stance.qualifies { color: var(--qualifies); } .stance.declined, .stance.no-response { color: var(--declined); }
tr.gone td { color: var(--muted); } tr.gone span.stance { text-decoration: line-through; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .72rem; text-transform: uppercase;
          letter-spacing: .04em; border: 1px solid; vertical-align: middle; font-weight: 600; }
.status.contested, .status.denied { color: var(--denies); } .status.corroborated { color: var(--affirms); }
.status.single-source { color: var(--qualifies); } .status.unanswered { color: var(--neutral); }
ul.findings { list-style: none; padding: 0; margin: .15rem 0; }
ul.findings li { border-left: 4px solid var(--rule); background: var(--tint); margin: .15rem 0; padding: .15rem .6rem; font-size: .86rem; }
ul.findings li.high { border-color: var(--denies); background: #fff5f5; }
ul.findings li.medium { border-color: #bf8700; background: #fffbea; }
.kind { font-weight: 700; font-size: .75rem; text-transform: uppercase; letter-spacing: .03em; }
svg.timeline { display: block; background: #fff; width: 100%; max-width: 660px; height: auto; }
svg.timeline text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: var(--ink); }
.legend { font-size: .76rem; }
ul.sources { padding-left: 1.1rem; font-size: .88rem; }
@media (max-width: 640px) {
  svg.timeline, svg.timeline + p.legend { display: none; }
  ol.timeline-list { display: block; }
  body { font-size: 13px; line-height: 1.28; margin: .6rem auto; padding: 0 .6rem; }
  h2 { font-size: .95rem; }
  .note { font-size: .77rem; }
  ul.findings li { font-size: .8rem; padding: .1rem .4rem; }
  section.summary { padding: .1rem .6rem .4rem; }
  section.summary li { margin: .1rem 0; }
  table.claims { table-layout: auto; }
  table.claims, table.claims tbody, table.claims tr { display: block; width: 100%; }
  table.claims thead { display: none; }
  table.claims tr { border-bottom: 1px solid var(--rule); padding: .15rem 0; }
  table.claims td { display: inline; border: 0; padding: 0 .3rem 0 0; }
  table.claims td.party { font-weight: 600; }
  table.claims td.said { display: block; }
}
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section.summary { break-after: page; }
  h2 { break-after: avoid; }
  table, ul.findings li, svg.timeline { break-inside: avoid; }
  td, ul.findings li { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The digest and its badges: only in a `report --since` page, so that a plain report stays
/// as it was.
const CHANGES_STYLE: &str = r#"
section.changes { border: 1px solid var(--rule); border-left: 4px solid #1a7f37; border-radius: 6px;
                  padding: .2rem .9rem .6rem; margin-top: .8rem; }
section.changes h2 { border-top: 0; }
section.changes ul { margin: 0; padding-left: 1.1rem; }
section.changes li { margin: .15rem 0; }
@media (min-width: 900px) { section.changes .sections { columns: 2; column-gap: 2rem; } section.changes .sections div { break-inside: avoid; } }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 1rem; font-size: .68rem; font-weight: 700;
         text-transform: uppercase; letter-spacing: .04em; vertical-align: middle; border: 1px solid; line-height: 1.35; }
.badge.new { color: #1a7f37; background: #dafbe1; }
.badge.changed { color: #7d4e00; background: #fff8c5; }
@media print { section.changes { break-after: page; } .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"#;

/// A mark as a badge, followed by a space ("" for none).
fn badge(change: Option<Mark>) -> String {
    change.map(|m| format!("<span class=\"badge {0}\">{0}</span> ", m.word())).unwrap_or_default()
}

fn stance_class(stance: Stance) -> &'static str {
    match stance {
        Stance::NoResponse => "no-response",
        other => other.as_str(),
    }
}

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
        Cell::Awaiting => "awaiting",
        Cell::NotAsked => "not-asked",
        Cell::Blank => "blank",
    }
}

/// The anchor of the n-th proposition shown: unique whatever its id holds.
fn anchor(n: usize) -> String {
    format!("p{n}")
}

pub fn render(r: &Report, style: Style) -> String {
    let mut out = String::new();
    let changes_style = if r.changes.is_some() { CHANGES_STYLE } else { "" };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}{changes_style}{}</style>\n</head>\n<body>\n",
        escape(&r.title),
        matrix_style(&r.matrix)
    );
    let known = r.known_at.map(|k| format!(" · as known at {k}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">As of <strong>{}</strong>{} · {}</p>\n</header>",
        escape(&r.title),
        escape(&r.as_of.human()),
        escape(&known),
        escape(&words::counts_line(&r.counts))
    );
    if let Some(title) = r.read_in_by_all() {
        let _ = writeln!(out, "<p class=\"meta\">Every claim below was read in “{}”.</p>", escape(title));
    }
    if let Some(d) = &r.changes {
        digest(&mut out, d);
    }
    summary(&mut out, r);
    matrix(&mut out, &r.matrix);
    for (i, p) in r.propositions.iter().enumerate() {
        proposition(&mut out, i + 1, p, style, r.read_in_by_all().is_some());
    }
    sources(&mut out, r);
    let _ = writeln!(out, "<footer class=\"meta\">Database <code>{}</code></footer>", escape(&r.database));
    let _ = writeln!(out, "</body>\n</html>");
    out
}

fn summary(out: &mut String, r: &Report) {
    let _ = writeln!(out, "<section class=\"summary\" id=\"summary\">\n<h2 hidden>Summary</h2>");
    let s = &r.summary;
    let numbers = super::numbers(&r.propositions);
    let groups = s.groups();
    if groups.is_empty() {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(Summary::NOTHING));
    }
    for (title, lines) in groups {
        let _ = writeln!(out, "<div>\n<h3>{title}</h3>\n<ul>");
        for l in lines {
            let n = numbers.get(l.proposition.as_str()).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\"><span class=\"num\">{n}.</span> {}</a> — {}</li>",
                anchor(n),
                escape(&l.text),
                escape(&l.what)
            );
        }
        let _ = writeln!(out, "</ul>\n</div>");
    }
    let _ = writeln!(out, "</section>");
}

/// The narrowest the matrix table can be laid out, in rem: the party column (its names wrap
/// at 12rem) and 7.4rem for each proposition (a 6.5rem column and its padding).
fn matrix_width(m: &Matrix) -> f64 {
    let longest = m.rows.iter().map(|r| r.party_name.chars().count()).max().unwrap_or(5) as f64;
    let party = (longest * 0.5).clamp(8.0, 12.0) + 0.9;
    party + 7.4 * m.propositions.len() as f64
}

/// The rule that swaps the matrix table for its blocks where the table does not fit: below
/// the viewport width that leaves room for it (the body's padding beside it), or always when
/// it is wider than the body ever is (74rem).
fn matrix_style(m: &Matrix) -> String {
    const SWAP: &str = ".matrix-wide { display: none; } .matrix-blocks { display: block; }";
    let need = matrix_width(m);
    if need > 74.0 {
        return format!("\n{SWAP}\n");
    }
    format!("\n@media (max-width: {:.0}px) {{ {SWAP} }}\n", (need + 1.8) * 16.0)
}

fn matrix(out: &mut String, m: &Matrix) {
    let _ = writeln!(
        out,
        "<section id=\"matrix\">\n<h2>Who stands where</h2>\n<div class=\"matrix-wide\">\n<table class=\"matrix\">\n<thead><tr><th>party</th>"
    );
    for (i, (id, text)) in m.propositions.iter().zip(&m.texts).enumerate() {
        let _ = write!(
            out,
            "<th class=\"prop\" title=\"{}\" data-id=\"{}\"><a href=\"#{}\"><span class=\"num\">{}.</span> {}</a></th>",
            escape(text),
            escape(id),
            anchor(i + 1),
            i + 1,
            escape(text)
        );
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for row in &m.rows {
        let _ = write!(out, "<tr><th scope=\"row\" title=\"{}\">{}</th>", escape(&row.party), escape(&row.party_name));
        for c in &row.cells {
            let _ = write!(out, "<td class=\"{}\">{}</td>", cell_class(*c), escape(c.label()));
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody>\n</table>\n</div>");
    // The same, one block per proposition: who affirms, who denies, who has not answered.
    let _ = writeln!(out, "<div class=\"matrix-blocks\">");
    for (i, text) in m.texts.iter().enumerate() {
        let _ = writeln!(
            out,
            "<dl><dt><a href=\"#{}\"><span class=\"num\">{}.</span> {}</a></dt>",
            anchor(i + 1),
            i + 1,
            escape(text)
        );
        for (c, names) in m.stands(i) {
            let _ = writeln!(
                out,
                "<dd><span class=\"stance {}\">{}</span> {}</dd>",
                cell_class(c),
                escape(c.label()),
                escape(&words::list(&names))
            );
        }
        let _ = writeln!(out, "</dl>");
    }
    let _ = writeln!(out, "</div>\n</section>");
}

fn date_cell(c: &ClaimLine) -> String {
    match (c.date, c.date_basis, c.logged) {
        (Some(d), DateBasis::Published, _) => {
            let shown = words::claim_date(Some(d), DateBasis::Published, None);
            format!("<span title=\"the source's publication date\">{}</span>", escape(&shown))
        }
        (Some(d), _, _) => escape(&d.human()),
        (None, _, Some(t)) => format!("<span title=\"logged {}\">undated</span>", escape(&t.date().human())),
        (None, _, None) => "undated".into(),
    }
}

fn proposition(out: &mut String, n: usize, p: &PropositionReport, style: Style, shared: bool) {
    let _ = writeln!(out, "<section class=\"proposition\" id=\"{}\" data-id=\"{}\">", anchor(n), escape(&p.id));
    let _ = writeln!(
        out,
        "<h2 title=\"{}\"><span class=\"num\">{n}.</span> {} <span class=\"status {}\">{}</span>{}</h2>",
        escape(&p.id),
        escape(&p.text),
        p.status,
        p.status,
        p.change.map(|m| format!(" {}", badge(Some(m)).trim_end())).unwrap_or_default()
    );
    if style.show_ids {
        let _ = writeln!(out, "<p class=\"id\">{}</p>", escape(&p.id));
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&words::support_line(p)));
    if let Some(v) = &p.verdict {
        let _ = writeln!(out, "<p class=\"verdict\"><strong>Verdict:</strong> {}</p>", escape(&v.said));
    }
    if let Some(note) = &p.note {
        let _ = writeln!(out, "<p class=\"note\">Note: {}</p>", escape(note));
    }
    if !p.claims.is_empty() {
        let _ = writeln!(
            out,
            "<table class=\"claims\">\n<colgroup><col class=\"party\"><col class=\"stance\"><col class=\"date\"><col></colgroup>\n<thead class=\"vh\"><tr><th>party</th><th>stance</th><th>date</th><th>said, read where, resting on what</th></tr></thead>\n<tbody>"
        );
        for c in &p.claims {
            claim_row(out, c, style, shared);
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    for (line, change) in p.request_lines() {
        let _ = writeln!(out, "<p class=\"note\">{}Request for comment: {}</p>", badge(change), escape(&line));
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "<ul class=\"findings\">");
        for f in p.finding_lines() {
            let _ = writeln!(
                out,
                "<li class=\"{}\">{}<span class=\"kind\">{}</span> {} <span class=\"id\">{}</span></li>",
                f.severity,
                badge(f.change),
                escape(f.kind.as_str()),
                escape(&f.said),
                escape(&f.ids.join(" "))
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    for (title, lines) in words::desk_record(p) {
        let items: Vec<String> = lines.iter().map(|l| format!("<li>{}</li>", escape(l))).collect();
        let _ = writeln!(out, "<h3>{title}</h3>\n<ul class=\"desk\">{}</ul>", items.join(""));
    }
    let dates: std::collections::BTreeSet<_> = p.timeline.iter().filter_map(|e| e.date).collect();
    if dates.len() >= 2 {
        timeline_svg(out, &p.timeline);
    }
    let _ = writeln!(out, "</section>");
}

fn claim_row(out: &mut String, c: &ClaimLine, style: Style, shared: bool) {
    let gone = c.status != ClaimStatus::Live;
    let mark = match c.status {
        ClaimStatus::Retracted => " <span class=\"note\">withdrawn by the party</span>",
        ClaimStatus::Superseded => " <span class=\"note\">superseded</span>",
        ClaimStatus::Live if c.reversal => " <span class=\"note\">turned here</span>",
        ClaimStatus::Live => "",
    };
    let mut said: Vec<String> = Vec::new();
    if let Some(q) = &c.quote {
        said.push(format!("“{}”", escape(q)));
    }
    if let Some(via) = &c.via {
        said.push(format!("<span class=\"note\">via {}</span>", escape(via)));
    }
    if !shared {
        said.push(format!("<span class=\"note\">read in {}</span>", escape(&short(&c.read_in_title, 60))));
    }
    if !c.rests_on_titles.is_empty() {
        let titles: Vec<String> = c.rests_on_titles.iter().map(|t| escape(&short(t, 60))).collect();
        said.push(format!("<span class=\"note\">resting on {}</span>", titles.join("; ")));
    }
    if let Some(grades) = words::logged_grades(c) {
        said.push(format!("<span class=\"note\">{}</span>", escape(&grades)));
    }
    if let Some(note) = &c.note {
        let dot = if said.is_empty() { "" } else { "· " };
        said.push(format!("<span class=\"note\">{dot}Note: {}</span>", escape(note)));
    }
    if style.show_ids {
        said.push(format!("<span class=\"id\">{}</span>", escape(&c.claim)));
    }
    let _ = writeln!(
        out,
        "<tr{} id=\"{}\"><td class=\"party\">{}{}</td><td class=\"stance\"><span class=\"stance {}\">{}</span>{mark}</td><td class=\"date\">{}</td><td class=\"said\">{}</td></tr>",
        if gone { " class=\"gone\"" } else { "" },
        escape(&format!("c-{}", c.claim)),
        badge(c.change),
        escape(&c.party_name),
        stance_class(c.stance),
        escape(c.stance.label()),
        date_cell(c),
        said.join(" "),
    );
}

/// One lane per party, a mark per claim coloured by stance; requests, deadlines and
/// retractions on the same lanes; reversals ringed; undated claims in a column of their own
/// at the right. Scaled down to a narrow column; on a phone the same events are a list of
/// dates instead (see the style), where the chart's text would be too small to read.
fn timeline_svg(out: &mut String, events: &[TimelineEntry]) {
    const WIDTH: f64 = 660.0;
    const LABEL: f64 = 150.0;
    const UNDATED: f64 = 70.0;
    const LANE: f64 = 26.0;
    const TOP: f64 = 14.0;
    let mut lanes: Vec<(&str, &str)> = Vec::new();
    for e in events {
        if !lanes.iter().any(|l| l.0 == e.party) {
            lanes.push((&e.party, &e.party_name));
        }
    }
    let undated = events.iter().any(|e| e.date.is_none());
    let right = if undated { WIDTH - UNDATED } else { WIDTH - 12.0 };
    let times: Vec<Option<i64>> = events.iter().map(|e| e.date.map(|d| d.start().timestamp())).collect();
    let (min, max) =
        (times.iter().flatten().min().copied().unwrap_or(0), times.iter().flatten().max().copied().unwrap_or(0));
    let x = |t: Option<i64>| match t {
        None => WIDTH - UNDATED / 2.0,
        Some(_) if max == min => (LABEL + right) / 2.0,
        Some(t) => LABEL + 10.0 + (t - min) as f64 / (max - min) as f64 * (right - LABEL - 20.0),
    };
    let height = TOP + LANE * lanes.len() as f64 + 22.0;
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Timeline of claims and requests\">"
    );
    for (i, (_, name)) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64 + LANE / 2.0;
        let _ = writeln!(
            out,
            "<line x1=\"{LABEL}\" y1=\"{y}\" x2=\"{right}\" y2=\"{y}\" stroke=\"#d0d7de\"/><text x=\"2\" y=\"{}\">{}</text>",
            y + 4.0,
            escape(&short(name, 22))
        );
    }
    if undated {
        let _ = writeln!(
            out,
            "<line x1=\"{right}\" y1=\"4\" x2=\"{right}\" y2=\"{}\" stroke=\"#8c959f\" stroke-dasharray=\"2 3\"/>",
            height - 18.0
        );
    }
    // Marks on one lane at one moment are set side by side instead of on top of each other.
    let mut taken: std::collections::HashMap<(usize, Option<i64>), usize> = std::collections::HashMap::new();
    for (e, t) in events.iter().zip(&times) {
        let lane = lanes.iter().position(|l| l.0 == e.party).unwrap_or(0);
        let slot = taken.entry((lane, *t)).or_insert(0);
        let (cx, cy) = (x(*t) + 13.0 * *slot as f64, TOP + LANE * lane as f64 + LANE / 2.0);
        *slot += 1;
        let when = e.when();
        let title = format!("<title>{}, {}: {}</title>", escape(&when), e.kind, escape(&e.text));
        let _ = match (e.kind, e.stance) {
            ("claim", Some(Stance::NoResponse)) => writeln!(out, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"#fff\" stroke=\"#8250df\" stroke-width=\"2\">{title}</rect>", cx - 5.0, cy - 5.0),
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
    let axis_y = height - 6.0;
    let dated: Vec<&TimelineEntry> = events.iter().filter(|e| e.date.is_some()).collect();
    let first = dated.first().and_then(|e| e.date).map(|d| d.human()).unwrap_or_default();
    let last = dated.last().and_then(|e| e.date).map(|d| d.human()).unwrap_or_default();
    let _ = writeln!(out, "<text x=\"{LABEL}\" y=\"{axis_y}\">{}</text>", escape(&first));
    let _ = writeln!(out, "<text x=\"{right}\" y=\"{axis_y}\" text-anchor=\"end\">{}</text>", escape(&last));
    if undated {
        let _ =
            writeln!(out, "<text x=\"{}\" y=\"{axis_y}\" text-anchor=\"middle\">undated</text>", WIDTH - UNDATED / 2.0);
    }
    let _ = writeln!(out, "</svg>");
    let _ = writeln!(
        out,
        "<p class=\"legend\">● stance (green affirms, red denies, purple declined) · □ no response · △ request · ┆ deadline · ✕ retraction · ◯ turned</p>"
    );
    // The same events as a list, for a screen too narrow for the chart.
    let _ = writeln!(out, "<ol class=\"timeline-list\">");
    for e in events {
        let when = e.date.map_or_else(|| "undated".to_string(), |d| d.human());
        let mark = if e.reversal { " (turned)" } else { "" };
        let _ = writeln!(out, "<li><span class=\"when\">{}</span>{}{mark}</li>", escape(&when), escape(&e.text));
    }
    let _ = writeln!(out, "</ol>");
}

fn sources(out: &mut String, r: &Report) {
    let _ = writeln!(out, "<section id=\"sources\">\n<h2>Sources</h2>\n<ul class=\"sources\">");
    for s in &r.sources {
        let note = s.note.as_deref().map(|n| format!("<span class=\"note\">{}</span>", escape(n))).unwrap_or_default();
        let _ = writeln!(
            out,
            "<li id=\"{}\">{}<strong>{}</strong> <span class=\"meta\">({})</span>{note}</li>",
            escape(&format!("s-{}", s.id)),
            badge(s.change),
            escape(&s.title),
            escape(&words::source_about(s))
        );
    }
    let _ = writeln!(out, "</ul>");
    let noted: Vec<&super::PartyEntry> = r.parties.iter().filter(|p| p.note.is_some()).collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "<h3>Parties</h3>\n<ul class=\"sources\">");
        for p in noted {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>: {}</li>",
                escape(&p.name),
                escape(p.note.as_deref().unwrap_or_default())
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</section>");
}

/// What changed in a window, at the head of a `report --since` page, with the badges'
/// legend; one line when nothing did.
fn digest(out: &mut String, d: &Digest) {
    let _ = writeln!(out, "<section class=\"changes\" id=\"changes\">\n<h2>What changed</h2>");
    if d.is_empty() {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>\n</section>", escape(&d.nothing_line()));
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">From {}. Marked below: {}and {}</p>\n<div class=\"sections\">",
        escape(&d.span()),
        badge(Some(Mark::New)),
        badge(Some(Mark::Changed)).trim_end()
    );
    for (title, lines) in super::digest::sections(d) {
        let _ = writeln!(out, "<div>\n<h3>{}</h3>\n<ul>", escape(title));
        for (text, id) in lines {
            let id = id.map(|id| format!(" <span class=\"id\">{}</span>", escape(&id))).unwrap_or_default();
            let _ = writeln!(out, "<li>{}{id}</li>", escape(&text));
        }
        let _ = writeln!(out, "</ul>\n</div>");
    }
    let _ = writeln!(out, "</div>\n</section>");
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

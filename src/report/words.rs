//! The report's words, shared by every format: counts with their plurals, lists, what a
//! claim or a finding says, how solid each side is. Verbs about parties are in the past
//! tense, which reads right whether a party is one body or many people.

use super::{ClaimLine, Counts, PropositionReport};
use crate::date::Date;
use crate::model::{ContactKind, Finding, FindingKind, SilenceReason, Stance};
pub use crate::phrases::{claim_date, claim_when, list, said};
use crate::reconcile::Side;

/// "1 claim", "2 claims"; `many` is the plural when it is not `one` + "s".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text cut to `max` characters at a word boundary, with "…" when cut.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches(|c: char| c.is_whitespace() || c == ','))
}

/// The header's counts: "9 propositions, 16 claims (1 retracted), 8 parties; open findings:
/// 2 conflicts, 7 silences".
pub fn counts_line(c: &Counts) -> String {
    let findings: Vec<String> = c.open_findings.by_name().into_iter().map(|(kind, n)| finding_count(kind, n)).collect();
    let retracted = if c.retracted_claims > 0 { format!(" ({} retracted)", c.retracted_claims) } else { String::new() };
    format!(
        "{}, {}{retracted}, {}; open findings: {}",
        count(c.propositions, "proposition", "propositions"),
        count(c.claims, "claim", "claims"),
        count(c.parties, "party", "parties"),
        if findings.is_empty() { "none".to_string() } else { findings.join(", ") }
    )
}

fn finding_count(kind: FindingKind, n: usize) -> String {
    let (one, many) = match kind {
        FindingKind::Conflict => ("conflict", "conflicts"),
        FindingKind::Reversal => ("reversal", "reversals"),
        FindingKind::Silence => ("silence", "silences"),
        FindingKind::SingleSource => ("single-source mark", "single-source marks"),
        FindingKind::AnonymousOnly => ("anonymous-only mark", "anonymous-only marks"),
        FindingKind::CircularSourcing => ("loop of sources", "loops of sources"),
        FindingKind::RetractedBasis => ("retracted basis", "retracted bases"),
    };
    count(n, one, many)
}

/// A claim's stance with what became of it: "denies", "affirms (withdrawn)".
pub fn stance_cell(c: &ClaimLine) -> String {
    use crate::reconcile::ClaimStatus;
    match c.status {
        ClaimStatus::Retracted => format!("{} (withdrawn)", c.stance.label()),
        ClaimStatus::Superseded => format!("{} (superseded)", c.stance.label()),
        ClaimStatus::Live if c.reversal => format!("{} (turned)", c.stance.label()),
        ClaimStatus::Live => c.stance.label().to_string(),
    }
}

/// What a claim said and on what it rests, as one run of text: its quote, who relayed it,
/// the sources it rests on when other than the one it was read in, and its note.
pub fn claim_detail(c: &ClaimLine) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(q) = &c.quote {
        parts.push(format!("“{q}”"));
    }
    if let Some(via) = &c.via {
        parts.push(format!("(via {via})"));
    }
    if !c.rests_on_titles.is_empty() {
        parts.push(format!("Resting on {}.", list(&c.rests_on_titles)));
    }
    parts.extend(logged_grades(c));
    if let Some(note) = &c.note {
        parts.push(format!("Note: {note}"));
    }
    parts.join(" ")
}

/// What the logger said of the claim itself: how sure they are it was made as logged
/// (attribution confidence) and their own credibility grade.
pub fn logged_grades(c: &ClaimLine) -> Option<String> {
    let confidence = c.confidence.map(|x| format!("attribution confidence {x}"));
    let grade = c.grade.map(|g| format!("the logger's grade {g}"));
    let both: Vec<String> = confidence.into_iter().chain(grade).collect();
    (!both.is_empty()).then(|| format!("({}).", both.join(", ")))
}

/// A rating as people write it: "2", not "2.0".
fn rating(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

/// The desk's verdict in words: "Unproven (2 on a scale from 1 to 5), by Desk, published 25
/// Mar 2024: One anonymous source. The claim reviewed is Columnist V's. At https://...".
pub fn verdict_said(v: &super::VerdictLine) -> String {
    let mut text =
        format!("{} ({} on a scale from {} to {})", v.label, rating(v.rating), rating(v.worst), rating(v.best));
    if let Some(r) = &v.reviewer {
        text.push_str(&format!(", by {r}"));
    }
    if let Some(d) = v.published {
        text.push_str(&format!(", published {}", d.human()));
    }
    if let Some(e) = &v.explanation {
        text.push_str(&format!(": {e}"));
    }
    if let Some(c) = &v.claimant_name {
        text.push_str(&format!(" The claim reviewed was made by {c}."));
    }
    if let Some(u) = &v.url {
        text.push_str(&format!(" At {u}"));
    }
    text
}

/// A claim withdrawn, in words: "Columnist V withdrew the affirming claim on 20 Mar 2024:
/// “...”".
pub fn withdrawn(party: &str, stance: Stance, date: Date, reason: &str) -> String {
    let why = if reason.is_empty() { String::new() } else { format!(": “{reason}”") };
    format!("{party} withdrew {} {}{why}", the_claim(stance), date.on())
}

/// A source retracted, in words: "“Wire story” was retracted by the source in Apr 2024: “...”".
pub fn retracted_source(title: &str, date: Date, reason: &str) -> String {
    let why = if reason.is_empty() { String::new() } else { format!(": “{reason}”") };
    format!("“{title}” was retracted by the source {}{why}", date.on())
}

/// A finding an editor resolved or dismissed, with who did and the note: "dismissed by
/// maria: “a second source is on its way” — single-source: one line of evidence: ...".
pub fn triaged_said(f: &super::ReportFinding) -> String {
    let by = f.finding.state_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
    let note = f.finding.note.as_deref().map(|n| format!(": “{n}”")).unwrap_or_default();
    format!("{}{by}{note} — {}: {}", f.finding.state, f.finding.kind, f.said)
}

/// What the desk recorded on a proposition beyond the claims, as each format lists it
/// after the findings: each retraction with its date and reason, and each finding an editor
/// resolved or dismissed with the note. (The verdict is said beside the support line.)
pub fn desk_record(p: &PropositionReport) -> Vec<(&'static str, Vec<String>)> {
    let sections = vec![
        ("Retractions", p.retractions.iter().map(|r| r.said.clone()).collect::<Vec<_>>()),
        ("Triaged findings", p.triaged.iter().map(triaged_said).collect()),
    ];
    sections.into_iter().filter(|(_, lines)| !lines.is_empty()).collect()
}

/// A claim named by its stance, as the object of a sentence: "the affirming claim", "the
/// refusal" ("Idris Penhale withdrew the affirming claim").
pub fn the_claim(stance: Stance) -> &'static str {
    match stance {
        Stance::Affirms => "the affirming claim",
        Stance::Denies => "the denial",
        Stance::Qualifies => "the qualifying claim",
        Stance::Neutral => "the neutral comment",
        Stance::Declined => "the refusal to comment",
        Stance::NoResponse => "the note of no response",
    }
}

/// What a claim says, in the past tense: "China's foreign ministry denied (via Reuters):
/// “neutral and fair position”".
pub fn claim_said(c: &ClaimLine) -> String {
    let verb = said(c.stance);
    let via = c.via.as_deref().map(|v| format!(" (via {v})")).unwrap_or_default();
    let quote = c.quote.as_deref().map(|q| format!(": “{q}”")).unwrap_or_default();
    format!("{} {verb}{via}{quote}", c.party_name)
}

/// The sides of a contested proposition: "affirmed by A; denied by B".
pub fn sides(p: &PropositionReport) -> String {
    let names = |side: &str| -> String {
        let ids = p.support.get(side).map(|s| s.parties.clone()).unwrap_or_default();
        let names: Vec<String> = ids
            .iter()
            .map(|id| p.claims.iter().find(|c| &c.party == id).map_or(id.clone(), |c| c.party_name.clone()))
            .collect();
        list(&names)
    };
    format!("affirmed by {}; denied by {}", names("affirms"), names("denies"))
}

/// How solid each side is: its lines of evidence, each naming its parties and what it
/// rests on, and the credibility they suggest with the reliability letters used. When both
/// sides have usable lines the record does not settle it and nothing is suggested. Sides
/// nobody takes are left out.
pub fn support_line(p: &PropositionReport) -> String {
    let sides: Vec<(&&str, &Side)> = p.support.iter().filter(|(_, s)| !s.lines.is_empty()).collect();
    if sides.is_empty() {
        return "No party affirms or denies it.".to_string();
    }
    let contested = sides.iter().any(|(_, s)| s.reason == Some("contested"));
    let said: Vec<String> = sides
        .iter()
        .map(|(side, s)| {
            let lines: Vec<&str> = s.lines.iter().map(|l| l.words.as_str()).collect();
            let mut text = format!(
                "{} on {} ({})",
                side_verb(side),
                count(s.lines.len(), "line of evidence", "independent lines of evidence"),
                lines.join("; ")
            );
            if !contested {
                text.push_str(&format!(": {}", side_words(s)));
            }
            text
        })
        .collect();
    let text = said.join("; ");
    let mut chars = text.chars();
    let mut out = chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default();
    if contested {
        out.push_str(" Contested: the record does not settle it, so no credibility is suggested for either side.");
    }
    out
}

fn side_verb(side: &str) -> &'static str {
    if side == "affirms" {
        "affirmed"
    } else {
        "denied"
    }
}

fn side_words(s: &Side) -> String {
    let letters: Vec<&str> = s.reliability.iter().map(|r| r.as_str()).collect();
    format!("suggested credibility {}, {}; sources rated {}", s.grade, s.credibility, letters.join("/"))
}

/// A finding in an editor's words (`silent` names a silence's party), with the triage
/// note if acknowledged.
pub fn finding_said(f: &Finding, silent: &str) -> String {
    let mut text = match f.kind {
        FindingKind::Silence => silence_said(f, silent),
        _ => f.detail.clone(),
    };
    if let Some(note) = f.note.as_deref().filter(|_| f.state == crate::model::FindingState::Acknowledged) {
        text.push_str(&format!(" [acknowledged: {note}]"));
    }
    text
}

/// A silence in the words an editor uses, with the refusal's quote and related parties.
fn silence_said(f: &Finding, name: &str) -> String {
    let mut text = format!("{name}: {}", silence_reason(&[f]));
    for r in &f.related {
        text.push_str(&format!(" (its {}, {}, {})", r.relation, r.party_name, said(r.stance)));
    }
    text
}

/// The reason shared by a group of silences, in words: "declined to comment: “…”", "asked,
/// no answer yet, due 20 Jan 2025", "asked, no answer by the deadline", "nobody has asked".
pub fn silence_reason(silences: &[&Finding]) -> String {
    let Some(first) = silences.first() else { return String::new() };
    let requests = || silences.iter().flat_map(|f| &f.requests).filter(|c| c.kind == ContactKind::Request);
    let askers: Vec<String> = {
        let mut names: Vec<String> = requests().filter_map(|c| c.party_name.clone()).collect();
        names.sort();
        names.dedup();
        names
    };
    let by = if askers.is_empty() { String::new() } else { format!(" by {}", list(&askers)) };
    match first.reason.unwrap_or(SilenceReason::NotAsked) {
        SilenceReason::Declined => {
            let quote = silences
                .iter()
                .flat_map(|f| &f.requests)
                .find(|c| c.kind == ContactKind::Declined)
                .and_then(|c| c.quote.as_deref())
                .map(|q| format!(": “{q}”"))
                .unwrap_or_default();
            format!("{}{quote}", SilenceReason::Declined.label())
        }
        SilenceReason::Awaiting => {
            let due = requests().filter(|c| c.deadline_passed == Some(false)).filter_map(|c| c.deadline).min();
            let due = due.map(|d| format!(", due {}", d.human())).unwrap_or_default();
            format!("asked{by}, no answer yet{due}")
        }
        SilenceReason::NoResponse => {
            let deadline = requests().any(|c| c.deadline_passed == Some(true));
            let noted = silences.iter().flat_map(|f| &f.requests).any(|c| c.kind == ContactKind::NoResponse);
            let to: Vec<String> = {
                let mut names: Vec<String> = silences
                    .iter()
                    .flat_map(|f| &f.requests)
                    .filter(|c| c.kind == ContactKind::NoResponse)
                    .filter_map(|c| c.party_name.clone())
                    .collect();
                names.sort();
                names.dedup();
                names
            };
            match (askers.is_empty(), deadline) {
                (false, true) => format!("asked{by}, no answer by the deadline"),
                (false, false) => format!("asked{by}, no answer"),
                (true, _) if !to.is_empty() => format!("did not respond to {}", list(&to)),
                (true, _) if noted => "did not respond".to_string(),
                _ => "no answer".to_string(),
            }
        }
        SilenceReason::NotAsked => SilenceReason::NotAsked.label().to_string(),
    }
}

/// What a source is, for the list of sources every format ends with: "article, Reuters,
/// 12 Mar 2024, reliability B, retracted by the source on 1 Apr 2024".
pub fn source_about(s: &super::SourceEntry) -> String {
    let mut about = vec![s.kind.clone()];
    about.extend(s.publisher.clone());
    about.extend(s.published.map(|d| d.human()));
    about.push(format!("reliability {}", s.reliability));
    if let Some(d) = s.retracted {
        about.push(format!("retracted by the source on {}", d.human()));
    }
    about.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_lists_read_right() {
        assert_eq!(count(1, "proposition", "propositions"), "1 proposition");
        assert_eq!(count(2, "party", "parties"), "2 parties");
        assert_eq!(list(&["A".into(), "B".into(), "C".into()]), "A, B and C");
        assert_eq!(list(&["A".into()]), "A");
        assert_eq!(finding_count(FindingKind::Silence, 1), "1 silence");
        assert_eq!(finding_count(FindingKind::Conflict, 2), "2 conflicts");
    }

    #[test]
    fn stances_read_as_what_the_party_did() {
        assert_eq!(said(Stance::Denies), "denied");
        assert_eq!(said(Stance::Qualifies), "qualified it");
    }

    #[test]
    fn short_text_cuts_at_a_word() {
        assert_eq!(short("Reuters report on Chinese experts", 20), "Reuters report on…");
        assert_eq!(short("short", 20), "short");
        assert!(short("Сообщение агентства Рейтер о китайских специалистах", 20).chars().count() <= 20);
    }
}

//! A proposition's reading written as JSON by hand, byte for byte what serde_json writes for
//! it: a first reconcile stores every reading, and serde's field-by-field calls and its
//! escaping scan of every key and id were a fifth of the rules thread. Each struct is taken
//! apart whole, so a field added to one fails to compile here until it is written.

use super::{ClaimReading, Line, Position, PropositionOutcome, RequestReading, Side};
use serde::Serialize;

/// Appends `p` as serde_json writes it (compact).
pub fn write_reading(out: &mut Vec<u8>, p: &PropositionOutcome) {
    let PropositionOutcome { id, text, status, support, positions, claims, requests, expected } = p;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    out.extend_from_slice(b",\"status\":");
    string(out, status.as_str());
    out.extend_from_slice(b",\"support\":{");
    for (i, (name, s)) in support.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, name);
        out.push(b':');
        side(out, s);
    }
    out.extend_from_slice(b"},\"positions\":");
    list(out, positions, position);
    out.extend_from_slice(b",\"claims\":");
    list(out, claims, claim);
    out.extend_from_slice(b",\"requests\":");
    list(out, requests, request);
    out.extend_from_slice(b",\"expected\":");
    strings(out, expected);
    out.push(b'}');
}

fn side(out: &mut Vec<u8>, s: &Side) {
    let Side { parties, claims, roots, lines, support, grade, credibility, reason, reliability } = s;
    out.extend_from_slice(b"{\"parties\":");
    strings(out, parties);
    out.extend_from_slice(b",\"claims\":");
    strings(out, claims);
    out.extend_from_slice(b",\"roots\":");
    strings(out, roots);
    out.extend_from_slice(b",\"lines\":");
    list(out, lines, line);
    out.extend_from_slice(b",\"support\":");
    value(out, support);
    out.extend_from_slice(b",\"grade\":");
    number(out, *grade);
    out.extend_from_slice(b",\"credibility\":");
    string(out, credibility);
    out.extend_from_slice(b",\"reason\":");
    optional(out, *reason);
    out.extend_from_slice(b",\"reliability\":");
    list(out, reliability, |out, r| string(out, r.as_str()));
    out.push(b'}');
}

fn line(out: &mut Vec<u8>, l: &Line) {
    let Line { parties, claims, roots, first_hand, words, reliability, retracted } = l;
    out.extend_from_slice(b"{\"parties\":");
    strings(out, parties);
    out.extend_from_slice(b",\"claims\":");
    strings(out, claims);
    out.extend_from_slice(b",\"roots\":");
    strings(out, roots);
    out.extend_from_slice(b",\"first_hand\":");
    strings(out, first_hand);
    out.extend_from_slice(b",\"words\":");
    string(out, words);
    out.extend_from_slice(b",\"reliability\":");
    string(out, reliability.as_str());
    out.extend_from_slice(b",\"retracted\":");
    boolean(out, *retracted);
    out.push(b'}');
}

fn position(out: &mut Vec<u8>, p: &Position) {
    let Position { party, stance, claim } = p;
    out.extend_from_slice(b"{\"party\":");
    string(out, party);
    out.extend_from_slice(b",\"stance\":");
    string(out, stance.as_str());
    out.extend_from_slice(b",\"claim\":");
    string(out, claim);
    out.push(b'}');
}

fn claim(out: &mut Vec<u8>, c: &ClaimReading) {
    let ClaimReading {
        claim,
        party,
        stance,
        date,
        date_basis,
        logged,
        source,
        rests_on,
        cites,
        roots,
        status,
        retracted,
        superseded_by,
        position,
        turn,
        retracted_basis,
    } = c;
    out.extend_from_slice(b"{\"claim\":");
    string(out, claim);
    out.extend_from_slice(b",\"party\":");
    string(out, party);
    out.extend_from_slice(b",\"stance\":");
    string(out, stance.as_str());
    out.extend_from_slice(b",\"date\":");
    value(out, date);
    out.extend_from_slice(b",\"date_basis\":");
    string(out, date_basis.as_str());
    out.extend_from_slice(b",\"logged\":");
    value(out, logged);
    out.extend_from_slice(b",\"source\":");
    string(out, source);
    out.extend_from_slice(b",\"rests_on\":");
    strings(out, rests_on);
    out.extend_from_slice(b",\"cites\":");
    strings(out, cites);
    out.extend_from_slice(b",\"roots\":");
    strings(out, roots);
    out.extend_from_slice(b",\"status\":");
    value(out, status);
    out.extend_from_slice(b",\"retracted\":");
    value(out, retracted);
    out.extend_from_slice(b",\"superseded_by\":");
    optional(out, superseded_by.as_deref());
    out.extend_from_slice(b",\"position\":");
    boolean(out, *position);
    out.extend_from_slice(b",\"turn\":");
    boolean(out, *turn);
    out.extend_from_slice(b",\"retracted_basis\":");
    optional(out, retracted_basis.as_deref());
    out.push(b'}');
}

fn request(out: &mut Vec<u8>, q: &RequestReading) {
    let RequestReading { id, party, by, asked, deadline, deadline_passed } = q;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"party\":");
    string(out, party);
    out.extend_from_slice(b",\"by\":");
    string(out, by);
    out.extend_from_slice(b",\"asked\":");
    value(out, asked);
    out.extend_from_slice(b",\"deadline\":");
    value(out, deadline);
    out.extend_from_slice(b",\"deadline_passed\":");
    boolean(out, *deadline_passed);
    out.push(b'}');
}

fn list<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn strings(out: &mut Vec<u8>, items: &[String]) {
    list(out, items, |out, s| string(out, s));
}

/// A string as serde_json writes it: as it is between quotes unless it holds a quote, a
/// backslash or a control character, which serde_json escapes.
fn string(out: &mut Vec<u8>, s: &str) {
    // No early exit: the check runs over whole words at a time.
    let plain = s.bytes().fold(true, |plain, b| plain & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        value(out, s);
    }
}

fn optional(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn number(out: &mut Vec<u8>, n: u8) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// Anything else (dates, numbers, enums serde names) as serde_json writes it.
fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(out, v).expect("readings serialise");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::ClaimStatus;

    /// The same bytes as serde_json for every reading: each rule test's reading is checked
    /// too (see `reconcile`, the tests' entry point).
    #[test]
    fn escaped_strings_and_every_field_match_serde_json() {
        use crate::model::{DateBasis, Reliability, Stance, Status};
        let odd = ["plain", "a \"quoted\" word", "back\\slash", "new\nline\ttab\r\u{1}\u{1f}\u{7f}", "é 😀 ü", ""];
        for text in odd {
            let side = Side {
                parties: vec![text.into(), "b".into()],
                claims: vec![text.into()],
                roots: vec![],
                lines: vec![Line {
                    parties: vec![text.into()],
                    claims: vec!["c".into()],
                    roots: vec![text.into()],
                    first_hand: vec![],
                    words: text.into(),
                    reliability: Reliability::B,
                    retracted: true,
                }],
                support: Some(0.998),
                grade: 6,
                credibility: "cannot be judged",
                reason: Some("contested"),
                reliability: vec![Reliability::A, Reliability::F],
            };
            let p = PropositionOutcome {
                id: text.into(),
                text: text.into(),
                status: Status::Contested,
                support: [("affirms", side.clone()), ("denies", Side { support: None, reason: None, ..side })].into(),
                positions: vec![Position { party: text.into(), stance: Stance::Qualifies, claim: "c".into() }],
                claims: vec![ClaimReading {
                    claim: text.into(),
                    party: "p".into(),
                    stance: Stance::NoResponse,
                    date: Some("2025-02-03".parse().unwrap()),
                    date_basis: DateBasis::Published,
                    logged: Some("2025-10-01T12:00:00Z".parse().unwrap()),
                    source: text.into(),
                    rests_on: vec![text.into()],
                    cites: vec!["x".into(), text.into()],
                    roots: vec![],
                    status: ClaimStatus::Superseded,
                    retracted: None,
                    superseded_by: Some(text.into()),
                    position: false,
                    turn: true,
                    retracted_basis: None,
                }],
                requests: vec![RequestReading {
                    id: text.into(),
                    party: "p".into(),
                    by: text.into(),
                    asked: None,
                    deadline: Some("2025-02".parse().unwrap()),
                    deadline_passed: false,
                }],
                expected: vec![text.into()],
            };
            let mut out = Vec::new();
            write_reading(&mut out, &p);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&p).unwrap(), "{text:?}");
        }
    }
}

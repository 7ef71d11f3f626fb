//! schema.org ClaimReview (JSON-LD): one review per proposition that has a verdict, with
//! every field Google's fact-check guidance marks required or recommended. Who made the
//! claim and where it appeared come from the reconciler's reading, as every report's do:
//! its live affirming claims, never a rebuttal or a withdrawn statement.

use crate::model::{Party, PartyKind, Source, Stance, Story, Verdict};
use crate::reconcile::{ClaimReading, ClaimStatus, Outcome, PropositionOutcome};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Who publishes the reviews (`claimtrack config set org.name/org.url`).
pub struct Organisation {
    pub name: Option<String>,
    pub url: Option<String>,
}

/// What a publishable export lacks, each with what to do: no verdict at all, or no
/// organisation to sign the reviews.
pub fn missing(story: &Story, org: &Organisation) -> Vec<String> {
    let mut out = Vec::new();
    if story.verdicts.is_empty() {
        out.push(
            "no proposition has a verdict (set one with `claimtrack verdict set PROP --rating ... --label ...`)".into(),
        );
    }
    if org.name.is_none() {
        out.push(
            "no organisation signs the reviews (set it with `claimtrack config set org.name \"...\"` and org.url)"
                .into(),
        );
    }
    out
}

/// The JSON-LD document, and the propositions left out or incomplete (said on stderr).
pub fn document(story: &Story, outcome: &Outcome, org: &Organisation) -> (Value, Vec<String>) {
    let mut standing: HashMap<&str, &Verdict> = HashMap::new();
    for v in &story.verdicts {
        standing.insert(v.proposition.as_str(), v);
    }
    let parties: HashMap<&str, &Party> = story.parties.iter().map(|p| (p.id.as_str(), p)).collect();
    let sources: HashMap<&str, &Source> = story.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let base = org.url.as_deref().map(|u| u.trim_end_matches('/').to_string());
    let id = |what: &str, prop: &str| match &base {
        Some(b) => format!("{b}/claimtrack/{what}/{}", encode(prop)),
        None => format!("urn:claimtrack:{what}:{}", encode(prop)),
    };
    let mut warnings = Vec::new();
    let mut graph = Vec::new();
    for p in &outcome.propositions {
        let Some(v) = standing.get(p.id.as_str()) else { continue };
        if v.url.is_none() {
            warnings.push(format!("{}: the verdict has no --url; Google requires the fact-check's URL", p.id));
        }
        let mut review = Map::new();
        review.insert("@type".into(), json!("ClaimReview"));
        review.insert("@id".into(), json!(id("claimreview", &p.id)));
        if let Some(url) = &v.url {
            review.insert("url".into(), json!(url));
        }
        review.insert("claimReviewed".into(), json!(p.text));
        let published = v.published.or(v.recorded.map(|t| t.date()));
        if let Some(d) = published {
            review.insert("datePublished".into(), json!(d.to_string()));
        }
        review.insert("author".into(), author(org, v));
        let mut rating = json!({
            "@type": "Rating",
            "ratingValue": number(v.rating.0),
            "bestRating": number(v.best.0),
            "worstRating": number(v.worst.0),
            "alternateName": v.label,
        });
        if let Some(e) = &v.explanation {
            rating["ratingExplanation"] = json!(e);
        }
        review.insert("reviewRating".into(), rating);
        let item = item_reviewed(id("claim", &p.id), p, v, &parties, &sources, &mut warnings);
        review.insert("itemReviewed".into(), item);
        graph.push(Value::Object(review));
    }
    (json!({"@context": "https://schema.org", "@graph": graph}), warnings)
}

/// The organisation, once set; until then the reviewer who set the verdict.
fn author(org: &Organisation, v: &Verdict) -> Value {
    match &org.name {
        Some(name) => {
            let mut a = json!({"@type": "Organization", "name": name});
            if let Some(url) = &org.url {
                a["url"] = json!(url);
            }
            a
        }
        None => json!({"@type": "Person", "name": v.reviewer.clone().or(v.logged_by.clone()).unwrap_or_default()}),
    }
}

/// The claim reviewed: who made it and where it appeared, first appearance first (by the
/// source's publication date, else the claim's own; an undated appearance comes last, with
/// no date). Only live affirming claims made it: a denial's source is a rebuttal, not an
/// appearance, and a withdrawn statement is no longer the party's. The author is the
/// claimant the fact-checker named (`verdict set --claimant`), else the earliest party
/// whose affirming claim stands; with neither, none is named (said in `warnings`).
fn item_reviewed(
    id: String,
    p: &PropositionOutcome,
    v: &Verdict,
    parties: &HashMap<&str, &Party>,
    sources: &HashMap<&str, &Source>,
    warnings: &mut Vec<String>,
) -> Value {
    let making: Vec<&ClaimReading> =
        p.claims.iter().filter(|c| c.stance == Stance::Affirms && c.status != ClaimStatus::Retracted).collect();
    let claimant = v.claimant.as_deref().or_else(|| making.first().map(|c| c.party.as_str()));
    let mut item = json!({"@type": "Claim", "@id": id});
    match claimant.and_then(|c| parties.get(c)) {
        Some(party) => {
            let kind = if party.kind == PartyKind::Person { "Person" } else { "Organization" };
            item["author"] = json!({"@type": kind, "name": party.name});
        }
        None => warnings.push(format!(
            "{}: no live claim affirms it and the verdict names no --claimant; the review names no author",
            p.id
        )),
    }
    if let Some(d) = making.iter().find(|c| Some(c.party.as_str()) == claimant).and_then(|c| c.date) {
        item["datePublished"] = json!(d.to_string());
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut appearances = Vec::new();
    for c in &making {
        if seen.contains(&c.source.as_str()) {
            continue;
        }
        seen.push(&c.source);
        if let Some(s) = sources.get(c.source.as_str()) {
            let when = s.published.or(c.date);
            appearances.push(((when.is_none(), when), appearance(s, parties)));
        }
    }
    appearances.sort_by_key(|a| a.0);
    if let Some(first) = appearances.first() {
        item["firstAppearance"] = first.1.clone();
        item["appearance"] = Value::Array(appearances.into_iter().map(|a| a.1).collect());
    }
    item
}

fn appearance(s: &Source, parties: &HashMap<&str, &Party>) -> Value {
    let mut a = json!({"@type": "CreativeWork"});
    if let Some(title) = &s.title {
        a["headline"] = json!(title);
    }
    if let Some(url) = &s.url {
        a["url"] = json!(url);
    }
    if let Some(d) = s.published {
        a["datePublished"] = json!(d.to_string());
    }
    if let Some(p) = s.publisher.as_deref().and_then(|p| parties.get(p)) {
        a["publisher"] = json!({"@type": "Organization", "name": p.name});
    }
    a
}

/// A rating as people write it: 1, not 1.0.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// An id made safe for an IRI path segment.
pub fn encode(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

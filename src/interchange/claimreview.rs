//! schema.org ClaimReview (JSON-LD) read back into records: a desk's published archive, or
//! another fact-checker's, loaded so that `match` can answer "checked before?". Each review
//! becomes a proposition (`claimReviewed`) with its verdict (`reviewRating`), the reviewed
//! claim's author a party with an affirming claim in each appearance, and the appearances
//! sources. Ids are derived from what the review says, so the same file imports the same
//! records (and a second import changes nothing); our own export's ids are read back as ours.

use crate::date::Date;
use crate::error::{Error, Result};
use crate::model::{
    hash_id, Bundle, Claim, Party, PartyKind, Proposition, Rating, Source, SourceKind, Stance, Verdict,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// A ClaimReview document, one review or many, as records, and what could not be carried
/// whole (a review without a numeric rating is a proposition without a verdict). Every
/// problem of the file is reported at once, each with its JSON path.
pub fn read(name: &str, text: &str) -> Result<(Bundle, Vec<String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| Error::input(format!("{name}: not valid JSON: {e}")))?;
    let mut reviews = Vec::new();
    collect_reviews(&doc, String::new(), &mut reviews);
    if reviews.is_empty() {
        return Err(Error::input(format!(
            "{name}: no ClaimReview in it; give one object with \"@type\": \"ClaimReview\", an array of them, or an \"@graph\" holding them"
        )));
    }
    let mut out = Records::default();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    for (path, review) in reviews {
        let at = |field: &str| format!("{name}: {path}{}{field}", if path.is_empty() { "" } else { "." });
        if let Err(e) = out.review(review, &at, &mut notes) {
            errors.extend(e);
        }
    }
    if !errors.is_empty() {
        return Err(Error::all(errors));
    }
    Ok((out.into_bundle(), notes))
}

/// Every object typed ClaimReview, with its JSON path: the document itself, the items of an
/// array, and the items of an `@graph` (at any depth of those).
fn collect_reviews<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_reviews(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            if has_type(v, "ClaimReview") {
                out.push((path.clone(), v));
            }
            if let Some(graph) = map.get("@graph") {
                let at = if path.is_empty() { "@graph".to_string() } else { format!("{path}.@graph") };
                collect_reviews(graph, at, out);
            }
        }
        _ => {}
    }
}

fn has_type(v: &Value, kind: &str) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => t == kind,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(kind)),
        _ => false,
    }
}

/// The records made so far, each id once.
#[derive(Default)]
struct Records {
    parties: BTreeMap<String, Party>,
    sources: BTreeMap<String, Source>,
    propositions: Vec<Proposition>,
    claims: Vec<Claim>,
    verdicts: Vec<Verdict>,
}

impl Records {
    fn into_bundle(self) -> Bundle {
        Bundle {
            parties: self.parties.into_values().collect(),
            sources: self.sources.into_values().collect(),
            propositions: self.propositions,
            claims: self.claims,
            verdicts: self.verdicts,
            ..Bundle::default()
        }
    }

    /// One review's records, or every problem it has.
    fn review(
        &mut self,
        r: &Value,
        at: &dyn Fn(&str) -> String,
        notes: &mut Vec<String>,
    ) -> std::result::Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let text = string(r, "claimReviewed").filter(|t| !t.trim().is_empty());
        if text.is_none() {
            errors.push(format!(
                "{}: missing; a ClaimReview states the claim it reviews in claimReviewed",
                at("claimReviewed")
            ));
        }
        let url = string(r, "url");
        let published = date(r, "datePublished", &at("datePublished"), &mut errors);
        let reviewer = r.get("author").and_then(name_of);
        let rating = r.get("reviewRating");
        let scale = rating.map(|v| scale(v, &|f| at(&format!("reviewRating.{f}")), &mut errors));
        let item = r.get("itemReviewed");
        let stated = item.and_then(|i| date(i, "datePublished", &at("itemReviewed.datePublished"), &mut errors));
        let appearances: Vec<(String, &Value)> = item.map(|i| appearances(i, &at)).unwrap_or_default();
        let mut sources = Vec::new();
        for (where_, a) in &appearances {
            let published = date(a, "datePublished", &format!("{where_}.datePublished"), &mut errors);
            if let Some(s) = self.appearance(a, published) {
                sources.push(s);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = text.expect("checked above");
        let id = our_id(r).unwrap_or_else(|| {
            let key = url.clone().or_else(|| string(r, "@id")).unwrap_or_else(|| text.clone());
            format!("cr-{}-{}", slug(&text, 40), hash_id("", key.as_bytes(), 6))
        });
        let label = rating.and_then(|v| string(v, "alternateName"));
        // The reviewed claim's author: a party, the verdict's claimant, affirming it below.
        let claimant = item.and_then(|i| i.get("author")).and_then(|a| self.party(a, PartyKind::Other));
        let mut note = None;
        match scale.flatten() {
            Some((value, best, worst)) => self.verdicts.push(Verdict {
                id: None,
                proposition: id.clone(),
                rating: Rating(value),
                best: Rating(best),
                worst: Rating(worst),
                label: label.unwrap_or_else(|| format!("{value} of {best}")),
                explanation: rating.and_then(|v| string(v, "ratingExplanation")),
                url: url.clone(),
                reviewer: reviewer.clone(),
                published,
                claimant: claimant.clone(),
                logged_by: None,
                recorded: None,
            }),
            None => {
                let by = reviewer.as_deref().map(|r| format!(" by {r}")).unwrap_or_default();
                let rated = label.as_deref().map(|l| format!("rated '{l}'")).unwrap_or_else(|| "reviewed".into());
                let link = url.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
                note = Some(format!("{rated}{by}{link}; no ratingValue, so no verdict was recorded"));
                notes.push(format!("{}: no ratingValue; {id} has no verdict", at("reviewRating")));
            }
        }
        self.propositions.push(Proposition {
            id: id.clone(),
            text,
            tags: Vec::new(),
            expected: Vec::new(),
            note,
            merged_into: None,
            logged_by: None,
            recorded: None,
        });
        let Some(party) = claimant else { return Ok(()) };
        // Where the claim was read: each appearance, else the review that reports it.
        if sources.is_empty() {
            let key = url.clone().unwrap_or_else(|| id.clone());
            let source = hash_id("s-", key.as_bytes(), 12);
            self.sources.entry(source.clone()).or_insert_with(|| Source {
                id: source.clone(),
                title: string(r, "headline").or_else(|| string(r, "name")),
                kind: SourceKind::Article,
                publisher: None,
                url: url.clone(),
                published,
                accessed: None,
                reliability: Default::default(),
                derived_from: Vec::new(),
                sha256: None,
                note: Some("the fact-check that reports the claim".into()),
                logged_by: None,
                recorded: None,
            });
            sources.push(source);
        }
        for source in sources {
            self.claims.push(Claim {
                id: None,
                proposition: id.clone(),
                party: party.clone(),
                stance: Stance::Affirms,
                source,
                basis: Vec::new(),
                via: None,
                stated,
                quote: None,
                note: None,
                confidence: None,
                grade: None,
                logged_by: None,
                recorded: None,
            });
        }
        Ok(())
    }

    /// A named author or publisher as a party (its id made from its name), if it has a name.
    fn party(&mut self, who: &Value, otherwise: PartyKind) -> Option<String> {
        let name = name_of(who)?;
        let kind = if has_type(who, "Person") { PartyKind::Person } else { otherwise };
        let id = slug(&name, 60);
        let id = if id.is_empty() { hash_id("party-", name.as_bytes(), 8) } else { id };
        self.parties.entry(id.clone()).or_insert_with(|| Party {
            id: id.clone(),
            name,
            kind,
            anonymous: false,
            country: None,
            parent: None,
            aliases: Vec::new(),
            note: None,
            logged_by: None,
            recorded: None,
        });
        Some(id)
    }

    /// An appearance as a source (its id made from its URL, else its headline), if it has
    /// either.
    fn appearance(&mut self, a: &Value, published: Option<Date>) -> Option<String> {
        let url = string(a, "url");
        let title = string(a, "headline").or_else(|| string(a, "name"));
        let key = url.clone().or_else(|| title.clone())?;
        let id = hash_id("s-", key.as_bytes(), 12);
        let publisher = a.get("publisher").and_then(|p| self.party(p, PartyKind::Media));
        let kind = if has_type(a, "SocialMediaPosting") { SourceKind::Social } else { SourceKind::Article };
        self.sources.entry(id.clone()).or_insert(Source {
            id: id.clone(),
            title,
            kind,
            publisher,
            url,
            published,
            accessed: None,
            reliability: Default::default(),
            derived_from: Vec::new(),
            sha256: None,
            note: None,
            logged_by: None,
            recorded: None,
        });
        Some(id)
    }
}

/// The places a reviewed claim appeared, with their JSON paths: `firstAppearance`, each
/// `appearance`, and for a clip or a part, the work it is part of.
fn appearances<'a>(item: &'a Value, at: &dyn Fn(&str) -> String) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for field in ["firstAppearance", "appearance", "isPartOf"] {
        match item.get(field) {
            Some(Value::Array(list)) => {
                out.extend(list.iter().enumerate().map(|(i, a)| (at(&format!("itemReviewed.{field}[{i}]")), a)))
            }
            Some(a @ Value::Object(_)) => out.push((at(&format!("itemReviewed.{field}")), a)),
            _ => {}
        }
    }
    out
}

/// The review's claimtrack proposition id, when it is our own export's
/// (`urn:claimtrack:claimreview:ID` or `…/claimtrack/claimreview/ID`).
fn our_id(r: &Value) -> Option<String> {
    let id = string(r, "@id")?;
    let encoded = id
        .strip_prefix("urn:claimtrack:claimreview:")
        .or_else(|| id.rsplit_once("/claimtrack/claimreview/").map(|p| p.1))?;
    let decoded = percent_decode(encoded)?;
    (!decoded.is_empty()).then_some(decoded)
}

/// The inverse of `export::claimreview::encode`.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(text.get(i + 1..i + 3)?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A text field; a number is read as its text.
fn string(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A person's or an organisation's name: its `name`, else its `url`; a plain string is a name.
fn name_of(who: &Value) -> Option<String> {
    match who {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(list) => list.iter().find_map(name_of),
        _ => string(who, "name").or_else(|| string(who, "url")),
    }
}

/// A date field: a day, a month, a year or a moment; a date and time with no zone is read
/// as its day.
fn date(v: &Value, field: &str, at: &str, errors: &mut Vec<String>) -> Option<Date> {
    let text = string(v, field)?;
    match text.parse::<Date>() {
        Ok(d) => Some(d),
        Err(why) => match text.get(..10).and_then(|day| day.parse::<Date>().ok()) {
            Some(d) if text.as_bytes().get(10) == Some(&b'T') => Some(d),
            _ => {
                errors.push(format!("{at}: {why}"));
                None
            }
        },
    }
}

/// A rating's value, best and worst (schema.org's defaults: best 5, worst 1), or `None` when
/// it has no value.
fn scale(v: &Value, at: &dyn Fn(&str) -> String, errors: &mut Vec<String>) -> Option<(f64, f64, f64)> {
    let mut number = |field: &str| -> Option<f64> {
        let text = string(v, field)?;
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                errors.push(format!("{}: '{text}' is not a number; a rating is a number on the scale", at(field)));
                None
            }
        }
    };
    let value = number("ratingValue");
    let best = number("bestRating").unwrap_or(5.0);
    let worst = number("worstRating").unwrap_or(1.0);
    let value = value?;
    if best == worst {
        errors.push(format!("{}: best and worst are both {best}; a scale needs two ends", at("bestRating")));
    } else if !(best.min(worst)..=best.max(worst)).contains(&value) {
        errors.push(format!("{}: {value} is outside the scale from worst {worst} to best {best}", at("ratingValue")));
    }
    Some((value, best, worst))
}

/// The words of a text in lower case joined by '-', at most `max` bytes, cut at a word.
fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !out.is_empty() && out.len() + 1 + word.len() > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
        if out.len() >= max {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_an_array_or_a_graph() {
        let one = r#"{"@type":"ClaimReview","claimReviewed":"The world is flat","url":"https://x.org/1",
            "reviewRating":{"ratingValue":"1","bestRating":5,"worstRating":1,"alternateName":"False"},
            "itemReviewed":{"@type":"Claim","author":{"@type":"Organization","name":"Square World Society"},
              "appearance":[{"url":"https://a.org/1","datePublished":"2024-06-22T10:00:00"}]}}"#;
        let (b, notes) = read("f", one).unwrap();
        assert!(notes.is_empty());
        assert_eq!(b.propositions.len(), 1);
        assert!(b.propositions[0].id.starts_with("cr-the-world-is-flat-"), "{}", b.propositions[0].id);
        assert_eq!(b.verdicts[0].label, "False");
        assert_eq!(b.verdicts[0].rating.0, 1.0);
        assert_eq!(b.parties[0].id, "square-world-society");
        assert_eq!(b.claims[0].stance, Stance::Affirms);
        assert_eq!(b.sources[0].published.map(|d| d.to_string()).as_deref(), Some("2024-06-22"));
        let array = format!("[{one}, {one}]");
        assert_eq!(read("f", &array).unwrap().0.propositions.len(), 2);
        let graph = format!(r#"{{"@context":"https://schema.org","@graph":[{one}]}}"#);
        assert_eq!(read("f", &graph).unwrap().0.propositions[0].id, b.propositions[0].id);
    }

    #[test]
    fn our_own_ids_come_back() {
        let r = serde_json::json!({"@id": "https://fc.example/claimtrack/claimreview/p%20x"});
        assert_eq!(our_id(&r).as_deref(), Some("p x"));
        let r = serde_json::json!({"@id": "urn:claimtrack:claimreview:p-experts"});
        assert_eq!(our_id(&r).as_deref(), Some("p-experts"));
        assert_eq!(our_id(&serde_json::json!({"@id": "https://other.example/review/1"})), None);
    }

    #[test]
    fn every_error_at_once_with_its_path() {
        let bad = r#"{"@graph":[{"@type":"ClaimReview"},
            {"@type":"ClaimReview","claimReviewed":"x","datePublished":"yesterday","reviewRating":{"ratingValue":"high"}}]}"#;
        let lines = read("f.jsonld", bad).unwrap_err().lines();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("f.jsonld: @graph[0].claimReviewed: missing"), "{lines:?}");
        assert!(lines[1].starts_with("f.jsonld: @graph[1].datePublished: 'yesterday'"), "{lines:?}");
        assert!(lines[2].starts_with("f.jsonld: @graph[1].reviewRating.ratingValue: 'high' is not a number"));
        assert!(read("f", "{}").unwrap_err().to_string().contains("no ClaimReview"));
    }

    #[test]
    fn slugs_cut_at_a_word() {
        assert_eq!(slug("Chinese experts helped IEMZ Kupol!", 20), "chinese-experts");
        assert_eq!(slug("Прилетів дрон", 40), "прилетів-дрон");
    }
}

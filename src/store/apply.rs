//! The write path: every record, from a bundle or a command's flags, is checked and written
//! here, in the caller's transaction. Nothing already stored is ever overwritten.

use super::audit;
use super::records::*;
use crate::clock;
use crate::date::Timestamp;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Names where a bad value came from: `claims[3].stance` for a bundle, `--stance` for flags.
pub type Locate<'a> = &'a dyn Fn(&str, usize, &str) -> String;

/// What a write added and what it found already there, per record kind.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub added: Vec<(&'static str, usize)>,
    pub unchanged: Vec<(&'static str, usize)>,
    /// The keys of the records written or found unchanged, in bundle order.
    #[serde(skip)]
    pub keys: Vec<String>,
}

impl Summary {
    pub fn total_added(&self) -> usize {
        self.added.iter().map(|a| a.1).sum()
    }

    pub fn total_unchanged(&self) -> usize {
        self.unchanged.iter().map(|a| a.1).sum()
    }

    /// "2 parties, 1 claim" (kinds with none left out).
    pub fn describe(counts: &[(&'static str, usize)]) -> String {
        let parts: Vec<String> =
            counts.iter().filter(|c| c.1 > 0).map(|(k, n)| format!("{n} {}", noun(k, *n))).collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

/// "parties" for many, "party" for one.
fn noun(plural: &str, n: usize) -> String {
    match (n, plural) {
        (1, "parties") => "party".into(),
        (1, p) => p.trim_end_matches('s').into(),
        _ => plural.into(),
    }
}

/// Checks `bundle` against itself and the database and writes what is new, in one go, each
/// new record logged in the audit log under `action` ("add" for commands, "import").
pub fn apply(tx: &Connection, mut bundle: Bundle, action: &str, locate: Locate) -> Result<Summary> {
    stamp(&mut bundle);
    let mut checker = Checker { tx, locate, bundle_ids: HashMap::new() };
    checker.collect_ids(&bundle)?;
    let mut summary = Summary::default();
    let parties = checker.merge(&bundle.parties, party, |c, i, p| c.check_party(i, p), &mut summary)?;
    let sources = checker.merge(&bundle.sources, source, |c, i, s| c.check_source(i, s), &mut summary)?;
    let propositions =
        checker.merge(&bundle.propositions, proposition, |c, i, p| c.check_proposition(i, p), &mut summary)?;
    let claims = checker.merge(
        &bundle.claims,
        |t, id| Ok(claim(t, id)?.map(|r| r.claim)),
        |c, i, x| c.check_claim(i, x),
        &mut summary,
    )?;
    let links = checker.merge_by_value(&bundle.links, |c, i, l| c.check_link(i, l), &mut summary)?;
    let requests = checker.merge(&bundle.requests, request, |c, i, q| c.check_request(i, q), &mut summary)?;
    let retractions =
        checker.merge(&bundle.retractions, retraction, |c, i, x| c.check_retraction(i, x).map(|_| ()), &mut summary)?;

    for p in parties {
        insert_party(tx, p)?;
        audit::record(tx, action, p)?;
    }
    for s in sources {
        insert_source(tx, s)?;
        audit::record(tx, action, s)?;
    }
    for p in propositions {
        insert_proposition(tx, p)?;
        audit::record(tx, action, p)?;
    }
    for c in claims {
        insert_claim(tx, c)?;
        audit::record(tx, action, c)?;
    }
    for l in links {
        insert_link(tx, l)?;
        audit::record(tx, action, l)?;
    }
    for q in requests {
        insert_request(tx, q)?;
        audit::record(tx, action, q)?;
    }
    for (i, x) in retractions.into_iter().enumerate() {
        let kind = checker.check_retraction(i, x)?;
        insert_retraction(tx, x, kind)?;
        audit::record(tx, action, x)?;
    }
    Ok(summary)
}

/// Fills in who logged each record and when, and the ids derived from content.
fn stamp(bundle: &mut Bundle) {
    let (user, now) = (clock::user(), Timestamp::now());
    macro_rules! stamp_all {
        ($($list:ident),+) => {$( for r in &mut bundle.$list { r.stamp(&user, now); } )+};
    }
    stamp_all!(parties, sources, propositions, claims, links, requests, retractions);
    for c in &mut bundle.claims {
        if c.id.is_none() {
            c.id = Some(c.derived_id());
        }
    }
    for q in &mut bundle.requests {
        if q.id.is_none() {
            q.id = Some(q.derived_id());
        }
    }
}

struct Checker<'a> {
    tx: &'a Connection,
    locate: Locate<'a>,
    /// The ids each kind of record has in this bundle.
    bundle_ids: HashMap<&'static str, HashSet<String>>,
}

impl<'a> Checker<'a> {
    fn fail(&self, plural: &str, index: usize, field: &str, message: impl std::fmt::Display) -> Error {
        Error::input(format!("{}: {message}", (self.locate)(plural, index, field)))
    }

    fn collect_ids(&mut self, b: &Bundle) -> Result<()> {
        fn keys<T: Logged>(list: &[T]) -> HashSet<String> {
            list.iter().map(|r| r.key()).collect()
        }
        self.bundle_ids.insert("party", keys(&b.parties));
        self.bundle_ids.insert("source", keys(&b.sources));
        self.bundle_ids.insert("proposition", keys(&b.propositions));
        self.bundle_ids.insert("claim", keys(&b.claims));
        self.bundle_ids.insert("request", keys(&b.requests));
        Ok(())
    }

    /// Sorts a list into new records and ones already stored, refusing any that would change
    /// a stored record or clash with another in the bundle.
    fn merge<'b, T: Logged + Clone>(
        &self,
        list: &'b [T],
        stored: fn(&Connection, &str) -> Result<Option<T>>,
        check: impl Fn(&Self, usize, &T) -> Result<()>,
        summary: &mut Summary,
    ) -> Result<Vec<&'b T>> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut fresh = Vec::new();
        let mut unchanged = 0;
        for (i, record) in list.iter().enumerate() {
            let key = record.key();
            let field = if T::KIND == "retraction" { "target" } else { "id" };
            if let Err(why) = check_id(&key) {
                return Err(self.fail(T::PLURAL, i, field, why));
            }
            if let Some(&first) = seen.get(&key) {
                if let Some(diff) = first_difference(&list[first], record) {
                    return Err(self.fail(T::PLURAL, i, &diff, format!(
                        "{} '{key}' appears twice in the input with different {diff} (first as {}[{first}].{field}); give each record its own id",
                        T::KIND, T::PLURAL)));
                }
                continue;
            }
            seen.insert(key.clone(), i);
            summary.keys.push(key.clone());
            match stored(self.tx, &key)? {
                Some(old) => match first_difference(&old, record) {
                    None => unchanged += 1,
                    Some(diff) => {
                        return Err(self.fail(T::PLURAL, i, &diff, format!(
                            "{} '{key}' already exists with a different {diff}; stored records are never overwritten: log a new record (and retract the old one) instead",
                            T::KIND)));
                    }
                },
                None => {
                    check(self, i, record)?;
                    fresh.push(record);
                }
            }
        }
        summary.added.push((T::PLURAL, fresh.len()));
        summary.unchanged.push((T::PLURAL, unchanged));
        Ok(fresh)
    }

    /// Links have no id but their content: one already stored is simply unchanged.
    fn merge_by_value<'b>(
        &self,
        list: &'b [Link],
        check: impl Fn(&Self, usize, &Link) -> Result<()>,
        summary: &mut Summary,
    ) -> Result<Vec<&'b Link>> {
        let mut seen = HashSet::new();
        let mut fresh = Vec::new();
        let mut unchanged = 0;
        for (i, l) in list.iter().enumerate() {
            if !seen.insert(l.key()) {
                continue;
            }
            summary.keys.push(l.key());
            if link(self.tx, l)?.is_some() {
                unchanged += 1;
            } else {
                check(self, i, l)?;
                fresh.push(l);
            }
        }
        summary.added.push((Link::PLURAL, fresh.len()));
        summary.unchanged.push((Link::PLURAL, unchanged));
        Ok(fresh)
    }

    /// Fails unless `id` names a record of `kind`, here or in the bundle, suggesting the
    /// nearest id when it does not.
    fn reference(&self, plural: &str, index: usize, field: &str, kind: &'static str, id: &str) -> Result<()> {
        if self.bundle_ids[kind].contains(id) || exists(self.tx, kind, id)? {
            return Ok(());
        }
        let mut known = ids(self.tx, kind)?;
        known.extend(self.bundle_ids[kind].iter().cloned());
        Err(self.fail(plural, index, field, format!("no {kind} '{id}'{}", suggest(id, &known, kind))))
    }

    fn text(&self, plural: &str, index: usize, field: &str, value: &str) -> Result<()> {
        if value.trim().is_empty() {
            return Err(self.fail(plural, index, field, format!("{field} is empty; give it some text")));
        }
        Ok(())
    }

    fn distinct(&self, plural: &str, index: usize, field: &str, list: &[String]) -> Result<()> {
        let mut seen = HashSet::new();
        match list.iter().find(|x| !seen.insert(x.as_str())) {
            Some(twice) => Err(self.fail(plural, index, field, format!("'{twice}' is listed twice"))),
            None => Ok(()),
        }
    }

    fn check_party(&self, i: usize, p: &Party) -> Result<()> {
        self.text("parties", i, "name", &p.name)?;
        if let Some(parent) = &p.parent {
            if *parent == p.id {
                return Err(self.fail(
                    "parties",
                    i,
                    "parent",
                    format!("'{parent}' is this party itself; a party cannot be its own parent"),
                ));
            }
            self.reference("parties", i, "parent", "party", parent)?;
        }
        Ok(())
    }

    fn check_source(&self, i: usize, s: &Source) -> Result<()> {
        self.text("sources", i, "title", &s.title)?;
        if self.bundle_ids["claim"].contains(&s.id) || exists(self.tx, "claim", &s.id)? {
            return Err(self.fail("sources", i, "id", format!("'{}' is already a claim id; sources and claims share one id space (retractions name either), so pick another", s.id)));
        }
        if let Some(publisher) = &s.publisher {
            self.reference("sources", i, "publisher", "party", publisher)?;
        }
        self.distinct("sources", i, "derived_from", &s.derived_from)?;
        for (k, upstream) in s.derived_from.iter().enumerate() {
            self.reference("sources", i, &format!("derived_from[{k}]"), "source", upstream)?;
        }
        Ok(())
    }

    fn check_proposition(&self, i: usize, p: &Proposition) -> Result<()> {
        self.text("propositions", i, "text", &p.text)?;
        self.distinct("propositions", i, "expected", &p.expected)?;
        for (k, party) in p.expected.iter().enumerate() {
            self.reference("propositions", i, &format!("expected[{k}]"), "party", party)?;
        }
        Ok(())
    }

    fn check_claim(&self, i: usize, c: &Claim) -> Result<()> {
        let id = c.id.as_deref().unwrap_or_default();
        if self.bundle_ids["source"].contains(id) || exists(self.tx, "source", id)? {
            return Err(self.fail("claims", i, "id", format!("'{id}' is already a source id; sources and claims share one id space (retractions name either), so pick another")));
        }
        self.reference("claims", i, "proposition", "proposition", &c.proposition)?;
        self.reference("claims", i, "party", "party", &c.party)?;
        self.reference("claims", i, "source", "source", &c.source)?;
        if let Some(via) = &c.via {
            self.reference("claims", i, "via", "party", via)?;
        }
        Ok(())
    }

    fn check_link(&self, i: usize, l: &Link) -> Result<()> {
        self.reference("links", i, "from", "claim", &l.from)?;
        self.reference("links", i, "to", "claim", &l.to)?;
        if l.from == l.to {
            return Err(self.fail(
                "links",
                i,
                "to",
                format!("'{}' is the claim the link starts from; a claim cannot be linked to itself", l.to),
            ));
        }
        Ok(())
    }

    fn check_request(&self, i: usize, q: &Request) -> Result<()> {
        self.reference("requests", i, "party", "party", &q.party)?;
        self.reference("requests", i, "proposition", "proposition", &q.proposition)?;
        self.reference("requests", i, "by", "party", &q.by)?;
        if let (Some(asked), Some(deadline)) = (&q.asked, &q.deadline) {
            if deadline.end() < asked.start() {
                return Err(self.fail(
                    "requests",
                    i,
                    "deadline",
                    format!("deadline {deadline} is before the request was made ({asked})"),
                ));
            }
        }
        Ok(())
    }

    /// Which kind of record a retraction names.
    fn check_retraction(&self, i: usize, x: &Retraction) -> Result<TargetKind> {
        self.text("retractions", i, "reason", &x.reason)?;
        let in_bundle = |kind| self.bundle_ids[kind].contains(&x.target);
        if in_bundle("claim") || exists(self.tx, "claim", &x.target)? {
            return Ok(TargetKind::Claim);
        }
        if in_bundle("source") || exists(self.tx, "source", &x.target)? {
            return Ok(TargetKind::Source);
        }
        let mut known = ids(self.tx, "claim")?;
        known.extend(ids(self.tx, "source")?);
        known.extend(self.bundle_ids["claim"].iter().chain(&self.bundle_ids["source"]).cloned());
        Err(self.fail(
            "retractions",
            i,
            "target",
            format!("no claim or source '{}'{}", x.target, suggest(&x.target, &known, "claim or source")),
        ))
    }
}

/// An id is a handle typed at a terminal: no spaces, no control characters.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("an id cannot be empty".into())
    } else if id.chars().count() > 200 {
        Err(format!("id '{}…' is longer than 200 characters", id.chars().take(20).collect::<String>()))
    } else if let Some(c) = id.chars().find(|c| c.is_whitespace() || c.is_control()) {
        Err(format!("id '{id}' contains {c:?}; use letters, digits and - _ . : / (e.g. china-mfa)"))
    } else {
        Ok(())
    }
}

/// The first field (in document order) whose value differs, ignoring who logged it and when.
pub fn first_difference<T: Serialize>(a: &T, b: &T) -> Option<String> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (serde_json::to_value(a).ok()?, serde_json::to_value(b).ok()?)
    else {
        return None;
    };
    let fields = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    fields.filter(|k| *k != "logged_by" && *k != "recorded").find(|k| a.get(*k) != b.get(*k)).cloned()
}

/// " (did you mean 'x'?)" for the nearest known id, or a hint when there are none.
pub fn suggest(wanted: &str, known: &[String], kind: &str) -> String {
    if known.is_empty() {
        return format!(" (no {kind} is logged yet; add it first)");
    }
    let lower = wanted.to_lowercase();
    let best =
        known.iter().map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), k)).max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, k)) if score >= 0.75 => format!(" (did you mean '{k}'?)"),
        _ => format!(" (list the known ones with `claimtrack {} list`)", kind.split(' ').next().unwrap_or(kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let known = vec!["china-mfa".to_string(), "kremlin".to_string()];
        assert_eq!(suggest("china-mf", &known, "party"), " (did you mean 'china-mfa'?)");
        assert!(suggest("zzzzzz", &known, "party").contains("claimtrack party list"));
        assert!(suggest("x", &[], "party").contains("no party is logged yet"));
    }

    #[test]
    fn ids_refuse_spaces_and_control_characters() {
        assert!(check_id("china-mfa").is_ok());
        assert!(check_id("ещё-один").is_ok());
        assert!(check_id("china mfa").is_err());
        assert!(check_id("").is_err());
        assert!(check_id("a\u{7}").is_err());
    }

    #[test]
    fn first_difference_ignores_who_and_when() {
        let a =
            Link { from: "a".into(), rel: LinkRel::Cites, to: "b".into(), logged_by: Some("x".into()), recorded: None };
        let b = Link { logged_by: Some("y".into()), ..a.clone() };
        assert_eq!(first_difference(&a, &b), None);
        let c = Link { to: "c".into(), ..a.clone() };
        assert_eq!(first_difference(&a, &c).as_deref(), Some("to"));
    }
}

//! The rules every record of a kind must pass before it is written: its own fields (text a
//! reader can see, ids a person can type, sizes, scales), and what it may not collide with.

use super::*;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;

/// Names where a bad value came from, given the field: `claims[3].stance` in a bundle,
/// `line 7: stance` in JSON Lines, `--stance` for flags.
pub type Locate<'a> = &'a dyn Fn(&str) -> String;

pub(super) fn check_party(p: &Party, at: Locate) -> Result<()> {
    text(at, "name", &p.name)?;
    for (k, alias) in p.aliases.iter().enumerate() {
        text(at, &format!("aliases[{k}]"), alias)?;
    }
    match &p.parent {
        Some(parent) if *parent == p.id => {
            Err(fail(at, "parent", format!("'{parent}' is this party itself; a party cannot be its own parent")))
        }
        _ => Ok(()),
    }
}

pub(super) fn check_source(tx: &Connection, s: &Source, at: Locate) -> Result<()> {
    if let Some(title) = &s.title {
        text(at, "title", title)?;
    }
    if let Some(url) = &s.url {
        check_url(url).map_err(|why| fail(at, "url", why))?;
    }
    if exists(tx, RecordKind::Claim, &s.id)? {
        return Err(fail(at, "id", format!("'{}' is already a claim id; sources and claims share one id space (retractions name either), so pick another", s.id)));
    }
    distinct(at, "derived_from", &s.derived_from)
}

pub(super) fn check_proposition(tx: &Connection, p: &Proposition, at: Locate) -> Result<()> {
    text(at, "text", &p.text)?;
    distinct(at, "expected", &p.expected)?;
    let Some(into) = &p.merged_into else { return Ok(()) };
    if *into == p.id {
        return Err(fail(at, "merged_into", format!("{} cannot be merged into itself", p.id)));
    }
    // One step to the proposition that stands: a merge never makes a chain or a loop.
    if let Some(further) = super::proposition(tx, into)?.and_then(|t| t.merged_into) {
        return Err(fail(
            at,
            "merged_into",
            format!("{into} is itself merged into {further}; merge {} into {further} instead", p.id),
        ));
    }
    let merged_here = super::propositions_merged_into(tx, &p.id)?;
    if let Some(first) = merged_here.first() {
        return Err(fail(at, "merged_into", format!(
            "{first} is merged into {}; unmerge it first (claimtrack proposition unmerge {first}) or merge it into {into} too",
            p.id
        )));
    }
    Ok(())
}

pub(super) fn check_claim(tx: &Connection, c: &Claim, at: Locate) -> Result<()> {
    let id = c.id.as_deref().unwrap_or_default();
    if exists(tx, RecordKind::Source, id)? {
        return Err(fail(at, "id", format!("'{id}' is already a source id; sources and claims share one id space (retractions name either), so pick another")));
    }
    Ok(())
}

pub(super) fn check_link(l: &Link, at: Locate) -> Result<()> {
    if l.from == l.to {
        return Err(fail(
            at,
            "to",
            format!("'{}' is the claim the link starts from; a claim cannot be linked to itself", l.to),
        ));
    }
    Ok(())
}

pub(super) fn check_request(q: &Request, at: Locate) -> Result<()> {
    if let (Some(asked), Some(deadline)) = (&q.asked, &q.deadline) {
        if deadline.end() < asked.start() {
            return Err(fail(at, "deadline", format!("deadline {deadline} is before the request was made ({asked})")));
        }
    }
    Ok(())
}

/// A retraction names a claim or a source already logged (earlier in the input, or
/// before it): bundles list retractions last.
pub(super) fn check_retraction(tx: &Connection, x: &Retraction, at: Locate) -> Result<TargetKind> {
    text(at, "reason", &x.reason)?;
    if exists(tx, RecordKind::Claim, &x.target)? {
        return Ok(TargetKind::Claim);
    }
    if exists(tx, RecordKind::Source, &x.target)? {
        return Ok(TargetKind::Source);
    }
    let mut known = ids(tx, RecordKind::Claim)?;
    known.extend(ids(tx, RecordKind::Source)?);
    Err(fail(
        at,
        "target",
        format!("no claim or source '{}'{}", x.target, suggest(&x.target, &known, Named::ClaimOrSource)),
    ))
}

pub(super) fn check_verdict(v: &Verdict, at: Locate) -> Result<()> {
    text(at, "label", &v.label)?;
    if let Some(url) = &v.url {
        check_url(url).map_err(|why| fail(at, "url", why))?;
    }
    let (rating, best, worst) = (v.rating.0, v.best.0, v.worst.0);
    let (low, high) = (best.min(worst), best.max(worst));
    if !(low..=high).contains(&rating) {
        return Err(fail(at, "rating", format!("{rating} is outside the scale from worst {worst} to best {best}")));
    }
    if best == worst {
        return Err(fail(at, "best", format!("best and worst are both {best}; a scale needs two ends")));
    }
    Ok(())
}

pub(super) fn fail(at: Locate, field: &str, message: impl std::fmt::Display) -> Error {
    Error::input(format!("{}: {message}", at(field)))
}

/// The most one text field of a record may hold, in bytes (docs/FORMAT.md): `verify` and
/// `backup` hold a few copies of the largest field in memory at once.
pub const MAX_FIELD: usize = 1 << 20;

/// Every text field of a record (list items included) within [`MAX_FIELD`]; returns the
/// record as JSON, which a batch hashes (one serialisation serves both).
pub(super) fn within_size<T: Serialize>(record: &T, at: Locate) -> Result<serde_json::Value> {
    let value = serde_json::to_value(record).expect("records serialise");
    let serde_json::Value::Object(fields) = &value else {
        return Ok(value);
    };
    let long = |v: &serde_json::Value| v.as_str().is_some_and(|s| s.len() > MAX_FIELD);
    match fields.iter().find(|(_, v)| long(v) || v.as_array().is_some_and(|items| items.iter().any(long))) {
        Some((field, _)) => Err(fail(
            at,
            field,
            format!(
                "{field} is longer than {} MiB, the most one field may hold (docs/FORMAT.md); keep the full text in its source and log the part that matters",
                MAX_FIELD >> 20
            ),
        )),
        None => Ok(value),
    }
}

/// A name, title, text, label or reason: something a reader can see.
pub(super) fn text(at: Locate, field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(fail(at, field, format!("{field} is empty; give it some text")));
    }
    if !crate::text::has_visible(value) {
        return Err(fail(
            at,
            field,
            format!(
                "{field} has no visible character (only spaces, zero-width or control characters); give it some text"
            ),
        ));
    }
    Ok(())
}

fn distinct(at: Locate, field: &str, list: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    match list.iter().find(|x| !seen.insert(x.as_str())) {
        Some(twice) => Err(fail(at, field, format!("'{twice}' is listed twice"))),
        None => Ok(()),
    }
}

/// An id is a handle typed at a terminal: no spaces, no control characters, nothing
/// invisible (zero-width or bidirectional characters would make two ids look alike).
pub(super) fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("an id cannot be empty".into())
    } else if id.chars().count() > 200 {
        Err(format!("id '{}…' is longer than 200 characters", id.chars().take(20).collect::<String>()))
    } else if let Some(c) = id.chars().find(|c| crate::text::is_invisible(*c)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_spaces_and_control_characters() {
        assert!(check_id("china-mfa").is_ok());
        assert!(check_id("ещё-один").is_ok());
        assert!(check_id("china mfa").is_err());
        assert!(check_id("").is_err());
        assert!(check_id("a\u{7}").is_err());
        for invisible in ["a\u{200b}b", "\u{202e}abc", "a\u{2066}b", "\u{feff}x", "x\u{ad}y", "x\u{3164}"] {
            assert!(check_id(invisible).is_err(), "{invisible:?}");
        }
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

//! Corrections: a logger's own fix to a record already logged (a typo in a name, a missing
//! alias, the wrong proposition). The record keeps its id; the correction is a record of its
//! own, with what it set, added and removed, and why. Which fields each kind lets correct,
//! and how a change applies to a record (as JSON, before the record's own checks run on
//! the result), live here.

use super::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A correction of one record, as bundles and JSON Lines carry it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The id of the record corrected (a link is "FROM REL TO").
    pub target: String,
    /// The kind of the record, when its id alone could name two records.
    pub kind: Option<RecordKind>,
    /// Fields set to a new value (`null` clears an optional field).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub set: Map<String, Value>,
    /// Items added to list fields (aliases, expected, tags, derived_from, basis).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub add: Map<String, Value>,
    /// Items removed from list fields.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub remove: Map<String, Value>,
    pub reason: String,
    pub logged_by: Option<String>,
    pub recorded: Option<crate::date::Timestamp>,
}

/// The kinds of record that take corrections (the others stand as logged).
pub const CORRECTABLE: [RecordKind; 6] = [
    RecordKind::Party,
    RecordKind::Source,
    RecordKind::Proposition,
    RecordKind::Claim,
    RecordKind::Request,
    RecordKind::Verdict,
];

/// How a field takes a value typed at the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Bool,
    /// A list of texts or ids.
    List,
}

/// The fields a kind of record lets correct, with their types. The id never changes, and who
/// logged a record and when stay as they were.
pub fn correctable(kind: RecordKind) -> &'static [(&'static str, FieldType)] {
    use FieldType::*;
    match kind {
        RecordKind::Party => &[
            ("name", Text),
            ("kind", Text),
            ("anonymous", Bool),
            ("country", Text),
            ("parent", Text),
            ("aliases", List),
            ("note", Text),
        ],
        RecordKind::Source => &[
            ("title", Text),
            ("kind", Text),
            ("publisher", Text),
            ("url", Text),
            ("published", Text),
            ("accessed", Text),
            ("reliability", Text),
            ("derived_from", List),
            ("sha256", Text),
            ("note", Text),
        ],
        RecordKind::Proposition => {
            &[("text", Text), ("tags", List), ("expected", List), ("note", Text), ("merged_into", Text)]
        }
        RecordKind::Claim => &[
            ("proposition", Text),
            ("party", Text),
            ("stance", Text),
            ("source", Text),
            ("basis", List),
            ("via", Text),
            ("stated", Text),
            ("quote", Text),
            ("note", Text),
            ("confidence", Number),
            ("grade", Number),
        ],
        RecordKind::Request => &[
            ("party", Text),
            ("proposition", Text),
            ("by", Text),
            ("asked", Text),
            ("deadline", Text),
            ("channel", Text),
            ("note", Text),
        ],
        RecordKind::Verdict => &[
            ("rating", Number),
            ("best", Number),
            ("worst", Number),
            ("label", Text),
            ("explanation", Text),
            ("url", Text),
            ("reviewer", Text),
            ("published", Text),
            ("claimant", Text),
        ],
        _ => &[],
    }
}

/// The kind of record a field's values name, for the fields that name records (names work
/// there as they do when a record is first logged).
pub fn reference_kind(kind: RecordKind, field: &str) -> Option<RecordKind> {
    match (kind, field) {
        (RecordKind::Party, "parent")
        | (RecordKind::Source, "publisher")
        | (RecordKind::Proposition, "expected")
        | (RecordKind::Claim, "party" | "via")
        | (RecordKind::Request, "party" | "by")
        | (RecordKind::Verdict, "claimant") => Some(RecordKind::Party),
        (RecordKind::Source, "derived_from") | (RecordKind::Claim, "source" | "basis") => Some(RecordKind::Source),
        (RecordKind::Claim | RecordKind::Request, "proposition") => Some(RecordKind::Proposition),
        _ => None,
    }
}

/// A correction as the audit log holds it: with the values it replaced, so that the version
/// first logged can be read back from the current one.
#[derive(Serialize)]
pub struct LoggedCorrection<'a> {
    #[serde(flatten)]
    pub correction: &'a Correction,
    pub before: &'a Map<String, Value>,
}

/// A value typed at the command line as the JSON the field takes: an empty text clears an
/// optional field; numbers and booleans are read as such.
pub fn typed(kind: RecordKind, field: &str, text: &str) -> Result<Value, String> {
    let Some((_, ty)) = correctable(kind).iter().find(|f| f.0 == field) else {
        return Err(no_such_field(kind, field));
    };
    match ty {
        _ if text.is_empty() => Ok(Value::Null),
        FieldType::Text | FieldType::List => Ok(Value::String(text.to_string())),
        FieldType::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|n| if n.fract() == 0.0 && n.abs() < 1e15 { Value::from(n as i64) } else { Value::from(n) })
            .ok_or_else(|| format!("'{text}' is not a number")),
        FieldType::Bool => match text {
            "true" | "yes" => Ok(Value::Bool(true)),
            "false" | "no" => Ok(Value::Bool(false)),
            _ => Err(format!("'{text}' is not true or false")),
        },
    }
}

fn no_such_field(kind: RecordKind, field: &str) -> String {
    let fields: Vec<&str> = correctable(kind).iter().map(|f| f.0).collect();
    if ["id", "target", "logged_by", "recorded"].contains(&field) {
        format!("'{field}' cannot be corrected: a {kind} keeps its id, and who logged it and when stay as they were")
    } else {
        format!("a {kind} has no field '{field}'; it has: {}", fields.join(", "))
    }
}

impl Correction {
    /// Its `set` values made the values the record will hold (see [`Record::normalised`]):
    /// a correction keeps what the row keeps, so that replaying it gives the row back and a
    /// value that only differs in its spelling ("ru" for "RU") changes nothing.
    pub fn normalise(&mut self, kind: RecordKind, record: &Value) {
        let mut fields = record.as_object().cloned().unwrap_or_default();
        for (field, value) in &self.set {
            match value {
                Value::Null => fields.remove(field),
                v => fields.insert(field.clone(), v.clone()),
            };
        }
        let normalised = super::Record::normalised(kind, Value::Object(fields));
        for (field, value) in self.set.iter_mut() {
            *value = normalised.get(field).cloned().unwrap_or(Value::Null);
        }
    }

    /// The record (as JSON) with the correction applied, and the values it replaced, field
    /// by field. Lists take `add` items at their end and lose `remove` items; a field set
    /// to null is left out. The caller reads the result back as its record kind, so every
    /// value passes the same checks as when the record was first logged.
    pub fn apply(&self, kind: RecordKind, record: &Value) -> Result<(Value, Map<String, Value>), String> {
        let mut fields = record.as_object().cloned().unwrap_or_default();
        let mut before = Map::new();
        for field in self.set.keys().chain(self.add.keys()).chain(self.remove.keys()) {
            if !correctable(kind).iter().any(|f| f.0 == field) {
                return Err(no_such_field(kind, field));
            }
            before.entry(field.clone()).or_insert_with(|| fields.get(field).cloned().unwrap_or(Value::Null));
        }
        for (field, value) in &self.set {
            match value {
                Value::Null => fields.remove(field),
                v => fields.insert(field.clone(), v.clone()),
            };
        }
        // Membership through sets keyed by each item's JSON: a correction adding or removing
        // a hundred thousand items is linear, where searching the list for each was not.
        for (field, items) in &self.add {
            let list = list_of(&mut fields, kind, field)?;
            let mut there: HashSet<String> = list.iter().map(Value::to_string).collect();
            for item in items_of(items) {
                if !there.insert(item.to_string()) {
                    return Err(format!("{field}: '{}' is already there", show(&item)));
                }
                list.push(item);
            }
        }
        for (field, items) in &self.remove {
            let list = list_of(&mut fields, kind, field)?;
            let mut there: HashMap<String, usize> = HashMap::new();
            for x in list.iter() {
                *there.entry(x.to_string()).or_default() += 1;
            }
            // How many of each item go, taken from the front of the list as before.
            let mut gone: HashMap<String, usize> = HashMap::new();
            for item in items_of(items) {
                let key = item.to_string();
                match there.get_mut(&key) {
                    Some(left) if *left > 0 => *left -= 1,
                    _ => return Err(format!("{field}: '{}' is not there to remove", show(&item))),
                }
                *gone.entry(key).or_default() += 1;
            }
            list.retain(|x| match gone.get_mut(&x.to_string()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        }
        fields.retain(|_, v| !matches!(v, Value::Array(a) if a.is_empty()));
        let after = Value::Object(fields);
        if before.iter().all(|(k, v)| after.get(k).unwrap_or(&Value::Null) == v) {
            return Err("the correction changes nothing: every value is already as given".into());
        }
        Ok((after, before))
    }
}

impl Correction {
    /// What it changed, field by field, as `field: old → new` (empty for none), from the
    /// values it replaced.
    pub fn changes(&self, before: &Map<String, Value>) -> Vec<String> {
        before
            .iter()
            .map(|(field, old)| {
                let new = match self.set.get(field) {
                    Some(v) => v.clone(),
                    None => {
                        let mut list: Vec<Value> = items_of(old).into_iter().filter(|v| !v.is_null()).collect();
                        list.extend(self.add.get(field).map(items_of).unwrap_or_default());
                        let gone: HashSet<String> = self
                            .remove
                            .get(field)
                            .map(items_of)
                            .unwrap_or_default()
                            .iter()
                            .map(Value::to_string)
                            .collect();
                        list.retain(|v| !gone.contains(&v.to_string()));
                        Value::Array(list)
                    }
                };
                format!("{field}: {} → {}", shown(old), shown(&new))
            })
            .collect()
    }
}

/// A value as a person reads it in a change: text as it is, lists joined, none as "(none)".
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => show(other),
    }
}

fn show(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// One item or a list of them.
fn items_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    }
}

fn list_of<'a>(
    fields: &'a mut Map<String, Value>,
    kind: RecordKind,
    field: &str,
) -> Result<&'a mut Vec<Value>, String> {
    if !correctable(kind).iter().any(|f| f.0 == field && f.1 == FieldType::List) {
        return Err(format!("{field} is not a list: use --set {field}=VALUE"));
    }
    let slot = fields.entry(field.to_string()).or_insert_with(|| Value::Array(Vec::new()));
    slot.as_array_mut().ok_or_else(|| format!("{field} is not a list"))
}

/// The record as it was before `after` applied: each field given back its value in `before`.
pub fn revert(record: &Value, before: &Map<String, Value>) -> Value {
    let mut fields = record.as_object().cloned().unwrap_or_default();
    for (field, value) in before {
        match value {
            Value::Null => fields.remove(field),
            v => fields.insert(field.clone(), v.clone()),
        };
    }
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn correction(set: Value, add: Value, remove: Value) -> Correction {
        Correction {
            target: "kupol".into(),
            kind: None,
            set: set.as_object().cloned().unwrap_or_default(),
            add: add.as_object().cloned().unwrap_or_default(),
            remove: remove.as_object().cloned().unwrap_or_default(),
            reason: "typo".into(),
            logged_by: None,
            recorded: None,
        }
    }

    #[test]
    fn sets_adds_and_removes_and_says_what_it_replaced() {
        let party = json!({"id": "kupol", "name": "IEMZ Kupl", "kind": "company", "aliases": ["Kupol"]});
        let c =
            correction(json!({"name": "IEMZ Kupol", "country": "RU"}), json!({"aliases": ["Kupol plant"]}), json!({}));
        let (after, before) = c.apply(RecordKind::Party, &party).unwrap();
        assert_eq!(after["name"], "IEMZ Kupol");
        assert_eq!(after["aliases"], json!(["Kupol", "Kupol plant"]));
        assert_eq!(
            before,
            json!({"name": "IEMZ Kupl", "country": null, "aliases": ["Kupol"]}).as_object().cloned().unwrap()
        );
        assert_eq!(revert(&after, &before), party, "reverting gives the record back");
        let removed =
            correction(json!({}), json!({}), json!({"aliases": "Kupol"})).apply(RecordKind::Party, &party).unwrap();
        assert!(removed.0.get("aliases").is_none(), "an emptied list is left out, as when logged");
    }

    #[test]
    fn refuses_what_a_kind_does_not_have_or_a_change_of_nothing() {
        let party = json!({"id": "kupol", "name": "IEMZ Kupol", "kind": "company"});
        let err = |c: Correction| c.apply(RecordKind::Party, &party).unwrap_err();
        assert!(err(correction(json!({"id": "x"}), json!({}), json!({}))).contains("keeps its id"));
        assert!(err(correction(json!({"stance": "denies"}), json!({}), json!({}))).contains("has no field 'stance'"));
        assert!(err(correction(json!({}), json!({"name": "x"}), json!({}))).contains("name is not a list"));
        assert!(err(correction(json!({"name": "IEMZ Kupol"}), json!({}), json!({}))).contains("changes nothing"));
        assert!(err(correction(json!({}), json!({}), json!({"aliases": "nope"}))).contains("not there to remove"));
    }

    #[test]
    fn values_typed_at_the_command_line_take_their_fields_type() {
        assert_eq!(typed(RecordKind::Claim, "confidence", "0.8").unwrap(), json!(0.8));
        assert_eq!(typed(RecordKind::Claim, "grade", "2").unwrap(), json!(2));
        assert_eq!(typed(RecordKind::Party, "anonymous", "true").unwrap(), json!(true));
        assert_eq!(typed(RecordKind::Claim, "note", "").unwrap(), Value::Null, "empty clears");
        assert!(typed(RecordKind::Claim, "confidence", "inf").is_err());
        assert!(typed(RecordKind::Claim, "confidence", "high").is_err());
        assert!(typed(RecordKind::Claim, "colour", "x").unwrap_err().contains("has no field 'colour'"));
    }
}

/// A correction as stored: what it changed, and the values it replaced.
#[derive(Clone, Debug)]
pub struct StoredCorrection {
    pub correction: Correction,
    pub before: Map<String, Value>,
    pub event: i64,
}

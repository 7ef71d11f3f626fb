//! `claimtrack correct`: the logger's own fix to a record already logged. The record keeps its
//! id; the correction is a record of its own, and never reads as a retraction.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::{correctable, typed, Correction, FieldType, RecordKind, CORRECTABLE};
use crate::store::{self, Refs, Writer};
use clap::builder::TypedValueParser;
use serde_json::{Map, Value};

/// Correct a record you logged: a typo in a name, a missing alias, the wrong proposition.
/// The id never changes; every view uses the corrected version, `--known-at` an earlier
/// moment the version then current, and `history ID` shows each change with who, when and
/// why. Values pass the same checks as when the record was first logged, and names work
/// where ids do. For a source that withdrew what it published, or a party that took back
/// what it said, use `claimtrack retract` instead.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack correct kupol --set name=\"IEMZ Kupol\" --reason \"typo in the name\"\n  claimtrack correct kupol --add aliases=\"Kupol plant\" --reason \"name used by Reuters\"\n  claimtrack correct p-experts-helped --remove expected=kremlin --reason \"not a party to this\""
)]
pub struct Args {
    /// The record to correct: an id, or a party's name or alias, a source's title, a
    /// proposition's text
    target: String,
    /// Set a field: FIELD=VALUE (an empty VALUE clears an optional field); repeat for more
    #[arg(long, value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Add an item to a list field (aliases, tags, expected, derived_from, basis)
    #[arg(long, value_name = "FIELD=VALUE")]
    add: Vec<String>,
    /// Remove an item from a list field
    #[arg(long, value_name = "FIELD=VALUE")]
    remove: Vec<String>,
    /// Why: shown in the record's history
    #[arg(long)]
    reason: String,
    /// The kind of record, when the id could name two
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(CORRECTABLE.map(RecordKind::as_str))
        .map(|k| k.parse::<RecordKind>().expect("one of the kinds offered")))]
    kind: Option<RecordKind>,
    /// Check the correction and say what it would change, without writing it
    #[arg(long)]
    dry_run: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    ctx.no_format("correct")?;
    if a.set.is_empty() && a.add.is_empty() && a.remove.is_empty() {
        return Err(Error::Usage(
            "say what to change: --set FIELD=VALUE, --add FIELD=VALUE or --remove FIELD=VALUE".into(),
        ));
    }
    let flags: Vec<(&str, &String)> = [("--set", &a.set), ("--add", &a.add), ("--remove", &a.remove)]
        .into_iter()
        .flat_map(|(flag, list)| list.iter().map(move |v| (flag, v)))
        .collect();
    let locate = |field: &str| match field {
        "target" => "ID".to_string(),
        "reason" => "--reason".to_string(),
        "kind" => "--kind".to_string(),
        f => flags
            .iter()
            .find(|(_, v)| v.split_once('=').is_some_and(|(name, _)| name.trim() == f))
            .map_or_else(|| f.to_string(), |(flag, _)| format!("{flag} {f}")),
    };
    let (kind, target, lines) = ctx.write(a.dry_run, |tx| {
        let mut writer = Writer::new(tx, "correct", Refs::IdsOrNames)?;
        let (kind, _) = writer.correction_target(&a.target, a.kind, &locate)?;
        let correction = Correction {
            target: a.target.clone(),
            kind: Some(kind),
            set: fields(kind, "--set", &a.set, false)?,
            add: fields(kind, "--add", &a.add, true)?,
            remove: fields(kind, "--remove", &a.remove, true)?,
            reason: a.reason.clone(),
            logged_by: None,
            recorded: None,
        };
        let summary =
            writer.add(crate::model::Record::Correction(correction), &locate).and_then(|_| writer.finish())?;
        let target = summary.first_key.unwrap_or_default();
        let last = store::corrections_of(tx, kind, &target)?.pop().expect("the correction just written");
        Ok((kind, target, last.correction.changes(&last.before)))
    })?;
    crate::output::line(&target)?;
    let verb = if a.dry_run { "would correct" } else { "corrected" };
    ctx.say(format!("{verb} {kind} {target}: {}", lines.join("; ")));
    Ok(())
}

/// `FIELD=VALUE` flags as the JSON each field takes; list flags gather their items.
fn fields(kind: RecordKind, flag: &str, given: &[String], list: bool) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for item in given {
        let Some((field, text)) = item.split_once('=') else {
            return Err(Error::Usage(format!("{flag} {item}: give FIELD=VALUE, e.g. {flag} name=\"IEMZ Kupol\"")));
        };
        let field = field.trim();
        let is_list = correctable(kind).iter().any(|f| f.0 == field && f.1 == FieldType::List);
        if is_list && !list {
            return Err(Error::input(format!(
                "{flag} {field}: {field} is a list; use --add {field}=VALUE or --remove {field}=VALUE"
            )));
        }
        let value = typed(kind, field, text).map_err(|why| Error::input(format!("{flag} {field}: {why}")))?;
        match (list, out.get_mut(field)) {
            (true, Some(Value::Array(items))) => items.push(value),
            (true, None) => {
                out.insert(field.to_string(), Value::Array(vec![value]));
            }
            (_, Some(_)) => return Err(Error::Usage(format!("{flag} {field} is given twice; give it once"))),
            (false, None) => {
                out.insert(field.to_string(), value);
            }
        }
    }
    Ok(out)
}

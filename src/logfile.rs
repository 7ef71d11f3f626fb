//! The text `claimtrack log` reads: one source and what it says, in TOML a journalist can
//! write by hand (docs/LOG.md). It is parsed into a bundle for the one write path, keeping
//! where each record and field stood, so that every error, the write path's included, names
//! its line. Also here: the template the editor opens on, and the error notes written into
//! the text when it is handed back.

use crate::error::{Error, Result};
use crate::model::{Bundle, Party, PartyKind, Proposition, Reliability, Source, SourceKind, Stance};
use crate::output::visible;
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// The tables a log file may hold, as the file names them and as a bundle does.
const SECTIONS: &[(&str, &str)] = &[
    ("source", "sources"),
    ("party", "parties"),
    ("proposition", "propositions"),
    ("claim", "claims"),
    ("link", "links"),
    ("request", "requests"),
];

/// Where the records of a parsed file stood, for error messages.
pub struct Places {
    /// The byte offset at which each line starts.
    line_starts: Vec<usize>,
    /// Per bundle list ("claims"), the table of each record in it.
    records: Vec<(&'static str, Vec<Place>)>,
}

/// One table: its section ("claim"), where it starts, and its fields.
struct Place {
    section: &'static str,
    start: usize,
    fields: Vec<Field>,
}

/// One key of a table: where the key is, where its value is, and each element of a list.
struct Field {
    name: String,
    key: usize,
    value: Range<usize>,
    elements: Vec<usize>,
}

impl Places {
    fn new(text: &str) -> Places {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Places { line_starts, records: Vec::new() }
    }

    /// The line (from 1) that holds a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }

    /// "line 12: party" for a field of a record, as the write path asks where a bad value
    /// came from (`plural` and `index` name the record in the bundle, `field` may be
    /// `derived_from[1]`). A field the text does not hold (a claim's derived id) points at
    /// the record's table.
    pub fn locate(&self, plural: &str, index: usize, field: &str) -> String {
        let (name, element) = match field.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (field, None),
        };
        let Some(place) = self.records.iter().find(|r| r.0 == plural).and_then(|r| r.1.get(index)) else {
            return format!("line 1: {name}");
        };
        match place.fields.iter().find(|f| f.name == name) {
            Some(f) => {
                let at = element.and_then(|k| f.elements.get(k).copied()).unwrap_or(f.key);
                format!("line {}: {name}", self.line(at))
            }
            None => format!("line {}: {}", self.line(place.start), place.section),
        }
    }

    /// "line 12: stance" for an offset inside a table: the field whose value holds it.
    fn at_offset(&self, place: &Place, offset: usize) -> String {
        let field = place.fields.iter().find(|f| f.value.contains(&offset) || f.key == offset);
        format!("line {}: {}", self.line(offset), field.map_or(place.section, |f| f.name.as_str()))
    }
}

/// Reads a log file into the records it adds, where each stood, and what is wrong with the
/// records that could not be read (each "line N: field: what is wrong"; the others are still
/// read, so that every error shows at once). A file that is not TOML at all is one error.
pub fn parse(text: &str) -> Result<(Bundle, Places, Vec<String>)> {
    let mut places = Places::new(text);
    let root = DeTable::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| places.line(s.start));
        Error::input(format!("line {line}: not valid TOML: {}", e.message().trim()))
    })?;
    let mut errors = Vec::new();
    let mut sections: Vec<(&'static str, Vec<Spanned<DeTable>>)> = SECTIONS.iter().map(|s| (s.0, Vec::new())).collect();
    for (key, value) in root.into_inner() {
        let line = places.line(key.span().start);
        let Some(section) = sections.iter_mut().find(|s| s.0 == key.get_ref().as_ref()) else {
            errors.push(format!(
                "line {line}: [{}] is not a part of a log file; use [[source]], [[claim]], [[request]], [[party]], [[proposition]] or [[link]]",
                key.get_ref()
            ));
            continue;
        };
        match tables(section.0, value, line) {
            Ok(tables) => section.1 = tables,
            Err(e) => errors.extend(e.lines()),
        }
    }
    fn take<'a>(sections: &mut [(&str, Vec<Spanned<DeTable<'a>>>)], name: &str) -> Vec<Spanned<DeTable<'a>>> {
        sections.iter_mut().find(|s| s.0 == name).map(|s| std::mem::take(&mut s.1)).unwrap_or_default()
    }
    let sources = take(&mut sections, "source");
    let Some(first) = sources.first() else {
        errors.push(
            "line 1: source: the file has no [source]; a log file is about a source: give at least its id".into(),
        );
        return Ok((Bundle::default(), places, errors));
    };
    // Claims are found in the first source, and its publisher asked for comment, unless
    // they say otherwise.
    let id = first.get_ref().get_key_value("id").map(|(k, v)| (k.clone(), v.clone()));
    let publisher = first.get_ref().get_key_value("publisher").map(|(k, v)| (k.clone(), v.clone()));
    let mut bundle = Bundle::default();
    for table in sources {
        if !table.get_ref().contains_key("id") {
            errors.push(format!(
                "line {}: source: give the source's id (and a title and kind when it is new)",
                places.line(table.span().start)
            ));
        } else if table.get_ref().len() > 1 {
            // A source with nothing but an id names one already logged.
            keep(&mut errors, &mut bundle.sources, record(&mut places, "source", "sources", table));
        }
    }
    for table in take(&mut sections, "party") {
        keep(&mut errors, &mut bundle.parties, record(&mut places, "party", "parties", table));
    }
    for table in take(&mut sections, "proposition") {
        keep(&mut errors, &mut bundle.propositions, record(&mut places, "proposition", "propositions", table));
    }
    for mut table in take(&mut sections, "claim") {
        default(&mut table, "source", id.clone());
        keep(&mut errors, &mut bundle.claims, record(&mut places, "claim", "claims", table));
    }
    for table in take(&mut sections, "link") {
        keep(&mut errors, &mut bundle.links, record(&mut places, "link", "links", table));
    }
    for mut table in take(&mut sections, "request") {
        default(&mut table, "by", publisher.clone());
        keep(&mut errors, &mut bundle.requests, record(&mut places, "request", "requests", table));
    }
    Ok((bundle, places, errors))
}

/// A record read, into its list; what was wrong with it, into the errors.
fn keep<T>(errors: &mut Vec<String>, list: &mut Vec<T>, (record, wrong): (Option<T>, Vec<String>)) {
    list.extend(record);
    errors.extend(wrong);
}

/// Errors in the order of the lines they name (those naming none first), one for each
/// field of a line: the first said, which is the reading's (a value the write path checks
/// again is one a reading error already stood in for).
pub fn by_line(mut errors: Vec<String>) -> Vec<String> {
    errors.sort_by_key(|e| error_line(e).map_or(0, |(line, _)| line));
    let mut said: Vec<(usize, String)> = Vec::new();
    errors.retain(|e| match error_line(e) {
        Some((line, rest)) => {
            let field = (line, rest.split(": ").next().unwrap_or(rest).to_string());
            let new = !said.contains(&field);
            said.push(field);
            new
        }
        None => true,
    });
    errors.dedup();
    errors
}

/// The tables of one section, tidied (see [`tidy`]). `[source]` is one table; the others are
/// lists of tables (`[[claim]]`), blank ones left out.
fn tables<'a>(section: &str, value: Spanned<DeValue<'a>>, line: usize) -> Result<Vec<Spanned<DeTable<'a>>>> {
    let span = value.span();
    let items = match (section, value.into_inner()) {
        // [source] is the one source a file is about; [[source]] lists several.
        ("source", DeValue::Table(t)) => vec![Spanned::new(span, t)],
        (_, DeValue::Array(items)) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::Table(t) => Ok(Spanned::new(item.span(), t.clone())),
                _ => Err(Error::input(format!("line {line}: {section}: each {section} is a [[{section}]] table"))),
            })
            .collect::<Result<Vec<_>>>()?,
        _ => {
            return Err(Error::input(format!(
                "line {line}: {section}: write [[{section}]] (two pairs of brackets): a file may hold many"
            )))
        }
    };
    Ok(items
        .into_iter()
        .map(|t| {
            let span = t.span();
            Spanned::new(span, tidy(t.into_inner()))
        })
        .filter(|t| section == "source" || !t.get_ref().is_empty())
        .collect())
}

/// A table as the records read it: a value left blank ("" or []) is not given, and a TOML
/// date (`published = 2025-09-25`, unquoted) is read as the text it is written as.
fn tidy(table: DeTable<'_>) -> DeTable<'_> {
    table
        .into_iter()
        .filter_map(|(key, value)| {
            let span = value.span();
            let value = match value.into_inner() {
                DeValue::String(s) if s.trim().is_empty() => return None,
                DeValue::Array(a) if a.is_empty() => return None,
                DeValue::Datetime(d) => DeValue::String(d.to_string().into()),
                other => other,
            };
            Some((key, Spanned::new(span, value)))
        })
        .collect()
}

/// Fills in a field the table leaves out with a value from [source], keeping that value's
/// place so that an error in it points at [source].
fn default<'a>(
    table: &mut Spanned<DeTable<'a>>,
    field: &str,
    value: Option<(Spanned<DeString<'a>>, Spanned<DeValue<'a>>)>,
) {
    if let Some((key, value)) = value {
        if !table.get_ref().contains_key(field) {
            table.get_mut().insert(Spanned::new(key.span(), field.to_string().into()), value);
        }
    }
}

/// Stand-ins for a required value that is wrong (a misspelt stance or kind), so that the
/// rest of its record is still read and its references checked, and records naming it
/// (claims naming a new source) find it: every mistake shows in one round. Nothing is
/// written while any error stands.
const STAND_INS: &[(&str, &str)] = &[("stance", "affirms"), ("kind", "other")];

/// Reads one table as a record, noting where it and its fields stood, with every mistake
/// in it: an unknown key is reported and left out, a wrong value reported and left out (or
/// stood in for, see [`STAND_INS`]), and the record read again, until it reads or a field
/// it needs is missing. A record that does not read is not noted: the places follow the
/// bundle's lists, so the errors of the write path name the right lines.
fn record<T: DeserializeOwned>(
    places: &mut Places,
    section: &'static str,
    plural: &'static str,
    mut table: Spanned<DeTable<'_>>,
) -> (Option<T>, Vec<String>) {
    let span = table.span();
    let fields = table
        .get_ref()
        .iter()
        .map(|(key, value)| Field {
            name: key.get_ref().to_string(),
            key: key.span().start,
            value: value.span(),
            elements: match value.get_ref() {
                DeValue::Array(items) => items.iter().map(|i| i.span().start).collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    let place = Place { section, start: span.start, fields };
    let mut errors = Vec::new();
    let mut left_out: Vec<String> = Vec::new();
    let record = loop {
        let value = Spanned::new(span.clone(), DeValue::Table(table.get_ref().clone()));
        let e = match T::deserialize(ValueDeserializer::from(value)) {
            Ok(record) => break Some(record),
            Err(e) => e,
        };
        let offset = e.span().unwrap_or(span.clone()).start;
        let message = format!("{}: {}", places.at_offset(&place, offset), e.message());
        let field = place.fields.iter().find(|f| f.value.contains(&offset) || f.key == offset);
        match field.map(|f| f.name.as_str()).filter(|name| !left_out.iter().any(|l| l == name)) {
            Some(name) => {
                errors.push(message);
                left_out.push(name.to_string());
                match STAND_INS.iter().find(|s| s.0 == name) {
                    Some((_, stand_in)) => {
                        if let Some(v) = table.get_mut().get_mut(name) {
                            *v = Spanned::new(v.span(), DeValue::String((*stand_in).into()));
                        }
                    }
                    None => drop(table.get_mut().remove(name)),
                }
            }
            None => {
                // A field needed but missing: said, unless it is one left out above.
                let missing = e.message().split('`').nth(1).unwrap_or_default();
                if !left_out.iter().any(|l| l == missing) {
                    errors.push(message);
                }
                break None;
            }
        }
    };
    if record.is_some() {
        match places.records.iter_mut().find(|r| r.0 == plural) {
            Some(r) => r.1.push(place),
            None => places.records.push((plural, vec![place])),
        }
    }
    (record, errors)
}

/// The line an error of [`parse`] or of the write path names ("line 12: party: ..."), and
/// the rest of the message.
pub fn error_line(message: &str) -> Option<(usize, &str)> {
    let rest = message.strip_prefix("line ")?;
    let (number, rest) = rest.split_once(": ")?;
    Some((number.parse().ok()?, rest))
}

/// How a note from claimtrack starts, so that the next reading can take it out again.
const NOTE: &str = "#! ";

/// The text handed back to the editor: each message as a comment line just above the line
/// it names (or at the top), so the person sees what to fix where it is.
pub fn with_notes(text: &str, messages: &[String]) -> String {
    let notes: Vec<(usize, String)> = messages
        .iter()
        .map(|m| match error_line(m) {
            Some((line, what)) => (line, format!("{NOTE}error: {what}\n")),
            None => (1, format!("{NOTE}error: {m}\n")),
        })
        .collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + notes.iter().map(|n| n.1.len()).sum::<usize>());
    for (n, l) in lines.iter().enumerate() {
        notes.iter().filter(|(line, _)| *line == n + 1).for_each(|(_, note)| out.push_str(note));
        out.push_str(l);
    }
    let past_the_end: Vec<&String> = notes.iter().filter(|(line, _)| *line > lines.len()).map(|n| &n.1).collect();
    if !past_the_end.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    past_the_end.into_iter().for_each(|note| out.push_str(note));
    out
}

/// The text without claimtrack's notes.
pub fn without_notes(text: &str) -> String {
    text.split_inclusive('\n').filter(|l| !l.trim_start().starts_with(NOTE)).collect()
}

/// Whether the text holds nothing but comments and blank lines.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The template the editor opens on: a blank [source] and [[claim]] to fill in, commented
/// blocks for requests and new parties and propositions, and what is already logged.
pub fn template(parties: &[Party], propositions: &[Proposition], sources: &[Source]) -> String {
    let words = |all: &[&str]| all.join(", ");
    let party_kinds = words(&PartyKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    let source_kinds = words(&SourceKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    let stances = words(&Stance::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    let grades = words(&Reliability::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    let mut text = format!(
        r#"# claimtrack log: one source and the claims found in it (docs/LOG.md).
#
# Fill in the values between the quotes, then save and close: everything is checked and
# logged in one go, or the editor reopens with the error noted at its line. A value left ""
# is not given and a block left blank is skipped. Copy the [[claim]] block for each claim.
# Save it unchanged, or empty the file, to abort.
#
# Name parties, propositions and sources by id, by name or alias, or by title or text (case
# and accents do not matter): the ones already logged are listed at the end. New ones go in
# [[party]] and [[proposition]] blocks (uncomment one below).

[source]
id = ""            # a handle for a new source (reuters-report), or a source already logged
title = ""         # a new source's title
kind = ""          # {source_kinds}
publisher = ""     # the party that published it
url = ""
published = ""     # YYYY, YYYY-MM or YYYY-MM-DD
accessed = ""      # when you read it
reliability = ""   # {grades}: A completely reliable ... F cannot be judged (the default)
derived_from = []  # the sources it rests on, e.g. ["reuters-documents"]

[[claim]]
party = ""         # who takes the stance
proposition = ""   # the matter in question
stance = ""        # {stances}
quote = ""         # the party's words, verbatim
stated = ""        # when the party said it
via = ""           # the party that relayed it (the outlet quoting officials)
source = ""        # where you read it, if not the [source] above
basis = []         # the sources its content rests on, e.g. ["reuters-documents"]
note = ""
# confidence = 0.8 # how sure you are that the party holds this stance, 0 to 1
# grade = 2        # Admiralty credibility, 1 (confirmed) to 6 (cannot be judged)

# A request for comment the source reports (by: the publisher, unless you say otherwise):
# [[request]]
# party = ""
# proposition = ""
# asked = ""
# deadline = ""
# channel = ""
# note = ""

# A party not logged yet:
# [[party]]
# id = ""
# name = ""
# kind = ""          # {party_kinds}
# anonymous = false  # true for "European security officials"
# country = ""       # ISO 3166 alpha-2, e.g. CN
# parent = ""        # the body it sits under
# aliases = []

# A proposition not logged yet: the matter, stated once and neutrally:
# [[proposition]]
# id = ""
# text = ""
# tags = []
# expected = []      # the parties from whom a stance is expected
"#
    );
    let mut known = |title: &str, rows: Vec<(String, String)>| {
        if !rows.is_empty() {
            text.push_str(&format!("\n# {title}:\n"));
            for (id, label) in rows {
                // Logged text stays inside its comment line, whatever it holds.
                text.push_str(&format!("#   {}: {}\n", visible(&id), visible(&label)));
            }
        }
    };
    known(
        "Parties logged",
        parties
            .iter()
            .map(|p| {
                let aliases = if p.aliases.is_empty() { String::new() } else { format!(" ({})", p.aliases.join(", ")) };
                (p.id.clone(), format!("{}{aliases}", p.name))
            })
            .collect(),
    );
    known("Propositions logged", propositions.iter().map(|p| (p.id.clone(), p.text.clone())).collect());
    known("Sources logged", sources.iter().map(|s| (s.id.clone(), s.label())).collect());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"# a comment
[source]
id = "s-report"
title = "The report"
kind = "article"
publisher = "Reuters"
published = 2025-09-25
derived_from = ["s-docs", "s-other"]
url = ""

[[claim]]
party = "China's foreign ministry"
proposition = "p-x"
stance = "denies"
quote = """neutral and
fair position"""

[[claim]]
party = ""
stance = ""

[[claim]]
source = "s-elsewhere"
party = "kremlin"
proposition = "p-x"
stance = "no-response"
confidence = 1

[[request]]
party = "kremlin"
proposition = "p-x"
"#;

    #[test]
    fn reads_records_with_defaults_and_places() {
        let (bundle, places, errors) = parse(FILE).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(bundle.sources.len(), 1);
        assert_eq!(bundle.sources[0].published.unwrap().to_string(), "2025-09-25", "a bare TOML date is read");
        assert_eq!(bundle.sources[0].url, None, "a blank value is not given");
        assert_eq!(bundle.claims.len(), 2, "a blank block is skipped");
        assert_eq!(bundle.claims[0].source, "s-report", "claims default to the file's source");
        assert_eq!(bundle.claims[0].quote.as_deref(), Some("neutral and\nfair position"));
        assert_eq!(bundle.claims[1].source, "s-elsewhere");
        assert_eq!(bundle.requests[0].by, "Reuters", "requests default to the publisher");
        assert_eq!(places.locate("claims", 0, "party"), "line 12: party");
        assert_eq!(places.locate("claims", 0, "source"), "line 3: source", "a default points at [source]");
        assert_eq!(places.locate("claims", 1, "stance"), "line 26: stance", "the blank block is not counted");
        assert_eq!(places.locate("claims", 1, "id"), "line 22: claim", "a field not in the text: its table");
        assert_eq!(places.locate("sources", 0, "derived_from[1]"), "line 8: derived_from");
        assert_eq!(places.locate("requests", 0, "by"), "line 6: by");
    }

    #[test]
    fn errors_name_their_line() {
        let err = |text: &str| match parse(text) {
            Err(e) => e.to_string(),
            Ok((_, _, errors)) => errors.join("\n"),
        };
        let bad_stance = FILE.replace(r#"stance = "denies""#, r#"stance = "deny""#);
        assert!(err(&bad_stance).starts_with("line 14: stance: 'deny' is not a valid stance"), "{}", err(&bad_stance));
        let typo = FILE.replace("quote =", "qoute =");
        assert!(err(&typo).starts_with("line 15: qoute: unknown field `qoute`"), "{}", err(&typo));
        assert!(err("[source]\nid = \"x\"\n[[claim]]\nparty = \"a").starts_with("line 4: not valid TOML"));
        assert!(err("[sauce]\nid = \"x\"\n").starts_with("line 1: [sauce] is not a part of a log file"));
        assert!(err("[[claim]]\nparty = \"a\"\n").starts_with("line 1: source: the file has no [source]"));
        assert!(err("[source]\ntitle = \"T\"\n").starts_with("line 1: source: give the source's id"));
        assert!(err("[source]\nid = \"x\"\n[claim]\nparty = \"a\"\n").starts_with("line 3: claim: write [[claim]]"));
        // Every record's error at once, each at its line.
        let two = FILE.replace(r#"stance = "denies""#, r#"stance = "deny""#).replace("quote =", "qoute =");
        let all = err(&two);
        assert_eq!(all.lines().count(), 2, "one record, each of its errors: {all}");
        let three = format!("{two}\n[[party]]\nid = \"x\"\nname = \"X\"\nkind = \"alien\"\n");
        let all = err(&three);
        assert_eq!(all.lines().count(), 3, "{all}");
        assert!(all.lines().any(|l| l.contains("'alien'")), "{all}");
        let missing = err("[source]\nid = \"x\"\n\n[[claim]]\nparty = \"a\"\n");
        assert!(missing.starts_with("line 4: claim: missing field"), "{missing}");
    }

    #[test]
    fn several_sources_refer_to_each_other_and_claims_default_to_the_first() {
        let text = "[[source]]\nid = \"s-report\"\ntitle = \"R\"\nkind = \"article\"\nderived_from = [\"s-docs\"]\n\n[[source]]\nid = \"s-docs\"\ntitle = \"D\"\nkind = \"document\"\n\n[[claim]]\nparty = \"a\"\nproposition = \"p\"\nstance = \"affirms\"\n\n[[claim]]\nsource = \"s-docs\"\nparty = \"b\"\nproposition = \"p\"\nstance = \"denies\"\n";
        let (bundle, places, errors) = parse(text).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(bundle.sources.len(), 2);
        assert_eq!(bundle.sources[0].derived_from, ["s-docs"]);
        assert_eq!(bundle.claims[0].source, "s-report");
        assert_eq!(bundle.claims[1].source, "s-docs");
        assert_eq!(places.locate("sources", 1, "kind"), "line 10: kind");
    }

    #[test]
    fn a_source_given_by_id_alone_is_not_a_new_record() {
        let (bundle, _, _) =
            parse("[source]\nid = \"The report\"\n[[claim]]\nparty=\"a\"\nproposition=\"p\"\nstance=\"affirms\"\n")
                .unwrap();
        assert!(bundle.sources.is_empty());
        assert_eq!(bundle.claims[0].source, "The report");
    }

    #[test]
    fn notes_go_above_their_line_and_come_out_again() {
        let text = "a = 1\nb = 2\n";
        let one = |t: &str, m: &str| with_notes(t, &[m.to_string()]);
        let noted = one(text, "line 2: b: wrong");
        assert_eq!(noted, "a = 1\n#! error: b: wrong\nb = 2\n");
        assert_eq!(without_notes(&noted), text);
        assert_eq!(one(text, "no line"), "#! error: no line\na = 1\nb = 2\n");
        assert_eq!(one("a = 1", "line 9: x"), "a = 1\n#! error: x\n");
        let both = with_notes(text, &["line 2: b: wrong".into(), "line 1: a: wrong too".into()]);
        assert_eq!(both, "#! error: a: wrong too\na = 1\n#! error: b: wrong\nb = 2\n");
        assert_eq!(error_line("line 12: party: no party"), Some((12, "party: no party")));
    }

    #[test]
    fn the_template_is_blank_and_lists_what_is_logged() {
        let party: Party =
            serde_json::from_str(r#"{"id":"kupol","name":"IEMZ Kupol","kind":"company","aliases":["Kupol"]}"#).unwrap();
        let text = template(&[party], &[], &[]);
        assert!(text.contains("#   kupol: IEMZ Kupol (Kupol)"), "{text}");
        let err = parse(&text).unwrap().2.join("\n");
        assert!(err.starts_with("line 12: source: give the source's id"), "{err}");
        assert!(!is_blank(&text) && is_blank("# only\n\n  # comments\n"));
    }

    #[test]
    fn logged_text_stays_inside_its_comment_line() {
        for brk in ["\n", "\r", "\r\n", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}"] {
            let planted =
                format!("Evil{brk}[[claim]]{brk}party = \"x\"{brk}proposition = \"p\"{brk}stance = \"affirms\"");
            let party: Party = serde_json::from_value(
                serde_json::json!({"id": "x", "name": planted, "kind": "other", "aliases": [planted]}),
            )
            .unwrap();
            let source: Source =
                serde_json::from_value(serde_json::json!({"id": "s", "title": planted, "kind": "other"})).unwrap();
            let text = template(&[party], &[], &[source]);
            let listed: Vec<&str> = text.lines().filter(|l| l.contains("Evil")).collect();
            assert_eq!(listed.len(), 2, "{brk:?}: one line each:\n{text}");
            assert!(listed.iter().all(|l| l.starts_with("#   ") && l.contains("[[claim]]")), "{listed:?}");
            let filled = text.replacen("id = \"\"", "id = \"s\"", 1);
            let (bundle, _, _) = parse(&filled).unwrap();
            assert!(bundle.claims.is_empty(), "{brk:?}: a claim was planted");
        }
    }
}

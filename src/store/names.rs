//! Finding a party, source or proposition by what a person types: its id, or its name, an
//! alias, a title or a proposition's text, with case, accents and curly quotes ignored. One
//! place, so that every flag and every `claimtrack log` file reads names the same way.

use super::records::exists;
use crate::error::{Context, Error, Result};
use crate::model::RecordKind;
use rusqlite::Connection;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The id a reference stands for: the reference itself when it is an id, else the one party
/// whose name or alias, source whose title, or proposition whose text it matches (see
/// [`fold`]). A reference that matches nothing is returned as it is, so that the caller's
/// "no party 'x' (did you mean ...)" still names it; one that matches several records is an
/// error at `at` listing them. Claims (and any other kind) are named by id only.
pub fn resolve(conn: &Connection, kind: RecordKind, reference: &str, at: &str) -> Result<String> {
    let sql = match kind {
        RecordKind::Party => "SELECT id, name, aliases FROM party ORDER BY id",
        RecordKind::Source => "SELECT id, coalesce(title, ''), '[]' FROM source ORDER BY id",
        RecordKind::Proposition => "SELECT id, text, '[]' FROM proposition ORDER BY id",
        RecordKind::Claim
        | RecordKind::Link
        | RecordKind::Request
        | RecordKind::Retraction
        | RecordKind::Verdict
        | RecordKind::Correction => return Ok(reference.to_string()),
    };
    if exists(conn, kind, reference)? {
        return Ok(reference.to_string());
    }
    let wanted = fold(reference);
    let mut stmt = conn.prepare_cached(sql).context(|| format!("looking up {kind} '{reference}' by name"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .context(|| format!("looking up {kind} '{reference}' by name"))?;
    let mut found: Vec<(String, String)> = Vec::new();
    for row in rows {
        let (id, name, aliases) = row.context(|| format!("looking up {kind} '{reference}' by name"))?;
        let aliases: Vec<String> = serde_json::from_str(&aliases).unwrap_or_default();
        if [&id, &name].into_iter().chain(&aliases).any(|n| fold(n) == wanted) {
            found.push((id, name));
        }
    }
    match found.len() {
        0 => Ok(reference.to_string()),
        1 => Ok(found.remove(0).0),
        n => {
            let listed: Vec<String> = found.iter().map(|(id, name)| format!("{id} ({})", short(name))).collect();
            Err(Error::input(format!(
                "{at}: '{reference}' could be any of {n} {}: {}; give the id",
                kind.plural(),
                listed.join(", ")
            )))
        }
    }
}

/// Text as names are compared: accents dropped, lower case, curly quotes straight, runs of
/// white space as one space, no space at either end.
pub fn fold(text: &str) -> String {
    let plain: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A long title or text cut to a readable length for a list of candidates.
fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn folding_ignores_case_accents_quotes_and_spacing() {
        assert_eq!(fold("  Ministère  des Affaires étrangères "), "ministere des affaires etrangeres");
        assert_eq!(fold("China’s foreign ministry"), fold("china's FOREIGN ministry"));
        assert_eq!(fold("Приозер’я"), fold("приозер'я"));
    }

    #[test]
    fn ids_first_then_names_then_left_alone() {
        let store = Store::memory().unwrap();
        let c = store.conn();
        for (id, name, aliases) in [
            ("kupol", "IEMZ Kupol", r#"["Kupol"]"#),
            ("china-mfa", "Ministry of Foreign Affairs of China", r#"["China's foreign ministry"]"#),
            ("mfa-a", "Foreign Ministry", "[]"),
            ("mfa-b", "Foreign ministry", "[]"),
        ] {
            c.execute(
                "INSERT INTO party (id, name, kind, aliases, logged_by, recorded) VALUES (?1, ?2, 'other', ?3, 'u', 't')",
                [id, name, aliases],
            )
            .unwrap();
        }
        let r = |text: &str| resolve(c, RecordKind::Party, text, "--party");
        assert_eq!(r("kupol").unwrap(), "kupol", "an id is taken as it is");
        assert_eq!(r("iemz kupol").unwrap(), "kupol");
        assert_eq!(r("CHINA’S Foreign Ministry").unwrap(), "china-mfa");
        assert_eq!(r("China-MFA").unwrap(), "china-mfa", "an id in other case");
        assert_eq!(r("nobody").unwrap(), "nobody", "no match is left for the caller's error");
        let err = r("foreign ministry").unwrap_err().to_string();
        assert!(err.starts_with("--party: 'foreign ministry' could be any of 2 parties: mfa-a"), "{err}");
        assert!(err.contains("mfa-b (Foreign ministry)") && err.ends_with("give the id"), "{err}");
        assert_eq!(resolve(c, RecordKind::Claim, "iemz kupol", "x").unwrap(), "iemz kupol", "claims by id only");
    }
}

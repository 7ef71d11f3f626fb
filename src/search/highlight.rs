//! The matched words of a result, marked in their context: the whole text when it is short,
//! else a window around the first match.

use super::query::Step;
use super::terms::{tokens, Token};

/// Texts longer than this many characters are cut to a window of about this size.
const SNIPPET_CHARS: usize = 160;
/// How much of the window comes before the first match.
const LEAD_CHARS: usize = 50;

/// A record's fields as one text, one field a line, and the same text with every run of
/// tokens that a pattern matches between `open` and `close`. Each field is read on its own, as
/// the index reads it (its language decides its stems).
pub fn highlight(fields: &[String], patterns: &[Vec<Step>], (open, close): (&str, &str)) -> (String, String) {
    let text = fields.join("\n");
    let mut all = Vec::new();
    let mut offset = 0;
    for field in fields {
        all.extend(tokens(field).into_iter().map(|t| Token { start: t.start + offset, end: t.end + offset, ..t }));
        offset += field.len() + 1;
    }
    let spans = matched_spans(&all, patterns);
    let (from, to) = window(&text, spans.first().map_or(0, |s| s.0));
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    for &(start, end) in spans.iter().filter(|s| s.0 >= from && s.1 <= to) {
        out.push_str(&text[at..start]);
        out.push_str(open);
        out.push_str(&text[start..end]);
        out.push_str(close);
        at = end;
    }
    out.push_str(&text[at..to]);
    if to < text.len() {
        out.push('…');
    }
    (text, out)
}

/// The byte ranges the patterns match, in order, overlapping ones merged.
fn matched_spans(tokens: &[Token], patterns: &[Vec<Step>]) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for steps in patterns.iter().filter(|s| !s.is_empty()) {
        for run in tokens.windows(steps.len()) {
            if run.iter().zip(steps).all(|(t, s)| s.matches(t)) {
                spans.push((run[0].start, run[run.len() - 1].end));
            }
        }
    }
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The byte range to show: all of a short text, else about [`SNIPPET_CHARS`] characters
/// starting a little before `first_match`.
fn window(text: &str, first_match: usize) -> (usize, usize) {
    if text.chars().count() <= SNIPPET_CHARS {
        return (0, text.len());
    }
    let before: Vec<usize> = text[..first_match].char_indices().map(|(i, _)| i).collect();
    let mut from = before.len().checked_sub(LEAD_CHARS).map_or(0, |i| before[i]);
    // Start at a word, not inside one.
    if from > 0 {
        if let Some(space) = text[from..first_match].find(char::is_whitespace) {
            from += space + 1;
        }
    }
    let to = text[from..].char_indices().nth(SNIPPET_CHARS).map_or(text.len(), |(i, _)| from + i);
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    fn marked(text: &str, query: &str) -> String {
        highlight(&[text.to_string()], &Query::parse(query).unwrap().patterns(), ("[", "]")).1
    }

    #[test]
    fn marks_words_forms_phrases_prefixes_and_cjk_substrings() {
        assert_eq!(marked("China denied it; it denies all.", "denies"), "China [denied] it; it [denies] all.");
        assert_eq!(
            marked("a neutral and fair position", "\"fair position\" neutral"),
            "a [neutral] and [fair position]"
        );
        assert_eq!(marked("Drohnen und eine Drohne", "drohn*"), "[Drohnen] und eine [Drohne]");
        assert_eq!(marked("中方坚持客观公正立场", "客观公正"), "中方坚持[客观公正]立场");
        assert_eq!(marked("Всё опубликовано", "все"), "[Всё] опубликовано");
        assert_eq!(marked("nothing here", "absent"), "nothing here");
        let fields = ["Ministry of Defence".to_string(), "MoD".to_string()];
        let (text, shown) = highlight(&fields, &Query::parse("mod").unwrap().patterns(), ("[", "]"));
        assert_eq!((text.as_str(), shown.as_str()), ("Ministry of Defence\nMoD", "Ministry of Defence\n[MoD]"));
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
        let shown = marked(&text, "needle");
        assert!(shown.starts_with("…hay ") && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("[needle]"), "{shown}");
        assert!(shown.chars().count() < SNIPPET_CHARS + 10, "{}", shown.chars().count());
    }
}

//! What a character looks like: the invisible ones (Unicode format characters, fillers,
//! variation selectors) that input checks refuse in ids and that terminal output escapes.

/// A bidirectional control: marks, embeddings, overrides and isolates, which make text read
/// in another order than it is stored.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A bidirectional control as a visible escape (`\u{202e}`), as terminals show it: HTML and
/// Markdown show it so too, since a page would obey it.
pub fn bidi_escaped(c: char) -> String {
    format!("\\u{{{:04x}}}", c as u32)
}

/// Unicode general category Cf (format characters): zero-width spaces and joiners,
/// bidirectional marks, embeddings, overrides and isolates, the byte-order mark, tags...
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Characters that draw nothing: format characters, controls, white space, and the blank
/// letters and selectors that are not format characters but show as nothing (Hangul
/// fillers, the braille blank, variation selectors, the combining grapheme joiner).
pub fn is_invisible(c: char) -> bool {
    is_format(c)
        || c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '\u{34f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{ffa0}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{e0100}'..='\u{e01ef}'
        )
}

/// Whether text has at least one character that draws something.
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_bidi_characters_are_invisible() {
        for c in ['\u{200b}', '\u{200d}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{feff}', '\u{ad}', '\u{3164}', ' '] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', 'я', '中', '-', '😀'] {
            assert!(!is_invisible(c), "{c:?}");
        }
        assert!(!has_visible("\u{200b}\u{200c}\u{2060} \u{3164}"));
        assert!(has_visible("\u{200b}x"));
    }
}

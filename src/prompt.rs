//! Questions at the terminal, for commands that ask rather than fail when a person at a
//! keyboard leaves something out: pick one of a list by typing part of a name, type a value
//! checked as its flag would check it, confirm. Drawn on stderr, so stdout stays data.

use crate::error::{Error, Result};
use dialoguer::{Confirm, Input, Select};
use std::fmt::Display;
use std::io::IsTerminal;
use std::str::FromStr;

/// Whether a person is at the keyboard: standard input and standard error are a terminal.
/// Off a terminal nothing is ever asked.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The error for a question left with Esc, or a write not confirmed.
pub fn aborted(command: &str, why: &str) -> Error {
    Error::input(format!("{command}: aborted, nothing written ({why})"))
}

fn failed(e: dialoguer::Error) -> Error {
    Error::Io { context: "asking at the terminal".into(), source: e.into() }
}

/// One thing to pick: its id, how it is shown, and the names it answers to (its id, name,
/// aliases or title).
pub struct Choice {
    pub id: String,
    pub label: String,
    pub names: Vec<String>,
}

/// One of `choices`: type part of an id, a name or an alias, then Enter. What is typed
/// exactly (an id, a name, an alias: case and accents aside), or the one thing that
/// matches, is taken at once; otherwise the matches are listed best first (see [`rank`]) to
/// choose from with the arrows, Esc to type again. Enter alone takes the first choice.
pub fn pick(prompt: &str, choices: &[Choice]) -> Result<Option<usize>> {
    if choices.is_empty() {
        return Ok(None);
    }
    loop {
        let typed: String = Input::new()
            .with_prompt(format!("{prompt} (type part of an id or name)"))
            .allow_empty(true)
            .interact_text()
            .map_err(failed)?;
        if typed.trim().is_empty() {
            return Ok(Some(0));
        }
        let ranked = rank(&typed, choices);
        match ranked.as_slice() {
            [] => eprintln!("nothing matches '{}'; try another part of it", crate::output::visible(&typed)),
            [(only, _)] => return Ok(Some(*only)),
            [(best, 0), (_, next), ..] if *next > 0 => return Ok(Some(*best)),
            _ => {
                let items: Vec<&str> = ranked.iter().take(12).map(|(i, _)| choices[*i].label.as_str()).collect();
                let chosen = Select::new().with_prompt("Which one?").items(&items).default(0).interact_opt();
                if let Some(k) = chosen.map_err(failed)? {
                    return Ok(Some(ranked[k].0));
                }
            }
        }
    }
}

/// The choices that match what was typed, best first, each with how well (0: exactly one of
/// its names (an id, a name, an alias); 1: the start of one; 2: a whole word of one; 3: the
/// start of a word of one; 4: inside one; 5: the initials of one ("cfm" for China's foreign
/// ministry); 6: the start of a word of how it is shown). Anything else is unrelated and
/// left out. Case, accents and punctuation aside; ties keep the list's order.
pub fn rank(typed: &str, choices: &[Choice]) -> Vec<(usize, u8)> {
    let q = crate::store::fold(typed);
    let words = |text: &str| -> Vec<String> {
        crate::store::fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let initials = |text: &str| {
        let folded = crate::store::fold(text);
        folded.split_whitespace().filter_map(|w| w.chars().find(|c| c.is_alphanumeric())).collect::<String>()
    };
    let mut ranked: Vec<(usize, u8)> = choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let names: Vec<String> = c.names.iter().map(|n| crate::store::fold(n)).collect();
            let word_starts = |text: &str| words(text).iter().any(|w| w.starts_with(&q));
            let tier = if q.is_empty() {
                6
            } else if names.contains(&q) {
                0
            } else if names.iter().any(|n| n.starts_with(&q)) {
                1
            } else if c.names.iter().any(|n| words(n).contains(&q)) {
                2
            } else if c.names.iter().any(|n| word_starts(n)) {
                3
            } else if names.iter().any(|n| n.contains(&q)) {
                4
            } else if q.chars().count() > 1 && c.names.iter().any(|n| initials(n) == q.replace(' ', "")) {
                5
            } else if word_starts(&c.label) {
                6
            } else {
                return None;
            };
            Some((i, tier))
        })
        .collect();
    ranked.sort_by_key(|&(i, tier)| (tier, i));
    ranked
}

/// A value typed in, checked as the flag checks it (a mistake is shown and asked again);
/// None when left empty.
pub fn value<T>(prompt: &str) -> Result<Option<T>>
where
    T: FromStr,
    T::Err: Display,
{
    let text: String = Input::new()
        .with_prompt(prompt)
        .allow_empty(true)
        .validate_with(|s: &String| match s.trim() {
            "" => Ok(()),
            s => s.parse::<T>().map(drop),
        })
        .interact_text()
        .map_err(failed)?;
    match text.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|e: T::Err| Error::input(e.to_string())),
    }
}

/// Yes or no, no by default (Enter and Esc keep things as they are): for an offer to do
/// otherwise than what was typed.
pub fn offer(prompt: &str) -> Result<bool> {
    Ok(Confirm::new().with_prompt(prompt).default(false).interact_opt().map_err(failed)?.unwrap_or(false))
}

/// Yes or no, yes by default; Esc is no.
pub fn confirm(prompt: &str) -> Result<bool> {
    Ok(Confirm::new().with_prompt(prompt).default(true).interact_opt().map_err(failed)?.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(id: &str, label: &str, names: &[&str]) -> Choice {
        Choice { id: id.into(), label: label.into(), names: names.iter().map(|n| n.to_string()).collect() }
    }

    #[test]
    fn an_exact_or_whole_word_match_ranks_above_a_title_that_mentions_it() {
        let sources = [
            choice(
                "s-reuters-report",
                "s-reuters-report · Reuters report seeded by the documents",
                &["s-reuters-report", "Reuters report seeded by the documents"],
            ),
            choice("s-seed-article", "s-seed-article · The seed article", &["s-seed-article", "The seed article"]),
        ];
        assert_eq!(rank("seed", &sources), [(1, 2), (0, 3)], "a word of the id beats the start of a word");
        assert_eq!(rank("S-Seed-Article", &sources), [(1, 0)], "the id itself, in any case, alone");
        let parties = [
            choice("china-mfa", "China's foreign ministry", &["china-mfa", "China's foreign ministry", "MFA"]),
            choice("mfa-watch", "MFA Watch", &["mfa-watch", "MFA Watch"]),
            choice("kremlin", "Kremlin (The Kremlin)", &["kremlin", "Kremlin", "The Kremlin"]),
            choice("russia-mod", "Russian defense ministry", &["russia-mod", "Russian defense ministry"]),
            choice("eu-officials", "European security officials", &["eu-officials", "European security officials"]),
        ];
        assert_eq!(rank("mfa", &parties)[0], (0, 0), "an alias typed exactly comes first");
        assert_eq!(rank("mfa", &parties)[1], (1, 1), "then the start of a name");
        assert_eq!(rank("Krem", &parties), [(2, 1)], "a prefix of a name, and nothing unrelated");
        assert_eq!(rank("ministry", &parties), [(0, 2), (3, 2)], "a whole word of a name");
        assert_eq!(rank("cfm", &parties), [(0, 5)], "initials");
        assert!(
            rank("rm", &parties).iter().all(|(i, _)| *i == 3),
            "{:?}: letters in order are not a match",
            rank("rm", &parties)
        );
        assert!(rank("zzz", &parties).is_empty());
        assert!(rank("eo", &parties).is_empty(), "scattered letters are unrelated");
        assert_eq!(rank("", &parties).len(), 5, "nothing typed lists all");
    }
}

//! Questions at the terminal, for commands that ask rather than fail when a person at a
//! keyboard leaves something out: pick one of a list with fuzzy matching, type a value
//! checked as its flag would check it, confirm. Drawn on stderr, so stdout stays data.

use crate::error::{Error, Result};
use dialoguer::{Confirm, FuzzySelect, Input};
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

/// One of `items`, chosen by typing part of it (fuzzy) and Enter; None when left with Esc.
pub fn pick(prompt: &str, items: &[String]) -> Result<Option<usize>> {
    FuzzySelect::new().with_prompt(prompt).items(items).default(0).max_length(12).interact_opt().map_err(failed)
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

/// Yes or no, yes by default; Esc is no.
pub fn confirm(prompt: &str) -> Result<bool> {
    Ok(Confirm::new().with_prompt(prompt).default(true).interact_opt().map_err(failed)?.unwrap_or(false))
}

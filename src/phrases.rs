//! The phrases the reconciler and the reports share (a finding's detail and a report's line
//! say a list, a stance and a claim's date the same way); `report::words` builds on them.

use crate::date::{Date, Timestamp};
use crate::model::{DateBasis, Stance};

/// "A", "A and B", "A, B and C".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A stance as what the party did, in the past tense: "affirmed", "declined to comment".
pub fn said(stance: Stance) -> &'static str {
    match stance {
        Stance::Affirms => "affirmed",
        Stance::Denies => "denied",
        Stance::Qualifies => "qualified it",
        Stance::Neutral => "commented without taking a side",
        Stance::Declined => "declined to comment",
        Stance::NoResponse => "did not respond",
    }
}

/// A claim's date as a table or a timeline shows it, saying what it is: "12 Mar 2024" (when
/// the party said it), "12 Mar 2024 (published)" (when the source reporting it was
/// published), "undated (logged 1 Oct 2025)".
pub fn claim_date(date: Option<Date>, basis: DateBasis, logged: Option<Timestamp>) -> String {
    match (date, basis, logged) {
        (Some(d), DateBasis::Published, _) => format!("{} (published)", d.human()),
        (Some(d), _, _) => d.human(),
        (None, _, Some(t)) => format!("undated (logged {})", t.date().human()),
        (None, _, None) => "undated".to_string(),
    }
}

/// The same date in a sentence: "on 12 Mar 2024" (said then), "reported 12 Mar 2024" (the
/// source's publication), "undated (logged 1 Oct 2025)".
pub fn claim_when(date: Option<Date>, basis: DateBasis, logged: Option<Timestamp>) -> String {
    match (date, basis) {
        (Some(d), DateBasis::Published) => format!("reported {}", d.human()),
        (Some(d), _) => d.on(),
        (None, _) => claim_date(None, basis, logged),
    }
}

//! The validated scalars (confidence, grade, rating, country, sha256, ...): parsed with the
//! same check from the command line and from JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Defines a validated scalar: parsed from text by clap and from JSON by serde with the same
/// check, so a bad value reads the same wherever it came from.
macro_rules! checked_value {
    ($(#[$doc:meta])* $name:ident($inner:ty), $json:ty, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, PartialOrd)]
        pub struct $name(pub $inner);

        impl $name {
            fn check($v: $inner) -> Result<Self, String> {
                $check.map($name)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let parsed: $json = s
                    .parse()
                    .map_err(|_| format!("'{s}' is not a valid {}", stringify!($name).to_lowercase()))?;
                Self::check(parsed.into())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <$json>::deserialize(d)?;
                Self::check(raw.into()).map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

pub(crate) use checked_value;

checked_value!(
    /// How sure the logger is that the party really holds the stance: 0 to 1.
    Confidence(f64), f64, |v| if (0.0..=1.0).contains(&v) {
        Ok(zero_signless(v))
    } else {
        Err(format!("{v} is out of range; confidence runs from 0 to 1"))
    }
);

checked_value!(
    /// A point on a verdict's scale (the rating, and the scale's best and worst ends).
    Rating(f64), f64, |v| if v.is_finite() {
        Ok(zero_signless(v))
    } else {
        Err(format!("{v} is not a finite number; give a rating such as 1 or 2.5"))
    }
);

/// -0 as 0: SQLite stores both as 0, so a -0 kept in the audit log's copy of a record would
/// never match the table again.
fn zero_signless(v: f64) -> f64 {
    v + 0.0
}

/// A web address as records and settings take it: http or https only, since exports and
/// reports turn it into a link (a `javascript:` or `file:` URL would run or open something).
pub fn check_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let host = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let clean = !url.chars().any(|c| c.is_whitespace() || crate::text::is_invisible(c));
    match host {
        Some(h) if clean && !h.is_empty() && !h.starts_with('/') => Ok(()),
        _ => Err(format!("'{url}' is not a web address; give an http:// or https:// URL")),
    }
}

checked_value!(
    /// Admiralty information credibility: 1 confirmed ... 6 cannot be judged.
    Grade(u8), u8, |v| if (1..=6).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range; grade is an Admiralty credibility from 1 to 6"))
    }
);

checked_value!(
    /// An ISO 3166-1 alpha-2 country code, upper case.
    Country(String), String, |v| {
        let upper = v.to_ascii_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(upper)
        } else {
            Err(format!("'{v}' is not an ISO 3166 alpha-2 country code (two letters, e.g. CN)"))
        }
    }
);

checked_value!(
    /// The SHA-256 of an archived copy of a source, as 64 lower-case hex digits.
    Sha256Hex(String), String, |v| {
        let lower = v.to_ascii_lowercase();
        if lower.len() == 64 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(lower)
        } else {
            Err(format!("'{v}' is not a SHA-256 digest (64 hex digits)"))
        }
    }
);

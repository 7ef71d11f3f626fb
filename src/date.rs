//! Dates as newsrooms give them: a year, a month, a day or an exact instant, each kept at its
//! own precision and ordered against the others.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A date at the precision it was given. "2025-09" stays a month: it is never widened to
/// "2025-09-01", which would claim a precision nobody had.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Date {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
    /// An exact moment, normalised to UTC so that instants sort correctly.
    Instant(DateTime<Utc>),
}

pub const DATE_FORMS: &str = "YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339 (2025-09-25T14:30:00Z)";

impl Date {
    /// The first moment the date covers.
    pub fn start(&self) -> DateTime<Utc> {
        let day = match *self {
            Date::Year(y) => first_day(y, 1),
            Date::Month(y, m) => first_day(y, m),
            Date::Day(d) => d,
            Date::Instant(t) => return t,
        };
        day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
    }

    /// The first moment after the date: a day ends at the next midnight, an instant at itself.
    pub fn end(&self) -> DateTime<Utc> {
        let next = match *self {
            Date::Year(y) => first_day(y + 1, 1),
            Date::Month(y, 12) => first_day(y + 1, 1),
            Date::Month(y, m) => first_day(y, m + 1),
            Date::Day(d) => d.succ_opt().unwrap_or(NaiveDate::MAX),
            Date::Instant(t) => return t,
        };
        next.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
    }

    /// Whether this date could fall on or before `limit`: a partial date counts from its
    /// first day, so "2025-09" is on or before "2025-09-10".
    pub fn on_or_before(&self, limit: &Date) -> bool {
        self.start() < limit.end() || self.start() == limit.start()
    }

    /// Whether this date could fall on or after `limit`.
    pub fn on_or_after(&self, limit: &Date) -> bool {
        self.start() >= limit.start() || self.end() > limit.start()
    }

    /// Whether the whole of this date lies before `moment` (a deadline that has passed).
    pub fn passed_by(&self, moment: &Date) -> bool {
        self.end() <= moment.start()
    }

    fn precision(&self) -> u8 {
        match self {
            Date::Year(_) => 0,
            Date::Month(..) => 1,
            Date::Day(_) => 2,
            Date::Instant(_) => 3,
        }
    }

    /// The date as an editor reads it: "20 Jan 2025", "Jan 2025", "2025", or
    /// "20 Jan 2025, 14:30 UTC" for an instant.
    pub fn human(&self) -> String {
        match self {
            Date::Year(y) => format!("{y}"),
            Date::Month(y, m) => format!("{} {y}", first_day(*y, *m).format("%b")),
            Date::Day(d) => d.format("%-d %b %Y").to_string(),
            Date::Instant(t) => t.format("%-d %b %Y, %H:%M UTC").to_string(),
        }
    }

    /// The date after a preposition that fits its precision: "on 20 Jan 2025", "in Mar 2025".
    pub fn on(&self) -> String {
        match self {
            Date::Year(_) | Date::Month(..) => format!("in {}", self.human()),
            _ => format!("on {}", self.human()),
        }
    }

    pub fn today() -> Date {
        Date::Day(crate::clock::now().date_naive())
    }
}

fn first_day(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
}

impl Date {
    /// What dates sort by: earlier start first; at the same start, the coarser date first
    /// (as its text sorts).
    pub fn sort_key(&self) -> (DateTime<Utc>, u8) {
        (self.start(), self.precision())
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Date::Year(y) => write!(f, "{y:04}"),
            Date::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Date::Day(d) if (0..=9999).contains(&d.year()) => {
                let mut text = [0u8; 10];
                put_day(&mut text, *d);
                f.write_str(std::str::from_utf8(&text).expect("ASCII digits"))
            }
            Date::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Date::Instant(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("'{text}' is not a valid date; use {DATE_FORMS}");
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = text.splitn(3, '-').collect();
        match parts.as_slice() {
            [y] if digits(y, 4) => Ok(Date::Year(y.parse().map_err(|_| invalid())?)),
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let (y, m) = (y.parse().map_err(|_| invalid())?, m.parse().unwrap_or(0));
                if (1..=12).contains(&m) {
                    Ok(Date::Month(y, m))
                } else {
                    Err(format!("'{text}' has no month {m}; months run 01 to 12"))
                }
            }
            // The digits checked, the numbers read directly: chrono's format parser costs
            // twenty times as much, for every claim and source read.
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                let number = |s: &str| s.parse::<u32>().map_err(|_| invalid());
                let (y, m, d) = (number(y)? as i32, number(m)?, number(d)?);
                NaiveDate::from_ymd_opt(y, m, d)
                    .map(Date::Day)
                    .ok_or_else(|| format!("'{text}' is not a day of the calendar"))
            }
            _ => {
                let t = DateTime::parse_from_rfc3339(text).map_err(|_| invalid())?;
                in_calendar(text, t.with_timezone(&Utc)).map(Date::Instant)
            }
        }
    }
}

/// An instant whose UTC form stays within the years 0000 to 9999: stored as text, one outside
/// them (0000-01-01T00:00:00+01:00 is -0001-12-31T23:00:00Z) could not be read back.
fn in_calendar(text: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if (0..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!("'{text}' falls outside the years 0000 to 9999 in UTC; give a date within them"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A moment as people type it for `--since`, `--until`, `--as-of` and `--known-at`: a date at
/// its precision, an instant, `today`, `yesterday`, a weekday name (the last one before
/// today), or a duration back from now (`30m`, `12h`, `3d`, `2w`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// A day, a month or a year: it begins at its first moment and ends after its last.
    Date(Date),
    /// An exact moment.
    Moment(Timestamp),
}

pub const WHEN_FORMS: &str = "a date (2025-09, 2025-09-25, 8 Feb 2023, Feb 2023), an instant (2025-09-25T14:30:00Z), \
today, yesterday, a weekday (monday: the last one), any of these with a time of day in UTC (15:20 for today, \
yesterday 09:00, 8 Feb 2023 15:20), or a time back from now (30m, 12h, 3d, 2w)";

impl When {
    /// The first moment it covers (for `--since`).
    pub fn start(&self) -> Timestamp {
        match self {
            When::Date(d) => Timestamp(d.start()),
            When::Moment(t) => *t,
        }
    }

    /// The last moment it covers (for `--until` and `--known-at`: a day is known at its end).
    pub fn end(&self) -> Timestamp {
        match self {
            When::Date(d) => Timestamp(d.end() - chrono::Duration::microseconds(1)),
            When::Moment(t) => *t,
        }
    }

    /// The date it names at its precision, an instant as itself (for a date typed at a
    /// prompt).
    pub fn as_date(&self) -> Date {
        match self {
            When::Date(d) => *d,
            When::Moment(t) => Date::Instant(t.0),
        }
    }

    /// The day it falls on (for `--as-of`), or the date itself at its precision.
    pub fn date(&self) -> Date {
        match self {
            When::Date(d) => *d,
            When::Moment(t) => t.date(),
        }
    }

    /// Reads what a person typed, relative to `now`: also a day with a time of day after
    /// it ("yesterday 09:00", "8 Feb 2023, 14:30 UTC" as the reports print an instant), or
    /// a time of day alone for today ("15:20"), in UTC.
    pub fn parse_at(text: &str, now: DateTime<Utc>) -> Result<When, String> {
        let refused = || format!("'{text}' is not a moment claimtrack can read; use {WHEN_FORMS}");
        let trimmed = text.trim();
        let trimmed = trimmed.strip_suffix(" UTC").or_else(|| trimmed.strip_suffix(" utc")).unwrap_or(trimmed);
        let (day, last) = trimmed.rsplit_once(char::is_whitespace).unwrap_or(("", trimmed));
        if let Some(time) = time_of_day(last) {
            let day = day.trim().trim_end_matches(',');
            let day = match day {
                "" => now.date_naive(),
                day => match When::parse_at(day, now) {
                    Ok(When::Date(Date::Day(d))) => d,
                    _ => return Err(refused()),
                },
            };
            return Ok(When::Moment(Timestamp(day.and_time(time).and_utc())));
        }
        // A date of the calendar's shape says what is wrong with it ("not a day of the
        // calendar"), then the forms.
        Self::parse_day_at(text, now).map_err(|e| match e.filter(|e| !e.contains("is not a valid date")) {
            Some(e) => format!("{e}; use {WHEN_FORMS}"),
            None => refused(),
        })
    }

    /// [`When::parse_at`] without a time of day; the error of a date it could not read.
    fn parse_day_at(text: &str, now: DateTime<Utc>) -> Result<When, Option<String>> {
        let word = text.trim().to_lowercase();
        let today = now.date_naive();
        let day = |d: NaiveDate| Ok(When::Date(Date::Day(d)));
        match word.as_str() {
            "today" => return day(today),
            "yesterday" => return day(today.pred_opt().unwrap_or(today)),
            "now" => return Ok(When::Moment(Timestamp(now))),
            _ => {}
        }
        if let Some(weekday) = weekday(&word) {
            let back = (today.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
            let back = if back == 0 { 7 } else { back };
            return day(today - chrono::Duration::days(i64::from(back)));
        }
        if let Some(span) = duration(&word) {
            return Ok(When::Moment(Timestamp(now - span)));
        }
        if let Some(date) = written(&word) {
            return Ok(When::Date(date));
        }
        text.trim()
            .parse::<Date>()
            .map(|d| match d {
                Date::Instant(t) => When::Moment(Timestamp(t)),
                other => When::Date(other),
            })
            .map_err(Some)
    }
}

/// "15:20" or "15:20:05": a time of day.
fn time_of_day(word: &str) -> Option<chrono::NaiveTime> {
    if !word.contains(':') || !word.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    chrono::NaiveTime::parse_from_str(word, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(word, "%H:%M"))
        .ok()
}

/// A day or a month as the reports write it ("8 Feb 2023", "Feb 2023"; the month's name
/// whole or its first three letters, any case).
fn written(word: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let month = |m: &str| {
        let m = m.trim_end_matches('.');
        MONTHS.iter().position(|name| m.len() >= 3 && name.starts_with(m)).map(|i| i as u32 + 1)
    };
    let year = |y: &str| y.parse::<i32>().ok().filter(|_| y.len() == 4);
    let words: Vec<&str> = word.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [m, y] => Some(Date::Month(year(y)?, month(m)?)),
        [d, m, y] => NaiveDate::from_ymd_opt(year(y)?, month(m)?, d.parse().ok()?).map(Date::Day),
        _ => None,
    }
}

fn weekday(word: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    let days = [
        ("monday", Mon),
        ("tuesday", Tue),
        ("wednesday", Wed),
        ("thursday", Thu),
        ("friday", Fri),
        ("saturday", Sat),
        ("sunday", Sun),
    ];
    // The full name or its first three letters ("wed").
    days.iter().find(|(name, _)| *name == word || (word.len() == 3 && name.starts_with(word))).map(|d| d.1)
}

/// `30m`, `12h`, `3d`, `2w`: a span back from now.
fn duration(word: &str) -> Option<chrono::Duration> {
    let unit = word.chars().last()?;
    let n: i64 = word[..word.len() - unit.len_utf8()].parse().ok().filter(|n| *n > 0 && *n < 100_000)?;
    match unit {
        'm' => Some(chrono::Duration::minutes(n)),
        'h' => Some(chrono::Duration::hours(n)),
        'd' => Some(chrono::Duration::days(n)),
        'w' => Some(chrono::Duration::weeks(n)),
        _ => None,
    }
}

impl FromStr for When {
    type Err = String;

    /// Relative to claimtrack's clock (`CLAIMTRACK_NOW` when set).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        When::parse_at(text, crate::clock::now())
    }
}

/// When a record was logged: UTC, microseconds, fixed width so that text order is time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(crate::clock::now())
    }

    pub fn date(&self) -> Date {
        Date::Day(self.0.date_naive())
    }

    /// The moment before this one (timestamps count in microseconds): what was known just
    /// before it.
    pub fn just_before(self) -> Timestamp {
        Timestamp(self.0 - chrono::Duration::microseconds(1))
    }

    /// The moment as an editor reads it: "28 Nov 2026, 09:00 UTC".
    pub fn human(&self) -> String {
        Date::Instant(self.0).human()
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in microseconds, written directly in the years 0000 to 9999 outside a leap
    /// second (chrono's writer costs several times as much, for every row written).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (day, time) = (self.0.date_naive(), self.0.time());
        if !(0..=9999).contains(&day.year()) || time.nanosecond() >= 1_000_000_000 {
            return f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Micros, true));
        }
        let mut text = *b"0000-00-00T00:00:00.000000Z";
        put_day(&mut text[0..10], day);
        for (at, n) in [(11, time.hour()), (14, time.minute()), (17, time.second())] {
            put_number(&mut text[at..at + 2], n);
        }
        put_number(&mut text[20..26], time.nanosecond() / 1000);
        f.write_str(std::str::from_utf8(&text).expect("ASCII digits"))
    }
}

/// A day of the years 0000 to 9999 as YYYY-MM-DD, into `out`.
fn put_day(out: &mut [u8], day: NaiveDate) {
    put_number(&mut out[0..4], day.year() as u32);
    out[4] = b'-';
    put_number(&mut out[5..7], day.month());
    out[7] = b'-';
    put_number(&mut out[8..10], day.day());
}

/// `n` as decimal digits filling `out`, zero-padded (`n` must fit).
fn put_number(out: &mut [u8], mut n: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

impl Timestamp {
    /// A timestamp as claimtrack writes it (2025-09-25T14:30:00.000000Z), read directly:
    /// nearly every one read is. Anything else is left to the full RFC 3339 parser.
    fn from_written(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() != 27 || [4, 7, 10, 13, 16, 19, 26].map(|i| b[i]) != *b"--T::.Z" {
            return None;
        }
        let number = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let day = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?;
        let (h, m, s) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        // A leap second (60) is chrono's to read.
        let time = (s < 60).then(|| chrono::NaiveTime::from_hms_micro_opt(h, m, s, number(20, 26)?))??;
        Some(Timestamp(day.and_time(time).and_utc()))
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(t) = Timestamp::from_written(text) {
            return Ok(t);
        }
        let t = DateTime::parse_from_rfc3339(text)
            .map_err(|_| format!("'{text}' is not an RFC 3339 timestamp (2025-09-25T14:30:00Z)"))?;
        in_calendar(text, t.with_timezone(&Utc)).map(Timestamp)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn keeps_precision() {
        for s in ["2025", "2025-09", "2025-09-25", "2025-09-25T14:30:00Z"] {
            assert_eq!(d(s).to_string(), s);
        }
    }

    #[test]
    fn human_dates_read_as_editors_write_them() {
        assert_eq!(d("2025-01-20").human(), "20 Jan 2025");
        assert_eq!(d("2025-09").human(), "Sep 2025");
        assert_eq!(d("2025").human(), "2025");
        assert_eq!(d("2025-09-25T14:30:00Z").human(), "25 Sep 2025, 14:30 UTC");
        assert_eq!((d("2025-01-20").on(), d("2025-03").on()), ("on 20 Jan 2025".into(), "in Mar 2025".into()));
    }

    #[test]
    fn moments_read_as_people_type_them() {
        // Sunday 29 November 2026, 18:00 UTC.
        let now = "2026-11-29T18:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let w = |s: &str| When::parse_at(s, now).unwrap();
        assert_eq!(w("today"), When::Date(d("2026-11-29")));
        assert_eq!(w("Yesterday"), When::Date(d("2026-11-28")));
        assert_eq!(w("monday"), When::Date(d("2026-11-23")));
        assert_eq!(w("sun"), When::Date(d("2026-11-22")), "the last one before today");
        assert_eq!(w("12h").start().to_string(), "2026-11-29T06:00:00.000000Z");
        assert_eq!(w("2w").start().to_string(), "2026-11-15T18:00:00.000000Z");
        assert_eq!(w("2025-09"), When::Date(d("2025-09")));
        assert_eq!(w("2025-09").end().to_string(), "2025-09-30T23:59:59.999999Z");
        assert_eq!(w("2025-09-25T14:30:00+02:00").start().to_string(), "2025-09-25T12:30:00.000000Z");
        assert_eq!(w("3d").date(), d("2026-11-26"));
        // A time of day, in UTC; and the dates the reports print.
        assert_eq!(w("15:20").start().to_string(), "2026-11-29T15:20:00.000000Z");
        assert_eq!(w("yesterday 09:00").start().to_string(), "2026-11-28T09:00:00.000000Z");
        assert_eq!(w("2025-09-25 14:30:05").start().to_string(), "2025-09-25T14:30:05.000000Z");
        assert_eq!(w("8 Feb 2023"), When::Date(d("2023-02-08")));
        assert_eq!(w("8 february 2023 07:45").start().to_string(), "2023-02-08T07:45:00.000000Z");
        assert_eq!(w("Feb 2023"), When::Date(d("2023-02")));
        assert_eq!(w(&d("2025-09-25T14:30:00Z").human()), w("2025-09-25T14:30:00Z"), "an instant as printed");
        assert_eq!(w(&d("2025-09").human()), When::Date(d("2025-09")));
        assert!(When::parse_at("2025-13", now).unwrap_err().contains("no month 13"));
        assert!(When::parse_at("2025-02-30", now).unwrap_err().contains("not a day of the calendar"));
        for bad in ["", "tomorrow", "3y", "0d", "-2d", "mondays", "25:00", "2025 10:00", "30 Feb 2023", "Fe 2023"] {
            let err = When::parse_at(bad, now).unwrap_err();
            assert!(err.contains("yesterday") && err.contains("12h"), "{bad}: {err}");
        }
    }

    #[test]
    fn normalises_offsets_to_utc() {
        assert_eq!(d("2025-09-25T23:00:00-05:00").to_string(), "2025-09-26T04:00:00Z");
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in ["2025-02-30", "2025-13", "2025-00", "25-09-01", "2025/09/01", "", "yesterday"] {
            assert!(s.parse::<Date>().is_err(), "{s} should be rejected");
        }
        assert!(d("2024-02-29") == Date::Day(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
    }

    #[test]
    fn sorts_across_precisions() {
        let mut v = [d("2025-09-25"), d("2025"), d("2025-09-25T10:00:00Z"), d("2025-09"), d("2024-12-31")];
        v.sort();
        let text: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(text, ["2024-12-31", "2025", "2025-09", "2025-09-25", "2025-09-25T10:00:00Z"]);
    }

    #[test]
    fn on_or_before_counts_partial_dates_from_their_start() {
        assert!(d("2025-09").on_or_before(&d("2025-09-10")));
        assert!(d("2025-09-10T23:59:00Z").on_or_before(&d("2025-09-10")));
        assert!(!d("2025-09-11").on_or_before(&d("2025-09-10")));
        assert!(d("2025-09-10").on_or_before(&d("2025-09-10T00:00:00Z")));
    }

    #[test]
    fn deadlines_pass_after_their_last_moment() {
        assert!(!d("2025-09-25").passed_by(&d("2025-09-25")));
        assert!(d("2025-09-25").passed_by(&d("2025-09-26")));
        assert!(!d("2025-09").passed_by(&d("2025-09-30")));
        assert!(d("2025-09-25T12:00:00Z").passed_by(&d("2025-09-26")));
    }

    proptest! {
        #[test]
        fn text_order_is_date_order(a in 1900i32..2100, b in 1u32..13, c in 1u32..29, p in 0usize..3,
                                    a2 in 1900i32..2100, b2 in 1u32..13, c2 in 1u32..29, p2 in 0usize..3) {
            let mk = |y: i32, m: u32, dd: u32, p: usize| match p {
                0 => Date::Year(y),
                1 => Date::Month(y, m),
                _ => Date::Day(NaiveDate::from_ymd_opt(y, m, dd).unwrap()),
            };
            let (x, y) = (mk(a, b, c, p), mk(a2, b2, c2, p2));
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
            prop_assert_eq!(x.to_string().parse::<Date>().unwrap(), x);
        }

        /// The direct readers and writers agree with chrono's, in and out of their range.
        #[test]
        fn written_as_chrono_writes(secs in -62_167_219_300i64..253_402_300_900, micros in 0u32..1_000_000,
                                    y in 0u32..10_000, m in 0u32..14, d in 0u32..33) {
            let t = Timestamp(DateTime::from_timestamp(secs, micros * 1000).unwrap());
            let chrono_text = t.0.to_rfc3339_opts(SecondsFormat::Micros, true);
            prop_assert_eq!(t.to_string(), chrono_text.clone());
            prop_assert_eq!(Timestamp::from_written(&chrono_text).map(|w| w.0), DateTime::parse_from_rfc3339(&chrono_text).ok().map(|c| c.to_utc()));
            let day = format!("{y:04}-{m:02}-{d:02}");
            let chrono_day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok();
            prop_assert_eq!(day.parse::<Date>().ok(), chrono_day.map(Date::Day));
            if let Some(c) = chrono_day {
                prop_assert_eq!(Date::Day(c).to_string(), c.format("%Y-%m-%d").to_string());
            }
        }

        #[test]
        fn parser_never_panics(s in "\\PC{0,30}") {
            let _ = s.parse::<Date>();
            let _ = When::parse_at(&s, Utc::now());
        }

        #[test]
        fn a_time_back_is_that_long_before_now(n in 1i64..100_000, unit in 0usize..4, secs in 0i64..4_000_000_000) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let (letter, one) = [("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)][unit];
            let w = When::parse_at(&format!("{n}{letter}"), now).unwrap();
            prop_assert_eq!(w.start().0, now - chrono::Duration::seconds(n * one));
            prop_assert_eq!(w.start(), w.end(), "a moment, not a span");
        }

        #[test]
        fn a_weekday_is_the_last_one_before_today(day in 0usize..7, secs in 0i64..4_000_000_000) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
            for name in [names[day].to_string(), names[day][..3].to_string(), names[day].to_uppercase()] {
                let When::Date(Date::Day(d)) = When::parse_at(&name, now).unwrap() else {
                    panic!("{name} is a day")
                };
                let back = (now.date_naive() - d).num_days();
                prop_assert!((1..=7).contains(&back), "{} is {} days before {}", name, back, now);
                prop_assert_eq!(d.weekday().num_days_from_monday() as usize, day);
            }
        }
    }
}

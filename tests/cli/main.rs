//! End-to-end tests of the claimtrack binary: every command run as a user would run it,
//! against a fresh database in a temporary directory, with the clock and the user pinned.

mod bad_input;
mod changes;
mod common;
mod corrections;
mod dates;
mod desk;
mod formats;
mod house;
mod import_export;
mod incremental;
mod integrity;
mod log;
mod matching;
mod page;
mod reading;
mod records;
mod report;
mod sealed;
mod search;
mod tables;
mod truth;

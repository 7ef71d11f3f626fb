//! `claimtrack retract`: mark a claim or a source as retracted. Nothing is deleted.

use super::{add, Ctx};
use crate::date::Date;
use crate::error::Result;
use crate::model::{Bundle, Logged, Retraction};

/// Retract a claim or a source: it stays in the database and in exports, marked as
/// retracted, and the reconciler stops counting it from the retraction's date.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  claimtrack retract c-officials-affirm --reason \"Reuters corrected the report\" --date 2025-10-02"
)]
pub struct Args {
    /// The id of the claim or source
    target: String,
    /// Why it is retracted
    #[arg(long)]
    reason: String,
    /// When it was retracted [default: today]
    #[arg(long)]
    date: Option<Date>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let retraction = Retraction {
        target: a.target,
        date: a.date.unwrap_or_else(Date::today),
        reason: a.reason,
        logged_by: None,
        recorded: None,
    };
    add(ctx, "retract", Bundle { retractions: vec![retraction], ..Bundle::default() }, Retraction::KIND)
}

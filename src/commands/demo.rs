//! `claimtrack demo`: the built-in Kupol example, loaded and shown.

use super::Ctx;
use crate::error::Result;
use crate::model::{Logged, Proposition};
use crate::output::{self, Format};
use crate::store::{self, Open, Store};

/// The worked example: Reuters' report that Chinese experts helped Russia's IEMZ Kupol.
pub const KUPOL: &str = include_str!("../../fixtures/kupol-drones.json");

/// Load the built-in Kupol example into a private in-memory database (or into --db) and show
/// what is in it.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack demo\n  claimtrack demo --db kupol.db   # keep the example to explore it"
)]
pub struct Args {}

pub fn run(ctx: &Ctx, _: Args) -> Result<()> {
    let format = ctx.format("demo", &[Format::Table, Format::Json])?;
    let mut store = if ctx.db_given { Store::open(&ctx.db, Open::CreateIfMissing)? } else { Store::memory()? };
    let bundle = super::import::parse_bundle("fixtures/kupol-drones.json", KUPOL)?;
    let locate =
        |plural: &str, index: usize, field: &str| format!("fixtures/kupol-drones.json: {plural}[{index}].{field}");
    store.write(false, |tx| store::apply(tx, bundle, &locate))?;
    ctx.say(format!("Loaded the Kupol example into {}.", store.path().display()));
    let conn = store.conn();
    output::list(&store::propositions(conn)?, format, &["id", "text", "expected"], Proposition::FIELDS)?;
    let claims = store::claims(conn, &store::ClaimFilter::default())?;
    output::list(&claims, format, &["id", "proposition", "party", "stance", "via", "quote"], &[])
}

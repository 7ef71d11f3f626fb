//! `claimtrack config`: the newsroom's settings (the organisation that signs ClaimReviews).

use super::{Ctx, DATA_FORMATS};
use crate::clock;
use crate::date::Timestamp;
use crate::error::{Error, Result};
use crate::model::check_url;
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Set a setting: org.name or org.url (kept as history; the latest stands)
    #[command(
        after_help = "Examples:\n  claimtrack config set org.name \"Example Fact Check\"\n  claimtrack config set org.url https://factcheck.example.org"
    )]
    Set {
        /// org.name or org.url
        key: String,
        /// The value to set
        value: String,
    },
    /// Print a setting's value
    #[command(after_help = "Example:\n  claimtrack config get org.name")]
    Get {
        /// org.name or org.url
        key: String,
    },
    /// List the settings that have values
    #[command(after_help = "Example:\n  claimtrack config list")]
    List,
}

#[derive(serde::Serialize)]
struct Setting {
    key: String,
    value: String,
}

fn known(key: &str) -> Result<()> {
    if store::SETTINGS.contains(&key) {
        Ok(())
    } else {
        Err(Error::input(format!("'{key}' is not a setting; use one of: {}", store::SETTINGS.join(", "))))
    }
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Set { key, value } => {
            ctx.no_format("config set")?;
            known(&key)?;
            if key == "org.url" {
                check_url(&value).map_err(|why| Error::input(format!("org.url: {why}")))?;
            }
            if !crate::text::has_visible(&value) {
                return Err(Error::input(format!("{key}: the value has no visible character; give some text")));
            }
            ctx.write(false, |tx| store::set_setting(tx, &key, &value, &clock::user(), Timestamp::now()))?;
            ctx.say(format!("{key} = {value}"));
            Ok(())
        }
        Command::Get { key } => {
            ctx.no_format("config get")?;
            known(&key)?;
            let store = ctx.open_for_read()?;
            match store::settings(store.conn())?.into_iter().find(|(k, _)| *k == key) {
                Some((_, value)) => output::line(value),
                None => Err(Error::input(format!("{key} is not set; set it with `claimtrack config set {key} VALUE`"))),
            }
        }
        Command::List => {
            let format = ctx.format("config list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let rows: Vec<Setting> =
                store::settings(store.conn())?.into_iter().map(|(key, value)| Setting { key, value }).collect();
            output::list(&rows, format, &["key", "value"], &["key", "value"])
        }
    }
}

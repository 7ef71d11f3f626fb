//! `claimtrack config`: the newsroom's settings (the organisation that signs ClaimReviews).

use super::{Ctx, DATA_FORMATS};
use crate::clock;
use crate::date::Timestamp;
use crate::error::{Error, Result};
use crate::model::{self, Bundle};
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Set a setting: org.name, org.url or report.title (kept as history; the latest stands)
    #[command(
        after_help = "Examples:\n  claimtrack config set org.name \"Example Fact Check\"\n  claimtrack config set org.url https://factcheck.example.org\n  claimtrack config set report.title \"Chinese experts and Russian drones\""
    )]
    Set {
        /// org.name, org.url or report.title (the title every report carries)
        key: String,
        /// The value to set
        value: String,
    },
    /// Print a setting's value
    #[command(after_help = "Example:\n  claimtrack config get org.name")]
    Get {
        /// org.name, org.url or report.title (the title every report carries)
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
            let setting = model::Setting { key, value, logged_by: clock::user(), recorded: Timestamp::now() };
            let (key, value) = (setting.key.clone(), setting.value.clone());
            let bundle = Bundle { settings: vec![setting], ..Bundle::default() };
            ctx.write(false, |tx| store::apply(tx, bundle, "set", store::Refs::Ids, &|_, _, f| f.to_string()))?;
            ctx.say(format!("{key} = {value}"));
            Ok(())
        }
        Command::Get { key } => {
            ctx.no_format("config get")?;
            known(&key)?;
            let store = ctx.open_for_read()?;
            match store::setting(store.conn(), &key)? {
                Some(value) => output::line(value),
                None => Err(Error::input(format!("{key} is not set; set it with `claimtrack config set {key} VALUE`"))),
            }
        }
        Command::List => {
            let format = ctx.format("config list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let rows: Vec<Setting> =
                store::settings(store.conn())?.into_iter().map(|(key, value)| Setting { key, value }).collect();
            output::list(&rows, format, &["key", "value"], &["key", "value"], ctx.table_width())
        }
    }
}

//! The desk: a PostgreSQL database where the team's replicas meet (docs/DESK.md, desk.sql).
//! All of claimtrack's PostgreSQL is here: connecting (TLS through rustls), creating the desk
//! and its people, and pushing, pulling and verifying its log. The replica's side is SQLite,
//! in `store::replica`.

pub mod entry;
mod exchange;
mod tls;

pub use entry::{Entry, Role};
pub use exchange::{ahead, behind, clone_into, pull, push, verify, Moved};

use crate::error::{Context, Error, Result};
use postgres::Client;

/// The desk's schema, version by version.
const DESK_SQL: &str = include_str!("../../desk.sql");

/// A connection to a desk, as the role PostgreSQL authenticated.
pub struct Desk {
    pub client: Client,
    /// The URL without its password: what a replica remembers.
    pub url: String,
    /// `session_user`: who the desk says we are.
    pub user: String,
}

/// `url` without a password (`postgres://ana:secret@host/db` → `postgres://ana@host/db`; a
/// `password=` of the key=value form left out).
pub fn without_password(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            let user = userinfo.split(':').next().unwrap_or_default();
            return format!("{scheme}://{user}@{host}");
        }
        return url.to_string();
    }
    url.split_whitespace().filter(|part| !part.starts_with("password=")).collect::<Vec<_>>().join(" ")
}

impl Desk {
    /// Connects to the desk at `url` (a PostgreSQL URL or key=value string). `sslmode=require`
    /// encrypts the connection with rustls; `PGPASSWORD` is used when the URL has no password.
    pub fn connect(url: &str) -> Result<Desk> {
        let shown = without_password(url);
        let mut config: postgres::Config = url.parse().map_err(|e| {
            Error::input(format!(
                "'{shown}' is not a PostgreSQL URL ({e}); write e.g. postgres://ana@desk.example.org/newsdesk"
            ))
        })?;
        if config.get_password().is_none() {
            if let Ok(password) = std::env::var("PGPASSWORD") {
                config.password(password);
            }
        }
        let mut client = match config.get_ssl_mode() {
            postgres::config::SslMode::Require => config.connect(tls::connector()),
            _ => config.connect(postgres::NoTls),
        }
        .context(|| format!("connecting to the desk at {shown}"))?;
        let user: String = client
            .query_one("SELECT session_user::text", &[])
            .context(|| format!("asking the desk at {shown} who we are"))?
            .get(0);
        Ok(Desk { client, url: shown, user })
    }

    /// Refuses a database that holds no desk.
    pub fn check_is_desk(&mut self) -> Result<()> {
        let there: bool = self
            .client
            .query_one("SELECT to_regclass('desk_log') IS NOT NULL", &[])
            .context(|| "looking for the desk log".into())?
            .get(0);
        if !there {
            return Err(Error::input(format!(
                "{} holds no desk; a desk admin creates one with `claimtrack desk init {}`",
                self.url, self.url
            )));
        }
        Ok(())
    }

    /// The highest group role this connection's user holds (none: not a member of the desk).
    pub fn role(&mut self) -> Result<Option<Role>> {
        let row = self
            .client
            .query_one(
                "SELECT has_table_privilege('desk_log', 'SELECT'), \
                 coalesce(pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = 'claimtrack_logger'), 'USAGE'), false), \
                 coalesce(pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = 'claimtrack_editor'), 'USAGE'), false)",
                &[],
            )
            .context(|| "asking the desk which role we have".into())?;
        let (read, log, edit): (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
        Ok(if edit {
            Some(Role::Editor)
        } else if log {
            Some(Role::Logger)
        } else if read {
            Some(Role::Viewer)
        } else {
            None
        })
    }

    /// The refusal for a user that lacks `needed` to do `what`.
    pub fn refusal(&self, have: Option<Role>, needed: Role, what: &str) -> Error {
        refusal(&self.user, &self.url, have, needed, what)
    }
}

/// The refusal for `user`, who has `have` on the desk at `url` and lacks `needed` to do
/// `what`: one line, the same whether the desk refuses a push or a replica a local write.
pub fn refusal(user: &str, url: &str, have: Option<Role>, needed: Role, what: &str) -> Error {
    let is = match have {
        Some(r) => format!("is a {}", r.group()),
        None => "is no member of this desk".to_string(),
    };
    Error::input(format!(
        "{what} refused: {user} {is}; that needs {} (a desk admin runs `claimtrack desk add {user} --role {} {url}`); nothing was written",
        needed.group(),
        needed.name(),
    ))
}

/// The refusal for a logger's correction of `target`, a record someone else pushed (the
/// desk's policy: a logger corrects only the records it pushed itself).
pub fn others_record_refusal(user: &str, url: &str, target: &str, what: &str) -> Error {
    Error::input(format!(
        "{what} refused: {user} is a claimtrack_logger, who may correct only the records they pushed, and {target} was pushed by someone else; correcting another's record needs claimtrack_editor (a desk admin runs `claimtrack desk add {user} --role editor {url}`); nothing was written"
    ))
}

/// What `desk init` did.
pub struct Initialised {
    /// The desk's schema version before (0: a new desk) and after.
    pub from: u32,
    pub to: u32,
}

/// Creates the desk in the database at `url`, or brings an older desk up to date: its
/// tables, triggers, group roles and rights (desk.sql). Refuses a database that holds other
/// tables. One transaction: all of it or none.
pub fn init(url: &str) -> Result<Initialised> {
    let mut desk = Desk::connect(url)?;
    let shown = desk.url.clone();
    let mut tx = desk.client.transaction().context(|| "starting the desk's creation".into())?;
    let ours = ["desk_log", "desk_meta", "desk_record", "desk_event"];
    let others: Vec<String> = tx
        .query(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
             AND NOT (table_schema = 'public' AND table_name = ANY($1)) ORDER BY 1 LIMIT 6",
            &[&&ours[..]],
        )
        .context(|| format!("listing the tables of {shown}"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !others.is_empty() {
        return Err(Error::input(format!(
            "{shown} holds other tables ({}{}); a desk needs a database of its own: CREATE DATABASE newsdesk, then `claimtrack desk init` on it",
            others.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            if others.len() > 5 { ", …" } else { "" }
        )));
    }
    let has_meta: bool =
        tx.query_one("SELECT to_regclass('desk_meta') IS NOT NULL", &[]).context(|| "reading the desk".into())?.get(0);
    let from: u32 = if has_meta {
        let v: Option<String> = tx
            .query_opt("SELECT value FROM desk_meta WHERE key = 'version'", &[])
            .context(|| "reading the desk's version".into())?
            .map(|r| r.get(0));
        v.and_then(|v| v.parse().ok()).unwrap_or(0)
    } else {
        0
    };
    let steps = crate::store::numbered_steps(DESK_SQL, "-- desk version ");
    let to = steps.last().map_or(0, |s| s.0);
    if from > to {
        return Err(Error::input(format!(
            "the desk at {shown} has version {from}, newer than this claimtrack's {to}: upgrade claimtrack"
        )));
    }
    for (n, name, sql) in steps.into_iter().filter(|s| s.0 > from) {
        tx.batch_execute(sql).context(|| format!("creating the desk: version {n} ({name})"))?;
    }
    tx.execute(
        "INSERT INTO desk_meta (key, value) VALUES ('version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[&to.to_string()],
    )
    .context(|| "noting the desk's version".into())?;
    tx.commit().context(|| "committing the desk's creation".into())?;
    Ok(Initialised { from, to })
}

/// Makes `user` a member of exactly the group for `role` (creating the login role if it is
/// not there): returns whether the role was created.
pub fn add_person(url: &str, user: &str, role: Role) -> Result<bool> {
    let mut desk = Desk::connect(url)?;
    desk.check_is_desk()?;
    let mut tx = desk.client.transaction().context(|| "starting to add a person".into())?;
    let exists: bool = tx
        .query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&user])
        .context(|| format!("looking up the role {user}"))?
        .get(0);
    let quoted = format!("\"{}\"", user.replace('"', "\"\""));
    let fail = |e: postgres::Error| -> Error {
        match e.code() {
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => Error::input(format!(
                "adding {user} refused: the role in the URL may not create roles or grant the claimtrack groups; connect as the desk's admin (a superuser, or a role with CREATEROLE that was granted the groups WITH ADMIN OPTION)"
            )),
            _ => Error::Desk { context: format!("adding {user}"), source: e },
        }
    };
    if !exists {
        tx.batch_execute(&format!("CREATE ROLE {quoted} LOGIN")).map_err(fail)?;
    }
    for other in [Role::Viewer, Role::Logger, Role::Editor].into_iter().filter(|r| *r != role) {
        tx.batch_execute(&format!("REVOKE {} FROM {quoted}", other.group())).map_err(fail)?;
    }
    tx.batch_execute(&format!("GRANT {} TO {quoted}", role.group())).map_err(fail)?;
    tx.commit().map_err(fail)?;
    Ok(!exists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_left_out_of_urls() {
        assert_eq!(without_password("postgres://ana:s3cret@host:5432/desk"), "postgres://ana@host:5432/desk");
        assert_eq!(without_password("postgres://ana@host/desk"), "postgres://ana@host/desk");
        assert_eq!(without_password("host=h user=ana password=x dbname=d"), "host=h user=ana dbname=d");
    }

    #[test]
    fn the_desk_schema_has_numbered_versions() {
        let steps = crate::store::numbered_steps(DESK_SQL, "-- desk version ");
        assert_eq!(steps.iter().map(|s| s.0).collect::<Vec<_>>(), (1..=steps.len() as u32).collect::<Vec<_>>());
    }
}

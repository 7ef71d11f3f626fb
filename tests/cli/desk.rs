//! The desk (docs/DESK.md) against a real PostgreSQL server: `CLAIMTRACK_TEST_PG` names it
//! (e.g. postgres://root@127.0.0.1/test, a role that may create databases and roles). Each
//! test makes its own database and login roles, with a random suffix, and drops them when it
//! ends. Without the variable the tests are skipped with one line saying why.

use crate::common::{assert_error_line, assert_refused, skip_unless, Db, Outcome};
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;

const NEEDS: &str = "PostgreSQL: set CLAIMTRACK_TEST_PG=postgres://root@127.0.0.1/test";

/// A desk database of one test's own, with its people; dropped at the end.
struct Desk {
    /// `postgres://` and the host part ("127.0.0.1:5432").
    host: String,
    db: String,
    suffix: String,
    roles: Vec<String>,
    admin_url: String,
}

fn suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000, COUNT.fetch_add(1, Ordering::Relaxed))
}

impl Desk {
    /// A new database for `test`, not yet a desk; None (skipped) without CLAIMTRACK_TEST_PG.
    fn new(test: &str) -> Option<Desk> {
        let base = std::env::var("CLAIMTRACK_TEST_PG").ok();
        if skip_unless(base.is_some(), test, NEEDS) {
            return None;
        }
        let base = base.unwrap();
        let rest =
            base.strip_prefix("postgres://").or_else(|| base.strip_prefix("postgresql://")).expect("a postgres:// URL");
        let (userinfo, hostpath) = rest.split_once('@').expect("a URL with a user: postgres://root@host/db");
        let host = hostpath.split('/').next().unwrap().to_string();
        let suffix = suffix();
        let db = format!("ct_desk_{suffix}");
        let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("CLAIMTRACK_TEST_PG reachable");
        admin.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
        let admin_url = format!("postgres://{userinfo}@{host}/{db}");
        Some(Desk { host, db, suffix, roles: Vec::new(), admin_url })
    }

    /// The URL `user` connects with.
    fn url(&self, user: &str) -> String {
        format!("postgres://{user}@{}/{}", self.host, self.db)
    }

    /// A desk: `desk init` run on the database.
    fn init(test: &str) -> Option<Desk> {
        let desk = Desk::new(test)?;
        Db::new().ok(&["desk", "init", &desk.admin_url]);
        Some(desk)
    }

    /// Adds a person with `role`; returns their role name (suffixed).
    fn person(&mut self, name: &str, role: &str) -> String {
        let user = format!("{name}_{}", self.suffix);
        Db::new().ok(&["desk", "add", &user, "--role", role, &self.admin_url]);
        self.roles.push(user.clone());
        user
    }

    /// A new replica of the desk for `user`.
    fn clone_for(&self, user: &str) -> Db {
        let db = Db::new();
        let out = db.run(&["clone", &self.url(user), db.path().to_str().unwrap()]).success();
        assert!(out.stderr.contains("cloned"), "{out:?}");
        db
    }

    /// The desk's database as its admin.
    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.admin_url, postgres::NoTls).unwrap()
    }

    /// The desk's database as `user`.
    fn as_user(&self, user: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(user), postgres::NoTls).unwrap()
    }

    fn count(&self, kind: &str) -> i64 {
        self.admin().query_one("SELECT count(*) FROM desk_log WHERE kind = $1", &[&kind]).unwrap().get(0)
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let base = std::env::var("CLAIMTRACK_TEST_PG").unwrap();
        let Ok(mut admin) = postgres::Client::connect(&base, postgres::NoTls) else { return };
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db));
        for role in &self.roles {
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}

/// A bundle of one party, proposition and source, and `n` claims with ids `{prefix}-{i}`.
fn claims_bundle(prefix: &str, n: usize) -> String {
    let claims: Vec<Value> = (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("{prefix}-{i}"), "proposition": "p-help", "party": "kremlin",
                "stance": if i % 2 == 0 { "denies" } else { "affirms" }, "source": "s-report",
                "quote": format!("statement {prefix} {i}")})
        })
        .collect();
    serde_json::json!({
        "claimtrack": 1,
        "parties": [{"id": "kremlin", "name": "Kremlin", "kind": "government"}],
        "propositions": [{"id": "p-help", "text": "Experts helped"}],
        "sources": [{"id": "s-report", "title": "A report", "kind": "article"}],
        "claims": claims,
    })
    .to_string()
}

/// What the server said, in full (a `postgres::Error` displays only "db error").
fn said(err: postgres::Error) -> String {
    err.as_db_error().map_or_else(|| err.to_string(), |d| d.message().to_string())
}

/// `n` claims with ids `{prefix}-{i}` spread over 20 propositions and 4 parties (the same
/// ones in every such bundle), as a desk's week looks.
fn spread_bundle(prefix: &str, n: usize) -> String {
    let parties: Vec<Value> = (0..4)
        .map(|p| serde_json::json!({"id": format!("party-{p}"), "name": format!("Party {p}"), "kind": "official"}))
        .collect();
    let propositions: Vec<Value> =
        (0..20).map(|p| serde_json::json!({"id": format!("prop-{p}"), "text": format!("Matter {p}")})).collect();
    let claims: Vec<Value> = (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("{prefix}-{i}"), "proposition": format!("prop-{}", i % 20),
                "party": format!("party-{}", i % 4), "stance": if i % 3 == 0 { "denies" } else { "affirms" },
                "source": "s-report", "quote": format!("statement {prefix} {i}")})
        })
        .collect();
    serde_json::json!({
        "claimtrack": 1,
        "parties": parties,
        "propositions": propositions,
        "sources": [{"id": "s-report", "title": "A report", "kind": "article"}],
        "claims": claims,
    })
    .to_string()
}

fn sync(db: &Db) -> Outcome {
    db.run(&["sync"]).success()
}

fn claim_ids(db: &Db) -> Vec<String> {
    let mut ids = db.column(&["claim", "list"], "id");
    ids.sort();
    ids
}

fn verified(db: &Db) {
    let out = db.run(&["verify"]);
    assert_eq!(out.code, 0, "the replica's own verify: {out:?}");
}

#[test]
fn init_is_idempotent_and_refuses_a_database_with_other_tables() {
    let Some(desk) = Desk::new("init_is_idempotent_and_refuses_a_database_with_other_tables") else { return };
    let db = Db::new();
    let first = db.run(&["desk", "init", &desk.admin_url]).success();
    assert!(first.stderr.contains("created the desk"), "{first:?}");
    let again = db.run(&["desk", "init", &desk.admin_url]).success();
    assert!(again.stderr.contains("already there"), "{again:?}");
    let tables: i64 = desk
        .admin()
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 4, "desk_log, desk_meta and the two views, once");

    let Some(other) = Desk::new("init_is_idempotent_and_refuses_a_database_with_other_tables") else { return };
    other.admin().batch_execute("CREATE TABLE invoices (id int)").unwrap();
    let refused = db.run(&["desk", "init", &other.admin_url]);
    assert_eq!(refused.code, 1);
    assert_error_line(&refused.stderr, &["holds other tables", "public.invoices", "a database of its own"]);
    let has_log: bool = other.admin().query_one("SELECT to_regclass('desk_log') IS NOT NULL", &[]).unwrap().get(0);
    assert!(!has_log, "nothing was created");
}

#[test]
fn each_role_is_refused_what_it_may_not_do() {
    let Some(mut desk) = Desk::init("each_role_is_refused_what_it_may_not_do") else { return };
    let viewer = desk.person("vi", "viewer");
    let logger = desk.person("lo", "logger");
    let editor = desk.person("ed", "editor");

    // A viewer reads, and cannot push: a replica cloned by a logger who is a viewer now.
    let v = desk.clone_for(&viewer);
    Db::new().ok(&["desk", "add", &viewer, "--role", "logger", &desk.admin_url]);
    let v2 = desk.clone_for(&viewer);
    v2.import_str(&claims_bundle("v", 1)).success();
    Db::new().ok(&["desk", "add", &viewer, "--role", "viewer", &desk.admin_url]);
    let out = v2.run(&["sync"]);
    assert_eq!(out.code, 1);
    assert_error_line(
        &out.stderr,
        &["refused", &viewer, "claimtrack_viewer", "needs claimtrack_logger", "nothing was written"],
    );
    assert_eq!(desk.count("claim"), 0);
    assert!(sync(&v).stderr.contains("pushed nothing; pulled nothing"));

    // A logger pushes records, but not a verdict or a setting: written in a replica cloned
    // while it was an editor (a replica refuses them itself once it knows the role, below).
    let l = desk.clone_for(&logger);
    l.import_str(&claims_bundle("l", 2)).success();
    sync(&l);
    assert_eq!(desk.count("claim"), 2);
    for (write, what) in [
        (
            vec!["verdict", "set", "p-help", "--label", "False", "--rating", "1", "--best", "5", "--worst", "1"],
            "verdict",
        ),
        (vec!["config", "set", "org.name", "The Desk"], "setting"),
    ] {
        Db::new().ok(&["desk", "add", &logger, "--role", "editor", &desk.admin_url]);
        let l2 = desk.clone_for(&logger);
        l2.ok(&write);
        Db::new().ok(&["desk", "add", &logger, "--role", "logger", &desk.admin_url]);
        let before: i64 = desk.admin().query_one("SELECT count(*) FROM desk_log", &[]).unwrap().get(0);
        let out = l2.run(&["push"]);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert_error_line(&out.stderr, &["refused", what, "claimtrack_logger", "needs claimtrack_editor"]);
        let after: i64 = desk.admin().query_one("SELECT count(*) FROM desk_log", &[]).unwrap().get(0);
        assert_eq!(before, after, "{what}: nothing written");
    }
    // The server is the wall, not only the client: a logger's own SQL is refused too.
    let mut as_logger = desk.as_user(&logger);
    let err = as_logger
        .execute("INSERT INTO desk_log (kind, id, key, content) VALUES ('triage', 'f-1', 'f-1|x|y', '{}')", &[])
        .unwrap_err();
    let err = said(err);
    assert!(err.contains("row-level security"), "{err}");
    // Nobody rewrites history: no grant for anyone, and the trigger stops even the owner.
    let mut as_editor = desk.as_user(&editor);
    for sql in ["UPDATE desk_log SET id = 'x'", "DELETE FROM desk_log", "TRUNCATE desk_log"] {
        for client in [&mut as_logger, &mut as_editor] {
            let err = said(client.batch_execute(sql).unwrap_err());
            assert!(err.contains("permission denied"), "{sql}: {err}");
        }
        let err = said(desk.admin().batch_execute(sql).unwrap_err());
        assert!(err.contains("append-only"), "{sql} as owner: {err}");
    }
    assert_eq!(desk.count("claim"), 2);
}

#[test]
fn authorship_is_the_role_that_pushed() {
    let Some(mut desk) = Desk::init("authorship_is_the_role_that_pushed") else { return };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "editor");
    let a = desk.clone_for(&ana);
    // CLAIMTRACK_USER ("tester") does not apply in a replica: the desk role does.
    a.ok(&["party", "add", "kremlin", "--name", "Kremlin", "--kind", "government"]);
    // A record from someone's bundle keeps the logger it names.
    a.import_str(r#"{"claimtrack": 1, "parties": [{"id": "kupol", "name": "IEMZ Kupol", "kind": "company", "logged_by": "dmitri"}]}"#)
        .success();
    let parties = a.json(&["party", "list"]);
    let by = |id: &str| parties.as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()["logged_by"].clone();
    assert_eq!(by("kremlin"), Value::String(ana.clone()));
    assert_eq!(by("kupol"), "dmitri");
    sync(&a);
    let pushed: Vec<(String, String)> = desk
        .admin()
        .query("SELECT id, pushed_by FROM desk_log ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(pushed, vec![("kremlin".to_string(), ana.clone()), ("kupol".to_string(), ana.clone())]);
    // A pushed_by the client sends is overwritten by the server.
    let mut as_ana = desk.as_user(&ana);
    let err = as_ana
        .execute("INSERT INTO desk_log (kind, id, key, content, pushed_by) VALUES ('party', 'x', 'x', '{}', 'bo')", &[])
        .unwrap_err();
    let err = said(err);
    assert!(err.contains("permission denied"), "the column is not the client's: {err}");

    let b = desk.clone_for(&bo);
    let history = b.ok(&["history", "kupol"]);
    assert!(history.contains(&format!("logged by dmitri, pushed by {ana}")), "{history}");
    let history = b.ok(&["history", "kremlin"]);
    assert!(history.contains(&format!("pushed by {ana}")) && !history.contains("logged by"), "{history}");
    verified(&a);
    verified(&b);
}

#[test]
fn clone_then_sync_carries_a_colleagues_work() {
    let Some(mut desk) = Desk::init("clone_then_sync_carries_a_colleagues_work") else { return };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "logger");
    let a = desk.clone_for(&ana);
    let b = desk.clone_for(&bo);
    a.import_str(&claims_bundle("a", 12)).success();
    let out = sync(&a);
    assert!(out.stderr.contains("pushed 1 party, 1 source, 1 proposition, 12 claims; pulled nothing"), "{out:?}");
    // b cannot log a claim on records it does not hold yet.
    let early = [
        "claim", "add", "--id", "b-1", "--prop", "p-help", "--party", "kremlin", "--stance", "affirms", "--source",
        "s-report",
    ];
    assert_eq!(b.run(&early).code, 1);
    let out = sync(&b);
    assert!(out.stderr.contains(&format!("pulled 1 party, 1 source, 1 proposition, 12 claims from {ana}")), "{out:?}");
    b.ok(&[
        "claim", "add", "--id", "b-1", "--prop", "p-help", "--party", "kremlin", "--stance", "affirms", "--source",
        "s-report",
    ]);
    let dry = b.run(&["sync", "--dry-run"]).success();
    assert!(dry.stderr.contains("would push 1 claim") && dry.stderr.contains("dry run"), "{dry:?}");
    assert_eq!(desk.count("claim"), 12, "a dry run moves nothing");
    let out = sync(&b);
    assert!(out.stderr.contains("pushed 1 claim; pulled nothing"), "{out:?}");
    let out = sync(&a);
    assert!(out.stderr.contains(&format!("pushed nothing; pulled 1 claim from {bo}")), "{out:?}");
    assert_eq!(claim_ids(&a), claim_ids(&b));
    let changes = a.ok(&["changes", "--since", "2025-09-30", "--format", "json"]);
    assert!(changes.contains("b-1"), "changes --since shows the colleague's claim: {changes}");
    let status = a.ok(&["desk", "status"]);
    assert!(
        status.contains("ahead: 0") && status.contains("behind: 0") && status.contains("claimtrack_logger"),
        "{status}"
    );
    // Over TLS (sslmode=require, through rustls), the same.
    let c = Db::new();
    let tls = format!("{}?sslmode=require", desk.url(&bo));
    let out = c.run(&["clone", &tls, c.path().to_str().unwrap()]);
    if out.code == 0 {
        assert_eq!(claim_ids(&c).len(), 13);
    } else {
        assert!(out.stderr.contains("TLS") || out.stderr.contains("ssl"), "the server has no TLS, else: {out:?}");
    }
    verified(&a);
    verified(&b);
}

#[test]
fn a_conflict_is_listed_with_both_versions_and_not_applied() {
    let Some(mut desk) = Desk::init("a_conflict_is_listed_with_both_versions_and_not_applied") else { return };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "logger");
    let a = desk.clone_for(&ana);
    let b = desk.clone_for(&bo);
    a.ok(&["party", "add", "kupol", "--name", "IEMZ Kupol", "--kind", "company"]);
    a.ok(&["party", "add", "kremlin", "--name", "Kremlin", "--kind", "government"]);
    b.ok(&["party", "add", "kupol", "--name", "Kupol Izhevsk", "--kind", "company"]);
    b.ok(&["party", "add", "kremlin", "--name", "Kremlin", "--kind", "government"]);
    sync(&a);
    let out = sync(&b);
    assert!(out.stderr.contains("conflict: party kupol"), "{out:?}");
    assert!(out.stderr.contains("Kupol Izhevsk") && out.stderr.contains("IEMZ Kupol"), "both versions: {out:?}");
    assert!(out.stderr.contains(&format!("pushed by {ana}")), "{out:?}");
    // The same party with the same content is no conflict and no second entry.
    assert_eq!(desk.count("party"), 2);
    let names: Vec<String> = desk
        .admin()
        .query("SELECT content FROM desk_log WHERE id = 'kupol'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(names.len() == 1 && names[0].contains("IEMZ Kupol"), "{names:?}");
    let kupol = b.json(&["party", "show", "kupol"]);
    assert_eq!(kupol["name"], "Kupol Izhevsk", "the desk's version is not applied here either");
    let status = b.ok(&["desk", "status"]);
    assert!(status.contains("conflicts: 1") && status.contains("conflict: party kupol"), "{status}");
    verified(&b);
}

#[test]
fn two_corrections_and_two_triage_steps_agree_everywhere() {
    let Some(mut desk) = Desk::init("two_corrections_and_two_triage_steps_agree_everywhere") else { return };
    let ana = desk.person("ana", "editor");
    let bo = desk.person("bo", "editor");
    let a = desk.clone_for(&ana);
    a.import_fixture("kupol-drones.json");
    sync(&a);
    let b = desk.clone_for(&bo);
    a.ok(&["reconcile"]);
    b.ok(&["reconcile"]);
    let finding = a.column(&["findings"], "id")[0].clone();
    // Both correct one field and triage one finding, offline; a syncs first.
    a.ok(&["correct", "kupol", "--set", "name=Kupol (a)", "--reason", "a's reading"]);
    b.ok(&["correct", "kupol", "--set", "name=Kupol (b)", "--reason", "b's reading"]);
    a.ok(&["findings", "ack", &finding, "--note", "a looked"]);
    b.ok(&["findings", "dismiss", &finding, "--note", "b looked"]);
    sync(&a);
    let out = sync(&b);
    assert!(out.stderr.contains("pushed 1 correction, 1 triage step"), "{out:?}");
    sync(&a);
    let c = desk.clone_for(&bo);
    c.ok(&["reconcile"]);
    for (who, db) in [("a", &a), ("b", &b), ("c", &c)] {
        assert_eq!(db.json(&["party", "show", "kupol"])["name"], "Kupol (b)", "{who}: the later on the desk stands");
        let state = db.json(&["findings", "--state", "dismissed"]);
        assert!(state.to_string().contains(&finding), "{who}: the later triage stands: {state}");
        verified(db);
    }
    // Both corrections stay in history.
    let history = a.ok(&["history", "kupol"]);
    assert!(history.contains("Kupol (a)") && history.contains("Kupol (b)"), "{history}");
    let findings = |db: &Db| db.ok(&["findings", "--format", "json"]);
    assert_eq!(findings(&a), findings(&b));
    assert_eq!(findings(&a), findings(&c));
}

#[test]
fn verify_desk_names_the_first_broken_entry() {
    let Some(mut desk) = Desk::init("verify_desk_names_the_first_broken_entry") else { return };
    let ana = desk.person("ana", "logger");
    let a = desk.clone_for(&ana);
    a.import_str(&claims_bundle("a", 5)).success();
    sync(&a);
    let ok = a.ok(&["verify", "--desk"]);
    assert!(ok.contains("desk sound: 8 entries"), "{ok}");
    let behind_its_back = |sql: &str| {
        desk.admin().batch_execute(&format!("SET session_replication_role = replica; {sql}")).unwrap();
    };
    // Edited.
    behind_its_back(
        "UPDATE desk_log SET content = replace(content, 'statement a 2', 'statement a 9') WHERE id = 'a-2'",
    );
    let out = a.run(&["verify", "--desk"]);
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["desk entry 6 (claim a-2)", "edited behind claimtrack's back"]);
    behind_its_back(
        "UPDATE desk_log SET content = replace(content, 'statement a 9', 'statement a 2') WHERE id = 'a-2'",
    );
    assert!(a.ok(&["verify", "--desk"]).contains("desk sound"));
    // Deleted.
    behind_its_back("CREATE TABLE kept AS SELECT * FROM desk_log WHERE seq = 5; DELETE FROM desk_log WHERE seq = 5");
    let out = a.run(&["verify", "--desk"]);
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["desk entry 5 is missing", "deleted behind claimtrack's back"]);
    behind_its_back("INSERT INTO desk_log SELECT * FROM kept; DROP TABLE kept");
    assert!(a.ok(&["verify", "--desk"]).contains("desk sound"));
    // Inserted: a row claiming to be pushed by someone, chained by hand.
    behind_its_back(
        "INSERT INTO desk_log (seq, kind, id, key, content, content_hash, pushed_by, arrived, prev, hash) \
         SELECT 9, 'claim', 'forged', 'forged', '{}', encode(sha256('{}'), 'hex'), 'ana', arrived, hash, repeat('f', 64) FROM desk_log WHERE seq = 8",
    );
    let out = a.run(&["verify", "--desk"]);
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["desk entry 9 (claim forged)", "inserted behind claimtrack's back"]);
}

#[test]
fn a_killed_sync_loses_nothing_and_the_next_completes_it() {
    let Some(mut desk) = Desk::init("a_killed_sync_loses_nothing_and_the_next_completes_it") else { return };
    let ana = desk.person("ana", "logger");
    let a = desk.clone_for(&ana);
    a.import_str(&claims_bundle("a", 3000)).success();
    // Killed at different moments: each time the desk holds all of the push or none of it.
    for delay in [30u64, 120, 300, 600] {
        let mut child = a.process().arg("sync").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let n = desk.count("claim");
        assert!(n == 0 || n == 3000, "a push is one transaction: {n} claims on the desk after a kill at {delay} ms");
    }
    let out = sync(&a);
    assert!(out.stderr.contains("pulled nothing"), "{out:?}");
    assert_eq!(desk.count("claim"), 3000);
    let again = sync(&a);
    assert!(again.stderr.contains("pushed nothing; pulled nothing"), "{again:?}");
    let b = desk.clone_for(&ana);
    assert_eq!(claim_ids(&b).len(), 3000);
    verified(&a);
}

#[test]
fn eight_replicas_syncing_at_once_end_identical() {
    let Some(mut desk) = Desk::init("eight_replicas_syncing_at_once_end_identical") else { return };
    let people: Vec<String> = (0..8).map(|i| desk.person(&format!("p{i}"), "logger")).collect();
    let replicas: Vec<Db> = people.iter().map(|p| desk.clone_for(p)).collect();
    std::thread::scope(|s| {
        for (i, r) in replicas.iter().enumerate() {
            s.spawn(move || r.import_str(&spread_bundle(&format!("r{i}"), 500)).success());
        }
    });
    let children: Vec<_> = replicas
        .iter()
        .map(|r| r.process().arg("sync").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap())
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(desk.count("claim"), 4000);
    assert_eq!(desk.count("party"), 4, "the same parties from eight replicas are one entry each");
    // One more sync each, at once; then each reads the shared record for itself.
    let readings: Vec<(Vec<String>, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = replicas
            .iter()
            .map(|r| {
                s.spawn(move || {
                    sync(r);
                    r.ok(&["reconcile"]);
                    (claim_ids(r), r.ok(&["findings", "--format", "json"]))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (ids, findings) in &readings {
        assert_eq!(ids.len(), 4000);
        assert_eq!(ids, &readings[0].0);
        assert_eq!(findings, &readings[0].1, "the same findings in every replica");
    }
    assert!(readings[0].1.contains("\"id\""), "there are findings to compare");
    verified(&replicas[7]);
    let ok = replicas[0].ok(&["verify", "--desk"]);
    assert!(ok.contains("desk sound: 4025 entries"), "{ok}");
}

#[test]
fn outside_a_replica_sync_says_what_to_do() {
    let db = Db::with_fixture("kupol-drones.json");
    let out = db.run(&["sync"]);
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["no desk's replica", "claimtrack clone URL FILE"]);
}

/// How many events a replica's audit log holds.
fn events(db: &Db) -> i64 {
    rusqlite::Connection::open(db.path()).unwrap().query_row("SELECT count(*) FROM event", [], |r| r.get(0)).unwrap()
}

/// Runs a write the replica's desk role may not push: refused in one line naming the role
/// needed, nothing written (the records, the audit log).
fn refused_here(db: &Db, args: &[&str], stdin: Option<&str>, needles: &[&str]) {
    let before = events(db);
    assert_refused(db, args, stdin, 1, needles);
    assert_eq!(events(db), before, "{args:?}: nothing logged");
}

#[test]
fn a_replica_refuses_what_its_desk_role_may_not_push_before_writing_it() {
    let Some(mut desk) = Desk::init("a_replica_refuses_what_its_desk_role_may_not_push_before_writing_it") else {
        return;
    };
    let logger = desk.person("lo", "logger");
    let viewer = desk.person("vi", "viewer");
    let l = desk.clone_for(&logger);
    let v = desk.clone_for(&viewer);
    l.import_str(&claims_bundle("l", 4)).success();
    l.ok(&["reconcile"]);
    let finding = l.column(&["findings"], "id")[0].clone();
    let needs_editor =
        ["refused", logger.as_str(), "claimtrack_logger", "needs claimtrack_editor", "nothing was written"];
    let verdict = ["verdict", "set", "p-help", "--label", "False", "--rating", "1", "--best", "5", "--worst", "1"];
    for (args, what) in [
        (&verdict[..], "writing verdict"),
        (&["config", "set", "org.name", "The Desk"][..], "writing setting org.name"),
        (&["findings", "ack", &finding, "--note", "seen"][..], "writing triage"),
        (&["retract", "l-1", "--reason", "misquoted"][..], "writing retraction l-1"),
    ] {
        let mut needles = needs_editor.to_vec();
        needles.push(what);
        refused_here(&l, args, None, &needles);
    }
    // A bundle with a verdict, the fast path too.
    let with_verdict = r#"{"claimtrack": 1, "verdicts": [{"id": "v-1", "proposition": "p-help", "label": "False", "rating": 1, "best": 5, "worst": 1}]}"#;
    let bundle = l.file("verdict.json");
    std::fs::write(&bundle, with_verdict).unwrap();
    for args in [vec!["import", "-"], vec!["import", "--bulk", bundle.to_str().unwrap()]] {
        let stdin = (args[1] == "-").then_some(with_verdict);
        let mut needles = needs_editor.to_vec();
        needles.push("verdict v-1");
        refused_here(&l, &args, stdin, &needles);
    }
    // What it may push, it writes; and its syncs go on.
    l.ok(&["correct", "l-1", "--set", "quote=statement l one", "--reason", "typo"]);
    let out = sync(&l);
    assert!(out.stderr.contains("pushed 1 party, 1 source, 1 proposition, 4 claims, 1 correction"), "{out:?}");
    // A viewer writes nothing its desk would be pushed.
    sync(&v);
    let needs_logger =
        ["refused", viewer.as_str(), "claimtrack_viewer", "needs claimtrack_logger", "nothing was written"];
    let mut party = needs_logger.to_vec();
    party.push("writing party tass");
    refused_here(&v, &["party", "add", "tass", "--name", "TASS", "--kind", "government"], None, &party);
    let file = v.file("claims.json");
    std::fs::write(&file, claims_bundle("v", 2)).unwrap();
    refused_here(&v, &["import", "--bulk", file.to_str().unwrap()], None, &needs_logger);
    let mut needs_editor_too = needs_logger.to_vec();
    needs_editor_too[3] = "needs claimtrack_editor";
    refused_here(&v, &verdict, None, &needs_editor_too);
    // Reading, and its own reading of the record, stay open to it.
    v.ok(&["reconcile"]);
    assert_eq!(claim_ids(&v).len(), 4);

    // Made an editor, the replica learns it at its next sync, and may write them.
    Db::new().ok(&["desk", "add", &logger, "--role", "editor", &desk.admin_url]);
    refused_here(&l, &verdict, None, &needs_editor);
    sync(&l);
    l.ok(&verdict);
    let out = sync(&l);
    assert!(out.stderr.contains("pushed 1 verdict"), "{out:?}");
    assert_eq!(desk.count("verdict"), 1);
    let out = sync(&v);
    assert!(out.stderr.contains("pushed nothing; pulled 1 verdict"), "{out:?}");
    verified(&l);
    verified(&v);
}

#[test]
fn desk_add_refuses_what_it_cannot_do_and_grants_an_existing_role() {
    let Some(mut desk) = Desk::init("desk_add_refuses_what_it_cannot_do_and_grants_an_existing_role") else { return };
    let db = Db::new();
    let maria = format!("maria_{}", desk.suffix);
    desk.roles.push(maria.clone());
    // A role that is no role, a URL that is no URL: usage and input errors, nothing created.
    let out = db.run(&["desk", "add", &maria, "--role", "admin", &desk.admin_url]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_error_line(&out.stderr, &["--role", "admin", "viewer", "logger", "editor"]);
    let out = db.run(&["desk", "add", &maria, "--role", "logger", "postgres://root@127.0.0.1:notaport/x"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_error_line(&out.stderr, &["not a PostgreSQL URL", "postgres://"]);
    // A database that holds no desk.
    let Some(bare) = Desk::new("desk_add_refuses_what_it_cannot_do_and_grants_an_existing_role") else { return };
    let out = db.run(&["desk", "add", &maria, "--role", "logger", &bare.admin_url]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_error_line(&out.stderr, &["holds no desk", "claimtrack desk init"]);
    // A person who is no admin may not add people.
    let ed = desk.person("ed", "editor");
    let out = db.run(&["desk", "add", &maria, "--role", "logger", &desk.url(&ed)]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_error_line(&out.stderr, &["adding", &maria, "refused", "connect as the desk's admin"]);
    let exists = |name: &str| -> bool {
        desk.admin().query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&name]).unwrap().get(0)
    };
    assert!(!exists(&maria), "nothing was created");

    // A login role that exists already is granted the group, and moved between groups.
    desk.admin().batch_execute(&format!("CREATE ROLE {maria} LOGIN")).unwrap();
    let member_of = |group: &str| -> bool {
        desk.admin().query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&maria, &group]).unwrap().get(0)
    };
    let out = db.run(&["desk", "add", &maria, "--role", "viewer", &desk.admin_url]).success();
    assert!(out.stderr.contains(&format!("made {maria} a claimtrack_viewer (the role was there already")), "{out:?}");
    assert!(member_of("claimtrack_viewer") && !member_of("claimtrack_logger"));
    let m = desk.clone_for(&maria);
    assert!(m.ok(&["desk", "status"]).contains("claimtrack_viewer"));
    let out = db.run(&["desk", "add", &maria, "--role", "editor", &desk.admin_url]).success();
    assert!(out.stderr.contains(&format!("made {maria} a claimtrack_editor")), "{out:?}");
    assert!(member_of("claimtrack_editor"));
    // Moved down again, exactly one group: not an editor any more.
    db.run(&["desk", "add", &maria, "--role", "logger", &desk.admin_url]).success();
    assert!(member_of("claimtrack_logger") && !member_of("claimtrack_editor"));
    let status = m.ok(&["desk", "status"]);
    assert!(status.contains("(claimtrack_logger)"), "{status}");
}

#[test]
fn a_conflict_resolved_by_correct_or_a_new_id_lets_every_sync_complete() {
    let Some(mut desk) = Desk::init("a_conflict_resolved_by_correct_or_a_new_id_lets_every_sync_complete") else {
        return;
    };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "logger");
    let a = desk.clone_for(&ana);
    let b = desk.clone_for(&bo);
    a.import_str(&claims_bundle("a", 2)).success();
    sync(&a);
    sync(&b);
    // Offline, both log a party "kupol", and b reuses a claim id of its own for another quote
    // that a logs too.
    a.ok(&["party", "add", "kupol", "--name", "IEMZ Kupol", "--kind", "company"]);
    b.ok(&["party", "add", "kupol", "--name", "Kupol Izhevsk", "--kind", "company"]);
    let claim = |db: &Db, quote: &str| {
        db.ok(&[
            "claim", "add", "--id", "c-kupol", "--prop", "p-help", "--party", "kupol", "--stance", "affirms",
            "--source", "s-report", "--quote", quote,
        ])
    };
    claim(&a, "We make drones");
    claim(&b, "We make engines");
    sync(&a);
    let out = sync(&b);
    assert!(out.stderr.contains("conflict: party kupol") && out.stderr.contains("conflict: claim c-kupol"), "{out:?}");
    assert!(b.ok(&["desk", "status"]).contains("conflicts: 2"));
    // A conflict does not block: b's next sync completes, with nothing to move.
    assert!(sync(&b).stderr.contains("pushed nothing; pulled nothing"));

    // The party is the same: b corrects its version to read as the desk's (a logger may,
    // though ana pushed it: the correction brings b's copy in line and is not pushed).
    // In two steps: the push sees where they end.
    b.ok(&["correct", "kupol", "--set", "name=Kupol (Izhevsk)", "--reason", "closer"]);
    let later = b
        .process()
        .env("CLAIMTRACK_NOW", "2025-10-01T12:05:00Z")
        .args(["correct", "kupol", "--set", "name=IEMZ Kupol", "--reason", "as the desk has it"])
        .output()
        .unwrap();
    assert!(later.status.success(), "{}", String::from_utf8_lossy(&later.stderr));
    // The claim is another: b logs its quote under a new id, and its copy of c-kupol as the desk's.
    b.ok(&[
        "claim",
        "add",
        "--id",
        "c-kupol-engines",
        "--prop",
        "p-help",
        "--party",
        "kupol",
        "--stance",
        "affirms",
        "--source",
        "s-report",
        "--quote",
        "We make engines",
    ]);
    b.ok(&[
        "correct",
        "c-kupol",
        "--set",
        "quote=We make drones",
        "--reason",
        "the desk's claim; mine is c-kupol-engines",
    ]);
    let out = sync(&b);
    assert!(out.stderr.contains("resolved: the conflict over party kupol"), "{out:?}");
    assert!(out.stderr.contains("resolved: the conflict over claim c-kupol"), "{out:?}");
    assert!(out.stderr.contains("pushed 1 claim; pulled nothing"), "{out:?}");
    assert!(b.ok(&["desk", "status"]).contains("conflicts: 0"));
    assert_eq!(desk.count("correction"), 0, "the corrections only brought b's copies in line");
    let out = sync(&a);
    assert!(out.stderr.contains(&format!("pushed nothing; pulled 1 claim from {bo}")), "{out:?}");
    // Both replicas hold the same record now.
    assert_eq!(claim_ids(&a), claim_ids(&b));
    for db in [&a, &b] {
        assert_eq!(db.json(&["party", "show", "kupol"])["name"], "IEMZ Kupol");
        assert_eq!(db.json(&["claim", "show", "c-kupol"])["quote"], "We make drones");
        verified(db);
    }
}

#[test]
fn a_logger_corrects_its_own_records_and_an_editor_anyones() {
    let Some(mut desk) = Desk::init("a_logger_corrects_its_own_records_and_an_editor_anyones") else { return };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "logger");
    let ed = desk.person("ed", "editor");
    let a = desk.clone_for(&ana);
    a.import_str(&claims_bundle("a", 2)).success();
    sync(&a);
    // Its own record, pushed: a logger corrects it, and the desk takes the correction.
    a.ok(&["correct", "a-0", "--set", "quote=statement a zero", "--reason", "typo"]);
    assert!(sync(&a).stderr.contains("pushed 1 correction"));
    // Another's: refused in the replica, in the desk's words, before anything is written.
    let b = desk.clone_for(&bo);
    let out = b.run(&["correct", "a-1", "--set", "quote=statement a one", "--reason", "typo"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_error_line(
        &out.stderr,
        &[
            "correcting a-1 refused",
            &bo,
            "claimtrack_logger",
            "only the records they pushed",
            "needs claimtrack_editor",
        ],
    );
    assert!(sync(&b).stderr.contains("pushed nothing; pulled nothing"));
    // And by the desk itself, whatever a client sends.
    let mut as_bo = desk.as_user(&bo);
    let err = as_bo
        .execute("INSERT INTO desk_log (kind, id, key, content) VALUES ('correction', 'a-1', 'a-1|x|y', '{}')", &[])
        .unwrap_err();
    assert!(said(err).contains("row-level security"));
    // An editor corrects anyone's; every replica takes it.
    let e = desk.clone_for(&ed);
    e.ok(&["correct", "a-1", "--set", "quote=statement a one", "--reason", "the tape says so"]);
    assert!(sync(&e).stderr.contains("pushed 1 correction"));
    for db in [&a, &b] {
        sync(db);
        assert_eq!(db.json(&["claim", "show", "a-1"])["quote"], "statement a one");
        verified(db);
    }
    assert_eq!(desk.count("correction"), 2);
}

/// A TCP proxy in front of the desk's server, that drops every connection through it (both
/// ways, as a network cut does) once `budget` bytes have passed, while it is not negative.
struct Proxy {
    port: u16,
    budget: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Proxy {
    fn new(target: &str) -> Proxy {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let budget = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(-1));
        let shared = budget.clone();
        let target = target.to_string();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let server = TcpStream::connect(&target).unwrap();
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    let budget = shared.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            let left = budget.load(Ordering::SeqCst);
                            let cut = left >= 0 && budget.fetch_sub(n as i64, Ordering::SeqCst) < n as i64;
                            if n == 0 || cut || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = from.shutdown(Shutdown::Both);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, budget }
    }

    /// Cuts every connection after `bytes` more bytes (None: never).
    fn cut_after(&self, bytes: Option<i64>) {
        self.budget.store(bytes.unwrap_or(-1), std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_network_cut_mid_sync_loses_nothing_and_the_next_sync_completes_it() {
    let Some(mut desk) = Desk::init("a_network_cut_mid_sync_loses_nothing_and_the_next_sync_completes_it") else {
        return;
    };
    let ana = desk.person("ana", "logger");
    let bo = desk.person("bo", "viewer");
    let server = if desk.host.contains(':') { desk.host.clone() } else { format!("{}:5432", desk.host) };
    let proxy = Proxy::new(&server);
    // Replicas that reach the desk through the proxy (and remember it as their desk).
    let through = |user: &str| {
        let db = Db::new();
        let url = format!("postgres://{user}@127.0.0.1:{}/{}", proxy.port, desk.db);
        db.run(&["clone", &url, db.path().to_str().unwrap()]).success();
        db
    };
    let a = through(&ana);
    let b = through(&bo);
    let n = 3000;
    a.import_str(&claims_bundle("a", n)).success();
    // The push's connection cut mid-transaction (its entries are ~1 MB): the desk holds none of it.
    proxy.cut_after(Some(300_000));
    let out = a.run(&["sync"]);
    assert_eq!(out.code, 1, "the cut push fails: {out:?}");
    assert!(out.stderr.contains("desk"), "{out:?}");
    proxy.cut_after(None);
    assert_eq!(desk.count("claim"), 0, "a push is one transaction");
    let out = sync(&a);
    assert!(out.stderr.contains(&format!("pushed 1 party, 1 source, 1 proposition, {n} claims")), "{out:?}");
    assert_eq!(desk.count("claim"), n as i64);
    // The pull's connection cut mid-stream: the replica is as before, and the next sync brings it all.
    proxy.cut_after(Some(300_000));
    let out = b.run(&["sync"]);
    assert_eq!(out.code, 1, "the cut pull fails: {out:?}");
    proxy.cut_after(None);
    assert!(claim_ids(&b).is_empty(), "nothing half-pulled");
    let out = sync(&b);
    assert!(out.stderr.contains(&format!("pulled 1 party, 1 source, 1 proposition, {n} claims from {ana}")), "{out:?}");
    assert_eq!(claim_ids(&b), claim_ids(&a));
    verified(&a);
    verified(&b);
}

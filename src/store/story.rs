//! A story read from the store: whole, for some propositions (with every record their
//! reading needs, the scopes), as the database knew it at a moment, and as a bundle.

use super::*;
use crate::date::Timestamp;
use crate::error::{Context, Result};
use crate::model::*;
use rusqlite::{Connection, Row};

/// The ids of the propositions with a tag.
pub fn tagged(conn: &Connection, tag: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM proposition WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?1) ORDER BY id",
        )
        .context(|| format!("finding propositions tagged {tag}"))?;
    let rows = stmt.query_map([tag], |r| r.get(0)).context(|| format!("finding propositions tagged {tag}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("finding propositions tagged {tag}"))
}

/// The part of the story the reconciler needs to read some propositions exactly as it reads
/// them in the whole story: their claims, requests and verdicts; every claim linked to those
/// claims, and for a `contradicts` link the other party's claims on the other proposition
/// (its position there decides whether the link is a conflict); the claims that cited
/// claims cite in turn; the sources upstream of every claim loaded; their retractions; and
/// the parties. A property test holds this against the whole story (docs/RECONCILER.md).
pub fn story_of(conn: &Connection, props: &[String]) -> Result<Story> {
    story_of_with(conn, props, &[])
}

/// [`story_of`] without sources (and their retractions), its claims dated from `published`
/// (every source's, [`Story::published`]): for a reading given every source of the story
/// (`reconcile::AllSources`), read once for many batches.
pub fn story_of_claims(conn: &Connection, props: &[String], published: &Published) -> Result<Story> {
    scoped(conn, props, With::Published(published))
}

/// [`story_of`], with `more_sources` (and every source upstream of them) loaded as well.
pub(super) fn story_of_with(conn: &Connection, props: &[String], more_sources: &[String]) -> Result<Story> {
    scoped(conn, props, With::Sources(more_sources))
}

/// What a scoped story holds besides the propositions' records.
enum With<'a> {
    /// The sources upstream of its claims and of these.
    Sources(&'a [String]),
    /// No sources: its claims dated from these publication dates.
    Published(&'a Published),
}

/// The story of some propositions, with what `with` says. Each kind is read for the whole
/// batch of propositions at once (see [`IN_LIST`]): a batch of thousands costs a few
/// queries, not a few per claim.
fn scoped(conn: &Connection, props: &[String], with: With) -> Result<Story> {
    let batch = json_list(props);
    let (claims, ids) = claims_on(conn, &batch)?;
    // The batch's claims are distinct (by primary key): they become the scope's as they are.
    let mut scope = Scope {
        links_of: links_of(conn, &claims, &ids)?,
        linked: claims.iter().map(|c| c.id().to_string()).collect(),
        at: claims.iter().enumerate().map(|(i, c)| (c.id().to_string(), i)).collect(),
        claims,
        ..Scope::default()
    };
    scope.follow_links(conn)?;
    let mut story = Story {
        parties: parties(conn)?,
        propositions: in_order_of(props, propositions_in(conn, &batch)?, |p| &p.id),
        requests: in_order_of(props, rows_in(conn, REQUESTS_ON, &batch, request_row)?, |q| &q.proposition),
        verdicts: in_order_of(props, rows_in(conn, VERDICTS_ON, &batch, verdict_row)?, |v| &v.proposition),
        ..Story::default()
    };
    if let With::Sources(more) = with {
        let named = scope.claims.iter().flat_map(|c| c.claim.basis.iter().chain([&c.claim.source]));
        story.sources = upstream(conn, named.chain(more))?;
    }
    // Distinct (see [`IDS`]): a claim and a source may share an id.
    let targets: std::collections::BTreeSet<&str> =
        scope.claims.iter().map(ClaimRow::id).chain(story.sources.iter().map(|s| s.id.as_str())).collect();
    let targets: Vec<&str> = targets.into_iter().collect();
    story.retractions = rows_in(conn, RETRACTIONS_OF, &json_list(&targets), retraction_row)?;
    story.links = scope.links.into_values().collect();
    // In any order: dating them puts them in time order (ids break ties).
    story.claims = scope.claims;
    // The batch's claims were read without their dates (see [`claims_on`]): they come from
    // the sources and retractions in hand, or the publication dates given.
    match with {
        With::Sources(_) => story.date_claims(),
        With::Published(published) => story.date_claims_by(published),
    }
    Ok(story)
}

/// A batch of ids as one parameter, a JSON list: `column IN (SELECT value FROM
/// json_each(?1))` probes the column's index once per id.
pub(super) const IN_LIST: &str = "(SELECT value FROM json_each(?1))";
/// A batch of distinct ids as a table to join first: `FROM {IDS} CROSS JOIN t ON t.column =
/// ids.value` probes the column's index once per id too, without the temporary index of the
/// ids that `IN` builds first (most of the cost, for a batch's thousands of claims).
pub(super) const IDS: &str = "json_each(?1) AS ids";
pub(super) const REQUESTS_ON: &str =
    "SELECT * FROM request WHERE proposition IN (SELECT value FROM json_each(?1)) ORDER BY proposition, party, asked, id";
pub(super) const VERDICTS_ON: &str =
    "SELECT * FROM verdict WHERE proposition IN (SELECT value FROM json_each(?1)) ORDER BY proposition, recorded, rowid";
pub(super) const RETRACTIONS_OF: &str =
    "SELECT r.* FROM json_each(?1) AS ids CROSS JOIN retraction r ON r.target = ids.value ORDER BY r.target";

/// The rows `sql` selects for a batch of ids (`?1`, a JSON list).
pub(super) fn rows_in<T>(
    conn: &Connection,
    sql: &str,
    batch: &str,
    map: fn(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let rows = stmt.query_map([batch], map).context(|| format!("running {sql}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading rows of {sql}"))
}

/// Rows grouped by proposition in the order the propositions were asked for (each group
/// keeping its own order), as reading them one proposition at a time gives.
pub(super) fn in_order_of<T>(props: &[String], mut rows: Vec<T>, key: impl Fn(&T) -> &String) -> Vec<T> {
    let rank: rustc_hash::FxHashMap<&String, usize> = props.iter().enumerate().map(|(i, p)| (p, i)).collect();
    rows.sort_by_key(|r| rank.get(key(r)).copied());
    rows
}

/// The propositions of a batch that exist, each with its expected parties.
pub(super) fn propositions_in(conn: &Connection, batch: &str) -> Result<Vec<Proposition>> {
    let sql = format!("SELECT {PROPOSITION_COLUMNS} FROM proposition WHERE id IN {IN_LIST}");
    let mut props = rows_in(conn, &sql, batch, proposition_row)?;
    let sql = format!(
        "SELECT proposition, party FROM proposition_expected WHERE proposition IN {IN_LIST} ORDER BY proposition, position"
    );
    let mut lists = lists_in(conn, &sql, [batch])?;
    for p in &mut props {
        p.expected = lists.remove(&p.id).unwrap_or_default();
    }
    Ok(props)
}

/// Every claim on a batch of propositions, each with its basis but not yet its date or
/// retraction: a scoped story reads its claims' retractions and sources' dates anyway, and
/// dates them all at once ([`Story::date_claims`]) for less than a join and a lookup per
/// claim. The rows are read in table order (their rowids, found in the index, sorted
/// first): a batch's claims lie all over the table, and reading them by proposition read
/// each page again for every claim on it. With the claims, their ids as a JSON list (see
/// [`IN_LIST`]), for what is read of them next.
pub(super) fn claims_on(conn: &Connection, batch: &str) -> Result<(Vec<ClaimRow>, String)> {
    let sql = format!(
        "SELECT {CLAIM_COLUMNS}, NULL AS source_published, NULL AS retracted FROM claim c \
         WHERE c.rowid IN (SELECT rowid FROM claim WHERE proposition IN {IN_LIST})"
    );
    let mut claims = rows_in(conn, &sql, batch, claim_row)?;
    let ids = json_list(&claims.iter().map(ClaimRow::id).collect::<Vec<_>>());
    let sql = format!(
        "SELECT b.claim, b.source FROM {IDS} CROSS JOIN claim_basis b ON b.claim = ids.value ORDER BY b.claim, b.position"
    );
    let mut bases = lists_in(conn, &sql, [&ids])?;
    for c in &mut claims {
        c.claim.basis = bases.remove(c.id()).unwrap_or_default();
    }
    Ok((claims, ids))
}

/// The links from and to each of some claims (`ids`, theirs as a JSON list), by claim (a
/// claim with none has an empty list: nothing left to look up).
pub(super) fn links_of(
    conn: &Connection,
    claims: &[ClaimRow],
    ids: &str,
) -> Result<rustc_hash::FxHashMap<String, Vec<Link>>> {
    let mut of: rustc_hash::FxHashMap<String, Vec<Link>> =
        claims.iter().map(|c| (c.id().to_string(), Vec::new())).collect();
    let sql = format!(
        "SELECT l.* FROM {IDS} CROSS JOIN link l ON l.from_claim = ids.value \
         UNION SELECT l.* FROM {IDS} CROSS JOIN link l ON l.to_claim = ids.value"
    );
    for l in rows_in(conn, &sql, ids, link_row)? {
        let ends = if l.from == l.to { vec![l.from.clone()] } else { vec![l.from.clone(), l.to.clone()] };
        for end in ends {
            if let Some(list) = of.get_mut(&end) {
                list.push(l.clone());
            }
        }
    }
    Ok(of)
}

/// The claims and links a scoped story has gathered, and what is left to follow.
#[derive(Default)]
pub(super) struct Scope {
    /// The claims gathered, each once, in the order they were.
    claims: Vec<ClaimRow>,
    /// Where each claim gathered is in `claims`, by id: a large batch's claims are moved
    /// once, not into and out of a map sorted by id.
    at: rustc_hash::FxHashMap<String, usize>,
    /// Links by (from, rel, to): the whole story's order.
    links: std::collections::BTreeMap<(String, String, String), Link>,
    /// The links of the batch's claims, read ahead (other claims' are looked up).
    links_of: rustc_hash::FxHashMap<String, Vec<Link>>,
    /// Claims whose links (both ways) are still to be read.
    linked: Vec<String>,
    /// Claims whose `cites` links are still to be read (cited claims' roots count).
    citing: Vec<String>,
    /// (proposition, party) pairs whose every claim has been loaded.
    groups: std::collections::BTreeSet<(String, String)>,
}

impl Scope {
    fn add(&mut self, c: ClaimRow) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.at.entry(c.id().to_string()) {
            e.insert(self.claims.len());
            self.claims.push(c);
        }
    }

    fn load(&mut self, conn: &Connection, id: &str) -> Result<()> {
        if !self.at.contains_key(id) {
            if let Some(c) = claim(conn, id)? {
                self.add(c);
            }
        }
        Ok(())
    }

    fn keep(&mut self, l: Link) {
        self.links.insert((l.from.clone(), l.rel.to_string(), l.to.clone()), l);
    }

    /// The links from and to one claim: read ahead, or looked up (both indexed).
    fn links_touching(&self, conn: &Connection, claim: &str) -> Result<Vec<Link>> {
        if let Some(links) = self.links_of.get(claim) {
            return Ok(links.clone());
        }
        let sql = "SELECT * FROM link WHERE from_claim = ?1 UNION SELECT * FROM link WHERE to_claim = ?1";
        let mut stmt = conn.prepare_cached(sql).context(|| format!("reading the links of {claim}"))?;
        let rows = stmt.query_map([claim], link_row).context(|| format!("reading the links of {claim}"))?;
        rows.collect::<rusqlite::Result<_>>().context(|| format!("reading the links of {claim}"))
    }

    fn follow_links(&mut self, conn: &Connection) -> Result<()> {
        while let Some(id) = self.linked.pop() {
            for l in self.links_touching(conn, &id)? {
                let other = if l.from == id { l.to.clone() } else { l.from.clone() };
                self.load(conn, &other)?;
                match l.rel.reach() {
                    LinkReach::Opposed => self.whole_group(conn, &other)?,
                    LinkReach::Cited if l.from == id => self.citing.push(other),
                    LinkReach::Cited | LinkReach::Standing | LinkReach::Unread => {}
                }
                self.keep(l);
            }
            self.follow_citations(conn)?;
        }
        Ok(())
    }

    /// Every claim of the party of `claim` on its proposition, with the claims that
    /// supersede them: what its position there depends on.
    fn whole_group(&mut self, conn: &Connection, claim: &str) -> Result<()> {
        let Some(c) = self.at.get(claim).map(|&i| &self.claims[i]) else { return Ok(()) };
        let key = (c.claim.proposition.clone(), c.claim.party.clone());
        if !self.groups.insert(key.clone()) {
            return Ok(());
        }
        let filter = ClaimFilter { proposition: Some(key.0), party: Some(key.1), ..ClaimFilter::default() };
        for member in claims(conn, &filter)? {
            let links = self.links_touching(conn, member.id())?;
            for l in links.into_iter().filter(|l| l.rel.reach() == LinkReach::Standing) {
                let other = if l.from == member.id() { l.to.clone() } else { l.from.clone() };
                self.load(conn, &other)?;
                self.keep(l);
            }
            self.add(member);
        }
        Ok(())
    }

    fn follow_citations(&mut self, conn: &Connection) -> Result<()> {
        while let Some(id) = self.citing.pop() {
            let links = self.links_touching(conn, &id)?;
            for l in links.into_iter().filter(|l| l.rel.reach() == LinkReach::Cited && l.from == id) {
                if !self.at.contains_key(&l.to) {
                    self.load(conn, &l.to)?;
                    self.citing.push(l.to.clone());
                }
                self.keep(l);
            }
        }
        Ok(())
    }
}

/// The sources named and every source upstream of them, in id order: one recursive query
/// (SQLite walks it with a queue, not a stack, so a derivation chain as long as the
/// database is fine; `UNION` keeps each source once, so a loop ends).
pub(super) fn upstream<'a>(conn: &Connection, start: impl Iterator<Item = &'a String>) -> Result<Vec<Source>> {
    let named: std::collections::BTreeSet<&String> = start.collect();
    let named: Vec<&String> = named.into_iter().collect();
    let up = "WITH RECURSIVE up (id) AS (SELECT value FROM json_each(?1) \
              UNION SELECT d.derived_from FROM source_derivation d JOIN up ON d.source = up.id)";
    let batch = json_list(&named);
    let sql = format!("{up} SELECT {SOURCE_COLUMNS} FROM source WHERE id IN up ORDER BY id");
    let mut sources = rows_in(conn, &sql, &batch, source_row)?;
    let sql =
        format!("{up} SELECT source, derived_from FROM source_derivation WHERE source IN up ORDER BY source, position");
    let mut lists = lists_in(conn, &sql, [batch.as_str()])?;
    for s in &mut sources {
        s.derived_from = lists.remove(&s.id).unwrap_or_default();
    }
    Ok(sources)
}

/// Everything in the database, each kind in its stable order.
pub fn story(conn: &Connection) -> Result<Story> {
    Ok(Story {
        parties: parties(conn)?,
        sources: sources(conn)?,
        propositions: propositions(conn)?,
        claims: claims(conn, &ClaimFilter::default())?,
        links: links(conn)?,
        requests: requests(conn)?,
        retractions: retractions(conn)?,
        verdicts: verdicts(conn)?,
    })
}

/// What the database knew at `t`: the events before the first one logged after `t` (0 when
/// none). The log is read as a whole up to that point, so a write whose clock ran behind the
/// log (logged at a time before events already there) counts from where the log had reached,
/// the same for the digest and `--known-at`; `verify` notes such a write.
pub fn known_seq(conn: &Connection, t: Timestamp) -> Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce((SELECT min(seq) FROM event WHERE at > ?1) - 1, (SELECT max(seq) FROM event), 0)",
    )
    .and_then(|mut s| s.query_row([t], |r| r.get(0)))
    .context(|| "reading the audit log".into())
}

/// The story as this database knew it at `t`: records that entered it later (whatever
/// their `recorded` says: an import keeps its desk's) are left out, and corrections logged
/// later are undone, newest first.
pub fn as_known_at(conn: &Connection, story: &mut Story, t: Timestamp) -> Result<()> {
    let known = known_seq(conn, t)?;
    cut_back(conn, story, known, corrections_after(conn, known)?)
}

/// The part of the story some propositions need (see [`story_of`]) as this database knew
/// it at `t`: the same reading of them as the whole story cut back to `t` gives. A record
/// corrected since `t` may have stood elsewhere then, so the claims and requests moved off
/// these propositions since are loaded from where they are now, and the sources a claim or
/// a source named before a later correction (its source, basis or derivation) are loaded
/// too, for undoing the correction to find them.
pub fn story_of_known_at(conn: &Connection, props: &[String], t: Timestamp) -> Result<Story> {
    let known = known_seq(conn, t)?;
    let later = corrections_after(conn, known)?;
    let mut load: std::collections::BTreeSet<String> = props.iter().cloned().collect();
    let mut sources = Vec::new();
    for c in &later {
        let before = c.before.get("proposition").and_then(|p| p.as_str());
        if before.is_some_and(|p| props.iter().any(|x| x == p)) {
            load.extend(proposition_of(conn, c.correction.kind, &c.correction.target)?);
        }
        for field in ["source", "basis", "derived_from"] {
            sources.extend(named_ids(c.before.get(field)));
        }
    }
    let mut story = story_of_with(conn, &load.into_iter().collect::<Vec<_>>(), &sources)?;
    cut_back(conn, &mut story, known, later)?;
    story.propositions.retain(|p| props.contains(&p.id));
    Ok(story)
}

/// The ids a correction's old value held: one id, or a list of them.
pub(super) fn named_ids(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::String(id)) => vec![id.clone()],
        Some(serde_json::Value::Array(ids)) => ids.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The proposition a claim, request or verdict is on now.
pub fn proposition_of(conn: &Connection, kind: Option<RecordKind>, id: &str) -> Result<Option<String>> {
    let sql = match kind {
        Some(RecordKind::Claim) => "SELECT proposition FROM claim WHERE id = ?1",
        Some(RecordKind::Request) => "SELECT proposition FROM request WHERE id = ?1",
        Some(RecordKind::Verdict) => "SELECT proposition FROM verdict WHERE id = ?1",
        _ => return Ok(None),
    };
    one(conn, sql, id, |r| r.get(0))
}

/// Cuts a loaded story back to event `known`: leaves out the rows added later and undoes
/// `corrections`, those logged after it (oldest first), newest first.
pub(super) fn cut_back(
    conn: &Connection,
    story: &mut Story,
    known: i64,
    corrections: Vec<StoredCorrection>,
) -> Result<()> {
    let later = |table: &str, key: &str| -> Result<std::collections::HashSet<String>> {
        let sql = format!("SELECT {key} FROM {table} WHERE event > ?1 OR event IS NULL");
        let mut stmt = conn.prepare(&sql).context(|| format!("running {sql}"))?;
        let rows = stmt.query_map([known], |r| r.get(0)).context(|| format!("running {sql}"))?;
        rows.collect::<rusqlite::Result<_>>().context(|| format!("reading {sql}"))
    };
    let keep = |set: std::collections::HashSet<String>| move |key: &str| !set.contains(key);
    let k = keep(later("party", "id")?);
    story.parties.retain(|r| k(&r.id));
    let k = keep(later("source", "id")?);
    story.sources.retain(|r| k(&r.id));
    let k = keep(later("proposition", "id")?);
    story.propositions.retain(|r| k(&r.id));
    let k = keep(later("claim", "id")?);
    story.claims.retain(|r| k(r.id()));
    let k = keep(later("link", "from_claim || ' ' || rel || ' ' || to_claim")?);
    story.links.retain(|r| k(&r.key()));
    let k = keep(later("request", "id")?);
    story.requests.retain(|r| k(&r.key()));
    let k = keep(later("retraction", "target")?);
    story.retractions.retain(|r| k(&r.target));
    let k = keep(later("verdict", "id")?);
    story.verdicts.retain(|r| k(&r.key()));
    for c in corrections.into_iter().rev() {
        undo(story, &c)
            .map_err(|e| crate::error::Error::input(format!("undoing the correction at event {}: {e}", c.event)))?;
    }
    // Claim dates come from the claim's and its source's versions; retractions from those known.
    story.date_claims();
    Ok(())
}

/// Everything in the database as the interchange carries it: each record as first logged,
/// then the corrections that bring it to its current version, the settings' history and
/// the findings with their triage (docs/FORMAT.md).
pub fn bundle(conn: &Connection) -> Result<Bundle> {
    let mut story = story(conn)?;
    let all = corrections(conn)?;
    for c in all.iter().rev() {
        undo(&mut story, c)
            .map_err(|e| crate::error::Error::input(format!("undoing the correction at event {}: {e}", c.event)))?;
    }
    let mut bundle = story.into_bundle();
    bundle.corrections = all.into_iter().map(|c| c.correction).collect();
    bundle.settings = setting_history(conn)?;
    bundle.findings = super::findings::carried_findings(conn)?;
    Ok(bundle)
}

/// Gives one record of the story back the values a correction replaced.
pub(super) fn undo(story: &mut Story, c: &StoredCorrection) -> serde_json::Result<()> {
    fn back<T: serde::Serialize + serde::de::DeserializeOwned>(
        records: &mut [T],
        is: impl Fn(&T) -> bool,
        before: &serde_json::Map<String, serde_json::Value>,
    ) -> serde_json::Result<()> {
        if let Some(r) = records.iter_mut().find(|r| is(r)) {
            *r = serde_json::from_value(revert(&to_json(r), before))?;
        }
        Ok(())
    }
    let (target, before) = (c.correction.target.as_str(), &c.before);
    match c.correction.kind {
        Some(RecordKind::Party) => back(&mut story.parties, |r| r.id == target, before),
        Some(RecordKind::Source) => back(&mut story.sources, |r| r.id == target, before),
        Some(RecordKind::Proposition) => back(&mut story.propositions, |r| r.id == target, before),
        Some(RecordKind::Request) => back(&mut story.requests, |r| r.key() == target, before),
        Some(RecordKind::Verdict) => back(&mut story.verdicts, |r| r.key() == target, before),
        Some(RecordKind::Claim) => {
            if let Some(row) = story.claims.iter_mut().find(|r| r.id() == target) {
                row.claim = serde_json::from_value(revert(&to_json(&row.claim), before))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

-- claimtrack's schema: the one source of truth, embedded in the binary with include_str!.
--
-- The file is a list of migrations. Each starts with a line "-- migration N: what" and runs
-- once, in order, in one transaction; PRAGMA user_version records the last one applied.
-- Never edit, remove or reorder a released migration: add a new one below.
--
-- Conventions, for anyone reading the file with sqlite3 or Datasette:
-- * every table is STRICT, foreign keys are on (checked at commit, so a bundle may refer to
--   records further on in itself);
-- * dates are TEXT at the precision given: 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or an RFC 3339
--   instant in UTC ('2025-09-25T14:30:00Z'); their text order is their time order, but for
--   one case: an instant with a fraction of a second ('...T14:30:00.5Z') sorts before the whole
--   second it falls in ('...T14:30:00Z'), so claimtrack orders dates in Rust;
-- * `recorded` is when the row was logged (UTC, microseconds, fixed width), `logged_by` who
--   logged it;
-- * lists that are plain attributes (aliases, tags) are JSON arrays; lists that refer to other
--   records (derived_from, expected) are tables of their own, so the references are checked;
-- * the record tables are append-only: corrections and retractions are new rows, and triggers
--   refuse UPDATE and DELETE so that history cannot be rewritten by accident.

-- migration 1: the claim store

-- Who speaks, or is expected to: a ministry, an outlet, "European security officials".
CREATE TABLE party (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL CHECK (trim(name) <> ''),
    kind      TEXT NOT NULL CHECK (kind IN ('government', 'official', 'military', 'intelligence',
                                            'company', 'media', 'ngo', 'person', 'group', 'other')),
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    country   TEXT CHECK (country GLOB '[A-Z][A-Z]'),             -- ISO 3166-1 alpha-2
    parent    TEXT REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    aliases   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases) AND json_type(aliases) = 'array'),
    logged_by TEXT NOT NULL,
    recorded  TEXT NOT NULL
) STRICT;

-- Where a claim was found: an article, a document, a statement...
CREATE TABLE source (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL CHECK (trim(title) <> ''),
    kind        TEXT NOT NULL CHECK (kind IN ('article', 'document', 'statement', 'transcript',
                                              'social', 'interview', 'dataset', 'other')),
    publisher   TEXT REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    url         TEXT,
    published   TEXT,
    accessed    TEXT,
    reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    sha256      TEXT CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL
) STRICT;

-- source.derived_from: the Reuters report derives from the documents it reviewed. Loops are
-- kept as given; finding them is the reconciler's job. `position` keeps the order given.
CREATE TABLE source_derivation (
    source       TEXT NOT NULL REFERENCES source (id) DEFERRABLE INITIALLY DEFERRED,
    derived_from TEXT NOT NULL REFERENCES source (id) DEFERRABLE INITIALLY DEFERRED,
    position     INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (source, derived_from)
) STRICT, WITHOUT ROWID;
CREATE INDEX source_derivation_upstream ON source_derivation (derived_from);

-- The matter in question, stated once, neutrally.
CREATE TABLE proposition (
    id        TEXT PRIMARY KEY,
    text      TEXT NOT NULL CHECK (trim(text) <> ''),
    tags      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    logged_by TEXT NOT NULL,
    recorded  TEXT NOT NULL
) STRICT;

-- proposition.expected: the parties from whom a stance on the proposition is expected.
CREATE TABLE proposition_expected (
    proposition TEXT NOT NULL REFERENCES proposition (id) DEFERRABLE INITIALLY DEFERRED,
    party       TEXT NOT NULL REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    position    INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (proposition, party)
) STRICT, WITHOUT ROWID;

-- One party's stance on one proposition in one source, as logged by a fact-checker.
CREATE TABLE claim (
    id          TEXT PRIMARY KEY,
    proposition TEXT NOT NULL REFERENCES proposition (id) DEFERRABLE INITIALLY DEFERRED,
    party       TEXT NOT NULL REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    stance      TEXT NOT NULL CHECK (stance IN ('affirms', 'denies', 'qualifies', 'neutral',
                                                'declined', 'no-response')),
    source      TEXT NOT NULL REFERENCES source (id) DEFERRABLE INITIALLY DEFERRED,
    via         TEXT REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,  -- who relayed it
    stated      TEXT,                                              -- when the party said it
    quote       TEXT,                                              -- verbatim
    note        TEXT,
    confidence  REAL CHECK (confidence BETWEEN 0 AND 1),
    grade       INTEGER CHECK (grade BETWEEN 1 AND 6),             -- Admiralty credibility
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL
) STRICT;
CREATE INDEX claim_by_proposition ON claim (proposition, party);
CREATE INDEX claim_by_party ON claim (party);
CREATE INDEX claim_by_source ON claim (source);

-- A typed relation between two claims: contradicts, supports, cites, supersedes.
CREATE TABLE link (
    from_claim TEXT NOT NULL REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    rel        TEXT NOT NULL CHECK (rel IN ('contradicts', 'supports', 'cites', 'supersedes')),
    to_claim   TEXT NOT NULL REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    logged_by  TEXT NOT NULL,
    recorded   TEXT NOT NULL,
    PRIMARY KEY (from_claim, rel, to_claim)
) STRICT, WITHOUT ROWID;
CREATE INDEX link_to ON link (to_claim);

-- A request for comment: `party` was asked about `proposition` by `by_party`.
CREATE TABLE request (
    id          TEXT PRIMARY KEY,
    party       TEXT NOT NULL REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    proposition TEXT NOT NULL REFERENCES proposition (id) DEFERRABLE INITIALLY DEFERRED,
    by_party    TEXT NOT NULL REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    asked       TEXT,
    deadline    TEXT,
    channel     TEXT,
    note        TEXT,
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL
) STRICT;
CREATE INDEX request_by_proposition ON request (proposition, party);

-- The retraction of a claim or a source. The target row stays; this row marks it.
-- Claims and sources share one id space, so `target` alone names the record.
CREATE TABLE retraction (
    target      TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('claim', 'source')),
    date        TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (trim(reason) <> ''),
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL
) STRICT;

CREATE TRIGGER retraction_target_exists BEFORE INSERT ON retraction
WHEN NOT EXISTS (SELECT 1 FROM claim WHERE id = NEW.target AND NEW.target_kind = 'claim')
 AND NOT EXISTS (SELECT 1 FROM source WHERE id = NEW.target AND NEW.target_kind = 'source')
BEGIN
    SELECT RAISE(ABORT, 'retraction target does not exist');
END;

-- Append-only: history is never rewritten in place.
CREATE TRIGGER party_append_only BEFORE UPDATE ON party
BEGIN SELECT RAISE(ABORT, 'party rows are append-only'); END;
CREATE TRIGGER source_append_only BEFORE UPDATE ON source
BEGIN SELECT RAISE(ABORT, 'source rows are append-only'); END;
CREATE TRIGGER proposition_append_only BEFORE UPDATE ON proposition
BEGIN SELECT RAISE(ABORT, 'proposition rows are append-only'); END;
CREATE TRIGGER claim_append_only BEFORE UPDATE ON claim
BEGIN SELECT RAISE(ABORT, 'claim rows are append-only; log a new claim or a retraction'); END;
CREATE TRIGGER claim_no_delete BEFORE DELETE ON claim
BEGIN SELECT RAISE(ABORT, 'claim rows are append-only; retract the claim instead'); END;
CREATE TRIGGER retraction_append_only BEFORE UPDATE ON retraction
BEGIN SELECT RAISE(ABORT, 'retraction rows are append-only'); END;
CREATE TRIGGER retraction_no_delete BEFORE DELETE ON retraction
BEGIN SELECT RAISE(ABORT, 'retractions cannot be deleted'); END;

-- Every claim with its names resolved, its effective date (stated, else the source's
-- publication date, else the day it was logged) and whether it or its source is retracted.
CREATE VIEW claims_full AS
SELECT c.id,
       c.proposition,
       p.text                                         AS proposition_text,
       c.party,
       pa.name                                        AS party_name,
       pa.anonymous                                   AS party_anonymous,
       c.stance,
       c.source,
       s.title                                        AS source_title,
       c.via,
       v.name                                         AS via_name,
       COALESCE(c.stated, s.published, substr(c.recorded, 1, 10)) AS date,
       c.stated,
       c.quote,
       c.note,
       c.confidence,
       c.grade,
       (SELECT r.date FROM retraction r WHERE r.target = c.id) AS retracted,
       (SELECT r.date FROM retraction r WHERE r.target = c.source) AS source_retracted,
       c.logged_by,
       c.recorded
FROM claim c
JOIN proposition p ON p.id = c.proposition
JOIN party pa ON pa.id = c.party
JOIN source s ON s.id = c.source
LEFT JOIN party v ON v.id = c.via;

-- migration 2: findings, their triage, and the views over them

-- What the reconciler found, one row per finding. The id is derived from what the finding is
-- about (kind, proposition, parties), so a re-run updates the row instead of adding one.
-- Rows hold the last reconcile of the present day (runs with --as-of in the past or
-- --known-at only read them). `evidence` is a digest of the claims and reasons behind the
-- finding: when it changes, a dismissed finding reopens. `state` is the editor's triage.
CREATE TABLE finding (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('conflict', 'reversal', 'silence', 'single-source',
                                              'anonymous-only', 'circular-sourcing', 'retracted-basis')),
    severity    TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
    proposition TEXT REFERENCES proposition (id),
    parties     TEXT NOT NULL CHECK (json_valid(parties) AND json_type(parties) = 'array'),
    claims      TEXT NOT NULL CHECK (json_valid(claims) AND json_type(claims) = 'array'),
    reason      TEXT CHECK (reason IN ('no-response', 'declined', 'awaiting', 'not-asked')),
    detail      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'acknowledged', 'resolved', 'dismissed', 'cleared')),
    note        TEXT,                  -- the note of the last triage
    state_by    TEXT NOT NULL,         -- who set the state: an editor, or 'reconcile'
    first_seen  TEXT NOT NULL,
    updated     TEXT NOT NULL,
    CHECK ((kind = 'silence') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX finding_by_proposition ON finding (proposition, kind);

-- Every change of a finding's state, by an editor (ack, resolve, dismiss, reopen) or by the
-- reconciler (found, reopened on new evidence, cleared): the triage history. Append-only.
CREATE TABLE finding_triage (
    seq      INTEGER PRIMARY KEY,
    finding  TEXT NOT NULL REFERENCES finding (id),
    state    TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved', 'dismissed', 'cleared')),
    note     TEXT,
    by       TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX finding_triage_by_finding ON finding_triage (finding, seq);
CREATE TRIGGER finding_triage_append_only BEFORE UPDATE ON finding_triage
BEGIN SELECT RAISE(ABORT, 'triage history is append-only'); END;
CREATE TRIGGER finding_triage_no_delete BEFORE DELETE ON finding_triage
BEGIN SELECT RAISE(ABORT, 'triage history is append-only'); END;

-- Findings nobody has triaged yet.
CREATE VIEW findings_open AS
SELECT f.id, f.kind, f.severity, f.proposition, p.text AS proposition_text, f.parties, f.claims,
       f.reason, f.detail, f.first_seen
FROM finding f LEFT JOIN proposition p ON p.id = f.proposition
WHERE f.state = 'open';

-- Current conflicts: one party affirms what another denies (or a `contradicts` link).
CREATE VIEW conflicts AS
SELECT f.id, f.proposition, p.text AS proposition_text, f.parties, f.claims, f.detail, f.state
FROM finding f LEFT JOIN proposition p ON p.id = f.proposition
WHERE f.kind = 'conflict' AND f.state <> 'cleared';

-- Current silences: an expected party with no position, and why.
CREATE VIEW silences AS
SELECT f.id, f.proposition, p.text AS proposition_text, json_extract(f.parties, '$[0]') AS party,
       pa.name AS party_name, f.reason, f.detail, f.state
FROM finding f
LEFT JOIN proposition p ON p.id = f.proposition
LEFT JOIN party pa ON pa.id = json_extract(f.parties, '$[0]')
WHERE f.kind = 'silence' AND f.state <> 'cleared';

-- Each party's current position on each proposition: its latest live claim that affirms,
-- denies, qualifies or is neutral (ties on a date: the later logged). Claims superseded by a
-- `supersedes` link do not count.
CREATE VIEW positions AS
SELECT proposition, party, party_name, stance, date, claim, source, via
FROM (
    SELECT c.proposition, c.party, c.party_name, c.stance, c.date, c.id AS claim, c.source, c.via,
           row_number() OVER (PARTITION BY c.proposition, c.party ORDER BY c.date DESC, c.recorded DESC) AS rank
    FROM claims_full c
    WHERE c.stance IN ('affirms', 'denies', 'qualifies', 'neutral')
      AND c.retracted IS NULL
      AND NOT EXISTS (SELECT 1 FROM link l WHERE l.rel = 'supersedes' AND l.to_claim = c.id)
)
WHERE rank = 1;

-- migration 3: the audit log

-- Every write, as an append-only chain of events: adding a record (by a command or an
-- import) or changing a finding's triage. `body` is the canonical JSON of what was written
-- (keys sorted); `hash` is the SHA-256 of the canonical JSON of the event's own fields with
-- `prev`, the hash of the event before it (64 zeros for the first), so editing, deleting or
-- reordering any event breaks the chain from there on. `claimtrack verify` checks the chain
-- and that the tables hold exactly what the log says. Rows that existed before this
-- migration are logged once, as action 'backfill', when it runs.
CREATE TABLE event (
    seq     INTEGER PRIMARY KEY CHECK (seq > 0),
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('add', 'import', 'triage', 'backfill')),
    kind    TEXT NOT NULL CHECK (kind IN ('party', 'source', 'proposition', 'claim', 'link', 'request',
                                          'retraction', 'verdict', 'triage')),
    record  TEXT NOT NULL,
    body    TEXT NOT NULL CHECK (json_valid(body)),
    prev    TEXT NOT NULL CHECK (length(prev) = 64),
    hash    TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX event_by_record ON event (record);
CREATE TRIGGER event_append_only BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- migration 4: verdicts, settings and full-text search

-- An editor's verdict on a proposition, on the organisation's own scale (rating between
-- worst and best, and a label such as "False"). Append-only: the latest verdict on a
-- proposition stands, the earlier ones are its history. Exported as schema.org ClaimReview.
CREATE TABLE verdict (
    id          TEXT PRIMARY KEY,
    proposition TEXT NOT NULL REFERENCES proposition (id) DEFERRABLE INITIALLY DEFERRED,
    rating      REAL NOT NULL,
    best        REAL NOT NULL,
    worst       REAL NOT NULL,
    label       TEXT NOT NULL CHECK (trim(label) <> ''),
    explanation TEXT,
    url         TEXT,
    reviewer    TEXT,                    -- default: logged_by
    published   TEXT,                    -- default: the day it was logged
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL,
    CHECK (best <> worst AND rating BETWEEN min(best, worst) AND max(best, worst))
) STRICT;
CREATE INDEX verdict_by_proposition ON verdict (proposition, recorded);
CREATE TRIGGER verdict_append_only BEFORE UPDATE ON verdict
BEGIN SELECT RAISE(ABORT, 'verdicts are append-only; set a new verdict instead'); END;
CREATE TRIGGER verdict_no_delete BEFORE DELETE ON verdict
BEGIN SELECT RAISE(ABORT, 'verdicts are append-only; set a new verdict instead'); END;

-- The newsroom's settings (org.name, org.url: the author of exported ClaimReviews).
-- Append-only: the latest row for a key is its value.
CREATE TABLE setting (
    seq       INTEGER PRIMARY KEY,
    key       TEXT NOT NULL CHECK (key IN ('org.name', 'org.url')),
    value     TEXT NOT NULL,
    logged_by TEXT NOT NULL,
    recorded  TEXT NOT NULL
) STRICT;
CREATE VIEW settings AS
SELECT key, value, logged_by, recorded FROM setting s
WHERE seq = (SELECT max(seq) FROM setting WHERE key = s.key);

-- Full-text search over quotes and notes, proposition texts, party names and aliases and
-- source titles (`claimtrack search`). Kept in step with the tables by the triggers below;
-- accents and case are folded. `kind` and `record` say where a match is.
CREATE VIRTUAL TABLE search USING fts5 (
    kind UNINDEXED,
    record UNINDEXED,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER claim_search AFTER INSERT ON claim BEGIN
    INSERT INTO search (kind, record, text)
    VALUES ('claim', NEW.id, trim(coalesce(NEW.quote, '') || char(10) || coalesce(NEW.note, '')));
END;
CREATE TRIGGER proposition_search AFTER INSERT ON proposition BEGIN
    INSERT INTO search (kind, record, text) VALUES ('proposition', NEW.id, NEW.text);
END;
CREATE TRIGGER party_search AFTER INSERT ON party BEGIN
    INSERT INTO search (kind, record, text)
    VALUES ('party', NEW.id, NEW.name || coalesce(char(10) || (SELECT group_concat(value, char(10)) FROM json_each(NEW.aliases)), ''));
END;
CREATE TRIGGER source_search AFTER INSERT ON source BEGIN
    INSERT INTO search (kind, record, text) VALUES ('source', NEW.id, NEW.title);
END;
INSERT INTO search (kind, record, text)
SELECT 'claim', id, trim(coalesce(quote, '') || char(10) || coalesce(note, '')) FROM claim;
INSERT INTO search (kind, record, text) SELECT 'proposition', id, text FROM proposition;
INSERT INTO search (kind, record, text)
SELECT 'party', id, name || coalesce(char(10) || (SELECT group_concat(value, char(10)) FROM json_each(aliases)), '')
FROM party;
INSERT INTO search (kind, record, text) SELECT 'source', id, title FROM source;

-- migration 5: full-text indexing in batches

-- Why: inserting into the FTS5 index from a trigger made FTS5 flush its in-memory index at
-- every row's statement savepoint, which doubled the time of a bulk import. The triggers now
-- queue the text in `search_queue`; claimtrack moves the queue into `search` at the end of
-- every write, in the same transaction, so committed writes are always searchable. Rows
-- inserted with plain SQL wait in the queue until the next claimtrack write or search.
DROP TRIGGER claim_search;
DROP TRIGGER proposition_search;
DROP TRIGGER party_search;
DROP TRIGGER source_search;
CREATE TABLE search_queue (
    seq    INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    record TEXT NOT NULL,
    text   TEXT NOT NULL
) STRICT;
CREATE TRIGGER claim_search AFTER INSERT ON claim BEGIN
    INSERT INTO search_queue (kind, record, text)
    VALUES ('claim', NEW.id, trim(coalesce(NEW.quote, '') || char(10) || coalesce(NEW.note, '')));
END;
CREATE TRIGGER proposition_search AFTER INSERT ON proposition BEGIN
    INSERT INTO search_queue (kind, record, text) VALUES ('proposition', NEW.id, NEW.text);
END;
CREATE TRIGGER party_search AFTER INSERT ON party BEGIN
    INSERT INTO search_queue (kind, record, text)
    VALUES ('party', NEW.id, NEW.name || coalesce(char(10) || (SELECT group_concat(value, char(10)) FROM json_each(NEW.aliases)), ''));
END;
CREATE TRIGGER source_search AFTER INSERT ON source BEGIN
    INSERT INTO search_queue (kind, record, text) VALUES ('source', NEW.id, NEW.title);
END;

-- migration 6: what a claim rests on, notes on every record, one stored reading

-- Why: a claim read in an article may rest on other sources than the article's own (a denial
-- quoted in a report does not rest on the documents the report reviewed), so claims get a
-- `basis`; notes and caveats belong to every record, not only claims and requests; a source
-- whose title is not known is left without one rather than given a made-up title; and the
-- reconciler's one reading of each proposition (status, positions) is stored, so that the
-- SQL views say exactly what the reports say.

-- claim.basis: the sources a claim's content comes from, when not simply the one it was read
-- in. `position` keeps the order given.
CREATE TABLE claim_basis (
    claim    TEXT NOT NULL REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    source   TEXT NOT NULL REFERENCES source (id) DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (claim, source)
) STRICT, WITHOUT ROWID;
CREATE INDEX claim_basis_by_source ON claim_basis (source);

ALTER TABLE party ADD COLUMN note TEXT;
ALTER TABLE proposition ADD COLUMN note TEXT;

-- The source table again, with `title` optional and a `note`: SQLite cannot relax a column's
-- constraint in place, so the table is rebuilt (its rows, triggers and the views over it).
DROP VIEW positions;
DROP VIEW claims_full;
DROP TRIGGER retraction_target_exists;
CREATE TABLE source_rebuilt (
    id          TEXT PRIMARY KEY,
    title       TEXT CHECK (title IS NULL OR trim(title) <> ''),
    kind        TEXT NOT NULL CHECK (kind IN ('article', 'document', 'statement', 'transcript',
                                              'social', 'interview', 'dataset', 'other')),
    publisher   TEXT REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED,
    url         TEXT,
    published   TEXT,
    accessed    TEXT,
    reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    sha256      TEXT CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    logged_by   TEXT NOT NULL,
    recorded    TEXT NOT NULL,
    note        TEXT
) STRICT;
INSERT INTO source_rebuilt (id, title, kind, publisher, url, published, accessed, reliability, sha256, logged_by, recorded)
SELECT id, title, kind, publisher, url, published, accessed, reliability, sha256, logged_by, recorded FROM source;
DROP TABLE source;
ALTER TABLE source_rebuilt RENAME TO source;
CREATE TRIGGER source_append_only BEFORE UPDATE ON source
BEGIN SELECT RAISE(ABORT, 'source rows are append-only'); END;
CREATE TRIGGER source_search AFTER INSERT ON source WHEN NEW.title IS NOT NULL BEGIN
    INSERT INTO search_queue (kind, record, text) VALUES ('source', NEW.id, NEW.title);
END;
CREATE TRIGGER retraction_target_exists BEFORE INSERT ON retraction
WHEN NOT EXISTS (SELECT 1 FROM claim WHERE id = NEW.target AND NEW.target_kind = 'claim')
 AND NOT EXISTS (SELECT 1 FROM source WHERE id = NEW.target AND NEW.target_kind = 'source')
BEGIN
    SELECT RAISE(ABORT, 'retraction target does not exist');
END;

-- Every claim with its names resolved, its date (stated, else the source's publication date;
-- NULL for an undated claim) and whether it or its source is retracted.
CREATE VIEW claims_full AS
SELECT c.id,
       c.proposition,
       p.text                                         AS proposition_text,
       c.party,
       pa.name                                        AS party_name,
       pa.anonymous                                   AS party_anonymous,
       c.stance,
       c.source,
       s.title                                        AS source_title,
       c.via,
       v.name                                         AS via_name,
       COALESCE(c.stated, s.published)               AS date,
       c.stated,
       c.quote,
       c.note,
       c.confidence,
       c.grade,
       (SELECT r.date FROM retraction r WHERE r.target = c.id) AS retracted,
       (SELECT r.date FROM retraction r WHERE r.target = c.source) AS source_retracted,
       c.logged_by,
       c.recorded
FROM claim c
JOIN proposition p ON p.id = c.proposition
JOIN party pa ON pa.id = c.party
JOIN source s ON s.id = c.source
LEFT JOIN party v ON v.id = c.via;

-- The structured part of a finding (the propositions it bears on, a silence's requests and
-- related parties, the roots a sourcing finding rests on), as JSON.
ALTER TABLE finding ADD COLUMN facts TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(facts));

-- What the last present-day reconcile read for each proposition: its status and the whole
-- reading as JSON (sides, lines of evidence, claims; docs/FORMAT.md). Derived data, rewritten
-- by every present-day `claimtrack reconcile`.
CREATE TABLE proposition_outcome (
    proposition TEXT PRIMARY KEY REFERENCES proposition (id),
    status      TEXT NOT NULL CHECK (status IN ('contested', 'denied', 'corroborated', 'single-source', 'unanswered')),
    outcome     TEXT NOT NULL CHECK (json_valid(outcome)),
    as_of       TEXT NOT NULL,
    updated     TEXT NOT NULL
) STRICT;

-- Each party's position on each proposition as the last present-day reconcile read it: its
-- standing claim that affirms, denies, qualifies or is neutral (docs/RECONCILER.md).
CREATE TABLE position (
    proposition TEXT NOT NULL REFERENCES proposition (id),
    party       TEXT NOT NULL REFERENCES party (id),
    stance      TEXT NOT NULL CHECK (stance IN ('affirms', 'denies', 'qualifies', 'neutral')),
    claim       TEXT NOT NULL REFERENCES claim (id),
    PRIMARY KEY (proposition, party)
) STRICT, WITHOUT ROWID;

-- Each party's current position on each proposition, with names: the reconciler's reading,
-- the same one every report shows (run `claimtrack reconcile` after logging to refresh it).
CREATE VIEW positions AS
SELECT po.proposition, po.party, pa.name AS party_name, po.stance, c.date, po.claim, c.source, c.via
FROM position po
JOIN party pa ON pa.id = po.party
JOIN claims_full c ON c.id = po.claim;

-- migration 7: search in every language

-- Why: FTS5's unicode61 tokenizer cannot find a word inside Chinese text written without
-- spaces, nor another form of a word (публикация / публикацию, denies / denied). claimtrack
-- now makes the index terms itself (src/search/terms.rs): `words` holds each word folded
-- (case, accents, Arabic and Cyrillic letter variants) and CJK runs as character bigrams;
-- `stems` holds each word's stem and jieba's Chinese words. Exact forms rank above stems.
--
-- The triggers queue only which record changed, on INSERT, UPDATE and DELETE alike: at the end
-- of every write claimtrack reads each queued record's current text, removes its old entry and
-- adds the new, so the index follows corrections made in place. The queue is filled below with
-- every record already stored; claimtrack indexes them right after migrating.
DROP TRIGGER IF EXISTS claim_search;
DROP TRIGGER IF EXISTS proposition_search;
DROP TRIGGER IF EXISTS party_search;
DROP TRIGGER IF EXISTS source_search;
DROP TABLE search_queue;
DROP TABLE search;

-- The index terms, one row per record with searchable text; the rowid is search_record.id.
-- The `ascii` tokenizer only splits at spaces here: the terms are made and folded already.
CREATE VIRTUAL TABLE search USING fts5 (words, stems, tokenize = 'ascii');

-- Which record each row of `search` indexes.
CREATE TABLE search_record (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (kind, record)
) STRICT;

-- Records to (re)index at the end of the write. A record may be queued more than once.
CREATE TABLE search_queue (
    seq    INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    record TEXT NOT NULL
) STRICT;

CREATE TRIGGER claim_search AFTER INSERT ON claim
BEGIN INSERT INTO search_queue (kind, record) VALUES ('claim', NEW.id); END;
CREATE TRIGGER claim_search_update AFTER UPDATE ON claim
BEGIN INSERT INTO search_queue (kind, record) VALUES ('claim', OLD.id), ('claim', NEW.id); END;
CREATE TRIGGER claim_search_delete AFTER DELETE ON claim
BEGIN INSERT INTO search_queue (kind, record) VALUES ('claim', OLD.id); END;
CREATE TRIGGER proposition_search AFTER INSERT ON proposition
BEGIN INSERT INTO search_queue (kind, record) VALUES ('proposition', NEW.id); END;
CREATE TRIGGER proposition_search_update AFTER UPDATE ON proposition
BEGIN INSERT INTO search_queue (kind, record) VALUES ('proposition', OLD.id), ('proposition', NEW.id); END;
CREATE TRIGGER proposition_search_delete AFTER DELETE ON proposition
BEGIN INSERT INTO search_queue (kind, record) VALUES ('proposition', OLD.id); END;
CREATE TRIGGER party_search AFTER INSERT ON party
BEGIN INSERT INTO search_queue (kind, record) VALUES ('party', NEW.id); END;
CREATE TRIGGER party_search_update AFTER UPDATE ON party
BEGIN INSERT INTO search_queue (kind, record) VALUES ('party', OLD.id), ('party', NEW.id); END;
CREATE TRIGGER party_search_delete AFTER DELETE ON party
BEGIN INSERT INTO search_queue (kind, record) VALUES ('party', OLD.id); END;
CREATE TRIGGER source_search AFTER INSERT ON source
BEGIN INSERT INTO search_queue (kind, record) VALUES ('source', NEW.id); END;
CREATE TRIGGER source_search_update AFTER UPDATE ON source
BEGIN INSERT INTO search_queue (kind, record) VALUES ('source', OLD.id), ('source', NEW.id); END;
CREATE TRIGGER source_search_delete AFTER DELETE ON source
BEGIN INSERT INTO search_queue (kind, record) VALUES ('source', OLD.id); END;
CREATE TRIGGER request_search AFTER INSERT ON request
BEGIN INSERT INTO search_queue (kind, record) VALUES ('request', NEW.id); END;
CREATE TRIGGER request_search_update AFTER UPDATE ON request
BEGIN INSERT INTO search_queue (kind, record) VALUES ('request', OLD.id), ('request', NEW.id); END;
CREATE TRIGGER request_search_delete AFTER DELETE ON request
BEGIN INSERT INTO search_queue (kind, record) VALUES ('request', OLD.id); END;

INSERT INTO search_queue (kind, record)
SELECT 'party', id FROM party UNION ALL SELECT 'source', id FROM source
UNION ALL SELECT 'proposition', id FROM proposition UNION ALL SELECT 'claim', id FROM claim
UNION ALL SELECT 'request', id FROM request;

-- migration 8: corrections, and settings in the audit log

-- Why: a logger must be able to fix a record (a typo in a name, a missing alias) without
-- it reading as a retraction; settings must be vouched for like records; `--known-at` must
-- use the moment a record entered this database, not the `recorded` its desk gave it
-- (docs/INTEGRITY.md).

-- The audit log again, with the new kinds of event: `correction` (action `correct`),
-- `setting` (action `set`) and `batch` (one event for many records of a bulk import, its
-- body their count and one hash over their canonical forms). Rows, hashes and order stay.
DROP TRIGGER event_append_only;
DROP TRIGGER event_no_delete;
CREATE TABLE event_rebuilt (
    seq     INTEGER PRIMARY KEY CHECK (seq > 0),
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('add', 'import', 'triage', 'backfill', 'correct', 'set')),
    kind    TEXT NOT NULL CHECK (kind IN ('party', 'source', 'proposition', 'claim', 'link', 'request',
                                          'retraction', 'verdict', 'triage', 'correction', 'setting',
                                          'batch')),
    record  TEXT NOT NULL,
    body    TEXT NOT NULL CHECK (json_valid(body)),
    prev    TEXT NOT NULL CHECK (length(prev) = 64),
    hash    TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
) STRICT;
INSERT INTO event_rebuilt SELECT seq, at, user, action, kind, record, body, prev, hash FROM event;
DROP TABLE event;
ALTER TABLE event_rebuilt RENAME TO event;
CREATE INDEX event_by_record ON event (record);
CREATE INDEX event_by_time ON event (at);
CREATE TRIGGER event_append_only BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A correction of one record by its logger: the fields it set, the list items it added and
-- removed (`change`, as {"set": {...}, "add": {...}, "remove": {...}}), the values they
-- replaced (`before`, field → old value, null for absent) and why. The record's row holds
-- its current version; the corrections, newest last, lead back to the version first logged.
-- `applied` is 0 only inside the write that applies it: the record tables accept an UPDATE
-- only while a correction of that very record waits to be applied.
CREATE TABLE correction (
    seq       INTEGER PRIMARY KEY,
    target    TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('party', 'source', 'proposition', 'claim', 'request', 'verdict')),
    change    TEXT NOT NULL CHECK (json_valid(change) AND json_type(change) = 'object'),
    before    TEXT NOT NULL CHECK (json_valid(before) AND json_type(before) = 'object'),
    reason    TEXT NOT NULL CHECK (trim(reason) <> ''),
    logged_by TEXT NOT NULL,
    recorded  TEXT NOT NULL,
    event     INTEGER NOT NULL UNIQUE REFERENCES event (seq),
    applied   INTEGER NOT NULL DEFAULT 0 CHECK (applied IN (0, 1)),
    UNIQUE (target, kind, recorded, logged_by)
) STRICT;
CREATE INDEX correction_by_target ON correction (target, seq);
CREATE TRIGGER correction_append_only BEFORE UPDATE ON correction
WHEN OLD.applied <> 0 OR NEW.applied <> 1 OR NEW.seq IS NOT OLD.seq OR NEW.target IS NOT OLD.target
  OR NEW.kind IS NOT OLD.kind OR NEW.change IS NOT OLD.change OR NEW.before IS NOT OLD.before
  OR NEW.reason IS NOT OLD.reason OR NEW.logged_by IS NOT OLD.logged_by
  OR NEW.recorded IS NOT OLD.recorded OR NEW.event IS NOT OLD.event
BEGIN SELECT RAISE(ABORT, 'corrections are append-only; correct the record again instead'); END;
CREATE TRIGGER correction_no_delete BEFORE DELETE ON correction
BEGIN SELECT RAISE(ABORT, 'corrections are append-only; correct the record again instead'); END;

-- Each record row names the event that added it (for a bulk import, its batch): `--known-at`
-- reads what had entered this database by then, whatever `recorded` says. Filled from the
-- log for the rows already there (migration 3 logged every one).
DROP TRIGGER party_append_only;
DROP TRIGGER source_append_only;
DROP TRIGGER proposition_append_only;
DROP TRIGGER claim_append_only;
DROP TRIGGER verdict_append_only;
DROP TRIGGER party_search_update;
DROP TRIGGER source_search_update;
DROP TRIGGER proposition_search_update;
DROP TRIGGER claim_search_update;
DROP TRIGGER request_search_update;
ALTER TABLE party ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE source ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE proposition ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE claim ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE link ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE request ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE retraction ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE verdict ADD COLUMN event INTEGER REFERENCES event (seq);
ALTER TABLE setting ADD COLUMN event INTEGER REFERENCES event (seq);
UPDATE party SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'party' AND e.record = party.id);
UPDATE source SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'source' AND e.record = source.id);
UPDATE proposition SET event =
    (SELECT min(seq) FROM event e WHERE e.kind = 'proposition' AND e.record = proposition.id);
UPDATE claim SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'claim' AND e.record = claim.id);
UPDATE link SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'link'
                         AND e.record = link.from_claim || ' ' || link.rel || ' ' || link.to_claim);
UPDATE request SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'request' AND e.record = request.id);
UPDATE retraction SET event =
    (SELECT min(seq) FROM event e WHERE e.kind = 'retraction' AND e.record = retraction.target);
UPDATE verdict SET event = (SELECT min(seq) FROM event e WHERE e.kind = 'verdict' AND e.record = verdict.id);
-- (settings are logged by claimtrack right after this migration, which fills their `event`.)
CREATE INDEX party_by_event ON party (event);
CREATE INDEX source_by_event ON source (event);
CREATE INDEX proposition_by_event ON proposition (event);
CREATE INDEX claim_by_event ON claim (event);
CREATE INDEX link_by_event ON link (event);
CREATE INDEX request_by_event ON request (event);
CREATE INDEX retraction_by_event ON retraction (event);
CREATE INDEX verdict_by_event ON verdict (event);

-- Records change in place only by a correction of that record (see `correction`); their id,
-- who logged them, when and the event that added them never change. No record is deleted.
CREATE TRIGGER party_append_only BEFORE UPDATE ON party
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'party' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'party rows are append-only; fix one with claimtrack correct ID --set FIELD=VALUE --reason WHY'); END;
CREATE TRIGGER source_append_only BEFORE UPDATE ON source
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'source' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'source rows are append-only; fix one with claimtrack correct ID --set FIELD=VALUE --reason WHY'); END;
CREATE TRIGGER proposition_append_only BEFORE UPDATE ON proposition
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'proposition' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'proposition rows are append-only; fix one with claimtrack correct ID --set FIELD=VALUE --reason WHY'); END;
CREATE TRIGGER claim_append_only BEFORE UPDATE ON claim
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'claim' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'claim rows are append-only; fix one with claimtrack correct, or log its retraction with claimtrack retract'); END;
CREATE TRIGGER request_append_only BEFORE UPDATE ON request
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'request' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'request rows are append-only; fix one with claimtrack correct ID --set FIELD=VALUE --reason WHY'); END;
CREATE TRIGGER verdict_append_only BEFORE UPDATE ON verdict
WHEN NEW.id IS NOT OLD.id OR NEW.logged_by IS NOT OLD.logged_by OR NEW.recorded IS NOT OLD.recorded
  OR NEW.event IS NOT OLD.event
  OR NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.id AND kind = 'verdict' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'verdicts are append-only; fix one with claimtrack correct, or set a new verdict'); END;
CREATE TRIGGER link_append_only BEFORE UPDATE ON link
BEGIN SELECT RAISE(ABORT, 'link rows are append-only'); END;
CREATE TRIGGER party_no_delete BEFORE DELETE ON party
BEGIN SELECT RAISE(ABORT, 'party rows are append-only: never deleted; correct the party instead'); END;
CREATE TRIGGER source_no_delete BEFORE DELETE ON source
BEGIN SELECT RAISE(ABORT, 'source rows are append-only: never deleted; correct or retract the source instead'); END;
CREATE TRIGGER proposition_no_delete BEFORE DELETE ON proposition
BEGIN SELECT RAISE(ABORT, 'proposition rows are append-only: never deleted; correct the proposition instead'); END;
CREATE TRIGGER link_no_delete BEFORE DELETE ON link
BEGIN SELECT RAISE(ABORT, 'link rows are append-only: never deleted'); END;
CREATE TRIGGER request_no_delete BEFORE DELETE ON request
BEGIN SELECT RAISE(ABORT, 'request rows are append-only: never deleted; correct the request instead'); END;
CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding
BEGIN SELECT RAISE(ABORT, 'findings are append-only: never deleted; triage them instead (claimtrack findings dismiss ID --note WHY)'); END;

-- The list tables change with their record: only inside a correction of it.
CREATE TRIGGER source_derivation_no_delete BEFORE DELETE ON source_derivation
WHEN NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.source AND kind = 'source' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'source derivations are append-only; they change only with a correction of their source'); END;
CREATE TRIGGER proposition_expected_no_delete BEFORE DELETE ON proposition_expected
WHEN NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.proposition AND kind = 'proposition' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'expected parties are append-only; they change only with a correction of their proposition'); END;
CREATE TRIGGER claim_basis_no_delete BEFORE DELETE ON claim_basis
WHEN NOT EXISTS (SELECT 1 FROM correction WHERE target = OLD.claim AND kind = 'claim' AND applied = 0)
BEGIN SELECT RAISE(ABORT, 'claim bases are append-only; they change only with a correction of their claim'); END;

-- The search index follows corrections (see migration 7).
CREATE TRIGGER claim_search_update AFTER UPDATE ON claim
BEGIN INSERT INTO search_queue (kind, record) VALUES ('claim', OLD.id), ('claim', NEW.id); END;
CREATE TRIGGER proposition_search_update AFTER UPDATE ON proposition
BEGIN INSERT INTO search_queue (kind, record) VALUES ('proposition', OLD.id), ('proposition', NEW.id); END;
CREATE TRIGGER party_search_update AFTER UPDATE ON party
BEGIN INSERT INTO search_queue (kind, record) VALUES ('party', OLD.id), ('party', NEW.id); END;
CREATE TRIGGER source_search_update AFTER UPDATE ON source
BEGIN INSERT INTO search_queue (kind, record) VALUES ('source', OLD.id), ('source', NEW.id); END;
CREATE TRIGGER request_search_update AFTER UPDATE ON request
BEGIN INSERT INTO search_queue (kind, record) VALUES ('request', OLD.id), ('request', NEW.id); END;

-- migration 9: a cheap check of the chain at every open

-- Why: after migration 8 logged the settings already there (claimtrack does that in Rust, as
-- it hashes), settings become append-only like every record.
CREATE TRIGGER setting_append_only BEFORE UPDATE ON setting
BEGIN SELECT RAISE(ABORT, 'settings are append-only; claimtrack config set KEY VALUE adds a new value'); END;
CREATE TRIGGER setting_no_delete BEFORE DELETE ON setting
BEGIN SELECT RAISE(ABORT, 'settings are append-only; claimtrack config set KEY VALUE adds a new value'); END;

-- How many rows each guarded table holds, kept by the triggers below, and the end of the
-- chain with the row total as claimtrack last left them (`chain_head`, written at the end of
-- every claimtrack write). Every command compares the two on opening: a chain cut short or
-- rewritten at its end, or rows added or removed with plain SQL, show at once, and
-- claimtrack refuses to write until `claimtrack verify` has been read (docs/INTEGRITY.md).
CREATE TABLE tally (
    tbl TEXT PRIMARY KEY,
    n   INTEGER NOT NULL CHECK (n >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO tally (tbl, n)
SELECT 'party', count(*) FROM party UNION ALL SELECT 'source', count(*) FROM source
UNION ALL SELECT 'proposition', count(*) FROM proposition UNION ALL SELECT 'claim', count(*) FROM claim
UNION ALL SELECT 'link', count(*) FROM link UNION ALL SELECT 'request', count(*) FROM request
UNION ALL SELECT 'retraction', count(*) FROM retraction UNION ALL SELECT 'verdict', count(*) FROM verdict
UNION ALL SELECT 'setting', count(*) FROM setting UNION ALL SELECT 'correction', count(*) FROM correction
UNION ALL SELECT 'finding', count(*) FROM finding UNION ALL SELECT 'finding_triage', count(*) FROM finding_triage
UNION ALL SELECT 'event', count(*) FROM event;
CREATE TRIGGER party_tally AFTER INSERT ON party BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'party'; END;
CREATE TRIGGER party_untally AFTER DELETE ON party BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'party'; END;
CREATE TRIGGER source_tally AFTER INSERT ON source BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'source'; END;
CREATE TRIGGER source_untally AFTER DELETE ON source BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'source'; END;
CREATE TRIGGER proposition_tally AFTER INSERT ON proposition
BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'proposition'; END;
CREATE TRIGGER proposition_untally AFTER DELETE ON proposition
BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'proposition'; END;
CREATE TRIGGER claim_tally AFTER INSERT ON claim BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'claim'; END;
CREATE TRIGGER claim_untally AFTER DELETE ON claim BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'claim'; END;
CREATE TRIGGER link_tally AFTER INSERT ON link BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'link'; END;
CREATE TRIGGER link_untally AFTER DELETE ON link BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'link'; END;
CREATE TRIGGER request_tally AFTER INSERT ON request BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'request'; END;
CREATE TRIGGER request_untally AFTER DELETE ON request BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'request'; END;
CREATE TRIGGER retraction_tally AFTER INSERT ON retraction
BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'retraction'; END;
CREATE TRIGGER retraction_untally AFTER DELETE ON retraction
BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'retraction'; END;
CREATE TRIGGER verdict_tally AFTER INSERT ON verdict BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'verdict'; END;
CREATE TRIGGER verdict_untally AFTER DELETE ON verdict BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'verdict'; END;
CREATE TRIGGER setting_tally AFTER INSERT ON setting BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'setting'; END;
CREATE TRIGGER setting_untally AFTER DELETE ON setting BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'setting'; END;
CREATE TRIGGER correction_tally AFTER INSERT ON correction
BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'correction'; END;
CREATE TRIGGER correction_untally AFTER DELETE ON correction
BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'correction'; END;
CREATE TRIGGER finding_tally AFTER INSERT ON finding BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'finding'; END;
CREATE TRIGGER finding_untally AFTER DELETE ON finding BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'finding'; END;
CREATE TRIGGER finding_triage_tally AFTER INSERT ON finding_triage
BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'finding_triage'; END;
CREATE TRIGGER finding_triage_untally AFTER DELETE ON finding_triage
BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'finding_triage'; END;
CREATE TRIGGER event_tally AFTER INSERT ON event BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'event'; END;
CREATE TRIGGER event_untally AFTER DELETE ON event BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'event'; END;

CREATE TABLE chain_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL CHECK (seq >= 0),     -- the last event (0: none yet)
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    rows INTEGER NOT NULL CHECK (rows >= 0)     -- sum(tally.n) then
) STRICT;

-- migration 10: incremental reconcile

-- Why: at a million claims, recomputing every proposition at every `claimtrack reconcile`
-- took a minute. Each write now notes what it touched, and `reconcile` recomputes only the
-- propositions those records bear on (docs/RECONCILER.md, "Incremental reconcile").

-- The records written since the last present-day reconcile, as the triggers below saw them:
-- a proposition, a claim, a source or a party. `reconcile` turns each into the propositions
-- it bears on (a source: every claim resting on it or on a source downstream of it; a claim:
-- its proposition and the claims linked to it, following `cites` and `supersedes`; a party:
-- what it said, was asked or is expected to say, and the sources it publishes), recomputes
-- them and empties the queue in the same transaction. Rows here mean the stored readings
-- (`finding`, `proposition_outcome`, `position`) are older than the data.
CREATE TABLE reconcile_queue (
    kind   TEXT NOT NULL CHECK (kind IN ('proposition', 'claim', 'source', 'party')),
    record TEXT NOT NULL,
    PRIMARY KEY (kind, record)
) STRICT, WITHOUT ROWID;

-- The day the last present-day reconcile read the story as of (none yet: the next reconcile
-- reads every proposition). When the day moves on, the propositions with a date that may
-- have come to count since are read again.
CREATE TABLE reconcile_state (
    one   INTEGER PRIMARY KEY CHECK (one = 1),
    as_of TEXT NOT NULL
) STRICT;

-- Which propositions each finding bears on (a linked conflict bears on two), kept by the
-- triggers below: the findings a reconcile of some propositions holds its reading against.
CREATE TABLE finding_about (
    proposition TEXT NOT NULL,
    finding     TEXT NOT NULL,
    PRIMARY KEY (proposition, finding)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO finding_about (proposition, finding)
SELECT proposition, id FROM finding WHERE proposition IS NOT NULL
UNION SELECT j.value, f.id FROM finding f, json_each(f.facts, '$.propositions') j;
CREATE TRIGGER finding_about_insert AFTER INSERT ON finding BEGIN
    INSERT OR IGNORE INTO finding_about (proposition, finding)
    SELECT NEW.proposition, NEW.id WHERE NEW.proposition IS NOT NULL
    UNION SELECT value, NEW.id FROM json_each(NEW.facts, '$.propositions');
END;
CREATE TRIGGER finding_about_update AFTER UPDATE OF proposition, facts ON finding BEGIN
    DELETE FROM finding_about WHERE finding = OLD.id;
    INSERT OR IGNORE INTO finding_about (proposition, finding)
    SELECT NEW.proposition, NEW.id WHERE NEW.proposition IS NOT NULL
    UNION SELECT value, NEW.id FROM json_each(NEW.facts, '$.propositions');
END;

-- How many findings stand, counted from the index after every reconcile.
CREATE INDEX finding_by_state ON finding (state);

-- A party's corrections reach the claims relayed through it.
CREATE INDEX claim_by_via ON claim (via) WHERE via IS NOT NULL;

-- Until a present-day reconcile has stored readings (`reconcile_state` is empty) the next one
-- reads every proposition, so nothing is queued: a first import pays nothing for it.
CREATE TRIGGER claim_reconcile AFTER INSERT ON claim WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('claim', NEW.id); END;
CREATE TRIGGER claim_reconcile_update AFTER UPDATE ON claim WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record)
      VALUES ('proposition', OLD.proposition), ('claim', OLD.id), ('claim', NEW.id); END;
CREATE TRIGGER claim_basis_reconcile AFTER INSERT ON claim_basis WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('claim', NEW.claim); END;
CREATE TRIGGER claim_basis_reconcile_delete AFTER DELETE ON claim_basis WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('claim', OLD.claim); END;
CREATE TRIGGER link_reconcile AFTER INSERT ON link WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record)
      VALUES ('claim', NEW.from_claim), ('claim', NEW.to_claim); END;
CREATE TRIGGER retraction_reconcile AFTER INSERT ON retraction WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES (NEW.target_kind, NEW.target); END;
CREATE TRIGGER source_reconcile AFTER INSERT ON source WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('source', NEW.id); END;
CREATE TRIGGER source_reconcile_update AFTER UPDATE ON source WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('source', OLD.id), ('source', NEW.id); END;
CREATE TRIGGER source_derivation_reconcile AFTER INSERT ON source_derivation WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('source', NEW.source); END;
CREATE TRIGGER source_derivation_reconcile_delete AFTER DELETE ON source_derivation WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('source', OLD.source); END;
CREATE TRIGGER proposition_reconcile AFTER INSERT ON proposition WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('proposition', NEW.id); END;
CREATE TRIGGER proposition_reconcile_update AFTER UPDATE ON proposition WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('proposition', OLD.id), ('proposition', NEW.id); END;
CREATE TRIGGER proposition_expected_reconcile AFTER INSERT ON proposition_expected WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('proposition', NEW.proposition); END;
CREATE TRIGGER proposition_expected_reconcile_delete AFTER DELETE ON proposition_expected WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('proposition', OLD.proposition); END;
CREATE TRIGGER request_reconcile AFTER INSERT ON request WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('proposition', NEW.proposition); END;
CREATE TRIGGER request_reconcile_update AFTER UPDATE ON request WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record)
      VALUES ('proposition', OLD.proposition), ('proposition', NEW.proposition); END;
CREATE TRIGGER party_reconcile_update AFTER UPDATE ON party WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record) VALUES ('party', OLD.id), ('party', NEW.id); END;

-- migration 11: findings listed a page at a time

-- Why: `claimtrack findings --state open --limit 20` on an archive of a million claims must
-- read twenty findings, not sort every open one. This index holds the findings of each state
-- in the order they are listed (most severe first, then proposition, kind and id: the
-- expression is the one `findings` orders by), so a page is a walk of the index.
CREATE INDEX finding_in_order ON finding (state, (CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END), proposition, kind, id);

-- A finding updated by a reconcile replaces its rows here (the trigger `finding_about_update`):
-- found by the finding, not by a scan of every finding's propositions.
CREATE INDEX finding_about_by_finding ON finding_about (finding);

-- migration 12: the claimant a verdict reviews

-- Why: a ClaimReview names the claim's author. The fact-checker knows who made the claim it
-- reviews (`verdict set --claimant PARTY`); without it, the export names the earliest party
-- whose affirming claim still stands, never one that only denied it or withdrew its claim.
ALTER TABLE verdict ADD COLUMN claimant TEXT REFERENCES party (id) DEFERRABLE INITIALLY DEFERRED;

-- migration 13: a replica of a desk

-- Why: a fact-checker's database can be a full local replica of a desk, a PostgreSQL database
-- where a team's records meet (docs/DESK.md, desk.sql). These tables hold what the replica
-- knows of the desk; the records themselves are in the tables above, written by pulls through
-- the same path as an import. A database that was never cloned has no rows here.

-- The desk this database replicates (at most one): its URL, without a password; the role it
-- connects as, who is also the user every write here is logged as; the last desk seq pulled;
-- the last local event a push has considered; when it last synced.
CREATE TABLE desk_replica (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    url       TEXT NOT NULL,
    user      TEXT NOT NULL,
    pulled    INTEGER NOT NULL DEFAULT 0 CHECK (pulled >= 0),
    pushed    INTEGER NOT NULL DEFAULT 0 CHECK (pushed >= 0),
    last_sync TEXT
) STRICT;

-- Each desk entry this replica holds, pulled or pushed by it: its desk seq, kind, id and key
-- (desk.sql), who pushed it and when it arrived. `history` says "pushed by" from here.
CREATE TABLE desk_entry (
    desk_seq  INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    record    TEXT NOT NULL,
    key       TEXT NOT NULL,
    pushed_by TEXT NOT NULL,
    arrived   TEXT NOT NULL,
    UNIQUE (kind, key)
) STRICT;
CREATE INDEX desk_entry_record ON desk_entry (record);

-- The local events each pull wrote (first to last, inclusive): a push never sends them back.
CREATE TABLE desk_pull (
    first_event INTEGER NOT NULL,
    last_event  INTEGER NOT NULL CHECK (last_event >= first_event)
) STRICT;

-- Entries refused for a conflict (the same id, other content), with both versions, until the
-- person resolves them: `claimtrack desk status` lists them.
CREATE TABLE desk_conflict (
    kind      TEXT NOT NULL,
    record    TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('push', 'pull')),
    ours      TEXT NOT NULL,
    theirs    TEXT NOT NULL,
    pushed_by TEXT,
    noted     TEXT NOT NULL,
    -- Found pushing, then again pulling, a conflict is one: the latest finding of it stays.
    PRIMARY KEY (kind, record)
) STRICT;

-- migration 14: the story's own title

-- Why: an editor names the story (`claimtrack config set report.title "..."`) and every
-- report carries that title (issue 29). The key list is a CHECK, which SQLite cannot alter:
-- the table is rebuilt with its rows, its `event` links and its triggers as they were.
DROP VIEW settings;
DROP TRIGGER setting_append_only;
DROP TRIGGER setting_no_delete;
DROP TRIGGER setting_tally;
DROP TRIGGER setting_untally;
CREATE TABLE setting_new (
    seq       INTEGER PRIMARY KEY,
    key       TEXT NOT NULL CHECK (key IN ('org.name', 'org.url', 'report.title')),
    value     TEXT NOT NULL,
    logged_by TEXT NOT NULL,
    recorded  TEXT NOT NULL,
    event     INTEGER REFERENCES event (seq)
) STRICT;
INSERT INTO setting_new (seq, key, value, logged_by, recorded, event)
SELECT seq, key, value, logged_by, recorded, event FROM setting;
DROP TABLE setting;
ALTER TABLE setting_new RENAME TO setting;
CREATE VIEW settings AS
SELECT key, value, logged_by, recorded FROM setting s
WHERE seq = (SELECT max(seq) FROM setting WHERE key = s.key);
CREATE TRIGGER setting_append_only BEFORE UPDATE ON setting
BEGIN SELECT RAISE(ABORT, 'settings are append-only; claimtrack config set KEY VALUE adds a new value'); END;
CREATE TRIGGER setting_no_delete BEFORE DELETE ON setting
BEGIN SELECT RAISE(ABORT, 'settings are append-only; claimtrack config set KEY VALUE adds a new value'); END;
CREATE TRIGGER setting_tally AFTER INSERT ON setting BEGIN UPDATE tally SET n = n + 1 WHERE tbl = 'setting'; END;
CREATE TRIGGER setting_untally AFTER DELETE ON setting BEGIN UPDATE tally SET n = n - 1 WHERE tbl = 'setting'; END;

-- migration 15: propositions merged into another

-- Why: two fact-checkers word one matter two ways, and a denial logged on one never meets the
-- affirmation on the other. `claimtrack proposition merge A --into B` sets A's merged_into
-- to B (a correction of A, so it is in the history, travels in bundles, and `--known-at`
-- before it reads the two apart); `proposition unmerge A` clears it. The reconciler reads A's
-- claims, requests, verdicts and expected parties as B's (docs/RECONCILER.md). A merge or an
-- unmerge makes both propositions stale.
ALTER TABLE proposition ADD COLUMN merged_into TEXT REFERENCES proposition (id) DEFERRABLE INITIALLY DEFERRED
    CHECK (merged_into IS NULL OR merged_into <> id);
CREATE INDEX proposition_by_merged_into ON proposition (merged_into) WHERE merged_into IS NOT NULL;
CREATE TRIGGER proposition_merge_reconcile AFTER UPDATE OF merged_into ON proposition
WHEN EXISTS (SELECT 1 FROM reconcile_state)
BEGIN INSERT OR IGNORE INTO reconcile_queue (kind, record)
      SELECT 'proposition', value FROM json_each(json_array(OLD.merged_into, NEW.merged_into)) WHERE value IS NOT NULL; END;

-- migration 16: one order for findings

-- Why: `reconcile` and `findings` listed findings in two orders (kind in declaration order
-- in one, by name in the other). The one order (`Finding::sort`; `IN_ORDER` in
-- store/findings.rs is the same in SQL, and a test holds this index's expression to it) is:
-- most severe first, then proposition, kind as declared (conflicts first), the parties (as
-- the stored JSON text) and id, so that the silences of one proposition are listed by party,
-- not by the hash their ids are made of. A new finding kind rebuilds this index.
DROP INDEX finding_in_order;
CREATE INDEX finding_in_order ON finding (state, (CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END), proposition, (CASE kind WHEN 'conflict' THEN 0 WHEN 'reversal' THEN 1 WHEN 'silence' THEN 2 WHEN 'single-source' THEN 3 WHEN 'anonymous-only' THEN 4 WHEN 'circular-sourcing' THEN 5 WHEN 'retracted-basis' THEN 6 ELSE 7 END), parties, id);

-- migration 17: triage steps name their event

-- Why: a first reconcile of a large story opens hundreds of thousands of findings; one audit
-- event per first triage step was a fifth of its time. A reconcile with more than a few
-- hundred steps of its own logs them in one batch (docs/INTEGRITY.md, section 2), as
-- `import --bulk` logs records, so a step's event is no longer found by its finding: each
-- row names the event that logged it (its own `triage` event, or the opening event of its
-- batch), and windows and `--known-at` read the steps through that column. The steps logged
-- before name theirs here: the n-th row was logged by the n-th triage event (`verify`
-- holds them to that order).
ALTER TABLE finding_triage ADD COLUMN event INTEGER REFERENCES event (seq);
DROP TRIGGER finding_triage_append_only;
WITH rows AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM finding_triage),
     logged AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM event WHERE kind = 'triage')
UPDATE finding_triage SET event = m.event
FROM (SELECT rows.seq AS row, logged.seq AS event FROM rows JOIN logged ON logged.n = rows.n) AS m
WHERE m.row = finding_triage.seq;
CREATE TRIGGER finding_triage_append_only BEFORE UPDATE ON finding_triage
BEGIN SELECT RAISE(ABORT, 'triage history is append-only'); END;
CREATE INDEX finding_triage_by_event ON finding_triage (event);

-- migration 18: a replica's desk role

-- Why: a write the replica's desk role may not push (a logger's triage step, verdict, setting
-- or retraction; anything of a viewer's) was accepted here and then refused at every push, and
-- since a push is all or nothing it blocked every later push of the replica. The replica notes
-- the role it has on the desk, at clone and at every sync, and refuses such a write before it
-- is written (docs/DESK.md, section 3). NULL: not known yet (a replica cloned before this
-- migration), until its next sync.
ALTER TABLE desk_replica ADD COLUMN role TEXT CHECK (role IN ('viewer', 'logger', 'editor'));

-- migration 19: a finding written at less cost

-- Why: a first reconcile of a million claims writes 340,000 findings, and each row's triggers
-- and indexes were a fifth of its time. `finding_about`'s triggers built a temporary table per
-- row to drop duplicate pairs (UNION), which INSERT OR IGNORE drops already; `finding_by_state`
-- repeated the first column of `finding_in_order`, which serves any lookup by state. Its place
-- goes to `finding_by_kind`: every `reconcile` counts the standing findings by kind, and at a
-- million claims that count read and sorted the whole table (0.2 s of a reconcile after one
-- claim); over this index it reads the index alone, already in kind order.
DROP INDEX finding_by_state;
CREATE INDEX finding_by_kind ON finding (kind, state);
DROP TRIGGER finding_about_insert;
DROP TRIGGER finding_about_update;
CREATE TRIGGER finding_about_insert AFTER INSERT ON finding BEGIN
    INSERT OR IGNORE INTO finding_about (proposition, finding)
    SELECT NEW.proposition, NEW.id WHERE NEW.proposition IS NOT NULL
    UNION ALL SELECT value, NEW.id FROM json_each(NEW.facts, '$.propositions');
END;
CREATE TRIGGER finding_about_update AFTER UPDATE OF proposition, facts ON finding BEGIN
    DELETE FROM finding_about WHERE finding = OLD.id;
    INSERT OR IGNORE INTO finding_about (proposition, finding)
    SELECT NEW.proposition, NEW.id WHERE NEW.proposition IS NOT NULL
    UNION ALL SELECT value, NEW.id FROM json_each(NEW.facts, '$.propositions');
END;

-- The desk's schema in PostgreSQL (docs/DESK.md): what `claimtrack desk init URL` creates in an
-- empty database. Embedded in the binary, like schema.sql.
--
-- The file is a list of versions. Each starts with a line "-- desk version N: what" and runs
-- once, in order, in one transaction; desk_meta's 'version' records the last one applied.
-- Never edit, remove or reorder a released version: add a new one below.

-- desk version 1: the desk log, its roles and their rights

-- The three group roles (PostgreSQL roles belong to the server, not one database: every desk
-- on a server shares them). Created only when missing; two inits at once may race, so a
-- duplicate is taken as there.
DO $$
DECLARE name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['claimtrack_viewer', 'claimtrack_logger', 'claimtrack_editor'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END $$;
GRANT claimtrack_viewer TO claimtrack_logger;
GRANT claimtrack_logger TO claimtrack_editor;

CREATE TABLE desk_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- Every entry the desk holds, in desk order: records as first logged, and the desk events
-- (corrections, settings, triage steps). Append-only; the server sets seq, pushed_by,
-- arrived, content_hash, prev and hash (desk_log_arrive below), whatever the client sends.
CREATE TABLE desk_log (
    seq          bigint PRIMARY KEY CHECK (seq > 0),
    kind         text NOT NULL CHECK (kind IN ('party', 'source', 'proposition', 'claim', 'link', 'request',
                                               'retraction', 'verdict', 'correction', 'setting', 'triage')),
    -- The record's id (a link's "FROM REL TO"); a correction's target; a setting's key; a
    -- triaged finding's id.
    id           text NOT NULL,
    -- What makes two entries the same: the id for a record; id, author and moment for an event.
    key          text NOT NULL,
    -- The entry as the interchange carries it, as canonical JSON (keys sorted, no spaces).
    content      text NOT NULL,
    content_hash text NOT NULL,
    pushed_by    text NOT NULL,
    -- When it arrived: UTC, microseconds, fixed width ('2025-09-25T14:30:00.123456Z').
    arrived      text NOT NULL,
    prev         text NOT NULL,
    hash         text NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX desk_log_id ON desk_log (id);

-- Numbers and chains each entry as it arrives. The advisory lock (one per database, held to
-- the end of the transaction) queues concurrent pushes, so a push's entries are consecutive
-- and the chain has one tail. The hash is audit.rs's: SHA-256 over the canonical JSON of
-- {action, at, body, kind, prev, record, seq, user}; content is canonical already, and
-- to_json quotes strings as serde_json does.
CREATE FUNCTION desk_log_arrive() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq  bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7413370001);
  SELECT seq, hash INTO last_seq, last_hash FROM desk_log ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev := coalesce(last_hash, repeat('0', 64));
  NEW.pushed_by := session_user;
  NEW.arrived := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
  NEW.content_hash := encode(sha256(convert_to(NEW.content, 'UTF8')), 'hex');
  NEW.hash := encode(sha256(convert_to(
      '{"action":"push","at":' || to_json(NEW.arrived)::text
      || ',"body":' || NEW.content
      || ',"kind":' || to_json(NEW.kind)::text
      || ',"prev":' || to_json(NEW.prev)::text
      || ',"record":' || to_json(NEW.id)::text
      || ',"seq":' || NEW.seq
      || ',"user":' || to_json(NEW.pushed_by)::text || '}', 'UTF8')), 'hex');
  RETURN NEW;
END $$;
CREATE TRIGGER desk_log_arrive BEFORE INSERT ON desk_log FOR EACH ROW EXECUTE FUNCTION desk_log_arrive();

-- The second wall: no group is granted UPDATE, DELETE or TRUNCATE, and this refuses them to
-- everyone, the table's owner too.
CREATE FUNCTION desk_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the desk log is append-only: % is refused (corrections and retractions are new entries)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER desk_log_no_change BEFORE UPDATE OR DELETE ON desk_log FOR EACH ROW EXECUTE FUNCTION desk_log_refuse();
CREATE TRIGGER desk_log_no_truncate BEFORE TRUNCATE ON desk_log FOR EACH STATEMENT EXECUTE FUNCTION desk_log_refuse();

-- The log split for readers with psql.
CREATE VIEW desk_record AS
SELECT * FROM desk_log WHERE kind IN ('party', 'source', 'proposition', 'claim', 'link', 'request', 'retraction', 'verdict');
CREATE VIEW desk_event AS
SELECT * FROM desk_log WHERE kind IN ('correction', 'setting', 'triage');

-- Rights go to the groups only.
REVOKE ALL ON desk_log, desk_meta, desk_record, desk_event FROM PUBLIC;
GRANT SELECT ON desk_log, desk_meta, desk_record, desk_event TO claimtrack_viewer;
GRANT INSERT (kind, id, key, content) ON desk_log TO claimtrack_logger;

-- Which kinds a role may push. A logger: records, and corrections of records it pushed
-- itself; an editor: everything (triage steps, verdicts, settings, retractions, any
-- correction). Policies add up; the table's owner is not bound by them.
ALTER TABLE desk_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY desk_read ON desk_log FOR SELECT TO claimtrack_viewer USING (true);
CREATE POLICY desk_log_records ON desk_log FOR INSERT TO claimtrack_logger WITH CHECK (
    kind IN ('party', 'source', 'proposition', 'claim', 'link', 'request')
    OR (kind = 'correction' AND EXISTS (
        SELECT 1 FROM desk_log r
        WHERE r.id = desk_log.id AND r.kind IN ('party', 'source', 'proposition', 'claim', 'request', 'verdict')
          AND r.pushed_by = session_user)));
CREATE POLICY desk_edit ON desk_log FOR INSERT TO claimtrack_editor WITH CHECK (true);

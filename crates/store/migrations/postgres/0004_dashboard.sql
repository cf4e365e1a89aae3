-- miragepot store, version 4 (PostgreSQL): the analyst dashboard. Keep in step with
-- ../sqlite/0004_dashboard.sql (same tables, columns and indexes). PostgreSQL adds a "C"
-- collation on ip_key (hex keys compare bytewise, so a CIDR is a string range) and
-- miragepot_json_text, a JSON field reader that yields NULL for a row that is not JSON
-- (SQLite has json_valid/json_extract built in).

-- Per-session columns derived by the writer from detection events.
ALTER TABLE sessions ADD COLUMN risk_score BIGINT NULL;              -- session_summary, 0-100
ALTER TABLE sessions ADD COLUMN risk_band TEXT NULL;                 -- low | medium | high | critical
ALTER TABLE sessions ADD COLUMN stage TEXT NULL;                     -- furthest ATT&CK stage
ALTER TABLE sessions ADD COLUMN techniques TEXT NOT NULL DEFAULT ''; -- ',T1105,T1059.004,'
ALTER TABLE sessions ADD COLUMN downloads BIGINT NOT NULL DEFAULT 0; -- download events
ALTER TABLE sessions ADD COLUMN tokens BIGINT NOT NULL DEFAULT 0;    -- honeytoken_touched events
ALTER TABLE sessions ADD COLUMN command_hash TEXT NULL;              -- campaign key
ALTER TABLE sessions ADD COLUMN ip_key TEXT COLLATE "C" NULL;        -- 32 hex digits (IPv6 form)

-- The dashboard's default order: riskiest first (unscored last), then newest.
CREATE INDEX sessions_risk ON sessions ((risk_score IS NULL), risk_score DESC, started_us DESC, session DESC);
CREATE INDEX sessions_ip_key ON sessions (ip_key);
CREATE INDEX sessions_username ON sessions (username);
CREATE INDEX sessions_hassh ON sessions (hassh);
CREATE INDEX sessions_command_hash ON sessions (command_hash);
CREATE INDEX sessions_sensor ON sessions (sensor, started_us);

-- Analysts' labels on sessions.
CREATE TABLE session_tags (
    session    TEXT   NOT NULL,
    tag        TEXT   NOT NULL,
    created_us BIGINT NOT NULL,                 -- unix microseconds
    PRIMARY KEY (session, tag)
);
CREATE INDEX session_tags_tag ON session_tags (tag);

-- Dashboard analysts.
CREATE TABLE users (
    username      TEXT   NOT NULL PRIMARY KEY,
    password_hash TEXT   NOT NULL,              -- PHC string (argon2id), made by the web crate
    created_us    BIGINT NOT NULL
);

-- Pre-aggregated counts per hour (hour = ts_us / 3600000000) for the top-N panels.
CREATE TABLE tallies (
    kind   TEXT   NOT NULL,                     -- username | password | pair | command | ...
    hour   BIGINT NOT NULL,
    value  TEXT   NOT NULL,
    value2 TEXT   NOT NULL DEFAULT '',          -- pair: the password; technique: its name
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, hour, value, value2)
);

-- One-time jobs the store runs in Rust after migrating; a row is deleted when its job is
-- done. `dashboard_backfill` derives the columns and tallies above from existing events.
CREATE TABLE store_jobs (
    name TEXT NOT NULL PRIMARY KEY
);
INSERT INTO store_jobs (name) VALUES ('dashboard_backfill');

-- The text of field `key` of the JSON object `doc`; NULL when `doc` is not JSON (a
-- hand-edited row) or the text cannot be a PostgreSQL string (\u0000).
CREATE FUNCTION miragepot_json_text(doc TEXT, key TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN doc::json ->> key;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- miragepot store, version 1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql:
-- the store runs the same SQL on both backends, so names and column kinds must match.

-- Append-only event log. `data` is the whole event as JSON (the source of truth);
-- the other columns are copies for filtering and ordering.
CREATE TABLE events (
    id        TEXT    NOT NULL PRIMARY KEY,
    ts        TEXT    NOT NULL,          -- RFC 3339
    ts_us     BIGINT  NOT NULL,          -- unix microseconds, for ordering
    sensor    TEXT    NOT NULL,
    session   TEXT    NOT NULL,
    src_ip    TEXT    NOT NULL,
    src_port  INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    caused_by TEXT    NULL,
    data      TEXT    NOT NULL
);
CREATE INDEX events_session_ts ON events (session, ts_us);
CREATE INDEX events_type_ts ON events (type, ts_us);
CREATE INDEX events_src_ip_ts ON events (src_ip, ts_us);

-- One summary row per session, derived from its events by the writer.
CREATE TABLE sessions (
    session        TEXT    NOT NULL PRIMARY KEY,
    sensor         TEXT    NOT NULL,
    src_ip         TEXT    NOT NULL,
    src_port       INTEGER NOT NULL,
    protocol       TEXT    NULL,         -- set once session_start is stored
    started_at     TEXT    NOT NULL,     -- RFC 3339; earliest event until session_start
    started_us     BIGINT  NOT NULL,
    ended_at       TEXT    NULL,
    ended_us       BIGINT  NULL,
    end_reason     TEXT    NULL,
    username       TEXT    NULL,         -- of the first successful login
    password       TEXT    NULL,
    login_success  INTEGER NOT NULL DEFAULT 0,
    client_version TEXT    NULL,
    hassh          TEXT    NULL,
    commands       BIGINT  NOT NULL DEFAULT 0,
    auth_attempts  BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX sessions_started ON sessions (started_us);

-- miragepot store, version 2: the blocklist. Same SQL on SQLite and PostgreSQL.
-- One row per blocked address; the access policy loads it at start and re-reads it
-- while serving, so `miragepot block`/`unblock` reach a running sensor.
CREATE TABLE blocks (
    ip         TEXT    NOT NULL PRIMARY KEY,  -- canonical text form (IPv4 or IPv6)
    source     TEXT    NOT NULL,              -- strikes | profile | operator
    reason     TEXT    NOT NULL,
    created_us BIGINT  NOT NULL,              -- unix microseconds
    expires_us BIGINT  NULL                   -- NULL: until unblocked
);
CREATE INDEX blocks_expires ON blocks (expires_us);

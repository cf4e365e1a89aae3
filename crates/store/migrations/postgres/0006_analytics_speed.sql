-- miragepot store, version 6 (PostgreSQL). Keep in step with ../sqlite/0006_analytics_speed.sql.
-- All-time totals of the hourly tallies, so a top-N over all time reads a few index entries
-- instead of summing every hour, and a top-N over a long window can start from the
-- all-time leaders (Store::top). The writer adds to both tables in the same transaction.
CREATE TABLE tally_totals (
    kind   TEXT   NOT NULL,
    value  TEXT   NOT NULL,
    value2 TEXT   NOT NULL DEFAULT '',
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, value, value2)
);
-- The leaders of a kind, in the order Store::top returns them.
CREATE INDEX tally_totals_top ON tally_totals (kind, n DESC, value, value2);
-- One value's hours, for its count in a window.
CREATE INDEX tallies_value ON tallies (kind, value, value2, hour);
INSERT INTO tally_totals (kind, value, value2, n)
    SELECT kind, value, value2, SUM(n) FROM tallies GROUP BY kind, value, value2;

-- Sessions-list filters on the stage and the risk band answer from an index instead of
-- walking the risk order (given SQLite's statistics: Store::optimize, each housekeeping round).
CREATE INDEX sessions_stage ON sessions (stage);
CREATE INDEX sessions_risk_band ON sessions (risk_band);
-- The overview's and the funnel's window counts read this index alone, not the wide rows.
CREATE INDEX sessions_window ON sessions (started_us, src_ip, login_success, auth_attempts,
    commands, downloads, tokens, stage, command_hash);
-- Campaigns group command hashes with their addresses, times and a sample from the index.
DROP INDEX sessions_command_hash;
CREATE INDEX sessions_command_hash ON sessions (command_hash, src_ip, started_us, session);

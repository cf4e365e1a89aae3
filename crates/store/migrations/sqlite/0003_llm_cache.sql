-- miragepot store, version 3: the LLM response cache. Same SQL on SQLite and PostgreSQL.
-- One row per cached answer, keyed by the SHA-256 (lowercase hex) of the key material the
-- caller builds (persona, kind, request, cwd, ...). The sensor warms its in-memory cache
-- from here at start and flushes hit counts back in batches; `miragepot llm cache` lists,
-- shows and deletes rows.
CREATE TABLE llm_cache (
    key          TEXT    NOT NULL PRIMARY KEY,  -- sha256 hex of the key material
    persona      TEXT    NOT NULL,
    kind         TEXT    NOT NULL,              -- command | file
    request      TEXT    NOT NULL,              -- normalised command line or file path
    cwd          TEXT    NOT NULL,
    answer       TEXT    NOT NULL,
    backend      TEXT    NOT NULL,              -- the LLM backend that answered
    model        TEXT    NOT NULL,
    created_us   BIGINT  NOT NULL,              -- unix microseconds
    last_used_us BIGINT  NOT NULL,              -- unix microseconds
    hits         BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX llm_cache_persona_used ON llm_cache (persona, last_used_us);

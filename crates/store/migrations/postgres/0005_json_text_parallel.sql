-- miragepot store, version 5 (PostgreSQL). Keep in step with ../sqlite/0005_json_text_parallel.sql.
-- miragepot_json_text (0004) catches JSON errors in an EXCEPTION block, which needs a
-- subtransaction, which PostgreSQL refuses during a parallel query (in the workers AND in
-- the leader): once the events table was big enough for a parallel scan, a command search
-- failed with "cannot start subtransactions during a parallel operation". A query that
-- calls the function now never gets a parallel plan.
ALTER FUNCTION miragepot_json_text(TEXT, TEXT) PARALLEL UNSAFE;

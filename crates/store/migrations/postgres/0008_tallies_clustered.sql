-- miragepot store, version 8 (PostgreSQL). Keep in step with ../sqlite/0008_tallies_clustered.sql.
-- SQLite's tallies became a WITHOUT ROWID table, stored in primary-key order. PostgreSQL
-- keeps its heap table: its planner already reads a window's rows through the primary
-- key with a bitmap scan. Nothing changes here; the version keeps both backends in step.
SELECT 1;

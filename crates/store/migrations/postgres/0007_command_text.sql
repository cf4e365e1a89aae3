-- miragepot store, version 7 (PostgreSQL). Keep in step with ../sqlite/0007_command_text.sql.
-- The session's command lines, each after a newline, cut at 16,384 characters
-- (write::COMMAND_TEXT_MAX): the sessions list's command search reads this column instead
-- of every command_input event's JSON. Sessions with more are searched in their events too.
ALTER TABLE sessions ADD COLUMN command_text TEXT NOT NULL DEFAULT '';
UPDATE sessions s SET command_text = SUBSTR(c.lines, 1, 16384)
FROM (
    SELECT session, string_agg(chr(10) || miragepot_json_text(data, 'input'), '') AS lines
    FROM events WHERE type = 'command_input' GROUP BY session
) c
WHERE c.session = s.session AND c.lines IS NOT NULL;

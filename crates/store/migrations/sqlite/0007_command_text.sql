-- miragepot store, version 7 (SQLite). Keep in step with ../postgres/0007_command_text.sql.
-- The session's command lines, each after a newline, cut at 16,384 characters
-- (write::COMMAND_TEXT_MAX): the sessions list's command search reads this column instead
-- of every command_input event's JSON. Sessions with more are searched in their events too.
ALTER TABLE sessions ADD COLUMN command_text TEXT NOT NULL DEFAULT '';
UPDATE sessions SET command_text = COALESCE((
    SELECT SUBSTR(group_concat(char(10) || json_extract(e.data, '$.input'), ''), 1, 16384)
    FROM events e
    WHERE e.session = sessions.session AND e.type = 'command_input' AND json_valid(e.data)
), '')
WHERE commands > 0;

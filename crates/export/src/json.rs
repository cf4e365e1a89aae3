//! Our own lossless session format: `miragepot-session`, version 1.
//!
//! ```json
//! {"format":"miragepot-session","version":1,"session":"0193…","tags":["miner"],
//!  "events":[{"id":"0193…","ts":"…","type":"session_start",…},…]}
//! ```
//!
//! Design choice: each event is serialised exactly as serde does it everywhere else
//! (`docs/events.md`), never reshaped, so an export reads back into identical
//! [`miragepot_event::Event`]s and a reader needs only the event catalogue. The envelope
//! carries a `format` name and a `version` so a later importer can refuse what it does not
//! know. A list of sessions is JSON lines, one session object per line (serde_json escapes
//! every control character, so attacker newlines never split a line).
//!
//! Known limit: serialising an [`Event`] to a JSON value cannot fail
//! for the types in the catalogue (no non-string map keys, no fallible `Serialize`). Should a
//! future type make it fail, that one event is exported as
//! `{"id","ts","type","export_error"}` instead of aborting the whole export.

use miragepot_event::Event;
use serde_json::{Map, Value};

use crate::SessionExport;
use crate::timefmt;

/// The `format` name of a session export.
pub const FORMAT: &str = "miragepot-session";

/// The `version` of the session export format this module writes.
pub const VERSION: u64 = 1;

/// One session as a `miragepot-session` object.
pub fn session(export: &SessionExport<'_>) -> Value {
    let mut map = Map::new();
    map.insert("format".into(), Value::from(FORMAT));
    map.insert("version".into(), Value::from(VERSION));
    map.insert("session".into(), Value::from(export.session.to_string()));
    map.insert(
        "tags".into(),
        Value::Array(
            export
                .tags
                .iter()
                .map(|t| Value::from(t.as_str()))
                .collect(),
        ),
    );
    map.insert(
        "events".into(),
        Value::Array(export.events.iter().map(event).collect()),
    );
    Value::Object(map)
}

/// Sessions as JSON lines: one [`session`] object per line, each line ending in `\n`.
pub fn sessions<'s, 'e: 's, I>(exports: I) -> String
where
    I: IntoIterator<Item = &'s SessionExport<'e>>,
{
    let mut out = String::new();
    for export in exports {
        out.push_str(&session(export).to_string());
        out.push('\n');
    }
    out
}

/// One event as serde serialises it (see the module doc for the fallback).
pub fn event(event: &Event) -> Value {
    match serde_json::to_value(event) {
        Ok(value) => value,
        Err(err) => {
            let mut map = Map::new();
            map.insert("id".into(), Value::from(event.id.to_string()));
            map.insert("ts".into(), Value::from(timefmt::iso_micros(event.ts)));
            map.insert("type".into(), Value::from(event.type_name()));
            map.insert("export_error".into(), Value::from(err.to_string()));
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use miragepot_event::{SessionContext, SessionId, samples};
    use time::OffsetDateTime;

    use super::*;

    #[test]
    fn session_object_round_trips_its_events() {
        let ctx = SessionContext {
            sensor: "s1".into(),
            session: SessionId::new_at(OffsetDateTime::UNIX_EPOCH),
            src_ip: "192.0.2.7".parse().unwrap(),
            src_port: 40000,
        };
        let events: Vec<Event> = samples::every_kind()
            .into_iter()
            .map(|k| ctx.event(OffsetDateTime::UNIX_EPOCH, k))
            .collect();
        let tags = vec!["a,b".to_string()];
        let export = SessionExport::new(ctx.session, &events, &tags);
        let value = session(&export);
        assert_eq!(value["format"], FORMAT);
        assert_eq!(value["version"], VERSION);
        assert_eq!(value["session"], ctx.session.to_string());
        let back: Vec<Event> = serde_json::from_value(value["events"].clone()).unwrap();
        assert_eq!(back, events);
        let lines = sessions([&export, &export]);
        assert_eq!(lines.lines().count(), 2);
    }
}

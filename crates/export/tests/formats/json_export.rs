//! The `miragepot-session` JSON export round-trips into identical events.

use miragepot_event::Event;
use miragepot_export::{SessionExport, json};
use serde_json::Value;

use crate::fixtures::*;

#[test]
fn json_export_round_trips_into_identical_events() {
    let tags = tags();
    let sessions = both();
    let exports: Vec<SessionExport<'_>> = sessions
        .iter()
        .map(|(c, e)| SessionExport::new(c.session, e, &tags))
        .collect();
    for export in &exports {
        let v = json::session(export);
        assert_eq!(v["format"], "miragepot-session");
        assert_eq!(v["version"], 1);
        assert_eq!(v["session"], export.session.to_string());
        assert_eq!(v["tags"], serde_json::json!(tags));
        let back: Vec<Event> = serde_json::from_value(v["events"].clone()).unwrap();
        assert_eq!(back, export.events);
    }
    let lines = json::sessions(&exports);
    assert!(lines.ends_with('\n'));
    let parsed: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), exports.len());
    for (v, export) in parsed.iter().zip(&exports) {
        let back: Vec<Event> = serde_json::from_value(v["events"].clone()).unwrap();
        assert_eq!(back, export.events);
    }
}

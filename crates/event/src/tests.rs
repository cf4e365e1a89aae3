//! Tests of the event catalogue: round trips, tags, and the docs/events.md check.
use super::*;

fn ctx() -> SessionContext {
    SessionContext {
        sensor: "s1".into(),
        session: SessionId::new_at(OffsetDateTime::UNIX_EPOCH),
        src_ip: "192.0.2.7".parse().unwrap(),
        src_port: 40000,
    }
}

#[test]
fn every_kind_round_trips_and_has_its_listed_tag() {
    let samples = crate::samples::every_kind();
    assert_eq!(samples.len(), EventKind::TYPE_NAMES.len());
    for (kind, name) in samples.into_iter().zip(EventKind::TYPE_NAMES) {
        assert_eq!(kind.type_name(), *name);
        let ev = ctx().event(OffsetDateTime::UNIX_EPOCH, kind);
        let json = serde_json::to_value(&ev).unwrap();
        assert_eq!(json["type"], *name);
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, ev);
    }
}

#[test]
fn catalogue_documents_every_kind() {
    let doc = include_str!("../../../docs/events.md");
    for name in EventKind::TYPE_NAMES {
        assert!(
            doc.contains(&format!("### `{name}`")),
            "docs/events.md lacks `### `{name}``"
        );
    }
}

#[test]
fn ids_are_time_ordered() {
    let a = EventId::new_at(OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1));
    let b = EventId::new_at(OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(2));
    assert!(a < b);
}

//! ATT&CK stages (tactics) in kill-chain order, as the store ranks them: the furthest stage
//! of a session (`sessions.stage`) and the funnel's "persisted" step compare by this order.
//!
//! The list copies `miragepot_detect::stage::Tactic::ALL` (by name): the store depends on
//! the event crate only, so it cannot name the detector. A test in `tests/dashboard.rs`
//! fails when the two drift apart. A name not in the list (a newer detector, a hand-edited
//! row) ranks below every known stage.

/// Every stage name (`sessions.stage`, `attack_stage.furthest`) in kill-chain order.
pub const STAGES: [&str; 14] = [
    "reconnaissance",
    "resource_development",
    "credential_access",
    "initial_access",
    "execution",
    "persistence",
    "privilege_escalation",
    "defense_evasion",
    "discovery",
    "command_and_control",
    "lateral_movement",
    "collection",
    "exfiltration",
    "impact",
];

/// The stage a session has "persisted" from, for [`crate::Funnel::persisted`].
pub(crate) const PERSISTENCE: &str = "persistence";

/// The position of `stage` in [`STAGES`] plus one; 0 for an unknown name.
pub(crate) fn rank(stage: &str) -> usize {
    STAGES
        .iter()
        .position(|s| *s == stage)
        .map_or(0, |i| i.saturating_add(1))
}

/// The stages at or past `from` in kill-chain order (empty if `from` is unknown).
pub(crate) fn at_or_after(from: &str) -> impl Iterator<Item = &'static str> {
    let first = rank(from);
    STAGES
        .iter()
        .copied()
        .skip(first.saturating_sub(1))
        .filter(move |_| first > 0)
}

/// The further of two stages; on a tie (or two unknown names) the `later` one.
pub(crate) fn further(earlier: Option<String>, later: Option<String>) -> Option<String> {
    match (earlier, later) {
        (Some(a), Some(b)) => Some(if rank(&a) > rank(&b) { a } else { b }),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_kill_chain() {
        assert_eq!(rank("reconnaissance"), 1);
        assert_eq!(rank("impact"), 14);
        assert_eq!(rank("nope"), 0);
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(further(s("impact"), s("discovery")), s("impact"));
        assert_eq!(further(s("discovery"), s("impact")), s("impact"));
        assert_eq!(further(s("nope"), s("execution")), s("execution"));
        assert_eq!(further(s("execution"), None), s("execution"));
        assert_eq!(further(None, None), None);
        let after: Vec<_> = at_or_after(PERSISTENCE).collect();
        assert_eq!(after.first(), Some(&"persistence"));
        assert_eq!(after.len(), 9);
        assert_eq!(at_or_after("nope").count(), 0);
    }
}

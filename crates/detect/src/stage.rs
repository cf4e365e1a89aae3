//! The attack-stage model: ATT&CK tactics in kill-chain order, and one session's progress.
//!
//! Stages are ATT&CK tactics, stored by their ids, never home-grown names: on-host
//! enumeration (`uname`, `whoami`) is Discovery (TA0007), not Reconnaissance (TA0043), which
//! is pre-compromise. The order follows the issue (recon → credential access → execution →
//! persistence → privilege escalation → defense evasion → discovery → lateral movement →
//! collection → exfiltration → impact), with initial access, resource development and command
//! and control placed where ATT&CK puts them.

/// An ATT&CK tactic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tactic {
    /// TA0043: scanning before any login.
    Reconnaissance,
    /// TA0042: enrolling the host in a botnet.
    ResourceDevelopment,
    /// TA0006: password guessing.
    CredentialAccess,
    /// TA0001: a valid account got in.
    InitialAccess,
    /// TA0002: commands run.
    Execution,
    /// TA0003: keys, cron, users, services.
    Persistence,
    /// TA0004: sudo, SUID.
    PrivilegeEscalation,
    /// TA0005: history wiping, hiding, firewall changes.
    DefenseEvasion,
    /// TA0007: on-host enumeration.
    Discovery,
    /// TA0011: tool transfer, proxies.
    CommandAndControl,
    /// TA0008: SSH onwards.
    LateralMovement,
    /// TA0009: archiving data.
    Collection,
    /// TA0010: sending data off.
    Exfiltration,
    /// TA0040: mining, destruction, locking out.
    Impact,
}

impl Tactic {
    /// Every tactic in kill-chain order.
    pub const ALL: [Tactic; 14] = [
        Tactic::Reconnaissance,
        Tactic::ResourceDevelopment,
        Tactic::CredentialAccess,
        Tactic::InitialAccess,
        Tactic::Execution,
        Tactic::Persistence,
        Tactic::PrivilegeEscalation,
        Tactic::DefenseEvasion,
        Tactic::Discovery,
        Tactic::CommandAndControl,
        Tactic::LateralMovement,
        Tactic::Collection,
        Tactic::Exfiltration,
        Tactic::Impact,
    ];

    /// The ATT&CK id (`TA0007`).
    pub fn id(self) -> &'static str {
        match self {
            Tactic::Reconnaissance => "TA0043",
            Tactic::ResourceDevelopment => "TA0042",
            Tactic::CredentialAccess => "TA0006",
            Tactic::InitialAccess => "TA0001",
            Tactic::Execution => "TA0002",
            Tactic::Persistence => "TA0003",
            Tactic::PrivilegeEscalation => "TA0004",
            Tactic::DefenseEvasion => "TA0005",
            Tactic::Discovery => "TA0007",
            Tactic::CommandAndControl => "TA0011",
            Tactic::LateralMovement => "TA0008",
            Tactic::Collection => "TA0009",
            Tactic::Exfiltration => "TA0010",
            Tactic::Impact => "TA0040",
        }
    }

    /// The snake-case name used in events (`command_and_control`).
    pub fn name(self) -> &'static str {
        match self {
            Tactic::Reconnaissance => "reconnaissance",
            Tactic::ResourceDevelopment => "resource_development",
            Tactic::CredentialAccess => "credential_access",
            Tactic::InitialAccess => "initial_access",
            Tactic::Execution => "execution",
            Tactic::Persistence => "persistence",
            Tactic::PrivilegeEscalation => "privilege_escalation",
            Tactic::DefenseEvasion => "defense_evasion",
            Tactic::Discovery => "discovery",
            Tactic::CommandAndControl => "command_and_control",
            Tactic::LateralMovement => "lateral_movement",
            Tactic::Collection => "collection",
            Tactic::Exfiltration => "exfiltration",
            Tactic::Impact => "impact",
        }
    }

    /// The tactic of a snake-case name.
    pub fn from_name(name: &str) -> Option<Tactic> {
        Tactic::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// One session's progress through the stages.
#[derive(Debug, Clone, Default)]
pub struct StageTracker {
    reached: u16,
}

impl StageTracker {
    /// Records `t`; returns true when the session had not reached it before.
    pub fn reach(&mut self, t: Tactic) -> bool {
        let bit = 1u16 << (t as u16);
        let new = self.reached & bit == 0;
        self.reached |= bit;
        new
    }

    /// Every stage reached, in kill-chain order.
    pub fn reached(&self) -> Vec<Tactic> {
        Tactic::ALL
            .into_iter()
            .filter(|t| self.reached & (1u16 << (*t as u16)) != 0)
            .collect()
    }

    /// The furthest stage reached in kill-chain order.
    pub fn furthest(&self) -> Option<Tactic> {
        self.reached().last().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_in_kill_chain_order() {
        let mut s = StageTracker::default();
        assert!(s.furthest().is_none());
        assert!(s.reach(Tactic::Discovery));
        assert!(s.reach(Tactic::Execution));
        assert!(!s.reach(Tactic::Discovery));
        assert_eq!(s.reached(), vec![Tactic::Execution, Tactic::Discovery]);
        assert_eq!(s.furthest(), Some(Tactic::Discovery));
        assert!(s.reach(Tactic::Impact));
        assert_eq!(s.furthest(), Some(Tactic::Impact));
    }

    #[test]
    fn names_and_ids_round_trip() {
        for t in Tactic::ALL {
            assert_eq!(Tactic::from_name(t.name()), Some(t));
            assert!(t.id().starts_with("TA00"));
        }
        assert!(Tactic::ALL.windows(2).all(|w| w[0] < w[1]));
    }
}

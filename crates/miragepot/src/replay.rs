//! `miragepot replay FILE`: runs a transcript through the pure shell, offline, and prints what
//! an attacker would have seen. Lines starting with `#` and blank lines are skipped; a
//! leading `$ ` is stripped, so golden transcripts replay as they are.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use miragepot_shell::{Mode, SessionConfig, Shell};
use time::OffsetDateTime;

use crate::config::Config;
use crate::serve::{persona_for, shell_limits};

/// Replays `file` (or stdin for `-`) and prints prompt, command and output per line.
pub fn run(cfg: &Config, file: &Path) -> Result<()> {
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin()
            .take(16 << 20)
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
    } else {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        f.take(16 << 20)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read {}", file.display()))?;
    }
    let persona = Arc::new(persona_for(cfg));
    let now = OffsetDateTime::now_utc();
    let scfg = SessionConfig {
        user: "root".into(),
        mode: Mode::Exec,
        src_ip: "127.0.0.1".into(),
        src_port: 0,
        env: Vec::new(),
        seed: 1,
        limits: shell_limits(cfg),
    };
    let mut shell = Shell::new(Arc::clone(&persona), scfg, now);
    let mut out = std::io::stdout().lock();
    for line in text.lines() {
        let line = line.strip_prefix("$ ").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cwd = shell.cwd().to_string();
        let shown = if cwd == "/root" { "~".to_string() } else { cwd };
        writeln!(out, "root@{}:{}# {}", persona.hostname, shown, line)?;
        let step = shell.exec(line, OffsetDateTime::now_utc());
        out.write_all(&step.out)?;
        out.write_all(&step.err)?;
    }
    Ok(())
}

//! `miragepot llm warm FILE` and `miragepot llm cache list|show|delete`: filling the response
//! cache ahead of time, and reviewing what the model said.
//!
//! `warm` runs every command line of the file through a fresh exec session of the persona,
//! exactly as an attacker's `ssh host CMD` would, so the cache keys are the ones live sessions
//! look up; each question goes through the same guard, validator and filesystem check as in
//! `serve`, with no per-address budget. `cache` commands name an answer by its key or any
//! unique prefix of it (as `git` names commits).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use miragepot_llm::BackendKind;
use miragepot_runtime::llm::Pending;
use miragepot_shell::{Mode, Oracle, Resolution, SessionConfig, Shell};
use miragepot_store::{CacheRow, Store};

use crate::config::Config;

/// Lines of a warm file read at most.
const MAX_WARM_LINES: usize = 10_000;

/// `miragepot llm warm FILE`: asks the model every command line of `file` (blank lines and
/// `#` comments skipped) and caches the accepted answers.
pub fn warm(cfg: &Config, file: &Path) -> Result<()> {
    if cfg.llm.backend == BackendKind::None {
        bail!("llm.backend is none: set llm.backend (and llm.url, llm.model) to warm the cache");
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(MAX_WARM_LINES)
        .collect();
    let mut c = cfg.clone();
    c.llm.per_ip_per_minute = 0;
    let persona = Arc::new(crate::serve::persona_for(&c));
    crate::offline::with_store(&c, async |store| {
        let Some((service, writer)) = crate::llm::service(&c, &persona, store, None).await? else {
            bail!("llm.backend is none");
        };
        let (mut accepted, mut other) = (0usize, 0usize);
        for line in &lines {
            let cfg = SessionConfig {
                user: "root".into(),
                mode: Mode::Exec,
                src_ip: "127.0.0.1".into(),
                src_port: 0,
                env: Vec::new(),
                seed: 1,
                limits: crate::serve::shell_limits(&c),
            };
            let now = time::OffsetDateTime::now_utc();
            let mut shell = Shell::new(Arc::clone(&persona), cfg, now);
            shell.set_oracle(Arc::clone(service.cache()) as Arc<dyn Oracle>);
            let mut step = shell.exec(line, now);
            if step.ask.is_none() {
                println!("{line}: nothing to ask (emulated, cached, or not on the persona)");
            }
            while let Some(ask) = step.ask.take() {
                let p = Pending {
                    ask,
                    ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
                    user: "root".into(),
                    home: "/root".into(),
                    recent: Vec::new(),
                };
                let mut settled = service.resolve(p).await;
                service.check_and_keep(&mut settled, &shell);
                let verdict = settled.call.verdict.as_str();
                let reason = settled.call.reason.clone().unwrap_or_default();
                if matches!(settled.resolution, Resolution::Answer(_)) {
                    accepted += 1;
                } else {
                    other += 1;
                }
                println!(
                    "{}: {verdict} {reason} ({} ms)",
                    settled.call.request, settled.call.latency_ms
                );
                step = shell.resume(settled.resolution, time::OffsetDateTime::now_utc());
            }
        }
        service.cache().close();
        let _ = writer.await;
        println!("warm: {accepted} answers cached, {other} not");
        Ok(())
    })
}

/// What `llm cache` does.
#[derive(Debug, clap::Subcommand)]
pub enum CacheCmd {
    /// Lists cached answers, most recently used first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Prints one answer with its metadata.
    Show {
        /// The key, or a unique prefix of it.
        key: String,
    },
    /// Deletes one answer (a running sensor keeps it in memory until it restarts).
    Delete {
        /// The key, or a unique prefix of it.
        key: String,
    },
}

async fn one(store: &Store, prefix: &str) -> Result<CacheRow> {
    let mut rows = store.llm_answers_by_prefix(prefix, 2).await?;
    match (rows.pop(), rows.is_empty()) {
        (Some(r), true) => Ok(r),
        (Some(_), false) => bail!("key prefix {prefix:?} names more than one answer"),
        (None, _) => bail!("no cached answer with key {prefix:?}"),
    }
}

fn when(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `miragepot llm cache ...`.
pub fn cache(cfg: &Config, cmd: CacheCmd) -> Result<()> {
    crate::offline::with_store(cfg, async |store| {
        match cmd {
            CacheCmd::List { limit } => {
                let rows = store.llm_answers(None, limit).await?;
                println!(
                    "{:<12}  {:<7}  {:>5}  {:<20}  REQUEST",
                    "KEY", "KIND", "HITS", "LAST USED"
                );
                for r in &rows {
                    let req: String = r.request.chars().take(60).collect();
                    let last: String = when(r.last_used).chars().take(20).collect();
                    println!(
                        "{:<12}  {:<7}  {:>5}  {last:<20}  {req}",
                        r.key.get(..12).unwrap_or(&r.key),
                        r.kind,
                        r.hits
                    );
                }
                println!(
                    "{} of {} answers",
                    rows.len(),
                    store.count_llm_answers().await?
                );
            }
            CacheCmd::Show { key } => {
                let r = one(store, &key).await?;
                println!("key:       {}", r.key);
                println!("persona:   {}", r.persona);
                println!("kind:      {}", r.kind);
                println!("request:   {}", r.request);
                println!("cwd:       {}", r.cwd);
                println!("model:     {} ({})", r.model, r.backend);
                println!("created:   {}", when(r.created));
                println!("last used: {} ({} hits)", when(r.last_used), r.hits);
                println!("---");
                print!("{}", r.answer);
            }
            CacheCmd::Delete { key } => {
                let r = one(store, &key).await?;
                store.delete_llm_answer(&r.key).await?;
                println!("deleted {} ({})", r.key, r.request);
            }
        }
        Ok(())
    })
}

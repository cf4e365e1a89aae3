//! `miragepot serve` and `miragepot check`: building the runtime from the configuration.
//!
//! Start-up order: data directory (0700) → host keys → event store → sinks and bus →
//! persona → SSH listener. Shutdown (SIGINT/SIGTERM): stop accepting, end every session
//! (each writes its artifacts, recording and `session_end`), then close the bus and wait for
//! every sink to flush, so no accepted event is lost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use miragepot_runtime::policy::Access;
use miragepot_runtime::policy::sync::BlockSync;
use miragepot_runtime::sinks::{JsonlSink, StoreSink};
use miragepot_runtime::{BusStats, DataDirs, Pipeline, Services, Sink};
use miragepot_shell::{Persona, PersonaOverrides, ShellLimits};
use miragepot_ssh::{SshConfig, SshFront};
use miragepot_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;

/// The persona the configuration asks for.
pub fn persona_for(cfg: &Config) -> Persona {
    let overrides = PersonaOverrides {
        hostname: (!cfg.persona.hostname.is_empty()).then(|| cfg.persona.hostname.clone()),
    };
    let mut p = Persona::debian12_with(&overrides);
    p.fs_limits.max_overlay_bytes = cfg.shell.max_overlay_bytes;
    p.fs_limits.max_entries = cfg.shell.max_fs_entries;
    p
}

/// The shell caps the configuration asks for.
pub fn shell_limits(cfg: &Config) -> ShellLimits {
    ShellLimits {
        max_line_bytes: cfg.shell.max_line_bytes,
        max_output_bytes: cfg.shell.max_output_bytes,
        max_history: cfg.shell.max_history,
        max_loop_iterations: cfg.shell.max_loop_iterations,
        ..ShellLimits::default()
    }
}

fn ssh_config(cfg: &Config) -> SshConfig {
    SshConfig {
        listen: cfg.ssh.listen,
        max_connections: cfg.ssh.max_connections,
        login_grace: Duration::from_secs(cfg.ssh.login_grace_secs),
        idle_timeout: Duration::from_secs(cfg.ssh.idle_timeout_secs),
        max_session: Duration::from_secs(cfg.limits.max_session_secs),
        max_auth_tries: cfg.ssh.max_auth_tries,
        auth_failure_delay: Duration::from_millis(cfg.ssh.auth_failure_delay_ms),
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = url.get(s + 3..at).unwrap_or("");
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}{}:***{}",
                url.get(..s + 3).unwrap_or(""),
                user,
                url.get(at..).unwrap_or("")
            )
        }
        _ => url.to_string(),
    }
}

fn stats_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("stats.json")
}

/// What `stats.json` reports besides the bus counters.
struct StatsExtra<'a> {
    access: &'a Access,
    sandbox: &'a serde_json::Value,
    llm: Option<&'a miragepot_runtime::llm::LlmService>,
}

fn write_stats(
    data_dir: &Path,
    stats: &BusStats,
    extra: &StatsExtra<'_>,
    active: usize,
    refused: u64,
) {
    let access = extra.access;
    let mut snap = stats.snapshot();
    if let Some(obj) = snap.as_object_mut() {
        obj.insert("sandbox".into(), extra.sandbox.clone());
        obj.insert(
            "llm".into(),
            extra
                .llm
                .map_or(serde_json::json!({"backend": "none"}), |l| l.stats()),
        );
        obj.insert("policy".into(), access.counters.snapshot());
        obj.insert(
            "blocked_addresses".into(),
            access.blocks(time::OffsetDateTime::now_utc()).len().into(),
        );
        obj.insert("active_connections".into(), active.into());
        obj.insert("refused_connections".into(), refused.into());
        obj.insert(
            "updated".into(),
            time::OffsetDateTime::now_utc().unix_timestamp().into(),
        );
    }
    if let Err(e) = std::fs::write(stats_path(data_dir), snap.to_string()) {
        tracing::warn!(error = %e, "Cannot write stats.json.");
    }
}

fn init_tracing(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only on a terminal: journald and log files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}

fn create_data_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data dir {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// `miragepot serve`. `config_path` and `env` are kept to reload the policy on SIGHUP.
pub fn run(cfg: Config, config_path: Option<PathBuf>, env: BTreeMap<String, String>) -> Result<()> {
    init_tracing(&cfg.log.level);
    // One scheduler thread: sessions are many, short and cheap, and a single-threaded
    // runtime avoids the cross-thread wake-ups that cost more CPU than the sessions
    // themselves (measured: docs/architecture.md). The store and the JSON log do their
    // blocking work on their own threads.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(serve(cfg, Reload { config_path, env }))
}

/// Where SIGHUP reads the configuration again.
struct Reload {
    config_path: Option<PathBuf>,
    env: BTreeMap<String, String>,
}

async fn serve(cfg: Config, reload: Reload) -> Result<()> {
    let data_dir = cfg.sensor.data_dir.clone();
    create_data_dir(&data_dir)?;
    // Bind first: the sandbox that follows allows no new file access outside the data
    // directory, and dropping root loses the right to bind low ports.
    let listener = if cfg.ssh.enabled {
        Some(
            TcpListener::bind(cfg.ssh.listen)
                .await
                .with_context(|| format!("cannot listen on {}", cfg.ssh.listen))?,
        )
    } else {
        None
    };
    let web_listener = crate::web::bind(&cfg)?;
    let sandbox = crate::sandboxing::apply(&cfg, reload.config_path.as_deref())?;
    let keys = miragepot_ssh::hostkeys::load_or_create(&data_dir.join("hostkeys"))
        .context("cannot load or create host keys")?;
    let store_url = cfg.store_url();
    let store = Store::open(&store_url)
        .await
        .with_context(|| format!("cannot open the event store {}", redact_url(&store_url)))?;
    if web_listener.is_some() {
        crate::web::first_admin(&store).await?;
    }
    let detection = crate::detect::detection(&cfg, &store).await?;
    let access = Access::new(crate::policy::policy_config(&cfg)?);
    let mut sync = BlockSync::new(
        Arc::clone(&access),
        store.clone(),
        Some(data_dir.join("blocklist")),
    );
    sync.run_once()
        .await
        .context("cannot read the blocklist from the event store")?;
    let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(StoreSink::new(
        store.clone(),
        cfg.store.batch_size,
        Duration::from_millis(cfg.store.batch_delay_ms),
    ))];
    if cfg.log.json {
        sinks.push(Box::new(JsonlSink::new(
            cfg.json_path(),
            cfg.rotate_policy(),
        )));
    }
    let (bus, pipeline) = Pipeline::start(sinks, cfg.bus.capacity, cfg.bus.sink_capacity);
    let stats = Arc::clone(bus.stats());
    let persona = Arc::new(persona_for(&cfg));
    let rules = detection.as_ref().map(|d| Arc::clone(&d.rules));
    let llm = crate::llm::service(&cfg, &persona, &store, rules).await?;
    let llm_service = llm.as_ref().map(|(s, _)| Arc::clone(s));
    let tty = Arc::new(miragepot_runtime::recording::TtyHub::new());
    let live_events = bus.subscribe();
    let services = Arc::new(Services {
        sensor: cfg.sensor.name.clone(),
        persona,
        bus,
        dirs: DataDirs::under(data_dir.clone()),
        shell_limits: shell_limits(&cfg),
        record: cfg.recording.enabled,
        pacing: cfg.shell.pacing,
        max_recording_bytes: cfg.recording.max_bytes,
        detection,
        access: Arc::clone(&access),
        limits: crate::policy::session_limits(&cfg),
        llm: llm_service.clone(),
        tty: Arc::clone(&tty),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let reload_now = Arc::new(tokio::sync::Notify::new());
    let sync_task = tokio::spawn(sync.run(
        Duration::from_secs(cfg.limits.block_sync_secs),
        Arc::clone(&reload_now),
        stop_rx.clone(),
    ));
    let retention_task = tokio::spawn(cfg.retention().run(store.clone(), stop_rx.clone()));
    let hup_task = tokio::spawn(on_sighup(reload, Arc::clone(&access), reload_now));
    let mut server = None;
    let mut front_ref = None;
    if let Some(listener) = listener {
        let addr = listener.local_addr().unwrap_or(cfg.ssh.listen);
        let front = Arc::new(SshFront::new(ssh_config(&cfg), keys, Arc::clone(&services)));
        front_ref = Some(Arc::clone(&front));
        tracing::info!(listen = %addr, data_dir = %data_dir.display(), store = %redact_url(&store_url), "SSH honeypot listening.");
        println!("miragepot: SSH listening on {addr}");
        server = Some(tokio::spawn(front.serve(listener, stop_rx)));
    }
    drop(services);
    let web = match web_listener {
        Some(listener) => {
            let front = front_ref.clone();
            let stats = crate::web::Stats {
                bus: Arc::clone(&stats),
                connections: Box::new(move || {
                    front
                        .as_ref()
                        .map_or((0, 0), |f| (f.limiter().active(), f.limiter().refused()))
                }),
            };
            let handle = crate::web::start(&cfg, listener, live_events, tty, stats)?;
            tracing::info!(listen = %handle.addr, "Dashboard listening.");
            println!("miragepot: dashboard on http://{}", handle.addr);
            Some(handle)
        }
        None => {
            drop(live_events);
            None
        }
    };
    let stats_task = {
        let (stats, dir, front) = (Arc::clone(&stats), data_dir.clone(), front_ref.clone());
        let access = Arc::clone(&access);
        let sandbox = sandbox.to_json();
        let llm_stats = llm_service.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let (a, r) = front
                    .as_ref()
                    .map_or((0, 0), |f| (f.limiter().active(), f.limiter().refused()));
                let extra = StatsExtra {
                    access: &access,
                    sandbox: &sandbox,
                    llm: llm_stats.as_deref(),
                };
                write_stats(&dir, &stats, &extra, a, r);
            }
        })
    };
    wait_for_signal().await;
    tracing::info!("Shutting down: ending sessions and flushing events.");
    let _ = stop_tx.send(true);
    if let Some(s) = server {
        let _ = s.await;
    }
    stats_task.abort();
    hup_task.abort();
    if let Some(web) = web {
        web.stop().await;
    }
    let _ = retention_task.await;
    let _ = sync_task.await;
    if let Some((service, writer)) = llm {
        service.cache().close();
        let _ = writer.await;
    }
    let (a, r) = front_ref
        .as_ref()
        .map_or((0, 0), |f| (f.limiter().active(), f.limiter().refused()));
    drop(front_ref);
    pipeline.finish().await;
    let sandbox = sandbox.to_json();
    let extra = StatsExtra {
        access: &access,
        sandbox: &sandbox,
        llm: llm_service.as_deref(),
    };
    write_stats(&data_dir, &stats, &extra, a, r);
    tracing::info!(stats = %stats.snapshot(), "Stopped.");
    Ok(())
}

/// SIGHUP: read the configuration again and apply its policy (mode, bait, rules, limits on
/// addresses), then re-read the blocklist from the store. A bad file is reported and the
/// policy in force stays.
async fn on_sighup(reload: Reload, access: Arc<Access>, reload_now: Arc<tokio::sync::Notify>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("Cannot listen for SIGHUP; reloading is off.");
            return;
        };
        while hup.recv().await.is_some() {
            let loaded = Config::load(reload.config_path.as_deref(), &reload.env)
                .and_then(|c| crate::policy::policy_config(&c));
            match loaded {
                Ok(p) => {
                    tracing::info!(mode = p.mode.as_str(), "SIGHUP: policy reloaded.");
                    access.set_config(p);
                    reload_now.notify_one();
                }
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "SIGHUP: configuration not reloaded; the policy in force stays.");
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (reload, access, reload_now);
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `miragepot check`.
pub fn check(cfg: &Config) -> Result<()> {
    let persona = persona_for(cfg);
    println!("configuration: OK");
    println!("sensor:        {}", cfg.sensor.name);
    println!("data dir:      {}", cfg.sensor.data_dir.display());
    if cfg.ssh.enabled {
        println!(
            "ssh:           listening on {} (max {} connections)",
            cfg.ssh.listen, cfg.ssh.max_connections
        );
    } else {
        println!("ssh:           disabled");
    }
    crate::policy::policy_config(cfg)?;
    println!("auth:          {}", crate::policy::describe(cfg));
    println!("sandbox:       {}", crate::sandboxing::describe(cfg));
    println!("llm:           {}", crate::llm::describe(cfg));
    println!("store:         {}", redact_url(&cfg.store_url()));
    println!(
        "json log:      {}",
        if cfg.log.json {
            cfg.json_path().display().to_string()
        } else {
            "off".into()
        }
    );
    let rules = cfg.detect_rules()?;
    println!(
        "detection:     {}",
        if cfg.detect.enabled {
            format!(
                "on ({} threat rules, {} ATT&CK rules, {} injection patterns; tarpit {}, honeytokens {})",
                rules.threat.len(),
                rules.attack.len(),
                rules.injection.pattern_count(),
                if cfg.detect.tarpit { "on" } else { "off" },
                if cfg.detect.honeytokens { "on" } else { "off" },
            )
        } else {
            "off".into()
        }
    );
    println!(
        "recordings:    {}",
        if cfg.recording.enabled { "on" } else { "off" }
    );
    println!(
        "persona:       {} ({}, host {}, {} filesystem objects, {} packages)",
        persona.name,
        persona.os_pretty_name,
        persona.hostname,
        persona.base.len(),
        persona.packages.len()
    );
    let keys = cfg.sensor.data_dir.join("hostkeys");
    println!(
        "host keys:     {}",
        if keys.join("ssh_host_ed25519_key").exists() {
            format!("{} (present)", keys.display())
        } else {
            format!("{} (created on first start)", keys.display())
        }
    );
    match std::fs::read_to_string(stats_path(&cfg.sensor.data_dir)) {
        Ok(s) => println!("last run:      {s}"),
        Err(_) => println!("last run:      no stats yet"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
    }
}

//! `miragepot gen-events`: fills the configured store with synthetic attack traffic, to
//! size a deployment and to benchmark the dashboard (issue 7 asks for a million events).
//!
//! # What it writes
//! Sessions spread evenly over the last `--days` days, from a pool of addresses of which a
//! few are very busy (a skewed pick, as in real logs). Each session has the events the SSH
//! front writes: `session_start`, `client_version`, `client_kex`, one to six
//! `auth_attempt`s; most fail, and about a third log in and run one of the scripts in
//! [`data::SCRIPTS`] (`command_input` + `command_result`, a `download` per URL fetched),
//! then `session_end`. The detections (techniques, stages, IOCs, honeytoken touches, the
//! `session_summary` with risk and campaign key) come from the real detectors
//! ([`reanalyze`]) with the configured rules, so every dashboard column is filled the way
//! a live sensor fills it. Threat scores come from the same rules.
//!
//! The same `--seed` gives the same sessions (times are relative to now). Events carry the
//! sensor name `synthetic`, so they never pass for a real sensor's. The store must be empty
//! unless `--append` says otherwise, so synthetic events do not mix into real ones by
//! mistake. Nothing here touches the network or the data directory's secrets: honeytokens
//! are minted with a key drawn from the seed.

mod data;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use miragepot_detect::normalize::normalize;
use miragepot_detect::session::{Rules, reanalyze};
use miragepot_detect::tokens::{Honeytoken, mint};
use miragepot_event::{
    AuthMethod, EndReason, Event, EventKind, InputMode, Protocol, SessionContext, SessionId,
};
use miragepot_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Duration, OffsetDateTime};

use crate::config::Config;

/// Events per `insert_batch` call (the live writer's batches are of the same order).
const BATCH: usize = 4096;
/// The sensor name on every synthetic event.
pub const SENSOR: &str = "synthetic";
/// The most events one run writes.
pub const MAX_EVENTS: u64 = 50_000_000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Events to write, at least (the last session is finished).
    pub events: u64,
    /// The window the sessions start in, ending now.
    pub days: u32,
    /// The random seed.
    pub seed: u64,
    /// Whether to write into a store that already holds events.
    pub append: bool,
}

/// What one run wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Events written.
    pub events: u64,
    /// Sessions.
    pub sessions: u64,
    /// Sessions that logged in.
    pub logins: u64,
    /// Sessions that ran commands.
    pub with_commands: u64,
    /// Addresses in the pool.
    pub addresses: u64,
}

/// `miragepot gen-events`.
pub fn run(cfg: &Config, opts: &Options) -> Result<()> {
    if opts.events == 0 || opts.events > MAX_EVENTS {
        bail!("--events must be between 1 and {MAX_EVENTS}");
    }
    if opts.days == 0 || opts.days > 3650 {
        bail!("--days must be between 1 and 3650");
    }
    let rules = Arc::new(cfg.detect_rules()?);
    let url = cfg.store_url();
    crate::offline::with_store(cfg, async |store| {
        let existing = store.count_events().await?;
        if existing > 0 && !opts.append {
            bail!(
                "the store ({url}) already holds {existing} events; gen-events fills an empty \
                 store (--append adds to this one anyway)"
            );
        }
        let started = Instant::now();
        let totals = generate(store, rules, opts, OffsetDateTime::now_utc()).await?;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "miragepot: generated {} events in {} sessions ({} logged in, {} ran commands) \
             from {} addresses over {} days into {url} in {secs:.1} s ({:.0} events/s)",
            totals.events,
            totals.sessions,
            totals.logins,
            totals.with_commands,
            totals.addresses,
            opts.days,
            totals.events as f64 / secs.max(0.001),
        );
        Ok(())
    })
}

/// Writes at least `opts.events` events into `store`, sessions ending before `now`.
pub async fn generate(
    store: &Store,
    rules: Arc<Rules>,
    opts: &Options,
    now: OffsetDateTime,
) -> Result<Totals> {
    let mut g = Generator::new(rules, opts, now);
    let mut totals = Totals {
        addresses: g.pool.len() as u64,
        ..Totals::default()
    };
    let mut batch: Vec<Event> = Vec::with_capacity(BATCH + 64);
    let mut next_report = 100_000u64;
    while totals.events < opts.events {
        let s = g.session();
        totals.sessions += 1;
        totals.logins += u64::from(s.logged_in);
        totals.with_commands += u64::from(s.commands > 0);
        totals.events += s.events.len() as u64;
        batch.extend(s.events);
        if batch.len() >= BATCH {
            store
                .insert_batch(&batch)
                .await
                .context("cannot write a batch of synthetic events")?;
            batch.clear();
        }
        if totals.events >= next_report {
            eprintln!("miragepot: {} events...", totals.events);
            next_report = next_report.saturating_add(100_000);
        }
    }
    if !batch.is_empty() {
        store
            .insert_batch(&batch)
            .await
            .context("cannot write a batch of synthetic events")?;
    }
    Ok(totals)
}

/// One attacking address: where it connects from and what it does.
#[derive(Debug, Clone)]
struct Attacker {
    ip: IpAddr,
    client: usize,
    /// The script it runs after a login, if any (bots run one script, always).
    script: Option<usize>,
    /// Its download host.
    host: usize,
    /// Whether it tries the common list in order (a bot) or random pairs (a sprayer).
    ordered: bool,
}

/// One generated session.
struct Generated {
    events: Vec<Event>,
    logged_in: bool,
    commands: u32,
}

struct Generator {
    rng: StdRng,
    rules: Arc<Rules>,
    pool: Vec<Attacker>,
    token_key: [u8; 32],
    start: OffsetDateTime,
    span_ms: i64,
    /// Sessions generated so far (for per-session numbers in scripts).
    n: u64,
}

impl Generator {
    fn new(rules: Arc<Rules>, opts: &Options, now: OffsetDateTime) -> Generator {
        let mut rng = StdRng::seed_from_u64(opts.seed);
        // About eight sessions per address on average, as in public honeypot logs.
        let addresses = (opts.events / 100).clamp(16, 500_000) as usize;
        let pool = (0..addresses).map(|_| attacker(&mut rng)).collect();
        let mut token_key = [0u8; 32];
        rng.fill(&mut token_key);
        let span_ms = i64::from(opts.days).saturating_mul(86_400_000);
        Generator {
            rng,
            rules,
            pool,
            token_key,
            start: now - Duration::milliseconds(span_ms),
            span_ms,
            n: 0,
        }
    }

    /// A skewed pick: index 0 is the busiest address, the tail shows up a few times.
    fn pick_attacker(&mut self) -> Attacker {
        let u: f64 = self.rng.r#gen();
        let i = ((u * u * u) * self.pool.len() as f64) as usize;
        self.pool
            .get(i.min(self.pool.len().saturating_sub(1)))
            .cloned()
            .unwrap_or_else(|| attacker(&mut self.rng))
    }

    /// A skewed pick from a list (the head is the most common).
    fn skewed<'a>(&mut self, list: &[&'a str]) -> &'a str {
        let u: f64 = self.rng.r#gen();
        let i = ((u * u) * list.len() as f64) as usize;
        list.get(i).or(list.first()).copied().unwrap_or("root")
    }

    fn session(&mut self) -> Generated {
        self.n += 1;
        let who = self.pick_attacker();
        // Sessions start before now minus a minute, so every one has ended.
        let offset = self
            .rng
            .gen_range(0..self.span_ms.saturating_sub(60_000).max(1));
        let t0 = self.start + Duration::milliseconds(offset);
        let ctx = SessionContext {
            sensor: SENSOR.to_owned(),
            session: SessionId::new_at(t0),
            src_ip: who.ip,
            src_port: self.rng.gen_range(32768..61000),
        };
        let mut t = t0;
        let mut raw = Vec::with_capacity(32);
        let (version, hassh) = data::CLIENTS
            .get(who.client)
            .copied()
            .unwrap_or(("SSH-2.0-Go", ""));
        raw.push(ctx.event(
            t,
            EventKind::SessionStart {
                protocol: Protocol::Ssh,
                dst_ip: IpAddr::from([10, 0, 0, 5]),
                dst_port: 22,
            },
        ));
        t += Duration::milliseconds(self.rng.gen_range(20..200));
        raw.push(ctx.event(
            t,
            EventKind::ClientVersion {
                version: version.to_owned(),
            },
        ));
        t += Duration::milliseconds(self.rng.gen_range(5..50));
        raw.push(ctx.event(t, kex(hassh)));

        // Bots with a script get in (their list is short and the honeypot accepts it);
        // the rest guess, and a few of them get in too.
        let tries = self.rng.gen_range(1..=6u32);
        let gets_in = who.script.is_some() || self.rng.gen_bool(0.08);
        let mut login = None;
        for i in 0..tries {
            let username = if who.ordered || self.rng.gen_bool(0.7) {
                self.skewed(data::USERNAMES).to_owned()
            } else {
                format!("user{}", self.rng.gen_range(0..100_000))
            };
            let password = if who.ordered || self.rng.gen_bool(0.6) {
                self.skewed(data::PASSWORDS).to_owned()
            } else {
                random_password(&mut self.rng)
            };
            let success = gets_in && i + 1 == tries;
            t += Duration::milliseconds(self.rng.gen_range(300..2600));
            raw.push(ctx.event(
                t,
                EventKind::AuthAttempt {
                    method: AuthMethod::Password,
                    username: username.clone(),
                    password: Some(password),
                    key_fingerprint: None,
                    success,
                    rule: None,
                },
            ));
            if success {
                login = Some(username);
            }
        }
        let mut commands = 0;
        let mut tokens = Vec::new();
        if let Some(user) = &login {
            let home = if user == "root" {
                "/root".to_owned()
            } else {
                format!("/home/{user}")
            };
            tokens = mint(&self.token_key, ctx.session, &home);
            let script = who.script.unwrap_or(0);
            commands = self.run_script(&ctx, &who, script, &tokens, &mut t, &mut raw);
        }
        let reason = if login.is_some() {
            EndReason::ClientClosed
        } else {
            EndReason::AuthFailures
        };
        t += Duration::milliseconds(self.rng.gen_range(10..400));
        let duration_ms = u64::try_from((t - t0).whole_milliseconds()).unwrap_or(0);
        raw.push(ctx.event(
            t,
            EventKind::SessionEnd {
                reason,
                duration_ms,
            },
        ));
        let mut events = reanalyze(Arc::clone(&self.rules), &raw, tokens);
        events.append(&mut raw);
        Generated {
            events,
            logged_in: login.is_some(),
            commands,
        }
    }

    /// Plays script `index` after a login; returns the command lines sent.
    fn run_script(
        &mut self,
        ctx: &SessionContext,
        who: &Attacker,
        index: usize,
        tokens: &[Honeytoken],
        t: &mut OffsetDateTime,
        raw: &mut Vec<Event>,
    ) -> u32 {
        let Some(script) = data::SCRIPTS.get(index) else {
            return 0;
        };
        let mode = if script.interactive {
            raw.push(ctx.event(
                *t,
                EventKind::PtyRequest {
                    term: "xterm-256color".into(),
                    cols: 120,
                    rows: 40,
                },
            ));
            raw.push(ctx.event(*t, EventKind::ShellStart { pty: true }));
            InputMode::Interactive
        } else {
            InputMode::Exec
        };
        let host = data::HOSTS.get(who.host).copied().unwrap_or("198.51.100.7");
        // People stop early now and then; bots run the whole script.
        let lines = if script.interactive {
            self.rng.gen_range(1..=script.lines.len())
        } else {
            script.lines.len()
        };
        let mut sent = 0;
        for template in script.lines.iter().take(lines) {
            let line = template
                .replace("{host}", host)
                .replace("{n}", &self.n.to_string());
            let gap = if script.interactive {
                self.rng.gen_range(800..9000)
            } else {
                self.rng.gen_range(20..300)
            };
            *t += Duration::milliseconds(gap);
            let score = self.rules.threat.score(&normalize(&line).text);
            raw.push(ctx.event(
                *t,
                EventKind::CommandInput {
                    input: line.clone(),
                    mode,
                    threat_score: score.score,
                    threat_rules: score.rules,
                },
            ));
            let output = output_for(&line, template, tokens);
            for url in urls(&line) {
                raw.push(ctx.event(*t, download(&line, url, self.rng.gen_range(900..90_000))));
            }
            *t += Duration::milliseconds(self.rng.gen_range(1..40));
            raw.push(ctx.event(
                *t,
                EventKind::CommandResult {
                    input: line,
                    exit_code: i32::from(output.contains("not found")) * 127,
                    output,
                    output_truncated: false,
                },
            ));
            sent += 1;
        }
        sent
    }
}

/// A new address with its habits.
fn attacker(rng: &mut StdRng) -> Attacker {
    let ip = if rng.gen_bool(0.04) {
        IpAddr::V6(Ipv6Addr::new(
            0x2a01,
            rng.gen_range(0..0x1000),
            rng.r#gen(),
            rng.r#gen(),
            0,
            0,
            0,
            rng.gen_range(1..0xffff),
        ))
    } else {
        // Public-looking IPv4: first octet outside 0, 10, 127 and the multicast range.
        let mut first = rng.gen_range(1..224u8);
        if matches!(first, 10 | 127) {
            first += 1;
        }
        IpAddr::V4(Ipv4Addr::new(
            first,
            rng.r#gen(),
            rng.r#gen(),
            rng.gen_range(1..255),
        ))
    };
    // A fifth of the addresses are bots with a script; they keep to one script each, so
    // the same command sequence shows up from many addresses (a campaign).
    let script = rng.gen_bool(0.2).then(|| {
        let u: f64 = rng.r#gen();
        ((u * u) * data::SCRIPTS.len() as f64) as usize
    });
    Attacker {
        ip,
        client: rng.gen_range(0..data::CLIENTS.len()),
        script,
        host: rng.gen_range(0..data::HOSTS.len()),
        ordered: rng.gen_bool(0.5),
    }
}

/// A password from the long tail: letters and digits, 6 to 12 characters.
fn random_password(rng: &mut StdRng) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#";
    let len = rng.gen_range(6..=12);
    (0..len)
        .filter_map(|_| CHARS.get(rng.gen_range(0..CHARS.len())))
        .map(|&b| char::from(b))
        .collect()
}

/// The key exchange offer of a client with this HASSH (the lists are what most bots send).
fn kex(hassh: &str) -> EventKind {
    let kex = vec![
        "curve25519-sha256".to_owned(),
        "ecdh-sha2-nistp256".to_owned(),
    ];
    let enc = vec!["aes128-ctr".to_owned(), "aes256-ctr".to_owned()];
    let mac = vec!["hmac-sha2-256".to_owned()];
    let cmp = vec!["none".to_owned()];
    EventKind::ClientKex {
        hassh: hassh.to_owned(),
        hassh_algorithms: format!(
            "{};{};{};{}",
            kex.join(","),
            enc.join(","),
            mac.join(","),
            cmp.join(",")
        ),
        kex_algorithms: kex,
        host_key_algorithms: vec!["ssh-ed25519".to_owned(), "rsa-sha2-512".to_owned()],
        encryption_algorithms: enc,
        mac_algorithms: mac,
        compression_algorithms: cmp,
    }
}

/// The output of `line` (the script's `template` filled in): the session's own honeytoken
/// file when it reads one, else the table's.
fn output_for(line: &str, template: &str, tokens: &[Honeytoken]) -> String {
    let read = line
        .strip_prefix("cat ")
        .map(|arg| arg.trim_start_matches('~'))
        .filter(|arg| arg.starts_with('/'));
    if let Some(tok) = read.and_then(|arg| tokens.iter().find(|tok| tok.path.ends_with(arg))) {
        return tok.content.clone();
    }
    data::output_of(template).to_owned()
}

/// The `http://` URLs a line fetches.
fn urls(line: &str) -> impl Iterator<Item = &str> {
    line.split_whitespace()
        .filter(|w| w.starts_with("http://"))
        .map(|w| w.trim_end_matches([';', '"', ')']))
}

/// The `download` event the shell writes for `url` fetched by `line` (simulated).
fn download(line: &str, url: &str, size: u64) -> EventKind {
    let rest = url.trim_start_matches("http://");
    let host = rest.split(['/', ':']).next().unwrap_or(rest).to_owned();
    let file = rest.rsplit('/').next().unwrap_or("index.html");
    let tool = if line.contains("curl") {
        "curl"
    } else {
        "wget"
    };
    EventKind::Download {
        tool: tool.to_owned(),
        url: url.to_owned(),
        host,
        port: 80,
        destination: Some(format!("/tmp/{file}")),
        size: Some(size),
        outcome: "saved".to_owned(),
    }
}

#[cfg(test)]
mod tests;

//! `miragepot`: the binary. CLI (clap), configuration loading and checking, and wiring of the
//! crates: persona → shell, SSH front → runtime → event bus → store and JSON log.
//!
//! This is the only crate that uses `anyhow`; libraries return their own error types.

mod analyze;
mod config;
mod detect;
mod llm;
mod llm_cli;
mod offline;
mod policy;
mod replay;
mod sandboxing;
mod serve;
mod synth;
mod users;
mod web;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::config::Config;

/// An SSH honeypot that looks like a real Debian 12 server.
#[derive(Debug, Parser)]
#[command(name = "miragepot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Runs the honeypot until SIGINT or SIGTERM.
    Serve {
        /// Configuration file (TOML); defaults apply when omitted.
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Validates the configuration and persona and prints what `serve` would do.
    Check {
        /// Configuration file (TOML); defaults apply when omitted.
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Runs a transcript (one command line per line) through the shell offline.
    Replay {
        /// The transcript file (`-` for stdin).
        file: PathBuf,
        /// Configuration file, for the persona and shell caps.
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Runs the detectors again over stored sessions; prints detections as JSON lines.
    Reanalyze {
        /// Only this session (its UUID).
        #[arg(long)]
        session: Option<String>,
        /// Only the newest N sessions.
        #[arg(long)]
        limit: Option<u32>,
        /// Configuration file (store location, rules).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Blocks an address: the store keeps it, and a running sensor drops its connections
    /// from its next blocklist sync on.
    Block {
        /// IPv4 or IPv6 address.
        ip: String,
        /// Seconds until the block lapses (default: until unblocked).
        #[arg(long)]
        ttl: Option<u64>,
        /// Why (shown by `blocks`).
        #[arg(long)]
        reason: Option<String>,
        /// Configuration file (store location).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Lifts an address's block.
    Unblock {
        /// IPv4 or IPv6 address.
        ip: String,
        /// Configuration file (store location).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Lists the blocks in force, or exports them.
    Blocks {
        /// `table`, `plain` (one address per line), `nft` or `fail2ban`.
        #[arg(long, value_enum, default_value = "table")]
        format: policy::BlocksFormat,
        /// Configuration file (store location).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// The LLM fallback: fill or review its response cache.
    Llm {
        #[command(subcommand)]
        cmd: LlmCmd,
        /// Configuration file (backend, store location).
        #[arg(long, short, global = true, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// The dashboard's analysts: add, change a password, remove, list.
    User {
        #[command(subcommand)]
        cmd: users::UserCmd,
        /// Configuration file (store location).
        #[arg(long, short, global = true, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Writes the per-address behaviour report (report.json and report.md).
    Report {
        /// Output directory (default: <data dir>/reports).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Configuration file (store location).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Fills the store with synthetic attack traffic (for sizing and dashboard benchmarks);
    /// the store must be empty unless --append.
    GenEvents {
        /// Events to write (at least; the last session is finished).
        #[arg(long, default_value_t = 100_000)]
        events: u64,
        /// Sessions start in the last N days.
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// Random seed (the same seed gives the same sessions).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add to a store that already holds events.
        #[arg(long)]
        append: bool,
        /// Configuration file (store location, rules).
        #[arg(long, short, env = "MIRAGEPOT_CONFIG")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum LlmCmd {
    /// Asks the model every command line of FILE (one per line, `#` comments skipped) and
    /// caches the accepted answers, so sessions get them without a call.
    Warm {
        /// The command list.
        file: PathBuf,
    },
    /// Lists, shows or deletes cached answers.
    Cache {
        #[command(subcommand)]
        cmd: llm_cli::CacheCmd,
    },
}

// `--features dhat-heap`: count every allocation and write `dhat-heap.json` on exit, to see
// what a session costs (docs/architecture.md). Off in normal builds.
#[cfg(feature = "dhat-heap")]
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn env_map() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("MIRAGEPOT_"))
        .collect()
}

fn main() -> ExitCode {
    #[cfg(feature = "dhat-heap")]
    let _profiler = dhat::Profiler::new_heap();
    let cli = Cli::parse();
    let res: Result<()> = match cli.command {
        Cmd::Serve { config } => Config::load(config.as_deref(), &env_map())
            .and_then(|c| serve::run(c, config.clone(), env_map())),
        Cmd::Check { config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| serve::check(&c))
        }
        Cmd::Replay { file, config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| replay::run(&c, &file))
        }
        Cmd::Reanalyze {
            session,
            limit,
            config,
        } => Config::load(config.as_deref(), &env_map())
            .and_then(|c| analyze::run_reanalyze(&c, session, limit)),
        Cmd::Block {
            ip,
            ttl,
            reason,
            config,
        } => Config::load(config.as_deref(), &env_map())
            .and_then(|c| policy::block(&c, &ip, ttl, reason)),
        Cmd::Unblock { ip, config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| policy::unblock(&c, &ip))
        }
        Cmd::Blocks { format, config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| policy::blocks(&c, format))
        }
        Cmd::Llm { cmd, config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| match cmd {
                LlmCmd::Warm { file } => llm_cli::warm(&c, &file),
                LlmCmd::Cache { cmd } => llm_cli::cache(&c, cmd),
            })
        }
        Cmd::User { cmd, config } => {
            Config::load(config.as_deref(), &env_map()).and_then(|c| users::run(&c, cmd))
        }
        Cmd::Report { out, config } => Config::load(config.as_deref(), &env_map()).and_then(|c| {
            let dir = out.unwrap_or_else(|| c.sensor.data_dir.join("reports"));
            analyze::run_report(&c, &dir)
        }),
        Cmd::GenEvents {
            events,
            days,
            seed,
            append,
            config,
        } => Config::load(config.as_deref(), &env_map()).and_then(|c| {
            let opts = synth::Options {
                events,
                days,
                seed,
                append,
            };
            synth::run(&c, &opts)
        }),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("miragepot: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

//! The self-sandbox (Linux): once the listener is bound and the data directory exists, the
//! process restricts itself, so that even a bug in the emulator that an attacker could
//! steer cannot run a program or read the host's files.
//!
//! In order:
//! 1. **Drop root** (when started as root and `sandbox.uid` is set): the data directory is
//!    handed to that user, then groups, gid and uid are switched. This runs while the
//!    process has one thread, because Linux changes ids per thread.
//! 2. **Landlock**: file access only beneath the writable paths (the data directory, and the
//!    store's and JSON log's directories when they are elsewhere) and the read-only ones
//!    (the configuration file, for SIGHUP; `/dev/urandom`; the resolver files a PostgreSQL
//!    host name needs). Everything else, `/etc/shadow` included, is `EACCES`. On a kernel
//!    without Landlock this is reported and serving goes on.
//! 3. **seccomp**: `execve`, `execveat`, `ptrace`, `process_vm_readv` and
//!    `process_vm_writev` fail with `EPERM`, in every thread (TSYNC), with `no_new_privs`.
//!
//! [`apply`] returns a [`SandboxReport`] that `serve` logs and writes to `stats.json`;
//! [`probe`] says what this kernel supports, for `miragepot check`.

use std::path::PathBuf;

/// What to restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Whether to restrict at all.
    pub enabled: bool,
    /// Paths the process may read and write beneath (the data directory first).
    pub writable: Vec<PathBuf>,
    /// Paths (files or directories) it may only read.
    pub readable: Vec<PathBuf>,
    /// Switch to this uid (and `gid`) when running as root.
    pub uid: Option<u32>,
    /// Switch to this gid when running as root (defaults to `uid`).
    pub gid: Option<u32>,
}

/// One layer's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// In force, fully.
    Enforced(String),
    /// In force, but the kernel lacks some of it.
    Partial(String),
    /// Not available here; serving goes on without it.
    Unavailable(String),
    /// Not asked for.
    Off,
}

impl Layer {
    /// Whether the layer restricts anything.
    pub fn active(&self) -> bool {
        matches!(self, Layer::Enforced(_) | Layer::Partial(_))
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Layer::Enforced(s) => write!(f, "enforced ({s})"),
            Layer::Partial(s) => write!(f, "partial ({s})"),
            Layer::Unavailable(s) => write!(f, "unavailable ({s})"),
            Layer::Off => f.write_str("off"),
        }
    }
}

/// What [`apply`] put in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxReport {
    /// The user switch.
    pub user: Layer,
    /// File access.
    pub landlock: Layer,
    /// Forbidden system calls.
    pub seccomp: Layer,
}

impl SandboxReport {
    /// All layers off.
    pub fn off() -> SandboxReport {
        SandboxReport {
            user: Layer::Off,
            landlock: Layer::Off,
            seccomp: Layer::Off,
        }
    }

    /// The report as JSON (for `stats.json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "user": self.user.to_string(),
            "landlock": self.landlock.to_string(),
            "seccomp": self.seccomp.to_string(),
        })
    }
}

/// Errors that stop the start: asked to drop root and could not.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Changing owner of the data directory or switching ids failed.
    #[error("cannot switch to uid {uid}: {source}")]
    DropRoot {
        /// The uid asked for.
        uid: u32,
        /// Why.
        source: std::io::Error,
    },
}

#[cfg(target_os = "linux")]
#[path = "sandbox_linux.rs"]
mod imp;

/// Restricts this process as `cfg` asks. Call it once, early, while the process has one
/// thread (before the store opens), after binding the listener.
pub fn apply(cfg: &SandboxConfig) -> Result<SandboxReport, SandboxError> {
    if !cfg.enabled {
        return Ok(SandboxReport::off());
    }
    #[cfg(target_os = "linux")]
    {
        imp::apply(cfg)
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok(SandboxReport {
            user: Layer::Off,
            landlock: Layer::Unavailable("not Linux".into()),
            seccomp: Layer::Unavailable("not Linux".into()),
        })
    }
}

/// What this kernel supports: (Landlock, seccomp), for `miragepot check`.
pub fn probe() -> (Layer, Layer) {
    #[cfg(target_os = "linux")]
    {
        imp::probe()
    }
    #[cfg(not(target_os = "linux"))]
    {
        (
            Layer::Unavailable("not Linux".into()),
            Layer::Unavailable("not Linux".into()),
        )
    }
}

//! The SSH front: what an attacker's SSH client talks to.
//!
//! It looks like Debian 12's OpenSSH 9.2p1 on the wire (banner, algorithm lists in OpenSSH's
//! order minus what russh lacks, auth method lists, failure delays, malformed-input answers;
//! what still differs is listed in `docs/fingerprint.md`), records everything as events, and
//! hands channels to a [`miragepot_runtime::SessionDriver`]. It holds no shell logic.
//!
//! # Layout
//! - [`ident`]: reading and judging the client's identification line, as OpenSSH does.
//! - [`kexinit`]: parsing the client's KEXINIT and computing HASSH.
//! - [`tap`]: the stream wrapper between the socket and russh (banner, replay, KEXINIT tap).
//! - [`hostkeys`]: Ed25519, ECDSA P-256 and RSA 3072 host keys, created once and persisted.
//! - `server`: the accept loop with the connection cap, grace and idle timeouts.
//! - `handler`: the russh handler: auth, channels, pty/shell/exec/env/window-change,
//!   forwarding refusals.
//! - `sftp`: SFTP uploads into the session's fake filesystem.
#![deny(missing_docs)]

pub mod hostkeys;
pub mod ident;
pub mod kexinit;
pub mod tap;

mod ask;
mod handler;
mod killable;
mod server;
mod sftp;

pub use server::{SshConfig, SshFront};

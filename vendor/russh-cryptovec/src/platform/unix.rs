//! miragepot patch: page locking is switched off on Unix.
//!
//! Upstream calls `mlock(2)` on every buffer allocation and `munlock(2)` on every
//! free, so that session keys never reach swap. For a honeypot those keys protect
//! nothing, and the two syscalls per buffer (plus a formatted error string each
//! time `RLIMIT_MEMLOCK` runs out, which happens after a few hundred sessions)
//! were about 7 % of the server's CPU per login. See docs/architecture.md.

use super::MemoryLockError;

/// No-op: memory is not locked, so there is nothing to unlock.
pub fn munlock(_ptr: *const u8, _len: usize) -> Result<(), MemoryLockError> {
    Ok(())
}

/// No-op: see the module documentation.
pub fn mlock(_ptr: *const u8, _len: usize) -> Result<(), MemoryLockError> {
    Ok(())
}

//! The global cap on concurrent connections (mini-redis's `MAX_CONNECTIONS` + semaphore).
//!
//! The accept loop asks for a permit before doing anything with a socket; without one the
//! connection is closed at once and counted, the way OpenSSH drops connections past
//! `MaxStartups`. The permit lives as long as the connection's task.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A counting cap on live connections.
#[derive(Debug, Clone)]
pub struct ConnectionLimiter {
    sem: Arc<Semaphore>,
    max: usize,
    refused: Arc<AtomicU64>,
}

impl ConnectionLimiter {
    /// A limiter allowing `max` concurrent connections.
    pub fn new(max: usize) -> Self {
        ConnectionLimiter {
            sem: Arc::new(Semaphore::new(max)),
            max,
            refused: Arc::default(),
        }
    }

    /// A permit for one more connection, or `None` (counted) when the cap is reached.
    pub fn try_acquire(&self) -> Option<OwnedSemaphorePermit> {
        match Arc::clone(&self.sem).try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Connections currently held.
    pub fn active(&self) -> usize {
        self.max.saturating_sub(self.sem.available_permits())
    }

    /// Connections refused at the cap so far.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_releases() {
        let l = ConnectionLimiter::new(2);
        let a = l.try_acquire();
        let b = l.try_acquire();
        assert!(a.is_some() && b.is_some());
        assert!(l.try_acquire().is_none());
        assert_eq!((l.active(), l.refused()), (2, 1));
        drop(a);
        assert!(l.try_acquire().is_some());
    }
}

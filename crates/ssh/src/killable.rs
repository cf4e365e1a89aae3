//! A stream the connection task can cut: [`Killable`] wraps the TCP stream under russh, and
//! [`Kill::trigger`] makes its reads end (EOF) and its writes fail, so russh ends the session
//! and drops the socket at once.
//!
//! This is how a shutdown ends sessions the way sshd's session processes end on SIGTERM:
//! no `SSH_MSG_DISCONNECT`, just the connection closing (the OpenSSH client prints
//! "Connection to HOST closed by remote host."). russh's handle can only send a disconnect
//! message, and its session task cannot be aborted from outside.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The switch, shared by the connection task and the stream.
#[derive(Debug, Default)]
pub struct Kill {
    killed: AtomicBool,
    reader: Mutex<Option<Waker>>,
}

impl Kill {
    /// Cuts the stream: a pending read wakes and sees end of file.
    pub fn trigger(&self) {
        self.killed.store(true, Ordering::Release);
        let waker = self
            .reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }
}

/// `inner`, until the kill switch is thrown.
#[derive(Debug)]
pub struct Killable<S> {
    inner: S,
    kill: Arc<Kill>,
}

impl<S> Killable<S> {
    /// Wraps `inner`; returns the stream and its switch.
    pub fn new(inner: S) -> (Self, Arc<Kill>) {
        let kill = Arc::new(Kill::default());
        (
            Killable {
                inner,
                kill: Arc::clone(&kill),
            },
            kill,
        )
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Killable<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.kill.killed() {
            return Poll::Ready(Ok(()));
        }
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if res.is_pending() {
            let mut slot = this
                .kill
                .reader
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *slot = Some(cx.waker().clone());
            }
            drop(slot);
            // Thrown between the check and the registration: do not sleep through it.
            if this.kill.killed() {
                return Poll::Ready(Ok(()));
            }
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Killable<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.killed() {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_blocked_read_ends_when_the_switch_is_thrown() {
        let (a, mut b) = tokio::io::duplex(64);
        let (mut k, kill) = Killable::new(a);
        b.write_all(b"hi").await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(k.read(&mut buf).await.unwrap(), 2);
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 8];
            let n = k.read(&mut buf).await.unwrap();
            (n, k.write_all(b"x").await.is_err())
        });
        tokio::task::yield_now().await;
        kill.trigger();
        assert_eq!(reader.await.unwrap(), (0, true), "EOF, then writes fail");
    }
}

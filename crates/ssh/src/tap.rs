//! The stream wrapper between the client socket and russh.
//!
//! Purpose: by the time russh gets the connection we have already sent the
//! banner and read the client's identification line ourselves (see
//! [`crate::ident`]).  [`KexTap`] makes that invisible to russh and, on the
//! way, captures the client's KEXINIT (its first real packet, in clear) for
//! HASSH:
//!
//! * writes: the first `skip_write` bytes russh writes (its own
//!   `server_id` + CRLF, already sent by us) are discarded and reported as
//!   written; everything after goes to the socket unchanged;
//! * reads: russh first reads `replay` (the id line + CRLF + any bytes read
//!   past it, see [`crate::ident::replay_for_russh`]), then the socket;
//! * tap: the client's packets after the identification line are followed
//!   until its KEXINIT, which is parsed and sent on the oneshot; if there is
//!   none (or it is malformed) the sender is dropped.
//!
//! OpenSSH behaviours that russh lacks and scanners see (bench
//! `malformed.*` and `kex.*` probes) are reproduced on the way, for the
//! cleartext packets up to the client's first key exchange message:
//!
//! * OpenSSH reads whatever the socket holds (up to 256 KiB) at once, so
//!   when it drops a connection over garbage no unread data is left and the
//!   kernel closes with a FIN.  russh reads exactly what it needs, so the
//!   same close became a RST.  The tap therefore reads ahead up to
//!   [`READ_AHEAD`] bytes whenever russh asks for less, and serves the
//!   surplus from memory, for the whole connection (this also halves the
//!   number of `read` syscalls, as russh reads each packet in two steps).
//! * OpenSSH drops the connection without a message when a packet's framing
//!   is wrong: length below 5 or above 256 KiB, length + 4 not a multiple of
//!   the cleartext block size 8, or padding below 4.  russh tolerates the
//!   last two.  The tap then reports EOF to russh from its next read on.
//! * A message type of 0 or >= 192 gets `DISCONNECT(2, "Invalid ssh2 packet
//!   type: N")` from OpenSSH, then the close; the tap writes it and reports
//!   EOF to russh.
//! * Before the client's KEXINIT, and after a non-strict client's KEXINIT
//!   until its first key exchange message (type 30 or 34), OpenSSH answers
//!   any other message of type 5..=191 with `UNIMPLEMENTED(seq)` and keeps
//!   waiting (IGNORE, DEBUG and UNIMPLEMENTED pass silently); russh would
//!   abort.  The tap rewrites such a message's type byte to IGNORE (russh
//!   skips it, and its sequence numbers stay in step with the client's) and
//!   writes the `UNIMPLEMENTED` packet itself, at a packet boundary of
//!   russh's output and only after russh's own KEXINIT, in OpenSSH's order.
//!   Clients that asked for strict KEX (`kex-strict-c-v00@openssh.com`) are
//!   left to russh's own strict checks once their KEXINIT is in.
//!
//! Design: after the capture (or giving up) the tap is two flag checks per
//! read and write.  Capture is bounded: at most
//! [`MAX_PACKET`](crate::kexinit::MAX_PACKET) bytes are inspected in total,
//! beyond that the tap gives up silently.  The read-ahead buffer lives on
//! the stack; only a surplus russh has not taken yet is kept on the heap,
//! and it is freed as soon as it is consumed, so an idle connection holds
//! no buffer.
//!
//! Known limits: for a packet with a valid length but padding below 4,
//! OpenSSH would send `DISCONNECT("Corrupted padlen N on input.")` before
//! closing; the tap closes without it.  The key exchange message types are
//! not matched against the negotiated method (30 and 34 both hand over).
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;

use crate::kexinit::{KexInit, MAX_PACKET, MSG_KEXINIT, parse_packet};

/// Bytes requested from the socket when russh asks for less.
pub const READ_AHEAD: usize = 16 * 1024;

/// OpenSSH's `PACKET_MAX_SIZE`.
const OPENSSH_MAX_PACKET: usize = 256 * 1024;

/// Block size of the cleartext (pre-NEWKEYS) transport.
const CLEAR_BLOCK: usize = 8;

/// `SSH_MSG_DISCONNECT`.
const MSG_DISCONNECT: u8 = 1;
/// `SSH_MSG_IGNORE`.
const MSG_IGNORE: u8 = 2;
/// `SSH_MSG_UNIMPLEMENTED`.
const MSG_UNIMPLEMENTED: u8 = 3;
/// `SSH_MSG_DEBUG`.
const MSG_DEBUG: u8 = 4;

/// Most `UNIMPLEMENTED` replies queued at once (each is 16 bytes).
const MAX_QUEUED_REPLIES: usize = 64;

/// What feeding bytes to the capture found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feed {
    /// Keep capturing.
    More,
    /// Capturing is over (the key exchange proper has started, something
    /// russh must handle came in, or the byte budget is spent).
    Done,
    /// OpenSSH would drop the connection here (bad framing, or an invalid
    /// message type after its DISCONNECT, which is queued).
    Violation,
}

/// Where the client is in the cleartext part of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the client's KEXINIT.
    PreKexinit,
    /// After a non-strict client's KEXINIT, before its first key exchange
    /// message.
    Kex,
}

/// What OpenSSH does with a message of a given type in a given phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Handled silently (IGNORE, DEBUG, UNIMPLEMENTED) or the KEXINIT
    /// itself: keep following packets.
    Follow,
    /// `kex_protocol_error()`: reply `UNIMPLEMENTED(seq)`, keep waiting.
    Unimplemented,
    /// Type 0 or >= 192: `DISCONNECT("Invalid ssh2 packet type: N")`.
    InvalidType,
    /// russh handles it (DISCONNECT, the key exchange messages).
    HandOver,
}

fn action(phase: Phase, msg: u8) -> Action {
    match (phase, msg) {
        (_, 0) | (_, 192..=u8::MAX) => Action::InvalidType,
        (_, MSG_DISCONNECT) => Action::HandOver,
        (_, MSG_IGNORE | MSG_UNIMPLEMENTED | MSG_DEBUG) => Action::Follow,
        (Phase::PreKexinit, MSG_KEXINIT) => Action::Follow,
        // KEX_ECDH_INIT / KEXDH_INIT / KEM init (30), KEX_DH_GEX_REQUEST (34).
        (Phase::Kex, 30 | 34) => Action::HandOver,
        _ => Action::Unimplemented,
    }
}

/// Capture state, dropped once the key exchange proper has started.
#[derive(Debug)]
struct Capture {
    /// The identification line's LF has gone by.
    past_id_line: bool,
    /// The current packet so far (at most `MAX_PACKET` bytes).
    buf: Vec<u8>,
    /// The client's sequence number of the current packet.
    seq: u32,
    /// Bytes inspected so far, over all packets (bounded by `MAX_PACKET`).
    seen: usize,
    /// What OpenSSH does with the current packet (known from its 6th byte).
    action: Action,
    /// Before or after the client's KEXINIT.
    phase: Phase,
    /// Where the parsed KEXINIT goes.
    tx: Option<oneshot::Sender<KexInit>>,
}

impl Capture {
    fn new(tx: oneshot::Sender<KexInit>) -> Self {
        Self {
            past_id_line: false,
            buf: Vec::new(),
            seq: 0,
            seen: 0,
            action: Action::Follow,
            phase: Phase::PreKexinit,
            tx: Some(tx),
        }
    }

    /// Feeds bytes about to be handed to russh.  May rewrite a message type
    /// byte in `bytes` and append packets of ours to `replies`.
    fn feed(&mut self, bytes: &mut [u8], replies: &mut Vec<u8>) -> Feed {
        let mut pos = 0;
        if !self.past_id_line {
            match bytes.iter().position(|&b| b == b'\n') {
                Some(lf) => {
                    self.past_id_line = true;
                    pos = lf + 1;
                }
                None => return Feed::More,
            }
        }
        while pos < bytes.len() {
            let need = match self.packet_len() {
                None => 4,
                Some(len) => len + 4,
            };
            let take = need.saturating_sub(self.buf.len()).min(bytes.len() - pos);
            if take == 0 || self.seen + take > MAX_PACKET {
                return Feed::Done;
            }
            let start = self.buf.len();
            self.buf
                .extend_from_slice(bytes.get(pos..pos + take).unwrap_or_default());
            self.seen += take;
            // The length field just completed: OpenSSH's framing rules.
            if start < 4 && self.buf.len() >= 4 {
                match self.packet_len() {
                    Some(len)
                        if (5..=OPENSSH_MAX_PACKET).contains(&len)
                            && (len + 4).is_multiple_of(CLEAR_BLOCK) => {}
                    _ => return Feed::Violation,
                }
            }
            // The message type byte (offset 5) just went by.
            if start <= 5 && self.buf.len() > 5 {
                let msg = self.buf.get(5).copied().unwrap_or_default();
                self.action = action(self.phase, msg);
                match self.action {
                    Action::Follow => {}
                    Action::HandOver => return Feed::Done,
                    Action::InvalidType => {
                        replies.extend_from_slice(&disconnect_packet(&format!(
                            "Invalid ssh2 packet type: {msg}"
                        )));
                        return Feed::Violation;
                    }
                    Action::Unimplemented => {
                        // russh skips an IGNORE of the same length, so its
                        // sequence numbers stay in step with the client's.
                        if let Some(b) = bytes.get_mut(pos + 5 - start) {
                            *b = MSG_IGNORE;
                        }
                    }
                }
            }
            pos += take;
            if self.buf.len() == need && need > 4 {
                match self.packet_done(replies) {
                    Feed::More => {}
                    other => return other,
                }
            }
        }
        Feed::More
    }

    /// The current packet's length field, once known.
    fn packet_len(&self) -> Option<usize> {
        let b: [u8; 4] = self.buf.get(..4)?.try_into().ok()?;
        usize::try_from(u32::from_be_bytes(b)).ok()
    }

    /// The current packet is complete.
    fn packet_done(&mut self, replies: &mut Vec<u8>) -> Feed {
        let is_kexinit = self.phase == Phase::PreKexinit && self.buf.get(5) == Some(&MSG_KEXINIT);
        let mut strict = false;
        if is_kexinit
            && let Some(tx) = self.tx.take()
            && let Some((kex, _)) = parse_packet(&self.buf)
        {
            strict = kex.kex.iter().any(|k| k == "kex-strict-c-v00@openssh.com");
            let _ = tx.send(kex);
        }
        if self.buf.get(4).is_some_and(|&pad| pad < 4) {
            return Feed::Violation;
        }
        if is_kexinit {
            if strict {
                // Strict KEX: russh enforces the message order itself.
                return Feed::Done;
            }
            self.phase = Phase::Kex;
        }
        if self.action == Action::Unimplemented {
            if replies.len() >= MAX_QUEUED_REPLIES * 16 {
                return Feed::Done;
            }
            replies.extend_from_slice(&unimplemented_packet(self.seq));
        }
        self.action = Action::Follow;
        self.seq = self.seq.wrapping_add(1);
        self.buf.clear();
        Feed::More
    }
}

/// OpenSSH's cleartext `SSH_MSG_UNIMPLEMENTED` packet (minimal padding of
/// zero bytes, as OpenSSH pads before encryption is on).
fn unimplemented_packet(seq: u32) -> [u8; 16] {
    let mut p = [0u8; 16];
    let [a, b, c, d] = 12u32.to_be_bytes();
    let [s0, s1, s2, s3] = seq.to_be_bytes();
    p[..10].copy_from_slice(&[a, b, c, d, 6, MSG_UNIMPLEMENTED, s0, s1, s2, s3]);
    p
}

/// OpenSSH's cleartext `SSH_MSG_DISCONNECT(PROTOCOL_ERROR, text, "")`.
fn disconnect_packet(text: &str) -> Vec<u8> {
    let text = text.as_bytes();
    let text_len = u32::try_from(text.len()).unwrap_or_default();
    let mut payload = vec![MSG_DISCONNECT];
    payload.extend_from_slice(&2u32.to_be_bytes());
    payload.extend_from_slice(&text_len.to_be_bytes());
    payload.extend_from_slice(text);
    payload.extend_from_slice(&0u32.to_be_bytes());
    let mut pad = CLEAR_BLOCK - (5 + payload.len()) % CLEAR_BLOCK;
    if pad < 4 {
        pad += CLEAR_BLOCK;
    }
    let len = u32::try_from(1 + payload.len() + pad).unwrap_or_default();
    let mut out = Vec::with_capacity(4 + 1 + payload.len() + pad);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(u8::try_from(pad).unwrap_or_default());
    out.extend_from_slice(&payload);
    out.resize(out.len() + pad, 0);
    out
}

/// A stream wrapper that swallows russh's banner write, replays the
/// client's identification line and taps the client's KEXINIT.
#[derive(Debug)]
pub struct KexTap<S> {
    inner: S,
    /// Bytes to hand to russh before reading the socket again: first the
    /// replay, later read-ahead surplus.
    pending: Vec<u8>,
    pending_pos: usize,
    skip_write: usize,
    capture: Option<Capture>,
    /// Report EOF to russh from now on (framing violation).
    eof: bool,
    /// Our own packets waiting to be written (UNIMPLEMENTED replies).
    inject: Vec<u8>,
    inject_pos: usize,
    /// russh has completed a write after the skipped banner (its KEXINIT).
    russh_wrote: bool,
    /// The last write of russh's was only partly accepted: not at a packet
    /// boundary, nothing may be injected.
    mid_write: bool,
}

impl<S> KexTap<S> {
    /// Wraps `inner`.
    ///
    /// `replay`: bytes russh must read first: the client's id line with a
    /// line ending, then the bytes already read past it (build it with
    /// [`crate::ident::replay_for_russh`]).  `skip_write`: number of bytes
    /// of russh's first writes to discard (our banner + CRLF, already
    /// sent).  The receiver yields the client's KEXINIT, or an error if
    /// there is no parsable KEXINIT.
    pub fn new(inner: S, replay: Vec<u8>, skip_write: usize) -> (Self, oneshot::Receiver<KexInit>) {
        let (tx, rx) = oneshot::channel();
        let tap = Self {
            inner,
            pending: replay,
            pending_pos: 0,
            skip_write,
            capture: Some(Capture::new(tx)),
            eof: false,
            inject: Vec::new(),
            inject_pos: 0,
            russh_wrote: false,
            mid_write: false,
        };
        (tap, rx)
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped stream, mutably (bypasses replay, skip and tap).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Whether the tap is still looking for the client's KEXINIT.
    pub fn capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// Whether the tap has cut the read side because a packet broke
    /// OpenSSH's framing rules.
    pub fn framing_violation(&self) -> bool {
        self.eof
    }

    /// Feeds bytes about to be delivered to russh to the capture.
    fn observe(&mut self, bytes: &mut [u8]) {
        let Some(c) = self.capture.as_mut() else {
            return;
        };
        match c.feed(bytes, &mut self.inject) {
            Feed::More => {}
            Feed::Done => self.capture = None,
            Feed::Violation => {
                self.capture = None;
                self.eof = true;
            }
        }
    }

    /// Hands pending bytes to russh.
    fn serve_pending(&mut self, buf: &mut ReadBuf<'_>) {
        let start = self.pending_pos;
        let n = self
            .pending
            .len()
            .saturating_sub(start)
            .min(buf.remaining());
        let mut chunk = std::mem::take(&mut self.pending);
        if let Some(slice) = chunk.get_mut(start..start + n) {
            self.observe(slice);
            buf.put_slice(slice);
        }
        self.pending = chunk;
        self.pending_pos += n;
        if self.pending_pos >= self.pending.len() {
            // Free the buffer: an idle connection holds none.
            self.pending = Vec::new();
            self.pending_pos = 0;
        }
    }
}

impl<S: AsyncWrite + Unpin> KexTap<S> {
    /// Writes queued replies if we are at a boundary of russh's output and
    /// russh has sent its KEXINIT.  `Ready(Ok)` when nothing is left queued.
    fn poll_inject(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.inject.is_empty() || !self.russh_wrote || self.mid_write {
            return Poll::Ready(Ok(()));
        }
        while self.inject_pos < self.inject.len() {
            let rest = self.inject.get(self.inject_pos..).unwrap_or_default();
            match Pin::new(&mut self.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.inject_pos += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.inject = Vec::new();
        self.inject_pos = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for KexTap<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let res = this.read_inner(cx, buf);
        if !this.inject.is_empty() {
            // Best effort; poll_write/poll_flush retry and surface errors.
            let _ = this.poll_inject(cx);
        }
        res
    }
}

impl<S: AsyncRead + Unpin> KexTap<S> {
    fn read_inner(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.eof {
            return Poll::Ready(Ok(()));
        }
        if self.pending_pos < self.pending.len() {
            self.serve_pending(buf);
            return Poll::Ready(Ok(()));
        }
        if buf.remaining() >= READ_AHEAD || buf.remaining() == 0 {
            // Large reads go straight into russh's buffer.
            let before = buf.filled().len();
            let res = Pin::new(&mut self.inner).poll_read(cx, buf);
            if self.capture.is_some()
                && let Poll::Ready(Ok(())) = res
                && let Some(new) = buf.filled_mut().get_mut(before..)
            {
                self.observe(new);
            }
            return res;
        }
        let mut ahead = [MaybeUninit::<u8>::uninit(); READ_AHEAD];
        let mut rb = ReadBuf::uninit(&mut ahead);
        match Pin::new(&mut self.inner).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) => {
                let got = rb.filled_mut();
                let n = got.len().min(buf.remaining());
                let (now, later) = got.split_at_mut(n);
                if self.capture.is_some() {
                    self.observe(now);
                }
                buf.put_slice(now);
                if !later.is_empty() {
                    self.pending = later.to_vec();
                    self.pending_pos = 0;
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for KexTap<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.skip_write > 0 {
            // Report the skipped part as written; the caller retries the rest.
            let n = this.skip_write.min(buf.len());
            this.skip_write -= n;
            return Poll::Ready(Ok(n));
        }
        if !this.inject.is_empty() {
            std::task::ready!(this.poll_inject(cx))?;
        }
        let res = Pin::new(&mut this.inner).poll_write(cx, buf);
        match res {
            Poll::Ready(Ok(n)) => {
                this.mid_write = n < buf.len();
                if !this.mid_write {
                    this.russh_wrote = true;
                }
            }
            // Nothing was accepted: the boundary state is unchanged.
            Poll::Pending | Poll::Ready(Err(_)) => {}
        }
        res
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.inject.is_empty() {
            std::task::ready!(this.poll_inject(cx))?;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.inject.is_empty() {
            std::task::ready!(this.poll_inject(cx))?;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::{OPENSSH_BANNER, replay_for_russh};
    use crate::kexinit::tests::{BENCH_LISTS, packet, payload};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn kexinit_packet() -> Vec<u8> {
        packet(&payload(&BENCH_LISTS, *b"0123456789abcdef", false))
    }

    #[tokio::test]
    async fn replays_skips_and_taps() {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let pkt = kexinit_packet();
        // The ident reader consumed the line and 10 bytes of the packet.
        let replay = replay_for_russh("SSH-2.0-OpenSSH_9.2", &pkt[..10]);
        let banner = format!("{OPENSSH_BANNER}\r\n");
        let (mut tap, rx) = KexTap::new(server, replay, banner.len());

        // russh writes its banner (in two pieces) then a packet.
        tap.write_all(&banner.as_bytes()[..5]).await.expect("w");
        let mut rest_banner = banner.as_bytes()[5..].to_vec();
        rest_banner.extend_from_slice(b"HELLO");
        tap.write_all(&rest_banner).await.expect("w");
        tap.flush().await.expect("flush");
        let mut got = [0u8; 5];
        client.read_exact(&mut got).await.expect("r");
        assert_eq!(&got, b"HELLO", "banner swallowed, rest passed through");

        // The client sends the rest of the packet in small pieces.
        for piece in pkt[10..].chunks(7) {
            client.write_all(piece).await.expect("w");
        }
        let ecdh = packet(&[30, 0, 0, 0, 1, 7]);
        client.write_all(&ecdh).await.expect("w");
        let mut all = Vec::new();
        let want = "SSH-2.0-OpenSSH_9.2\r\n".len() + pkt.len() + ecdh.len();
        let mut small = [0u8; 13];
        while all.len() < want {
            let n = tap.read(&mut small).await.expect("r");
            assert!(n > 0);
            all.extend_from_slice(&small[..n]);
        }
        let mut expected = b"SSH-2.0-OpenSSH_9.2\r\n".to_vec();
        expected.extend_from_slice(&pkt);
        expected.extend_from_slice(&ecdh);
        assert_eq!(all, expected, "russh sees exactly the client's bytes");
        let k = rx.await.expect("kexinit delivered");
        assert_eq!(k.kex[0], "curve25519-sha256");
        assert!(k.cookie_ok);
        assert!(!tap.capturing());
    }

    #[tokio::test]
    async fn messages_before_kexinit_are_answered_like_openssh() {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let mut svc = vec![5u8];
        crate::kexinit::tests::sstr(&mut svc, b"ssh-userauth");
        let svc_pkt = packet(&svc);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        // SERVICE_REQUEST (seq 0) and IGNORE (seq 1) before the KEXINIT (seq 2).
        client.write_all(&svc_pkt).await.expect("w");
        client
            .write_all(&packet(&[2, 0, 0, 0, 0]))
            .await
            .expect("w");
        let mut got = vec![0u8; 11 + svc_pkt.len() + 16];
        tap.read_exact(&mut got).await.expect("r");
        // russh sees an IGNORE with the same length: sequence numbers stay.
        assert_eq!(got[11 + 5], 2, "type byte rewritten to IGNORE");
        assert_eq!(&got[11 + 6..11 + svc_pkt.len()], &svc_pkt[6..]);
        assert!(tap.capturing());
        // The reply waits for russh's own first packet, then follows it.
        tap.write_all(b"RUSSH-KEXINIT").await.expect("w");
        tap.flush().await.expect("flush");
        let mut out = [0u8; 13 + 16];
        client.read_exact(&mut out).await.expect("r");
        assert_eq!(&out[..13], b"RUSSH-KEXINIT");
        assert_eq!(&out[13..], &unimplemented_packet(0));
        assert_eq!(&out[13..23], &[0, 0, 0, 12, 6, 3, 0, 0, 0, 0]);
        // The KEXINIT still gets fingerprinted.
        let pkt = kexinit_packet();
        client.write_all(&pkt).await.expect("w");
        let mut k = vec![0u8; pkt.len()];
        tap.read_exact(&mut k).await.expect("r");
        assert_eq!(k, pkt);
        assert!(rx.await.is_ok());
        assert!(
            tap.capturing(),
            "non-strict: follows the kex until ECDH_INIT"
        );
    }

    #[tokio::test]
    async fn disconnect_first_is_left_to_russh() {
        let (mut client, server) = tokio::io::duplex(4096);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        let pkt = packet(&[1u8, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0]);
        client.write_all(&pkt).await.expect("w");
        let mut got = vec![0u8; 11 + pkt.len()];
        tap.read_exact(&mut got).await.expect("r");
        assert_eq!(&got[11..], &pkt[..], "delivered unchanged");
        assert!(!tap.capturing());
        assert!(rx.await.is_err());
    }

    /// Drives a tap as russh would: read the id and `n` bytes, write a
    /// KEXINIT, flush; returns what the client received after it.
    async fn russh_like(
        client_sends: &[&[u8]],
        n: usize,
    ) -> (KexTap<tokio::io::DuplexStream>, Vec<u8>) {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let (mut tap, _rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        tap.write_all(b"K").await.expect("w");
        tap.flush().await.expect("flush");
        for part in client_sends {
            client.write_all(part).await.expect("w");
        }
        let mut got = vec![0u8; 11 + n];
        tap.read_exact(&mut got).await.expect("r");
        tap.flush().await.expect("flush");
        let mut out = Vec::new();
        let mut buf = [0u8; 256];
        while let Ok(Ok(k)) =
            tokio::time::timeout(std::time::Duration::from_millis(50), client.read(&mut buf)).await
        {
            if k == 0 {
                break;
            }
            out.extend_from_slice(&buf[..k]);
        }
        (tap, out)
    }

    #[tokio::test]
    async fn invalid_type_gets_openssh_disconnect() {
        let bad = packet(&[200u8, 0]);
        let (mut tap, out) = russh_like(&[&bad], bad.len()).await;
        let text = b"Invalid ssh2 packet type: 200";
        assert_eq!(out[0], b'K');
        assert_eq!(out[1 + 5], 1, "DISCONNECT");
        assert_eq!(&out[1 + 6..1 + 10], &2u32.to_be_bytes());
        assert_eq!(&out[1 + 14..1 + 14 + text.len()], text);
        assert_eq!((out.len() - 1) % 8, 0);
        assert!(tap.framing_violation());
        let mut b = [0u8; 4];
        assert_eq!(tap.read(&mut b).await.expect("eof"), 0);
    }

    #[tokio::test]
    async fn messages_during_non_strict_kex_get_unimplemented() {
        let kexinit = kexinit_packet();
        let mut svc = vec![5u8];
        crate::kexinit::tests::sstr(&mut svc, b"ssh-userauth");
        let svc = packet(&svc);
        let newkeys = packet(&[21]);
        let ecdh = packet(&[30, 0, 0, 0, 1, 9]);
        let n = kexinit.len() + svc.len() + newkeys.len() + ecdh.len();
        let (tap, out) = russh_like(&[&kexinit, &svc, &newkeys, &ecdh], n).await;
        let mut want = b"K".to_vec();
        want.extend_from_slice(&unimplemented_packet(1));
        want.extend_from_slice(&unimplemented_packet(2));
        assert_eq!(out, want);
        assert!(!tap.capturing(), "handed over at the ECDH_INIT");

        // A strict client is left to russh after its KEXINIT.
        let mut lists = BENCH_LISTS;
        lists[0] = "curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com";
        let strict = packet(&payload(&lists, *b"0123456789abcdef", false));
        let n = strict.len() + svc.len();
        let (tap, out) = russh_like(&[&strict, &svc], n).await;
        assert_eq!(out, b"K");
        assert!(!tap.capturing());
    }

    #[tokio::test]
    async fn oversized_length_gives_up_without_buffering() {
        let (mut client, server) = tokio::io::duplex(4096);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        client.write_all(b"\xff\xff\xff\xf0").await.expect("w");
        client.write_all(&[0u8; 60]).await.expect("w");
        let mut buf = [0u8; 128];
        let mut total = 0;
        while total < 11 + 64 {
            total += tap.read(&mut buf).await.expect("r");
        }
        assert!(!tap.capturing());
        assert!(rx.await.is_err());
    }

    /// Reads from the tap until it reports EOF (bounded).
    async fn read_to_eof(tap: &mut KexTap<tokio::io::DuplexStream>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 9];
        loop {
            let n = tokio::time::timeout(std::time::Duration::from_secs(2), tap.read(&mut buf))
                .await
                .expect("no hang")
                .expect("read");
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
            assert!(out.len() < 100_000);
        }
    }

    #[tokio::test]
    async fn openssh_framing_violations_cut_the_read_side() {
        // Length not a multiple of 8 (bench malformed.padding_lt_4).
        let p = payload(&BENCH_LISTS, *b"0123456789abcdef", false);
        let mut bad = (u32::try_from(p.len() + 2).expect("len"))
            .to_be_bytes()
            .to_vec();
        bad.push(1);
        bad.extend_from_slice(&p);
        bad.push(0);
        assert_ne!(bad.len() % 8, 0);
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        client.write_all(&bad).await.expect("w");
        let got = read_to_eof(&mut tap).await;
        assert!(got.len() < 11 + bad.len(), "cut before the whole packet");
        assert!(tap.framing_violation());
        assert!(rx.await.is_err());

        // Aligned length but padding below 4: the KEXINIT is still
        // fingerprinted, then the read side is cut.
        let pad = 2;
        let mut p = p.clone();
        while !(5 + p.len() + pad).is_multiple_of(8) {
            p.push(0); // trailing payload bytes, ignored by the parser
        }
        let mut short_pad = u32::try_from(1 + p.len() + pad)
            .expect("len")
            .to_be_bytes()
            .to_vec();
        short_pad.push(u8::try_from(pad).expect("pad"));
        short_pad.extend_from_slice(&p);
        short_pad.extend(std::iter::repeat_n(0, pad));
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        client.write_all(&short_pad).await.expect("w");
        client.write_all(b"more").await.expect("w");
        let _ = read_to_eof(&mut tap).await;
        assert!(tap.framing_violation());
        assert_eq!(rx.await.expect("kexinit").kex[0], "curve25519-sha256");

        // Zero and oversized lengths.
        for head in [&b"\x00\x00\x00\x00"[..], b"\xff\xff\xff\xf0"] {
            let (mut client, server) = tokio::io::duplex(4096);
            let (mut tap, _rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
            client.write_all(head).await.expect("w");
            client.write_all(&[0u8; 60]).await.expect("w");
            let _ = read_to_eof(&mut tap).await;
            assert!(tap.framing_violation());
        }

        // A well-formed packet is not a violation.
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let (mut tap, rx) = KexTap::new(server, b"SSH-2.0-x\r\n".to_vec(), 0);
        client.write_all(&kexinit_packet()).await.expect("w");
        drop(client);
        let got = read_to_eof(&mut tap).await;
        assert_eq!(got.len(), 11 + kexinit_packet().len());
        assert!(!tap.framing_violation());
        assert!(rx.await.is_ok());
    }

    #[tokio::test]
    async fn small_reads_drain_the_socket_ahead() {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let (mut tap, _rx) = KexTap::new(server, Vec::new(), 0);
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        client.write_all(&data).await.expect("w");
        let mut four = [0u8; 4];
        tap.read_exact(&mut four).await.expect("r");
        assert_eq!(&four, &data[..4]);
        // Everything the peer sent has left the transport.
        assert_eq!(tap.pending.len() - tap.pending_pos, 4996);
        let mut rest = vec![0u8; 4996];
        tap.read_exact(&mut rest).await.expect("r");
        assert_eq!(rest, &data[4..]);
        assert!(tap.pending.is_empty() && tap.pending.capacity() == 0);
    }

    /// A russh handler that rejects every authentication attempt.
    #[tokio::test]
    async fn stream_is_byte_exact_with_mixed_read_sizes() {
        let (mut client, server) = tokio::io::duplex(8 * 1024);
        let kexinit = kexinit_packet();
        let ecdh = packet(&[30, 0, 0, 0, 1, 9]);
        let mut data = b"SSH-2.0-x\r\n".to_vec();
        data.extend_from_slice(&kexinit);
        data.extend_from_slice(&ecdh);
        let mut x: u32 = 12345;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            data.push((x >> 16) as u8);
        }
        let (mut tap, rx) = KexTap::new(server, data[..11].to_vec(), 0);
        let sent = data[11..].to_vec();
        let writer = tokio::spawn(async move {
            let mut y: usize = 7;
            let mut at = 0;
            while at < sent.len() {
                y = (y * 31 + 17) % 9000 + 1;
                let end = (at + y).min(sent.len());
                client.write_all(&sent[at..end]).await.expect("w");
                at = end;
            }
        });
        let mut got = Vec::new();
        let mut z: usize = 3;
        let mut big = vec![0u8; READ_AHEAD + 100];
        while got.len() < data.len() {
            z = (z * 17 + 5) % 40_000 + 1;
            let want = z.min(big.len());
            let n = tap.read(&mut big[..want]).await.expect("r");
            assert!(n > 0);
            got.extend_from_slice(&big[..n]);
        }
        writer.await.expect("writer");
        assert_eq!(got, data);
        assert!(rx.await.is_ok());
        assert!(!tap.capturing());
    }

    #[tokio::test]
    async fn zero_skip_and_eof() {
        let (client, server) = tokio::io::duplex(64);
        let (mut tap, rx) = KexTap::new(server, Vec::new(), 0);
        drop(client);
        let mut buf = [0u8; 8];
        assert_eq!(tap.read(&mut buf).await.expect("eof"), 0);
        drop(tap);
        assert!(rx.await.is_err());
    }
}

//! Settling a held line's LLM question off the connection's protocol loop.
//!
//! A russh handler must not wait for a model: the connection would stop answering its
//! keepalives and window adjustments. When the session returns [`Output::ask`], the handler
//! sends what the session printed so far and spawns [`settle`], which asks the LLM service
//! (bounded by its deadline), hands the answer to the session, and sends the result through
//! the connection's [`Handle`]. Input and end-of-input that arrive meanwhile wait in the
//! connection state (`deferred`) and are fed by the task once its output is queued, so
//! everything reaches the client in the order a real shell would print it (the handle's
//! messages and the handler's direct writes are two paths). If the session is gone by then,
//! the answer is dropped.

use miragepot_event::EndReason;
use miragepot_runtime::Output;
use miragepot_runtime::llm::Pending;
use russh::ChannelId;
use russh::server::Handle;

use crate::handler::{SharedConn, lock};

/// Input that waits while an LLM question is settled.
#[derive(Debug)]
pub enum Deferred {
    /// Bytes on a channel.
    Data(Vec<u8>),
    /// End of input on a pty-less channel.
    Eof,
}

/// Bytes of input held while a question is settled; more is dropped (the shell would hold
/// no more either).
pub const MAX_DEFERRED: usize = 1 << 20;

/// Keeps `item` for the settling task when one runs; false when none does (the caller
/// handles it at once).
pub(crate) fn defer(conn: &SharedConn, channel: ChannelId, item: Deferred) -> bool {
    let mut st = lock(conn);
    if !st.llm_busy {
        return false;
    }
    let n = match &item {
        Deferred::Data(b) => b.len(),
        Deferred::Eof => 0,
    };
    if st.deferred_bytes.saturating_add(n) <= MAX_DEFERRED {
        st.deferred_bytes += n;
        st.deferred.push_back((channel, item));
    }
    true
}

/// The next deferred input, or `None` after marking the connection idle (under one lock, so
/// no input slips between the check and the flag).
fn next_deferred(conn: &SharedConn) -> Option<(ChannelId, Deferred)> {
    let mut st = lock(conn);
    match st.deferred.pop_front() {
        Some((ch, item)) => {
            if let Deferred::Data(b) = &item {
                st.deferred_bytes = st.deferred_bytes.saturating_sub(b.len());
            }
            Some((ch, item))
        }
        None => {
            st.llm_busy = false;
            None
        }
    }
}

/// Starts settling `pending` for `channel` in its own task.
pub(crate) fn spawn(conn: SharedConn, channel: ChannelId, pending: Pending) {
    tokio::spawn(settle(conn, channel, pending));
}

async fn settle(conn: SharedConn, mut channel: ChannelId, mut pending: Pending) {
    'ask: loop {
        let (service, handle) = {
            let st = lock(&conn);
            let service = st.driver.as_ref().and_then(|d| d.services().llm.clone());
            (service, st.handle.clone())
        };
        let (Some(service), Some(handle)) = (service, handle) else {
            lock(&conn).llm_busy = false;
            return;
        };
        let settled = service.resolve(pending).await;
        let out = {
            let mut st = lock(&conn);
            match st.driver.as_mut() {
                Some(d) => d.resume(settled),
                None => {
                    st.llm_busy = false;
                    return;
                }
            }
        };
        let next = out.ask.clone();
        if send(&conn, &handle, channel, out).await.is_err() {
            lock(&conn).llm_busy = false;
            return;
        }
        if let Some(p) = next {
            pending = p;
            continue;
        }
        while let Some((ch, item)) = next_deferred(&conn) {
            let out = {
                let mut st = lock(&conn);
                let Some(d) = st.driver.as_mut() else {
                    st.llm_busy = false;
                    return;
                };
                match item {
                    Deferred::Data(b) => d.data(&b),
                    Deferred::Eof => d.stdin_eof(),
                }
            };
            let next = out.ask.clone();
            if send(&conn, &handle, ch, out).await.is_err() {
                lock(&conn).llm_busy = false;
                return;
            }
            if let Some(p) = next {
                (channel, pending) = (ch, p);
                continue 'ask;
            }
        }
        return;
    }
}

/// Sends `out` through the connection handle, as the handler's own `send` would.
async fn send(conn: &SharedConn, h: &Handle, channel: ChannelId, out: Output) -> Result<(), ()> {
    if !out.delay.is_zero() {
        tokio::time::sleep(out.delay).await;
    }
    if !out.out.is_empty() {
        h.data(channel, out.out).await.map_err(|_| ())?;
    }
    if !out.err.is_empty() {
        h.extended_data(channel, 1, out.err).await.map_err(|_| ())?;
    }
    if let Some(code) = out.exit {
        h.exit_status_request(channel, u32::try_from(code & 0xff).unwrap_or(255))
            .await?;
        h.eof(channel).await?;
        h.close(channel).await?;
        lock(conn).end_reason.get_or_insert(EndReason::ShellExit);
    }
    if let Some(reason) = out.end {
        lock(conn).end_reason = Some(reason);
        h.disconnect(
            russh::Disconnect::ByApplication,
            String::new(),
            String::new(),
        )
        .await
        .map_err(|_| ())?;
    }
    Ok(())
}

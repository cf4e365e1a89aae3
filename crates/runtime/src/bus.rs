//! The event bus: a bounded queue in front of a dispatcher that fans events out to sinks.
//!
//! [`EventBus::publish`] never waits: when the queue is full the event is dropped and counted
//! in [`BusStats::dropped`]. What the bus accepted reaches every sink: the dispatcher awaits
//! each sink's bounded queue, so a slow sink slows only the dispatcher (and, once the bus
//! fills, causes counted drops at the door), never a session.
//!
//! Shutdown: drop every [`EventBus`] clone (sessions end first), then await
//! [`Pipeline::finish`], which drains the bus, closes the sink queues and waits for each sink
//! to flush.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use miragepot_event::Event;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

/// A destination for events. Each sink runs as its own task and must drain `rx` until it
/// closes, then flush and return.
#[async_trait]
pub trait Sink: Send + 'static {
    /// A short name for logs (`store`, `jsonl`).
    fn name(&self) -> &'static str;
    /// Consumes events until the queue closes.
    async fn run(self: Box<Self>, rx: mpsc::Receiver<Event>, stats: Arc<BusStats>);
}

/// Counters of the event pipeline, shared by the bus, the dispatcher and the sinks.
#[derive(Debug, Default)]
pub struct BusStats {
    /// Events accepted onto the bus.
    pub accepted: AtomicU64,
    /// Events dropped because the bus was full.
    pub dropped: AtomicU64,
    /// Events handed to sinks by the dispatcher (per sink).
    pub dispatched: AtomicU64,
    /// Events the sinks reported written (all sinks together).
    pub written: AtomicU64,
    /// Events a sink failed to write after retries (all sinks together).
    pub sink_failed: AtomicU64,
}

impl BusStats {
    /// A plain snapshot for logs and `miragepot check`.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "accepted": self.accepted.load(Ordering::Relaxed),
            "dropped": self.dropped.load(Ordering::Relaxed),
            "dispatched": self.dispatched.load(Ordering::Relaxed),
            "written": self.written.load(Ordering::Relaxed),
            "sink_failed": self.sink_failed.load(Ordering::Relaxed),
        })
    }
}

/// The sending side handed to sessions. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: mpsc::Sender<Event>,
    stats: Arc<BusStats>,
    live: broadcast::Sender<Arc<Event>>,
}

impl EventBus {
    /// Offers an event. Never waits; a full queue drops it and counts the drop.
    pub fn publish(&self, event: Event) {
        match self.tx.try_send(event) {
            Ok(()) => {
                self.stats.accepted.fetch_add(1, Ordering::Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(ev)) => {
                let n = self.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(
                        dropped = n,
                        kind = ev.type_name(),
                        "Event bus full; dropping events."
                    );
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.stats.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The pipeline counters.
    pub fn stats(&self) -> &Arc<BusStats> {
        &self.stats
    }

    /// A live feed of accepted events (for the dashboard); lagging receivers miss events.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.live.subscribe()
    }
}

/// The running dispatcher and sink tasks.
#[derive(Debug)]
pub struct Pipeline {
    dispatcher: JoinHandle<()>,
    close: Option<tokio::sync::oneshot::Sender<()>>,
    sinks: Vec<(&'static str, JoinHandle<()>)>,
    stats: Arc<BusStats>,
}

impl Pipeline {
    /// Starts the dispatcher and one task per sink. `capacity` bounds the bus; each sink queue
    /// holds `sink_capacity` events.
    pub fn start(
        sinks: Vec<Box<dyn Sink>>,
        capacity: usize,
        sink_capacity: usize,
    ) -> (EventBus, Pipeline) {
        let stats = Arc::new(BusStats::default());
        let (tx, mut rx) = mpsc::channel::<Event>(capacity.max(1));
        let (live, _) = broadcast::channel(1024);
        let mut senders = Vec::new();
        let mut tasks = Vec::new();
        for sink in sinks {
            let (stx, srx) = mpsc::channel(sink_capacity.max(1));
            let name = sink.name();
            let st = Arc::clone(&stats);
            tasks.push((name, tokio::spawn(sink.run(srx, st))));
            senders.push((name, stx));
        }
        let st = Arc::clone(&stats);
        let live_tx = live.clone();
        let (close_tx, mut close_rx) = tokio::sync::oneshot::channel::<()>();
        let dispatcher = tokio::spawn(async move {
            let mut closing = false;
            loop {
                let ev = tokio::select! {
                    ev = rx.recv() => ev,
                    _ = &mut close_rx, if !closing => {
                        // Refuse new events (they count as dropped), then drain what was accepted.
                        closing = true;
                        rx.close();
                        continue;
                    }
                };
                let Some(ev) = ev else { break };
                let ev = Arc::new(ev);
                for (name, s) in &senders {
                    if s.send((*ev).clone()).await.is_err() {
                        st.sink_failed.fetch_add(1, Ordering::Relaxed);
                        tracing::error!(
                            sink = name,
                            "Sink stopped; an event could not be delivered."
                        );
                    } else {
                        st.dispatched.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let _ = live_tx.send(ev);
            }
        });
        (
            EventBus {
                tx,
                stats: Arc::clone(&stats),
                live,
            },
            Pipeline {
                dispatcher,
                close: Some(close_tx),
                sinks: tasks,
                stats,
            },
        )
    }

    /// The pipeline counters.
    pub fn stats(&self) -> &Arc<BusStats> {
        &self.stats
    }

    /// Stops accepting events, waits until every accepted event has been handed to the sinks,
    /// and waits for every sink to flush. Events published after this count as dropped.
    pub async fn finish(mut self) {
        if let Some(c) = self.close.take() {
            let _ = c.send(());
        }
        if let Err(e) = self.dispatcher.await {
            tracing::error!(error = %e, "Event dispatcher failed.");
        }
        for (name, task) in self.sinks {
            if let Err(e) = task.await {
                tracing::error!(sink = name, error = %e, "Sink task failed.");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miragepot_event::{EventKind, SessionContext, SessionId};
    use std::sync::Mutex;
    use time::OffsetDateTime;

    struct Collect(Arc<Mutex<Vec<Event>>>, std::time::Duration);

    #[async_trait]
    impl Sink for Collect {
        fn name(&self) -> &'static str {
            "collect"
        }
        async fn run(self: Box<Self>, mut rx: mpsc::Receiver<Event>, stats: Arc<BusStats>) {
            while let Some(ev) = rx.recv().await {
                tokio::time::sleep(self.1).await;
                self.0.lock().unwrap().push(ev);
                stats.written.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn ev(i: u32) -> Event {
        let ctx = SessionContext {
            sensor: "t".into(),
            session: SessionId::new_at(OffsetDateTime::UNIX_EPOCH),
            src_ip: "127.0.0.1".parse().unwrap(),
            src_port: 1,
        };
        ctx.event(
            OffsetDateTime::UNIX_EPOCH,
            EventKind::WindowChange { cols: i, rows: 1 },
        )
    }

    #[tokio::test]
    async fn accepted_events_all_arrive_and_overflow_is_counted() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let slow = Box::new(Collect(
            Arc::clone(&got),
            std::time::Duration::from_millis(1),
        ));
        let (bus, pipe) = Pipeline::start(vec![slow], 16, 4);
        for i in 0..1000 {
            bus.publish(ev(i));
        }
        let stats = Arc::clone(bus.stats());
        pipe.finish().await;
        bus.publish(ev(5000));
        let accepted = stats.accepted.load(Ordering::Relaxed);
        let dropped = stats.dropped.load(Ordering::Relaxed);
        assert_eq!(
            accepted + dropped,
            1001,
            "a publish after finish counts as dropped"
        );
        assert!(
            dropped > 0,
            "publish must not wait for a slow sink: it drops and counts"
        );
        assert_eq!(
            got.lock().unwrap().len() as u64,
            accepted,
            "every accepted event arrives"
        );
    }
}

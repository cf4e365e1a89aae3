//! The response cache: every accepted LLM answer, shared by all sessions of a persona and
//! kept in the store, so the same question gets the same answer everywhere and after restarts.
//!
//! In memory it is a map from key to answer that the shell reads while a line runs
//! ([`Oracle`]), so a cache hit costs a hash and a map lookup, no await. The key is the
//! SHA-256 of the persona name and the shell's key material (program, arguments, cwd, the
//! state of the files it names; or a file path). New answers and hit counts reach the store
//! through one writer task with a bounded queue: a full queue drops the write (counted), never
//! a session's time. At start the most recently used answers are loaded back.
//!
//! Known limits: past `max_entries` new answers are still shown and stored but not kept in
//! memory, so after a restart the most recently used `max_entries` come back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use miragepot_shell::Oracle;
use miragepot_store::{CacheRow, Store};
use sha2::Digest;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::lock;

/// Queued cache writes before new ones are dropped.
const QUEUE: usize = 1024;

/// How often hit counts are written to the store.
const HIT_FLUSH: Duration = Duration::from_secs(30);

/// The shared answers of one persona.
#[derive(Debug)]
pub struct AnswerCache {
    persona: String,
    max_entries: usize,
    map: RwLock<HashMap<String, Arc<str>>>,
    hits: Mutex<HashMap<String, (u64, OffsetDateTime)>>,
    tx: Mutex<Option<mpsc::Sender<CacheRow>>>,
    /// Store writes dropped because the queue was full.
    pub dropped: AtomicU64,
    /// Lookups answered.
    pub hit_count: AtomicU64,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The store key of `material` (the shell's key) for `persona`: lowercase hex SHA-256.
pub fn cache_key(persona: &str, material: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(persona.as_bytes());
    h.update([0x1f]);
    h.update(material.as_bytes());
    hex::encode(h.finalize())
}

impl AnswerCache {
    /// An empty cache for `persona`, holding at most `max_entries` answers in memory.
    pub fn new(persona: &str, max_entries: usize) -> AnswerCache {
        AnswerCache {
            persona: persona.to_string(),
            max_entries,
            map: RwLock::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            tx: Mutex::new(None),
            dropped: AtomicU64::new(0),
            hit_count: AtomicU64::new(0),
        }
    }

    /// The persona whose answers these are.
    pub fn persona(&self) -> &str {
        &self.persona
    }

    /// Answers held in memory.
    pub fn len(&self) -> usize {
        read(&self.map).len()
    }

    /// Whether no answer is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Loads the most recently used answers of this persona from `store`.
    pub async fn load(&self, store: &Store) -> Result<usize, miragepot_store::StoreError> {
        let limit = u32::try_from(self.max_entries).unwrap_or(u32::MAX);
        let rows = store.llm_answers(Some(&self.persona), limit).await?;
        let mut map = write(&self.map);
        for r in rows {
            map.insert(r.key, Arc::from(r.answer));
        }
        Ok(map.len())
    }

    /// Keeps an accepted answer: in memory (room permitting) and, through the writer task,
    /// in the store.
    pub fn insert(&self, row: CacheRow) {
        {
            let mut map = write(&self.map);
            if map.len() < self.max_entries || map.contains_key(&row.key) {
                map.insert(row.key.clone(), Arc::from(row.answer.as_str()));
            }
        }
        let tx = lock(&self.tx).clone();
        if let Some(tx) = tx
            && tx.try_send(row).is_err()
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Starts the task that writes new answers and hit counts to `store`. It ends when
    /// [`AnswerCache::close`] is called, after writing what is queued.
    pub fn spawn_writer(self: &Arc<Self>, store: Store) -> tokio::task::JoinHandle<()> {
        let (tx, mut rx) = mpsc::channel::<CacheRow>(QUEUE);
        *lock(&self.tx) = Some(tx);
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HIT_FLUSH);
            tick.tick().await;
            loop {
                tokio::select! {
                    row = rx.recv() => match row {
                        Some(row) => {
                            if let Err(e) = store.put_llm_answer(&row).await {
                                tracing::warn!(error = %e, "LLM answer not stored.");
                            }
                        }
                        None => break,
                    },
                    _ = tick.tick() => me.flush_hits(&store).await,
                }
            }
            me.flush_hits(&store).await;
        })
    }

    async fn flush_hits(&self, store: &Store) {
        let hits: Vec<(String, u64, OffsetDateTime)> = lock(&self.hits)
            .drain()
            .map(|(k, (n, t))| (k, n, t))
            .collect();
        if !hits.is_empty()
            && let Err(e) = store.touch_llm_answers(&hits).await
        {
            tracing::warn!(error = %e, "LLM cache hit counts not stored.");
        }
    }

    /// Stops taking store writes; the writer task drains its queue and ends.
    pub fn close(&self) {
        lock(&self.tx).take();
    }
}

impl Oracle for AnswerCache {
    fn answer(&self, material: &str) -> Option<Arc<str>> {
        let key = cache_key(&self.persona, material);
        let found = read(&self.map).get(&key).cloned()?;
        self.hit_count.fetch_add(1, Ordering::Relaxed);
        let mut hits = lock(&self.hits);
        if hits.len() < self.max_entries {
            let e = hits.entry(key).or_insert((0, OffsetDateTime::UNIX_EPOCH));
            e.0 += 1;
            e.1 = OffsetDateTime::now_utc();
        }
        Some(found)
    }
}

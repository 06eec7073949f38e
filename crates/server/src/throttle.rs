//! Login throttling: exponential back-off per account and per client address.
//!
//! After `free` failed logins a key (an account name, or a client address) must wait
//! `base · 2^(failures − free)`, at most `max`, before the next attempt is even verified; a
//! refused attempt answers 429 with `Retry-After` and costs no password hash. A successful login
//! clears its account's count, not its address's (else one valid account would let an address
//! guess others' passwords without limit). Failures are forgotten `max` after the last one.
//! The table holds at most `cap` keys (expired ones are dropped first, then the oldest), so
//! clients cannot grow it without bound.
//!
//! Behind a reverse proxy every client has the proxy's address: the per-address limit then
//! applies to everyone together, and the per-account limit still holds.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The back-off of one kind of key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// Failures allowed before the first wait.
    pub free: u32,
    /// The first wait.
    pub base: Duration,
    /// The longest wait.
    pub max: Duration,
}

/// Per account: five tries, then 1 s, 2 s, 4 s, … up to 15 minutes.
pub(crate) const ACCOUNT: Policy =
    Policy { free: 5, base: Duration::from_secs(1), max: Duration::from_secs(900) };
/// Per client address: more room (several people may share an address), the same back-off.
pub(crate) const ADDRESS: Policy =
    Policy { free: 20, base: Duration::from_secs(1), max: Duration::from_secs(900) };

struct Entry {
    failures: u32,
    until: Instant,
    last: Instant,
}

/// Failed logins by key.
pub(crate) struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
    cap: usize,
}

impl Throttle {
    pub(crate) fn new(cap: usize) -> Throttle {
        Throttle { entries: Mutex::new(HashMap::new()), cap }
    }

    /// Only counter updates run under this lock; nothing in them can leave an entry half-made.
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long the caller must still wait before keys `keys` may try again (the longest of
    /// them), if at all.
    pub(crate) fn wait(&self, keys: &[(&str, Policy)]) -> Option<Duration> {
        let now = Instant::now();
        let entries = self.entries();
        keys.iter()
            .filter_map(|(k, _)| entries.get(*k))
            .filter(|e| e.until > now)
            .map(|e| e.until - now)
            .max()
    }

    /// Records a failed attempt for each key.
    pub(crate) fn failed(&self, keys: &[(&str, Policy)]) {
        let now = Instant::now();
        let mut entries = self.entries();
        if entries.len() + keys.len() > self.cap {
            entries.retain(|_, e| e.until > now || now.duration_since(e.last) < ACCOUNT.max);
            while entries.len() + keys.len() > self.cap {
                let Some(oldest) =
                    entries.iter().min_by_key(|(_, e)| e.last).map(|(k, _)| k.clone())
                else {
                    break;
                };
                entries.remove(&oldest);
            }
        }
        for (key, policy) in keys {
            let e = entries.entry((*key).to_string()).or_insert(Entry {
                failures: 0,
                until: now,
                last: now,
            });
            if now.duration_since(e.last) > policy.max {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last = now;
            if e.failures >= policy.free {
                let doublings = (e.failures - policy.free).min(20);
                e.until = now + policy.base.saturating_mul(1 << doublings).min(policy.max);
            }
        }
    }

    /// Clears a key after a successful login.
    pub(crate) fn succeeded(&self, key: &str) {
        self.entries().remove(key);
    }
}

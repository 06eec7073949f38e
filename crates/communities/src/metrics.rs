//! The reference implementation of the version-1 metrics (`docs/communities.md`), for roster
//! communities. Plain loops and maps: the engines are checked against this, not the reverse.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::dump::Edit;

/// Version of the definitions implemented here.
pub const DEFINITIONS_VERSION: u32 = 1;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// An edit reverted within this many seconds does not survive.
pub const SURVIVAL_SECS: i64 = 2 * DAY;
/// File namespace.
pub const FILE_NAMESPACE: i64 = 6;

/// Who and what a community is made of.
#[derive(Clone, Debug)]
pub enum Members {
    /// User ids on a roster (ids, not names: renames do not split a person); their edits count.
    Roster(BTreeSet<i64>),
    /// Edits whose summary contains the hashtag (`#wlm2026`, case-insensitive); their editors
    /// are the participants.
    Hashtag(String),
    /// Edits carrying the edit tag (e.g. `campaign-wlm`).
    Tag(String),
}

/// A community on one wiki, in a window `[start, end)`.
#[derive(Clone, Debug)]
pub struct Community {
    /// Id.
    pub id: String,
    /// Wiki.
    pub wiki: String,
    /// Who belongs, or which edits.
    pub members: Members,
    /// Window start (seconds since 1970).
    pub start: i64,
    /// Window end, exclusive.
    pub end: i64,
    /// What it cost, if known.
    pub cost: Option<f64>,
}

/// Second-month retention of a community's new contributors.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Retention {
    /// New contributors whose window can be observed.
    pub observed: usize,
    /// Of those, retained.
    pub retained: usize,
    /// New contributors whose window ends after the coverage date: not yet observable.
    pub pending: usize,
}

impl Retention {
    /// The share, when anyone could be observed.
    pub fn share(&self) -> Option<f64> {
        (self.observed > 0).then(|| self.retained as f64 / self.observed as f64)
    }
}

/// The metrics of one community.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Distinct people on the roster who edited in the window.
    pub participants: usize,
    /// Participants registered inside the window.
    pub new_contributors: usize,
    /// Their edits in the window.
    pub edits: usize,
    /// Sum of positive size changes.
    pub bytes_added: i64,
    /// Sum of negative size changes, as a positive number.
    pub bytes_removed: i64,
    /// Pages created.
    pub pages_created: usize,
    /// Files created (page creations in the File namespace).
    pub files_created: usize,
    /// Share of edits not reverted within 48 hours (`None` without edits).
    pub surviving: Option<f64>,
    /// Second-month retention of new contributors.
    pub retention: Retention,
    /// Cost per retained new contributor: `None` when none was retained or some are pending.
    pub cost_per_retained: Option<f64>,
}

fn in_community(e: &Edit, c: &Community) -> bool {
    if e.bot || e.wiki != c.wiki || e.at < c.start || e.at >= c.end {
        return false;
    }
    let Some(u) = e.user else { return false };
    match &c.members {
        Members::Roster(ids) => ids.contains(&u),
        Members::Hashtag(tag) => has_hashtag(&e.comment, tag),
        Members::Tag(tag) => e.tags.iter().any(|t| t == tag),
    }
}

/// Whether `comment` contains `#tag` as a whole word (case-insensitive): `#wlm2026` matches
/// "photos for #WLM2026!" but not "#wlm20267".
pub fn has_hashtag(comment: &str, tag: &str) -> bool {
    let tag = tag.trim_start_matches('#').to_lowercase();
    let lower = comment.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let word: String =
            after.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
        if word == tag {
            return true;
        }
        rest = after;
    }
    false
}

/// Computes a community's metrics from every edit of its wiki, with data complete up to
/// `coverage_end` (seconds, exclusive).
pub fn metrics(all: &[Edit], c: &Community, coverage_end: i64) -> Metrics {
    let mine: Vec<&Edit> = all.iter().filter(|e| in_community(e, c)).collect();
    let mut m = Metrics { edits: mine.len(), ..Metrics::default() };
    let mut first: BTreeMap<i64, (i64, Option<i64>)> = BTreeMap::new();
    for e in &mine {
        let Some(u) = e.user else { continue };
        let entry = first.entry(u).or_insert((e.at, e.registered));
        entry.0 = entry.0.min(e.at);
        if e.bytes_diff > 0 {
            m.bytes_added += e.bytes_diff;
        } else {
            m.bytes_removed -= e.bytes_diff;
        }
        if e.creates_page {
            m.pages_created += 1;
            if e.namespace == FILE_NAMESPACE {
                m.files_created += 1;
            }
        }
    }
    m.participants = first.len();
    if !mine.is_empty() {
        let surviving =
            mine.iter().filter(|e| e.reverted_after.is_none_or(|s| s > SURVIVAL_SECS)).count();
        m.surviving = Some(surviving as f64 / mine.len() as f64);
    }
    for (&u, &(first_at, registered)) in &first {
        if !registered.is_some_and(|r| r >= c.start && r < c.end) {
            continue;
        }
        m.new_contributors += 1;
        let (from, to) = (first_at + 30 * DAY, first_at + 60 * DAY);
        if to > coverage_end {
            m.retention.pending += 1;
            continue;
        }
        m.retention.observed += 1;
        let retained = all
            .iter()
            .any(|e| !e.bot && e.wiki == c.wiki && e.user == Some(u) && e.at > from && e.at <= to);
        m.retention.retained += usize::from(retained);
    }
    m.cost_per_retained = match (c.cost, m.retention.pending, m.retention.retained) {
        (Some(cost), 0, r) if r > 0 => Some(cost / r as f64),
        _ => None,
    };
    m
}

/// Participants of several communities counted once each (the union, not the sum).
pub fn distinct_participants(all: &[Edit], communities: &[Community]) -> usize {
    let mut people: BTreeSet<(&str, i64)> = BTreeSet::new();
    for c in communities {
        for e in all.iter().filter(|e| in_community(e, c)) {
            if let Some(u) = e.user {
                people.insert((e.wiki.as_str(), u));
            }
        }
    }
    people.len()
}

//! The reference implementation of the version-1 metrics (`docs/communities.md`). Plain loops
//! and maps, one pass per community: the engines (`crates/lake`, Spark) are checked against
//! this, not the reverse.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::definition::{Anchor, Cohort, Definition, Window};
use crate::dump::Edit;

/// Version of throughline's own definitions (the `throughline_v1` preset).
pub const DEFINITIONS_VERSION: u32 = 1;

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// An edit reverted within this many seconds does not survive.
pub const SURVIVAL_SECS: i64 = 2 * DAY;
/// File namespace.
pub const FILE_NAMESPACE: i64 = 6;
/// The main (article) namespace; Wikidata's items live in it.
pub const MAIN_NAMESPACE: i64 = 0;
/// An hour, the pageview dumps' unit.
pub const HOUR: i64 = 3_600;

/// The end of a wiki's data when the snapshot date is not given: the start of the day of its
/// last edit (seconds, exclusive), so the last day counted is the last complete one.
pub fn coverage_end(last_edit: i64) -> i64 {
    last_edit.div_euclid(DAY) * DAY
}

/// Index of the second-month window of the version-1 definitions.
pub const SECOND_MONTH: usize = crate::definition::V1_SECOND_MONTH;

/// Who and what a community is made of, on its wiki.
#[derive(Clone, Debug, PartialEq)]
pub enum Members {
    /// User names on a roster or course; resolved to every user id that ever carried the name
    /// on the wiki (now or at the time of an edit), so a renamed person stays one person.
    Roster(Vec<String>),
    /// Edits whose summary carries the hashtag (normalised by [`normalise_hashtag`]).
    Hashtag(String),
    /// Edits carrying the edit tag.
    Tag(String),
    /// Edits to pages in the category (normalised by [`normalise_category`]).
    Category(String),
}

/// A community on one wiki, in a window `[start, end)` of seconds.
#[derive(Clone, Debug, PartialEq)]
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
    /// The metric definitions it is measured with.
    pub definition: Definition,
}

impl Community {
    /// The community a model file defines (its `end` day is inclusive, so the window ends at
    /// the following midnight), measured with throughline's version-1 definitions; see
    /// [`Community::all_from_model`] for the definitions the model chooses.
    pub fn from_model(c: &model::Community) -> Community {
        let rule = c.rule.clone().unwrap_or_default();
        let members = match c.kind {
            model::CommunityKind::Roster | model::CommunityKind::Course => {
                Members::Roster(c.members.clone())
            }
            model::CommunityKind::Hashtag => Members::Hashtag(normalise_hashtag(&rule)),
            model::CommunityKind::Tag => Members::Tag(rule),
            model::CommunityKind::Category => Members::Category(normalise_category(&rule)),
        };
        Community {
            id: c.id.to_string(),
            wiki: c.wiki.clone(),
            members,
            start: c.start.day_number() * DAY,
            end: (c.end.day_number() + 1) * DAY,
            cost: c.cost,
            definition: Definition::v1(),
        }
    }

    /// One measured community per definition the model chooses for `c` (its own
    /// `definitions:`, else the model's `community_definitions`, else version 1), with the id
    /// [`measured_id`] gives. Definitions whose overrides do not apply are skipped: the model
    /// checker has reported them (TL314).
    pub fn all_from_model(c: &model::Community, meta: &model::Meta) -> Vec<Community> {
        let chosen =
            if c.definitions.is_empty() { &meta.community_definitions } else { &c.definitions };
        let base = Community::from_model(c);
        if chosen.is_empty() {
            return vec![base];
        }
        let several = chosen.len() > 1;
        chosen
            .iter()
            .filter_map(|d| Definition::of(d).ok())
            .map(|definition| Community {
                id: if several { measured_id(&base.id, definition.key) } else { base.id.clone() },
                definition,
                ..base.clone()
            })
            .collect()
    }
}

/// The id a community is measured under when it is measured with several definitions side by
/// side: `wlm-fr@event_metrics` (model ids cannot contain `@`, so these never collide).
pub fn measured_id(id: &str, definition: &str) -> String {
    format!("{id}@{definition}")
}

/// `#WLM2026` → `wlm2026`: hashtags match case-insensitively, with or without the `#`.
pub fn normalise_hashtag(tag: &str) -> String {
    tag.trim().trim_start_matches('#').to_lowercase()
}

/// `Category:Images from WLM 2026` → `Images_from_WLM_2026`, the form category links use.
pub fn normalise_category(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("Category:").unwrap_or(name);
    name.replace(' ', "_")
}

/// The hashtags of an edit summary, normalised and without repeats: `#` followed by letters,
/// digits, `_` or `-`. "photos for #WLM2026!" has `wlm2026`; "#wlm20267" is another tag.
pub fn hashtags(comment: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = comment;
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let len: usize = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .map(char::len_utf8)
            .sum();
        if len > 0 {
            let tag = after[..len].to_lowercase();
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
        rest = &after[len..];
    }
    out
}

/// Whether `comment` carries `#tag` (see [`hashtags`]).
pub fn has_hashtag(comment: &str, tag: &str) -> bool {
    hashtags(comment).contains(&normalise_hashtag(tag))
}

/// Retention of a community's new contributors in one window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// New contributors whose window lies before the coverage date.
    pub observed: u64,
    /// Of those, retained.
    pub retained: u64,
    /// New contributors whose window ends on or after the coverage date: not yet observable.
    pub pending: u64,
}

impl Retention {
    /// The share, when anyone could be observed.
    pub fn share(&self) -> Option<f64> {
        (self.observed > 0).then(|| self.retained as f64 / self.observed as f64)
    }
}

/// The counts behind every metric of one community. Counts only: the engines must agree on
/// them exactly, and the shares are derived from them in one place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    /// Distinct people who edited in the window and belong (or whose edits matched the rule).
    pub participants: u64,
    /// Participants registered inside the window.
    pub new_contributors: u64,
    /// The community's edits in the window.
    pub edits: u64,
    /// Sum of positive size changes.
    pub bytes_added: i64,
    /// Sum of negative size changes, as a positive number.
    pub bytes_removed: i64,
    /// Pages created.
    pub pages_created: u64,
    /// Files created (page creations in the File namespace).
    pub files_created: u64,
    /// Edits not reverted within 48 hours.
    pub surviving_edits: u64,
    /// Community edits that created a page in the main namespace: articles (on Wikidata,
    /// items created).
    pub articles_created: u64,
    /// Distinct main-namespace pages with a community edit that did not create the page and
    /// survived 48 hours, leaving out pages the community created: articles improved (on
    /// Wikidata, items edited).
    pub articles_improved: u64,
    /// Distinct files the community created (File namespace) that a main-namespace page
    /// shows, on any wiki, by the link dumps given (`imagelinks`, `globalimagelinks`).
    pub files_in_use: u64,
    /// Views of the main-namespace pages the community created, by the hourly pageview
    /// dumps given, from the hour of each page's first creation on.
    pub views_to_created: i64,
    /// Retention (or activity) per window of the community's definition, in its order.
    pub retention: Vec<Retention>,
}

impl Metrics {
    /// Share of edits that survived, when there were edits.
    pub fn surviving(&self) -> Option<f64> {
        (self.edits > 0).then(|| self.surviving_edits as f64 / self.edits as f64)
    }

    /// Bytes added minus bytes removed.
    pub fn bytes_net(&self) -> i64 {
        self.bytes_added - self.bytes_removed
    }

    /// Bytes added plus bytes removed (Global Metrics' "absolute value").
    pub fn bytes_absolute(&self) -> i64 {
        self.bytes_added + self.bytes_removed
    }

    /// Cost per person retained in the definition's headline window (the second month in
    /// version 1): undefined (not infinite, not zero) when the definition has none, nobody was
    /// retained or some are still pending.
    pub fn cost_per_retained(&self, cost: Option<f64>, headline: Option<usize>) -> Option<f64> {
        let r = *self.retention.get(headline?)?;
        match cost {
            Some(cost) if r.pending == 0 && r.retained > 0 => Some(cost / r.retained as f64),
            _ => None,
        }
    }
}

/// What the engines know of a participant.
#[derive(Clone, Copy, Debug)]
struct Person {
    /// First community edit in the window.
    first: i64,
    /// Registration, if known.
    registered: Option<i64>,
    /// Central (global account) id, if known.
    central: Option<i64>,
}

/// Totals across communities, each person and edit counted once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Distinct people over all communities (the union).
    pub participants: u64,
    /// The plain sum of per-community participants (larger when communities overlap).
    pub participants_summed: u64,
    /// Distinct new contributors.
    pub new_contributors: u64,
    /// Distinct edits.
    pub edits: u64,
    /// The plain sum of per-community edits.
    pub edits_summed: u64,
}

/// What the metrics are computed from.
#[derive(Clone, Debug, Default)]
pub struct Data {
    /// Every edit of the wikis covered.
    pub edits: Vec<Edit>,
    /// Pages per `(wiki, category)` (normalised names).
    pub categories: BTreeMap<(String, String), BTreeSet<i64>>,
    /// Per wiki, the end (seconds, exclusive) of the data: a wiki missing here was not loaded.
    pub coverage: BTreeMap<String, i64>,
    /// Files shown by a main-namespace page somewhere: `(the file's wiki, its title)`.
    pub files_used_in_articles: BTreeSet<(String, String)>,
    /// Hourly views per `(wiki, title)`: `(start of the hour, views)`.
    pub views: BTreeMap<(String, String), Vec<(i64, i64)>>,
}

/// The result for one community.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Measured, with data up to `coverage_end`.
    Measured {
        /// End of the data (seconds since 1970, exclusive).
        coverage_end: i64,
        /// The counts.
        metrics: Metrics,
    },
    /// The wiki's data was not loaded: not zero, unknown.
    Missing,
}

impl Data {
    /// The data of some edits and category pages; coverage per wiki by [`coverage_end`]
    /// unless `end` (the snapshot's end) is given.
    pub fn new(edits: Vec<Edit>, categories: &[(String, String, i64)], end: Option<i64>) -> Data {
        let mut coverage: BTreeMap<String, i64> = BTreeMap::new();
        for e in &edits {
            let c = coverage.entry(e.wiki.clone()).or_insert(i64::MIN);
            *c = (*c).max(end.unwrap_or_else(|| coverage_end(e.at)));
        }
        let mut by_category: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
        for (w, c, p) in categories {
            by_category.entry((w.clone(), c.clone())).or_default().insert(*p);
        }
        Data { edits, categories: by_category, coverage, ..Data::default() }
    }

    /// Adds what the impact figures read besides the history: the link dumps' file uses and
    /// the hourly pageviews.
    pub fn with_impact(
        mut self,
        uses: &[crate::links::FileUse],
        views: &[crate::pageviews::PageViews],
    ) -> Data {
        for u in uses.iter().filter(|u| u.namespace == MAIN_NAMESPACE) {
            self.files_used_in_articles.insert((u.wiki.clone(), u.file.clone()));
        }
        for v in views {
            self.views
                .entry((v.wiki.clone(), v.title.clone()))
                .or_default()
                .push((v.hour, v.views));
        }
        self
    }

    /// User ids that carried one of `names` on `wiki`, now or at the time of an edit.
    pub fn resolve(&self, wiki: &str, names: &[String]) -> BTreeSet<i64> {
        self.edits
            .iter()
            .filter(|e| e.wiki == wiki)
            .filter_map(|e| {
                let named = names.iter().any(|n| *n == e.user_text || *n == e.user_text_historical);
                e.user.filter(|_| named)
            })
            .collect()
    }

    /// The edits that make up a community (bots and anonymous edits never do).
    fn community_edits<'a>(&'a self, c: &Community) -> Vec<&'a Edit> {
        let roster = match &c.members {
            Members::Roster(names) => self.resolve(&c.wiki, names),
            _ => BTreeSet::new(),
        };
        let pages = match &c.members {
            Members::Category(name) => {
                self.categories.get(&(c.wiki.clone(), name.clone())).cloned().unwrap_or_default()
            }
            _ => BTreeSet::new(),
        };
        self.edits
            .iter()
            .filter(|e| !e.bot && e.wiki == c.wiki && e.at >= c.start && e.at < c.end)
            .filter(|e| {
                let Some(u) = e.user else { return false };
                match &c.members {
                    Members::Roster(_) => roster.contains(&u),
                    Members::Hashtag(tag) => hashtags(&e.comment).contains(tag),
                    Members::Tag(tag) => e.tags.iter().any(|t| t == tag),
                    Members::Category(_) => pages.contains(&e.page),
                }
            })
            .collect()
    }

    /// Per participant of a community: the first edit in the window, the registration and the
    /// central id (the latest the rows state, should they disagree).
    fn participants(mine: &[&Edit]) -> BTreeMap<i64, Person> {
        let mut people: BTreeMap<i64, Person> = BTreeMap::new();
        for e in mine {
            let Some(u) = e.user else { continue };
            let entry = people.entry(u).or_insert(Person {
                first: e.at,
                registered: e.registered,
                central: e.central,
            });
            entry.first = entry.first.min(e.at);
            entry.registered = entry.registered.max(e.registered);
            entry.central = entry.central.max(e.central);
        }
        people
    }

    /// Whether a participant is new under the community's definition: registered from the
    /// look-back before the start to the end, with the activation edits if it asks for them
    /// (in `[registration, registration + activation]`, closed as in WMF research's SQL).
    fn is_new(&self, c: &Community, u: i64, p: &Person) -> bool {
        let d = &c.definition;
        let Some(r) = p.registered else { return false };
        if r < c.start - d.lookback || r >= c.end {
            return false;
        }
        if d.activation_edits == 0 {
            return true;
        }
        let n = self
            .edits
            .iter()
            .filter(|e| !e.bot && e.wiki == c.wiki && e.user == Some(u))
            .filter(|e| e.at >= r && e.at <= r + d.activation_secs)
            .count();
        n as i64 >= d.activation_edits
    }

    /// One window for one person: `None` while it is pending, else whether they count.
    fn window(
        &self,
        c: &Community,
        w: &Window,
        u: i64,
        p: &Person,
        coverage_end: i64,
    ) -> Option<bool> {
        let anchor = match w.anchor {
            Anchor::FirstEdit => p.first,
            Anchor::Registration => p.registered?,
            Anchor::Start => c.start,
            Anchor::End => c.end,
        };
        let lo = anchor + w.from;
        let hi = w.to.map_or(coverage_end - 1, |to| anchor + to);
        if !(lo < hi && hi < coverage_end) {
            return None;
        }
        let n = self
            .edits
            .iter()
            .filter(|e| !e.bot && e.at > lo && e.at <= hi)
            .filter(|e| w.namespace.is_none_or(|ns| e.namespace == ns))
            .filter(|e| {
                (e.wiki == c.wiki && e.user == Some(u))
                    || (w.all_wikis && p.central.is_some() && e.central == p.central)
            })
            .count();
        Some(n as i64 >= w.min_edits)
    }

    /// A community's metrics, or [`Outcome::Missing`] when its wiki was not loaded.
    pub fn metrics(&self, c: &Community) -> Outcome {
        let Some(&coverage_end) = self.coverage.get(&c.wiki) else { return Outcome::Missing };
        let mine = self.community_edits(c);
        let windows = &c.definition.windows;
        let mut m = Metrics {
            edits: mine.len() as u64,
            retention: vec![Retention::default(); windows.len()],
            ..Metrics::default()
        };
        let people = Data::participants(&mine);
        for e in &mine {
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
            if e.reverted_after.is_none_or(|s| s > SURVIVAL_SECS) {
                m.surviving_edits += 1;
            }
        }
        self.impact(&mine, &mut m);
        m.participants = people.len() as u64;
        for (&u, p) in &people {
            let new = self.is_new(c, u, p);
            m.new_contributors += u64::from(new);
            for (w, r) in windows.iter().zip(m.retention.iter_mut()) {
                if w.cohort == Cohort::New && !new {
                    continue;
                }
                match self.window(c, w, u, p, coverage_end) {
                    None => r.pending += 1,
                    Some(back) => {
                        r.observed += 1;
                        r.retained += u64::from(back);
                    }
                }
            }
        }
        Outcome::Measured { coverage_end, metrics: m }
    }

    /// The impact figures of a community's edits (`docs/communities.md`, "Impact figures").
    fn impact(&self, mine: &[&Edit], m: &mut Metrics) {
        fn survives(e: &Edit) -> bool {
            e.reverted_after.is_none_or(|s| s > SURVIVAL_SECS)
        }
        let created: BTreeSet<i64> =
            mine.iter().filter(|e| e.creates_page).map(|e| e.page).collect();
        let improved: BTreeSet<i64> = mine
            .iter()
            .filter(|e| !e.creates_page && e.namespace == MAIN_NAMESPACE && survives(e))
            .filter(|e| !created.contains(&e.page))
            .map(|e| e.page)
            .collect();
        m.articles_improved = improved.len() as u64;
        let in_use: BTreeSet<i64> = mine
            .iter()
            .filter(|e| e.creates_page && e.namespace == FILE_NAMESPACE)
            .filter(|e| {
                self.files_used_in_articles.contains(&(e.wiki.clone(), e.page_title.clone()))
            })
            .map(|e| e.page)
            .collect();
        m.files_in_use = in_use.len() as u64;
        // Each title created once: from its first creation's hour on.
        let mut first: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        for e in mine.iter().filter(|e| e.creates_page && e.namespace == MAIN_NAMESPACE) {
            m.articles_created += 1;
            let at = first.entry((e.wiki.as_str(), e.page_title.as_str())).or_insert(e.at);
            *at = (*at).min(e.at);
        }
        for ((wiki, title), created_at) in first {
            let Some(hours) = self.views.get(&(wiki.to_string(), title.to_string())) else {
                continue;
            };
            // The hour that contains the creation counts; an hour ending at it does not.
            m.views_to_created +=
                hours.iter().filter(|(h, _)| *h > created_at - HOUR).map(|(_, v)| v).sum::<i64>();
        }
    }

    /// Totals over the measured communities, each person and edit once.
    pub fn totals(&self, communities: &[Community]) -> Totals {
        let mut t = Totals::default();
        let mut people: BTreeSet<(&str, i64)> = BTreeSet::new();
        let mut newcomers: BTreeSet<(&str, i64)> = BTreeSet::new();
        let mut edits: BTreeSet<(&str, i64)> = BTreeSet::new();
        for c in communities.iter().filter(|c| self.coverage.contains_key(&c.wiki)) {
            let mine = self.community_edits(c);
            for e in &mine {
                edits.insert((e.wiki.as_str(), e.revision));
            }
            let here = Data::participants(&mine);
            for (&u, p) in &here {
                people.insert((c.wiki.as_str(), u));
                if self.is_new(c, u, p) {
                    newcomers.insert((c.wiki.as_str(), u));
                }
            }
            t.participants_summed += here.len() as u64;
            t.edits_summed += mine.len() as u64;
        }
        t.participants = people.len() as u64;
        t.new_contributors = newcomers.len() as u64;
        t.edits = edits.len() as u64;
        t
    }
}

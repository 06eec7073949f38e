//! The Global Metrics 2014 view: the figures grantees reported from late 2014, as one table in
//! the order the Wikimedia Foundation published them (Meta, [Grants:Learning
//! patterns/Calculating global metrics](https://meta.wikimedia.org/wiki/Grants:Learning_patterns/Calculating_global_metrics),
//! and the learning pattern of each figure). Every number comes from the counts of a community
//! measured with the `global_metrics_2014` definition (`definition.rs`: the 14-day look-back for
//! new editors, the active editors' window before the start), so nothing here counts.

use serde::Serialize;

use crate::metrics::Outcome;
use crate::summary::Summary;

/// The seven global metrics, in their published order: `(key, the published wording)`. The
/// seventh is a written answer, which no engine computes; it is kept so the table reads as
/// grantees know it.
pub const METRICS: [(&str, &str); 7] = [
    ("active_editors", "Number of active editors involved"),
    ("new_editors", "Number of newly registered users"),
    ("individuals", "Number of individuals involved"),
    ("media_in_articles", "Number of new images/media added to Wikimedia article pages"),
    ("articles", "Number of articles added or improved on Wikimedia projects"),
    ("bytes", "Number of bytes added to and/or deleted from Wikimedia projects (absolute value)"),
    (
        "learning_question",
        "Learning question: Did your work increase the motivation of contributors, and how do you know?",
    ),
];

/// What each computed figure is, in throughline's counts (same order as [`METRICS`]).
pub const FROM: [&str; 6] = [
    "participants with at least 5 edits in the 30 days before the start (the definition's first window)",
    "new contributors (registered from 14 days before the start to the end)",
    "participants",
    "files_in_use: files the community created that an article shows",
    "articles_created + articles_improved",
    "bytes_added + bytes_removed",
];

/// One community's row: the six computed figures (`None`: unknown — its data are missing, or
/// no active editor could be observed yet); the learning question is left to the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GlobalMetricsRow {
    /// The measured id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Wiki.
    pub wiki: String,
    /// The six figures in [`METRICS`] order.
    pub figures: [Option<u64>; 6],
    /// Why the figures are missing, when they are.
    pub missing: Option<String>,
    /// Real or made up.
    pub provenance: model::Provenance,
}

/// The Global Metrics 2014 table of every community measured with that definition, in the
/// summary's order.
pub fn table(s: &Summary) -> Vec<GlobalMetricsRow> {
    s.communities
        .iter()
        .filter(|r| r.definition.preset == model::MetricPreset::GlobalMetrics2014)
        .map(|r| {
            let figures = match &r.outcome {
                Outcome::Missing => [None; 6],
                Outcome::Measured { metrics: m, .. } => {
                    let active = m.retention.first().filter(|w| w.pending == 0).map(|w| w.retained);
                    [
                        active,
                        Some(m.new_contributors),
                        Some(m.participants),
                        Some(m.files_in_use),
                        Some(m.articles_created + m.articles_improved),
                        u64::try_from(m.bytes_absolute()).ok(),
                    ]
                }
            };
            GlobalMetricsRow {
                id: r.id.clone(),
                name: r.name.clone(),
                wiki: r.wiki.clone(),
                figures,
                missing: r.missing.clone(),
                provenance: r.provenance,
            }
        })
        .collect()
}

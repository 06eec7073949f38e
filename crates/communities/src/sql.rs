//! The metric definitions in SQL (`sql/metrics.sql`), split into the named statements every
//! engine runs in order. The split is done here only: DataFusion (`crates/lake`) takes the
//! statements directly, and Spark (`tests/spark/metrics.py`) and DuckDB
//! (`bench/communities_peer.py`) read them from the `statements.json` the lake writes for a run.

/// The file, as compiled in.
pub const METRICS_SQL: &str = include_str!("../sql/metrics.sql");

/// How a statement's result is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// Computed once and held (read several times).
    Table,
    /// Recomputed where it is used.
    View,
}

/// One named statement.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    /// The name later statements use.
    pub name: String,
    /// Materialised or not.
    pub keep: Keep,
    /// The `SELECT`.
    pub sql: String,
}

/// The statements of a file in order: each starts at a `-- table: NAME` or `-- view: NAME`
/// line; other comments are dropped.
pub fn statements(text: &str) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let head = trimmed
            .strip_prefix("-- table:")
            .map(|n| (Keep::Table, n))
            .or_else(|| trimmed.strip_prefix("-- view:").map(|n| (Keep::View, n)));
        if let Some((keep, name)) = head {
            out.push(Statement { name: name.trim().to_string(), keep, sql: String::new() });
        } else if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        } else if let Some(s) = out.last_mut() {
            s.sql.push_str(line);
            s.sql.push('\n');
        }
    }
    out
}

/// The statements of the metric definitions.
pub fn metric_statements() -> Vec<Statement> {
    statements(METRICS_SQL)
}

/// The output columns of `metrics` after `community_id` and `coverage_end`, in order: the
/// counts of [`crate::metrics::Metrics`] except retention, which the `retention` statement gives
/// as rows `(community_id, window_no, observed, retained, pending)`.
pub const METRIC_COLUMNS: [&str; 12] = [
    "participants",
    "new_contributors",
    "edits",
    "bytes_added",
    "bytes_removed",
    "pages_created",
    "files_created",
    "surviving_edits",
    "articles_created",
    "articles_improved",
    "files_in_use",
    "views_to_created",
];

/// The columns of the `retention` statement's rows after `community_id` and `window_no`.
pub const RETENTION_COLUMNS: [&str; 3] = ["observed", "retained", "pending"];

/// The counts of one `metrics` row, in [`METRIC_COLUMNS`] order, and its retention rows (in
/// window order) back into [`Metrics`]; `None` if a count is negative.
///
/// [`Metrics`]: crate::metrics::Metrics
pub fn metrics_from_row(v: &[i64], retention: &[[i64; 3]]) -> Option<crate::metrics::Metrics> {
    use crate::metrics::{Metrics, Retention};
    if v.len() != METRIC_COLUMNS.len() || v.iter().chain(retention.iter().flatten()).any(|x| *x < 0)
    {
        return None;
    }
    let u = |i: usize| v[i] as u64;
    Some(Metrics {
        participants: u(0),
        new_contributors: u(1),
        edits: u(2),
        bytes_added: v[3],
        bytes_removed: v[4],
        pages_created: u(5),
        files_created: u(6),
        surviving_edits: u(7),
        articles_created: u(8),
        articles_improved: u(9),
        files_in_use: u(10),
        views_to_created: v[11],
        retention: retention
            .iter()
            .map(|r| Retention {
                observed: r[0] as u64,
                retained: r[1] as u64,
                pending: r[2] as u64,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_split_into_named_statements_ending_in_the_outputs() {
        let s = metric_statements();
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.last(), Some(&"totals"));
        assert!(names.contains(&"metrics"));
        assert!(s.iter().all(|s| s.sql.trim_start().starts_with("SELECT")), "{names:?}");
        assert!(s.iter().any(|s| s.keep == Keep::Table));
    }

    #[test]
    fn the_metrics_statement_selects_every_column_in_order() {
        let s = metric_statements();
        let Some(m) = s.iter().find(|s| s.name == "metrics") else { panic!("no metrics") };
        let mut at = 0;
        for c in METRIC_COLUMNS {
            let needle = format!(" AS {c},");
            let last = format!(" AS {c}\n");
            let found = m.sql[at..].find(&needle).or_else(|| m.sql[at..].find(&last));
            let Some(i) = found else { panic!("`{c}` missing or out of order") };
            at += i + 1;
        }
        let Some(r) = s.iter().find(|s| s.name == "retention") else { panic!("no retention") };
        for c in RETENTION_COLUMNS {
            assert!(r.sql.contains(&format!(" AS {c}")), "{c}");
        }
    }

    #[test]
    fn the_sql_reads_every_anchor_and_cohort_the_definitions_lower_to() {
        use crate::definition::{Anchor, Cohort};
        for a in [Anchor::FirstEdit, Anchor::Registration, Anchor::Start] {
            assert!(METRICS_SQL.contains(&format!("w.anchor = '{}'", a.word())), "{a:?}");
        }
        // The last anchor is the CASE's ELSE.
        assert!(METRICS_SQL.contains("ELSE c.end_at END AS anchor_at"));
        for c in [Cohort::New, Cohort::Participants] {
            assert!(METRICS_SQL.contains(&format!("'{}' AS cohort", c.word())), "{c:?}");
        }
    }
}

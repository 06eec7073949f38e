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

/// The data lake's layout (`sql/wmf.sql`): views that give `metrics.sql` its input tables from
/// the Wikimedia data lake's own tables, so the same statements run where the data already is.
pub const WMF_SQL: &str = include_str!("../sql/wmf.sql");

/// The engines the lake-layout views are spelled for. Everything else in the SQL is shared;
/// six macros (`TL_EPOCH`, `TL_HOUR_START`, `TL_NONEMPTY`, `TL_EXPLODE`, `TL_PROJECT`,
/// `TL_HASHTAGS`) are not, because the engines name those functions differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Apache DataFusion: timestamps, hours, array lengths, projects and hashtags by functions
    /// the lake crate registers (`tl_epoch`, `tl_hour_start`, `tl_nonempty`, `tl_project`,
    /// `tl_hashtags`: the reference's own parsing; the build leaves out DataFusion's array and
    /// substring functions).
    DataFusion,
    /// Apache Spark SQL (the data lake's engine).
    Spark,
}

impl Dialect {
    /// The spelling of a macro with its arguments.
    fn expand(self, name: &str, args: &[&str]) -> Option<String> {
        let a = |i: usize| args.get(i).copied().unwrap_or("NULL");
        let text = match (self, name) {
            (Dialect::DataFusion, "TL_EPOCH") => format!("tl_epoch({})", a(0)),
            (Dialect::DataFusion, "TL_HOUR_START") => {
                format!("tl_hour_start({}, {}, {}, {})", a(0), a(1), a(2), a(3))
            }
            (Dialect::DataFusion, "TL_NONEMPTY") => format!("tl_nonempty({})", a(0)),
            (Dialect::DataFusion, "TL_EXPLODE") => format!("unnest({})", a(0)),
            (Dialect::DataFusion, "TL_HASHTAGS") => format!("tl_hashtags({})", a(0)),
            (Dialect::DataFusion, "TL_PROJECT") => format!("tl_project({})", a(0)),
            (Dialect::Spark, "TL_PROJECT") => format!(
                "CASE WHEN {0} LIKE 'www.%' THEN substring({0}, 5, length({0}) - 8) \
                 ELSE substring({0}, 1, length({0}) - 4) END",
                a(0)
            ),
            (Dialect::Spark, "TL_EPOCH") => {
                format!("CAST(unix_timestamp(CAST({} AS TIMESTAMP)) AS BIGINT)", a(0))
            }
            (Dialect::Spark, "TL_HOUR_START") => format!(
                "(CAST(unix_date(make_date({}, {}, {})) AS BIGINT) * 86400 + CAST({} AS BIGINT) * 3600)",
                a(0),
                a(1),
                a(2),
                a(3)
            ),
            (Dialect::Spark, "TL_NONEMPTY") => format!("COALESCE(size({}) > 0, FALSE)", a(0)),
            (Dialect::Spark, "TL_EXPLODE") => format!("explode({})", a(0)),
            // `communities::metrics::hashtags`: `#` then letters, digits, `_` or `-` (Java's
            // Alphabetic and Number classes are Rust's `char::is_alphanumeric`), lower case.
            (Dialect::Spark, "TL_HASHTAGS") => format!(
                "regexp_extract_all(lower({}), '#([\\\\p{{IsAlphabetic}}\\\\p{{N}}_-]+)', 1)",
                a(0)
            ),
            _ => return None,
        };
        Some(text)
    }

    /// Replaces every `TL_NAME(arg, ...)` with this engine's spelling (arguments first, so
    /// macros nest); other text is left as it is.
    pub fn apply(self, sql: &str) -> String {
        let mut out = String::with_capacity(sql.len());
        let mut rest = sql;
        while let Some(i) = rest.find("TL_") {
            let boundary = !rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let name_len =
                tail.find(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap_or(tail.len());
            let name = &tail[..name_len];
            let expanded = boundary.then(|| call_arguments(&tail[name_len..])).flatten().and_then(
                |(args, used)| {
                    let args: Vec<String> = args.iter().map(|a| self.apply(a.trim())).collect();
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    self.expand(name, &refs).map(|text| (text, name_len + used))
                },
            );
            match expanded {
                Some((text, used)) => {
                    out.push_str(&text);
                    rest = &tail[used..];
                }
                None => {
                    out.push_str(name);
                    rest = &tail[name_len..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The arguments of a call starting at `text` (`(a, f(b, c))`), split at top-level commas,
/// and the length of the call's text; `None` when `text` does not start with `(` or the
/// parentheses do not close.
fn call_arguments(text: &str) -> Option<(Vec<&str>, usize)> {
    let inner = text.strip_prefix('(')?;
    let (mut depth, mut start) = (0usize, 0usize);
    let mut args = Vec::new();
    for (k, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                args.push(&inner[start..k]);
                return Some((args, k + 2));
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    None
}

/// What the lake-layout views read: the tables' names and the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LakeTables {
    /// `wmf.mediawiki_history`.
    pub mediawiki_history: String,
    /// `wmf.pageview_hourly`.
    pub pageview_hourly: String,
    /// `wmf_raw.mediawiki_imagelinks`.
    pub imagelinks: String,
    /// `wmf_raw.mediawiki_globalimagelinks`.
    pub globalimagelinks: String,
    /// `canonical_data.wikis`.
    pub wikis: String,
    /// The snapshot, e.g. `2026-09`: only that partition is read.
    pub snapshot: String,
    /// The end of the data (seconds since 1970), or `None`: the start of the day of each
    /// wiki's last edit, as the flat lake computes it.
    pub coverage_end: Option<i64>,
}

impl LakeTables {
    /// The data lake's own table names, for `snapshot`.
    pub fn wmf(snapshot: &str) -> LakeTables {
        LakeTables {
            mediawiki_history: "wmf.mediawiki_history".into(),
            pageview_hourly: "wmf.pageview_hourly".into(),
            imagelinks: "wmf_raw.mediawiki_imagelinks".into(),
            globalimagelinks: "wmf_raw.mediawiki_globalimagelinks".into(),
            wikis: "canonical_data.wikis".into(),
            snapshot: snapshot.into(),
            coverage_end: None,
        }
    }

    /// The parameters of `wmf.sql` and their values.
    fn parameters(&self) -> [(&'static str, String); 7] {
        [
            ("${mediawiki_history}", self.mediawiki_history.clone()),
            ("${pageview_hourly}", self.pageview_hourly.clone()),
            ("${imagelinks}", self.imagelinks.clone()),
            ("${globalimagelinks}", self.globalimagelinks.clone()),
            ("${wikis}", self.wikis.clone()),
            ("${snapshot}", format!("'{}'", self.snapshot.replace('\'', "''"))),
            ("${coverage_end}", self.coverage_end.map_or("NULL".into(), |e| e.to_string())),
        ]
    }
}

/// Whether a snapshot name is `YYYY-MM`, as the lake names them.
pub fn is_snapshot(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
        && matches!(
            &name[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// The statements that run the metrics on the lake's layout, in order: the input views of
/// `wmf.sql` for `tables`, spelled for `dialect`, then the metric statements.
pub fn lake_statements(tables: &LakeTables, dialect: Dialect) -> Vec<Statement> {
    let mut out = statements(WMF_SQL);
    for s in &mut out {
        let mut sql = dialect.apply(&s.sql);
        for (name, value) in tables.parameters() {
            sql = sql.replace(name, &value);
        }
        s.sql = sql;
    }
    out.extend(metric_statements());
    out
}

/// A text value as an SQL literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn number(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_string(), |v| v.to_string())
}

/// An inline table: `SELECT CAST(c1 AS T1) AS c1, ... FROM VALUES (...) AS t(c1, ...)`, or
/// no rows of those columns when `rows` is empty (a `VALUES` list cannot be empty).
fn inline_table(columns: &[(&str, &str)], rows: &[Vec<String>]) -> String {
    let casts: Vec<String> =
        columns.iter().map(|(c, t)| format!("CAST({c} AS {t}) AS {c}")).collect();
    if rows.is_empty() {
        let nulls: Vec<String> =
            columns.iter().map(|(c, t)| format!("CAST(NULL AS {t}) AS {c}")).collect();
        return format!("SELECT {} WHERE 1 = 0\n", nulls.join(", "));
    }
    let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
    let values: Vec<String> = rows.iter().map(|r| format!("  ({})", r.join(", "))).collect();
    format!(
        "SELECT {}\nFROM VALUES\n{}\nAS t({})\n",
        casts.join(", "),
        values.join(",\n"),
        names.join(", ")
    )
}

/// The run's tables (`communities`, `members`, `windows`, `category_pages`) as statements over
/// inline values: what `lake::engine::prepare_run` writes as Parquet, for a script that
/// carries its communities with it.
pub fn run_statements(
    communities: &[crate::metrics::Community],
    category_pages: &[(String, String, i64)],
) -> Vec<Statement> {
    use crate::metrics::Members;
    let (mut c_rows, mut m_rows, mut w_rows) = (Vec::new(), Vec::new(), Vec::new());
    for c in communities {
        let d = &c.definition;
        for (k, w) in d.windows.iter().enumerate() {
            w_rows.push(vec![
                literal(&c.id),
                k.to_string(),
                literal(w.cohort.word()),
                literal(w.anchor.word()),
                w.from.to_string(),
                number(w.to),
                w.min_edits.to_string(),
                number(w.namespace),
                if w.all_wikis { "TRUE".into() } else { "FALSE".into() },
            ]);
        }
        let (kind, rule) = match &c.members {
            Members::Roster(names) => {
                let mut names: Vec<&String> = names.iter().collect();
                names.sort();
                names.dedup();
                for n in names {
                    m_rows.push(vec![literal(&c.id), literal(n)]);
                }
                ("roster", None)
            }
            Members::Hashtag(t) => ("hashtag", Some(t)),
            Members::Tag(t) => ("tag", Some(t)),
            Members::Category(t) => ("category", Some(t)),
        };
        c_rows.push(vec![
            literal(&c.id),
            literal(&c.wiki),
            literal(kind),
            rule.map_or_else(|| "NULL".to_string(), |r| literal(r.as_str())),
            c.start.to_string(),
            c.end.to_string(),
            d.lookback.to_string(),
            d.activation_edits.to_string(),
            d.activation_secs.to_string(),
        ]);
    }
    let p_rows: Vec<Vec<String>> = category_pages
        .iter()
        .map(|(w, c, p)| vec![literal(w), literal(c), p.to_string()])
        .collect();
    let (s, b, t) = ("STRING", "BIGINT", "BOOLEAN");
    let view = |name: &str, sql: String| Statement { name: name.into(), keep: Keep::View, sql };
    vec![
        view(
            "communities",
            inline_table(
                &[
                    ("community_id", s),
                    ("wiki", s),
                    ("kind", s),
                    ("rule", s),
                    ("start_at", b),
                    ("end_at", b),
                    ("lookback", b),
                    ("activation_edits", b),
                    ("activation_secs", b),
                ],
                &c_rows,
            ),
        ),
        view("members", inline_table(&[("community_id", s), ("user_name", s)], &m_rows)),
        view(
            "windows",
            inline_table(
                &[
                    ("community_id", s),
                    ("window_no", b),
                    ("cohort", s),
                    ("anchor", s),
                    ("from_secs", b),
                    ("to_secs", b),
                    ("min_edits", b),
                    ("namespace", b),
                    ("all_wikis", t),
                ],
                &w_rows,
            ),
        ),
        view(
            "category_pages",
            inline_table(&[("wiki", s), ("category", s), ("page_id", b)], &p_rows),
        ),
    ]
}

/// One Spark SQL script that measures `communities` on the data lake (`throughline
/// communities --emit-sql spark`): the run's tables inline, the views of `wmf.sql` over
/// `tables`, the metric statements (`CACHE TABLE` for the materialised ones, temporary views
/// for the rest), then the three outputs. Statements end with `;` at the end of a line, as
/// `spark-sql -f` reads them.
pub fn spark_script(
    communities: &[crate::metrics::Community],
    category_pages: &[(String, String, i64)],
    tables: &LakeTables,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "-- Community metrics (throughline; docs/communities.md) on the Wikimedia data lake.\n\
         -- Snapshot {}; tables {}, {}, {}, {}, {}.\n\
         -- Run with spark-sql -f FILE (or paste into a notebook); the results are the last \
         three queries: metrics, retention, totals.\n\n",
        tables.snapshot,
        tables.mediawiki_history,
        tables.pageview_hourly,
        tables.imagelinks,
        tables.globalimagelinks,
        tables.wikis
    ));
    let all = run_statements(communities, category_pages)
        .into_iter()
        .chain(lake_statements(tables, Dialect::Spark));
    for s in all {
        let head = match s.keep {
            Keep::Table => format!("CACHE TABLE {} AS", s.name),
            Keep::View => format!("CREATE OR REPLACE TEMPORARY VIEW {} AS", s.name),
        };
        out.push_str(&format!("{head}\n{};\n\n", s.sql.trim_end()));
    }
    out.push_str("SELECT * FROM metrics;\n\nSELECT * FROM retention;\n\nSELECT * FROM totals;\n");
    out
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

    #[test]
    fn the_macros_are_spelled_per_engine_and_nothing_else_changes() {
        let sql = "SELECT TL_EPOCH(e.ts) AS at, TL_HOUR_START(v.year, v.month, v.day, v.hour), \
                   TL_NONEMPTY(bots), TL_EXPLODE(TL_HASHTAGS(c)) FROM x WHERE TL_X = 1 AND XTL_EPOCH(y)";
        let df = Dialect::DataFusion.apply(sql);
        assert!(
            df.starts_with(
                "SELECT tl_epoch(e.ts) AS at, tl_hour_start(v.year, v.month, v.day, v.hour), "
            ),
            "{df}"
        );
        assert!(df.contains("tl_nonempty(bots), unnest(tl_hashtags(c)) FROM x"), "{df}");
        // Unknown macros and names that merely contain `TL_` are left alone.
        assert!(df.ends_with("WHERE TL_X = 1 AND XTL_EPOCH(y)"), "{df}");
        let spark = Dialect::Spark.apply(sql);
        let hashtags =
            r"explode(regexp_extract_all(lower(c), '#([\\p{IsAlphabetic}\\p{N}_-]+)', 1))";
        assert!(spark.contains(hashtags), "{spark}");
        assert!(
            spark.contains("CAST(unix_timestamp(CAST(e.ts AS TIMESTAMP)) AS BIGINT)"),
            "{spark}"
        );
        assert!(spark.contains("COALESCE(size(bots) > 0, FALSE)"), "{spark}");
    }

    #[test]
    fn the_lake_views_come_first_with_every_parameter_replaced() {
        let mut tables = LakeTables::wmf("2026-09");
        tables.coverage_end = Some(1_790_000_000);
        for dialect in [Dialect::DataFusion, Dialect::Spark] {
            let s = lake_statements(&tables, dialect);
            let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
            for input in [
                "edits",
                "user_names",
                "edit_hashtags",
                "edit_tags",
                "coverage",
                "pageviews",
                "file_uses",
            ] {
                let at = names.iter().position(|n| *n == input);
                assert!(
                    at.is_some_and(|k| k < names
                        .iter()
                        .position(|n| *n == "community_edits")
                        .unwrap_or(0)),
                    "{input}"
                );
            }
            for st in &s {
                assert!(!st.sql.contains("${"), "{}: {}", st.name, st.sql);
                assert!(
                    !st.sql.contains("TL_EPOCH") && !st.sql.contains("TL_HASHTAGS"),
                    "{}",
                    st.name
                );
            }
            let edits = &s[0].sql;
            assert!(edits.contains("FROM wmf.mediawiki_history"), "{edits}");
            assert!(edits.contains("snapshot = '2026-09'"), "{edits}");
            let coverage = s.iter().find(|s| s.name == "coverage").map(|s| s.sql.clone());
            assert!(coverage.is_some_and(|c| c.contains("CAST(1790000000 AS BIGINT)")));
        }
    }

    #[test]
    fn snapshots_are_months() {
        assert!(is_snapshot("2026-09"));
        assert!(!is_snapshot("2026-13"));
        assert!(!is_snapshot("2026-9"));
        assert!(!is_snapshot("2026-09-01"));
        assert!(!is_snapshot("26-09xx"));
    }
}

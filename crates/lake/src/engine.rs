//! Runs the SQL definitions on Apache DataFusion over a lake folder.

use std::path::{Path, PathBuf};

use communities::metrics::{Community, Members, Outcome, Totals};
use communities::sql::{
    Keep, METRIC_COLUMNS, RETENTION_COLUMNS, metric_statements, metrics_from_row,
};
use datafusion::arrow::array::{Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

use crate::LakeError;
use crate::tables::{DATA_TABLES, DEFINITION_TABLES, TableWriter, path};

/// The metrics of every community of a run, and the totals.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// Per community id, in id order.
    pub communities: Vec<(String, Outcome)>,
    /// Totals, each person and edit once.
    pub totals: Totals,
}

/// Writes what a run needs besides the data into the lake folder, where every engine reads
/// it: the community definitions (`communities.parquet`, `members.parquet`) and the metric
/// statements in order (`statements.json`, split by `communities::sql`), so that Spark and
/// DuckDB run exactly what DataFusion runs.
pub fn prepare_run(dir: &Path, communities: &[Community]) -> Result<(), LakeError> {
    let statements = path_json(dir);
    let json = serde_json::to_vec_pretty(&metric_statements())
        .map_err(|e| LakeError::Encode { path: statements.clone(), why: e.to_string() })?;
    std::fs::write(&statements, json)
        .map_err(|source| LakeError::Io { path: statements.clone(), source })?;
    let mut c = TableWriter::create(dir, "communities")?;
    let mut m = TableWriter::create(dir, "members")?;
    let mut w = TableWriter::create(dir, "windows")?;
    for community in communities {
        let d = &community.definition;
        for (k, window) in d.windows.iter().enumerate() {
            w.text(0, &community.id);
            w.int(1, Some(k as i64));
            w.text(2, window.cohort.word());
            w.text(3, window.anchor.word());
            w.int(4, Some(window.from));
            w.int(5, window.to);
            w.int(6, Some(window.min_edits));
            w.int(7, window.namespace);
            w.bool(8, window.all_wikis);
            w.row_done()?;
        }
        let (kind, rule) = match &community.members {
            Members::Roster(names) => {
                let mut names: Vec<&String> = names.iter().collect();
                names.sort();
                names.dedup();
                for name in names {
                    m.text(0, &community.id);
                    m.text(1, name);
                    m.row_done()?;
                }
                ("roster", None)
            }
            Members::Hashtag(t) => ("hashtag", Some(t)),
            Members::Tag(t) => ("tag", Some(t)),
            Members::Category(t) => ("category", Some(t)),
        };
        c.text(0, &community.id);
        c.text(1, &community.wiki);
        c.text(2, kind);
        c.nullable_text(3, rule.map(String::as_str));
        c.int(4, Some(community.start));
        c.int(5, Some(community.end));
        c.int(6, Some(d.lookback));
        c.int(7, Some(d.activation_edits));
        c.int(8, Some(d.activation_secs));
        c.row_done()?;
    }
    c.finish()?;
    m.finish()?;
    w.finish()?;
    Ok(())
}

/// The statements file of a run.
fn path_json(dir: &Path) -> PathBuf {
    dir.join("statements.json")
}

/// Threads for the engine: the machine's cores.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs the metric definitions over the lake folder `dir` (data tables and the communities
/// of the run), on DataFusion, with one thread per core.
pub fn metrics(dir: &Path) -> Result<Results, LakeError> {
    metrics_with_threads(dir, threads())
}

/// [`metrics`] on `threads` worker threads (and as many partitions): benchmarks compare engines
/// at equal thread counts.
pub fn metrics_with_threads(dir: &Path, threads: usize) -> Result<Results, LakeError> {
    let threads = threads.max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|source| LakeError::Io { path: PathBuf::from(dir), source })?;
    runtime.block_on(run(dir, threads))
}

async fn run(dir: &Path, threads: usize) -> Result<Results, LakeError> {
    let config = SessionConfig::new().with_target_partitions(threads);
    let ctx = SessionContext::new_with_config(config);
    for table in DATA_TABLES.iter().chain(&DEFINITION_TABLES) {
        let file = path(dir, table);
        if !file.exists() {
            return Err(LakeError::MissingTable { path: file });
        }
        let query = |why: String| LakeError::Query { statement: format!("read {table}"), why };
        let location = file.to_str().ok_or_else(|| query("the path is not UTF-8".into()))?;
        ctx.register_parquet(*table, location, ParquetReadOptions::default())
            .await
            .map_err(|e| query(e.to_string()))?;
    }
    // THROUGHLINE_LAKE_TIMINGS=1 prints how long each materialised statement took.
    let timings = std::env::var_os("THROUGHLINE_LAKE_TIMINGS").is_some();
    for statement in metric_statements() {
        let fail = |e: datafusion::error::DataFusionError| LakeError::Query {
            statement: statement.name.clone(),
            why: e.to_string(),
        };
        let df = ctx.sql(&statement.sql).await.map_err(fail)?;
        let started = std::time::Instant::now();
        let df = match statement.keep {
            Keep::Table => df.cache().await.map_err(fail)?,
            Keep::View => df,
        };
        if timings {
            eprintln!("{:>8.3} s  {}", started.elapsed().as_secs_f64(), statement.name);
        }
        ctx.register_table(statement.name.as_str(), df.into_view()).map_err(fail)?;
    }
    let collect = |name: &'static str| {
        let ctx = &ctx;
        async move {
            let fail = |e: datafusion::error::DataFusionError| LakeError::Query {
                statement: name.into(),
                why: e.to_string(),
            };
            ctx.table(name).await.map_err(fail)?.collect().await.map_err(fail)
        }
    };
    let started = std::time::Instant::now();
    let metric_batches = collect("metrics").await?;
    let retention_batches = collect("retention").await?;
    let total_batches = collect("totals").await?;
    if timings {
        eprintln!("{:>8.3} s  metrics and totals", started.elapsed().as_secs_f64());
    }
    Ok(Results {
        communities: read_metrics(&metric_batches, &read_retention(&retention_batches)?)?,
        totals: read_totals(&total_batches)?,
    })
}

/// Results another engine printed as JSON (`{"metrics": [rows], "totals": {...}}`, rows with
/// the columns of the `metrics` statement): how the Spark and DuckDB runs are read back to be
/// compared with DataFusion's. `None` when a field is missing or not a whole number.
pub fn results_from_json(json: &serde_json::Value) -> Option<Results> {
    let mut retention: Retention = Retention::new();
    for row in json.get("retention")?.as_array()? {
        let id = row.get("community_id")?.as_str()?.to_string();
        let k = row.get("window_no")?.as_i64()?;
        let v: Option<Vec<i64>> = RETENTION_COLUMNS.iter().map(|c| row.get(*c)?.as_i64()).collect();
        let v = v?;
        retention.entry(id).or_default().push((k, [v[0], v[1], v[2]]));
    }
    let mut communities = Vec::new();
    for row in json.get("metrics")?.as_array()? {
        let id = row.get("community_id")?.as_str()?.to_string();
        let outcome = match row.get("coverage_end").and_then(serde_json::Value::as_i64) {
            None => Outcome::Missing,
            Some(end) => {
                let v: Option<Vec<i64>> =
                    METRIC_COLUMNS.iter().map(|c| row.get(*c)?.as_i64()).collect();
                let windows = in_order(retention.get(&id));
                Outcome::Measured { coverage_end: end, metrics: metrics_from_row(&v?, &windows)? }
            }
        };
        communities.push((id, outcome));
    }
    communities.sort_by(|a, b| a.0.cmp(&b.0));
    let t = json.get("totals")?;
    let n = |k: &str| t.get(k).and_then(serde_json::Value::as_u64);
    Some(Results {
        communities,
        totals: Totals {
            participants: n("participants")?,
            participants_summed: n("participants_summed")?,
            new_contributors: n("new_contributors")?,
            edits: n("edits")?,
            edits_summed: n("edits_summed")?,
        },
    })
}

fn bad(statement: &str, why: impl Into<String>) -> LakeError {
    LakeError::Query { statement: statement.into(), why: why.into() }
}

/// A column of a batch as whole numbers (whatever integer type the engine chose).
fn ints(batch: &RecordBatch, name: &str, statement: &str) -> Result<Int64Array, LakeError> {
    let col =
        batch.column_by_name(name).ok_or_else(|| bad(statement, format!("no column `{name}`")))?;
    let col = cast(col, &DataType::Int64).map_err(|e| bad(statement, e.to_string()))?;
    col.as_any()
        .downcast_ref::<Int64Array>()
        .cloned()
        .ok_or_else(|| bad(statement, format!("`{name}` is not a number")))
}

/// Retention rows per community id: `(window_no, [observed, retained, pending])`.
type Retention = std::collections::BTreeMap<String, Vec<(i64, [i64; 3])>>;

/// A community's retention rows in window order.
fn in_order(rows: Option<&Vec<(i64, [i64; 3])>>) -> Vec<[i64; 3]> {
    let mut rows = rows.cloned().unwrap_or_default();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

fn text_column(batch: &RecordBatch, name: &str, statement: &str) -> Result<StringArray, LakeError> {
    let col =
        batch.column_by_name(name).ok_or_else(|| bad(statement, format!("no column `{name}`")))?;
    let col = cast(col, &DataType::Utf8).map_err(|e| bad(statement, e.to_string()))?;
    col.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| bad(statement, format!("`{name}` is not text")))
}

fn read_retention(batches: &[RecordBatch]) -> Result<Retention, LakeError> {
    let mut out = Retention::new();
    for batch in batches {
        let ids = text_column(batch, "community_id", "retention")?;
        let k = ints(batch, "window_no", "retention")?;
        let values: Vec<Int64Array> = RETENTION_COLUMNS
            .iter()
            .map(|c| ints(batch, c, "retention"))
            .collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            let v = [values[0].value(row), values[1].value(row), values[2].value(row)];
            out.entry(ids.value(row).to_string()).or_default().push((k.value(row), v));
        }
    }
    Ok(out)
}

fn read_metrics(
    batches: &[RecordBatch],
    retention: &Retention,
) -> Result<Vec<(String, Outcome)>, LakeError> {
    let columns = METRIC_COLUMNS;
    let mut out = Vec::new();
    for batch in batches {
        let ids = batch
            .column_by_name("community_id")
            .ok_or_else(|| bad("metrics", "no column `community_id`"))?;
        let ids = cast(ids, &DataType::Utf8).map_err(|e| bad("metrics", e.to_string()))?;
        let ids = ids
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| bad("metrics", "`community_id` is not text"))?;
        let coverage = ints(batch, "coverage_end", "metrics")?;
        let values: Vec<Int64Array> =
            columns.iter().map(|c| ints(batch, c, "metrics")).collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            let id = ids.value(row).to_string();
            if coverage.is_null(row) {
                out.push((id, Outcome::Missing));
                continue;
            }
            let v: Vec<i64> = values.iter().map(|a| a.value(row)).collect();
            let metrics = metrics_from_row(&v, &in_order(retention.get(&id)))
                .ok_or_else(|| bad("metrics", format!("row of `{id}` has negative counts")))?;
            out.push((id, Outcome::Measured { coverage_end: coverage.value(row), metrics }));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn read_totals(batches: &[RecordBatch]) -> Result<Totals, LakeError> {
    let batch = batches
        .iter()
        .find(|b| b.num_rows() == 1)
        .ok_or_else(|| bad("totals", "expected one row"))?;
    let get = |name: &str| -> Result<u64, LakeError> {
        let v = ints(batch, name, "totals")?;
        u64::try_from(v.value(0)).map_err(|_| bad("totals", format!("`{name}` is negative")))
    };
    Ok(Totals {
        participants: get("participants")?,
        participants_summed: get("participants_summed")?,
        new_contributors: get("new_contributors")?,
        edits: get("edits")?,
        edits_summed: get("edits_summed")?,
    })
}

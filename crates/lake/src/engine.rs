//! Runs the SQL definitions on Apache DataFusion over a lake folder.

use std::path::{Path, PathBuf};

use communities::metrics::{Community, Members, Outcome, Totals};
use communities::sql::{
    Keep, METRIC_COLUMNS, RETENTION_COLUMNS, metric_statements, metrics_from_row,
};
use datafusion::arrow::array::{Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::execution::memory_pool::{FairSpillPool, TrackConsumersPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
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

/// The environment variable that bounds DataFusion's memory pool: bytes, or a number with
/// `K`, `M` or `G` (powers of 1024), e.g. `6G`.
pub const MEMORY_ENV: &str = "THROUGHLINE_LAKE_MEMORY";
/// The environment variable naming the folder DataFusion spills into (default: a `.spill`
/// folder inside the lake folder, removed after the run).
pub const SPILL_ENV: &str = "THROUGHLINE_LAKE_SPILL_DIR";

/// How a run may use the machine: threads (and partitions), the memory pool's size and where
/// operators spill when it is full.
///
/// Why a pool: without one DataFusion allocates until the kernel kills the process (and, on
/// a shared machine, other processes with it). With a pool, sorts and aggregates spill to
/// disk when it is full, and an operator that cannot spill fails with
/// [`LakeError::Memory`], which names the limit and how to raise it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads and partitions.
    pub threads: usize,
    /// The pool's size in bytes.
    pub memory: usize,
    /// Where to spill; `None`: `LAKE_DIR/.spill`.
    pub spill_dir: Option<PathBuf>,
}

impl RunOptions {
    /// One thread per core; the memory limit from [`MEMORY_ENV`] if set, else
    /// [`default_memory`]; the spill folder from [`SPILL_ENV`] if set.
    pub fn from_env() -> Result<RunOptions, LakeError> {
        let memory = match std::env::var(MEMORY_ENV) {
            Ok(v) => parse_bytes(&v).ok_or_else(|| LakeError::Setting {
                name: MEMORY_ENV,
                value: v.clone(),
                expected: "a size in bytes, or a number with K, M or G (e.g. 6G)",
            })?,
            Err(_) => default_memory(),
        };
        let spill_dir = std::env::var_os(SPILL_ENV).map(PathBuf::from);
        Ok(RunOptions { threads: threads(), memory, spill_dir })
    }
}

/// A size such as `6G`, `512M`, `2048K` or `1000000` (bytes); `None` when it is not one or is 0.
pub fn parse_bytes(text: &str) -> Option<usize> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit() && *c != '.') {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, ""),
    };
    let number: f64 = digits.parse().ok()?;
    let scale: f64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        "T" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * scale;
    (bytes >= 1.0 && bytes.is_finite()).then_some(bytes as usize)
}

/// Half the memory this process may use (the machine's, or its control group's limit when
/// lower), 2 GiB when neither can be read: room for what the pool does not track (the
/// materialised statements, Parquet buffers) and for the rest of the machine.
pub fn default_memory() -> usize {
    let total = physical_memory();
    let limit = cgroup_limit();
    match (total, limit) {
        (Some(t), Some(l)) => t.min(l) / 2,
        (Some(t), None) => t / 2,
        (None, Some(l)) => l / 2,
        (None, None) => 2 << 30,
    }
}

fn physical_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn cgroup_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/sys/fs/cgroup/memory.max").ok()?;
    text.trim().parse().ok()
}

/// Runs the metric definitions over the lake folder `dir` (data tables and the communities
/// of the run), on DataFusion, with one thread per core and the memory of
/// [`RunOptions::from_env`].
pub fn metrics(dir: &Path) -> Result<Results, LakeError> {
    metrics_with(dir, &RunOptions::from_env()?)
}

/// [`metrics`] on `threads` worker threads (and as many partitions): benchmarks compare engines
/// at equal thread counts.
pub fn metrics_with_threads(dir: &Path, threads: usize) -> Result<Results, LakeError> {
    metrics_with(dir, &RunOptions { threads, ..RunOptions::from_env()? })
}

/// [`metrics`] with explicit threads, memory pool and spill folder.
pub fn metrics_with(dir: &Path, options: &RunOptions) -> Result<Results, LakeError> {
    metrics_of(dir, options, &metric_statements())
}

/// [`metrics_with`] running `statements` instead of the compiled-in `metrics.sql` (for
/// measuring another version of the file against this one).
pub fn metrics_of(
    dir: &Path,
    options: &RunOptions,
    statements: &[communities::sql::Statement],
) -> Result<Results, LakeError> {
    on_runtime(dir, options, |threads, spill| async move {
        run(dir, threads, options.memory, &spill, statements).await
    })
}

/// Runs `work` on a runtime of `options.threads` workers (at least one), handing it the thread
/// count and the spill folder: `options.spill_dir`, or `.spill` under `dir`, made here and
/// removed afterwards (best effort; DataFusion removes its own files).
pub(crate) fn on_runtime<T, F>(
    dir: &Path,
    options: &RunOptions,
    work: impl FnOnce(usize, PathBuf) -> F,
) -> Result<T, LakeError>
where
    F: std::future::Future<Output = Result<T, LakeError>>,
{
    let threads = options.threads.max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|source| LakeError::Io { path: PathBuf::from(dir), source })?;
    let spill = options.spill_dir.clone().unwrap_or_else(|| dir.join(".spill"));
    std::fs::create_dir_all(&spill)
        .map_err(|source| LakeError::Io { path: spill.clone(), source })?;
    let result = runtime.block_on(work(threads, spill.clone()));
    if options.spill_dir.is_none() {
        let _ = std::fs::remove_dir(&spill);
    }
    result
}

/// The context every statement runs in: `threads` partitions, a fair spill pool of `memory`
/// bytes (the five largest consumers named when it is exhausted), spilling into `spill`.
pub(crate) fn context(
    threads: usize,
    memory: usize,
    spill: &Path,
) -> Result<SessionContext, LakeError> {
    let pool = TrackConsumersPool::new(
        FairSpillPool::new(memory),
        std::num::NonZeroUsize::new(5).unwrap_or(std::num::NonZeroUsize::MIN),
    );
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(std::sync::Arc::new(pool))
        .with_temp_file_path(spill)
        .build_arc()
        .map_err(|e| LakeError::Query { statement: "set up".into(), why: e.to_string() })?;
    // Joins build on the side the SQL writes first (`metrics.sql` puts the smaller input
    // there): with file statistics DataFusion swapped them and built hash tables of every edit
    // (1.1 GB at 2 million rows, against 0.2 GB).
    let config =
        SessionConfig::new().with_target_partitions(threads).with_collect_statistics(false);
    Ok(SessionContext::new_with_config_rt(config, runtime))
}

/// A DataFusion error as a [`LakeError`]: running out of the pool is [`LakeError::Memory`],
/// with the limit and how to raise it.
fn query_error(
    statement: &str,
    memory: usize,
    e: &datafusion::error::DataFusionError,
) -> LakeError {
    if matches!(e.find_root(), datafusion::error::DataFusionError::ResourcesExhausted(_)) {
        return LakeError::Memory {
            statement: statement.to_string(),
            limit_mib: memory >> 20,
            why: e.to_string(),
        };
    }
    LakeError::Query { statement: statement.to_string(), why: e.to_string() }
}

async fn run(
    dir: &Path,
    threads: usize,
    memory: usize,
    spill: &Path,
    statements: &[communities::sql::Statement],
) -> Result<Results, LakeError> {
    let ctx = context(threads, memory, spill)?;
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
    run_statements(&ctx, statements, memory).await
}

/// Runs `statements` in order in `ctx` (tables materialised, views registered) and reads the
/// three outputs.
pub(crate) async fn run_statements(
    ctx: &SessionContext,
    statements: &[communities::sql::Statement],
    memory: usize,
) -> Result<Results, LakeError> {
    // THROUGHLINE_LAKE_TIMINGS=1 prints how long each materialised statement took.
    let timings = std::env::var_os("THROUGHLINE_LAKE_TIMINGS").is_some();
    for statement in statements {
        let fail = |e: datafusion::error::DataFusionError| query_error(&statement.name, memory, &e);
        let df = ctx.sql(&statement.sql).await.map_err(fail)?;
        let started = std::time::Instant::now();
        let df = match statement.keep {
            Keep::Table => df.cache().await.map_err(fail)?,
            Keep::View => df,
        };
        if timings {
            eprintln!(
                "{:>8.3} s  {:<20} peak RSS so far {} MiB",
                started.elapsed().as_secs_f64(),
                statement.name,
                peak_rss_mib()
            );
        }
        ctx.register_table(statement.name.as_str(), df.into_view()).map_err(fail)?;
    }
    let collect = |name: &'static str| async move {
        let fail = |e: datafusion::error::DataFusionError| query_error(name, memory, &e);
        ctx.table(name).await.map_err(fail)?.collect().await.map_err(fail)
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

/// The process's peak resident memory in MiB (Linux; 0 elsewhere), for the timings.
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
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

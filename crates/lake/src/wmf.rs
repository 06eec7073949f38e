//! The Wikimedia data lake's layout (`docs/communities.md`, "The data lake's layout"): the
//! dumps written as the lake's own tables — `wmf.mediawiki_history` partitioned by
//! `snapshot`, `wmf.pageview_hourly` by `year`/`month`/`day`/`hour`,
//! `wmf_raw.mediawiki_imagelinks` and `wmf_raw.mediawiki_globalimagelinks` by `snapshot` and
//! `wiki_db`, and `canonical_data.wikis` — and the metrics run on them through the views of
//! `communities/sql/wmf.sql`. What runs here on DataFusion is what an analyst runs on the lake
//! with Spark (`throughline communities --emit-sql spark`), so the tests that hold this path
//! to the reference hold the analyst's SQL too.
//!
//! Only the columns the metrics read are written, with the lake's names and types (strings
//! for timestamps, arrays for tags and bot flags); the other columns are left out.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use communities::dump::{Edit, format_timestamp};
use communities::sql::{Dialect, LakeTables, lake_statements};
use datafusion::arrow::array::{
    Array, ArrayBuilder, ArrayRef, BooleanBuilder, Int32Builder, Int64Array, Int64Builder,
    ListBuilder, RecordBatch, StringArray, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::LakeError;
use crate::engine::{Results, RunOptions};

/// The databases of the layout.
pub const DATABASES: [&str; 3] = ["wmf", "wmf_raw", "canonical_data"];

/// A table of the layout: its name, the columns written (lake names and types) and its
/// partition columns.
pub struct LakeTable {
    /// `database.table`.
    pub name: &'static str,
    /// The columns in the files.
    pub schema: SchemaRef,
    /// The partition columns, in folder order.
    pub partitions: Vec<(&'static str, DataType)>,
}

fn utf8_list() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

/// The tables, as the lake declares them (wikimedia/analytics-refinery's `create_*_table.hql`
/// and Wikitech), restricted to the columns the metrics read.
pub fn tables() -> Vec<LakeTable> {
    let text = |n: &str| Field::new(n, DataType::Utf8, true);
    let int = |n: &str| Field::new(n, DataType::Int64, true);
    let int32 = |n: &str| Field::new(n, DataType::Int32, true);
    let boolean = |n: &str| Field::new(n, DataType::Boolean, true);
    let array = |n: &str| Field::new(n, utf8_list(), true);
    let snapshot = ("snapshot", DataType::Utf8);
    vec![
        LakeTable {
            name: "wmf.mediawiki_history",
            schema: Arc::new(Schema::new(vec![
                text("wiki_db"),
                text("event_entity"),
                text("event_type"),
                text("event_timestamp"),
                text("event_comment"),
                int("event_user_id"),
                int("event_user_central_id"),
                text("event_user_text_historical"),
                text("event_user_text"),
                array("event_user_is_bot_by_historical"),
                boolean("event_user_is_anonymous"),
                boolean("event_user_is_temporary"),
                text("event_user_registration_timestamp"),
                text("event_user_creation_timestamp"),
                int("page_id"),
                text("page_title_historical"),
                text("page_title"),
                int32("page_namespace_historical"),
                int("revision_id"),
                int("revision_parent_id"),
                int("revision_text_bytes_diff"),
                boolean("revision_is_identity_reverted"),
                int("revision_seconds_to_identity_revert"),
                array("revision_tags"),
            ])),
            partitions: vec![snapshot.clone()],
        },
        LakeTable {
            name: "wmf.pageview_hourly",
            schema: Arc::new(Schema::new(vec![
                text("project"),
                text("page_title"),
                text("agent_type"),
                int("view_count"),
            ])),
            partitions: vec![
                ("year", DataType::Int32),
                ("month", DataType::Int32),
                ("day", DataType::Int32),
                ("hour", DataType::Int32),
            ],
        },
        LakeTable {
            name: "wmf_raw.mediawiki_imagelinks",
            schema: Arc::new(Schema::new(vec![text("pl_title"), int32("il_from_namespace")])),
            partitions: vec![snapshot.clone(), ("wiki_db", DataType::Utf8)],
        },
        LakeTable {
            name: "wmf_raw.mediawiki_globalimagelinks",
            schema: Arc::new(Schema::new(vec![text("gil_to"), int32("gil_page_namespace_id")])),
            partitions: vec![snapshot, ("wiki_db", DataType::Utf8)],
        },
        LakeTable {
            name: "canonical_data.wikis",
            schema: Arc::new(Schema::new(vec![text("database_code"), text("domain_name")])),
            partitions: Vec::new(),
        },
    ]
}

/// The folder of a table under the layout's root: `ROOT/DATABASE/TABLE`.
pub fn table_dir(root: &Path, table: &str) -> PathBuf {
    table.split('.').fold(root.to_path_buf(), |p, part| p.join(part))
}

/// The domain of a wiki's database name, as `canonical_data.wikis` has it
/// (`enwiki` → `en.wikipedia.org`, `commonswiki` → `commons.wikimedia.org`,
/// `wikidatawiki` → `www.wikidata.org`): the inverse of `communities::pageviews::wiki_of_domain`.
pub fn domain_of_wiki(wiki: &str) -> Option<String> {
    match wiki {
        "wikidatawiki" => return Some("www.wikidata.org".into()),
        "mediawikiwiki" => return Some("www.mediawiki.org".into()),
        _ => {}
    }
    const PROJECTS: [&str; 7] = [
        "wikibooks",
        "wiktionary",
        "wikinews",
        "wikiquote",
        "wikisource",
        "wikiversity",
        "wikivoyage",
    ];
    for project in PROJECTS {
        if let Some(lang) = wiki.strip_suffix(project).filter(|l| !l.is_empty()) {
            return Some(format!("{}.{project}.org", lang.replace('_', "-")));
        }
    }
    let lang = wiki.strip_suffix("wiki").filter(|l| !l.is_empty())?;
    if communities::pageviews::is_wikimedia_site(lang) {
        return Some(format!("{lang}.wikimedia.org"));
    }
    Some(format!("{}.wikipedia.org", lang.replace('_', "-")))
}

/// `pageview_hourly.project` of a domain: without `.org`, and without `www.`.
fn project_of_domain(domain: &str) -> String {
    let d = domain.strip_suffix(".org").unwrap_or(domain);
    d.strip_prefix("www.").unwrap_or(d).to_string()
}

/// What a layout holds, for the notes and the tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Rows of `wmf.mediawiki_history`.
    pub history_rows: u64,
    /// Hour partitions of `wmf.pageview_hourly`.
    pub pageview_hours: u64,
    /// Rows of the two link tables.
    pub link_rows: u64,
}

/// Writes one Parquet file.
fn write_file(path: &Path, batch: &RecordBatch) -> Result<(), LakeError> {
    let io = |source| LakeError::Io { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let encode = |e: datafusion::parquet::errors::ParquetError| LakeError::Encode {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    let file = File::create(path).map_err(io)?;
    let mut w = ArrowWriter::try_new(file, batch.schema(), None).map_err(encode)?;
    w.write(batch).map_err(encode)?;
    w.close().map_err(encode)?;
    Ok(())
}

fn batch(
    schema: &SchemaRef,
    columns: Vec<ArrayRef>,
    path: &Path,
) -> Result<RecordBatch, LakeError> {
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| LakeError::Encode { path: path.to_path_buf(), why: e.to_string() })
}

/// `mediawiki_history` rows being filled.
struct History {
    wiki: StringBuilder,
    timestamp: StringBuilder,
    comment: StringBuilder,
    user: Int64Builder,
    central: Int64Builder,
    text_historical: StringBuilder,
    text: StringBuilder,
    bot: ListBuilder<StringBuilder>,
    anonymous: BooleanBuilder,
    registered: StringBuilder,
    page: Int64Builder,
    title: StringBuilder,
    namespace: Int32Builder,
    revision: Int64Builder,
    parent: Int64Builder,
    bytes: Int64Builder,
    reverted: BooleanBuilder,
    revert_secs: Int64Builder,
    tags: ListBuilder<StringBuilder>,
    rows: usize,
}

impl History {
    fn new() -> History {
        History {
            wiki: StringBuilder::new(),
            timestamp: StringBuilder::new(),
            comment: StringBuilder::new(),
            user: Int64Builder::new(),
            central: Int64Builder::new(),
            text_historical: StringBuilder::new(),
            text: StringBuilder::new(),
            bot: ListBuilder::new(StringBuilder::new()),
            anonymous: BooleanBuilder::new(),
            registered: StringBuilder::new(),
            page: Int64Builder::new(),
            title: StringBuilder::new(),
            namespace: Int32Builder::new(),
            revision: Int64Builder::new(),
            parent: Int64Builder::new(),
            bytes: Int64Builder::new(),
            reverted: BooleanBuilder::new(),
            revert_secs: Int64Builder::new(),
            tags: ListBuilder::new(StringBuilder::new()),
            rows: 0,
        }
    }

    fn push(&mut self, e: &Edit) {
        self.wiki.append_value(&e.wiki);
        self.timestamp.append_value(format_timestamp(e.at));
        self.comment.append_value(&e.comment);
        self.user.append_option(e.user);
        self.central.append_option(e.central);
        self.text_historical.append_value(&e.user_text_historical);
        self.text.append_value(&e.user_text);
        if e.bot {
            self.bot.values().append_value("group");
        }
        self.bot.append(true);
        self.anonymous.append_value(e.user.is_none());
        self.registered.append_option(e.registered.map(format_timestamp));
        self.page.append_value(e.page);
        self.title.append_value(&e.page_title);
        self.namespace.append_value(i32::try_from(e.namespace).unwrap_or(i32::MAX));
        self.revision.append_value(e.revision);
        self.parent.append_value(e.parent);
        self.bytes.append_value(e.bytes_diff);
        self.reverted.append_value(e.reverted_after.is_some());
        self.revert_secs.append_option(e.reverted_after);
        for t in &e.tags {
            self.tags.values().append_value(t);
        }
        self.tags.append(true);
        self.rows += 1;
    }

    fn finish(&mut self, schema: &SchemaRef, path: &Path) -> Result<RecordBatch, LakeError> {
        let n = self.rows;
        self.rows = 0;
        let constant = |v: &str| -> ArrayRef { Arc::new(StringArray::from(vec![v; n])) };
        let nulls_text = || -> ArrayRef { Arc::new(StringArray::from(vec![None::<&str>; n])) };
        let no = || -> ArrayRef {
            Arc::new(datafusion::arrow::array::BooleanArray::from(vec![false; n]))
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.wiki.finish()),
            constant("revision"),
            constant("create"),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.comment.finish()),
            Arc::new(self.user.finish()),
            Arc::new(self.central.finish()),
            Arc::new(self.text_historical.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.bot.finish()),
            Arc::new(self.anonymous.finish()),
            no(),
            Arc::new(self.registered.finish()),
            nulls_text(),
            Arc::new(self.page.finish()),
            nulls_text(),
            Arc::new(self.title.finish()),
            Arc::new(self.namespace.finish()),
            Arc::new(self.revision.finish()),
            Arc::new(self.parent.finish()),
            Arc::new(self.bytes.finish()),
            Arc::new(self.reverted.finish()),
            Arc::new(self.revert_secs.finish()),
            Arc::new(self.tags.finish()),
        ];
        batch(schema, columns, path)
    }
}

/// Rows per file of `mediawiki_history`.
const ROWS_PER_FILE: usize = 1 << 20;

/// Writes the dumps (and the impact sources of `options`) as the data lake's tables under
/// `root`, in snapshot `snapshot` (`YYYY-MM`). A bad row stops it with its file and line, as
/// [`crate::convert::convert`] does. Category pages have no lake table here: the lake's
/// `categorylinks` is not read, so category communities keep the flat lake's
/// `category_pages` file, which [`prepare_run`] copies into the run folder.
pub fn write(
    dumps: &[PathBuf],
    root: &Path,
    snapshot: &str,
    options: &crate::convert::Options,
) -> Result<Written, LakeError> {
    if !communities::sql::is_snapshot(snapshot) {
        return Err(LakeError::Setting {
            name: "snapshot",
            value: snapshot.to_string(),
            expected: "a month as the lake names its snapshots, YYYY-MM (e.g. 2026-09)",
        });
    }
    let all = tables();
    let schema_of = |name: &str| {
        all.iter()
            .find(|t| t.name == name)
            .map(|t| t.schema.clone())
            .unwrap_or_else(|| Arc::new(Schema::empty()))
    };
    for t in &all {
        let dir = table_dir(root, t.name);
        std::fs::create_dir_all(&dir).map_err(|source| LakeError::Io { path: dir, source })?;
    }
    let mut written = Written::default();
    let mut wikis: std::collections::BTreeSet<String> = Default::default();
    let history_dir = table_dir(root, "wmf.mediawiki_history").join(format!("snapshot={snapshot}"));
    let schema = schema_of("wmf.mediawiki_history");
    let mut rows = History::new();
    let mut part = 0;
    for dump in dumps {
        let edits = communities::dump::open(dump)
            .map_err(|source| LakeError::Dump { path: dump.clone(), source })?;
        for e in edits {
            let e = e.map_err(|source| LakeError::Dump { path: dump.clone(), source })?;
            if !wikis.contains(&e.wiki) {
                wikis.insert(e.wiki.clone());
            }
            rows.push(&e);
            written.history_rows += 1;
            if rows.rows >= ROWS_PER_FILE {
                let path = history_dir.join(format!("part-{part:05}.parquet"));
                write_file(&path, &rows.finish(&schema, &path)?)?;
                part += 1;
            }
        }
    }
    let path = history_dir.join(format!("part-{part:05}.parquet"));
    write_file(&path, &rows.finish(&schema, &path)?)?;

    // Pageviews: one partition per hour file.
    let schema = schema_of("wmf.pageview_hourly");
    for (k, file) in options.impact.pageviews.iter().enumerate() {
        let views = communities::pageviews::read_file(file)
            .map_err(|source| LakeError::Dump { path: file.clone(), source })?;
        let Some(hour) = communities::pageviews::hour_of_file(file) else { continue };
        // `YYYY-MM-DD HH:00:00.0`: the partition values, unpadded as the lake writes them.
        let stamp = format_timestamp(hour);
        let part = |a: usize, b: usize| stamp.get(a..b).and_then(|x| x.parse::<u32>().ok());
        let (Some(y), Some(m), Some(d), Some(h)) =
            (part(0, 4), part(5, 7), part(8, 10), part(11, 13))
        else {
            continue;
        };
        let dir = table_dir(root, "wmf.pageview_hourly")
            .join(format!("year={y}/month={m}/day={d}/hour={h}"));
        let path = dir.join(format!("part-{k:05}.parquet"));
        let mut project = StringBuilder::new();
        let mut title = StringBuilder::new();
        let mut count = Int64Builder::new();
        for v in &views {
            let Some(domain) = domain_of_wiki(&v.wiki) else { continue };
            wikis.insert(v.wiki.clone());
            project.append_value(project_of_domain(&domain));
            title.append_value(&v.title);
            count.append_value(v.views);
        }
        let n = count.len();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(project.finish()),
            Arc::new(title.finish()),
            Arc::new(StringArray::from(vec!["user"; n])),
            Arc::new(count.finish()),
        ];
        write_file(&path, &batch(&schema, columns, &path)?)?;
        written.pageview_hours += 1;
    }

    // Link tables: the wiki's own imagelinks, and Commons' globalimagelinks.
    let fail =
        |e: communities::summary::FileError| LakeError::Dump { path: e.path, source: e.source };
    let (global, local): (Vec<PathBuf>, Vec<PathBuf>) = options
        .impact
        .links
        .iter()
        .cloned()
        .partition(|p| p.to_string_lossy().contains("globalimagelinks"));
    for (table, files) in
        [("wmf_raw.mediawiki_imagelinks", local), ("wmf_raw.mediawiki_globalimagelinks", global)]
    {
        let uses = communities::links::read_file_uses(&files).map_err(fail)?;
        let mut by_wiki: BTreeMap<String, (StringBuilder, Int32Builder)> = BTreeMap::new();
        for u in uses {
            let (t, ns) = by_wiki
                .entry(u.wiki.clone())
                .or_insert_with(|| (StringBuilder::new(), Int32Builder::new()));
            t.append_value(&u.file);
            ns.append_value(i32::try_from(u.namespace).unwrap_or(i32::MAX));
            written.link_rows += 1;
        }
        let schema = schema_of(table);
        for (wiki, (mut t, mut ns)) in by_wiki {
            let path = table_dir(root, table)
                .join(format!("snapshot={snapshot}/wiki_db={wiki}/part-00000.parquet"));
            let columns: Vec<ArrayRef> = vec![Arc::new(t.finish()), Arc::new(ns.finish())];
            write_file(&path, &batch(&schema, columns, &path)?)?;
        }
    }

    // The wikis' domains, for the pageviews' `project`.
    let schema = schema_of("canonical_data.wikis");
    // One file per snapshot written: the view reads the wikis once each (`DISTINCT`).
    let path = table_dir(root, "canonical_data.wikis").join(format!("part-{snapshot}.parquet"));
    let mut code = StringBuilder::new();
    let mut domain = StringBuilder::new();
    for wiki in &wikis {
        if let Some(d) = domain_of_wiki(wiki) {
            code.append_value(wiki);
            domain.append_value(d);
        }
    }
    let columns: Vec<ArrayRef> = vec![Arc::new(code.finish()), Arc::new(domain.finish())];
    write_file(&path, &batch(&schema, columns, &path)?)?;
    Ok(written)
}

/// Spark SQL that declares the layout's tables over the files under `root` (databases,
/// `CREATE TABLE … USING parquet PARTITIONED BY … LOCATION …`, then the partitions found):
/// what the CI test runs before the statements, and what shows an analyst the layout.
pub fn spark_ddl(root: &Path) -> Vec<String> {
    let mut out: Vec<String> =
        DATABASES.iter().map(|d| format!("CREATE DATABASE IF NOT EXISTS {d}")).collect();
    for t in tables() {
        let spark_type = |d: &DataType| match d {
            DataType::Utf8 => "STRING",
            DataType::Int32 => "INT",
            DataType::Int64 => "BIGINT",
            DataType::Boolean => "BOOLEAN",
            _ => "ARRAY<STRING>",
        };
        let mut columns: Vec<String> = t
            .schema
            .fields()
            .iter()
            .map(|f| format!("{} {}", f.name(), spark_type(f.data_type())))
            .collect();
        columns.extend(t.partitions.iter().map(|(n, d)| format!("{n} {}", spark_type(d))));
        let partitioned = if t.partitions.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = t.partitions.iter().map(|(n, _)| *n).collect();
            format!(" PARTITIONED BY ({})", names.join(", "))
        };
        let location = table_dir(root, t.name);
        out.push(format!(
            "CREATE TABLE IF NOT EXISTS {} ({}) USING parquet{partitioned} LOCATION '{}'",
            t.name,
            columns.join(", "),
            location.display().to_string().replace('\'', "\\'")
        ));
        if !t.partitions.is_empty() {
            out.push(format!("MSCK REPAIR TABLE {}", t.name));
        }
    }
    out
}

/// Writes what a run on the layout needs besides the lake's tables into `run_dir`: the
/// communities (as [`crate::engine::prepare_run`]), the category pages, the statements for
/// Spark (`statements.json`: the views of `wmf.sql` spelled for Spark, then the metrics) and
/// the tables' declarations (`ddl.json`, [`spark_ddl`]).
pub fn prepare_run(
    run_dir: &Path,
    root: &Path,
    tables: &LakeTables,
    communities: &[communities::metrics::Community],
    category_pages: Option<&Path>,
) -> Result<(), LakeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LakeError::Io { path, source }
    };
    std::fs::create_dir_all(run_dir).map_err(io(run_dir))?;
    crate::engine::prepare_run(run_dir, communities)?;
    crate::convert::write_categories(run_dir, category_pages)?;
    let write_json = |name: &str, value: &serde_json::Value| -> Result<(), LakeError> {
        let path = run_dir.join(name);
        let text = serde_json::to_vec_pretty(value)
            .map_err(|e| LakeError::Encode { path: path.clone(), why: e.to_string() })?;
        std::fs::write(&path, text).map_err(io(&path))
    };
    let statements =
        serde_json::to_value(lake_statements(tables, Dialect::Spark)).map_err(|e| {
            LakeError::Encode { path: run_dir.join("statements.json"), why: e.to_string() }
        })?;
    write_json("statements.json", &statements)?;
    write_json("ddl.json", &serde_json::Value::from(spark_ddl(root)))?;
    Ok(())
}

/// The tables a run folder holds for a run on the layout.
const RUN_TABLES: [&str; 4] = ["communities", "members", "windows", "category_pages"];

/// Runs the metrics on DataFusion over the layout under `root` (the snapshot and names of
/// `tables`; the communities and category pages in `run_dir`, from [`prepare_run`]).
pub fn metrics(
    root: &Path,
    run_dir: &Path,
    tables: &LakeTables,
    options: &RunOptions,
) -> Result<Results, LakeError> {
    crate::engine::on_runtime(run_dir, options, |threads, spill| async move {
        let ctx = crate::engine::context(threads, options.memory, &spill)?;
        register(&ctx, root, run_dir).await?;
        crate::engine::run_statements(
            &ctx,
            &lake_statements(tables, Dialect::DataFusion),
            options.memory,
        )
        .await
    })
}

/// Registers the layout's tables (with their partition columns, so a filter on `snapshot` or
/// `year` reads only those folders), the run's tables and the three functions of the
/// DataFusion dialect.
async fn register(ctx: &SessionContext, root: &Path, run_dir: &Path) -> Result<(), LakeError> {
    let fail = |what: String, why: String| LakeError::Query { statement: what, why };
    let catalog = ctx
        .catalog("datafusion")
        .ok_or_else(|| fail("set up".into(), "no default catalog".into()))?;
    for db in DATABASES {
        catalog
            .register_schema(db, Arc::new(MemorySchemaProvider::new()))
            .map_err(|e| fail(format!("create {db}"), e.to_string()))?;
    }
    for t in tables() {
        let dir = table_dir(root, t.name);
        std::fs::create_dir_all(&dir)
            .map_err(|source| LakeError::Io { path: dir.clone(), source })?;
        let location = format!("{}/", dir.display());
        let partitions: Vec<(String, DataType)> =
            t.partitions.iter().map(|(n, d)| ((*n).to_string(), d.clone())).collect();
        let read = ParquetReadOptions::default().schema(&t.schema).table_partition_cols(partitions);
        ctx.register_parquet(t.name, &location, read)
            .await
            .map_err(|e| fail(format!("read {}", t.name), e.to_string()))?;
    }
    for table in RUN_TABLES {
        let file = crate::tables::path(run_dir, table);
        if !file.exists() {
            return Err(LakeError::MissingTable { path: file });
        }
        let location = file.display().to_string();
        ctx.register_parquet(table, &location, ParquetReadOptions::default())
            .await
            .map_err(|e| fail(format!("read {table}"), e.to_string()))?;
    }
    ctx.register_udf(create_udf(
        "tl_epoch",
        vec![DataType::Utf8],
        DataType::Int64,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let text = string_array(&arrays[0])?;
            let out: Int64Array = (0..text.len())
                .map(|i| {
                    if text.is_null(i) { None } else { communities::dump::timestamp(text.value(i)) }
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out)))
        }),
    ));
    ctx.register_udf(create_udf(
        "tl_hour_start",
        vec![DataType::Int32, DataType::Int32, DataType::Int32, DataType::Int32],
        DataType::Int64,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let ints: Vec<&datafusion::arrow::array::Int32Array> = arrays
                .iter()
                .map(|a| {
                    a.as_any().downcast_ref::<datafusion::arrow::array::Int32Array>().ok_or_else(
                        || datafusion::error::DataFusionError::Internal("expected INT".into()),
                    )
                })
                .collect::<Result<_, _>>()?;
            let n = ints.first().map_or(0, |a| a.len());
            let out: Int64Array = (0..n)
                .map(|i| {
                    if ints.iter().any(|a| a.is_null(i)) {
                        return None;
                    }
                    let stamp = format!(
                        "{:04}-{:02}-{:02} {:02}:00:00.0",
                        ints[0].value(i),
                        ints[1].value(i),
                        ints[2].value(i),
                        ints[3].value(i)
                    );
                    communities::dump::timestamp(&stamp)
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out)))
        }),
    ));
    ctx.register_udf(create_udf(
        "tl_nonempty",
        vec![utf8_list()],
        DataType::Boolean,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let list = arrays[0]
                .as_any()
                .downcast_ref::<datafusion::arrow::array::ListArray>()
                .ok_or_else(|| {
                    datafusion::error::DataFusionError::Internal("expected a list".into())
                })?;
            let out: datafusion::arrow::array::BooleanArray = (0..list.len())
                .map(|i| Some(!list.is_null(i) && list.value_length(i) > 0))
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out)))
        }),
    ));
    ctx.register_udf(create_udf(
        "tl_project",
        vec![DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let text = string_array(&arrays[0])?;
            let out: StringArray = (0..text.len())
                .map(|i| (!text.is_null(i)).then(|| project_of_domain(text.value(i))))
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out)))
        }),
    ));
    ctx.register_udf(create_udf(
        "tl_hashtags",
        vec![DataType::Utf8],
        utf8_list(),
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let text = string_array(&arrays[0])?;
            let mut out = ListBuilder::new(StringBuilder::new());
            for i in 0..text.len() {
                if !text.is_null(i) {
                    for tag in communities::metrics::hashtags(text.value(i)) {
                        out.values().append_value(tag);
                    }
                }
                out.append(true);
            }
            Ok(ColumnarValue::Array(Arc::new(out.finish())))
        }),
    ));
    Ok(())
}

fn string_array(a: &ArrayRef) -> datafusion::error::Result<&StringArray> {
    a.as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| datafusion::error::DataFusionError::Internal("expected text".into()))
}

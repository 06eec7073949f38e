//! The data lake's layout (`lake::wmf`): the dumps written as `wmf.mediawiki_history`
//! (partitioned by snapshot), `wmf.pageview_hourly` (by hour), the link tables and
//! `canonical_data.wikis`, and the same metric statements run over them through the views of
//! `communities/sql/wmf.sql`. DataFusion on that layout must equal the reference
//! (`communities::metrics`) count for count on every planted fixture and on generated worlds;
//! Spark (CI, `THROUGHLINE_SPARK_TESTS=1`) must equal it too, over a Spark database `wmf`
//! declared on the same files, from the statements and from the analyst's script.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use communities::dump::read;
use communities::metrics::{Community, DAY, Data, Outcome};
use communities::sql::LakeTables;
use communities::summary::ImpactSources;
use lake::convert::Options;
use lake::engine::{Results, RunOptions};
use synthetic::dumps::{Spec, World};
use synthetic::impact::{ImageLinksLayout, Sources};

const SNAPSHOT: &str = "2026-11";

fn run_options() -> RunOptions {
    RunOptions { threads: 2, memory: 1 << 30, spill_dir: None }
}

/// A layout under `dir/lake` from `dump` and `options`, with a second snapshot beside it
/// holding only the first rows (a decoy: reading it instead of SNAPSHOT changes every count).
fn write_layout(dir: &Path, dump: &Path, text: &str, options: &Options) -> PathBuf {
    let root = dir.join("lake");
    lake::wmf::write(&[dump.to_path_buf()], &root, SNAPSHOT, options).unwrap();
    let decoy = dir.join("decoy.tsv");
    let first: Vec<&str> = text.lines().take(3).collect();
    std::fs::write(&decoy, first.join("\n")).unwrap();
    lake::wmf::write(&[decoy], &root, "2026-10", &Options::default()).unwrap();
    root
}

/// Runs DataFusion on the layout and checks it against the reference for `communities`.
fn check(
    dir: &Path,
    root: &Path,
    communities: &[Community],
    data: &Data,
    options: &Options,
) -> (Results, PathBuf, LakeTables) {
    let run = dir.join("run");
    let mut tables = LakeTables::wmf(SNAPSHOT);
    tables.coverage_end = options.coverage_end;
    lake::wmf::prepare_run(&run, root, &tables, communities, options.categories.as_deref())
        .unwrap();
    let got = lake::wmf::metrics(root, &run, &tables, &run_options()).unwrap();
    let mut sorted: Vec<&Community> = communities.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got.communities.len(), sorted.len());
    for ((id, outcome), c) in got.communities.iter().zip(&sorted) {
        assert_eq!(id, &c.id);
        assert_eq!(outcome, &data.metrics(c), "{id}");
    }
    assert_eq!(got.totals, data.totals(communities));
    (got, run, tables)
}

fn presets_fixture(dir: &Path) -> (PathBuf, String, Options, Vec<Community>, Data) {
    let rows = synthetic::presets::rows();
    let text = rows.iter().map(synthetic::dumps::line).collect::<Vec<_>>().join("\n");
    let dump = dir.join("presets.tsv");
    std::fs::write(&dump, &text).unwrap();
    let end = synthetic::presets::coverage_end();
    let options = Options { coverage_end: Some(end), ..Options::default() };
    let mut all: Vec<Community> = Vec::new();
    for (tag, d) in synthetic::presets::definitions() {
        all.extend(synthetic::presets::tagged(&d, &tag));
    }
    let data = Data {
        edits: read(text.as_bytes()).unwrap(),
        coverage: [
            (synthetic::presets::HOME.to_string(), end),
            (synthetic::presets::OTHER.to_string(), end),
        ]
        .into(),
        ..Data::default()
    };
    (dump, text, options, all, data)
}

fn impact_fixture(
    dir: &Path,
    layout: ImageLinksLayout,
) -> (PathBuf, String, Options, Vec<Community>, Data) {
    use synthetic::impact;
    let planted = impact::planted(layout);
    let text = planted.rows.iter().map(synthetic::dumps::line).collect::<Vec<_>>().join("\n");
    let dump = dir.join("impact.tsv");
    std::fs::write(&dump, &text).unwrap();
    let written = impact::write_files(dir, &planted.files).unwrap();
    let (links, pageviews): (Vec<PathBuf>, Vec<PathBuf>) =
        written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
    let sources = ImpactSources { links, pageviews };
    let end = impact::coverage_end();
    let options =
        Options { coverage_end: Some(end), impact: sources.clone(), ..Options::default() };
    let mut all: Vec<Community> = Vec::new();
    for (tag, d) in synthetic::presets::definitions() {
        all.extend(impact::communities(&d, &tag));
    }
    let uses = communities::links::read_file_uses(&sources.links).unwrap();
    let views = communities::pageviews::read_files(&sources.pageviews).unwrap();
    let data = Data::new(read(text.as_bytes()).unwrap(), &[], Some(end)).with_impact(&uses, &views);
    (dump, text, options, all, data)
}

fn world_fixture(dir: &Path, seed: u64) -> (PathBuf, String, Options, Vec<Community>, Data) {
    let mut world = World::new(Spec::small(seed));
    let definitions = synthetic::presets::definitions();
    for (k, c) in world.communities.iter_mut().enumerate() {
        c.definition = definitions[(k + seed as usize) % definitions.len()].1.clone();
    }
    let mut text = Vec::new();
    let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
    world
        .write_observed(&mut text, communities::dump::Layout::Current, &mut |r| sources.observe(r))
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    let dump = dir.join("dump.tsv");
    std::fs::write(&dump, &text).unwrap();
    let written =
        synthetic::impact::write_files(dir, &sources.files(ImageLinksLayout::Title)).unwrap();
    let (links, pageviews): (Vec<PathBuf>, Vec<PathBuf>) =
        written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
    let impact = ImpactSources { links, pageviews };
    let categories = dir.join("categories.tsv");
    let mut c_text = String::new();
    for (w, c, p) in &world.categories {
        c_text.push_str(&format!("{w}\tCategory:{}\t{p}\n", c.replace('_', " ")));
    }
    std::fs::write(&categories, c_text).unwrap();
    let edits = read(text.as_bytes()).unwrap();
    let mut coverage: BTreeMap<String, i64> = BTreeMap::new();
    for e in &edits {
        let end = coverage.entry(e.wiki.clone()).or_insert(i64::MIN);
        *end = (*end).max(e.at.div_euclid(DAY) * DAY);
    }
    let mut cats: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
    for (w, c, p) in &world.categories {
        cats.entry((w.clone(), c.clone())).or_default().insert(*p);
    }
    let uses = communities::links::read_file_uses(&impact.links).unwrap();
    let views = communities::pageviews::read_files(&impact.pageviews).unwrap();
    let data =
        Data { edits, categories: cats, coverage, ..Data::default() }.with_impact(&uses, &views);
    let options = Options { categories: Some(categories), coverage_end: None, impact };
    (dump, text, options, world.communities.clone(), data)
}

/// Something was counted: the comparison is not between two empty tables (the impact fixture
/// plants no returns, so retention is asked for only where there are some).
fn exercised(r: &Results, with_retention: bool) {
    let (mut people, mut retained, mut impact) = (0, 0, 0);
    for (_, o) in &r.communities {
        if let Outcome::Measured { metrics, .. } = o {
            people += metrics.participants;
            retained += metrics.retention.iter().map(|w| w.retained).sum::<u64>();
            impact += metrics.files_in_use
                + metrics.articles_improved
                + u64::try_from(metrics.views_to_created).unwrap();
        }
    }
    assert!(people > 0 && impact > 0, "{people} {retained} {impact}");
    assert!(retained > 0 || !with_retention, "{people} {retained} {impact}");
}

#[test]
fn datafusion_on_the_lake_layout_matches_the_reference_on_every_preset_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let (dump, text, options, all, data) = presets_fixture(dir.path());
    let root = write_layout(dir.path(), &dump, &text, &options);
    check(dir.path(), &root, &all, &data, &options);
}

#[test]
fn datafusion_on_the_lake_layout_matches_the_reference_on_the_planted_impact_fixture() {
    for layout in [ImageLinksLayout::Title, ImageLinksLayout::Target] {
        let dir = tempfile::tempdir().unwrap();
        let (dump, text, options, all, data) = impact_fixture(dir.path(), layout);
        let root = write_layout(dir.path(), &dump, &text, &options);
        let (got, _, _) = check(dir.path(), &root, &all, &data, &options);
        exercised(&got, false);
    }
}

#[test]
fn datafusion_on_the_lake_layout_matches_the_reference_on_generated_worlds() {
    for seed in [3, 8] {
        let dir = tempfile::tempdir().unwrap();
        let (dump, text, options, all, data) = world_fixture(dir.path(), seed);
        let root = write_layout(dir.path(), &dump, &text, &options);
        let (got, _, _) = check(dir.path(), &root, &all, &data, &options);
        exercised(&got, true);
    }
}

#[test]
fn the_layout_is_partitioned_as_the_lake_is() {
    let dir = tempfile::tempdir().unwrap();
    let (dump, text, options, _, _) = impact_fixture(dir.path(), ImageLinksLayout::Title);
    let root = write_layout(dir.path(), &dump, &text, &options);
    let history = root.join("wmf/mediawiki_history");
    assert!(history.join(format!("snapshot={SNAPSHOT}/part-00000.parquet")).exists());
    assert!(history.join("snapshot=2026-10/part-00000.parquet").exists());
    let hours: Vec<PathBuf> = walk(&root.join("wmf/pageview_hourly"));
    assert!(!hours.is_empty());
    for h in &hours {
        let rel =
            h.strip_prefix(root.join("wmf/pageview_hourly")).unwrap().to_string_lossy().to_string();
        let parts: Vec<&str> = rel.split('/').collect();
        assert_eq!(parts.len(), 5, "{rel}");
        for (p, key) in parts.iter().zip(["year=", "month=", "day=", "hour="]) {
            assert!(p.starts_with(key), "{rel}");
            // Unpadded, as the lake's partitions are.
            let value = &p[key.len()..];
            assert!(!value.starts_with('0') || value == "0", "{rel}");
        }
    }
    let links = walk(&root.join("wmf_raw/mediawiki_imagelinks"));
    assert!(
        links
            .iter()
            .all(|p| p.to_string_lossy().contains(&format!("snapshot={SNAPSHOT}/wiki_db=")))
    );
    assert!(!links.is_empty());
    assert!(!walk(&root.join("wmf_raw/mediawiki_globalimagelinks")).is_empty());
    assert_eq!(lake::wmf::domain_of_wiki("wikidatawiki").as_deref(), Some("www.wikidata.org"));
    assert_eq!(lake::wmf::domain_of_wiki("commonswiki").as_deref(), Some("commons.wikimedia.org"));
    assert_eq!(
        lake::wmf::domain_of_wiki("zh_min_nanwiki").as_deref(),
        Some("zh-min-nan.wikipedia.org")
    );
    assert_eq!(lake::wmf::domain_of_wiki("dewikisource").as_deref(), Some("de.wikisource.org"));
    // The domains round-trip through the pageview dumps' codes.
    for wiki in ["enwiki", "commonswiki", "wikidatawiki", "frwiktionary", "metawiki"] {
        let domain = lake::wmf::domain_of_wiki(wiki).unwrap();
        assert!(domain.ends_with(".org"), "{domain}");
    }
}

#[test]
fn a_snapshot_that_is_not_a_month_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = lake::wmf::write(&[], dir.path(), "2026-9", &Options::default()).unwrap_err();
    assert!(err.to_string().contains("YYYY-MM"), "{err}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    out
}

// Spark, over a database `wmf` declared on the same files.

fn spark_enabled() -> bool {
    if std::env::var("THROUGHLINE_SPARK_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set THROUGHLINE_SPARK_TESTS=1 (needs pyspark and Java 17)");
        return false;
    }
    true
}

fn spark(run: &Path, script: Option<&Path>) -> Results {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = run.join("spark.json");
    let python = std::env::var("THROUGHLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = std::process::Command::new(python);
    cmd.arg(repo.join("tests/spark/metrics.py")).arg(run).arg(&out);
    if let Some(s) = script {
        cmd.arg("--script").arg(s);
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "Spark failed: {status}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    lake::engine::results_from_json(&json).expect("Spark's output has every column")
}

#[test]
fn spark_on_the_lake_layout_equals_the_reference() {
    if !spark_enabled() {
        return;
    }
    for k in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let (dump, text, options, all, data) = match k {
            0 => presets_fixture(dir.path()),
            1 => impact_fixture(dir.path(), ImageLinksLayout::Target),
            _ => world_fixture(dir.path(), 21),
        };
        let root = write_layout(dir.path(), &dump, &text, &options);
        let (ours, run, tables) = check(dir.path(), &root, &all, &data, &options);
        let got = spark(&run, None);
        assert_eq!(got.communities, ours.communities, "fixture {k}");
        assert_eq!(got.totals, ours.totals, "fixture {k}");
        // The analyst's script (`--emit-sql spark`) gives the same.
        let categories = match &options.categories {
            Some(f) => communities::dump::read_categories(f).unwrap(),
            None => Vec::new(),
        };
        let script = run.join("metrics.sql");
        std::fs::write(&script, communities::sql::spark_script(&all, &categories, &tables))
            .unwrap();
        let got = spark(&run, Some(&script));
        assert_eq!(got.communities, ours.communities, "fixture {k}, script");
        assert_eq!(got.totals, ours.totals, "fixture {k}, script");
    }
}

//! Spark and DataFusion give identical results on the same sample: the SQL definitions and
//! the converted lake are the same; Spark runs locally on loopback (`pip install pyspark`,
//! Java 17). Runs when THROUGHLINE_SPARK_TESTS=1 (CI sets it); skipped otherwise, with a note.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use communities::summary::ImpactSources;
use lake::convert::{Options, convert};
use lake::engine::{metrics, prepare_run, results_from_json};
use synthetic::dumps::{Spec, World};
use synthetic::impact::{ImageLinksLayout, Sources};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).unwrap()
}

/// Runs the statements on Spark over `lake_dir` and reads the results back.
fn spark(dir: &Path, lake_dir: &Path) -> lake::engine::Results {
    let out = dir.join("spark.json");
    let python = std::env::var("THROUGHLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = std::process::Command::new(python)
        .arg(repo().join("tests/spark/metrics.py"))
        .arg(lake_dir)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "Spark failed: {status}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    results_from_json(&json).expect("Spark's output has every column")
}

fn enabled() -> bool {
    if std::env::var("THROUGHLINE_SPARK_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set THROUGHLINE_SPARK_TESTS=1 (needs pyspark and Java 17)");
        return false;
    }
    true
}

#[test]
fn spark_and_datafusion_agree_on_a_generated_sample() {
    if !enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new(Spec::small(21));
    let definitions = synthetic::presets::definitions();
    for (k, c) in world.communities.iter_mut().enumerate() {
        c.definition = definitions[k % definitions.len()].1.clone();
    }
    let dump = dir.path().join("dump.tsv");
    let mut file = std::fs::File::create(&dump).unwrap();
    let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
    world
        .write_observed(&mut file, communities::dump::Layout::Current, &mut |r| sources.observe(r))
        .unwrap();
    let written =
        synthetic::impact::write_files(dir.path(), &sources.files(ImageLinksLayout::Title))
            .unwrap();
    let (links, pageviews) =
        written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
    let options = Options { impact: ImpactSources { links, pageviews }, ..Options::default() };
    let lake_dir = dir.path().join("lake");
    convert(&[dump], &lake_dir, &options, Arc::new(AtomicU64::new(0))).unwrap();
    prepare_run(&lake_dir, &world.communities).unwrap();
    let ours = metrics(&lake_dir).unwrap();
    let spark = spark(dir.path(), &lake_dir);
    assert_eq!(spark.totals, ours.totals);
    assert_eq!(spark.communities, ours.communities);
    assert!(ours.totals.participants > 0);
    let impact: u64 = ours
        .communities
        .iter()
        .filter_map(|(_, o)| match o {
            communities::metrics::Outcome::Measured { metrics, .. } => {
                Some(metrics.files_in_use + metrics.articles_improved)
            }
            communities::metrics::Outcome::Missing => None,
        })
        .sum();
    assert!(impact > 0, "the impact figures are exercised");
}

#[test]
fn spark_and_datafusion_agree_on_every_preset_boundary() {
    if !enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = synthetic::presets::rows()
        .iter()
        .map(synthetic::dumps::line)
        .collect::<Vec<_>>()
        .join("\n");
    let dump = dir.path().join("presets.tsv");
    std::fs::write(&dump, text).unwrap();
    let lake_dir = dir.path().join("lake");
    let options =
        Options { coverage_end: Some(synthetic::presets::coverage_end()), ..Options::default() };
    convert(&[dump], &lake_dir, &options, Arc::new(AtomicU64::new(0))).unwrap();
    let mut all = Vec::new();
    for (tag, d) in synthetic::presets::definitions() {
        all.extend(synthetic::presets::tagged(&d, &tag));
    }
    prepare_run(&lake_dir, &all).unwrap();
    // DataFusion equals the reference on these rows (tests/reference.rs), whose counts the
    // communities crate pins by hand (tests/presets.rs).
    let ours = metrics(&lake_dir).unwrap();
    let spark = spark(dir.path(), &lake_dir);
    assert_eq!(spark.communities, ours.communities);
    assert_eq!(spark.totals, ours.totals);
}

#[test]
fn spark_and_datafusion_agree_on_the_planted_impact_fixture() {
    if !enabled() {
        return;
    }
    use synthetic::impact;
    let dir = tempfile::tempdir().unwrap();
    let planted = impact::planted(ImageLinksLayout::Target);
    let text = planted.rows.iter().map(synthetic::dumps::line).collect::<Vec<_>>().join("\n");
    let dump = dir.path().join("impact.tsv");
    std::fs::write(&dump, text).unwrap();
    let written = impact::write_files(dir.path(), &planted.files).unwrap();
    let (links, pageviews) =
        written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
    let options = Options {
        coverage_end: Some(impact::coverage_end()),
        impact: ImpactSources { links, pageviews },
        ..Options::default()
    };
    let lake_dir = dir.path().join("lake");
    convert(&[dump], &lake_dir, &options, Arc::new(AtomicU64::new(0))).unwrap();
    let mut all = Vec::new();
    for (tag, d) in synthetic::presets::definitions() {
        all.extend(impact::communities(&d, &tag));
    }
    prepare_run(&lake_dir, &all).unwrap();
    // DataFusion equals the reference on these files (tests/reference.rs), whose figures the
    // communities crate pins by hand (tests/impact.rs).
    let ours = metrics(&lake_dir).unwrap();
    let spark = spark(dir.path(), &lake_dir);
    assert_eq!(spark.communities, ours.communities);
    assert_eq!(spark.totals, ours.totals);
}

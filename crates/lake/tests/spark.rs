//! Spark and DataFusion give identical results on the same sample: the SQL definitions and
//! the converted lake are the same; Spark runs locally on loopback (`pip install pyspark`,
//! Java 17). Runs when THROUGHLINE_SPARK_TESTS=1 (CI sets it); skipped otherwise, with a note.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use lake::convert::{Options, convert};
use lake::engine::{metrics, prepare_run, results_from_json};
use synthetic::dumps::{Spec, World};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).unwrap()
}

#[test]
fn spark_and_datafusion_agree_on_a_generated_sample() {
    if std::env::var("THROUGHLINE_SPARK_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set THROUGHLINE_SPARK_TESTS=1 (needs pyspark and Java 17)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let world = World::new(Spec::small(21));
    let dump = dir.path().join("dump.tsv");
    let mut file = std::fs::File::create(&dump).unwrap();
    world.write(&mut file).unwrap();
    let lake_dir = dir.path().join("lake");
    convert(&[dump], &lake_dir, &Options::default(), Arc::new(AtomicU64::new(0))).unwrap();
    prepare_run(&lake_dir, &world.communities).unwrap();
    let ours = metrics(&lake_dir).unwrap();

    let out = dir.path().join("spark.json");
    let python = std::env::var("THROUGHLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = std::process::Command::new(python)
        .arg(repo().join("tests/spark/metrics.py"))
        .arg(&lake_dir)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "Spark failed: {status}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let spark = results_from_json(&json).expect("Spark's output has every column");
    assert_eq!(spark.totals, ours.totals);
    assert_eq!(spark.communities.len(), ours.communities.len());
    for (s, o) in spark.communities.iter().zip(&ours.communities) {
        assert_eq!(s, o);
    }
    assert!(ours.totals.participants > 0);
}

//! Spark and DataFusion give identical results on the same sample: the SQL definitions and
//! the converted lake are the same; Spark runs locally on loopback (`pip install pyspark`,
//! Java 17). Runs when THROUGHLINE_SPARK_TESTS=1 (CI sets it); skipped otherwise, with a note.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use communities::generate::{Spec, World};
use communities::metrics::{Outcome, Totals};
use communities::sql::{metric_columns, metrics_from_row};
use lake::convert::{Options, convert};
use lake::engine::{Results, metrics, write_communities};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).unwrap()
}

fn from_spark(json: &Value) -> Results {
    let mut communities: Vec<(String, Outcome)> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let id = row["community_id"].as_str().unwrap().to_string();
            let outcome = match row["coverage_end"].as_i64() {
                None => Outcome::Missing,
                Some(end) => {
                    let v: Vec<i64> =
                        metric_columns().iter().map(|c| row[c.as_str()].as_i64().unwrap()).collect();
                    Outcome::Measured { coverage_end: end, metrics: metrics_from_row(&v).unwrap() }
                }
            };
            (id, outcome)
        })
        .collect();
    communities.sort_by(|a, b| a.0.cmp(&b.0));
    let t = &json["totals"];
    let n = |k: &str| t[k].as_u64().unwrap();
    Results {
        communities,
        totals: Totals {
            participants: n("participants"),
            participants_summed: n("participants_summed"),
            new_contributors: n("new_contributors"),
            edits: n("edits"),
            edits_summed: n("edits_summed"),
        },
    }
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
    write_communities(&lake_dir, &world.communities).unwrap();
    let ours = metrics(&lake_dir).unwrap();

    let out = dir.path().join("spark.json");
    let python = std::env::var("THROUGHLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = std::process::Command::new(python)
        .arg(repo().join("tests/spark/metrics.py"))
        .arg(&lake_dir)
        .arg(repo().join("crates/communities/sql/metrics.sql"))
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "Spark failed: {status}");
    let spark = from_spark(&serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap());
    assert_eq!(spark.totals, ours.totals);
    assert_eq!(spark.communities.len(), ours.communities.len());
    for (s, o) in spark.communities.iter().zip(&ours.communities) {
        assert_eq!(s, o);
    }
    assert!(ours.totals.participants > 0);
}

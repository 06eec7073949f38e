//! `throughline communities` on a copy of the bundled example, whose SYNTHETIC dump sample
//! plants five communities whose newcomers come back four times as often (positive deviants).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::example;

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["communities", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_throughline")).args(&all).output().expect("runs")
}

/// The example's planted deviants (every sixth community of the generator).
const PLANTED: [&str; 5] = [
    "category_cat_0_0",
    "tag_campaign_6_6",
    "category_cat_12_12",
    "course_18",
    "category_cat_9_24",
];

#[test]
fn the_example_is_measured_and_the_planted_deviants_lead_the_ranking() {
    let dir = example();
    let out = run(dir.path(), &["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "throughline.communities.v1");
    assert_eq!(v["definitions_version"], 1);
    let rows = v["communities"].as_array().unwrap();
    assert_eq!(rows.len(), 30);
    assert!(rows.iter().all(|r| r["outcome"]["status"] == "measured"));
    // The example's communities say they are made up (`data: synthetic`), and so does the JSON.
    assert!(rows.iter().all(|r| r["provenance"] == "synthetic"), "{}", rows[0]);
    let t = &v["totals"];
    assert!(t["participants"].as_u64() < t["participants_summed"].as_u64(), "overlap counted once");
    let ranked = v["deviance"]["communities"].as_array().unwrap();
    let positive: Vec<&str> = ranked
        .iter()
        .filter(|d| d["margin"].as_f64().unwrap() > 0.0)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(!positive.is_empty());
    for id in &positive {
        assert!(PLANTED.contains(id), "{id} is not a planted deviant; positive: {positive:?}");
    }
    let top: Vec<&str> = ranked[..3].iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert!(top.iter().all(|id| PLANTED.contains(id)), "{top:?}");
}

#[test]
fn without_dumps_every_community_is_missing_not_zero() {
    let dir = example();
    std::fs::remove_dir_all(dir.path().join("data/history")).unwrap();
    let out = run(dir.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("(not zero)").count(), 30, "{text}");
    assert!(text.contains("data: none loaded"));
    // Missing or not, a made-up community is marked, and the table says what the mark means.
    assert_eq!(text.matches("(not zero)  (synthetic data)").count(), 30, "{text}");
    assert!(text.contains("30 of 30 communities are marked synthetic data."), "{text}");
}

#[test]
fn a_bad_dump_row_fails_with_its_file_and_line() {
    let dir = example();
    std::fs::write(dir.path().join("data/history/extra.tsv"), "enwiki\trevision\tcreate\n")
        .unwrap();
    let out = run(dir.path(), &["--engine", "reference"]);
    assert_eq!(out.status.code(), Some(2), "a failure, not a finding");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("extra.tsv: line 1: 3 fields"), "{err}");
}

#[cfg(not(feature = "lake"))]
#[test]
fn asking_for_datafusion_in_a_build_without_it_says_how_to_get_it() {
    let dir = example();
    let out = run(dir.path(), &["--engine", "datafusion"]);
    assert_eq!(out.status.code(), Some(2), "a failure, not a finding");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--features lake"), "{err}");
}

#[test]
fn the_report_has_a_communities_page() {
    let dir = example();
    let out_dir = dir.path().join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args([
            "report",
            dir.path().to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "-n",
            "200",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(out_dir.join("communities.html")).unwrap();
    assert!(page.contains("Definitions version 1"));
    assert!(page.contains("Positive deviance"));
    assert!(page.contains("category_cat_0_0"));
    assert!(page.contains("30 of 30 communities are marked synthetic data."), "{page}");
    assert!(page.contains("<small class=\"warn\">synthetic data</small>"));
}

#[cfg(feature = "lake")]
#[test]
fn datafusion_and_the_reference_report_the_same_and_the_lake_is_reused() {
    let dir = example();
    let first = run(dir.path(), &["--engine", "datafusion", "--json"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("converted"));
    let again = run(dir.path(), &["--engine", "datafusion", "--json"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("converted"), "the lake was rebuilt");
    let reference = run(dir.path(), &["--engine", "reference", "--json"]);
    let mut a: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let mut b: serde_json::Value = serde_json::from_slice(&reference.stdout).unwrap();
    assert_eq!(a["engine"], "datafusion");
    a["engine"] = "-".into();
    b["engine"] = "-".into();
    assert_eq!(a, b);
}

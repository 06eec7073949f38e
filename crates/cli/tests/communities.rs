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
    // 34 communities (four on Wikidata), four of them measured with four definitions side by
    // side.
    assert_eq!(rows.len(), 46);
    let keys: Vec<&str> = rows.iter().map(|r| r["definition"]["key"].as_str().unwrap()).collect();
    for key in ["throughline_v1", "event_metrics", "global_metrics_2014", "dashboard"] {
        assert!(keys.contains(&key), "{key}");
    }
    assert!(rows.iter().any(|r| r["id"] == "hashtag_camp2_2@event_metrics"));
    assert!(rows.iter().all(|r| r["outcome"]["status"] == "measured"));
    // The impact figures come from the example's link dumps and pageview files (synthetic too).
    for figure in ["articles_created", "articles_improved", "files_in_use", "views_to_created"] {
        let sum: i64 = rows.iter().map(|r| r["outcome"]["metrics"][figure].as_i64().unwrap()).sum();
        assert!(sum > 0, "{figure} is 0 everywhere");
    }
    // Wikidata's communities create and edit items (titled `Q…`), and the items they created
    // are viewed.
    let wikidata: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["wiki"] == "wikidatawiki").collect();
    assert_eq!(wikidata.len(), 7, "four communities, one with four definitions");
    for figure in ["articles_created", "articles_improved", "views_to_created"] {
        let sum: i64 =
            wikidata.iter().map(|r| r["outcome"]["metrics"][figure].as_i64().unwrap()).sum();
        assert!(sum > 0, "{figure} is 0 on Wikidata");
    }
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
    assert_eq!(text.matches("(not zero)").count(), 46, "{text}");
    assert!(text.contains("data: none loaded"));
    // Missing or not, a made-up community is marked, and the table says what the mark means.
    assert_eq!(text.matches("(not zero)  (synthetic data)").count(), 46, "{text}");
    assert!(text.contains("46 of 46 communities are marked synthetic data."), "{text}");
    // No figure of a missing community is shown, not even in the Global Metrics table.
    assert!(!text.contains("impact figures"), "{text}");
    // The Global Metrics table is the last to list the row.
    let gm = text.lines().rev().find(|l| l.starts_with("hashtag_camp2_2@global_metrics_2014 "));
    let cells: Vec<&str> = gm.expect("a Global Metrics row").split_whitespace().collect();
    assert_eq!(cells[1..7], ["–"; 6], "{text}");
}

#[test]
fn every_table_is_exported_as_csv_and_json_with_its_definition_in_the_header() {
    let dir = example();
    let out_dir = dir.path().join("export");
    let out = run(dir.path(), &["--engine", "reference", "--export", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(out_dir.join("communities.throughline_v1.csv")).unwrap();
    assert!(
        csv.starts_with("# definition: throughline v1 (throughline_v1, v1)\n# parameters: "),
        "{csv}"
    );
    assert!(csv.contains("synthetic data"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("communities.throughline_v1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["definition"]["key"], "throughline_v1");
    assert!(json["rows"].as_array().unwrap().len() >= 30);
    let gm = std::fs::read_to_string(out_dir.join("communities.global_metrics.csv")).unwrap();
    assert!(gm.contains("# 1. active_editors: Number of active editors involved"), "{gm}");
    assert!(gm.contains("# 7. learning_question:"), "{gm}");
    assert!(gm.contains("synthetic data"), "{gm}");
    let head = gm.lines().find(|l| !l.starts_with('#')).unwrap();
    assert_eq!(
        head,
        "id,name,wiki,active_editors,new_editors,individuals,media_in_articles,articles,bytes,missing_reason,provenance"
    );
    assert_eq!(gm.lines().filter(|l| !l.starts_with('#')).count(), 5, "{gm}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("impact figures (from each community's edits"), "{text}");
    assert!(text.contains("Global Metrics 2014 (published order):"), "{text}");
    for f in [
        "communities.totals.csv",
        "communities.deviance.csv",
        "communities.failures.csv",
        "communities.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
}

#[test]
fn a_wiki_whose_dump_fails_is_flagged_and_the_others_are_still_measured() {
    let dir = example();
    // A second wiki's dump, by its published name, cut short on its second row.
    let good = "frwiki\trevision\tcreate";
    std::fs::write(
        dir.path().join("data/history/2026-08.dewiki.all-time.tsv"),
        format!("{}\n{good}\n", vec![""; 78].join("\t")),
    )
    .unwrap();
    for engine in ["reference", "auto"] {
        let out = run(dir.path(), &["--engine", engine, "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let f = &v["failures"][0];
        assert_eq!(f["wiki"], "dewiki", "{engine}: {v}");
        assert!(f["reason"].as_str().unwrap().starts_with("line 2: 3 fields"), "{f}");
        let rows = v["communities"].as_array().unwrap();
        assert!(rows.iter().all(|r| r["outcome"]["status"] == "measured"), "{engine}");
    }
}

#[test]
fn a_failed_source_leaves_its_wikis_communities_missing_with_the_reason() {
    let dir = example();
    // The example's Commons and French dump, replaced by one that fails on its first row: the
    // wikis it held are unknown, so their communities are missing (never zero), with the
    // reason, while Wikidata's own dump is still measured.
    let history = dir.path().join("data/history");
    std::fs::remove_file(history.join("sample.tsv.bz2")).unwrap();
    std::fs::write(history.join("2026-08.commonswiki.all-time.tsv"), "enwiki\trevision\tcreate\n")
        .unwrap();
    let out = run(dir.path(), &["--engine", "reference"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("source failed: "), "{text}");
    assert!(text.contains("(commonswiki): line 1: 3 fields"), "{text}");
    assert!(text.contains("missing: the source for commonswiki failed: "), "{text}");
    let row = |id: &str| text.lines().find(|l| l.split_whitespace().next() == Some(id));
    assert!(row("category_cat_0_0").unwrap().contains("missing: "), "{text}");
    let wikidata = row("wikidata_hashtag_camp1_1").unwrap();
    assert!(!wikidata.contains("missing"), "Wikidata's dump loaded: {text}");
    assert!(text.contains("\ntotal: ") && !text.contains("no community was measured"), "{text}");
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
    assert!(page.contains("throughline v1 (throughline_v1, v1)"), "{page}");
    assert!(page.contains("Positive deviance"));
    assert!(page.contains("category_cat_0_0"));
    assert!(page.contains("Event Metrics (event_metrics, v1)"), "{page}");
    assert!(page.contains("of 46 communities are marked synthetic data."), "{page}");
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

#[test]
fn the_data_lake_script_carries_the_communities_and_reads_one_snapshot() {
    let dir = example();
    let out = run(dir.path(), &["--emit-sql", "spark", "--snapshot", "2026-09"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("FROM wmf.mediawiki_history"), "{script}");
    assert!(script.contains("snapshot = '2026-09'"));
    assert!(script.contains("FROM wmf.pageview_hourly"));
    assert!(script.contains("'hashtag_camp2_2@event_metrics'"), "every community, inline");
    assert!(script.contains("CACHE TABLE community_edits AS"));
    assert!(script.trim_end().ends_with("SELECT * FROM totals;"));
    // Nothing is left for another engine to fill in.
    assert!(!script.contains("${") && !script.contains("TL_"));
    // No snapshot, or one that is not a month: refused with what to give.
    let out = run(dir.path(), &["--emit-sql", "spark"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--snapshot YYYY-MM"));
    let out = run(dir.path(), &["--emit-sql", "spark", "--snapshot", "2026-9"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM"));
}

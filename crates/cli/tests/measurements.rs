//! `import`, `data`, `checkin`, `evaluate` and the report's measured pages, run on a copy of the
//! bundled example (its SYNTHETIC data have a planted effect of +12 participants a week).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::example;

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec![args[0], dir.to_str().unwrap()];
    all.extend_from_slice(&args[1..]);
    Command::new(env!("CARGO_BIN_EXE_throughline")).args(&all).output().expect("runs")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn import_is_incremental_and_idempotent() {
    let dir = example();
    let first = json(&run(dir.path(), &["import", "--offline", "--json"]));
    assert_eq!(first["format"], "throughline.import.v1");
    let sources = first["sources"].as_array().unwrap();
    let readers = sources.iter().find(|s| s["source"] == "csv:data/new_readers.csv").unwrap();
    assert_eq!(readers["inserted"], 12);
    let regions =
        sources.iter().find(|s| s["source"] == "csv:data/wlm_comparison_regions.csv").unwrap();
    assert_eq!(regions["inserted"], 4 * 57);
    let again = json(&run(dir.path(), &["import", "--offline", "--json"]));
    for s in again["sources"].as_array().unwrap() {
        assert_eq!(s["inserted"], 0, "{s}");
        assert_eq!(s["changed"], 0, "{s}");
    }
    let data = json(&run(dir.path(), &["data", "--json"]));
    assert!(data["series"].as_array().unwrap().iter().any(|s| s["series"] == "wlm_region_asia"));
}

#[test]
fn a_bad_row_imports_nothing_of_its_file_and_exits_1() {
    let dir = example();
    assert!(run(dir.path(), &["import", "--offline"]).status.success());
    let file = dir.path().join("data/new_readers.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    // A changed value and, below it, a broken one: neither may land.
    let edited =
        text.replacen("2025-10-01,", "2025-10-01,1", 1).replace("2026-09-01,", "2026-09-01,x");
    std::fs::write(&file, edited).unwrap();
    let o = run(dir.path(), &["import", "--offline"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("data/new_readers.csv:14: column `value`"), "{out}");
    let data = json(&run(dir.path(), &["data", "ind_new_readers", "--json"]));
    let first = &data["values"][0];
    assert_eq!(first["date"], "2025-10-01");
    assert!(!first["value"].as_f64().unwrap().to_string().starts_with('1'), "unchanged: {first}");
}

#[test]
fn checkin_reports_every_key_result_and_never_turns_missing_data_into_zero() {
    let dir = example();
    let ci = json(&run(dir.path(), &["checkin", "--quarter", "2026Q3", "--json"]));
    assert_eq!(ci["format"], "throughline.checkin.v1");
    assert_eq!(ci["as_of"], "2026-09-30");
    let krs = ci["key_results"].as_array().unwrap();
    assert_eq!(krs.len(), 16);
    let devices = krs.iter().find(|k| k["indicator"] == "ind_unique_devices").unwrap();
    assert_eq!(devices["status"], "no_data");
    assert!(devices["latest"].is_null());
    // Each key result says what its values are: the example's CSV files are synthetic; a
    // series with no values has nothing made up in it.
    assert_eq!(devices["provenance"], "measured");
    let synthetic = krs.iter().filter(|k| k["provenance"] == "synthetic").count();
    assert_eq!(synthetic, 12, "every key result with bundled data");
    let text = run(dir.path(), &["checkin", "--quarter", "2026Q3"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("12 of 16 key results are marked synthetic data."), "{text}");
    assert!(text.contains("[on track] (synthetic data)"), "{text}");
    // Generated on pace 1.15 towards its target: on track; pace 0.45: off track.
    let on = krs.iter().find(|k| k["indicator"] == "ind_new_readers").unwrap();
    assert_eq!(on["status"], "on_track");
    let off = krs.iter().find(|k| k["indicator"] == "ind_files_used").unwrap();
    assert_eq!(off["status"], "off_track");
    // An earlier quarter sees only the data up to its end.
    let early = json(&run(dir.path(), &["checkin", "--quarter", "2025Q4", "--json"]));
    let on = early["key_results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["indicator"] == "ind_new_readers")
        .unwrap()
        .clone();
    assert_eq!(on["history"].as_array().unwrap().len(), 3);
}

#[test]
fn evaluate_recovers_the_planted_effect_and_learning_is_not_counted_twice() {
    let dir = example();
    let ev = json(&run(dir.path(), &["evaluate", "--initiative", "wlm_jury_tools", "--json"]));
    assert_eq!(ev["format"], "throughline.evaluate.v1");
    let e = &ev["estimate"];
    assert_eq!(e["method"], "synthetic_control");
    let (low, high) = (e["low"].as_f64().unwrap(), e["high"].as_f64().unwrap());
    assert!(low < 12.0 && 12.0 < high, "the planted +12 a week is inside [{low}, {high}]");
    // The effect path: every date, each post-period effect with its band around it.
    let fitted = e["fitted"].as_array().unwrap();
    assert_eq!(fitted.len(), 57);
    let last = &fitted[56];
    let (eff, lo, hi) = (
        last["effect"].as_f64().unwrap(),
        last["low"].as_f64().unwrap(),
        last["high"].as_f64().unwrap(),
    );
    assert!(lo < eff && eff < hi, "{last}");
    assert_eq!(e["placebos"]["units"].as_array().unwrap().len(), 4);
    assert!(e["in_time"]["date"].is_string());
    // The bundled data are synthetic (their files' comments say so, and the store keeps the
    // mark): never strong evidence, and the output says so.
    assert_eq!(ev["strength"]["strength"], "weak");
    assert_eq!(
        ev["synthetic"].as_array().unwrap().len(),
        5,
        "the treated series and 4 comparisons"
    );
    assert_eq!(ev["record"]["data"], "synthetic");
    let text = run(dir.path(), &["evaluate", "--initiative", "wlm_jury_tools"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("data       synthetic data: ind_wlm_more, wlm_region_africa"), "{text}");
    assert!(text.contains("effect by period"), "{text}");
    assert!(text.contains("placebos   rank"), "{text}");
    let posterior = ev["updates"]["Ok"][0]["posterior"].clone();
    assert_eq!(posterior["kind"], "log_normal");
    // Writing twice gives the same posterior: the update starts from the written priors.
    std::fs::remove_file(dir.path().join("evaluations.yaml")).unwrap();
    assert!(
        run(dir.path(), &["evaluate", "--initiative", "wlm_jury_tools", "--write"])
            .status
            .success()
    );
    let written = std::fs::read_to_string(dir.path().join("evaluations.yaml")).unwrap();
    assert!(written.ends_with("    data: synthetic\n"), "{written}");
    // The evidence it leaves on the tested link says so too, and is weak.
    let trace = run(dir.path(), &["trace", "wlm_jury_tools"]);
    let trace = String::from_utf8_lossy(&trace.stdout);
    assert!(trace.contains("on synthetic data"), "{trace}");
    let again = json(&run(dir.path(), &["evaluate", "--initiative", "wlm_jury_tools", "--json"]));
    assert_eq!(again["updates"]["Ok"][0]["posterior"], posterior);
    // Difference in differences on the same data also covers it.
    let did = json(&run(
        dir.path(),
        &["evaluate", "--initiative", "wlm_jury_tools", "--method", "did", "--json"],
    ));
    let (low, high) =
        (did["estimate"]["low"].as_f64().unwrap(), did["estimate"]["high"].as_f64().unwrap());
    assert!(low < 12.0 && 12.0 < high, "[{low}, {high}]");
}

#[test]
fn evaluate_explains_what_is_missing() {
    let dir = example();
    let o = run(dir.path(), &["evaluate", "--initiative", "pf_edit_check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no `evaluation:` design"));
    let o = run(dir.path(), &["evaluate", "--initiative", "nope"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_report_shows_the_checkin_and_the_evaluation() {
    let dir = example();
    let out = dir.path().join("site");
    let o = run(dir.path(), &["report", "-o", out.to_str().unwrap(), "-n", "200"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let checkin = std::fs::read_to_string(out.join("checkin.html")).unwrap();
    assert!(checkin.contains("<h1>Check-in 2026Q3</h1>"));
    assert!(checkin.contains("forecast interval"));
    assert!(checkin.contains("12 of 16 key results are marked synthetic data."), "{checkin}");
    assert_eq!(checkin.matches("<small class=\"warn\">synthetic data</small>").count(), 24);
    // Grouped by the plan's structure: a table per objective, rows by key-result code, then the
    // indicators no key result names.
    assert_eq!(
        checkin.matches("<caption>WE · WE").count() + checkin.matches("<caption>SD · SD").count(),
        4
    );
    assert!(
        checkin.contains("<th scope=\"row\">WE1.2 <a href=\"#ind_wlm_retained\">"),
        "{checkin}"
    );
    assert!(checkin.contains("<caption>Other indicators with targets</caption>"));
    let evals = std::fs::read_to_string(out.join("evaluations.html")).unwrap();
    assert!(evals.contains("synthetic control"));
    assert!(evals.contains("Prior and posterior of the tested links"));
    // The effect path with its band and the placebos, and the data's provenance.
    assert!(evals.contains("effect by period with its 95% band, and placebos"), "{evals}");
    assert_eq!(evals.matches("<title>placebo: ").count(), 4);
    assert!(evals.contains("<strong>On synthetic data.</strong>"));
    assert!(evals.contains("Evidence strength from the design: <strong>weak</strong>"));
}

/// A real yearly panel through the whole command: California's Proposition 99 (cigarette
/// sales, 38 comparison states; crates/evaluate/tests/data) as the example's unique-devices
/// indicator. Ten or more comparisons make synthetic DiD the default, and the estimate is the
/// published one (Arkhangelsky et al. 2021, Table 1: −15.6); real data are not marked synthetic.
#[test]
fn evaluate_runs_on_a_real_yearly_panel() {
    let dir = example();
    let panel = std::fs::read_to_string(
        common::root().join("crates/evaluate/tests/data/california_prop99.csv"),
    )
    .unwrap();
    let renamed = panel.replace("\ncalifornia,", "\nind_unique_devices,");
    std::fs::write(dir.path().join("data/prop99.csv"), renamed).unwrap();
    let states: Vec<&str> = {
        let mut s: Vec<&str> = panel
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("series,"))
            .filter_map(|l| l.split(',').next())
            .filter(|s| *s != "california")
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    assert_eq!(states.len(), 38);
    let file = dir.path().join("programs/wiki_loves_monuments.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text
        .replace("deployed: 2026-04-06", "deployed: 1989-01-01")
        .replace("indicator: ind_wlm_more\n      comparisons: [wlm_region_africa, wlm_region_americas, wlm_region_asia, wlm_region_europe]", &format!("indicator: ind_unique_devices\n      comparisons: [{}]", states.join(", ")));
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let ev = json(&run(dir.path(), &["evaluate", "--initiative", "wlm_jury_tools", "--json"]));
    let e = &ev["estimate"];
    assert_eq!(e["method"], "synthetic_did");
    let effect = e["effect"].as_f64().unwrap();
    assert!((effect - -15.605_397_916).abs() < 1e-6, "{effect}");
    assert_eq!(e["fitted"].as_array().unwrap().len(), 31);
    assert_eq!(e["placebos"]["units"].as_array().unwrap().len(), 38);
    assert!(e["notes"][0].as_str().unwrap().contains("38 comparison series"));
    assert_eq!(ev["synthetic"].as_array().unwrap().len(), 0);
    let did = json(&run(
        dir.path(),
        &["evaluate", "--initiative", "wlm_jury_tools", "--method", "did", "--json"],
    ));
    let effect = did["estimate"]["effect"].as_f64().unwrap();
    assert!((effect - -27.349_111_084).abs() < 1e-6, "{effect}");
    let its = json(&run(
        dir.path(),
        &["evaluate", "--initiative", "wlm_jury_tools", "--method", "its", "--json"],
    ));
    assert!(its["estimate"]["notes"][0].as_str().unwrap().starts_with("yearly data"));
}

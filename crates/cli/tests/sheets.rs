//! `export` and `import-sheet` as a user runs them: the example out as XLSX and CSV, back into
//! an empty model that `check` accepts, and a bad sheet refused with its cells and nothing
//! written.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::example;

fn throughline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_throughline")).args(args).output().expect("runs")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// An empty model with the example's plan structure (which the initiatives' hypotheses name;
/// it is not a table of items).
fn empty_model(at: &Path, example: &Path) {
    std::fs::create_dir_all(at).unwrap();
    std::fs::write(at.join("throughline.yaml"), "format_version: 1\nmodel:\n  name: Empty\n")
        .unwrap();
    std::fs::copy(example.join("planning.yaml"), at.join("planning.yaml")).unwrap();
}

#[test]
fn export_then_import_into_an_empty_model_passes_check() {
    let ex = example();
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = tmp.path().join("model.xlsx");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let out = ok(throughline(&["export", &s(ex.path()), "-o", &s(&xlsx)]));
    assert!(out.contains("wrote"), "{out}");
    assert!(out.contains("Synthetic data are generated"), "the export says its data are made up");
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip");

    let csv = tmp.path().join("csv");
    ok(throughline(&["export", &s(ex.path()), "--format", "csv", "-o", &s(&csv)]));
    let about = std::fs::read_to_string(csv.join("about.csv")).unwrap();
    assert!(about.contains("synthetic data"), "{about}");
    let checkin = std::fs::read_to_string(csv.join("checkin.csv")).unwrap();
    assert!(checkin.lines().count() > 1, "the check-in has rows: {checkin}");

    let empty = tmp.path().join("empty");
    empty_model(&empty, ex.path());
    let out = ok(throughline(&["import-sheet", &s(&empty), &s(&xlsx)]));
    assert!(out.contains("added"), "{out}");
    ok(throughline(&["check", &s(&empty)]));

    // CSV, one table at a time, in an order that resolves references.
    let empty = tmp.path().join("empty_csv");
    empty_model(&empty, ex.path());
    for t in ["audiences", "programs", "teams", "nodes", "links", "initiatives", "indicators"] {
        ok(throughline(&["import-sheet", &s(&empty), &s(&csv.join(format!("{t}.csv")))]));
    }
    ok(throughline(&["check", &s(&empty)]));
}

#[test]
fn a_bad_sheet_is_refused_cell_by_cell_and_nothing_is_written() {
    let ex = example();
    let tmp = tempfile::tempdir().unwrap();
    let sheet = tmp.path().join("initiatives.csv");
    std::fs::write(
        &sheet,
        "id,name,team,effort (person-quarters)\nnew_work,New work,no_such_team,2\nx,y,z,a lot\n",
    )
    .unwrap();
    let before: Vec<_> = walk(ex.path());
    let o = throughline(&["import-sheet", ex.path().to_str().unwrap(), sheet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("initiatives, row 3, column D (effort)"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(walk(ex.path()), before, "no file changed");
}

fn walk(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_check_in_page_shows_the_teams_account_and_its_status_call() {
    let ex = example();
    std::fs::write(
        ex.path().join("checkins.yaml"),
        "checkins:\n  - key_result: ind_new_readers\n    quarter: 2026Q3\n    story: Data prices fell.\n    decision: change\n    status: on_track\n    reason: A partner launches next month.\n    author: eve\n",
    )
    .unwrap();
    ok(throughline(&["check", ex.path().to_str().unwrap()]));
    let out = tempfile::tempdir().unwrap();
    ok(throughline(&[
        "report",
        ex.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "-n",
        "200",
    ]));
    let page = std::fs::read_to_string(out.path().join("checkin.html")).unwrap();
    assert!(page.contains("Check-in 2026Q3"), "the example's check-in is 2026Q3");
    assert!(page.contains("Data prices fell.") && page.contains("A partner launches next month."));
    assert!(page.contains("on track (team; computed: "), "the team's call beside the computed one");
    // The program's diagram shows each measured step's traffic light: the team's call where it
    // gave one, the computed status elsewhere.
    let program = std::fs::read_to_string(out.path().join("programs/new_readers.html")).unwrap();
    let lights = program.matches("<circle class=\"light\"").count();
    assert!(lights >= 2, "{lights} lights");
    assert!(
        program.contains("fill=\"#2e7d32\" stroke=\"#fff\"><title>on track: Unique devices"),
        "green, the team's call"
    );
    assert!(program.contains("(the team's call)") && program.contains("(computed)"));
    // The exported check-in carries the team's account beside the computed status.
    let csv = out.path().join("csv");
    ok(throughline(&[
        "export",
        ex.path().to_str().unwrap(),
        "-f",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]));
    let checkin = std::fs::read_to_string(csv.join("checkin.csv")).unwrap();
    assert!(checkin.lines().next().unwrap().contains("status,team_status,reason,decision,story"));
    let row = checkin.lines().find(|l| l.contains("ind_new_readers")).unwrap();
    assert!(
        row.contains("on_track,A partner launches next month.,change,Data prices fell."),
        "{row}"
    );
    // Without a reason the note is an error at its status.
    std::fs::write(
        ex.path().join("checkins.yaml"),
        "checkins:\n  - { key_result: ind_new_readers, quarter: 2026Q3, status: on_track }\n",
    )
    .unwrap();
    let o = throughline(&["check", ex.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("TL313"));
}

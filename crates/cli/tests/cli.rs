//! The `throughline` binary, run as a user runs it: exit codes, output formats, templates, and
//! the generated reference docs kept in sync with the code.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn throughline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[test]
fn check_reports_every_problem_rustc_style_and_exits_1() {
    let o = throughline(&["check", "tests/fixtures/cli/broken"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    insta::assert_snapshot!("check_broken_human", out);
}

#[test]
fn check_json_is_stable_and_complete() {
    let o = throughline(&["check", "--json", "tests/fixtures/cli/broken"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["format"], "throughline.check.v1");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(v["errors"].as_u64().unwrap() + v["warnings"].as_u64().unwrap(), diags.len() as u64);
    for d in diags {
        for key in ["code", "rule", "severity", "message", "file", "line", "column"] {
            assert!(!d[key].is_null(), "{key} missing in {d}");
        }
    }
    insta::assert_json_snapshot!("check_broken_json", v);
}

#[test]
fn quiet_hides_warnings_and_deny_warnings_fails_on_them() {
    let o = throughline(&["check", "--quiet", "tests/fixtures/cli/broken"]);
    assert!(!stdout(&o).contains("warning["));
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m");
    assert!(throughline(&["init", model.to_str().unwrap()]).status.success());
    // Remove the indicator's target: a warning, not an error.
    let program = model.join("programs/program.yaml");
    let text = std::fs::read_to_string(&program)
        .unwrap()
        .replace("    target: { value: 2000, date: 2027-12 }\n", "");
    std::fs::write(&program, text).unwrap();
    assert_eq!(throughline(&["check", model.to_str().unwrap()]).status.code(), Some(0));
    let strict = throughline(&["check", "--deny-warnings", model.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn io_and_usage_failures_exit_2() {
    let o = throughline(&["check", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a folder"));
    assert_eq!(throughline(&["check", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(throughline(&["rules", "TL999"]).status.code(), Some(2));
}

#[test]
fn colour_follows_the_flag() {
    let o = throughline(&["--color", "always", "check", "tests/fixtures/cli/broken"]);
    assert!(stdout(&o).contains('\u{1b}'));
}

#[test]
fn both_templates_initialise_models_that_pass_check() {
    for template in ["logic-model", "wikimedia"] {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("new");
        let o = throughline(&["init", "--template", template, model.to_str().unwrap()]);
        assert!(o.status.success(), "{template}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(model.join("throughline.schema.json").is_file(), "editors get the schema");
        let o = throughline(&["check", model.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{template}: {}", stdout(&o));
        if template == "logic-model" {
            assert!(
                stdout(&o).contains("0 errors, 0 warnings"),
                "the starter model is fully clean"
            );
        }
    }
}

#[test]
fn the_wikimedia_template_is_the_example_byte_for_byte_binary_dump_included() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("wm");
    let o = throughline(&["init", "--template", "wikimedia", model.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let mut stack = vec![example.clone()];
    let mut binary = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&example).unwrap();
            // Local state the commands create in the example (stores, caches) is not template.
            if rel.to_string_lossy().contains("sqlite") || rel.starts_with(".throughline") {
                continue;
            }
            let want = std::fs::read(&path).unwrap();
            let got = std::fs::read(model.join(rel))
                .unwrap_or_else(|e| panic!("{} was not copied: {e}", rel.display()));
            assert!(got == want, "{} differs from the example", rel.display());
            binary += usize::from(std::str::from_utf8(&want).is_err());
        }
    }
    assert!(binary >= 1, "the history dump (bzip2) is part of the template");
}

#[test]
fn init_refuses_a_folder_with_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let o = throughline(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(), "mine");
}

#[test]
fn rules_explains_one_rule_by_code_or_name() {
    let by_code = stdout(&throughline(&["rules", "TL102"]));
    let by_name = stdout(&throughline(&["rules", "unknown-reference"]));
    assert_eq!(by_code, by_name);
    assert!(by_code.contains("Why:") && by_code.contains("Fix:"));
}

/// Generated files must match what the code generates now. `UPDATE_EXPECT=1` rewrites them.
fn generated(path: &str, args: &[&str]) {
    let o = throughline(args);
    assert!(o.status.success());
    let fresh = stdout(&o);
    let file = root().join(path);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == fresh,
        "{path} is stale: run `UPDATE_EXPECT=1 cargo test -p cli`, commit it"
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    generated("docs/rules.md", &["rules", "--markdown"]);
}

#[test]
fn the_json_schema_is_generated_from_the_format() {
    generated("docs/schema/throughline.schema.json", &["schema"]);
}

#[test]
fn the_format_reference_is_generated_from_the_format() {
    generated("docs/format-reference.md", &["schema", "--markdown"]);
}

#[test]
fn simulate_refuses_a_model_with_errors() {
    let o = throughline(&["simulate", "tests/fixtures/cli/broken"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fix them"));
}

#[test]
fn simulate_json_is_reproducible_and_matches_the_closed_form() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m");
    assert!(throughline(&["init", model.to_str().unwrap()]).status.success());
    let args = ["simulate", "--json", "--samples", "20000", "--seed", "9", model.to_str().unwrap()];
    let (a, b) = (throughline(&args), throughline(&args));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed, same output");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["format"], "throughline.simulate.v1");
    // The starter model: 1 release (p 0.9) × lognormal 90% interval 500–5k readers (p 0.8) × 1.
    let sigma = (5000f64 / 500.0).ln() / (2.0 * 1.644_853_626_951_472_2);
    let truth = 0.9 * 0.8 * (500f64 * 5000.0).sqrt() * (sigma * sigma / 2.0).exp();
    let value = &v["initiatives"][0]["value"];
    let (mean, se) = (value["mean"].as_f64().unwrap(), value["se"].as_f64().unwrap());
    assert!((mean - truth).abs() < 4.0 * se, "{mean} ± {se} vs {truth}");
}

#[test]
fn framework_rules_run_when_asked_for() {
    let fixture = "tests/fixtures/invalid/link-without-rationale";
    // The fixture's manifest names theory_of_change: its rule runs.
    let o = throughline(&["check", fixture, "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("TL402"));
    // A framework named on the command line adds its rules to the manifest's.
    let o = throughline(&["check", "examples/wikimedia"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = throughline(&[
        "check",
        "tests/fixtures/invalid/outcome-without-indicator",
        "--framework",
        "logframe",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"TL301") && codes.contains(&"TL403"), "{codes:?}");
    let o = throughline(&["check", "tests/fixtures/invalid/outcome-without-indicator", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.to_string().contains("TL403"), "logframe rules stay off unless asked for");
}

#[test]
fn the_sroi_view_of_the_example() {
    let o = throughline(&["framework", "examples/wikimedia", "sroi", "--of", "new_readers"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("SROI ratio"), "{text}");
    let o = throughline(&["framework", "examples/wikimedia", "sroi", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let views = v["views"].as_array().unwrap();
    assert_eq!(views.len(), 4, "every program reaches a valued goal");
    for s in views {
        let pv: f64 = s["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["present_value"].as_f64().unwrap())
            .sum();
        assert!((pv - s["present_value"].as_f64().unwrap()).abs() < 1e-6 * pv.max(1.0));
    }
}

#[test]
fn plan_the_example_and_explain_every_decision() {
    let o = throughline(&["plan", "examples/wikimedia", "--json", "-n", "2000"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "throughline.plan.v1");
    assert_eq!(v["solution"]["outcome"]["status"], "optimal");
    let reasons = v["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 35, "a reason for every initiative");
    // Learning is work: the example's research is chosen for what it would teach.
    for id in ["nr_user_research", "pf_mobile_retention_study"] {
        let r = reasons.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(r["selected"], true, "{r}");
        let text = r["text"].as_str().unwrap();
        assert!(
            text.contains("research worth") && text.contains("could change the decision"),
            "{text}"
        );
    }
    let cost = v["solution"]["cost"].as_f64().unwrap();
    assert!(cost <= 3e6 + 1e-6, "within the example's budget for other spend: {cost}");
    // People are the budget: the plan uses most of the teams' paid person-quarters.
    let used = v["staffing"]["share_used"].as_f64().unwrap();
    assert!(used >= 0.6, "the plan uses {used} of the teams' person-quarters");
    assert_eq!(v["staffing"]["teams"].as_array().unwrap().len(), 9);
    // Value in time: every initiative in the plan says what a quarter's delay costs.
    assert_eq!(v["horizon"]["quarters"], 12);
    for r in reasons.iter().filter(|r| r["selected"] == true) {
        assert!(r["delay_cost"].as_f64().unwrap() > 0.0, "{r}");
    }
    // Plan against targets: every key result with a baseline carries P(target reached | plan)
    // with its standard error.
    let krs: Vec<&serde_json::Value> = v["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["key_results"].as_array().unwrap())
        .collect();
    assert!(krs.len() >= 10);
    for k in krs {
        let p = k["p_reached"].as_f64().unwrap();
        let se = k["p_reached_se"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p) && (se - (p * (1.0 - p) / 2000.0).sqrt()).abs() < 1e-12);
        assert!(k["gap"].as_f64().is_some() && k["expected_change"].as_f64().is_some());
    }
    // The plan's structure: goal → bucket → objective → key result → hypotheses → initiatives,
    // every key result with P(target reached | plan), a % target converted from the baseline.
    let groups = v["structure"].as_array().unwrap();
    let goals: Vec<&str> = groups.iter().map(|g| g["goal"].as_str().unwrap()).collect();
    assert_eq!(goals, ["g_contributors", "g_structured"]);
    let krs: Vec<&serde_json::Value> = groups
        .iter()
        .flat_map(|g| g["buckets"].as_array().unwrap())
        .flat_map(|b| b["objectives"].as_array().unwrap())
        .flat_map(|o| o["key_results"].as_array().unwrap())
        .collect();
    assert_eq!(krs.len(), 6);
    for k in &krs {
        assert!(k["result"]["p_reached"].as_f64().is_some(), "{k}");
        assert!(!k["hypotheses"].as_array().unwrap().is_empty(), "{k}");
    }
    let we11 = krs.iter().find(|k| k["id"] == "WE1.1").unwrap();
    assert_eq!(we11["result"]["target_value"].as_f64(), Some(120_000.0 * 1.02));
    assert_eq!(we11["target_change"].as_f64(), Some(0.02));
    let h = &we11["hypotheses"][0];
    assert_eq!((h["id"].as_str(), h["quarter"].as_str()), (Some("WE1.1.1"), Some("2026Q3")));
    assert_eq!(h["initiatives"][0], "pf_edit_check");
    // Must-do work is in.
    for id in ["pf_php_upgrade", "pf_security_hardening"] {
        let r = reasons.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(r["selected"], true, "{id}");
    }
    // The frontier never goes down as the budget grows.
    let points: Vec<f64> =
        v["frontier"].as_array().unwrap().iter().filter_map(|p| p["objective"].as_f64()).collect();
    assert!(points.len() >= 5);
    assert!(points.windows(2).all(|w| w[1] >= w[0] - 1e-6), "{points:?}");
    // The balance rule holds.
    let share = v["balance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["rule"].as_str().unwrap().contains('%'))
        .unwrap();
    assert!(share["achieved"].as_f64().unwrap() >= 0.25 - 1e-9);
}

#[test]
fn an_impossible_plan_names_its_conflicting_rules_and_exits_1() {
    let o = throughline(&["plan", "examples/wikimedia", "--budget", "1000", "-n", "500"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("infeasible"), "{text}");
    assert!(text.contains("the budget of 1000"), "{text}");
    // A conflict is never the budget alone: it names what the budget cannot pay for.
    let rules = text.lines().filter(|l| l.starts_with("  - ")).count();
    assert!(rules >= 2, "{text}");
    // Requiring and excluding the same initiative is a conflict of one rule.
    let o = throughline(&[
        "plan",
        "examples/wikimedia",
        "--require",
        "nr_lite_web",
        "--exclude",
        "nr_lite_web",
        "-n",
        "500",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("`nr_lite_web` must be in the plan"), "{}", stdout(&o));
    let o = throughline(&["plan", "examples/wikimedia", "--capacity", "nobody=3", "-n", "500"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no team has the id `nobody`"));
    let o = throughline(&["plan", "examples/wikimedia", "--capacity", "web", "-n", "500"]);
    assert_eq!(o.status.code(), Some(2));
    // Numbers the solver cannot take are refused with a usage error, never a panic.
    for bad in ["--budget=NaN", "--time-limit=-1", "--budget=-5", "--time-limit=0"] {
        let o = throughline(&["plan", "examples/wikimedia", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("expected a number") && !err.contains("panicked"), "{err}");
    }
}

#[test]
fn what_if_flags_change_the_plan() {
    let run = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["plan", "examples/wikimedia", "--json", "-n", "500"];
        all.extend_from_slice(args);
        let o = throughline(&all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let selected = |v: &serde_json::Value, id: &str| {
        v["reasons"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["selected"] == true
    };
    let base = run(&[]);
    let out_id = base["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["selected"] == false && r["kind"] == "budget")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let required = run(&["--require", &out_id]);
    assert!(selected(&required, &out_id));
    let value = |v: &serde_json::Value| v["solution"]["objective"].as_f64().unwrap();
    assert!(value(&required) <= value(&base) + 1e-6, "requiring work cannot raise the optimum");
    let in_id = "sdc_licensing_statements";
    assert!(selected(&base, in_id));
    let excluded = run(&["--exclude", in_id]);
    assert!(!selected(&excluded, in_id));
    let richer = run(&["--budget", "9000000"]);
    assert!(value(&richer) >= value(&base));
    // The budget as the model files write it.
    let same = run(&["--budget", "9M"]);
    assert_eq!(value(&same), value(&richer), "`9M` is 9,000,000 on the command line too");
}

/// The plan's structure as the terminal shows it, on the example (seeded, 2,000 samples).
#[test]
fn plan_text_shows_the_structure() {
    let o = throughline(&["plan", "examples/wikimedia", "-n", "2000"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let from = out.find("PLAN AGAINST TARGETS").expect("the structure's section");
    let to = out.find("WHY EACH INITIATIVE").expect("the reasons");
    insta::assert_snapshot!("plan_structure_text", &out[from..to]);
}

#[test]
fn plan_write_puts_a_checked_plan_file_in_the_model_folder() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("wm");
    let o = throughline(&["init", "--template", "wikimedia", model.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let o = throughline(&["plan", model.to_str().unwrap(), "--write", "-n", "500"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(model.join("plan.yaml")).unwrap();
    assert!(text.contains("schedule:") && text.contains("quarter: 2026Q3"), "{text}");
    // The structure's key results, as the plan expected them, with the work carrying them.
    assert!(text.contains("  key_results:\n    - id: WE1.1\n      objective: WE1\n"), "{text}");
    assert!(text.contains("target: 122400") && text.contains("initiatives: [pf_edit_check]"));
    let o = throughline(&["check", model.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn the_plans_explanations_are_the_same_with_worker_processes_or_without() {
    // The what-ifs behind the explanations run in worker processes (this binary's hidden
    // `what-if-worker`); which lane answers must never show in the output.
    let run = |lanes: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_throughline"))
            .args(["plan", "examples/wikimedia", "--json", "-n", "2000"])
            .current_dir(root())
            .env("THROUGHLINE_PLAN_WORKERS", lanes)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // The solver's own time is the one thing that may differ.
        v["solution"]["seconds"] = serde_json::Value::Null;
        v
    };
    let one = run("1");
    assert!(one["reasons"].as_array().unwrap().iter().any(|r| r["cost_of_forcing"].is_f64()));
    assert!(!one["frontier"].as_array().unwrap().is_empty());
    assert_eq!(one, run("3"), "three lanes against one");
}

#[test]
fn voi_adaptive_adds_samples_until_an_evppi_clears_its_floor_and_equals_a_plain_run() {
    let json = |args: &[&str]| -> serde_json::Value {
        let o = throughline(args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_str(&stdout(&o)).expect("valid JSON")
    };
    // Ten samples resolve nothing on the example; the adaptive rounds grow until one does.
    let start = json(&["voi", "examples/wikimedia", "--samples", "10", "--json"]);
    assert_eq!(start["format"], "throughline.voi.v1");
    assert_eq!(start["resolved"], 0);
    assert!(start["samples_to_resolve"].as_u64().unwrap() > 10);
    let a = json(&["voi", "examples/wikimedia", "--samples", "10", "--adaptive", "--json"]);
    let rounds: Vec<u64> =
        a["adaptive"]["rounds"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).collect();
    assert!(rounds.len() >= 2 && rounds.windows(2).all(|w| w[1] >= 2 * w[0]), "{rounds:?}");
    assert_eq!(a["adaptive"]["stopped"], "resolved");
    assert!(a["resolved"].as_u64().unwrap() > 0);
    let last = *rounds.last().unwrap();
    assert_eq!(a["samples"].as_u64(), Some(last));
    for p in a["parameters"].as_array().unwrap() {
        let (e, f) = (p["evppi"].as_f64().unwrap(), p["floor"].as_f64().unwrap());
        assert_eq!(p["resolved"].as_bool(), Some(e > f), "{p}");
        assert!(p["se"].as_f64().unwrap() >= 0.0);
    }
    // The same seed and streams: exactly what a plain run at the final count gives.
    let plain = json(&["voi", "examples/wikimedia", "--samples", &last.to_string(), "--json"]);
    assert_eq!(plain["parameters"], a["parameters"]);
    assert_eq!(plain["evpi"], a["evpi"]);
    // A budget too small for a second round stops after the first, and says why.
    let short = json(&[
        "voi",
        "examples/wikimedia",
        "--samples",
        "10",
        "--adaptive",
        "--time-budget",
        "0.000001",
        "--json",
    ]);
    assert_eq!(short["adaptive"]["stopped"], "time_budget");
    assert_eq!(short["adaptive"]["rounds"].as_array().unwrap().len(), 1);
    // The text says plainly when nothing is resolved, and what would resolve it.
    let o = throughline(&["voi", "examples/wikimedia", "--samples", "10"]);
    let out = stdout(&o);
    assert!(out.contains("not resolved: none of the"), "{out}");
    assert!(out.contains("would resolve one (--samples "), "{out}");
}

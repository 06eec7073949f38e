//! Trace, gaps and exports: known answers on small models, snapshots on the example.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::Model;
use model::graph::ModelGraph;
use modelfile::SourceFile;
use views::export::{Scope, dot, mermaid};
use views::gaps::gaps;
use views::trace::{MAX_PATHS, Trace, TraceError, trace};

fn model(body: &str) -> Model {
    let text = format!(
        "format_version: 1\nmodel: {{ name: t }}\nteams: [{{ id: t, name: T, capacity: 1 }}]\n{body}"
    );
    let checked = modelfile::check(vec![SourceFile::in_memory("throughline.yaml", text)]);
    assert!(
        checked.is_ok(),
        "{:?}",
        checked.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    checked.model
}

fn example() -> Model {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    modelfile::check_dir(&dir).unwrap().model
}

const DIAMOND: &str = r#"
goals: [{ id: g, name: G }]
nodes:
  - { id: a, name: A, level: output }
  - { id: b, name: B, level: outcome_short }
  - { id: c, name: C, level: outcome_short }
  - { id: lonely, name: Lonely, level: output }
links:
  - { from: a, to: b, assumptions: [x] }
  - { from: a, to: c, assumptions: [y], evidence: [{ source: S, strength: strong }] }
  - { from: b, to: g, assumptions: [x] }
  - { from: c, to: g, assumptions: [x] }
  - { from: g, to: a, feedback: true, assumptions: [loop] }
initiatives:
  - { id: i, name: I, team: t, delivers: [a] }
  - { id: j, name: J, team: t, delivers: [lonely] }
"#;

#[test]
fn a_diamond_has_two_paths_and_feedback_is_not_followed() {
    let m = model(DIAMOND);
    let g = ModelGraph::build(&m);
    let Trace::Initiative(w) = trace(&m, &g, "i").unwrap() else { panic!() };
    let paths: Vec<String> = w.paths.iter().map(|p| p.nodes.join(">")).collect();
    assert_eq!(paths, vec!["a>b>g", "a>c>g"]);
    assert_eq!(w.goals, vec!["g"]);
    assert!(!w.truncated);
    let Trace::Node(n) = trace(&m, &g, "g").unwrap() else { panic!() };
    assert_eq!(n.initiatives.len(), 1, "j does not reach g");
    assert_eq!(n.initiatives[0].paths.len(), 2);
    let Trace::Node(b) = trace(&m, &g, "b").unwrap() else { panic!() };
    assert_eq!(b.leads_to.len(), 1);
}

#[test]
fn unknown_ids_suggest_the_closest() {
    let m = model(DIAMOND);
    let g = ModelGraph::build(&m);
    let err = trace(&m, &g, "lonley").unwrap_err();
    assert_eq!(err, TraceError::UnknownId("lonley".into(), vec!["lonely".into()]));
}

#[test]
fn path_lists_are_cut_at_the_limit_and_say_so() {
    // 10 layers of 2 nodes, fully linked: 2^10 paths from the bottom to the goal.
    let mut body = String::from(
        "goals: [{ id: g, name: G }]\nnodes:\n  - { id: s, name: S, level: output }\n",
    );
    let mut links = String::from("links:\n");
    let mut prev = vec!["s".to_string()];
    for layer in 0..10 {
        let cur: Vec<String> = (0..2).map(|k| format!("n{layer}_{k}")).collect();
        for c in &cur {
            body.push_str(&format!("  - {{ id: {c}, name: {c}, level: outcome_short }}\n"));
            for p in &prev {
                links.push_str(&format!("  - {{ from: {p}, to: {c}, assumptions: [x] }}\n"));
            }
        }
        prev = cur;
    }
    for p in &prev {
        links.push_str(&format!("  - {{ from: {p}, to: g, assumptions: [x] }}\n"));
    }
    body.push_str(&links);
    body.push_str("initiatives: [{ id: i, name: I, team: t, delivers: [s] }]\n");
    let m = model(&body);
    let g = ModelGraph::build(&m);
    let Trace::Initiative(w) = trace(&m, &g, "i").unwrap() else { panic!() };
    assert_eq!(w.paths.len(), MAX_PATHS);
    assert!(w.truncated);
}

#[test]
fn gaps_name_each_kind() {
    let m = model(DIAMOND);
    let g = ModelGraph::build(&m);
    let gaps = gaps(&m, &g);
    let ids = |v: &[views::gaps::Item]| v.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&gaps.unjustified_work), vec!["j"]);
    assert!(gaps.unserved_goals.is_empty());
    assert_eq!(ids(&gaps.unmeasured_outcomes), vec!["g", "b", "c"]);
    assert_eq!(
        gaps.assumptions_without_evidence.len(),
        3,
        "a→c has evidence; the feedback link is not counted"
    );
}

#[test]
fn snapshots_of_the_example() {
    let m = example();
    let g = ModelGraph::build(&m);
    insta::assert_snapshot!(
        "trace_initiative",
        views::text::trace(&trace(&m, &g, "nr_offline_android").unwrap())
    );
    insta::assert_snapshot!(
        "trace_goal",
        views::text::trace(&trace(&m, &g, "g_contributors").unwrap())
    );
    insta::assert_snapshot!(
        "trace_outcome",
        views::text::trace(&trace(&m, &g, "wlm_retained").unwrap())
    );
    insta::assert_json_snapshot!(
        "trace_initiative_json",
        trace(&m, &g, "pf_ve_mobile_default").unwrap()
    );
    insta::assert_snapshot!("gaps", views::text::gaps(&gaps(&m, &g)));
    let scope = Scope { program: Some("wiki_loves_monuments".into()) };
    insta::assert_snapshot!("mermaid_wlm", mermaid(&m, &scope));
    insta::assert_snapshot!("dot_wlm", dot(&m, &scope));
}

#[test]
fn a_typo_in_the_start_of_a_long_id_is_suggested() {
    let m = example();
    let g = ModelGraph::build(&m);
    let TraceError::UnknownId(_, near) = trace(&m, &g, "sdc_licencing").unwrap_err();
    assert_eq!(near.first().map(String::as_str), Some("sdc_licensing_statements"));
}

#[test]
fn framework_snapshots_of_the_example() {
    use views::frameworks::*;
    let m = example();
    let g = ModelGraph::build(&m);
    insta::assert_snapshot!(
        "logic_model_new_readers",
        views::text::logic_model(&logic_model(&m, &g, "new_readers").unwrap())
    );
    insta::assert_snapshot!(
        "theory_of_change_media",
        views::text::theory_of_change(&theory_of_change(&m, &g, "g_media").unwrap())
    );
    insta::assert_snapshot!(
        "logframe_platform",
        views::text::logframe(&logframe(&m, &g, "platform").unwrap())
    );
    insta::assert_snapshot!("rba", views::text::rba(&rba(&m, &g)));
    insta::assert_snapshot!(
        "five_dimensions",
        views::text::five_dimensions(&five_dimensions(&m, &g))
    );
}

#[test]
fn frameworks_report_what_is_missing() {
    use views::frameworks::*;
    let m = model(
        r#"
programs: [{ id: p, name: P }]
goals: [{ id: g, name: G }]
nodes:
  - { id: a, name: A, level: activity, program: p }
  - { id: o, name: O, level: output, program: p }
links:
  - { from: a, to: o, assumptions: [x] }
  - { from: o, to: g, skip_reason: direct, assumptions: [y] }
indicators: [{ id: gi, name: GI, measures: g, baseline: { value: 1, date: 2025 }, target: { value: 2, date: 2026 } }]
"#,
    );
    let g = ModelGraph::build(&m);
    let lm = logic_model(&m, &g, "p").unwrap();
    assert_eq!(lm.gaps, vec!["no outcomes", "no external factors"]);
    assert_eq!(lm.impact.len(), 1, "the goal its links reach");
    let lf = logframe(&m, &g, "p").unwrap();
    assert!(lf.gaps.contains(&"Purpose: empty".to_string()));
    assert!(lf.gaps.contains(&"Outputs: no indicator".to_string()));
    assert!(lf.gaps.iter().any(|g| g.contains("no means of verification")));
    let toc = theory_of_change(&m, &g, "g").unwrap();
    assert_eq!(toc.goal.preconditions[0].id, "o");
    assert_eq!(toc.goal.preconditions[0].preconditions[0].id, "a");
    assert_eq!(rba(&m, &g).population.len(), 1);
}

//! The explanations are unchanged by the speed-ups behind them: the reasons' cost of forcing an
//! item in, the marginal values and the frontier, as `annual_plan` computes them (warm starts,
//! skipped solves, fewer cuts, no conflict diagnosis), equal plain re-solves of every what-if.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use portfolio::explain::{self, more_room_is_idle};
use portfolio::solve::solve;
use portfolio::{EXPLAIN_NODE_LIMIT, Options, Problem};
use synthetic::portfolio::{Spec, problem};

/// Two optima, each within the solver's relative gap of 10⁻⁶ of the best, agree within twice it.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 2e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The what-if options `annual_plan` uses.
fn what_if() -> Options {
    Options { node_limit: Some(EXPLAIN_NODE_LIMIT), what_if: true, ..Options::default() }
}

/// Every what-if solved from scratch, with default settings, as before the speed-ups.
struct Plain {
    forcing: Vec<Option<Option<f64>>>,
    gains: Vec<(String, f64)>,
    frontier: Vec<Option<f64>>,
}

fn plain(p: &Problem, points: usize) -> Plain {
    let opts = Options::default();
    let s = solve(p, &opts);
    assert!(s.has_plan());
    let forcing = (0..p.items.len())
        .map(|i| {
            (!s.selected(i) && p.items[i].barred.is_none()).then(|| {
                let mut q = p.clone();
                q.items[i].must = true;
                let f = solve(&q, &opts);
                f.has_plan().then_some(s.objective - f.objective)
            })
        })
        .collect();
    let mut gains = Vec::new();
    for t in 0..p.teams.len() {
        if !p.items.iter().any(|it| it.team == Some(t) && it.barred.is_none()) {
            continue;
        }
        let mut q = p.clone();
        for c in &mut q.teams[t].capacity {
            *c += 1.0;
        }
        let r = solve(&q, &opts);
        gains.push((format!("team `{}`", p.teams[t].id), r.objective - s.objective));
    }
    if let Some(b) = p.budget {
        let mut q = p.clone();
        q.budget = Some(b * 1.1);
        gains.push(("budget".into(), solve(&q, &opts).objective - s.objective));
    }
    let top = p.total_cost();
    let frontier = (0..=points)
        .map(|k| {
            let mut q = p.clone();
            q.budget = Some(top * k as f64 / points as f64);
            let f = solve(&q, &opts);
            f.has_plan().then_some(f.objective)
        })
        .collect();
    Plain { forcing, gains, frontier }
}

fn check(p: &Problem, label: &str) -> (usize, usize) {
    let s = solve(p, &Options::default());
    if !s.has_plan() {
        return (0, 0);
    }
    let want = plain(p, 12);
    let reasons = explain::reasons(p, &s, &what_if(), true);
    for (i, r) in reasons.iter().enumerate() {
        match want.forcing[i] {
            None => assert_eq!(r.cost_of_forcing, None, "{label}: {}", r.id),
            Some(None) => {
                assert_eq!(r.cost_of_forcing, None, "{label}: {}", r.id);
                assert!(r.text.ends_with("no plan can include it"), "{label}: {}", r.text);
            }
            Some(Some(loss)) => {
                let got = r.cost_of_forcing.unwrap_or(f64::NAN);
                assert!(same(got, loss), "{label}: forcing {} costs {got}, plainly {loss}", r.id);
            }
        }
    }
    let gains = explain::marginals(p, &s, &what_if());
    assert_eq!(gains.len(), want.gains.len(), "{label}");
    for (g, (resource, gain)) in gains.iter().zip(&want.gains) {
        assert_eq!(&g.resource, resource, "{label}");
        assert!(same(g.gain, *gain), "{label}: {resource} gains {}, plainly {gain}", g.gain);
    }
    let frontier = explain::frontier(p, 12, &what_if(), Some(&s));
    assert_eq!(frontier.len(), want.frontier.len(), "{label}");
    for (f, w) in frontier.iter().zip(&want.frontier) {
        match (f.objective, w) {
            (Some(a), Some(b)) => assert!(same(a, *b), "{label}: at {} {a} against {b}", f.budget),
            (None, None) => {}
            (a, b) => panic!("{label}: at {} {a:?} against {b:?}", f.budget),
        }
    }
    let skipped = (0..p.teams.len()).filter(|&t| more_room_is_idle(p, t)).count();
    (reasons.iter().filter(|r| r.cost_of_forcing.is_some()).count(), skipped)
}

#[test]
fn explanations_equal_plain_re_solves_on_generated_plans() {
    let mut forced = 0;
    let mut skipped = 0;
    for seed in 0..24u64 {
        let mut spec = Spec::small(9, 4, 3, seed);
        spec.horizon = (seed % 3 != 0).then_some((4 + (seed as usize % 9), 0.035));
        spec.rates = seed % 2 == 0;
        spec.hiring = seed % 4 == 0;
        spec.scenarios = if seed % 5 == 0 { 40 } else { 0 };
        let p = problem(&spec);
        let (f, k) = check(&p, &format!("seed {seed}"));
        forced += f;
        skipped += k;
    }
    // The sweep means something: items were forced in, and some team's marginal was skipped.
    assert!(forced > 20, "{forced} items forced in");
    assert!(skipped > 0, "no team's marginal value was skipped");
}

#[test]
fn the_examples_explanations_equal_plain_re_solves() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let model = modelfile::check(modelfile::load_dir(&dir).unwrap()).model;
    let graph = model::graph::ModelGraph::build(&model);
    let settings = simulate::Settings { samples: 2_000, seed: 1 };
    let plan = simulate::Plan::new(&model, &simulate::Overrides::default()).unwrap();
    let sim = simulate::run(&model, &plan, &settings, &|_, _| {});
    let p =
        Problem::from_model(&model, &graph, &plan, &sim, &portfolio::WhatIf::default()).unwrap();
    check(&p, "the example");
}

//! The bundled example's plan: every solver this build has finds the same optimum, fast.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::time::Instant;

use model::graph::ModelGraph;
use portfolio::solve::{Outcome, objective_of, solve};
use portfolio::{Options, Problem, Solver, WhatIf};
use synthetic::brute;

fn example() -> Problem {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let files = modelfile::load_dir(&dir).unwrap();
    let checked = modelfile::check(files);
    let model = checked.model;
    let graph = ModelGraph::build(&model);
    let settings = simulate::Settings { samples: 2_000, seed: 1 };
    let plan = simulate::Plan::new(&model, &simulate::Overrides::default()).unwrap();
    let sim = simulate::run(&model, &plan, &settings, &|_, _| {});
    Problem::from_model(&model, &graph, &plan, &sim, &WhatIf::default()).unwrap()
}

#[test]
fn every_solver_finds_the_examples_optimum() {
    let p = example();
    let mut optima = Vec::new();
    for solver in Solver::available() {
        let t = Instant::now();
        let s = solve(&p, &Options { solver, ..Options::default() });
        eprintln!(
            "{}: {:?}, objective {}, {:.3} s",
            solver.name(),
            s.outcome,
            s.objective,
            t.elapsed().as_secs_f64()
        );
        assert_eq!(s.outcome, Outcome::Optimal, "{}", solver.name());
        assert!(brute::feasible(&p, &s.start), "{}'s plan breaks a rule", solver.name());
        assert!((objective_of(&p, &s.start) - s.objective).abs() <= 1e-9 * s.objective.abs());
        optima.push(s.objective);
    }
    for o in &optima {
        assert!((o - optima[0]).abs() <= 2e-6 * optima[0].abs(), "{optima:?}");
    }
}

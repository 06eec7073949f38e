//! Known answers: every estimate must agree with a closed form within a few standard errors.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::Model;
use modelfile::SourceFile;
use simulate::{Overrides, Settings, SimulateError, Simulation, simulate};

const HEAD: &str = "format_version: 1\nmodel: { name: t }\n\
teams: [{ id: t, name: T, capacity: 1 }]\n\
audiences: [{ id: all, name: All, kind: end_users },\n  { id: under, name: Underserved, kind: end_users, equity_weight: 3 }]\n";

/// A model from YAML that must pass `check` without errors.
fn model(body: &str) -> Model {
    let checked =
        modelfile::check(vec![SourceFile::in_memory("throughline.yaml", format!("{HEAD}{body}"))]);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.model
}

fn run(m: &Model, samples: usize, seed: u64) -> Simulation {
    simulate(m, &Settings { samples, seed }, &Overrides::default(), &|_, _| {}).unwrap()
}

fn assert_close(estimate: f64, se: f64, truth: f64, what: &str) {
    assert!(
        (estimate - truth).abs() <= 4.0 * se + 1e-12,
        "{what}: estimate {estimate} ± {se} but the closed form is {truth}"
    );
}

/// A chain delivery → a → b → goal with the given effects.
fn chain(amount: &str, ab: &str, bg: &str, p_ab: f64) -> String {
    format!(
        r#"
goals: [{{ id: g, name: G, unit: u }}]
nodes:
  - {{ id: a, name: A, level: output, unit: u }}
  - {{ id: b, name: B, level: outcome_short, unit: u }}
links:
  - {{ from: a, to: b, effect: "{ab}", probability: {p_ab}, assumptions: [x] }}
  - {{ from: b, to: g, effect: "{bg}", assumptions: [x] }}
initiatives:
  - {{ id: i, name: I, team: t, audiences: [all], delivers: [{{ node: a, amount: "{amount}" }}] }}
value: {{ goals: {{ g: 1 }} }}
"#
    )
}

#[test]
fn the_mean_of_a_lognormal_chain_is_the_product_of_means() {
    // Amount lognormal(0, 0.5), effects lognormal(0.2, 0.3) and lognormal(-0.1, 0.4).
    let m = model(&chain("lognormal(0, 0.5)", "lognormal(0.2, 0.3)", "lognormal(-0.1, 0.4)", 1.0));
    let sim = run(&m, 40_000, 3);
    let mean = |mu: f64, s: f64| (mu + s * s / 2.0).exp();
    let truth = mean(0.0, 0.5) * mean(0.2, 0.3) * mean(-0.1, 0.4);
    let r = &sim.initiatives[0];
    assert!((r.goals[0].mean - truth).abs() < 1e-9 * truth, "exact mean {}", r.goals[0].mean);
    // Value with weight 1 and equity 1 is the goal change.
    assert_close(r.value.mean, r.value.se, truth, "Monte Carlo value");
    assert_close(sim.goals[0].change.mean, sim.goals[0].change.se, truth, "goal total");
}

#[test]
fn a_link_that_works_with_probability_p_scales_the_mean_by_p() {
    let m = model(&chain("10", "2 to 8", "1", 0.3));
    let sim = run(&m, 40_000, 5);
    let effect = model::Distribution::interval90(2.0, 8.0).unwrap().mean();
    let r = &sim.initiatives[0];
    assert!((r.goals[0].mean - 10.0 * 0.3 * effect).abs() < 1e-9);
    assert_close(r.value.mean, r.value.se, 10.0 * 0.3 * effect, "probability");
    assert_close(
        r.value.p_positive,
        (0.3f64 * 0.7 / 40_000.0).sqrt(),
        0.3,
        "share of samples where it works",
    );
}

#[test]
fn parallel_paths_add() {
    let m = model(
        r#"
goals: [{ id: g, name: G, unit: u }]
nodes:
  - { id: a, name: A, level: output, unit: u }
  - { id: b, name: B, level: outcome_short, unit: u }
  - { id: c, name: C, level: outcome_short, unit: u }
links:
  - { from: a, to: b, effect: "uniform(1, 3)", assumptions: [x] }
  - { from: b, to: g, effect: "normal(2, 0.5)", assumptions: [x] }
  - { from: a, to: c, effect: "triangular(0, 1, 5)", assumptions: [x] }
  - { from: c, to: g, effect: 3, assumptions: [x] }
  - { from: a, to: g, effect: 0.5, skip_reason: a direct effect too, assumptions: [x] }
initiatives:
  - { id: i, name: I, team: t, audiences: [all], delivers: [{ node: a, amount: 4 }] }
value: { goals: { g: 1 } }
"#,
    );
    let sim = run(&m, 40_000, 9);
    let truth = 4.0 * (2.0 * 2.0 + 2.0 * 3.0 + 0.5);
    let r = &sim.initiatives[0];
    assert!((r.goals[0].mean - truth).abs() < 1e-9 * truth);
    assert_close(r.value.mean, r.value.se, truth, "sum over paths");
}

#[test]
fn expected_changes_in_every_node_add_over_paths_and_initiatives() {
    let m = model(
        r#"
goals: [{ id: g, name: G, unit: u }]
nodes:
  - { id: a, name: A, level: output, unit: u }
  - { id: b, name: B, level: outcome_short, unit: u }
  - { id: c, name: C, level: outcome_short, unit: u }
links:
  - { from: a, to: b, effect: "uniform(1, 3)", probability: 0.5, assumptions: [x] }
  - { from: b, to: g, effect: "normal(2, 0.5)", assumptions: [x] }
  - { from: a, to: c, effect: "triangular(0, 1, 5)", assumptions: [x] }
  - { from: c, to: g, effect: 3, assumptions: [x] }
initiatives:
  - { id: i, name: I, team: t, audiences: [all], delivers: [{ node: a, amount: 4 }] }
  - { id: j, name: J, team: t, audiences: [all], delivers: [{ node: c, amount: 10, probability: 0.2 }] }
value: { goals: { g: 1 } }
"#,
    );
    let plan = simulate::Plan::new(&m, &Overrides::default()).unwrap();
    let at = |x: &[f64], id: &str| x[m.nodes.iter().position(|n| n.id.as_str() == id).unwrap()];
    let i = plan.expected_changes(&[0]);
    assert!((at(&i, "b") - 4.0 * 2.0 * 0.5).abs() < 1e-12);
    assert!((at(&i, "c") - 4.0 * 2.0).abs() < 1e-12);
    assert!((at(&i, "g") - (4.0 * 1.0 * 2.0 + 4.0 * 2.0 * 3.0)).abs() < 1e-12);
    let both = plan.expected_changes(&[0, 1]);
    assert!((at(&both, "c") - (8.0 + 10.0 * 0.2)).abs() < 1e-12);
    // The goal's change agrees with the per-initiative contributions the engine reports.
    let per: f64 = plan.expected_contributions().iter().map(|c| c[0]).sum();
    assert!((at(&both, "g") - per).abs() < 1e-9 * per);
}

#[test]
fn node_changes_are_paired_with_the_run_and_agree_with_the_exact_means() {
    let m = model(
        r#"
goals: [{ id: g, name: G, unit: u }]
nodes:
  - { id: a, name: A, level: output, unit: u }
  - { id: b, name: B, level: outcome_short, unit: u }
  - { id: c, name: C, level: outcome_short, unit: u }
links:
  - { from: a, to: b, effect: "uniform(1, 3)", probability: 0.5, assumptions: [x] }
  - { from: b, to: g, effect: "normal(2, 0.5)", assumptions: [x] }
  - { from: a, to: c, effect: "triangular(0, 1, 5)", assumptions: [x] }
  - { from: c, to: g, effect: 3, assumptions: [x] }
initiatives:
  - { id: i, name: I, team: t, audiences: [all], delivers: [{ node: a, amount: "2 to 6" }] }
  - { id: j, name: J, team: t, audiences: [all], delivers: [{ node: c, amount: 10, probability: 0.2 }] }
value: { goals: { g: 1 } }
"#,
    );
    let plan = simulate::Plan::new(&m, &Overrides::default()).unwrap();
    let settings = Settings { samples: 20_000, seed: 4 };
    let sim = simulate::run(&m, &plan, &settings, &|_, _| {});
    let ix = |id: &str| m.nodes.iter().position(|n| n.id.as_str() == id).unwrap();
    let nodes = [ix("b"), ix("c"), ix("g")];
    // Every initiative together: the goal's samples are the run's own goal samples (the same
    // draws, added in another order).
    let all = simulate::node_changes(&plan, &settings, &[0, 1], &nodes);
    assert_eq!(all[2].len(), 20_000);
    let goal = simulate::summarize(&all[2]);
    let run = &sim.goals[0].change;
    assert!((goal.mean - run.mean).abs() <= 1e-9 * run.mean.abs(), "{goal:?} vs {run:?}");
    assert!((goal.p95 - run.p95).abs() <= 1e-9 * run.p95.abs());
    // Each node's mean agrees with the exact expectation.
    let exact = plan.expected_changes(&[0, 1]);
    for (k, &n) in nodes.iter().enumerate() {
        let s = simulate::summarize(&all[k]);
        assert_close(s.mean, s.se, exact[n], &m.nodes[n].id.to_string());
    }
    // Paired with the value samples: initiative i's goal change is its value (weight 1, no
    // benefits, equity 1), sample by sample.
    let i = simulate::node_changes(&plan, &settings, &[0], &[ix("g")]);
    for (a, b) in i[0].iter().zip(&sim.value_samples[0]) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }
}

#[test]
fn pert_and_beta_moments_come_through() {
    for (amount, dist) in [
        ("pert(1, 2, 9)", model::Distribution::pert(1.0, 2.0, 9.0).unwrap()),
        ("beta(3, 7)", model::Distribution::beta(3.0, 7.0).unwrap()),
    ] {
        let m = model(&chain(amount, "1", "1", 1.0));
        let sim = run(&m, 50_000, 11);
        let v = &sim.initiatives[0].value;
        assert_close(v.mean, v.se, dist.mean(), amount);
        assert!((v.sd * v.sd / dist.variance() - 1.0).abs() < 0.05, "{amount}: variance");
    }
}

#[test]
fn value_applies_goal_weights_equity_and_benefits() {
    let m = model(
        r#"
goals: [{ id: g, name: G, unit: u }, { id: h, name: H, unit: v }]
nodes: [{ id: a, name: A, level: output, unit: u }]
links:
  - { from: a, to: g, effect: 2, skip_reason: x, assumptions: [x] }
  - { from: a, to: h, effect: 5, skip_reason: x, assumptions: [x] }
initiatives:
  - id: i
    name: I
    team: t
    audiences: [all, under]
    benefits: { security: 2 }
    delivers: [{ node: a, amount: 10 }]
value: { goals: { g: 1, h: 0.1 }, criteria: { security: 7 } }
"#,
    );
    let sim = run(&m, 100, 1);
    let i = &sim.initiatives[0];
    assert_eq!(i.equity, 2.0, "mean of the audiences' equity weights (1 and 3)");
    assert_eq!(i.value.mean, 2.0 * (10.0 * 2.0 * 1.0 + 10.0 * 5.0 * 0.1) + 2.0 * 7.0);
    assert_eq!(i.value.se, 0.0);
    assert_eq!(sim.goals[1].change.mean, 50.0);
}

#[test]
fn the_same_seed_gives_the_same_numbers_on_any_number_of_threads() {
    let m = model(&chain("1 to 100", "0.1 to 0.9", "pert(0, 1, 2)", 0.7));
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run(&m, 5_000, 42))
    };
    let (one, two) = (on(1), on(2));
    assert_eq!(one.value_samples, two.value_samples);
    assert_eq!(serde_json::to_string(&one).unwrap(), serde_json::to_string(&two).unwrap());
    assert_ne!(one.value_samples, run(&m, 5_000, 43).value_samples, "another seed, other draws");
}

#[test]
fn initiatives_share_draws_of_shared_links() {
    // Two initiatives delivering the same fixed amount through the same uncertain link have
    // identical goal changes in every sample: the comparison between them is paired.
    let m = model(
        r#"
goals: [{ id: g, name: G, unit: u }]
nodes:
  - { id: a, name: A, level: output, unit: u }
links: [{ from: a, to: g, effect: "1 to 10", skip_reason: x, assumptions: [x] }]
initiatives:
  - { id: i1, name: I1, team: t, audiences: [all], delivers: [{ node: a, amount: 2 }] }
  - { id: i2, name: I2, team: t, audiences: [all], delivers: [{ node: a, amount: 2 }] }
value: { goals: { g: 1 } }
"#,
    );
    let sim = run(&m, 1_000, 7);
    assert_eq!(sim.value_samples[0], sim.value_samples[1]);
    assert!(sim.initiatives[0].value.sd > 0.0);
}

#[test]
fn adding_an_unrelated_link_leaves_other_draws_alone() {
    let base = chain("1 to 5", "0.5 to 2", "1", 1.0);
    let extra = base.replace(
        "initiatives:",
        "  - { from: a, to: g, effect: \"1 to 2\", skip_reason: x, assumptions: [x] }\ninitiatives:",
    );
    let (m1, m2) = (model(&base), model(&extra));
    let (s1, s2) = (run(&m1, 2_000, 5), run(&m2, 2_000, 5));
    // The delivered amount's draws are keyed by identity, not position: the same in both runs.
    let diff: Vec<f64> =
        s2.value_samples[0].iter().zip(&s1.value_samples[0]).map(|(a, b)| a - b).collect();
    assert!(diff.iter().all(|d| *d >= 0.0), "the extra path only adds");
}

#[test]
fn a_loop_of_quantified_links_is_an_error_not_a_number() {
    // Build the loop in code: `check` already refuses it, so the engine must refuse it too.
    let mut m = model(&chain("1", "1", "1", 1.0));
    let mut back = m.links[0].clone();
    std::mem::swap(&mut back.from, &mut back.to);
    back.skip_reason = Some("test".into());
    m.links.push(back);
    let err = simulate(&m, &Settings::default(), &Overrides::default(), &|_, _| {}).unwrap_err();
    assert!(matches!(err, SimulateError::Cycle { ref nodes } if nodes.contains(&"a".to_string())));
}

#[test]
fn numbers_that_overflow_are_an_error_not_infinity() {
    // Built in code: `check` refuses such numbers, so the engine is the second line.
    use model::Distribution;
    let refused = |m: &Model| {
        let err = simulate(m, &Settings::default(), &Overrides::default(), &|_, _| {}).unwrap_err();
        assert!(matches!(err, SimulateError::NotFinite { .. }), "{err:?}");
    };
    // Each effect finite, the chain's product not: 1e308 · 1e308 overflows.
    let mut m = model(&chain("1", "1", "1", 1.0));
    m.links[0].effect = Some(Distribution::point(1e308).unwrap());
    m.links[1].effect = Some(Distribution::point(1e308).unwrap());
    refused(&m);
    // A finite lognormal whose mean e^(μ + σ²/2) is not (its constructor refuses it; the
    // variant is built directly, as a model that bypassed it would be).
    let mut m = model(&chain("1", "1", "1", 1.0));
    m.links[0].effect = Some(Distribution::LogNormal { mu: 0.0, sigma: 40.0 });
    refused(&m);
    // A delivery too large to multiply.
    let mut m = model(&chain("1", "1", "1", 1.0));
    m.links[0].effect = Some(Distribution::point(1e200).unwrap());
    m.initiatives[0].delivers[0].amount = Some(Distribution::point(1e300).unwrap());
    refused(&m);
}

#[test]
fn cost_effectiveness_is_expected_value_over_expected_cost() {
    let body = chain("10", "1", "1", 1.0)
        .replace("audiences: [all],", "audiences: [all], cost: \"uniform(100, 300)\",");
    let m = model(&body);
    let sim = run(&m, 20_000, 2);
    let ce = sim.initiatives[0].cost_effectiveness.as_ref().unwrap();
    let cost = sim.initiatives[0].cost.unwrap();
    assert_close(cost.mean, cost.se, 200.0, "cost");
    assert!((ce.ratio_of_means - 10.0 / cost.mean).abs() < 1e-12);
    // E[10 / U(100, 300)] = 10 · ln(3) / 200.
    assert_close(ce.ratio.mean, ce.ratio.se, 10.0 * 3f64.ln() / 200.0, "ratio distribution");
}

mod sensitivity {
    use super::*;
    use simulate::Plan;
    use simulate::sensitivity::{Input, rank_stability, tornadoes};

    #[test]
    fn a_tornado_bar_spans_the_inputs_90_percent_interval() {
        // 10 delivered × effect "2 to 8" (median 4) × 1: base 40, bar 20–80.
        let m = model(&chain("10", "2 to 8", "1", 1.0));
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let t = &tornadoes(&m, &plan, 10)[0];
        assert!((t.base - 40.0).abs() < 1e-9);
        let bar = &t.bars[0];
        assert_eq!(bar.input, Input::Effect { from: "a".into(), to: "b".into() });
        assert!((bar.low - 20.0).abs() < 1e-9 && (bar.high - 80.0).abs() < 1e-9, "{bar:?}");
    }

    #[test]
    fn tornado_bars_equal_a_brute_force_recomputation() {
        let m = model(
            r#"
goals: [{ id: g, name: G, unit: u }]
nodes:
  - { id: a, name: A, level: output, unit: u }
  - { id: b, name: B, level: outcome_short, unit: u }
  - { id: c, name: C, level: outcome_short, unit: u }
links:
  - { from: a, to: b, effect: "1 to 3", assumptions: [x] }
  - { from: a, to: c, effect: "pert(0, 1, 4)", probability: 0.6, assumptions: [x] }
  - { from: b, to: c, effect: "0.5 to 1", assumptions: [x] }
  - { from: b, to: g, effect: 2, assumptions: [x] }
  - { from: c, to: g, effect: "uniform(1, 2)", assumptions: [x] }
initiatives:
  - { id: i, name: I, team: t, audiences: [under], delivers: [{ node: a, amount: 5 }] }
value: { goals: { g: 1.5 } }
"#,
        );
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let t = &tornadoes(&m, &plan, 100)[0];
        // Brute force: every input fixed at its base (median × probability) as a point, one input
        // at its low end; the simulated value is then exact.
        let base_overrides = || {
            let mut o = Overrides::default();
            for (li, l) in m.links.iter().enumerate() {
                let e = l.effect.unwrap();
                let median = simulate::sampler::quantile(&e, 0.5);
                o.set_effect(
                    li,
                    model::Distribution::point(median * l.probability.unwrap_or(1.0)).unwrap(),
                );
                o.set_probability(li, 1.0);
            }
            o
        };
        let exact = |o: &Overrides| {
            simulate(&m, &Settings { samples: 2, seed: 1 }, o, &|_, _| {}).unwrap().initiatives[0]
                .value
                .mean
        };
        assert!((exact(&base_overrides()) - t.base).abs() < 1e-9);
        for bar in &t.bars {
            let Input::Effect { from, to } = &bar.input else { continue };
            let li = m
                .links
                .iter()
                .position(|l| l.from.as_str() == from && l.to.as_str() == to)
                .unwrap();
            let l = &m.links[li];
            let low = simulate::sampler::quantile(&l.effect.unwrap(), 0.05)
                * l.probability.unwrap_or(1.0);
            let mut o = base_overrides();
            o.set_effect(li, model::Distribution::point(low).unwrap());
            assert!(
                (exact(&o) - bar.low).abs() < 1e-9,
                "{from}→{to}: {} vs {}",
                exact(&o),
                bar.low
            );
        }
    }

    fn two_rivals() -> Model {
        model(
            r#"
goals: [{ id: g, name: G, unit: u }, { id: h, name: H, unit: u }]
nodes: [{ id: a, name: A, level: output, unit: u }, { id: b, name: B, level: output, unit: u }]
links:
  - { from: a, to: g, effect: 1, skip_reason: x, assumptions: [x] }
  - { from: b, to: h, effect: 1, skip_reason: x, assumptions: [x] }
initiatives:
  - { id: i1, name: I1, team: t, audiences: [all], delivers: [{ node: a, amount: 10 }] }
  - { id: i2, name: I2, team: t, audiences: [all], delivers: [{ node: b, amount: 10 }] }
value: { goals: { g: 1, h: 1.01 } }
"#,
        )
    }

    #[test]
    fn without_perturbation_ranks_do_not_move() {
        let m = two_rivals();
        let sim = run(&m, 100, 1);
        let s = rank_stability(&m, &sim, 1.0, 200, 1, 3);
        assert_eq!(s.mean_spearman, 1.0);
        assert_eq!(s.initiatives[1].rank, 1);
        assert_eq!(s.initiatives[1].p_top, 1.0);
    }

    #[test]
    fn a_near_tie_flips_about_half_the_time_under_symmetric_perturbation() {
        let m = two_rivals();
        let sim = run(&m, 100, 1);
        let s = rank_stability(&m, &sim, 2.0, 4000, 1, 3);
        let p = s.initiatives[0].p_top;
        // log(1.01) is tiny next to the noise: close to a coin flip, within 4 binomial SEs.
        assert!((p - 0.5).abs() < 4.0 * (0.25f64 / 4000.0).sqrt() + 0.01, "{p}");
    }
}

mod voi {
    use super::*;
    use simulate::Plan;
    use simulate::voi::{Parameter, analyse, decide};
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};

    #[test]
    fn evpi_of_a_normal_net_benefit_matches_the_closed_form() {
        // One option, value D ~ N(μ, σ²), no cost: EVPI = σφ(μ/σ) − |μ|Φ(−|μ|/σ).
        for (mu, sigma) in [(1.0, 2.0), (-0.5, 1.0), (3.0, 1.0)] {
            let m = model(&chain("1", &format!("normal({mu}, {sigma})"), "1", 1.0));
            let settings = Settings { samples: 40_000, seed: 17 };
            let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
            let plan = Plan::new(&m, &Overrides::default()).unwrap();
            let v = analyse(&m, &plan, &sim, &settings, 0.0);
            let z = Normal::standard();
            let truth = sigma * z.pdf(mu / sigma) - mu.abs() * z.cdf(-mu.abs() / sigma);
            let gains: Vec<f64> = sim.value_samples[0].iter().map(|x| x.max(0.0)).collect();
            let se = simulate::summarize(&gains).se + simulate::summarize(&sim.value_samples[0]).se;
            assert!(
                (v.evpi - truth).abs() < 4.0 * se,
                "μ={mu}, σ={sigma}: EVPI {} vs {truth} (se {se})",
                v.evpi
            );
            // The only uncertain input carries all of it, up to the fitted slope's error.
            let link = v
                .parameters
                .iter()
                .find(|p| matches!(&p.parameter, Parameter::Link { from, .. } if from == "a"))
                .unwrap();
            assert!(
                (link.evppi - v.evpi).abs() < 0.03 * truth.max(0.05) + 4.0 * se,
                "EVPPI {} vs EVPI {}",
                link.evppi,
                v.evpi
            );
            assert!(
                v.noise_floor < 0.25 * truth.max(0.05),
                "noise floor {} vs {truth}",
                v.noise_floor
            );
        }
    }

    #[test]
    fn evsi_of_a_normal_prior_and_a_normal_sample_matches_the_closed_form() {
        // Fund or not an initiative worth θ ~ N(μ, σ0²) (amount 1, the goal's weight 1), no
        // cost. Research reports X = θ + ε, ε ~ N(0, se²) (se = σ/√n). The posterior mean
        // E[θ | X] is normal around μ with sd σp = σ0² / √(σ0² + se²) (the preposterior), and
        // the decision after the research is worth E[max(0, E[θ|X])], so
        //   EVSI = σp φ(μ/σp) + μ Φ(μ/σp) − max(μ, 0).
        // The estimate must be within four of its own Monte Carlo standard errors; se = 0 is
        // perfect information, the EVPI σ0 φ(μ/σ0) − |μ| Φ(−|μ|/σ0).
        let z = Normal::standard();
        for (mu, s0, se) in
            [(0.2, 1.0, 0.5), (-0.5, 1.0, 1.0), (1.0, 2.0, 3.0), (0.3, 1.0, 0.0), (-2.0, 1.0, 0.2)]
        {
            let m = model(&chain("1", &format!("normal({mu}, {s0})"), "1", 1.0));
            let settings = Settings { samples: 20_000, seed: 5 };
            let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
            let plan = Plan::new(&m, &Overrides::default()).unwrap();
            let decision = decide(&m, &sim, 0.0);
            let e = simulate::voi::evsi(&m, &plan, &sim, &decision, &[(0, se)], 7);
            let sp = s0 * s0 / (s0 * s0 + se * se).sqrt();
            let truth = sp * z.pdf(mu / sp) + mu * z.cdf(mu / sp) - mu.max(0.0);
            assert!(
                (e.value - truth).abs() < 4.0 * e.se,
                "μ={mu}, σ0={s0}, se={se}: EVSI {} ± {} vs {truth}",
                e.value,
                e.se
            );
            assert!(e.se < 0.05 * truth.max(0.01) + 0.01, "a usable standard error: {}", e.se);
            if se == 0.0 {
                let evpi = s0 * z.pdf(mu / s0) - mu.abs() * z.cdf(-mu.abs() / s0);
                assert!((truth - evpi).abs() < 1e-12);
            }
            // The decision can change only when the prior straddles 0.
            assert_eq!(e.changes.first().map(|c| c.0.as_str()), Some("i"));
        }
        // More precise research is worth more, up to the EVPI.
        let m = model(&chain("1", "normal(0.2, 1)", "1", 1.0));
        let sim = run(&m, 20_000, 5);
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let decision = decide(&m, &sim, 0.0);
        let worth = |se: f64| simulate::voi::evsi(&m, &plan, &sim, &decision, &[(0, se)], 7).value;
        assert!(worth(2.0) < worth(1.0) && worth(1.0) < worth(0.3) && worth(0.3) < worth(0.0));
    }

    #[test]
    fn research_that_cannot_change_the_decision_is_worth_nothing() {
        let m = model(&chain("1", "normal(100, 1)", "1", 1.0));
        let sim = run(&m, 10_000, 2);
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let decision = decide(&m, &sim, 0.0);
        let e = simulate::voi::evsi(&m, &plan, &sim, &decision, &[(0, 0.5)], 1);
        assert_eq!(e.value, 0.0);
        assert!(e.changes.is_empty());
        // A link no initiative's value depends on (b → g is downstream, so it counts; a link
        // out of the goal's chain would not) : the measured link is reported either way.
        assert_eq!(e.measures.len(), 1);
    }

    #[test]
    fn an_input_that_cannot_change_the_decision_is_worth_nothing() {
        // The link's value is always far above zero: knowing it exactly changes nothing.
        let m = model(&chain("1", "normal(100, 1)", "1", 1.0));
        let settings = Settings { samples: 10_000, seed: 2 };
        let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let v = analyse(&m, &plan, &sim, &settings, 0.0);
        assert_eq!(v.evpi, 0.0);
        assert!(v.parameters.iter().all(|p| p.evppi == 0.0));
    }

    /// g(m, s) = E[max(0, X)] − max(0, m) for X ~ N(m, s²): the EVPI of one option whose
    /// net benefit is that normal.
    fn g(m: f64, s: f64) -> f64 {
        let z = Normal::standard();
        s * z.pdf(m / s) - m.abs() * z.cdf(-m.abs() / s)
    }

    /// One initiative per (μa, σa, μb, σb): it delivers one unit to its own nodes a and b, whose
    /// effects on the goal are normal(μa, σa) and normal(μb, σb). Its net benefit is θa + θb.
    fn two_inputs_each(options: &[(f64, f64, f64, f64)]) -> Model {
        let mut body = String::from("goals: [{ id: g, name: G, unit: u }]\nnodes:\n");
        for i in 0..options.len() {
            for x in ["a", "b"] {
                body += &format!("  - {{ id: {x}{i}, name: {x}{i}, level: output, unit: u }}\n");
            }
        }
        body += "links:\n";
        for (i, (ma, sa, mb, sb)) in options.iter().enumerate() {
            for (x, m, s) in [("a", ma, sa), ("b", mb, sb)] {
                body += &format!(
                    "  - {{ from: {x}{i}, to: g, effect: \"normal({m}, {s})\", skip_reason: x, assumptions: [x] }}\n"
                );
            }
        }
        body += "initiatives:\n";
        for i in 0..options.len() {
            body += &format!(
                "  - {{ id: i{i}, name: I{i}, team: t, audiences: [all], delivers: [{{ node: a{i}, amount: 1 }}, {{ node: b{i}, amount: 1 }}] }}\n"
            );
        }
        body += "value: { goals: { g: 1 } }\n";
        model(&body)
    }

    #[test]
    fn evppi_of_normal_inputs_matches_the_closed_form_within_its_standard_error() {
        // NB_i = θa + θb with independent normals: E[NB_i | θa] = θa + μb, so
        //   EVPPI(θa) = g(μa + μb, σa), EVPI = Σ_i g(μa + μb, √(σa² + σb²)).
        let cases = [(0.3, 1.0, -0.5, 0.5), (-1.0, 2.0, 1.5, 1.0)];
        let m = two_inputs_each(&cases);
        let settings = Settings { samples: 20_000, seed: 9 };
        let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let v = analyse(&m, &plan, &sim, &settings, 0.0);
        let evpi: f64 =
            cases.iter().map(|&(ma, sa, mb, sb)| g(ma + mb, (sa * sa + sb * sb).sqrt())).sum();
        assert!((v.evpi - evpi).abs() < 0.05 * evpi, "EVPI {} vs {evpi}", v.evpi);
        for (i, &(ma, sa, mb, sb)) in cases.iter().enumerate() {
            for (x, s) in [("a", sa), ("b", sb)] {
                let from = format!("{x}{i}");
                let p = v
                    .parameters
                    .iter()
                    .find(|p| matches!(&p.parameter, Parameter::Link { from: f, .. } if *f == from))
                    .unwrap_or_else(|| panic!("{from} → g is estimated"));
                let truth = g(ma + mb, s);
                assert_close(p.evppi, p.se, truth, &format!("EVPPI of {from} → g"));
                assert!(p.se < 0.05 * truth, "a usable standard error: {} vs {truth}", p.se);
                assert!(p.resolved, "{from}: {} vs floor {}", p.evppi, p.floor);
            }
        }
        assert_eq!(v.resolved, 4);
    }

    #[test]
    fn the_stated_standard_error_matches_the_spread_of_the_estimates_over_seeds() {
        // 120 seeds of one two-input option: the estimates of EVPPI(θa) must scatter around the
        // closed form as their stated standard errors say (the slopes' errors are summed, so
        // the statement may be a little conservative, not optimistic).
        let (ma, sa, mb, sb) = (0.3, 1.0, -0.5, 0.5);
        let m = two_inputs_each(&[(ma, sa, mb, sb)]);
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let truth = g(ma + mb, sa);
        let (mut est, mut ses, mut inside) = (Vec::new(), Vec::new(), 0);
        let seeds = 120;
        for seed in 0..seeds {
            let settings = Settings { samples: 2_000, seed: 1_000 + seed };
            let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
            let v = analyse(&m, &plan, &sim, &settings, 0.0);
            let p = v
                .parameters
                .iter()
                .find(|p| matches!(&p.parameter, Parameter::Link { from, .. } if from == "a0"))
                .unwrap();
            if (p.evppi - truth).abs() <= 2.0 * p.se {
                inside += 1;
            }
            est.push(p.evppi);
            ses.push(p.se);
        }
        let n = seeds as f64;
        let mean = est.iter().sum::<f64>() / n;
        let sd = (est.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let stated = ses.iter().sum::<f64>() / n;
        assert!((mean - truth).abs() < 4.0 * sd / n.sqrt(), "mean {mean} vs {truth} (sd {sd})");
        assert!((0.8..1.6).contains(&(stated / sd)), "stated se {stated} vs spread {sd}");
        // ±2 se covers 95% nominally: at least 88% of 120 (three binomial standard errors).
        assert!(inside as f64 / n >= 0.88, "{inside} of {seeds} within 2 se");
    }

    /// Normal draws from a seeded generator (independent of the engine's streams).
    fn normals(n: usize, seed: u64) -> Vec<f64> {
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n).map(|_| StandardNormal.sample(&mut rng)).collect()
    }

    #[test]
    fn a_null_input_scores_its_closed_form_stays_below_its_floor_and_the_floor_falls_as_n_to_the_minus_half()
     {
        use simulate::voi::{critical_z, estimate, floor};
        // θ independent of NB ~ N(0, σ²). The fit's mean μ̂ = s·v and slope term s·u·(θ − θ̄)/sd θ
        // (s = σ/√n, u, v independent standard normals), so for normal θ the estimate is
        // s·(E√(1 + u²) − 1)/√(2π) on average: it falls as n^−1/2 exactly.
        let e_sqrt: f64 = {
            let z = Normal::standard();
            let h = 1e-3;
            (0..16_000)
                .map(|k| -8.0 + (k as f64 + 0.5) * h)
                .map(|u| (1.0 + u * u).sqrt() * z.pdf(u) * h)
                .sum()
        };
        let sigma = 3.0;
        let z1 = critical_z(1);
        let mut means = Vec::new();
        for n in [1_000usize, 16_000] {
            let reps = 400;
            let mut est = Vec::with_capacity(reps);
            let mut above = 0;
            for r in 0..reps as u64 {
                let theta = normals(n, 2 * r + 1);
                let nb: Vec<f64> = normals(n, 2 * r + 2).iter().map(|x| sigma * x).collect();
                let e = estimate(&theta, &[&nb]);
                let (mu, var) = {
                    let m = nb.iter().sum::<f64>() / n as f64;
                    (m, nb.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64)
                };
                if e.evppi > floor(&[(mu, var.sqrt())], n, z1) {
                    above += 1;
                }
                est.push(e.evppi);
            }
            let mean = est.iter().sum::<f64>() / reps as f64;
            let sd =
                (est.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt();
            let truth =
                sigma / (n as f64).sqrt() * (e_sqrt - 1.0) / (2.0 * std::f64::consts::PI).sqrt();
            assert_close(mean, sd / (reps as f64).sqrt(), truth, &format!("null EVPPI at n = {n}"));
            // The floor is a 5% bar for one comparison (and conservative): a noise input clears it
            // in at most 5% of runs (binomial slack for 400 runs: 4 standard errors).
            assert!(
                above as f64 / reps as f64 <= 0.05 + 4.0 * (0.05f64 * 0.95 / 400.0).sqrt(),
                "{above} of {reps} above the floor at n = {n}"
            );
            means.push(mean);
        }
        // Sixteen times the samples, a quarter of the null estimate and of the floor (μ = 0).
        let ratio = means[0] / means[1];
        assert!((3.0..5.3).contains(&ratio), "null estimate fell by {ratio}, not ≈ 4");
        let f = |n: usize| floor(&[(0.0, sigma)], n, z1);
        assert!((f(1_000) / f(16_000) - 4.0).abs() < 1e-9);
        // Far from the threshold the floor falls as n^−1: c²/(4|μ|) when c = zσ/√n ≪ |μ|.
        let far = |n: usize| floor(&[(1_000.0, sigma)], n, z1);
        assert!((far(1_000) / far(16_000) - 16.0).abs() < 1e-3);
    }

    #[test]
    fn the_floor_the_critical_value_and_the_samples_to_reach_have_closed_forms() {
        use simulate::voi::{critical_z, floor, samples_to_reach};
        // One comparison: z = Φ⁻¹(0.975); a million: Φ⁻¹(1 − 2.5e−8).
        assert!((critical_z(1) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((critical_z(1_000_000) - 5.451_310_5).abs() < 1e-4, "{}", critical_z(1_000_000));
        // At the threshold the floor is zσ/(2√n): (2, 3, 100) → 0.3.
        assert!((floor(&[(0.0, 3.0)], 100, 2.0) - 0.3).abs() < 1e-12);
        // (√(μ² + c²) − |μ|)/2 with μ = 0.3, c = 0.4: (0.5 − 0.3)/2 = 0.1, either sign of μ.
        for mu in [0.3, -0.3] {
            assert!((floor(&[(mu, 0.4)], 1, 1.0) - 0.1).abs() < 1e-12);
        }
        // Floor 4× the target at the threshold (n^−1/2): 16× the samples.
        let at = [(0.0, 3.0)];
        let f = floor(&at, 1_000, 2.0);
        assert_eq!(samples_to_reach(&at, 1_000, 2.0, f / 4.0), 16_000);
        // Already below: no more than now; never reachable: the cap.
        assert_eq!(samples_to_reach(&at, 1_000, 2.0, 2.0 * f), 1_000);
        assert_eq!(samples_to_reach(&at, 1_000, 2.0, 0.0), 1_000_000_000_000_000);
    }

    /// One initiative delivering one unit to each of `k` nodes whose effects on the goal are
    /// normal(0, 1): its net benefit is the sum of k standard normals, each link's EVPPI is
    /// E[max(0, θ)] = 1/√(2π) ≈ 0.40, and each link's floor is z·√k/(2√n).
    fn many_small_inputs(k: usize) -> Model {
        let mut body = String::from("goals: [{ id: g, name: G, unit: u }]\nnodes:\n");
        for i in 0..k {
            body += &format!("  - {{ id: a{i}, name: A{i}, level: output, unit: u }}\n");
        }
        body += "links:\n";
        for i in 0..k {
            body += &format!(
                "  - {{ from: a{i}, to: g, effect: \"normal(0, 1)\", skip_reason: x, assumptions: [x] }}\n"
            );
        }
        let delivers: Vec<String> =
            (0..k).map(|i| format!("{{ node: a{i}, amount: 1 }}")).collect();
        body += &format!(
            "initiatives:\n  - {{ id: i, name: I, team: t, audiences: [all], delivers: [{}] }}\n",
            delivers.join(", ")
        );
        body += "value: { goals: { g: 1 } }\n";
        model(&body)
    }

    #[test]
    fn a_ranking_below_its_floors_says_so_and_the_samples_it_asks_for_resolve_it() {
        // 400 inputs of one option at 500 samples: z ≈ 3.84 and each floor is about
        // 3.84·20/(2√500) ≈ 1.7 (less as the option's estimated mean drifts from 0), against
        // EVPPIs of 0.40 each: nothing is resolved.
        let m = many_small_inputs(400);
        let plan = Plan::new(&m, &Overrides::default()).unwrap();
        let settings = Settings { samples: 500, seed: 5 };
        let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
        let v = analyse(&m, &plan, &sim, &settings, 0.0);
        // Each link's EVPPI is bounded by Scarf's bound with its exact spread (1):
        // (√(μ² + 1) − |μ|)/2 ≤ 0.5, under its floor: screened, not estimated.
        let links = v.parameters.iter().filter(|p| matches!(p.parameter, Parameter::Link { .. }));
        assert_eq!(links.count(), 0);
        assert_eq!(v.screened, 400);
        assert_eq!(v.resolved, 0);
        assert!(v.parameters.iter().all(|p| !p.resolved && p.evppi <= p.floor));
        // The floor falls as n^−1/2 for a mean at zero, up to n^−1 far from it (here the
        // estimated mean drifts off zero by about σ/√n).
        let a = v.floor_exponent.expect("the floor falls");
        assert!((0.5..=1.0).contains(&a), "exponent {a}");
        // The truth needs about (1.7/0.40)² × 500 ≈ 9,000 samples; the figure, from the links'
        // bound (≈ 0.5), is a little optimistic: about (1.7/0.5)² × 500 ≈ 5,800.
        let need = v.samples_to_resolve.expect("a sample size");
        assert!((1_000..20_000).contains(&need), "{need}");
        // Six times the figure resolves most links.
        let settings = Settings { samples: 6 * need as usize, seed: 5 };
        let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
        let v = analyse(&m, &plan, &sim, &settings, 0.0);
        assert!(v.resolved > 200, "{} of 400 resolved at {} samples", v.resolved, 6 * need);
        assert_eq!(v.samples_to_resolve, None);
    }

    #[test]
    fn the_budget_funds_the_most_cost_effective_first() {
        let m = model(
            r#"
goals: [{ id: g, name: G, unit: u }]
nodes: [{ id: a, name: A, level: output, unit: u }]
links: [{ from: a, to: g, effect: 1, skip_reason: x, assumptions: [x] }]
initiatives:
  - { id: cheap, name: C, team: t, audiences: [all], cost: 10, delivers: [{ node: a, amount: 50 }] }
  - { id: big, name: B, team: t, audiences: [all], cost: 100, delivers: [{ node: a, amount: 300 }] }
  - { id: poor, name: P, team: t, audiences: [all], cost: 100, delivers: [{ node: a, amount: 100 }] }
  - { id: legal, name: L, team: t, audiences: [all], cost: 1000, must_do: true, delivers: [a] }
value: { goals: { g: 1 } }
"#,
        );
        let sim = run(&m, 10, 1);
        let d = decide(&m, &sim, 150.0);
        assert_eq!(d.funded, vec!["cheap".to_string(), "big".to_string()]);
        assert_eq!(d.threshold, 1.0, "the best initiative left out returns 1 per unit of cost");
        let all = decide(&m, &sim, 1e9);
        assert_eq!(all.funded.len(), 3);
        assert_eq!(all.threshold, 0.0);
    }
}

#[test]
fn known_inputs_have_no_information_value_and_no_tornado_bar() {
    let m = model(&chain("1", "normal(0.5, 1)", "1", 1.0));
    let settings = Settings { samples: 5_000, seed: 4 };
    let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
    let plan = simulate::Plan::new(&m, &Overrides::default()).unwrap();
    let v = simulate::voi::analyse(&m, &plan, &sim, &settings, 0.0);
    let known = v
        .parameters
        .iter()
        .find(
            |p| matches!(&p.parameter, simulate::voi::Parameter::Link { from, .. } if from == "b"),
        )
        .unwrap();
    assert_eq!(known.evppi, 0.0, "the b → g effect is exactly 1");
    let t = &simulate::sensitivity::tornadoes(&m, &plan, 10)[0];
    assert_eq!(t.bars.len(), 1, "only the uncertain a → b effect moves the value: {:?}", t.bars);
}

#[test]
fn monte_carlo_means_agree_with_exact_expectations_on_generated_models() {
    for seed in 1..=4 {
        let spec = synthetic::Spec {
            goals: 3,
            programs: 3,
            nodes: 120,
            links: 300,
            initiatives: 12,
            teams: 3,
            seed,
        };
        let files = synthetic::generate(&spec)
            .into_iter()
            .map(|(n, t)| SourceFile::in_memory(n, t))
            .collect();
        let checked = modelfile::check(files);
        assert!(checked.is_ok());
        let sim = run(&checked.model, 20_000, seed);
        for r in &sim.initiatives {
            let z = (r.value.mean - r.expected_value) / r.value.se.max(1e-300);
            assert!(
                z.abs() < 5.0,
                "model {seed}, {}: MC {} ± {} vs exact {}",
                r.id,
                r.value.mean,
                r.value.se,
                r.expected_value
            );
        }
        for g in &sim.goals {
            let z = (g.change.mean - g.expected_change) / g.change.se.max(1e-300);
            assert!(z.abs() < 5.0, "model {seed}, goal {}: z = {z}", g.id);
        }
    }
}

/// The arrays handed to the VOI benchmark's peer are the ones `analyse` estimates from: the same
/// inputs with the same estimates, and each input's draws and options reproduce its estimate.
#[test]
fn the_regressions_given_to_the_peer_are_the_ones_analyse_runs() {
    let spec = synthetic::Spec {
        goals: 3,
        programs: 3,
        nodes: 120,
        links: 300,
        initiatives: 12,
        teams: 3,
        seed: 2,
    };
    let files = synthetic::generate(&spec)
        .into_iter()
        .map(|(n, t)| modelfile::SourceFile::in_memory(n, t))
        .collect();
    let m = modelfile::check(files).model;
    let settings = Settings { samples: 4_000, seed: 9 };
    let plan = simulate::Plan::new(&m, &Overrides::default()).unwrap();
    let sim = simulate(&m, &settings, &Overrides::default(), &|_, _| {}).unwrap();
    let budget: f64 =
        sim.initiatives.iter().filter_map(|r| r.cost.map(|c| c.mean)).sum::<f64>() / 2.0;
    let v = simulate::voi::analyse(&m, &plan, &sim, &settings, budget);
    let reg = simulate::voi::regressions(&m, &plan, &sim, &settings, budget);
    assert!(!reg.inputs.is_empty());
    // Every estimate is one of analyse's, bit for bit (known inputs are listed by analyse only).
    let mut ours: Vec<(u64, u64)> =
        v.parameters.iter().map(|p| (p.evppi.to_bits(), p.se.to_bits())).collect();
    for e in &reg.estimates {
        let k = ours.iter().position(|&x| x == (e.evppi.to_bits(), e.se.to_bits()));
        ours.swap_remove(k.expect("an estimate analyse does not make"));
    }
    // And the public estimator on the exported arrays gives each one again.
    for ((theta, options), e) in reg.inputs.iter().zip(&reg.estimates) {
        let nb: Vec<&[f64]> = options.iter().map(|&o| &reg.net_benefit[o][..]).collect();
        let again = simulate::voi::estimate(theta, &nb);
        assert!((again.evppi - e.evppi).abs() <= 1e-9 * e.evppi.abs().max(1.0));
        assert!((again.se - e.se).abs() <= 1e-9 * e.se.abs().max(1.0));
    }
}

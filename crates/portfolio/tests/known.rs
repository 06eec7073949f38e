//! Known answers from model files through the whole planning path: value in time against its
//! closed form, staff time and hiring, and P(target reached | plan) against exact probabilities.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::Model;
use model::graph::ModelGraph;
use portfolio::solve::{objective_of, solve};
use portfolio::{AnnualPlan, Extras, Options, Problem, WhatIf};

/// A model from YAML that must pass `check` without errors.
fn model(yaml: &str) -> Model {
    let checked = modelfile::check(vec![modelfile::SourceFile::in_memory(
        "throughline.yaml",
        format!("format_version: 1\nmodel: {{ name: t }}\n{yaml}"),
    )]);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.model
}

fn simulated(m: &Model, samples: usize) -> (simulate::Plan, simulate::Simulation) {
    let plan = simulate::Plan::new(m, &simulate::Overrides::default()).unwrap();
    let sim = simulate::run(m, &plan, &simulate::Settings { samples, seed: 7 }, &|_, _| {});
    (plan, sim)
}

fn problem(m: &Model) -> Problem {
    let (plan, sim) = simulated(m, 200);
    Problem::from_model(m, &ModelGraph::build(m), &plan, &sim, &WhatIf::default()).unwrap()
}

fn annual(m: &Model, samples: usize) -> AnnualPlan {
    let (plan, sim) = simulated(m, samples);
    let extras = Extras { force: false, marginals: false, frontier_points: 0 };
    portfolio::annual_plan(
        m,
        &ModelGraph::build(m),
        &plan,
        &sim,
        &WhatIf::default(),
        &Options::default(),
        extras,
    )
    .unwrap()
}

/// Two initiatives of one quarter each for a team that can do one at a time: A is worth 100,
/// B 60 (point values, so the expected values are exact).
fn two(planning: &str) -> String {
    format!(
        r#"
teams: [{{ id: t, name: T, capacity: 1 }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links: [{{ from: a, to: g, effect: 1, assumptions: [x], skip_reason: direct }}]
initiatives:
  - {{ id: a_first, name: A, team: t, effort: 1, delivers: [{{ node: a, amount: 100 }}] }}
  - {{ id: b_second, name: B, team: t, effort: 1, delivers: [{{ node: a, amount: 60 }}] }}
value: {{ goals: {{ g: 1 }} }}
planning: {planning}
"#
    )
}

#[test]
fn shipping_a_first_is_worth_exactly_the_discounted_difference() {
    let m = model(&two("{ quarters: 2, horizon: 3, discount_rate: 3.5% }"));
    let p = problem(&m);
    let h = p.horizon.unwrap();
    assert_eq!((h.quarters, h.discount_rate), (12, 0.035));
    assert_eq!(p.items.iter().map(|i| i.value).collect::<Vec<_>>(), vec![100.0, 60.0]);
    // The share of the horizon still to come, by its definition: quarterly discount factors
    // summed term by term (not the closed form the planner uses).
    let d = 1.035_f64.powf(-0.25);
    let share = |t: usize| -> f64 {
        (t..12).map(|k| d.powi(k as i32)).sum::<f64>()
            / (0..12).map(|k: i32| d.powi(k)).sum::<f64>()
    };
    let s = solve(&p, &Options::default());
    assert_eq!(s.start, vec![Some(0), Some(1)], "A ships first");
    let a_first = 100.0 * share(1) + 60.0 * share(2);
    assert!((s.objective - a_first).abs() < 1e-9 * a_first, "{} vs {a_first}", s.objective);
    assert!((s.value - a_first).abs() < 1e-9 * a_first);
    // A first is worth (v_A − v_B)(S(1) − S(2)) = 40 δ (1 − δ) / (1 − δ¹²) more than B first.
    let b_first = objective_of(&p, &[Some(1), Some(0)]);
    let closed = 40.0 * d * (1.0 - d) / (1.0 - d.powi(12));
    assert!(
        ((s.objective - b_first) - closed).abs() < 1e-9 * closed,
        "{} vs {closed}",
        s.objective - b_first
    );
    // The explanation states what a quarter's delay costs, from the same formula.
    let plan = annual(&m, 200);
    let delay = |id: &str| plan.reasons.iter().find(|r| r.id == id).unwrap().delay_cost.unwrap();
    let a = 100.0 * d * (1.0 - d) / (1.0 - d.powi(12));
    let b = 60.0 * d.powi(2) * (1.0 - d) / (1.0 - d.powi(12));
    assert!((delay("a_first") - a).abs() < 1e-9 * a, "{} vs {a}", delay("a_first"));
    assert!((delay("b_second") - b).abs() < 1e-9 * b);
    assert!((delay("a_first") - (100.0 * (share(1) - share(2)))).abs() < 1e-9 * a);
    let text = &plan.reasons[0].text;
    assert!(text.contains("a quarter's delay would cost"), "{text}");
}

#[test]
fn without_discounting_the_share_is_linear_and_a_horizon_of_0_ignores_time() {
    // r = 0: S(t) = (K − t) / K; A first is worth 40 / K more.
    let m = model(&two("{ quarters: 2, horizon: 1, discount_rate: 0 }"));
    let p = problem(&m);
    let s = solve(&p, &Options::default());
    assert!((s.objective - (100.0 * 3.0 / 4.0 + 60.0 * 2.0 / 4.0)).abs() < 1e-12);
    assert!((s.objective - objective_of(&p, &[Some(1), Some(0)]) - 10.0).abs() < 1e-12);
    // Horizon 0: today's behaviour, value independent of when work ships.
    let m = model(&two("{ quarters: 2, horizon: 0 }"));
    let p = problem(&m);
    assert!(p.horizon.is_none());
    let s = solve(&p, &Options::default());
    assert_eq!(s.objective, 160.0);
    assert_eq!(objective_of(&p, &[Some(1), Some(0)]), 160.0);
    let plan = annual(&m, 200);
    assert!(plan.reasons.iter().all(|r| r.delay_cost.is_none()));
    // The default: three years at the SROI section's rate, else 3.5%.
    let m = model(&format!("{}sroi: {{ discount_rate: 5% }}\n", two("{ quarters: 2 }")));
    let h = problem(&m).horizon.unwrap();
    assert_eq!((h.quarters, h.discount_rate), (12, 0.05));
    let h = problem(&model(&two("{ quarters: 2 }"))).horizon.unwrap();
    assert_eq!((h.quarters, h.discount_rate), (12, 0.035));
}

#[test]
fn a_ramp_up_earns_the_ramped_share_exactly() {
    // K = 4 quarters, no discounting, a one-quarter ramp: the first quarter after shipping earns
    // half the full rate. S₁(1) = (½ + 1 + 1)/4 = 0.625, S₁(2) = (½ + 1)/4 = 0.375.
    let m = model(&two("{ quarters: 2, horizon: 1, discount_rate: 0, ramp_up: 1 }"));
    let p = problem(&m);
    assert_eq!(p.items.iter().map(|i| i.ramp_up).collect::<Vec<_>>(), vec![1, 1]);
    let s = solve(&p, &Options::default());
    assert_eq!(s.start, vec![Some(0), Some(1)]);
    assert!((s.objective - (100.0 * 0.625 + 60.0 * 0.375)).abs() < 1e-12, "{}", s.objective);
    // A quarter's delay of A costs 100 (S₁(1) − S₁(2)) = 25.
    let plan = annual(&m, 200);
    let delay = plan.reasons.iter().find(|r| r.id == "a_first").unwrap().delay_cost.unwrap();
    assert!((delay - 25.0).abs() < 1e-12, "{delay}");
    // An initiative's own ramp overrides the planning section's.
    let own = two("{ quarters: 2, horizon: 1, discount_rate: 0, ramp_up: 1 }").replace(
        "{ id: b_second, name: B, team: t, effort: 1,",
        "{ id: b_second, name: B, team: t, effort: 1, ramp_up: 0,",
    );
    let p = problem(&model(&own));
    assert_eq!(p.items.iter().map(|i| i.ramp_up).collect::<Vec<_>>(), vec![1, 0]);
    assert!((objective_of(&p, &[Some(0), Some(1)]) - (62.5 + 60.0 * 0.5)).abs() < 1e-12);
    // Discounted, against the definition summed term by term: a ramp of 3 over 12 quarters.
    let h = portfolio::problem::Horizon { quarters: 12, discount_rate: 0.035 };
    let d = 1.035_f64.powf(-0.25);
    for t in 0..=13 {
        let by_hand =
            (t..12).map(|k| d.powi(k as i32) * ((k - t + 1) as f64 / 4.0).min(1.0)).sum::<f64>()
                / (0..12).map(|k: i32| d.powi(k)).sum::<f64>();
        assert!((h.share_ramped(t, 3) - by_hand).abs() < 1e-12, "t = {t}");
        assert!((h.share_ramped(t, 0) - h.share(t)).abs() < 1e-12);
    }
}

/// One team of one person at 400k a year (100k a person-quarter), two one-quarter initiatives
/// of one person-quarter each, worth 100 and 90, costing 150k and 130k in all: 50k and 30k
/// besides the team's time.
fn staffed(planning: &str) -> String {
    format!(
        r#"
teams: [{{ id: t, name: T, capacity: 1, rate: 400k }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links: [{{ from: a, to: g, effect: 1, assumptions: [x], skip_reason: direct }}]
initiatives:
  - {{ id: x, name: X, team: t, effort: 1, cost: 150k, delivers: [{{ node: a, amount: 100 }}] }}
  - {{ id: y, name: Y, team: t, effort: 1, cost: 130k, delivers: [{{ node: a, amount: 90 }}] }}
value: {{ goals: {{ g: 1 }} }}
planning: {planning}
"#
    )
}

#[test]
fn staff_time_is_paid_by_capacity_and_hiring_buys_more_from_the_budget() {
    let m = model(&staffed("{ quarters: 1, horizon: 0, budget: 100k }"));
    let p = problem(&m);
    assert_eq!(
        p.items.iter().map(|i| (i.cost, i.staff)).collect::<Vec<_>>(),
        [(50e3, 100e3), (30e3, 100e3)]
    );
    // Without hiring the team does one of them; the budget pays only other spend.
    let plan = annual(&m, 200);
    assert_eq!(plan.solution.start, vec![Some(0), None]);
    assert_eq!(plan.solution.cost, 50e3);
    let st = &plan.staffing;
    assert_eq!((st.available, st.used, st.hired, st.share_used), (1.0, 1.0, 0.0, 1.0));
    assert_eq!((st.staff_cost, st.paid, st.idle_cost), (100e3, 100e3, 0.0));
    // With hiring, one more person-quarter costs 100k: both fit in 50k + 30k + 100k = 180k,
    // not in 179k.
    let m = model(&staffed("{ quarters: 1, horizon: 0, budget: 180k, hiring: true }"));
    let plan = annual(&m, 200);
    assert_eq!(plan.solution.start, vec![Some(0), Some(0)]);
    assert!((plan.solution.cost - 180e3).abs() < 1e-6);
    assert!((plan.staffing.hired - 1.0).abs() < 1e-9);
    let m = model(&staffed("{ quarters: 1, horizon: 0, budget: 179k, hiring: true }"));
    assert_eq!(annual(&m, 200).solution.start, vec![Some(0), None]);
    // Two quarters without hiring: both are done, one a quarter after the other, and no
    // person-quarter is idle; over four quarters half of them are, at the team's rate.
    let m = model(&staffed("{ quarters: 2, horizon: 0 }"));
    let plan = annual(&m, 200);
    assert_eq!(plan.staffing.share_used, 1.0);
    let m = model(&staffed("{ quarters: 4, horizon: 0 }"));
    let st = annual(&m, 200).staffing;
    assert_eq!((st.available, st.used, st.idle, st.share_used), (4.0, 2.0, 2.0, 0.5));
    assert_eq!(st.idle_cost, 200e3);
}

/// A goal fed by one initiative whose delivered amount is `amount`, through a link of effect 2,
/// with key results on the goal and on the output.
fn targets(amount: &str, indicators: &str) -> String {
    format!(
        r#"
teams: [{{ id: t, name: T, capacity: 1 }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links: [{{ from: a, to: g, effect: 2, assumptions: [x], skip_reason: direct }}]
initiatives:
  - {{ id: i, name: I, team: t, effort: 1, delivers: [{{ node: a, amount: "{amount}" }}] }}
value: {{ goals: {{ g: 1 }} }}
planning: {{ quarters: 1 }}
indicators:
{indicators}
"#
    )
}

fn kr<'a>(plan: &'a AnnualPlan, id: &str) -> &'a portfolio::KeyResult {
    plan.objectives.iter().flat_map(|o| &o.key_results).find(|k| k.indicator == id).unwrap()
}

#[test]
fn the_probability_of_reaching_a_target_agrees_with_the_normal_distribution() {
    // The goal changes by 2A with A ~ normal(100, 20): from 1000, reaching 1180 needs A ≥ 90,
    // P = Φ(0.5); the output reaching 150 from 0 needs A ≥ 150, P = 1 − Φ(2.5).
    let m = model(&targets(
        "normal(100, 20)",
        r#"  - { id: on_goal, name: On the goal, measures: g, baseline: { value: 1000, date: 2025 }, target: { value: 1180, date: 2026 } }
  - { id: on_output, name: On the output, measures: a, baseline: { value: 0, date: 2025 }, target: { value: 150, date: 2026 } }"#,
    ));
    let n = 20_000;
    let plan = annual(&m, n);
    for (id, truth, change, gap) in [
        ("on_goal", 0.691_462_461_274_013_1, 200.0, 180.0),
        ("on_output", 0.006_209_665_325_776_132, 100.0, 150.0),
    ] {
        let k = kr(&plan, id);
        let (p, se) = (k.p_reached.unwrap(), k.p_reached_se.unwrap());
        assert!((se - (p * (1.0 - p) / n as f64).sqrt()).abs() < 1e-15, "{id}: the binomial SE");
        assert!((p - truth).abs() <= 4.0 * se, "{id}: {p} ± {se}, exact {truth}");
        assert!((k.expected_change - change).abs() < 1e-9, "{id}: {}", k.expected_change);
        assert_eq!(k.gap, Some(gap));
    }
}

#[test]
fn a_point_mass_reaches_a_target_surely_or_never() {
    // The goal changes by exactly 200 from 1000.
    let m = model(&targets(
        "100",
        r#"  - { id: exactly, name: Exactly, measures: g, baseline: { value: 1000, date: 2025 }, target: { value: 1200, date: 2026 } }
  - { id: above, name: Above, measures: g, baseline: { value: 1000, date: 2025 }, target: { value: 1200.5, date: 2026 } }
  - { id: lower, name: Lower, measures: g, direction: decrease, baseline: { value: 1000, date: 2025 }, target: { value: 900, date: 2026 } }
  - { id: no_baseline, name: No baseline, measures: g, target: { value: 1100, date: 2026 } }"#,
    ));
    let plan = annual(&m, 1_000);
    for (id, p) in [("exactly", 1.0), ("above", 0.0), ("lower", 0.0)] {
        let k = kr(&plan, id);
        assert_eq!((k.p_reached, k.p_reached_se), (Some(p), Some(0.0)), "{id}");
    }
    let k = kr(&plan, "no_baseline");
    assert_eq!((k.p_reached, k.gap), (None, None));
    assert_eq!(k.expected_change, 200.0);
}

/// `build` is worth θ ~ normal(μ, 1) (amount 1, effect θ, weight 1) and costs nothing; `study`
/// measures θ with standard error `se` and delivers nothing else. Time does not matter
/// (`horizon: 0`), so the study's value is its EVSI alone.
fn research(mu: f64, se: f64) -> String {
    format!(
        r#"
teams: [{{ id: t, name: T, capacity: 2 }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links:
  - {{ from: a, to: g, effect: "normal({mu}, 1)", skip_reason: direct, assumptions: [{{ id: a_counts, text: Each A counts }}] }}
initiatives:
  - {{ id: build, name: Build, team: t, effort: 1, delivers: [{{ node: a, amount: 1 }}] }}
  - {{ id: study, name: Study, team: t, effort: 1, inform: [{{ assumption: a_counts, se: {se} }}] }}
value: {{ goals: {{ g: 1 }} }}
planning: {{ quarters: 4, horizon: 0 }}
"#
    )
}

#[test]
fn research_is_worth_the_closed_form_evsi_and_the_plan_says_what_it_would_teach() {
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};
    let z = Normal::standard();
    // θ ~ N(μ, σ0²), X = θ + ε with ε ~ N(0, se²): the posterior mean has sd
    // σp = σ0² / √(σ0² + se²), and EVSI = σp φ(μ/σp) + μ Φ(μ/σp) − max(μ, 0).
    let (mu, s0, se) = (0.2, 1.0, 0.5);
    let m = model(&research(mu, se));
    let samples = 20_000;
    let (plan, sim) = simulated(&m, samples);
    let p =
        Problem::from_model(&m, &ModelGraph::build(&m), &plan, &sim, &WhatIf::default()).unwrap();
    let study = &p.items[1];
    let l = study.learning.as_ref().unwrap();
    let sp = s0 * s0 / (s0 * s0 + se * se).sqrt();
    let truth = sp * z.pdf(mu / sp) + mu * z.cdf(mu / sp) - mu.max(0.0);
    // Within four of its Monte Carlo standard errors.
    let tolerance = 4.0 * l.se;
    assert!((study.value - truth).abs() < tolerance, "{} vs {truth} ± {tolerance}", study.value);
    assert_eq!(study.value, l.evsi);
    assert_eq!(l.measures, vec![("a → g".to_string(), se)]);
    assert_eq!(l.changes[0].0, "build");
    // About P(E[θ|X] < 0) = Φ(−μ/σp) of the results would stop `build`.
    let flip = z.cdf(-mu / sp);
    assert!((l.changes[0].1 - flip).abs() < 0.02, "{} vs {flip}", l.changes[0].1);

    // The plan takes the research (it fits and is worth something) and says why.
    let a = annual(&m, samples);
    let reason = a.reasons.iter().find(|r| r.id == "study").unwrap();
    assert!(reason.selected, "{}", reason.text);
    assert!(reason.text.contains("research worth"), "{}", reason.text);
    assert!(reason.text.contains("`a → g`"), "{}", reason.text);
    assert!(reason.text.contains("decision on `build`"), "{}", reason.text);

    // Research whose result could not change any decision is worth nothing and left out.
    let m = model(&research(8.0, se));
    let a = annual(&m, 2_000);
    let reason = a.reasons.iter().find(|r| r.id == "study").unwrap();
    assert!(!reason.selected && reason.kind == "no_value", "{}", reason.text);
    assert!(reason.text.contains("no result could change a decision"), "{}", reason.text);
}

/// The structure's key results (`planning.buckets`): a target written as a change from the
/// baseline is `baseline × (1 + change)`, and is judged exactly as that absolute target is.
#[test]
fn a_relative_target_converts_from_the_baseline_and_is_judged_as_the_absolute_one() {
    // The goal changes by 2A, A ~ normal(100, 20). From the indicator's baseline 1000, +18% is
    // 1180: P = Φ(0.5), as for the indicator's own absolute target of 1180. From the key
    // result's own baseline 500, +40% is 700: reaching it needs A ≥ 100, P = 1/2.
    let yaml = targets(
        "normal(100, 20)",
        r#"  - { id: on_goal, name: On the goal, measures: g, baseline: { value: 1000, date: 2025 }, target: { value: 1180, date: 2026 } }"#,
    )
    .replace("planning: { quarters: 1 }", "")
    .replace("delivers:", "hypotheses: [O1.2.1], delivers:")
        + r#"
planning:
  quarters: 1
  start: 2027Q1
  buckets:
    - id: B
      name: Bucket
      goal: g
      objectives:
        - id: O1
          name: Objective
          key_results:
            - { id: O1.1, indicator: on_goal, target_change: 18% }
            - id: O1.2
              indicator: on_goal
              baseline: 500
              target_change: 40%
              scope: every wiki
              hypotheses:
                - { id: O1.2.1, name: H, quarter: 2027Q1, owner: T }
"#;
    let m = model(&yaml);
    let n = 20_000;
    let plan = annual(&m, n);
    assert_eq!(plan.structure.len(), 1);
    let g = &plan.structure[0];
    assert_eq!((g.goal.as_deref(), g.expected_change), (Some("g"), Some(200.0)));
    let o = &g.buckets[0].objectives[0];
    let (rel, own) = (&o.key_results[0], &o.key_results[1]);
    assert_eq!(rel.result.target_value, Some(1000.0 * 1.18));
    assert_eq!(rel.result.gap, Some(1000.0 * 1.18 - 1000.0));
    // The same samples, the same target: the same probability as the indicator's own.
    assert_eq!(rel.result.p_reached, kr(&plan, "on_goal").p_reached);
    let (p, se) = (rel.result.p_reached.unwrap(), rel.result.p_reached_se.unwrap());
    assert!((p - 0.691_462_461_274_013_1).abs() <= 4.0 * se, "{p} ± {se}");
    assert_eq!((own.result.baseline_value, own.result.target_value), (Some(500.0), Some(700.0)));
    let (p, se) = (own.result.p_reached.unwrap(), own.result.p_reached_se.unwrap());
    assert!((p - 0.5).abs() <= 4.0 * se, "{p} ± {se}");
    assert_eq!(own.scope.as_deref(), Some("every wiki"));
    assert_eq!(own.result.target.as_deref(), Some("700 (+40% from the baseline)"));
    // The hypothesis and the initiative in the plan that carries it.
    let h = &own.hypotheses[0];
    assert_eq!(
        (h.id.as_str(), h.quarter.as_str(), h.initiatives.clone()),
        ("O1.2.1", "2027Q1", vec!["i".to_string()])
    );
    assert_eq!(own.initiatives, vec!["i".to_string()]);
}

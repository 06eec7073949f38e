//! The solver against exhaustive search, infeasibility diagnosis, CVaR, and the example's plan.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use portfolio::solve::{Outcome, cvar, objective_of, solve, solve_plain};
use portfolio::{Options, Problem, Solver};
use proptest::prelude::*;
use synthetic::brute;
use synthetic::portfolio::{Spec, problem};

fn small(seed: u64, items: usize, quarters: usize, teams: usize, scenarios: usize) -> Spec {
    Spec { scenarios, ..Spec::small(items, quarters, teams, seed) }
}

/// Value in time, staff costs and hiring, as the property tests draw them.
#[derive(Clone, Copy, Debug)]
struct Time {
    /// `(quarters, annual rate)` of the horizon; `None`: value independent of time.
    horizon: Option<(usize, f64)>,
    /// Items ramp up over 0 to this many quarters.
    ramp_max: usize,
    rates: bool,
    hiring: bool,
}

fn timed(spec: Spec, t: Time) -> Spec {
    Spec { horizon: t.horizon, ramp_max: t.ramp_max, rates: t.rates, hiring: t.hiring, ..spec }
}

fn time() -> impl Strategy<Value = Time> {
    (prop::option::of((1usize..=16, 0.0f64..0.2)), 0usize..=3, any::<bool>(), any::<bool>())
        .prop_map(|(horizon, ramp_max, rates, hiring)| Time { horizon, ramp_max, rates, hiring })
}

/// Largest item count whose schedules (`(quarters + 1)^n`) stay enumerable in a debug test.
fn max_items(quarters: usize) -> usize {
    match quarters {
        1 => 16,
        2 => 10,
        3 => 8,
        _ => 7,
    }
}

/// Every solver this build has (microlp; HiGHS too with `--features highs`) against brute force.
fn agree(p: &Problem) -> Result<(), TestCaseError> {
    for solver in Solver::available() {
        agree_with(p, &Options { solver, ..Options::default() })?;
    }
    Ok(())
}

fn agree_with(p: &Problem, opts: &Options) -> Result<(), TestCaseError> {
    let s = solve(p, opts);
    // The two stages answer exactly where they apply (held to brute force below either way).
    prop_assert_eq!(s.stages.is_some(), portfolio::twostage::applies(p, opts));
    match brute::best(p) {
        None => prop_assert!(
            matches!(s.outcome, Outcome::Infeasible { .. }),
            "brute force finds no plan but {} says {:?}",
            opts.solver.name(),
            s.outcome
        ),
        Some((best, _)) => {
            prop_assert_eq!(&s.outcome, &Outcome::Optimal, "{}", opts.solver.name());
            prop_assert!(
                brute::feasible(p, &s.start),
                "{}'s plan breaks a rule",
                opts.solver.name()
            );
            let tol = 1e-6 * best.abs().max(1.0);
            prop_assert!(
                (s.objective - best).abs() <= tol,
                "{} {} vs brute force {}",
                opts.solver.name(),
                s.objective,
                best
            );
            prop_assert!((objective_of(p, &s.start) - s.objective).abs() <= tol);
            // The spend the solution reports is what its schedule spends (hiring included).
            prop_assert!((s.cost - p.spend(&s.start)).abs() <= 1e-6 * s.cost.abs().max(1.0));
            // Work starts as early as the rules allow: no single item can move a quarter
            // earlier without hiring more or lowering the objective (with value in time, an
            // item of negative value may stay late).
            let hired = brute::hired(p, &s.start);
            let here = objective_of(p, &s.start);
            for i in 0..p.items.len() {
                if let Some(q) = s.start[i].filter(|&q| q > 0) {
                    let mut earlier = s.start.clone();
                    earlier[i] = Some(q - 1);
                    prop_assert!(
                        !(brute::feasible(p, &earlier)
                            && brute::hired(p, &earlier) <= hired + 1e-9
                            && objective_of(p, &earlier) >= here - 1e-9 * here.abs().max(1.0)),
                        "`{}` could start in quarter {}",
                        p.items[i].id,
                        q - 1
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_equals_the_brute_force_optimum(
        seed in 0u64..1_000_000,
        quarters in 1usize..=4,
        teams in 1usize..=3,
        frac in 0.3f64..=1.0,
        keep_covers in any::<bool>(),
        keep_shares in any::<bool>(),
        budget in prop::option::of(0.2f64..0.9),
        t in time(),
    ) {
        let n = ((max_items(quarters) as f64 * frac).round() as usize).max(1);
        let mut p = problem(&timed(small(seed, n, quarters, teams, 0), t));
        if !keep_covers { p.covers.clear(); }
        if !keep_shares { p.shares.clear(); }
        p.budget = budget.map(|b| (p.items.iter().map(|i| i.cost).sum::<f64>() * b).round());
        agree(&p)?;
    }

    #[test]
    fn the_risk_averse_plan_equals_the_brute_force_optimum(
        seed in 0u64..1_000_000,
        n in 1usize..=8,
        quarters in 1usize..=2,
        t in time(),
    ) {
        let n = n.min(max_items(quarters));
        let mut p = problem(&timed(small(seed, n, quarters, 2, 15), t));
        p.covers.clear();
        agree(&p)?;
    }
}

#[test]
fn twenty_initiatives_in_one_quarter_match_brute_force() {
    // 2^20 schedules, every constraint kind.
    let p = problem(&small(11, 20, 1, 3, 0));
    let s = solve(&p, &Options::default());
    let (best, _) = brute::best(&p).expect("feasible");
    assert_eq!(s.outcome, Outcome::Optimal);
    assert!((s.objective - best).abs() < 1e-6 * best.abs().max(1.0), "{} vs {best}", s.objective);
}

#[test]
fn a_knapsack_with_a_known_answer() {
    // Values 60, 100, 120; costs 10, 20, 30; budget 50: the optimum takes the last two (220).
    let mut p = problem(&small(1, 3, 1, 1, 0));
    for (it, (v, c)) in p.items.iter_mut().zip([(60.0, 10.0), (100.0, 20.0), (120.0, 30.0)]) {
        it.value = v;
        it.cost = c;
        it.effort = 0.0;
        it.must = false;
        it.depends_on.clear();
        it.excludes.clear();
    }
    p.shares.clear();
    p.covers.clear();
    p.budget = Some(50.0);
    let s = solve(&p, &Options::default());
    assert_eq!(s.outcome, Outcome::Optimal);
    assert_eq!(s.objective, 220.0);
    assert_eq!(s.start, vec![None, Some(0), Some(0)]);
}

#[test]
fn an_infeasible_plan_names_the_rules_that_conflict() {
    let mut p = problem(&small(3, 6, 1, 1, 0));
    p.shares.clear();
    p.covers.clear();
    for it in &mut p.items {
        it.must = false;
        it.depends_on.clear();
        it.excludes.clear();
        it.effort = 0.0;
    }
    // Two must-do items that together cost more than the budget.
    p.items[1].must = true;
    p.items[4].must = true;
    p.budget = Some(p.items[1].cost + p.items[4].cost - 1.0);
    let s = solve(&p, &Options::default());
    let Outcome::Infeasible { conflicts } = &s.outcome else { panic!("{:?}", s.outcome) };
    assert_eq!(conflicts.len(), 3, "{conflicts:?}");
    assert!(conflicts.iter().any(|c| c.contains("budget")));
    assert!(conflicts.iter().any(|c| c.contains("`i1` must be in")));
    assert!(conflicts.iter().any(|c| c.contains("`i4` must be in")));
}

#[test]
fn cvar_is_the_mean_of_the_worst_share() {
    let v: Vec<f64> = (1..=10).map(f64::from).collect();
    assert!((cvar(&v, 0.2) - 1.5).abs() < 1e-12);
    assert!((cvar(&v, 1.0) - 5.5).abs() < 1e-12);
    // A fractional boundary: the worst 25% of 10 is 2.5 scenarios: (1 + 2 + 0.5 · 3) / 2.5.
    assert!((cvar(&v, 0.25) - 4.5 / 2.5).abs() < 1e-12);
}

#[test]
fn the_generated_cases_exercise_every_rule_and_the_solver_agrees_on_all() {
    // A deterministic sweep: the property tests above are only as good as the cases they draw.
    let (mut feasible, mut infeasible, mut multi_quarter, mut binding_deps, mut partial) =
        (0, 0, 0, 0, 0);
    let (mut hired, mut late, mut staffed) = (0, 0, 0);
    // Answered by the Lagrangian's choice and bound (`portfolio::twostage`, no solver for the
    // first stage), and with a Lagrangian bound at all.
    let (mut guessed, mut bounded) = (0, 0);
    for seed in 0..120u64 {
        let quarters = 1 + (seed % 4) as usize;
        // Half the sweep with value in time (a third of it with ramps of up to 2 quarters), a
        // third with staff rates, a sixth with hiring.
        let t = Time {
            horizon: (seed % 2 == 1).then_some((2 + (seed % 11) as usize, 0.05)),
            ramp_max: if seed % 6 == 5 { 2 } else { 0 },
            rates: seed % 3 == 1,
            hiring: seed % 6 == 1,
        };
        let mut p = problem(&timed(
            small(seed, max_items(quarters), quarters, 1 + (seed % 3) as usize, 0),
            t,
        ));
        if seed % 3 == 0 {
            p.covers.clear();
        }
        agree(&p).unwrap();
        let s = solve(&p, &Options::default());
        if let Some(st) = &s.stages {
            guessed += usize::from(st.guessed);
            bounded += usize::from(st.lagrange_bound.is_some());
        }
        if s.has_plan() {
            feasible += 1;
            let chosen = s.start.iter().filter(|x| x.is_some()).count();
            if chosen > 0 && chosen < p.items.len() {
                partial += 1;
            }
            if p.items.iter().zip(&s.start).any(|(it, x)| x.is_some() && it.duration > 1) {
                multi_quarter += 1;
            }
            if p.items.iter().zip(&s.start).any(|(it, x)| x.is_some() && !it.depends_on.is_empty())
            {
                binding_deps += 1;
            }
            if s.hired > 0.0 {
                hired += 1;
            }
            // Value in time bites: some work in the plan ships after the first quarter.
            if p.horizon.is_some() && s.start.iter().flatten().any(|&q| q > 0) {
                late += 1;
            }
            if p.items.iter().zip(&s.start).any(|(it, x)| x.is_some() && it.staff > 0.0) {
                staffed += 1;
            }
        } else {
            infeasible += 1;
        }
    }
    assert!(feasible >= 60, "feasible {feasible}");
    assert!(infeasible >= 5, "infeasible {infeasible}");
    assert!(partial >= 40, "plans that leave something out: {partial}");
    assert!(multi_quarter >= 5, "plans with multi-quarter work: {multi_quarter}");
    assert!(binding_deps >= 20, "plans with a dependant in: {binding_deps}");
    assert!(hired >= 3, "plans that hire beyond capacity: {hired}");
    assert!(late >= 10, "plans with value in time and work after the first quarter: {late}");
    assert!(staffed >= 10, "plans with staff time at a rate: {staffed}");
    assert!(guessed >= 5, "plans the Lagrangian's choice and bound answered: {guessed}");
    assert!(bounded >= 10, "two-stage solves with a Lagrangian bound: {bounded}");
}

#[test]
fn marginal_values_and_the_frontier_have_known_answers() {
    // Three one-quarter items of effort 1 in one team of capacity 1: only the best (120) fits.
    // One more FTE fits the two best (220): +100. 10% more budget buys nothing when the budget
    // does not bind.
    let mut p = problem(&small(1, 3, 1, 1, 0));
    p.teams[0].capacity = vec![1.0];
    for (it, (v, c)) in p.items.iter_mut().zip([(60.0, 10.0), (100.0, 20.0), (120.0, 30.0)]) {
        it.value = v;
        it.cost = c;
        it.effort = 1.0;
        it.duration = 1;
        it.team = Some(0);
        it.must = false;
        it.depends_on.clear();
        it.excludes.clear();
    }
    p.shares.clear();
    p.covers.clear();
    p.budget = Some(1000.0);
    let opts = Options::default();
    let s = solve(&p, &opts);
    assert_eq!(s.objective, 120.0);
    let m = portfolio::explain::marginals(&p, &s, &opts);
    let team = m.iter().find(|x| x.resource.contains("team")).unwrap();
    assert!((team.gain - 100.0).abs() < 1e-9, "{m:?}");
    let budget = m.iter().find(|x| x.resource == "budget").unwrap();
    assert!(budget.gain.abs() < 1e-9, "{m:?}");
    // Frontier at budgets 0, 15, 30, 45, 60 (total cost 60, capacity 1 item): 0, 60, 120, 120, 120.
    let f = portfolio::explain::frontier(&p, 4, &opts, None);
    let values: Vec<f64> = f.iter().map(|x| x.objective.unwrap()).collect();
    assert_eq!(values, vec![0.0, 60.0, 120.0, 120.0, 120.0]);
}

/// Items by hand for one team of `capacity` FTE over `quarters` quarters: `(value, effort)`
/// each, one quarter long unless the effort exceeds the capacity; no budget, no other rule.
fn by_hand(quarters: usize, capacity: f64, items: &[(f64, f64)]) -> Problem {
    let mut p = problem(&small(1, items.len(), quarters, 1, 0));
    p.teams[0].capacity = vec![capacity; quarters];
    for (it, &(value, effort)) in p.items.iter_mut().zip(items) {
        it.value = value;
        it.cost = 0.0;
        it.effort = effort;
        it.duration = ((effort / capacity) - 1e-9).ceil().max(1.0) as usize;
        it.team = Some(0);
        it.must = false;
        it.depends_on.clear();
        it.excludes.clear();
    }
    p.shares.clear();
    p.covers.clear();
    p.budget = None;
    p
}

/// The two stages against exhaustive search and the plain program, on a problem whose first
/// choice fits the year's capacity but no schedule: returns how the two stages went.
fn two_stages_agree(p: &Problem, best: f64) -> portfolio::twostage::Stages {
    let (brute, _) = brute::best(p).unwrap();
    assert!((brute - best).abs() < 1e-9, "brute force {brute}, expected {best}");
    for solver in Solver::available() {
        let opts = Options { solver, ..Options::default() };
        let s = solve(p, &opts);
        assert_eq!(s.outcome, Outcome::Optimal, "{solver}");
        assert!((s.objective - best).abs() < 1e-6, "{solver}: {} against {best}", s.objective);
        assert!(brute::feasible(p, &s.start), "{solver}: the plan breaks a rule");
        let plain = solve_plain(p, &opts);
        assert!(plain.stages.is_none());
        assert!((plain.objective - best).abs() < 1e-6, "{solver}: plain {}", plain.objective);
    }
    solve(p, &Options::default()).stages.expect("answered in two stages")
}

#[test]
fn a_choice_that_fits_the_year_but_no_quarter_is_refined_away() {
    // Capacity 5 in each of 2 quarters (10 a year); efforts 3, 3, 1.5, 1.5, 1 sum to 10, but no
    // two quarters hold them (a 3 goes with at most 1.5 + ... : 3 + 1.5 = 4.5, and the 1 fits
    // beside neither pair). The year's capacity takes all five (33.5); the best schedule drops
    // the 1 (30: 3 + 1.5 in each quarter).
    let p = by_hand(2, 5.0, &[(10.0, 3.0), (10.0, 3.0), (5.0, 1.5), (5.0, 1.5), (3.5, 1.0)]);
    let stages = two_stages_agree(&p, 30.0);
    assert!(stages.rounds >= 2, "{stages:?}");
    assert_eq!(stages.refined, 1, "{stages:?}");
    assert!(!stages.fell_back, "{stages:?}");
}

#[test]
fn a_choice_no_schedule_fits_is_cut_when_quarters_cannot_be_refined() {
    // The same, with a two-quarter item of little value in the team (so its quarters are not
    // interchangeable in the first stage): the choice is cut instead, lifted with the 3.5.
    let p = by_hand(
        2,
        5.0,
        &[(10.0, 3.0), (10.0, 3.0), (5.0, 1.5), (5.0, 1.5), (3.5, 1.0), (0.5, 3.5), (0.1, 10.0)],
    );
    assert_eq!(p.items[6].duration, 2);
    let stages = two_stages_agree(&p, 30.0);
    assert!(stages.cuts >= 1 && stages.refined == 0, "{stages:?}");
    assert!(!stages.fell_back, "{stages:?}");
}

#[test]
fn dependencies_between_teams_that_no_renumbering_meets_are_cut() {
    // Teams X and Y of one FTE, two quarters, a lag of one quarter: b needs a, d needs c (a, c in
    // X; b, d in Y). Each team's pair fits its two quarters, but a and c cannot both be in the
    // first. The best plan drops d (29).
    let mut p = by_hand(2, 1.0, &[(10.0, 1.0), (10.0, 1.0), (9.0, 1.0), (9.0, 1.0)]);
    p.teams.push(p.teams[0].clone());
    p.teams[1].id = "y".into();
    p.lag = 1;
    p.items[1].team = Some(1);
    p.items[3].team = Some(1);
    p.items[1].depends_on = vec![0];
    p.items[3].depends_on = vec![2];
    let stages = two_stages_agree(&p, 29.0);
    assert_eq!((stages.cuts, stages.refined), (1, 0), "{stages:?}");
}

#[test]
fn the_plain_program_answers_where_two_stages_do_not_apply() {
    let mut p = problem(&small(5, 6, 3, 2, 0));
    assert!(portfolio::twostage::applies(&p, &Options::default()));
    // Value in time: the quarter matters.
    p.horizon = Some(portfolio::problem::Horizon { quarters: 8, discount_rate: 0.05 });
    assert!(solve(&p, &Options::default()).stages.is_none());
    // Hiring: the spend depends on the schedule.
    let mut q = problem(&Spec { rates: true, hiring: true, ..small(5, 6, 3, 2, 0) });
    assert!((0..q.teams.len()).any(|t| q.can_hire(t)));
    assert!(solve(&q, &Options::default()).stages.is_none());
    // A node limit (the what-ifs behind explanations): byte-stable answers.
    q.hiring = false;
    let limited = Options { node_limit: Some(100), ..Options::default() };
    assert!(solve(&q, &limited).stages.is_none());
    assert!(solve(&q, &Options::default()).stages.is_some());
}

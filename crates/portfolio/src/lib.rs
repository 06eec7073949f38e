//! The annual plan: which initiatives to fund and when, chosen exactly by an integer program.
//!
//! Model + simulation → [`Problem`] (values, costs, efforts, capacities, rules) → a MILP solver
//! ([`solve`]: COIN-OR CBC by default; microlp, or HiGHS with the `highs` feature) →
//! [`Solution`] → explanations, marginal values and the frontier ([`explain`]) → [`AnnualPlan`],
//! with the key results the plan is accountable for.
//!
//! The exhaustive reference the solvers are tested against, and generated problems for tests
//! and benchmarks, are in the test-support crate `synthetic` (`synthetic::{brute, portfolio}`).
//!
//! The solver stays behind this crate: callers see problems, solutions and reasons, never a solver's
//! own types.

pub mod batch;
pub mod explain;
pub(crate) mod lagrange;
pub mod milp;
pub mod problem;
pub mod solve;
pub mod twostage;

use model::Model;
use model::display::num;
use model::display::pct;
use model::graph::ModelGraph;
use serde::Serialize;

pub use explain::{FrontierPoint, Marginal, More, Reason};
pub use milp::Solver;
pub use problem::{Problem, WhatIf, WhatIfError};
pub use solve::{Options, Outcome, Solution};

/// A key result: an indicator the plan moves, with its baseline and target, and how likely the
/// plan is to reach the target.
#[derive(Clone, Debug, Serialize)]
pub struct KeyResult {
    /// Indicator id.
    pub indicator: String,
    /// Indicator name.
    pub name: String,
    /// Baseline, as written.
    pub baseline: Option<String>,
    /// Target, as written.
    pub target: Option<String>,
    /// `increase` or `decrease`: which way is better.
    pub direction: model::Polarity,
    /// The plan's expected change in the node the indicator measures, once its work has
    /// shipped (exact expectation).
    pub expected_change: f64,
    /// The change the target asks for: target − baseline (`None` without a baseline).
    pub gap: Option<f64>,
    /// P(target reached | plan): the share of the simulation's samples in which baseline + the
    /// plan's change reaches the target (`None` without a baseline).
    pub p_reached: Option<f64>,
    /// Monte Carlo standard error of `p_reached`, `√(p (1 − p) / n)`.
    pub p_reached_se: Option<f64>,
    /// The samples `p_reached` counts (`n`).
    pub samples: usize,
    /// The baseline's value (`None` without a baseline).
    pub baseline_value: Option<f64>,
    /// The target's absolute value (a relative target converted from the baseline).
    pub target_value: Option<f64>,
}

impl KeyResult {
    /// The plan against the target, in a sentence: the plan's expected change, the gap, the
    /// share of the gap the change covers, and P(target reached | plan) with its standard error
    /// (or, at 0 or 1, where the standard error is 0, how many samples that is).
    pub fn against_target(&self) -> String {
        let pct = |x: f64| format!("{}%", (x * 1000.0).round() / 10.0);
        let sign = |x: f64| if x > 0.0 { "+" } else { "" };
        let change =
            format!("the plan: {}{}", sign(self.expected_change), num(self.expected_change));
        match (self.gap, self.p_reached, self.p_reached_se) {
            (Some(gap), Some(p), Some(se)) => {
                let covers = if gap != 0.0 {
                    format!(" ({} of it)", pct(self.expected_change / gap))
                } else {
                    String::new()
                };
                let p = self.p_text(p, se);
                format!(
                    "{change} against a gap of {}{}{covers}; P(target reached | plan) = {p}",
                    sign(gap),
                    num(gap)
                )
            }
            _ => format!("{change}; no baseline, so no gap or probability"),
        }
    }

    /// P(target reached | plan) in words: `31.2% ± 0.5%`, or at 0 and 1 (where the standard
    /// error is 0) how many samples that is; `None` without a baseline or target.
    pub fn p_reached_text(&self) -> Option<String> {
        Some(self.p_text(self.p_reached?, self.p_reached_se?))
    }

    fn p_text(&self, p: f64, se: f64) -> String {
        let pct = |x: f64| format!("{}%", (x * 1000.0).round() / 10.0);
        if p == 0.0 {
            format!("0 (no sample of {} reaches it)", self.samples)
        } else if p == 1.0 {
            format!("1 (every sample of {} reaches it)", self.samples)
        } else {
            format!("{} ± {}", pct(p), pct(se))
        }
    }
}

/// How one team's paid capacity is used over the plan.
#[derive(Clone, Debug, Serialize)]
pub struct TeamUse {
    /// Team id.
    pub team: String,
    /// Person-quarters the team has over the plan (capacity × quarters).
    pub available: f64,
    /// Person-quarters of it the plan's work uses.
    pub used: f64,
    /// Person-quarters paid but not used by the plan.
    pub idle: f64,
    /// Person-quarters taken on beyond capacity (with hiring).
    pub hired: f64,
    /// Loaded cost of an FTE-year, when the model gives one.
    pub rate: Option<f64>,
    /// What its capacity costs over the plan (available × rate / 4), with a rate.
    pub paid: Option<f64>,
    /// What its idle person-quarters cost, with a rate.
    pub idle_cost: Option<f64>,
}

/// People as the budget: the teams' capacity, what the plan uses of it, and what it costs.
#[derive(Clone, Debug, Serialize)]
pub struct Staffing {
    /// Per team, in model order.
    pub teams: Vec<TeamUse>,
    /// All teams' person-quarters over the plan.
    pub available: f64,
    /// Person-quarters the plan uses.
    pub used: f64,
    /// Person-quarters paid but not used.
    pub idle: f64,
    /// Share of all person-quarters used: `used / available` (0 without capacity).
    pub share_used: f64,
    /// Person-quarters hired beyond capacity.
    pub hired: f64,
    /// The selected work's staff time at its teams' rates (part of its cost, paid by capacity).
    pub staff_cost: f64,
    /// What the capacity of the teams with a rate costs over the plan, used or not.
    pub paid: f64,
    /// What their idle person-quarters cost.
    pub idle_cost: f64,
}

/// An objective: a goal the plan serves, with the change it expects and its key results.
#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    /// Goal id.
    pub goal: String,
    /// Goal name.
    pub name: String,
    /// Expected change in the goal from the selected initiatives (exact expectation).
    pub expected_change: f64,
    /// The goal's unit.
    pub unit: Option<String>,
    /// Indicators measuring the goal or a node the selected initiatives reach.
    pub key_results: Vec<KeyResult>,
    /// Selected initiatives that serve it.
    pub initiatives: Vec<String>,
}

/// The plan's structure as the organisation writes it (`planning.buckets`), against the plan:
/// one group per goal (in the order buckets first name them; buckets without a goal last),
/// each with its buckets → objectives → key results → hypotheses → initiatives.
#[derive(Clone, Debug, Serialize)]
pub struct GoalGroup {
    /// Goal id; `None` for buckets that name no goal.
    pub goal: Option<String>,
    /// Goal name.
    pub name: Option<String>,
    /// The plan's expected change in the goal (exact expectation), when it serves it.
    pub expected_change: Option<f64>,
    /// The goal's unit.
    pub unit: Option<String>,
    /// Its buckets, in written order.
    pub buckets: Vec<BucketPlan>,
}

/// A bucket of the structure (`WE`, Wiki Experiences).
#[derive(Clone, Debug, Serialize)]
pub struct BucketPlan {
    /// Its code.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its objectives.
    pub objectives: Vec<ObjectivePlan>,
}

/// An objective of the structure (`WE1`).
#[derive(Clone, Debug, Serialize)]
pub struct ObjectivePlan {
    /// Its code.
    pub id: String,
    /// Its title.
    pub name: String,
    /// Its key results against the plan.
    pub key_results: Vec<StructuredKeyResult>,
}

/// A key result of the structure (`WE1.1`) against the plan: the same figures as every key
/// result ([`KeyResult`]), with its code, scope and hypotheses.
#[derive(Clone, Debug, Serialize)]
pub struct StructuredKeyResult {
    /// Its code.
    pub id: String,
    /// Where it is measured.
    pub scope: Option<String>,
    /// The target as written relative to the baseline (`0.05` for +5%), when it was.
    pub target_change: Option<f64>,
    /// Baseline, target, the plan's expected change, gap and P(target reached | plan).
    pub result: KeyResult,
    /// Its hypotheses.
    pub hypotheses: Vec<HypothesisPlan>,
    /// Initiatives in the plan that carry one of its hypotheses.
    pub initiatives: Vec<String>,
}

/// A hypothesis of the structure (`WE1.1.3`) and the work that carries it.
#[derive(Clone, Debug, Serialize)]
pub struct HypothesisPlan {
    /// Its code.
    pub id: String,
    /// The hypothesis.
    pub name: String,
    /// Its quarter, e.g. `2027Q3`.
    pub quarter: String,
    /// Who answers for it.
    pub owner: Option<String>,
    /// How it is tested.
    pub test: Option<String>,
    /// What the test found.
    pub result: model::HypothesisResult,
    /// Initiatives in the plan that carry it.
    pub initiatives: Vec<String>,
    /// Initiatives that carry it but are not in the plan: without one in the plan, nothing
    /// tests it this year.
    pub left_out: Vec<String>,
}

impl AnnualPlan {
    /// The goal-derived objectives whose goal no bucket of the structure names: what the plan
    /// also moves, shown after the structure so no goal it serves goes unmentioned.
    pub fn objectives_outside_structure(&self) -> impl Iterator<Item = &Objective> {
        self.objectives
            .iter()
            .filter(|o| !self.structure.iter().any(|g| g.goal.as_deref() == Some(o.goal.as_str())))
    }
}

/// How a balance rule came out.
#[derive(Clone, Debug, Serialize)]
pub struct BalanceCheck {
    /// Rule name.
    pub name: String,
    /// Achieved share (for share rules) or the number of covering initiatives.
    pub achieved: f64,
    /// What the rule asks, in words.
    pub rule: String,
    /// What the rule asks, for a page that says it in its own language (`rule` is the English).
    #[serde(skip)]
    pub asks: Asks,
}

/// What a balance rule asks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Asks {
    /// A share of the plan's effort, cost or initiatives within bounds (shares of 1).
    Share {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
        /// What the share is of.
        of: model::ShareOf,
    },
    /// At least one initiative of a set.
    AtLeastOne,
}

/// An item of the schedule.
#[derive(Clone, Debug, Serialize)]
pub struct Scheduled {
    /// Initiative id.
    pub id: String,
    /// Team id.
    pub team: Option<String>,
    /// First quarter (0-based).
    pub start: usize,
    /// Quarters it runs.
    pub duration: usize,
    /// Its label, e.g. `2027Q1`, when the plan has a start quarter.
    pub label: String,
    /// Person-quarters per quarter.
    pub load: f64,
}

/// Everything `throughline plan` reports.
#[derive(Clone, Debug, Serialize)]
pub struct AnnualPlan {
    /// The instance solved.
    #[serde(skip)]
    pub problem: Problem,
    /// The solution.
    pub solution: Solution,
    /// Quarter labels.
    pub quarters: Vec<String>,
    /// Selected initiatives with their start quarter, by start then id order.
    pub schedule: Vec<Scheduled>,
    /// Why each initiative is in or out.
    pub reasons: Vec<Reason>,
    /// What more capacity or budget buys.
    pub marginals: Vec<Marginal>,
    /// Value against budget.
    pub frontier: Vec<FrontierPoint>,
    /// Balance rules as achieved.
    pub balance: Vec<BalanceCheck>,
    /// Objectives and key results.
    pub objectives: Vec<Objective>,
    /// The plan's structure (goal → bucket → objective → key result → hypotheses), when the
    /// model writes one in `planning.buckets`; empty otherwise.
    pub structure: Vec<GoalGroup>,
    /// Load per team and quarter: `load[t][q]` person-quarters, against `capacity[t][q]`.
    pub load: Vec<Vec<f64>>,
    /// How the plan's effort and value divide between audiences.
    pub audiences: Vec<AudienceShare>,
    /// Each team's used, idle and hired person-quarters, and what they cost.
    pub staffing: Staffing,
    /// How value depends on time, when it does: the horizon in years and the discount rate.
    pub horizon: Option<problem::Horizon>,
}

/// The part of the plan that serves one audience.
#[derive(Clone, Debug, Serialize)]
pub struct AudienceShare {
    /// Audience id.
    pub audience: String,
    /// Audience name.
    pub name: String,
    /// `end_users` or `organizing_community`.
    pub kind: model::AudienceKind,
    /// Share of the plan's effort spent on initiatives serving it (an initiative serving two
    /// audiences counts for both, so shares may add to more than 1).
    pub effort_share: f64,
    /// Initiatives in the plan serving it.
    pub initiatives: usize,
}

/// A what-if against the model's own settings.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Objective of the plan under the model's settings.
    pub base_objective: f64,
    /// Its cost.
    pub base_cost: f64,
    /// In the what-if plan but not the base one.
    pub added: Vec<String>,
    /// In the base plan but not the what-if one.
    pub removed: Vec<String>,
}

/// What to compute besides the plan itself.
#[derive(Clone, Copy, Debug)]
pub struct Extras {
    /// Reasons with the cost of forcing each left-out item in (a solve per item).
    pub force: bool,
    /// Marginal values of capacity and budget (a solve per team).
    pub marginals: bool,
    /// Frontier points (a solve each); 0 for none.
    pub frontier_points: usize,
}

impl Extras {
    /// Everything, sized for a model of `items` initiatives: per-item re-solves only up to 200.
    pub fn for_size(items: usize) -> Extras {
        Extras {
            force: items <= 200,
            marginals: items <= 2_000,
            frontier_points: if items <= 2_000 { 12 } else { 0 },
        }
    }
}

/// Branch-and-bound nodes each what-if solve behind an explanation may search before it answers
/// with the best plan found (within the remaining gap); the plan itself has no node limit.
pub const EXPLAIN_NODE_LIMIT: u64 = 2_000;

/// Plans a checked, simulated model.
pub fn annual_plan(
    model: &Model,
    graph: &ModelGraph<'_>,
    plan: &simulate::Plan,
    sim: &simulate::Simulation,
    what_if: &WhatIf,
    opts: &Options,
    extras: Extras,
) -> Result<AnnualPlan, WhatIfError> {
    let problem = Problem::from_model(model, graph, plan, sim, what_if)?;
    let solution = solve::solve(&problem, opts);
    let labels: Vec<String> = (0..problem.quarters)
        .map(|q| match model.planning.start {
            Some(s) => s.plus(q as u32).to_string(),
            None => format!("Q{}", q + 1),
        })
        .collect();
    let mut schedule: Vec<Scheduled> = (0..problem.items.len())
        .filter_map(|i| {
            let start = solution.start[i]?;
            let it = &problem.items[i];
            Some(Scheduled {
                id: it.id.clone(),
                team: it.team.map(|t| problem.teams[t].id.clone()),
                start,
                duration: it.duration,
                label: labels[start].clone(),
                load: it.load(),
            })
        })
        .collect();
    schedule.sort_by(|a, b| a.start.cmp(&b.start).then(a.team.cmp(&b.team)).then(a.id.cmp(&b.id)));
    // The what-if solves behind the explanations (forced items, one more engineer, the
    // frontier) are many; a few can be hard for CBC (a minute each on the example, where the
    // plan itself takes 0.1 s). Each stops after EXPLAIN_NODE_LIMIT nodes with its best plan:
    // a node limit, not a time limit, so every machine shows the same explanations.
    let what_if_opts = Options { node_limit: Some(EXPLAIN_NODE_LIMIT), what_if: true, ..*opts };
    let opts = &what_if_opts;
    let what_ifs = explain::what_ifs(&problem, &solution, opts, extras);
    let reasons = explain::reasons_from(&problem, &solution, &what_ifs);
    let marginals = explain::marginals_from(&problem, &solution, &what_ifs);
    let frontier = what_ifs.frontier;
    let load = problem.load(&solution.start);
    let staffing = staffing(&problem, &solution, &load);
    let balance = balance(&problem, &solution);
    let (objectives, structure) = objectives(model, graph, plan, sim, &solution);
    let audiences = audience_shares(model, graph, &problem, &solution);
    let horizon = problem.horizon;
    Ok(AnnualPlan {
        problem,
        solution,
        quarters: labels,
        schedule,
        reasons,
        marginals,
        frontier,
        balance,
        objectives,
        structure,
        load,
        audiences,
        staffing,
        horizon,
    })
}

fn staffing(p: &Problem, s: &Solution, load: &[Vec<f64>]) -> Staffing {
    let teams: Vec<TeamUse> = p
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let available: f64 = team.capacity.iter().sum();
            let used: f64 = load[t].iter().zip(&team.capacity).map(|(l, c)| l.min(*c)).sum();
            let hired: f64 =
                load[t].iter().zip(&team.capacity).map(|(l, c)| (l - c).max(0.0)).sum();
            let idle = (available - used).max(0.0);
            TeamUse {
                team: team.id.clone(),
                available,
                used,
                idle,
                hired,
                rate: team.rate,
                paid: team.rate.map(|_| available * team.price()),
                idle_cost: team.rate.map(|_| idle * team.price()),
            }
        })
        .collect();
    let available: f64 = teams.iter().map(|t| t.available).sum();
    let used: f64 = teams.iter().map(|t| t.used).sum();
    Staffing {
        available,
        used,
        idle: teams.iter().map(|t| t.idle).sum(),
        share_used: if available > 0.0 { used / available } else { 0.0 },
        hired: teams.iter().map(|t| t.hired).sum(),
        staff_cost: (0..p.items.len()).filter(|&i| s.selected(i)).map(|i| p.items[i].staff).sum(),
        paid: teams.iter().filter_map(|t| t.paid).sum(),
        idle_cost: teams.iter().filter_map(|t| t.idle_cost).sum(),
        teams,
    }
}

/// Compares a what-if plan with the plan under the model's own settings (solved here).
pub fn compare(
    model: &Model,
    graph: &ModelGraph<'_>,
    plan: &simulate::Plan,
    sim: &simulate::Simulation,
    what_if: &AnnualPlan,
    opts: &Options,
) -> Option<Comparison> {
    let base = Problem::from_model(model, graph, plan, sim, &WhatIf::default()).ok()?;
    let s = solve::solve(&base, opts);
    if !s.has_plan() {
        return None;
    }
    let ids = |sol: &Solution| -> Vec<String> {
        (0..base.items.len())
            .filter(|&i| sol.selected(i))
            .map(|i| base.items[i].id.clone())
            .collect()
    };
    let before = ids(&s);
    let after = ids(&what_if.solution);
    Some(Comparison {
        base_objective: s.objective,
        base_cost: s.cost,
        added: after.iter().filter(|x| !before.contains(x)).cloned().collect(),
        removed: before.iter().filter(|x| !after.contains(x)).cloned().collect(),
    })
}

fn audience_shares(
    model: &Model,
    graph: &ModelGraph<'_>,
    p: &Problem,
    s: &Solution,
) -> Vec<AudienceShare> {
    let total: f64 = (0..p.items.len()).filter(|&i| s.selected(i)).map(|i| p.items[i].effort).sum();
    model
        .audiences
        .iter()
        .map(|a| {
            let serving: Vec<usize> = (0..p.items.len())
                .filter(|&i| s.selected(i))
                .filter(|&i| {
                    model.initiatives[i].audiences.contains(&a.id)
                        || graph
                            .delivered_by(i)
                            .iter()
                            .any(|&n| model.nodes[n].audiences.contains(&a.id))
                })
                .collect();
            let effort: f64 = serving.iter().map(|&i| p.items[i].effort).sum();
            AudienceShare {
                audience: a.id.to_string(),
                name: a.name.clone(),
                kind: a.kind,
                effort_share: if total > 0.0 { effort / total } else { 0.0 },
                initiatives: serving.len(),
            }
        })
        .collect()
}

fn balance(p: &Problem, s: &Solution) -> Vec<BalanceCheck> {
    let n = p.items.len();
    let mut out = Vec::new();
    for r in &p.shares {
        let total: f64 = (0..n).filter(|&i| s.selected(i)).map(|i| r.weight(&p.items[i])).sum();
        let part: f64 =
            (0..n).filter(|&i| s.selected(i) && r.members[i]).map(|i| r.weight(&p.items[i])).sum();
        let of = match r.of {
            model::ShareOf::Effort => "effort",
            model::ShareOf::Cost => "cost",
            model::ShareOf::Count => "initiatives",
        };
        let rule = match (r.min, r.max) {
            (Some(a), Some(b)) => format!("{} to {} of {of}", pct(a), pct(b)),
            (Some(a), None) => format!("at least {} of {of}", pct(a)),
            (None, Some(b)) => format!("at most {} of {of}", pct(b)),
            (None, None) => String::new(),
        };
        out.push(BalanceCheck {
            name: r.name.clone(),
            achieved: if total > 0.0 { part / total } else { 0.0 },
            rule,
            asks: Asks::Share { min: r.min, max: r.max, of: r.of },
        });
    }
    for c in &p.covers {
        out.push(BalanceCheck {
            name: c.name.clone(),
            achieved: c.members.iter().filter(|&&i| s.selected(i)).count() as f64,
            rule: "at least one initiative".into(),
            asks: Asks::AtLeastOne,
        });
    }
    out
}

/// The paired samples of the plan's change in the nodes key results measure, and the exact
/// expected changes: what every key result, goal-derived or written, is computed from.
struct Changes<'a> {
    changes: Vec<f64>,
    measured: Vec<usize>,
    samples: Vec<Vec<f64>>,
    sim: &'a simulate::Simulation,
}

impl Changes<'_> {
    /// A key result of `ind` with the baseline and target in force (value and how it reads).
    fn key_result(
        &self,
        graph: &ModelGraph<'_>,
        ind: &model::Indicator,
        name: String,
        baseline: Option<(f64, String)>,
        target: Option<(f64, String)>,
    ) -> KeyResult {
        let n = graph.node(ind.measures.as_str());
        let xs = n.and_then(|n| self.measured.binary_search(&n).ok()).map(|k| &self.samples[k]);
        let base = baseline.as_ref().map(|b| b.0);
        let goal = target.as_ref().map(|t| t.0);
        let reached = match (base, goal, xs) {
            (Some(b), Some(t), Some(xs)) if !xs.is_empty() => {
                Some(p_reached(xs, b, t, ind.direction))
            }
            _ => None,
        };
        KeyResult {
            indicator: ind.id.to_string(),
            name,
            baseline: baseline.map(|b| b.1),
            target: target.map(|t| t.1),
            direction: ind.direction,
            expected_change: n.map_or(0.0, |n| self.changes[n]),
            gap: base.zip(goal).map(|(b, t)| t - b),
            p_reached: reached.map(|r| r.0),
            p_reached_se: reached.map(|r| r.1),
            samples: if reached.is_some() { self.sim.samples } else { 0 },
            baseline_value: base,
            target_value: goal,
        }
    }
}

/// "1.5G (2024-10-01)": a dated value as written.
fn dated(d: &model::DatedValue) -> (f64, String) {
    (d.value, format!("{} ({})", explain::num(d.value), d.date))
}

fn objectives(
    model: &Model,
    graph: &ModelGraph<'_>,
    plan: &simulate::Plan,
    sim: &simulate::Simulation,
    s: &Solution,
) -> (Vec<Objective>, Vec<GoalGroup>) {
    let chosen: Vec<usize> = (0..model.initiatives.len()).filter(|&i| s.selected(i)).collect();
    let contributions = plan.expected_contributions();
    let indicator = |id: &model::Id| model.indicators.iter().find(|i| &i.id == id);
    // Paired samples of the plan's change in every node a key result measures, drawn once.
    let measured: Vec<usize> = {
        let planned = model.planning.key_results().filter_map(|(_, _, k)| {
            let ind = indicator(&k.indicator)?;
            k.baseline_value(Some(ind))?;
            k.target_value(Some(ind))?;
            Some(ind)
        });
        let mut v: Vec<usize> = model
            .indicators
            .iter()
            .filter(|ind| ind.target.is_some() && ind.baseline.is_some())
            .chain(planned)
            .filter_map(|ind| graph.node(ind.measures.as_str()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let settings = simulate::Settings { samples: sim.samples, seed: sim.seed };
    let cx = Changes {
        changes: plan.expected_changes(&chosen),
        samples: simulate::node_changes(plan, &settings, &chosen, &measured),
        measured,
        sim,
    };
    let reach = graph.reachable_from(
        &chosen.iter().flat_map(|&i| graph.delivered_by(i).iter().copied()).collect::<Vec<_>>(),
    );
    let mut out = Vec::new();
    for (slot, &g) in plan.goals.iter().enumerate() {
        let serving: Vec<usize> =
            chosen.iter().copied().filter(|&i| contributions[i][slot] > 0.0).collect();
        if serving.is_empty() {
            continue;
        }
        // Key results: indicators of the goal, and of nodes the plan reaches that lead to it.
        let leads_to_goal = graph.reaching(&[g]);
        let key_results = model
            .indicators
            .iter()
            .filter(|ind| {
                graph
                    .node(ind.measures.as_str())
                    .is_some_and(|n| n == g || (reach[n] && leads_to_goal[n]))
            })
            .filter(|ind| ind.target.is_some())
            .map(|ind| {
                cx.key_result(
                    graph,
                    ind,
                    ind.name.clone(),
                    ind.baseline.as_ref().map(dated),
                    ind.target.as_ref().map(dated),
                )
            })
            .collect();
        let node = &model.nodes[g];
        out.push(Objective {
            goal: node.id.to_string(),
            name: node.name.clone(),
            expected_change: serving.iter().map(|&i| contributions[i][slot]).sum(),
            unit: node.unit.clone(),
            key_results,
            initiatives: serving.iter().map(|&i| model.initiatives[i].id.to_string()).collect(),
        });
    }
    let structure = structure(model, graph, &cx, s, &out);
    (out, structure)
}

/// The written structure against the plan (`docs/planning.md`, "The plan's structure").
fn structure(
    model: &Model,
    graph: &ModelGraph<'_>,
    cx: &Changes<'_>,
    s: &Solution,
    objectives: &[Objective],
) -> Vec<GoalGroup> {
    let mut groups: Vec<GoalGroup> = Vec::new();
    for b in &model.planning.buckets {
        let bucket = BucketPlan {
            id: b.id.to_string(),
            name: b.name.clone(),
            objectives: b
                .objectives
                .iter()
                .map(|o| ObjectivePlan {
                    id: o.id.to_string(),
                    name: o.name.clone(),
                    key_results: o
                        .key_results
                        .iter()
                        .filter_map(|k| structured_key_result(model, graph, cx, s, k))
                        .collect(),
                })
                .collect(),
        };
        let goal = b.goal.as_ref().map(|g| g.to_string());
        match groups.iter_mut().find(|x| x.goal == goal) {
            Some(x) => x.buckets.push(bucket),
            None => {
                let node = b.goal.as_ref().and_then(|g| graph.node(g.as_str()));
                let served = objectives.iter().find(|o| Some(&o.goal) == goal.as_ref());
                groups.push(GoalGroup {
                    name: node.map(|n| model.nodes[n].name.clone()),
                    unit: node.and_then(|n| model.nodes[n].unit.clone()),
                    expected_change: served.map(|o| o.expected_change),
                    goal,
                    buckets: vec![bucket],
                })
            }
        }
    }
    // Buckets that name no goal come last.
    groups.sort_by_key(|g| g.goal.is_none());
    groups
}

fn structured_key_result(
    model: &Model,
    graph: &ModelGraph<'_>,
    cx: &Changes<'_>,
    s: &Solution,
    k: &model::PlanKeyResult,
) -> Option<StructuredKeyResult> {
    let ind = model.indicators.iter().find(|i| i.id == k.indicator)?;
    let baseline = match (k.baseline, &ind.baseline) {
        (Some(b), _) => Some((b, explain::num(b))),
        (None, Some(d)) => Some(dated(d)),
        (None, None) => None,
    };
    let target = match (k.target, k.target_change, &ind.target) {
        (Some(t), _, _) => Some((t, explain::num(t))),
        (None, Some(c), _) => k.target_value(Some(ind)).map(|t| {
            let sign = if c > 0.0 { "+" } else { "" };
            (t, format!("{} ({sign}{} from the baseline)", explain::num(t), pct(c)))
        }),
        (None, None, Some(d)) => Some(dated(d)),
        (None, None, None) => None,
    };
    let name = k.name.clone().unwrap_or_else(|| ind.name.clone());
    let result = cx.key_result(graph, ind, name, baseline, target);
    let carrying = |code: &model::PlanCode, selected: bool| -> Vec<String> {
        model
            .initiatives
            .iter()
            .enumerate()
            .filter(|(i, ini)| ini.hypotheses.contains(code) && s.selected(*i) == selected)
            .map(|(_, ini)| ini.id.to_string())
            .collect()
    };
    let hypotheses: Vec<HypothesisPlan> = k
        .hypotheses
        .iter()
        .map(|h| HypothesisPlan {
            id: h.id.to_string(),
            name: h.name.clone(),
            quarter: h.quarter.to_string(),
            owner: h.owner.clone(),
            test: h.test.clone(),
            result: h.result,
            initiatives: carrying(&h.id, true),
            left_out: carrying(&h.id, false),
        })
        .collect();
    let mut initiatives: Vec<String> =
        hypotheses.iter().flat_map(|h| h.initiatives.iter().cloned()).collect();
    initiatives.sort();
    initiatives.dedup();
    Some(StructuredKeyResult {
        id: k.id.to_string(),
        scope: k.scope.clone(),
        target_change: k.target_change,
        result,
        hypotheses,
        initiatives,
    })
}

/// P(target reached | plan) from paired samples `xs` of the plan's change: the share of samples
/// in which `baseline + x` reaches `target` (at or above it for an indicator that should
/// increase, at or below for one that should decrease), with its Monte Carlo standard error
/// `√(p̂ (1 − p̂) / n)`.
pub fn p_reached(xs: &[f64], baseline: f64, target: f64, direction: model::Polarity) -> (f64, f64) {
    let n = xs.len() as f64;
    let hits = xs
        .iter()
        .filter(|&&x| match direction {
            model::Polarity::Increase => baseline + x >= target,
            model::Polarity::Decrease => baseline + x <= target,
        })
        .count() as f64;
    let p = hits / n;
    (p, (p * (1.0 - p) / n).sqrt())
}

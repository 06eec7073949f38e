//! The problem as a mixed-integer program (`milp::Milp`), solved by CBC, microlp or, with the
//! `highs` feature, HiGHS.
//!
//! Variables: `x[i][q] ∈ {0, 1}`, item i starts in quarter q (only starts that finish inside the
//! plan exist); `y_i = Σ_q x[i][q]` is "item i is in the plan". With risk aversion, `η` (free)
//! and `u_s ≥ 0` per scenario add the Rockafellar–Uryasev form of CVaR. With hiring, `h[t][q] ≥ 0`
//! are the person-quarters team t takes on beyond its capacity in quarter q.
//!
//! Constraints, each belonging to a named [`Group`] so an infeasible plan can say which rules
//! conflict:
//! - each item at most once (exactly once when it must be in);
//! - budget: `Σ cost_i y_i + Σ_{t,q} (rate_t / 4) h[t][q] ≤ B`;
//! - capacity: for each team and quarter, the load of the items running then ≤ capacity
//!   (`+ h[t][q]` for a team that may hire);
//! - dependency B needs A: for every quarter q, `started_B(≤ q) ≤ started_A(≤ q − lag − d_A + 1)`,
//!   so A is finished `lag` quarters before B starts (and B is out when A is);
//! - exclusion: `y_A + y_B ≤ 1`;
//! - share rules: `Σ w_i y_i (m_i − min) ≥ 0` and `Σ w_i y_i (max − m_i) ≥ 0`;
//! - covers: `Σ_{members} y_i ≥ 1`;
//! - CVaR: `u_s ≥ η − Σ_i v_is y_i`.
//!
//! Objective: maximise `(1 − w) Σ_{i,q} v_i S(q + d_i) x[i][q] + w (η − Σ_s u_s / (α S))`, where
//! `S(t)` is the share of the horizon's discounted benefits still to come when work ships at the
//! end of quarter `t − 1` ([`crate::problem::Horizon::share`]; 1 when value does not depend on
//! time), and scenario values in the CVaR rows are weighted the same way.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::milp::{Limits, Milp, Solver, Status};
use crate::problem::Problem;
use crate::twostage;

/// A named group of constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Group {
    /// The budget.
    Budget,
    /// One team's capacity in every quarter.
    Capacity {
        /// Team index.
        team: usize,
    },
    /// An item that must be in.
    Must {
        /// Item index.
        item: usize,
    },
    /// `item` needs `on`.
    Dependency {
        /// The dependant.
        item: usize,
        /// What it needs.
        on: usize,
    },
    /// `a` and `b` exclude each other.
    Exclusion {
        /// One item.
        a: usize,
        /// The other.
        b: usize,
    },
    /// A share rule.
    Share {
        /// Index into [`Problem::shares`].
        rule: usize,
    },
    /// An at-least-one rule.
    Cover {
        /// Index into [`Problem::covers`].
        rule: usize,
    },
}

impl Group {
    /// The group in words.
    pub fn describe(&self, p: &Problem) -> String {
        let id = |i: usize| format!("`{}`", p.items[i].id);
        match *self {
            Group::Budget => {
                format!("the budget of {}", crate::explain::num(p.budget.unwrap_or(0.0)))
            }
            Group::Capacity { team } => format!("the capacity of team `{}`", p.teams[team].id),
            Group::Must { item } => format!("{} must be in the plan", id(item)),
            Group::Dependency { item, on } => format!("{} needs {}", id(item), id(on)),
            Group::Exclusion { a, b } => format!("{} excludes {}", id(a), id(b)),
            Group::Share { rule } => format!("the balance rule “{}”", p.shares[rule].name),
            Group::Cover { rule } => format!("the balance rule “{}”", p.covers[rule].name),
        }
    }
}

/// How a solve ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Proven optimal (within the relative gap tolerance).
    Optimal,
    /// Stopped at the time limit with a feasible plan; `gap` is the relative optimality gap.
    TimeLimit {
        /// Relative gap between the plan and the best bound.
        #[serde(deserialize_with = "nan_if_null")]
        gap: f64,
    },
    /// No plan satisfies every rule; `conflicts` is a smallest set of rule groups that cannot
    /// hold together (each one, dropped, makes the rest feasible).
    Infeasible {
        /// The conflicting groups, in words.
        conflicts: Vec<String>,
    },
    /// The solver failed or stopped without any plan.
    Failed {
        /// What the solver reported.
        reason: String,
    },
}

/// A solved plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Solution {
    /// How the solve ended.
    pub outcome: Outcome,
    /// Objective value (risk-adjusted when risk aversion is on); NaN without a plan.
    #[serde(deserialize_with = "nan_if_null")]
    pub objective: f64,
    /// Start quarter of each item, `None` when out.
    pub start: Vec<Option<usize>>,
    /// Expected value of the plan.
    pub value: f64,
    /// What the plan spends from the budget: other spend, and hired person-quarters at their
    /// team's rate.
    pub cost: f64,
    /// Person-quarters taken on beyond the teams' capacity (with hiring).
    pub hired: f64,
    /// Seconds spent in the solver.
    pub seconds: f64,
    /// The solver that answered.
    pub solver: Solver,
    /// How the two-stage solve went, when it answered (`crate::twostage`); `None`: the plain
    /// program did. Not written to JSON: its timings would make outputs differ run to run.
    #[serde(skip)]
    pub stages: Option<twostage::Stages>,
}

impl Solution {
    /// Is item i in the plan?
    pub fn selected(&self, i: usize) -> bool {
        self.start[i].is_some()
    }

    /// Whether a plan exists (optimal or stopped at the time limit).
    pub fn has_plan(&self) -> bool {
        matches!(self.outcome, Outcome::Optimal | Outcome::TimeLimit { .. })
    }
}

/// JSON writes NaN as `null`; reading it back gives NaN (a solution without a plan has no
/// objective), so a solution survives the trip to a worker process and back.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Solver settings.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Options {
    /// Seconds before stopping with the best plan so far.
    pub time_limit: f64,
    /// Relative optimality gap accepted as optimal.
    pub gap: f64,
    /// Solver threads (HiGHS only; microlp is single-threaded).
    pub threads: u32,
    /// Which solver answers.
    pub solver: Solver,
    /// Branch-and-bound nodes before stopping with the best plan so far. Unlike the time limit
    /// this stops at the same plan on every machine, so pages that show its result stay
    /// byte-stable.
    pub node_limit: Option<u64>,
    /// A what-if behind an explanation: the solver spends less effort on cuts per solve
    /// (CBC only; the same optimum, found with a cheaper search on small plans).
    pub what_if: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: 60.0,
            gap: 1e-6,
            threads: 1,
            solver: Solver::default(),
            node_limit: None,
            what_if: false,
        }
    }
}

impl Options {
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            time_limit: self.time_limit,
            gap: self.gap,
            threads: self.threads,
            node_limit: self.node_limit,
            light_cuts: self.what_if,
        }
    }
}

/// The columns of the formulation, for reading a solution back.
pub(crate) struct Columns {
    /// `(item, quarter)` per binary column, in column order (quarter 0 for a
    /// [`Shape::Selection`] column).
    pub(crate) starts: Vec<(usize, usize)>,
    /// First column of each item.
    pub(crate) first: Vec<usize>,
    /// Number of start columns of each item.
    pub(crate) count: Vec<usize>,
    /// The column of each start, parallel to `starts`.
    pub(crate) handles: Vec<usize>,
    /// Per team that may hire, its hire column in each quarter.
    hires: Vec<Option<Vec<usize>>>,
    /// With CVaR: the `η` column and the `u_s` column of each scenario.
    cvar: Option<(usize, Vec<usize>)>,
    /// In a [`Shape::Selection`] program, the row of each team's year capacity (no two share a
    /// column): the knapsacks [`crate::lagrange`] keeps whole when it relaxes the other rows.
    pub(crate) knapsacks: Vec<usize>,
}

/// What the binary columns of a program stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `x[i][q]`: item i starts in quarter q. The plan.
    Schedule,
    /// `y_i`: item i is in the plan, in some quarter; each team's capacity summed over the
    /// year, dependencies as `y_B ≤ y_A`. The first stage of [`crate::twostage`]: every plan
    /// keeps these rows, so it is a relaxation of [`Shape::Schedule`] (only for problems whose
    /// value does not depend on the quarter and whose teams do not hire).
    Selection,
}

/// The earliest quarter each item can start in, from the durations of what it depends on and
/// the lag (`p.quarters + 1`: never): no plan starts item i before `earliest[i]`, since B
/// needs A to have started `lag + d_A − 1` quarters before it.
fn earliest(p: &Problem) -> Vec<usize> {
    let never = p.quarters + 1;
    let mut es: Vec<usize> =
        (0..p.items.len()).map(|i| if last_start(p, i).is_some() { 0 } else { never }).collect();
    // Starts only grow and stop at `never`, so this ends (also on a cycle of dependencies).
    loop {
        let mut changed = false;
        for (b, it) in p.items.iter().enumerate() {
            for &a in &it.depends_on {
                let need = if es[a] >= never {
                    never
                } else {
                    es[a].saturating_add(p.items[a].duration - 1).saturating_add(p.lag).min(never)
                };
                if need > es[b] {
                    es[b] = need;
                    changed = true;
                }
            }
        }
        if !changed {
            return es;
        }
    }
}

/// The last quarter an item may start in, or `None` when it cannot be scheduled at all.
pub fn last_start(p: &Problem, i: usize) -> Option<usize> {
    let it = &p.items[i];
    (it.barred.is_none() && it.duration <= p.quarters).then(|| p.quarters - it.duration)
}

/// Builds the program with the groups for which `on` holds (all of them for a normal solve), in
/// the given shape.
pub(crate) fn build(
    p: &Problem,
    on: &dyn Fn(Group) -> bool,
    feasibility_only: bool,
    shape: Shape,
) -> (Milp, Columns) {
    let mut pb = Milp::default();
    let n = p.items.len();
    let w = p.risk.as_ref().map_or(0.0, |r| r.weight);
    let mut cols = Columns {
        starts: Vec::new(),
        first: vec![0; n],
        count: vec![0; n],
        handles: Vec::new(),
        hires: Vec::new(),
        cvar: None,
        knapsacks: Vec::new(),
    };
    let mut handles = Vec::new();
    let selection = shape == Shape::Selection;
    let es = if selection { earliest(p) } else { Vec::new() };
    for i in 0..n {
        cols.first[i] = cols.starts.len();
        let Some(last) = last_start(p, i) else { continue };
        // One column per start; one per item in the first stage, where the quarter is left open
        // (value does not depend on it there), for items whose dependencies can finish in time.
        let quarters = match shape {
            Shape::Schedule => 0..=last,
            Shape::Selection if es.get(i).is_some_and(|&e| e <= last) => 0..=0,
            Shape::Selection => continue,
        };
        for q in quarters {
            let obj = if feasibility_only { 0.0 } else { (1.0 - w) * p.value_at(i, q) };
            handles.push(pb.column(obj, 0.0, 1.0, true));
            cols.starts.push((i, q));
            cols.count[i] += 1;
        }
    }
    // Person-quarters beyond capacity, for teams that may hire.
    let hires: Vec<Option<Vec<usize>>> = (0..p.teams.len())
        .map(|t| {
            p.can_hire(t).then(|| {
                (0..p.quarters).map(|_| pb.column(0.0, 0.0, f64::INFINITY, false)).collect()
            })
        })
        .collect();
    let of = |i: usize| -> &[usize] { &handles[cols.first[i]..cols.first[i] + cols.count[i]] };
    let y =
        |i: usize, coef: f64| -> Vec<(usize, f64)> { of(i).iter().map(|&c| (c, coef)).collect() };
    // A coefficient weighted by the share of the horizon each start still earns.
    let yt = |i: usize, coef: f64| -> Vec<(usize, f64)> {
        of(i)
            .iter()
            .enumerate()
            .map(|(q, &c)| (c, coef * p.item_share(i, q)))
            .filter(|(_, v)| *v != 0.0)
            .collect()
    };
    // Each item at most once; must-do items exactly once.
    for i in 0..n {
        let must = p.items[i].must && on(Group::Must { item: i });
        if cols.count[i] == 0 {
            if must {
                // Cannot be scheduled but must be in: an empty row 1 ≤ 0 ≤ 1 keeps it infeasible.
                pb.row(1.0, 1.0, Vec::new());
            }
            continue;
        }
        if must {
            pb.row(1.0, 1.0, y(i, 1.0));
        } else {
            pb.row(f64::NEG_INFINITY, 1.0, y(i, 1.0));
        }
    }
    if let Some(b) = p.budget
        && on(Group::Budget)
    {
        let mut row: Vec<_> = (0..n).flat_map(|i| y(i, p.items[i].cost)).collect();
        for (t, h) in hires.iter().enumerate() {
            if let Some(h) = h {
                row.extend(h.iter().map(|&c| (c, p.teams[t].price())));
            }
        }
        pb.row(f64::NEG_INFINITY, b, row);
    }
    for (t, team) in p.teams.iter().enumerate() {
        if !on(Group::Capacity { team: t }) {
            continue;
        }
        if selection {
            // The year's effort within the year's capacity, and each crowd's quarters within
            // the quarters it may fill (when the capacity is the same in every quarter).
            let mine = |i: usize| {
                let it = &p.items[i];
                it.team == Some(t) && it.load() > 0.0 && cols.count[i] > 0
            };
            let row: Vec<(usize, f64)> = (0..n)
                .filter(|&i| mine(i))
                .map(|i| (of(i)[0], p.items[i].load() * p.items[i].duration as f64))
                .collect();
            if !row.is_empty() {
                cols.knapsacks.push(pb.rows.len());
                pb.row(f64::NEG_INFINITY, team.capacity.iter().sum(), row);
            }
            let cap = team.capacity.first().copied().unwrap_or(0.0);
            if team.capacity.iter().all(|&c| c == cap) {
                for (members, most) in crowds(p, t, cap) {
                    let row: Vec<(usize, f64)> = members
                        .iter()
                        .filter(|&&i| mine(i))
                        .map(|&i| (of(i)[0], p.items[i].duration as f64))
                        .collect();
                    pb.row(f64::NEG_INFINITY, (most * p.quarters) as f64, row);
                }
            }
            continue;
        }
        for q in 0..p.quarters {
            let mut row = Vec::new();
            for (k, &(i, s)) in cols.starts.iter().enumerate() {
                let it = &p.items[i];
                if it.team == Some(t) && s <= q && q < s + it.duration && it.load() > 0.0 {
                    row.push((handles[k], it.load()));
                }
            }
            if !row.is_empty() {
                if let Some(h) = &hires[t] {
                    row.push((h[q], -1.0));
                }
                pb.row(f64::NEG_INFINITY, team.capacity[q], row);
            }
            // The same rule, stated so the relaxation sees it (fewer branch-and-bound nodes,
            // same optimum): items that cannot run side by side in a quarter.
            if hires[t].is_none() {
                for (members, most) in crowds(p, t, team.capacity[q]) {
                    let row: Vec<(usize, f64)> = cols
                        .starts
                        .iter()
                        .enumerate()
                        .filter(|&(_, &(i, s))| {
                            members.contains(&i) && s <= q && q < s + p.items[i].duration
                        })
                        .map(|(k, _)| (handles[k], 1.0))
                        .collect();
                    pb.row(f64::NEG_INFINITY, most as f64, row);
                }
            }
        }
    }
    for (b, it) in p.items.iter().enumerate() {
        for &a in &it.depends_on {
            if !on(Group::Dependency { item: b, on: a }) || cols.count[b] == 0 {
                continue;
            }
            if selection {
                // B only with A (when A cannot be in, B has no column: `earliest`).
                let mut row = y(b, 1.0);
                row.extend(y(a, -1.0));
                pb.row(f64::NEG_INFINITY, 0.0, row);
                continue;
            }
            let lead = p.lag + p.items[a].duration - 1;
            for q in 0..p.quarters {
                let mut row: Vec<(usize, f64)> = Vec::new();
                for k in 0..cols.count[b] {
                    if cols.starts[cols.first[b] + k].1 <= q {
                        row.push((handles[cols.first[b] + k], 1.0));
                    }
                }
                if row.is_empty() {
                    continue;
                }
                for k in 0..cols.count[a] {
                    let s = cols.starts[cols.first[a] + k].1;
                    if s + lead <= q {
                        row.push((handles[cols.first[a] + k], -1.0));
                    }
                }
                pb.row(f64::NEG_INFINITY, 0.0, row);
            }
        }
        for &x in &it.excludes {
            if x > b && on(Group::Exclusion { a: b, b: x }) {
                let mut row = y(b, 1.0);
                row.extend(y(x, 1.0));
                if !row.is_empty() {
                    pb.row(f64::NEG_INFINITY, 1.0, row);
                }
            }
        }
    }
    for (k, s) in p.shares.iter().enumerate() {
        if !on(Group::Share { rule: k }) {
            continue;
        }
        let member = |i: usize| if s.members[i] { 1.0 } else { 0.0 };
        if let Some(min) = s.min {
            let row: Vec<_> = (0..n)
                .flat_map(|i| y(i, s.weight(&p.items[i]) * (member(i) - min)))
                .filter(|(_, c)| *c != 0.0)
                .collect();
            pb.row(0.0, f64::INFINITY, row);
        }
        if let Some(max) = s.max {
            let row: Vec<_> = (0..n)
                .flat_map(|i| y(i, s.weight(&p.items[i]) * (max - member(i))))
                .filter(|(_, c)| *c != 0.0)
                .collect();
            pb.row(0.0, f64::INFINITY, row);
        }
    }
    for (k, c) in p.covers.iter().enumerate() {
        if on(Group::Cover { rule: k }) {
            let row: Vec<_> = c.members.iter().flat_map(|&i| y(i, 1.0)).collect();
            pb.row(1.0, f64::INFINITY, row);
        }
    }
    if let Some(r) = &p.risk
        && !feasibility_only
        && r.weight > 0.0
        && !r.scenarios.is_empty()
    {
        let s_count = r.scenarios.len() as f64;
        let eta = pb.column(r.weight, f64::NEG_INFINITY, f64::INFINITY, false);
        let mut us = Vec::with_capacity(r.scenarios.len());
        for sc in &r.scenarios {
            let u = pb.column(-r.weight / (r.alpha * s_count), 0.0, f64::INFINITY, false);
            us.push(u);
            let mut row = vec![(u, 1.0), (eta, -1.0)];
            for (i, &v) in sc.iter().enumerate() {
                if v != 0.0 {
                    row.extend(yt(i, v));
                }
            }
            pb.row(0.0, f64::INFINITY, row);
        }
        cols.cvar = Some((eta, us));
    }
    cols.handles = handles;
    cols.hires = hires;
    (pb, cols)
}

/// Sets of team t's items of which at most so many can run in one quarter of capacity `cap`,
/// whatever else runs: implied by the capacity row (so they change no plan), but the linear
/// relaxation of the capacity row alone lets fractions of large items share a quarter. The items
/// above half the capacity, and each smaller item with those too large to run beside it ("at
/// most one of them"); and the items above a third of the capacity ("at most two"). Only sets that could break their
/// limit are returned, without one contained in another of the same limit.
pub(crate) fn crowds(p: &Problem, t: usize, cap: f64) -> Vec<(Vec<usize>, usize)> {
    let tol = 1e-9 * cap.abs().max(1.0);
    let members: Vec<usize> = (0..p.items.len())
        .filter(|&i| {
            let it = &p.items[i];
            it.team == Some(t) && it.load() > 0.0 && last_start(p, i).is_some()
        })
        .collect();
    let load = |i: usize| p.items[i].load();
    // Items above half the capacity exclude each other; an item at or below half excludes no
    // other such item, so every clique is some of the large ones and at most one small one.
    let large: Vec<usize> =
        members.iter().copied().filter(|&i| 2.0 * load(i) > cap + tol).collect();
    let mut cliques: Vec<Vec<usize>> = vec![large.clone()];
    for &j in members.iter().filter(|j| !large.contains(j)) {
        let mut c: Vec<usize> =
            large.iter().copied().filter(|&i| load(i) + load(j) > cap + tol).collect();
        c.push(j);
        c.sort_unstable();
        cliques.push(c);
    }
    cliques.retain(|c| c.len() >= 2);
    cliques.sort();
    cliques.dedup();
    let maximal: Vec<Vec<usize>> = cliques
        .iter()
        .filter(|c| !cliques.iter().any(|d| d.len() > c.len() && c.iter().all(|x| d.contains(x))))
        .cloned()
        .collect();
    let mut out: Vec<(Vec<usize>, usize)> = maximal.into_iter().map(|c| (c, 1)).collect();
    let thirds: Vec<usize> =
        members.iter().copied().filter(|&i| 3.0 * load(i) > cap + tol).collect();
    if thirds.len() >= 3 {
        out.push((thirds, 2));
    }
    out
}

/// The program's point for a schedule of `p`: its start columns, the person-quarters it hires
/// and, with CVaR, the best `η` and each scenario's shortfall `u_s = (η − V_s)⁺`. `None` when
/// the schedule has a start the program has no column for. The point may still break a rule:
/// the solver checks a warm start before it uses it.
pub(crate) fn point(
    p: &Problem,
    pb: &Milp,
    cols: &Columns,
    start: &[Option<usize>],
) -> Option<Vec<f64>> {
    if start.len() != p.items.len() {
        return None;
    }
    let mut x = vec![0.0; pb.obj.len()];
    for (i, s) in start.iter().enumerate() {
        let Some(s) = *s else { continue };
        if s >= cols.count[i] {
            return None;
        }
        x[cols.handles[cols.first[i] + s]] = 1.0;
    }
    let load = p.load(start);
    for (t, h) in cols.hires.iter().enumerate() {
        if let Some(h) = h {
            for (q, &c) in h.iter().enumerate() {
                x[c] = (load[t][q] - p.teams[t].capacity[q]).max(0.0);
            }
        }
    }
    if let (Some((eta, us)), Some(r)) = (&cols.cvar, &p.risk) {
        let totals: Vec<f64> = r
            .scenarios
            .iter()
            .map(|sc| {
                (0..p.items.len())
                    .filter_map(|i| start[i].map(|s| sc[i] * p.item_share(i, s)))
                    .sum()
            })
            .collect();
        // The η of the Rockafellar–Uryasev form at its best: one of the scenario values.
        let value = |e: f64| {
            e - totals.iter().map(|&v| (e - v).max(0.0)).sum::<f64>()
                / (r.alpha * totals.len() as f64)
        };
        let best = totals.iter().copied().fold(None, |best: Option<f64>, e| match best {
            Some(b) if value(b) >= value(e) => Some(b),
            _ => Some(e),
        });
        let e = best.unwrap_or(0.0);
        x[*eta] = e;
        for (&u, &v) in us.iter().zip(&totals) {
            x[u] = (e - v).max(0.0);
        }
    }
    Some(x)
}

/// Solves the problem. An infeasible problem is diagnosed: the returned [`Outcome::Infeasible`]
/// names an irreducible set of conflicting rule groups.
pub fn solve(p: &Problem, opts: &Options) -> Solution {
    solve_with(p, opts, None, true)
}

/// A what-if solve behind an explanation: the same program and answer as [`solve`], but started
/// from `warm`, a schedule known to satisfy every rule of `p` (e.g. the plan, when the what-if
/// only loosens a rule), and without the conflict diagnosis when no plan exists (the outcome is
/// then `Infeasible` with no conflicts named). A warm start changes only the search: the solver
/// begins with that schedule as its best plan, so it prunes from the root.
pub fn resolve(p: &Problem, opts: &Options, warm: Option<&[Option<usize>]>) -> Solution {
    solve_with(p, opts, warm, false)
}

fn solve_with(
    p: &Problem,
    opts: &Options,
    warm: Option<&[Option<usize>]>,
    diagnose: bool,
) -> Solution {
    let started = Instant::now();
    let (found, stages) = if twostage::applies(p, opts) {
        let (found, stages) = twostage::solve(p, opts, warm);
        (found, Some(stages))
    } else {
        (plain(p, opts, warm), None)
    };
    finish(p, opts, found, stages, diagnose, started)
}

/// Solves the plain program (`x[i][q]`), never in two stages: what the two stages are held to
/// in the tests, and what the benchmark compares them with.
pub fn solve_plain(p: &Problem, opts: &Options) -> Solution {
    let started = Instant::now();
    finish(p, opts, plain(p, opts, None), None, true, started)
}

/// What a solve found, before the plan is read and moved early.
pub(crate) enum Found {
    /// A schedule, and its remaining relative gap (`None`: optimal within the gap asked).
    Plan(Vec<Option<usize>>, Option<f64>),
    /// No plan satisfies every rule.
    Infeasible,
    /// The solver failed or stopped without a plan.
    Failed(String),
}

/// The plain program, solved.
pub(crate) fn plain(p: &Problem, opts: &Options, warm: Option<&[Option<usize>]>) -> Found {
    let (mut pb, cols) = build(p, &|_| true, false, Shape::Schedule);
    pb.initial = warm.and_then(|w| point(p, &pb, &cols, w));
    let read = |x: Vec<f64>| {
        let mut start = vec![None; p.items.len()];
        for (k, &(i, q)) in cols.starts.iter().enumerate() {
            if x[cols.handles[k]] > 0.5 {
                start[i] = Some(q);
            }
        }
        start
    };
    match pb.solve(opts.solver, opts.limits()) {
        Status::Optimal(x, _) => Found::Plan(read(x), None),
        Status::Feasible(x, gap) => Found::Plan(read(x), Some(gap)),
        Status::Infeasible => Found::Infeasible,
        Status::Failed(reason) => Found::Failed(reason),
    }
}

/// The solution of what was found: outcome (with the conflict diagnosis when asked), the
/// schedule moved early, its value, spend and hiring.
fn finish(
    p: &Problem,
    opts: &Options,
    found: Found,
    stages: Option<twostage::Stages>,
    diagnose: bool,
    started: Instant,
) -> Solution {
    let (outcome, mut start) = match found {
        Found::Plan(start, None) => (Outcome::Optimal, start),
        Found::Plan(start, Some(gap)) => (Outcome::TimeLimit { gap }, start),
        Found::Infeasible => (
            Outcome::Infeasible {
                conflicts: if diagnose {
                    conflicts(p, opts).iter().map(|g| g.describe(p)).collect()
                } else {
                    Vec::new()
                },
            },
            vec![None; p.items.len()],
        ),
        Found::Failed(reason) => (Outcome::Failed { reason }, vec![None; p.items.len()]),
    };
    left_shift(p, &mut start);
    let value = (0..p.items.len()).filter_map(|i| start[i].map(|s| p.value_at(i, s))).sum();
    let cost = p.spend(&start);
    let load = p.load(&start);
    let hired = (0..p.teams.len()).filter(|&t| p.can_hire(t)).map(|t| p.excess(t, &load[t])).sum();
    let objective = if matches!(outcome, Outcome::Optimal | Outcome::TimeLimit { .. }) {
        objective_of(p, &start)
    } else {
        f64::NAN
    };
    Solution {
        outcome,
        objective,
        start,
        value,
        cost,
        hired,
        seconds: started.elapsed().as_secs_f64(),
        solver: opts.solver,
        stages,
    }
}

/// Moves every selected item to the earliest quarter its dependencies and its team's capacity
/// allow, as long as that does not lower the objective. The selection (and so every share and
/// cover rule) is unchanged and no move needs more hiring, so the spend does not grow; only ties
/// the solver broke arbitrarily are resolved towards "as early as possible", which is what
/// people reading a schedule expect. With value in time, earlier work is worth more, so a move
/// can only raise the value of an item worth something; an item of negative value stays where
/// the solver put it. Repeats until no item moves (starts only decrease, so this ends).
fn left_shift(p: &Problem, start: &mut [Option<usize>]) {
    let mut load = p.load(start);
    let base = objective_of(p, start);
    let tol = 1e-9 * base.abs().max(1.0);
    let risky = p.risk.as_ref().is_some_and(|r| r.weight > 0.0 && !r.scenarios.is_empty());
    loop {
        let mut moved = false;
        let mut order: Vec<usize> = (0..p.items.len()).filter(|&i| start[i].is_some()).collect();
        order.sort_by_key(|&i| (start[i], i));
        for i in order {
            let it = &p.items[i];
            let Some(current) = start[i] else { continue };
            let earliest = it
                .depends_on
                .iter()
                .filter_map(|&a| start[a].map(|sa| sa + p.items[a].duration - 1 + p.lag))
                .max()
                .unwrap_or(0);
            for s in earliest..current {
                let row = it.team.filter(|_| it.load() > 0.0).map(|t| {
                    let mut row = load[t].clone();
                    for cell in &mut row[current..current + it.duration] {
                        *cell -= it.load();
                    }
                    for cell in &mut row[s..s + it.duration] {
                        *cell += it.load();
                    }
                    (t, row)
                });
                let fits = match &row {
                    None => true,
                    Some((t, row)) if p.can_hire(*t) => {
                        p.excess(*t, row) <= p.excess(*t, &load[*t]) + 1e-9
                    }
                    Some((t, row)) => {
                        (s..s + it.duration).all(|q| row[q] <= p.teams[*t].capacity[q] + 1e-9)
                    }
                };
                if !fits {
                    continue;
                }
                let keeps_value = if risky {
                    let mut moved_start = start.to_vec();
                    moved_start[i] = Some(s);
                    objective_of(p, &moved_start) >= objective_of(p, start) - tol
                } else {
                    p.value_at(i, s) - p.value_at(i, current) >= -tol
                };
                if !keeps_value {
                    continue;
                }
                if let Some((t, row)) = row {
                    load[t] = row;
                }
                start[i] = Some(s);
                moved = true;
                break;
            }
        }
        if !moved {
            return;
        }
    }
}

/// Every group of the problem.
pub fn groups(p: &Problem) -> Vec<Group> {
    let mut g = Vec::new();
    if p.budget.is_some() {
        g.push(Group::Budget);
    }
    g.extend((0..p.teams.len()).map(|team| Group::Capacity { team }));
    for (i, it) in p.items.iter().enumerate() {
        if it.must {
            g.push(Group::Must { item: i });
        }
        g.extend(it.depends_on.iter().map(|&on| Group::Dependency { item: i, on }));
        g.extend(it.excludes.iter().filter(|&&x| x > i).map(|&x| Group::Exclusion { a: i, b: x }));
    }
    g.extend((0..p.shares.len()).map(|rule| Group::Share { rule }));
    g.extend((0..p.covers.len()).map(|rule| Group::Cover { rule }));
    g
}

fn feasible(p: &Problem, on: &dyn Fn(Group) -> bool, opts: &Options) -> bool {
    let (pb, _) = build(p, on, true, Shape::Schedule);
    // Any feasible point answers the question.
    let limits = Limits { gap: 1.0, ..opts.limits() };
    !matches!(pb.solve(opts.solver, limits), Status::Infeasible)
}

/// A smallest set of groups that cannot hold together (deletion filter: drop each group in
/// turn; keep it dropped when the rest stays infeasible). Empty when the problem is feasible.
pub fn conflicts(p: &Problem, opts: &Options) -> Vec<Group> {
    let all = groups(p);
    if feasible(p, &|_| true, opts) {
        return Vec::new();
    }
    let mut kept = all.clone();
    for g in all {
        let without: Vec<Group> = kept.iter().copied().filter(|&x| x != g).collect();
        if !feasible(p, &|x| without.contains(&x), opts) {
            kept = without;
        }
    }
    kept
}

/// The objective of a schedule, computed directly (the same number the program maximises).
pub fn objective_of(p: &Problem, start: &[Option<usize>]) -> f64 {
    // Each chosen item with the share of the horizon its start still earns.
    let chosen: Vec<(usize, f64)> =
        (0..p.items.len()).filter_map(|i| start[i].map(|s| (i, p.item_share(i, s)))).collect();
    let mean: f64 = chosen.iter().map(|&(i, f)| p.items[i].value * f).sum();
    match &p.risk {
        Some(r) if r.weight > 0.0 && !r.scenarios.is_empty() => {
            let totals: Vec<f64> =
                r.scenarios.iter().map(|sc| chosen.iter().map(|&(i, f)| sc[i] * f).sum()).collect();
            (1.0 - r.weight) * mean + r.weight * cvar(&totals, r.alpha)
        }
        _ => mean,
    }
}

/// CVaR of the lower tail in the Rockafellar–Uryasev form, `max_η η − E[(η − V)⁺] / α`: the mean
/// of the worst `α` share of outcomes (with a fractional scenario at the boundary).
pub fn cvar(values: &[f64], alpha: f64) -> f64 {
    let n = values.len() as f64;
    values
        .iter()
        .map(|&eta| eta - values.iter().map(|&v| (eta - v).max(0.0)).sum::<f64>() / (alpha * n))
        .fold(f64::NEG_INFINITY, f64::max)
}

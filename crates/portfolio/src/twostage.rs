//! The plan in two stages, for problems whose value does not depend on when work ships: choose
//! the initiatives under each team's capacity summed over the year, then find a schedule for
//! that choice; when none exists, rule the choice out with a cut and choose again (logic-based
//! Benders decomposition). Exact: it ends with the same optimum as the plain program.
//!
//! Why: with value independent of the quarter, a team's quarters are interchangeable bins of a
//! multiple knapsack, and the plain program (`x[i][q]`) has every permutation of them as an
//! equally good solution; branch and bound then proves the same bound over and over. The first
//! stage has one column per item (`y_i`) and no such symmetry, and the second only asks whether
//! a schedule exists. docs/planning.md ("Two stages") gives the proof that the optimum is the same.
//!
//! - **When** ([`applies`]): no horizon (value independent of time), no team that may hire
//!   (hiring makes the spend depend on the schedule), and no node limit (the what-ifs behind
//!   explanations keep the plain program, whose node-limited answer is byte-stable). Risk
//!   aversion is allowed: without a horizon, every scenario's value depends only on the choice.
//! - **First stage**: the plain program's rules on `y_i` (at most once, must-do, budget,
//!   exclusions, shares, covers, CVaR, `y_B ≤ y_A` for dependencies), each team's effort summed
//!   over the year within its capacity summed over the year, the crowd rows summed likewise,
//!   and items whose dependencies cannot finish in time fixed out. Every plan satisfies all of
//!   these, so the first stage is a relaxation: its optimum bounds the plan's.
//! - **Second stage**: the plain program restricted to the chosen items (each must start in
//!   some quarter), with capacity per quarter and dependencies, and no objective.
//! - **Cuts**: a chosen set that cannot be scheduled is cut down to an irreducible core (a
//!   deletion filter, first within each team, else over whole teams), and `Σ_{core} y_i ≤
//!   |core| − 1` is added, lifted with the team's larger one-quarter items when the core is one
//!   team's one-quarter items with no dependencies among them.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::milp::{Limits, Status};
use crate::problem::Problem;
use crate::solve::{Found, Options, Shape, build, last_start, objective_of, plain, point};

/// How a two-stage solve went, for the benchmark and for people asking why a plan took long.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stages {
    /// First-stage solves (choices tried).
    pub rounds: usize,
    /// The plan is a choice repaired to fit (within the gap of the first stage's bound, or the
    /// best found when time ran out), not the first stage's choice itself.
    pub repaired: bool,
    /// Cuts added: choices, or parts of them, that no schedule fits.
    pub cuts: usize,
    /// Teams whose items got quarters in the first stage, because their choice did not fit.
    pub refined: usize,
    /// Seconds in the first stage.
    pub select_seconds: f64,
    /// Seconds finding schedules and cuts.
    pub schedule_seconds: f64,
    /// Time ran short before a chosen set was scheduled, so the plain program answered (with
    /// the first stage's bound on its gap).
    pub fell_back: bool,
    /// Subgradient steps of the Lagrangian bound (`crate::lagrange`); 0 where it does not apply.
    pub lagrange_steps: usize,
    /// The Lagrangian bound on the plan's objective, where it applies.
    pub lagrange_bound: Option<f64>,
    /// The plan is the Lagrangian's repaired choice, scheduled, within the gap of the bound:
    /// no solver ran for the first stage.
    pub guessed: bool,
}

/// Share of the time limit the two stages may use before the plain program takes over.
const STAGES_SHARE: f64 = 0.8;

/// Subgradient steps of the Lagrangian bound before the first round (`crate::lagrange`): on the
/// 5,000-initiative benchmark it closes to 0.01% in about a hundred; each step costs one
/// knapsack program per team (items × capacity steps), milliseconds there.
const LAGRANGE_STEPS: usize = 400;

/// Share of the time limit the Lagrangian bound may use at most (it stops at its steps first).
const LAGRANGE_SHARE: f64 = 0.25;

/// Whether the two-stage solve answers this problem (see the module's documentation).
pub fn applies(p: &Problem, opts: &Options) -> bool {
    opts.node_limit.is_none() && p.horizon.is_none() && (0..p.teams.len()).all(|t| !p.can_hire(t))
}

/// Solves `p` in two stages; `warm` is a schedule known to satisfy every rule (its choice starts
/// the first stage).
pub(crate) fn solve(
    p: &Problem,
    opts: &Options,
    warm: Option<&[Option<usize>]>,
) -> (Found, Stages) {
    let started = Instant::now();
    let mut stages = Stages::default();
    let (mut pb, cols) = build(p, &|_| true, false, Shape::Selection);
    pb.initial = warm.and_then(|w| {
        let chosen: Vec<Option<usize>> = w.iter().map(|s| s.map(|_| 0)).collect();
        point(p, &pb, &cols, &chosen)
    });
    let column = |i: usize| (cols.count[i] == 1).then(|| cols.handles[cols.first[i]]);
    let deadline = STAGES_SHARE * opts.time_limit;
    // The Lagrangian bound and its repaired choice (`crate::lagrange`): the choice is the first
    // round's, and the bound joins the solver's (the smaller wins).
    let t = Instant::now();
    let relaxed = crate::lagrange::relax(
        &pb,
        &cols.knapsacks,
        opts.gap,
        LAGRANGE_STEPS,
        started,
        LAGRANGE_SHARE * opts.time_limit,
    );
    stages.select_seconds += t.elapsed().as_secs_f64();
    let mut pending: Option<(Vec<f64>, f64)> = None;
    if let Some(r) = &relaxed {
        stages.lagrange_steps = r.steps;
        stages.lagrange_bound = Some(r.bound);
        if let Some((x, _)) = &r.point {
            // As if a solver had found the choice without a gap of its own: the bound is the
            // Lagrangian's, already in `bound` (a value of 0 would make a gap of it meaningless).
            pending = Some((x.clone(), f64::INFINITY));
            // A warm start from a plan the caller knows is kept; else this choice.
            if pb.initial.is_none() {
                pb.initial = Some(x.clone());
            }
        }
    }
    // The first stage's proven bound on the plan, when it has one.
    let mut bound: Option<f64> = relaxed.as_ref().map(|r| r.bound);
    let mut layouts: Vec<Option<Layout>> = (0..p.teams.len()).map(|_| None).collect();
    // The best plan found by repairing a choice, and its value.
    let mut best: Option<(f64, Vec<Option<usize>>)> = None;
    loop {
        let left = deadline - started.elapsed().as_secs_f64();
        if left <= 0.0 {
            break;
        }
        stages.rounds += 1;
        let t = Instant::now();
        let guessed = pending.is_some();
        let status = match pending.take() {
            Some((x, proven)) => Status::Feasible(x, proven),
            None => pb.solve(opts.solver, Limits { time_limit: left, ..opts.limits() }),
        };
        stages.select_seconds += t.elapsed().as_secs_f64();
        let (x, proven, optimal) = match status {
            Status::Optimal(x, proven) => (x, proven.unwrap_or(opts.gap), true),
            Status::Feasible(x, gap) => (x, gap, false),
            Status::Infeasible => return (Found::Infeasible, stages),
            // Stopped without a choice (out of time, or the solver failed): the best plan so far
            // or the plain program answers.
            Status::Failed(_) => break,
        };
        let chosen: Vec<bool> =
            (0..p.items.len()).map(|i| column(i).is_some_and(|c| x[c] > 0.5)).collect();
        let objective: f64 = pb.obj.iter().zip(&x).map(|(c, v)| c * v).sum();
        if proven.is_finite() {
            let b = objective + proven.max(0.0) * objective.abs();
            bound = Some(bound.map_or(b, |old: f64| old.min(b)));
        }
        // The second stage may use the whole limit, and at least the plain program's share
        // of it even when the first stage ran over (CBC counts CPU seconds, this wall-clock
        // seconds, and on a loaded machine these differ): a choice is worth checking once made.
        let t = Instant::now();
        let refined: Vec<bool> = layouts.iter().map(Option::is_some).collect();
        let check = opts
            .time_limit
            .max(started.elapsed().as_secs_f64() + (1.0 - STAGES_SHARE) * opts.time_limit);
        let second = second_stage(p, &chosen, &refined, true, opts, started, check);
        stages.schedule_seconds += t.elapsed().as_secs_f64();
        match second {
            // The choice itself scheduled: as good as the first stage's answer.
            Second::Found(start) => {
                let left = if optimal { None } else { gap(bound, objective, opts.gap) };
                if guessed && left.is_some() {
                    // The Lagrangian choice is a plan but not yet within the gap: the best so
                    // far, and the solver's first incumbent (already its warm start).
                    let v = objective_of(p, &start);
                    if best.as_ref().is_none_or(|(b, _)| v > *b) {
                        best = Some((v, start));
                    }
                    continue;
                }
                stages.guessed = guessed;
                // A solver stopped by its limit may return a choice worth less than the best
                // plan so far (the Lagrangian's, when the solver's warm start was the caller's).
                if let Some((v, kept)) = best.take()
                    && left.is_some()
                    && v > objective_of(p, &start)
                {
                    stages.repaired = true;
                    return (Found::Plan(kept, gap(bound, v, opts.gap)), stages);
                }
                return (Found::Plan(start, left), stages);
            }
            // The Lagrangian's choice undecided: the solver's round decides instead.
            Second::Unknown if guessed => continue,
            Second::Unknown => break,
            Second::Cuts(found, unfit) => {
                // The choice without what the teams that do not fit cannot hold may be a plan
                // within the gap of the bound already.
                let t = Instant::now();
                if let Some(start) = repair(p, &chosen, &unfit, opts, started, check) {
                    let v = objective_of(p, &start);
                    if best.as_ref().is_none_or(|(b, _)| v > *b) {
                        best = Some((v, start));
                    }
                }
                stages.schedule_seconds += t.elapsed().as_secs_f64();
                if let Some((v, start)) = &best
                    && gap(bound, *v, opts.gap).is_none()
                {
                    stages.repaired = true;
                    return (Found::Plan(start.clone(), None), stages);
                }
                for fix in found {
                    match fix {
                        Fix::Cut(core) => {
                            let coefs: Vec<(usize, f64)> = core
                                .members
                                .iter()
                                .filter_map(|&i| column(i))
                                .map(|c| (c, 1.0))
                                .collect();
                            pb.row(f64::NEG_INFINITY, core.most as f64, coefs);
                            stages.cuts += 1;
                        }
                        Fix::Refine(t) => {
                            layouts[t] = Some(refine(p, &mut pb, &column, t));
                            stages.refined += 1;
                        }
                    }
                }
                // The next round starts from this choice, repaired to fit the refined teams'
                // quarters (the solver checks it against every row, cuts included).
                pb.initial = repaired(p, &pb, &cols, &layouts, &x, &chosen);
            }
        }
    }
    // Out of time: the best plan found, with its gap to the first stage's bound.
    if let Some((v, start)) = best {
        stages.repaired = true;
        return (Found::Plan(start, Some(gap(bound, v, opts.gap).unwrap_or(0.0))), stages);
    }
    // No plan yet: the plain program answers with what is left, and its gap is the smaller of
    // its own and the first stage's bound.
    stages.fell_back = true;
    let left = (opts.time_limit - started.elapsed().as_secs_f64())
        .max((1.0 - STAGES_SHARE) * opts.time_limit);
    let found = match plain(p, &Options { time_limit: left, ..*opts }, warm) {
        Found::Plan(start, Some(own)) => {
            let v = objective_of(p, &start);
            let ours = gap(bound, v, opts.gap).unwrap_or(0.0);
            Found::Plan(start, Some(own.min(ours)).filter(|g| *g > opts.gap))
        }
        other => other,
    };
    (found, stages)
}

/// The relative gap between a plan worth `v` and the first stage's bound, `None` when it is
/// within `tolerance` (optimal in the sense the solver is asked for); infinite without a bound.
fn gap(bound: Option<f64>, v: f64, tolerance: f64) -> Option<f64> {
    let g = bound.map_or(f64::INFINITY, |b| ((b - v) / v.abs().max(1e-10)).max(0.0));
    // Rounding in the bound (`objective · (1 + gap)`) must not turn "within" into "beyond".
    (g > tolerance * (1.0 + 1e-6) + 1e-12).then_some(g)
}

/// The chosen set without what the teams in `unfit` cannot hold: of each such team's chosen
/// items, the most valuable set that fits its quarters (a small program), then whatever depends
/// on a dropped item goes too; scheduled, if every rule that depends on the choice still holds
/// (must-do, covers, shares). A plan, not a proof: the caller compares it with the bound.
fn repair(
    p: &Problem,
    chosen: &[bool],
    unfit: &[usize],
    opts: &Options,
    started: Instant,
    deadline: f64,
) -> Option<Vec<Option<usize>>> {
    let mut chosen = chosen.to_vec();
    for &t in unfit {
        // The team's items chosen, and those it could add: what they need is chosen (or theirs
        // to choose), they exclude nothing chosen, within the budget the rest leaves.
        let outside = |i: usize| chosen[i] && p.items[i].team != Some(t);
        let members: Vec<usize> = (0..p.items.len())
            .filter(|&i| p.items[i].team == Some(t) && last_start(p, i).is_some())
            .filter(|&i| {
                let it = &p.items[i];
                chosen[i]
                    || (it.depends_on.iter().all(|&a| outside(a) || p.items[a].team == Some(t))
                        && !it.excludes.iter().any(|&x| outside(x)))
            })
            .collect();
        let left = deadline - started.elapsed().as_secs_f64();
        if left <= 0.0 {
            return None;
        }
        let mut q = restricted(p, &members);
        for (it, &i) in q.items.iter_mut().zip(&members) {
            it.must = p.items[i].must;
        }
        q.budget = p.budget.map(|b| {
            b - (0..p.items.len()).filter(|&i| outside(i)).map(|i| p.items[i].cost).sum::<f64>()
        });
        let (pb, cols) = build(&q, &|_| true, false, Shape::Schedule);
        let limits = Limits { time_limit: left, node_limit: None, ..opts.limits() };
        let x = match pb.solve(opts.solver, limits) {
            Status::Optimal(x, _) | Status::Feasible(x, _) => x,
            _ => return None,
        };
        for &i in &members {
            chosen[i] = false;
        }
        for (k, &(i, _)) in cols.starts.iter().enumerate() {
            if x[cols.handles[k]] > 0.5 {
                chosen[members[i]] = true;
            }
        }
    }
    drop_orphans(p, &mut chosen);
    let n = p.items.len();
    let musts = (0..n).all(|i| !p.items[i].must || chosen[i]);
    let covers = p.covers.iter().all(|c| c.members.iter().any(|&i| chosen[i]));
    let shares = p.shares.iter().all(|s| {
        let total: f64 = (0..n).filter(|&i| chosen[i]).map(|i| s.weight(&p.items[i])).sum();
        let part: f64 =
            (0..n).filter(|&i| chosen[i] && s.members[i]).map(|i| s.weight(&p.items[i])).sum();
        let tol = 1e-9 * total.max(1.0);
        s.min.is_none_or(|m| part >= m * total - tol)
            && s.max.is_none_or(|m| part <= m * total + tol)
    });
    if !(musts && covers && shares) {
        return None;
    }
    let refined = vec![true; p.teams.len()];
    match second_stage(p, &chosen, &refined, false, opts, started, deadline) {
        Second::Found(start) => Some(start),
        _ => None,
    }
}

/// What the second stage found for a chosen set.
enum Schedule {
    /// A schedule of exactly the chosen items.
    Found(Vec<Option<usize>>),
    /// No schedule exists.
    None,
    /// The solver could not tell in the time left.
    Unknown,
}

/// The chosen items `members` of `p` as a problem of their own: each must be in, dependencies
/// among them kept (those on items outside dropped), and none of the rules that depend only on
/// the choice (budget, shares, covers, exclusions, risk), which the first stage has settled.
fn restricted(p: &Problem, members: &[usize]) -> Problem {
    let mut index = vec![usize::MAX; p.items.len()];
    for (k, &i) in members.iter().enumerate() {
        index[i] = k;
    }
    let items = members
        .iter()
        .map(|&i| {
            let mut it = p.items[i].clone();
            it.must = true;
            it.depends_on = it
                .depends_on
                .iter()
                .filter(|&&a| index[a] != usize::MAX)
                .map(|&a| index[a])
                .collect();
            it.excludes = it
                .excludes
                .iter()
                .filter(|&&a| index[a] != usize::MAX)
                .map(|&a| index[a])
                .collect();
            it.learning = None;
            it
        })
        .collect();
    Problem {
        items,
        teams: p.teams.clone(),
        quarters: p.quarters,
        budget: None,
        lag: p.lag,
        shares: Vec::new(),
        covers: Vec::new(),
        risk: None,
        horizon: p.horizon,
        hiring: false,
    }
}

/// A schedule of exactly the items `members` (by the second stage's program), none, or unknown
/// when the time runs out first.
fn schedule_of(
    p: &Problem,
    members: &[usize],
    opts: &Options,
    started: Instant,
    deadline: f64,
) -> Schedule {
    if members.is_empty() {
        return Schedule::Found(vec![None; p.items.len()]);
    }
    let left = deadline - started.elapsed().as_secs_f64();
    if left <= 0.0 {
        return Schedule::Unknown;
    }
    let q = restricted(p, members);
    let (pb, cols) = build(&q, &|_| true, true, Shape::Schedule);
    // Any schedule answers the question.
    let limits = Limits { time_limit: left, gap: 1.0, node_limit: None, ..opts.limits() };
    match pb.solve(opts.solver, limits) {
        Status::Optimal(x, _) | Status::Feasible(x, _) => {
            let mut start = vec![None; p.items.len()];
            for (k, &(i, s)) in cols.starts.iter().enumerate() {
                if x[cols.handles[k]] > 0.5 {
                    start[members[i]] = Some(s);
                }
            }
            Schedule::Found(start)
        }
        Status::Infeasible => Schedule::None,
        Status::Failed(_) => Schedule::Unknown,
    }
}

/// "At most `most` of `members` in any plan."
struct Cut {
    members: Vec<usize>,
    most: usize,
}

/// How the first stage learns that a chosen set cannot be scheduled.
enum Fix {
    /// A cut.
    Cut(Cut),
    /// Team t's items get quarters in the first stage ([`refine`]).
    Refine(usize),
}

/// What the second stage says about a chosen set.
enum Second {
    /// A schedule of exactly the chosen items.
    Found(Vec<Option<usize>>),
    /// No schedule exists; these fixes of the first stage rule the set out, and these teams'
    /// choices alone do not fit.
    Cuts(Vec<Fix>, Vec<usize>),
    /// The time ran out first.
    Unknown,
}

/// The second stage: a schedule for the chosen set, or cuts that rule it out.
///
/// Each team's chosen items are scheduled on their own first (small programs): a team whose
/// items alone cannot be scheduled gives a cut of an irreducible core of them (a deletion
/// filter that drops the largest items first, so a core of small items lifts to more of the
/// team's). When every team's can, the teams' schedules are combined by renumbering each team's
/// quarters so that every dependency between teams holds ([`relabel`]); failing that, the whole
/// set is scheduled at once, and when it cannot be, an irreducible set of whole teams gives the cut.
fn second_stage(
    p: &Problem,
    chosen: &[bool],
    refined: &[bool],
    want_cuts: bool,
    opts: &Options,
    started: Instant,
    deadline: f64,
) -> Second {
    let of_team = |t: usize| -> Vec<usize> {
        (0..p.items.len()).filter(|&i| chosen[i] && p.items[i].team == Some(t)).collect()
    };
    let mut out = Vec::new();
    let mut unfit = Vec::new();
    let mut teams: Vec<usize> = Vec::new();
    let mut start = vec![None; p.items.len()];
    for (t, &is_refined) in refined.iter().enumerate() {
        let members = of_team(t);
        if members.is_empty() {
            continue;
        }
        teams.push(t);
        match schedule_of(p, &members, opts, started, deadline) {
            Schedule::Found(s) => {
                for &i in &members {
                    start[i] = s[i];
                }
                continue;
            }
            Schedule::Unknown => return Second::Unknown,
            Schedule::None if !is_refined && refinable(p, t) => {
                out.push(Fix::Refine(t));
                unfit.push(t);
                continue;
            }
            Schedule::None => unfit.push(t),
        }
        if !want_cuts {
            return Second::Unknown;
        }
        let mut order = members.clone();
        order.sort_by(|&a, &b| p.items[b].load().total_cmp(&p.items[a].load()).then(a.cmp(&b)));
        let mut core = members;
        for i in order {
            let without: Vec<usize> = core.iter().copied().filter(|&x| x != i).collect();
            match schedule_of(p, &without, opts, started, deadline) {
                Schedule::None => core = without,
                Schedule::Found(_) => {}
                Schedule::Unknown => return Second::Unknown,
            }
        }
        out.push(Fix::Cut(lifted(p, t, core)));
    }
    if !out.is_empty() {
        return Second::Cuts(out, unfit);
    }
    // Items without a team use no capacity: any quarter their dependencies allow.
    let all: Vec<usize> = (0..p.items.len()).filter(|&i| chosen[i]).collect();
    if let Some(done) = relabel(p, &all, &start, opts, started, deadline) {
        return Second::Found(done);
    }
    if let Some(done) = spread(p, &all, opts, started, deadline) {
        return Second::Found(done);
    }
    match schedule_of(p, &all, opts, started, deadline) {
        Schedule::Found(s) => return Second::Found(s),
        Schedule::None if want_cuts => {}
        _ => return Second::Unknown,
    }
    // Every team's items fit on their own: the dependencies between teams conflict. Drop whole
    // teams while the rest still cannot be scheduled.
    let loose: Vec<usize> = all.iter().copied().filter(|&i| p.items[i].team.is_none()).collect();
    let with = |ts: &[usize]| -> Vec<usize> {
        let mut m: Vec<usize> =
            ts.iter().flat_map(|&u| of_team(u)).chain(loose.iter().copied()).collect();
        m.sort_unstable();
        m
    };
    let mut kept = teams.clone();
    for t in teams {
        let without: Vec<usize> = kept.iter().copied().filter(|&x| x != t).collect();
        match schedule_of(p, &with(&without), opts, started, deadline) {
            Schedule::None => kept = without,
            Schedule::Found(_) => {}
            Schedule::Unknown => return Second::Unknown,
        }
    }
    let members = with(&kept);
    let most = members.len().saturating_sub(1);
    Second::Cuts(vec![Fix::Cut(Cut { members, most })], Vec::new())
}

/// A schedule of the chosen items `all` built around their dependencies, for when renumbering
/// the teams' own schedules cannot meet them (many dependencies between teams): each group of
/// items joined by dependencies gets one base quarter, each item in it that base plus `lag`
/// times the longest chain of dependencies before it (so every dependency inside holds), the
/// groups placed largest first where the fullest team-quarter they touch stays emptiest; then
/// each team's items without dependencies fill what is left of its quarters (a small program
/// per team). Only one-quarter items and capacities the same in every quarter. A heuristic:
/// `None` when a group or a team's remaining items do not fit (a schedule may still exist);
/// whatever it returns is checked against every capacity and dependency.
fn spread(
    p: &Problem,
    all: &[usize],
    opts: &Options,
    started: Instant,
    deadline: f64,
) -> Option<Vec<Option<usize>>> {
    let q = p.quarters;
    let flat = |t: usize| p.teams[t].capacity.windows(2).all(|w| w[0] == w[1]);
    if q == 0 || all.iter().any(|&i| p.items[i].duration != 1 || !p.items[i].team.is_none_or(flat))
    {
        return None;
    }
    let n = p.items.len();
    let mut chosen = vec![false; n];
    for &i in all {
        chosen[i] = true;
    }
    // Groups: items joined by a dependency, both chosen (union-find by smallest index).
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut linked = vec![false; n];
    for &b in all {
        for &a in &p.items[b].depends_on {
            if !chosen[a] {
                return None;
            }
            linked[a] = true;
            linked[b] = true;
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    // Offsets: `lag` per dependency along the longest chain (a cycle would not settle).
    let mut offset = vec![0usize; n];
    for _round in 0..=all.len() {
        let mut changed = false;
        for &b in all {
            for &a in &p.items[b].depends_on {
                if offset[a] + p.lag > offset[b] {
                    offset[b] = offset[a] + p.lag;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
        if _round == all.len() {
            return None;
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &i in all.iter().filter(|&&i| linked[i]) {
        groups.entry(root(&mut parent, i)).or_default().push(i);
    }
    let load = |i: usize| p.items[i].load();
    let mut order: Vec<Vec<usize>> = groups.into_values().collect();
    order.sort_by(|a, b| {
        let la: f64 = a.iter().map(|&i| load(i)).sum();
        let lb: f64 = b.iter().map(|&i| load(i)).sum();
        lb.total_cmp(&la).then(a[0].cmp(&b[0]))
    });
    let cap = |t: usize| p.teams[t].capacity.first().copied().unwrap_or(0.0);
    let tol = 1e-9;
    let mut used = vec![vec![0.0; q]; p.teams.len()];
    let mut start = vec![None; n];
    for g in &order {
        let reach = g.iter().map(|&i| offset[i]).max().unwrap_or(0);
        let mut pick: Option<(f64, usize)> = None;
        for base in 0..q.saturating_sub(reach) {
            let mut worst = 0.0_f64;
            let mut fits = true;
            let mut add: Vec<(usize, usize, f64)> = Vec::new();
            for &i in g {
                if let Some(t) = p.items[i].team {
                    add.push((t, base + offset[i], load(i)));
                }
            }
            add.sort_by_key(|&(t, k, _)| (t, k));
            let mut k = 0;
            while k < add.len() {
                let (t, qq, _) = add[k];
                let mut sum = 0.0;
                while k < add.len() && add[k].0 == t && add[k].1 == qq {
                    sum += add[k].2;
                    k += 1;
                }
                let now = used[t][qq] + sum;
                if now > cap(t) + tol {
                    fits = false;
                    break;
                }
                worst = worst.max(now / cap(t).max(1e-12));
            }
            if fits && pick.is_none_or(|(w, _)| worst < w - 1e-12) {
                pick = Some((worst, base));
            }
        }
        let (_, base) = pick?;
        for &i in g {
            start[i] = Some(base + offset[i]);
            if let Some(t) = p.items[i].team {
                used[t][base + offset[i]] += load(i);
            }
        }
    }
    // Each team's items without dependencies, in what its quarters have left.
    for &i in all.iter().filter(|&&i| !linked[i] && p.items[i].team.is_none()) {
        start[i] = Some(0);
    }
    for (t, taken) in used.iter().enumerate() {
        let members: Vec<usize> =
            all.iter().copied().filter(|&i| !linked[i] && p.items[i].team == Some(t)).collect();
        if members.is_empty() {
            continue;
        }
        let mut sub = restricted(p, &members);
        sub.teams[t].capacity = taken.iter().map(|&u| (cap(t) - u).max(0.0)).collect();
        let Schedule::Found(s) =
            schedule_of(&sub, &(0..members.len()).collect::<Vec<_>>(), opts, started, deadline)
        else {
            return None;
        };
        for (k, &i) in members.iter().enumerate() {
            start[i] = Some(s[k]?);
        }
    }
    // Checked: every chosen item placed, every dependency and capacity kept.
    let mut check = vec![vec![0.0; q]; p.teams.len()];
    for &i in all {
        let s = start[i]?;
        if let Some(t) = p.items[i].team {
            check[t][s] += load(i);
        }
        for &a in &p.items[i].depends_on {
            if start[a]? + p.lag > s {
                return None;
            }
        }
    }
    let within = (0..p.teams.len()).all(|t| check[t].iter().all(|&l| l <= cap(t) + 1e-6));
    within.then_some(start)
}

/// Combines the teams' own schedules into one by renumbering each team's quarters (a
/// permutation per team, found by a small program), so that every dependency holds; items
/// without a team go to the earliest quarter their dependencies allow. Only where renumbering
/// keeps each team's schedule valid: one-quarter items and a capacity that is the same in every
/// quarter. `None` when that is not so, or no renumbering works (a schedule may still exist).
fn relabel(
    p: &Problem,
    all: &[usize],
    start: &[Option<usize>],
    opts: &Options,
    started: Instant,
    deadline: f64,
) -> Option<Vec<Option<usize>>> {
    let q = p.quarters;
    let teamed: Vec<usize> = all.iter().copied().filter(|&i| p.items[i].team.is_some()).collect();
    let flat = |t: usize| p.teams[t].capacity.windows(2).all(|w| w[0] == w[1]);
    if all.iter().any(|&i| p.items[i].duration != 1)
        || teamed.iter().any(|&i| start[i].is_none() || !p.items[i].team.is_some_and(flat))
    {
        return None;
    }
    let left = deadline - started.elapsed().as_secs_f64();
    if left <= 0.0 {
        return None;
    }
    // z[t][b][k]: team t's quarter b becomes quarter k.
    let mut pb = crate::milp::Milp::default();
    let mut z: Vec<Option<Vec<Vec<usize>>>> = vec![None; p.teams.len()];
    for &i in &teamed {
        let t = p.items[i].team.unwrap_or_default();
        if z[t].is_none() {
            let cols: Vec<Vec<usize>> =
                (0..q).map(|_| (0..q).map(|_| pb.column(0.0, 0.0, 1.0, true)).collect()).collect();
            // A permutation: each old quarter gets one new quarter, and each new one is taken once.
            for (b, row) in cols.iter().enumerate() {
                pb.row(1.0, 1.0, row.iter().map(|&c| (c, 1.0)).collect());
                pb.row(1.0, 1.0, cols.iter().map(|r| (r[b], 1.0)).collect());
            }
            z[t] = Some(cols);
        }
    }
    // The new quarter of an item with a team, as a sum over its column; items without a team
    // get one integer column each.
    let mut loose = vec![None; p.items.len()];
    for &i in all {
        if p.items[i].team.is_none() {
            loose[i] = Some(pb.column(0.0, 0.0, (q - 1) as f64, true));
        }
    }
    let quarter_of = |i: usize, sign: f64| -> Vec<(usize, f64)> {
        match (p.items[i].team, loose[i]) {
            (_, Some(c)) => vec![(c, sign)],
            (Some(t), None) => {
                let b = start[i].unwrap_or_default();
                z[t].as_ref().map_or_else(Vec::new, |cols| {
                    (1..q).map(|k| (cols[b][k], sign * k as f64)).collect()
                })
            }
            (None, None) => Vec::new(),
        }
    };
    for &b in all {
        for &a in &p.items[b].depends_on {
            // B starts at least `lag` quarters after A (one-quarter items).
            let mut row = quarter_of(b, 1.0);
            row.extend(quarter_of(a, -1.0));
            pb.row(p.lag as f64, f64::INFINITY, row);
        }
    }
    let limits = Limits { time_limit: left, gap: 1.0, node_limit: None, ..opts.limits() };
    let x = match pb.solve(opts.solver, limits) {
        Status::Optimal(x, _) | Status::Feasible(x, _) => x,
        _ => return None,
    };
    let mut out = vec![None; p.items.len()];
    for &i in all {
        out[i] = Some(match (p.items[i].team, loose[i]) {
            (_, Some(c)) => x[c].round() as usize,
            (Some(t), None) => {
                let b = start[i].unwrap_or_default();
                let cols = z[t].as_ref()?;
                (0..q).find(|&k| x[cols[b][k]] > 0.5)?
            }
            (None, None) => return None,
        });
    }
    Some(out)
}

/// The cut of a core of team t's items that no schedule fits: at most `|core| − 1` of them. When
/// the core is one-quarter items with no dependencies among them, any one-quarter item of the
/// team at least as large as the core's largest can stand in for a core item (a schedule with it
/// in a core item's place would fit the core), so those join the cut with the same limit.
fn lifted(p: &Problem, t: usize, core: Vec<usize>) -> Cut {
    let most = core.len().saturating_sub(1);
    let plain = core.iter().all(|&i| {
        p.items[i].duration == 1 && !p.items[i].depends_on.iter().any(|a| core.contains(a))
    });
    if !plain {
        return Cut { members: core, most };
    }
    let largest = core.iter().map(|&i| p.items[i].load()).fold(0.0, f64::max);
    let mut members = core;
    for j in 0..p.items.len() {
        let it = &p.items[j];
        if it.team == Some(t)
            && it.duration == 1
            && last_start(p, j).is_some()
            && it.load() >= largest
            && !members.contains(&j)
        {
            members.push(j);
        }
    }
    members.sort_unstable();
    Cut { members, most }
}

/// Whether team t's work can get quarters in the first stage ([`refine`]): the same capacity in
/// every quarter and only one-quarter items, so its quarters are interchangeable there.
fn refinable(p: &Problem, t: usize) -> bool {
    let cap = &p.teams[t].capacity;
    cap.windows(2).all(|w| w[0] == w[1])
        && p.items.iter().all(|it| it.team != Some(t) || it.duration == 1)
}

/// Gives team t's items quarters in the first stage: `z[i][k]` (item i in quarter k of the
/// team), `Σ_k z[i][k] = y_i`, each quarter's load within the capacity, and the crowd rows per
/// quarter. Every plan keeps these, so the first stage stays a relaxation; its choice for the
/// team now fits the team's quarters (dependencies aside: the second stage renumbers the
/// quarters for them). The first stage has no other rule on the team's quarters, so they are
/// interchangeable there and may be put in a canonical order without losing any choice: each
/// quarter's first item (in item order) comes after the previous quarter's first item, that
/// is, item j may be in quarter k > 0 only if an earlier item is in quarter k − 1 (and in no
/// quarter after its own position). This takes the symmetry out.
fn refine(
    p: &Problem,
    pb: &mut crate::milp::Milp,
    column: &dyn Fn(usize) -> Option<usize>,
    t: usize,
) -> Layout {
    let q = p.quarters;
    let cap = p.teams[t].capacity.first().copied().unwrap_or(0.0);
    let mine: Vec<(usize, usize)> = (0..p.items.len())
        .filter(|&i| p.items[i].team == Some(t))
        .filter_map(|i| column(i).map(|c| (i, c)))
        .collect();
    let z: Vec<Vec<usize>> = mine
        .iter()
        .enumerate()
        .map(|(pos, _)| (0..q.min(pos + 1)).map(|_| pb.column(0.0, 0.0, 1.0, true)).collect())
        .collect();
    for (pos, &(_, y)) in mine.iter().enumerate() {
        let mut row: Vec<(usize, f64)> = z[pos].iter().map(|&c| (c, 1.0)).collect();
        row.push((y, -1.0));
        pb.row(0.0, 0.0, row);
        for k in 1..z[pos].len() {
            let mut row = vec![(z[pos][k], 1.0)];
            row.extend((0..pos).filter(|&e| z[e].len() > k - 1).map(|e| (z[e][k - 1], -1.0)));
            pb.row(f64::NEG_INFINITY, 0.0, row);
        }
    }
    let in_quarter = |k: usize, pick: &dyn Fn(usize) -> bool| -> Vec<(usize, f64)> {
        mine.iter()
            .enumerate()
            .filter(|&(pos, &(i, _))| z[pos].len() > k && pick(i))
            .map(|(pos, _)| (z[pos][k], 1.0))
            .collect()
    };
    for k in 0..q {
        let row: Vec<(usize, f64)> = mine
            .iter()
            .enumerate()
            .filter(|&(pos, &(i, _))| z[pos].len() > k && p.items[i].load() > 0.0)
            .map(|(pos, &(i, _))| (z[pos][k], p.items[i].load()))
            .collect();
        if !row.is_empty() {
            pb.row(f64::NEG_INFINITY, cap, row);
        }
        for (members, most) in crate::solve::crowds(p, t, cap) {
            let row = in_quarter(k, &|i| members.contains(&i));
            if row.len() > most {
                pb.row(f64::NEG_INFINITY, most as f64, row);
            }
        }
    }
    Layout { items: mine.iter().map(|&(i, _)| i).collect(), z }
}

/// A refined team's columns in the first stage: its items (with a column), in order, and
/// `z[pos][k]`, the column of its `pos`-th item in quarter `k` (only `k ≤ pos`).
struct Layout {
    items: Vec<usize>,
    z: Vec<Vec<usize>>,
}

/// A starting point for the next round: the last choice `x`, with each refined team's items in
/// the quarters `x` gave them, those of a newly refined team packed largest first (what does
/// not fit is dropped, and so is whatever depends on a dropped item), each team's quarters in
/// the canonical order. `None` when the point cannot be written.
fn repaired(
    p: &Problem,
    pb: &crate::milp::Milp,
    cols: &crate::solve::Columns,
    layouts: &[Option<Layout>],
    x: &[f64],
    chosen: &[bool],
) -> Option<Vec<f64>> {
    let q = p.quarters;
    let mut chosen = chosen.to_vec();
    let mut bins: Vec<Vec<Vec<usize>>> = vec![Vec::new(); p.teams.len()];
    for (t, layout) in layouts.iter().enumerate() {
        let Some(l) = layout else { continue };
        let cap = p.teams[t].capacity.first().copied().unwrap_or(0.0);
        let mut team_bins = vec![Vec::new(); q];
        let mut load = vec![0.0; q];
        let mut loose = Vec::new();
        for (pos, &i) in l.items.iter().enumerate() {
            if !chosen[i] {
                continue;
            }
            match l.z[pos].iter().position(|&c| x.get(c).is_some_and(|&v| v > 0.5)) {
                Some(k) => {
                    team_bins[k].push(pos);
                    load[k] += p.items[i].load();
                }
                None => loose.push(pos),
            }
        }
        loose.sort_by(|&a, &b| p.items[l.items[b]].load().total_cmp(&p.items[l.items[a]].load()));
        for pos in loose {
            let w = p.items[l.items[pos]].load();
            match (0..q).find(|&k| load[k] + w <= cap + 1e-9) {
                Some(k) => {
                    team_bins[k].push(pos);
                    load[k] += w;
                }
                None => chosen[l.items[pos]] = false,
            }
        }
        bins[t] = team_bins;
    }
    // Whatever depends on a dropped item goes too.
    drop_orphans(p, &mut chosen);
    let start: Vec<Option<usize>> = chosen.iter().map(|&c| c.then_some(0)).collect();
    let mut v = point(p, pb, cols, &start)?;
    for (t, layout) in layouts.iter().enumerate() {
        let Some(l) = layout else { continue };
        let mut team_bins: Vec<Vec<usize>> = bins[t]
            .iter()
            .map(|b| b.iter().copied().filter(|&pos| chosen[l.items[pos]]).collect::<Vec<_>>())
            .filter(|b| !b.is_empty())
            .collect();
        team_bins.sort_by_key(|b| b.iter().copied().min());
        for (k, bin) in team_bins.iter().enumerate() {
            for &pos in bin {
                *v.get_mut(*l.z[pos].get(k)?)? = 1.0;
            }
        }
    }
    Some(v)
}

/// Unchooses every item that depends on an unchosen one, until none does (a dependency chain
/// falls as a whole).
fn drop_orphans(p: &Problem, chosen: &mut [bool]) {
    loop {
        let mut changed = false;
        for b in 0..p.items.len() {
            if chosen[b] && p.items[b].depends_on.iter().any(|&a| !chosen[a]) {
                chosen[b] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Item, Team};

    fn item(id: &str, team: usize, effort: f64, depends_on: Vec<usize>) -> Item {
        Item {
            id: id.into(),
            value: 1.0,
            cost: 0.0,
            staff: 0.0,
            effort,
            team: Some(team),
            duration: 1,
            must: false,
            barred: None,
            why_barred: None,
            depends_on,
            excludes: Vec::new(),
            learning: None,
            ramp_up: 0,
        }
    }

    fn two_teams(quarters: usize, capacity: f64, lag: usize, items: Vec<Item>) -> Problem {
        let team =
            |id: &str| Team { id: id.into(), capacity: vec![capacity; quarters], rate: None };
        Problem {
            items,
            teams: vec![team("x"), team("y")],
            quarters,
            budget: None,
            lag,
            shares: Vec::new(),
            covers: Vec::new(),
            risk: None,
            horizon: None,
            hiring: false,
        }
    }

    /// Every chosen item placed once, capacities and dependencies (with the lag) kept.
    fn valid(p: &Problem, start: &[Option<usize>]) -> bool {
        let load = p.load(start);
        let fits = (0..p.teams.len())
            .all(|t| (0..p.quarters).all(|q| load[t][q] <= p.teams[t].capacity[q] + 1e-9));
        let deps = (0..p.items.len()).all(|b| {
            p.items[b].depends_on.iter().all(|&a| match (start[a], start[b]) {
                (Some(sa), Some(sb)) => sb >= sa + p.items[a].duration - 1 + p.lag,
                _ => false,
            })
        });
        fits && deps && start.iter().all(Option::is_some)
    }

    #[test]
    fn spread_places_groups_of_dependent_items_together_then_fills_each_team() {
        // b (y) needs a (x), d (x) needs c (y), lag 0: each group in one quarter, the two
        // groups in different quarters (a quarter of x holds 2), e and f fill what is left.
        let p = two_teams(
            2,
            2.0,
            0,
            vec![
                item("a", 0, 1.0, vec![]),
                item("b", 1, 1.0, vec![0]),
                item("c", 1, 1.0, vec![]),
                item("d", 0, 1.0, vec![2]),
                item("e", 0, 1.0, vec![]),
                item("f", 1, 1.0, vec![]),
            ],
        );
        let all: Vec<usize> = (0..6).collect();
        let start =
            spread(&p, &all, &Options::default(), Instant::now(), 60.0).expect("a schedule");
        assert!(valid(&p, &start), "{start:?}");
        assert_eq!(start[0], start[1]);
        assert_eq!(start[2], start[3]);
        assert_ne!(start[0], start[2]);
        // With a lag of one quarter in three quarters: the dependant one quarter later.
        let mut q = p.clone();
        q.quarters = 3;
        q.lag = 1;
        for t in &mut q.teams {
            t.capacity = vec![2.0; 3];
        }
        let start =
            spread(&q, &all, &Options::default(), Instant::now(), 60.0).expect("a schedule");
        assert!(valid(&q, &start), "{start:?}");
        assert_eq!(start[1].zip(start[0]).map(|(b, a)| b - a), Some(1));
        // No room: a chain of three with a lag of one does not fit two quarters.
        let mut r =
            two_teams(2, 2.0, 1, vec![item("a", 0, 1.0, vec![]), item("b", 1, 1.0, vec![0])]);
        r.items.push(item("c", 0, 1.0, vec![1]));
        assert!(spread(&r, &[0, 1, 2], &Options::default(), Instant::now(), 60.0).is_none());
    }
}

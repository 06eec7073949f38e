//! Why each initiative is in or out, what one more engineer or more budget would buy, and the
//! efficient frontier of value against budget.

use serde::Serialize;

use crate::batch::{Answer, Job};
use crate::problem::Problem;
use crate::solve::{Options, Outcome, Solution, resolve};

/// The reason for one item, in a sentence, with its kind for machines.
#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    /// Initiative id.
    pub id: String,
    /// In the plan?
    pub selected: bool,
    /// `must_do`, `needed_by`, `value_per_cost`, `positive_value`, `barred`, `no_value`,
    /// `excluded_by`, `needs_missing`, `budget`, `capacity`, `rules`.
    pub kind: &'static str,
    /// The sentence.
    pub text: String,
    /// For an item that is out: how much objective forcing it in would cost (`None` when not
    /// computed or when forcing it in is infeasible).
    pub cost_of_forcing: Option<f64>,
    /// For an item that is in, when value depends on time: the expected value lost if it
    /// shipped one quarter later, `value · (S(t) − S(t + 1))`, exact from the formula.
    pub delay_cost: Option<f64>,
    /// The reason, for a page that says it in its own language (`text` is the English).
    #[serde(skip)]
    pub why: Why,
    /// For research: what it would teach (the end of `text`).
    #[serde(skip)]
    pub learning: Option<crate::problem::Learning>,
    /// For an item that is out, when forcing it in was tried: whether a plan can include it.
    #[serde(skip)]
    pub forcible: Option<bool>,
}

/// Why an item is in the plan or out of it (values and costs per 1,000 of cost where said).
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    /// In: it must be done.
    MustDo,
    /// In: an item of the plan (this id) needs it.
    NeededBy(String),
    /// In: its value per 1,000 of cost is at or above the plan's cut-off.
    AboveCutoff {
        /// Value per 1,000 of cost.
        ratio: f64,
        /// The cut-off.
        cutoff: f64,
    },
    /// In: positive value for its team's paid time and no other spend.
    PaidTime {
        /// Expected value.
        value: f64,
        /// Person-quarters.
        effort: f64,
    },
    /// In: positive value at no cost.
    Free {
        /// Expected value.
        value: f64,
    },
    /// Out: it cannot be in the plan.
    Barred(crate::problem::Barred),
    /// Out: it excludes this item, which is in.
    Excludes(String),
    /// Out: it needs this item, which is out.
    NeedsMissing(String),
    /// Out: its expected value is not positive.
    NoValue {
        /// Expected value.
        value: f64,
    },
    /// Out: below the cut-off, and the budget is spent.
    BelowCutoff {
        /// Value per 1,000 of cost.
        ratio: f64,
        /// The cut-off.
        cutoff: f64,
    },
    /// Out: its team has no room for it in any quarter.
    NoRoom {
        /// The team's id.
        team: String,
        /// Person-quarters it needs.
        effort: f64,
    },
    /// Out: it does not fit in what is left of the budget.
    OverBudget,
    /// Out: it would break a balance rule or displace more value.
    Rules,
    /// Out: it cannot be in the plan, for a reason given only in English (a problem built by
    /// hand, without [`crate::problem::Item::why_barred`]).
    BarredBecause(String),
}

impl Why {
    /// The reason in English, as [`Reason::text`] begins.
    pub fn text(&self) -> String {
        match self {
            Why::MustDo => "in: it must be done (must_do or --require)".into(),
            Why::NeededBy(b) => format!("in: `{b}` needs it"),
            Why::AboveCutoff { ratio, cutoff } => format!(
                "in: {} value per 1k of cost, at or above the cut-off {}",
                num(*ratio),
                num(*cutoff)
            ),
            Why::PaidTime { value, effort } => format!(
                "in: expected value {} for {} person-quarters of its team's paid time and no \
                 other spend",
                num(*value),
                num(*effort)
            ),
            Why::Free { value } => format!("in: expected value {} at no cost", num(*value)),
            Why::Barred(b) => format!("out: {}", b.text()),
            Why::BarredBecause(why) => format!("out: {why}"),
            Why::Excludes(x) => format!("out: it excludes `{x}`, which is in"),
            Why::NeedsMissing(a) => format!("out: it needs `{a}`, which is out"),
            Why::NoValue { value } => {
                format!("out: expected value {} is not positive", num(*value))
            }
            Why::BelowCutoff { ratio, cutoff } => format!(
                "out: {} value per 1k of cost is below the cut-off {} and the budget is spent",
                num(*ratio),
                num(*cutoff)
            ),
            Why::NoRoom { team, effort } => format!(
                "out: team `{team}` has no room for {} person-quarters in any quarter",
                num(*effort)
            ),
            Why::OverBudget => "out: it does not fit in what is left of the budget".into(),
            Why::Rules => {
                "out: including it would break a balance rule or displace more value".into()
            }
        }
    }
}

/// The what-ifs behind a plan's explanations, solved: each left-out item forced in, one more
/// FTE per team, 10% more budget, and the efficient frontier.
#[derive(Clone, Debug, Default)]
pub struct WhatIfs {
    /// Per item: the plan with it forced in (left-out items only, when asked).
    pub forced: Vec<Option<Solution>>,
    /// Per team: the plan with one more FTE in every quarter (when solved).
    pub more_room: Vec<Option<Solution>>,
    /// The plan with 10% more budget (when there is a budget and marginals were asked).
    pub more_budget: Option<Solution>,
    /// The efficient frontier (empty when not asked).
    pub frontier: Vec<FrontierPoint>,
}

/// Solves the what-ifs `extras` asks for around the plan `s` as one batch
/// ([`crate::batch::run`]: in parallel processes when the program installed a pool).
pub fn what_ifs(p: &Problem, s: &Solution, opts: &Options, extras: crate::Extras) -> WhatIfs {
    let mut jobs = Vec::new();
    // The frontier is one long job (its points build on each other): first, so it overlaps the
    // rest.
    if extras.frontier_points > 0 {
        jobs.push(Job::Frontier { points: extras.frontier_points });
    }
    if extras.force && s.has_plan() {
        jobs.extend(
            (0..p.items.len())
                .filter(|&i| !s.selected(i) && p.items[i].barred.is_none())
                .map(|item| Job::Force { item }),
        );
    }
    if extras.marginals && s.has_plan() {
        jobs.extend(
            (0..p.teams.len())
                .filter(|&t| has_candidates(p, t) && !more_room_is_idle(p, t))
                .map(|team| Job::MoreRoom { team }),
        );
        if p.budget.is_some() {
            jobs.push(Job::MoreBudget);
        }
    }
    let answers = crate::batch::run(p, opts, s, &jobs);
    let mut w = WhatIfs {
        forced: vec![None; p.items.len()],
        more_room: vec![None; p.teams.len()],
        ..WhatIfs::default()
    };
    for (job, answer) in jobs.into_iter().zip(answers) {
        match (job, answer) {
            (Job::Frontier { .. }, Answer::Frontier { points }) => w.frontier = points,
            (Job::Force { item }, Answer::Solved { solution }) => w.forced[item] = Some(solution),
            (Job::MoreRoom { team }, Answer::Solved { solution }) => {
                w.more_room[team] = Some(solution)
            }
            (Job::MoreBudget, Answer::Solved { solution }) => w.more_budget = Some(solution),
            _ => {}
        }
    }
    w
}

/// One what-if, solved: the same answer wherever it runs.
pub fn answer(p: &Problem, opts: &Options, base: &Solution, job: Job) -> Answer {
    let solved = |q: &Problem, warm: Option<&[Option<usize>]>| Answer::Solved {
        solution: resolve(q, opts, warm),
    };
    match job {
        Job::Force { item } => {
            let mut q = p.clone();
            if let Some(it) = q.items.get_mut(item) {
                it.must = true;
            }
            solved(&q, None)
        }
        Job::MoreRoom { team } => {
            let mut q = p.clone();
            if let Some(t) = q.teams.get_mut(team) {
                for c in &mut t.capacity {
                    *c += 1.0;
                }
            }
            // Durations were set from the original capacity; keep them, so the comparison is
            // about room, not about faster delivery. The plan still fits: start from it.
            solved(&q, Some(&base.start))
        }
        Job::MoreBudget => {
            let mut q = p.clone();
            q.budget = p.budget.map(|b| b * 1.1);
            solved(&q, Some(&base.start))
        }
        Job::Frontier { points } => {
            Answer::Frontier { points: frontier(p, points, opts, Some(base)) }
        }
    }
}

/// Reasons for every item. `force` re-solves with each left-out item required, to state what
/// including it would cost (one solve per such item: skip on very large problems).
pub fn reasons(p: &Problem, s: &Solution, opts: &Options, force: bool) -> Vec<Reason> {
    let extras = crate::Extras { force, marginals: false, frontier_points: 0 };
    reasons_from(p, s, &what_ifs(p, s, opts, extras))
}

/// Reasons for every item, with the forced-in what-ifs already solved in `w`.
pub fn reasons_from(p: &Problem, s: &Solution, w: &WhatIfs) -> Vec<Reason> {
    let n = p.items.len();
    let chosen = |i: usize| s.selected(i);
    // Computed once: which selected item needs each item, and each team's load per quarter.
    let mut needer: Vec<Option<usize>> = vec![None; n];
    for b in (0..n).rev().filter(|&b| chosen(b)) {
        for &a in &p.items[b].depends_on {
            needer[a] = Some(b);
        }
    }
    let needed_by = |i: usize| needer[i];
    let load = p.load(&s.start);
    let budget_slack = p.budget.map(|b| b - s.cost);
    // An item's value where it is (in) or at best, shipping as early as it can (out).
    let value = |i: usize| match s.start[i] {
        Some(q) => p.value_at(i, q),
        None => p.value_at(i, 0),
    };
    // The cut-off: the lowest value per cost among items in the plan on their own merit.
    let merit: Vec<usize> = (0..n)
        .filter(|&i| chosen(i) && !p.items[i].must && p.items[i].cost > 0.0)
        .filter(|&i| !needed_by(i).is_some_and(|_| value(i) <= 0.0))
        .collect();
    let cutoff = merit.iter().map(|&i| value(i) / p.items[i].cost).fold(f64::INFINITY, f64::min);
    let ratio = |i: usize| {
        let it = &p.items[i];
        if it.cost > 0.0 { Some(value(i) / it.cost) } else { None }
    };
    let mut out = Vec::with_capacity(n);
    for (i, it) in p.items.iter().enumerate() {
        let id = it.id.clone();
        let r = |kind: &'static str, selected: bool, why: Why| Reason {
            id: id.clone(),
            selected,
            kind,
            text: why.text(),
            cost_of_forcing: None,
            delay_cost: None,
            why,
            learning: it.learning.clone(),
            forcible: None,
        };
        if let Some(q) = s.start[i] {
            let mut reason = if it.must {
                r("must_do", true, Why::MustDo)
            } else if let Some(b) = needed_by(i)
                && (value(i) <= 0.0 || ratio(i).is_some_and(|x| x < cutoff))
            {
                r("needed_by", true, Why::NeededBy(p.items[b].id.clone()))
            } else if let Some(x) = ratio(i) {
                r("value_per_cost", true, Why::AboveCutoff { ratio: x * 1e3, cutoff: cutoff * 1e3 })
            } else if it.staff > 0.0 {
                r("positive_value", true, Why::PaidTime { value: value(i), effort: it.effort })
            } else {
                r("positive_value", true, Why::Free { value: value(i) })
            };
            if let Some(l) = &it.learning {
                reason.text.push_str(&learning_text(l));
            }
            if let Some(d) = p.delay_cost(i, q) {
                reason.delay_cost = Some(d);
                reason.text.push_str(&format!("; a quarter's delay would cost {}", num(d)));
            }
            out.push(reason);
            continue;
        }
        let mut reason = if let Some(why) = &it.barred {
            let why = match &it.why_barred {
                Some(b) => Why::Barred(b.clone()),
                None => Why::BarredBecause(why.clone()),
            };
            r("barred", false, why)
        } else if let Some(&x) = it.excludes.iter().find(|&&x| chosen(x)) {
            r("excluded_by", false, Why::Excludes(p.items[x].id.clone()))
        } else if let Some(&a) = it.depends_on.iter().find(|&&a| !chosen(a)) {
            r("needs_missing", false, Why::NeedsMissing(p.items[a].id.clone()))
        } else if value(i) <= 0.0 {
            r("no_value", false, Why::NoValue { value: value(i) })
        } else if budget_slack.is_some_and(|slack| slack < it.cost)
            && ratio(i).is_some_and(|x| x < cutoff)
        {
            let ratio = ratio(i).unwrap_or(0.0) * 1e3;
            r("budget", false, Why::BelowCutoff { ratio, cutoff: cutoff * 1e3 })
        } else if let Some(t) = it.team
            && full_every_quarter(p, &load, i)
        {
            r("capacity", false, Why::NoRoom { team: p.teams[t].id.clone(), effort: it.effort })
        } else if budget_slack.is_some_and(|slack| slack < it.cost) {
            r("budget", false, Why::OverBudget)
        } else {
            r("rules", false, Why::Rules)
        };
        if let Some(l) = &it.learning {
            reason.text.push_str(&learning_text(l));
        }
        if let Some(forced) = w.forced.get(i).and_then(Option::as_ref) {
            reason.forcible = Some(forced.has_plan());
            if forced.has_plan() {
                let loss = s.objective - forced.objective;
                reason.cost_of_forcing = Some(loss);
                reason.text.push_str(&format!("; forcing it in would lose {}", num(loss)));
            } else {
                reason.text.push_str("; no plan can include it");
            }
        }
        out.push(reason);
    }
    out
}

/// What a research item would teach, for its reason: the value of the information, the links
/// it measures and the decisions it could change.
fn learning_text(l: &crate::problem::Learning) -> String {
    let measures: Vec<String> =
        // The standard error as written in the model (small effects need all their digits).
        l.measures.iter().map(|(link, se)| format!("`{link}` to ±{se}")).collect();
    let mut text = format!(
        "; it is research worth {} (expected value of sample information, ±{}): it measures {}",
        num(l.evsi),
        num(l.se),
        measures.join(", ")
    );
    if l.changes.is_empty() {
        text.push_str(", and no result could change a decision of the plan");
    } else {
        let changes: Vec<String> = l
            .changes
            .iter()
            .map(|(id, p)| format!("`{id}` ({})", model::display::pct(*p)))
            .collect();
        text.push_str(&format!(
            ", and the result could change the decision on {}",
            changes.join(", ")
        ));
    }
    text
}

/// Is the item's team too full to start it in any quarter?
fn full_every_quarter(p: &Problem, load: &[Vec<f64>], i: usize) -> bool {
    let it = &p.items[i];
    let Some(t) = it.team else { return false };
    if p.can_hire(t) {
        return false;
    }
    let Some(last) = crate::solve::last_start(p, i) else { return true };
    (0..=last).all(|start| {
        (start..start + it.duration).any(|q| load[t][q] + it.load() > p.teams[t].capacity[q] + 1e-9)
    })
}

/// What one more unit of a resource buys.
#[derive(Clone, Debug, Serialize)]
pub struct Marginal {
    /// `team` or `budget`.
    pub resource: String,
    /// What was added.
    pub added: String,
    /// Objective gained.
    pub gain: f64,
    /// What was added, for a page that says it in its own language (`resource` and `added` are
    /// the English).
    #[serde(skip)]
    pub more: More,
}

/// What a marginal value adds.
#[derive(Clone, Debug, PartialEq)]
pub enum More {
    /// One more person in every quarter in the team with this id.
    Person(String),
    /// 10% more budget: this amount.
    Budget(f64),
}

/// The marginal value of one more FTE in each team (every quarter) and of 10% more budget.
pub fn marginals(p: &Problem, s: &Solution, opts: &Options) -> Vec<Marginal> {
    let extras = crate::Extras { force: false, marginals: true, frontier_points: 0 };
    marginals_from(p, s, &what_ifs(p, s, opts, extras))
}

/// The marginal values, with their what-ifs already solved in `w`.
pub fn marginals_from(p: &Problem, s: &Solution, w: &WhatIfs) -> Vec<Marginal> {
    let mut out = Vec::new();
    if !s.has_plan() {
        return out;
    }
    for t in (0..p.teams.len()).filter(|&t| has_candidates(p, t)) {
        let gain = if more_room_is_idle(p, t) {
            Some(0.0)
        } else {
            w.more_room[t].as_ref().filter(|r| r.has_plan()).map(|r| r.objective - s.objective)
        };
        if let Some(gain) = gain {
            out.push(Marginal {
                resource: format!("team `{}`", p.teams[t].id),
                added: "one more FTE in every quarter".into(),
                gain,
                more: More::Person(p.teams[t].id.clone()),
            });
        }
    }
    if let (Some(b), Some(r)) = (p.budget, w.more_budget.as_ref().filter(|r| r.has_plan())) {
        out.push(Marginal {
            resource: "budget".into(),
            added: format!("10% more ({})", num(b * 0.1)),
            gain: r.objective - s.objective,
            more: More::Budget(b * 0.1),
        });
    }
    out
}

/// Whether team t has a candidate that could be planned (room for it is worth asking about).
fn has_candidates(p: &Problem, t: usize) -> bool {
    p.items.iter().any(|it| it.team == Some(t) && it.barred.is_none())
}

/// Whether one more FTE in team t cannot raise the objective, so no solve is needed: every
/// candidate of the team fits in its capacity all at once from the first quarter, none needs
/// another item first, none has negative value, the team cannot hire and risk is not weighed.
/// Then any plan that uses the extra room can move the team's items to the first quarter: they
/// still fit the old capacity, the selection (and so spend, exclusions, shares and covers) is
/// the same, items that need them still find them finished in time, and each is worth at least
/// as much earlier. So the best plan with the extra FTE is no better than the best without it.
pub fn more_room_is_idle(p: &Problem, t: usize) -> bool {
    let risky = p.risk.as_ref().is_some_and(|r| r.weight > 0.0 && !r.scenarios.is_empty());
    if p.can_hire(t) || risky {
        return false;
    }
    let items: Vec<usize> = (0..p.items.len())
        .filter(|&i| p.items[i].team == Some(t) && crate::solve::last_start(p, i).is_some())
        .collect();
    if items.iter().any(|&i| !p.items[i].depends_on.is_empty() || p.items[i].value < 0.0) {
        return false;
    }
    (0..p.quarters).all(|q| {
        let load: f64 =
            items.iter().filter(|&&i| q < p.items[i].duration).map(|&i| p.items[i].load()).sum();
        load <= p.teams[t].capacity[q] + 1e-9
    })
}

/// The least any plan spends from the budget: the other spend of every must-do item and of
/// everything it needs, directly or through others. A budget below it has no plan.
fn least_spend(p: &Problem) -> f64 {
    let mut needed = vec![false; p.items.len()];
    let mut stack: Vec<usize> = (0..p.items.len()).filter(|&i| p.items[i].must).collect();
    while let Some(i) = stack.pop() {
        if !needed[i] {
            needed[i] = true;
            stack.extend(p.items[i].depends_on.iter().copied());
        }
    }
    (0..p.items.len()).filter(|&i| needed[i]).map(|i| p.items[i].cost).sum()
}

/// One point of the efficient frontier.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct FrontierPoint {
    /// Budget.
    pub budget: f64,
    /// Best objective at that budget; `None` when no plan fits (e.g. must-do work costs more).
    pub objective: Option<f64>,
    /// Cost of that plan.
    pub cost: Option<f64>,
    /// Initiatives in it.
    pub selected: usize,
}

/// The best plan at `points` budgets from 0 to the cost of everything.
///
/// A budget below what the must-do work and everything it needs spend has no plan, without a
/// solve.
/// The best value is non-decreasing in the budget, and a plan proven optimal at budget `B` that
/// spends `c` is optimal at every budget from `c` to `B` (it still fits, and nothing better fits
/// in less). So a point inside such a range takes that plan without a solve: the plan itself
/// (`base`, at the model's budget) and the plan at the top point cover the upper points on the
/// example. The other points are solved from the lowest budget up, each starting from the best
/// plan already found that fits its budget.
pub fn frontier(
    p: &Problem,
    points: usize,
    opts: &Options,
    base: Option<&Solution>,
) -> Vec<FrontierPoint> {
    let top = p.total_cost();
    let budgets: Vec<f64> = (0..=points).map(|k| top * k as f64 / points.max(1) as f64).collect();
    // Plans found so far, with the budget each was solved at (`None`: no budget).
    let mut known: Vec<(Option<f64>, Solution)> = Vec::new();
    if let Some(b) = base.filter(|b| b.has_plan()) {
        known.push((p.budget, b.clone()));
    }
    let point = |budget: f64, s: &Solution| FrontierPoint {
        budget,
        objective: s.has_plan().then_some(s.objective),
        cost: s.has_plan().then_some(s.cost),
        selected: s.start.iter().filter(|x| x.is_some()).count(),
    };
    let floor = least_spend(p);
    let none = Solution {
        outcome: Outcome::Infeasible { conflicts: Vec::new() },
        objective: f64::NAN,
        start: vec![None; p.items.len()],
        value: 0.0,
        cost: 0.0,
        hired: 0.0,
        seconds: 0.0,
        solver: opts.solver,
        stages: None,
    };
    let solve_at = |budget: f64, known: &mut Vec<(Option<f64>, Solution)>| -> Solution {
        if budget < floor * (1.0 - 1e-9) {
            return none.clone();
        }
        // Proven optimal at a budget at least this one, and fits in this one.
        let proven = known.iter().find(|(limit, s)| {
            s.outcome == Outcome::Optimal && s.cost <= budget && limit.is_none_or(|l| budget <= l)
        });
        if let Some((_, s)) = proven {
            return s.clone();
        }
        // Start from the best plan found at a lower budget: it still fits.
        let warm = known
            .iter()
            .filter(|(_, s)| s.has_plan() && s.cost <= budget)
            .max_by(|a, b| a.1.objective.total_cmp(&b.1.objective))
            .map(|(_, s)| s.start.clone());
        let mut q = p.clone();
        q.budget = Some(budget);
        let s = resolve(&q, opts, warm.as_deref());
        if s.has_plan() {
            known.push((Some(budget), s.clone()));
        }
        s
    };
    let mut out: Vec<Option<FrontierPoint>> = vec![None; budgets.len()];
    // The top first: everything fits there, so its plan covers every point it does not spend;
    // then from the lowest budget up, each starting from the plan below it.
    if let Some(&b) = budgets.last() {
        out[budgets.len() - 1] = Some(point(b, &solve_at(b, &mut known)));
    }
    for (k, &b) in budgets.iter().enumerate().take(budgets.len().saturating_sub(1)) {
        out[k] = Some(point(b, &solve_at(b, &mut known)));
    }
    out.into_iter().flatten().collect()
}

/// Numbers in reasons read as everywhere else.
pub use model::display::num;

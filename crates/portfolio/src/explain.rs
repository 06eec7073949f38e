//! Why each initiative is in or out, what one more engineer or more budget would buy, and the
//! efficient frontier of value against budget.

use serde::Serialize;

use crate::problem::Problem;
use crate::solve::{Options, Solution, solve};

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
}

/// Reasons for every item. `force` re-solves with each left-out item required, to state what
/// including it would cost (one solve per such item: skip on very large problems).
pub fn reasons(p: &Problem, s: &Solution, opts: &Options, force: bool) -> Vec<Reason> {
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
        let r = |kind: &'static str, selected: bool, text: String| Reason {
            id: id.clone(),
            selected,
            kind,
            text,
            cost_of_forcing: None,
            delay_cost: None,
        };
        if let Some(q) = s.start[i] {
            let mut reason = if it.must {
                r("must_do", true, "in: it must be done (must_do or --require)".into())
            } else if let Some(b) = needed_by(i)
                && (value(i) <= 0.0 || ratio(i).is_some_and(|x| x < cutoff))
            {
                r("needed_by", true, format!("in: `{}` needs it", p.items[b].id))
            } else if let Some(x) = ratio(i) {
                r(
                    "value_per_cost",
                    true,
                    format!(
                        "in: {} value per 1k of cost, at or above the cut-off {}",
                        num(x * 1e3),
                        num(cutoff * 1e3)
                    ),
                )
            } else if it.staff > 0.0 {
                r(
                    "positive_value",
                    true,
                    format!(
                        "in: expected value {} for {} person-quarters of its team's paid time \
                         and no other spend",
                        num(value(i)),
                        num(it.effort)
                    ),
                )
            } else {
                r(
                    "positive_value",
                    true,
                    format!("in: expected value {} at no cost", num(value(i))),
                )
            };
            if let Some(d) = p.delay_cost(i, q) {
                reason.delay_cost = Some(d);
                reason.text.push_str(&format!("; a quarter's delay would cost {}", num(d)));
            }
            out.push(reason);
            continue;
        }
        let mut reason = if let Some(why) = &it.barred {
            r("barred", false, format!("out: {why}"))
        } else if let Some(&x) = it.excludes.iter().find(|&&x| chosen(x)) {
            r("excluded_by", false, format!("out: it excludes `{}`, which is in", p.items[x].id))
        } else if let Some(&a) = it.depends_on.iter().find(|&&a| !chosen(a)) {
            r("needs_missing", false, format!("out: it needs `{}`, which is out", p.items[a].id))
        } else if value(i) <= 0.0 {
            r("no_value", false, format!("out: expected value {} is not positive", num(value(i))))
        } else if budget_slack.is_some_and(|slack| slack < it.cost)
            && ratio(i).is_some_and(|x| x < cutoff)
        {
            r(
                "budget",
                false,
                format!(
                    "out: {} value per 1k of cost is below the cut-off {} and the budget is spent",
                    num(ratio(i).unwrap_or(0.0) * 1e3),
                    num(cutoff * 1e3)
                ),
            )
        } else if let Some(t) = it.team
            && full_every_quarter(p, &load, i)
        {
            r(
                "capacity",
                false,
                format!(
                    "out: team `{}` has no room for {} person-quarters in any quarter",
                    p.teams[t].id,
                    num(it.effort)
                ),
            )
        } else if budget_slack.is_some_and(|slack| slack < it.cost) {
            r("budget", false, "out: it does not fit in what is left of the budget".into())
        } else {
            r(
                "rules",
                false,
                "out: including it would break a balance rule or displace more value".into(),
            )
        };
        if force && it.barred.is_none() && s.has_plan() {
            let mut q = p.clone();
            q.items[i].must = true;
            let forced = solve(&q, opts);
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
}

/// The marginal value of one more FTE in each team (every quarter) and of 10% more budget.
pub fn marginals(p: &Problem, s: &Solution, opts: &Options) -> Vec<Marginal> {
    let mut out = Vec::new();
    if !s.has_plan() {
        return out;
    }
    for t in 0..p.teams.len() {
        if !p.items.iter().any(|it| it.team == Some(t) && it.barred.is_none()) {
            continue;
        }
        let mut q = p.clone();
        for c in &mut q.teams[t].capacity {
            *c += 1.0;
        }
        // Durations were set from the original capacity; keep them, so the comparison is
        // about room, not about faster delivery.
        let r = solve(&q, opts);
        if r.has_plan() {
            out.push(Marginal {
                resource: format!("team `{}`", p.teams[t].id),
                added: "one more FTE in every quarter".into(),
                gain: r.objective - s.objective,
            });
        }
    }
    if let Some(b) = p.budget {
        let mut q = p.clone();
        q.budget = Some(b * 1.1);
        let r = solve(&q, opts);
        if r.has_plan() {
            out.push(Marginal {
                resource: "budget".into(),
                added: format!("10% more ({})", num(b * 0.1)),
                gain: r.objective - s.objective,
            });
        }
    }
    out
}

/// One point of the efficient frontier.
#[derive(Clone, Debug, Serialize)]
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
pub fn frontier(p: &Problem, points: usize, opts: &Options) -> Vec<FrontierPoint> {
    let top = p.total_cost();
    (0..=points)
        .map(|k| {
            let budget = top * k as f64 / points.max(1) as f64;
            let mut q = p.clone();
            q.budget = Some(budget);
            let s = solve(&q, opts);
            FrontierPoint {
                budget,
                objective: s.has_plan().then_some(s.objective),
                cost: s.has_plan().then_some(s.cost),
                selected: s.start.iter().filter(|x| x.is_some()).count(),
            }
        })
        .collect()
}

/// Numbers in reasons read as everywhere else.
pub use model::display::num;

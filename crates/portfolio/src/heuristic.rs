//! A greedy plan, handed to the solver as its first incumbent. Branch and bound prunes with the
//! best plan known so far; starting from a good one instead of none lets HiGHS close the gap on
//! large portfolios much sooner. The greedy plan is only a hint: the solver proves optimality
//! on its own, and a hint that breaks a rule is never given (it is checked by
//! [`crate::brute::feasible`]).

use crate::brute::feasible;
use crate::problem::Problem;
use crate::solve::last_start;

/// Fills items by value per cost (must-do work first, then one member of every cover rule),
/// each at the earliest quarter its dependencies, exclusions, the budget and its team's capacity
/// allow. `None` when the result breaks a rule (e.g. a share rule) or misses must-do work.
pub fn greedy(p: &Problem) -> Option<Vec<Option<usize>>> {
    let n = p.items.len();
    let ratio = |i: usize| {
        let it = &p.items[i];
        if it.cost > 0.0 { it.value / it.cost } else { f64::INFINITY * it.value.signum() }
    };
    let mut order: Vec<usize> =
        (0..n).filter(|&i| p.items[i].value > 0.0 || p.items[i].must).collect();
    order.sort_by(|&a, &b| {
        p.items[b].must.cmp(&p.items[a].must).then(ratio(b).total_cmp(&ratio(a))).then(a.cmp(&b))
    });
    let mut g = Greedy {
        p,
        start: vec![None; n],
        load: p.teams.iter().map(|t| vec![0.0; t.capacity.len()]).collect(),
        cost: 0.0,
    };
    for &i in order.iter().filter(|&&i| p.items[i].must) {
        g.place_with_dependencies(i, 0);
    }
    for c in &p.covers {
        if !c.members.iter().any(|&i| g.start[i].is_some()) {
            let mut members = c.members.clone();
            members.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)));
            for i in members {
                if g.place_with_dependencies(i, 0) {
                    break;
                }
            }
        }
    }
    // Two passes: the second picks up dependants whose dependency came later in the order.
    for _ in 0..2 {
        for &i in &order {
            g.place(i);
        }
    }
    feasible(p, &g.start).then_some(g.start)
}

struct Greedy<'p> {
    p: &'p Problem,
    start: Vec<Option<usize>>,
    load: Vec<Vec<f64>>,
    cost: f64,
}

impl Greedy<'_> {
    /// Places `i` after placing what it needs (depth-limited); true when `i` is in.
    fn place_with_dependencies(&mut self, i: usize, depth: usize) -> bool {
        if self.start[i].is_some() {
            return true;
        }
        if depth < 8 {
            for a in self.p.items[i].depends_on.clone() {
                self.place_with_dependencies(a, depth + 1);
            }
        }
        self.place(i)
    }

    /// Places `i` at its earliest feasible quarter; true when it is in.
    fn place(&mut self, i: usize) -> bool {
        let p = self.p;
        let it = &p.items[i];
        if self.start[i].is_some() {
            return true;
        }
        let Some(last) = last_start(p, i) else { return false };
        if it.excludes.iter().any(|&x| self.start[x].is_some()) {
            return false;
        }
        if p.budget.is_some_and(|b| self.cost + it.cost > b) {
            return false;
        }
        let mut earliest = 0;
        for &a in &it.depends_on {
            match self.start[a] {
                Some(sa) => earliest = earliest.max(sa + p.items[a].duration - 1 + p.lag),
                None => return false,
            }
        }
        for s in earliest..=last {
            let fits = match it.team {
                Some(t) => (s..s + it.duration)
                    .all(|q| self.load[t][q] + it.load() <= p.teams[t].capacity[q] + 1e-9),
                None => true,
            };
            if fits {
                if let Some(t) = it.team {
                    for q in s..s + it.duration {
                        self.load[t][q] += it.load();
                    }
                }
                self.cost += it.cost;
                self.start[i] = Some(s);
                return true;
            }
        }
        false
    }
}

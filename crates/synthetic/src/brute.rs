//! Exhaustive search over every schedule: the reference the solver is tested against on small
//! instances. It shares only [`Problem`] (and the objective, [`objective_of`], with value in
//! time) with the solver, and checks each rule directly rather than through the program's rows;
//! hiring is the cheapest it can be, every person-quarter beyond capacity and no more.

use portfolio::problem::Problem;
use portfolio::solve::{last_start, objective_of};

/// Does this schedule satisfy every rule?
pub fn feasible(p: &Problem, start: &[Option<usize>]) -> bool {
    let n = p.items.len();
    let chosen = |i: usize| start[i].is_some();
    for (i, it) in p.items.iter().enumerate() {
        if it.must && !chosen(i) {
            return false;
        }
        if let Some(s) = start[i] {
            match last_start(p, i) {
                Some(last) if s <= last => {}
                _ => return false,
            }
            for &a in &it.depends_on {
                // `a` must end `lag` quarters before `i` starts.
                match start[a] {
                    Some(sa) if sa + p.items[a].duration - 1 + p.lag <= s => {}
                    _ => return false,
                }
            }
            if it.excludes.iter().any(|&x| chosen(x)) {
                return false;
            }
        }
    }
    if let Some(b) = p.budget {
        let other: f64 = (0..n).filter(|&i| chosen(i)).map(|i| p.items[i].cost).sum();
        // Work beyond a hiring team's capacity is bought at its rate.
        let hires: f64 = (0..p.teams.len())
            .filter(|&t| hires(p, t))
            .map(|t| {
                let price = p.teams[t].rate.unwrap_or(0.0) / 4.0;
                (0..p.quarters)
                    .map(|q| (load(p, start, t, q) - p.teams[t].capacity[q]).max(0.0) * price)
                    .sum::<f64>()
            })
            .sum();
        if other + hires > b + 1e-9 * b.abs().max(1.0) {
            return false;
        }
    }
    for (t, team) in p.teams.iter().enumerate() {
        if hires(p, t) {
            continue;
        }
        for q in 0..p.quarters {
            if load(p, start, t, q) > team.capacity[q] + 1e-9 * team.capacity[q].max(1.0) {
                return false;
            }
        }
    }
    for s in &p.shares {
        let total: f64 = (0..n).filter(|&i| chosen(i)).map(|i| s.weight(&p.items[i])).sum();
        let part: f64 =
            (0..n).filter(|&i| chosen(i) && s.members[i]).map(|i| s.weight(&p.items[i])).sum();
        let tol = 1e-9 * total.max(1.0);
        if s.min.is_some_and(|m| part < m * total - tol)
            || s.max.is_some_and(|m| part > m * total + tol)
        {
            return false;
        }
    }
    p.covers.iter().all(|c| c.members.iter().any(|&i| chosen(i)))
}

/// May team t take on work beyond its capacity? Only with hiring on, a budget to pay from, and
/// a rate to pay at.
fn hires(p: &Problem, t: usize) -> bool {
    p.hiring && p.budget.is_some() && p.teams[t].rate.is_some_and(|r| r > 0.0)
}

/// Team t's person-quarters in quarter q under this schedule.
fn load(p: &Problem, start: &[Option<usize>], t: usize, q: usize) -> f64 {
    (0..p.items.len())
        .filter(|&i| p.items[i].team == Some(t))
        .filter(|&i| start[i].is_some_and(|s| s <= q && q < s + p.items[i].duration))
        .map(|i| p.items[i].load())
        .sum()
}

/// Person-quarters hired beyond capacity under this schedule (teams that may hire).
pub fn hired(p: &Problem, start: &[Option<usize>]) -> f64 {
    (0..p.teams.len())
        .filter(|&t| hires(p, t))
        .map(|t| {
            (0..p.quarters)
                .map(|q| (load(p, start, t, q) - p.teams[t].capacity[q]).max(0.0))
                .sum::<f64>()
        })
        .sum()
}

/// The best schedule by exhaustive search, or `None` when none is feasible. Every item takes
/// "out" or one of its start quarters: `Π (starts_i + 1)` schedules, so keep instances small.
pub fn best(p: &Problem) -> Option<(f64, Vec<Option<usize>>)> {
    let n = p.items.len();
    let options: Vec<usize> = (0..n).map(|i| last_start(p, i).map_or(1, |l| l + 2)).collect();
    let mut digits = vec![0usize; n];
    let mut best: Option<(f64, Vec<Option<usize>>)> = None;
    loop {
        let start: Vec<Option<usize>> =
            digits.iter().map(|&d| if d == 0 { None } else { Some(d - 1) }).collect();
        if feasible(p, &start) {
            let obj = objective_of(p, &start);
            if best.as_ref().is_none_or(|(b, _)| obj > *b) {
                best = Some((obj, start));
            }
        }
        // Odometer.
        let mut k = 0;
        loop {
            if k == n {
                return best;
            }
            digits[k] += 1;
            if digits[k] < options[k] {
                break;
            }
            digits[k] = 0;
            k += 1;
        }
    }
}

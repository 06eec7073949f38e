//! A Lagrangian bound and a plan-shaped guess for the first stage of [`crate::twostage`].
//!
//! Why: at 5,000 initiatives the first stage (one binary column per initiative, 40 teams' year
//! capacities linked by 1,498 dependencies) has a linear relaxation 0.2% above its optimum, and
//! CBC's cuts and branching do not close that to 0.01% (its bound stalls 0.015% above the
//! optimum after thousands of nodes). Almost all of that gap is the integrality of each team's
//! year capacity — a knapsack — once the dependencies are priced right. So this keeps every
//! team's year capacity whole, solves each as a 0-1 knapsack exactly (dynamic programming over
//! integer weights), and moves every other row into the objective with a multiplier, adjusted
//! by subgradient steps. For any multipliers of the right signs the relaxed maximum is at least
//! the first stage's optimum (weak duality), so the smallest value seen is a proven upper bound
//! on every plan. Each round's knapsack choice is also repaired into a point that keeps every
//! row (drop what breaks a row, then add what still fits, best adjusted value first): a choice
//! the second stage can schedule, with its value as a lower bound.
//!
//! - **Knapsack weights**: the row's coefficients and capacity, times a scale, rounded so that
//!   every choice that keeps the row keeps the rounded row: a coefficient within 1e-6 of an
//!   integer is that integer, others are rounded down, and the capacity is rounded down after
//!   adding 1e-6 for each item (so the rounded row is a relaxation of the row). The scale is the
//!   largest of 1,000, 100, 10 and 1 that keeps the capacity within [`MAX_CAPACITY`] steps;
//!   where none does, the capacity is [`MAX_CAPACITY`] steps and the weights are rounded down.
//! - **Rows with one column** are bounds on it, not multipliers.
//! - **Signs**: a row `lo ≤ a·y ≤ hi` adds `λ (hi − a·y)` for `λ ≥ 0` and `λ (lo − a·y)` for
//!   `λ ≤ 0`, both non-negative wherever the row holds; a side that is infinite fixes the sign.
//! - **Deterministic**: a fixed number of steps (the time limit only stops it early), the same
//!   order of columns and rows every time.

use std::time::Instant;

use crate::milp::Milp;

/// The most capacity steps a knapsack gets: the dynamic program's table is items × steps.
const MAX_CAPACITY: f64 = 5_000.0;

/// What the relaxation found.
#[derive(Clone, Debug)]
pub(crate) struct Relaxed {
    /// The smallest relaxed maximum: no point of the program is worth more.
    pub bound: f64,
    /// The best point found that keeps every row, and its objective.
    pub point: Option<(Vec<f64>, f64)>,
    /// Subgradient steps taken.
    pub steps: usize,
}

/// One knapsack kept whole: its columns, their integer weights and the capacity in steps.
struct Knapsack {
    cols: Vec<usize>,
    weights: Vec<usize>,
    capacity: usize,
}

/// Bounds and a point for `pb`, a maximisation over binary columns, keeping the rows `knapsacks`
/// (non-negative coefficients, no column in two of them, no lower side) whole. `None` when the
/// program is not of that form (a continuous column, a negative weight, a column in two
/// knapsacks) or a knapsack cannot hold its forced items: the caller solves it without.
/// Stops after `steps` subgradient steps, when the point found is within `gap` of the bound, or
/// at `deadline` seconds after `started`.
pub(crate) fn relax(
    pb: &Milp,
    knapsacks: &[usize],
    gap: f64,
    steps: usize,
    started: Instant,
    deadline: f64,
) -> Option<Relaxed> {
    let n = pb.obj.len();
    if (0..n).any(|j| !pb.integer[j] || pb.lower[j] < 0.0 || pb.upper[j] > 1.0) {
        return None;
    }
    // Column bounds, tightened by rows with one column.
    let mut lb: Vec<u8> = pb.lower.iter().map(|&v| u8::from(v > 0.5)).collect();
    let mut ub: Vec<u8> = pb.upper.iter().map(|&v| u8::from(v > 0.5)).collect();
    let in_knapsack: Vec<bool> = {
        let mut seen = vec![false; pb.rows.len()];
        for &r in knapsacks {
            *seen.get_mut(r)? = true;
        }
        seen
    };
    let mut relaxed: Vec<usize> = Vec::new();
    for (r, row) in pb.rows.iter().enumerate() {
        if in_knapsack[r] {
            continue;
        }
        match row.coefs.as_slice() {
            [] => {
                if !(row.lo <= 0.0 && 0.0 <= row.hi) {
                    return None;
                }
            }
            &[(j, a)] => {
                let ok = |v: f64| row.lo - 1e-9 <= a * v && a * v <= row.hi + 1e-9;
                if !ok(1.0) {
                    ub[j] = 0;
                }
                if !ok(0.0) {
                    lb[j] = 1;
                }
            }
            _ => relaxed.push(r),
        }
    }
    if (0..n).any(|j| lb[j] > ub[j]) {
        return None;
    }
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let mut sacks = Vec::with_capacity(knapsacks.len());
    for &r in knapsacks {
        let row = &pb.rows[r];
        if row.lo.is_finite() || !row.hi.is_finite() || row.coefs.iter().any(|&(_, a)| a < 0.0) {
            return None;
        }
        let k = sacks.len();
        for &(j, _) in &row.coefs {
            if owner[j].replace(k).is_some() {
                return None;
            }
        }
        sacks.push(knapsack(&row.coefs, row.hi)?);
    }
    // Each column's entries in the relaxed rows, each row divided by its largest coefficient:
    // the same rows, but a step moves the budget's multiplier (money) as much as a
    // dependency's (ones), instead of the budget's swinging every column's value.
    let scale: Vec<f64> = relaxed
        .iter()
        .map(|&r| pb.rows[r].coefs.iter().fold(0.0_f64, |m, &(_, a)| m.max(a.abs())).max(1e-300))
        .collect();
    let mut entries: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (k, &r) in relaxed.iter().enumerate() {
        for &(j, a) in &pb.rows[r].coefs {
            entries[j].push((k, a / scale[k]));
        }
    }
    let lo: Vec<f64> = relaxed.iter().zip(&scale).map(|(&r, s)| pb.rows[r].lo / s).collect();
    let hi: Vec<f64> = relaxed.iter().zip(&scale).map(|(&r, s)| pb.rows[r].hi / s).collect();
    let mut lambda = vec![0.0; relaxed.len()];
    let mut best_bound = f64::INFINITY;
    let mut point: Option<(Vec<f64>, f64)> = None;
    let mut theta = 1.0;
    let mut since_better = 0;
    let mut taken = 0;
    let mut y = vec![0u8; n];
    let mut adjusted = vec![0.0; n];
    while taken < steps && started.elapsed().as_secs_f64() < deadline {
        taken += 1;
        // The relaxed objective: each column's value less what its rows charge for it.
        let mut value = 0.0;
        for (k, &l) in lambda.iter().enumerate() {
            if l > 0.0 {
                value += l * hi[k];
            } else if l < 0.0 {
                value += l * lo[k];
            }
        }
        for j in 0..n {
            adjusted[j] = pb.obj[j] - entries[j].iter().map(|&(k, a)| lambda[k] * a).sum::<f64>();
            if owner[j].is_none() {
                y[j] = if adjusted[j] > 0.0 { ub[j] } else { lb[j] };
                value += adjusted[j] * f64::from(y[j]);
            }
        }
        for s in &sacks {
            value += best_fill(s, &adjusted, &lb, &ub, &mut y)?;
        }
        if !best_bound.is_finite() || value < best_bound - 1e-9 * best_bound.abs().max(1.0) {
            best_bound = value;
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= 10 {
                theta /= 2.0;
                since_better = 0;
            }
        }
        if let Some((x, v)) = repaired(pb, &y, &adjusted, &lb, &ub)
            && point.as_ref().is_none_or(|(_, b)| v > *b)
        {
            point = Some((x, v));
        }
        let lower = point.as_ref().map(|(_, v)| *v);
        if lower.is_some_and(|v| best_bound - v <= gap * v.abs().max(1e-10)) || theta < 1e-6 {
            break;
        }
        // The subgradient: how far each row's side is from the knapsacks' choice.
        let mut act = vec![0.0; relaxed.len()];
        for j in (0..n).filter(|&j| y[j] == 1) {
            for &(k, a) in &entries[j] {
                act[k] += a;
            }
        }
        let g: Vec<f64> = (0..relaxed.len())
            .map(|k| {
                if act[k] > hi[k] {
                    hi[k] - act[k]
                } else if act[k] < lo[k] {
                    lo[k] - act[k]
                } else if lambda[k] > 0.0 {
                    hi[k] - act[k]
                } else if lambda[k] < 0.0 {
                    lo[k] - act[k]
                } else {
                    0.0
                }
            })
            .collect();
        let norm: f64 = g.iter().map(|v| v * v).sum();
        if norm <= 0.0 {
            // The knapsacks' choice keeps every row and pays nothing for it: optimal.
            break;
        }
        // Polyak's step towards the best point's value (or 0.1% below the bound without one).
        let target = lower.unwrap_or(value - 1e-3 * value.abs().max(1.0));
        let t = theta * (value - target).max(1e-9 * value.abs().max(1.0)) / norm;
        for k in 0..lambda.len() {
            let mut l = lambda[k] - t * g[k];
            if !hi[k].is_finite() {
                l = l.min(0.0);
            }
            if !lo[k].is_finite() {
                l = l.max(0.0);
            }
            lambda[k] = l;
        }
    }
    best_bound.is_finite().then_some(Relaxed { bound: best_bound, point, steps: taken })
}

/// The knapsack of a row `Σ a_j y_j ≤ cap` in integer steps (see the module's documentation).
fn knapsack(coefs: &[(usize, f64)], cap: f64) -> Option<Knapsack> {
    let near = |v: f64| (v - v.round()).abs() <= 1e-6;
    let scale = [1000.0, 100.0, 10.0, 1.0]
        .into_iter()
        .find(|&s| cap * s <= MAX_CAPACITY && coefs.iter().all(|&(_, a)| near(a * s)))
        .unwrap_or_else(|| MAX_CAPACITY / cap.max(1e-9));
    let slack = 1e-6 * coefs.len() as f64;
    let steps = (cap * scale + slack + 1e-9).floor();
    if !steps.is_finite() || steps < 0.0 {
        return None;
    }
    let weights = coefs
        .iter()
        .map(|&(_, a)| {
            let w = a * scale;
            (if near(w) { w.round() } else { w.floor() }).max(0.0) as usize
        })
        .collect();
    Some(Knapsack {
        cols: coefs.iter().map(|&(j, _)| j).collect(),
        weights,
        capacity: steps as usize,
    })
}

/// The best choice of a knapsack's columns at the adjusted values (forced columns in, columns
/// worth nothing out), written into `y`; its adjusted value, `None` when the forced columns do
/// not fit.
fn best_fill(s: &Knapsack, adjusted: &[f64], lb: &[u8], ub: &[u8], y: &mut [u8]) -> Option<f64> {
    let mut cap = s.capacity;
    let mut value = 0.0;
    let mut free = Vec::new();
    for (pos, &j) in s.cols.iter().enumerate() {
        y[j] = lb[j];
        if lb[j] == 1 {
            cap = cap.checked_sub(s.weights[pos])?;
            value += adjusted[j];
        } else if ub[j] == 1 && adjusted[j] > 0.0 {
            free.push(pos);
        }
    }
    // best[c]: the most value within c steps; take[i][c]: whether item i is in that choice.
    let width = cap + 1;
    let mut best = vec![0.0_f64; width];
    let mut take = vec![false; free.len() * width];
    for (i, &pos) in free.iter().enumerate() {
        let w = s.weights[pos];
        let v = adjusted[s.cols[pos]];
        for c in (w..width).rev() {
            let with = best[c - w] + v;
            if with > best[c] {
                best[c] = with;
                take[i * width + c] = true;
            }
        }
    }
    let mut c = cap;
    for (i, &pos) in free.iter().enumerate().rev() {
        if take[i * width + c] {
            y[s.cols[pos]] = 1;
            c -= s.weights[pos];
        }
    }
    Some(value + best[cap])
}

/// The knapsacks' choice made to keep every row of `pb`: while a row is broken, drop the chosen
/// column that breaks it and is worth least for what it uses (or, for a row below its lower
/// side, add the best column that lifts it); then add every column that keeps all rows, best
/// adjusted value first. `None` when a row stays broken.
fn repaired(
    pb: &Milp,
    y: &[u8],
    adjusted: &[f64],
    lb: &[u8],
    ub: &[u8],
) -> Option<(Vec<f64>, f64)> {
    let n = pb.obj.len();
    let mut x: Vec<u8> = (0..n).map(|j| y[j].clamp(lb[j], ub[j])).collect();
    let mut of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (r, row) in pb.rows.iter().enumerate() {
        for &(j, a) in &row.coefs {
            of[j].push((r, a));
        }
    }
    let mut act = vec![0.0; pb.rows.len()];
    for j in (0..n).filter(|&j| x[j] == 1) {
        for &(r, a) in &of[j] {
            act[r] += a;
        }
    }
    let tol = |r: usize| {
        let row = &pb.rows[r];
        let size =
            [row.lo, row.hi].iter().filter(|v| v.is_finite()).fold(1.0_f64, |m, v| m.max(v.abs()));
        1e-9 * size
    };
    let flip = |x: &mut [u8], act: &mut [f64], j: usize| {
        let sign = if x[j] == 1 { -1.0 } else { 1.0 };
        x[j] ^= 1;
        for &(r, a) in &of[j] {
            act[r] += sign * a;
        }
    };
    for _pass in 0..4 {
        let mut broken = false;
        for r in 0..pb.rows.len() {
            let row = &pb.rows[r];
            while act[r] > row.hi + tol(r) {
                broken = true;
                // Drop a chosen column that adds to the row (adding one would break others).
                let j = row
                    .coefs
                    .iter()
                    .filter(|&&(j, a)| a > 0.0 && x[j] == 1 && lb[j] == 0)
                    .min_by(|&&(i, a), &&(j, b)| {
                        (pb.obj[i] / a.abs()).total_cmp(&(pb.obj[j] / b.abs())).then(i.cmp(&j))
                    })
                    .map(|&(j, _)| j)?;
                flip(&mut x, &mut act, j);
            }
            while act[r] < row.lo - tol(r) {
                broken = true;
                let j = row
                    .coefs
                    .iter()
                    .filter(|&&(j, a)| {
                        (a > 0.0 && x[j] == 0 && ub[j] == 1) || (a < 0.0 && x[j] == 1 && lb[j] == 0)
                    })
                    .max_by(|&&(i, a), &&(j, b)| {
                        (pb.obj[i] / a.abs()).total_cmp(&(pb.obj[j] / b.abs())).then(j.cmp(&i))
                    })
                    .map(|&(j, _)| j)?;
                flip(&mut x, &mut act, j);
            }
        }
        if !broken {
            break;
        }
    }
    let holds = |act: &[f64], r: usize| {
        let row = &pb.rows[r];
        row.lo - tol(r) <= act[r] && act[r] <= row.hi + tol(r)
    };
    if !(0..pb.rows.len()).all(|r| holds(&act, r)) {
        return None;
    }
    // Fill: the best adjusted value first; twice, so that what needs a column added later gets in.
    let mut order: Vec<usize> = (0..n).filter(|&j| pb.obj[j] > 0.0 && ub[j] == 1).collect();
    order.sort_by(|&i, &j| adjusted[j].total_cmp(&adjusted[i]).then(i.cmp(&j)));
    for _pass in 0..2 {
        for &j in &order {
            if x[j] == 1 {
                continue;
            }
            flip(&mut x, &mut act, j);
            if !of[j].iter().all(|&(r, _)| holds(&act, r)) {
                flip(&mut x, &mut act, j);
            }
        }
    }
    let value: f64 = (0..n).filter(|&j| x[j] == 1).map(|j| pb.obj[j]).sum();
    Some((x.iter().map(|&v| f64::from(v)).collect(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of a small program: its best value among the points that keep every row.
    fn exhaustive(pb: &Milp) -> Option<f64> {
        let n = pb.obj.len();
        (0..1u32 << n)
            .filter_map(|mask| {
                let x: Vec<f64> = (0..n).map(|j| f64::from((mask >> j) & 1)).collect();
                let keeps = (0..n).all(|j| pb.lower[j] <= x[j] && x[j] <= pb.upper[j])
                    && pb.rows.iter().all(|r| {
                        let a: f64 = r.coefs.iter().map(|&(j, v)| v * x[j]).sum();
                        r.lo - 1e-9 <= a && a <= r.hi + 1e-9
                    });
                keeps.then(|| (0..n).map(|j| pb.obj[j] * x[j]).sum::<f64>())
            })
            .max_by(f64::total_cmp)
    }

    /// Random programs of the first stage's form (two knapsacks, dependencies, an exclusion, a
    /// cover): the bound is never below the exhaustive optimum, and the point keeps every row.
    #[test]
    fn the_bound_is_never_below_the_optimum_and_the_point_keeps_every_row() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut tight = 0;
        for _case in 0..200 {
            let n = 12;
            let mut pb = Milp::default();
            let cols: Vec<usize> =
                (0..n).map(|_| pb.column((next() * 50.0).round() + 1.0, 0.0, 1.0, true)).collect();
            let mut sacks = Vec::new();
            for half in [0..n / 2, n / 2..n] {
                sacks.push(pb.rows.len());
                let coefs = half.map(|j| (cols[j], (next() * 30.0).round() / 10.0 + 0.1)).collect();
                pb.row(f64::NEG_INFINITY, 2.0 + (next() * 40.0).round() / 10.0, coefs);
            }
            for j in 1..n {
                if next() < 0.3 {
                    pb.row(f64::NEG_INFINITY, 0.0, vec![(cols[j], 1.0), (cols[j - 1], -1.0)]);
                }
            }
            pb.row(f64::NEG_INFINITY, 1.0, vec![(cols[1], 1.0), (cols[n - 2], 1.0)]);
            pb.row(1.0, f64::INFINITY, vec![(cols[0], 1.0), (cols[n - 1], 1.0)]);
            pb.row(f64::NEG_INFINITY, 1.0, vec![(cols[3], 1.0)]);
            let Some(best) = exhaustive(&pb) else { continue };
            let r = relax(&pb, &sacks, 1e-9, 300, Instant::now(), 60.0)
                .expect("the program has the form");
            assert!(r.bound >= best - 1e-6, "bound {} below the optimum {best}", r.bound);
            if let Some((x, v)) = &r.point {
                assert!(*v <= best + 1e-6, "point worth {v}, more than the optimum {best}");
                for row in &pb.rows {
                    let a: f64 = row.coefs.iter().map(|&(j, c)| c * x[j]).sum();
                    assert!(row.lo - 1e-9 <= a && a <= row.hi + 1e-9);
                }
                if r.bound - v <= 1e-6 {
                    tight += 1;
                }
            }
        }
        // Not a property, a sign that the steps work: most of these close.
        assert!(tight > 50, "only {tight} of 200 closed");
    }

    #[test]
    fn knapsack_weights_round_so_every_choice_that_fits_still_fits() {
        let s = knapsack(&[(0, 0.1), (1, 0.2), (2, 0.7)], 1.0).expect("a knapsack");
        assert_eq!(s.weights, [100, 200, 700]);
        assert_eq!(s.capacity, 1000);
        // Coefficients that no scale makes integer: weights rounded down.
        let s = knapsack(&[(0, 1.0 / 3.0), (1, 2.0 / 3.0)], 1.0).expect("a knapsack");
        assert_eq!(s.capacity, 5000);
        assert_eq!(s.weights, [1666, 3333]);
    }
}

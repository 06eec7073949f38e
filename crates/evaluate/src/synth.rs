//! Synthetic control: the treated series against the weighted mix of comparison series that
//! best reproduces it before the deployment (Abadie & Gardeazabal 2003; Abadie, Diamond &
//! Hainmueller 2010).
//!
//! Two forms, both with weights `w ≥ 0, Σw = 1` fitted on the pre-period outcomes:
//!
//! - **de-meaned** ([`synthetic_control`]): each series' pre-period mean removed before
//!   fitting, i.e. a free intercept (Ferman & Pinto 2021), so a wiki bigger than every donor can
//!   still be matched. Effect: mean post gap minus mean pre gap.
//! - **classic** ([`synthetic_control_classic`]): no intercept, the treated series must lie in
//!   the donors' convex hull. Effect: mean post gap.
//!
//! The weights minimise `‖y₀ − C₀w‖²/T₀ + ζ²‖w‖²` with the vanishing ridge `ζ = 10⁻⁶ σ̂` of
//! Arkhangelsky et al.'s `sc_estimate` (σ̂ the standard deviation of the donors' pre-period
//! first differences), which only picks one solution when several fit equally well. The
//! problem is solved exactly by an active-set method ([`simplex_qp`]). Standard errors are
//! AR-robust on the gap ([`crate::gap`]), treating the weights as known; the in-space placebos
//! give the rank-based p-value beside it.

use model::Date;
use nalgebra::{DMatrix, DVector};

use crate::did::{GapMethod, Panel, Reference};
use crate::{Estimate, EvalError, Method, Point, Term, check_level};

/// The ridge of the synthetic-control weights, relative to the noise level.
pub const SC_RIDGE: f64 = 1e-6;

/// Estimates the effect of a deployment on `treated` with a de-meaned synthetic control built
/// from `donors`.
pub fn synthetic_control(
    treated: &[Point],
    donors: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    run(treated, donors, deployed, level, true)
}

/// Estimates the effect with a synthetic control in the classic form (no intercept).
pub fn synthetic_control_classic(
    treated: &[Point],
    donors: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    run(treated, donors, deployed, level, false)
}

fn run(
    treated: &[Point],
    donors: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
    demeaned: bool,
) -> Result<Estimate, EvalError> {
    check_level(level)?;
    if donors.len() < 2 {
        return Err(EvalError::NoComparisons(2));
    }
    let p = Panel::new(treated, donors, deployed)?;
    let names = p.names.clone();
    let reference = |y: &[f64], c: &[&[f64]], before: usize| -> Result<Reference, EvalError> {
        let w = weights(y, c, before, demeaned);
        let synthetic: Vec<f64> =
            (0..y.len()).map(|t| w.iter().zip(c).map(|(wj, s)| wj * s[t]).sum::<f64>()).collect();
        // The active set: the weights are least squares of y − c_r on c_j − c_r there.
        let active: Vec<usize> = (0..w.len()).filter(|&j| w[j] > 1e-9).collect();
        let r = active.iter().copied().max_by(|&a, &b| w[a].total_cmp(&w[b])).unwrap_or(0);
        let base: Vec<f64> = y.iter().zip(c[r]).map(|(a, b)| a - b).collect();
        let columns: Vec<Vec<f64>> = active
            .iter()
            .filter(|&&j| j != r)
            .map(|&j| c[j].iter().zip(c[r]).map(|(a, b)| a - b).collect())
            .collect();
        let terms = if c.len() == names.len() {
            names
                .iter()
                .zip(&w)
                .filter(|(_, wj)| **wj > 1e-4)
                .map(|(name, wj)| Term { name: format!("weight of {name}"), value: *wj, se: None })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Reference { series: synthetic, terms, regression: Some((base, columns)) })
    };
    let method = GapMethod {
        method: if demeaned { Method::SyntheticControl } else { Method::SyntheticControlClassic },
        reference: &reference,
        intercept: demeaned,
    };
    let mut e = method.estimate(&p, level)?;
    if let Some(rmspe) = e.design.pre_rmspe {
        e.terms.push(Term { name: "pre-period RMSPE".into(), value: rmspe, se: None });
        e.notes.push(format!("pre-period fit: root mean squared gap {rmspe:.4}"));
    }
    Ok(e)
}

/// Synthetic-control weights of `y` on `c` over the first `before` periods.
pub fn weights(y: &[f64], c: &[&[f64]], before: usize, demeaned: bool) -> Vec<f64> {
    let j = c.len();
    let mean = |v: &[f64]| v[..before].iter().sum::<f64>() / before as f64;
    let (ym, cm): (f64, Vec<f64>) =
        if demeaned { (mean(y), c.iter().map(|s| mean(s)).collect()) } else { (0.0, vec![0.0; j]) };
    let a = DMatrix::from_fn(before, j, |t, k| c[k][t] - cm[k]);
    let b = DVector::from_fn(before, |t, _| y[t] - ym);
    let zeta = SC_RIDGE * noise_level(c, before);
    ridge_weights(&a, &b, zeta)
}

/// `argmin ‖Aw − b‖²/rows + ζ²‖w‖²` over the simplex: the weight problem of synthetic control
/// and of both weight sets of synthetic difference in differences.
pub(crate) fn ridge_weights(a: &DMatrix<f64>, b: &DVector<f64>, zeta: f64) -> Vec<f64> {
    let rows = a.nrows() as f64;
    let mut h = a.transpose() * a / rows;
    for i in 0..h.nrows() {
        h[(i, i)] += zeta * zeta;
    }
    let f = a.transpose() * b / rows;
    simplex_qp(&h, &f)
}

/// The standard deviation of the first differences of the donors' pre-period values, pooled
/// (Arkhangelsky et al.'s noise level, which scales their ridge penalties).
pub(crate) fn noise_level(c: &[&[f64]], before: usize) -> f64 {
    let d: Vec<f64> = c.iter().flat_map(|s| (1..before).map(move |t| s[t] - s[t - 1])).collect();
    crate::sd(&d)
}

/// `argmin ½w'Hw − f'w` subject to `w ≥ 0`, `Σw = 1`, for a positive semi-definite `H`, by
/// the primal active-set method (Nocedal & Wright, Algorithm 16.3): exact up to rounding,
/// in a finite number of steps. Starts from equal weights.
pub(crate) fn simplex_qp(h: &DMatrix<f64>, f: &DVector<f64>) -> Vec<f64> {
    let n = f.len();
    if n == 1 {
        return vec![1.0];
    }
    let scale = (0..n).map(|i| h[(i, i)].abs()).fold(0.0_f64, f64::max).max(f.amax()).max(1e-300);
    let tol = 1e-11 * scale;
    let mut w = vec![1.0 / n as f64; n];
    let mut fixed = vec![false; n];
    for _ in 0..(50 * n + 100) {
        let free: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
        let m = free.len();
        // KKT system of the equality-constrained problem on the free set:
        // H_FF w_F + ν 1 = f_F, 1'w_F = 1.
        let mut k = DMatrix::zeros(m + 1, m + 1);
        let mut rhs = DVector::zeros(m + 1);
        for (a, &i) in free.iter().enumerate() {
            for (b, &j) in free.iter().enumerate() {
                k[(a, b)] = h[(i, j)];
            }
            k[(a, m)] = 1.0;
            k[(m, a)] = 1.0;
            rhs[a] = f[i];
        }
        rhs[m] = 1.0;
        let Some(sol) = k.clone().lu().solve(&rhs).or_else(|| {
            // A singular free block (more free weights than the data can tell apart): a tiny
            // ridge picks one of the equally good solutions.
            let mut kr = k;
            for a in 0..m {
                kr[(a, a)] += 1e-12 * scale;
            }
            kr.lu().solve(&rhs)
        }) else {
            break;
        };
        let target: Vec<f64> = free.iter().enumerate().map(|(a, _)| sol[a]).collect();
        let step: Vec<f64> = free.iter().zip(&target).map(|(&i, t)| t - w[i]).collect();
        let moved = step.iter().fold(0.0_f64, |acc, s| acc.max(s.abs()));
        if moved <= 1e-15 {
            // Stationary on the free set: check the multipliers of the fixed weights.
            let nu = sol[m];
            let mut worst: Option<(usize, f64)> = None;
            for i in (0..n).filter(|&i| fixed[i]) {
                let grad: f64 = (0..n).map(|j| h[(i, j)] * w[j]).sum::<f64>() - f[i];
                let lambda = grad + nu;
                if lambda < -tol && worst.is_none_or(|(_, l)| lambda < l) {
                    worst = Some((i, lambda));
                }
            }
            match worst {
                Some((i, _)) => fixed[i] = false,
                None => break,
            }
            continue;
        }
        let mut alpha = 1.0;
        let mut blocking = None;
        for (a, &i) in free.iter().enumerate() {
            if step[a] < 0.0 {
                let r = -w[i] / step[a];
                if r < alpha {
                    alpha = r;
                    blocking = Some(i);
                }
            }
        }
        for (a, &i) in free.iter().enumerate() {
            w[i] += alpha * step[a];
        }
        if let Some(i) = blocking {
            w[i] = 0.0;
            fixed[i] = true;
        }
    }
    // Clean rounding: non-negative, summing to one.
    let total: f64 = w.iter().map(|v| v.max(0.0)).sum();
    w.iter().map(|v| v.max(0.0) / total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss(x: &[Vec<f64>], y: &[f64], w: &[f64]) -> f64 {
        (0..y.len())
            .map(|t| (y[t] - (0..x.len()).map(|j| w[j] * x[j][t]).sum::<f64>()).powi(2))
            .sum::<f64>()
    }

    fn solve(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
        let a = DMatrix::from_fn(y.len(), x.len(), |t, j| x[j][t]);
        ridge_weights(&a, &DVector::from_column_slice(y), 0.0)
    }

    #[test]
    fn exact_mixture_weights_are_recovered() {
        let x: Vec<Vec<f64>> = (0..3)
            .map(|j| {
                (0..50)
                    .map(|t| ((t * (j + 2)) as f64 * 0.37).sin() + j as f64 * 0.1 * t as f64)
                    .collect()
            })
            .collect();
        let y: Vec<f64> = (0..50).map(|t| 0.2 * x[0][t] + 0.8 * x[2][t]).collect();
        let w = solve(&x, &y);
        assert!(
            (w[0] - 0.2).abs() < 1e-9 && w[1].abs() < 1e-9 && (w[2] - 0.8).abs() < 1e-9,
            "{w:?}"
        );
    }

    /// Brute force over a fine grid of the 2-simplex agrees with the solver.
    #[test]
    fn weights_match_a_grid_search_when_the_optimum_is_on_an_edge() {
        let x: Vec<Vec<f64>> = (0..3)
            .map(|j| (0..40).map(|t| ((t + 3 * j) as f64).cos() * (j + 1) as f64).collect())
            .collect();
        let y: Vec<f64> = (0..40).map(|t| 3.0 * (t as f64 * 0.5).sin()).collect();
        let w = solve(&x, &y);
        let mut best = f64::INFINITY;
        for a in 0..=400 {
            for b in 0..=(400 - a) {
                let g = [a as f64 / 400.0, b as f64 / 400.0, (400 - a - b) as f64 / 400.0];
                best = best.min(loss(&x, &y, &g));
            }
        }
        assert!(loss(&x, &y, &w) <= best + 1e-9, "{} vs grid {}", loss(&x, &y, &w), best);
    }
}

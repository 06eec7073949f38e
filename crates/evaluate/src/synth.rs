//! Synthetic control: the treated series against the weighted mix of comparison series that
//! best reproduces it before the deployment.
//!
//! Weights are non-negative and sum to one (Abadie et al.), fitted on the pre-period after
//! removing each series' pre-period mean, with a free intercept (the de-meaned estimator of
//! Ferman and Pinto), so a wiki bigger than every donor can still be matched. The effect is the
//! post-period change in the gap between the series and its synthetic twin, with AR(1) errors on
//! the gap.

use model::Date;

use crate::did::{align, gap_effect, gap_estimate};
use crate::its::enough;
use crate::{Estimate, EvalError, Method, Point, Term, check_level};

/// Estimates the effect of a deployment on `treated` with a synthetic control built from
/// `donors`.
pub fn synthetic_control(
    treated: &[Point],
    donors: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    check_level(level)?;
    if donors.len() < 2 {
        return Err(EvalError::NoComparisons(2));
    }
    let (dates, y, c) = align(treated, donors)?;
    let (before, after) = enough(&dates, deployed)?;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let ybar = mean(&y[..before]);
    let cbar: Vec<f64> = c.iter().map(|s| mean(&s[..before])).collect();
    let yd: Vec<f64> = y[..before].iter().map(|v| v - ybar).collect();
    let cd: Vec<Vec<f64>> =
        c.iter().zip(&cbar).map(|(s, m)| s[..before].iter().map(|v| v - m).collect()).collect();
    let w = simplex_least_squares(&cd, &yd);
    let intercept = ybar - w.iter().zip(&cbar).map(|(a, b)| a * b).sum::<f64>();
    let synthetic: Vec<f64> = (0..dates.len())
        .map(|t| intercept + w.iter().zip(&c).map(|(wj, s)| wj * s[t]).sum::<f64>())
        .collect();
    let gap: Vec<f64> = y.iter().zip(&synthetic).map(|(a, b)| a - b).collect();
    let (fit, effect, se) = gap_effect(&gap, &dates, deployed)?;
    let rmspe = (gap[..before].iter().map(|g| g * g).sum::<f64>() / before as f64).sqrt();
    let mut terms: Vec<Term> = donors
        .iter()
        .zip(&w)
        .filter(|(_, wj)| **wj > 1e-4)
        .map(|((name, _), wj)| Term { name: format!("weight of {name}"), value: *wj, se: None })
        .collect();
    terms.push(Term { name: "pre-period RMSPE".into(), value: rmspe, se: None });
    let notes = vec![
        format!(
            "{} donor series; {} dates before and {} after {}",
            donors.len(),
            before,
            after,
            deployed
        ),
        format!("pre-period fit: root mean squared gap {rmspe:.4}"),
    ];
    Ok(gap_estimate(
        Method::SyntheticControl,
        level,
        (fit, effect, se),
        &dates,
        &y,
        &synthetic,
        before,
        terms,
        notes,
    ))
}

/// `argmin ||y − Σ w_j x_j||²` over the simplex (w ≥ 0, Σw = 1), by projected gradient with
/// Nesterov momentum; the problem is convex, so this converges to the optimum.
pub(crate) fn simplex_least_squares(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let j = x.len();
    let n = y.len();
    // Gram matrix and x'y: the loop below is then O(j²) per step.
    let g: Vec<Vec<f64>> =
        (0..j).map(|a| (0..j).map(|b| (0..n).map(|t| x[a][t] * x[b][t]).sum()).collect()).collect();
    let xy: Vec<f64> = (0..j).map(|a| (0..n).map(|t| x[a][t] * y[t]).sum()).collect();
    // Step 1/L with L the largest eigenvalue, bounded by the trace.
    let lip: f64 = (0..j).map(|a| g[a][a]).sum::<f64>().max(1e-300);
    let mut w = vec![1.0 / j as f64; j];
    let mut prev = w.clone();
    for it in 0..20_000 {
        let mom = it as f64 / (it as f64 + 3.0);
        let v: Vec<f64> = (0..j).map(|a| w[a] + mom * (w[a] - prev[a])).collect();
        let grad: Vec<f64> =
            (0..j).map(|a| (0..j).map(|b| g[a][b] * v[b]).sum::<f64>() - xy[a]).collect();
        let step: Vec<f64> = (0..j).map(|a| v[a] - grad[a] / lip).collect();
        let next = project_to_simplex(&step);
        let moved: f64 = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).sum();
        prev = std::mem::replace(&mut w, next);
        if moved < 1e-13 {
            break;
        }
    }
    w
}

/// Euclidean projection onto the probability simplex (Duchi et al. 2008).
fn project_to_simplex(v: &[f64]) -> Vec<f64> {
    let mut u = v.to_vec();
    u.sort_by(|a, b| b.total_cmp(a));
    let mut cum = 0.0;
    let mut theta = 0.0;
    for (i, ui) in u.iter().enumerate() {
        cum += ui;
        let t = (cum - 1.0) / (i as f64 + 1.0);
        if ui - t > 0.0 {
            theta = t;
        }
    }
    v.iter().map(|x| (x - theta).max(0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_lands_on_the_simplex() {
        let p = project_to_simplex(&[0.5, 2.0, -1.0]);
        assert_eq!(p, vec![0.0, 1.0, 0.0]);
        let p = project_to_simplex(&[0.2, 0.2, 0.2]);
        assert!(p.iter().all(|v| (v - 1.0 / 3.0).abs() < 1e-12));
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
        let w = simplex_least_squares(&x, &y);
        assert!(
            (w[0] - 0.2).abs() < 1e-6 && w[1].abs() < 1e-6 && (w[2] - 0.8).abs() < 1e-6,
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
        let loss = |w: &[f64]| {
            (0..40)
                .map(|t| (y[t] - (0..3).map(|j| w[j] * x[j][t]).sum::<f64>()).powi(2))
                .sum::<f64>()
        };
        let w = simplex_least_squares(&x, &y);
        let mut best = f64::INFINITY;
        for a in 0..=400 {
            for b in 0..=(400 - a) {
                let g = [a as f64 / 400.0, b as f64 / 400.0, (400 - a - b) as f64 / 400.0];
                best = best.min(loss(&g));
            }
        }
        assert!(loss(&w) <= best + 1e-9, "{} vs grid {}", loss(&w), best);
    }
}

//! The estimand every time-series method shares, and its AR-robust standard error.
//!
//! A method turns the data into a gap series `g_t` (the treated series itself for an
//! interrupted time series, the treated series minus the comparisons' mean for difference in
//! differences, minus the synthetic twin for a synthetic control) and a pre-period model `x_t'β`
//! for it (an intercept and trend with seasonality, just an intercept, or nothing). `β` is
//! fitted by least squares on the pre-period only and extrapolated; the effect in period `t` is
//! `g_t − x_t'β̂`, and the estimate is its plain average over the post-period:
//!
//! `τ̂ = mean_post(g_t − x_t'β̂) = v'g`, with `v_t = 1/T₁` after the deployment and
//! `v_pre = −X₀(X₀'X₀)⁻¹ mean_post(x_t)` before it.
//!
//! Whatever the effect's shape over time (constant, ramping, decaying, delayed), `τ̂ − τ̄ = v'e`
//! with `e` the noise alone, so the point estimate is the average effect, unbiased, and
//! autocorrelation can only change its standard error: `Var(v'e) = σ² v'Σ(ρ)v` for AR(1) noise,
//! with `ρ` and `σ²` estimated from the pre-period residuals (where no effect can hide in them),
//! both corrected for what the fit absorbs (`regress::ar1_of_residuals`). The per-period effects
//! get the same treatment, one `v` per period.

use nalgebra::{DMatrix, DVector};

use crate::{EvalError, regress};

/// A pre-period model extrapolated over the post-period.
#[derive(Clone, Debug)]
pub(crate) struct Extrapolation {
    /// The average post-period effect.
    pub effect: f64,
    /// Its standard error.
    pub se: f64,
    /// Degrees of freedom: the pre-period's effective size less the coefficients and `ρ`.
    pub df: f64,
    /// AR(1) coefficient of the noise.
    pub rho: f64,
    /// Pre-period coefficients.
    pub beta: Vec<f64>,
    /// `x_t'β̂` for every period.
    pub fitted: Vec<f64>,
    /// Per-period effect `g_t − x_t'β̂` and its standard error, every period (in the
    /// pre-period these are the residuals, which show the fit).
    pub path: Vec<(f64, f64)>,
}

/// Fits `x` (one row per period, `before` pre-period rows first) to the gap `g` on the
/// pre-period and extrapolates. `x` may have no columns (the gap is the effect itself).
pub(crate) fn extrapolate(
    g: &[f64],
    x: &DMatrix<f64>,
    before: usize,
    names: &[&str],
) -> Result<Extrapolation, EvalError> {
    let n = g.len();
    let k = x.ncols();
    let after = n - before;
    let x0 = x.rows(0, before).into_owned();
    let (q, r) = regress::thin_qr(&x0, names)?;
    let g0 = DVector::from_column_slice(&g[..before]);
    let beta: Vec<f64> = if k == 0 {
        Vec::new()
    } else {
        let qty = q.transpose() * &g0;
        r.solve_upper_triangular(&qty)
            .ok_or_else(|| EvalError::Singular("design".into()))?
            .iter()
            .copied()
            .collect()
    };
    let fitted: Vec<f64> =
        (0..n).map(|t| (0..k).map(|j| x[(t, j)] * beta[j]).sum::<f64>()).collect();
    let resid: Vec<f64> = (0..before).map(|t| g[t] - fitted[t]).collect();
    let (rho, sigma2) = regress::ar1_of_residuals(&q, &resid);
    // The weight vector of a contrast `g_s − x_s'β̂` (or an average of them, through `xbar`
    // and `own`): `own` on the periods themselves, `−Q R⁻ᵀ xbar` on the pre-period.
    let weights = |xbar: &[f64], own: &dyn Fn(usize) -> f64| -> Vec<f64> {
        let mut v: Vec<f64> = (0..n).map(own).collect();
        if k > 0 {
            let xb = DVector::from_column_slice(xbar);
            if let Some(z) = r.transpose().solve_lower_triangular(&xb) {
                let h = &q * z;
                for t in 0..before {
                    v[t] -= h[t];
                }
            }
        }
        v
    };
    let row = |t: usize| -> Vec<f64> { (0..k).map(|j| x[(t, j)]).collect() };
    let xbar: Vec<f64> =
        (0..k).map(|j| (before..n).map(|t| x[(t, j)]).sum::<f64>() / after as f64).collect();
    let v = weights(&xbar, &|t| if t >= before { 1.0 / after as f64 } else { 0.0 });
    let effect: f64 = v.iter().zip(g).map(|(a, b)| a * b).sum();
    let se = (sigma2 * regress::ar1_quadratic(&v, rho)).max(0.0).sqrt();
    let path = (0..n)
        .map(|s| {
            let vs = weights(&row(s), &|t| if t == s { 1.0 } else { 0.0 });
            (g[s] - fitted[s], (sigma2 * regress::ar1_quadratic(&vs, rho)).max(0.0).sqrt())
        })
        .collect();
    let effective = before as f64 * (1.0 - rho.max(0.0)) / (1.0 + rho.max(0.0));
    let df = (effective - k as f64 - 1.0).clamp(1.0, (before - k).max(1) as f64);
    Ok(Extrapolation { effect, se, df, rho, beta, fitted, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With white noise and an intercept the variance is the textbook one for a difference of
    /// means, `σ²(1/T₀ + 1/T₁)`, and the estimate is that difference.
    #[test]
    fn an_intercept_gives_the_difference_of_means() {
        let g: Vec<f64> =
            (0..30).map(|t| if t < 20 { 1.0 } else { 4.0 } + ((t * 7) % 5) as f64).collect();
        let x = DMatrix::from_element(30, 1, 1.0);
        let e = extrapolate(&g, &x, 20, &["intercept"]).unwrap();
        let pre = g[..20].iter().sum::<f64>() / 20.0;
        let post = g[20..].iter().sum::<f64>() / 10.0;
        assert!((e.effect - (post - pre)).abs() < 1e-12);
        assert!(((e.path[25].0) - (g[25] - pre)).abs() < 1e-12);
    }

    /// A noiseless trend with an effect that ramps up after the deployment: the estimate is
    /// the ramp's average, not its level at the break.
    #[test]
    fn the_weights_reproduce_the_extrapolated_trend() {
        // A noiseless line with a post-period ramp: the effect is exactly the ramp's mean.
        let n = 40;
        let before = 28;
        let x = DMatrix::from_fn(n, 2, |t, j| if j == 0 { 1.0 } else { t as f64 });
        let g: Vec<f64> = (0..n)
            .map(|t| {
                let ramp = if t >= before { 0.5 * (t - before + 1) as f64 } else { 0.0 };
                3.0 + 0.2 * t as f64 + ramp + 1e-9 * ((t * 13) % 7) as f64
            })
            .collect();
        let e = extrapolate(&g, &x, before, &["intercept", "trend"]).unwrap();
        let truth = (1..=12).map(|i| 0.5 * i as f64).sum::<f64>() / 12.0;
        assert!((e.effect - truth).abs() < 1e-6, "{} vs {truth}", e.effect);
    }
}

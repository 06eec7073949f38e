//! Synthetic difference in differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager, "Synthetic
//! Difference-in-Differences", American Economic Review 111(12), 2021).
//!
//! With `N₀` comparison series, `T₀` pre-periods and `T₁` post-periods (one treated series):
//!
//! - **Unit weights** `ω` on the simplex with an intercept, minimising
//!   `‖ω₀ + C_preω − y_pre‖²/T₀ + ζ_ω²‖ω‖²`, with the paper's ridge
//!   `ζ_ω = (N_tr·T₁)^{1/4} σ̂` (`N_tr = 1`), `σ̂` the standard deviation of the comparisons'
//!   pre-period first differences.
//! - **Time weights** `λ` on the simplex with an intercept, making the weighted pre-period of
//!   each comparison predict its post-period mean: `‖λ₀ + C_preᵀλ − mean_post(C)‖²/N₀ +
//!   ζ_λ²‖λ‖²`, `ζ_λ = 10⁻⁶ σ̂`.
//! - **Effect** `τ̂ = (mean_post(y) − λ'y_pre) − Σ_j ω_j (mean_post(c_j) − λ'c_j,pre)`: the
//!   average post-period effect against a counterfactual that is the ω-weighted comparisons
//!   shifted to the λ-weighted pre-period level.
//! - **Variance**: the paper's placebo method (Algorithm 4) for one treated series: each
//!   comparison in turn is the pseudo-treated unit among the others, the estimator (weights
//!   included, with the penalties of the real panel) is rerun, and `V̂ = mean((τ̂_j − τ̄)²)`
//!   over all `N₀` placebos (the exact limit of the paper's random draws). The interval uses
//!   Student's t with `N₀ − 1` degrees of freedom. (The jackknife of Algorithm 3 needs several
//!   treated series; an evaluation here has one.)
//!
//! The weights are the exact optima ([`crate::synth::simplex_qp`]), not the Frank–Wolfe
//! approximation with sparsification of the authors' R package, so estimates can differ from
//! the package's in the third significant digit.

use model::Date;
use nalgebra::{DMatrix, DVector};

use crate::did::Panel;
use crate::synth::{noise_level, ridge_weights};
use crate::{Estimate, EvalError, FittedPoint, Method, Point, Term, check_level, placebo, regress};

/// Fewest comparison series for the placebo variance.
pub const MIN_DONORS: usize = 5;

/// SDID weights and estimate for one treated series.
#[derive(Clone, Debug)]
pub struct Fit {
    /// Unit weights, one per comparison series.
    pub omega: Vec<f64>,
    /// Time weights, one per pre-period.
    pub lambda: Vec<f64>,
    /// The effect.
    pub effect: f64,
    /// The counterfactual on every date.
    pub counterfactual: Vec<f64>,
}

/// The ridge penalties `(ζ_ω, ζ_λ)` of a panel.
pub fn penalties(donors: &[&[f64]], before: usize, after: usize) -> (f64, f64) {
    let sigma = noise_level(donors, before);
    ((after as f64).powf(0.25) * sigma, 1e-6 * sigma)
}

/// Fits SDID for `y` against `donors` with given penalties.
pub fn fit(y: &[f64], donors: &[&[f64]], before: usize, zeta: (f64, f64)) -> Fit {
    let n = y.len();
    let after = n - before;
    let n0 = donors.len();
    let post_mean = |s: &[f64]| s[before..].iter().sum::<f64>() / after as f64;
    // Unit weights: rows are pre-periods, each column de-meaned over time (the intercept).
    let col_mean = |s: &[f64]| s[..before].iter().sum::<f64>() / before as f64;
    let cm: Vec<f64> = donors.iter().map(|s| col_mean(s)).collect();
    let ym = col_mean(y);
    let a = DMatrix::from_fn(before, n0, |t, j| donors[j][t] - cm[j]);
    let b = DVector::from_fn(before, |t, _| y[t] - ym);
    let omega = ridge_weights(&a, &b, zeta.0);
    // Time weights: rows are comparison series, each column (a period) de-meaned over them.
    let targets: Vec<f64> = donors.iter().map(|s| post_mean(s)).collect();
    let tm = targets.iter().sum::<f64>() / n0 as f64;
    let pm: Vec<f64> =
        (0..before).map(|t| donors.iter().map(|s| s[t]).sum::<f64>() / n0 as f64).collect();
    let a = DMatrix::from_fn(n0, before, |j, t| donors[j][t] - pm[t]);
    let b = DVector::from_fn(n0, |j, _| targets[j] - tm);
    let lambda = ridge_weights(&a, &b, zeta.1);
    let pre_level = |s: &[f64]| lambda.iter().zip(s).map(|(l, v)| l * v).sum::<f64>();
    let synthetic: Vec<f64> =
        (0..n).map(|t| omega.iter().zip(donors).map(|(w, s)| w * s[t]).sum()).collect();
    let shift = pre_level(y) - pre_level(&synthetic);
    let counterfactual: Vec<f64> = synthetic.iter().map(|s| s + shift).collect();
    let effect = post_mean(y) - post_mean(&counterfactual);
    Fit { omega, lambda, effect, counterfactual }
}

/// Estimates the effect of a deployment on `treated` by synthetic difference in differences
/// against `donors`.
pub fn synthetic_did(
    treated: &[Point],
    donors: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    check_level(level)?;
    if donors.len() < MIN_DONORS {
        return Err(EvalError::TooFewDonors {
            method: Method::SyntheticDid,
            have: donors.len(),
            need: MIN_DONORS,
        });
    }
    let p = Panel::new(treated, donors, deployed)?;
    let mut e = core(&p, level)?;
    if let Some(cut) = placebo::fake_cut(p.before)
        && let Ok(fake) = core(&p.pre_period(cut), level)
    {
        e.in_time = Some(placebo::in_time(p.dates[cut], &fake));
        e.design.in_time_p = Some(fake.p_value);
    }
    Ok(e)
}

/// The estimate with its placebo variance (the in-space placebos are the same fits).
fn core(p: &Panel, level: f64) -> Result<Estimate, EvalError> {
    let (before, after) = (p.before, p.after());
    let donors = p.donors();
    let zeta = penalties(&donors, before, after);
    let f = fit(&p.y, &donors, before, zeta);
    let path: Vec<f64> = p.y.iter().zip(&f.counterfactual).map(|(a, b)| a - b).collect();
    let path_of = |y: &[f64], d: &[&[f64]]| -> Result<Vec<f64>, EvalError> {
        let g = fit(y, d, before, zeta);
        Ok(y.iter().zip(&g.counterfactual).map(|(a, b)| a - b).collect())
    };
    let placebos = placebo::in_space(&p.names, &p.c, before, &path, &path_of)
        .ok_or(EvalError::NoComparisons(MIN_DONORS))?;
    let k = placebos.units.len() as f64;
    let spread = |vals: &mut dyn Iterator<Item = f64>| -> f64 {
        let v: Vec<f64> = vals.collect();
        let m = v.iter().sum::<f64>() / k;
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / k).sqrt()
    };
    let se = spread(&mut placebos.units.iter().map(|u| u.effect));
    let df = k - 1.0;
    let mut e = Estimate::new(Method::SyntheticDid, level, f.effect, se, df);
    let q = regress::t_quantile(level, df);
    e.fitted = (0..p.dates.len())
        .map(|t| {
            let s = spread(&mut placebos.units.iter().map(|u| u.path[t]));
            FittedPoint {
                date: p.dates[t],
                observed: p.y[t],
                counterfactual: f.counterfactual[t],
                effect: path[t],
                low: path[t] - q * s,
                high: path[t] + q * s,
            }
        })
        .collect();
    e.baseline = f.counterfactual[before..].iter().sum::<f64>() / after as f64;
    e.pre = before;
    e.post = after;
    e.terms = p
        .names
        .iter()
        .zip(&f.omega)
        .filter(|(_, w)| **w > 1e-4)
        .map(|(name, w)| Term { name: format!("weight of {name}"), value: *w, se: None })
        .collect();
    e.terms.extend(f.lambda.iter().enumerate().filter(|(_, l)| **l > 1e-4).map(|(t, l)| Term {
        name: format!("time weight of {}", p.dates[t]),
        value: *l,
        se: None,
    }));
    let pre_rmspe = crate::rms(&path[..before]);
    e.terms.push(Term { name: "pre-period RMSPE".into(), value: pre_rmspe, se: None });
    e.notes = vec![
        format!(
            "{} comparison series; {} shared dates before and {} after {}",
            p.c.len(),
            before,
            after,
            p.deployed()
        ),
        format!(
            "ridge penalties: unit weights {:.4}, time weights {:.2e} (Arkhangelsky et al. 2021)",
            zeta.0, zeta.1
        ),
        format!(
            "standard error from {} placebos (each comparison series treated in turn); t with {} degrees of freedom",
            placebos.units.len(),
            placebos.units.len() - 1
        ),
    ];
    e.design.comparisons = p.c.len();
    e.design.pre_rmspe = Some(pre_rmspe);
    e.design.outcome_sd = Some(crate::sd(&p.y[..before]));
    e.design.placebo_p = Some(placebos.p_value);
    e.design.placebos = placebos.units.len();
    e.placebos = Some(placebos);
    Ok(e)
}

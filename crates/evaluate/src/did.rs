//! Difference in differences on series: the treated series minus the mean of comparison series
//! (wikis without the change), before versus after the deployment.
//!
//! With one treated series the regression is on the difference `d_t = y_t − mean_j c_jt`:
//! `d_t = a + δ D_t + e_t` with AR(1) errors, so `δ` is the change in the gap. Common shocks and
//! common seasonality cancel in the difference. The assumption is parallel trends; a pre-period
//! trend in the gap is tested and reported in the notes.

use model::Date;
use nalgebra::{DMatrix, DVector};

use crate::its::enough;
use crate::{Estimate, EvalError, FittedPoint, Method, Point, Term, check_level, clean, regress};

/// Dates shared by every series, the treated values and each comparison's values on them.
type Aligned = (Vec<Date>, Vec<f64>, Vec<Vec<f64>>);

/// Treated and comparison values on the dates all of them share, in date order.
pub(crate) fn align(
    treated: &[Point],
    comparisons: &[(String, Vec<Point>)],
) -> Result<Aligned, EvalError> {
    use std::collections::BTreeMap;
    let treated = clean(treated);
    let mut maps: Vec<BTreeMap<Date, f64>> = Vec::new();
    for (name, pts) in comparisons {
        let m: BTreeMap<Date, f64> = clean(pts).into_iter().collect();
        if !treated.iter().any(|p| m.contains_key(&p.0)) {
            return Err(EvalError::NoOverlap(name.clone()));
        }
        maps.push(m);
    }
    let mut dates = Vec::new();
    let mut y = Vec::new();
    let mut c: Vec<Vec<f64>> = vec![Vec::new(); maps.len()];
    for (d, v) in treated {
        if maps.iter().all(|m| m.contains_key(&d)) {
            dates.push(d);
            y.push(v);
            for (j, m) in maps.iter().enumerate() {
                c[j].push(m[&d]);
            }
        }
    }
    Ok((dates, y, c))
}

/// Level-change regression of a gap series: `g_t = a + δ D_t`, AR(1) errors.
pub(crate) fn gap_effect(
    gap: &[f64],
    dates: &[Date],
    deployed: Date,
) -> Result<(regress::Fit, f64, f64), EvalError> {
    let n = gap.len();
    let x = DMatrix::from_fn(n, 2, |i, j| {
        if j == 0 { 1.0 } else { f64::from(u8::from(dates[i] >= deployed)) }
    });
    let y = DVector::from_column_slice(gap);
    let fit = regress::ar1(&x, &y, &["intercept", "after deployment"])?;
    let (effect, se) = fit.contrast(&[0.0, 1.0]);
    Ok((fit, effect, se))
}

/// The estimate of a gap regression (from [`gap_effect`]): `reference` is what the treated
/// series `y` is compared with (the comparisons' mean, or the synthetic twin); the
/// counterfactual is the reference plus the pre-period gap, and the baseline its post-period
/// mean.
#[allow(clippy::too_many_arguments)] // one call site per method; a struct would only rename them
pub(crate) fn gap_estimate(
    method: Method,
    level: f64,
    (fit, effect, se): (regress::Fit, f64, f64),
    dates: &[Date],
    y: &[f64],
    reference: &[f64],
    before: usize,
    terms: Vec<Term>,
    mut notes: Vec<String>,
) -> Estimate {
    let offset = fit.beta[0];
    let after = dates.len() - before;
    let baseline = reference[before..].iter().sum::<f64>() / after as f64 + offset;
    notes.push(format!(
        "AR(1) errors on the gap, rho = {:.2} (feasible GLS, Prais–Winsten)",
        fit.rho
    ));
    Estimate {
        baseline,
        pre: before,
        post: after,
        rho: Some(fit.rho),
        terms,
        notes,
        fitted: dates
            .iter()
            .zip(y.iter().zip(reference))
            .map(|(d, (o, r))| FittedPoint { date: *d, observed: *o, counterfactual: r + offset })
            .collect(),
        ..Estimate::new(method, level, effect, se, fit.df)
    }
}

/// Estimates the effect of a deployment on `treated` against `comparisons`.
pub fn difference_in_differences(
    treated: &[Point],
    comparisons: &[(String, Vec<Point>)],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    check_level(level)?;
    if comparisons.is_empty() {
        return Err(EvalError::NoComparisons(1));
    }
    let (dates, y, c) = align(treated, comparisons)?;
    let (before, after) = enough(&dates, deployed)?;
    let control: Vec<f64> =
        (0..dates.len()).map(|t| c.iter().map(|s| s[t]).sum::<f64>() / c.len() as f64).collect();
    let gap: Vec<f64> = y.iter().zip(&control).map(|(a, b)| a - b).collect();
    let (fit, effect, se) = gap_effect(&gap, &dates, deployed)?;
    let mut notes = vec![format!(
        "{} comparison series; {} shared dates before and {} after {}",
        comparisons.len(),
        before,
        after,
        deployed
    )];
    // Parallel trends: a trend in the pre-period gap means the comparison is not parallel.
    let pre_dates: Vec<f64> = dates[..before].iter().map(|d| d.day_number() as f64).collect();
    let x =
        DMatrix::from_fn(before, 2, |i, j| if j == 0 { 1.0 } else { pre_dates[i] - pre_dates[0] });
    let yv = DVector::from_column_slice(&gap[..before]);
    let mut terms = vec![Term {
        name: "gap before".into(),
        value: fit.beta[0],
        se: Some(fit.cov[(0, 0)].sqrt()),
    }];
    if let Ok(pre) = regress::ar1(&x, &yv, &["intercept", "pre-period trend"]) {
        let (slope, sse) = pre.contrast(&[0.0, 1.0]);
        let p = 2.0 * (1.0 - regress::t_cdf((slope / sse).abs(), pre.df));
        terms.push(Term {
            name: "pre-period trend of the gap, per day".into(),
            value: slope,
            se: Some(sse),
        });
        notes.push(if p < 0.05 {
            format!("parallel trends doubtful: the gap trends before the deployment (p = {p:.3}); consider a synthetic control")
        } else {
            format!("parallel trends: no trend in the gap before the deployment (p = {p:.2})")
        });
    }
    Ok(gap_estimate(
        Method::DifferenceInDifferences,
        level,
        (fit, effect, se),
        &dates,
        &y,
        &control,
        before,
        terms,
        notes,
    ))
}

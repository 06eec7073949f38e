//! Placebo inference for panels (Abadie, Diamond & Hainmueller 2010).
//!
//! - **In space:** each comparison series in turn is treated as if it had received the change,
//!   with the others as its comparisons (the real treated series left out), and the method is
//!   run again. A real effect should make the treated series' post-period misfit large against
//!   its pre-period misfit compared with the placebos: the statistic is the ratio of post- to
//!   pre-period root mean squared prediction error (RMSPE), and the p-value is the treated
//!   series' rank among all `N₀ + 1` ratios, `(1 + #{placebo ratio ≥ treated ratio}) / (N₀ + 1)`.
//!   Ranking ratios rather than effects discounts placebos the method could not fit.
//! - **In time:** the method is run on the pre-period alone with a fake deployment halfway
//!   through it. A design that finds an effect where there was none cannot be trusted to find
//!   the real one: a design check, not an estimate.

use model::Date;
use serde::Serialize;

use crate::its::{MIN_AFTER, MIN_BEFORE};
use crate::{Estimate, EvalError};

/// One comparison series treated as if it had received the change.
#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    /// The series.
    pub name: String,
    /// Its placebo effect (average over the post-period).
    pub effect: f64,
    /// Pre-period RMSPE.
    pub pre_rmspe: f64,
    /// Post-period RMSPE.
    pub post_rmspe: f64,
    /// Post/pre ratio.
    pub ratio: f64,
    /// Per-period placebo effect on every date of the estimate (for charts).
    pub path: Vec<f64>,
}

/// In-space placebos and the rank p-value.
#[derive(Clone, Debug, Serialize)]
pub struct InSpace {
    /// The treated series' post/pre RMSPE ratio.
    pub ratio: f64,
    /// The treated series' pre-period RMSPE.
    pub pre_rmspe: f64,
    /// The treated series' post-period RMSPE.
    pub post_rmspe: f64,
    /// Its rank among all ratios, 1 = largest.
    pub rank: usize,
    /// `rank / (placebos + 1)`.
    pub p_value: f64,
    /// Each placebo.
    pub units: Vec<Unit>,
}

/// The method at a fake deployment date inside the pre-period.
#[derive(Clone, Debug, Serialize)]
pub struct InTime {
    /// The fake deployment date.
    pub date: Date,
    /// The effect found there (should be near zero).
    pub effect: f64,
    /// Lower end of its interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Its p-value for "no effect".
    pub p_value: f64,
}

/// A panel method as placebos need it: the per-period effect path of `treated` against
/// `donors` (aligned, the first `before` periods before the deployment).
pub(crate) type PathFn<'a> = dyn Fn(&[f64], &[&[f64]]) -> Result<Vec<f64>, EvalError> + 'a;

/// `(pre RMSPE, post RMSPE)` of a path.
pub(crate) fn rmspe(path: &[f64], before: usize) -> (f64, f64) {
    (crate::rms(&path[..before]), crate::rms(&path[before..]))
}

/// Runs every in-space placebo. `None` with fewer than two comparison series, or when no
/// placebo could be fitted.
pub(crate) fn in_space(
    names: &[String],
    donors: &[Vec<f64>],
    before: usize,
    treated_path: &[f64],
    path_of: &PathFn<'_>,
) -> Option<InSpace> {
    if donors.len() < 2 {
        return None;
    }
    let mut units = Vec::new();
    for (j, name) in names.iter().enumerate() {
        let others: Vec<&[f64]> =
            donors.iter().enumerate().filter(|(i, _)| *i != j).map(|(_, d)| d.as_slice()).collect();
        let Ok(path) = path_of(&donors[j], &others) else { continue };
        let (pre, post) = rmspe(&path, before);
        let after = path.len() - before;
        units.push(Unit {
            name: name.clone(),
            effect: path[before..].iter().sum::<f64>() / after as f64,
            pre_rmspe: pre,
            post_rmspe: post,
            ratio: ratio(post, pre),
            path,
        });
    }
    if units.is_empty() {
        return None;
    }
    let (pre, post) = rmspe(treated_path, before);
    let r = ratio(post, pre);
    let rank = 1 + units.iter().filter(|u| u.ratio >= r).count();
    Some(InSpace {
        ratio: r,
        pre_rmspe: pre,
        post_rmspe: post,
        rank,
        p_value: rank as f64 / (units.len() + 1) as f64,
        units,
    })
}

fn ratio(post: f64, pre: f64) -> f64 {
    if pre > 0.0 { post / pre } else { f64::INFINITY }
}

/// The fake deployment index for an in-time placebo on `before` pre-period points: halfway,
/// when both halves are long enough for the method.
pub(crate) fn fake_cut(before: usize) -> Option<usize> {
    let cut = before / 2;
    (cut >= MIN_BEFORE && before - cut >= MIN_AFTER).then_some(cut)
}

/// The in-time placebo from an estimate made on the pre-period alone with a fake date.
pub(crate) fn in_time(date: Date, est: &Estimate) -> InTime {
    InTime { date, effect: est.effect, low: est.low, high: est.high, p_value: est.p_value }
}

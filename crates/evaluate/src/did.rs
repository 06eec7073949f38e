//! Difference in differences on series: the treated series minus the mean of comparison series
//! (wikis without the change), before versus after the deployment.
//!
//! The gap `g_t = y_t − mean_j c_jt` cancels common shocks and common seasonality. The effect
//! is the change in the gap, `mean_post(g) − mean_pre(g)`: the average post-period effect
//! whatever its shape. Its standard error is AR-robust ([`crate::gap`]): the noise of the gap
//! is modelled as AR(1), estimated on the pre-period. The assumption is parallel trends; a
//! pre-period trend in the gap is tested and reported.

use model::Date;
use nalgebra::{DMatrix, DVector};

use crate::its::enough;
use crate::placebo::{self, PathFn};
use crate::{
    Estimate, EvalError, Method, Point, Term, check_level, clean, from_extrapolation, gap, regress,
};

/// Treated and comparison series on the dates all of them share, in date order.
#[derive(Clone, Debug)]
pub(crate) struct Panel {
    /// Shared dates.
    pub dates: Vec<Date>,
    /// Treated values.
    pub y: Vec<f64>,
    /// Each comparison's values.
    pub c: Vec<Vec<f64>>,
    /// Each comparison's name.
    pub names: Vec<String>,
    /// Dates before the deployment.
    pub before: usize,
}

impl Panel {
    /// Aligns the series and counts the dates around the deployment.
    pub fn new(
        treated: &[Point],
        comparisons: &[(String, Vec<Point>)],
        deployed: Date,
    ) -> Result<Panel, EvalError> {
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
        let (before, _) = enough(&dates, deployed)?;
        let names = comparisons.iter().map(|(n, _)| n.clone()).collect();
        Ok(Panel { dates, y, c, names, before })
    }

    /// Dates after the deployment.
    pub fn after(&self) -> usize {
        self.dates.len() - self.before
    }

    /// The pre-period alone, with a fake deployment at `cut`.
    pub fn pre_period(&self, cut: usize) -> Panel {
        let b = self.before;
        Panel {
            dates: self.dates[..b].to_vec(),
            y: self.y[..b].to_vec(),
            c: self.c.iter().map(|s| s[..b].to_vec()).collect(),
            names: self.names.clone(),
            before: cut,
        }
    }

    /// The comparisons as slices.
    pub fn donors(&self) -> Vec<&[f64]> {
        self.c.iter().map(Vec::as_slice).collect()
    }

    pub fn deployed(&self) -> Date {
        self.dates[self.before]
    }
}

/// What a gap method builds from the donors: the reference series the treated one is compared
/// with, terms worth showing (weights), and for fitted weights the regression they amount to.
pub(crate) struct Reference {
    /// The reference series.
    pub series: Vec<f64>,
    /// Terms worth showing.
    pub terms: Vec<Term>,
    /// Fitted weights on their active set are least squares of `base` (the treated series
    /// minus one active donor) on `columns` (the other active donors minus that one) over the
    /// pre-period; the standard error takes that estimation into account through this
    /// equivalent regression (`None` for fixed weights).
    pub regression: Option<(Vec<f64>, Vec<Vec<f64>>)>,
}

/// Builds the reference of `treated` from `donors` with `before` pre-periods.
pub(crate) type ReferenceFn<'a> =
    dyn Fn(&[f64], &[&[f64]], usize) -> Result<Reference, EvalError> + 'a;

/// A method that compares the treated series with a reference built from the donors
/// (`reference(treated, donors, before)`), with an intercept in the pre-period model (the gap
/// is de-meaned: DiD, de-meaned synthetic control) or without one (classic synthetic control).
pub(crate) struct GapMethod<'a> {
    pub method: Method,
    pub reference: &'a ReferenceFn<'a>,
    pub intercept: bool,
}

impl GapMethod<'_> {
    fn design(&self, n: usize) -> DMatrix<f64> {
        DMatrix::from_element(n, usize::from(self.intercept), 1.0)
    }

    /// The per-period effect path of `y` against `donors`.
    fn path(&self, y: &[f64], donors: &[&[f64]], before: usize) -> Result<Vec<f64>, EvalError> {
        let reference = (self.reference)(y, donors, before)?.series;
        let mut g: Vec<f64> = y.iter().zip(&reference).map(|(a, b)| a - b).collect();
        if self.intercept {
            let m = g[..before].iter().sum::<f64>() / before as f64;
            g.iter_mut().for_each(|v| *v -= m);
        }
        Ok(g)
    }

    /// The estimate without placebos.
    fn core(&self, p: &Panel, level: f64) -> Result<Estimate, EvalError> {
        let Reference { series: reference, terms, regression } =
            (self.reference)(&p.y, &p.donors(), p.before)?;
        let g: Vec<f64> = p.y.iter().zip(&reference).map(|(a, b)| a - b).collect();
        let names: &[&str] = if self.intercept { &["gap before"] } else { &[] };
        let mut fit = gap::extrapolate(&g, &self.design(g.len()), p.before, names)?;
        // The point estimate and path come from the weights; their uncertainty also from
        // estimating them (the equivalent regression on the active donors).
        if let Some((base, columns)) = regression
            && !columns.is_empty()
        {
            let n = g.len();
            let k0 = usize::from(self.intercept);
            let x = DMatrix::from_fn(n, k0 + columns.len(), |t, j| {
                if j < k0 { 1.0 } else { columns[j - k0][t] }
            });
            let names: Vec<String> = (0..x.ncols()).map(|j| format!("weight {j}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            if let Ok(full) = gap::extrapolate(&base, &x, p.before, &refs) {
                fit.se = full.se;
                fit.df = full.df;
                fit.rho = full.rho;
                for (a, b) in fit.path.iter_mut().zip(&full.path) {
                    a.1 = b.1;
                }
            }
        }
        let mut e =
            from_extrapolation(self.method, level, &fit, &p.dates, &p.y, &reference, p.before);
        e.terms = terms;
        e.design.comparisons = p.c.len();
        e.notes.push(format!(
            "{} comparison series; {} shared dates before and {} after {}",
            p.c.len(),
            p.before,
            p.after(),
            p.deployed()
        ));
        e.notes.push(format!(
            "standard error AR-robust: the gap's noise is AR(1), rho = {:.2}, estimated on the pre-period",
            fit.rho
        ));
        Ok(e)
    }

    /// The estimate with in-space and in-time placebos.
    pub fn estimate(&self, p: &Panel, level: f64) -> Result<Estimate, EvalError> {
        let mut e = self.core(p, level)?;
        let before = p.before;
        let path_of: &PathFn<'_> = &|y, d| self.path(y, d, before);
        let treated_path: Vec<f64> = e.fitted.iter().map(|f| f.effect).collect();
        e.placebos = placebo::in_space(&p.names, &p.c, before, &treated_path, path_of);
        if let Some(ps) = &e.placebos {
            e.design.placebo_p = Some(ps.p_value);
            e.design.placebos = ps.units.len();
        }
        if let Some(cut) = placebo::fake_cut(before)
            && let Ok(fake) = self.core(&p.pre_period(cut), level)
        {
            e.in_time = Some(placebo::in_time(p.dates[cut], &fake));
            e.design.in_time_p = Some(fake.p_value);
        }
        Ok(e)
    }
}

/// The comparisons' mean.
fn mean_reference(y: &[f64], donors: &[&[f64]], _before: usize) -> Result<Reference, EvalError> {
    let n = y.len();
    let m = donors.len() as f64;
    Ok(Reference {
        series: (0..n).map(|t| donors.iter().map(|s| s[t]).sum::<f64>() / m).collect(),
        terms: Vec::new(),
        regression: None,
    })
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
    let p = Panel::new(treated, comparisons, deployed)?;
    let method = GapMethod {
        method: Method::DifferenceInDifferences,
        reference: &mean_reference,
        intercept: true,
    };
    let mut e = method.estimate(&p, level)?;
    // Parallel trends: a trend in the pre-period gap means the comparison is not parallel.
    let before = p.before;
    let gap: Vec<f64> = e.fitted[..before].iter().map(|f| f.effect).collect();
    let pre_dates: Vec<f64> = p.dates[..before].iter().map(|d| d.day_number() as f64).collect();
    let x =
        DMatrix::from_fn(before, 2, |i, j| if j == 0 { 1.0 } else { pre_dates[i] - pre_dates[0] });
    let yv = DVector::from_column_slice(&gap);
    if let Ok(pre) = regress::ar1(&x, &yv, &["intercept", "pre-period trend"]) {
        let (slope, sse) = pre.contrast(&[0.0, 1.0]);
        let pv = 2.0 * (1.0 - regress::t_cdf((slope / sse).abs(), pre.df));
        e.terms.push(Term {
            name: "pre-period trend of the gap, per day".into(),
            value: slope,
            se: Some(sse),
        });
        e.design.parallel_trend_p = Some(pv);
        e.notes.push(if pv < 0.05 {
            format!("parallel trends doubtful: the gap trends before the deployment (p = {pv:.3}); consider a synthetic control")
        } else {
            format!("parallel trends: no trend in the gap before the deployment (p = {pv:.2})")
        });
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate is the post-minus-pre change of the gap, whatever the effect's shape.
    #[test]
    fn the_effect_is_the_change_in_the_mean_gap() {
        let start = Date::new(2020, 1, 6).unwrap().day_number();
        let dates: Vec<Date> = (0..30).map(|i| Date::from_day_number(start + 7 * i)).collect();
        let wobble = |t: usize, k: usize| ((t * (k + 3)) % 7) as f64 * 0.3;
        let comps: Vec<(String, Vec<Point>)> = (0..3)
            .map(|k| (format!("c{k}"), (0..30).map(|t| (dates[t], 10.0 + wobble(t, k))).collect()))
            .collect();
        let ramp = |t: usize| if t >= 20 { (t - 19) as f64 } else { 0.0 };
        let treated: Vec<Point> =
            (0..30).map(|t| (dates[t], 12.0 + wobble(t, 5) + ramp(t))).collect();
        let e = difference_in_differences(&treated, &comps, dates[20], 0.95).unwrap();
        let gap = |t: usize| treated[t].1 - comps.iter().map(|c| c.1[t].1).sum::<f64>() / 3.0;
        let want = (20..30).map(gap).sum::<f64>() / 10.0 - (0..20).map(gap).sum::<f64>() / 20.0;
        assert!((e.effect - want).abs() < 1e-12, "{} vs {want}", e.effect);
        assert_eq!(e.placebos.as_ref().map(|p| p.units.len()), Some(3));
        assert!(e.in_time.is_some());
    }
}

//! Interrupted time series: segmented regression around a deployment date.
//!
//! `y_t = b0 + b1 τ + b2 D + b3 τ D + seasonality + e_t`, with `τ` the time since deployment in
//! periods, `D` = 1 from the deployment on, and AR(1) errors. The reported effect is the average
//! post-period effect `b2 + b3 · mean(τ | D = 1)`: what the change added per period, on
//! average, over the observed post-period. Level (`b2`) and slope (`b3`) change are terms.
//!
//! Seasonality: day-of-week dummies for daily data (from four weeks of data); two yearly
//! Fourier pairs once the series spans two years (one year cannot tell a season from a trend);
//! month-of-year dummies for monthly data over two years.

use model::Date;
use nalgebra::{DMatrix, DVector};

use crate::{
    Estimate, EvalError, FittedPoint, Frequency, Method, Point, Term, check_level, clean, regress,
};

/// Fewest points needed on each side of the deployment.
pub const MIN_BEFORE: usize = 8;
/// Fewest points needed after the deployment.
pub const MIN_AFTER: usize = 4;

/// Seasonal regressors for a series: names and columns.
pub(crate) fn seasonal(
    points: &[Point],
    freq: Frequency,
) -> (Vec<String>, Vec<Vec<f64>>, Vec<String>) {
    let mut names = Vec::new();
    let mut cols: Vec<Vec<f64>> = Vec::new();
    let mut notes = Vec::new();
    let span = match (points.first(), points.last()) {
        (Some(a), Some(b)) => b.0.day_number() - a.0.day_number(),
        _ => 0,
    };
    if freq == Frequency::Daily && points.len() >= 28 {
        for wd in 1..7u8 {
            names.push(format!("weekday {wd}"));
            cols.push(points.iter().map(|p| f64::from(u8::from(p.0.weekday() == wd))).collect());
        }
        notes.push("weekly seasonality: day-of-week effects".into());
    }
    if span >= 730 {
        if freq == Frequency::Monthly {
            for m in 2..=12u8 {
                names.push(format!("month {m}"));
                cols.push(points.iter().map(|p| f64::from(u8::from(p.0.month == m))).collect());
            }
            notes.push("yearly seasonality: month-of-year effects".into());
        } else {
            for k in 1..=2 {
                let w = std::f64::consts::TAU * f64::from(k) / 365.25;
                names.push(format!("yearly sin {k}"));
                cols.push(points.iter().map(|p| (w * p.0.day_number() as f64).sin()).collect());
                names.push(format!("yearly cos {k}"));
                cols.push(points.iter().map(|p| (w * p.0.day_number() as f64).cos()).collect());
            }
            notes.push("yearly seasonality: two Fourier pairs".into());
        }
    } else {
        notes.push(
            "yearly seasonality not modelled: the series spans less than two years, so a season \
             cannot be told from a trend"
                .into(),
        );
    }
    (names, cols, notes)
}

/// Estimates the effect of a deployment on a series.
pub fn interrupted_time_series(
    points: &[Point],
    deployed: Date,
    level: f64,
) -> Result<Estimate, EvalError> {
    check_level(level)?;
    let points = clean(points);
    let dates: Vec<Date> = points.iter().map(|p| p.0).collect();
    let (before, after) = enough(&dates, deployed)?;
    let freq = Frequency::of(&points);
    let t0 = deployed.day_number() as f64;
    let tau: Vec<f64> =
        points.iter().map(|p| (p.0.day_number() as f64 - t0) / freq.days()).collect();
    let post: Vec<f64> = points.iter().map(|p| f64::from(u8::from(p.0 >= deployed))).collect();
    let (snames, scols, mut notes) = seasonal(&points, freq);
    let mut names: Vec<String> =
        vec!["intercept".into(), "trend".into(), "level change".into(), "slope change".into()];
    names.extend(snames);
    let k = names.len();
    let n = points.len();
    let x = DMatrix::from_fn(n, k, |i, j| match j {
        0 => 1.0,
        1 => tau[i],
        2 => post[i],
        3 => tau[i] * post[i],
        _ => scols[j - 4][i],
    });
    let y = DVector::from_fn(n, |i, _| points[i].1);
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let fit = regress::ar1(&x, &y, &name_refs)?;

    let mean_tau_post =
        tau.iter().zip(&post).filter(|(_, d)| **d > 0.0).map(|(t, _)| t).sum::<f64>()
            / after as f64;
    let mut c = vec![0.0; k];
    c[2] = 1.0;
    c[3] = mean_tau_post;
    let (effect, se) = fit.contrast(&c);

    let counterfactual: Vec<f64> = (0..n)
        .map(|i| {
            let mut v = fit.beta[0] + fit.beta[1] * tau[i];
            for (j, col) in scols.iter().enumerate() {
                v += fit.beta[4 + j] * col[i];
            }
            v
        })
        .collect();
    let baseline =
        counterfactual.iter().zip(&post).filter(|(_, d)| **d > 0.0).map(|(v, _)| v).sum::<f64>()
            / after as f64;
    let unit = freq.unit();
    let sd = |j: usize| fit.cov[(j, j)].max(0.0).sqrt();
    let terms = vec![
        Term { name: "level change".into(), value: fit.beta[2], se: Some(sd(2)) },
        Term { name: format!("slope change per {unit}"), value: fit.beta[3], se: Some(sd(3)) },
        Term { name: format!("trend before, per {unit}"), value: fit.beta[1], se: Some(sd(1)) },
    ];
    notes.insert(
        0,
        format!("{} data, {} before and {} after {}", freq.adjective(), before, after, deployed),
    );
    notes.push(format!("AR(1) errors, rho = {:.2} (feasible GLS, Prais–Winsten)", fit.rho));
    Ok(Estimate {
        baseline,
        pre: before,
        post: after,
        rho: Some(fit.rho),
        terms,
        notes,
        fitted: points
            .iter()
            .zip(&counterfactual)
            .map(|(p, c)| FittedPoint { date: p.0, observed: p.1, counterfactual: *c })
            .collect(),
        ..Estimate::new(Method::InterruptedTimeSeries, level, effect, se, fit.df)
    })
}

/// Points before and after the deployment, refusing too few on either side.
pub(crate) fn enough(dates: &[Date], deployed: Date) -> Result<(usize, usize), EvalError> {
    let before = dates.iter().filter(|d| **d < deployed).count();
    let after = dates.len() - before;
    for (side, have, need) in [("before", before, MIN_BEFORE), ("after", after, MIN_AFTER)] {
        if have < need {
            return Err(EvalError::TooFewAround { side, deployed, have, need });
        }
    }
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> Date {
        Date::from_day_number(n)
    }

    #[test]
    fn a_noiseless_series_gives_the_planted_level_and_slope_exactly() {
        let start = Date::new(2025, 1, 1).unwrap().day_number();
        let deployed = day(start + 100);
        let pts: Vec<Point> = (0..160)
            .map(|i| {
                let tau = (i - 100) as f64;
                let post = if i >= 100 { 1.0 } else { 0.0 };
                let weekly =
                    [0.0, 1.0, 2.0, 3.0, 2.0, -4.0, -5.0][day(start + i).weekday() as usize];
                (
                    day(start + i),
                    50.0 + 0.1 * tau
                        + post * (7.0 + 0.05 * tau)
                        + weekly
                        + 1e-9 * ((i * 7919) % 13) as f64,
                )
            })
            .collect();
        let est = interrupted_time_series(&pts, deployed, 0.95).unwrap();
        let mean_tau = (0..60).map(f64::from).sum::<f64>() / 60.0;
        assert!((est.effect - (7.0 + 0.05 * mean_tau)).abs() < 1e-6, "{}", est.effect);
        assert!((est.terms[0].value - 7.0).abs() < 1e-6);
        assert!((est.terms[1].value - 0.05).abs() < 1e-8);
        assert_eq!((est.pre, est.post), (100, 60));
    }

    #[test]
    fn too_little_data_after_the_deployment_is_a_clear_error() {
        let start = Date::new(2025, 1, 1).unwrap().day_number();
        let pts: Vec<Point> = (0..30).map(|i| (day(start + i), i as f64)).collect();
        let err = interrupted_time_series(&pts, day(start + 28), 0.95).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "after the deployment on {} there are 2 data points; at least 4 are needed",
                day(start + 28)
            )
        );
    }
}

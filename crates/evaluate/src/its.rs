//! Interrupted time series: the series against its own pre-period extrapolated.
//!
//! The pre-period is fitted by least squares with `y_t = b0 + b1 τ + seasonality + e_t` (`τ`
//! the time since deployment in periods); the fit is extrapolated over the post-period and the
//! effect is the mean of the gaps `y_t − ŷ_t` there: what the change added per period, on
//! average, whatever the effect's shape. The standard error is AR-robust ([`crate::gap`]).
//!
//! Seasonal terms only where the frequency has a season and the pre-period spans at least two
//! of them (one season cannot be told from a trend): day-of-week effects for daily data over
//! two weeks; yearly seasonality over two years (month-of-year effects for monthly data,
//! quarter effects for quarterly data, two Fourier pairs for daily and weekly data). Yearly
//! data have no season.

use model::Date;
use nalgebra::DMatrix;

use crate::{
    Estimate, EvalError, Frequency, Method, Point, Term, check_level, clean, from_extrapolation,
    gap, placebo,
};

/// Fewest points needed before the deployment.
pub const MIN_BEFORE: usize = 8;
/// Fewest points needed after the deployment.
pub const MIN_AFTER: usize = 4;

/// Seasonal regressors for a series whose first `before` points are the pre-period: names,
/// columns (over all points) and notes. A category absent from the pre-period gets no column.
pub(crate) fn seasonal(
    points: &[Point],
    before: usize,
    freq: Frequency,
) -> (Vec<String>, Vec<Vec<f64>>, Vec<String>) {
    let mut names = Vec::new();
    let mut cols: Vec<Vec<f64>> = Vec::new();
    let mut notes = Vec::new();
    let pre = &points[..before];
    let span = match (pre.first(), pre.last()) {
        (Some(a), Some(b)) => b.0.day_number() - a.0.day_number(),
        _ => 0,
    };
    let mut dummies =
        |label: &str, of: &dyn Fn(Date) -> u8, range: std::ops::RangeInclusive<u8>| {
            let present: Vec<u8> = range.filter(|c| pre.iter().any(|p| of(p.0) == *c)).collect();
            // The first category present is the reference level.
            for c in present.iter().skip(1) {
                names.push(format!("{label} {c}"));
                cols.push(points.iter().map(|p| f64::from(u8::from(of(p.0) == *c))).collect());
            }
        };
    if freq == Frequency::Daily && span >= 13 {
        dummies("weekday", &|d: Date| d.weekday(), 0..=6);
        notes.push("weekly seasonality: day-of-week effects".into());
    }
    let two_years = span >= 700;
    match freq {
        Frequency::Yearly => {}
        Frequency::Monthly | Frequency::Quarterly if two_years => {
            if freq == Frequency::Monthly {
                dummies("month", &|d: Date| d.month, 1..=12);
                notes.push("yearly seasonality: month-of-year effects".into());
            } else {
                dummies("quarter", &|d: Date| (d.month - 1) / 3 + 1, 1..=4);
                notes.push("yearly seasonality: quarter effects".into());
            }
        }
        Frequency::Daily | Frequency::Weekly if two_years => {
            for k in 1..=2 {
                let w = std::f64::consts::TAU * f64::from(k) / 365.25;
                names.push(format!("yearly sin {k}"));
                cols.push(points.iter().map(|p| (w * p.0.day_number() as f64).sin()).collect());
                names.push(format!("yearly cos {k}"));
                cols.push(points.iter().map(|p| (w * p.0.day_number() as f64).cos()).collect());
            }
            notes.push("yearly seasonality: two Fourier pairs".into());
        }
        _ => notes.push(
            "yearly seasonality not modelled: the pre-period spans less than two years, so a \
             season cannot be told from a trend"
                .into(),
        ),
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
    let mut e = core(&points, deployed, level)?;
    if let Some(cut) = placebo::fake_cut(e.pre)
        && let Ok(fake) = core(&points[..e.pre], points[cut].0, level)
    {
        e.in_time = Some(placebo::in_time(points[cut].0, &fake));
        e.design.in_time_p = Some(fake.p_value);
    }
    Ok(e)
}

fn core(points: &[Point], deployed: Date, level: f64) -> Result<Estimate, EvalError> {
    let dates: Vec<Date> = points.iter().map(|p| p.0).collect();
    let (before, after) = enough(&dates, deployed)?;
    let freq = Frequency::of(points);
    let t0 = freq.index(deployed);
    let tau: Vec<f64> = points.iter().map(|p| freq.index(p.0) - t0).collect();
    let (snames, scols, mut notes) = seasonal(points, before, freq);
    let mut names: Vec<String> = vec!["intercept".into(), "trend".into()];
    names.extend(snames);
    let k = names.len();
    let n = points.len();
    let x = DMatrix::from_fn(n, k, |i, j| match j {
        0 => 1.0,
        1 => tau[i],
        _ => scols[j - 2][i],
    });
    let y: Vec<f64> = points.iter().map(|p| p.1).collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let fit = gap::extrapolate(&y, &x, before, &name_refs)?;
    let zeros = vec![0.0; n];
    let mut e =
        from_extrapolation(Method::InterruptedTimeSeries, level, &fit, &dates, &y, &zeros, before);
    let unit = freq.unit();
    let first = e.fitted[before].effect;
    let last = e.fitted[n - 1].effect;
    e.terms = vec![
        Term { name: format!("trend before, per {unit}"), value: fit.beta[1], se: None },
        Term { name: "effect in the first period after".into(), value: first, se: None },
        Term { name: "effect in the last period".into(), value: last, se: None },
    ];
    notes.insert(
        0,
        format!("{} data, {} before and {} after {}", freq.adjective(), before, after, deployed),
    );
    notes.push(format!(
        "the pre-period trend{} extrapolated; standard error AR-robust, rho = {:.2} estimated on the pre-period",
        if k > 2 { " and season" } else { "" },
        fit.rho
    ));
    e.notes = notes;
    Ok(e)
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
    fn a_noiseless_series_gives_the_average_of_a_planted_level_and_slope_exactly() {
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
        assert!((est.terms[0].value - 0.1).abs() < 1e-8);
        assert!((est.terms[1].value - 7.0).abs() < 1e-6);
        assert!((est.terms[2].value - (7.0 + 0.05 * 59.0)).abs() < 1e-6);
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

//! The check-in's forecast and status rule.
//!
//! The forecast is a straight line through the indicator's history since its baseline, with
//! AR(1) errors; its prediction interval adds the line's uncertainty to the variance of the
//! errors. The status compares the forecast at the target date with the target:
//!
//! - **on track**: the forecast meets the target (probability ≥ 50%);
//! - **at risk**: it misses, but the target is within reach (probability 10–50%);
//! - **off track**: probability below 10%;
//! - **met**: the latest value already meets the target;
//! - **no data**: fewer than [`MIN_POINTS`] values (never reported as zero).

use model::{Date, Polarity};
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use crate::{EvalError, Point, check_level, clean, regress};

/// Fewest values for a forecast.
pub const MIN_POINTS: usize = 4;

/// A forecast of an indicator at a date.
#[derive(Clone, Debug, Serialize)]
pub struct Forecast {
    /// When.
    pub date: Date,
    /// Expected value.
    pub mean: f64,
    /// Lower end of the prediction interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Level of the interval.
    pub level: f64,
    /// Standard error of a single future value.
    pub se: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// Trend per year.
    pub slope_per_year: f64,
}

impl Forecast {
    /// Probability that the value at the date is at least `target` (or at most, for indicators
    /// where lower is better).
    pub fn probability_of(&self, target: f64, direction: Polarity) -> f64 {
        if self.se <= 0.0 {
            let meets = match direction {
                Polarity::Increase => self.mean >= target,
                Polarity::Decrease => self.mean <= target,
            };
            return f64::from(u8::from(meets));
        }
        let z = (self.mean - target) / self.se;
        let p_above = regress::t_cdf(z, self.df);
        match direction {
            Polarity::Increase => p_above,
            Polarity::Decrease => 1.0 - p_above,
        }
    }
}

/// Forecasts `points` at `at` by a linear trend with AR(1) errors.
pub fn forecast(points: &[Point], at: Date, level: f64) -> Result<Forecast, EvalError> {
    check_level(level)?;
    let points = clean(points);
    if points.len() < MIN_POINTS {
        return Err(EvalError::TooFewPoints { have: points.len(), need: MIN_POINTS });
    }
    let t0 = points[0].0.day_number() as f64;
    let years: Vec<f64> = points.iter().map(|p| (p.0.day_number() as f64 - t0) / 365.25).collect();
    let n = points.len();
    let x = DMatrix::from_fn(n, 2, |i, j| if j == 0 { 1.0 } else { years[i] });
    let y = DVector::from_fn(n, |i, _| points[i].1);
    let fit = regress::ar1(&x, &y, &["level", "trend"])?;
    let h = (at.day_number() as f64 - t0) / 365.25;
    let (mean, se_line) = fit.contrast(&[1.0, h]);
    let se = (se_line * se_line + fit.error_variance()).sqrt();
    let q = regress::t_quantile(level, fit.df);
    Ok(Forecast {
        date: at,
        mean,
        low: mean - q * se,
        high: mean + q * se,
        level,
        se,
        df: fit.df,
        slope_per_year: fit.beta[1],
    })
}

/// The trend forecast plus what the plan is expected to add by the forecast's date: an
/// independent change of mean `mean` and standard deviation `sd` (from the simulation of the
/// initiatives that ship by then). The means add and the variances add; the interval keeps the
/// trend's t quantile (its degrees of freedom), which is the wider choice when the plan's part
/// is close to normal.
pub fn with_plan(trend: &Forecast, mean: f64, sd: f64) -> Forecast {
    let se = (trend.se * trend.se + sd * sd).sqrt();
    let q = regress::t_quantile(trend.level, trend.df);
    let m = trend.mean + mean;
    Forecast { mean: m, low: m - q * se, high: m + q * se, se, ..trend.clone() }
}

/// How a key result is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Already at or past the target.
    Met,
    /// The forecast meets the target.
    OnTrack,
    /// The forecast misses, but not by much.
    AtRisk,
    /// The forecast misses clearly.
    OffTrack,
    /// Too little data to tell.
    NoData,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Met => "met",
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::OffTrack => "off track",
            Status::NoData => "no data",
        })
    }
}

/// Probability thresholds of the status rule.
pub const ON_TRACK: f64 = 0.5;
/// Below this, off track.
pub const OFF_TRACK: f64 = 0.1;

/// The status rule (see the module documentation).
pub fn status(
    latest: Option<f64>,
    forecast: Option<&Forecast>,
    target: f64,
    direction: Polarity,
) -> Status {
    let meets = |v: f64| match direction {
        Polarity::Increase => v >= target,
        Polarity::Decrease => v <= target,
    };
    match (latest, forecast) {
        (Some(v), _) if meets(v) => Status::Met,
        (_, None) => Status::NoData,
        (_, Some(f)) => {
            let p = f.probability_of(target, direction);
            if p >= ON_TRACK {
                Status::OnTrack
            } else if p >= OFF_TRACK {
                Status::AtRisk
            } else {
                Status::OffTrack
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(slope_per_year: f64) -> Vec<Point> {
        let start = Date::new(2025, 1, 1).unwrap();
        (0..12)
            .map(|m| {
                let d = Date::new(2025, m + 1, 1).unwrap();
                let years = (d.day_number() - start.day_number()) as f64 / 365.25;
                (d, 100.0 + slope_per_year * years + if m % 2 == 0 { 0.5 } else { -0.5 })
            })
            .collect()
    }

    #[test]
    fn a_steady_line_is_forecast_along_the_line() {
        let f = forecast(&series(12.0), Date::new(2026, 7, 1).unwrap(), 0.9).unwrap();
        let years = (Date::new(2026, 7, 1).unwrap().day_number()
            - Date::new(2025, 1, 1).unwrap().day_number()) as f64
            / 365.25;
        assert!((f.mean - (100.0 + 12.0 * years)).abs() < 1.0, "{}", f.mean);
        assert!(f.low < f.mean && f.mean < f.high);
        assert!((f.slope_per_year - 12.0).abs() < 1.0);
    }

    #[test]
    fn the_status_rule() {
        let f = forecast(&series(12.0), Date::new(2026, 7, 1).unwrap(), 0.9).unwrap();
        assert_eq!(status(Some(200.0), Some(&f), 150.0, Polarity::Increase), Status::Met);
        assert_eq!(
            status(Some(110.0), Some(&f), f.mean - 1.0, Polarity::Increase),
            Status::OnTrack
        );
        assert_eq!(
            status(Some(110.0), Some(&f), f.mean + 0.5 * f.se, Polarity::Increase),
            Status::AtRisk
        );
        assert_eq!(
            status(Some(110.0), Some(&f), f.mean + 5.0 * f.se, Polarity::Increase),
            Status::OffTrack
        );
        assert_eq!(status(Some(110.0), None, 150.0, Polarity::Increase), Status::NoData);
        // Lower is better: a falling target far below is off track.
        assert_eq!(status(Some(110.0), Some(&f), 50.0, Polarity::Decrease), Status::OffTrack);
    }

    #[test]
    fn the_plan_adds_its_mean_and_its_variance_to_the_trend() {
        // A planted line: 100 + 12 per year (±0.5 alternating), forecast to mid-2026, plus a
        // plan expected to add 50 with sd 10: the forecast is the line's value + 50, its
        // variance the trend's + 100, and the probability of a target at the combined mean is
        // one half.
        let at = Date::new(2026, 7, 1).unwrap();
        let trend = forecast(&series(12.0), at, 0.9).unwrap();
        let both = with_plan(&trend, 50.0, 10.0);
        let years = (at.day_number() - Date::new(2025, 1, 1).unwrap().day_number()) as f64 / 365.25;
        assert!((both.mean - (100.0 + 12.0 * years + 50.0)).abs() < 1.0, "{}", both.mean);
        assert!((both.mean - trend.mean - 50.0).abs() < 1e-9);
        assert!((both.se.powi(2) - trend.se.powi(2) - 100.0).abs() < 1e-9);
        let q = regress::t_quantile(0.9, trend.df);
        assert!((both.high - both.mean - q * both.se).abs() < 1e-9);
        assert!((both.probability_of(both.mean, Polarity::Increase) - 0.5).abs() < 1e-12);
        // A target 10 above the trend is out of the trend's reach but within the plan's.
        let target = trend.mean + 10.0;
        assert!(trend.probability_of(target, Polarity::Increase) < 0.01);
        assert!(both.probability_of(target, Polarity::Increase) > 0.9);
        // No plan: the trend unchanged.
        let none = with_plan(&trend, 0.0, 0.0);
        assert_eq!((none.mean, none.se), (trend.mean, trend.se));
    }

    #[test]
    fn too_few_points_is_no_forecast() {
        assert!(forecast(&series(1.0)[..3], Date::new(2026, 1, 1).unwrap(), 0.9).is_err());
    }
}

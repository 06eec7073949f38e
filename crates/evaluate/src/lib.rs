//! What shipped work did, and how the plan is doing.
//!
//! - [`its::interrupted_time_series`]: the series against its pre-period trend (and season)
//!   extrapolated.
//! - [`did::difference_in_differences`]: the treated series against the mean of comparison
//!   series (wikis without the change).
//! - [`synth::synthetic_control`] and [`synth::synthetic_control_classic`]: the treated series
//!   against the best weighted mix of comparison series in the pre-period.
//! - [`sdid::synthetic_did`]: synthetic difference in differences (unit and time weights).
//! - [`placebo`]: in-space and in-time placebos for panels.
//! - [`experiment::two_group`]: an A/B test (Welch).
//!
//! Every time-series method estimates the same thing, the average over the post-period of
//! `Y_treated,t − Ŷ_counterfactual,t` ([`gap`] explains why the point estimate does not depend
//! on the effect's shape and autocorrelation only changes the standard error).
//! - [`trend::forecast`] and [`trend::status`]: the check-in's forecast and on-track rule.
//!
//! Every estimator returns an [`Estimate`] whose interval has been checked to cover a planted
//! effect about as often as it claims (`tests/coverage.rs`). The estimators know nothing about
//! models or stores: they take dated values and return numbers.

use model::Date;
use serde::Serialize;

pub mod checkin;
pub mod did;
pub mod experiment;
mod gap;
pub mod its;
pub mod placebo;
mod regress;
pub mod sdid;
pub mod strength;
pub mod synth;
pub mod trend;

/// A dated value.
pub type Point = (Date, f64);

/// How an effect was estimated (defined with the model, which records evaluations).
pub use model::EvaluationMethod as Method;

/// A named coefficient with its uncertainty.
#[derive(Clone, Debug, Serialize)]
pub struct Term {
    /// What it is ("level change", "slope change per period", a donor's weight, …).
    pub name: String,
    /// Estimate.
    pub value: f64,
    /// Standard error, when it has one.
    pub se: Option<f64>,
}

/// An observed value beside the estimated value without the change, and the effect in that
/// period with its pointwise band (before the deployment the "effect" is the pre-period misfit,
/// which should hover around zero).
#[derive(Clone, Debug, Serialize)]
pub struct FittedPoint {
    /// Date.
    pub date: Date,
    /// Observed.
    pub observed: f64,
    /// What the model says it would have been without the change.
    pub counterfactual: f64,
    /// `observed − counterfactual`.
    pub effect: f64,
    /// Lower end of the effect's pointwise interval (at the estimate's level).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// An estimated effect.
#[derive(Clone, Debug, Serialize)]
pub struct Estimate {
    /// Method.
    pub method: Method,
    /// The average effect over the post-period, in the series' unit (treatment minus control
    /// for an experiment).
    pub effect: f64,
    /// Its standard error.
    pub se: f64,
    /// Degrees of freedom of the interval.
    pub df: f64,
    /// Confidence level of the interval, e.g. 0.95.
    pub level: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
    /// Two-sided p-value for "no effect".
    pub p_value: f64,
    /// The mean the series would have had without the change over the same period (the control
    /// mean for an experiment): `effect / baseline` is the relative effect.
    pub baseline: f64,
    /// Points (or units) before and after.
    pub pre: usize,
    /// Points (or units) after.
    pub post: usize,
    /// AR(1) coefficient of the errors, when modelled.
    pub rho: Option<f64>,
    /// Other coefficients worth showing.
    pub terms: Vec<Term>,
    /// What the estimate assumed and what the data say about it.
    pub notes: Vec<String>,
    /// Observed and counterfactual values and the per-period effect, for charts (empty for
    /// experiments).
    pub fitted: Vec<FittedPoint>,
    /// In-space placebos (each comparison series treated in turn), for panels with two or more
    /// comparison series.
    pub placebos: Option<placebo::InSpace>,
    /// The same method at a fake deployment date in the pre-period: a design check.
    pub in_time: Option<placebo::InTime>,
    /// What the design says about how far to trust the estimate.
    pub design: strength::Design,
}

impl Estimate {
    /// An estimate with its interval and p-value from `effect`, `se` and Student's t with `df`
    /// degrees of freedom; the descriptive fields start empty for the caller to fill.
    fn new(method: Method, level: f64, effect: f64, se: f64, df: f64) -> Estimate {
        let q = regress::t_quantile(level, df);
        let p_value =
            if se > 0.0 { 2.0 * (1.0 - regress::t_cdf((effect / se).abs(), df)) } else { 0.0 };
        Estimate {
            method,
            effect,
            se,
            df,
            level,
            low: effect - q * se,
            high: effect + q * se,
            p_value,
            baseline: 0.0,
            pre: 0,
            post: 0,
            rho: None,
            terms: Vec::new(),
            notes: Vec::new(),
            fitted: Vec::new(),
            placebos: None,
            in_time: None,
            design: strength::Design::new(method),
        }
    }

    /// `effect / baseline`, when the baseline is not zero.
    pub fn relative(&self) -> Option<f64> {
        (self.baseline != 0.0).then(|| self.effect / self.baseline)
    }
}

/// Why an estimate could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EvalError {
    /// Not enough data.
    #[error("too few data points: {have}, need at least {need}")]
    TooFewPoints {
        /// How many there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// Not enough data on one side of the deployment.
    #[error(
        "{side} the deployment on {deployed} there are {have} data points; at least {need} are needed"
    )]
    TooFewAround {
        /// "before" or "after".
        side: &'static str,
        /// The deployment.
        deployed: Date,
        /// How many there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// The regression cannot separate a term from the others.
    #[error("the data cannot separate the term '{0}' from the others (for example no variation)")]
    Singular(String),
    /// Comparison series needed.
    #[error("this method needs at least {0} comparison series")]
    NoComparisons(usize),
    /// Series that share no dates.
    #[error("the comparison series '{0}' shares no dates with the treated series")]
    NoOverlap(String),
    /// Too few comparison series for the method's inference.
    #[error(
        "{method} needs at least {need} comparison series for its placebo variance, got {have}"
    )]
    TooFewDonors {
        /// The method.
        method: Method,
        /// How many there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// A confidence level outside (0, 1).
    #[error("the confidence level must be between 0 and 1, got {0}")]
    Level(f64),
}

fn check_level(level: f64) -> Result<(), EvalError> {
    if level > 0.0 && level < 1.0 { Ok(()) } else { Err(EvalError::Level(level)) }
}

/// Sampling frequency of a series, from the median gap between dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// About one point a day.
    Daily,
    /// About one a week.
    Weekly,
    /// About one a month.
    Monthly,
    /// About one a quarter.
    Quarterly,
    /// About one a year.
    Yearly,
}

impl Frequency {
    /// Infers the frequency from dates in order.
    pub fn of(points: &[Point]) -> Frequency {
        let mut gaps: Vec<i64> =
            points.windows(2).map(|w| w[1].0.day_number() - w[0].0.day_number()).collect();
        gaps.sort_unstable();
        match gaps.get(gaps.len() / 2).copied().unwrap_or(1) {
            ..=2 => Frequency::Daily,
            3..=10 => Frequency::Weekly,
            11..=45 => Frequency::Monthly,
            46..=135 => Frequency::Quarterly,
            _ => Frequency::Yearly,
        }
    }

    /// The position of a date on this frequency's calendar, in periods: calendar years,
    /// quarters and months count as one period each whatever their length in days.
    pub fn index(self, d: Date) -> f64 {
        let (y, m) = (f64::from(d.year), f64::from(d.month));
        match self {
            Frequency::Yearly => y + (m - 1.0) / 12.0,
            Frequency::Quarterly => 4.0 * y + (m - 1.0) / 3.0,
            Frequency::Monthly => 12.0 * y + m - 1.0 + (f64::from(d.day) - 1.0) / 31.0,
            Frequency::Weekly | Frequency::Daily => d.day_number() as f64 / self.days(),
        }
    }

    /// Days per period.
    pub fn days(self) -> f64 {
        match self {
            Frequency::Daily => 1.0,
            Frequency::Weekly => 7.0,
            Frequency::Monthly => 365.25 / 12.0,
            Frequency::Quarterly => 365.25 / 4.0,
            Frequency::Yearly => 365.25,
        }
    }

    /// "daily", "weekly", "monthly", "quarterly", "yearly".
    pub fn adjective(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Yearly => "yearly",
        }
    }

    /// "day", "week", "month", "quarter", "year".
    pub fn unit(self) -> &'static str {
        match self {
            Frequency::Daily => "day",
            Frequency::Weekly => "week",
            Frequency::Monthly => "month",
            Frequency::Quarterly => "quarter",
            Frequency::Yearly => "year",
        }
    }
}

/// Sorts by date and refuses duplicate or non-finite values.
fn clean(points: &[Point]) -> Vec<Point> {
    let mut v: Vec<Point> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    v.sort_by_key(|p| p.0);
    v.dedup_by_key(|p| p.0);
    v
}

/// The estimate of a gap method from its extrapolation: interval, per-period path with its
/// band, baseline (the counterfactual's post-period mean). `reference` is what the pre-period
/// model is added to for the counterfactual (the comparisons' mean, the synthetic twin, or
/// zeros for an interrupted time series).
fn from_extrapolation(
    method: Method,
    level: f64,
    fit: &gap::Extrapolation,
    dates: &[Date],
    y: &[f64],
    reference: &[f64],
    before: usize,
) -> Estimate {
    let mut e = Estimate::new(method, level, fit.effect, fit.se, fit.df);
    let q = regress::t_quantile(level, fit.df);
    e.fitted = dates
        .iter()
        .enumerate()
        .map(|(t, d)| {
            let (eff, se) = fit.path[t];
            FittedPoint {
                date: *d,
                observed: y[t],
                counterfactual: reference[t] + fit.fitted[t],
                effect: eff,
                low: eff - q * se,
                high: eff + q * se,
            }
        })
        .collect();
    let after = dates.len() - before;
    e.baseline = e.fitted[before..].iter().map(|p| p.counterfactual).sum::<f64>() / after as f64;
    e.pre = before;
    e.post = after;
    e.rho = Some(fit.rho);
    e.design.pre_rmspe = Some(rms(&fit.path[..before].iter().map(|p| p.0).collect::<Vec<_>>()));
    e.design.outcome_sd = Some(sd(&y[..before]));
    e
}

/// Root mean square.
fn rms(v: &[f64]) -> f64 {
    (v.iter().map(|x| x * x).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

/// Sample standard deviation.
fn sd(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let m = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

//! What shipped work did, and how the plan is doing.
//!
//! - [`its::interrupted_time_series`]: level and slope change at a deployment, with weekly and
//!   yearly seasonality and AR(1) errors.
//! - [`did::difference_in_differences`]: the treated series against the mean of comparison
//!   series (wikis without the change).
//! - [`synth::synthetic_control`]: the treated series against the best weighted mix of
//!   comparison series in the pre-period.
//! - [`experiment::two_group`]: an A/B test (Welch).
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
pub mod its;
mod regress;
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

/// An observed value beside the estimated value without the change.
#[derive(Clone, Debug, Serialize)]
pub struct FittedPoint {
    /// Date.
    pub date: Date,
    /// Observed.
    pub observed: f64,
    /// What the model says it would have been without the change.
    pub counterfactual: f64,
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
    /// Observed and counterfactual values, for charts (empty for experiments).
    pub fitted: Vec<FittedPoint>,
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
            _ => Frequency::Monthly,
        }
    }

    /// Days per period.
    pub fn days(self) -> f64 {
        match self {
            Frequency::Daily => 1.0,
            Frequency::Weekly => 7.0,
            Frequency::Monthly => 365.25 / 12.0,
        }
    }

    /// "daily", "weekly", "monthly".
    pub fn adjective(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
        }
    }

    /// "day", "week", "month".
    pub fn unit(self) -> &'static str {
        match self {
            Frequency::Daily => "day",
            Frequency::Weekly => "week",
            Frequency::Monthly => "month",
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

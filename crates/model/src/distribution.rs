//! Uncertain quantities as people write them: points, 90% intervals and named distributions.

use serde::Serialize;

/// The standard normal quantile at 0.95: a 90% interval spans ±Z90 standard deviations.
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// An uncertain quantity. Constructors validate, so a value of this type is always possible.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// A known value.
    Point {
        /// The value.
        value: f64,
    },
    /// Normal with mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, ≥ 0.
        sd: f64,
    },
    /// Lognormal: `exp(N(mu, sigma²))`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm, ≥ 0.
        sigma: f64,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound, ≥ low.
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// Beta-PERT on `[low, high]` with `mode`, λ = 4.
    Pert {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// Beta on `[0, 1]`, for rates and proportions.
    Beta {
        /// Shape α > 0.
        alpha: f64,
        /// Shape β > 0.
        beta: f64,
    },
}

/// Why a distribution is impossible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistributionError {
    /// A parameter is NaN or infinite.
    #[error("{0} must be a finite number")]
    NotFinite(&'static str),
    /// Lower bound above the upper bound.
    #[error("the low value {low} is above the high value {high}")]
    LowAboveHigh {
        /// The lower bound given.
        low: f64,
        /// The upper bound given.
        high: f64,
    },
    /// The mode lies outside `[low, high]`.
    #[error("the most likely value {mode} is outside {low}..{high}")]
    ModeOutside {
        /// Lower bound.
        low: f64,
        /// Mode.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// A scale parameter below zero.
    #[error("{0} cannot be negative")]
    Negative(&'static str),
    /// A shape parameter that must be strictly positive.
    #[error("{0} must be greater than zero")]
    NotPositive(&'static str),
    /// Finite parameters whose mean or variance is not (a lognormal with a very wide
    /// interval, a triangular near the largest float): nothing can be computed with it.
    #[error("its {0} is too large to compute (it overflows to infinity)")]
    Overflow(&'static str),
}

fn finite(name: &'static str, v: f64) -> Result<f64, DistributionError> {
    if v.is_finite() { Ok(v) } else { Err(DistributionError::NotFinite(name)) }
}

fn ordered(low: f64, high: f64) -> Result<(), DistributionError> {
    finite("low", low)?;
    finite("high", high)?;
    if low > high { Err(DistributionError::LowAboveHigh { low, high }) } else { Ok(()) }
}

fn three_point(low: f64, mode: f64, high: f64) -> Result<(), DistributionError> {
    ordered(low, high)?;
    finite("mode", mode)?;
    if mode < low || mode > high {
        return Err(DistributionError::ModeOutside { low, mode, high });
    }
    Ok(())
}

impl Distribution {
    /// Refuses a distribution whose moments overflow: every engine computes with them.
    fn checked(self) -> Result<Self, DistributionError> {
        if !self.mean().is_finite() {
            return Err(DistributionError::Overflow("mean"));
        }
        if !self.variance().is_finite() {
            return Err(DistributionError::Overflow("variance"));
        }
        Ok(self)
    }

    /// A known value.
    pub fn point(value: f64) -> Result<Self, DistributionError> {
        Ok(Distribution::Point { value: finite("value", value)? })
    }

    /// The distribution people mean by "between `low` and `high`, 90% sure".
    ///
    /// Lognormal when both ends are positive (effects and costs are usually multiplicative and
    /// skewed, as in Guesstimate and Squiggle), normal otherwise; a point when the ends meet.
    pub fn interval90(low: f64, high: f64) -> Result<Self, DistributionError> {
        ordered(low, high)?;
        if low == high {
            return Distribution::point(low);
        }
        if low > 0.0 {
            let (ll, lh) = (low.ln(), high.ln());
            Distribution::LogNormal { mu: (ll + lh) / 2.0, sigma: (lh - ll) / (2.0 * Z90) }
                .checked()
        } else {
            Distribution::Normal { mean: (low + high) / 2.0, sd: (high - low) / (2.0 * Z90) }
                .checked()
        }
    }

    /// Normal with mean and standard deviation.
    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistributionError> {
        finite("mean", mean)?;
        if finite("sd", sd)? < 0.0 {
            return Err(DistributionError::Negative("the standard deviation"));
        }
        Distribution::Normal { mean, sd }.checked()
    }

    /// Lognormal with the parameters of the underlying normal.
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Self, DistributionError> {
        finite("mu", mu)?;
        if finite("sigma", sigma)? < 0.0 {
            return Err(DistributionError::Negative("sigma"));
        }
        Distribution::LogNormal { mu, sigma }.checked()
    }

    /// Uniform on `[low, high]`.
    pub fn uniform(low: f64, high: f64) -> Result<Self, DistributionError> {
        ordered(low, high)?;
        Distribution::Uniform { low, high }.checked()
    }

    /// Triangular on `[low, high]`, peak at `mode`.
    pub fn triangular(low: f64, mode: f64, high: f64) -> Result<Self, DistributionError> {
        three_point(low, mode, high)?;
        Distribution::Triangular { low, mode, high }.checked()
    }

    /// Beta-PERT on `[low, high]` with the given mode.
    pub fn pert(low: f64, mode: f64, high: f64) -> Result<Self, DistributionError> {
        three_point(low, mode, high)?;
        Distribution::Pert { low, mode, high }.checked()
    }

    /// Beta with shapes α and β.
    pub fn beta(alpha: f64, beta: f64) -> Result<Self, DistributionError> {
        if finite("alpha", alpha)? <= 0.0 {
            return Err(DistributionError::NotPositive("alpha"));
        }
        if finite("beta", beta)? <= 0.0 {
            return Err(DistributionError::NotPositive("beta"));
        }
        Distribution::Beta { alpha, beta }.checked()
    }

    /// The expected value, in closed form.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Point { value } => value,
            Distribution::Normal { mean, .. } => mean,
            Distribution::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Distribution::Uniform { low, high } => (low + high) / 2.0,
            Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Distribution::Pert { low, mode, high } => (low + 4.0 * mode + high) / 6.0,
            Distribution::Beta { alpha, beta } => alpha / (alpha + beta),
        }
    }

    /// The variance, in closed form.
    pub fn variance(&self) -> f64 {
        match *self {
            Distribution::Point { .. } => 0.0,
            Distribution::Normal { sd, .. } => sd * sd,
            Distribution::LogNormal { mu, sigma } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * (2.0 * mu + s2).exp()
            }
            Distribution::Uniform { low, high } => (high - low).powi(2) / 12.0,
            Distribution::Triangular { low: a, mode: c, high: b } => {
                (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
            }
            Distribution::Pert { low, mode, high } => {
                if high == low {
                    return 0.0;
                }
                let (a, b) = pert_shapes(low, mode, high);
                a * b * (high - low).powi(2) / ((a + b).powi(2) * (a + b + 1.0))
            }
            Distribution::Beta { alpha: a, beta: b } => a * b / ((a + b).powi(2) * (a + b + 1.0)),
        }
    }

    /// The central 90% range: the 5th and 95th percentiles of normal and lognormal
    /// distributions, the support of bounded ones. Finite for every valid distribution whose
    /// parameters are not near the largest float.
    pub fn range90(&self) -> (f64, f64) {
        match *self {
            Distribution::Normal { mean, sd } => (mean - Z90 * sd, mean + Z90 * sd),
            Distribution::LogNormal { mu, sigma } => {
                ((mu - Z90 * sigma).exp(), (mu + Z90 * sigma).exp())
            }
            _ => self.support(),
        }
    }

    /// Smallest and largest possible values (infinite for unbounded distributions).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Distribution::Point { value } => (value, value),
            Distribution::Normal { sd: 0.0, mean } => (mean, mean),
            Distribution::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Distribution::LogNormal { .. } => (0.0, f64::INFINITY),
            Distribution::Uniform { low, high }
            | Distribution::Triangular { low, high, .. }
            | Distribution::Pert { low, high, .. } => (low, high),
            Distribution::Beta { .. } => (0.0, 1.0),
        }
    }
}

/// The Beta shapes of a PERT distribution with λ = 4.
pub fn pert_shapes(low: f64, mode: f64, high: f64) -> (f64, f64) {
    let range = high - low;
    (1.0 + 4.0 * (mode - low) / range, 1.0 + 4.0 * (high - mode) / range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn interval_is_lognormal_when_positive_with_the_right_quantiles() {
        let d = Distribution::interval90(2.0, 8.0).unwrap();
        let Distribution::LogNormal { mu, sigma } = d else { panic!("not lognormal: {d:?}") };
        assert!(close((mu - Z90 * sigma).exp(), 2.0));
        assert!(close((mu + Z90 * sigma).exp(), 8.0));
        // Median of the interval is the geometric mean of its ends.
        assert!(close(mu.exp(), 4.0));
    }

    #[test]
    fn interval_is_normal_when_it_reaches_zero() {
        let d = Distribution::interval90(-1.0, 3.0).unwrap();
        assert_eq!(d, Distribution::Normal { mean: 1.0, sd: 2.0 / Z90 });
        assert_eq!(Distribution::interval90(3.0, 3.0).unwrap(), Distribution::Point { value: 3.0 });
    }

    #[test]
    fn impossible_distributions_are_rejected() {
        assert!(matches!(
            Distribution::interval90(5.0, 1.0),
            Err(DistributionError::LowAboveHigh { .. })
        ));
        assert!(matches!(
            Distribution::pert(0.0, 5.0, 4.0),
            Err(DistributionError::ModeOutside { .. })
        ));
        assert!(Distribution::normal(0.0, -1.0).is_err());
        assert!(Distribution::beta(0.0, 1.0).is_err());
        assert!(Distribution::point(f64::NAN).is_err());
    }

    #[test]
    fn finite_parameters_with_overflowing_moments_are_rejected() {
        // A 90% interval from 1 to 1e300: sigma ≈ 210, so the mean exp(mu + sigma²/2) overflows.
        assert_eq!(Distribution::interval90(1.0, 1e300), Err(DistributionError::Overflow("mean")));
        // The mean exp(400 + 0.5) is finite, the variance exp(2·400 + 1)·(e − 1) is not.
        assert_eq!(
            Distribution::lognormal(400.0, 1.0),
            Err(DistributionError::Overflow("variance"))
        );
        // Ends near the largest float: their sum, hence the mean, overflows.
        assert!(Distribution::uniform(1e308, 1.7e308).is_err());
        assert!(Distribution::normal(0.0, 1e200).is_err());
        // Wide but computable intervals stay valid.
        assert!(Distribution::interval90(1.0, 1e9).is_ok());
    }

    #[test]
    fn moments_match_closed_forms() {
        // PERT(0, 3, 6) is symmetric: Beta(3, 3) scaled to [0, 6]: mean 3, var 36 * 9/(36*7).
        let p = Distribution::pert(0.0, 3.0, 6.0).unwrap();
        assert!(close(p.mean(), 3.0));
        assert!(close(p.variance(), 36.0 * 9.0 / (36.0 * 7.0)));
        let b = Distribution::beta(2.0, 6.0).unwrap();
        assert!(close(b.mean(), 0.25));
        assert!(close(b.variance(), 12.0 / (64.0 * 9.0)));
        let t = Distribution::triangular(0.0, 0.0, 3.0).unwrap();
        assert!(close(t.mean(), 1.0));
        assert!(close(t.variance(), 9.0 / 18.0));
        let l = Distribution::lognormal(0.0, 1.0).unwrap();
        assert!(close(l.mean(), 0.5f64.exp()));
    }
}

/// How a distribution reads to people: the way it would be written in a model file, with
/// 90% intervals shown as their ends.
impl std::fmt::Display for Distribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |v: f64| {
            let r = (v * 1e4).round() / 1e4;
            if r == r.trunc() && r.abs() < 1e15 {
                format!("{}", r as i64)
            } else {
                format!("{}", r)
            }
        };
        match *self {
            Distribution::Point { value } => write!(f, "{}", n(value)),
            Distribution::Normal { mean, sd } => {
                write!(f, "{} to {}", n(mean - Z90 * sd), n(mean + Z90 * sd))
            }
            Distribution::LogNormal { mu, sigma } => {
                write!(f, "{} to {}", n((mu - Z90 * sigma).exp()), n((mu + Z90 * sigma).exp()))
            }
            Distribution::Uniform { low, high } => write!(f, "uniform({}, {})", n(low), n(high)),
            Distribution::Triangular { low, mode, high } => {
                write!(f, "triangular({}, {}, {})", n(low), n(mode), n(high))
            }
            Distribution::Pert { low, mode, high } => {
                write!(f, "pert({}, {}, {})", n(low), n(mode), n(high))
            }
            Distribution::Beta { alpha, beta } => write!(f, "beta({}, {})", n(alpha), n(beta)),
        }
    }
}

#[cfg(test)]
mod display_tests {
    use super::*;

    #[test]
    fn intervals_read_back_as_written() {
        assert_eq!(Distribution::interval90(0.2, 0.6).unwrap().to_string(), "0.2 to 0.6");
        assert_eq!(Distribution::interval90(-1.0, 3.0).unwrap().to_string(), "-1 to 3");
        assert_eq!(Distribution::interval90(100e3, 600e3).unwrap().to_string(), "100000 to 600000");
        assert_eq!(Distribution::pert(1.0, 2.0, 5.0).unwrap().to_string(), "pert(1, 2, 5)");
        assert_eq!(Distribution::point(0.5).unwrap().to_string(), "0.5");
    }
}

//! Drawing from and inverting the model's distributions.

use model::Distribution;
use rand::Rng;
use rand::distr::Distribution as _;
use rand_distr::{Beta, Normal, Pert, StandardNormal, StandardUniform, Triangular, Uniform};
use statrs::distribution::{Beta as SBeta, ContinuousCDF, Normal as SNormal};

/// A ready-to-draw form of a [`Distribution`]. Built once per variable, used for every sample.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always the same value.
    Constant(f64),
    /// Normal.
    Normal(Normal<f64>),
    /// Lognormal, drawn as `exp(mu + sigma · z)`: about twice as fast as `rand_distr`'s, which
    /// draws its normal through a slower path.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Uniform on a non-empty interval.
    Uniform(Uniform<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Beta-PERT.
    Pert(Pert<f64>),
    /// Beta.
    Beta(Beta<f64>),
}

impl Sampler {
    /// Builds the sampler. Every [`Distribution`] is valid by construction, so this cannot fail;
    /// degenerate shapes (zero spread) become constants.
    pub fn new(d: &Distribution) -> Sampler {
        let constant = Sampler::Constant(d.mean());
        match *d {
            Distribution::Point { value } => Sampler::Constant(value),
            Distribution::Normal { mean, sd } => {
                Normal::new(mean, sd).map_or(constant, Sampler::Normal)
            }
            Distribution::LogNormal { mu, sigma } => Sampler::LogNormal { mu, sigma },
            Distribution::Uniform { low, high } if low < high => {
                Uniform::new(low, high).map_or(constant, Sampler::Uniform)
            }
            Distribution::Triangular { low, mode, high } if low < high => {
                Triangular::new(low, high, mode).map_or(constant, Sampler::Triangular)
            }
            Distribution::Pert { low, mode, high } if low < high => {
                Pert::new(low, high).with_mode(mode).map_or(constant, Sampler::Pert)
            }
            Distribution::Beta { alpha, beta } => {
                Beta::new(alpha, beta).map_or(constant, Sampler::Beta)
            }
            _ => constant,
        }
    }

    /// Fills `out` with independent draws.
    #[inline(always)]
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Sampler::LogNormal { mu, sigma } => {
                // Draw first, then exponentiate in a separate loop the compiler vectorises.
                for x in out.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = mu + sigma * z;
                }
                for x in out.iter_mut() {
                    *x = exp(*x);
                }
            }
            Sampler::Constant(v) => out.fill(*v),
            other => {
                for x in out.iter_mut() {
                    *x = other.sample(rng);
                }
            }
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Constant(v) => *v,
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                exp(mu + sigma * z)
            }
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d) => d.sample(rng),
            Sampler::Beta(d) => d.sample(rng),
        }
    }
}

/// `e^x` for Monte Carlo draws, branch-free so a loop over a block vectorises: `x = k ln 2 + r`
/// with `|r| ≤ ln 2 / 2` (Cody–Waite), `k` rounded by the 1.5·2⁵² trick (no float-to-integer
/// conversion, which the baseline x86-64 target cannot vectorise), and `e^r` by its Taylor
/// polynomial to degree 9: relative error below 1e-11 (tested), far below any Monte Carlo error,
/// at about half the cost of libm's `exp` in the engine's loops. Arguments beyond ±708 saturate.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
    let x = x.clamp(-708.0, 708.0);
    let k = (x * std::f64::consts::LOG2_E + ROUND) - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k from the low bits of k + ROUND (k is a whole number in [-1022, 1022]).
    let two_k = f64::from_bits((k + ROUND).to_bits().wrapping_add(1023) << 52);
    p * two_k
}

/// A uniform draw in [0, 1), for "does this link work".
#[inline]
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardUniform.sample(rng)
}

/// The `q`-quantile of a distribution (0 < q < 1), in closed form where one exists.
pub fn quantile(d: &Distribution, q: f64) -> f64 {
    let z = || SNormal::standard().inverse_cdf(q);
    match *d {
        Distribution::Point { value } => value,
        Distribution::Normal { mean, sd } => mean + sd * z(),
        Distribution::LogNormal { mu, sigma } => (mu + sigma * z()).exp(),
        Distribution::Uniform { low, high } => low + q * (high - low),
        Distribution::Triangular { low, mode, high } => {
            if high == low {
                return low;
            }
            let f = (mode - low) / (high - low);
            if q < f {
                low + (q * (high - low) * (mode - low)).sqrt()
            } else {
                high - ((1.0 - q) * (high - low) * (high - mode)).sqrt()
            }
        }
        Distribution::Pert { low, mode, high } => {
            if high == low {
                return low;
            }
            let (a, b) = model::distribution::pert_shapes(low, mode, high);
            SBeta::new(a, b).map_or(d.mean(), |beta| low + (high - low) * beta.inverse_cdf(q))
        }
        Distribution::Beta { alpha, beta } => {
            SBeta::new(alpha, beta).map_or(d.mean(), |b| b.inverse_cdf(q))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn moments(d: &Distribution, n: usize) -> (f64, f64) {
        let s = Sampler::new(d);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn fast_exp_is_accurate_everywhere_it_is_used() {
        let mut worst: f64 = 0.0;
        for i in 0..=400_000 {
            let x = -700.0 + 1400.0 * f64::from(i) / 400_000.0;
            worst = worst.max(((exp(x) - x.exp()) / x.exp()).abs());
        }
        assert!(worst < 1e-11, "relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1e6) >= 0.0 && exp(-1e6) < 1e-300);
        assert!(exp(1e6).is_finite());
    }

    /// Sample moments agree with the closed forms within 4 standard errors.
    #[test]
    fn sample_moments_match_closed_forms() {
        let n = 200_000;
        for d in [
            Distribution::pert(1.0, 2.0, 6.0).unwrap(),
            Distribution::beta(2.0, 8.0).unwrap(),
            Distribution::triangular(0.0, 1.0, 4.0).unwrap(),
            Distribution::interval90(2.0, 8.0).unwrap(),
            Distribution::uniform(-1.0, 3.0).unwrap(),
            Distribution::normal(5.0, 2.0).unwrap(),
        ] {
            let (mean, var) = moments(&d, n);
            let se = (d.variance() / n as f64).sqrt();
            assert!((mean - d.mean()).abs() < 4.0 * se, "{d:?}: mean {mean} vs {}", d.mean());
            assert!(
                (var / d.variance() - 1.0).abs() < 0.05,
                "{d:?}: var {var} vs {}",
                d.variance()
            );
        }
    }

    #[test]
    fn quantiles_invert_the_90_percent_interval() {
        let d = Distribution::interval90(2.0, 8.0).unwrap();
        assert!((quantile(&d, 0.05) - 2.0).abs() < 1e-9);
        assert!((quantile(&d, 0.95) - 8.0).abs() < 1e-9);
        let t = Distribution::triangular(0.0, 0.0, 1.0).unwrap();
        // CDF of Tri(0,0,1) is 1-(1-x)²: the median is 1-√0.5.
        assert!((quantile(&t, 0.5) - (1.0 - 0.5f64.sqrt())).abs() < 1e-12);
        let p = Distribution::pert(0.0, 5.0, 10.0).unwrap();
        assert!((quantile(&p, 0.5) - 5.0).abs() < 1e-9, "symmetric PERT");
    }
}

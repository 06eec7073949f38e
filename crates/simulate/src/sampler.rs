//! Drawing from and inverting the model's distributions.

use model::Distribution;
use rand::Rng;

use crate::streams::{GROUP, Stream, Words};
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

    /// Fills `out` with the engine's draws of samples `first …` of the variable whose stream
    /// is `stream`: each a pure function of (stream, sample index), so any range gives the same
    /// values as the engine's blocks. Normal and lognormal draws take their deviates from
    /// [`group_normals`] (single precision, |z| ≤ 6.66); single draws ([`Sampler::sample`])
    /// from `rand_distr`'s ziggurat (double precision, unbounded).
    pub fn fill(&self, stream: Stream, first: u64, out: &mut [f64]) {
        let (mut s, mut rest) = (first, out);
        while !rest.is_empty() {
            let (g, at) = (s / GROUP as u64, (s % GROUP as u64) as usize);
            let take = (GROUP - at).min(rest.len());
            let (head, tail) = rest.split_at_mut(take);
            let mut all = [0.0; GROUP];
            match self {
                Sampler::Constant(v) => all.fill(*v),
                _ => self.fill_group(&stream.group(g), &mut all[..at + take]),
            }
            head.copy_from_slice(&all[at..at + take]);
            (s, rest) = (s + take as u64, tail);
        }
    }

    /// The draws of the first `out.len()` samples (at most [`GROUP`]) of the group whose words
    /// are `words`: the engine's block.
    #[inline(always)]
    pub(crate) fn fill_group(&self, words: &Words, out: &mut [f64]) {
        match self {
            Sampler::LogNormal { mu, sigma } => lognormals(words, *mu, *sigma, out),
            Sampler::Normal(d) => {
                let z = group_normals(&words.hi);
                let (mean, sd) = (d.mean(), d.std_dev());
                for (x, &z) in out.iter_mut().zip(&z) {
                    *x = mean + sd * f64::from(z);
                }
            }
            Sampler::Constant(v) => out.fill(*v),
            other => {
                for (i, x) in out.iter_mut().enumerate() {
                    *x = other.sample(&mut words.rng(i));
                }
            }
        }
    }

    /// `(e^μ, σ log₂e)` when the block draws of this sampler are `e^μ` times a single-precision
    /// random part ([`lognormal_factors`]): a lognormal with σ up to [`MAX_SIGMA_F32`] and a
    /// finite, non-zero scale (so a zero random part gives exactly +0.0, as a link that fails
    /// does in the double-precision table).
    pub(crate) fn lognormal_f32(&self) -> Option<(f64, f32)> {
        match *self {
            Sampler::LogNormal { mu, sigma } if sigma <= MAX_SIGMA_F32 => {
                let scale = mu.exp();
                let rate = (sigma * std::f64::consts::LOG2_E) as f32;
                (scale.is_finite() && scale > 0.0).then_some((scale, rate))
            }
            _ => None,
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

/// Standard normal deviates of one group of samples by the Box–Muller transform, computed in
/// single precision over all its pairs so that every step vectorises (four lanes on the baseline
/// x86-64 target, eight in the engine's AVX2 build).
///
/// Sample `j` and sample `j + GROUP/2` are the two coordinates of one pair: the radius
/// `√(−2 ln u)` from sample `j`'s high half with `u = (⌊w/2⌋ + ½) / 2³¹ ∈ (0, 1]`, an angle in
/// the first quadrant (23 bits) and the signs of the two coordinates (2 bits) from sample
/// `j + GROUP/2`'s — a uniform angle on the whole circle. As with other 32-bit Box–Muller
/// generators (cuRAND's), `|z|` stops at `√(64 ln 2)` ≈ 6.66, which a standard normal exceeds
/// with probability 3 × 10⁻¹¹; each deviate is within ~2 × 10⁻⁶ of the exact transform of its
/// bits (tested), far below any Monte Carlo error.
#[inline(always)]
pub(crate) fn group_normals(hi: &[u32; GROUP]) -> [f32; GROUP] {
    const HALF: usize = GROUP / 2;
    let mut z = [0f32; GROUP];
    let (first, second) = z.split_at_mut(HALF);
    let (radius, angle) = hi.split_at(HALF);
    for i in 0..HALF {
        let (x, y) = box_muller(radius[i], angle[i]);
        first[i] = x;
        second[i] = y;
    }
    z
}

/// `e^(μ + σz)` for a group's deviates from [`group_normals`], as `e^μ · e^(σz)`: the scale in
/// double precision, the random part in single (vectorised like the deviates), so rounding μ to
/// single precision biases nothing. For σ beyond [`MAX_SIGMA_F32`], all in double precision.
#[inline(always)]
fn lognormals(words: &Words, mu: f64, sigma: f64, out: &mut [f64]) {
    if sigma > MAX_SIGMA_F32 {
        let z = group_normals(&words.hi);
        for (x, &z) in out.iter_mut().zip(&z) {
            *x = exp(mu + sigma * f64::from(z));
        }
        return;
    }
    let (scale, rate) = (mu.exp(), (sigma * std::f64::consts::LOG2_E) as f32);
    let mut e = [0f32; GROUP];
    lognormal_factors(words, rate, &mut e);
    for (x, &e) in out.iter_mut().zip(&e) {
        *x = scale * f64::from(e);
    }
}

/// The random part `e^(σz)` of a group's lognormal draws, in single precision, for its first
/// `out.len()` samples, as `2^(rate · z)` with `rate = σ log₂e` rounded to single precision
/// (which moves σ by at most 6e-8 of itself): the draws of [`Sampler::fill_group`] for
/// `LogNormal { mu, sigma }` are exactly `e^μ · f64::from(e)` for these `e`, so the engine can
/// keep a block's factors in half the memory and form each product where it uses it, with the
/// same bits. See [`Sampler::lognormal_f32`].
#[inline(always)]
pub(crate) fn lognormal_factors(words: &Words, rate: f32, out: &mut [f32]) {
    let z = group_normals(&words.hi);
    for (e, &z) in out.iter_mut().zip(&z) {
        *e = exp2_f32(rate * z);
    }
}

/// One Box–Muller pair from 32 bits for the radius and 32 for the angle and signs.
#[inline(always)]
fn box_muller(radius: u32, angle: u32) -> (f32, f32) {
    let u = ((radius >> 1) as i32 as f32 + 0.5) * (1.0 / 2_147_483_648.0);
    let r = (-2.0 * ln_unit(u)).sqrt();
    let t = ((angle >> 9) as i32 as f32) * (1.0 / 8_388_608.0);
    let (sin, cos) = sin_cos_quadrant(t);
    let sign_x = (angle & 1) << 31;
    let sign_y = (angle & 2) << 30;
    (f32::from_bits((r * cos).to_bits() ^ sign_x), f32::from_bits((r * sin).to_bits() ^ sign_y))
}

/// `ln x` for `x` in (0, 1], single precision, branch-free and division-free: `x = 2ᵉ m` with
/// `m` in [√½, √2), `ln m = f − f²/2 + f³ P(f)` for `f = m − 1`, `P` of degree 4 fitted to the
/// remainder on that interval (weighted least squares on Chebyshev nodes: error below 5e-7;
/// with the rounding of `e ln 2` and the sum, absolute error below 2e-6, tested). The division
/// of the `atanh` series it replaces was the slowest instruction of a Box–Muller pair.
#[inline(always)]
fn ln_unit(x: f32) -> f32 {
    let bits = x.to_bits() as i32;
    // Exponent relative to √½, so the mantissa lands in [√½, √2).
    let e = (bits - 0x3f35_04f3) >> 23;
    let m = f32::from_bits((bits - (e << 23)) as u32);
    let f = m - 1.0;
    let mut p = 0.111_995_52;
    p = p * f - 0.183_959_85;
    p = p * f + 0.205_874_08;
    p = p * f - 0.249_462_92;
    p = p * f + 0.333_128_53;
    let f2 = f * f;
    e as f32 * std::f32::consts::LN_2 + (f - 0.5 * f2 + f2 * f * p)
}

/// `(sin θ, cos θ)` for `θ = t π/2`, `t` in [0, 1): around π/4, where both Taylor series
/// converge fastest (absolute error < 1e-6).
#[inline(always)]
fn sin_cos_quadrant(t: f32) -> (f32, f32) {
    let x = (t - 0.5) * std::f32::consts::FRAC_PI_2;
    let x2 = x * x;
    let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5_040.0))));
    let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40_320.0))));
    let h = std::f32::consts::FRAC_1_SQRT_2;
    // sin(π/4 + x) = (c + s)/√2, cos(π/4 + x) = (c − s)/√2.
    (h * (c + s), h * (c - s))
}

/// Largest σ whose `e^(σz)` stays inside single precision for every deviate
/// [`group_normals`] can return (|z| ≤ 6.67, so `|σ log₂e · z| ≤ 125.1`, inside the ±126 that
/// [`exp2_f32`] takes); beyond it (a 90% range spanning a factor of 10¹⁸) the engine
/// exponentiates in double precision.
const MAX_SIGMA_F32: f64 = 13.0;

/// `2^y` in single precision for `|y| ≤ 126`, branch-free like [`exp`]: `y = k + f` with `k`
/// rounded by the 1.5·2²³ trick and `|f| ≤ ½` (exact), `2^f` by a degree-5 minimax polynomial
/// (Remez, relative error 7.5e-8 before rounding; below 3e-7 in single precision, tested) and
/// `2^k` from `k`'s bits. The engine's lognormals are `2^((σ log₂e) z)`, one multiply of the
/// deviate by a per-link constant: no separate reduction by ln 2 and no clamp, since
/// [`MAX_SIGMA_F32`] keeps every argument within range.
#[inline(always)]
pub(crate) fn exp2_f32(y: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23
    let k = (y + ROUND) - ROUND;
    let f = y - k;
    let mut p = 0.001_327_647_2;
    p = p * f + 0.009_675_541;
    p = p * f + 0.055_507_13;
    p = p * f + 0.240_221_2;
    p = p * f + 0.693_146_94;
    p = p * f + 1.000_000_1;
    // 2^k from the low bits of k + ROUND (k is a whole number in [-126, 126]).
    let two_k = f32::from_bits((k + ROUND).to_bits().wrapping_add(127) << 23);
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
    fn single_precision_kernels_are_accurate_where_they_are_used() {
        let mut worst: f64 = 0.0;
        for i in 0..=2_000_000 {
            let y = (-126.0 + 252.0 * f64::from(i) / 2_000_000.0) as f32;
            let got = f64::from(exp2_f32(y));
            let want = f64::from(y).exp2();
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 3e-7, "exp2_f32 relative error {worst:e}");
        let mut worst: f64 = 0.0;
        for i in 1..=1_000_000u32 {
            let x = i as f32 / 1_000_000.0;
            worst = worst.max((f64::from(ln_unit(x)) - f64::from(x).ln()).abs());
        }
        // The smallest argument the generator passes in.
        let tiny = 0.5f32 / 2_147_483_648.0;
        worst = worst.max((f64::from(ln_unit(tiny)) - f64::from(tiny).ln()).abs());
        assert!(worst < 2e-6, "ln_unit absolute error {worst:e}");
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000u32 {
            let t = i as f32 / 1_000_000.0;
            let (sin, cos) = sin_cos_quadrant(t);
            let a = f64::from(t) * std::f64::consts::FRAC_PI_2;
            worst =
                worst.max((f64::from(sin) - a.sin()).abs()).max((f64::from(cos) - a.cos()).abs());
        }
        assert!(worst < 1e-6, "sin_cos_quadrant absolute error {worst:e}");
    }

    /// Φ, from statrs, for the goodness-of-fit tests.
    fn phi(z: f64) -> f64 {
        SNormal::standard().cdf(z)
    }

    /// The block generator's deviates are standard normal: Kolmogorov–Smirnov at the 1% level,
    /// and the first four moments and both tails against their exact values within 4 standard
    /// errors, on 2²⁰ draws filled in ranges of every length and alignment; and a range gives
    /// the same deviates as the whole (each is a function of its sample index only).
    #[test]
    fn block_normals_are_standard_normal() {
        let normal = Sampler::new(&Distribution::normal(0.0, 1.0).unwrap());
        let stream = crate::streams::Seed::new(7).stream(1);
        let mut zs = vec![f64::NAN; 1 << 20];
        let (mut first, mut len) = (0, 1);
        while first < zs.len() {
            let end = (first + len).min(zs.len());
            normal.fill(stream, first as u64, &mut zs[first..end]);
            first = end;
            len = len % (GROUP + 3) + 1;
        }
        let mut whole = vec![0.0; 1000];
        normal.fill(stream, 0, &mut whole);
        assert_eq!(whole, zs[..1000]);
        let n = zs.len() as f64;
        assert!(zs.iter().all(|z| z.is_finite() && z.abs() <= 6.67));
        let mean = zs.iter().sum::<f64>() / n;
        let m2 = zs.iter().map(|z| z * z).sum::<f64>() / n;
        let m4 = zs.iter().map(|z| z.powi(4)).sum::<f64>() / n;
        assert!(mean.abs() < 4.0 / n.sqrt(), "mean {mean}");
        assert!((m2 - 1.0).abs() < 4.0 * 2f64.sqrt() / n.sqrt(), "variance {m2}");
        assert!((m4 - 3.0).abs() < 4.0 * 96f64.sqrt() / n.sqrt(), "fourth moment {m4}");
        for t in [1.0, 2.0, 3.0, 4.0] {
            let p = 2.0 * (1.0 - phi(t));
            let f = zs.iter().filter(|z| z.abs() > t).count() as f64 / n;
            assert!((f - p).abs() < 4.0 * (p * (1.0 - p) / n).sqrt(), "P(|z| > {t}): {f} vs {p}");
        }
        zs.sort_by(f64::total_cmp);
        let d = zs
            .iter()
            .enumerate()
            .map(|(i, &z)| {
                let c = phi(z);
                (c - i as f64 / n).abs().max(((i + 1) as f64 / n - c).abs())
            })
            .fold(0.0, f64::max);
        assert!(d < 1.63 / n.sqrt(), "Kolmogorov–Smirnov D = {d}");
    }

    /// Block draws of normals and lognormals have the closed-form moments (a lognormal's in log
    /// space too, where its sample variance is not dominated by a few huge draws).
    #[test]
    fn block_draws_match_closed_forms() {
        let n = 1 << 18;
        let moments = |xs: &[f64]| {
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
            (mean, var)
        };
        for d in [
            Distribution::interval90(2.0, 8.0).unwrap(),
            Distribution::interval90(0.01, 50.0).unwrap(),
            Distribution::normal(5.0, 2.0).unwrap(),
        ] {
            let s = Sampler::new(&d);
            let mut xs = vec![0.0; n];
            s.fill(crate::streams::Seed::new(3).stream(9), 0, &mut xs);
            let (mean, var) = moments(&xs);
            let se = (d.variance() / n as f64).sqrt();
            assert!((mean - d.mean()).abs() < 4.0 * se, "{d:?}: mean {mean} vs {}", d.mean());
            if let Distribution::LogNormal { mu, sigma } = d {
                let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
                let (m, v) = moments(&logs);
                assert!((m - mu).abs() < 4.0 * sigma / (n as f64).sqrt(), "{d:?}: log mean {m}");
                assert!((v / (sigma * sigma) - 1.0).abs() < 0.015, "{d:?}: log variance {v}");
            } else {
                assert!((var / d.variance() - 1.0).abs() < 0.015, "{d:?}: var {var}");
            }
        }
    }

    /// Every kind, drawn the way the engine draws it (blocks through [`Sampler::fill`]), has its
    /// closed-form CDF: Kolmogorov–Smirnov at the 1% level (D < 1.63/√n), and at five
    /// quantiles from [`quantile`] the share of draws below within 4 standard errors of `q`.
    #[test]
    fn engine_draws_follow_their_distributions() {
        use statrs::distribution::{LogNormal as SLogNormal, Triangular as STri, Uniform as SUni};
        let n = 1 << 17;
        type Cdf = Box<dyn Fn(f64) -> f64>;
        let cases: Vec<(Distribution, Cdf)> = vec![
            (Distribution::normal(5.0, 2.0).unwrap(), {
                let c = SNormal::new(5.0, 2.0).unwrap();
                Box::new(move |x| c.cdf(x))
            }),
            (Distribution::LogNormal { mu: -0.8, sigma: 0.2 }, {
                let c = SLogNormal::new(-0.8, 0.2).unwrap();
                Box::new(move |x| c.cdf(x))
            }),
            (Distribution::LogNormal { mu: 3.0, sigma: 1.5 }, {
                let c = SLogNormal::new(3.0, 1.5).unwrap();
                Box::new(move |x| c.cdf(x))
            }),
            (Distribution::uniform(-1.0, 3.0).unwrap(), {
                let c = SUni::new(-1.0, 3.0).unwrap();
                Box::new(move |x| c.cdf(x))
            }),
            (Distribution::triangular(0.0, 1.0, 4.0).unwrap(), {
                let c = STri::new(0.0, 4.0, 1.0).unwrap();
                Box::new(move |x| c.cdf(x))
            }),
            (Distribution::pert(1.0, 2.0, 6.0).unwrap(), {
                let (a, b) = model::distribution::pert_shapes(1.0, 2.0, 6.0);
                let c = SBeta::new(a, b).unwrap();
                Box::new(move |x| c.cdf(((x - 1.0) / 5.0).clamp(0.0, 1.0)))
            }),
            (Distribution::beta(2.0, 8.0).unwrap(), {
                let c = SBeta::new(2.0, 8.0).unwrap();
                Box::new(move |x| c.cdf(x.clamp(0.0, 1.0)))
            }),
        ];
        for (d, cdf) in cases {
            let s = Sampler::new(&d);
            let mut xs = vec![0.0; n];
            s.fill(crate::streams::Seed::new(11).stream(9), 0, &mut xs);
            let nf = n as f64;
            for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
                let x = quantile(&d, q);
                let below = xs.iter().filter(|&&v| v < x).count() as f64 / nf;
                let se = (q * (1.0 - q) / nf).sqrt();
                assert!((below - q).abs() < 4.0 * se, "{d:?}: P(X < q{q}) = {below}");
            }
            xs.sort_by(f64::total_cmp);
            let ks = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let c = cdf(x);
                    (c - i as f64 / nf).abs().max(((i + 1) as f64 / nf - c).abs())
                })
                .fold(0.0, f64::max);
            assert!(ks < 1.63 / nf.sqrt(), "{d:?}: Kolmogorov–Smirnov D = {ks}");
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

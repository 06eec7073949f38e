//! The engine's random numbers, counter-based: every draw is a pure function of (seed,
//! variable, sample index), so a run gives the same numbers on any number of threads and with
//! any grouping of samples, and no generator is seeded per variable and block.
//!
//! A variable's stream is the SplitMix64 sequence (Steele, Lea & Flood 2014; Vigna's
//! `splitmix64.c`) from a starting point hashed from (seed, variable): sample `s` gets the 64-bit
//! word `mix64(origin + (s + 1)·γ)`, which is output number `s` of a SplitMix64 generator seeded
//! with `origin`. So every word of every variable is an element of the one SplitMix64 sequence
//! (period 2⁶⁴, passes BigCrush), each variable reading its own stretch; two stretches of 10⁸
//! samples overlap with probability about 2·10⁸/2⁶⁴ ≈ 10⁻¹¹ per pair of variables. A word costs
//! one increment and the two multiplies of `mix64`, in as many SIMD lanes as the target has,
//! which is what makes it cheaper than stepping a generator one word at a time.
//!
//! How a sample spends its word: the high half feeds the normal deviates (Box–Muller pairs
//! samples `j` and `j + 32` of each aligned group of [`GROUP`] samples: the radius from sample
//! `j`'s high half, the angle and signs from sample `j + 32`'s), the low half decides "works"
//! (below `p · 2³²`). Kinds drawn through `rand_distr` (uniform, triangular, PERT, beta) take
//! their words from [`Stream::sample_rng`], a SplitMix64 generator started at a point hashed
//! from the sample's word.

use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

/// SplitMix64's Weyl increment: 2⁶⁴/φ, rounded to odd.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// Samples whose words are generated together and whose normals are paired (sample `j` with
/// sample `j + GROUP/2`): the engine's block is one group.
pub const GROUP: usize = 64;

/// SplitMix64's output function (Stafford's "Mix13" variant of MurmurHash3's finaliser): a
/// bijection of 64-bit words with full avalanche.
#[inline(always)]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A run's seed, hashed once so that each variable's stream costs one more hash.
#[derive(Clone, Copy, Debug)]
pub struct Seed(u64);

impl Seed {
    /// The seed of a run (`Settings::seed`).
    pub fn new(seed: u64) -> Seed {
        Seed(mix64(seed ^ 0x5EED_5EED_5EED_5EED))
    }

    /// The stream of the variable with stable identity `key` (`plan::key_of`).
    #[inline(always)]
    pub fn stream(self, key: u64) -> Stream {
        // mix64 is a bijection: distinct keys get distinct origins under one seed.
        Stream { origin: mix64(key ^ self.0) }
    }
}

/// One variable's stream under one seed. Cheap to copy: its words are computed, not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stream {
    origin: u64,
}

/// The words of one group of [`GROUP`] samples, split into halves (32-bit lanes vectorise twice
/// as wide as 64-bit ones in what follows).
pub(crate) struct Words {
    /// High halves: the normal deviates' bits.
    pub hi: [u32; GROUP],
    /// Low halves: the "works" draws.
    pub lo: [u32; GROUP],
}

impl Stream {
    /// The word of sample `s`: SplitMix64's output number `s` from `origin`.
    #[inline(always)]
    pub fn word(self, s: u64) -> u64 {
        mix64(self.origin.wrapping_add(s.wrapping_add(1).wrapping_mul(GAMMA)))
    }

    /// The words of group `g` (samples `g·GROUP …`), every lane at once.
    #[inline(always)]
    pub(crate) fn group(self, g: u64) -> Words {
        let base = self.origin.wrapping_add((g * GROUP as u64).wrapping_mul(GAMMA));
        let mut w = Words { hi: [0; GROUP], lo: [0; GROUP] };
        for i in 0..GROUP {
            let x = mix64(base.wrapping_add((i as u64 + 1).wrapping_mul(GAMMA)));
            w.hi[i] = (x >> 32) as u32;
            w.lo[i] = x as u32;
        }
        w
    }
}

impl Words {
    /// A generator for sample `i`'s draw of a kind that takes a varying number of words
    /// (`rand_distr`'s uniform, triangular, PERT and beta): SplitMix64 from a starting point
    /// hashed from the sample's word, so the draw depends on (seed, variable, sample) only.
    #[inline]
    pub(crate) fn rng(&self, i: usize) -> SplitMix64 {
        let word = (u64::from(self.hi[i]) << 32) | u64::from(self.lo[i]);
        SplitMix64::seed_from_u64(mix64(word ^ 0xA076_1D64_78BD_642F))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Known answers: a stream's words are SplitMix64's outputs from its origin. The values are
    /// those of Vigna's reference `splitmix64.c` seeded with 1477776061723855037 (as published
    /// in `rand_xoshiro`'s tests), and any origin agrees with `rand_xoshiro`'s generator.
    #[test]
    fn words_are_splitmix64_outputs() {
        let s = Stream { origin: 1_477_776_061_723_855_037 };
        let reference: [u64; 5] = [
            1_985_237_415_132_408_290,
            2_979_275_885_539_914_483,
            13_511_426_838_097_143_398,
            8_488_337_342_461_049_707,
            15_141_737_807_933_549_159,
        ];
        for (i, &want) in reference.iter().enumerate() {
            assert_eq!(s.word(i as u64), want, "word {i}");
        }
        for origin in [0, 1, u64::MAX, 0x0123_4567_89AB_CDEF] {
            let s = Stream { origin };
            let mut rng = SplitMix64::seed_from_u64(origin);
            let want: Vec<u64> = (0..3 * GROUP as u64).map(|_| rng.next_u64()).collect();
            let words: Vec<u64> = (0..3 * GROUP as u64).map(|i| s.word(i)).collect();
            assert_eq!(words, want);
            for g in 0..3u64 {
                let w = s.group(g);
                for i in 0..GROUP {
                    let x = want[g as usize * GROUP + i];
                    assert_eq!((w.hi[i], w.lo[i]), ((x >> 32) as u32, x as u32));
                }
            }
        }
    }

    /// Pearson's χ² of 32-bit values' top byte over 256 cells; returns the statistic.
    fn chi2_top_byte(xs: impl Iterator<Item = u32>) -> f64 {
        let mut cells = [0u64; 256];
        let mut n = 0u64;
        for x in xs {
            cells[(x >> 24) as usize] += 1;
            n += 1;
        }
        let e = n as f64 / 256.0;
        cells.iter().map(|&c| (c as f64 - e).powi(2) / e).sum()
    }

    /// Correlation of two sequences of uniforms on [0, 1).
    fn correlation(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / n;
        let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum::<f64>() / n;
        let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum::<f64>() / n;
        cov / (va * vb).sqrt()
    }

    fn unit(x: u32) -> f64 {
        f64::from(x) / 4_294_967_296.0
    }

    /// Streams of neighbouring keys (and of neighbouring seeds) and neighbouring samples of one
    /// stream are independent: their halves are uniform (χ² of the top byte, 255 degrees of
    /// freedom, below the 0.1% point 330.5), pairs of them are uniform on the unit square (χ² of
    /// 16 × 16 cells below the same bound) and uncorrelated (|r| < 4.5/√n).
    #[test]
    fn neighbouring_keys_seeds_and_samples_are_independent() {
        let n = 1 << 16;
        let seed = Seed::new(1);
        let bound_r = 4.5 / (n as f64).sqrt();
        let pairs: Vec<(Stream, Stream, &str)> = vec![
            (seed.stream(1000), seed.stream(1001), "neighbouring keys"),
            (seed.stream(0), seed.stream(1 << 63), "keys one bit apart"),
            (Seed::new(7).stream(5), Seed::new(8).stream(5), "neighbouring seeds"),
        ];
        for (a, b, what) in &pairs {
            for half in [32, 0] {
                let xa: Vec<u32> = (0..n).map(|s| (a.word(s) >> half) as u32).collect();
                let xb: Vec<u32> = (0..n).map(|s| (b.word(s) >> half) as u32).collect();
                assert!(chi2_top_byte(xa.iter().copied()) < 330.5, "{what}: first stream");
                assert!(chi2_top_byte(xb.iter().copied()) < 330.5, "{what}: second stream");
                // Joint uniformity: the top nibbles of the pair index 256 cells.
                let joint = xa.iter().zip(&xb).map(|(x, y)| ((x >> 28) << 28) | ((y >> 28) << 24));
                assert!(chi2_top_byte(joint) < 330.5, "{what}: pairs");
                let ua: Vec<f64> = xa.iter().map(|&x| unit(x)).collect();
                let ub: Vec<f64> = xb.iter().map(|&x| unit(x)).collect();
                let r = correlation(&ua, &ub);
                assert!(r.abs() < bound_r, "{what}: correlation {r}");
            }
        }
        // Neighbouring samples of one stream, and a sample's two halves.
        let s = seed.stream(42);
        let w: Vec<u64> = (0..=n).map(|i| s.word(i)).collect();
        let hi: Vec<f64> = w.iter().map(|&x| unit((x >> 32) as u32)).collect();
        let lo: Vec<f64> = w.iter().map(|&x| unit(x as u32)).collect();
        // A Box–Muller pair's radius and angle: samples j and j + GROUP/2 of each group.
        let half = GROUP / 2;
        let (radius, angle): (Vec<f64>, Vec<f64>) = (0..n as usize / GROUP)
            .flat_map(|g| (0..half).map(move |j| (g * GROUP + j, g * GROUP + half + j)))
            .map(|(a, b)| (hi[a], hi[b]))
            .unzip();
        for (a, b, what) in [
            (&hi[..n as usize], &hi[1..], "successive high halves"),
            (&lo[..n as usize], &lo[1..], "successive low halves"),
            (&hi[..n as usize], &lo[..n as usize], "a word's two halves"),
            (&radius[..], &angle[..], "a pair's radius and angle"),
        ] {
            let r = correlation(a, b);
            assert!(r.abs() < 4.5 / (a.len() as f64).sqrt(), "{what}: correlation {r}");
        }
        // A sample's own generator is independent of its word.
        let own: Vec<f64> = (0..n as usize)
            .map(|i| unit((s.group((i / GROUP) as u64).rng(i % GROUP).next_u64() >> 32) as u32))
            .collect();
        let r = correlation(&own, &hi[..n as usize]);
        assert!(r.abs() < bound_r, "a sample's generator and its word: correlation {r}");
    }

    /// Distinct keys give distinct streams under one seed, and a different seed moves them all.
    #[test]
    fn every_key_and_seed_has_its_own_stream() {
        let (a, b) = (Seed::new(1), Seed::new(2));
        let keys = [0u64, 1, 2, u64::MAX, 0xDEAD_BEEF];
        for (i, &k) in keys.iter().enumerate() {
            assert_ne!(a.stream(k).word(0), b.stream(k).word(0));
            for &l in &keys[i + 1..] {
                assert_ne!(a.stream(k), a.stream(l));
                assert_ne!(a.stream(k).word(0), a.stream(l).word(0));
            }
        }
    }
}

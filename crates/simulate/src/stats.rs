//! Summaries of Monte Carlo samples.

use serde::Serialize;

/// What people need to know about an uncertain quantity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Mean of the samples.
    pub mean: f64,
    /// Monte Carlo standard error of the mean: sd / √n.
    pub se: f64,
    /// Standard deviation of the samples.
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub median: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Share of samples above zero.
    pub p_positive: f64,
}

/// Summarises samples: mean and variance summed in [`LANES`] lanes, percentiles by
/// [`percentiles`] (O(n), where a sort was a twentieth of a whole simulation). A run summarises every initiative's value, cost and
/// cost-effectiveness: on the 1,000-initiative benchmark model, over a tenth of the run.
pub fn summarize(samples: &[f64]) -> Summary {
    let n = samples.len();
    if n == 0 {
        return Summary {
            mean: 0.0,
            se: 0.0,
            sd: 0.0,
            p5: 0.0,
            median: 0.0,
            p95: 0.0,
            p_positive: 0.0,
        };
    }
    let mean = lane_sum(samples, |x| x) / n as f64;
    let var =
        if n > 1 { lane_sum(samples, |x| (x - mean) * (x - mean)) / (n - 1) as f64 } else { 0.0 };
    let sd = var.sqrt();
    let p_positive = samples.iter().filter(|x| **x > 0.0).count() as f64 / n as f64;
    let [p5, median, p95] = percentiles(samples, [0.05, 0.5, 0.95]);
    Summary { mean, se: sd / (n as f64).sqrt(), sd, p5, median, p95, p_positive }
}

/// Accumulators of [`lane_sum`]: eight independent sums vectorise (a single running sum is a
/// chain of dependent additions, four cycles each).
pub const LANES: usize = 8;

/// `Σ f(x)` over `xs`, element `i` added into lane `i mod LANES` (the tail into the total),
/// the lanes combined pairwise: a fixed order, so the same bits on every run and thread count,
/// and no less accurate than a sequential sum.
pub fn lane_sum(xs: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += f(x);
        }
    }
    let mut total =
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for &x in tail {
        total += f(x);
    }
    total
}

/// `f64::total_cmp`'s order as integers: `key(a) < key(b)` exactly when `a.total_cmp(&b)` is
/// `Less` (a negative number's magnitude bits are flipped). Its own inverse.
#[inline(always)]
fn key(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// [`select_percentiles`] without reordering `v`: selects on a copy made of [`key`]s, whose
/// integer comparisons are cheaper than `total_cmp`'s (which transforms both sides of every
/// comparison); exactly the same values (tested).
pub fn percentiles<const K: usize>(v: &[f64], qs: [f64; K]) -> [f64; K] {
    if v.is_empty() {
        return [0.0; K];
    }
    let mut keys: Vec<i64> = v.iter().map(|x| key(x.to_bits() as i64)).collect();
    let (ranks, values) = select_ranks_of(&mut keys, &qs, |keys, ranks, out| {
        let mut got = vec![0i64; ranks.len()];
        select_ranks(keys, 0, ranks, &mut got, |a: &i64, b: &i64| a.cmp(b));
        for (o, k) in out.iter_mut().zip(got) {
            *o = f64::from_bits(key(k) as u64);
        }
    });
    interpolated(v.len(), &qs, &ranks, &values)
}

/// [`percentile`] without sorting: the two order statistics it needs, by selection. Reorders
/// `v`.
pub fn select_percentile(v: &mut [f64], q: f64) -> f64 {
    select_percentiles(v, [q])[0]
}

/// Several [`percentile`]s without sorting: each order statistic they need is selected inside
/// the part of `v` that the previous selections left for it (nested quickselect), so three
/// percentiles cost about two passes over `v`, not three full selections. Reorders `v`.
pub fn select_percentiles<const K: usize>(v: &mut [f64], qs: [f64; K]) -> [f64; K] {
    if v.is_empty() {
        return [0.0; K];
    }
    let (ranks, values) = select_ranks_of(v, &qs, |v, ranks, out| {
        select_ranks(v, 0, ranks, out, f64::total_cmp);
    });
    interpolated(v.len(), &qs, &ranks, &values)
}

/// The ranks (ascending, distinct) whose order statistics the percentiles `qs` of `n` samples
/// interpolate between.
fn ranks_of(n: usize, qs: &[f64]) -> Vec<usize> {
    let last = (n - 1) as f64;
    let mut ranks: Vec<usize> = qs
        .iter()
        .flat_map(|&q| [(last * q).floor() as usize, (last * q).ceil() as usize])
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    ranks
}

/// The ranks of [`ranks_of`] for `v` and their order statistics, found by `select`.
fn select_ranks_of<T>(
    v: &mut [T],
    qs: &[f64],
    select: impl FnOnce(&mut [T], &[usize], &mut [f64]),
) -> (Vec<usize>, Vec<f64>) {
    let ranks = ranks_of(v.len(), qs);
    let mut values = vec![0.0; ranks.len()];
    select(v, &ranks, &mut values);
    (ranks, values)
}

/// The percentiles `qs` of `n` samples from the order statistics `values` at `ranks`.
fn interpolated<const K: usize>(
    n: usize,
    qs: &[f64; K],
    ranks: &[usize],
    values: &[f64],
) -> [f64; K] {
    let last = (n - 1) as f64;
    let at = |r: usize| values[ranks.partition_point(|&x| x < r)];
    qs.map(|q| {
        let h = last * q;
        interpolate(h, at(h.floor() as usize), at(h.ceil() as usize))
    })
}

/// Puts the order statistic of each rank (ascending, relative to `offset`) into `out`.
fn select_ranks<T: Copy, O>(
    v: &mut [T],
    offset: usize,
    ranks: &[usize],
    out: &mut [O],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
) where
    O: From<T>,
{
    if ranks.is_empty() {
        return;
    }
    let m = ranks.len() / 2;
    let (left, x, right) = v.select_nth_unstable_by(ranks[m] - offset, cmp);
    out[m] = O::from(*x);
    let (out_left, out_right) = out.split_at_mut(m);
    select_ranks(left, offset, &ranks[..m], out_left, cmp);
    select_ranks(right, ranks[m] + 1, &ranks[m + 1..], &mut out_right[1..], cmp);
}

/// Linear interpolation at position `h` between the order statistics `x` (at ⌊h⌋) and `y` (at
/// ⌈h⌉), R's type 7; exactly `x` at whole positions, even when `y` is infinite.
fn interpolate(h: f64, x: f64, y: f64) -> f64 {
    if h == h.floor() { x } else { x + (h - h.floor()) * (y - x) }
}

/// The `q`-quantile of sorted samples, linear between order statistics (R's type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let h = (sorted.len() - 1) as f64 * q;
    interpolate(h, sorted[h.floor() as usize], sorted[h.ceil() as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_samples() {
        let xs: Vec<f64> = (1..=101).map(f64::from).collect();
        let s = summarize(&xs);
        assert_eq!(s.mean, 51.0);
        assert_eq!(s.median, 51.0);
        assert_eq!(s.p5, 6.0);
        assert_eq!(s.p95, 96.0);
        assert_eq!(s.p_positive, 1.0);
        let var: f64 = xs.iter().map(|x| (x - 51.0f64).powi(2)).sum::<f64>() / 100.0;
        assert!((s.sd - var.sqrt()).abs() < 1e-12);
        assert!((s.se - var.sqrt() / 101f64.sqrt()).abs() < 1e-12);
    }

    /// Lane sums are exact where every partial sum is (integers) and match a sequential sum to
    /// rounding elsewhere.
    #[test]
    fn lane_sums_and_owned_summaries() {
        for n in [0, 1, 7, 8, 9, 1_001] {
            let xs: Vec<f64> = (0..n).map(|i| f64::from(i * 3 % 17)).collect();
            let want: f64 = xs.iter().sum();
            assert_eq!(lane_sum(&xs, |x| x), want, "n = {n}");
            assert_eq!(lane_sum(&xs, |x| 2.0 * x), 2.0 * want);
        }
        let xs: Vec<f64> = (1..=10_000).map(|i| (f64::from(i) * 0.37).sin() * 1e3).collect();
        let sequential: f64 = xs.iter().sum();
        assert!((lane_sum(&xs, |x| x) - sequential).abs() < 1e-9 * 1e3 * 1e4);
    }

    #[test]
    fn selection_gives_the_sorted_percentiles() {
        let mut rng = 12345u64;
        let xs: Vec<f64> = (0..997)
            .map(|_| {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (rng >> 11) as f64 / (1u64 << 53) as f64 - 0.3
            })
            .collect();
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.333, 0.5, 0.95, 1.0] {
            let mut v = xs.clone();
            assert_eq!(select_percentile(&mut v, q), percentile(&sorted, q), "q = {q}");
        }
    }

    proptest::proptest! {
        /// Nested selection gives exactly what sorting gives, for any samples (ties, signed
        /// zeros, infinities and NaNs included) and any set of quantiles, in any order,
        /// repeated or not; selection on keys gives the same bits.
        #[test]
        fn nested_selection_equals_sorting(
            xs in proptest::collection::vec(
                proptest::prop_oneof![
                    -1e6f64..1e6,
                    proptest::sample::select(vec![0.0, -0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN]),
                ],
                1..300,
            ),
            qs in proptest::array::uniform4(0.0f64..=1.0),
        ) {
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let mut v = xs.clone();
            let got = select_percentiles(&mut v, qs);
            let by_keys = percentiles(&xs, qs);
            for ((q, g), k) in qs.iter().zip(got).zip(by_keys) {
                proptest::prop_assert!(
                    g.to_bits() == k.to_bits() || (g.is_nan() && k.is_nan()),
                    "q = {}: keys {} vs total_cmp {}", q, k, g
                );
                let want = percentile(&sorted, *q);
                proptest::prop_assert!(
                    g == want || (g.is_nan() && want.is_nan()),
                    "q = {}: {} vs {}", q, g, want
                );
            }
        }
    }
}

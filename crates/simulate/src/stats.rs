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

/// Summarises samples (percentiles interpolate linearly between order statistics, found by
/// selection on a copy: O(n), where a sort was a twentieth of a whole simulation).
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
    let mean = samples.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        samples.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let mut scratch = samples.to_vec();
    let sd = var.sqrt();
    Summary {
        mean,
        se: sd / (n as f64).sqrt(),
        sd,
        p5: select_percentile(&mut scratch, 0.05),
        median: select_percentile(&mut scratch, 0.5),
        p95: select_percentile(&mut scratch, 0.95),
        p_positive: samples.iter().filter(|x| **x > 0.0).count() as f64 / n as f64,
    }
}

/// [`percentile`] without sorting: the two order statistics it needs, by selection. Reorders
/// `v`.
pub fn select_percentile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let (_, x, right) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let x = *x;
    if h == lo as f64 {
        return x;
    }
    let y = right.iter().copied().min_by(f64::total_cmp).unwrap_or(x);
    x + (h - lo as f64) * (y - x)
}

/// The `q`-quantile of sorted samples, linear between order statistics (R's type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
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
}

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

/// Summarises samples (sorts a copy; percentiles interpolate linearly between order statistics).
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
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let sd = var.sqrt();
    Summary {
        mean,
        se: sd / (n as f64).sqrt(),
        sd,
        p5: percentile(&sorted, 0.05),
        median: percentile(&sorted, 0.5),
        p95: percentile(&sorted, 0.95),
        p_positive: samples.iter().filter(|x| **x > 0.0).count() as f64 / n as f64,
    }
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
}

//! What every benchmark harness reads and reports the same way: its settings from the
//! environment, medians of interleaved runs, and the load the machine was under (a ratio taken
//! while other work runs is only honest with the load beside it).

/// `name` parsed from the environment, or `default` when unset or unparsable.
pub fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// The thread counts to compare at, from `BENCH_THREADS` (comma-separated; default `1,2`).
pub fn threads() -> Vec<usize> {
    std::env::var("BENCH_THREADS")
        .unwrap_or_else(|_| "1,2".into())
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .filter(|&t| t > 0)
        .collect()
}

/// The median of the runs (the upper one of an even count); NaN for none.
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The 1-, 5- and 15-minute load averages, as `/proc/loadavg` gives them; empty where the
/// system has no such file.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(&[4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(super::median(&[]).is_nan());
    }
}

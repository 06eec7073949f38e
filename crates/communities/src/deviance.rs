//! Positive deviance: communities whose outcome beats what is expected for their size and
//! resources (`docs/communities.md`).
//!
//! The outcome is a share (by default second-month retention of new contributors). The
//! expectation for community *i* comes from a binomial logistic regression fitted on every
//! *other* community (leave one out, so a community cannot raise its own bar):
//! `logit p = b0 + b1·ln(participants) + b2·[cost known] + b3·[cost known]·ln(cost per participant)`.
//! With too few communities for that model, the covariates are dropped and the expectation is
//! the pooled share of the others. Each community's observed share gets a Wilson score
//! interval; communities are ranked by the interval's lower end minus the expectation, so a
//! small community with one lucky participant does not top the list.

use serde::Serialize;

/// What is known of one community.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Community id.
    pub id: String,
    /// People whose outcome was observed (e.g. new contributors with an observable window).
    pub observed: u64,
    /// Of those, with the outcome (e.g. retained).
    pub succeeded: u64,
    /// Size: participants.
    pub participants: u64,
    /// Resources, if known.
    pub cost: Option<f64>,
}

/// One community's standing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deviance {
    /// Community id.
    pub id: String,
    /// Observed share.
    pub share: f64,
    /// Exact (Clopper–Pearson) interval of the share.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Share expected for its size and resources.
    pub expected: f64,
    /// `low − expected`: positive means it beats the expectation beyond its uncertainty.
    pub margin: f64,
    /// People observed.
    pub observed: u64,
}

impl Deviance {
    /// Beats the expectation even at the interval's lower end.
    pub fn is_positive(&self) -> bool {
        self.margin > 0.0
    }
}

/// Which model gave the expectations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// Logistic regression on size and resources.
    SizeAndCost,
    /// Logistic regression on size only (no costs known).
    Size,
    /// The pooled share of the other communities.
    Pooled,
}

impl Expectation {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Expectation::SizeAndCost => "size and cost",
            Expectation::Size => "size",
            Expectation::Pooled => "the pooled share",
        }
    }
}

/// The ranking, best first, and how expectations were formed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    /// Communities with at least one observed person, ranked by `margin`.
    pub communities: Vec<Deviance>,
    /// The model behind `expected`.
    pub expectation: Expectation,
    /// Confidence level of the intervals.
    pub level: f64,
}

/// Clopper–Pearson ("exact") interval of `k` successes in `n` at `level`: conservative, so
/// that one lucky participant (1 of 1: 2.5% to 100% at 95%) does not look like a pattern.
pub fn clopper_pearson(k: u64, n: u64, level: f64) -> (f64, f64) {
    use statrs::distribution::{Beta, ContinuousCDF};
    if n == 0 {
        return (0.0, 1.0);
    }
    let alpha = (1.0 - level) / 2.0;
    let (kf, nf) = (k as f64, n as f64);
    let low = if k == 0 {
        0.0
    } else {
        Beta::new(kf, nf - kf + 1.0).map_or(0.0, |b| b.inverse_cdf(alpha))
    };
    let high = if k == n {
        1.0
    } else {
        Beta::new(kf + 1.0, nf - kf).map_or(1.0, |b| b.inverse_cdf(1.0 - alpha))
    };
    (low, high)
}

/// Covariates of a community for the chosen model.
fn covariates(o: &Observation, model: Expectation) -> Vec<f64> {
    let size = (o.participants.max(1) as f64).ln();
    match model {
        Expectation::Pooled => vec![1.0],
        Expectation::Size => vec![1.0, size],
        Expectation::SizeAndCost => match o.cost {
            Some(c) => vec![1.0, size, 1.0, (c / o.participants.max(1) as f64 + 1.0).ln()],
            None => vec![1.0, size, 0.0, 0.0],
        },
    }
}

/// Fits a binomial logistic regression by iteratively reweighted least squares. `rows` are
/// `(covariates, successes, trials)`. `None` when the fit does not converge or the design is
/// singular (then a simpler model is used). `leave_out` skips one row (the community whose
/// expectation is being formed) without copying the others.
pub fn logistic(rows: &[(Vec<f64>, f64, f64)], leave_out: Option<usize>) -> Option<Vec<f64>> {
    let kept =
        || rows.iter().enumerate().filter(move |(j, _)| Some(*j) != leave_out).map(|(_, r)| r);
    let p = kept().next()?.0.len();
    let mut beta = vec![0.0; p];
    // Start the intercept at the pooled log-odds: IRLS converges in a few steps from there.
    let (k, n) = kept().fold((0.0, 0.0), |(k, n), r| (k + r.1, n + r.2));
    let pooled = ((k + 0.5) / (n + 1.0)).clamp(1e-6, 1.0 - 1e-6);
    beta[0] = (pooled / (1.0 - pooled)).ln();
    for _ in 0..100 {
        let mut xtwx = vec![vec![0.0; p]; p];
        let mut xtwz = vec![0.0; p];
        for (x, k, n) in kept() {
            let eta: f64 = x.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = 1.0 / (1.0 + (-eta).exp());
            let w = (n * mu * (1.0 - mu)).max(1e-12);
            let z = eta + (k - n * mu) / w;
            for i in 0..p {
                xtwz[i] += x[i] * w * z;
                for j in 0..p {
                    xtwx[i][j] += x[i] * w * x[j];
                }
            }
        }
        let next = solve(xtwx, xtwz)?;
        let step = next.iter().zip(&beta).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        beta = next;
        if !beta.iter().all(|b| b.is_finite()) || beta.iter().any(|b| b.abs() > 50.0) {
            return None;
        }
        if step < 1e-10 {
            return Some(beta);
        }
    }
    None
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-10 * scale {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (v, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *v -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Ranks communities by how far their observed share beats the expectation.
pub fn rank(observations: &[Observation], level: f64) -> Ranking {
    let used: Vec<&Observation> = observations.iter().filter(|o| o.observed > 0).collect();
    let costs = used.iter().filter(|o| o.cost.is_some()).count();
    // Enough communities per parameter for the richer models, else simpler ones.
    let candidates: &[Expectation] = if costs >= 8 && used.len() >= 16 {
        &[Expectation::SizeAndCost, Expectation::Size, Expectation::Pooled]
    } else if used.len() >= 10 {
        &[Expectation::Size, Expectation::Pooled]
    } else {
        &[Expectation::Pooled]
    };
    for &model in candidates {
        let rows: Vec<(Vec<f64>, f64, f64)> = used
            .iter()
            .map(|o| (covariates(o, model), o.succeeded as f64, o.observed as f64))
            .collect();
        let mut out = Vec::with_capacity(used.len());
        let mut ok = true;
        let (all_k, all_n) = rows.iter().fold((0.0, 0.0), |(k, n), r| (k + r.1, n + r.2));
        for (i, o) in used.iter().enumerate() {
            let expected = if model == Expectation::Pooled {
                let (k, n) = (all_k - rows[i].1, all_n - rows[i].2);
                if n > 0.0 { k / n } else { 0.0 }
            } else {
                let Some(beta) = logistic(&rows, Some(i)) else {
                    ok = false;
                    break;
                };
                let eta: f64 = rows[i].0.iter().zip(&beta).map(|(a, b)| a * b).sum();
                1.0 / (1.0 + (-eta).exp())
            };
            let (low, high) = clopper_pearson(o.succeeded, o.observed, level);
            out.push(Deviance {
                id: o.id.clone(),
                share: o.succeeded as f64 / o.observed as f64,
                low,
                high,
                expected,
                margin: low - expected,
                observed: o.observed,
            });
        }
        if ok {
            out.sort_by(|a, b| b.margin.total_cmp(&a.margin).then_with(|| a.id.cmp(&b.id)));
            return Ranking { communities: out, expectation: model, level };
        }
    }
    Ranking { communities: Vec::new(), expectation: Expectation::Pooled, level }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn clopper_pearson_matches_the_textbook_values() {
        // 8 of 10 at 95%: (0.4439, 0.9748); 0 of 10: (0, 0.3085); 1 of 1: (0.025, 1).
        let (l, h) = clopper_pearson(8, 10, 0.95);
        assert!((l - 0.4439).abs() < 1e-4 && (h - 0.9748).abs() < 1e-4, "{l} {h}");
        let (l, h) = clopper_pearson(0, 10, 0.95);
        assert!(l == 0.0 && (h - 0.3085).abs() < 1e-4, "{h}");
        let (l, h) = clopper_pearson(1, 1, 0.95);
        assert!((l - 0.025).abs() < 1e-12 && h == 1.0, "{l}");
    }

    #[test]
    fn the_pooled_expectation_leaves_the_community_out() {
        let obs: Vec<Observation> = [(10, 5), (20, 2), (30, 9)]
            .iter()
            .enumerate()
            .map(|(i, &(n, k))| Observation {
                id: format!("c{i}"),
                observed: n,
                succeeded: k,
                participants: n,
                cost: None,
            })
            .collect();
        let r = rank(&obs, 0.95);
        assert_eq!(r.expectation, Expectation::Pooled);
        let c0 = r.communities.iter().find(|d| d.id == "c0").unwrap();
        assert!((c0.expected - 11.0 / 50.0).abs() < 1e-12);
        let c2 = r.communities.iter().find(|d| d.id == "c2").unwrap();
        assert!((c2.expected - 7.0 / 30.0).abs() < 1e-12);
    }

    #[test]
    fn logistic_regression_recovers_planted_coefficients() {
        // Deterministic grid with expected counts: the MLE is exactly the planted model.
        let truth = [-1.0, 0.4];
        let rows: Vec<(Vec<f64>, f64, f64)> = (0..40)
            .map(|i| {
                let x = i as f64 / 10.0;
                let p = 1.0 / (1.0 + (-(truth[0] + truth[1] * x)).exp());
                (vec![1.0, x], 1000.0 * p, 1000.0)
            })
            .collect();
        let beta = logistic(&rows, None).unwrap();
        assert!((beta[0] - truth[0]).abs() < 1e-8 && (beta[1] - truth[1]).abs() < 1e-8, "{beta:?}");
    }

    #[test]
    fn planted_deviants_rank_first_and_a_lucky_small_one_does_not() {
        let mut rng = synthetic::Rng::new(7);
        let mut obs = Vec::new();
        for i in 0..40 {
            let participants = 40 + rng.below(400) as u64;
            let n = participants;
            // Expected share falls with size; three communities are planted far above it.
            let base = 1.0 / (1.0 + (-(0.5 - 0.35 * (participants as f64).ln())).exp());
            let p = if i < 3 { (base + 0.35).min(0.95) } else { base };
            let k = (0..n).filter(|_| rng.unit() < p).count() as u64;
            obs.push(Observation {
                id: format!("c{i:02}"),
                observed: n,
                succeeded: k,
                participants,
                cost: None,
            });
        }
        obs.push(Observation {
            id: "lucky".into(),
            observed: 1,
            succeeded: 1,
            participants: 2,
            cost: None,
        });
        let r = rank(&obs, 0.95);
        assert_eq!(r.expectation, Expectation::Size);
        let top: Vec<&str> = r.communities[..3].iter().map(|d| d.id.as_str()).collect();
        assert!(top.contains(&"c00") && top.contains(&"c01") && top.contains(&"c02"), "{top:?}");
        assert!(r.communities[..3].iter().all(Deviance::is_positive));
        let lucky = r.communities.iter().position(|d| d.id == "lucky").unwrap();
        assert!(lucky > 3, "a 1-of-1 community ranked {lucky}");
        assert!(!r.communities[lucky].is_positive());
    }
}

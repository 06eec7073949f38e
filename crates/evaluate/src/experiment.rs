//! Two-group comparison for experiments (A/B tests): difference of means with Welch's standard
//! error and Welch–Satterthwaite degrees of freedom, which does not assume equal variances.

use crate::{Estimate, EvalError, Method, Term, check_level};

/// Estimates `mean(treatment) − mean(control)`.
pub fn two_group(control: &[f64], treatment: &[f64], level: f64) -> Result<Estimate, EvalError> {
    check_level(level)?;
    let stats = |v: &[f64]| {
        let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (v.len(), mean, var)
    };
    let (n0, m0, v0) = stats(control);
    let (n1, m1, v1) = stats(treatment);
    if n0 < 2 || n1 < 2 {
        return Err(EvalError::TooFewPoints { have: n0.min(n1), need: 2 });
    }
    let (a, b) = (v0 / n0 as f64, v1 / n1 as f64);
    let se = (a + b).sqrt();
    let df = if a + b > 0.0 {
        (a + b).powi(2) / (a * a / (n0 as f64 - 1.0) + b * b / (n1 as f64 - 1.0))
    } else {
        (n0 + n1 - 2) as f64
    };
    Ok(Estimate {
        baseline: m0,
        pre: n0,
        post: n1,
        terms: vec![
            Term { name: "control mean".into(), value: m0, se: Some((v0 / n0 as f64).sqrt()) },
            Term { name: "treatment mean".into(), value: m1, se: Some((v1 / n1 as f64).sqrt()) },
        ],
        notes: vec![format!(
            "{n0} control and {n1} treatment units; Welch's t, {df:.1} degrees of freedom"
        )],
        ..Estimate::new(Method::TwoGroup, level, m1 - m0, se, df)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Welch's example values checked by hand: means 20 and 22, variances 8/5 and 16/5.
    #[test]
    fn welch_matches_the_closed_form() {
        let c = [18.0, 19.0, 20.0, 21.0, 22.0];
        let t = [19.0, 20.0, 22.0, 24.0, 25.0];
        let e = two_group(&c, &t, 0.95).unwrap();
        assert!((e.effect - 2.0).abs() < 1e-12);
        let (a, b): (f64, f64) = (2.5 / 5.0, 6.5 / 5.0);
        assert!((e.se - (a + b).sqrt()).abs() < 1e-12);
        let df = (a + b) * (a + b) / (a * a / 4.0 + b * b / 4.0);
        assert!((e.df - df).abs() < 1e-12);
    }
}

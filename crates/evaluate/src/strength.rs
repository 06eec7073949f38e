//! How far to trust an estimate, from its design rather than from its standard error alone.
//!
//! A tight interval from a poor design (a twin that never matched the treated series, a gap
//! that already trended before the deployment, an effect that placebos find just as often) is
//! not strong evidence. The rule, documented in docs/measurement.md:
//!
//! 1. **Ceiling from the method.** An experiment, or a panel method (synthetic control,
//!    synthetic difference in differences) with at least [`MANY`] comparison series: *strong*.
//!    Difference in differences or a synthetic control with fewer comparisons, or an
//!    interrupted time series (no comparison at all): *moderate*.
//! 2. **One level down for each design failure:** pre-period fit poor (root mean squared
//!    pre-period misfit above half the treated series' pre-period standard deviation); the
//!    treated unit's post/pre RMSPE ratio not in the top tenth of the placebos (rank p-value
//!    above 0.1, only judged with at least nine placebos); the parallel-trend test rejects
//!    (p < 0.05); the in-time placebo finds an effect at the fake date (p < 0.05).
//! 3. **Precision:** a relative standard error (se / |effect|) of 0.5 or more makes it at most
//!    *weak*; 0.25 or more at most *moderate*. A zero effect is judged by its interval instead:
//!    no cap when the interval is narrow against the outcome's scale.
//! 4. **Data:** on synthetic or illustrative data it is at most *weak*: such a result
//!    illustrates the method and is never evidence about the world.

use model::Strength;
use serde::Serialize;

use crate::Method;

/// Comparison series from which a panel method can be strong.
pub const MANY: usize = 10;

/// What the design of an estimate says, for the strength rule.
#[derive(Clone, Debug, Serialize)]
pub struct Design {
    /// The method.
    pub method: Method,
    /// Number of comparison series (0 for an interrupted time series or an experiment).
    pub comparisons: usize,
    /// Root mean squared pre-period misfit of the counterfactual.
    pub pre_rmspe: Option<f64>,
    /// Standard deviation of the treated series in the pre-period (the outcome's scale).
    pub outcome_sd: Option<f64>,
    /// Rank p-value of the in-space placebos (post/pre RMSPE ratio).
    pub placebo_p: Option<f64>,
    /// How many placebos that p-value was ranked among.
    pub placebos: usize,
    /// p-value of the pre-period trend of the gap (difference in differences).
    pub parallel_trend_p: Option<f64>,
    /// p-value of the in-time placebo's effect.
    pub in_time_p: Option<f64>,
    /// Whether any series used is synthetic or illustrative (their stored provenance,
    /// `model::Provenance`; the caller sets it, the estimators know nothing of stores).
    pub synthetic_data: bool,
}

impl Design {
    /// A design with nothing known beyond its method.
    pub fn new(method: Method) -> Design {
        Design {
            method,
            comparisons: 0,
            pre_rmspe: None,
            outcome_sd: None,
            placebo_p: None,
            placebos: 0,
            parallel_trend_p: None,
            in_time_p: None,
            synthetic_data: false,
        }
    }
}

/// The strength of an estimate and the reasons it is not higher.
#[derive(Clone, Debug, Serialize)]
pub struct Judgement {
    /// The strength.
    pub strength: Strength,
    /// Why it is not higher, one line each.
    pub reasons: Vec<String>,
}

fn down(s: Strength) -> Strength {
    match s {
        Strength::Strong => Strength::Moderate,
        Strength::Moderate => Strength::Weak,
        _ => Strength::Anecdotal,
    }
}

/// Applies the rule of the module documentation to a design and an effect with its standard
/// error.
pub fn judge(design: &Design, effect: f64, se: f64) -> Judgement {
    let mut reasons = Vec::new();
    let panel = matches!(
        design.method,
        Method::SyntheticControl | Method::SyntheticControlClassic | Method::SyntheticDid
    );
    let mut s = if design.method == Method::TwoGroup || (panel && design.comparisons >= MANY) {
        Strength::Strong
    } else {
        reasons.push(match design.method {
            Method::InterruptedTimeSeries => {
                "an interrupted time series has no comparison series: anything else that changed at the deployment is counted as the effect".to_string()
            }
            _ => format!(
                "{} comparison series (strong needs a synthetic control or synthetic difference in differences with at least {MANY})",
                design.comparisons
            ),
        });
        Strength::Moderate
    };
    if let (Some(rmspe), Some(sd)) = (design.pre_rmspe, design.outcome_sd)
        && sd > 0.0
        && rmspe > 0.5 * sd
    {
        s = down(s);
        reasons.push(format!(
            "poor pre-period fit: the counterfactual misses by {:.0}% of the series' standard deviation",
            100.0 * rmspe / sd
        ));
    }
    if let Some(p) = design.placebo_p
        && design.placebos >= 9
        && p > 0.1
    {
        s = down(s);
        reasons.push(format!(
            "placebos: {:.0}% of the comparison series show as large a post/pre misfit ratio (p = {p:.2})",
            100.0 * p
        ));
    }
    if let Some(p) = design.parallel_trend_p
        && p < 0.05
    {
        s = down(s);
        reasons.push(format!("the gap trended before the deployment (p = {p:.3})"));
    }
    if let Some(p) = design.in_time_p
        && p < 0.05
    {
        s = down(s);
        reasons.push(format!("the in-time placebo finds an effect at a fake date (p = {p:.3})"));
    }
    let rel = if effect != 0.0 { se / effect.abs() } else { f64::INFINITY };
    let narrow_zero = effect.abs() < 2.0 * se
        && design.outcome_sd.is_some_and(|sd| sd > 0.0 && 2.0 * se < 0.25 * sd);
    if !narrow_zero {
        if rel >= 0.5 && s > Strength::Weak {
            s = Strength::Weak;
            reasons.push(format!(
                "imprecise: the standard error is {:.0}% of the effect",
                100.0 * rel.min(99.99)
            ));
        } else if rel >= 0.25 && s > Strength::Moderate {
            s = Strength::Moderate;
            reasons.push(format!("the standard error is {:.0}% of the effect", 100.0 * rel));
        }
    }
    if design.synthetic_data {
        s = s.min(Strength::Weak);
        reasons.push(
            "the data are marked synthetic: this illustrates the method and is not evidence".into(),
        );
    }
    Judgement { strength: s, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(n: usize) -> Design {
        Design {
            comparisons: n,
            pre_rmspe: Some(1.0),
            outcome_sd: Some(10.0),
            placebo_p: Some(1.0 / (n as f64 + 1.0)),
            placebos: n,
            ..Design::new(Method::SyntheticDid)
        }
    }

    #[test]
    fn a_good_panel_design_is_strong_and_each_failure_costs_a_level() {
        assert_eq!(judge(&panel(20), 5.0, 1.0).strength, Strength::Strong);
        let poor_fit = Design { pre_rmspe: Some(6.0), ..panel(20) };
        assert_eq!(judge(&poor_fit, 5.0, 1.0).strength, Strength::Moderate);
        let placebo = Design { placebo_p: Some(0.4), ..poor_fit.clone() };
        assert_eq!(judge(&placebo, 5.0, 1.0).strength, Strength::Weak);
        assert_eq!(judge(&panel(4), 5.0, 1.0).strength, Strength::Moderate);
    }

    #[test]
    fn synthetic_data_is_never_strong_and_imprecision_caps() {
        let synthetic = Design { synthetic_data: true, ..panel(20) };
        let j = judge(&synthetic, 5.0, 1.0);
        assert_eq!(j.strength, Strength::Weak);
        assert!(j.reasons[0].contains("synthetic"));
        assert_eq!(judge(&panel(20), 5.0, 3.0).strength, Strength::Weak);
        assert_eq!(judge(&panel(20), 5.0, 1.5).strength, Strength::Moderate);
        // A precise zero is strong evidence of no effect.
        assert_eq!(judge(&panel(20), 0.1, 0.5).strength, Strength::Strong);
    }
}

//! Learning from evaluations: a measured effect of shipped work updates the effects of the links
//! on the chain it tested, so the next simulation and plan start from evidence — including
//! evidence of harm or of nothing.
//!
//! The chain from the initiative's delivered node to the measured node predicts the change
//! `Δ = c · Π e_i`, `c = amount · Π p` (delivery amount and every probability at their means).
//! The evaluation observes `y = effect × scale ~ N(Δ, s²)`, `s = se × scale`: the likelihood is
//! on the linear scale, where the estimate is approximately normal, so a negative or zero `y`
//! is evidence like any other (it says the chain's effects are smaller than believed).
//!
//! - **One link with a normal prior**: `y = c·e + noise` is linear in `e`, and the conjugate
//!   normal update is exact: `precision' = 1/v + c²/s²`, `mean' = (m/v + c·y/s²)/precision'`.
//!   The posterior may cross zero: a link can turn out harmful.
//! - **Otherwise** each effect is lognormal (other positive distributions moment-matched to
//!   one), `log e_i ~ N(μ_i, σ_i²)`. The likelihood depends on the links only through
//!   `S = log c + Σ log e_i ~ N(M, V)`, and given `S` the `log e_i` are jointly normal
//!   (`mean μ_i + σ_i²(S − M)/V`, variance `σ_i²(1 − σ_i²/V)`). Conditioning is therefore one
//!   integral over `S`, done by quadrature on a grid fitted to the posterior; each link's
//!   posterior mean and variance are exact, and the link keeps the lognormal with those two
//!   moments (its marginal; the correlation the observation induces between links of one
//!   chain is dropped). Effects stay positive: a negative `y` pulls them towards zero.
//!
//! Evaluations apply in date order, each posterior the next one's prior.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Distribution, Evaluation, Evidence, EvidenceKind, Id, Model, Strength};

/// One link's effect before and after an evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct LinkUpdate {
    /// Source node.
    pub from: Id,
    /// Target node.
    pub to: Id,
    /// The effect before.
    pub prior: Distribution,
    /// The effect after.
    pub posterior: Distribution,
}

/// Why an evaluation could not update the model.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LearnError {
    /// The initiative or indicator is not in the model.
    #[error("the evaluation names `{0}`, which is not in the model")]
    Unknown(Id),
    /// No quantified chain from the initiative to the measured node.
    #[error(
        "no quantified chain leads from what `{initiative}` delivers to `{node}`; give the \
         deliveries amounts and the links effects, or the evaluation cannot inform them"
    )]
    NoChain {
        /// The initiative.
        initiative: Id,
        /// The measured node.
        node: Id,
    },
    /// More than one chain: the estimate cannot be split between them.
    #[error(
        "`{initiative}` reaches `{node}` by {count} chains; an estimate of the total cannot be \
         split between them, so no link was updated"
    )]
    SeveralChains {
        /// The initiative.
        initiative: Id,
        /// The measured node.
        node: Id,
        /// How many chains.
        count: usize,
    },
    /// The chain's constant factor or the evaluation's scale is not positive, or a number is
    /// not finite: nothing sensible can be concluded.
    #[error(
        "the evaluation's {what} is not a positive finite number, so it cannot inform the chain; \
         the result is kept as evidence"
    )]
    Degenerate {
        /// What is wrong ("scale", "standard error", "delivered amount × probabilities").
        what: &'static str,
    },
    /// A link on a chain of several whose effect has a non-positive mean cannot be lognormal.
    #[error(
        "the effect of {from} → {to} has a mean ≤ 0; on a chain of several links only positive \
         effects can be updated (a single link with a normal effect can)"
    )]
    NegativeEffect {
        /// Source node.
        from: Id,
        /// Target node.
        to: Id,
    },
}

/// `(μ, σ)` of the lognormal with the distribution's mean and variance.
pub fn lognormal_params(d: &Distribution) -> Option<(f64, f64)> {
    if let Distribution::LogNormal { mu, sigma } = *d {
        return Some((mu, sigma));
    }
    let (m, v) = (d.mean(), d.variance());
    if m <= 0.0 || !m.is_finite() {
        return None;
    }
    let s2 = (1.0 + v / (m * m)).ln();
    Some((m.ln() - s2 / 2.0, s2.sqrt()))
}

/// The link indices of every chain from any node the initiative delivers (with an amount) to
/// `target`, with the chain's constant factor `amount · Π p`.
fn chains(model: &Model, initiative: usize, target: &Id) -> Vec<(Vec<usize>, f64)> {
    let mut out_links: BTreeMap<&Id, Vec<usize>> = BTreeMap::new();
    for (i, l) in model.links.iter().enumerate() {
        if !l.feedback && l.effect.is_some() {
            out_links.entry(&l.from).or_default().push(i);
        }
    }
    let mut found = Vec::new();
    for d in &model.initiatives[initiative].delivers {
        let Some(amount) = &d.amount else { continue };
        let start = amount.mean() * d.probability.unwrap_or(1.0);
        // Depth-first over a DAG (loops of quantified links are refused by `check`); the
        // on-path guard keeps a bad model from looping here.
        let mut stack: Vec<(&Id, Vec<usize>, f64)> = vec![(&d.node, Vec::new(), start)];
        while let Some((node, path, factor)) = stack.pop() {
            if node == target && !path.is_empty() {
                found.push((path, factor));
                continue;
            }
            for &li in out_links.get(node).map_or(&[][..], Vec::as_slice) {
                let l = &model.links[li];
                if path.iter().any(|&p| model.links[p].from == l.to) {
                    continue;
                }
                let mut next = path.clone();
                next.push(li);
                stack.push((&l.to, next, factor * l.probability.unwrap_or(1.0)));
            }
        }
    }
    found
}

/// Applies one evaluation to the model's links; returns what changed.
pub fn apply_one(model: &mut Model, eval: &Evaluation) -> Result<Vec<LinkUpdate>, LearnError> {
    let ii = model
        .initiatives
        .iter()
        .position(|i| i.id == eval.initiative)
        .ok_or_else(|| LearnError::Unknown(eval.initiative.clone()))?;
    let node = model
        .indicators
        .iter()
        .find(|i| i.id == eval.indicator)
        .map(|i| i.measures.clone())
        .ok_or_else(|| LearnError::Unknown(eval.indicator.clone()))?;
    let mut found = chains(model, ii, &node);
    let initiative = eval.initiative.clone();
    let (path, factor) = match found.len() {
        0 => return Err(LearnError::NoChain { initiative, node }),
        1 => found.remove(0),
        count => return Err(LearnError::SeveralChains { initiative, node, count }),
    };
    if !(factor > 0.0 && factor.is_finite()) {
        return Err(LearnError::Degenerate { what: "delivered amount × probabilities" });
    }
    if !(eval.scale > 0.0 && eval.scale.is_finite()) {
        return Err(LearnError::Degenerate { what: "scale" });
    }
    if !(eval.se > 0.0 && eval.se.is_finite() && eval.effect.is_finite()) {
        return Err(LearnError::Degenerate { what: "standard error" });
    }
    // The per-period estimate in the node's unit.
    let y = eval.effect * eval.scale;
    let s = eval.se * eval.scale;
    let mut effects = Vec::new();
    for &li in &path {
        let l = &model.links[li];
        let effect = l.effect.ok_or_else(|| LearnError::NoChain {
            initiative: initiative.clone(),
            node: node.clone(),
        })?;
        effects.push(effect);
    }
    let posteriors: Vec<Distribution> = match effects.as_slice() {
        [Distribution::Normal { mean, sd }] => {
            let precision = 1.0 / (sd * sd) + factor * factor / (s * s);
            let m = (mean / (sd * sd) + factor * y / (s * s)) / precision;
            vec![Distribution::Normal { mean: m, sd: precision.recip().sqrt() }]
        }
        _ => {
            let mut priors = Vec::new();
            for (&li, effect) in path.iter().zip(&effects) {
                let l = &model.links[li];
                let p = lognormal_params(effect).ok_or_else(|| LearnError::NegativeEffect {
                    from: l.from.clone(),
                    to: l.to.clone(),
                })?;
                priors.push(p);
            }
            condition_lognormal_chain(&priors, factor.ln(), y, s)
                .into_iter()
                .map(|(mu, sigma)| Distribution::LogNormal { mu, sigma })
                .collect()
        }
    };
    let strength = strength_of(model, eval);
    let mut updates = Vec::new();
    for (&li, posterior) in path.iter().zip(posteriors) {
        let l = &mut model.links[li];
        let prior = l.effect.unwrap_or(Distribution::Point { value: 0.0 });
        l.effect = Some(posterior);
        if l.prior_effect.is_none() {
            l.prior_effect = Some(prior);
        }
        l.evidence.push(evidence_of(eval, strength));
        updates.push(LinkUpdate { from: l.from.clone(), to: l.to.clone(), prior, posterior });
    }
    Ok(updates)
}

/// Conditions lognormal link effects `(μ_i, σ_i)` on one observation `y ~ N(e^S, s²)` with
/// `S = log_c + Σ log e_i`; returns each link's lognormal with the exact posterior mean and
/// variance (module documentation).
pub fn condition_lognormal_chain(
    priors: &[(f64, f64)],
    log_c: f64,
    y: f64,
    s: f64,
) -> Vec<(f64, f64)> {
    let m: f64 = log_c + priors.iter().map(|p| p.0).sum::<f64>();
    let v: f64 = priors.iter().map(|p| p.1 * p.1).sum();
    if v <= 0.0 || !v.is_finite() {
        return priors.to_vec();
    }
    let sd = v.sqrt();
    let log_post =
        |x: f64| -> f64 { -(x - m).powi(2) / (2.0 * v) - (y - x.exp()).powi(2) / (2.0 * s * s) };
    // A coarse grid over the prior's range, denser where the likelihood peaks (S = log y,
    // width about s/y), locates the posterior; a fine grid over where it is not negligible
    // integrates it.
    let mut coarse: Vec<f64> =
        (0..=20_000).map(|i| m - 40.0 * sd + 80.0 * sd * i as f64 / 20_000.0).collect();
    if y > 0.0 {
        let (peak, width) = (y.ln(), (s / y).min(10.0 * sd));
        coarse.extend((0..=2_000).map(|i| peak - 12.0 * width + 24.0 * width * i as f64 / 2_000.0));
    }
    coarse.retain(|x| (x - m).abs() <= 40.0 * sd);
    coarse.sort_by(f64::total_cmp);
    let values: Vec<f64> = coarse.iter().map(|&x| log_post(x)).collect();
    let top = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let inside: Vec<usize> = (0..coarse.len()).filter(|&i| values[i] > top - 60.0).collect();
    let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
        return priors.to_vec();
    };
    let lo = coarse[first.saturating_sub(1)];
    let hi = coarse[(last + 1).min(coarse.len() - 1)];
    let mut grid: Vec<f64> = (0..=8_000).map(|i| lo + (hi - lo) * i as f64 / 8_000.0).collect();
    grid.extend(coarse[first..=last].iter().copied());
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let weights: Vec<f64> = grid.iter().map(|&x| (log_post(x) - top).exp()).collect();
    // Trapezoid rule on the (uneven) grid.
    let integrate = |f: &dyn Fn(f64) -> f64| -> f64 {
        (1..grid.len())
            .map(|k| {
                0.5 * (grid[k] - grid[k - 1])
                    * (weights[k] * f(grid[k]) + weights[k - 1] * f(grid[k - 1]))
            })
            .sum()
    };
    let z = integrate(&|_| 1.0);
    if z.is_nan() || z <= 0.0 {
        return priors.to_vec();
    }
    priors
        .iter()
        .map(|&(mu, sigma)| {
            let share = sigma * sigma / v;
            let within = sigma * sigma * (1.0 - share);
            let mean_at = |x: f64| mu + share * (x - m);
            let e1 = integrate(&|x| (mean_at(x) + within / 2.0).exp()) / z;
            let e2 = integrate(&|x| (2.0 * mean_at(x) + 2.0 * within).exp()) / z;
            let s2 = (e2 / (e1 * e1)).ln().max(0.0);
            (e1.ln() - s2 / 2.0, s2.sqrt())
        })
        .collect()
}

/// The strength of the evidence an evaluation leaves on the links, from what the record and
/// the model say about its design: the relative standard error (below 25% strong, below 50%
/// moderate, else weak), capped at moderate unless the method is an experiment or a panel
/// method (synthetic control, synthetic DiD) with at least ten comparison series, and at weak
/// when the data were synthetic or illustrative (the record's `data`): such a result is never
/// evidence about the world. A zero estimate is judged by its standard error against the
/// estimate's scale instead. The full rule (pre-period fit, placebos, parallel trends) is
/// `evaluate::strength`, shown by `throughline evaluate` and the report.
fn strength_of(model: &Model, eval: &Evaluation) -> Strength {
    use crate::EvaluationMethod as M;
    let rel = eval.se / eval.effect.abs().max(f64::MIN_POSITIVE);
    let mut s = if rel < 0.25 {
        Strength::Strong
    } else if rel < 0.5 {
        Strength::Moderate
    } else {
        Strength::Weak
    };
    let comparisons = model
        .initiatives
        .iter()
        .find(|i| i.id == eval.initiative)
        .and_then(|i| i.evaluation.as_ref())
        .map_or(0, |d| d.comparisons.len());
    let design_can_be_strong = match eval.method {
        M::TwoGroup => true,
        M::SyntheticControl | M::SyntheticControlClassic | M::SyntheticDid => comparisons >= 10,
        M::InterruptedTimeSeries | M::DifferenceInDifferences => false,
    };
    if !design_can_be_strong {
        s = s.min(Strength::Moderate);
    }
    if !eval.data.is_measured() {
        s = s.min(Strength::Weak);
    }
    s
}

/// The evidence entry an evaluation leaves on a link it tested, with its strength. Evidence
/// from data that are not measured says so (`…, on synthetic data`), so every page and table
/// that shows the evidence shows the mark.
pub fn evidence_of(eval: &Evaluation, strength: Strength) -> Evidence {
    let data = eval.data.mark().map(|m| format!(", on {m}")).unwrap_or_default();
    Evidence {
        source: format!(
            "{EVIDENCE_PREFIX}{}: {} on {} ({:.0}% interval {} to {}), evaluated {}{data}",
            eval.method,
            fmt(eval.effect),
            eval.indicator,
            eval.level * 100.0,
            fmt(eval.low),
            fmt(eval.high),
            eval.evaluated
        ),
        url: None,
        community: None,
        strength: Some(strength),
        kind: Some(EvidenceKind::Evaluation),
        year: Some(eval.evaluated.year),
    }
}

fn fmt(v: f64) -> String {
    if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") }
}

/// Applies every evaluation of the model in date order; returns each one's outcome, in the
/// order of `model.evaluations`.
pub fn apply_all(model: &mut Model) -> Vec<Result<Vec<LinkUpdate>, LearnError>> {
    let evals = model.evaluations.clone();
    let mut order: Vec<usize> = (0..evals.len()).collect();
    order.sort_by_key(|&i| evals[i].evaluated);
    let mut results: Vec<Option<Result<Vec<LinkUpdate>, LearnError>>> = vec![None; evals.len()];
    for i in order {
        results[i] = Some(apply_one(model, &evals[i]));
    }
    results.into_iter().flatten().collect()
}

/// Undoes [`apply_all`]: every updated link gets its written effect back, and the evidence
/// evaluations left is removed. Used to recompute from the priors (for example when an
/// evaluation is replaced by a newer one).
pub fn reset(model: &mut Model) {
    for l in &mut model.links {
        if let Some(prior) = l.prior_effect.take() {
            l.effect = Some(prior);
        }
        l.evidence.retain(|e| !e.source.starts_with(EVIDENCE_PREFIX));
    }
}

/// How evidence left by evaluations begins.
pub const EVIDENCE_PREFIX: &str = "throughline evaluate, ";

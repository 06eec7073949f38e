//! Learning from evaluations: a measured effect of shipped work updates the effects of the links
//! on the chain it tested, so the next simulation and plan start from evidence.
//!
//! The chain from the initiative's delivered node to the measured node predicts the change
//! `Δ = amount · p · Π e_i` (delivery amount and every probability at their means). On the log
//! scale that is `log Δ = c + Σ log e_i`. Each effect's prior is lognormal (other distributions
//! are moment-matched to one), `log e_i ~ N(μ_i, σ_i²)`, and the evaluation observes
//! `y = log(estimate) ~ N(log Δ, s²)` with `s² = log(1 + (se/estimate)²)`. Conditioning the
//! Gaussian prior on that one linear observation is exact (the conjugate normal update):
//!
//! `μ_i' = μ_i + σ_i² (y − c − Σμ_j) / (Σσ_j² + s²)`,
//! `σ_i'² = σ_i² − σ_i⁴ / (Σσ_j² + s²)`.
//!
//! The posterior of each link is stored as its lognormal marginal (the correlation the
//! observation induces between links of one chain is dropped; with one link on the chain the
//! update is exact). Evaluations apply in date order, each posterior the next one's prior.

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
    /// A non-positive estimate has no logarithm.
    #[error(
        "the estimated effect {estimate} is not positive, so the log-scale update does not apply; \
         the result is kept as evidence: revise the chain's effects by hand"
    )]
    NotPositive {
        /// The estimate.
        estimate: f64,
    },
    /// A link whose effect has a non-positive mean cannot be lognormal.
    #[error("the effect of {from} → {to} has a mean ≤ 0; only positive effects can be updated")]
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
    if eval.effect <= 0.0 || factor <= 0.0 || eval.scale <= 0.0 {
        return Err(LearnError::NotPositive { estimate: eval.effect });
    }
    let mut priors = Vec::new();
    for &li in &path {
        let l = &model.links[li];
        let effect = l.effect.as_ref().ok_or_else(|| LearnError::NoChain {
            initiative: initiative.clone(),
            node: node.clone(),
        })?;
        let p = lognormal_params(effect)
            .ok_or_else(|| LearnError::NegativeEffect { from: l.from.clone(), to: l.to.clone() })?;
        priors.push(p);
    }
    // The per-period estimate in the node's unit; the relative error is unchanged by scaling.
    let y = (eval.effect * eval.scale).ln();
    let s2 = (1.0 + (eval.se / eval.effect).powi(2)).ln();
    let prior_var: f64 = priors.iter().map(|(_, s)| s * s).sum();
    let prior_mean: f64 = priors.iter().map(|(m, _)| m).sum();
    let gain = (y - factor.ln() - prior_mean) / (prior_var + s2);
    let mut updates = Vec::new();
    for (&li, &(mu, sigma)) in path.iter().zip(&priors) {
        let v = sigma * sigma;
        let post_mu = mu + v * gain;
        let post_sigma = (v - v * v / (prior_var + s2)).max(0.0).sqrt();
        let l = &mut model.links[li];
        let prior = l.effect.unwrap_or(Distribution::Point { value: 0.0 });
        let posterior = Distribution::LogNormal { mu: post_mu, sigma: post_sigma };
        l.effect = Some(posterior);
        if l.prior_effect.is_none() {
            l.prior_effect = Some(prior);
        }
        l.evidence.push(evidence_of(eval));
        updates.push(LinkUpdate { from: l.from.clone(), to: l.to.clone(), prior, posterior });
    }
    Ok(updates)
}

/// The evidence entry an evaluation leaves on a link it tested.
pub fn evidence_of(eval: &Evaluation) -> Evidence {
    let rel = eval.se / eval.effect.abs().max(f64::MIN_POSITIVE);
    Evidence {
        source: format!(
            "{EVIDENCE_PREFIX}{}: {} on {} ({:.0}% interval {} to {}), evaluated {}",
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
        strength: Some(if rel < 0.25 {
            Strength::Strong
        } else if rel < 0.5 {
            Strength::Moderate
        } else {
            Strength::Weak
        }),
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

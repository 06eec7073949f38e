//! Monte Carlo propagation of a model's quantified effects: what each initiative is expected to
//! change in each goal, what that is worth, what it costs, and how sure we are.
//!
//! Semantics (see `docs/simulation.md`): every modelled quantity is a change versus not doing the
//! work. An initiative delivers amounts of activities or outputs; a link multiplies the change in
//! its source by its effect (when it works); changes multiply along a path and add over paths.
//! The change a set of initiatives causes in a goal is, in every sample, the sum of their
//! contributions. Value = equity factor × Σ goal weight × goal change + Σ criterion weight ×
//! benefit score.
//!
//! Pure: no IO, no clock, no global RNG. The same seed gives the same numbers on any number of
//! threads.

mod engine;
pub mod plan;
pub mod sampler;
pub mod sensitivity;
pub mod stats;
pub mod streams;
pub mod voi;

use std::collections::HashMap;

use model::{Distribution, Model};
use rayon::prelude::*;
use serde::Serialize;

pub use plan::Plan;
pub use stats::{Summary, summarize};

/// Why a model cannot be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulateError {
    /// Quantified links form a loop.
    #[error(
        "quantified links form a loop through {}; mark the link that closes it `feedback: true` or remove its effect",
        nodes.join(", ")
    )]
    Cycle {
        /// Nodes on or behind the loop.
        nodes: Vec<String>,
    },
    /// Zero samples asked for.
    #[error("the number of samples must be at least 2")]
    TooFewSamples,
    /// A number the engine would compute with is not finite, or its expected value overflows.
    /// `throughline check` keeps every number within its key's range, so this is a model that
    /// bypassed the checker (or a range too wide for a long chain): refused, never propagated
    /// as ∞ or NaN into values and plans.
    #[error(
        "{what} is not a finite number ({value}); keep the model's numbers within the ranges `throughline check` states"
    )]
    NotFinite {
        /// What the number is, by id.
        what: String,
        /// The value found.
        value: f64,
    },
}

/// Replacements for links' effects or probabilities: "what if this assumption holds".
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    effects: HashMap<usize, Distribution>,
    probabilities: HashMap<usize, f64>,
}

impl Overrides {
    /// Replaces the effect of link `link` (index in `Model::links`).
    pub fn set_effect(&mut self, link: usize, d: Distribution) {
        self.effects.insert(link, d);
    }

    /// Replaces the probability that link `link` works.
    pub fn set_probability(&mut self, link: usize, p: f64) {
        self.probabilities.insert(link, p);
    }

    pub(crate) fn effect(&self, link: usize) -> Option<Distribution> {
        self.effects.get(&link).copied()
    }

    pub(crate) fn probability(&self, link: usize) -> Option<f64> {
        self.probabilities.get(&link).copied()
    }
}

/// How to run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Number of samples.
    pub samples: usize,
    /// Seed of every random stream.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { samples: DEFAULT_SAMPLES, seed: 1 }
    }
}

/// 10,000 samples put the standard error of a mean at 1% of the standard deviation.
pub const DEFAULT_SAMPLES: usize = 10_000;

/// One goal's total change, caused by all initiatives together.
#[derive(Clone, Debug, Serialize)]
pub struct GoalResult {
    /// Goal id.
    pub id: String,
    /// Goal unit.
    pub unit: Option<String>,
    /// Value per unit.
    pub weight: f64,
    /// Change caused by the whole portfolio of initiatives (Monte Carlo).
    pub change: Summary,
    /// The exact expected change.
    pub expected_change: f64,
}

/// An initiative's expected contribution to one goal.
#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    /// Goal id.
    pub goal: String,
    /// Expected change, exact: links are independent, so the expectation of a product along a
    /// path is the product of expectations (see [`plan::Plan::expected_contributions`]).
    pub mean: f64,
}

/// Cost-effectiveness, GiveWell style: expected value over expected cost, and its distribution.
#[derive(Clone, Debug, Serialize)]
pub struct CostEffectiveness {
    /// E[value] / E[cost].
    pub ratio_of_means: f64,
    /// Distribution of value / cost per sample (samples with zero cost left out).
    pub ratio: Summary,
}

/// One initiative's results.
#[derive(Clone, Debug, Serialize)]
pub struct InitiativeResult {
    /// Initiative id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Value: mission value plus non-mission benefits (Monte Carlo).
    pub value: Summary,
    /// The exact expected value, for comparison with the Monte Carlo mean.
    pub expected_value: f64,
    /// Cost, when the model gives one.
    pub cost: Option<Summary>,
    /// Cost-effectiveness, when there is a cost.
    pub cost_effectiveness: Option<CostEffectiveness>,
    /// Contribution to each goal, in goal order.
    pub goals: Vec<Contribution>,
    /// Equity factor applied.
    pub equity: f64,
    /// Value of non-mission benefits included in `value`.
    pub benefits_value: f64,
    /// Whether any quantified path leads from what it delivers to a goal.
    pub quantified: bool,
}

/// Everything a simulation produced.
#[derive(Clone, Debug, Serialize)]
pub struct Simulation {
    /// Samples drawn.
    pub samples: usize,
    /// Seed used.
    pub seed: u64,
    /// Per goal.
    pub goals: Vec<GoalResult>,
    /// Per initiative, in model order.
    pub initiatives: Vec<InitiativeResult>,
    /// Value of doing every initiative.
    pub portfolio_value: Summary,
    /// Raw value samples per initiative (paired across initiatives), for VOI and planning.
    #[serde(skip)]
    pub value_samples: Vec<Vec<f64>>,
    /// Raw cost samples per initiative.
    #[serde(skip)]
    pub cost_samples: Vec<Vec<f64>>,
}

/// Runs the simulation. `progress(done, total)` is called as blocks of samples finish.
pub fn simulate(
    model: &Model,
    settings: &Settings,
    overrides: &Overrides,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Simulation, SimulateError> {
    if settings.samples < 2 {
        return Err(SimulateError::TooFewSamples);
    }
    let plan = Plan::new(model, overrides)?;
    Ok(run(model, &plan, settings, progress))
}

/// The change that `initiatives` (model indices) cause together in each of the `nodes` (model
/// indices), sample by sample: `out[k][s]` for node `nodes[k]`. The draws are those of a run
/// with the same `settings` (every draw is a function of seed, variable and sample index only),
/// so these samples are paired with that run's value samples and with each other: the
/// plan's key results and its value come from the same simulated worlds. Memory is bounded by a
/// block of samples per thread, besides the result.
pub fn node_changes(
    plan: &Plan,
    settings: &Settings,
    initiatives: &[usize],
    nodes: &[usize],
) -> Vec<Vec<f64>> {
    let parts: Vec<Vec<Vec<f64>>> = engine::blocks(settings.samples)
        .into_par_iter()
        .map(|(b, len)| engine::node_changes_block(plan, settings.seed, b, len, initiatives, nodes))
        .collect();
    let mut out: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.samples); nodes.len()];
    for part in parts {
        for (o, p) in out.iter_mut().zip(part) {
            o.extend(p);
        }
    }
    out
}

/// Runs a compiled plan.
pub fn run(
    model: &Model,
    plan: &Plan,
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Simulation {
    let n = settings.samples;
    let i_count = plan.initiatives.len();
    let g_count = plan.goals.len();
    // Each block writes its part of every variable's samples, so the samples are in block
    // order whatever the scheduling, and nothing is gathered afterwards.
    // Each vector allocated zeroed on its own (`vec![v; k]` would copy `v` k times: on a large
    // model, 160 MB of zeros written before the first draw).
    let zeroed = |k: usize| -> Vec<Vec<f64>> { (0..k).map(|_| vec![0.0; n]).collect() };
    let mut value_samples = zeroed(i_count);
    let mut cost_samples = zeroed(i_count);
    let mut goal_samples = zeroed(g_count);
    let mut portfolio = vec![0.0; n];
    let done = std::sync::atomic::AtomicUsize::new(0);
    engine::BlockOut::split(
        &mut value_samples,
        &mut cost_samples,
        &mut goal_samples,
        &mut portfolio,
    )
    .into_par_iter()
    .enumerate()
    .for_each_init(engine::Scratch::default, |scratch, (b, mut out)| {
        engine::run_block(plan, settings.seed, b as u64, scratch, &mut out);
        let len = out.portfolio.len();
        let d = done.fetch_add(len, std::sync::atomic::Ordering::Relaxed) + len;
        progress(d, n);
    });

    let expected = plan.expected_contributions();
    let goals = plan
        .goals
        .iter()
        .enumerate()
        .zip(&goal_samples)
        .zip(&plan.weights)
        .map(|(((slot, &g), s), &w)| GoalResult {
            id: model.nodes[g].id.to_string(),
            unit: model.nodes[g].unit.clone(),
            weight: w,
            change: summarize(s),
            expected_change: expected.iter().map(|e| e[slot]).sum(),
        })
        .collect();
    let initiatives = model
        .initiatives
        .par_iter()
        .enumerate()
        .map(|(i, ini)| {
            let q = &plan.initiatives[i];
            let value = summarize(&value_samples[i]);
            let (cost, cost_effectiveness) = if q.cost.is_some() {
                let cost = summarize(&cost_samples[i]);
                let ratios: Vec<f64> = value_samples[i]
                    .iter()
                    .zip(&cost_samples[i])
                    .filter(|(_, c)| **c > 0.0)
                    .map(|(v, c)| v / c)
                    .collect();
                let ce = CostEffectiveness {
                    ratio_of_means: if cost.mean > 0.0 {
                        value.mean / cost.mean
                    } else {
                        f64::INFINITY
                    },
                    ratio: summarize(&ratios),
                };
                (Some(cost), Some(ce))
            } else {
                (None, None)
            };
            let goals = plan
                .goals
                .iter()
                .enumerate()
                .map(|(slot, &g)| Contribution {
                    goal: model.nodes[g].id.to_string(),
                    mean: expected[i][slot],
                })
                .collect();
            let mission: f64 = expected[i].iter().zip(&plan.weights).map(|(c, w)| c * w).sum();
            let quantified = q.deliveries.iter().any(|d| !plan.reach[d.node].is_empty());
            InitiativeResult {
                id: ini.id.to_string(),
                name: ini.name.clone(),
                value,
                expected_value: q.equity * mission + q.benefits_value,
                cost,
                cost_effectiveness,
                goals,
                equity: q.equity,
                benefits_value: q.benefits_value,
                quantified,
            }
        })
        .collect();
    Simulation {
        samples: n,
        seed: settings.seed,
        goals,
        initiatives,
        portfolio_value: summarize(&portfolio),
        value_samples,
        cost_samples,
    }
}

//! Value of information: which uncertainty is worth resolving before committing money.
//!
//! **The decision.** Fund a set of initiatives within a budget. It is solved here through its
//! Lagrangian, as health economics does with a cost-effectiveness threshold: rank initiatives by
//! expected value per expected cost, fund them in that order while the budget lasts, and let `k`
//! be the cost-effectiveness of the best initiative left out. Then an initiative is funded
//! exactly when its expected net benefit `NB = value − k · cost` is positive, and decisions
//! separate. Must-do initiatives are funded whatever the information, so they are left out.
//!
//! **EVPI** = E[Σ max(0, NB_i)] − Σ max(0, E[NB_i]): what knowing every input before deciding
//! would be worth.
//!
//! **EVPPI** of one input θ = E_θ[Σ max(0, E[NB_i | θ])] − Σ max(0, E[NB_i]), with E[NB_i | θ]
//! estimated by the non-parametric regression approach of Strong & Oakley (2013) using a
//! piecewise-constant smoother: samples sorted by θ and cut into √N bins of equal count. Bin
//! means carry noise, which biases the estimate upward; the **noise floor** is the same estimate
//! for an input that is pure noise (independent of everything), so EVPPIs near the floor are
//! indistinguishable from zero.

use model::Model;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

use crate::engine::redraw;
use crate::plan::Plan;
use crate::sampler::unit;
use crate::{Settings, Simulation};

/// The decision VOI is computed for.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// Budget, in the model's currency.
    pub budget: f64,
    /// Value per unit of money forgone at the margin (the cost-effectiveness of the best
    /// initiative that does not fit); 0 when everything fits.
    pub threshold: f64,
    /// Initiatives funded on current information, in model order.
    pub funded: Vec<String>,
}

/// What an input is.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Parameter {
    /// A link: its effect and whether it works, with the assumptions it rests on.
    Link {
        /// Source node id.
        from: String,
        /// Target node id.
        to: String,
        /// The link's assumptions, as written.
        assumptions: Vec<String>,
    },
    /// An amount an initiative delivers.
    Delivery {
        /// Initiative id.
        initiative: String,
        /// Node id.
        node: String,
    },
    /// An initiative's cost.
    Cost {
        /// Initiative id.
        initiative: String,
    },
}

/// EVPPI of one input.
#[derive(Clone, Debug, Serialize)]
pub struct ParameterVoi {
    /// The input.
    pub parameter: Parameter,
    /// Expected value of partial perfect information, in value units.
    pub evppi: f64,
}

/// The VOI analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Voi {
    /// The decision analysed.
    pub decision: Decision,
    /// Expected value of perfect information on everything.
    pub evpi: f64,
    /// EVPPI of an independent noise input: estimates near it are indistinguishable from zero.
    pub noise_floor: f64,
    /// How many ranked EVPPIs are above the noise floor.
    pub resolved: usize,
    /// The exponent `a` of the floor's fall with the sample count, floor ∝ n^−a, fitted to the
    /// floor at n/16, n/4 and n samples (`None` when it does not fall measurably).
    pub floor_exponent: Option<f64>,
    /// When no EVPPI clears the floor but some is above zero: the sample count at which the
    /// floor, falling as fitted, would drop below the top EVPPI as estimated now. A rough
    /// figure: the estimates carry the same upward bias as the floor, so the truth may need more.
    pub samples_to_resolve: Option<u64>,
    /// Bins of the regression smoother.
    pub bins: usize,
    /// Inputs, highest EVPPI first.
    pub parameters: Vec<ParameterVoi>,
    /// The method, in words.
    pub method: &'static str,
}

const METHOD: &str = "EVPPI by non-parametric regression (Strong & Oakley 2013) with a \
piecewise-constant smoother over sqrt(N) equal-count bins of the input; decision: budgeted \
portfolio via its cost-effectiveness threshold; noise floor: the same estimator on an \
independent input; the floor's fall with the sample count fitted at n/16, n/4 and n.";

/// Chooses the funded set and threshold for a budget.
pub fn decide(model: &Model, sim: &Simulation, budget: f64) -> Decision {
    let mut candidates: Vec<usize> =
        (0..sim.initiatives.len()).filter(|&i| !model.initiatives[i].must_do).collect();
    let ce = |i: usize| {
        let r = &sim.initiatives[i];
        match r.cost {
            Some(c) if c.mean > 0.0 => r.value.mean / c.mean,
            _ => f64::INFINITY,
        }
    };
    candidates.sort_by(|&a, &b| ce(b).total_cmp(&ce(a)).then(a.cmp(&b)));
    let mut spent = 0.0;
    let mut threshold = 0.0;
    let mut funded = Vec::new();
    for &i in &candidates {
        if sim.initiatives[i].value.mean <= 0.0 {
            break;
        }
        let cost = sim.initiatives[i].cost.map_or(0.0, |c| c.mean);
        if spent + cost <= budget {
            spent += cost;
            funded.push(i);
        } else {
            threshold = ce(i).max(0.0);
            break;
        }
    }
    funded.sort_unstable();
    Decision {
        budget,
        threshold,
        funded: funded.into_iter().map(|i| sim.initiatives[i].id.clone()).collect(),
    }
}

/// Runs the analysis on a finished simulation.
pub fn analyse(
    model: &Model,
    plan: &Plan,
    sim: &Simulation,
    settings: &Settings,
    budget: f64,
) -> Voi {
    let decision = decide(model, sim, budget);
    let n = sim.samples;
    let k = decision.threshold;
    let options: Vec<usize> =
        (0..sim.initiatives.len()).filter(|&i| !model.initiatives[i].must_do).collect();
    let nb: Vec<Vec<f64>> = options
        .iter()
        .map(|&i| {
            sim.value_samples[i].iter().zip(&sim.cost_samples[i]).map(|(v, c)| v - k * c).collect()
        })
        .collect();
    let mean_nb: Vec<f64> = nb.iter().map(|v| v.iter().sum::<f64>() / n as f64).collect();
    let current: f64 = mean_nb.iter().map(|m| m.max(0.0)).sum();
    let perfect: f64 =
        (0..n).map(|s| nb.iter().map(|v| v[s].max(0.0)).sum::<f64>()).sum::<f64>() / n as f64;
    let evpi = gain(perfect, current);
    let bins = ((n as f64).sqrt().round() as usize).clamp(2, n);

    // Which options each input can move: a link moves the initiatives whose deliveries reach it.
    let reaches: Vec<Vec<bool>> = options.iter().map(|&i| forward_reach(plan, i)).collect();
    // The estimate on the first `theta.len()` samples (all of them but for the floor's scaling).
    let evppi = |theta: &[f64], affected: &[usize]| -> f64 {
        // A known input carries no information to gain.
        let known = theta.windows(2).all(|w| w[0] == w[1]);
        if affected.is_empty() || known {
            return 0.0;
        }
        // On a prefix of the samples (the floor's scaling), `n` and `bins` are the prefix's.
        let full = theta.len() == n;
        let (n, bins) = if full {
            (n, bins)
        } else {
            let m = theta.len();
            (m, ((m as f64).sqrt().round() as usize).clamp(2, m))
        };
        // Rank the samples by θ (ties broken by sample index, so the bins are deterministic),
        // then accumulate each option's net benefit per bin in sample order: one sequential
        // pass per option instead of a gather through the sorted order.
        let mut order: Vec<(f64, u32)> =
            theta.iter().enumerate().map(|(s, &t)| (t, s as u32)).collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut bin_of = vec![0u32; n];
        for b in 0..bins {
            for &(_, s) in &order[b * n / bins..(b + 1) * n / bins] {
                bin_of[s as usize] = b as u32;
            }
        }
        let counts: Vec<f64> =
            (0..bins).map(|b| ((b + 1) * n / bins - b * n / bins) as f64).collect();
        let mut sums = vec![0.0; bins];
        let mut total = 0.0;
        let mut unaffected_now = 0.0;
        for &o in affected {
            sums.fill(0.0);
            for (&b, &x) in bin_of.iter().zip(&nb[o][..n]) {
                sums[b as usize] += x;
            }
            for (sum, &c) in sums.iter().zip(&counts) {
                if c > 0.0 {
                    total += c / n as f64 * (sum / c).max(0.0);
                }
            }
            let mean = if full { mean_nb[o] } else { sums.iter().sum::<f64>() / n as f64 };
            unaffected_now += mean.max(0.0);
        }
        gain(total, unaffected_now)
    };

    // Every input with the options it can move and how to regenerate its draws; the EVPPIs are
    // independent, so they run in parallel (and come back in this order).
    enum Draws<'p> {
        Effect(&'p crate::sampler::Sampler, f64, u64),
        Cost(&'p crate::sampler::Sampler, u64),
    }
    let mut inputs: Vec<(Parameter, Draws<'_>, Vec<usize>)> = Vec::new();
    for l in &plan.links {
        let affected: Vec<usize> = (0..options.len())
            .filter(|&o| reaches[o][l.from] && !plan.reach[l.to].is_empty())
            .collect();
        if affected.is_empty() {
            continue;
        }
        let link = &model.links[l.model_index];
        inputs.push((
            Parameter::Link {
                from: link.from.to_string(),
                to: link.to.to_string(),
                assumptions: link.assumptions.iter().map(|a| a.text.clone()).collect(),
            },
            Draws::Effect(&l.sampler, l.p, l.key),
            affected,
        ));
    }
    for (o, &i) in options.iter().enumerate() {
        let ini = &plan.initiatives[i];
        for d in &ini.deliveries {
            if plan.reach[d.node].is_empty() {
                continue;
            }
            inputs.push((
                Parameter::Delivery {
                    initiative: model.initiatives[i].id.to_string(),
                    node: model.nodes[d.node].id.to_string(),
                },
                Draws::Effect(&d.sampler, d.p, d.key),
                vec![o],
            ));
        }
        if let Some((_, sampler)) = &ini.cost
            && k > 0.0
        {
            inputs.push((
                Parameter::Cost { initiative: model.initiatives[i].id.to_string() },
                Draws::Cost(sampler, ini.cost_key),
                vec![o],
            ));
        }
    }
    let mut parameters: Vec<ParameterVoi> = inputs
        .into_par_iter()
        .map(|(parameter, draws, affected)| {
            let theta = match draws {
                Draws::Effect(sampler, p, key) => redraw(sampler, p, key, settings.seed, n, false),
                Draws::Cost(sampler, key) => redraw(sampler, 1.0, key, settings.seed, n, true),
            };
            ParameterVoi { parameter, evppi: evppi(&theta, &affected) }
        })
        .collect();
    parameters.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(settings.seed ^ 0x0f10_0f10);
    let noise: Vec<f64> = (0..n).map(|_| unit(&mut rng)).collect();
    let all: Vec<usize> = (0..options.len()).collect();
    let noise_floor = evppi(&noise, &all);
    // How the floor falls with the sample count: the same noise input on the first n/16 and n/4
    // samples (the smoother uses √m bins of √m samples each, so the floor falls as m^−1/4 when
    // options sit at the threshold and faster when they are far from it).
    let points: Vec<(f64, f64)> = [n / 16, n / 4]
        .into_iter()
        .filter(|&m| m >= 64)
        .map(|m| (m as f64, evppi(&noise[..m], &all)))
        .chain([(n as f64, noise_floor)])
        .collect();
    let floor_exponent = fall_exponent(&points);
    let resolved = parameters.iter().filter(|p| p.evppi > noise_floor).count();
    let top = parameters.first().map_or(0.0, |p| p.evppi);
    let samples_to_resolve = match floor_exponent {
        Some(a) if resolved == 0 && top > 0.0 => Some(samples_to_clear(n, noise_floor, top, a)),
        _ => None,
    };
    Voi {
        decision,
        evpi,
        noise_floor,
        resolved,
        floor_exponent,
        samples_to_resolve,
        bins,
        parameters,
        method: METHOD,
    }
}

/// The exponent `a` of `y ∝ x^−a` fitted by least squares on logarithms to the points with
/// `y > 0`; `None` unless at least two such points show a fall (a > 0.02).
pub fn fall_exponent(points: &[(f64, f64)]) -> Option<f64> {
    let logs: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.ln(), y.ln()))
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let k = logs.len() as f64;
    let (mx, my) =
        (logs.iter().map(|p| p.0).sum::<f64>() / k, logs.iter().map(|p| p.1).sum::<f64>() / k);
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let a = -sxy / sxx;
    (sxx > 0.0 && a > 0.02).then_some(a)
}

/// Samples at which a floor of `floor` at `n` samples, falling as n^−a, drops to `target`:
/// n · (floor / target)^(1/a), rounded up to two significant digits and capped at 10¹⁵.
pub fn samples_to_clear(n: usize, floor: f64, target: f64, a: f64) -> u64 {
    let need = (n as f64 * (floor / target).powf(1.0 / a)).clamp(n as f64, 1e15);
    let scale = 10f64.powi((need.log10().floor() as i32 - 1).max(0));
    ((need / scale).ceil() * scale) as u64
}

/// `with − without`, with rounding residue (sums in another order) reported as zero.
fn gain(with: f64, without: f64) -> f64 {
    let d = with - without;
    if d <= 1e-9 * (with.abs() + without.abs()) { 0.0 } else { d }
}

/// Nodes reachable from an initiative's quantified deliveries along quantified links.
fn forward_reach(plan: &Plan, initiative: usize) -> Vec<bool> {
    let mut seen = vec![false; plan.nodes];
    let mut stack: Vec<usize> =
        plan.initiatives[initiative].deliveries.iter().map(|d| d.node).collect();
    while let Some(v) = stack.pop() {
        if std::mem::replace(&mut seen[v], true) {
            continue;
        }
        for &qi in &plan.out_links[v] {
            stack.push(plan.links[qi].to);
        }
    }
    seen
}

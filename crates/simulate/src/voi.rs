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

/// What a piece of research (an initiative that `inform`s links) would teach the plan, and what
/// that is worth.
#[derive(Clone, Debug, Serialize)]
pub struct Evsi {
    /// Expected value of sample information, in value units: what deciding the affected
    /// initiatives after the research, rather than now, is expected to gain.
    pub value: f64,
    /// Monte Carlo standard error of `value`: of the mean over results, and of the prior mean
    /// the decision made now is judged by.
    pub se: f64,
    /// The links measured, each with the standard error the research achieves on its effect.
    pub measures: Vec<(Parameter, f64)>,
    /// Initiatives whose decision the result could change, with the probability that it does,
    /// highest first (those above 0.1%).
    pub changes: Vec<(String, f64)>,
}

/// Points of the grid on which the posterior mean `E[θ | X = x]` is computed and then
/// interpolated: it is smooth and monotone in `x`, so 512 points leave no visible error.
const GRID: usize = 512;

/// The expected value of sample information of research that measures each link in `informed`
/// (model link index, standard error of the measurement) for `decision`, with the model's
/// simulation `sim` of `plan` (same settings).
///
/// **Method.** The decision is [`decide`]'s: initiative `i` is funded when its net benefit
/// `NB_i = V_i − k·C_i` is expected positive (must-do work, and work already shipped, evaluated
/// or cancelled, is out of the decision). The research
/// reports `X_j = θ_j + ε_j`, `ε_j ~ N(0, se_j²)`, for the effect `θ_j` of each link it measures;
/// the affected initiatives are then decided on `E[NB_i | X]`:
///
/// `EVSI = E_X[Σ_i max(0, E[NB_i | X])] − Σ_i max(0, E[NB_i])`
///
/// A chain's value is a sum of products with each link at most once per path, so `NB_i` is
/// linear in each link's effect given the rest: `E[NB_i | θ] = a_i + Σ_j b_ij θ_j`, with `b_ij`
/// the least-squares slopes on the paired samples (exact for one link, or for links on separate
/// paths; for two links on one path their interaction is left out). Then
/// `E[NB_i | X] = a_i + Σ_j b_ij E[θ_j | X_j]`, and the posterior mean `E[θ_j | X_j = x]` is
/// the prior samples weighted by the likelihood `φ((x − θ)/se_j)` (any prior: a PERT, a
/// lognormal, a link that may not work at all). `X` is drawn once per sample from its own
/// stream, next to that sample's `θ`, so the outer expectation is a plain Monte Carlo mean with
/// its standard error. A standard error of 0 is perfect information on those links (the EVPPI
/// without the smoother's bias). A link without a quantified effect teaches the plan nothing.
pub fn evsi(
    model: &Model,
    plan: &Plan,
    sim: &Simulation,
    decision: &Decision,
    informed: &[(usize, f64)],
    stream: u64,
) -> Evsi {
    let n = sim.samples;
    let k = decision.threshold;
    let mut measures = Vec::new();
    let mut thetas: Vec<Vec<f64>> = Vec::new();
    let mut posts: Vec<Vec<f64>> = Vec::new();
    let mut reach_from: Vec<usize> = Vec::new();
    for (j, &(li, se)) in informed.iter().enumerate() {
        let link = &model.links[li];
        let parameter = Parameter::Link {
            from: link.from.to_string(),
            to: link.to.to_string(),
            assumptions: link.assumptions.iter().map(|a| a.text.clone()).collect(),
        };
        measures.push((parameter, se));
        let Some(q) = plan.links.iter().find(|q| q.model_index == li) else { continue };
        if plan.reach[q.to].is_empty() || n == 0 {
            continue;
        }
        let theta = redraw(&q.sampler, q.p, q.key, sim.seed, n, false);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(
            sim.seed ^ stream.rotate_left(23) ^ (j as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let post = posterior_means(&theta, se, &mut rng);
        thetas.push(theta);
        posts.push(post);
        reach_from.push(q.from);
    }
    let empty = Evsi { value: 0.0, se: 0.0, measures: measures.clone(), changes: Vec::new() };
    if thetas.is_empty() {
        return empty;
    }
    // The initiatives whose value the links can move and whose decision is still open: work
    // that shipped, was evaluated or was cancelled is decided already.
    let affected: Vec<usize> = (0..sim.initiatives.len())
        .filter(|&i| !model.initiatives[i].must_do)
        .filter(|&i| {
            !matches!(
                model.initiatives[i].status,
                model::Status::Shipped | model::Status::Evaluated | model::Status::Cancelled
            )
        })
        .filter(|&i| {
            let seen = forward_reach(plan, i);
            reach_from.iter().any(|&f| seen[f])
        })
        .collect();
    let means: Vec<f64> = thetas.iter().map(|t| t.iter().sum::<f64>() / n as f64).collect();
    // Per sample, what deciding on the result gains over deciding now: for an option funded
    // now, the loss avoided when the result says stop (`max(0, −P)`); for one not funded, the
    // gain when it says go (`max(0, P)`). "Now" is judged by the mean of the posterior means,
    // which equals the prior mean in expectation, so the estimate is exactly 0 when no result
    // could change a decision, and never negative.
    let mut total = vec![0.0; n];
    let mut changes = Vec::new();
    let mut post = vec![0.0; n];
    let mut prior_var = 0.0;
    for &i in &affected {
        let nb: Vec<f64> =
            sim.value_samples[i].iter().zip(&sim.cost_samples[i]).map(|(v, c)| v - k * c).collect();
        let mean_nb = nb.iter().sum::<f64>() / n as f64;
        let b = slopes(&thetas, &means, &nb, mean_nb);
        for (s, p) in post.iter_mut().enumerate() {
            *p = mean_nb
                + b.iter().zip(&posts).zip(&means).map(|((b, q), m)| b * (q[s] - m)).sum::<f64>();
        }
        let funded_now = post.iter().sum::<f64>() / n as f64 > 0.0;
        let mut flips = 0usize;
        for (t, &p) in total.iter_mut().zip(&post) {
            if (p > 0.0) != funded_now {
                *t += p.abs();
                flips += 1;
            }
        }
        let share = flips as f64 / n as f64;
        // The prior mean is itself estimated: shifting every posterior mean by c moves the
        // estimate by about `share · c`, so its error adds `share · sd(NB_i) / √n`.
        let sd_nb = (nb.iter().map(|x| (x - mean_nb).powi(2)).sum::<f64>() / n as f64).sqrt();
        prior_var += (share * sd_nb).powi(2) / n as f64;
        if share > 1e-3 {
            changes.push((sim.initiatives[i].id.clone(), share));
        }
    }
    changes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mean = total.iter().sum::<f64>() / n as f64;
    let var = total.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    Evsi { value: mean, se: (var / n as f64 + prior_var).sqrt(), measures, changes }
}

/// `E[θ | X_s]` for each sample `s`, where `X_s = θ_s + se · z_s` is what a measurement with
/// standard error `se` would report in that sample: the prior samples weighted by the normal
/// likelihood of `X`, on a grid of `X` values, interpolated linearly.
fn posterior_means(theta: &[f64], se: f64, rng: &mut Xoshiro256PlusPlus) -> Vec<f64> {
    let n = theta.len();
    if se <= 0.0 {
        return theta.to_vec();
    }
    let xs: Vec<f64> = theta.iter().map(|t| t + se * normal(rng)).collect();
    let (lo, hi) =
        xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
    if hi <= lo {
        return vec![theta.iter().sum::<f64>() / n as f64; n];
    }
    let step = (hi - lo) / (GRID - 1) as f64;
    // Samples further than 8.5 standard errors from x weigh under e^(−36) of the nearest: a
    // window of the sorted samples around each x is enough, and precise research (small se)
    // needs only a few of them.
    let mut sorted = theta.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let reach = 8.5 * se;
    let grid: Vec<f64> = (0..GRID)
        .into_par_iter()
        .map(|g| {
            let x = lo + step * g as f64;
            let a = sorted.partition_point(|&t| t < x - reach);
            let b = sorted.partition_point(|&t| t <= x + reach);
            if a >= b {
                // No sample near x: the posterior mean is the nearest sample's.
                let below = a.checked_sub(1).map(|i| sorted[i]);
                let above = sorted.get(a).copied();
                return match (below, above) {
                    (Some(u), Some(v)) => {
                        if x - u <= v - x {
                            u
                        } else {
                            v
                        }
                    }
                    (Some(u), None) => u,
                    (None, Some(v)) => v,
                    (None, None) => x,
                };
            }
            let window = &sorted[a..b];
            // Weights relative to the largest, so no exponent underflows to 0/0.
            let d2min = window.iter().map(|t| (x - t) * (x - t)).fold(f64::INFINITY, f64::min);
            let (mut w, mut wt) = (0.0, 0.0);
            for &t in window {
                let e = (-((x - t) * (x - t) - d2min) / (2.0 * se * se)).exp();
                w += e;
                wt += e * t;
            }
            wt / w
        })
        .collect();
    xs.iter()
        .map(|&x| {
            let f = ((x - lo) / step).clamp(0.0, (GRID - 1) as f64);
            let g = (f.floor() as usize).min(GRID - 2);
            let r = f - g as f64;
            grid[g] * (1.0 - r) + grid[g + 1] * r
        })
        .collect()
}

/// A standard normal deviate (Box–Muller, double precision).
fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Least-squares slopes of `y` on the columns `x` (centred by their means): the normal
/// equations, solved by Gaussian elimination with partial pivoting. A column that carries no
/// information (constant, or collinear with earlier ones) gets slope 0.
fn slopes(x: &[Vec<f64>], means: &[f64], y: &[f64], mean_y: f64) -> Vec<f64> {
    let m = x.len();
    let mut a = vec![vec![0.0; m + 1]; m];
    for r in 0..m {
        for c in 0..m {
            a[r][c] =
                x[r].iter().zip(&x[c]).map(|(u, v)| (u - means[r]) * (v - means[c])).sum::<f64>();
        }
        a[r][m] = x[r].iter().zip(y).map(|(u, v)| (u - means[r]) * (v - mean_y)).sum::<f64>();
    }
    let scale: f64 = (0..m).map(|r| a[r][r].abs()).fold(0.0, f64::max);
    let mut b = vec![0.0; m];
    let mut pivot_of = vec![None; m];
    let mut row = 0;
    for col in 0..m {
        let Some(p) = (row..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())) else {
            break;
        };
        if a[p][col].abs() <= 1e-12 * scale {
            continue;
        }
        a.swap(row, p);
        let pivot = a[row].clone();
        for (r, line) in a.iter_mut().enumerate() {
            if r != row {
                let f = line[col] / pivot[col];
                for (x, q) in line[col..].iter_mut().zip(&pivot[col..]) {
                    *x -= f * q;
                }
            }
        }
        pivot_of[col] = Some(row);
        row += 1;
    }
    for (col, p) in pivot_of.iter().enumerate() {
        if let Some(r) = *p {
            b[col] = a[r][m] / a[r][col];
        }
    }
    b
}

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
//! **EVPPI** of one input θ = E_θ[Σ max(0, E[NB_i | θ])] − Σ max(0, E[NB_i]). A chain's value is a
//! sum over paths of products with each link at most once per path, and every input is drawn
//! independently of the others, so `E[NB_i | θ]` is *exactly linear* in θ (a link's factor, a
//! delivered amount, a cost): `E[NB_i | θ] = μ_i + β_i (θ − E θ)` with `β_i = Cov(θ, NB_i) /
//! Var θ`. The estimator is that regression on the paired samples (the parametric case of
//! Strong & Oakley's regression method), with no smoother and so none of a smoother's bias.
//!
//! **Error.** Two parts, both reported per input as `se`: the slope's sampling error (its
//! standard error times the estimate's derivative in it) and the Monte Carlo error of the mean
//! over the draws of θ. **Noise floor.** An input independent of every option still gets a
//! slope of about `u · σ_i / (√n · sd θ)`, `u ~ N(0, 1)`, and so a positive estimate. Whatever
//! the distribution of θ, `E[max(0, μ + cZ)] − max(0, μ) ≤ (√(μ² + c²) − |μ|) / 2` for Z of mean
//! 0 and variance 1 (Scarf's bound), so a noise input exceeds
//! `floor = Σ_i (√(μ_i² + z²σ_i²/n) − |μ_i|) / 2` over the options it moves only if some `|u| > z`.
//! `z` is the two-sided Bonferroni critical value at 5% over every (input, option) pair, so the
//! chance that *any* noise input clears its floor is at most 5%. The floor falls as `n^−1/2`
//! for options at the threshold (μ = 0) and up to `n^−1` for options far from it; the sample
//! count at which it would fall below an estimate is solved from this formula.
//!
//! **Screening.** The slope `β_i` is also known exactly from the plan (equity × the expected
//! change the option causes in the input's node × the value of a unit of change downstream),
//! and so is θ's standard deviation, so Scarf's bound `(√(μ_i² + β_i² Var θ) − |μ_i|) / 2`
//! bounds each option's share of the EVPPI without sampling, as does the option's own EVPI. An
//! input whose bound is below its floor cannot be resolved at this sample count, so it is
//! counted and not estimated (on the 10,000-node benchmark model, 14,009 of 19,645 inputs).

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
    /// Standard error of `evppi`: the slopes' sampling error and the Monte Carlo error of the
    /// mean over the input's draws.
    pub se: f64,
    /// What an input independent of everything, moving the same options, stays below (every
    /// such input at once, with probability 95%): estimates under it are indistinguishable
    /// from zero.
    pub floor: f64,
    /// Whether `evppi` is above `floor`.
    pub resolved: bool,
    /// When not resolved but `evppi − 2·se` is above zero: the sample count at which `floor`
    /// would fall below `evppi − 2·se` (rounded up to two significant digits; capped at 10¹⁵).
    pub samples_to_resolve: Option<u64>,
}

/// One EVPPI estimate with its standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The EVPPI.
    pub evppi: f64,
    /// Its standard error.
    pub se: f64,
}

/// The VOI analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Voi {
    /// The decision analysed.
    pub decision: Decision,
    /// Expected value of perfect information on everything.
    pub evpi: f64,
    /// The floor of an input that could move every option: the bar the old single floor set.
    /// Each input is judged against its own `floor`, over the options it moves.
    pub noise_floor: f64,
    /// The critical value `z` of the floors (two-sided Bonferroni at 5% over every (input,
    /// option) pair).
    pub z: f64,
    /// How many inputs' EVPPIs are above their floors.
    pub resolved: usize,
    /// The exponent `a` of `noise_floor` falling as n^−a between n and 4n (0.5 for options at
    /// the threshold, up to 1 far from it; every input's floor falls within those).
    pub floor_exponent: Option<f64>,
    /// When no EVPPI clears its floor: the fewest samples at which some input's floor would
    /// fall below its EVPPI less two standard errors (the top of a noisy ranking is where noise
    /// pushed estimates up), or below the bound of a screened input (which cannot resolve
    /// sooner). A rough figure: the estimates move with more samples too.
    pub samples_to_resolve: Option<u64>,
    /// Inputs not estimated because the EVPIs of the options they move are below their floor:
    /// they cannot be resolved at this sample count.
    pub screened: usize,
    /// Estimated inputs: those above their floors first, each group by EVPPI, highest first.
    pub parameters: Vec<ParameterVoi>,
    /// The method, in words.
    pub method: &'static str,
}

const METHOD: &str = "EVPPI by linear regression of each option's net benefit on the input \
(exact: the value is linear in every single input); decision: budgeted portfolio via its \
cost-effectiveness threshold; floor per input: Scarf's bound on what an independent input \
scores when its slopes are z standard errors off zero, z two-sided Bonferroni at 5% over every \
(input, option) pair; inputs not estimated when their EVPPI is bounded below their floor (by \
their options' EVPIs and Scarf's bound with the exact slopes).";

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

/// An option's net-benefit samples and their moments.
struct Choice {
    nb: Vec<f64>,
    mean: f64,
    var: f64,
    /// This option's share of the EVPI: E[max(0, NB)] − max(0, E[NB]).
    evpi: f64,
}

/// How to regenerate an input's draws.
enum Draws<'p> {
    Effect(&'p crate::sampler::Sampler, f64, u64),
    Cost(&'p crate::sampler::Sampler, u64),
    /// A point that always holds: nothing to learn (EVPPI 0, not estimated nor counted).
    Known,
}

impl Draws<'_> {
    /// The input's draws, paired with the simulation's samples.
    fn theta(&self, seed: u64, n: usize) -> Vec<f64> {
        match *self {
            Draws::Effect(sampler, p, key) => redraw(sampler, p, key, seed, n, false),
            Draws::Cost(sampler, key) => redraw(sampler, 1.0, key, seed, n, true),
            Draws::Known => Vec::new(),
        }
    }
}

/// An input: what it is, how to draw it, the options it can move and the exact spread of each
/// one's conditional mean.
type Input<'p> = (Parameter, Draws<'p>, Vec<usize>, Vec<f64>);

/// Everything [`analyse`] estimates from: the decision, each option's net benefit, and the
/// inputs sorted into known, screened and to be estimated.
struct Prepared<'p> {
    decision: Decision,
    evpi: f64,
    stats: Vec<Choice>,
    z: f64,
    known: Vec<Input<'p>>,
    screened: Vec<Input<'p>>,
    candidates: Vec<Input<'p>>,
}

/// The regressions [`analyse`] runs, as plain arrays: for a peer implementation of the same
/// estimator to run on the same samples (the VOI benchmark; `bench/voi_peer.py`).
pub struct Regressions {
    /// Each option's net-benefit samples.
    pub net_benefit: Vec<Vec<f64>>,
    /// Each estimated input: its draws (paired with the samples) and the options it moves.
    pub inputs: Vec<(Vec<f64>, Vec<usize>)>,
    /// The estimates `analyse` makes of them, in the same order.
    pub estimates: Vec<Estimate>,
}

/// The estimated inputs of [`analyse`] with their draws and its estimates of them.
pub fn regressions(
    model: &Model,
    plan: &Plan,
    sim: &Simulation,
    settings: &Settings,
    budget: f64,
) -> Regressions {
    let pre = prepare(model, plan, sim, budget);
    let n = sim.samples;
    let inputs: Vec<(Vec<f64>, Vec<usize>)> = pre
        .candidates
        .iter()
        .map(|(_, draws, affected, _)| (draws.theta(settings.seed, n), affected.clone()))
        .collect();
    let estimates = inputs
        .iter()
        .map(|(theta, affected)| {
            let opts: Vec<(&[f64], f64, f64)> = affected
                .iter()
                .map(|&o| (&pre.stats[o].nb[..], pre.stats[o].mean, pre.stats[o].var))
                .collect();
            estimate_with(theta, &opts)
        })
        .collect();
    Regressions { net_benefit: pre.stats.into_iter().map(|c| c.nb).collect(), inputs, estimates }
}

fn prepare<'p>(model: &Model, plan: &'p Plan, sim: &Simulation, budget: f64) -> Prepared<'p> {
    let decision = decide(model, sim, budget);
    let n = sim.samples;
    let k = decision.threshold;
    let options: Vec<usize> =
        (0..sim.initiatives.len()).filter(|&i| !model.initiatives[i].must_do).collect();
    let stats: Vec<Choice> = options
        .par_iter()
        .map(|&i| {
            let nb: Vec<f64> = sim.value_samples[i]
                .iter()
                .zip(&sim.cost_samples[i])
                .map(|(v, c)| v - k * c)
                .collect();
            let (mean, var) = moments(&nb);
            let perfect = nb.iter().map(|x| x.max(0.0)).sum::<f64>() / n as f64;
            Choice { evpi: gain(perfect, mean.max(0.0)), nb, mean, var }
        })
        .collect();
    let evpi = stats.iter().map(|o| o.evpi).sum();

    // Which options each input can move (a link moves the initiatives whose deliveries reach
    // it), and by how much: E[NB_o | θ] = μ_o + β_o (θ − E θ) with the exact slope β_o =
    // equity_o × (expected change o causes in the link's source) × (value per unit of change in
    // its target), so the sd of the conditional mean is |β_o|·sd θ ("spread" below).
    let per_unit = value_per_unit(plan);
    let link_slopes = exact_link_slopes(plan, &options, &per_unit);
    let mut by_link: Vec<Vec<(usize, f64)>> = vec![Vec::new(); plan.links.len()];
    for (o, slopes) in link_slopes.iter().enumerate() {
        for &(li, b) in slopes {
            by_link[li].push((o, b));
        }
    }
    // Every input with the options it can move, the spread of each, and how to regenerate its
    // draws.
    let known = |d: &model::Distribution, p: f64| d.variance() <= 0.0 && p >= 1.0;
    // The sd of `X · W`, W ~ Bernoulli(p) independent of X.
    let sd_of = |d: &model::Distribution, p: f64| {
        let m = d.mean();
        (p * (d.variance() + m * m) - p * p * m * m).max(0.0).sqrt()
    };
    let mut inputs: Vec<Input<'p>> = Vec::new();
    for (l, moved) in plan.links.iter().zip(&by_link) {
        if moved.is_empty() {
            continue;
        }
        let link = &model.links[l.model_index];
        let sd = sd_of(&l.effect, l.p);
        inputs.push((
            Parameter::Link {
                from: link.from.to_string(),
                to: link.to.to_string(),
                assumptions: link.assumptions.iter().map(|a| a.text.clone()).collect(),
            },
            if known(&l.effect, l.p) {
                Draws::Known
            } else {
                Draws::Effect(&l.sampler, l.p, l.key)
            },
            moved.iter().map(|&(o, _)| o).collect(),
            moved.iter().map(|&(_, b)| b.abs() * sd).collect(),
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
                if known(&d.amount, d.p) {
                    Draws::Known
                } else {
                    Draws::Effect(&d.sampler, d.p, d.key)
                },
                vec![o],
                vec![(ini.equity * per_unit[d.node]).abs() * sd_of(&d.amount, d.p)],
            ));
        }
        // A cost's draw is max(0, C), whose sd is at most C's (max(0, ·) is 1-Lipschitz).
        if let Some((cost, sampler)) = &ini.cost
            && k > 0.0
        {
            inputs.push((
                Parameter::Cost { initiative: model.initiatives[i].id.to_string() },
                if known(cost, 1.0) { Draws::Known } else { Draws::Cost(sampler, ini.cost_key) },
                vec![o],
                vec![k * cost.variance().sqrt()],
            ));
        }
    }

    let pairs: usize = inputs
        .iter()
        .filter(|(_, d, _, _)| !matches!(d, Draws::Known))
        .map(|(_, _, a, _)| a.len())
        .sum();
    let z = critical_z(pairs.max(1));
    let moments_of = |affected: &[usize]| -> Vec<(f64, f64)> {
        affected.iter().map(|&o| (stats[o].mean, stats[o].var.sqrt())).collect()
    };
    // Screen: an input whose EVPPI is bounded below its floor cannot be resolved. Per option the
    // EVPPI is at most that option's EVPI and at most Scarf's bound with the exact spread of
    // its conditional mean, (√(μ² + spread²) − |μ|)/2; so it is screened exactly when every
    // option's spread is under zσ/√n, bar the EVPI.
    let bound_of = |a: &[usize], spread: &[f64]| -> f64 {
        a.iter()
            .zip(spread)
            .map(|(&o, &s)| stats[o].evpi.min(floor(&[(stats[o].mean, s)], 1, 1.0)))
            .sum()
    };
    let (known, inputs): (Vec<_>, Vec<_>) =
        inputs.into_iter().partition(|(_, d, _, _)| matches!(d, Draws::Known));
    let (candidates, screened): (Vec<_>, Vec<_>) = inputs
        .into_iter()
        .partition(|(_, _, a, spread)| bound_of(a, spread) > floor(&moments_of(a), n, z));
    Prepared { decision, evpi, stats, z, known, screened, candidates }
}

/// Runs the analysis on a finished simulation.
pub fn analyse(
    model: &Model,
    plan: &Plan,
    sim: &Simulation,
    settings: &Settings,
    budget: f64,
) -> Voi {
    let n = sim.samples;
    let Prepared { decision, evpi, stats, z, known: known_inputs, screened, candidates } =
        prepare(model, plan, sim, budget);
    let moments_of = |affected: &[usize]| -> Vec<(f64, f64)> {
        affected.iter().map(|&o| (stats[o].mean, stats[o].var.sqrt())).collect()
    };
    let bound_of = |a: &[usize], spread: &[f64]| -> f64 {
        a.iter()
            .zip(spread)
            .map(|(&o, &s)| stats[o].evpi.min(floor(&[(stats[o].mean, s)], 1, 1.0)))
            .sum()
    };
    // A screened input cannot resolve before its floor falls below its bound.
    let screened_need = screened
        .iter()
        .filter_map(|(_, _, a, spread)| {
            let bound = bound_of(a, spread);
            (bound > 0.0).then(|| samples_to_reach(&moments_of(a), n, z, bound))
        })
        .min();
    // The EVPPIs are independent, so they run in parallel (and come back in this order); each
    // keeps its options' moments for the floor's scaling.
    let mut ranked: Vec<(ParameterVoi, Vec<(f64, f64)>)> = candidates
        .into_par_iter()
        .map(|(parameter, draws, affected, _)| {
            let theta = draws.theta(settings.seed, n);
            let opts: Vec<(&[f64], f64, f64)> =
                affected.iter().map(|&o| (&stats[o].nb[..], stats[o].mean, stats[o].var)).collect();
            let e = estimate_with(&theta, &opts);
            let m = moments_of(&affected);
            let fl = floor(&m, n, z);
            let resolved = e.evppi > fl;
            // Judged on a lower bound of the EVPPI (two standard errors down): the top of a
            // noisy ranking is the estimates most pushed up by noise.
            let low = e.evppi - 2.0 * e.se;
            let samples_to_resolve =
                (!resolved && low > 0.0).then(|| samples_to_reach(&m, n, z, low));
            let p = ParameterVoi {
                parameter,
                evppi: e.evppi,
                se: e.se,
                floor: fl,
                resolved,
                samples_to_resolve,
            };
            (p, m)
        })
        .collect();
    // Known inputs are listed, with nothing to learn.
    ranked.extend(known_inputs.into_iter().map(|(parameter, _, a, _)| {
        let m = moments_of(&a);
        let p = ParameterVoi {
            parameter,
            evppi: 0.0,
            se: 0.0,
            floor: floor(&m, n, z),
            resolved: false,
            samples_to_resolve: None,
        };
        (p, m)
    }));
    ranked.sort_by(|(a, _), (b, _)| b.resolved.cmp(&a.resolved).then(b.evppi.total_cmp(&a.evppi)));
    let resolved = ranked.iter().filter(|(p, _)| p.resolved).count();
    let all: Vec<usize> = (0..stats.len()).collect();
    let noise_floor = floor(&moments_of(&all), n, z);
    let floor_exponent = {
        let later = floor(&moments_of(&all), 4 * n, z);
        (noise_floor > 0.0 && later > 0.0).then(|| (noise_floor / later).ln() / 4f64.ln())
    };
    let samples_to_resolve = if resolved == 0 {
        ranked.iter().filter_map(|(p, _)| p.samples_to_resolve).chain(screened_need).min()
    } else {
        None
    };
    Voi {
        decision,
        evpi,
        noise_floor,
        z,
        resolved,
        floor_exponent,
        samples_to_resolve,
        screened: screened.len(),
        parameters: ranked.into_iter().map(|(p, _)| p).collect(),
        method: METHOD,
    }
}

/// The EVPPI of an input with draws `theta` over the options whose net-benefit samples (paired
/// with `theta`) are `options`, with its standard error: see the module's documentation.
pub fn estimate(theta: &[f64], options: &[&[f64]]) -> Estimate {
    let opts: Vec<(&[f64], f64, f64)> = options
        .iter()
        .map(|nb| {
            let (mean, var) = moments(nb);
            (*nb, mean, var)
        })
        .collect();
    estimate_with(theta, &opts)
}

/// [`estimate`] with each option's (samples, mean, variance) known.
fn estimate_with(theta: &[f64], options: &[(&[f64], f64, f64)]) -> Estimate {
    let zero = Estimate { evppi: 0.0, se: 0.0 };
    let n = theta.len();
    if n < 2 {
        return zero;
    }
    let nf = n as f64;
    let (tm, tv) = moments(theta);
    // A known input carries no information to gain.
    if tv <= 0.0 || theta.windows(2).all(|w| w[0] == w[1]) {
        return zero;
    }
    let (tmin, tmax) =
        theta.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &t| (l.min(t), h.max(t)));
    let d: Vec<f64> = theta.iter().map(|t| t - tm).collect();
    // Per sample, what knowing θ gains over deciding now: for an option funded now, the loss
    // avoided when the fitted E[NB | θ] is negative; for one not funded, the gain when positive.
    let mut regret = vec![0.0; n];
    let mut slope_se = 0.0;
    let mut any = false;
    for &(nb, mu, var) in options {
        let b = dot(&d, nb) / nf / tv;
        let (lo, hi) = {
            let (a, c) = (mu + b * (tmin - tm), mu + b * (tmax - tm));
            (a.min(c), a.max(c))
        };
        // The fitted conditional mean never crosses zero: knowing θ never changes this decision
        // (the mean of the fit is μ, so the gain is exactly 0).
        if lo >= 0.0 || hi <= 0.0 {
            continue;
        }
        any = true;
        let deriv = accumulate_regret(&mut regret, &d, mu, b);
        // d/dβ of mean max(0, μ + β d) is mean(d · 1{fit > 0}); the slope's standard error is
        // that of least squares with the residual variance.
        let resid = (var - b * b * tv).max(0.0);
        slope_se += deriv.abs() * (resid / (nf * tv)).sqrt();
    }
    if !any {
        return zero;
    }
    let (mean, var) = moments(&regret);
    // Slopes' errors summed (they may be correlated across options): conservative.
    Estimate { evppi: mean, se: (var / nf + slope_se * slope_se).sqrt() }
}

/// Σ d·y in four lanes (so the compiler can vectorise it; `d` sums to zero, so this is n times
/// the covariance of θ and y).
fn dot(d: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (dc, yc) = (d.chunks_exact(4), y.chunks_exact(4));
    let tail: f64 = dc.remainder().iter().zip(yc.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in dc.zip(yc) {
        for l in 0..4 {
            acc[l] += a[l] * b[l];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Adds to each sample's regret what knowing θ gains on one option with mean `mu` and fitted
/// slope `b` (the loss avoided when the fit `mu + b·d` is negative for an option funded now,
/// the gain when positive for one not funded), and returns mean(d · 1{fit > 0}), the
/// derivative of the gain in `b`.
fn accumulate_regret(regret: &mut [f64], d: &[f64], mu: f64, b: f64) -> f64 {
    let funded = if mu > 0.0 { 1.0 } else { 0.0 };
    let one = |r: &mut f64, ds: f64| -> f64 {
        let fit = mu + b * ds;
        *r += fit.max(0.0) - funded * fit;
        if fit > 0.0 { ds } else { 0.0 }
    };
    let whole = d.len() / 4 * 4;
    let (rh, rt) = regret.split_at_mut(whole);
    let mut acc = [0.0; 4];
    for (r, ds) in rh.chunks_exact_mut(4).zip(d[..whole].chunks_exact(4)) {
        for l in 0..4 {
            acc[l] += one(&mut r[l], ds[l]);
        }
    }
    let tail: f64 = rt.iter_mut().zip(&d[whole..]).map(|(r, &ds)| one(r, ds)).sum();
    (acc.iter().sum::<f64>() + tail) / d.len() as f64
}

/// The floor of an input moving options with (mean, standard deviation) `options` of their net
/// benefit, at `n` samples and critical value `z`: Σ (√(μ² + c²) − |μ|) / 2 with c = zσ/√n,
/// Scarf's bound on what an independent input scores when its slopes are z standard errors
/// off zero (computed as c² / (2(√(μ² + c²) + |μ|)), which does not cancel).
pub fn floor(options: &[(f64, f64)], n: usize, z: f64) -> f64 {
    options
        .iter()
        .map(|&(mu, sd)| {
            let c2 = z * z * sd * sd / n as f64;
            if c2 <= 0.0 { 0.0 } else { c2 / (2.0 * ((mu * mu + c2).sqrt() + mu.abs())) }
        })
        .sum()
}

/// The two-sided critical value of a standard normal at 5% shared by `m` comparisons
/// (Bonferroni): Φ⁻¹(1 − 0.025/m).
pub fn critical_z(m: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    let q = 0.025 / m.max(1) as f64;
    // Φ⁻¹(1 − q) = −Φ⁻¹(q), which keeps precision for tiny q.
    Normal::standard().inverse_cdf(q).abs()
}

/// Samples at which [`floor`] of `options` falls to `target`: the floor decreases in n, so
/// bisection on log n from `n`; rounded up to two significant digits and capped at 10¹⁵.
pub fn samples_to_reach(options: &[(f64, f64)], n: usize, z: f64, target: f64) -> u64 {
    const CAP: f64 = 1e15;
    let at = |m: f64| floor(options, m.min(CAP) as usize, z);
    let need = if at(n as f64) <= target {
        n as f64
    } else if at(CAP) > target {
        CAP
    } else {
        let (mut lo, mut hi) = ((n as f64).ln(), CAP.ln());
        // ln(10¹⁵) ≈ 35 halved 48 times: far below the rounding to two digits.
        for _ in 0..48 {
            let mid = 0.5 * (lo + hi);
            if at(mid.exp()) > target { lo = mid } else { hi = mid }
        }
        hi.exp()
    };
    round_up(need)
}

/// Rounded up to two significant digits (a relative 1e−9 over a round figure, bisection's
/// residue, does not count).
fn round_up(x: f64) -> u64 {
    let x = x * (1.0 - 1e-9);
    let scale = 10f64.powi((x.log10().floor() as i32 - 1).max(0));
    ((x / scale).ceil() * scale) as u64
}

/// Mean and (population) variance.
fn moments(x: &[f64]) -> (f64, f64) {
    let n = x.len().max(1) as f64;
    let mean = x.iter().sum::<f64>() / n;
    (mean, x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n)
}

/// For each option (initiative index), the links it can move (index into `plan.links`) with the
/// exact slope of its expected value in the link's draw: equity × the expected change the
/// initiative causes in the link's source × the value of a unit of change in its target
/// (`per_unit`, from [`value_per_unit`]).
fn exact_link_slopes(plan: &Plan, options: &[usize], per_unit: &[f64]) -> Vec<Vec<(usize, f64)>> {
    options
        .par_iter()
        .map(|&i| {
            let seen = forward_reach(plan, i);
            let flow = plan.expected_changes(&[i]);
            let equity = plan.initiatives[i].equity;
            plan.links
                .iter()
                .enumerate()
                .filter(|(_, l)| seen[l.from] && !plan.reach[l.to].is_empty())
                .map(|(li, l)| (li, equity * flow[l.from] * per_unit[l.to]))
                .collect()
        })
        .collect()
}

/// The value of one unit of change in each node (indexed like the model's nodes): the goal
/// weights it reaches, through the expected effects of the links on the way (exact, as in
/// [`Plan::expected_contributions`]).
fn value_per_unit(plan: &Plan) -> Vec<f64> {
    let mut v = vec![0.0; plan.nodes];
    // Sinks first: every node's targets are final before it.
    for &u in &plan.order {
        let mut x = plan.goal_slot[u].map_or(0.0, |s| plan.weights[s]);
        for &qi in &plan.out_links[u] {
            let l = &plan.links[qi];
            x += l.effect.mean() * l.p * v[l.to];
        }
        v[u] = x;
    }
    v
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
/// its standard error. A standard error of 0 is perfect information on those links (the EVPPI,
/// by the same regression as [`analyse`]). A link without a quantified effect teaches the plan nothing.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Overrides;

    #[test]
    fn the_exact_slopes_agree_with_the_fitted_ones_on_generated_models() {
        // The screen rests on E[V_i | θ] being linear in each link's draw with the slope the
        // plan gives; on generated models (lognormal chains, links that may fail, equity) the
        // least-squares slope must agree with it within 4.5 of its standard errors.
        let mut checked_pairs = 0;
        // Pooled: the weighted least-squares ratio of fitted to exact slopes, which a
        // formula off by a few percent would move by many of its standard errors.
        let (mut num, mut den) = (0.0, 0.0);
        for seed in 1..=2 {
            let spec = synthetic::Spec {
                goals: 3,
                programs: 3,
                nodes: 80,
                links: 200,
                initiatives: 8,
                teams: 2,
                seed,
            };
            let files = synthetic::generate(&spec)
                .into_iter()
                .map(|(n, t)| modelfile::SourceFile::in_memory(n, t))
                .collect();
            let checked = modelfile::check(files);
            assert!(checked.is_ok());
            let model = checked.model;
            let plan = Plan::new(&model, &Overrides::default()).unwrap();
            let settings = Settings { samples: 20_000, seed };
            let sim = crate::run(&model, &plan, &settings, &|_, _| {});
            let options: Vec<usize> = (0..plan.initiatives.len()).collect();
            let per_unit = value_per_unit(&plan);
            let slopes = exact_link_slopes(&plan, &options, &per_unit);
            for (o, list) in slopes.iter().enumerate() {
                let v = &sim.value_samples[o];
                let (mv, vv) = moments(v);
                for &(li, b) in list {
                    let l = &plan.links[li];
                    let theta =
                        redraw(&l.sampler, l.p, l.key, settings.seed, settings.samples, false);
                    let (mt, vt) = moments(&theta);
                    if vt <= 0.0 {
                        continue;
                    }
                    let n = theta.len() as f64;
                    let cov =
                        theta.iter().zip(v).map(|(t, y)| (t - mt) * (y - mv)).sum::<f64>() / n;
                    let fit = cov / vt;
                    let se = ((vv - fit * fit * vt).max(0.0) / (n * vt)).sqrt();
                    assert!(
                        (fit - b).abs() <= 4.5 * se + 1e-9 * b.abs(),
                        "initiative {o}, link {li}: fitted slope {fit} ± {se}, exact {b}"
                    );
                    checked_pairs += 1;
                    if se > 0.0 {
                        num += fit * b / (se * se);
                        den += b * b / (se * se);
                    }
                }
            }
        }
        assert!(checked_pairs > 50, "{checked_pairs} pairs checked");
        let (ratio, se) = (num / den, den.sqrt().recip());
        // Pairs share draws (a link across options, an option across links): twice the slack.
        assert!((ratio - 1.0).abs() < 8.0 * se, "fitted/exact slopes {ratio} ± {se}");
        assert!(se < 0.005, "a sharp pooled check: ± {se}");
    }
}

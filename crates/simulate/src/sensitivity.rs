//! Which inputs move each initiative's value most (a tornado), and how rankings move when the
//! judgement weights move.
//!
//! Value is multilinear in the link factors on a DAG (each path crosses a link at most once), so
//! the value with one input changed and all others at their base is exact and cheap:
//! `V(f_l = x) = V_base + (x − f_l) · flow[from_l] · gain[to_l]`, where `flow` is how much the
//! initiative changes each node and `gain` is the value of a unit change in each node, both at
//! the base. Base: every effect and amount at its median, every link and delivery weighted by its
//! probability of working.

use model::{Criterion, Model};
use rand::SeedableRng;
use rand_distr::{Distribution as _, LogNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::plan::Plan;
use crate::sampler::quantile;
use crate::{Simulation, stats};

/// What a tornado bar varies.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Input {
    /// A link's effect, between its 5th and 95th percentile.
    Effect {
        /// Source node id.
        from: String,
        /// Target node id.
        to: String,
    },
    /// Whether a link works at all (fails vs works).
    LinkWorks {
        /// Source node id.
        from: String,
        /// Target node id.
        to: String,
    },
    /// A delivered amount, between its 5th and 95th percentile.
    Amount {
        /// Node delivered.
        node: String,
    },
}

/// One bar of a tornado.
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    /// What is varied.
    pub input: Input,
    /// Value with the input at its low end (5th percentile, or "fails").
    pub low: f64,
    /// Value with the input at its high end (95th percentile, or "works").
    pub high: f64,
}

/// An initiative's tornado: bars sorted by swing, widest first.
#[derive(Clone, Debug, Serialize)]
pub struct Tornado {
    /// Initiative id.
    pub initiative: String,
    /// Value with every input at its base.
    pub base: f64,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// Tornadoes for every initiative, `limit` bars each.
pub fn tornadoes(model: &Model, plan: &Plan, limit: usize) -> Vec<Tornado> {
    let n = plan.nodes;
    let base_factor: Vec<f64> = plan.links.iter().map(|l| quantile(&l.effect, 0.5) * l.p).collect();
    // Value of a unit change in each node (weights applied, equity per initiative later).
    let mut gain = vec![0.0; n];
    for &v in &plan.order {
        let mut g = plan.goal_slot[v].map_or(0.0, |s| plan.weights[s]);
        for &qi in &plan.out_links[v] {
            g += base_factor[qi] * gain[plan.links[qi].to];
        }
        gain[v] = g;
    }
    let id = |v: usize| model.nodes[v].id.to_string();
    let mut flow = vec![0.0; n];
    plan.initiatives
        .iter()
        .zip(&model.initiatives)
        .map(|(ini, m)| {
            flow.fill(0.0);
            let mut base = ini.benefits_value;
            let mut bars = Vec::new();
            for d in &ini.deliveries {
                let amount = quantile(&d.amount, 0.5) * d.p;
                flow[d.node] += amount;
                base += ini.equity * amount * gain[d.node];
                let per_unit = ini.equity * d.p * gain[d.node];
                bars.push((
                    Input::Amount { node: id(d.node) },
                    (quantile(&d.amount, 0.05) - quantile(&d.amount, 0.5)) * per_unit,
                    (quantile(&d.amount, 0.95) - quantile(&d.amount, 0.5)) * per_unit,
                ));
            }
            // Forward: sources first is the reverse of the plan's sink-first order.
            for &v in plan.order.iter().rev() {
                if flow[v] == 0.0 {
                    continue;
                }
                for &qi in &plan.out_links[v] {
                    flow[plan.links[qi].to] += flow[v] * base_factor[qi];
                }
            }
            for (qi, l) in plan.links.iter().enumerate() {
                let through = ini.equity * flow[l.from] * gain[l.to];
                if through == 0.0 {
                    continue;
                }
                let (from, to) = (id(l.from), id(l.to));
                let f = base_factor[qi];
                bars.push((
                    Input::Effect { from: from.clone(), to: to.clone() },
                    (quantile(&l.effect, 0.05) * l.p - f) * through,
                    (quantile(&l.effect, 0.95) * l.p - f) * through,
                ));
                if l.p < 1.0 {
                    let median = quantile(&l.effect, 0.5);
                    bars.push((
                        Input::LinkWorks { from, to },
                        (0.0 - f) * through,
                        (median - f) * through,
                    ));
                }
            }
            let mut bars: Vec<Bar> = bars
                .into_iter()
                .filter(|(_, lo, hi)| lo != hi)
                .map(|(input, lo, hi)| Bar { input, low: base + lo, high: base + hi })
                .collect();
            bars.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
            bars.truncate(limit);
            Tornado { initiative: m.id.to_string(), base, bars }
        })
        .collect()
}

/// How stable an initiative's rank is when the judgement weights move.
#[derive(Clone, Debug, Serialize)]
pub struct RankStability {
    /// Initiative id.
    pub initiative: String,
    /// Rank by expected value with the weights as written (1 = best).
    pub rank: usize,
    /// Median rank under perturbed weights.
    pub median_rank: f64,
    /// 5th percentile of the rank (best plausible).
    pub best: f64,
    /// 95th percentile of the rank (worst plausible).
    pub worst: f64,
    /// Share of perturbations in which it stays in the top `top` initiatives.
    pub p_top: f64,
}

/// Rank stability under weight perturbation.
#[derive(Clone, Debug, Serialize)]
pub struct Stability {
    /// Each weight is multiplied by an independent lognormal factor whose 90% interval is
    /// [1/`spread`, `spread`].
    pub spread: f64,
    /// Perturbations drawn.
    pub draws: usize,
    /// Size of the "top" group.
    pub top: usize,
    /// Mean Spearman correlation between the written and perturbed rankings.
    pub mean_spearman: f64,
    /// Per initiative, in model order.
    pub initiatives: Vec<RankStability>,
}

/// Re-ranks initiatives under `draws` random perturbations of goal and criterion weights.
pub fn rank_stability(
    model: &Model,
    sim: &Simulation,
    spread: f64,
    draws: usize,
    top: usize,
    seed: u64,
) -> Stability {
    let i_count = sim.initiatives.len();
    let g_count = sim.goals.len();
    let base_w: Vec<f64> = sim.goals.iter().map(|g| g.weight).collect();
    let criteria_w: Vec<f64> = Criterion::ALL
        .iter()
        .map(|c| model.value.criteria.get(c).copied().unwrap_or(0.0))
        .collect();
    let scores: Vec<Vec<f64>> = model
        .initiatives
        .iter()
        .map(|i| Criterion::ALL.iter().map(|c| i.benefits.get(c).copied().unwrap_or(0.0)).collect())
        .collect();
    let expected = |gw: &[f64], cw: &[f64]| -> Vec<f64> {
        (0..i_count)
            .map(|i| {
                let r = &sim.initiatives[i];
                let mission: f64 = (0..g_count).map(|g| gw[g] * r.goals[g].mean).sum();
                let benefits: f64 = scores[i].iter().zip(cw).map(|(s, w)| s * w).sum();
                r.equity * mission + benefits
            })
            .collect()
    };
    let ranks_of = |values: &[f64]| -> Vec<usize> {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        let mut ranks = vec![0; values.len()];
        for (r, &i) in order.iter().enumerate() {
            ranks[i] = r + 1;
        }
        ranks
    };
    let base_ranks = ranks_of(&expected(&base_w, &criteria_w));
    let sigma = spread.max(1.0).ln() / model::distribution::Z90;
    let noise = LogNormal::new(0.0, sigma)
        .unwrap_or_else(|_| LogNormal::new(0.0, 0.0).expect("σ = 0 is valid"));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5eed_7a11);
    let mut all_ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(draws); i_count];
    let mut spearman = 0.0;
    let nf = i_count as f64;
    for _ in 0..draws {
        let gw: Vec<f64> = base_w.iter().map(|w| w * noise.sample(&mut rng)).collect();
        let cw: Vec<f64> = criteria_w.iter().map(|w| w * noise.sample(&mut rng)).collect();
        let ranks = ranks_of(&expected(&gw, &cw));
        let d2: f64 =
            ranks.iter().zip(&base_ranks).map(|(a, b)| (*a as f64 - *b as f64).powi(2)).sum();
        spearman += if i_count > 1 { 1.0 - 6.0 * d2 / (nf * (nf * nf - 1.0)) } else { 1.0 };
        for (i, r) in ranks.into_iter().enumerate() {
            all_ranks[i].push(r as f64);
        }
    }
    let initiatives = all_ranks
        .into_iter()
        .enumerate()
        .map(|(i, mut rs)| {
            let p_top =
                rs.iter().filter(|r| **r <= top as f64).count() as f64 / draws.max(1) as f64;
            rs.sort_by(f64::total_cmp);
            RankStability {
                initiative: sim.initiatives[i].id.clone(),
                rank: base_ranks[i],
                median_rank: stats::percentile(&rs, 0.5),
                best: stats::percentile(&rs, 0.05),
                worst: stats::percentile(&rs, 0.95),
                p_top,
            }
        })
        .collect();
    Stability { spread, draws, top, mean_spearman: spearman / draws.max(1) as f64, initiatives }
}

//! The Monte Carlo engine: samples are processed in fixed-size blocks; each block draws its own
//! random numbers from streams keyed by (seed, variable, block), so results do not depend on how
//! many threads run the blocks, and every initiative sees the same draws of every shared link
//! (common random numbers: comparisons between initiatives are paired).
//!
//! Per block, one backward pass over the quantified links (sinks first) computes for every node
//! the change in each goal per unit change in that node: `gain[n][g] = [n = g] + Σ f_l gain[to][g]`.
//! Effects multiply along paths and add over paths, so an initiative's contribution to goal `g`
//! is `Σ_d amount_d · works_d · gain[node_d][g]`. No samples × links matrix is ever held: a link's
//! draws for a block live only while the pass visits it.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::plan::Plan;
use crate::sampler::unit;

/// Samples per block. Small enough that a block's gain table stays in cache-friendly sizes,
/// large enough to vectorise the inner loops.
pub const BLOCK: usize = 64;

/// What one block of samples produced.
pub struct BlockResult {
    /// Samples in this block.
    pub len: usize,
    /// `values[i * len + s]`: initiative i's value in sample s.
    pub values: Vec<f64>,
    /// `costs[i * len + s]`: initiative i's cost in sample s (0 when it has no cost).
    pub costs: Vec<f64>,
    /// `goal_totals[g * len + s]`: change in goal g caused by all initiatives together.
    pub goal_totals: Vec<f64>,
    /// `contrib[(i * G + g) * 3 + {0,1,2}]`: sum, sum of squares and count of positive draws of
    /// initiative i's contribution to goal g.
    pub contrib: Vec<f64>,
}

/// A random stream for one variable in one block.
pub(crate) fn stream(seed: u64, key: u64, block: u64) -> Xoshiro256PlusPlus {
    let mut z = seed ^ key.rotate_left(17) ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

/// Draws `out.len()` values of `sampler × (u < p)`.
pub(crate) fn draw(
    sampler: &crate::sampler::Sampler,
    p: f64,
    rng: &mut Xoshiro256PlusPlus,
    out: &mut [f64],
) {
    for x in out.iter_mut() {
        let v = sampler.sample(rng);
        // Always draw the Bernoulli so the stream does not depend on `p`.
        let works = unit(rng) < p;
        *x = if works { v } else { 0.0 };
    }
}

/// Blocks of a run of `samples`: (block index, length).
pub(crate) fn blocks(samples: usize) -> Vec<(u64, usize)> {
    (0..samples.div_ceil(BLOCK)).map(|b| (b as u64, BLOCK.min(samples - b * BLOCK))).collect()
}

/// Regenerates, for all samples, the draws a variable gets in the engine: `sampler × works`
/// (or `max(0, sampler)` for a cost when `cost` is set).
pub(crate) fn redraw(
    sampler: &crate::sampler::Sampler,
    p: f64,
    key: u64,
    seed: u64,
    samples: usize,
    cost: bool,
) -> Vec<f64> {
    let mut out = vec![0.0; samples];
    for (b, len) in blocks(samples) {
        let start = b as usize * BLOCK;
        let dst = &mut out[start..start + len];
        let mut rng = stream(seed, key, b);
        if cost {
            for x in dst.iter_mut() {
                *x = sampler.sample(&mut rng).max(0.0);
            }
        } else {
            draw(sampler, p, &mut rng, dst);
        }
    }
    out
}

/// Runs one block of `len` samples.
pub fn run_block(plan: &Plan, seed: u64, block: u64, len: usize) -> BlockResult {
    let g_count = plan.goals.len();
    let width = g_count * len;
    let mut gain = vec![0.0f64; plan.nodes * width];
    let mut factor = vec![0.0f64; len];
    for &n in &plan.order {
        let (before, rest) = gain.split_at_mut(n * width);
        let (row, after) = rest.split_at_mut(width);
        if let Some(slot) = plan.goal_slot[n] {
            row[slot * len..(slot + 1) * len].fill(1.0);
        }
        for &qi in &plan.out_links[n] {
            let link = &plan.links[qi];
            let reach = &plan.reach[link.to];
            if reach.is_empty() {
                continue;
            }
            let mut rng = stream(seed, link.key, block);
            draw(&link.sampler, link.p, &mut rng, &mut factor);
            // Targets come before `n` in sink-first order, so they sit in `before` or `after`.
            let target = if link.to < n {
                &before[link.to * width..(link.to + 1) * width]
            } else {
                let off = (link.to - n - 1) * width;
                &after[off..off + width]
            };
            for &g in reach {
                let g = g as usize * len;
                let dst = &mut row[g..g + len];
                let src = &target[g..g + len];
                for ((d, s), f) in dst.iter_mut().zip(src).zip(&factor) {
                    *d += f * s;
                }
            }
        }
    }

    let i_count = plan.initiatives.len();
    let mut values = vec![0.0; i_count * len];
    let mut costs = vec![0.0; i_count * len];
    let mut goal_totals = vec![0.0; width];
    let mut contrib = vec![0.0; i_count * g_count * 3];
    let mut per_goal = vec![0.0; width];
    let mut amount = vec![0.0; len];
    for (i, ini) in plan.initiatives.iter().enumerate() {
        per_goal.fill(0.0);
        for d in &ini.deliveries {
            let reach = &plan.reach[d.node];
            if reach.is_empty() {
                continue;
            }
            let mut rng = stream(seed, d.key, block);
            draw(&d.sampler, d.p, &mut rng, &mut amount);
            let row = &gain[d.node * width..(d.node + 1) * width];
            for &g in reach {
                let g = g as usize * len;
                for ((acc, a), gn) in
                    per_goal[g..g + len].iter_mut().zip(&amount).zip(&row[g..g + len])
                {
                    *acc += a * gn;
                }
            }
        }
        let value = &mut values[i * len..(i + 1) * len];
        value.fill(ini.benefits_value);
        for (slot, w) in plan.weights.iter().enumerate() {
            let c = &per_goal[slot * len..(slot + 1) * len];
            let scale = ini.equity * w;
            let (mut sum, mut sumsq, mut pos) = (0.0, 0.0, 0.0);
            for ((v, x), t) in
                value.iter_mut().zip(c).zip(&mut goal_totals[slot * len..(slot + 1) * len])
            {
                *v += scale * x;
                *t += x;
                sum += x;
                sumsq += x * x;
                if *x > 0.0 {
                    pos += 1.0;
                }
            }
            let k = (i * g_count + slot) * 3;
            contrib[k] = sum;
            contrib[k + 1] = sumsq;
            contrib[k + 2] = pos;
        }
        if let Some((_, sampler)) = &ini.cost {
            let mut rng = stream(seed, ini.cost_key, block);
            for c in &mut costs[i * len..(i + 1) * len] {
                // A cost below zero is not a cost: a normal range touching zero is truncated.
                *c = sampler.sample(&mut rng).max(0.0);
            }
        }
    }
    BlockResult { len, values, costs, goal_totals, contrib }
}

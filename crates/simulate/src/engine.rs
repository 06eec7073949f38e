//! The Monte Carlo engine: samples are processed in fixed-size blocks; every draw is a pure
//! function of (seed, variable, sample index) ([`crate::streams`]), so results do not depend on
//! how many threads run the blocks, and every initiative sees the same draws of every shared link
//! (common random numbers: comparisons between initiatives are paired).
//!
//! Per block, with each link's factor `f = effect × works` drawn once:
//! - a backward pass (sinks first) computes the value of a unit change in each node,
//!   `vgain[n] = weight(n) + Σ_l f_l · vgain[to_l]`, so an initiative's value is
//!   `equity · Σ_d amount_d · vgain[node_d] + benefits`;
//! - a forward pass (sources first) pushes every initiative's delivered amounts up the links, so
//!   each goal's total change is the flow arriving at it.
//!
//! Effects multiply along paths and add over paths, and both passes are scalar per node and
//! sample. Memory is bounded by the block: no samples × links matrix is held, only the current
//! block's factors.

use crate::plan::Plan;
use crate::streams::{GROUP, Seed, Stream, Words};

/// Samples per block: one group of the streams' words ([`GROUP`]), large enough to vectorise the
/// inner loops, small enough that a block's tables stay near the cache.
pub const BLOCK: usize = GROUP;

/// Where one block writes: its part of every per-variable sample vector of the run, so blocks
/// write straight into the results (no per-block copies to gather afterwards).
pub struct BlockOut<'a> {
    /// Each initiative's value, for this block's samples.
    pub values: Vec<&'a mut [f64]>,
    /// Each initiative's cost (left at 0 when it has none).
    pub costs: Vec<&'a mut [f64]>,
    /// Each goal's change caused by all initiatives together.
    pub goal_totals: Vec<&'a mut [f64]>,
    /// The value of doing every initiative.
    pub portfolio: &'a mut [f64],
}

impl<'a> BlockOut<'a> {
    /// Splits the run's sample vectors (each `samples` long, zeroed) into the parts of each block
    /// of [`blocks`], in block order.
    pub fn split(
        values: &'a mut [Vec<f64>],
        costs: &'a mut [Vec<f64>],
        goal_totals: &'a mut [Vec<f64>],
        portfolio: &'a mut [f64],
    ) -> Vec<BlockOut<'a>> {
        let blocks = portfolio.len().div_ceil(BLOCK);
        let mut values = by_block(values, blocks);
        let mut costs = by_block(costs, blocks);
        let mut goal_totals = by_block(goal_totals, blocks);
        portfolio
            .chunks_mut(BLOCK)
            .map(|portfolio| BlockOut {
                values: values.next().unwrap_or_default(),
                costs: costs.next().unwrap_or_default(),
                goal_totals: goal_totals.next().unwrap_or_default(),
                portfolio,
            })
            .collect()
    }
}

/// Each block's parts of `vars`: item `b` holds the `b`th chunk of every vector, in order.
fn by_block(vars: &mut [Vec<f64>], blocks: usize) -> impl Iterator<Item = Vec<&mut [f64]>> {
    let mut parts: Vec<Vec<&mut [f64]>> =
        (0..blocks).map(|_| Vec::with_capacity(vars.len())).collect();
    for v in vars {
        parts.iter_mut().zip(v.chunks_mut(BLOCK)).for_each(|(p, part)| p.push(part));
    }
    parts.into_iter()
}

/// Draws block `block` of a variable (`out.len()` samples, at most [`BLOCK`]): `sampler ×
/// works`, where sample `i` works when its word's low half is below `p · 2³²` (so `p` is
/// honoured to 2⁻³²), while the values come from the high halves ([`crate::streams`]). A
/// constant that always works draws nothing.
#[inline(always)]
pub(crate) fn draw(
    sampler: &crate::sampler::Sampler,
    p: f64,
    stream: Stream,
    block: u64,
    out: &mut [f64],
) {
    if let crate::sampler::Sampler::Constant(v) = sampler
        && p >= 1.0
    {
        return out.fill(*v);
    }
    let words = stream.group(block);
    sampler.fill_group(&words, out);
    if let Some(keep) = works(p, &words) {
        for (x, &k) in out.iter_mut().zip(&keep) {
            // Branch-free: keep every bit of x, or none (+0.0).
            *x = f64::from_bits(x.to_bits() & (k as i32 as i64 as u64));
        }
    }
}

/// [`draw`] for a link whose draws are `scale · f64::from(e)` ([`Sampler::lognormal_f32`]):
/// writes the single-precision `e` (or +0.0 where the link fails), from the same words, so
/// `scale · f64::from(out[i])` has exactly the bits [`draw`] would write.
///
/// [`Sampler::lognormal_f32`]: crate::sampler::Sampler::lognormal_f32
#[inline(always)]
pub(crate) fn draw_f32(rate: f32, p: f64, stream: Stream, block: u64, out: &mut [f32]) {
    let words = stream.group(block);
    crate::sampler::lognormal_factors(&words, rate, out);
    if let Some(keep) = works(p, &words) {
        for (x, &k) in out.iter_mut().zip(&keep) {
            *x = f32::from_bits(x.to_bits() & k);
        }
    }
}

/// "Works" for a group: an all-ones mask where sample `i`'s low half is below `p · 2³²`, zero
/// where it fails; `None` when `p = 1`.
#[inline(always)]
fn works(p: f64, words: &Words) -> Option<[u32; BLOCK]> {
    if p >= 1.0 {
        return None;
    }
    // p < 1, so p · 2³² < 2³² fits in 32 bits.
    let threshold = (p.max(0.0) * 4_294_967_296.0) as u32;
    let mut keep = [0u32; BLOCK];
    for (k, &w) in keep.iter_mut().zip(&words.lo) {
        *k = u32::from(w < threshold).wrapping_neg();
    }
    Some(keep)
}

/// Draws a block of costs: a cost below zero is not a cost, so a normal range touching zero is
/// truncated.
#[inline(always)]
fn draw_cost(sampler: &crate::sampler::Sampler, stream: Stream, block: u64, out: &mut [f64]) {
    draw(sampler, 1.0, stream, block, out);
    for c in out.iter_mut() {
        *c = c.max(0.0);
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
    let stream = Seed::new(seed).stream(key);
    let mut out = vec![0.0; samples];
    for (b, dst) in out.chunks_mut(BLOCK).enumerate() {
        if cost {
            draw_cost(sampler, stream, b as u64, dst);
        } else {
            draw(sampler, p, stream, b as u64, dst);
        }
    }
    out
}

/// `dst += f · src`, elementwise; or, onto a row not yet written in this block, `dst = c + f ·
/// src` for `onto = Some(c)`: the bits of filling the row with `c` and adding, without the fill.
#[inline(always)]
fn axpy(dst: &mut [f64], f: &[f64], src: &[f64], onto: Option<f64>) {
    let terms = dst.iter_mut().zip(f).zip(src);
    match onto {
        Some(c) => terms.for_each(|((d, f), s)| *d = c + f * s),
        None => terms.for_each(|((d, f), s)| *d += f * s),
    }
}

/// [`axpy`] with the factors `scale · f64::from(e)` that [`draw`] would have stored, formed in
/// the same order, so the same bits.
#[inline(always)]
fn axpy_scaled(dst: &mut [f64], scale: f64, e: &[f32], src: &[f64], onto: Option<f64>) {
    let terms = dst.iter_mut().zip(e).zip(src);
    match onto {
        Some(c) => terms.for_each(|((d, &e), s)| *d = c + scale * f64::from(e) * s),
        None => terms.for_each(|((d, &e), s)| *d += scale * f64::from(e) * s),
    }
}

/// Per-thread working memory, reused across blocks so large tables are not re-allocated (and
/// re-zeroed by the kernel) for every block.
#[derive(Default)]
pub struct Scratch {
    factor: Vec<f64>,
    /// Single-precision random parts of the links whose factors are `scale · e`
    /// ([`draw_f32`]): half the memory traffic of `factor` between the two passes.
    factor32: Vec<f32>,
    /// The backward pass's value of a unit change in each node; a row is valid only where the
    /// schedule says it is read (`Schedule::valued`) or the node has edges.
    vgain: Vec<f64>,
    /// The forward pass's change in each node; a row is valid only where `touched` (rows are
    /// written, not added to, when first reached, so no block zeroes the whole table).
    flow: Vec<f64>,
    amount: Vec<f64>,
    touched: Vec<bool>,
}

/// An instruction set the block is compiled for: the same code and the same bits on each
/// (tested), more lanes at a time on the wider ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The crate's target as built (baseline x86-64: SSE2).
    Baseline,
    /// AVX2: eight single-precision lanes for the normals and `exp2`, four double-precision
    /// ones for the passes.
    Avx2,
    /// AVX-512 (F, VL, DQ, BW): sixteen and eight lanes, and 64-bit multiplies in one
    /// instruction for the streams' words.
    Avx512,
}

impl Isa {
    /// Whether this CPU runs it.
    pub(crate) fn available(self) -> bool {
        match self {
            Isa::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The widest this CPU runs.
    fn best() -> Isa {
        [Isa::Avx512, Isa::Avx2].into_iter().find(|i| i.available()).unwrap_or(Isa::Baseline)
    }
}

/// Runs one block (as many samples as `out` has room for) with the widest instruction set the
/// CPU has (same bits on every one).
pub fn run_block(plan: &Plan, seed: u64, block: u64, scratch: &mut Scratch, out: &mut BlockOut) {
    run_block_on(Isa::best(), plan, seed, block, scratch, out)
}

/// [`run_block`] on `isa`, or on the baseline build when the CPU lacks it.
#[allow(unsafe_code)]
pub(crate) fn run_block_on(
    isa: Isa,
    plan: &Plan,
    seed: u64,
    block: u64,
    scratch: &mut Scratch,
    out: &mut BlockOut,
) {
    #[cfg(target_arch = "x86_64")]
    match isa {
        // SAFETY: `available` has just found the CPU to support the build's features.
        Isa::Avx512 if isa.available() => {
            return unsafe { run_block_avx512(plan, seed, block, scratch, out) };
        }
        // SAFETY: as above.
        Isa::Avx2 if isa.available() => {
            return unsafe { run_block_avx2(plan, seed, block, scratch, out) };
        }
        _ => {}
    }
    run_block_any(plan, seed, block, scratch, out)
}

/// [`run_block_any`] compiled for AVX2. Not FMA: no instruction could contract a multiply and
/// an add (Rust never asks LLVM to), but leaving it off keeps that plain.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_block_avx2(plan: &Plan, seed: u64, block: u64, scratch: &mut Scratch, out: &mut BlockOut) {
    run_block_any(plan, seed, block, scratch, out)
}

/// [`run_block_any`] compiled for AVX-512. These features imply FMA, but Rust never contracts
/// a separate multiply and add into one (only `mul_add` fuses, and the block has none), so the
/// IEEE operations and their order are those of the other builds: the same bits (tested).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw")]
fn run_block_avx512(plan: &Plan, seed: u64, block: u64, scratch: &mut Scratch, out: &mut BlockOut) {
    run_block_any(plan, seed, block, scratch, out)
}

/// The block itself; inlined into each instruction-set build above.
#[inline(always)]
fn run_block_any(plan: &Plan, seed: u64, block: u64, scratch: &mut Scratch, out: &mut BlockOut) {
    let Scratch { factor, factor32, vgain, flow, amount, touched } = scratch;
    let len = out.portfolio.len();
    let sched = &plan.schedule;
    let n = plan.nodes;
    // Every row of every table is written before it is read (`flow`'s when first touched).
    factor.resize(sched.to.len() * len, 0.0);
    factor32.resize(sched.to.len() * len, 0.0);
    vgain.resize(n * len, 0.0);
    flow.resize(n * len, 0.0);
    amount.resize(len, 0.0);
    touched.clear();
    touched.resize(n, false);

    let seed = Seed::new(seed);
    // Backward, sinks first: the value of a unit change in each node. Each link's factors are
    // drawn where they are first used and kept, in visiting order, for the forward pass.
    // A row no one reads (no edges, no weight, no edge into it, nothing delivered to it) is
    // left as it was; the first edge writes its row from the weight instead of adding to a fill.
    for k in 0..n {
        let (done, rest) = vgain.split_at_mut(k * len);
        let row = &mut rest[..len];
        let (edges, weight) = (sched.edges_of(k), sched.weight[k]);
        if edges.is_empty() {
            if sched.valued[k] {
                row.fill(weight);
            }
            continue;
        }
        for e in edges.clone() {
            let onto = (e == edges.start).then_some(weight);
            let d = &sched.draws[e];
            let stream = seed.stream(d.key);
            let to = sched.to[e] as usize;
            let below = &done[to * len..(to + 1) * len];
            if let Some((scale, rate)) = d.lognormal_f32 {
                let f = &mut factor32[e * len..(e + 1) * len];
                draw_f32(rate, d.p, stream, block, f);
                axpy_scaled(row, scale, f, below, onto);
            } else {
                let f = &mut factor[e * len..(e + 1) * len];
                draw(&d.sampler, d.p, stream, block, f);
                axpy(row, f, below, onto);
            }
        }
    }

    // Deliveries: each initiative's value, and the amounts injected for the forward pass.
    for ((ini, value), cost) in plan.initiatives.iter().zip(&mut out.values).zip(&mut out.costs) {
        value.fill(ini.benefits_value);
        for d in &ini.deliveries {
            if plan.reach[d.node].is_empty() {
                continue;
            }
            draw(&d.sampler, d.p, seed.stream(d.key), block, amount);
            let k = sched.pos[d.node] as usize;
            let gain = &vgain[k * len..(k + 1) * len];
            for ((v, a), g) in value.iter_mut().zip(amount.iter()).zip(gain) {
                *v += ini.equity * a * g;
            }
            let row = flow[k * len..(k + 1) * len].iter_mut().zip(amount.iter());
            if touched[k] {
                row.for_each(|(f, a)| *f += a);
            } else {
                row.for_each(|(f, a)| *f = 0.0 + a);
            }
            touched[k] = true;
        }
        if let Some((_, sampler)) = &ini.cost {
            draw_cost(sampler, seed.stream(ini.cost_key), block, cost);
        }
        for (p, v) in out.portfolio.iter_mut().zip(value.iter()) {
            *p += v;
        }
    }

    // Forward, sources first: push the flow up the links, reading the factor tables from their
    // end, edge by edge, so every read is just below the previous one (prefetchers follow). A
    // node's edges are visited in reverse: each adds into its own target's row, so only parallel
    // links (same ends) add their products in the other order.
    // Nodes nothing was delivered to, directly or upstream, carry no flow and are skipped.
    for k in (0..n).rev() {
        if !touched[k] {
            continue;
        }
        let (below, rest) = flow.split_at_mut(k * len);
        let source = &rest[..len];
        for e in sched.edges_of(k).rev() {
            let to = sched.to[e] as usize;
            let dst = &mut below[to * len..(to + 1) * len];
            // A row first reached is written from zero, not zeroed and added to.
            let (scale, onto) = (sched.scale[e], (!touched[to]).then_some(0.0));
            if !scale.is_nan() {
                axpy_scaled(dst, scale, &factor32[e * len..(e + 1) * len], source, onto);
            } else {
                axpy(dst, &factor[e * len..(e + 1) * len], source, onto);
            }
            touched[to] = true;
        }
    }
    for (total, &g) in out.goal_totals.iter_mut().zip(&plan.goals) {
        let k = sched.pos[g] as usize;
        if touched[k] {
            total.copy_from_slice(&flow[k * len..(k + 1) * len]);
        } else {
            total.fill(0.0);
        }
    }
}

/// One block of [`crate::node_changes`]: the change the `initiatives` cause together in each
/// `watched` node, for samples `block · BLOCK …` (`len` of them). Deliveries and link factors
/// are drawn from the streams the engine uses, keyed by (seed, variable, sample), so the samples
/// are paired with every other result of a run with the same seed and sample count.
pub(crate) fn node_changes_block(
    plan: &Plan,
    seed: u64,
    block: u64,
    len: usize,
    initiatives: &[usize],
    watched: &[usize],
) -> Vec<Vec<f64>> {
    let n = plan.nodes;
    let seed = Seed::new(seed);
    let mut flow = vec![0.0; n * len];
    let mut touched = vec![false; n];
    let mut draws = vec![0.0; len];
    for &i in initiatives {
        for d in &plan.initiatives[i].deliveries {
            draw(&d.sampler, d.p, seed.stream(d.key), block, &mut draws);
            for (f, a) in flow[d.node * len..(d.node + 1) * len].iter_mut().zip(&draws) {
                *f += a;
            }
            touched[d.node] = true;
        }
    }
    // Sources first (`order` lists sinks first): a node is final before its links pass it on.
    let mut source = vec![0.0; len];
    for &v in plan.order.iter().rev() {
        if !touched[v] {
            continue;
        }
        source.copy_from_slice(&flow[v * len..(v + 1) * len]);
        for &qi in &plan.out_links[v] {
            let l = &plan.links[qi];
            draw(&l.sampler, l.p, seed.stream(l.key), block, &mut draws);
            axpy(&mut flow[l.to * len..(l.to + 1) * len], &draws, &source, None);
            touched[l.to] = true;
        }
    }
    watched.iter().map(|&v| flow[v * len..(v + 1) * len].to_vec()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic_plan(nodes: usize, links: usize, initiatives: usize) -> Plan {
        let spec =
            synthetic::Spec { goals: 3, programs: 3, nodes, links, initiatives, teams: 3, seed: 5 };
        let files = synthetic::generate(&spec)
            .into_iter()
            .map(|(name, text)| modelfile::SourceFile::in_memory(name, text))
            .collect();
        let model = modelfile::check(files).model;
        Plan::new(&model, &crate::Overrides::default()).expect("acyclic")
    }

    /// One block's results as bits: every initiative's values and costs, every goal's total
    /// and the portfolio.
    fn block_bits(plan: &Plan, block: u64, len: usize) -> Vec<Vec<u64>> {
        let (i, g) = (plan.initiatives.len(), plan.goals.len());
        let (mut values, mut costs) = (vec![vec![0.0; len]; i], vec![vec![0.0; len]; i]);
        let (mut goals, mut portfolio) = (vec![vec![0.0; len]; g], vec![0.0; len]);
        let mut outs = BlockOut::split(&mut values, &mut costs, &mut goals, &mut portfolio);
        run_block(plan, 9, block, &mut Scratch::default(), &mut outs[0]);
        drop(outs);
        let all = [values, costs, goals, vec![portfolio]].concat();
        all.iter().map(|v| v.iter().map(|x| x.to_bits()).collect()).collect()
    }

    /// Leaving out the links no delivery reaches changes no result, bit for bit: the same block
    /// on a schedule that keeps every link (as if every node were delivered to).
    #[test]
    fn links_no_delivery_reaches_change_nothing() {
        let plan = synthetic_plan(400, 1_200, 15);
        let mut full = plan.clone();
        let live: Vec<bool> = plan.reach.iter().map(|r| !r.is_empty()).collect();
        let sched = &plan.schedule;
        let weight = |v: usize| sched.weight[sched.pos[v] as usize];
        let all = vec![true; plan.nodes];
        full.schedule = crate::plan::Schedule::new(
            &plan.order,
            &plan.out_links,
            &plan.links,
            &live,
            &all,
            weight,
        );
        assert!(
            sched.to.len() < full.schedule.to.len(),
            "the model must have links no delivery reaches ({} of {})",
            sched.to.len(),
            full.schedule.to.len()
        );
        for (block, len) in [(0, BLOCK), (5, 13)] {
            let bits = block_bits(&plan, block, len);
            assert!(bits.iter().flatten().any(|&b| b != 0), "the model must produce values");
            assert_eq!(bits, block_bits(&full, block, len), "block {block} of {len}");
        }
    }

    /// A lognormal link's single-precision random parts, scaled, are exactly the draws of
    /// [`draw`] from the same stream, for every probability and length.
    #[test]
    fn single_precision_factors_scale_to_the_same_bits() {
        let mut checked = 0;
        for (mu, sigma) in [(-0.8, 0.2), (3.0, 1.5), (-40.0, 12.9)] {
            let d = model::Distribution::LogNormal { mu, sigma };
            let sampler = crate::sampler::Sampler::new(&d);
            let (scale, s32) = sampler.lognormal_f32().expect("a lognormal within range");
            for p in [1.0, 0.9, 0.3, 0.0] {
                for len in [1, 2, 7, BLOCK - 1, BLOCK] {
                    let stream = Seed::new(4).stream(77);
                    let mut want = vec![0.0; len];
                    draw(&sampler, p, stream, len as u64, &mut want);
                    let mut e = vec![0f32; len];
                    draw_f32(s32, p, stream, len as u64, &mut e);
                    let got: Vec<u64> =
                        e.iter().map(|&e| (scale * f64::from(e)).to_bits()).collect();
                    assert_eq!(got, want.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
                    checked += want.iter().filter(|&&x| x != 0.0).count();
                }
            }
        }
        assert!(checked > 100);
        let wide = model::Distribution::LogNormal { mu: 0.0, sigma: 14.0 };
        assert!(crate::sampler::Sampler::new(&wide).lognormal_f32().is_none());
    }

    /// Every instruction-set build of a block gives the baseline build's bits: the same IEEE
    /// operations in the same order (no multiply and add is contracted), only more lanes at a
    /// time. Meaningful because this crate is optimised in test builds too (see the workspace's
    /// `profile.dev.package.simulate`), so the builds are vectorised.
    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let spec = synthetic::Spec {
            goals: 3,
            programs: 3,
            nodes: 300,
            links: 1_200,
            initiatives: 40,
            teams: 3,
            seed: 5,
        };
        let files = synthetic::generate(&spec)
            .into_iter()
            .map(|(name, text)| modelfile::SourceFile::in_memory(name, text))
            .collect();
        let model = modelfile::check(files).model;
        let plan = Plan::new(&model, &crate::Overrides::default()).expect("acyclic");
        // One block's results, written by the given build, as bits.
        let one = |isa: Isa, block, len| {
            let (i, g) = (plan.initiatives.len(), plan.goals.len());
            let (mut values, mut costs) = (vec![vec![0.0; len]; i], vec![vec![0.0; len]; i]);
            let (mut goals, mut portfolio) = (vec![vec![0.0; len]; g], vec![0.0; len]);
            let mut outs = BlockOut::split(&mut values, &mut costs, &mut goals, &mut portfolio);
            run_block_on(isa, &plan, 9, block, &mut Scratch::default(), &mut outs[0]);
            drop(outs);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let all = [values, costs, goals, vec![portfolio]].concat();
            all.iter().map(|v| bits(v)).collect::<Vec<_>>()
        };
        let wider: Vec<Isa> =
            [Isa::Avx2, Isa::Avx512].into_iter().filter(|i| i.available()).collect();
        eprintln!("instruction sets compared with the baseline build: {wider:?}");
        for (block, len) in [(0, BLOCK), (3, 7), (8, 1)] {
            let base = one(Isa::Baseline, block, len);
            assert!(base.iter().flatten().any(|&b| b != 0), "the model must produce values");
            for &isa in &wider {
                assert_eq!(base, one(isa, block, len), "{isa:?}: block {block} of {len}");
            }
        }
    }
}

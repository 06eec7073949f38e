//! Compiling a model into what the engine needs: goals and weights, the quantified links in
//! topological order, initiatives' deliveries, costs, equity factors and benefit values.

use std::collections::HashMap;

use model::graph::ModelGraph;
use model::{Distribution, Model};

use crate::sampler::Sampler;
use crate::{Overrides, SimulateError};

/// A quantified link.
#[derive(Clone, Debug)]
pub struct QLink {
    /// Source node index.
    pub from: usize,
    /// Target node index.
    pub to: usize,
    /// Index in `Model::links`.
    pub model_index: usize,
    /// The effect.
    pub effect: Distribution,
    /// Its sampler.
    pub sampler: Sampler,
    /// Probability the link works.
    pub p: f64,
    /// Stable identity for the random stream: the same link gets the same draws whatever else
    /// changes in the model.
    pub key: u64,
}

/// A quantified delivery.
#[derive(Clone, Debug)]
pub struct QDelivery {
    /// The node delivered.
    pub node: usize,
    /// The amount.
    pub amount: Distribution,
    /// Its sampler.
    pub sampler: Sampler,
    /// Probability the delivery happens.
    pub p: f64,
    /// Stable identity for the random stream.
    pub key: u64,
}

/// An initiative as the engine sees it.
#[derive(Clone, Debug)]
pub struct QInitiative {
    /// Quantified deliveries.
    pub deliveries: Vec<QDelivery>,
    /// Cost distribution and its sampler.
    pub cost: Option<(Distribution, Sampler)>,
    /// Stable identity of the cost stream.
    pub cost_key: u64,
    /// Equity factor applied to its mission value.
    pub equity: f64,
    /// Value of its non-mission benefits (deterministic scores × weights).
    pub benefits_value: f64,
}

/// The compiled model.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Number of nodes in the model.
    pub nodes: usize,
    /// Model node index of each goal, in model order.
    pub goals: Vec<usize>,
    /// Value per unit of each goal (0 when the value function gives none).
    pub weights: Vec<f64>,
    /// Goal slot of each node, if it is a goal.
    pub goal_slot: Vec<Option<usize>>,
    /// Nodes, sinks first: every node comes after all nodes its quantified links lead to.
    pub order: Vec<usize>,
    /// Quantified links leaving each node (indices into `links`).
    pub out_links: Vec<Vec<usize>>,
    /// The quantified links.
    pub links: Vec<QLink>,
    /// Goal slots each node can reach through quantified links.
    pub reach: Vec<Vec<u32>>,
    /// Initiatives, in model order.
    pub initiatives: Vec<QInitiative>,
    /// The engine's memory layout of the same graph.
    pub(crate) schedule: Schedule,
}

/// The links as the engine walks them: nodes renumbered by their place in [`Plan::order`] (sinks
/// first) and each node's links stored contiguously in that order, so both passes walk their
/// tables front to back (or back to front) instead of jumping between rows. Links whose target
/// reaches no goal are left out, since nothing they carry can count, and so are links whose source
/// no delivery reaches, since no change ever arrives to be carried: neither pass would read what
/// they draw (a node's value per unit is read only at delivered nodes and, through links, at
/// nodes downstream of them). Leaving them out changes no result, bit for bit: every stream is
/// keyed by its own variable, and every kept node keeps all its links, in the same order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schedule {
    /// Position in `order` of each model node.
    pub pos: Vec<u32>,
    /// The edges of the node at position `k` are `start[k]..start[k + 1]`.
    pub start: Vec<u32>,
    /// Each edge's target position; always below its source's.
    pub to: Vec<u32>,
    /// What each edge draws, beside `to` rather than in it: only the backward pass needs it.
    pub draws: Vec<EdgeDraw>,
    /// Each edge's `EdgeDraw::lognormal_f32` scale, or NaN where its factors are kept in double
    /// precision: all the forward pass needs to know of an edge, in 8 bytes.
    pub scale: Vec<f64>,
    /// Value per unit of the node at each position (its goal weight, or 0).
    pub weight: Vec<f64>,
    /// Whether the value per unit of the node at each position is ever read: it has edges or a
    /// weight, an edge leads into it, or something is delivered to it. The engine computes no
    /// row for the others.
    pub valued: Vec<bool>,
}

/// How an edge's factors are drawn: a copy of its link's sampler, probability and stream key,
/// stored in visiting order so the backward pass reads them front to back.
#[derive(Clone, Debug)]
pub(crate) struct EdgeDraw {
    pub sampler: Sampler,
    pub p: f64,
    pub key: u64,
    /// `Sampler::lognormal_f32` of the sampler: the engine keeps such an edge's factors as
    /// single-precision random parts (same bits, half the memory).
    pub lognormal_f32: Option<(f64, f32)>,
}

impl Schedule {
    pub(crate) fn new(
        order: &[usize],
        out_links: &[Vec<usize>],
        links: &[QLink],
        live: &[bool],
        delivered: &[bool],
        weight: impl Fn(usize) -> f64,
    ) -> Schedule {
        // Nodes a delivery reaches: sources first (`order` lists sinks first).
        let mut fed = delivered.to_vec();
        for &v in order.iter().rev() {
            if fed[v] {
                out_links[v].iter().for_each(|&qi| fed[links[qi].to] = true);
            }
        }
        let mut pos = vec![0u32; order.len()];
        for (k, &v) in order.iter().enumerate() {
            pos[v] = k as u32;
        }
        let mut start = Vec::with_capacity(order.len() + 1);
        let (mut to, mut draws) = (Vec::new(), Vec::new());
        for &v in order {
            start.push(to.len() as u32);
            let kept = out_links[v].iter().map(|&qi| &links[qi]).filter(|l| fed[v] && live[l.to]);
            for l in kept {
                to.push(pos[l.to]);
                draws.push(EdgeDraw {
                    sampler: l.sampler.clone(),
                    p: l.p,
                    key: l.key,
                    lognormal_f32: l.sampler.lognormal_f32(),
                });
            }
        }
        start.push(to.len() as u32);
        let scale = draws.iter().map(|d| d.lognormal_f32.map_or(f64::NAN, |(s, _)| s)).collect();
        let weight: Vec<f64> = order.iter().map(|&v| weight(v)).collect();
        let mut valued: Vec<bool> = (0..order.len())
            .map(|k| start[k] < start[k + 1] || weight[k] != 0.0 || delivered[order[k]])
            .collect();
        to.iter().for_each(|&t| valued[t as usize] = true);
        Schedule { pos, start, to, draws, scale, weight, valued }
    }

    /// The edges of the node at position `k`.
    #[inline(always)]
    pub fn edges_of(&self, k: usize) -> std::ops::Range<usize> {
        self.start[k] as usize..self.start[k + 1] as usize
    }
}

/// FNV-1a, for stable keys of random streams.
pub(crate) fn key_of(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Plan {
    /// Compiles `model`. Fails on a loop of quantified links: effects would compound without end.
    pub fn new(model: &Model, overrides: &Overrides) -> Result<Plan, SimulateError> {
        let graph = ModelGraph::build(model);
        let n = model.nodes.len();
        let goals: Vec<usize> = graph.goal_indices().collect();
        let mut goal_slot = vec![None; n];
        for (slot, &g) in goals.iter().enumerate() {
            goal_slot[g] = Some(slot);
        }
        let weights: Vec<f64> = goals
            .iter()
            .map(|&g| model.value.goals.get(model.nodes[g].id.as_str()).copied().unwrap_or(0.0))
            .collect();

        let mut links = Vec::new();
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        for (li, l) in model.links.iter().enumerate() {
            let (Some(effect), Some((from, to))) = (l.effect, graph.ends(li)) else { continue };
            if l.feedback {
                continue;
            }
            let dup = seen.entry((from, to)).or_insert(0);
            *dup += 1;
            let key = key_of(&["link", l.from.as_str(), l.to.as_str(), &dup.to_string()]);
            let effect = overrides.effect(li).unwrap_or(effect);
            links.push(QLink {
                from,
                to,
                model_index: li,
                sampler: Sampler::new(&effect),
                effect,
                p: overrides.probability(li).unwrap_or(l.probability.unwrap_or(1.0)),
                key,
            });
        }
        let mut out_links = vec![Vec::new(); n];
        let mut indegree = vec![0usize; n];
        for (qi, l) in links.iter().enumerate() {
            out_links[l.from].push(qi);
            indegree[l.to] += 1;
        }
        // Kahn's algorithm from the sources; reversed, it lists sinks first.
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).rev().collect();
        while let Some(v) = stack.pop() {
            order.push(v);
            for &qi in &out_links[v] {
                let t = links[qi].to;
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    stack.push(t);
                }
            }
        }
        if order.len() < n {
            let mut stuck: Vec<String> = (0..n)
                .filter(|&v| indegree[v] > 0)
                .map(|v| model.nodes[v].id.to_string())
                .collect();
            stuck.sort();
            return Err(SimulateError::Cycle { nodes: stuck });
        }
        order.reverse();

        let mut reach: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &v in &order {
            let mut r: Vec<u32> = goal_slot[v].map(|s| vec![s as u32]).unwrap_or_default();
            for &qi in &out_links[v] {
                r.extend_from_slice(&reach[links[qi].to]);
            }
            r.sort_unstable();
            r.dedup();
            reach[v] = r;
        }

        let audience_weight: HashMap<&str, f64> =
            model.audiences.iter().map(|a| (a.id.as_str(), a.equity_weight)).collect();
        let program_audiences: HashMap<&str, &[model::Id]> =
            model.programs.iter().map(|p| (p.id.as_str(), p.audiences.as_slice())).collect();
        let initiatives: Vec<QInitiative> = model
            .initiatives
            .iter()
            .map(|ini| {
                let mut dup: HashMap<&str, usize> = HashMap::new();
                let deliveries = ini
                    .delivers
                    .iter()
                    .filter_map(|d| {
                        let amount = d.amount?;
                        let node = graph.node(d.node.as_str())?;
                        let k = dup.entry(d.node.as_str()).or_insert(0);
                        *k += 1;
                        Some(QDelivery {
                            node,
                            sampler: Sampler::new(&amount),
                            amount,
                            p: d.probability.unwrap_or(1.0),
                            key: key_of(&[
                                "delivery",
                                ini.id.as_str(),
                                d.node.as_str(),
                                &k.to_string(),
                            ]),
                        })
                    })
                    .collect();
                let audiences: &[model::Id] = if ini.audiences.is_empty() {
                    ini.program
                        .as_ref()
                        .and_then(|p| program_audiences.get(p.as_str()).copied())
                        .unwrap_or(&[])
                } else {
                    &ini.audiences
                };
                let ws: Vec<f64> = audiences
                    .iter()
                    .filter_map(|a| audience_weight.get(a.as_str()).copied())
                    .collect();
                let equity =
                    if ws.is_empty() { 1.0 } else { ws.iter().sum::<f64>() / ws.len() as f64 };
                let benefits_value = ini
                    .benefits
                    .iter()
                    .map(|(c, score)| score * model.value.criteria.get(c).copied().unwrap_or(0.0))
                    .sum();
                QInitiative {
                    deliveries,
                    cost: ini.cost.map(|c| (c, Sampler::new(&c))),
                    cost_key: key_of(&["cost", ini.id.as_str()]),
                    equity,
                    benefits_value,
                }
            })
            .collect();
        let live: Vec<bool> = reach.iter().map(|r| !r.is_empty()).collect();
        finite_inputs(model, &weights, &links, &initiatives)?;
        let mut delivered = vec![false; n];
        for d in initiatives.iter().flat_map(|i| &i.deliveries) {
            delivered[d.node] = true;
        }
        let schedule = Schedule::new(&order, &out_links, &links, &live, &delivered, |v| {
            goal_slot[v].map_or(0.0, |s| weights[s])
        });
        let plan = Plan {
            schedule,
            nodes: n,
            goals,
            weights,
            goal_slot,
            order,
            out_links,
            links,
            reach,
            initiatives,
        };
        // Finite inputs can still overflow along a long chain of large effects.
        for (i, row) in plan.expected_contributions().iter().enumerate() {
            let value: f64 = row.iter().zip(&plan.weights).map(|(c, w)| c * w).sum();
            let id = &model.initiatives[i].id;
            let what = || format!("the expected value of initiative {id}");
            if !value.is_finite() {
                return Err(SimulateError::NotFinite { what: what(), value });
            }
        }
        Ok(plan)
    }
}

/// Refuses a plan whose inputs, or whose exact expected goal changes, are not finite.
fn finite_inputs(
    model: &Model,
    weights: &[f64],
    links: &[QLink],
    initiatives: &[QInitiative],
) -> Result<(), SimulateError> {
    let check = |what: &dyn Fn() -> String, value: f64| {
        if value.is_finite() {
            Ok(())
        } else {
            Err(SimulateError::NotFinite { what: what(), value })
        }
    };
    for (slot, w) in weights.iter().enumerate() {
        check(&|| format!("the value weight of goal slot {slot}"), *w)?;
    }
    for l in links {
        let link = &model.links[l.model_index];
        let name = || format!("the effect of link {} → {}", link.from, link.to);
        check(&name, l.effect.mean())?;
        check(&name, l.effect.variance())?;
        check(&|| format!("the probability of link {} → {}", link.from, link.to), l.p)?;
    }
    for (i, ini) in initiatives.iter().enumerate() {
        let id = &model.initiatives[i].id;
        for d in &ini.deliveries {
            check(&|| format!("a delivery amount of initiative {id}"), d.amount.mean())?;
            check(&|| format!("a delivery amount of initiative {id}"), d.amount.variance())?;
        }
        if let Some((c, _)) = &ini.cost {
            check(&|| format!("the cost of initiative {id}"), c.mean())?;
        }
        check(&|| format!("the equity weight of initiative {id}"), ini.equity)?;
        check(&|| format!("the non-mission benefits of initiative {id}"), ini.benefits_value)?;
    }
    Ok(())
}

impl Plan {
    /// Each initiative's exact expected change in each goal, `[initiative][goal slot]`.
    ///
    /// Exact because the links are independent random variables and the graph is acyclic: along
    /// a path each link appears once, so E[Π f] = Π E[f], and expectations add over paths.
    pub fn expected_contributions(&self) -> Vec<Vec<f64>> {
        let g_count = self.goals.len();
        let mut gain = vec![0.0; self.nodes * g_count];
        for &v in &self.order {
            if let Some(slot) = self.goal_slot[v] {
                gain[v * g_count + slot] += 1.0;
            }
            for &qi in &self.out_links[v] {
                let l = &self.links[qi];
                let f = l.effect.mean() * l.p;
                for g in 0..g_count {
                    gain[v * g_count + g] += f * gain[l.to * g_count + g];
                }
            }
        }
        self.initiatives
            .iter()
            .map(|ini| {
                let mut c = vec![0.0; g_count];
                for d in &ini.deliveries {
                    let a = d.amount.mean() * d.p;
                    for (g, x) in c.iter_mut().enumerate() {
                        *x += a * gain[d.node * g_count + g];
                    }
                }
                c
            })
            .collect()
    }

    /// The exact expected change in every node (indexed like [`Model::nodes`]) caused by the
    /// given initiatives together, through quantified links; exact for the same reason as
    /// [`Plan::expected_contributions`].
    pub fn expected_changes(&self, initiatives: &[usize]) -> Vec<f64> {
        let mut x = vec![0.0; self.nodes];
        for &i in initiatives {
            for d in &self.initiatives[i].deliveries {
                x[d.node] += d.amount.mean() * d.p;
            }
        }
        // Sources first: each node is final before its links pass it on.
        for &v in self.order.iter().rev() {
            if x[v] == 0.0 {
                continue;
            }
            for &qi in &self.out_links[v] {
                let l = &self.links[qi];
                x[l.to] += x[v] * l.effect.mean() * l.p;
            }
        }
        x
    }

    /// The plan as JSON, for peers that re-implement the engine (the NumPy benchmark peer).
    /// Nodes are indices; `order` lists them sinks first.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "nodes": self.nodes,
            "goals": self.goals,
            "weights": self.weights,
            "order": self.order,
            "links": self.links.iter().map(|l| serde_json::json!({
                "from": l.from, "to": l.to, "effect": l.effect, "p": l.p,
            })).collect::<Vec<_>>(),
            "initiatives": self.initiatives.iter().map(|i| serde_json::json!({
                "deliveries": i.deliveries.iter().map(|d| serde_json::json!({
                    "node": d.node, "amount": d.amount, "p": d.p,
                })).collect::<Vec<_>>(),
                "cost": i.cost.as_ref().map(|(d, _)| d),
                "equity": i.equity,
                "benefits_value": i.benefits_value,
            })).collect::<Vec<_>>(),
        })
    }
}

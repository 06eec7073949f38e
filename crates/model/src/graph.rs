//! The model as a graph: ids resolved to indices, and the queries every view needs.
//!
//! Building a [`ModelGraph`] never fails: references to unknown ids are skipped (the checker
//! reports them), so a half-broken model can still be traced and drawn.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::Model;

/// Index of a node in [`Model::nodes`].
pub type NodeIx = usize;
/// Index of a link in [`Model::links`].
pub type LinkIx = usize;
/// Index of an initiative in [`Model::initiatives`].
pub type InitiativeIx = usize;

/// The resolved graph of a model.
#[derive(Debug)]
pub struct ModelGraph<'m> {
    model: &'m Model,
    node_ix: HashMap<&'m str, NodeIx>,
    initiative_ix: HashMap<&'m str, InitiativeIx>,
    /// Outgoing links per node, feedback links included.
    out_links: Vec<Vec<LinkIx>>,
    /// Incoming links per node, feedback links included.
    in_links: Vec<Vec<LinkIx>>,
    /// Resolved ends of each link; `None` when an end is unknown.
    ends: Vec<Option<(NodeIx, NodeIx)>>,
    /// Nodes each initiative delivers.
    delivers: Vec<Vec<NodeIx>>,
    /// Initiatives delivering each node: the inverse of `delivers`.
    delivered_to: Vec<Vec<InitiativeIx>>,
    /// Indicators (indices into [`Model::indicators`]) measuring each node.
    measured_by: Vec<Vec<usize>>,
    /// Nodes from which some goal can be reached, computed on first use.
    goal_reachers: OnceLock<Vec<bool>>,
}

impl<'m> ModelGraph<'m> {
    /// Resolves every id in `model`. First definition wins when ids repeat.
    pub fn build(model: &'m Model) -> Self {
        let mut node_ix = HashMap::with_capacity(model.nodes.len());
        for (i, n) in model.nodes.iter().enumerate() {
            node_ix.entry(n.id.as_str()).or_insert(i);
        }
        let mut initiative_ix = HashMap::with_capacity(model.initiatives.len());
        for (i, n) in model.initiatives.iter().enumerate() {
            initiative_ix.entry(n.id.as_str()).or_insert(i);
        }
        let mut out_links = vec![Vec::new(); model.nodes.len()];
        let mut in_links = vec![Vec::new(); model.nodes.len()];
        let ends: Vec<_> = model
            .links
            .iter()
            .enumerate()
            .map(|(li, l)| {
                let from = *node_ix.get(l.from.as_str())?;
                let to = *node_ix.get(l.to.as_str())?;
                out_links[from].push(li);
                in_links[to].push(li);
                Some((from, to))
            })
            .collect();
        let delivers: Vec<Vec<NodeIx>> = model
            .initiatives
            .iter()
            .map(|i| {
                i.delivers.iter().filter_map(|d| node_ix.get(d.node.as_str()).copied()).collect()
            })
            .collect();
        let mut delivered_to = vec![Vec::new(); model.nodes.len()];
        for (i, nodes) in delivers.iter().enumerate() {
            for &n in nodes {
                if delivered_to[n].last() != Some(&i) {
                    delivered_to[n].push(i);
                }
            }
        }
        let mut measured_by = vec![Vec::new(); model.nodes.len()];
        for (k, ind) in model.indicators.iter().enumerate() {
            if let Some(&n) = node_ix.get(ind.measures.as_str()) {
                measured_by[n].push(k);
            }
        }
        ModelGraph {
            model,
            node_ix,
            initiative_ix,
            out_links,
            in_links,
            ends,
            delivers,
            delivered_to,
            measured_by,
            goal_reachers: OnceLock::new(),
        }
    }

    /// The model this graph resolves.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The index of the node with this id.
    pub fn node(&self, id: &str) -> Option<NodeIx> {
        self.node_ix.get(id).copied()
    }

    /// The index of the initiative with this id.
    pub fn initiative(&self, id: &str) -> Option<InitiativeIx> {
        self.initiative_ix.get(id).copied()
    }

    /// Resolved `(from, to)` of a link, if both ends exist.
    pub fn ends(&self, link: LinkIx) -> Option<(NodeIx, NodeIx)> {
        self.ends[link]
    }

    /// Links leaving a node.
    pub fn out_links(&self, node: NodeIx) -> &[LinkIx] {
        &self.out_links[node]
    }

    /// Links entering a node.
    pub fn in_links(&self, node: NodeIx) -> &[LinkIx] {
        &self.in_links[node]
    }

    /// Nodes an initiative delivers (known ids only).
    pub fn delivered_by(&self, initiative: InitiativeIx) -> &[NodeIx] {
        &self.delivers[initiative]
    }

    /// Initiatives that deliver a node, in file order.
    pub fn delivering(&self, node: NodeIx) -> &[InitiativeIx] {
        &self.delivered_to[node]
    }

    /// Indicators (indices into [`Model::indicators`]) that measure a node, in file order.
    pub fn indicators_of(&self, node: NodeIx) -> &[usize] {
        &self.measured_by[node]
    }

    /// Every node reachable upward from `starts` along links that are not feedback links.
    pub fn reachable_from(&self, starts: &[NodeIx]) -> Vec<bool> {
        let mut seen = vec![false; self.model.nodes.len()];
        let mut queue: VecDeque<NodeIx> = VecDeque::new();
        for &s in starts {
            if !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(n) = queue.pop_front() {
            for &li in &self.out_links[n] {
                if self.model.links[li].feedback {
                    continue;
                }
                if let Some((_, to)) = self.ends[li]
                    && !seen[to]
                {
                    seen[to] = true;
                    queue.push_back(to);
                }
            }
        }
        seen
    }

    /// Every node from which one of `targets` can be reached along links that are not feedback
    /// links: the mirror of [`ModelGraph::reachable_from`], one search for any number of targets.
    pub fn reaching(&self, targets: &[NodeIx]) -> Vec<bool> {
        let mut seen = vec![false; self.model.nodes.len()];
        let mut queue: VecDeque<NodeIx> = VecDeque::new();
        for &t in targets {
            if !seen[t] {
                seen[t] = true;
                queue.push_back(t);
            }
        }
        while let Some(n) = queue.pop_front() {
            for &li in &self.in_links[n] {
                if self.model.links[li].feedback {
                    continue;
                }
                if let Some((from, _)) = self.ends[li]
                    && !seen[from]
                {
                    seen[from] = true;
                    queue.push_back(from);
                }
            }
        }
        seen
    }

    /// For each node: does some goal lie above it? Computed once per graph, as every trace asks.
    pub fn reaches_a_goal(&self) -> &[bool] {
        self.goal_reachers.get_or_init(|| {
            let goals: Vec<NodeIx> = self.goal_indices().collect();
            self.reaching(&goals)
        })
    }

    /// Every node the initiatives of `program` reach through their deliveries, the delivered
    /// nodes included.
    pub fn program_reach(&self, program: &str) -> Vec<bool> {
        let delivered: Vec<NodeIx> = self
            .model
            .initiatives
            .iter()
            .zip(&self.delivers)
            .filter(|(i, _)| i.program.as_ref().is_some_and(|p| p.as_str() == program))
            .flat_map(|(_, d)| d.iter().copied())
            .collect();
        self.reachable_from(&delivered)
    }

    /// Goals an initiative reaches through its deliveries and the links above them.
    pub fn goals_served_by(&self, initiative: InitiativeIx) -> Vec<NodeIx> {
        let seen = self.reachable_from(&self.delivers[initiative]);
        self.goal_indices().filter(|&g| seen[g]).collect()
    }

    /// For each node: is it reached by at least one initiative?
    pub fn served_nodes(&self) -> Vec<bool> {
        let starts: Vec<NodeIx> = self.delivers.iter().flatten().copied().collect();
        self.reachable_from(&starts)
    }

    /// Indices of goal nodes.
    pub fn goal_indices(&self) -> impl Iterator<Item = NodeIx> + '_ {
        self.model
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == crate::NodeKind::Goal)
            .map(|(i, _)| i)
    }

    /// Cycles among non-feedback links: each is the set of links inside one strongly connected
    /// component (self-loops included), in link order.
    pub fn link_cycles(&self) -> Vec<Vec<LinkIx>> {
        let n = self.model.nodes.len();
        let mut g: DiGraph<(), LinkIx> = DiGraph::with_capacity(n, self.model.links.len());
        for _ in 0..n {
            g.add_node(());
        }
        for (li, e) in self.ends.iter().enumerate() {
            if let Some((a, b)) = *e
                && !self.model.links[li].feedback
            {
                g.add_edge(NodeIndex::new(a), NodeIndex::new(b), li);
            }
        }
        let mut component = vec![usize::MAX; n];
        let mut cycles = Vec::new();
        for (ci, scc) in tarjan_scc(&g).into_iter().enumerate() {
            for v in &scc {
                component[v.index()] = ci;
            }
        }
        let mut by_component: HashMap<usize, Vec<LinkIx>> = HashMap::new();
        for (li, e) in self.ends.iter().enumerate() {
            if let Some((a, b)) = *e
                && !self.model.links[li].feedback
                && component[a] == component[b]
            {
                by_component.entry(component[a]).or_default().push(li);
            }
        }
        cycles.extend(by_component.into_values());
        cycles.sort();
        cycles
    }

    /// Cycles in `depends_on` between initiatives, as sets of initiative indices.
    pub fn dependency_cycles(&self) -> Vec<Vec<InitiativeIx>> {
        let n = self.model.initiatives.len();
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, n);
        for _ in 0..n {
            g.add_node(());
        }
        for (i, ini) in self.model.initiatives.iter().enumerate() {
            for d in &ini.depends_on {
                if let Some(&j) = self.initiative_ix.get(d.as_str()) {
                    g.add_edge(NodeIndex::new(i), NodeIndex::new(j), ());
                }
            }
        }
        let mut cycles: Vec<Vec<InitiativeIx>> = tarjan_scc(&g)
            .into_iter()
            .filter(|scc| scc.len() > 1 || g.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut v: Vec<_> = scc.into_iter().map(|x| x.index()).collect();
                v.sort_unstable();
                v
            })
            .collect();
        cycles.sort();
        cycles
    }
}

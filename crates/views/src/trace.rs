//! "Why does this work matter?" and "What supports this goal?": every path through the model,
//! with the rationale, assumptions, evidence and effect of each step.

use model::graph::{LinkIx, ModelGraph, NodeIx};
use model::{Model, NodeKind};
use serde::Serialize;

/// At most this many paths are listed per trace; beyond it the trace says it was cut.
pub const MAX_PATHS: usize = 200;

/// Evidence on a step.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    /// Citation.
    pub source: String,
    /// Strength, if stated.
    pub strength: Option<String>,
    /// Link to it.
    pub url: Option<String>,
}

/// One link on a path.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Why the one leads to the other.
    pub rationale: Option<String>,
    /// What must hold.
    pub assumptions: Vec<String>,
    /// What supports it.
    pub evidence: Vec<EvidenceView>,
    /// The effect, as written.
    pub effect: Option<String>,
    /// Its unit.
    pub effect_unit: Option<String>,
    /// Probability that the link works.
    pub probability: Option<f64>,
}

/// A chain of links.
#[derive(Clone, Debug, Serialize)]
pub struct Path {
    /// Node ids from start to end.
    pub nodes: Vec<String>,
    /// The links between them.
    pub steps: Vec<Step>,
}

/// Something an initiative delivers.
#[derive(Clone, Debug, Serialize)]
pub struct DeliveryView {
    /// Node id.
    pub node: String,
    /// Node level.
    pub level: String,
    /// Amount, as written.
    pub amount: Option<String>,
    /// Unit of the node.
    pub unit: Option<String>,
    /// Probability it happens.
    pub probability: Option<f64>,
}

/// Why an initiative matters: every path from what it delivers up to a goal.
#[derive(Clone, Debug, Serialize)]
pub struct WhyItMatters {
    /// Initiative id.
    pub initiative: String,
    /// Its name.
    pub name: String,
    /// Its program.
    pub program: Option<String>,
    /// Owner team.
    pub team: String,
    /// What it delivers.
    pub delivers: Vec<DeliveryView>,
    /// Paths to goals.
    pub paths: Vec<Path>,
    /// Goals reached (ids), in model order.
    pub goals: Vec<String>,
    /// True when more than [`MAX_PATHS`] paths exist.
    pub truncated: bool,
}

/// An initiative that feeds a node.
#[derive(Clone, Debug, Serialize)]
pub struct Supporter {
    /// Initiative id.
    pub initiative: String,
    /// Its name.
    pub name: String,
    /// Its program.
    pub program: Option<String>,
    /// Paths from what it delivers to the node.
    pub paths: Vec<Path>,
}

/// What supports a goal or outcome: every initiative and program that feeds it.
#[derive(Clone, Debug, Serialize)]
pub struct WhatSupports {
    /// Node id.
    pub node: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: String,
    /// True for goals.
    pub goal: bool,
    /// Initiatives that feed it, in model order.
    pub initiatives: Vec<Supporter>,
    /// Programs of those initiatives, in model order.
    pub programs: Vec<String>,
    /// Indicators that measure it.
    pub indicators: Vec<String>,
    /// Paths from this node up to goals (for outcomes: what it leads to).
    pub leads_to: Vec<Path>,
    /// True when some path list was cut at [`MAX_PATHS`].
    pub truncated: bool,
}

/// The trace of one id.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trace {
    /// An initiative: why it matters.
    Initiative(WhyItMatters),
    /// A node or goal: what supports it.
    Node(WhatSupports),
}

/// Why a trace could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceError {
    /// No initiative, node or goal has this id; the closest ids follow.
    UnknownId(String, Vec<String>),
}

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceError::UnknownId(id, near) if near.is_empty() => {
                write!(f, "no initiative, node or goal has the id `{id}`")
            }
            TraceError::UnknownId(id, near) => write!(
                f,
                "no initiative, node or goal has the id `{id}`; did you mean {}?",
                near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ")
            ),
        }
    }
}

impl std::error::Error for TraceError {}

/// Traces an initiative (upwards) or a node or goal (what feeds it).
pub fn trace(model: &Model, graph: &ModelGraph<'_>, id: &str) -> Result<Trace, TraceError> {
    if let Some(i) = graph.initiative(id) {
        return Ok(Trace::Initiative(why_it_matters(model, graph, i)));
    }
    if let Some(n) = graph.node(id) {
        return Ok(Trace::Node(what_supports(model, graph, n)));
    }
    let mut near: Vec<(usize, String)> = model
        .initiatives
        .iter()
        .map(|i| i.id.to_string())
        .chain(model.nodes.iter().map(|n| n.id.to_string()))
        .map(|c| {
            // Whole-id typos, and typos in the first part of a long id.
            let prefix: String = c.chars().take(id.chars().count()).collect();
            (edit_distance(id, &c).min(edit_distance(id, &prefix) + 1), c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len().min(id.len()) / 4))
        .collect();
    near.sort();
    Err(TraceError::UnknownId(id.to_string(), near.into_iter().take(3).map(|(_, c)| c).collect()))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn step(model: &Model, li: LinkIx) -> Step {
    let l = &model.links[li];
    Step {
        from: l.from.to_string(),
        to: l.to.to_string(),
        rationale: l.rationale.clone(),
        assumptions: l.assumptions.iter().map(|a| a.text.clone()).collect(),
        evidence: l
            .evidence
            .iter()
            .map(|e| EvidenceView {
                source: e.source.clone(),
                strength: e.strength.map(|s| format!("{s:?}").to_lowercase()),
                url: e.url.clone(),
            })
            .collect(),
        effect: l.effect.map(|e| e.to_string()),
        effect_unit: l.effect_unit.clone(),
        probability: l.probability,
    }
}

/// Every path from `start` along non-feedback links to a node where `is_end` holds, depth
/// first, visiting only nodes for which `useful` holds. Returns the paths and whether it was cut.
fn paths_from(
    model: &Model,
    graph: &ModelGraph<'_>,
    start: NodeIx,
    is_end: &dyn Fn(NodeIx) -> bool,
    useful: &dyn Fn(NodeIx) -> bool,
    limit: usize,
) -> (Vec<Path>, bool) {
    let mut out = Vec::new();
    let mut truncated = false;
    let mut stack: Vec<(NodeIx, Vec<LinkIx>)> = vec![(start, Vec::new())];
    while let Some((n, links)) = stack.pop() {
        if is_end(n) && !links.is_empty() {
            if out.len() == limit {
                truncated = true;
                break;
            }
            let mut nodes = vec![model.nodes[start].id.to_string()];
            nodes.extend(links.iter().map(|&l| model.links[l].to.to_string()));
            out.push(Path { nodes, steps: links.iter().map(|&l| step(model, l)).collect() });
        }
        // Reverse so that the first link is explored first.
        for &li in graph.out_links(n).iter().rev() {
            if model.links[li].feedback {
                continue;
            }
            let Some((_, to)) = graph.ends(li) else { continue };
            if useful(to) {
                let mut next = links.clone();
                next.push(li);
                stack.push((to, next));
            }
        }
    }
    (out, truncated)
}

/// The delivered nodes no other delivered node leads to: paths from the others would only repeat
/// the tails of paths from these.
fn outermost(graph: &ModelGraph<'_>, delivered: &[NodeIx]) -> Vec<NodeIx> {
    let reached: Vec<Vec<bool>> = delivered.iter().map(|&m| graph.reachable_from(&[m])).collect();
    let mut out: Vec<NodeIx> = Vec::new();
    for (k, &n) in delivered.iter().enumerate() {
        let covered = delivered.iter().enumerate().any(|(j, &m)| j != k && m != n && reached[j][n]);
        if !covered && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn why_it_matters(model: &Model, graph: &ModelGraph<'_>, i: usize) -> WhyItMatters {
    let ini = &model.initiatives[i];
    let mut paths = Vec::new();
    let mut truncated = false;
    let is_goal = |n: NodeIx| model.nodes[n].kind == NodeKind::Goal;
    let goal_reachers = graph.reaches_a_goal();
    for n in outermost(graph, graph.delivered_by(i)) {
        let (p, t) =
            paths_from(model, graph, n, &is_goal, &|x| goal_reachers[x], MAX_PATHS - paths.len());
        paths.extend(p);
        truncated |= t;
    }
    let goals =
        graph.goals_served_by(i).into_iter().map(|g| model.nodes[g].id.to_string()).collect();
    WhyItMatters {
        initiative: ini.id.to_string(),
        name: ini.name.clone(),
        program: ini.program.as_ref().map(|p| p.to_string()),
        team: ini.team.to_string(),
        delivers: ini
            .delivers
            .iter()
            .map(|d| {
                let node = graph.node(d.node.as_str()).map(|n| &model.nodes[n]);
                DeliveryView {
                    node: d.node.to_string(),
                    level: node.map_or_else(String::new, |n| n.level.to_string()),
                    amount: d.amount.map(|a| a.to_string()),
                    unit: node.and_then(|n| n.unit.clone()),
                    probability: d.probability,
                }
            })
            .collect(),
        paths,
        goals,
        truncated,
    }
}

fn what_supports(model: &Model, graph: &ModelGraph<'_>, target: NodeIx) -> WhatSupports {
    let node = &model.nodes[target];
    let reach = graph.reaching(&[target]);
    let mut initiatives = Vec::new();
    let mut programs: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut budget = MAX_PATHS;
    for (i, ini) in model.initiatives.iter().enumerate() {
        let starts: Vec<NodeIx> =
            outermost(graph, graph.delivered_by(i)).into_iter().filter(|&n| reach[n]).collect();
        if starts.is_empty() {
            continue;
        }
        let mut paths = Vec::new();
        for n in starts {
            if n == target {
                continue;
            }
            let (p, t) = paths_from(model, graph, n, &|x| x == target, &|x| reach[x], budget);
            budget -= p.len();
            paths.extend(p);
            truncated |= t;
        }
        if let Some(p) = &ini.program
            && !programs.iter().any(|x| x == p.as_str())
        {
            programs.push(p.to_string());
        }
        initiatives.push(Supporter {
            initiative: ini.id.to_string(),
            name: ini.name.clone(),
            program: ini.program.as_ref().map(|p| p.to_string()),
            paths,
        });
    }
    let is_goal = |n: NodeIx| model.nodes[n].kind == NodeKind::Goal;
    let (leads_to, t) = if node.kind == NodeKind::Goal {
        (Vec::new(), false)
    } else {
        paths_from(model, graph, target, &is_goal, &|_| true, MAX_PATHS)
    };
    WhatSupports {
        node: node.id.to_string(),
        name: node.name.clone(),
        level: node.level.to_string(),
        goal: node.kind == NodeKind::Goal,
        initiatives,
        programs,
        indicators: model
            .indicators
            .iter()
            .filter(|i| i.measures == node.id)
            .map(|i| i.id.to_string())
            .collect(),
        leads_to,
        truncated: truncated || t,
    }
}

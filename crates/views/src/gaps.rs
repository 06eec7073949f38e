//! What is missing: work nobody can justify, goals nobody serves, outcomes nobody measures,
//! assumptions nothing supports.

use model::graph::ModelGraph;
use model::{Model, NodeKind, Status};
use serde::Serialize;

/// An item named in a gap.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A link whose assumptions have no evidence.
#[derive(Clone, Debug, Serialize)]
pub struct UnsupportedLink {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Its assumptions (empty when it states none).
    pub assumptions: Vec<String>,
}

/// Every gap in a model.
#[derive(Clone, Debug, Serialize)]
pub struct Gaps {
    /// Initiatives with no path to a goal (research that informs a link excepted).
    pub unjustified_work: Vec<Item>,
    /// Goals no initiative serves.
    pub unserved_goals: Vec<Item>,
    /// Outcomes (and goals) no indicator measures.
    pub unmeasured_outcomes: Vec<Item>,
    /// Links whose assumptions no evidence supports.
    pub assumptions_without_evidence: Vec<UnsupportedLink>,
}

impl Gaps {
    /// Number of gaps of all kinds.
    pub fn total(&self) -> usize {
        self.unjustified_work.len()
            + self.unserved_goals.len()
            + self.unmeasured_outcomes.len()
            + self.assumptions_without_evidence.len()
    }
}

/// Finds the gaps.
pub fn gaps(model: &Model, graph: &ModelGraph<'_>) -> Gaps {
    let item = |id: &model::Id, name: &str| Item { id: id.to_string(), name: name.to_string() };
    let unjustified_work = model
        .initiatives
        .iter()
        .enumerate()
        // Research that `inform`s a link is justified by what it would teach.
        .filter(|(i, ini)| {
            ini.status != Status::Cancelled
                && graph.goals_served_by(*i).is_empty()
                && ini.informed_links(model).is_empty()
        })
        .map(|(_, ini)| item(&ini.id, &ini.name))
        .collect();
    let served = graph.served_nodes();
    let unserved_goals = graph
        .goal_indices()
        .filter(|&g| !served[g])
        .map(|g| item(&model.nodes[g].id, &model.nodes[g].name))
        .collect();
    let measured: std::collections::HashSet<&str> =
        model.indicators.iter().map(|i| i.measures.as_str()).collect();
    let unmeasured_outcomes = model
        .nodes
        .iter()
        .filter(|n| {
            (n.level.is_outcome() || n.kind == NodeKind::Goal) && !measured.contains(n.id.as_str())
        })
        .map(|n| item(&n.id, &n.name))
        .collect();
    let assumptions_without_evidence = model
        .links
        .iter()
        .filter(|l| !l.feedback && l.evidence.is_empty())
        .map(|l| UnsupportedLink {
            from: l.from.to_string(),
            to: l.to.to_string(),
            assumptions: l.assumptions.iter().map(|a| a.text.clone()).collect(),
        })
        .collect();
    Gaps { unjustified_work, unserved_goals, unmeasured_outcomes, assumptions_without_evidence }
}

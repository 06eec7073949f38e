//! The frameworks nonprofit professionals use, as views of the one model: each in its own form
//! and vocabulary, each with the gaps its completeness rules find.

use std::collections::HashSet;

use model::graph::ModelGraph;
use model::{AudienceKind, Level, Model, NodeKind, Polarity, RbaQuestion, SourceKind};
use serde::Serialize;

/// An item in a framework table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Entry {
    /// Id in the model.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// An indicator as frameworks show it: who, how many, by when, measured how.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Baseline, as "value (date)".
    pub baseline: Option<String>,
    /// Target, as "value by date".
    pub target: Option<String>,
    /// Means of verification: where the data comes from.
    pub verification: Option<String>,
}

fn num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn indicator_views(model: &Model, graph: &ModelGraph<'_>, node: usize) -> Vec<IndicatorView> {
    graph
        .indicators_of(node)
        .iter()
        .map(|&k| &model.indicators[k])
        .map(|i| IndicatorView {
            id: i.id.to_string(),
            name: i.name.clone(),
            baseline: i.baseline.as_ref().map(|b| format!("{} ({})", num(b.value), b.date)),
            target: i.target.as_ref().map(|t| format!("{} by {}", num(t.value), t.date)),
            verification: i.source.as_ref().map(|s| match s.kind {
                SourceKind::WikimediaRest => {
                    format!(
                        "Wikimedia analytics REST API: {}",
                        s.metric.as_deref().unwrap_or("metric")
                    )
                }
                SourceKind::Csv => format!("CSV file {}", s.path.as_deref().unwrap_or("")),
                SourceKind::Phabricator => "Phabricator".to_string(),
                SourceKind::Manual => "entered by hand".to_string(),
            }),
        })
        .collect()
}

/// Nodes of a program, plus the goals its links reach directly.
fn program_nodes(model: &Model, graph: &ModelGraph<'_>, program: &str) -> Vec<usize> {
    let mut set: Vec<usize> = model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.program.as_ref().is_some_and(|p| p.as_str() == program))
        .map(|(i, _)| i)
        .collect();
    let mut in_program = vec![false; model.nodes.len()];
    for &i in &set {
        in_program[i] = true;
    }
    let mut listed = in_program.clone();
    // In link order, as the goals appear in the files.
    for li in 0..model.links.len() {
        if let Some((from, to)) = graph.ends(li)
            && in_program[from]
            && model.nodes[to].kind == NodeKind::Goal
            && !listed[to]
        {
            listed[to] = true;
            set.push(to);
        }
    }
    set
}

fn assumptions_from(model: &Model, nodes: &[usize]) -> Vec<String> {
    let ids: HashSet<&str> = nodes.iter().map(|&i| model.nodes[i].id.as_str()).collect();
    let mut out: Vec<String> = Vec::new();
    for l in model.links.iter().filter(|l| ids.contains(l.from.as_str())) {
        for a in &l.assumptions {
            if !out.contains(&a.text) {
                out.push(a.text.clone());
            }
        }
    }
    out
}

/// A Kellogg logic model for one program.
#[derive(Clone, Debug, Serialize)]
pub struct LogicModel {
    /// Program id.
    pub program: String,
    /// Program name.
    pub name: String,
    /// Inputs: resources (input nodes, teams and budgets of the program's initiatives).
    pub inputs: Vec<String>,
    /// Activities.
    pub activities: Vec<Entry>,
    /// Outputs.
    pub outputs: Vec<Entry>,
    /// Short-term outcomes.
    pub outcomes_short: Vec<Entry>,
    /// Intermediate outcomes.
    pub outcomes_intermediate: Vec<Entry>,
    /// Long-term outcomes.
    pub outcomes_long: Vec<Entry>,
    /// Impact: goals the program's chains reach.
    pub impact: Vec<Entry>,
    /// Assumptions on the program's links.
    pub assumptions: Vec<String>,
    /// External factors.
    pub external_factors: Vec<String>,
    /// What the framework finds missing.
    pub gaps: Vec<String>,
}

/// The logic model of a program.
pub fn logic_model(model: &Model, graph: &ModelGraph<'_>, program: &str) -> Option<LogicModel> {
    let p = model.programs.iter().find(|p| p.id.as_str() == program)?;
    let nodes = program_nodes(model, graph, program);
    let at = |level: Level| -> Vec<Entry> {
        nodes
            .iter()
            .map(|&i| &model.nodes[i])
            .filter(|n| n.level == level)
            .map(|n| Entry { id: n.id.to_string(), name: n.name.clone() })
            .collect()
    };
    let mut inputs: Vec<String> = at(Level::Input).into_iter().map(|e| e.name).collect();
    let mut team_effort: Vec<(String, f64, f64)> = Vec::new();
    for ini in model
        .initiatives
        .iter()
        .filter(|i| i.program.as_ref().is_some_and(|x| x.as_str() == program))
    {
        let effort = ini.effort.map_or(0.0, |e| e.mean());
        let cost = ini.cost.map_or(0.0, |c| c.mean());
        match team_effort.iter_mut().find(|(t, _, _)| t == ini.team.as_str()) {
            Some(t) => {
                t.1 += effort;
                t.2 += cost;
            }
            None => team_effort.push((ini.team.to_string(), effort, cost)),
        }
    }
    for (team, effort, cost) in &team_effort {
        let name = model
            .teams
            .iter()
            .find(|t| t.id.as_str() == team)
            .map_or(team.as_str(), |t| t.name.as_str());
        inputs.push(format!(
            "{name}: about {:.1} person-quarters, {} {}",
            effort,
            num((cost / 1000.0).round() * 1000.0),
            model.meta.currency
        ));
    }
    let mut lm = LogicModel {
        program: program.to_string(),
        name: p.name.clone(),
        inputs,
        activities: at(Level::Activity),
        outputs: at(Level::Output),
        outcomes_short: at(Level::OutcomeShort),
        outcomes_intermediate: at(Level::OutcomeIntermediate),
        outcomes_long: at(Level::OutcomeLong),
        impact: at(Level::Impact),
        assumptions: assumptions_from(model, &nodes),
        external_factors: p.external_factors.clone(),
        gaps: Vec::new(),
    };
    for (empty, what) in [
        (lm.activities.is_empty(), "no activities"),
        (lm.outputs.is_empty(), "no outputs"),
        (
            lm.outcomes_short.is_empty()
                && lm.outcomes_intermediate.is_empty()
                && lm.outcomes_long.is_empty(),
            "no outcomes",
        ),
        (lm.impact.is_empty(), "no link to a goal"),
        (lm.external_factors.is_empty(), "no external factors"),
    ] {
        if empty {
            lm.gaps.push(what.to_string());
        }
    }
    Some(lm)
}

/// A precondition in a theory of change, with what leads to it.
#[derive(Clone, Debug, Serialize)]
pub struct Precondition {
    /// Node id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: String,
    /// Who it is for.
    pub audiences: Vec<String>,
    /// Indicators: who, how many, by when.
    pub indicators: Vec<IndicatorView>,
    /// Interventions: initiatives that deliver it directly.
    pub interventions: Vec<Entry>,
    /// Why the precondition leads to the one above (rationale of the link).
    pub rationale: Option<String>,
    /// Assumptions of that link.
    pub assumptions: Vec<String>,
    /// Preconditions below it.
    pub preconditions: Vec<Precondition>,
    /// True when this precondition was already shown in full elsewhere in the tree (its own
    /// preconditions are listed there, once: a dense model would otherwise repeat them
    /// exponentially often).
    pub repeated: bool,
}

/// A theory of change: backwards from a long-term goal.
#[derive(Clone, Debug, Serialize)]
pub struct TheoryOfChange {
    /// The goal, at the top.
    pub goal: Precondition,
}

/// The theory of change that ends in `goal`, read backwards through its preconditions.
pub fn theory_of_change(
    model: &Model,
    graph: &ModelGraph<'_>,
    goal: &str,
) -> Option<TheoryOfChange> {
    let g = graph.node(goal)?;
    let mut visiting = vec![false; model.nodes.len()];
    let mut shown = vec![false; model.nodes.len()];
    Some(TheoryOfChange { goal: precondition(model, graph, g, None, &mut visiting, &mut shown) })
}

fn precondition(
    model: &Model,
    graph: &ModelGraph<'_>,
    n: usize,
    via: Option<usize>,
    visiting: &mut Vec<bool>,
    shown: &mut Vec<bool>,
) -> Precondition {
    let node = &model.nodes[n];
    let repeated = shown[n];
    shown[n] = true;
    visiting[n] = true;
    let mut pre = Vec::new();
    for &li in graph.in_links(n).iter().filter(|_| !repeated) {
        let l = &model.links[li];
        if l.feedback {
            continue;
        }
        if let Some((from, _)) = graph.ends(li)
            && !visiting[from]
        {
            pre.push(precondition(model, graph, from, Some(li), visiting, shown));
        }
    }
    visiting[n] = false;
    let link = via.map(|li| &model.links[li]);
    Precondition {
        id: node.id.to_string(),
        name: node.name.clone(),
        level: node.level.to_string(),
        audiences: node.audiences.iter().map(|a| a.to_string()).collect(),
        indicators: indicator_views(model, graph, n),
        interventions: graph
            .delivering(n)
            .iter()
            .map(|&i| &model.initiatives[i])
            .map(|i| Entry { id: i.id.to_string(), name: i.name.clone() })
            .collect(),
        rationale: link.and_then(|l| l.rationale.clone()),
        assumptions: link
            .map(|l| l.assumptions.iter().map(|a| a.text.clone()).collect())
            .unwrap_or_default(),
        preconditions: pre,
        repeated,
    }
}

/// Picks the levels that belong to a logframe row.
type LevelFilter = fn(Level) -> bool;

/// A row of a logical framework matrix.
#[derive(Clone, Debug, Serialize)]
pub struct LogframeRow {
    /// Goal, Purpose, Outputs or Activities.
    pub level: &'static str,
    /// Narrative summary.
    pub narrative: Vec<String>,
    /// Objectively verifiable indicators.
    pub indicators: Vec<String>,
    /// Means of verification.
    pub verification: Vec<String>,
    /// Assumptions (what must hold to reach the row above).
    pub assumptions: Vec<String>,
}

/// A logical framework matrix for one program.
#[derive(Clone, Debug, Serialize)]
pub struct Logframe {
    /// Program id.
    pub program: String,
    /// Program name.
    pub name: String,
    /// Goal, Purpose, Outputs, Activities.
    pub rows: Vec<LogframeRow>,
    /// What the framework finds missing.
    pub gaps: Vec<String>,
}

/// The logframe of a program.
pub fn logframe(model: &Model, graph: &ModelGraph<'_>, program: &str) -> Option<Logframe> {
    let p = model.programs.iter().find(|p| p.id.as_str() == program)?;
    let nodes = program_nodes(model, graph, program);
    let rows_spec: [(&'static str, LevelFilter); 4] = [
        ("Goal", |l| l == Level::Impact),
        ("Purpose", Level::is_outcome),
        ("Outputs", |l| l == Level::Output),
        ("Activities", |l| l == Level::Activity || l == Level::Input),
    ];
    let mut gaps = Vec::new();
    let rows = rows_spec
        .iter()
        .map(|(title, pick)| {
            let members: Vec<usize> =
                nodes.iter().copied().filter(|&i| pick(model.nodes[i].level)).collect();
            let mut indicators = Vec::new();
            let mut verification = Vec::new();
            for &i in &members {
                for iv in indicator_views(model, graph, i) {
                    let target = iv.target.as_deref().map(|t| format!(": {t}")).unwrap_or_default();
                    indicators.push(format!("{}{target}", iv.name));
                    verification.push(iv.verification.unwrap_or_else(|| {
                        gaps.push(format!("{title}: `{}` has no means of verification", iv.id));
                        "(not stated)".to_string()
                    }));
                }
            }
            if members.is_empty() {
                gaps.push(format!("{title}: empty"));
            } else if indicators.is_empty() && *title != "Activities" {
                gaps.push(format!("{title}: no indicator"));
            }
            LogframeRow {
                level: title,
                narrative: members.iter().map(|&i| model.nodes[i].name.clone()).collect(),
                indicators,
                verification,
                assumptions: assumptions_from(model, &members),
            }
        })
        .collect();
    Some(Logframe { program: program.to_string(), name: p.name.clone(), rows, gaps })
}

/// One performance measure in Results-Based Accountability.
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    /// The indicator.
    pub indicator: IndicatorView,
    /// What it measures.
    pub measures: String,
    /// Which way is better.
    pub better: &'static str,
}

/// Results-Based Accountability: population results vs. performance measures.
#[derive(Clone, Debug, Serialize)]
pub struct Rba {
    /// Population accountability: indicators of goals (conditions of well-being for a population).
    pub population: Vec<Measure>,
    /// Performance accountability: how much did we do?
    pub how_much: Vec<Measure>,
    /// How well did we do it?
    pub how_well: Vec<Measure>,
    /// Is anyone better off?
    pub better_off: Vec<Measure>,
    /// Indicators without an RBA question.
    pub unclassified: Vec<Measure>,
}

/// The RBA view of the whole model.
pub fn rba(model: &Model, graph: &ModelGraph<'_>) -> Rba {
    let mut r = Rba {
        population: vec![],
        how_much: vec![],
        how_well: vec![],
        better_off: vec![],
        unclassified: vec![],
    };
    for i in &model.indicators {
        let Some(ix) = graph.node(i.measures.as_str()) else { continue };
        let node = &model.nodes[ix];
        let view = indicator_views(model, graph, ix).into_iter().find(|v| v.id == i.id.as_str());
        let Some(indicator) = view else { continue };
        let m = Measure {
            indicator,
            measures: node.name.clone(),
            better: if i.direction == Polarity::Increase { "higher" } else { "lower" },
        };
        if node.kind == NodeKind::Goal {
            r.population.push(m);
            continue;
        }
        match i.rba {
            Some(RbaQuestion::HowMuch) => r.how_much.push(m),
            Some(RbaQuestion::HowWell) => r.how_well.push(m),
            Some(RbaQuestion::BetterOff) => r.better_off.push(m),
            None => r.unclassified.push(m),
        }
    }
    r
}

/// The Impact Management Project's five dimensions of one outcome.
#[derive(Clone, Debug, Serialize)]
pub struct FiveDimensions {
    /// Outcome id.
    pub outcome: String,
    /// What: the outcome, its level and the goals it serves.
    pub what: String,
    /// Who: audiences, with kind and equity weight.
    pub who: Vec<String>,
    /// How much: scale and depth as targeted by its indicators.
    pub how_much: Vec<String>,
    /// Contribution: what would have happened anyway is excluded by construction (changes are
    /// modelled versus not doing the work); evidence on the links into it.
    pub contribution: Vec<String>,
    /// Risk: assumptions and links that may not work.
    pub risk: Vec<String>,
}

/// The five dimensions of every outcome, in model order.
pub fn five_dimensions(model: &Model, graph: &ModelGraph<'_>) -> Vec<FiveDimensions> {
    // Goals each node leads to: one backward search per goal instead of one forward per node.
    let mut goals_of: Vec<Vec<usize>> = vec![Vec::new(); model.nodes.len()];
    for g in graph.goal_indices() {
        let mut seen = vec![false; model.nodes.len()];
        let mut stack = vec![g];
        seen[g] = true;
        while let Some(v) = stack.pop() {
            goals_of[v].push(g);
            for &li in graph.in_links(v) {
                if let Some((from, _)) = graph.ends(li)
                    && !model.links[li].feedback
                    && !seen[from]
                {
                    seen[from] = true;
                    stack.push(from);
                }
            }
        }
    }
    model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.level.is_outcome())
        .map(|(ix, n)| {
            let goals: Vec<String> =
                goals_of[ix].iter().map(|&g| model.nodes[g].id.to_string()).collect();
            let who = n
                .audiences
                .iter()
                .filter_map(|a| model.audiences.iter().find(|x| &x.id == a))
                .map(|a| {
                    let kind = if a.kind == AudienceKind::EndUsers {
                        "end users"
                    } else {
                        "organizing community"
                    };
                    format!("{} ({kind}, equity weight {})", a.name, a.equity_weight)
                })
                .collect();
            let how_much = indicator_views(model, graph, ix)
                .into_iter()
                .map(|i| {
                    format!(
                        "{}: from {} to {}",
                        i.name,
                        i.baseline.unwrap_or_else(|| "(no baseline)".into()),
                        i.target.unwrap_or_else(|| "(no target)".into())
                    )
                })
                .collect();
            let incoming: Vec<&model::Link> =
                graph.in_links(ix).iter().map(|&li| &model.links[li]).collect();
            let mut contribution: Vec<String> = incoming
                .iter()
                .flat_map(|l| {
                    l.evidence.iter().map(move |e| {
                        let s = e
                            .strength
                            .map(|s| format!("{s:?}").to_lowercase())
                            .unwrap_or_else(|| "unrated".into());
                        format!("{} → {}: {} ({s})", l.from, l.to, e.source)
                    })
                })
                .collect();
            if contribution.is_empty() {
                contribution.push("no evidence on the links into this outcome".to_string());
            }
            let mut risk: Vec<String> = incoming
                .iter()
                .flat_map(|l| l.assumptions.iter().map(move |a| format!("assumes: {}", a.text)))
                .collect();
            for l in &incoming {
                if let Some(p) = l.probability
                    && p < 1.0
                {
                    risk.push(format!("{} → {} works with probability {p}", l.from, l.to));
                }
            }
            FiveDimensions {
                outcome: n.id.to_string(),
                what: format!(
                    "{} [{}], serving {}",
                    n.name,
                    n.level,
                    if goals.is_empty() { "no goal".into() } else { goals.join(", ") }
                ),
                who,
                how_much,
                contribution,
                risk,
            }
        })
        .collect()
}

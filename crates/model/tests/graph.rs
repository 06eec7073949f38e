//! Graph queries on small hand-built models with known answers.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::graph::ModelGraph;
use model::*;

fn node(id: &str, level: Level, kind: NodeKind) -> Node {
    Node {
        id: Id::parse(id).unwrap(),
        name: id.into(),
        kind,
        level,
        unit: None,
        program: None,
        audiences: vec![],
        description: None,
        direction: None,
        recommendation: None,
        sroi: None,
    }
}

fn link(from: &str, to: &str, feedback: bool) -> Link {
    Link {
        from: Id::parse(from).unwrap(),
        to: Id::parse(to).unwrap(),
        rationale: None,
        assumptions: vec![],
        evidence: vec![],
        effect: None,
        effect_unit: None,
        probability: None,
        skip_reason: None,
        feedback,
        prior_effect: None,
    }
}

fn initiative(id: &str, delivers: &[&str], depends_on: &[&str]) -> Initiative {
    Initiative {
        id: Id::parse(id).unwrap(),
        name: id.into(),
        program: None,
        team: Id::parse("t").unwrap(),
        status: Status::Proposed,
        cost: None,
        effort: None,
        depends_on: depends_on.iter().map(|d| Id::parse(d).unwrap()).collect(),
        excludes: vec![],
        must_do: false,
        tracker: vec![],
        audiences: vec![],
        benefits: Default::default(),
        delivers: delivers
            .iter()
            .map(|d| Delivery { node: Id::parse(d).unwrap(), amount: None, probability: None })
            .collect(),
        description: None,
        deployed: None,
        evaluation: None,
        inform: Vec::new(),
        hypotheses: vec![],
        ramp_up: None,
    }
}

fn sample() -> Model {
    Model {
        nodes: vec![
            node("a", Level::Activity, NodeKind::Step),
            node("o", Level::Output, NodeKind::Step),
            node("c", Level::OutcomeShort, NodeKind::Step),
            node("g", Level::Impact, NodeKind::Goal),
            node("h", Level::Impact, NodeKind::Goal),
            node("lonely", Level::Output, NodeKind::Step),
        ],
        links: vec![link("a", "o", false), link("o", "c", false), link("c", "g", false)],
        initiatives: vec![
            initiative("i1", &["a"], &[]),
            initiative("i2", &["lonely"], &["i1"]),
            initiative("i3", &["missing"], &[]),
        ],
        ..Model::default()
    }
}

#[test]
fn goals_are_reached_through_deliveries_and_links() {
    let m = sample();
    let g = ModelGraph::build(&m);
    assert_eq!(g.goals_served_by(0), vec![g.node("g").unwrap()]);
    assert!(g.goals_served_by(1).is_empty());
    assert!(g.goals_served_by(2).is_empty(), "unknown deliveries are skipped");
    let served = g.served_nodes();
    assert!(served[g.node("g").unwrap()]);
    assert!(!served[g.node("h").unwrap()]);
}

#[test]
fn cycles_are_found_and_feedback_links_break_them() {
    let mut m = sample();
    m.links.push(link("c", "a", false));
    let g = ModelGraph::build(&m);
    assert_eq!(g.link_cycles(), vec![vec![0, 1, 3]]);
    m.links[3].feedback = true;
    let g = ModelGraph::build(&m);
    assert!(g.link_cycles().is_empty());
    // A feedback link does not make the loop's start reachable from its end.
    assert!(!g.reachable_from(&[g.node("c").unwrap()])[g.node("a").unwrap()]);
}

#[test]
fn self_loops_are_cycles() {
    let mut m = sample();
    m.links.push(link("o", "o", false));
    assert_eq!(ModelGraph::build(&m).link_cycles(), vec![vec![3]]);
}

#[test]
fn dependency_cycles() {
    let mut m = sample();
    assert!(ModelGraph::build(&m).dependency_cycles().is_empty());
    m.initiatives[0].depends_on.push(Id::parse("i2").unwrap());
    assert_eq!(ModelGraph::build(&m).dependency_cycles(), vec![vec![0, 1]]);
}

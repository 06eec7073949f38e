//! Model → tables. Importable tables (programs, nodes, links, initiatives, indicators, teams,
//! audiences) use the format's keys as columns; lists of ids are written `a; b`, lists of texts
//! one per line, deliveries `node=amount` (`@probability` when not certain).

use evaluate::checkin::CheckIn;
use model::{Distribution, Id, Model};

use crate::{Book, Cell, Table};

/// What the tables show besides the model's own items, computed by the caller (the check-in
/// needs the measurement store, which this crate never opens).
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras<'a> {
    /// The latest check-in, if any.
    pub checkin: Option<&'a CheckIn>,
}

/// The separator of id lists in a cell.
pub(crate) const IDS: &str = "; ";

fn ids(v: &[Id]) -> Cell {
    if v.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(v.iter().map(Id::as_str).collect::<Vec<_>>().join(IDS))
    }
}

fn texts(v: &[String]) -> Cell {
    if v.is_empty() { Cell::Empty } else { Cell::Text(v.join("\n")) }
}

/// A distribution as a number when it is one, else in the file syntax (`2 to 8`).
fn dist(d: &Option<Distribution>) -> Cell {
    match d {
        None => Cell::Empty,
        Some(Distribution::Point { value }) => Cell::Number(*value),
        Some(d) => Cell::Text(d.to_string()),
    }
}

fn id(i: &Id) -> Cell {
    Cell::Text(i.as_str().to_string())
}

fn opt_id(i: &Option<Id>) -> Cell {
    i.as_ref().map_or(Cell::Empty, id)
}

fn unit(u: &str) -> Option<String> {
    Some(u.to_string())
}

/// Every table of `model`, in a fixed order.
pub fn book(model: &Model, revision: &str, date: model::Date, extras: Extras<'_>) -> Book {
    let currency = model.meta.currency.clone();
    let mut tables = vec![
        programs(model),
        nodes(model),
        links(model),
        initiatives(model, &currency),
        indicators(model),
        teams(model, &currency),
        audiences(model),
    ];
    tables.push(plan(model, &currency));
    tables.push(plan_key_results(model));
    tables.push(checkin(extras.checkin, &model.checkins));
    tables.push(evaluations(model));
    Book { model: model.meta.name.clone(), revision: revision.into(), date, tables }
}

fn programs(m: &Model) -> Table {
    let mut t = Table::new(
        "programs",
        "Programs.",
        &[
            ("id", None),
            ("name", None),
            ("owner", None),
            ("audiences", None),
            ("description", None),
            ("external_factors", None),
        ],
    );
    for p in &m.programs {
        t.push(
            vec![
                id(&p.id),
                p.name.as_str().into(),
                p.owner.clone().into(),
                ids(&p.audiences),
                p.description.clone().into(),
                texts(&p.external_factors),
            ],
            m.meta.data,
        );
    }
    t
}

fn nodes(m: &Model) -> Table {
    let mut t = Table::new(
        "nodes",
        "Goals and the steps of the results chains (level impact: a goal of the strategy).",
        &[
            ("id", None),
            ("name", None),
            ("level", None),
            ("unit", None),
            ("program", None),
            ("audiences", None),
            ("direction", None),
            ("recommendation", None),
            ("description", None),
        ],
    );
    for n in &m.nodes {
        t.push(
            vec![
                id(&n.id),
                n.name.as_str().into(),
                n.level.word().into(),
                n.unit.clone().into(),
                opt_id(&n.program),
                ids(&n.audiences),
                n.direction.map(|d| d.word()).into(),
                n.recommendation.clone().into(),
                n.description.clone().into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn links(m: &Model) -> Table {
    let mut t = Table::new(
        "links",
        "Links between steps: this leads to that.",
        &[
            ("from", None),
            ("to", None),
            ("rationale", None),
            ("assumptions", None),
            ("effect", None),
            ("effect_unit", None),
            ("probability", None),
            ("feedback", None),
            ("skip_reason", None),
        ],
    );
    for l in &m.links {
        let assumptions: Vec<String> = l.assumptions.iter().map(|a| a.text.clone()).collect();
        t.push(
            vec![
                id(&l.from),
                id(&l.to),
                l.rationale.clone().into(),
                texts(&assumptions),
                dist(&l.effect),
                l.effect_unit.clone().into(),
                l.probability.into(),
                if l.feedback { Cell::Bool(true) } else { Cell::Empty },
                l.skip_reason.clone().into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn initiatives(m: &Model, currency: &str) -> Table {
    let mut t = Table::new(
        "initiatives",
        "Engineering work.",
        &[
            ("id", None),
            ("name", None),
            ("program", None),
            ("team", None),
            ("status", None),
            ("cost", unit(currency)),
            ("effort", unit("person-quarters")),
            ("must_do", None),
            ("depends_on", None),
            ("excludes", None),
            ("audiences", None),
            ("delivers", None),
            ("tracker", None),
            ("deployed", None),
            ("hypotheses", None),
            ("description", None),
        ],
    );
    for i in &m.initiatives {
        let delivers: Vec<String> = i
            .delivers
            .iter()
            .map(|d| {
                let mut s = d.node.as_str().to_string();
                if let Some(a) = &d.amount {
                    s.push('=');
                    s.push_str(&a.to_string());
                }
                if let Some(p) = d.probability {
                    s.push('@');
                    s.push_str(&p.to_string());
                }
                s
            })
            .collect();
        let tracker: Vec<String> = i.tracker.iter().map(|t| t.as_str().to_string()).collect();
        let hypotheses: Vec<String> = i.hypotheses.iter().map(|h| h.to_string()).collect();
        t.push(
            vec![
                id(&i.id),
                i.name.as_str().into(),
                opt_id(&i.program),
                id(&i.team),
                i.status.word().into(),
                dist(&i.cost),
                dist(&i.effort),
                i.must_do.into(),
                ids(&i.depends_on),
                ids(&i.excludes),
                ids(&i.audiences),
                join(&delivers),
                join(&tracker),
                i.deployed.into(),
                join(&hypotheses),
                i.description.clone().into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn join(v: &[String]) -> Cell {
    if v.is_empty() { Cell::Empty } else { Cell::Text(v.join(IDS)) }
}

fn indicators(m: &Model) -> Table {
    let mut t = Table::new(
        "indicators",
        "How steps are measured (baseline and target in the indicator's unit).",
        &[
            ("id", None),
            ("name", None),
            ("measures", None),
            ("unit", None),
            ("direction", None),
            ("rba", None),
            ("baseline", None),
            ("baseline_date", None),
            ("target", None),
            ("target_date", None),
            ("definition", None),
        ],
    );
    for i in &m.indicators {
        t.push(
            vec![
                id(&i.id),
                i.name.as_str().into(),
                id(&i.measures),
                i.unit.clone().into(),
                i.direction.word().into(),
                i.rba.map(|r| r.word()).into(),
                i.baseline.as_ref().map(|b| b.value).into(),
                i.baseline.as_ref().map(|b| b.date).into(),
                i.target.as_ref().map(|b| b.value).into(),
                i.target.as_ref().map(|b| b.date).into(),
                i.definition.clone().into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn teams(m: &Model, currency: &str) -> Table {
    let mut t = Table::new(
        "teams",
        "Teams and their capacity.",
        &[
            ("id", None),
            ("name", None),
            ("capacity", unit("FTE per quarter")),
            ("rate", Some(format!("{currency} per FTE-year"))),
        ],
    );
    for tm in &m.teams {
        t.push(
            vec![id(&tm.id), tm.name.as_str().into(), tm.capacity.into(), tm.rate.into()],
            m.meta.data,
        );
    }
    t
}

fn audiences(m: &Model) -> Table {
    let mut t = Table::new(
        "audiences",
        "Who benefits or takes part.",
        &[
            ("id", None),
            ("name", None),
            ("kind", None),
            ("equity_weight", None),
            ("description", None),
        ],
    );
    for a in &m.audiences {
        t.push(
            vec![
                id(&a.id),
                a.name.as_str().into(),
                a.kind.word().into(),
                a.equity_weight.into(),
                a.description.clone().into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn plan(m: &Model, currency: &str) -> Table {
    let mut t = Table::new(
        "plan",
        "The saved annual plan (`throughline plan --write`): each chosen initiative and its quarter.",
        &[
            ("initiative", None),
            ("name", None),
            ("team", None),
            ("quarter", None),
            ("expected_cost", unit(currency)),
        ],
    );
    let Some(plan) = &m.saved_plan else { return t };
    for (ini, quarter) in &plan.schedule {
        let found = m.initiatives.iter().find(|i| &i.id == ini);
        t.push(
            vec![
                id(ini),
                found.map(|i| i.name.clone()).into(),
                found.map(|i| i.team.as_str().to_string()).into(),
                quarter.as_str().into(),
                found.and_then(|i| i.cost.as_ref()).map(Distribution::mean).into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn plan_key_results(m: &Model) -> Table {
    let mut t = Table::new(
        "plan_key_results",
        "The saved plan's key results: expected change against target, and the chance of reaching it.",
        &[
            ("key_result", None),
            ("objective", None),
            ("indicator", None),
            ("baseline", None),
            ("target", None),
            ("expected_change", None),
            ("p_reached", unit("probability")),
        ],
    );
    let Some(plan) = &m.saved_plan else { return t };
    for k in &plan.key_results {
        t.push(
            vec![
                k.id.to_string().into(),
                k.objective.as_ref().map(|o| o.to_string()).into(),
                opt_id(&k.indicator),
                k.baseline.into(),
                k.target.into(),
                k.expected_change.into(),
                k.p_reached.into(),
            ],
            m.meta.data,
        );
    }
    t
}

fn checkin(c: Option<&CheckIn>, notes: &[model::CheckinNote]) -> Table {
    let mut t = Table::new(
        "checkin",
        "The latest check-in: each key result against its target, with the forecast, the computed status, and the team's account (status override, decision, story).",
        &[
            ("quarter", None),
            ("indicator", None),
            ("name", None),
            ("unit", None),
            ("baseline", None),
            ("baseline_date", None),
            ("latest", None),
            ("latest_date", None),
            ("target", None),
            ("target_date", None),
            ("forecast", None),
            ("forecast_low", None),
            ("forecast_high", None),
            ("p_target", unit("probability")),
            ("status", None),
            ("team_status", None),
            ("reason", None),
            ("decision", None),
            ("story", None),
            ("partners", None),
            ("what_works", None),
            ("data", None),
        ],
    );
    let Some(c) = c else { return t };
    for k in &c.key_results {
        // The team's latest note for this key result and quarter, as the check-in page shows it.
        let note =
            notes.iter().rev().find(|n| n.key_result == k.indicator && n.quarter == c.quarter);
        t.push(
            vec![
                c.quarter.to_string().into(),
                id(&k.indicator),
                k.name.as_str().into(),
                k.unit.clone().into(),
                k.baseline.as_ref().map(|b| b.value).into(),
                k.baseline.as_ref().map(|b| b.date).into(),
                k.latest.map(|p| p.1).into(),
                k.latest.map(|p| p.0).into(),
                k.target.as_ref().map(|b| b.value).into(),
                k.target.as_ref().map(|b| b.date).into(),
                k.forecast.as_ref().map(|f| f.mean).into(),
                k.forecast.as_ref().map(|f| f.low).into(),
                k.forecast.as_ref().map(|f| f.high).into(),
                k.probability.into(),
                k.status.to_string().into(),
                note.and_then(|n| n.status).map(|s| s.word()).into(),
                note.and_then(|n| n.reason.clone()).into(),
                note.and_then(|n| n.decision).map(|d| d.word()).into(),
                note.and_then(|n| n.story.clone()).into(),
                note.and_then(|n| n.partners.clone()).into(),
                note.and_then(|n| n.what_works.clone()).into(),
                k.provenance.as_str().into(),
            ],
            k.provenance,
        );
    }
    t
}

fn evaluations(m: &Model) -> Table {
    let mut t = Table::new(
        "evaluations",
        "Evaluation results written by `throughline evaluate --write` (effects in the indicator's unit).",
        &[
            ("initiative", None),
            ("indicator", None),
            ("method", None),
            ("evaluated", None),
            ("deployed", None),
            ("effect", None),
            ("se", None),
            ("low", None),
            ("high", None),
            ("level", None),
            ("predicted", None),
            ("data", None),
        ],
    );
    for e in &m.evaluations {
        t.push(
            vec![
                id(&e.initiative),
                id(&e.indicator),
                e.method.word().into(),
                e.evaluated.into(),
                e.deployed.into(),
                e.effect.into(),
                e.se.into(),
                e.low.into(),
                e.high.into(),
                e.level.into(),
                e.predicted.into(),
                e.data.as_str().into(),
            ],
            e.data,
        );
    }
    t
}

//! The quarterly check-in: each key result against its target, with a forecast, a status by
//! the rule in [`crate::trend`], the initiatives behind it, and the Results-Based
//! Accountability questions for the story behind the curve.

use std::collections::BTreeMap;

use model::graph::ModelGraph;
use model::{DatedValue, Id, Indicator, Model, Polarity, Provenance, Quarter};
use serde::Serialize;

use crate::Point;
use crate::trend::{Forecast, Status, forecast, status, with_plan};

/// Level of the forecast interval shown at check-ins.
pub const FORECAST_LEVEL: f64 = 0.8;

/// A question Results-Based Accountability asks of every curve ("turn the curve"). The
/// terminal and JSON show its English [`text`](RbaPrompt::text); a page shows its own
/// language's words for the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RbaPrompt {
    /// The story behind the curve.
    Story,
    /// Partners with a role in turning it.
    Partners,
    /// What works to turn it.
    WhatWorks,
    /// What to do next quarter.
    NextQuarter,
    /// What data are still needed.
    Data,
}

impl RbaPrompt {
    /// Every question, in the order they are asked.
    pub const ALL: [RbaPrompt; 5] = [
        RbaPrompt::Story,
        RbaPrompt::Partners,
        RbaPrompt::WhatWorks,
        RbaPrompt::NextQuarter,
        RbaPrompt::Data,
    ];

    /// The question in English.
    pub fn text(self) -> &'static str {
        match self {
            RbaPrompt::Story => "What is the story behind the curve: what pushes it up or down?",
            RbaPrompt::Partners => "Who are the partners with a role to play in turning the curve?",
            RbaPrompt::WhatWorks => {
                "What works to turn the curve (evidence, and what communities already do)?"
            }
            RbaPrompt::NextQuarter => {
                "What do we propose to do next quarter, including no-cost and low-cost actions?"
            }
            RbaPrompt::Data => "What data do we still need?",
        }
    }
}

impl std::fmt::Display for RbaPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl Serialize for RbaPrompt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text())
    }
}

/// An initiative behind a key result.
#[derive(Clone, Debug, Serialize)]
pub struct Behind {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Status in the model.
    pub status: String,
    /// Status in the tracker, if imported (`T123: resolved`).
    pub tracker: Vec<String>,
}

/// Where a plan initiative's change in a key result stands at a check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// It ships after the check-in and before the target date: its change is added to the
    /// trend.
    InForecast,
    /// It shipped by the check-in (by the schedule or its status): its change is already in the
    /// data, so the trend carries it.
    InData,
    /// It ships after the target date: nothing of it counts for this target.
    AfterTarget,
}

/// A plan initiative that carries a key result: its work reaches the measured node.
#[derive(Clone, Debug, Serialize)]
pub struct Carrier {
    /// Initiative id.
    pub id: Id,
    /// The quarter it ships in by the plan's schedule.
    pub ships: Quarter,
    /// Its exact expected change in the measured node, in the node's unit.
    pub expected_change: f64,
    /// Whether it is in the forecast, already in the data, or too late.
    pub counted: Counted,
}

/// The plan's part in a key result's forecast, computed by the caller from the saved plan
/// and the simulation (this crate knows no simulation).
#[derive(Clone, Debug, Serialize)]
pub struct Planned {
    /// Exact expected change in the measured node from the initiatives counted in the forecast
    /// (`Counted::InForecast`) together.
    pub mean: f64,
    /// Its standard deviation over the simulation's samples.
    pub sd: f64,
    /// Every plan initiative whose work reaches the measured node, in schedule order.
    pub carriers: Vec<Carrier>,
}

/// One key result at the check-in.
#[derive(Clone, Debug, Serialize)]
pub struct KeyResult {
    /// The indicator.
    pub indicator: Id,
    /// Its name.
    pub name: String,
    /// Unit.
    pub unit: Option<String>,
    /// Which way is better.
    pub direction: Polarity,
    /// The goal of the objective it belongs to, when the plan says.
    pub objective: Option<Id>,
    /// The starting point.
    pub baseline: Option<DatedValue>,
    /// The latest value on or before the end of the quarter.
    pub latest: Option<Point>,
    /// Target.
    pub target: Option<DatedValue>,
    /// Forecast at the target date: the trend in the data up to the end of the quarter plus
    /// the plan's expected change by then (the trend alone without a saved plan).
    pub forecast: Option<Forecast>,
    /// The trend in the data alone, extrapolated to the target date.
    pub trend: Option<Forecast>,
    /// What the saved plan adds, and the initiatives that carry this key result; `None`
    /// without a saved plan.
    pub planned: Option<Planned>,
    /// Probability of meeting the target by its date.
    pub probability: Option<f64>,
    /// Status by the stated rule.
    pub status: Status,
    /// Values up to the end of the quarter, for the chart.
    pub history: Vec<Point>,
    /// What those values are: the least real of their provenances (measured when there are
    /// none). Pages and tables mark a key result whose values are synthetic or illustrative.
    pub provenance: Provenance,
    /// Initiatives whose work reaches the measured node.
    pub initiatives: Vec<Behind>,
}

/// A check-in.
#[derive(Clone, Debug, Serialize)]
pub struct CheckIn {
    /// The quarter.
    pub quarter: Quarter,
    /// Data up to this date are used.
    pub as_of: model::Date,
    /// Key results.
    pub key_results: Vec<KeyResult>,
    /// Questions for the story behind each curve.
    pub prompts: Vec<RbaPrompt>,
}

impl CheckIn {
    /// How many key results have each status.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for k in &self.key_results {
            *m.entry(k.status.to_string()).or_insert(0) += 1;
        }
        m
    }

    /// The provenance of each key result's values, for the caveat above a table of them
    /// ([`model::provenance::caveat`]).
    pub fn provenances(&self) -> impl Iterator<Item = Provenance> + '_ {
        self.key_results.iter().map(|k| k.provenance)
    }
}

/// The key-result indicators: those of the saved plan's objectives, else every indicator with a
/// target.
pub fn key_result_indicators(model: &Model) -> Vec<(&Indicator, Option<Id>)> {
    let by_id: BTreeMap<&str, &Indicator> =
        model.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    if let Some(plan) = &model.saved_plan
        && plan.objectives.iter().any(|o| !o.key_results.is_empty())
    {
        return plan
            .objectives
            .iter()
            .flat_map(|o| o.key_results.iter().map(move |k| (k, o.goal.clone())))
            .filter_map(|(k, g)| by_id.get(k.as_str()).map(|i| (*i, Some(g))))
            .collect();
    }
    model.indicators.iter().filter(|i| i.target.is_some()).map(|i| (i, None)).collect()
}

/// Builds the check-in for `quarter` from the stored series (`series(id)` gives an indicator's
/// values by date, each with its provenance) and tracker statuses
/// (`initiative → ["T1: resolved"]`), from the trend in the data alone.
pub fn checkin(
    model: &Model,
    graph: &ModelGraph<'_>,
    quarter: Quarter,
    series: &dyn Fn(&str) -> Vec<(Point, Provenance)>,
    tracker: &BTreeMap<String, Vec<String>>,
) -> CheckIn {
    checkin_with_plan(model, graph, quarter, series, tracker, &|_, _| None)
}

/// [`checkin`], with each key result's forecast the trend plus the plan's expected change by
/// the target date: `planned(indicator, as_of)` says what the plan adds after `as_of` (see
/// [`crate::trend::with_plan`] for how the two combine).
pub fn checkin_with_plan(
    model: &Model,
    graph: &ModelGraph<'_>,
    quarter: Quarter,
    series: &dyn Fn(&str) -> Vec<(Point, Provenance)>,
    tracker: &BTreeMap<String, Vec<String>>,
    planned: &dyn Fn(&Indicator, model::Date) -> Option<Planned>,
) -> CheckIn {
    let as_of = quarter.last_day();
    let mut key_results = Vec::new();
    for (ind, objective) in key_result_indicators(model) {
        let since = ind.baseline.as_ref().map(|b| b.date);
        let used: Vec<(Point, Provenance)> = series(ind.id.as_str())
            .into_iter()
            .filter(|(p, _)| p.0 <= as_of && since.is_none_or(|s| p.0 >= s))
            .collect();
        let provenance = Provenance::of(used.iter().map(|u| u.1));
        let history: Vec<Point> = used.into_iter().map(|u| u.0).collect();
        let latest = history.last().copied();
        let trend =
            ind.target.as_ref().and_then(|t| forecast(&history, t.date, FORECAST_LEVEL).ok());
        let plan = planned(ind, as_of);
        let fc = match (&trend, &plan) {
            (Some(t), Some(p)) => Some(with_plan(t, p.mean, p.sd)),
            (t, _) => t.clone(),
        };
        let probability = match (&fc, &ind.target) {
            (Some(f), Some(t)) => Some(f.probability_of(t.value, ind.direction)),
            _ => None,
        };
        let st = match &ind.target {
            Some(t) => status(latest.map(|p| p.1), fc.as_ref(), t.value, ind.direction),
            None => Status::NoData,
        };
        let initiatives = graph
            .node(ind.measures.as_str())
            .map(|n| {
                let reaching = graph.reaching(&[n]);
                model
                    .initiatives
                    .iter()
                    .enumerate()
                    .filter(|(ii, _)| graph.delivered_by(*ii).iter().any(|d| reaching[*d]))
                    .map(|(_, i)| Behind {
                        id: i.id.clone(),
                        name: i.name.clone(),
                        status: i.status.to_string(),
                        tracker: tracker.get(i.id.as_str()).cloned().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        key_results.push(KeyResult {
            indicator: ind.id.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            direction: ind.direction,
            objective,
            baseline: ind.baseline.clone(),
            latest,
            target: ind.target.clone(),
            forecast: fc,
            trend,
            planned: plan,
            probability,
            status: st,
            history,
            provenance,
            initiatives,
        });
    }
    CheckIn { quarter, as_of, key_results, prompts: RbaPrompt::ALL.to_vec() }
}

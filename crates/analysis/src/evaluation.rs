//! One evaluation: an initiative's design run on the store's data, with the prediction it is
//! checked against and the link updates it implies (docs/measurement.md).

use std::path::Path;

use evaluate::{Estimate, Method, Point};
use model::graph::ModelGraph;
use model::{Evaluation, Model, Provenance};
use serde::Serialize;

use crate::AnalysisError;

/// An evaluation computed from the model's design and the store.
#[derive(Serialize)]
pub struct Computed {
    /// The estimate.
    pub estimate: Estimate,
    /// The record `--write` would store.
    pub record: Evaluation,
    /// What the model predicted from the priors.
    pub predicted: Option<f64>,
    /// The links the result updates, or why none.
    pub updates: Result<Vec<model::learn::LinkUpdate>, String>,
    /// How far to trust the estimate, from its design (docs/measurement.md).
    pub strength: evaluate::strength::Judgement,
    /// The series used (or the experiment file) whose stored values are synthetic or
    /// illustrative; the record's `data` is the least real of them.
    pub synthetic: Vec<String>,
}

/// Runs the initiative's evaluation design on the store's data. `Err` is a message for people.
pub fn compute(
    dir: &Path,
    model: &Model,
    store: &measure::Store,
    initiative: &str,
    method: Option<Method>,
) -> Result<Result<Computed, String>, AnalysisError> {
    let Some(ini) = model.initiatives.iter().find(|i| i.id.as_str() == initiative) else {
        return Ok(Err(format!("the model has no initiative `{initiative}`")));
    };
    let Some(design) = &ini.evaluation else {
        return Ok(Err(format!(
            "`{initiative}` has no `evaluation:` design; add e.g. `evaluation: {{ indicator: IND, comparisons: [other_wiki] }}` to it (docs/measurement.md)"
        )));
    };
    // The provenance of every series read, as the store has it.
    let mut used: Vec<(String, Provenance)> = Vec::new();
    let mut series = |name: &str| -> Result<Vec<Point>, AnalysisError> {
        let stored = store.series(name)?;
        used.push((
            name.to_string(),
            Provenance::of(stored.iter().map(|s| s.measurement.provenance)),
        ));
        Ok(stored.iter().map(|s| (s.measurement.date, s.measurement.value)).collect())
    };
    let treated = series(design.indicator.as_str())?;
    let method = method.or(design.method).unwrap_or(if design.experiment.is_some() {
        Method::TwoGroup
    } else {
        match design.comparisons.len() {
            0 => Method::InterruptedTimeSeries,
            1 => Method::DifferenceInDifferences,
            n if n >= evaluate::strength::MANY => Method::SyntheticDid,
            _ => Method::SyntheticControl,
        }
    });
    let needs_deploy = method != Method::TwoGroup;
    let deployed = match (ini.deployed, needs_deploy) {
        (Some(d), _) => Some(d),
        (None, false) => None,
        (None, true) => {
            return Ok(Err(format!(
                "`{initiative}` has no `deployed:` date; add the day the change went live"
            )));
        }
    };
    if needs_deploy && treated.is_empty() {
        return Ok(Err(format!(
            "the store has no values of `{}`; give the indicator a source and run `throughline import`",
            design.indicator
        )));
    }
    let mut comparisons = Vec::new();
    for c in &design.comparisons {
        let pts = series(c)?;
        if pts.is_empty()
            && matches!(
                method,
                Method::DifferenceInDifferences
                    | Method::SyntheticControl
                    | Method::SyntheticControlClassic
                    | Method::SyntheticDid
            )
        {
            return Ok(Err(format!(
                "the store has no comparison series `{c}`; put it in a CSV file with a `series` column under {}/data and run `throughline import`",
                dir.display()
            )));
        }
        comparisons.push((c.clone(), pts));
    }
    let level = design.level;
    // Only the two-group comparison has no deployment date, and it does not use one.
    let at = deployed.unwrap_or_else(model::Date::today);
    let result = match method {
        Method::InterruptedTimeSeries => {
            // The treated series alone: comparisons read for the design are not used.
            used.truncate(1);
            evaluate::its::interrupted_time_series(&treated, at, level)
        }
        Method::DifferenceInDifferences => {
            evaluate::did::difference_in_differences(&treated, &comparisons, at, level)
        }
        Method::SyntheticControl => {
            evaluate::synth::synthetic_control(&treated, &comparisons, at, level)
        }
        Method::SyntheticControlClassic => {
            evaluate::synth::synthetic_control_classic(&treated, &comparisons, at, level)
        }
        Method::SyntheticDid => evaluate::sdid::synthetic_did(&treated, &comparisons, at, level),
        Method::TwoGroup => {
            let Some(file) = &design.experiment else {
                return Ok(Err(format!(
                    "a two-group comparison needs `experiment:` (a CSV file of group,value rows) on `{initiative}`"
                )));
            };
            let (control, treatment, provenance) = match read_experiment(&dir.join(file)) {
                Ok(x) => x,
                Err(e) => return Ok(Err(e)),
            };
            // The experiment's file is its only data: the stored series are not used.
            used = vec![(file.clone(), provenance)];
            evaluate::experiment::two_group(&control, &treatment, level)
        }
    };
    let mut estimate = match result {
        Ok(e) => e,
        Err(e) => {
            return Ok(Err(format!("{method} of `{initiative}` on `{}`: {e}", design.indicator)));
        }
    };
    let data = Provenance::of(used.iter().map(|u| u.1));
    let synthetic: Vec<String> =
        used.into_iter().filter(|u| !u.1.is_measured()).map(|u| u.0).collect();
    estimate.design.synthetic_data = !data.is_measured();
    let strength = evaluate::strength::judge(&estimate.design, estimate.effect, estimate.se);
    // The prediction and the update start from the written priors, so replacing an earlier
    // evaluation of the same initiative does not count its evidence twice.
    let mut prior = model.clone();
    model::learn::reset(&mut prior);
    prior
        .evaluations
        .retain(|e| !(e.initiative.as_str() == initiative && e.indicator == design.indicator));
    let predicted = predicted_change(&prior, initiative, design.indicator.as_str());
    let record = Evaluation {
        initiative: ini.id.clone(),
        indicator: design.indicator.clone(),
        method,
        evaluated: model::Date::today(),
        deployed,
        effect: estimate.effect,
        se: estimate.se,
        low: estimate.low,
        high: estimate.high,
        level,
        predicted,
        scale: design.scale,
        data,
    };
    prior.evaluations.push(record.clone());
    let updates = model::learn::apply_all(&mut prior)
        .pop()
        .map(|r| r.map_err(|e| e.to_string()))
        .unwrap_or_else(|| Err("not applied".into()));
    Ok(Ok(Computed { estimate, record, predicted, updates, strength, synthetic }))
}

/// The model's expected change in the indicator's node from the initiative alone.
fn predicted_change(model: &Model, initiative: &str, indicator: &str) -> Option<f64> {
    let plan = simulate::Plan::new(model, &simulate::Overrides::default()).ok()?;
    let graph = ModelGraph::build(model);
    let ii = graph.initiative(initiative)?;
    let node = model.indicators.iter().find(|i| i.id.as_str() == indicator)?;
    let ni = graph.node(node.measures.as_str())?;
    plan.expected_changes(&[ii]).get(ni).copied()
}

/// Reads `group,value` rows: `control` and `treatment` (or `treated`), after a header; lines
/// starting with `#` are comments, and the leading ones may declare the data synthetic or
/// illustrative as in any CSV file (`import::csv::declared_provenance`).
fn read_experiment(path: &Path) -> Result<(Vec<f64>, Vec<f64>, Provenance), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let provenance = import::csv::declared_provenance(text.as_bytes());
    let (mut c, mut t) = (Vec::new(), Vec::new());
    let mut header = true;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if std::mem::take(&mut header) {
            continue;
        }
        let (g, v) = line
            .split_once(',')
            .ok_or_else(|| format!("{}:{}: expected `group,value`", path.display(), n + 1))?;
        let v: f64 = v
            .trim()
            .parse()
            .map_err(|_| format!("{}:{}: `{}` is not a number", path.display(), n + 1, v.trim()))?;
        match g.trim() {
            "control" => c.push(v),
            "treatment" | "treated" => t.push(v),
            other => {
                return Err(format!(
                    "{}:{}: group `{other}` is neither control nor treatment",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    Ok((c, t, provenance))
}

//! The measurement store of a model folder, brought up to date from the folder's own files, and
//! the check-in computed from it.

use std::collections::BTreeMap;
use std::path::Path;

use measure::Store;
use model::graph::ModelGraph;

use crate::AnalysisError;

/// Opens the model's store and brings local files (CSV sources, DIR/data) up to date, so the
/// commands that read measurements never work from stale files. No network. What it imported,
/// and the sources that failed, are added to `notes` (lines for people).
pub fn store_with_local_data(
    dir: &Path,
    model: &model::Model,
    notes: &mut Vec<String>,
) -> Result<Store, AnalysisError> {
    let mut store = Store::open_in(dir)?;
    let opts = import::Options { network: false, ..import::Options::default() };
    for o in import::run(model, dir, &mut store, &opts, &mut |_| {}) {
        match o.result {
            Ok(s) if s.inserted + s.changed > 0 => notes.push(format!(
                "note: imported {} new and {} changed values from {}",
                s.inserted, s.changed, o.source
            )),
            Ok(_) => {}
            Err(e) => notes.push(format!("warning: {e}")),
        }
    }
    Ok(store)
}

/// The tracker statuses in the store, by initiative: `["T123: resolved"]`.
pub fn tracker_statuses(store: &Store) -> Result<BTreeMap<String, Vec<String>>, AnalysisError> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in store.statuses()? {
        m.entry(s.initiative).or_default().push(format!("{}: {}", s.task, s.status));
    }
    Ok(m)
}

/// Builds the check-in of a quarter from the store.
pub fn checkin(
    model: &model::Model,
    store: &Store,
    quarter: model::Quarter,
) -> Result<evaluate::checkin::CheckIn, AnalysisError> {
    let graph = ModelGraph::build(model);
    let tracker = tracker_statuses(store)?;
    let mut cache: BTreeMap<String, Vec<(evaluate::Point, model::Provenance)>> = BTreeMap::new();
    for (ind, _) in evaluate::checkin::key_result_indicators(model) {
        let stored = store.series(ind.id.as_str())?;
        let values = stored
            .into_iter()
            .map(|s| ((s.measurement.date, s.measurement.value), s.measurement.provenance))
            .collect();
        cache.insert(ind.id.to_string(), values);
    }
    let series = |id: &str| cache.get(id).cloned().unwrap_or_default();
    // The forecast is the trend plus what the saved plan ships by each target date.
    let effects = crate::planned::PlanEffects::new(model, crate::Settings::default());
    let planned = |ind: &model::Indicator, as_of: model::Date| {
        effects.as_ref().and_then(|e| e.planned(ind, as_of))
    };
    Ok(evaluate::checkin::checkin_with_plan(model, &graph, quarter, &series, &tracker, &planned))
}

/// The last complete calendar quarter before today.
pub fn last_complete_quarter() -> model::Quarter {
    let q = model::Date::today().quarter();
    let idx = q.year * 4 + i32::from(q.q) - 2;
    model::Quarter { year: idx.div_euclid(4), q: (idx.rem_euclid(4) + 1) as u8 }
}

/// The check-in of the latest quarter that has data for a key result; `None` without data.
pub fn latest_checkin(
    model: &model::Model,
    store: &Store,
) -> Result<Option<evaluate::checkin::CheckIn>, AnalysisError> {
    let mut latest: Option<model::Date> = None;
    for (ind, _) in evaluate::checkin::key_result_indicators(model) {
        if let Some(d) = store.last_date(ind.id.as_str())? {
            latest = latest.max(Some(d));
        }
    }
    latest.map(|d| checkin(model, store, d.quarter())).transpose()
}

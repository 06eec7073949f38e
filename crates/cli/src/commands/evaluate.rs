//! `throughline evaluate`: what a shipped initiative did, recorded as evidence.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use evaluate::{Estimate, Method, Point};
use model::graph::ModelGraph;
use model::{Evaluation, Model, Provenance};
use serde::Serialize;

use crate::commands::measure::store_with_local_data;
use crate::commands::show::print_json;
use crate::commands::simulate::load_checked;
use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::fmt_num;

/// The file `--write` maintains.
pub const FILE: &str = "evaluations.yaml";

/// Why an initiative cannot be evaluated yet, with what to do.
fn refuse(message: String) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_PROBLEMS))
}

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
) -> anyhow::Result<Result<Computed, String>> {
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
    let mut series = |name: &str| -> anyhow::Result<Vec<Point>> {
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

pub fn run(
    dir: &Path,
    initiative: &str,
    method: Option<Method>,
    write: bool,
    json: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let store = store_with_local_data(dir, &checked.model)?;
    let computed = match compute(dir, &checked.model, &store, initiative, method)? {
        Ok(c) => c,
        Err(message) => return refuse(message),
    };
    if write {
        let path = dir.join(FILE);
        let mut records: Vec<Evaluation> = checked
            .model
            .evaluations
            .iter()
            .zip(&checked.map.evaluations)
            .filter(|(_, spans)| checked.map.file(spans.item).name == FILE)
            .map(|(e, _)| e.clone())
            .filter(|e| {
                !(e.initiative == computed.record.initiative
                    && e.indicator == computed.record.indicator)
            })
            .collect();
        records.push(computed.record.clone());
        std::fs::write(&path, evaluations_file(&records))
            .with_context(|| format!("writing {}", path.display()))?;
        // Prove the file reads back and applies.
        let again = modelfile::check_dir(dir)?;
        if !again.is_ok() {
            eprintln!("error: {} does not check; this is a bug, please report it", path.display());
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    if json {
        print_json("throughline.evaluate.v1", &computed)?;
    } else {
        print!("{}", text(&computed));
        if write {
            println!("wrote {}", dir.join(FILE).display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text(c: &Computed) -> String {
    use std::fmt::Write;
    let e = &c.estimate;
    let r = &c.record;
    let mut s = String::new();
    let _ = writeln!(s, "{} on {}: {}", r.initiative, r.indicator, e.method);
    let rel = e.relative().map(|x| format!(" ({:+.1}%)", x * 100.0)).unwrap_or_default();
    let _ = writeln!(
        s,
        "  effect     {}{rel} per period, {:.0}% interval {} to {}, p = {:.3}",
        fmt_num(e.effect),
        e.level * 100.0,
        fmt_num(e.low),
        fmt_num(e.high),
        e.p_value
    );
    if let Some(p) = c.predicted {
        let scaled = if r.scale != 1.0 {
            format!("; the estimate × {} = {}", r.scale, fmt_num(e.effect * r.scale))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "  predicted  {} (the model's expectation from its written priors{scaled})",
            fmt_num(p)
        );
    }
    let _ = writeln!(s, "  strength   {}", strength_word(c.strength.strength));
    for why in &c.strength.reasons {
        let _ = writeln!(s, "             - {why}");
    }
    if let (Some(mark), Some(caveat)) = (r.data.mark(), model::provenance::caveat([r.data])) {
        let _ = writeln!(s, "  data       {mark}: {}", c.synthetic.join(", "));
        let _ = writeln!(s, "             {caveat}");
    }
    if let Some(p) = &e.placebos {
        let _ = writeln!(
            s,
            "  placebos   rank {} of {} by post/pre RMSPE ratio ({:.2}), p = {:.3}",
            p.rank,
            p.units.len() + 1,
            p.ratio,
            p.p_value
        );
    }
    if let Some(t) = &e.in_time {
        let _ = writeln!(
            s,
            "  in time    a fake deployment on {}: {} ({:.0}% interval {} to {}), p = {:.3}",
            t.date,
            fmt_num(t.effect),
            e.level * 100.0,
            fmt_num(t.low),
            fmt_num(t.high),
            t.p_value
        );
    }
    for t in &e.terms {
        let se = t.se.map(|v| format!(" ± {}", fmt_num(v))).unwrap_or_default();
        let _ = writeln!(s, "  {:<36} {}{se}", t.name, fmt_num(t.value));
    }
    if e.post > 0 && e.fitted.len() > e.pre {
        let _ = writeln!(
            s,
            "  effect by period ({:.0}% pointwise band):\n    {:<12} {:>12} {:>14} {:>12}  band",
            e.level * 100.0,
            "date",
            "observed",
            "counterfactual",
            "effect"
        );
        for p in &e.fitted[e.pre..] {
            let _ = writeln!(
                s,
                "    {:<12} {:>12} {:>14} {:>12}  {} to {}",
                p.date.to_string(),
                fmt_num(p.observed),
                fmt_num(p.counterfactual),
                fmt_num(p.effect),
                fmt_num(p.low),
                fmt_num(p.high)
            );
        }
    }
    for n in &e.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    match &c.updates {
        Ok(ups) => {
            for u in ups {
                let _ = writeln!(
                    s,
                    "  updates {} → {}: mean {} → {}",
                    u.from,
                    u.to,
                    fmt_num(u.prior.mean()),
                    fmt_num(u.posterior.mean())
                );
            }
        }
        Err(why) => {
            let _ = writeln!(s, "  no link updated: {why}");
        }
    }
    s
}

fn strength_word(s: model::Strength) -> &'static str {
    match s {
        model::Strength::Strong => "strong",
        model::Strength::Moderate => "moderate",
        model::Strength::Weak => "weak",
        model::Strength::Anecdotal => "anecdotal",
    }
}

/// evaluations.yaml, as `--write` writes it.
pub fn evaluations_file(records: &[Evaluation]) -> String {
    let mut s = String::from(
        "# Written by `throughline evaluate --write`; rerun it rather than editing by hand.\n\
         # Each result updates the effects of the links on the chain it tested (docs/measurement.md).\n\
         evaluations:\n",
    );
    for r in records {
        s.push_str(&format!(
            "  - initiative: {}\n    indicator: {}\n    method: {}\n    evaluated: {}\n",
            r.initiative,
            r.indicator,
            r.method.key(),
            r.evaluated
        ));
        if let Some(d) = r.deployed {
            s.push_str(&format!("    deployed: {d}\n"));
        }
        s.push_str(&format!(
            "    effect: {}\n    se: {}\n    low: {}\n    high: {}\n    level: {}\n",
            r.effect, r.se, r.low, r.high, r.level
        ));
        if let Some(p) = r.predicted {
            s.push_str(&format!("    predicted: {p}\n"));
        }
        if r.scale != 1.0 {
            s.push_str(&format!("    scale: {}\n", r.scale));
        }
        if !r.data.is_measured() {
            s.push_str(&format!("    data: {}\n", r.data));
        }
    }
    s
}

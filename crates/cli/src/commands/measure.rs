//! `throughline import`, `data` and `checkin`: measurements in, and the plan checked against
//! them.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use measure::Store;
use model::graph::ModelGraph;
use serde::Serialize;

use crate::commands::show::print_json;
use crate::commands::simulate::load_checked;
use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::fmt_num;

/// Opens the model's store and brings local files (CSV sources, DIR/data) up to date, so the
/// commands that read measurements never work from stale files. No network.
pub fn store_with_local_data(dir: &Path, model: &model::Model) -> anyhow::Result<Store> {
    let mut store = Store::open_in(dir)?;
    let opts = import::Options { network: false, ..import::Options::default() };
    for o in import::run(model, dir, &mut store, &opts, &mut |_| {}) {
        match o.result {
            Ok(s) if s.inserted + s.changed > 0 => eprintln!(
                "note: imported {} new and {} changed values from {}",
                s.inserted, s.changed, o.source
            ),
            Ok(_) => {}
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    Ok(store)
}

#[derive(Serialize)]
struct ImportRow {
    source: String,
    ok: bool,
    inserted: usize,
    changed: usize,
    unchanged: usize,
    statuses: usize,
    error: Option<String>,
}

pub fn import(
    dir: &Path,
    opts: &import::Options,
    json: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let mut store = Store::open_in(dir).context("opening the measurement store")?;
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    });
    let outcomes = import::run(&checked.model, dir, &mut store, opts, &mut |what| {
        if let Some(s) = &spinner {
            s.set_message(format!("importing {what}"));
        }
    });
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let rows: Vec<ImportRow> = outcomes
        .into_iter()
        .map(|o| match o.result {
            Ok(s) => ImportRow {
                source: o.source,
                ok: true,
                inserted: s.inserted,
                changed: s.changed,
                unchanged: s.unchanged,
                statuses: s.statuses,
                error: None,
            },
            Err(e) => ImportRow {
                source: o.source,
                ok: false,
                inserted: 0,
                changed: 0,
                unchanged: 0,
                statuses: 0,
                error: Some(e.to_string()),
            },
        })
        .collect();
    let failed = rows.iter().filter(|r| !r.ok).count();
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            store: String,
            sources: &'a [ImportRow],
        }
        let store_path = store.path().map(|p| p.display().to_string()).unwrap_or_default();
        print_json("throughline.import.v1", &Out { store: store_path, sources: &rows })?;
    } else {
        if rows.is_empty() {
            println!("nothing to import: no indicator names a source (see docs/measurement.md)");
        }
        let width = rows.iter().map(|r| r.source.len()).max().unwrap_or(6).max(6);
        if !rows.is_empty() {
            println!("{:<width$}  {:>7}  {:>7}  {:>9}", "source", "new", "changed", "unchanged");
        }
        for r in &rows {
            match &r.error {
                None if r.statuses > 0 => {
                    println!("{:<width$}  {} task statuses", r.source, r.statuses)
                }
                None => println!(
                    "{:<width$}  {:>7}  {:>7}  {:>9}",
                    r.source, r.inserted, r.changed, r.unchanged
                ),
                Some(e) => println!("{:<width$}  failed, nothing imported: {e}", r.source),
            }
        }
        if let Some(p) = store.path() {
            println!("store: {}", p.display());
        }
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} sources failed; their data in the store is unchanged",
            rows.len()
        );
        return Ok(ExitCode::from(EXIT_PROBLEMS));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn data(dir: &Path, series: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let Some(store) = Store::open_existing_in(dir)? else {
        eprintln!(
            "error: {} has no measurement store yet; run `throughline import {}`",
            dir.display(),
            dir.display()
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    match series {
        None => {
            let cat = store.catalogue()?;
            if json {
                print_json("throughline.data.v1", &BTreeMap::from([("series", &cat)]))?;
            } else {
                let width = cat.iter().map(|c| c.series.len()).max().unwrap_or(6).max(6);
                println!(
                    "{:<width$}  {:>6}  {:<10}  {:<10}  data",
                    "series", "values", "first", "last"
                );
                for c in &cat {
                    println!(
                        "{:<width$}  {:>6}  {}  {}  {}",
                        c.series, c.count, c.first, c.last, c.provenance
                    );
                }
            }
        }
        Some(name) => {
            let rows = store.series(name)?;
            if rows.is_empty() {
                eprintln!(
                    "error: the store has no series `{name}`; `throughline data {}` lists them",
                    dir.display()
                );
                return Ok(ExitCode::from(EXIT_FAILURE));
            }
            if json {
                print_json("throughline.data.v1", &BTreeMap::from([("values", &rows)]))?;
            } else {
                for r in &rows {
                    let mark = r
                        .measurement
                        .provenance
                        .mark()
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default();
                    println!(
                        "{}  {:>12}  {}{mark}",
                        r.measurement.date,
                        fmt_num(r.measurement.value),
                        r.measurement.source
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The tracker statuses in the store, by initiative: `["T123: resolved"]`.
pub fn tracker_statuses(store: &Store) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in store.statuses()? {
        m.entry(s.initiative).or_default().push(format!("{}: {}", s.task, s.status));
    }
    Ok(m)
}

/// Builds the check-in of a quarter from the store.
pub fn build_checkin(
    model: &model::Model,
    store: &Store,
    quarter: model::Quarter,
) -> anyhow::Result<evaluate::checkin::CheckIn> {
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
    Ok(evaluate::checkin::checkin(model, &graph, quarter, &series, &tracker))
}

/// The last complete calendar quarter before today.
pub fn last_complete_quarter() -> model::Quarter {
    let q = model::Date::today().quarter();
    let idx = q.year * 4 + i32::from(q.q) - 2;
    model::Quarter { year: idx.div_euclid(4), q: (idx.rem_euclid(4) + 1) as u8 }
}

pub fn checkin(
    dir: &Path,
    quarter: Option<model::Quarter>,
    json: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let store = store_with_local_data(dir, &checked.model)?;
    let quarter = quarter.unwrap_or_else(last_complete_quarter);
    let ci = build_checkin(&checked.model, &store, quarter)?;
    if json {
        print_json("throughline.checkin.v1", &ci)?;
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", checkin_text(&ci));
    Ok(ExitCode::SUCCESS)
}

/// The check-in as text for people.
pub fn checkin_text(ci: &evaluate::checkin::CheckIn) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "Check-in {} (data up to {})", ci.quarter, ci.as_of);
    let counts: Vec<String> = ci.counts().iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(s, "{}", counts.join(", "));
    if let Some(note) = model::provenance::table_note(ci.provenances(), "key results") {
        let _ = writeln!(s, "{note}");
    }
    let _ = writeln!(s);
    for k in &ci.key_results {
        let unit = k.unit.as_deref().unwrap_or("");
        let mark = k.provenance.mark().map(|m| format!(" ({m})")).unwrap_or_default();
        let _ = writeln!(s, "{} — {} [{}]{mark}", k.indicator, k.name, k.status);
        if let Some(b) = &k.baseline {
            let _ = writeln!(s, "  baseline  {} {unit} ({})", fmt_num(b.value), b.date);
        }
        match k.latest {
            Some((d, v)) => {
                let _ = writeln!(
                    s,
                    "  latest    {} {unit} ({d}; {} values)",
                    fmt_num(v),
                    k.history.len()
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  latest    no data up to {} (not zero: nothing was measured)",
                    ci.as_of
                );
            }
        }
        if let Some(t) = &k.target {
            let _ = writeln!(s, "  target    {} {unit} by {}", fmt_num(t.value), t.date);
        }
        if let (Some(f), Some(p)) = (&k.forecast, k.probability) {
            let _ = writeln!(
                s,
                "  forecast  {} {unit} by {} ({:.0}% interval {} to {}); P(target met) {:.0}%",
                fmt_num(f.mean),
                f.date,
                f.level * 100.0,
                fmt_num(f.low),
                fmt_num(f.high),
                p * 100.0
            );
        }
        if !k.initiatives.is_empty() {
            let list: Vec<String> = k
                .initiatives
                .iter()
                .map(|i| {
                    let t = if i.tracker.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", i.tracker.join(", "))
                    };
                    format!("{} ({}{t})", i.id, i.status)
                })
                .collect();
            let _ = writeln!(s, "  behind it {}", list.join(", "));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "For each curve, the story behind it (Results-Based Accountability):");
    for p in &ci.prompts {
        let _ = writeln!(s, "  - {p}");
    }
    s
}

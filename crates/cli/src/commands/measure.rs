//! `throughline import`, `data` and `checkin`: measurements in, and the plan checked against
//! them.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use measure::Store;
use serde::Serialize;

use crate::commands::show::print_json;
use crate::commands::simulate::load_checked;
use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::fmt_num;

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
    let store = crate::commands::local_store(dir, &checked.model)?;
    let quarter = quarter.unwrap_or_else(analysis::store::last_complete_quarter);
    let ci = analysis::store::checkin(&checked.model, &store, quarter)?;
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
        if let (Some(t), Some(pl)) = (&k.trend, &k.planned) {
            let _ = writeln!(
                s,
                "            = trend {} {unit} + the plan's {} {unit} (sd {}) from work shipping by then",
                fmt_num(t.mean),
                fmt_num(pl.mean),
                fmt_num(pl.sd)
            );
        }
        if let Some(pl) = &k.planned {
            use evaluate::checkin::Counted;
            let list: Vec<String> = pl
                .carriers
                .iter()
                .map(|c| {
                    let how = match c.counted {
                        Counted::InForecast => "in the forecast",
                        Counted::InData => "already in the data",
                        Counted::AfterTarget => "too late for the target date",
                    };
                    format!(
                        "{} ({} {unit}, ships {}, {how})",
                        c.id,
                        fmt_num(c.expected_change),
                        c.ships
                    )
                })
                .collect();
            let line = if list.is_empty() {
                "nothing in the plan reaches it".into()
            } else {
                list.join(", ")
            };
            let _ = writeln!(s, "  carried by {line}");
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

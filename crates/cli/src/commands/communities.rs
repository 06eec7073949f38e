//! `throughline communities DIR`: the model's communities measured from the history dumps in
//! DIR/data/history (docs/communities.md), with positive deviance.
//!
//! Two engines count the same definitions: the reference implementation reads the dumps
//! directly (every build; fine for samples), and — in builds with the `lake` feature — Apache
//! DataFusion over a Parquet conversion kept in DIR/.throughline/lake, rebuilt when the dumps
//! change. Tests hold them to identical counts.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use communities::metrics::{Outcome, SECOND_MONTH, Totals, WINDOWS};
use communities::summary::{Summary, summarise};
use serde::Serialize;

use crate::args::EngineArg;
use crate::commands::EXIT_FAILURE;
use crate::commands::simulate::load_checked;
use crate::render::fmt_num;

/// Flags of `communities`.
pub struct Options {
    pub engine: EngineArg,
    pub end: Option<model::Date>,
    pub level: f64,
    pub json: bool,
    pub color: bool,
}

/// Where a model's dumps live.
pub fn history_dir(dir: &Path) -> PathBuf {
    dir.join("data").join("history")
}

/// The dump files of a model: `*.tsv` and `*.bz2` under data/history, except the
/// category-pages file; sorted, so every run reads them in the same order.
pub fn dumps(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let history = history_dir(dir);
    if !history.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&history)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with("categories") || name.starts_with('.') {
            continue;
        }
        if name.ends_with(".tsv") || name.ends_with(".bz2") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The category-pages file, if the model has one.
pub fn categories_file(dir: &Path) -> Option<PathBuf> {
    let p = history_dir(dir).join("categories.tsv");
    p.is_file().then_some(p)
}

/// Measures the model's communities; `None` when it defines none.
pub fn compute(
    dir: &Path,
    model: &model::Model,
    engine: EngineArg,
    end: Option<model::Date>,
    level: f64,
) -> anyhow::Result<Option<Summary>> {
    if model.communities.is_empty() {
        return Ok(None);
    }
    let files = dumps(dir)?;
    let end_secs = end.map(|d| (d.day_number() + 1) * communities::metrics::DAY);
    if files.is_empty() {
        // Nothing loaded: every community is missing, never zero.
        let summary = summarise(&model.communities, &[], Totals::default(), "none", level);
        return Ok(Some(summary));
    }
    let (outcomes, totals, name) = match engine {
        EngineArg::Reference => reference(dir, model, &files, end_secs)?,
        EngineArg::Datafusion | EngineArg::Auto => {
            match lake_engine::run(dir, model, &files, end_secs)? {
                Some(r) => r,
                None if engine == EngineArg::Auto => reference(dir, model, &files, end_secs)?,
                None => anyhow::bail!(
                    "this build has no DataFusion engine; build with `--features lake` or use `--engine reference`"
                ),
            }
        }
    };
    Ok(Some(summarise(&model.communities, &outcomes, totals, name, level)))
}

type Counted = (Vec<(String, Outcome)>, Totals, &'static str);

fn reference(
    dir: &Path,
    model: &model::Model,
    files: &[PathBuf],
    end: Option<i64>,
) -> anyhow::Result<Counted> {
    let categories = categories_file(dir);
    let (o, t) =
        communities::summary::reference(&model.communities, files, categories.as_deref(), end)?;
    Ok((o, t, "reference"))
}

#[cfg(feature = "lake")]
mod lake_engine {
    //! The DataFusion engine over DIR/.throughline/lake.

    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use communities::metrics::Community;

    use super::Counted;

    /// What the lake was converted from: files with size and modification time, and the
    /// coverage end. A different list means the lake is stale.
    fn sources(files: &[PathBuf], categories: Option<&Path>, end: Option<i64>) -> String {
        let mut s = format!("end\t{end:?}\n");
        for f in files.iter().map(PathBuf::as_path).chain(categories) {
            let meta = std::fs::metadata(f).ok();
            let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            s.push_str(&format!("{}\t{size}\t{modified}\n", f.display()));
        }
        s
    }

    pub fn run(
        dir: &Path,
        model: &model::Model,
        files: &[PathBuf],
        end: Option<i64>,
    ) -> anyhow::Result<Option<Counted>> {
        let lake_dir = dir.join(".throughline").join("lake");
        let categories = super::categories_file(dir);
        let wanted = sources(files, categories.as_deref(), end);
        let manifest = lake_dir.join("sources.tsv");
        if std::fs::read_to_string(&manifest).ok().as_deref() != Some(wanted.as_str()) {
            let total: u64 =
                files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
            let read = Arc::new(AtomicU64::new(0));
            let bar = crate::commands::simulate::progress_bar(total as usize, "converting dumps");
            let options =
                lake::convert::Options { categories: categories.clone(), coverage_end: end };
            let summary = std::thread::scope(|s| {
                let worker =
                    s.spawn(|| lake::convert::convert(files, &lake_dir, &options, read.clone()));
                while !worker.is_finished() {
                    if let Some(b) = &bar {
                        b.set_position(read.load(Ordering::Relaxed));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                worker.join().map_err(|_| anyhow::anyhow!("the conversion thread panicked"))
            })??;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            eprintln!(
                "converted {} edits of {} wiki(s) into {}",
                summary.edits,
                summary.wikis.len(),
                lake_dir.display()
            );
            std::fs::write(&manifest, wanted)?;
        }
        let defined: Vec<Community> = model.communities.iter().map(Community::from_model).collect();
        lake::engine::prepare_run(&lake_dir, &defined)?;
        let results = lake::engine::metrics(&lake_dir)?;
        Ok(Some((results.communities, results.totals, "datafusion")))
    }
}

#[cfg(not(feature = "lake"))]
mod lake_engine {
    use std::path::{Path, PathBuf};

    use super::Counted;

    /// Without the `lake` feature there is no DataFusion engine.
    pub fn run(
        _dir: &Path,
        _model: &model::Model,
        _files: &[PathBuf],
        _end: Option<i64>,
    ) -> anyhow::Result<Option<Counted>> {
        Ok(None)
    }
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    #[serde(flatten)]
    summary: &'a Summary,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let Some(summary) = compute(dir, model, opts.engine, opts.end, opts.level)? else {
        eprintln!(
            "error: {} defines no communities; add a `communities:` list (see docs/communities.md)",
            dir.display()
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    if opts.json {
        let report = Report { about: crate::commands::show::About::of(model), summary: &summary };
        crate::commands::show::print_json("throughline.communities.v1", &report)?;
    } else {
        std::io::stdout().lock().write_all(text(&summary, &model.meta.currency).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn share(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| format!("{:.0}%", 100.0 * s))
}

/// The table for people.
pub fn text(s: &Summary, currency: &str) -> String {
    let mut out = String::new();
    let coverage: Vec<String> = s.coverage.iter().map(|(w, d)| format!("{w} to {d}")).collect();
    let _ = writeln!(
        out,
        "Communities (definitions v{}, engine {}) — data: {}",
        s.definitions_version,
        s.engine,
        if coverage.is_empty() { "none loaded".to_string() } else { coverage.join(", ") }
    );
    let mark = |p: model::Provenance| p.mark().map(|m| format!("  ({m})")).unwrap_or_default();
    if let Some(note) =
        model::provenance::table_note(s.communities.iter().map(|r| r.provenance), "communities")
    {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "\n{:<24} {:<8} {:<12} {:>12} {:>6} {:>7} {:>9} {:>9} {:>14}",
        "community",
        "kind",
        "wiki",
        "participants",
        "new",
        "edits",
        "surviving",
        "month 2",
        "cost/retained"
    );
    for r in &s.communities {
        match &r.outcome {
            Outcome::Missing => {
                let _ = writeln!(
                    out,
                    "{:<24} {:<8} {:<12} missing: no data for {} was loaded (not zero){}",
                    r.id,
                    r.kind,
                    r.wiki,
                    r.wiki,
                    mark(r.provenance)
                );
            }
            Outcome::Measured { metrics: m, .. } => {
                let month2 = m.retention[SECOND_MONTH];
                let retained = if month2.pending > 0 && month2.observed == 0 {
                    "pending".to_string()
                } else {
                    share(month2.share())
                };
                let _ = writeln!(
                    out,
                    "{:<24} {:<8} {:<12} {:>12} {:>6} {:>7} {:>9} {:>9} {:>14}{}",
                    r.id,
                    r.kind,
                    r.wiki,
                    m.participants,
                    m.new_contributors,
                    m.edits,
                    share(r.surviving),
                    retained,
                    r.cost_per_retained
                        .map_or("–".into(), |c| format!("{} {currency}", fmt_num(c))),
                    mark(r.provenance)
                );
            }
        }
    }
    let t = &s.totals;
    let _ = writeln!(
        out,
        "\ntotal: {} people ({} summed over communities), {} new contributors, {} edits ({} summed)",
        t.participants, t.participants_summed, t.new_contributors, t.edits, t.edits_summed
    );
    let windows: Vec<&str> = WINDOWS.iter().map(|w| w.label).collect();
    let _ = writeln!(out, "retention windows after the first edit: {}", windows.join(", "));
    let d = &s.deviance;
    if d.communities.is_empty() {
        let _ = writeln!(
            out,
            "\npositive deviance: no community has observable second-month retention yet"
        );
        return out;
    }
    let _ = writeln!(
        out,
        "\npositive deviance: second-month retention against the share expected for size and cost (expectation: {}; {:.0}% exact (Clopper–Pearson) intervals)",
        d.expectation.label(),
        100.0 * d.level
    );
    let _ = writeln!(
        out,
        "{:<24} {:>8} {:>16} {:>9} {:>8}",
        "community", "share", "interval", "expected", "margin"
    );
    for c in d.communities.iter().take(15) {
        let provenance = s
            .communities
            .iter()
            .find(|r| r.id == c.id)
            .map_or(model::Provenance::Measured, |r| r.provenance);
        let _ = writeln!(
            out,
            "{:<24} {:>8} {:>16} {:>9} {:>+8.2}{}{}",
            c.id,
            share(Some(c.share)),
            format!("{}–{}", share(Some(c.low)), share(Some(c.high))),
            share(Some(c.expected)),
            c.margin,
            if c.is_positive() { "  beats expectation" } else { "" },
            mark(provenance)
        );
    }
    if let Some(best) = d.communities.iter().find(|c| c.is_positive()) {
        let _ = writeln!(
            out,
            "\nlearn from them, and cite them on the links they support:\n  evidence: [{{ source: \"…\", kind: data, community: {} }}]",
            best.id
        );
    }
    out
}

//! `throughline communities DIR`: the model's communities measured from the history dumps in
//! DIR/data/history (docs/communities.md), with positive deviance.
//!
//! Two engines count the same definitions: the reference implementation reads the dumps
//! directly (every build; fine for samples), and — in builds with the `lake` feature — Apache
//! DataFusion over a Parquet conversion kept in DIR/.throughline/lake, rebuilt when the dumps
//! change. Tests hold them to identical counts.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use communities::metrics::Outcome;
use communities::summary::Summary;
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
    pub export: Option<std::path::PathBuf>,
    pub color: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    #[serde(flatten)]
    summary: &'a Summary,
}

/// `communities --emit-sql spark --snapshot YYYY-MM`: the model's communities as one Spark SQL
/// script over the data lake's tables (`communities::sql::spark_script`), on stdout.
pub fn emit_sql(dir: &Path, snapshot: Option<&str>, color: bool) -> anyhow::Result<ExitCode> {
    let Some(snapshot) = snapshot else {
        eprintln!(
            "error: --emit-sql needs --snapshot YYYY-MM: the data lake snapshot the script \
             reads (e.g. --snapshot 2026-09)"
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    if !communities::sql::is_snapshot(snapshot) {
        eprintln!(
            "error: --snapshot {snapshot}: expected a month as the lake names its snapshots, \
             YYYY-MM (e.g. 2026-09)"
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let defined: Vec<communities::metrics::Community> = model
        .communities
        .iter()
        .flat_map(|c| communities::metrics::Community::all_from_model(c, &model.meta))
        .collect();
    if defined.is_empty() {
        eprintln!(
            "error: {} defines no communities; add a `communities:` list (see docs/communities.md)",
            dir.display()
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    let categories = match analysis::communities::categories_file(dir) {
        Some(file) => communities::dump::read_categories(&file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
        None => Vec::new(),
    };
    let tables = communities::sql::LakeTables::wmf(snapshot);
    let script = communities::sql::spark_script(&defined, &categories, &tables);
    std::io::stdout().write_all(script.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let engine = match opts.engine {
        EngineArg::Auto => analysis::communities::Engine::Auto,
        EngineArg::Reference => analysis::communities::Engine::Reference,
        EngineArg::Datafusion => analysis::communities::Engine::Datafusion,
    };
    let options = analysis::communities::Options { engine, end: opts.end, level: opts.level };
    let bar: std::sync::Mutex<Option<Option<indicatif::ProgressBar>>> = std::sync::Mutex::new(None);
    let progress = |read: u64, total: u64| {
        let mut bar = bar.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if bar.is_none() {
            *bar =
                Some(crate::commands::simulate::progress_bar(total as usize, "converting dumps"));
        }
        if let Some(Some(b)) = bar.as_ref() {
            b.set_position(read);
            if read >= total {
                b.finish_and_clear();
            }
        }
    };
    let mut notes = Vec::new();
    let summary = analysis::communities::compute(dir, model, &options, &progress, &mut notes);
    crate::commands::print_notes(&notes);
    let Some(summary) = summary? else {
        eprintln!(
            "error: {} defines no communities; add a `communities:` list (see docs/communities.md)",
            dir.display()
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    if let Some(out) = &opts.export {
        std::fs::create_dir_all(out)
            .map_err(|e| anyhow::anyhow!("creating {}: {e}", out.display()))?;
        let files = communities::export::files(&summary)?;
        for (name, text) in &files {
            let path = out.join(name);
            std::fs::write(&path, text)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
        }
        eprintln!("wrote {} tables (CSV and JSON) to {}", files.len(), out.display());
    }
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
        "Communities (engine {}) — data: {}",
        s.engine,
        if coverage.is_empty() { "none loaded".to_string() } else { coverage.join(", ") }
    );
    for f in &s.failures {
        let _ = writeln!(
            out,
            "source failed: {} ({}): {} — its communities are missing, every other wiki is measured",
            f.file,
            f.wiki.as_deref().unwrap_or("wiki unknown"),
            f.reason
        );
    }
    let mark = |p: model::Provenance| p.mark().map(|m| format!("  ({m})")).unwrap_or_default();
    if let Some(note) =
        model::provenance::table_note(s.communities.iter().map(|r| r.provenance), "communities")
    {
        let _ = writeln!(out, "{note}");
    }
    let mut seen: Vec<&communities::definition::Definition> = Vec::new();
    for r in &s.communities {
        if !seen.contains(&&r.definition) {
            seen.push(&r.definition);
        }
    }
    // Ids are the model's own and may be long: the first column is as wide as the longest.
    let w = id_width(s.communities.iter().map(|r| r.id.as_str()));
    for def in seen {
        let _ = writeln!(out, "\ndefinition: {} — {}", def.title(), def.parameter_text());
        let _ = writeln!(out, "source: {}", def.source);
        let windows: Vec<&str> = def.windows.iter().map(|w| w.key.as_str()).collect();
        let mut head = format!(
            "{:<w$} {:<8} {:<12} {:>12} {:>6} {:>7} {:>9}",
            "community", "kind", "wiki", "participants", "new", "edits", "surviving"
        );
        for w in &windows {
            head.push_str(&format!(" {w:>12}"));
        }
        let _ = writeln!(out, "{head} {:>14}", "cost/retained");
        for r in s.communities.iter().filter(|r| r.definition == *def) {
            match &r.outcome {
                Outcome::Missing => {
                    let why = r.missing.as_deref().unwrap_or("no data was loaded");
                    let _ = writeln!(
                        out,
                        "{:<w$} {:<8} {:<12} missing: {why} (not zero){}",
                        r.id,
                        r.kind,
                        r.wiki,
                        mark(r.provenance)
                    );
                }
                Outcome::Measured { metrics: m, .. } => {
                    let mut line = format!(
                        "{:<w$} {:<8} {:<12} {:>12} {:>6} {:>7} {:>9}",
                        r.id,
                        r.kind,
                        r.wiki,
                        m.participants,
                        m.new_contributors,
                        m.edits,
                        share(r.surviving)
                    );
                    for ret in &m.retention {
                        let cell = if ret.pending > 0 && ret.observed == 0 {
                            "pending".to_string()
                        } else {
                            format!("{} {}/{}", share(ret.share()), ret.retained, ret.observed)
                        };
                        line.push_str(&format!(" {cell:>12}"));
                    }
                    let cost = r
                        .cost_per_retained
                        .map_or("–".into(), |c| format!("{} {currency}", fmt_num(c)));
                    let _ = writeln!(out, "{line} {cost:>14}{}", mark(r.provenance));
                }
            }
        }
        let labels: Vec<String> =
            def.windows.iter().map(|w| format!("{} = {}", w.key, w.label)).collect();
        if !labels.is_empty() {
            let _ = writeln!(out, "windows: {}", labels.join("; "));
        }
    }
    impact_text(&mut out, s);
    let t = &s.totals;
    let measured = s.communities.iter().any(|r| matches!(r.outcome, Outcome::Measured { .. }));
    if measured {
        let _ = writeln!(
            out,
            "\ntotal: {} people ({} summed over communities), {} new contributors, {} edits ({} summed)",
            t.participants, t.participants_summed, t.new_contributors, t.edits, t.edits_summed
        );
    } else {
        let _ = writeln!(out, "\ntotal: no community was measured (unknown, not zero)");
    }
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
    let w = id_width(d.communities.iter().take(15).map(|c| c.id.as_str()));
    let _ = writeln!(
        out,
        "{:<w$} {:>8} {:>16} {:>9} {:>8}",
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
            "{:<w$} {:>8} {:>16} {:>9} {:>+8.2}{}{}",
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

/// The width of a table's first column: its longest id, at least 24 characters.
fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|id| id.chars().count()).max().unwrap_or(0).max(24)
}

/// The impact figures, once per community (they count the community's edits, the same under
/// every definition), and the Global Metrics 2014 table when a community is measured with it.
fn impact_text(out: &mut String, s: &Summary) {
    let mut seen: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    let w = id_width(s.communities.iter().map(|r| r.community.as_str()));
    for r in &s.communities {
        let Outcome::Measured { metrics: m, .. } = &r.outcome else { continue };
        if seen.contains(&r.community.as_str()) {
            continue;
        }
        seen.push(&r.community);
        let mark = r.provenance.mark().map(|m| format!("  ({m})")).unwrap_or_default();
        lines.push(format!(
            "{:<w$} {:<12} {:>8} {:>8} {:>9} {:>9} {:>8} {:>6} {:>9}{mark}",
            r.community,
            r.wiki,
            m.articles_created,
            m.articles_improved,
            m.bytes_net(),
            m.bytes_absolute(),
            m.files_created,
            m.files_in_use,
            m.views_to_created
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "\nimpact figures (from each community's edits; on wikidatawiki articles are items):"
        );
        let _ = writeln!(
            out,
            "{:<w$} {:<12} {:>8} {:>8} {:>9} {:>9} {:>8} {:>6} {:>9}",
            "community",
            "wiki",
            "created",
            "improved",
            "bytes net",
            "bytes abs",
            "uploads",
            "in use",
            "views"
        );
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    let gm = communities::global_metrics::table(s);
    if gm.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nGlobal Metrics 2014 (published order):");
    for (k, (_, wording)) in communities::global_metrics::METRICS.iter().enumerate() {
        let _ = writeln!(out, "  {}. {wording}", k + 1);
    }
    let w = id_width(gm.iter().map(|r| r.id.as_str()));
    let mut head = format!("{:<w$}", "community");
    for k in 1..=6 {
        head.push_str(&format!(" {k:>8}"));
    }
    let _ = writeln!(out, "{head} {:>8}", 7);
    for r in gm {
        let mut line = format!("{:<w$}", r.id);
        for f in r.figures {
            line.push_str(&format!(" {:>8}", f.map_or("–".to_string(), |v| v.to_string())));
        }
        let mark = r.provenance.mark().map(|m| format!("  ({m})")).unwrap_or_default();
        let _ = writeln!(out, "{line} {:>8}{mark}", "written");
    }
}

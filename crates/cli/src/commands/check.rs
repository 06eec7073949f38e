//! `throughline check DIR`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use modelfile::{Checked, Severity};
use serde::Serialize;

use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::{self, JsonDiagnostic, plural};

/// Flags of `check`.
pub struct Options {
    pub json: bool,
    pub deny_warnings: bool,
    pub quiet: bool,
    pub color: bool,
    /// Frameworks whose completeness rules apply besides the manifest's.
    pub frameworks: Vec<model::Framework>,
}

#[derive(Serialize)]
struct Report<'a> {
    format: &'static str,
    model: &'a str,
    files: usize,
    errors: usize,
    warnings: usize,
    counts: Counts,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Counts {
    programs: usize,
    goals: usize,
    nodes: usize,
    links: usize,
    initiatives: usize,
    audiences: usize,
    indicators: usize,
    teams: usize,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let files = match modelfile::load_dir(dir) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    // The folder's file list lets `check` warn about data files that are named but missing
    // (TL311) while the checker itself stays pure.
    let present = modelfile::folder_files(dir).ok();
    let checked = modelfile::check_with(files, &opts.frameworks, present.as_ref());
    let errors = checked.count(Severity::Error);
    let warnings = checked.count(Severity::Warning);
    let shown: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| !opts.quiet || d.severity() == Severity::Error)
        .collect();
    if opts.json {
        let report = Report {
            format: "throughline.check.v1",
            model: &checked.model.meta.name,
            files: checked.map.files.len(),
            errors,
            warnings,
            counts: counts(&checked),
            diagnostics: shown.iter().map(|d| render::json_diagnostic(&checked.map, d)).collect(),
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report).context("writing JSON")?;
        out.write_all(b"\n")?;
    } else {
        render::human(&checked, &shown, opts.color)?;
        let c = counts(&checked);
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "checked {} in {}: {} programs, {} goals, {} nodes, {} links, {} initiatives, {} indicators",
            plural(checked.map.files.len(), "file"),
            dir.display(),
            c.programs,
            c.goals,
            c.nodes,
            c.links,
            c.initiatives,
            c.indicators,
        )?;
        writeln!(out, "{}, {}", plural(errors, "error"), plural(warnings, "warning"))?;
    }
    let failed = errors > 0 || (opts.deny_warnings && warnings > 0);
    Ok(if failed { ExitCode::from(EXIT_PROBLEMS) } else { ExitCode::SUCCESS })
}

fn counts(c: &Checked) -> Counts {
    let m = &c.model;
    let goals = m.goals().count();
    Counts {
        programs: m.programs.len(),
        goals,
        nodes: m.nodes.len() - goals,
        links: m.links.len(),
        initiatives: m.initiatives.len(),
        audiences: m.audiences.len(),
        indicators: m.indicators.len(),
        teams: m.teams.len(),
    }
}

//! `throughline report DIR -o OUT`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::args::ReportFormat;
use crate::commands::EXIT_PROBLEMS;
use crate::commands::measure::{build_checkin, store_with_local_data};
use crate::commands::simulate::{load_checked, progress_bar};

/// The check-in of the latest quarter with data, every evaluation the store can support, and
/// the communities measured from the dumps. Local files are imported first; the network is
/// never used here.
pub fn measured(dir: &Path, model: &model::Model) -> anyhow::Result<report::Measured> {
    let store = store_with_local_data(dir, model)?;
    let mut latest: Option<model::Date> = None;
    for (ind, _) in evaluate::checkin::key_result_indicators(model) {
        if let Some(d) = store.last_date(ind.id.as_str())? {
            latest = latest.max(Some(d));
        }
    }
    let checkin = match latest {
        Some(d) => Some(build_checkin(model, &store, d.quarter())?),
        None => None,
    };
    let mut evaluations = Vec::new();
    for ini in &model.initiatives {
        if ini.evaluation.is_none() {
            continue;
        }
        match crate::commands::evaluate::compute(dir, model, &store, ini.id.as_str(), None)? {
            Ok(c) => evaluations.push(report::EvaluationShown {
                initiative: ini.id.to_string(),
                indicator: c.record.indicator.to_string(),
                deployed: c.record.deployed,
                estimate: c.estimate,
                predicted: c.predicted,
                scale: c.record.scale,
                updates: c.updates,
                data: c.record.data,
            }),
            Err(why) => eprintln!("note: no evaluation of {} in the report: {why}", ini.id),
        }
    }
    let communities = crate::commands::communities::compute(
        dir,
        model,
        crate::args::EngineArg::Auto,
        None,
        0.95,
    )?;
    Ok(report::Measured { checkin, evaluations, communities })
}

pub fn run(
    dir: &Path,
    out: &Path,
    format: ReportFormat,
    opts: report::Options,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let mut opts = opts;
    opts.measured = measured(dir, &checked.model)?;
    let bar = progress_bar(opts.samples, "simulating for the report");
    let format = match format {
        ReportFormat::Html => report::Format::Html,
        ReportFormat::Wikitext => report::Format::Wikitext,
    };
    let files = report::build(&checked.model, format, &opts, &|done, _| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let files = match files {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    for f in &files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let entry = if format == report::Format::Html { "index.html" } else { "index.wiki" };
    println!(
        "wrote {} files to {}; open {}",
        files.len(),
        out.display(),
        out.join(entry).display()
    );
    Ok(ExitCode::SUCCESS)
}

//! `throughline report DIR -o OUT`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::args::ReportFormat;
use crate::commands::EXIT_PROBLEMS;
use crate::commands::simulate::{load_checked, progress_bar};

/// The check-in, evaluations and communities of the folder, with what was imported or could
/// not be shown said on stderr. Local files only; the network is never used here.
pub fn measured(dir: &Path, model: &model::Model) -> anyhow::Result<report::Measured> {
    let mut notes = Vec::new();
    let measured = analysis::Measured::of_folder(dir, model, &mut notes);
    crate::commands::print_notes(&notes);
    Ok(measured?)
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
    let bar = progress_bar(opts.settings.samples, "simulating for the report");
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

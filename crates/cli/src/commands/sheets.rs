//! `export` and `import-sheet`: the model as spreadsheets and new items from one. The tables
//! and the import are the `sheets` crate's; this module reads and writes the files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::simulate::load_checked;
use super::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::args::SheetFormat;

/// Writes the model's tables as one XLSX workbook or a folder of CSV files.
pub fn export(
    dir: &Path,
    format: SheetFormat,
    output: Option<PathBuf>,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let store = super::local_store(dir, &checked.model)?;
    let checkin = analysis::store::latest_checkin(&checked.model, &store)?;
    let revision = format!("the model folder {}", dir.display());
    let book = ::sheets::book(
        &checked.model,
        &revision,
        model::Date::today(),
        ::sheets::Extras { checkin: checkin.as_ref() },
    );
    match format {
        SheetFormat::Xlsx => {
            let out = output.unwrap_or_else(|| PathBuf::from("model.xlsx"));
            let bytes = ::sheets::write::xlsx(&book)?;
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("wrote {} ({} sheets)", out.display(), book.tables.len() + 1);
        }
        SheetFormat::Csv => {
            let out = output.unwrap_or_else(|| PathBuf::from("sheets"));
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let files = ::sheets::write::csv_files(&book)?;
            for (name, text) in &files {
                let path = out.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            println!("wrote {} CSV files into {}", files.len(), out.display());
        }
    }
    if let Some(caveat) =
        model::provenance::caveat(book.tables.iter().flat_map(|t| t.provenance.iter().copied()))
    {
        println!("{caveat}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Appends the items of a sheet to the model's files, or reports every problem and writes
/// nothing.
pub fn import(dir: &Path, file: &Path, dry_run: bool, _color: bool) -> anyhow::Result<ExitCode> {
    let files = match modelfile::load_dir(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let tables = match ext.as_str() {
        "xlsx" => {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            ::sheets::read_xlsx(&bytes)
        }
        "csv" => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            ::sheets::read_csv(stem, &text).map(|t| vec![t])
        }
        _ => {
            eprintln!(
                "error: {} is neither .xlsx nor .csv; save the sheet as one of them",
                file.display()
            );
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    let result = tables.and_then(|t| ::sheets::import(files, &t, "imported.yaml"));
    let done = match result {
        Ok(d) => d,
        Err(e) => {
            let problems = e.problems();
            for p in problems {
                eprintln!("error: {}: {p}", file.display());
            }
            eprintln!(
                "error: {} in {}; nothing was written",
                crate::render::plural(problems.len(), "problem"),
                file.display()
            );
            return Ok(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    for f in &done.files {
        if dry_run {
            println!("would write {}:\n{}", f.name, f.text);
            continue;
        }
        let path = dir.join(&f.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.text).with_context(|| format!("writing {}", path.display()))?;
    }
    let names: Vec<String> = done.files.iter().map(|f| f.name.clone()).collect();
    println!(
        "{} {} new {} into {}",
        if dry_run { "would add" } else { "added" },
        done.added.len(),
        if done.added.len() == 1 { "item" } else { "items" },
        if names.is_empty() { "no file".to_string() } else { names.join(", ") }
    );
    if !done.skipped.is_empty() {
        println!("skipped the sheets {} (they hold no items)", done.skipped.join(", "));
    }
    if done.warnings > 0 {
        println!(
            "the model now has {} more; see `throughline check {}`",
            crate::render::plural(done.warnings, "warning"),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

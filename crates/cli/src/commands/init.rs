//! `throughline init DIR`: a new model from a template, so a new user starts from something that
//! already passes `check`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use include_dir::{Dir, DirEntry, include_dir};

use crate::args::Template;
use crate::commands::EXIT_FAILURE;

/// The JSON Schema written beside a new model, for editors.
const SCHEMA_FILE: &str = "throughline.schema.json";

static LOGIC_MODEL: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/logic-model");
static WIKIMEDIA: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../examples/wikimedia");

/// The embedded files of a template, as (relative path, bytes), sorted. Bytes, not text: the
/// example's history dump is bzip2, and a copy without it would show every community as missing.
pub fn template_files(template: Template) -> Vec<(String, &'static [u8])> {
    let dir = match template {
        Template::LogicModel => &LOGIC_MODEL,
        Template::Wikimedia => &WIKIMEDIA,
    };
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    files
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) if !is_local_state(d.path()) => collect(d, out),
            DirEntry::File(f) if !is_local_state(f.path()) => {
                out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
            }
            _ => {}
        }
    }
}

/// What commands create inside a model folder (the measurement store, the workspace database):
/// derived, git-ignored state that a running checkout may hold when the binary is built, and
/// that a new model must not inherit.
fn is_local_state(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == ".throughline"
        || name.starts_with("measurements.sqlite")
        || [".sqlite", ".sqlite-journal", ".sqlite-wal", ".sqlite-shm"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

pub fn run(dir: &Path, template: Template, force: bool) -> anyhow::Result<ExitCode> {
    if dir.exists() {
        if !dir.is_dir() {
            eprintln!("error: {} exists and is not a folder", dir.display());
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
        let has_files = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some();
        if has_files && !force {
            eprintln!(
                "error: {} is not empty; choose a new folder, or pass --force to write the template's files into it",
                dir.display()
            );
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    let files = template_files(template);
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    // Editors validate and complete the files against this (see the modeline in each template
    // file); `check` reads only *.yaml, so it is not part of the model.
    let schema = dir.join(SCHEMA_FILE);
    std::fs::write(&schema, crate::commands::schema_text())
        .with_context(|| format!("writing {}", schema.display()))?;
    println!("created {} with {} files and {SCHEMA_FILE}", dir.display(), files.len());
    println!("next: edit the YAML files, then run `throughline check {}`", dir.display());
    Ok(ExitCode::SUCCESS)
}

//! The files people write: a folder of YAML that becomes a [`model::Model`], with every problem
//! reported at its file, line and column.
//!
//! The pipeline is `yaml` (text → spanned tree) → `decode` (tree → model items + source map)
//! → `rules` (model-wide checks) → sorted diagnostics. [`check`] is pure: it takes file texts
//! and returns data. [`load_dir`] is the one function here that touches the file system.

mod decode;
pub mod diagnostic;
pub mod format;
pub mod quantity;
pub mod rules;
pub mod schema;
pub mod source;
pub mod sourcemap;
mod suggest;
pub mod yaml;

use std::path::{Path, PathBuf};

use model::Model;
use model::graph::ModelGraph;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use source::{FileId, Pos, SourceFile, Span};
pub use sourcemap::SourceMap;

/// The name of the manifest file every model folder has.
pub const MANIFEST: &str = "throughline.yaml";

/// A model as far as it could be read, with everything wrong with it.
#[derive(Debug)]
pub struct Checked {
    /// The items that could be decoded. Usable for views even when there are errors.
    pub model: Model,
    /// Where each item was written.
    pub map: SourceMap,
    /// Every problem, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Number of diagnostics with this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity() == severity).count()
    }

    /// True when no error was found (warnings allowed): the model is safe to compute with.
    pub fn is_ok(&self) -> bool {
        self.count(Severity::Error) == 0
    }
}

/// Decodes and validates the files of one model. Never panics, never stops at the first problem.
/// Applies the completeness rules of the frameworks the manifest names.
pub fn check(files: Vec<SourceFile>) -> Checked {
    check_with_frameworks(files, &[])
}

/// [`check`], also applying the completeness rules of `frameworks` (`check --framework`).
pub fn check_with_frameworks(files: Vec<SourceFile>, frameworks: &[model::Framework]) -> Checked {
    let mut out = Vec::new();
    let mut model = Model::default();
    let mut map = SourceMap::default();
    let manifest = files.iter().position(|f| f.name == MANIFEST);
    if manifest.is_none() {
        out.push(Diagnostic {
            rule: &rules::missing_manifest::RULE,
            message: format!("the model folder has no {MANIFEST}"),
            span: None,
            help: Some(format!("create {MANIFEST} with `format_version: 1` and a `model:` section, or run `throughline init`")),
            related: vec![],
        });
    }
    let roots: Vec<Option<yaml::Node>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| yaml::parse(FileId(i as u32), &f.text, &mut out))
        .collect();
    map.files = files;
    {
        let mut decoder = decode::Decoder::new(&mut out, &mut model, &mut map);
        for (i, root) in roots.iter().enumerate() {
            decoder.file(FileId(i as u32), root.as_ref(), Some(i) == manifest);
        }
    }
    if model.meta.currency.is_empty() {
        model.meta.currency = "USD".into();
    }
    // Evaluations update the effects of the links they tested, so every engine downstream
    // (simulate, plan, report) starts from the evidence.
    let has_errors = out.iter().any(|d| d.severity() == Severity::Error);
    if !model.evaluations.is_empty() && !has_errors {
        for (i, result) in model::learn::apply_all(&mut model).into_iter().enumerate() {
            if let Err(why) = result {
                let span = map.evaluations.get(i).map(|s| s.item);
                out.push(Diagnostic {
                    rule: &rules::evaluation_not_applied::RULE,
                    message: why.to_string(),
                    span,
                    help: Some(
                        "see `throughline rules TL310`; the result stays on record as evidence"
                            .into(),
                    ),
                    related: vec![],
                });
            }
        }
    }
    {
        let graph = ModelGraph::build(&model);
        let mut enabled = model.meta.frameworks.clone();
        enabled.extend(frameworks.iter().copied().filter(|f| !model.meta.frameworks.contains(f)));
        let cx = rules::RuleCx { model: &model, graph: &graph, map: &map, frameworks: &enabled };
        rules::run(&cx, &mut out);
    }
    out.sort_by_key(|d| d.span.map(|s| (s.file, s.start.offset)));
    Checked { model, map, diagnostics: out }
}

/// Why a model folder could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path is not a folder.
    #[error("{0} is not a folder; give the folder that holds {MANIFEST}")]
    NotAFolder(PathBuf),
    /// Reading failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is not UTF-8.
    #[error("{0} is not UTF-8 text; save it as UTF-8")]
    NotUtf8(PathBuf),
}

/// Reads every `*.yaml` / `*.yml` file under `dir`, in sorted order, skipping hidden folders,
/// `target` and `node_modules`.
pub fn load_dir(dir: &Path) -> Result<Vec<SourceFile>, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NotAFolder(dir.to_owned()));
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path)
                .map_err(|source| LoadError::Io { path: path.clone(), source })?;
            let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8(path.clone()))?;
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Ok(SourceFile { name, path: Some(path), text })
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| LoadError::Io { path: dir.to_owned(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io { path: dir.to_owned(), source })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let ty =
            entry.file_type().map_err(|source| LoadError::Io { path: path.clone(), source })?;
        if ty.is_dir() {
            if name != "target" && name != "node_modules" {
                walk(&path, out)?;
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and checks a model folder.
pub fn check_dir(dir: &Path) -> Result<Checked, LoadError> {
    Ok(check(load_dir(dir)?))
}

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
pub mod write;
pub mod yaml;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use model::Model;
use model::graph::ModelGraph;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use source::{FileId, Pos, SourceFile, Span};
pub use sourcemap::SourceMap;

/// The name of the manifest file every model folder has.
pub const MANIFEST: &str = "throughline.yaml";

/// Largest model file read, in bytes. The Wikimedia example's largest file is under 40 KB and
/// the 10,000-node benchmark model's under 5 MB; a file above this is data pasted in by mistake
/// or an attack on memory.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

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
    check_with(files, frameworks, None)
}

/// [`check_with_frameworks`], also warning about CSV files the model names that are not among
/// `folder_files` (from [`folder_files`]). Still pure: the caller lists the folder.
pub fn check_with(
    files: Vec<SourceFile>,
    frameworks: &[model::Framework],
    folder_files: Option<&BTreeSet<String>>,
) -> Checked {
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
        .map(|(i, f)| {
            if f.text.len() > MAX_FILE_BYTES {
                out.push(
                    Diagnostic::new(
                        &rules::yaml_limit::RULE,
                        Span::file_start(FileId(i as u32)),
                        format!(
                            "this file is {} bytes; a model file holds at most {MAX_FILE_BYTES}",
                            f.text.len()
                        ),
                    )
                    .help("split it into several files in the model folder"),
                );
                return None;
            }
            yaml::parse(FileId(i as u32), &f.text, &mut out)
        })
        .collect();
    map.files = files;
    {
        let mut decoder =
            decode::Decoder::new(&mut out, &mut model, &mut map).with_data_files(folder_files);
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
    /// A file is larger than [`MAX_FILE_BYTES`].
    #[error(
        "{0} is larger than {MAX_FILE_BYTES} bytes, the most a model file may hold; split it into several files"
    )]
    TooLarge(PathBuf),
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
            let bytes = read_capped(&path)?;
            let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8(path.clone()))?;
            let name = relative_name(dir, &path);
            Ok(SourceFile { name, path: Some(path), text })
        })
        .collect()
}

/// Reads a file, refusing it once it passes [`MAX_FILE_BYTES`] (without reading the rest).
fn read_capped(path: &Path) -> Result<Vec<u8>, LoadError> {
    let io = |source| LoadError::Io { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(path.to_owned()));
    }
    Ok(bytes)
}

/// Every file under `dir` (any extension), as `/`-separated paths relative to it, with the
/// folders [`load_dir`] skips skipped: what [`check_with`] needs to find missing CSV sources.
pub fn folder_files(dir: &Path) -> Result<BTreeSet<String>, LoadError> {
    let mut paths = Vec::new();
    walk_matching(dir, &mut paths, &|_| true)?;
    Ok(paths.iter().map(|p| relative_name(dir, p)).collect())
}

fn relative_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    walk_matching(dir, out, &|name| name.ends_with(".yaml") || name.ends_with(".yml"))
}

fn walk_matching(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(), LoadError> {
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
                walk_matching(&path, out, keep)?;
            }
        } else if keep(&name) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and checks a model folder, including whether the CSV files it names are there.
pub fn check_dir(dir: &Path) -> Result<Checked, LoadError> {
    check_dir_with_frameworks(dir, &[])
}

/// [`check_dir`] with the completeness rules of `frameworks` (`check --framework`).
pub fn check_dir_with_frameworks(
    dir: &Path,
    frameworks: &[model::Framework],
) -> Result<Checked, LoadError> {
    let files = load_dir(dir)?;
    let present = folder_files(dir)?;
    Ok(check_with(files, frameworks, Some(&present)))
}

//! The model's communities measured from the history dumps in DIR/data/history
//! (docs/communities.md), with positive deviance.
//!
//! Two engines count the same definitions: the reference implementation reads the dumps
//! directly (every build; fine for samples), and — with the `lake` feature — Apache DataFusion
//! over a Parquet conversion kept in DIR/.throughline/lake, rebuilt when the dumps change.
//! Tests hold them to identical counts.

use std::path::{Path, PathBuf};

use communities::metrics::{Outcome, Totals};
use communities::summary::{SourceFailure, Summary, summarise};

use crate::AnalysisError;

/// Which engine counts the communities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion when this build has it, else the reference implementation.
    #[default]
    Auto,
    /// The reference implementation, straight from the dumps (small dumps).
    Reference,
    /// Apache DataFusion over the Parquet conversion (builds with the `lake` feature).
    Datafusion,
}

/// Where a model's dumps live.
pub fn history_dir(dir: &Path) -> PathBuf {
    dir.join("data").join("history")
}

/// The dump files of a model: `*.tsv` and `*.bz2` under data/history, except the
/// category-pages file; sorted, so every run reads them in the same order.
pub fn dumps(dir: &Path) -> Result<Vec<PathBuf>, AnalysisError> {
    let history = history_dir(dir);
    if !history.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let io = |source| AnalysisError::Io { path: history.clone(), source };
    for entry in std::fs::read_dir(&history).map_err(io)? {
        let path = entry.map_err(io)?.path();
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

/// The impact figures' other sources of a model: the link-table SQL dumps in
/// DIR/data/links (`WIKI-DATE-imagelinks.sql[.gz]`, `commonswiki-DATE-globalimagelinks.sql[.gz]`,
/// `WIKI-DATE-linktarget.sql[.gz]`) and the hourly pageview files in DIR/data/pageviews
/// (`pageviews-YYYYMMDD-HH0000[.gz]`); sorted.
pub fn impact_sources(dir: &Path) -> Result<communities::summary::ImpactSources, AnalysisError> {
    let list = |sub: &str, keep: &dyn Fn(&str) -> bool| -> Result<Vec<PathBuf>, AnalysisError> {
        let folder = dir.join("data").join(sub);
        if !folder.is_dir() {
            return Ok(Vec::new());
        }
        let io = |source| AnalysisError::Io { path: folder.clone(), source };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&folder).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if keep(name) {
                out.push(path);
            }
        }
        out.sort();
        Ok(out)
    };
    Ok(communities::summary::ImpactSources {
        links: list("links", &|n| n.ends_with(".sql") || n.ends_with(".sql.gz"))?,
        pageviews: list("pageviews", &|n| n.starts_with("pageviews-"))?,
    })
}

/// The category-pages file, if the model has one.
pub fn categories_file(dir: &Path) -> Option<PathBuf> {
    let p = history_dir(dir).join("categories.tsv");
    p.is_file().then_some(p)
}

/// How the communities are measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The engine.
    pub engine: Engine,
    /// Last day the dumps cover; default: the day before each wiki's last edit.
    pub end: Option<model::Date>,
    /// Confidence level of the positive-deviance intervals.
    pub level: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { engine: Engine::Auto, end: None, level: crate::Settings::default().level }
    }
}

/// Measures the model's communities; `None` when it defines none. `progress` hears
/// `(bytes read, bytes in all)` while dumps are converted for DataFusion; what was converted is
/// added to `notes`.
pub fn compute(
    dir: &Path,
    model: &model::Model,
    opts: &Options,
    progress: &(dyn Fn(u64, u64) + Sync),
    notes: &mut Vec<String>,
) -> Result<Option<Summary>, AnalysisError> {
    if model.communities.is_empty() {
        return Ok(None);
    }
    let files = dumps(dir)?;
    let end_secs = opts.end.map(|d| (d.day_number() + 1) * communities::metrics::DAY);
    if files.is_empty() {
        // Nothing loaded: every community is missing, never zero.
        let summary = summarise(
            &model.meta,
            &model.communities,
            &[],
            Totals::default(),
            "none",
            opts.level,
            &[],
        );
        return Ok(Some(summary));
    }
    let impact = impact_sources(dir)?;
    notes.push(format!(
        "impact figures from {} link dump(s) and {} hourly pageview file(s); without them files in \
         use and views count nothing",
        impact.links.len(),
        impact.pageviews.len()
    ));
    let (outcomes, totals, name, failures) = match opts.engine {
        Engine::Reference => reference(dir, model, &files, end_secs)?,
        Engine::Datafusion | Engine::Auto => {
            match lake_engine::run(dir, model, &files, end_secs, progress, notes)? {
                Some(r) => r,
                None if opts.engine == Engine::Auto => reference(dir, model, &files, end_secs)?,
                None => return Err(AnalysisError::NoDataFusion),
            }
        }
    };
    Ok(Some(summarise(
        &model.meta,
        &model.communities,
        &outcomes,
        totals,
        name,
        opts.level,
        &failures,
    )))
}

type Counted = (Vec<(String, Outcome)>, Totals, &'static str, Vec<SourceFailure>);

fn reference(
    dir: &Path,
    model: &model::Model,
    files: &[PathBuf],
    end: Option<i64>,
) -> Result<Counted, AnalysisError> {
    let categories = categories_file(dir);
    let impact = impact_sources(dir)?;
    let (o, t, failures) = communities::summary::reference(
        &model.meta,
        &model.communities,
        files,
        categories.as_deref(),
        &impact,
        end,
    )?;
    Ok((o, t, "reference", failures))
}

#[cfg(feature = "lake")]
mod lake_engine {
    //! The DataFusion engine over DIR/.throughline/lake.

    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use communities::metrics::Community;

    use communities::summary::SourceFailure;

    use super::Counted;
    use crate::AnalysisError;

    /// What the lake was converted from: files with size and modification time, and the
    /// coverage end. A different list means the lake is stale.
    fn sources(
        files: &[PathBuf],
        categories: Option<&Path>,
        impact: &communities::summary::ImpactSources,
        end: Option<i64>,
    ) -> String {
        let mut s = format!("end\t{end:?}\n");
        let others = impact.links.iter().chain(&impact.pageviews).map(PathBuf::as_path);
        for f in files.iter().map(PathBuf::as_path).chain(categories).chain(others) {
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
        progress: &(dyn Fn(u64, u64) + Sync),
        notes: &mut Vec<String>,
    ) -> Result<Option<Counted>, AnalysisError> {
        let lake_dir = dir.join(".throughline").join("lake");
        let categories = super::categories_file(dir);
        let impact = super::impact_sources(dir)?;
        // A dump that cannot be read is left out with its wiki (every file of it), and the
        // conversion runs again without it: the other wikis are still measured.
        let mut failures: Vec<SourceFailure> = Vec::new();
        let mut files: Vec<PathBuf> = files.to_vec();
        loop {
            match convert_if_stale(
                &lake_dir,
                &files,
                categories.as_deref(),
                &impact,
                end,
                progress,
                notes,
            ) {
                Ok(()) => break,
                Err(AnalysisError::Lake(lake::LakeError::Dump { path, source }))
                    if files.contains(&path) =>
                {
                    let wiki = communities::dump::wiki_of_file(&path).or_else(|| first_wiki(&path));
                    files.retain(|f| {
                        *f != path && (wiki.is_none() || communities::dump::wiki_of_file(f) != wiki)
                    });
                    failures.push(SourceFailure {
                        file: path.display().to_string(),
                        wiki,
                        reason: source.to_string(),
                    });
                    if files.is_empty() {
                        return Ok(Some((Vec::new(), Default::default(), "datafusion", failures)));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let defined: Vec<Community> = model
            .communities
            .iter()
            .flat_map(|c| Community::all_from_model(c, &model.meta))
            .collect();
        lake::engine::prepare_run(&lake_dir, &defined)?;
        let results = lake::engine::metrics(&lake_dir)?;
        // A wiki named only in a failed file's rows may still have rows from other files: its
        // communities are reported missing rather than half counted.
        let failed: Vec<&str> = failures.iter().filter_map(|f| f.wiki.as_deref()).collect();
        let outcomes = results
            .communities
            .into_iter()
            .map(|(id, o)| {
                let wiki = defined.iter().find(|c| c.id == id).map(|c| c.wiki.as_str());
                if wiki.is_some_and(|w| failed.contains(&w)) {
                    (id, communities::metrics::Outcome::Missing)
                } else {
                    (id, o)
                }
            })
            .collect();
        Ok(Some((outcomes, results.totals, "datafusion", failures)))
    }

    /// The wiki of the first edit a dump holds, if any row can be read.
    fn first_wiki(path: &Path) -> Option<String> {
        communities::dump::open(path).ok()?.next()?.ok().map(|e| e.wiki)
    }

    /// Converts the dumps into the lake unless it was converted from exactly these files.
    fn convert_if_stale(
        lake_dir: &Path,
        files: &[PathBuf],
        categories: Option<&Path>,
        impact: &communities::summary::ImpactSources,
        end: Option<i64>,
        progress: &(dyn Fn(u64, u64) + Sync),
        notes: &mut Vec<String>,
    ) -> Result<(), AnalysisError> {
        let categories = categories.map(Path::to_path_buf);
        let wanted = sources(files, categories.as_deref(), impact, end);
        let manifest = lake_dir.join("sources.tsv");
        if std::fs::read_to_string(&manifest).ok().as_deref() != Some(wanted.as_str()) {
            let total: u64 =
                files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
            let read = Arc::new(AtomicU64::new(0));
            let options = lake::convert::Options {
                categories: categories.clone(),
                coverage_end: end,
                impact: impact.clone(),
            };
            let summary = std::thread::scope(|s| {
                let worker =
                    s.spawn(|| lake::convert::convert(files, lake_dir, &options, read.clone()));
                while !worker.is_finished() {
                    progress(read.load(Ordering::Relaxed), total);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                progress(total, total);
                worker.join().map_err(|_| AnalysisError::Panicked("converting the dumps"))
            })??;
            notes.push(format!(
                "converted {} edits of {} wiki(s) into {}",
                summary.edits,
                summary.wikis.len(),
                lake_dir.display()
            ));
            std::fs::write(&manifest, wanted)
                .map_err(|source| AnalysisError::Io { path: manifest.clone(), source })?;
        }
        Ok(())
    }
}

#[cfg(not(feature = "lake"))]
mod lake_engine {
    use std::path::{Path, PathBuf};

    use super::Counted;
    use crate::AnalysisError;

    /// Without the `lake` feature there is no DataFusion engine.
    pub fn run(
        _dir: &Path,
        _model: &model::Model,
        _files: &[PathBuf],
        _end: Option<i64>,
        _progress: &(dyn Fn(u64, u64) + Sync),
        _notes: &mut Vec<String>,
    ) -> Result<Option<Counted>, AnalysisError> {
        Ok(None)
    }
}

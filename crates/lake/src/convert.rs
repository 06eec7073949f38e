//! The one-time conversion of history dumps (plain or bz2 TSV) into the lake's Parquet tables.
//! Every row is checked by the dump reader (a bad row stops the conversion with its file and
//! line); the tables are written to a temporary folder and moved into place only when all
//! of them are complete, so an interrupted conversion never leaves a half-written lake.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use communities::metrics::{coverage_end, hashtags};
use serde::Serialize;

use crate::LakeError;
use crate::tables::{DATA_TABLES, TableWriter, path};

/// What a conversion is given besides the dumps.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Pages per category: a TSV file of `wiki<TAB>category<TAB>page_id` rows (for example
    /// an extract of the `categorylinks` table), `#` comments allowed.
    pub categories: Option<PathBuf>,
    /// End of the data (seconds, exclusive) for every wiki, when known from the snapshot;
    /// otherwise the start of the day of each wiki's last edit (its last complete day is the
    /// day before).
    pub coverage_end: Option<i64>,
    /// The impact figures' other sources: link-table SQL dumps and hourly pageview files.
    pub impact: communities::summary::ImpactSources,
}

/// What a conversion wrote.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Edits written.
    pub edits: u64,
    /// Per wiki: edits and the end of its data (seconds, exclusive).
    pub wikis: BTreeMap<String, WikiCoverage>,
}

/// One wiki in a lake.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WikiCoverage {
    /// Edits.
    pub edits: u64,
    /// End of the data (seconds since 1970, exclusive).
    pub end: i64,
}

/// Counts bytes as they are read, for a progress bar over compressed input.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Converts `dumps` into the lake folder `out` (created if needed). `progress` counts the
/// bytes of the dump files read so far (compare with their total size).
pub fn convert(
    dumps: &[PathBuf],
    out: &Path,
    options: &Options,
    progress: Arc<AtomicU64>,
) -> Result<Summary, LakeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LakeError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let staging = out.join(".converting");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let summary = write_tables(dumps, &staging, options, progress)?;
    for table in DATA_TABLES {
        let (from, to) = (path(&staging, table), path(out, table));
        std::fs::rename(&from, &to).map_err(io(&to))?;
    }
    std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    Ok(summary)
}

fn write_tables(
    dumps: &[PathBuf],
    dir: &Path,
    options: &Options,
    progress: Arc<AtomicU64>,
) -> Result<Summary, LakeError> {
    let mut edits = TableWriter::create(dir, "edits")?;
    let mut names = TableWriter::create(dir, "user_names")?;
    let mut tags = TableWriter::create(dir, "edit_tags")?;
    let mut hashtag_rows = TableWriter::create(dir, "edit_hashtags")?;
    // Names already written per (wiki index, user): checked before anything is copied, as
    // most rows repeat a name seen before.
    let mut seen_names: HashMap<(usize, i64), Vec<String>> = HashMap::new();
    let mut summary = Summary::default();
    // Per wiki (few): name, edits, last edit.
    let mut wikis: Vec<(String, u64, i64)> = Vec::new();
    for dump in dumps {
        let file = std::fs::File::open(dump)
            .map_err(|source| LakeError::Io { path: dump.clone(), source })?;
        let counted = Counted { inner: file, read: progress.clone() };
        let rows = communities::dump::decode(Box::new(counted))
            .map_err(|source| LakeError::Io { path: dump.clone(), source })?;
        for row in rows {
            let e = row.map_err(|source| LakeError::Dump { path: dump.clone(), source })?;
            summary.edits += 1;
            let w = match wikis.iter().position(|(name, _, _)| *name == e.wiki) {
                Some(w) => w,
                None => {
                    wikis.push((e.wiki.clone(), 0, i64::MIN));
                    wikis.len() - 1
                }
            };
            wikis[w].1 += 1;
            wikis[w].2 = wikis[w].2.max(e.at);
            edits.text(0, &e.wiki);
            edits.int(1, Some(e.revision));
            edits.int(2, Some(e.at));
            edits.int(3, e.user);
            edits.bool(4, e.bot);
            edits.int(5, e.registered);
            edits.int(6, Some(e.page));
            edits.int(7, Some(e.namespace));
            edits.bool(8, e.creates_page);
            edits.int(9, Some(e.bytes_diff));
            edits.int(10, e.reverted_after);
            edits.int(11, e.central);
            edits.text(12, &e.page_title);
            edits.row_done()?;
            if let Some(u) = e.user {
                for name in [&e.user_text_historical, &e.user_text] {
                    if name.is_empty() {
                        continue;
                    }
                    let known = seen_names.entry((w, u)).or_default();
                    if !known.contains(name) {
                        known.push(name.clone());
                        names.text(0, &e.wiki);
                        names.int(1, Some(u));
                        names.text(2, name);
                        names.row_done()?;
                    }
                }
            }
            let mut own: Vec<&str> = e.tags.iter().map(String::as_str).collect();
            own.sort_unstable();
            own.dedup();
            for tag in own {
                tags.text(0, &e.wiki);
                tags.int(1, Some(e.revision));
                tags.text(2, tag);
                tags.row_done()?;
            }
            for tag in hashtags(&e.comment) {
                hashtag_rows.text(0, &e.wiki);
                hashtag_rows.int(1, Some(e.revision));
                hashtag_rows.text(2, &tag);
                hashtag_rows.row_done()?;
            }
        }
    }
    edits.finish()?;
    names.finish()?;
    tags.finish()?;
    hashtag_rows.finish()?;
    write_categories(dir, options.categories.as_deref())?;
    write_impact(dir, &options.impact)?;
    let mut coverage = TableWriter::create(dir, "coverage")?;
    for (wiki, edits, last) in wikis {
        let end = options.coverage_end.unwrap_or_else(|| coverage_end(last));
        coverage.text(0, &wiki);
        coverage.int(1, Some(end));
        coverage.row_done()?;
        summary.wikis.insert(wiki, WikiCoverage { edits, end });
    }
    coverage.finish()?;
    Ok(summary)
}

/// The file uses of the link dumps and the hourly views (`communities::links`,
/// `communities::pageviews` read and check them; a bad row stops the conversion, named).
fn write_impact(
    dir: &Path,
    sources: &communities::summary::ImpactSources,
) -> Result<(), LakeError> {
    let fail =
        |e: communities::summary::FileError| LakeError::Dump { path: e.path, source: e.source };
    let uses = communities::links::read_file_uses(&sources.links).map_err(fail)?;
    let mut w = TableWriter::create(dir, "file_uses")?;
    for u in uses {
        w.text(0, &u.wiki);
        w.text(1, &u.file);
        w.int(2, Some(u.namespace));
        w.row_done()?;
    }
    w.finish()?;
    let mut w = TableWriter::create(dir, "pageviews")?;
    for path in &sources.pageviews {
        let views = communities::pageviews::read_file(path)
            .map_err(|source| LakeError::Dump { path: path.clone(), source })?;
        for v in views {
            w.text(0, &v.wiki);
            w.text(1, &v.title);
            w.int(2, Some(v.hour));
            w.int(3, Some(v.views));
            w.row_done()?;
        }
    }
    w.finish()?;
    Ok(())
}

/// The category pages of `file` (or none) as the `category_pages` table of `dir`.
pub(crate) fn write_categories(dir: &Path, file: Option<&Path>) -> Result<(), LakeError> {
    let rows = match file {
        Some(f) => communities::dump::read_categories(f)
            .map_err(|source| LakeError::Dump { path: f.to_path_buf(), source })?,
        None => Vec::new(),
    };
    let mut w = TableWriter::create(dir, "category_pages")?;
    for (wiki, category, page) in rows {
        w.text(0, &wiki);
        w.text(1, &category);
        w.int(2, Some(page));
        w.row_done()?;
    }
    w.finish()?;
    Ok(())
}

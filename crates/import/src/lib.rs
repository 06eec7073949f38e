//! Importers: bring measurements and tracker statuses into the [`measure::Store`].
//!
//! Each importer first gathers everything it will write, then hands it to the store in one
//! atomic write, so a failure at any point (a bad CSV row, a server that fails mid-import, a
//! malformed response) leaves the store exactly as it was. Network clients share [`http`]: a
//! descriptive User-Agent, timeouts, and retries with exponential backoff on 429 and 5xx that
//! honour `Retry-After`.

pub mod csv;
pub mod http;
pub mod phabricator;
pub mod wikimedia;

/// Why an import failed. Nothing was written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A CSV file with bad rows.
    #[error(transparent)]
    Csv(#[from] csv::CsvError),
    /// An HTTP exchange that failed.
    #[error(transparent)]
    Http(#[from] http::HttpError),
    /// A response that is not what the API documents.
    #[error("{url}: unexpected response: {why}")]
    Malformed {
        /// The request.
        url: String,
        /// What was wrong.
        why: String,
    },
    /// An error the API reported.
    #[error("{url}: the server said: {message}")]
    Api {
        /// The request.
        url: String,
        /// Its message.
        message: String,
    },
    /// A source the model describes incompletely.
    #[error("indicator `{indicator}`: {why}")]
    Source {
        /// The indicator.
        indicator: String,
        /// What is missing.
        why: String,
    },
    /// The store refused the write.
    #[error(transparent)]
    Store(#[from] measure::StoreError),
}

use std::path::Path;

use measure::{Store, WriteSummary};
use model::{Date, Model, SourceKind};

/// What to import.
#[derive(Clone, Debug)]
pub struct Options {
    /// Fetch from the network (REST metrics, Phabricator); `false` imports local files only.
    pub network: bool,
    /// Base URL of the REST metrics.
    pub rest_base: String,
    /// Phabricator base URL and API token; statuses are fetched only when set.
    pub phabricator: Option<(String, String)>,
    /// First date to fetch for a series the store does not have yet; default: the
    /// indicator's baseline date, else two years before `today`.
    pub since: Option<Date>,
    /// The last date to fetch.
    pub today: Date,
    /// HTTP behaviour.
    pub http: http::Config,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            network: true,
            rest_base: wikimedia::DEFAULT_BASE.into(),
            phabricator: None,
            since: None,
            today: Date::today(),
            http: http::Config::default(),
        }
    }
}

/// The outcome of importing one source.
#[derive(Debug)]
pub struct SourceOutcome {
    /// What was imported (`csv:data/x.csv`, `wikimedia_rest:ind_x`, `phabricator`).
    pub source: String,
    /// What was written, or why nothing was.
    pub result: Result<WriteSummary, ImportError>,
}

/// Imports every source of the model into the store: each indicator's source, every CSV file
/// in `DIR/data/` with a `series` column, and (with a token) the tracker status of every
/// initiative's tasks. Each source is written atomically on its own, so one failing source
/// leaves the others' data and its own previous data as they were. `progress` hears about each
/// source as it starts.
pub fn run(
    model: &Model,
    dir: &Path,
    store: &mut Store,
    opts: &Options,
    progress: &mut dyn FnMut(&str),
) -> Vec<SourceOutcome> {
    let mut outcomes = Vec::new();
    let mut own_files = Vec::new();
    let mut client = http::Client::new(opts.http.clone());
    for ind in &model.indicators {
        let Some(src) = &ind.source else { continue };
        match src.kind {
            SourceKind::Csv => {
                let Some(rel) = &src.path else {
                    outcomes.push(SourceOutcome {
                        source: format!("csv:{}", ind.id),
                        result: Err(ImportError::Source {
                            indicator: ind.id.to_string(),
                            why: "a csv source needs `path:`, relative to the model folder".into(),
                        }),
                    });
                    continue;
                };
                own_files.push(dir.join(rel));
                let name = format!("csv:{rel}");
                progress(&name);
                let result = csv::read(&dir.join(rel), Some(ind.id.as_str()))
                    .map_err(ImportError::from)
                    .and_then(|rows| store.write(&name, &rows, &[]).map_err(ImportError::from));
                outcomes.push(SourceOutcome { source: name, result });
            }
            SourceKind::WikimediaRest if opts.network => {
                let name = format!("wikimedia_rest:{}", ind.id);
                progress(&name);
                let result = (|| {
                    let from = match store.last_date(ind.id.as_str())? {
                        Some(last) => wikimedia::next_date(src, last),
                        None => opts
                            .since
                            .or(ind.baseline.as_ref().map(|b| b.date))
                            .unwrap_or(Date::from_day_number(opts.today.day_number() - 730)),
                    };
                    if from > opts.today {
                        return Ok(WriteSummary::default());
                    }
                    let rows = wikimedia::fetch(
                        &mut client,
                        &opts.rest_base,
                        ind.id.as_str(),
                        src,
                        from,
                        opts.today,
                    )?;
                    Ok(store.write(&name, &rows, &[])?)
                })();
                outcomes.push(SourceOutcome { source: name, result });
            }
            _ => {}
        }
    }
    // Loose series files: comparison series (other wikis) and anything else with a series column.
    let data = dir.join("data");
    if let Ok(entries) = std::fs::read_dir(&data) {
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv") && !own_files.contains(p))
            .collect();
        files.sort();
        for path in files {
            let rel = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
            // Read once: the header decides whether it is a series file, then it is parsed.
            let Ok(text) = std::fs::read(&path) else { continue };
            let head = String::from_utf8_lossy(&text)
                .lines()
                .find(|l| !l.trim_start().starts_with('#'))
                .map(str::to_lowercase);
            if !head.is_some_and(|h| h.split(',').any(|c| c.trim() == "series")) {
                continue;
            }
            let name = format!("csv:{rel}");
            progress(&name);
            let result = csv::parse(&text, &path.display().to_string(), None)
                .map_err(ImportError::from)
                .and_then(|rows| store.write(&name, &rows, &[]).map_err(ImportError::from));
            outcomes.push(SourceOutcome { source: name, result });
        }
    }
    if opts.network
        && let Some((base, token)) = &opts.phabricator
    {
        let tasks: Vec<(String, u64)> = model
            .initiatives
            .iter()
            .flat_map(|i| {
                i.tracker
                    .iter()
                    .filter_map(|t| t.as_str().trim_start_matches('T').parse().ok())
                    .map(|n| (i.id.to_string(), n))
                    .collect::<Vec<_>>()
            })
            .collect();
        if !tasks.is_empty() {
            progress("phabricator");
            let result = phabricator::fetch(&mut client, base, token, &tasks)
                .and_then(|st| Ok(store.write("phabricator", &[], &st)?));
            outcomes.push(SourceOutcome { source: "phabricator".into(), result });
        }
    }
    outcomes
}

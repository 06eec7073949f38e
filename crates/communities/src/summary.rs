//! What people see: each community's counts with the shares and costs derived from them (in
//! this one place, whichever engine counted), coverage, totals and positive deviance.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::definition::Definition;
use crate::deviance::{Observation, Ranking, rank};
use crate::dump::DumpError;
use crate::metrics::{Community, DEFINITIONS_VERSION, Data, Outcome, Totals};

/// One community measured with one definition, as reported.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Id (`wlm-fr@event_metrics` when the community is measured with several definitions).
    pub id: String,
    /// The community's id in the model.
    pub community: String,
    /// The definition it was measured with: name, version, parameters and windows.
    pub definition: Definition,
    /// Display name.
    pub name: String,
    /// Kind (`roster`, `hashtag`, …).
    pub kind: &'static str,
    /// Wiki.
    pub wiki: String,
    /// First day.
    pub start: model::Date,
    /// Last day.
    pub end: model::Date,
    /// Cost, if known.
    pub cost: Option<f64>,
    /// The counts, or missing.
    pub outcome: Outcome,
    /// Why the counts are missing (its wiki's source failed, or no data for it was given);
    /// `None` when measured.
    pub missing: Option<String>,
    /// Share of edits not reverted within 48 hours.
    pub surviving: Option<f64>,
    /// Retention shares per window of the definition (`None`: nobody observable yet).
    pub retention: Vec<Option<f64>>,
    /// Cost per person retained in the definition's headline window (second month in v1).
    pub cost_per_retained: Option<f64>,
    /// Whether the community is real or made up (its `data:` in the model): figures of a
    /// synthetic or illustrative community are marked wherever they are shown.
    pub provenance: model::Provenance,
}

/// Every community of a model, measured.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Version of throughline's own definitions (`docs/communities.md`); each row names the
    /// definition it was measured with and its version.
    pub definitions_version: u32,
    /// Which engine counted (`reference`, `datafusion`).
    pub engine: String,
    /// Per wiki loaded, the last complete day covered.
    pub coverage: Vec<(String, model::Date)>,
    /// Sources that failed: the wikis they hold are flagged missing, every other wiki is still
    /// measured.
    pub failures: Vec<SourceFailure>,
    /// Communities, in the model's order.
    pub communities: Vec<Row>,
    /// Totals across communities, each person and edit once.
    pub totals: Totals,
    /// Communities ranked by how far their second-month retention beats the expectation.
    pub deviance: Ranking,
}

/// A dump that could not be read: its wiki (when known) is left out entirely — partial data
/// would be shown as low numbers — and its communities are missing, with this reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceFailure {
    /// The file.
    pub file: String,
    /// The wiki it holds, from its name or its rows; `None` if neither says.
    pub wiki: Option<String>,
    /// What went wrong (with the line).
    pub reason: String,
}

/// Puts counts from any engine together with the model's definitions: one row per community
/// and definition ([`Community::all_from_model`]).
pub fn summarise(
    meta: &model::Meta,
    defined: &[model::Community],
    outcomes: &[(String, Outcome)],
    totals: Totals,
    engine: &str,
    level: f64,
    failures: &[SourceFailure],
) -> Summary {
    let mut coverage: Vec<(String, model::Date)> = Vec::new();
    let mut rows = Vec::new();
    let mut observations = Vec::new();
    for (c, measured) in defined
        .iter()
        .flat_map(|c| Community::all_from_model(c, meta).into_iter().map(move |m| (c, m)))
    {
        let definition = measured.definition;
        let outcome = outcomes
            .iter()
            .find(|(id, _)| *id == measured.id)
            .map_or(Outcome::Missing, |(_, o)| o.clone());
        let (surviving, retention, cost_per_retained) = match &outcome {
            Outcome::Measured { coverage_end, metrics } => {
                let last = model::Date::from_day_number(coverage_end.div_euclid(86_400) - 1);
                if !coverage.iter().any(|(w, _)| *w == c.wiki) {
                    coverage.push((c.wiki.clone(), last));
                }
                let headline = definition.headline.and_then(|h| metrics.retention.get(h));
                if let Some(r) = headline.filter(|r| r.observed > 0) {
                    observations.push((
                        definition.key,
                        Observation {
                            id: measured.id.clone(),
                            observed: r.observed,
                            succeeded: r.retained,
                            participants: metrics.participants,
                            cost: c.cost,
                        },
                    ));
                }
                (
                    metrics.surviving(),
                    metrics.retention.iter().map(|r| r.share()).collect(),
                    metrics.cost_per_retained(c.cost, definition.headline),
                )
            }
            Outcome::Missing => (None, vec![None; definition.windows.len()], None),
        };
        let missing = matches!(outcome, Outcome::Missing).then(|| {
            match failures.iter().find(|f| f.wiki.as_deref() == Some(c.wiki.as_str())) {
                Some(f) => format!("the source for {} failed: {}: {}", c.wiki, f.file, f.reason),
                None => format!("no data for {} was loaded", c.wiki),
            }
        });
        rows.push(Row {
            id: measured.id,
            missing,
            community: c.id.to_string(),
            definition,
            name: c.name.clone(),
            kind: c.kind.word(),
            wiki: c.wiki.clone(),
            start: c.start,
            end: c.end,
            cost: c.cost,
            outcome,
            surviving,
            retention,
            cost_per_retained,
            provenance: c.data,
        });
    }
    coverage.sort();
    // Shares of different definitions are not comparable: rank the communities measured with
    // version 1 if any were, else those of the first row's definition.
    let ranked_key = if observations.iter().any(|(k, _)| *k == "throughline_v1") {
        "throughline_v1"
    } else {
        observations.first().map_or("", |(k, _)| *k)
    };
    let observations: Vec<Observation> =
        observations.into_iter().filter(|(k, _)| *k == ranked_key).map(|(_, o)| o).collect();
    Summary {
        definitions_version: DEFINITIONS_VERSION,
        engine: engine.to_string(),
        coverage,
        failures: failures.to_vec(),
        communities: rows,
        totals,
        deviance: rank(&observations, level),
    }
}

/// A dump that could not be read, with the file.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// What was wrong.
    pub source: DumpError,
}

/// The other public dumps the impact figures read besides the history: link-table SQL dumps
/// (`WIKI-DATE-imagelinks.sql.gz`, `commonswiki-DATE-globalimagelinks.sql.gz`,
/// `WIKI-DATE-linktarget.sql.gz`) and hourly pageview files (`pageviews-YYYYMMDD-HH0000.gz`).
/// Without them, files in use and views count nothing found (0), as the figures' definitions
/// say: they count what the given dumps show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImpactSources {
    /// Link-table dumps.
    pub links: Vec<PathBuf>,
    /// Hourly pageview files.
    pub pageviews: Vec<PathBuf>,
}

/// What the reference engine counted, and the sources it could not read.
pub type Counted = (Vec<(String, Outcome)>, Totals, Vec<SourceFailure>);

/// Counts with the reference implementation straight from dump files (small dumps; the lake
/// engine is for large ones). `end` is the snapshot's end of data, if known. A dump that
/// cannot be read does not stop the run: its wiki is left out (every file of it, so no wiki is
/// half counted) and reported in the failures; a bad category-pages, link or pageview file is
/// an error.
pub fn reference(
    meta: &model::Meta,
    defined: &[model::Community],
    dumps: &[PathBuf],
    categories: Option<&Path>,
    impact: &ImpactSources,
    end: Option<i64>,
) -> Result<Counted, FileError> {
    let mut edits = Vec::new();
    let mut failures: Vec<SourceFailure> = Vec::new();
    for path in dumps {
        let mut mine = Vec::new();
        let result = crate::dump::open(path).and_then(|rows| {
            for e in rows {
                mine.push(e?);
            }
            Ok(())
        });
        match result {
            Ok(()) => edits.append(&mut mine),
            Err(source) => failures.push(SourceFailure {
                file: path.display().to_string(),
                wiki: crate::dump::wiki_of_file(path)
                    .or_else(|| mine.first().map(|e| e.wiki.clone())),
                reason: source.to_string(),
            }),
        }
    }
    edits.retain(|e| !failures.iter().any(|f| f.wiki.as_deref() == Some(e.wiki.as_str())));
    let pages = match categories {
        Some(p) => crate::dump::read_categories(p)
            .map_err(|source| FileError { path: p.to_path_buf(), source })?,
        None => Vec::new(),
    };
    let uses = crate::links::read_file_uses(&impact.links)?;
    let views = crate::pageviews::read_files(&impact.pageviews)?;
    let data = Data::new(edits, &pages, end).with_impact(&uses, &views);
    let communities: Vec<Community> =
        defined.iter().flat_map(|c| Community::all_from_model(c, meta)).collect();
    let outcomes = communities.iter().map(|c| (c.id.clone(), data.metrics(c))).collect();
    Ok((outcomes, data.totals(&communities), failures))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::metrics::{DAY, Metrics, Retention, SECOND_MONTH};

    fn defined(id: &str, wiki: &str, cost: Option<f64>) -> model::Community {
        model::Community {
            id: model::Id::parse(id).unwrap(),
            name: id.into(),
            wiki: wiki.into(),
            kind: model::CommunityKind::Tag,
            members: Vec::new(),
            rule: Some("t".into()),
            start: model::Date::parse("2026-01-01").unwrap(),
            end: model::Date::parse("2026-01-31").unwrap(),
            cost,
            audience: None,
            description: None,
            data: model::Provenance::Measured,
            definitions: Vec::new(),
        }
    }

    #[test]
    fn shares_costs_and_coverage_are_derived_from_the_counts() {
        let end = model::Date::parse("2026-10-01").unwrap().day_number() * DAY;
        let mut m = Metrics {
            participants: 10,
            new_contributors: 4,
            edits: 8,
            surviving_edits: 6,
            retention: vec![Retention::default(); 5],
            ..Metrics::default()
        };
        m.retention[SECOND_MONTH] = Retention { observed: 4, retained: 3, pending: 0 };
        let outcomes = vec![("a".to_string(), Outcome::Measured { coverage_end: end, metrics: m })];
        let s = summarise(
            &model::Meta::default(),
            &[defined("a", "frwiki", Some(900.0)), defined("b", "dewiki", Some(1.0))],
            &outcomes,
            Totals::default(),
            "reference",
            0.95,
            &[],
        );
        assert_eq!(
            s.coverage,
            vec![("frwiki".to_string(), model::Date::parse("2026-09-30").unwrap())]
        );
        let a = &s.communities[0];
        assert_eq!(a.surviving, Some(0.75));
        assert_eq!(a.retention[SECOND_MONTH], Some(0.75));
        assert_eq!(a.retention[0], None, "nobody observable in that window");
        assert_eq!(a.cost_per_retained, Some(300.0));
        let b = &s.communities[1];
        assert_eq!(b.outcome, Outcome::Missing, "an id no engine reported is missing, not zero");
        assert_eq!((b.surviving, b.cost_per_retained), (None, None));
        assert_eq!(s.deviance.communities.len(), 1);
    }
}

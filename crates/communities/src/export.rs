//! Every community table as CSV and JSON files, for the spreadsheets and grant reports
//! organisers already keep: one metrics table per definition (its name, version, parameters
//! and source in the header, so a number never travels without its definition), the sources
//! that failed, the totals and the positive-deviance ranking. Missing data are empty cells
//! (CSV) or `null` (JSON), never 0. Pure: the caller writes the files.

use serde_json::{Value, json};

use crate::definition::Definition;
use crate::metrics::Outcome;
use crate::summary::{Row, Summary};

/// One file to write: its name and its text.
pub type File = (String, String);

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing {file}: {why}")]
pub struct ExportError {
    /// The file.
    pub file: String,
    /// What went wrong.
    pub why: String,
}

fn csv_text(
    file: &str,
    header_lines: &[String],
    rows: &[Vec<String>],
) -> Result<String, ExportError> {
    let fail = |e: &dyn std::fmt::Display| ExportError { file: file.into(), why: e.to_string() };
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).map_err(|e| fail(&e))?;
    }
    let body = w.into_inner().map_err(|e| fail(&e))?;
    let body = String::from_utf8(body).map_err(|e| fail(&e))?;
    let mut out: String = header_lines.iter().map(|l| format!("# {l}\n")).collect();
    out.push_str(&body);
    Ok(out)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The columns of a definition's metrics table.
pub fn columns(def: &Definition) -> Vec<String> {
    let about =
        ["id", "community", "name", "kind", "wiki", "start", "end", "status", "missing_reason"];
    // The counts in the order the SQL gives them (`sql::METRIC_COLUMNS`).
    let mut c: Vec<String> = about
        .into_iter()
        .chain(crate::sql::METRIC_COLUMNS)
        .chain(["surviving_share", "bytes_net", "bytes_absolute"])
        .map(String::from)
        .collect();
    for w in &def.windows {
        for part in crate::sql::RETENTION_COLUMNS.into_iter().chain(["share"]) {
            c.push(format!("{}_{part}", w.key));
        }
    }
    c.extend(["cost", "cost_per_retained", "provenance"].map(String::from));
    c
}

fn cells(r: &Row) -> Vec<String> {
    let mut v = vec![
        r.id.clone(),
        r.community.clone(),
        r.name.clone(),
        r.kind.to_string(),
        r.wiki.clone(),
        r.start.to_string(),
        r.end.to_string(),
    ];
    match &r.outcome {
        Outcome::Missing => {
            v.push("missing".into());
            v.push(r.missing.clone().unwrap_or_default());
            // Unknown, not zero: every count is an empty cell.
            v.extend(std::iter::repeat_n(
                String::new(),
                crate::sql::METRIC_COLUMNS.len() + 3 + 4 * r.definition.windows.len(),
            ));
        }
        Outcome::Measured { metrics: m, .. } => {
            v.push("measured".into());
            v.push(String::new());
            v.extend([
                m.participants.to_string(),
                m.new_contributors.to_string(),
                m.edits.to_string(),
                m.bytes_added.to_string(),
                m.bytes_removed.to_string(),
                m.pages_created.to_string(),
                m.files_created.to_string(),
                m.surviving_edits.to_string(),
                m.articles_created.to_string(),
                m.articles_improved.to_string(),
                m.files_in_use.to_string(),
                m.views_to_created.to_string(),
                opt(r.surviving),
                m.bytes_net().to_string(),
                m.bytes_absolute().to_string(),
            ]);
            for (ret, share) in m.retention.iter().zip(&r.retention) {
                v.extend([
                    ret.observed.to_string(),
                    ret.retained.to_string(),
                    ret.pending.to_string(),
                    opt(*share),
                ]);
            }
        }
    }
    v.extend([opt(r.cost), opt(r.cost_per_retained), r.provenance.as_str().to_string()]);
    v
}

/// The header lines every file of a definition carries.
fn about(def: &Definition, s: &Summary, rows: &[&Row]) -> Vec<String> {
    let mut lines = vec![
        format!("definition: {}", def.title()),
        format!("parameters: {}", def.parameter_text()),
        format!("source: {}", def.source),
        format!("engine: {}", s.engine),
    ];
    let coverage: Vec<String> = s.coverage.iter().map(|(w, d)| format!("{w} to {d}")).collect();
    lines.push(format!(
        "data: {}",
        if coverage.is_empty() { "none loaded".to_string() } else { coverage.join(", ") }
    ));
    for w in &def.windows {
        lines.push(format!("window {}: {}", w.key, w.label));
    }
    if let Some(note) =
        model::provenance::table_note(rows.iter().map(|r| r.provenance), "communities")
    {
        lines.push(note);
    }
    lines
}

/// The distinct definitions of a summary's rows, in the order they first appear.
pub fn definitions(s: &Summary) -> Vec<&Definition> {
    let mut out: Vec<&Definition> = Vec::new();
    for r in &s.communities {
        if !out.contains(&&r.definition) {
            out.push(&r.definition);
        }
    }
    out
}

/// Every table of a summary as files: `communities.{definition}.csv` and `.json` per
/// definition, `communities.totals.csv`, `communities.deviance.csv` and
/// `communities.failures.csv`, and `communities.json` with all of them.
pub fn files(s: &Summary) -> Result<Vec<File>, ExportError> {
    let mut out: Vec<File> = Vec::new();
    let mut all_tables: Vec<Value> = Vec::new();
    for def in definitions(s) {
        let rows: Vec<&Row> = s.communities.iter().filter(|r| r.definition == *def).collect();
        let head = about(def, s, &rows);
        let mut table = vec![columns(def)];
        table.extend(rows.iter().map(|r| cells(r)));
        let name = format!("communities.{}.csv", def.key);
        out.push((name.clone(), csv_text(&name, &head, &table)?));
        let cols = columns(def);
        let json_rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                let obj: serde_json::Map<String, Value> = cols
                    .iter()
                    .zip(cells(r))
                    .map(|(c, v)| {
                        let value = if v.is_empty() {
                            Value::Null
                        } else if let Ok(n) = v.parse::<i64>() {
                            json!(n)
                        } else if let Ok(x) = v.parse::<f64>() {
                            json!(x)
                        } else {
                            json!(v)
                        };
                        (c.clone(), value)
                    })
                    .collect();
                Value::Object(obj)
            })
            .collect();
        let table_json = json!({
            "definition": def,
            "title": def.title(),
            "engine": s.engine,
            "coverage": s.coverage,
            "note": model::provenance::table_note(rows.iter().map(|r| r.provenance), "communities"),
            "rows": json_rows,
        });
        let name = format!("communities.{}.json", def.key);
        let text = serde_json::to_string_pretty(&table_json)
            .map_err(|e| ExportError { file: name.clone(), why: e.to_string() })?;
        out.push((name, text + "\n"));
        all_tables.push(table_json);
    }
    let gm = crate::global_metrics::table(s);
    if !gm.is_empty() {
        out.push(global_metrics_file(s, &gm)?);
    }
    let t = &s.totals;
    let measured = s.communities.iter().any(|r| matches!(r.outcome, Outcome::Measured { .. }));
    let total = |v: u64| if measured { v.to_string() } else { String::new() };
    let totals = vec![
        vec!["participants", "participants_summed", "new_contributors", "edits", "edits_summed"]
            .into_iter()
            .map(String::from)
            .collect(),
        vec![
            total(t.participants),
            total(t.participants_summed),
            total(t.new_contributors),
            total(t.edits),
            total(t.edits_summed),
        ],
    ];
    let head = vec![
        "totals across communities: each person, new contributor and edit once; the summed columns add the rows".to_string(),
        format!("definitions: {}", definitions(s).iter().map(|d| d.title()).collect::<Vec<_>>().join("; ")),
        format!("engine: {}", s.engine),
    ];
    out.push((
        "communities.totals.csv".into(),
        csv_text("communities.totals.csv", &head, &totals)?,
    ));
    let d = &s.deviance;
    let mut deviance = vec![
        ["id", "share", "low", "high", "expected", "margin", "observed", "positive"]
            .map(String::from)
            .to_vec(),
    ];
    for c in &d.communities {
        deviance.push(vec![
            c.id.clone(),
            c.share.to_string(),
            c.low.to_string(),
            c.high.to_string(),
            c.expected.to_string(),
            c.margin.to_string(),
            c.observed.to_string(),
            c.is_positive().to_string(),
        ]);
    }
    let head = vec![
        format!(
            "positive deviance: headline retention against the expectation ({})",
            d.expectation.label()
        ),
        format!("intervals: {:.0}% exact (Clopper-Pearson)", 100.0 * d.level),
    ];
    out.push((
        "communities.deviance.csv".into(),
        csv_text("communities.deviance.csv", &head, &deviance)?,
    ));
    let mut failures = vec![["file", "wiki", "reason"].map(String::from).to_vec()];
    for f in &s.failures {
        failures.push(vec![f.file.clone(), opt(f.wiki.clone()), f.reason.clone()]);
    }
    let head = vec![
        "sources that failed: their wikis' communities are missing, every other wiki is measured"
            .to_string(),
    ];
    out.push((
        "communities.failures.csv".into(),
        csv_text("communities.failures.csv", &head, &failures)?,
    ));
    let everything = json!({ "tables": all_tables, "summary": s });
    let text = serde_json::to_string_pretty(&everything)
        .map_err(|e| ExportError { file: "communities.json".into(), why: e.to_string() })?;
    out.push(("communities.json".into(), text + "\n"));
    Ok(out)
}

/// `communities.global_metrics.csv`: the Global Metrics 2014 view, its figures in their
/// published order, each column's wording and source in the header.
fn global_metrics_file(
    s: &Summary,
    rows: &[crate::global_metrics::GlobalMetricsRow],
) -> Result<File, ExportError> {
    use crate::global_metrics::{FROM, METRICS};
    let name = "communities.global_metrics.csv".to_string();
    let mut head = vec![
        "Global Metrics 2014, in the published order: https://meta.wikimedia.org/wiki/Grants:Learning_patterns/Calculating_global_metrics".to_string(),
        format!("engine: {}", s.engine),
    ];
    for (k, ((key, wording), from)) in METRICS.iter().zip(FROM).enumerate() {
        head.push(format!("{}. {key}: {wording} = {from}", k + 1));
    }
    head.push(format!("7. learning_question: {} (a written answer, not computed)", METRICS[6].1));
    if let Some(note) =
        model::provenance::table_note(rows.iter().map(|r| r.provenance), "communities")
    {
        head.push(note);
    }
    let mut table: Vec<Vec<String>> = vec![
        ["id", "name", "wiki"]
            .into_iter()
            .chain(METRICS.iter().take(6).map(|(k, _)| *k))
            .chain(["missing_reason", "provenance"])
            .map(String::from)
            .collect(),
    ];
    for r in rows {
        let mut v = vec![r.id.clone(), r.name.clone(), r.wiki.clone()];
        v.extend(r.figures.iter().map(|f| opt(*f)));
        v.push(r.missing.clone().unwrap_or_default());
        v.push(r.provenance.as_str().to_string());
        table.push(v);
    }
    Ok((name.clone(), csv_text(&name, &head, &table)?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::metrics::{DAY, Metrics, Retention, Totals};
    use crate::summary::{SourceFailure, summarise};

    fn defined(id: &str, wiki: &str) -> model::Community {
        model::Community {
            id: model::Id::parse(id).unwrap(),
            name: format!("Name, with a comma {id}"),
            wiki: wiki.into(),
            kind: model::CommunityKind::Tag,
            members: Vec::new(),
            rule: Some("t".into()),
            start: model::Date::parse("2026-01-01").unwrap(),
            end: model::Date::parse("2026-01-31").unwrap(),
            cost: Some(100.0),
            audience: None,
            description: None,
            data: model::Provenance::Synthetic,
            definitions: vec![
                model::CommunityDefinition::preset(model::MetricPreset::EventMetrics),
                model::CommunityDefinition::preset(model::MetricPreset::ThroughlineV1),
            ],
        }
    }

    #[test]
    fn each_definition_has_its_table_with_its_parameters_and_missing_cells_are_empty() {
        let end = model::Date::parse("2026-10-01").unwrap().day_number() * DAY;
        let m = Metrics {
            participants: 4,
            new_contributors: 2,
            edits: 9,
            retention: vec![Retention { observed: 2, retained: 1, pending: 0 }],
            ..Metrics::default()
        };
        let outcomes = vec![(
            "a@event_metrics".to_string(),
            Outcome::Measured { coverage_end: end, metrics: m },
        )];
        let failures = vec![SourceFailure {
            file: "2026-08.dewiki.all-time.tsv".into(),
            wiki: Some("dewiki".into()),
            reason: "line 2: 3 fields".into(),
        }];
        let s = summarise(
            &model::Meta::default(),
            &[defined("a", "frwiki"), defined("b", "dewiki")],
            &outcomes,
            Totals::default(),
            "reference",
            0.95,
            &failures,
        );
        let files = files(&s).unwrap();
        let get = |n: &str| &files.iter().find(|(f, _)| f == n).unwrap().1;
        let em = get("communities.event_metrics.csv");
        assert!(em.starts_with("# definition: Event Metrics (event_metrics, v1)\n# parameters: lookback_days=14; retention_days=7;"), "{em}");
        assert!(em.contains("# 2 of 2 communities are marked synthetic data."), "{em}");
        let lines: Vec<&str> = em.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            lines[0]
                .contains("after_7d_observed,after_7d_retained,after_7d_pending,after_7d_share")
        );
        assert!(
            lines[1].starts_with("a@event_metrics,a,\"Name, with a comma a\",tag,frwiki,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(",measured,,4,2,9,"), "{}", lines[1]);
        assert!(lines[1].contains(",2,1,0,0.5,"), "{}", lines[1]);
        // dewiki's source failed: missing with the reason, and no zero anywhere in its counts.
        assert!(lines[2].contains(",missing,the source for dewiki failed: 2026-08.dewiki.all-time.tsv: line 2: 3 fields,,,,"), "{}", lines[2]);
        assert!(!lines[2].contains(",0,"), "{}", lines[2]);
        let v1 = get("communities.throughline_v1.csv");
        assert!(v1.contains("month2_observed"), "{v1}");
        let json: Value = serde_json::from_str(get("communities.event_metrics.json")).unwrap();
        assert_eq!(json["definition"]["version"], 1);
        assert_eq!(json["rows"][1]["participants"], Value::Null);
        assert_eq!(json["rows"][0]["participants"], 4);
        assert!(get("communities.failures.csv").contains("dewiki,line 2: 3 fields"));
        assert!(get("communities.totals.csv").contains("participants,participants_summed"));
    }
}

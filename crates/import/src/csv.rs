//! CSV measurements.
//!
//! Layout (documented in `docs/measurement.md`): a header row, then one measurement per row.
//! Columns, in any order:
//!
//! - `series` — the indicator id or series name (may be left out when the file is an
//!   indicator's own `source: { kind: csv, path: … }`, which names the series);
//! - `date` — `YYYY-MM-DD` or `YYYY-MM`;
//! - `value` — a number (`1234.5`; `1e6`; no thousands separators);
//! - `source` — optional: where the figure comes from (default: the file name);
//! - `provenance` — optional: `measured`, `synthetic` or `illustrative` for the row (default:
//!   what the file's comments declare, see below).
//!
//! Lines starting with `#` are comments (say there where the figures come from). A file whose
//! leading comment lines (before the header) contain the word SYNTHETIC or ILLUSTRATIVE (any
//! case, as a whole word) declares every row synthetic or illustrative
//! ([`declared_provenance`]); a row's `provenance` column overrides that.
//!
//! Every row is checked before anything is written; all bad rows are reported with their line
//! numbers, and none of the file is imported.

use std::collections::BTreeMap;
use std::path::Path;

use measure::{Measurement, Provenance};
use model::Date;

/// A problem with one row.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    /// 1-based line in the file.
    pub line: u64,
    /// The column, if one is at fault.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why a CSV file could not be imported. Nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file could not be read.
    #[error("cannot read {path}: {why}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// The header lacks a required column.
    #[error(
        "{path}:1: the header has no `{column}` column; expected \
         `series,date,value[,source][,provenance]` (or `date,value[,source][,provenance]` in an \
         indicator's own file)"
    )]
    Header {
        /// The file.
        path: String,
        /// The missing column.
        column: &'static str,
    },
    /// Rows that are wrong.
    #[error("{path}: {} bad row(s), nothing imported:\n{}", rows.len(), list(path, rows))]
    Rows {
        /// The file.
        path: String,
        /// The rows.
        rows: Vec<BadRow>,
    },
}

fn list(path: &str, rows: &[BadRow]) -> String {
    let mut s: Vec<String> = rows
        .iter()
        .take(20)
        .map(|r| match &r.column {
            Some(c) => format!("  {path}:{}: column `{c}`: {}", r.line, r.message),
            None => format!("  {path}:{}: {}", r.line, r.message),
        })
        .collect();
    if rows.len() > 20 {
        s.push(format!("  … and {} more", rows.len() - 20));
    }
    s.join("\n")
}

/// Reads measurements from a CSV file. `series` names the series for files without a
/// `series` column.
pub fn read(path: &Path, series: Option<&str>) -> Result<Vec<Measurement>, CsvError> {
    let shown = path.display().to_string();
    let text = std::fs::read(path)
        .map_err(|e| CsvError::Read { path: shown.clone(), why: e.to_string() })?;
    parse(&text, &shown, series)
}

/// What a file's leading comment lines (the `#` lines before the header; blank lines between
/// them are skipped) say its data are: synthetic or illustrative when one of them has the word
/// SYNTHETIC or ILLUSTRATIVE (any case, as a whole word: `synthetic_control` is not it), the
/// least real if both; measured otherwise. Comments after the header do not count.
pub fn declared_provenance(text: &[u8]) -> Provenance {
    let mut declared = Provenance::Measured;
    for line in text.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix('#') else { break };
        let words = comment.split(|c: char| !(c.is_alphanumeric() || c == '_'));
        declared = Provenance::of(
            words.filter_map(Provenance::from_word).chain(std::iter::once(declared)),
        );
    }
    declared
}

/// Parses CSV text (see [`read`]); `name` is used in messages and as the default source.
pub fn parse(text: &[u8], name: &str, series: Option<&str>) -> Result<Vec<Measurement>, CsvError> {
    let declared = declared_provenance(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| CsvError::Read { path: name.into(), why: e.to_string() })?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(n));
    let series_col = col("series");
    if series_col.is_none() && series.is_none() {
        return Err(CsvError::Header { path: name.into(), column: "series" });
    }
    let date_col = col("date").ok_or(CsvError::Header { path: name.into(), column: "date" })?;
    let value_col = col("value").ok_or(CsvError::Header { path: name.into(), column: "value" })?;
    let source_col = col("source");
    let provenance_col = col("provenance");
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut seen: BTreeMap<(String, Date), u64> = BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadRow { line, column: None, message: e.to_string() });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            bad.push(BadRow {
                line,
                column: None,
                message: format!(
                    "the row has {} fields but the header has {}; quote text with commas and \
                     write numbers without thousands separators",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let name_of_series = match series_col {
            Some(_) => field(series_col).to_string(),
            None => series.unwrap_or_default().to_string(),
        };
        let mut row_ok = true;
        if name_of_series.is_empty() {
            bad.push(BadRow {
                line,
                column: Some("series".into()),
                message: "empty; give the indicator id".into(),
            });
            row_ok = false;
        }
        let date_text = field(Some(date_col));
        let date = Date::parse(date_text);
        if date.is_none() {
            bad.push(BadRow {
                line,
                column: Some("date".into()),
                message: format!("`{date_text}` is not a date; write YYYY-MM-DD or YYYY-MM"),
            });
            row_ok = false;
        }
        let value_text = field(Some(value_col));
        let value = value_text.parse::<f64>().ok().filter(|v| v.is_finite());
        if value.is_none() {
            let hint = if value_text.contains(',') { " (no thousands separators)" } else { "" };
            bad.push(BadRow {
                line,
                column: Some("value".into()),
                message: format!("`{value_text}` is not a number{hint}"),
            });
            row_ok = false;
        }
        let provenance = match field(provenance_col) {
            "" => Some(declared),
            word => Provenance::from_word(word),
        };
        if provenance.is_none() {
            bad.push(BadRow {
                line,
                column: Some("provenance".into()),
                message: format!(
                    "`{}` is not a provenance; write measured, synthetic or illustrative",
                    field(provenance_col)
                ),
            });
            row_ok = false;
        }
        let (Some(date), Some(value), Some(provenance), true) = (date, value, provenance, row_ok)
        else {
            continue;
        };
        if let Some(first) = seen.insert((name_of_series.clone(), date), line) {
            bad.push(BadRow {
                line,
                column: Some("date".into()),
                message: format!(
                    "{name_of_series} on {date} is already on line {first}; keep one value per date"
                ),
            });
            continue;
        }
        let source = match field(source_col) {
            "" => name.to_string(),
            s => s.to_string(),
        };
        out.push(Measurement { series: name_of_series, date, value, source, provenance });
    }
    if bad.is_empty() { Ok(out) } else { Err(CsvError::Rows { path: name.into(), rows: bad }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_in_both_layouts() {
        let m = parse(
            b"series,date,value,source\nind,2025-01,10,stats\nind,2025-02-15,1e3,\n",
            "f.csv",
            None,
        )
        .unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].value, 1000.0);
        assert_eq!(m[1].source, "f.csv");
        let m = parse(b"date,value\n2025-01,10\n\n2025-02,11\n", "f.csv", Some("ind")).unwrap();
        assert_eq!(m.iter().map(|x| x.series.as_str()).collect::<Vec<_>>(), ["ind", "ind"]);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_returned() {
        let text = b"series,date,value\nind,2025-01,10\nind,2025-13,11\nind,2025-03,1,200\nind,2025-01,12\n,2025-04,3\n";
        let err = parse(text, "f.csv", None).unwrap_err();
        let CsvError::Rows { rows, .. } = &err else { panic!("{err}") };
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        let text = err.to_string();
        assert!(text.contains("f.csv:3: column `date`: `2025-13` is not a date"), "{text}");
        assert!(text.contains("f.csv:4: the row has 4 fields but the header has 3"), "{text}");
        assert!(text.contains("already on line 2"), "{text}");
        assert!(text.contains("f.csv:6: column `series`: empty"), "{text}");
    }

    #[test]
    fn the_leading_comments_mark_every_row_and_the_column_overrides_them() {
        let text = b"# SYNTHETIC example data written by data/generate.py; not real measurements\n\
                     series,date,value,source\n\
                     a,2025-01,1,SYNTHETIC (data/generate.py)\n\
                     a,2025-02,2,\n";
        let m = parse(text, "f.csv", None).unwrap();
        assert!(m.iter().all(|x| x.provenance == Provenance::Synthetic), "{m:?}");
        let text = b"\n# Figures for the guide.\n#   (illustrative)\ndate,value\n2025-01,1\n";
        let m = parse(text, "f.csv", Some("a")).unwrap();
        assert_eq!(m[0].provenance, Provenance::Illustrative);
        // Only whole words in the comments before the header count.
        for text in [
            &b"# Fitted by synthetic_control; see SYNTHETICS.md\ndate,value\n2025-01,1\n"[..],
            b"# From the Synth R package\ndate,value\n2025-01,1\n",
            b"date,value\n# synthetic, but after the header\n2025-01,1\n",
            b"date,value\n2025-01,1\n",
        ] {
            let m = parse(text, "f.csv", Some("a")).unwrap();
            assert_eq!(m[0].provenance, Provenance::Measured, "{}", String::from_utf8_lossy(text));
        }
        // A `provenance` column overrides the comment, row by row; empty keeps it.
        let text = b"# SYNTHETIC\nseries,date,value,provenance\n\
                     a,2025-01,1,measured\na,2025-02,2,\na,2025-03,3,Illustrative\n";
        let m = parse(text, "f.csv", None).unwrap();
        let marks: Vec<Provenance> = m.iter().map(|x| x.provenance).collect();
        assert_eq!(marks, [Provenance::Measured, Provenance::Synthetic, Provenance::Illustrative]);
    }

    #[test]
    fn a_bad_provenance_is_a_row_error_with_its_line_and_column() {
        let text = b"series,date,value,provenance\na,2025-01,1,measured\na,2025-02,2,guessed\n";
        let err = parse(text, "f.csv", None).unwrap_err();
        let CsvError::Rows { rows, .. } = &err else { panic!("{err}") };
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].line, rows[0].column.as_deref()), (3, Some("provenance")));
        assert!(
            err.to_string().contains(
                "f.csv:3: column `provenance`: `guessed` is not a provenance; write measured, synthetic or illustrative"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_missing_column_names_the_layout() {
        let err = parse(b"when,value\n2025-01,1\n", "f.csv", Some("ind")).unwrap_err();
        assert!(err.to_string().contains("no `date` column"), "{err}");
    }
}

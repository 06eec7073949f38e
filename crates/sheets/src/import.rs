//! A sheet → new items appended to the model's files.
//!
//! Each row of an importable sheet (programs, teams, audiences, nodes, links, initiatives,
//! indicators) becomes one new item, written in block style after the last item of its kind in
//! the file where items of its program live (so a program's new nodes land in its own file), or,
//! when the model has none, in a new file. Cells are checked against the format's shapes first
//! (`modelfile::write::scalar`, the same quoting as the workspace's edits); then the whole model
//! is checked as `throughline check` would, and an error the import added is reported at the row
//! (and column) that caused it. On any error nothing is returned to write.

use std::collections::BTreeMap;
use std::fmt;

use modelfile::format::{self, Record, Shape};
use modelfile::{SourceFile, Span};

use crate::read::{RawTable, column_letters};

/// One problem with a cell (or a row, or a whole sheet), where the person sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct CellError {
    /// The sheet (for CSV, the file's stem).
    pub sheet: String,
    /// The row as the spreadsheet numbers it (1 is the header); 0 for the whole sheet.
    pub row: usize,
    /// The column: its letter and header (`D (team)`), if the problem is in one cell.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The checker's rule that found it, when the model checker did: the workspace shows its
    /// summary and fix in the reader's language.
    pub rule: Option<&'static modelfile::rules::Rule>,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.sheet)?;
        if self.row > 0 {
            write!(f, ", row {}", self.row)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {} (fix: {})", self.message, self.fix)
    }
}

/// Why an import was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Problems with cells, rows or sheets, all of them.
    #[error("the sheet was not imported: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Cells(Vec<CellError>),
}

impl ImportError {
    /// Every problem.
    pub fn problems(&self) -> &[CellError] {
        match self {
            ImportError::Cells(v) => v,
        }
    }
}

/// What an import changes.
#[derive(Clone, Debug)]
pub struct Imported {
    /// Every file the import changed or added, with its whole new text.
    pub files: Vec<SourceFile>,
    /// `(kind, id)` of each new item, in sheet order.
    pub added: Vec<(&'static str, String)>,
    /// Sheets read but not imported (the about sheet, the plan, the check-in, evaluations).
    pub skipped: Vec<String>,
    /// Warnings the checker gives on the result (not errors; the import went ahead).
    pub warnings: usize,
}

/// The first line of a file the import creates.
const NEW_FILE_HEADER: &str =
    "# Items added from a spreadsheet (`throughline import-sheet`) or in the workspace.\n";

/// Sheets that are exported but hold no items to import.
const NOT_IMPORTED: &[&str] = &["about", "plan", "plan_key_results", "checkin", "evaluations"];

/// The kinds of item a sheet can add, in the order they are written into a new file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Program,
    Team,
    Audience,
    Goal,
    Node,
    Link,
    Initiative,
    Indicator,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Program => "programs",
            Kind::Team => "teams",
            Kind::Audience => "audiences",
            Kind::Goal => "goals",
            Kind::Node => "nodes",
            Kind::Link => "links",
            Kind::Initiative => "initiatives",
            Kind::Indicator => "indicators",
        }
    }

    fn record(self) -> &'static Record {
        match self {
            Kind::Program => &format::PROGRAM,
            Kind::Team => &format::TEAM,
            Kind::Audience => &format::AUDIENCE,
            Kind::Goal => &format::GOAL,
            Kind::Node => &format::NODE,
            Kind::Link => &format::LINK,
            Kind::Initiative => &format::INITIATIVE,
            Kind::Indicator => &format::INDICATOR,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Program => "program",
            Kind::Team => "team",
            Kind::Audience => "audience",
            Kind::Goal => "goal",
            Kind::Node => "node",
            Kind::Link => "link",
            Kind::Initiative => "initiative",
            Kind::Indicator => "indicator",
        }
    }

    fn of_sheet(sheet: &str) -> Option<Kind> {
        Some(match sheet {
            "programs" => Kind::Program,
            "teams" => Kind::Team,
            "audiences" => Kind::Audience,
            "nodes" | "goals" => Kind::Node,
            "links" => Kind::Link,
            "initiatives" => Kind::Initiative,
            "indicators" => Kind::Indicator,
            _ => return None,
        })
    }
}

/// Columns a sheet may have besides the record's keys.
fn extra_columns(sheet: Kind) -> &'static [&'static str] {
    match sheet {
        // Goals and nodes share the nodes sheet: a goal's own keys are columns too.
        Kind::Node => &["direction", "recommendation"],
        Kind::Indicator => &["baseline_date", "target_date"],
        _ => &[],
    }
}

/// One new item, as YAML lines.
struct Item {
    kind: Kind,
    id: String,
    program: Option<String>,
    sheet: String,
    row: usize,
    /// `(key, YAML value, column label)`.
    fields: Vec<(&'static str, String, String)>,
}

/// Reads the importable sheets into new items and appends them to `files` (the model's files,
/// unchanged on error). `new_file` names the file for items that have no place yet.
pub fn import(
    files: Vec<SourceFile>,
    tables: &[RawTable],
    new_file: &str,
) -> Result<Imported, ImportError> {
    let mut problems = Vec::new();
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for t in tables {
        let Some(kind) = Kind::of_sheet(&t.sheet) else {
            if NOT_IMPORTED.contains(&t.sheet.as_str()) {
                skipped.push(t.sheet.clone());
            } else {
                problems.push(CellError {
                    sheet: t.sheet.clone(),
                    row: 0,
                    column: None,
                    message: format!("`{}` is not a sheet of items", t.sheet),
                    fix: "name the sheet (or the CSV file) programs, teams, audiences, nodes, \
                          links, initiatives or indicators"
                        .into(),
                    rule: None,
                });
            }
            continue;
        };
        rows(kind, t, &mut items, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ImportError::Cells(problems));
    }
    let before = modelfile::check(files.clone());
    let (new_files, landed) = place(&before, files, &items, new_file);
    let after = modelfile::check(new_files.clone());
    for d in modelfile::write::added_errors(&before, &after) {
        let at = d.span.map(|s| (after.map.file(s).name.clone(), s.start.offset as usize));
        let hit = at.as_ref().and_then(|(file, off)| {
            landed.iter().find(|l| &l.file == file && (l.start..l.end).contains(off)).map(|l| {
                let column = l
                    .fields
                    .iter()
                    .find(|(s, e, _)| (*s..*e).contains(off))
                    .map(|(_, _, c)| c.clone());
                (l.item, column)
            })
        });
        let found = hit.is_some();
        let (sheet, row, column) = match hit {
            Some((ix, column)) => (items[ix].sheet.clone(), items[ix].row, column),
            None => (String::new(), 0, None),
        };
        let mut message = d.message.clone();
        if !found && let Some(s) = d.span {
            let f = after.map.file(s);
            message = format!("{} ({}:{}:{})", message, f.name, s.start.line, s.start.column);
        }
        problems.push(CellError {
            sheet,
            row,
            column,
            message,
            fix: d.help.clone().unwrap_or_else(|| d.rule.fix.to_string()),
            rule: Some(d.rule),
        });
    }
    if !problems.is_empty() {
        return Err(ImportError::Cells(problems));
    }
    let warnings = after.diagnostics.len().saturating_sub(before.diagnostics.len());
    let changed: Vec<String> = landed.iter().map(|l| l.file.clone()).collect();
    let files = new_files.into_iter().filter(|f| changed.contains(&f.name)).collect();
    let added = items.iter().map(|i| (i.kind.name(), i.id.clone())).collect();
    Ok(Imported { files, added, skipped, warnings })
}

fn rows(kind: Kind, t: &RawTable, items: &mut Vec<Item>, problems: &mut Vec<CellError>) {
    let label = |c: usize| {
        format!(
            "{} ({})",
            column_letters(t.first_column + c),
            t.header.get(c).map_or("", String::as_str)
        )
    };
    let err = |row: usize, column: Option<String>, message: String, fix: String| CellError {
        sheet: t.sheet.clone(),
        row,
        column,
        message,
        fix,
        rule: None,
    };
    // The header: every column must be a key (or one of the sheet's extra columns).
    let record = kind.record();
    let goal = &format::GOAL;
    let mut ok = true;
    for (c, h) in t.header.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let known = record.field(h).is_some()
            || extra_columns(kind).contains(&h.as_str())
            || (kind == Kind::Node && goal.field(h).is_some());
        if !known {
            ok = false;
            let keys: Vec<&str> = record
                .fields
                .iter()
                .map(|f| f.key)
                .chain(extra_columns(kind).iter().copied())
                .collect();
            problems.push(err(
                1,
                Some(label(c)),
                format!("a {} has no key `{h}`", kind.name()),
                format!("rename the column to one of {}, or delete it", keys.join(", ")),
            ));
        }
    }
    for f in record.fields.iter().filter(|f| f.required) {
        if !t.header.iter().any(|h| h == f.key) {
            ok = false;
            problems.push(err(
                1,
                None,
                format!("the sheet has no `{}` column, which every {} needs", f.key, kind.name()),
                format!("add a column headed `{}`: {}", f.key, f.doc),
            ));
        }
    }
    if !ok {
        return;
    }
    for (row, cells) in &t.rows {
        let get = |key: &str| -> (String, String) {
            let c = t.header.iter().position(|h| h == key);
            let v = c.and_then(|c| cells.get(c)).cloned().unwrap_or_default();
            (v, c.map_or_else(|| key.to_string(), label))
        };
        // A nodes row at level impact is a goal.
        let kind = if kind == Kind::Node && get("level").0 == "impact" { Kind::Goal } else { kind };
        let record = kind.record();
        let mut fields = Vec::new();
        let mut bad = false;
        for (c, h) in t.header.iter().enumerate() {
            let Some(text) = cells.get(c).map(|s| s.trim()) else { continue };
            if text.is_empty() || h.is_empty() || h.ends_with("_date") {
                continue;
            }
            if kind == Kind::Goal && h == "level" {
                continue;
            }
            let Some(field) = record.field(h) else {
                bad = true;
                problems.push(err(
                    *row,
                    Some(label(c)),
                    format!("a {} has no `{h}`", kind.name()),
                    if kind == Kind::Node {
                        "only goals (level impact) have a direction and a recommendation; \
                         empty the cell or set the level to impact"
                            .into()
                    } else {
                        "empty the cell".into()
                    },
                ));
                continue;
            };
            let value = match (kind, h.as_str()) {
                (Kind::Indicator, "baseline" | "target") => {
                    let (date, dcol) = get(&format!("{h}_date"));
                    dated(text, &date)
                        .map_err(|(m, on_date)| (m, if on_date { dcol } else { label(c) }))
                }
                (Kind::Initiative, "delivers") => deliveries(text).map_err(|m| (m, label(c))),
                _ => modelfile::write::cell(&field.shape, text).map_err(|m| (m, label(c))),
            };
            match value {
                Ok(v) => fields.push((field.key, v, label(c))),
                Err((message, column)) => {
                    bad = true;
                    problems.push(err(
                        *row,
                        Some(column),
                        message,
                        format!("write {}: {}", expected(&field.shape), field.doc),
                    ));
                }
            }
        }
        for f in record.fields.iter().filter(|f| f.required) {
            if !fields.iter().any(|(k, _, _)| *k == f.key) && !bad {
                bad = true;
                problems.push(err(
                    *row,
                    Some(get(f.key).1),
                    format!("`{}` is empty, and every {} needs one", f.key, kind.name()),
                    format!("write {}: {}", expected(&f.shape), f.doc),
                ));
            }
        }
        for h in ["baseline", "target"] {
            if kind == Kind::Indicator
                && get(h).0.is_empty()
                && !get(&format!("{h}_date")).0.is_empty()
            {
                bad = true;
                problems.push(err(
                    *row,
                    Some(get(h).1),
                    format!("`{h}_date` is written but `{h}` is empty"),
                    format!("write the {h} value, or empty its date"),
                ));
            }
        }
        if bad {
            continue;
        }
        let id = match kind {
            Kind::Link => format!("{}:{}", get("from").0, get("to").0),
            _ => get("id").0,
        };
        let program = Some(get("program").0).filter(|p| !p.is_empty());
        items.push(Item { kind, id, program, sheet: t.sheet.clone(), row: *row, fields });
    }
}

/// What a cell of this shape must hold, in words.
fn expected(shape: &Shape) -> String {
    match shape {
        Shape::Id => "an id (lower-case letters, digits, `_` and `-`)".into(),
        Shape::Number | Shape::Integer | Shape::Year => "a number".into(),
        Shape::NonNegative => "a number ≥ 0".into(),
        Shape::Probability => "a number from 0 to 1".into(),
        Shape::Bool => "true or false".into(),
        Shape::Date => "a date, YYYY-MM-DD".into(),
        Shape::Distribution => "a number or a range such as `2 to 8`".into(),
        Shape::Enum(w) => format!("one of {}", w.join(", ")),
        Shape::List(inner) => format!("a list of {} separated by `;`", expected(inner)),
        Shape::Record(_) => "a value and a date".into(),
        Shape::Tracker => "a Phabricator task id such as T12345".into(),
        _ => "text".into(),
    }
}

/// `{value: V, date: D}`; the `bool` says whether the problem is in the date cell.
fn dated(value: &str, date: &str) -> Result<String, (String, bool)> {
    let v = modelfile::write::scalar(&Shape::Number, value).map_err(|m| (m, false))?;
    if date.trim().is_empty() {
        return Err(("a value needs its date in the `_date` column".into(), true));
    }
    let d = modelfile::write::cell(&Shape::Date, date.trim()).map_err(|m| (m, true))?;
    Ok(format!("{{value: {v}, date: {d}}}"))
}

/// `node; node=amount; node=amount@probability` → a flow list of deliveries.
fn deliveries(text: &str) -> Result<String, String> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (rest, p) = match part.split_once('@') {
            Some((r, p)) => (r.trim(), Some(p.trim())),
            None => (part, None),
        };
        let (node, amount) = match rest.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (rest, None),
        };
        let node = modelfile::write::cell(&Shape::Id, node)?;
        if amount.is_none() && p.is_none() {
            out.push(node);
            continue;
        }
        let mut rec = format!("{{node: {node}");
        if let Some(a) = amount {
            rec.push_str(&format!(
                ", amount: {}",
                modelfile::write::cell(&Shape::Distribution, a)?
            ));
        }
        if let Some(p) = p {
            rec.push_str(&format!(
                ", probability: {}",
                modelfile::write::scalar(&Shape::Probability, p)?
            ));
        }
        rec.push('}');
        out.push(rec);
    }
    Ok(format!("[{}]", out.join(", ")))
}

/// Where one item's text landed in its file's new text.
struct Landed {
    item: usize,
    file: String,
    start: usize,
    end: usize,
    /// `(start, end, column label)` of each value.
    fields: Vec<(usize, usize, String)>,
}

/// The last block-style item of `kind` for `program` (or of any program), as `(file index,
/// insertion offset, indentation, whether the item writes its program)`.
fn anchor(
    checked: &modelfile::Checked,
    kind: Kind,
    program: Option<&str>,
) -> Option<(usize, usize, usize, bool)> {
    let m = &checked.model;
    let map = &checked.map;
    let candidates: Vec<(Option<String>, &modelfile::sourcemap::ItemSpans)> = match kind {
        Kind::Program => m.programs.iter().zip(&map.programs).map(|(_, s)| (None, s)).collect(),
        Kind::Team => m.teams.iter().zip(&map.teams).map(|(_, s)| (None, s)).collect(),
        Kind::Audience => m.audiences.iter().zip(&map.audiences).map(|(_, s)| (None, s)).collect(),
        Kind::Goal | Kind::Node => m
            .nodes
            .iter()
            .zip(&map.nodes)
            .filter(|(n, _)| (n.kind == model::NodeKind::Goal) == (kind == Kind::Goal))
            .map(|(n, s)| (n.program.as_ref().map(|p| p.as_str().to_string()), s))
            .collect(),
        Kind::Link => m
            .links
            .iter()
            .zip(&map.links)
            .map(|(l, s)| {
                let p = m.nodes.iter().find(|n| n.id == l.to).and_then(|n| n.program.clone());
                (p.map(|p| p.as_str().to_string()), s)
            })
            .collect(),
        Kind::Initiative => m
            .initiatives
            .iter()
            .zip(&map.initiatives)
            .map(|(i, s)| (i.program.as_ref().map(|p| p.as_str().to_string()), s))
            .collect(),
        Kind::Indicator => m
            .indicators
            .iter()
            .zip(&map.indicators)
            .map(|(i, s)| {
                let p = m.nodes.iter().find(|n| n.id == i.measures).and_then(|n| n.program.clone());
                (p.map(|p| p.as_str().to_string()), s)
            })
            .collect(),
    };
    let block = |s: &modelfile::sourcemap::ItemSpans| {
        let text = &map.file(s.item).text;
        let head = s.item.start.offset as usize;
        let ls = text[..head].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[ls..head];
        let dash = before.trim_start();
        (dash == "- ").then_some(before.len() - 2)
    };
    let pick = |same: bool| {
        candidates
            .iter()
            .filter(|(p, _)| !same || p.as_deref() == program)
            .filter_map(|(_, s)| Some((s, block(s)?)))
            .max_by_key(|(s, _)| (s.item.file, s.item.start.offset))
            .map(|(s, indent)| {
                let text = &map.file(s.item).text;
                let end = item_end(text, s);
                let writes_program = s.fields.iter().any(|(k, _)| *k == "program");
                (s.item.file.0 as usize, end, indent, writes_program || !same)
            })
    };
    // A node or initiative without a program must not land in a file whose items inherit one.
    match (program, matches!(kind, Kind::Node | Kind::Initiative)) {
        (None, true) => pick(true),
        _ => pick(true).or_else(|| pick(false)),
    }
}

/// The end of the line holding the item's last value.
fn item_end(text: &str, s: &modelfile::sourcemap::ItemSpans) -> usize {
    let last = s.fields.iter().map(|(_, v): &(_, Span)| v.end.offset as usize).max().unwrap_or(0);
    let last =
        text[..last.max(s.item.end.offset as usize)].trim_end_matches(['\n', '\r', ' ']).len();
    text[last..].find('\n').map_or(text.len(), |i| last + i)
}

fn place(
    before: &modelfile::Checked,
    files: Vec<SourceFile>,
    items: &[Item],
    new_file: &str,
) -> (Vec<SourceFile>, Vec<Landed>) {
    let mut files = files;
    // (file index, offset) → item indices, in sheet order.
    let mut inserts: BTreeMap<(usize, usize), (usize, Vec<usize>)> = BTreeMap::new();
    let mut fresh: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    let mut omit_program = vec![false; items.len()];
    for (ix, item) in items.iter().enumerate() {
        match anchor(before, item.kind, item.program.as_deref()) {
            Some((file, at, indent, writes_program)) => {
                omit_program[ix] = !writes_program;
                inserts.entry((file, at)).or_insert((indent, Vec::new())).1.push(ix);
            }
            None => fresh.entry(item.kind).or_default().push(ix),
        }
    }
    let mut landed = Vec::new();
    // Within each file, from the end so earlier offsets stay valid; landed offsets are fixed
    // up afterwards by the lengths inserted before them.
    let mut per_file: BTreeMap<usize, Vec<(usize, String, Vec<Landed>)>> = BTreeMap::new();
    for ((file, at), (indent, ixs)) in inserts {
        let mut text = String::new();
        let mut marks = Vec::new();
        for ix in ixs {
            text.push('\n');
            let start = text.len();
            let fields = write_item(&mut text, &items[ix], indent, omit_program[ix]);
            marks.push(Landed {
                item: ix,
                file: files[file].name.clone(),
                start,
                end: text.len(),
                fields,
            });
        }
        per_file.entry(file).or_default().push((at, text, marks));
    }
    for (file, mut parts) in per_file {
        parts.sort_by_key(|(at, _, _)| *at);
        let mut shift = 0;
        let mut new_text = files[file].text.clone();
        for (at, text, marks) in parts {
            let at = at + shift;
            new_text.insert_str(at, &text);
            for mut m in marks {
                m.start += at;
                m.end += at;
                for f in &mut m.fields {
                    f.0 += at;
                    f.1 += at;
                }
                landed.push(m);
            }
            shift += text.len();
        }
        files[file].text = new_text;
    }
    if !fresh.is_empty() {
        // Items with no place yet go into `new_file`: appended to it when it exists and has none
        // of their sections yet (so a model built item by item stays in one file), else into a
        // new file beside it.
        let reuse = files.iter().position(|f| f.name == new_file).filter(|&i| {
            let mut out = Vec::new();
            let sections: Vec<&str> = fresh.keys().map(|k| k.section()).collect();
            match modelfile::yaml::parse(modelfile::FileId(0), &files[i].text, &mut out) {
                None => files[i].text.trim().is_empty(),
                Some(root) => match root.value {
                    modelfile::yaml::Value::Null => true,
                    modelfile::yaml::Value::Map(entries) => !entries.iter().any(|(k, _)| {
                        matches!(&k.value, modelfile::yaml::Value::Str(s) if sections.contains(&s.as_str()))
                    }),
                    _ => false,
                },
            }
        });
        let (name, mut text) = match reuse {
            Some(i) => {
                let mut text = files[i].text.clone();
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                (new_file.to_string(), text)
            }
            None => {
                let mut name = new_file.to_string();
                let mut n = 2;
                while files.iter().any(|f| f.name == name) {
                    name = format!("{}-{n}.yaml", new_file.trim_end_matches(".yaml"));
                    n += 1;
                }
                (name, String::from(NEW_FILE_HEADER))
            }
        };
        for (kind, ixs) in fresh {
            text.push_str(&format!("\n{}:", kind.section()));
            for ix in ixs {
                text.push('\n');
                let start = text.len();
                let fields = write_item(&mut text, &items[ix], 2, false);
                landed.push(Landed {
                    item: ix,
                    file: name.clone(),
                    start,
                    end: text.len(),
                    fields,
                });
            }
            text.push('\n');
        }
        match reuse {
            Some(i) => files[i].text = text,
            None => files.push(SourceFile { name, path: None, text }),
        }
    }
    (files, landed)
}

/// Appends `- key: value` lines for the item at `indent`; returns each value's range.
fn write_item(
    out: &mut String,
    item: &Item,
    indent: usize,
    omit_program: bool,
) -> Vec<(usize, usize, String)> {
    let pad = " ".repeat(indent);
    let mut ranges = Vec::new();
    let mut first = true;
    // The record's key order, so new items read like the format's examples.
    let order =
        |k: &str| item.kind.record().fields.iter().position(|f| f.key == k).unwrap_or(usize::MAX);
    let mut fields: Vec<&(&str, String, String)> = item.fields.iter().collect();
    fields.sort_by_key(|(k, _, _)| order(k));
    for (key, value, column) in fields {
        if omit_program && *key == "program" {
            continue;
        }
        if !first {
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str(if first { "- " } else { "  " });
        first = false;
        out.push_str(key);
        out.push_str(": ");
        let start = out.len();
        out.push_str(value);
        ranges.push((start, out.len(), column.clone()));
    }
    ranges
}

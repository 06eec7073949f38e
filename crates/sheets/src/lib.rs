//! Spreadsheets in and out.
//!
//! Program leads plan in spreadsheets: they want the model's items, the plan, the check-in and
//! the evaluations as tables they can sort and share, and they want to write a batch of new
//! initiatives or indicators in a sheet rather than in YAML. This crate is the one place that
//! turns a model into tables ([`book`]), writes them as CSV or XLSX ([`write`]), and reads a
//! sheet back into new items appended to the model's files ([`import`]). The CLI and the
//! workspace both call it, so a download from the browser and `throughline export` are the
//! same tables.
//!
//! **Invariant:** pure: texts and bytes in, texts and bytes out; the caller reads and writes
//! files. Columns of the importable tables are the format's keys (`modelfile::format`), so an
//! exported sheet imports as it is.

pub mod import;
mod read;
mod tables;
pub mod write;

pub use import::{CellError, ImportError, Imported, import};
pub use read::{RawTable, read_csv, read_xlsx};
pub use tables::{Extras, book};

use model::Provenance;

/// One value of a cell, typed so that XLSX gets numbers as numbers and dates as dates.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing written.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A calendar day.
    Date(model::Date),
    /// True or false.
    Bool(bool),
}

impl Cell {
    /// The cell as CSV and the importer read it: numbers in Rust's shortest round-trip form,
    /// dates as `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(v) => format!("{v}"),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Number(v)
    }
}

impl From<model::Date> for Cell {
    fn from(d: model::Date) -> Cell {
        Cell::Date(d)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

/// A column: the key it holds and, for numbers, their unit (shown in the header as
/// `cost (USD)`; the importer reads the key before the parenthesis).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The key (for importable tables, the format's key).
    pub key: &'static str,
    /// The unit of its values, if any.
    pub unit: Option<String>,
}

impl Column {
    /// The header cell: `key (unit)`.
    pub fn header(&self) -> String {
        match &self.unit {
            Some(u) => format!("{} ({u})", self.key),
            None => self.key.to_string(),
        }
    }
}

/// One table: a CSV file, an XLSX sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Its name: the file stem and the sheet name (`initiatives`).
    pub name: &'static str,
    /// What it holds, for the about sheet.
    pub about: &'static str,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// The provenance of each row's data (measured for the model's own items).
    pub provenance: Vec<Provenance>,
}

impl Table {
    fn new(
        name: &'static str,
        about: &'static str,
        columns: &[(&'static str, Option<String>)],
    ) -> Table {
        Table {
            name,
            about,
            columns: columns.iter().map(|(key, unit)| Column { key, unit: unit.clone() }).collect(),
            rows: Vec::new(),
            provenance: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Cell>, provenance: Provenance) {
        debug_assert_eq!(row.len(), self.columns.len(), "row of {}", self.name);
        self.rows.push(row);
        self.provenance.push(provenance);
    }

    /// What the table's marked rows are and mean (`model::provenance::table_note`), if any.
    pub fn note(&self) -> Option<String> {
        model::provenance::table_note(self.provenance.iter().copied(), "rows")
    }
}

/// Every table of a model, with what the first sheet says about them.
#[derive(Clone, Debug, PartialEq)]
pub struct Book {
    /// The model's name.
    pub model: String,
    /// Which revision of the model the tables come from (a workspace revision, or the folder).
    pub revision: String,
    /// The day the tables were made.
    pub date: model::Date,
    /// The tables, in a fixed order.
    pub tables: Vec<Table>,
}

impl Book {
    /// The rows of the about sheet (`about.csv`, the first XLSX sheet): the model, revision,
    /// date, the provenance of the data, and one line per table.
    pub fn about(&self) -> Table {
        let mut t =
            Table::new("about", "What these tables are.", &[("item", None), ("value", None)]);
        let all: Vec<Provenance> =
            self.tables.iter().flat_map(|t| t.provenance.iter().copied()).collect();
        let data = match model::provenance::caveat(all.iter().copied()) {
            None => "measured data and the model's own items".to_string(),
            Some(caveat) => {
                let mut marks: Vec<&str> = all.iter().filter_map(|p| p.mark()).collect();
                marks.sort_unstable();
                marks.dedup();
                format!("{}: {caveat}", marks.join(", "))
            }
        };
        for (k, v) in [
            ("model", self.model.clone()),
            ("revision", self.revision.clone()),
            ("date", self.date.to_string()),
            ("provenance", data),
        ] {
            t.push(vec![k.into(), v.into()], Provenance::Measured);
        }
        for table in &self.tables {
            let n = table.rows.len();
            let mut line = format!("{} ({n} {})", table.about, if n == 1 { "row" } else { "rows" });
            if let Some(note) = table.note() {
                line.push(' ');
                line.push_str(&note);
            }
            t.push(vec![table.name.into(), line.into()], Provenance::Measured);
        }
        t
    }

    /// The table with this name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

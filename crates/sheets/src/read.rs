//! CSV and XLSX → raw tables of text cells, with the positions people see in their program
//! (row 1 is the header; columns as letters).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::import::{CellError, ImportError};

/// One sheet as read: its name, the header and the rows of cell texts.
#[derive(Clone, Debug, PartialEq)]
pub struct RawTable {
    /// The sheet's name (for CSV, the file's stem).
    pub sheet: String,
    /// The header row, units stripped (`cost (USD)` → `cost`).
    pub header: Vec<String>,
    /// Data rows: (row number as the spreadsheet shows it, cell texts).
    pub rows: Vec<(usize, Vec<String>)>,
    /// The column index of the sheet's first column (XLSX ranges may start further right).
    pub first_column: usize,
}

/// The key of a header cell: the text before ` (unit)`, trimmed.
fn key(header: &str) -> String {
    header.split(" (").next().unwrap_or(header).trim().to_string()
}

/// A CSV text named `sheet` (the table it fills: `initiatives`, `nodes`, `indicators`…).
pub fn read_csv(sheet: &str, text: &str) -> Result<RawTable, ImportError> {
    // Rows copied from a spreadsheet program and pasted are tab-separated: a first line with
    // tabs and no commas is read so.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') { b'\t' } else { b',' };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    // Rows are numbered as a spreadsheet program shows the file (a cell with line breaks is
    // still one row), not by lines of text.
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| {
            ImportError::Cells(vec![CellError {
                sheet: sheet.into(),
                row: i + 1,
                column: None,
                message: format!("this is not CSV: {e}"),
                fix: "save the sheet as CSV (comma-separated, UTF-8)".into(),
                rule: None,
            }])
        })?;
        let line = i + 1;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        if header.is_none() {
            header = Some(cells.iter().map(|c| key(c)).collect());
        } else if cells.iter().any(|c| !c.is_empty()) {
            rows.push((line, cells));
        }
    }
    Ok(RawTable { sheet: sheet.into(), header: header.unwrap_or_default(), rows, first_column: 0 })
}

/// Every sheet of an XLSX workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawTable>, ImportError> {
    let bad = |e: calamine::XlsxError| {
        ImportError::Cells(vec![CellError {
            sheet: String::new(),
            row: 0,
            column: None,
            message: format!("this is not an XLSX workbook: {e}"),
            fix: "save the workbook as Excel (.xlsx), or each sheet as CSV".into(),
            rule: None,
        }])
    };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(bad)?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut header = None;
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<String> = row.iter().map(text).collect();
            if header.is_none() {
                header = Some(cells.iter().map(|c| key(c)).collect());
            } else if cells.iter().any(|c| !c.is_empty()) {
                rows.push((row0 as usize + i + 1, cells));
            }
        }
        out.push(RawTable {
            sheet: name,
            header: header.unwrap_or_default(),
            rows,
            first_column: col0 as usize,
        });
    }
    Ok(out)
}

/// A cell as the text the importer parses: dates as `YYYY-MM-DD`, whole numbers without `.0`.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Int(i) => i.to_string(),
        Data::Float(v) => format!("{v}"),
        Data::String(s) => s.trim().to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Excel's day 0 is 1899-12-30 (after its 1900 leap-year bug).
            let epoch = model::Date { year: 1899, month: 12, day: 30 }.day_number();
            model::Date::from_day_number(epoch + dt.as_f64().floor() as i64).to_string()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The spreadsheet's letters for a 0-based column (`0` → `A`, `27` → `AB`).
pub(crate) fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_the_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(26 * 27), "AAA");
    }

    #[test]
    fn units_are_stripped_from_headers() {
        let t = read_csv("initiatives", "id,cost (USD)\n,\nx,\"5\"\n\n").expect("csv");
        assert_eq!(t.header, ["id", "cost"]);
        assert_eq!(t.rows, [(3, vec!["x".to_string(), "5".to_string()])]);
        let pasted = read_csv("teams", "id\tname\tcapacity\nweb\tWeb, the team\t3\n").expect("tsv");
        assert_eq!(pasted.rows[0].1, ["web", "Web, the team", "3"]);
    }
}

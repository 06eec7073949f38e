//! Tables → CSV text and XLSX bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::{Book, Cell, Table};

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The XLSX writer failed.
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// A value cannot be written as CSV.
    #[error("could not write {table}.csv: {source}")]
    Csv {
        /// The table.
        table: &'static str,
        /// What failed.
        source: csv::Error,
    },
}

/// One table as CSV (RFC 4180, header row first, units in the headers).
pub fn csv(table: &Table) -> Result<String, WriteError> {
    let err = |source| WriteError::Csv { table: table.name, source };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(table.columns.iter().map(|c| c.header())).map_err(err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::text)).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| err(e.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Every table as `(file name, CSV text)`, `about.csv` first.
pub fn csv_files(book: &Book) -> Result<Vec<(String, String)>, WriteError> {
    std::iter::once(book.about())
        .chain(book.tables.iter().cloned())
        .map(|t| Ok((format!("{}.csv", t.name), csv(&t)?)))
        .collect()
}

/// Every table as one XLSX workbook: the about sheet first, then one sheet per table, numbers
/// as numbers, dates as dates, booleans as booleans, headers bold and frozen.
pub fn xlsx(book: &Book) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    // The creation time is the book's date, so the same model gives the same bytes.
    let day = excel_date(book.date)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} (throughline)", book.model))
            .set_creation_datetime(&day),
    );
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    for table in std::iter::once(book.about()).chain(book.tables.iter().cloned()) {
        let ws = wb.add_worksheet();
        ws.set_name(table.name)?;
        for (c, col) in table.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, col.header(), &bold)?;
            ws.set_column_width(c, if table.name == "about" && c == 1 { 100 } else { 18 })?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) if t.contains('\n') => {
                        ws.write_string_with_format(r, c, t, &wrap)?;
                    }
                    Cell::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    Cell::Number(v) => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::Date(d) => {
                        ws.write_datetime_with_format(r, c, excel_date(*d)?, &date)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                }
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn excel_date(d: model::Date) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month, d.day)
}

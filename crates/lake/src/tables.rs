//! The tables of a lake folder: their names, schemas and Parquet writing. The column names
//! are the ones `metrics.sql` reads.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Int64Builder, RecordBatch, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;

use crate::LakeError;

/// Tables the conversion writes, from the dumps (and the category-pages file).
pub const DATA_TABLES: [&str; 8] = [
    "edits",
    "user_names",
    "edit_hashtags",
    "edit_tags",
    "category_pages",
    "coverage",
    "file_uses",
    "pageviews",
];
/// Tables written for a run, from the community definitions.
pub const DEFINITION_TABLES: [&str; 3] = ["communities", "members", "windows"];

/// The file of a table in a lake folder.
pub fn path(dir: &Path, table: &str) -> PathBuf {
    dir.join(format!("{table}.parquet"))
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn int(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int64, nullable)
}

/// The schema of a table.
pub fn schema(table: &str) -> SchemaRef {
    let fields = match table {
        "edits" => vec![
            text("wiki"),
            int("revision_id", false),
            int("edited_at", false),
            int("user_id", true),
            Field::new("is_bot", DataType::Boolean, false),
            int("registered_at", true),
            int("page_id", false),
            int("namespace", false),
            Field::new("creates_page", DataType::Boolean, false),
            int("bytes_diff", false),
            int("reverted_after", true),
            int("central_user_id", true),
            text("page_title"),
        ],
        "user_names" => vec![text("wiki"), int("user_id", false), text("user_name")],
        "edit_hashtags" => vec![text("wiki"), int("revision_id", false), text("hashtag")],
        "edit_tags" => vec![text("wiki"), int("revision_id", false), text("tag")],
        "category_pages" => vec![text("wiki"), text("category"), int("page_id", false)],
        "coverage" => vec![text("wiki"), int("end_at", false)],
        "file_uses" => vec![text("wiki"), text("file_title"), int("namespace", false)],
        "pageviews" => {
            vec![text("wiki"), text("page_title"), int("hour_at", false), int("views", false)]
        }
        "communities" => vec![
            text("community_id"),
            text("wiki"),
            text("kind"),
            Field::new("rule", DataType::Utf8, true),
            int("start_at", false),
            int("end_at", false),
            int("lookback", false),
            int("activation_edits", false),
            int("activation_secs", false),
        ],
        "members" => vec![text("community_id"), text("user_name")],
        "windows" => vec![
            text("community_id"),
            int("window_no", false),
            text("cohort"),
            text("anchor"),
            int("from_secs", false),
            int("to_secs", true),
            int("min_edits", false),
            int("namespace", true),
            Field::new("all_wikis", DataType::Boolean, false),
        ],
        _ => Vec::new(),
    };
    Arc::new(Schema::new(fields))
}

/// A column being filled: Arrow builders copy values into one buffer, no allocation per value.
enum Column {
    /// Text, possibly null.
    Text(StringBuilder),
    /// Whole numbers, possibly null.
    Int(Int64Builder),
    /// Booleans.
    Bool(BooleanBuilder),
}

impl Column {
    fn array(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Text(b) => b.len(),
            Column::Int(b) => b.len(),
            Column::Bool(b) => b.len(),
        }
    }
}

/// Rows per batch handed to the Parquet writer.
const BATCH: usize = 65_536;

/// Writes one table to Parquet in batches, so memory stays flat however many rows come.
pub struct TableWriter {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
    columns: Vec<Column>,
    rows: u64,
}

impl TableWriter {
    /// Creates the file (replacing an earlier one).
    pub fn create(dir: &Path, table: &str) -> Result<TableWriter, LakeError> {
        let path = path(dir, table);
        let schema = schema(table);
        let file =
            File::create(&path).map_err(|source| LakeError::Io { path: path.clone(), source })?;
        // zstd: Spark, DuckDB and DataFusion all read it, and it halves the files against
        // snappy on this data.
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
            .set_max_row_group_row_count(Some(1 << 20))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| LakeError::Encode { path: path.clone(), why: e.to_string() })?;
        let columns = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Utf8 => Column::Text(StringBuilder::new()),
                DataType::Boolean => Column::Bool(BooleanBuilder::new()),
                _ => Column::Int(Int64Builder::new()),
            })
            .collect();
        Ok(TableWriter { path, schema, writer, columns, rows: 0 })
    }

    /// Writes the filled batch out when it is full.
    pub fn row_done(&mut self) -> Result<(), LakeError> {
        self.rows += 1;
        if self.columns.first().is_some_and(|c| c.len() >= BATCH) {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), LakeError> {
        if self.columns.first().is_none_or(|c| c.len() == 0) {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::array).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| LakeError::Encode { path: self.path.clone(), why: e.to_string() })?;
        self.writer
            .write(&batch)
            .map_err(|e| LakeError::Encode { path: self.path.clone(), why: e.to_string() })
    }

    /// Flushes and closes the file; returns the rows written.
    pub fn finish(mut self) -> Result<u64, LakeError> {
        self.flush()?;
        self.writer
            .close()
            .map_err(|e| LakeError::Encode { path: self.path.clone(), why: e.to_string() })?;
        Ok(self.rows)
    }

    /// Appends text to column `i`.
    pub fn text(&mut self, i: usize, v: &str) {
        self.nullable_text(i, Some(v));
    }

    /// Appends text or null to column `i`.
    pub fn nullable_text(&mut self, i: usize, v: Option<&str>) {
        if let Some(Column::Text(c)) = self.columns.get_mut(i) {
            c.append_option(v);
        }
    }

    /// Appends a number (or null) to column `i`.
    pub fn int(&mut self, i: usize, v: Option<i64>) {
        if let Some(Column::Int(c)) = self.columns.get_mut(i) {
            c.append_option(v);
        }
    }

    /// Appends a boolean to column `i`.
    pub fn bool(&mut self, i: usize, v: bool) {
        if let Some(Column::Bool(c)) = self.columns.get_mut(i) {
            c.append_value(v);
        }
    }
}

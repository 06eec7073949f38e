//! The `mediawiki_history` dump: one TSV row per event, no header row, 78 columns in the current
//! layout (checked against the 2026-08 snapshot's documentation). Booleans are `true`/`false`,
//! nulls are empty fields, arrays are comma-separated, timestamps look like
//! `2026-09-01 00:00:00.0`, and tabs and newlines inside text are backslash-escaped.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The columns, in order.
pub const COLUMNS: [&str; 78] = [
    "wiki_db",
    "event_log_id",
    "event_entity",
    "event_type",
    "event_timestamp",
    "event_comment",
    "event_user_id",
    "event_user_central_id",
    "event_user_text_historical",
    "event_user_text",
    "event_user_blocks_historical",
    "event_user_blocks",
    "event_user_groups_historical",
    "event_user_groups",
    "event_user_is_bot_by_historical",
    "event_user_is_bot_by",
    "event_user_is_created_by_self",
    "event_user_is_created_by_system",
    "event_user_is_created_by_peer",
    "event_user_is_anonymous",
    "event_user_is_temporary",
    "event_user_is_permanent",
    "event_user_is_cross_wiki",
    "event_user_registration_timestamp",
    "event_user_creation_timestamp",
    "event_user_first_edit_timestamp",
    "event_user_revision_count",
    "event_user_seconds_since_previous_revision",
    "page_id",
    "page_title_historical",
    "page_title",
    "page_namespace_historical",
    "page_namespace_is_content_historical",
    "page_namespace",
    "page_namespace_is_content",
    "page_is_redirect",
    "page_is_deleted",
    "page_creation_timestamp",
    "page_first_edit_timestamp",
    "page_revision_count",
    "page_seconds_since_previous_revision",
    "user_id",
    "user_central_id",
    "user_text_historical",
    "user_text",
    "user_blocks_historical",
    "user_blocks",
    "user_groups_historical",
    "user_groups",
    "user_is_bot_by_historical",
    "user_is_bot_by",
    "user_is_created_by_self",
    "user_is_created_by_system",
    "user_is_created_by_peer",
    "user_is_anonymous",
    "user_is_temporary",
    "user_is_permanent",
    "user_registration_timestamp",
    "user_creation_timestamp",
    "user_first_edit_timestamp",
    "revision_id",
    "revision_parent_id",
    "revision_minor_edit",
    "revision_deleted_parts",
    "revision_deleted_parts_are_suppressed",
    "revision_text_bytes",
    "revision_text_bytes_diff",
    "revision_text_sha1",
    "revision_content_model",
    "revision_content_format",
    "revision_is_deleted_by_page_deletion",
    "revision_deleted_by_page_deletion_timestamp",
    "revision_is_identity_reverted",
    "revision_first_identity_reverting_revision_id",
    "revision_seconds_to_identity_revert",
    "revision_is_identity_revert",
    "revision_is_from_before_page_creation",
    "revision_tags",
];

/// The columns of the classic layout (snapshots before 2024): the current list without the
/// central-id, temporary/permanent-account, cross-wiki and log-id columns added since.
pub const CLASSIC_ABSENT: [&str; 8] = [
    "event_log_id",
    "event_user_central_id",
    "event_user_is_temporary",
    "event_user_is_permanent",
    "event_user_is_cross_wiki",
    "user_central_id",
    "user_is_temporary",
    "user_is_permanent",
];

/// Index of a column by name in the current layout (a typo is a test failure, not a panic).
pub fn col(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

/// A layout of the dump: which column holds what. Dumps carry no header, so the layout is
/// recognised by the number of fields, which differs between the known layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// 78 columns (2024 snapshots onwards).
    Current,
    /// 70 columns (earlier snapshots).
    Classic,
}

/// The fields the reader uses, in this order.
const USED: [&str; 20] = [
    "wiki_db",
    "event_entity",
    "event_type",
    "event_timestamp",
    "event_comment",
    "event_user_id",
    "event_user_text_historical",
    "event_user_text",
    "event_user_is_bot_by_historical",
    "event_user_is_anonymous",
    "event_user_registration_timestamp",
    "event_user_creation_timestamp",
    "page_id",
    "page_namespace_historical",
    "revision_id",
    "revision_parent_id",
    "revision_text_bytes_diff",
    "revision_tags",
    "page_title",
    "page_title_historical",
];
/// Position in [`USED`] of `event_user_is_temporary`, read only where the layout has it.
const TEMPORARY: &str = "event_user_is_temporary";
/// The global account's id, read only where the layout has it (2024 onwards): what ties a
/// person's edits on every wiki together.
const CENTRAL: &str = "event_user_central_id";
/// Revert columns, read together.
const REVERTED: [&str; 2] =
    ["revision_is_identity_reverted", "revision_seconds_to_identity_revert"];

impl Layout {
    /// The layout with this many fields per row.
    pub fn from_fields(n: usize) -> Option<Layout> {
        match n {
            78 => Some(Layout::Current),
            70 => Some(Layout::Classic),
            _ => None,
        }
    }

    /// Fields per row.
    pub fn fields(self) -> usize {
        match self {
            Layout::Current => COLUMNS.len(),
            Layout::Classic => COLUMNS.len() - CLASSIC_ABSENT.len(),
        }
    }

    /// The column names, in order.
    pub fn columns(self) -> Vec<&'static str> {
        match self {
            Layout::Current => COLUMNS.to_vec(),
            Layout::Classic => {
                COLUMNS.iter().copied().filter(|c| !CLASSIC_ABSENT.contains(c)).collect()
            }
        }
    }

    /// Index of a column in this layout.
    pub fn index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| *c == name)
    }
}

/// An edit: a `revision`/`create` event, with what the metrics need.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    /// Wiki, e.g. `enwiki`.
    pub wiki: String,
    /// Revision id (unique on its wiki).
    pub revision: i64,
    /// When, as seconds since 1970 (UTC).
    pub at: i64,
    /// The editor's id on the wiki (`None` for anonymous and temporary accounts).
    pub user: Option<i64>,
    /// The editor's global account id, the same on every wiki (`None` when anonymous, or in
    /// the classic layout, which lacks the column).
    pub central: Option<i64>,
    /// The editor's name at the time.
    pub user_text_historical: String,
    /// The editor's name now (after renames; empty for deleted users).
    pub user_text: String,
    /// Registered at (seconds), if known.
    pub registered: Option<i64>,
    /// A bot, by name or group, at the time.
    pub bot: bool,
    /// Page.
    pub page: i64,
    /// Namespace at the time.
    pub namespace: i64,
    /// The page's current title, without its namespace, underscores for spaces (`page_title`,
    /// else `page_title_historical`): what `imagelinks` and the pageview dumps name it by.
    pub page_title: String,
    /// Created the page (no parent revision).
    pub creates_page: bool,
    /// The parent revision (`revision_parent_id`; 0 when there is none): kept so that the
    /// data lake's layout (`lake::wmf`) can be written from the dumps as the lake has it.
    pub parent: i64,
    /// Size change in bytes.
    pub bytes_diff: i64,
    /// Reverted, and after how many seconds.
    pub reverted_after: Option<i64>,
    /// Edit summary (escaped as in the dump).
    pub comment: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// Why a dump could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Reading failed.
    #[error("{source}")]
    Io {
        /// The error.
        #[from]
        source: std::io::Error,
    },
    /// A row that does not fit the layout.
    #[error("line {line}: {why}")]
    Row {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// A value that does not fit, where it starts (the link and pageview dumps).
    #[error("line {line}, column {column}: {why}")]
    At {
        /// 1-based line.
        line: usize,
        /// 1-based column (bytes).
        column: usize,
        /// What is wrong, and what was expected.
        why: String,
    },
    /// A file that cannot be used as a whole (its name, a missing companion file).
    #[error("{why}")]
    Invalid {
        /// What is wrong and how to fix it.
        why: String,
    },
}

/// `2026-09-01 00:00:00.0` → seconds since 1970.
pub fn timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = model::Date::parse(s.get(..10)?)?;
    let two = |i: usize| -> Option<i64> {
        let (h, l) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
        (h < 10 && l < 10).then_some(i64::from(h) * 10 + i64::from(l))
    };
    let (h, m, sec) = (two(11)?, two(14)?, two(17)?);
    (h < 24 && m < 60 && sec < 61).then(|| date.day_number() * 86_400 + h * 3600 + m * 60 + sec)
}

/// Seconds since 1970 → the dump's timestamp text.
pub fn format_timestamp(secs: i64) -> String {
    let d = model::Date::from_day_number(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{d} {:02}:{:02}:{:02}.0", s / 3600, s % 3600 / 60, s % 60)
}

/// Column positions of one layout, resolved once per file.
#[derive(Clone, Debug)]
struct Positions {
    layout: Layout,
    used: [usize; USED.len()],
    temporary: Option<usize>,
    central: Option<usize>,
    reverted: [usize; 2],
}

impl Positions {
    fn new(layout: Layout) -> Positions {
        let at = |n: &str| layout.index(n).unwrap_or(usize::MAX);
        Positions {
            layout,
            used: USED.map(at),
            temporary: layout.index(TEMPORARY),
            central: layout.index(CENTRAL),
            reverted: REVERTED.map(at),
        }
    }
}

/// Parses rows of one dump; the layout is fixed by the first row.
#[derive(Clone, Debug, Default)]
pub struct Parser {
    positions: Option<Positions>,
    fields: Vec<(usize, usize)>,
}

impl Parser {
    /// The layout seen so far.
    pub fn layout(&self) -> Option<Layout> {
        self.positions.as_ref().map(|p| p.layout)
    }

    /// Parses one row; `Ok(None)` for events that are not edits.
    pub fn row(&mut self, line: &str, number: usize) -> Result<Option<Edit>, DumpError> {
        let line = line.trim_end_matches(['\n', '\r']);
        let bad = |why: String| DumpError::Row { line: number, why };
        self.fields.clear();
        let mut from = 0;
        for (i, b) in line.bytes().enumerate() {
            if b == b'\t' {
                self.fields.push((from, i));
                from = i + 1;
            }
        }
        self.fields.push((from, line.len()));
        let n = self.fields.len();
        let layout = match &self.positions {
            Some(p) if p.layout.fields() == n => p.layout,
            Some(p) => {
                return Err(bad(format!(
                    "{n} fields, but this file's rows have {} (the {:?} layout); a row cut short or a stray tab?",
                    p.layout.fields(),
                    p.layout
                )));
            }
            None => Layout::from_fields(n).ok_or_else(|| {
                bad(format!(
                    "{n} fields; mediawiki_history rows have {} (current layout) or {} (before 2024)",
                    Layout::Current.fields(),
                    Layout::Classic.fields()
                ))
            })?,
        };
        let positions = self.positions.get_or_insert_with(|| Positions::new(layout));
        let positions = &*positions;
        let field = |i: usize| self.fields.get(i).map_or("", |&(a, b)| &line[a..b]);
        let used = |k: usize| field(positions.used[k]);
        if used(1) != "revision" || used(2) != "create" {
            return Ok(None);
        }
        let int = |k: usize| -> Result<Option<i64>, DumpError> {
            let v = used(k);
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| bad(format!("`{}` is `{v}`, not a whole number", USED[k])))
        };
        let at = timestamp(used(3))
            .ok_or_else(|| bad(format!("`event_timestamp` is `{}`, not a timestamp", used(3))))?;
        let temporary = positions.temporary.is_some_and(|i| field(i) == "true");
        let anonymous = used(9) == "true" || temporary;
        let central = match positions.central.map(field).filter(|v| !v.is_empty()) {
            Some(v) if !anonymous => Some(v.parse::<i64>().map_err(|_| {
                bad(format!("`event_user_central_id` is `{v}`, not a whole number"))
            })?),
            _ => None,
        };
        let registered = timestamp(used(10)).or_else(|| timestamp(used(11)));
        let reverted_after = if field(positions.reverted[0]) == "true" {
            let v = field(positions.reverted[1]);
            Some(if v.is_empty() {
                0
            } else {
                v.parse().map_err(|_| {
                    bad(format!(
                        "`revision_seconds_to_identity_revert` is `{v}`, not a whole number"
                    ))
                })?
            })
        } else {
            None
        };
        Ok(Some(Edit {
            wiki: used(0).to_string(),
            revision: int(14)?.unwrap_or(0),
            at,
            user: if anonymous { None } else { int(5)? },
            central,
            user_text_historical: used(6).to_string(),
            user_text: used(7).to_string(),
            registered,
            bot: !used(8).is_empty(),
            page: int(12)?.unwrap_or(0),
            namespace: int(13)?.unwrap_or(0),
            page_title: {
                let t = if used(18).is_empty() { used(19) } else { used(18) };
                crate::pageviews::normalise_title(t)
            },
            creates_page: int(15)?.unwrap_or(0) == 0,
            parent: int(15)?.unwrap_or(0),
            bytes_diff: int(16)?.unwrap_or(0),
            reverted_after,
            comment: used(4).to_string(),
            tags: used(17).split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
        }))
    }
}

/// The edits of a dump, one at a time: memory stays flat however large the file.
pub struct Edits<R> {
    reader: R,
    parser: Parser,
    buf: String,
    line: usize,
}

impl<R: BufRead> Edits<R> {
    /// Reads a plain TSV stream.
    pub fn new(reader: R) -> Edits<R> {
        Edits { reader, parser: Parser::default(), buf: String::new(), line: 0 }
    }
}

impl<R: BufRead> Iterator for Edits<R> {
    type Item = Result<Edit, DumpError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e.into())),
            }
            self.line += 1;
            if self.buf.trim_end_matches(['\n', '\r']).is_empty() {
                continue;
            }
            match self.parser.row(&self.buf, self.line) {
                Ok(Some(e)) => return Some(Ok(e)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Opens a dump file, plain or bz2 (recognised by its first bytes, not its name), for
/// streaming. Multi-stream bz2 files (as the dumps are published) are read to the end.
pub fn open(path: &Path) -> Result<Edits<Box<dyn BufRead + Send>>, DumpError> {
    Ok(decode(Box::new(std::fs::File::open(path)?))?)
}

/// Streams the edits of a dump from any byte source, plain or bz2.
pub fn decode(source: Box<dyn Read + Send>) -> std::io::Result<Edits<Box<dyn BufRead + Send>>> {
    let mut raw = BufReader::with_capacity(1 << 20, source);
    let compressed = raw.fill_buf()?.starts_with(b"BZh");
    let reader: Box<dyn BufRead + Send> = if compressed {
        Box::new(BufReader::with_capacity(1 << 20, bzip2::bufread::MultiBzDecoder::new(raw)))
    } else {
        Box::new(raw)
    };
    Ok(Edits::new(reader))
}

/// The wiki a dump file holds, from its published name: the dumps are laid out as
/// `SNAPSHOT/WIKI/SNAPSHOT.WIKI.RANGE.tsv.bz2` (`2026-08.frwiki.all-time.tsv.bz2`; large wikis
/// split by year or month, `2026-08.enwiki.2024.tsv.bz2`), so the second dot-separated part of
/// a name that starts with `YYYY-MM.` is the wiki. `None` for other names: the caller then
/// names the wiki from the rows read before the failure, if any.
pub fn wiki_of_file(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let mut parts = name.split('.');
    let snapshot = parts.next()?;
    let b = snapshot.as_bytes();
    let is_snapshot = b.len() == 7
        && b[4] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
    let wiki = parts.next()?;
    (is_snapshot && !wiki.is_empty() && parts.next().is_some()).then(|| wiki.to_string())
}

/// Pages per category, `(wiki, normalised category, page id)`, sorted and without repeats.
pub type CategoryPages = Vec<(String, String, i64)>;

/// Reads a category-pages file: `wiki<TAB>category<TAB>page_id` rows (for example an extract
/// of the `categorylinks` table), `#` comments and blank lines allowed; category names are
/// normalised (`Category:` prefix dropped, spaces as underscores).
pub fn read_categories(path: &Path) -> Result<CategoryPages, DumpError> {
    let file = BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for (i, line) in file.lines().enumerate() {
        let line = line?;
        let bad = |why: String| DumpError::Row { line: i + 1, why };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [wiki, category, page] = f[..] else {
            return Err(bad(format!(
                "{} fields; expected `wiki<TAB>category<TAB>page_id`",
                f.len()
            )));
        };
        let page: i64 = page
            .trim()
            .parse()
            .map_err(|_| bad(format!("page id `{}` is not a whole number", page.trim())))?;
        out.push((wiki.trim().to_string(), crate::metrics::normalise_category(category), page));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Reads every edit of a plain TSV dump into memory (tests and small dumps).
pub fn read(reader: impl BufRead) -> Result<Vec<Edit>, DumpError> {
    Edits::new(reader).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_has_the_columns_the_reader_uses() {
        assert_eq!(COLUMNS.len(), 78);
        for c in [
            "event_entity",
            "event_user_is_temporary",
            "revision_tags",
            "revision_seconds_to_identity_revert",
        ] {
            assert!(col(c).is_some(), "{c}");
        }
        assert_eq!(col("wiki_db"), Some(0));
        assert_eq!(col("revision_tags"), Some(77));
    }

    #[test]
    fn the_classic_layout_has_seventy_columns() {
        assert_eq!(Layout::Classic.fields(), 70);
        assert_eq!(Layout::from_fields(70), Some(Layout::Classic));
        assert_eq!(Layout::Classic.index("revision_tags"), Some(69));
        assert_eq!(Layout::Classic.index("event_user_is_temporary"), None);
        for c in USED.iter().chain(&REVERTED) {
            assert!(Layout::Classic.index(c).is_some(), "{c}");
        }
    }

    #[test]
    fn a_row_of_another_layout_in_the_same_file_is_refused() {
        let current = vec![""; 78].join("\t");
        let classic = vec![""; 70].join("\t");
        let mut p = Parser::default();
        assert!(p.row(&current, 1).unwrap().is_none());
        let err = p.row(&classic, 2).unwrap_err().to_string();
        assert!(err.starts_with("line 2: 70 fields, but this file's rows have 78"), "{err}");
    }

    #[test]
    fn the_wiki_of_a_dump_is_read_from_its_published_name() {
        let w = |n: &str| wiki_of_file(Path::new(n));
        assert_eq!(w("/d/2026-08.frwiki.all-time.tsv.bz2").as_deref(), Some("frwiki"));
        assert_eq!(w("2026-08.enwiki.2024.tsv.bz2").as_deref(), Some("enwiki"));
        assert_eq!(w("sample.tsv.bz2"), None);
        assert_eq!(w("2026-8.frwiki.tsv"), None);
        assert_eq!(w("2026-08.tsv"), None);
    }

    #[test]
    fn timestamps_round_trip() {
        let t = timestamp("2026-09-01 13:45:07.0").unwrap();
        assert_eq!(format_timestamp(t), "2026-09-01 13:45:07.0");
        assert_eq!(timestamp("1970-01-01 00:00:00.0"), Some(0));
        assert_eq!(timestamp("yesterday"), None);
        assert_eq!(timestamp("2026-09-01 25:00:00.0"), None);
        assert_eq!(timestamp("2026-09-01T13:45:07Z"), None);
    }

    #[test]
    fn a_short_row_is_refused_with_its_line() {
        let err = Parser::default().row("enwiki\trevision\tcreate", 7).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "line 7: 3 fields; mediawiki_history rows have 78 (current layout) or 70"
            ),
            "{err}"
        );
    }
}

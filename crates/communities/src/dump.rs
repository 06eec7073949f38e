//! The `mediawiki_history` dump: one TSV row per event, no header row, 78 columns in the current
//! layout (checked against the 2026-08 snapshot's documentation). Booleans are `true`/`false`,
//! nulls are empty fields, arrays are comma-separated, timestamps look like
//! `2026-09-01 00:00:00.0`, and tabs and newlines inside text are backslash-escaped.

use std::io::BufRead;

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

/// Index of a column by name (compile-time list, so a typo is a test failure, not a panic).
pub fn col(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

/// An edit: a `revision`/`create` event, with what the metrics need.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    /// Wiki, e.g. `enwiki`.
    pub wiki: String,
    /// When, as seconds since 1970 (UTC).
    pub at: i64,
    /// The editor's id on the wiki (`None` for anonymous and temporary accounts).
    pub user: Option<i64>,
    /// The editor's name at the time.
    pub user_text: String,
    /// Registered at (seconds), if known.
    pub registered: Option<i64>,
    /// A bot, by name or group, at the time.
    pub bot: bool,
    /// Page and namespace.
    pub page: i64,
    /// Namespace at the time.
    pub namespace: i64,
    /// Created the page (no parent revision).
    pub creates_page: bool,
    /// Size change in bytes.
    pub bytes_diff: i64,
    /// Reverted, and after how many seconds.
    pub reverted_after: Option<i64>,
    /// Edit summary.
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
}

/// `2026-09-01 00:00:00.0` → seconds since 1970.
pub fn timestamp(s: &str) -> Option<i64> {
    let date = model::Date::parse(s.get(..10)?)?;
    let time = s.get(11..19)?;
    let mut hms = time.split(':').map(|x| x.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    Some(date.day_number() * 86_400 + h * 3600 + m * 60 + sec)
}

/// Seconds since 1970 → the dump's timestamp text.
pub fn format_timestamp(secs: i64) -> String {
    let d = model::Date::from_day_number(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{d} {:02}:{:02}:{:02}.0", s / 3600, s % 3600 / 60, s % 60)
}

/// Parses one row; `Ok(None)` for events that are not edits.
pub fn parse_row(line: &str, number: usize) -> Result<Option<Edit>, DumpError> {
    let f: Vec<&str> = line.trim_end_matches(['\n', '\r']).split('\t').collect();
    let bad = |why: String| DumpError::Row { line: number, why };
    if f.len() != COLUMNS.len() {
        return Err(bad(format!(
            "{} fields; the current mediawiki_history layout has {} (an older snapshot?)",
            f.len(),
            COLUMNS.len()
        )));
    }
    let get = |name: &str| col(name).map_or("", |i| f[i]);
    if get("event_entity") != "revision" || get("event_type") != "create" {
        return Ok(None);
    }
    let int = |name: &str| -> Result<Option<i64>, DumpError> {
        let v = get(name);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| bad(format!("`{name}` is `{v}`, not a whole number")))
    };
    let at = timestamp(get("event_timestamp")).ok_or_else(|| {
        bad(format!("`event_timestamp` is `{}`, not a timestamp", get("event_timestamp")))
    })?;
    let anonymous =
        get("event_user_is_anonymous") == "true" || get("event_user_is_temporary") == "true";
    let registered = timestamp(get("event_user_registration_timestamp"))
        .or_else(|| timestamp(get("event_user_creation_timestamp")));
    let reverted_after = if get("revision_is_identity_reverted") == "true" {
        int("revision_seconds_to_identity_revert")?.or(Some(0))
    } else {
        None
    };
    Ok(Some(Edit {
        wiki: get("wiki_db").to_string(),
        at,
        user: if anonymous { None } else { int("event_user_id")? },
        user_text: get("event_user_text_historical").to_string(),
        registered,
        bot: !get("event_user_is_bot_by_historical").is_empty(),
        page: int("page_id")?.unwrap_or(0),
        namespace: int("page_namespace_historical")?.unwrap_or(0),
        creates_page: int("revision_parent_id")?.unwrap_or(0) == 0,
        bytes_diff: int("revision_text_bytes_diff")?.unwrap_or(0),
        reverted_after,
        comment: get("event_comment").to_string(),
        tags: get("revision_tags")
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    }))
}

/// Reads every edit of a plain TSV dump.
pub fn read(reader: impl BufRead) -> Result<Vec<Edit>, DumpError> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        if let Some(e) = parse_row(&line, i + 1)? {
            out.push(e);
        }
    }
    Ok(out)
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
    fn timestamps_round_trip() {
        let t = timestamp("2026-09-01 13:45:07.0").unwrap();
        assert_eq!(format_timestamp(t), "2026-09-01 13:45:07.0");
        assert_eq!(timestamp("1970-01-01 00:00:00.0"), Some(0));
        assert_eq!(timestamp("yesterday"), None);
    }

    #[test]
    fn a_short_row_is_refused_with_its_line() {
        let err = parse_row("enwiki\trevision\tcreate", 7).unwrap_err().to_string();
        assert!(
            err.starts_with("line 7: 3 fields; the current mediawiki_history layout has 78"),
            "{err}"
        );
    }
}

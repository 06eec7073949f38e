//! Synthetic dumps in the real 78-column layout, for tests and benchmarks.

use crate::dump::{COLUMNS, col, format_timestamp};

/// One edit to write.
#[derive(Clone, Debug)]
pub struct Row {
    /// Wiki.
    pub wiki: String,
    /// When (seconds since 1970).
    pub at: i64,
    /// Editor id; `None` writes an anonymous edit.
    pub user: Option<i64>,
    /// Editor name at the time.
    pub user_text: String,
    /// Registration (seconds).
    pub registered: Option<i64>,
    /// A bot.
    pub bot: bool,
    /// Page.
    pub page: i64,
    /// Namespace.
    pub namespace: i64,
    /// Creates the page.
    pub creates_page: bool,
    /// Size change.
    pub bytes_diff: i64,
    /// Reverted after this many seconds.
    pub reverted_after: Option<i64>,
    /// Revision id.
    pub revision: i64,
    /// Edit summary.
    pub comment: String,
    /// Edit tags.
    pub tags: Vec<String>,
}

/// The TSV line of a row (no trailing newline).
pub fn line(r: &Row) -> String {
    let mut f: Vec<String> = vec![String::new(); COLUMNS.len()];
    let mut set = |name: &str, v: String| {
        if let Some(i) = col(name) {
            f[i] = v;
        }
    };
    set("wiki_db", r.wiki.clone());
    set("event_entity", "revision".into());
    set("event_type", "create".into());
    set("event_timestamp", format_timestamp(r.at));
    // Summaries are written escaped, as the dumps do: tabs and newlines never split a row.
    set("event_comment", r.comment.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n"));
    set("revision_tags", r.tags.join(","));
    set("event_user_text_historical", r.user_text.clone());
    set("event_user_text", r.user_text.clone());
    match r.user {
        Some(u) => {
            set("event_user_id", u.to_string());
            set("event_user_is_anonymous", "false".into());
            set("event_user_is_temporary", "false".into());
        }
        None => {
            set("event_user_is_anonymous", "true".into());
            set("event_user_is_temporary", "false".into());
        }
    }
    if let Some(reg) = r.registered {
        set("event_user_registration_timestamp", format_timestamp(reg));
        set("event_user_creation_timestamp", format_timestamp(reg));
    }
    if r.bot {
        set("event_user_is_bot_by_historical", "name".into());
    }
    set("page_id", r.page.to_string());
    set("page_namespace_historical", r.namespace.to_string());
    set("page_namespace", r.namespace.to_string());
    set("revision_id", r.revision.to_string());
    set(
        "revision_parent_id",
        if r.creates_page { "0".into() } else { (r.revision - 1).to_string() },
    );
    set("revision_text_bytes_diff", r.bytes_diff.to_string());
    match r.reverted_after {
        Some(s) => {
            set("revision_is_identity_reverted", "true".into());
            set("revision_seconds_to_identity_revert", s.to_string());
        }
        None => set("revision_is_identity_reverted", "false".into()),
    }
    f.join("\t")
}

//! The check-in as a meeting: what a team says about a key result at a quarter's check-in.
//!
//! A note is kept twice, in one transaction: as a row of `checkin_note` (the history, with the
//! session's author and time, never updated) and as a new item at the end of the model file
//! [`FILE`] (`checkins:`), so the folder export and `throughline check` see it like every other
//! part of the model, and the report's check-in page shows it. The file is re-checked before
//! anything is written: a note that would add an error is refused with the field it concerns.

use model::Keyword;
use serde::{Deserialize, Serialize};

use crate::db::Exec;
use crate::edit::{EditError, FieldError, added_errors};
use crate::{Workspace, WorkspaceError, limits, write_file};

/// The model file check-in notes are written to.
pub const FILE: &str = "checkins.yaml";

/// What the check-in form and `POST /api/v1/checkins` send. Every field may be missing (an
/// empty text): a note without a key result or quarter is refused by
/// [`Workspace::record_checkin`] with errors on those fields, so the form can show them.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct NoteInput {
    /// The key result (an indicator id).
    pub key_result: String,
    /// The quarter, `2026Q3`.
    pub quarter: String,
    /// The story behind the curve.
    pub story: String,
    /// Partners with a role to play.
    pub partners: String,
    /// What works.
    pub what_works: String,
    /// `continue`, `change`, `stop` or empty.
    pub decision: String,
    /// A status word overriding the computed status, or empty.
    pub status: String,
    /// Why the status is overridden.
    pub reason: String,
}

/// A stored note: one row of the history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredNote {
    /// Id, increasing.
    pub id: i64,
    /// The key result.
    pub key_result: String,
    /// The quarter.
    pub quarter: String,
    /// The story behind the curve.
    pub story: Option<String>,
    /// Partners.
    pub partners: Option<String>,
    /// What works.
    pub what_works: Option<String>,
    /// The decision.
    pub decision: Option<String>,
    /// The team's status.
    pub status: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who wrote it (the session's account).
    pub author: String,
    /// When (UTC).
    pub at: String,
    /// The revision of [`FILE`] that carries it.
    pub revision: i64,
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: Some(field.into()), message: message.into(), help: None, rule: None }
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

impl Workspace {
    /// Records a team's note: checks it, appends it to [`FILE`] as a new revision and to the
    /// history, or refuses with the fields that are wrong (nothing written).
    pub fn record_checkin(
        &mut self,
        note: &NoteInput,
        author: &str,
    ) -> Result<StoredNote, EditError> {
        let mut problems = Vec::new();
        let before = self.checked()?;
        let kr = note.key_result.trim();
        if !before.model.indicators.iter().any(|i| i.id.as_str() == kr) {
            problems.push(field_error(
                "key_result",
                format!(
                    "there is no indicator `{}` in the model",
                    kr.chars().take(limits::ID).collect::<String>()
                ),
            ));
        }
        let quarter = model::Quarter::parse(note.quarter.trim());
        if quarter.is_none() {
            problems.push(field_error(
                "quarter",
                "write the quarter as YEAR then Q and 1 to 4, e.g. 2026Q3",
            ));
        }
        for (key, text) in [
            ("story", &note.story),
            ("partners", &note.partners),
            ("what_works", &note.what_works),
            ("reason", &note.reason),
        ] {
            if text.chars().count() > limits::COMMENT {
                problems.push(field_error(
                    key,
                    format!("keep it under {} characters", limits::COMMENT),
                ));
            }
        }
        let decision = opt(&note.decision);
        if let Some(d) = decision
            && model::Decision::from_word(d).is_none()
        {
            problems.push(field_error("decision", "choose continue, change or stop"));
        }
        let status = opt(&note.status);
        if let Some(s) = status
            && model::TeamStatus::from_word(s).is_none()
        {
            problems.push(field_error(
                "status",
                format!("choose one of {}", model::TeamStatus::WORDS.join(", ")),
            ));
        }
        if status.is_some() && opt(&note.reason).is_none() {
            problems.push(field_error(
                "reason",
                "say why the team's status differs from the computed one",
            ));
        }
        let texts = [opt(&note.story), opt(&note.partners), opt(&note.what_works)];
        if texts.iter().all(Option::is_none) && decision.is_none() && status.is_none() {
            problems.push(FieldError {
                field: None,
                message: "write the story, the partners, what works, a decision or a status".into(),
                help: None,
                rule: None,
            });
        }
        if !problems.is_empty() {
            return Err(EditError::Invalid(problems));
        }
        let quarter = quarter.map(|q| q.to_string()).unwrap_or_default();
        let at = measure::now_utc();
        let mut item = format!("  - key_result: {kr}\n    quarter: {quarter}\n");
        for (key, value) in [
            ("story", texts[0]),
            ("partners", texts[1]),
            ("what_works", texts[2]),
            ("decision", decision),
            ("status", status),
            ("reason", opt(&note.reason)),
        ] {
            if let Some(v) = value {
                item.push_str(&format!("    {key}: {}\n", modelfile::write::text(v, false)));
            }
        }
        item.push_str(&format!("    author: {}\n", modelfile::write::text(author, false)));
        item.push_str(&format!("    date: {}\n", at.get(..10).unwrap_or(&at)));
        let files = self.files()?;
        let old = files.iter().find(|f| f.name == FILE).map(|f| f.text.clone());
        let new_text = match &old {
            Some(t) if t.ends_with('\n') || t.is_empty() => format!("{t}{item}"),
            Some(t) => format!("{t}\n{item}"),
            None => format!(
                "# What teams said at check-in meetings, written by the workspace's check-in form.\n\
                 # A later note for the same key result and quarter supersedes an earlier one.\n\
                 checkins:\n{item}"
            ),
        };
        let mut after_files = files;
        match after_files.iter_mut().find(|f| f.name == FILE) {
            Some(f) => f.text = new_text.clone(),
            None => after_files.push(modelfile::SourceFile::in_memory(FILE, new_text.clone())),
        }
        let after = modelfile::check(after_files);
        let new_errors: Vec<FieldError> = added_errors(&before, &after)
            .into_iter()
            .map(|d| FieldError {
                field: None,
                message: d.message.clone(),
                help: d.help.clone(),
                rule: Some(d.rule),
            })
            .collect();
        if !new_errors.is_empty() {
            return Err(EditError::Invalid(new_errors));
        }
        let summary = format!("check-in {quarter} of {kr}");
        let text = |v: Option<&str>| v.map(str::to_string);
        let stored = self.db().transaction(|tx| {
            let revision =
                write_file(tx, FILE, old.as_deref(), Some(&new_text), author, &at, &summary)?;
            let id = tx
                .row(
                    "INSERT INTO checkin_note (key_result, quarter, story, partners, what_works, decision, status, reason, author, at, revision) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        kr.into(),
                        quarter.as_str().into(),
                        texts[0].into(),
                        texts[1].into(),
                        texts[2].into(),
                        decision.into(),
                        status.into(),
                        opt(&note.reason).into(),
                        author.into(),
                        at.as_str().into(),
                        revision.into(),
                    ],
                )?
                .and_then(|r| r[0].int())
                .ok_or_else(|| WorkspaceError::Invalid("the database returned no note id".into()))?;
            Ok(StoredNote {
                id,
                key_result: kr.to_string(),
                quarter: quarter.clone(),
                story: text(texts[0]),
                partners: text(texts[1]),
                what_works: text(texts[2]),
                decision: text(decision),
                status: text(status),
                reason: text(opt(&note.reason)),
                author: author.to_string(),
                at: at.clone(),
                revision,
            })
        })?;
        Ok(stored)
    }

    /// Every note, oldest first, optionally of one key result.
    pub fn checkin_notes(
        &self,
        key_result: Option<&str>,
    ) -> Result<Vec<StoredNote>, WorkspaceError> {
        const COLUMNS: &str = "SELECT id, key_result, quarter, story, partners, what_works, decision, status, reason, author, at, revision FROM checkin_note";
        // Two statements rather than `$1 IS NULL`, whose type PostgreSQL cannot infer.
        let rows = match key_result {
            Some(k) => self
                .db()
                .query(&format!("{COLUMNS} WHERE key_result = $1 ORDER BY id"), &[k.into()])?,
            None => self.db().query(&format!("{COLUMNS} ORDER BY id"), &[])?,
        };
        Ok(rows
            .into_iter()
            .map(|r| StoredNote {
                id: r[0].int().unwrap_or_default(),
                key_result: r[1].text().unwrap_or_default(),
                quarter: r[2].text().unwrap_or_default(),
                story: r[3].text(),
                partners: r[4].text(),
                what_works: r[5].text(),
                decision: r[6].text(),
                status: r[7].text(),
                reason: r[8].text(),
                author: r[9].text().unwrap_or_default(),
                at: r[10].text().unwrap_or_default(),
                revision: r[11].int().unwrap_or_default(),
            })
            .collect())
    }
}

//! Checked edits of model items, written into the file text at the spans the checker reports.
//!
//! An edit replaces the values of existing keys in place and adds missing keys at the end of the
//! item (a new line in block style, `, key: value` in flow style), so every other byte of the
//! file — comments, order, layout — stays as people wrote it. The edited files are checked
//! exactly as `check` would; an edit that adds an error is refused with the messages.

use std::collections::BTreeMap;

use modelfile::Span;
use modelfile::format::{self, Record, Shape};
use serde::Serialize;

use crate::{Revision, Workspace, WorkspaceError, limits, write_file};

pub(crate) use modelfile::write::added_errors;

/// The kinds of item the workspace edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A node or goal.
    Node,
    /// An initiative.
    Initiative,
    /// An indicator.
    Indicator,
    /// A link, identified as `from:to`.
    Link,
}

impl ItemKind {
    /// Parses `node`, `initiative`, `indicator`.
    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "node" | "nodes" | "goal" => Some(ItemKind::Node),
            "initiative" | "initiatives" => Some(ItemKind::Initiative),
            "indicator" | "indicators" => Some(ItemKind::Indicator),
            "link" | "links" => Some(ItemKind::Link),
            _ => None,
        }
    }

    /// The record describing its keys.
    pub fn record(self) -> &'static Record {
        match self {
            ItemKind::Node => &format::NODE,
            ItemKind::Initiative => &format::INITIATIVE,
            ItemKind::Indicator => &format::INDICATOR,
            ItemKind::Link => &format::LINK,
        }
    }

    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Node => "node",
            ItemKind::Initiative => "initiative",
            ItemKind::Indicator => "indicator",
            ItemKind::Link => "link",
        }
    }
}

/// One problem with an edit, attached to the field it concerns when it concerns one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    /// The field, or `None` for the item as a whole.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Why an edit was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// No item with that id.
    #[error("no {kind} has the id `{id}`")]
    NotFound {
        /// Kind.
        kind: &'static str,
        /// Id.
        id: String,
    },
    /// The file changed since the form was loaded.
    #[error(
        "{path} changed since you opened it (your revision {base}, now {current}); reload to see the change, then edit again"
    )]
    Conflict {
        /// The file.
        path: String,
        /// The revision the edit was made against.
        base: i64,
        /// The current revision.
        current: i64,
    },
    /// The edit would make the model invalid, or names fields that cannot be edited.
    #[error("the edit was not saved: {}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The workspace failed.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

/// An item as the edit form shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    /// Kind.
    pub kind: ItemKind,
    /// Id.
    pub id: String,
    /// The file it is written in.
    pub path: String,
    /// The file's revision: send it back with the edit.
    pub revision: i64,
    /// Every key of the record with its current text (empty when absent) and whether it can be
    /// edited here.
    pub fields: Vec<FieldView>,
}

/// One key of an item.
#[derive(Clone, Debug, Serialize)]
pub struct FieldView {
    /// The key.
    pub key: &'static str,
    /// Its current text as written (empty when absent).
    pub value: String,
    /// What it means.
    pub doc: &'static str,
    /// Allowed words, for a choice.
    pub choices: Vec<&'static str>,
    /// Whether the form may change it (scalars other than the id).
    pub editable: bool,
}

/// Where an item is written.
struct Located {
    path: String,
    file_text: String,
    item: Span,
    /// Field spans, `key → value span`.
    fields: Vec<(&'static str, Span)>,
}

fn locate(checked: &modelfile::Checked, kind: ItemKind, id: &str) -> Option<Located> {
    let spans = match kind {
        ItemKind::Node => {
            let ix = checked.model.nodes.iter().position(|n| n.id.as_str() == id)?;
            checked.map.nodes.get(ix)?
        }
        ItemKind::Initiative => {
            let ix = checked.model.initiatives.iter().position(|n| n.id.as_str() == id)?;
            checked.map.initiatives.get(ix)?
        }
        ItemKind::Indicator => {
            let ix = checked.model.indicators.iter().position(|n| n.id.as_str() == id)?;
            checked.map.indicators.get(ix)?
        }
        ItemKind::Link => {
            let (from, to) = id.split_once(':')?;
            let ix = checked
                .model
                .links
                .iter()
                .position(|l| l.from.as_str() == from && l.to.as_str() == to)?;
            checked.map.links.get(ix)?
        }
    };
    let file = checked.map.file(spans.item);
    Some(Located {
        path: file.name.clone(),
        file_text: file.text.clone(),
        item: spans.item,
        fields: spans.fields.clone(),
    })
}

fn scalar(shape: &Shape) -> bool {
    // Exhaustive on purpose: a new shape in the format must be placed here, or forms would
    // silently stop offering (or wrongly offer) its keys.
    match shape {
        Shape::Text
        | Shape::LongText
        | Shape::Url
        | Shape::Id
        | Shape::Code
        | Shape::Number
        | Shape::NonNegative
        | Shape::Probability
        | Shape::Bool
        | Shape::Integer
        | Shape::Date
        | Shape::Year
        | Shape::Distribution
        | Shape::Tracker
        | Shape::Enum(_) => true,
        Shape::List(_)
        | Shape::Record(_)
        | Shape::Params
        | Shape::NumberMap(_)
        | Shape::OneOf(_) => false,
    }
}

use modelfile::write::scalar as yaml_value;

/// Byte offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset of the end of the line holding `offset` (before its newline).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

impl Workspace {
    /// The item as the edit form shows it.
    pub fn item(&self, kind: ItemKind, id: &str) -> Result<ItemView, EditError> {
        let checked = self.checked()?;
        let loc = locate(&checked, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        let revision = self.file_revision(&loc.path)?;
        let fields = kind
            .record()
            .fields
            .iter()
            .map(|f| {
                let value = loc
                    .fields
                    .iter()
                    .find(|(k, _)| *k == f.key)
                    .map(|(_, s)| {
                        loc.file_text[s.start.offset as usize..s.end.offset as usize].to_string()
                    })
                    .unwrap_or_default();
                FieldView {
                    key: f.key,
                    value,
                    doc: f.doc,
                    choices: match f.shape {
                        Shape::Enum(w) => w.to_vec(),
                        _ => Vec::new(),
                    },
                    editable: !matches!(f.key, "id" | "from" | "to") && scalar(&f.shape),
                }
            })
            .collect();
        Ok(ItemView { kind, id: id.into(), path: loc.path, revision, fields })
    }

    /// Applies `changes` (key → value as typed; an empty value removes an optional key) to an
    /// item, if its file is still at `base_revision` and the result checks without new errors.
    pub fn edit(
        &mut self,
        kind: ItemKind,
        id: &str,
        changes: &BTreeMap<String, String>,
        base_revision: i64,
        author: &str,
    ) -> Result<Revision, EditError> {
        let before = self.checked()?;
        let loc = locate(&before, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        let current = self.file_revision(&loc.path)?;
        if current != base_revision {
            return Err(EditError::Conflict { path: loc.path, base: base_revision, current });
        }
        let record = kind.record();
        let mut problems = Vec::new();
        // (start, end, replacement, field)
        let mut splices: Vec<(usize, usize, String, String)> = Vec::new();
        let text = &loc.file_text;
        let head = loc.item.start.offset as usize;
        let flow = text[line_start(text, head)..head].contains('{');
        // The end of the item's last value, before any line break a block value ends with.
        let last_end = {
            let e = loc.fields.iter().map(|(_, s)| s.end.offset as usize).max().unwrap_or(head);
            text[..e].trim_end_matches(['\n', '\r', ' ']).len().max(head)
        };
        for (key, input) in changes {
            if input.chars().count() > limits::VALUE {
                problems.push(FieldError {
                    field: Some(key.chars().take(limits::ID).collect()),
                    message: format!("the value is too long: at most {} characters", limits::VALUE),
                    help: None,
                });
                continue;
            }
            let Some(field) = record.field(key) else {
                problems.push(FieldError {
                    field: Some(key.clone()),
                    message: format!("a {} has no key `{key}`", kind.name()),
                    help: None,
                });
                continue;
            };
            if matches!(key.as_str(), "id" | "from" | "to") || !scalar(&field.shape) {
                problems.push(FieldError {
                    field: Some(key.clone()),
                    message: format!("`{key}` cannot be changed here"),
                    help: Some("edit it in the model files".into()),
                });
                continue;
            }
            let existing = loc.fields.iter().find(|(k, _)| *k == field.key).map(|(_, s)| *s);
            if input.trim().is_empty() {
                match existing {
                    Some(_) if field.required => problems.push(FieldError {
                        field: Some(key.clone()),
                        message: format!("`{key}` is required"),
                        help: None,
                    }),
                    Some(s) if !flow && s.start.line == s.end.line => {
                        // Remove the whole `key: value` line.
                        let start = line_start(text, s.start.offset as usize);
                        let end = (line_end(text, s.end.offset as usize) + 1).min(text.len());
                        if start <= head {
                            problems.push(FieldError {
                                field: Some(key.clone()),
                                message: format!("`{key}` starts the item and cannot be removed"),
                                help: None,
                            });
                        } else {
                            splices.push((start, end, String::new(), key.clone()));
                        }
                    }
                    Some(_) => problems.push(FieldError {
                        field: Some(key.clone()),
                        message: format!("`{key}` cannot be removed here"),
                        help: Some("edit it in the model files".into()),
                    }),
                    None => {}
                }
                continue;
            }
            let value = match yaml_value(&field.shape, input) {
                Ok(v) => v,
                Err(message) => {
                    problems.push(FieldError { field: Some(key.clone()), message, help: None });
                    continue;
                }
            };
            match existing {
                Some(s) => splices.push((
                    s.start.offset as usize,
                    s.end.offset as usize,
                    value,
                    key.clone(),
                )),
                None if flow => {
                    splices.push((
                        last_end,
                        last_end,
                        format!(", {}: {value}", field.key),
                        key.clone(),
                    ));
                }
                None => {
                    let at = line_end(text, last_end);
                    let indent = " ".repeat(loc.item.start.column.saturating_sub(1) as usize);
                    splices.push((
                        at,
                        at,
                        format!("\n{indent}{}: {value}", field.key),
                        key.clone(),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(EditError::Invalid(problems));
        }
        if splices.is_empty() {
            return Err(EditError::Invalid(vec![FieldError {
                field: None,
                message: "nothing to change".into(),
                help: None,
            }]));
        }
        // Apply from the end so earlier offsets stay valid, and remember where each value lands
        // in the new text: a diagnostic inside that range is about that key.
        splices.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let mut new_text = text.clone();
        for (start, end, replacement, _) in &splices {
            new_text.replace_range(*start..*end, replacement);
        }
        let mut landed: Vec<(usize, usize, &str)> = Vec::new();
        let mut shift: isize = 0;
        for (start, end, replacement, key) in splices.iter().rev() {
            let at = (*start as isize + shift) as usize;
            landed.push((at, at + replacement.len(), key.as_str()));
            shift += replacement.len() as isize - (*end as isize - *start as isize);
        }
        let mut files = self.files()?;
        for f in &mut files {
            if f.name == loc.path {
                f.text = new_text.clone();
            }
        }
        let after = modelfile::check(files);
        let new_errors: Vec<FieldError> = added_errors(&before, &after)
            .into_iter()
            .map(|d| FieldError {
                field: d
                    .span
                    .filter(|s| after.map.file(*s).name == loc.path)
                    .and_then(|s| {
                        let at = s.start.offset as usize;
                        landed.iter().find(|(from, to, _)| (*from..=*to).contains(&at))
                    })
                    .map(|(_, _, key)| key.to_string()),
                message: d.message.clone(),
                help: d.help.clone(),
            })
            .collect();
        if !new_errors.is_empty() {
            return Err(EditError::Invalid(new_errors));
        }
        let keys: Vec<&str> = changes.keys().map(String::as_str).collect();
        let summary = format!("edited {} {id}: {}", kind.name(), keys.join(", "));
        let at = measure::now_utc();
        let rev = self.db().transaction(|tx| {
            write_file(tx, &loc.path, Some(text), Some(&new_text), author, &at, &summary)
        })?;
        Ok(Revision { id: rev, path: loc.path, author: author.into(), at, summary })
    }
}

//! Checked edits of model items, written into the file text at the spans the checker reports.
//!
//! An edit replaces the values of existing keys in place and adds missing keys at the end of the
//! item (a new line in block style, `, key: value` in flow style), so every other byte of the
//! file — comments, order, layout — stays as people wrote it. The edited files are checked
//! exactly as `check` would; an edit that adds an error is refused with the messages.
//!
//! Conflicts are per item: a form carries the item's [`ItemView::digest`] (a hash of its text),
//! and a save goes ahead whenever the item's text is still the same, whatever else changed in
//! its file. When the item itself changed, the edit is refused ([`EditError::ItemChanged`]) and
//! the server shows the merge view.

use std::collections::BTreeMap;

use modelfile::Span;
use modelfile::format::{self, Record, Shape};
use modelfile::sourcemap::ItemSpans;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    /// A program.
    Program,
    /// A team.
    Team,
    /// An audience.
    Audience,
}

impl ItemKind {
    /// Parses a kind's name or its section's (`node`, `nodes`, `goal`, `program`, `teams`…).
    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "node" | "nodes" | "goal" => Some(ItemKind::Node),
            "initiative" | "initiatives" => Some(ItemKind::Initiative),
            "indicator" | "indicators" => Some(ItemKind::Indicator),
            "link" | "links" => Some(ItemKind::Link),
            "program" | "programs" => Some(ItemKind::Program),
            "team" | "teams" => Some(ItemKind::Team),
            "audience" | "audiences" => Some(ItemKind::Audience),
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
            ItemKind::Program => &format::PROGRAM,
            ItemKind::Team => &format::TEAM,
            ItemKind::Audience => &format::AUDIENCE,
        }
    }

    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Node => "node",
            ItemKind::Initiative => "initiative",
            ItemKind::Indicator => "indicator",
            ItemKind::Link => "link",
            ItemKind::Program => "program",
            ItemKind::Team => "team",
            ItemKind::Audience => "audience",
        }
    }

    /// Every kind, in the order the workspace offers them.
    pub const ALL: [ItemKind; 7] = [
        ItemKind::Program,
        ItemKind::Node,
        ItemKind::Link,
        ItemKind::Initiative,
        ItemKind::Indicator,
        ItemKind::Team,
        ItemKind::Audience,
    ];

    /// The model's section (and the spreadsheet's table) that holds items of this kind.
    pub fn section(self) -> &'static str {
        match self {
            ItemKind::Node => "nodes",
            ItemKind::Initiative => "initiatives",
            ItemKind::Indicator => "indicators",
            ItemKind::Link => "links",
            ItemKind::Program => "programs",
            ItemKind::Team => "teams",
            ItemKind::Audience => "audiences",
        }
    }
}

/// What an edit was made against, to tell a conflict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// The item's text as it was ([`ItemView::digest`]): the edit goes ahead while the item is
    /// unchanged, whatever else changed in its file. What forms send.
    Item(String),
    /// The file's revision ([`ItemView::revision`]): any change to the file since is a
    /// conflict.
    Revision(i64),
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
    /// The checker's rule that found it, when the model checker did: pages show its summary and
    /// fix in the reader's language. Not in the JSON API, which keeps the checker's English.
    #[serde(skip)]
    pub rule: Option<&'static modelfile::rules::Rule>,
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
    /// The item changed since the form was loaded (its digest differs): the merge view shows
    /// the original, yours and theirs.
    #[error("{kind} `{id}` was changed by someone else since you opened it")]
    ItemChanged {
        /// Kind.
        kind: &'static str,
        /// Id.
        id: String,
    },
    /// Something refers to the item to delete; nothing was deleted.
    #[error("{kind} `{id}` is referred to in {} places; remove those references first, or delete it with its references", .referrers.len())]
    Referenced {
        /// Kind.
        kind: &'static str,
        /// Id.
        id: String,
        /// What refers to it.
        referrers: Vec<crate::structure::Referrer>,
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
    /// The file's revision ([`Base::Revision`]).
    pub revision: i64,
    /// A hash of the item's text ([`Base::Item`]): send it back with the edit, so that only a
    /// change to this item is a conflict.
    pub digest: String,
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
    /// Whether the form may change it (scalars other than the id, and lists of scalars).
    pub editable: bool,
    /// Whether it is a list: `value` then holds its entries as a form shows them, separated by
    /// `; ` (ids, numbers) or one per line (text), the way [`modelfile::write::cell`] reads them.
    pub list: bool,
}

/// Where an item is written.
pub(crate) struct Located {
    pub(crate) path: String,
    pub(crate) file_text: String,
    pub(crate) item: Span,
    /// Field spans, `key → value span`.
    pub(crate) fields: Vec<(&'static str, Span)>,
    /// All its spans.
    pub(crate) spans: ItemSpans,
}

impl Located {
    /// The hash of the item's text ([`ItemView::digest`]).
    pub(crate) fn digest(&self) -> String {
        let (start, end) = item_extent(&self.file_text, &self.spans);
        Sha256::digest(&self.file_text.as_bytes()[start..end])
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The item's text: from its first key to the end of its last value (trailing line breaks
/// left out).
pub(crate) fn item_extent(text: &str, s: &ItemSpans) -> (usize, usize) {
    let head = s.item.start.offset as usize;
    let last = s
        .fields
        .iter()
        .map(|(_, v)| v.end.offset as usize)
        .max()
        .unwrap_or(0)
        .max(s.item.end.offset as usize)
        .min(text.len());
    (head, text[..last].trim_end_matches(['\n', '\r', ' ']).len().max(head))
}

pub(crate) fn locate(checked: &modelfile::Checked, kind: ItemKind, id: &str) -> Option<Located> {
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
        ItemKind::Program => {
            let ix = checked.model.programs.iter().position(|n| n.id.as_str() == id)?;
            checked.map.programs.get(ix)?
        }
        ItemKind::Team => {
            let ix = checked.model.teams.iter().position(|n| n.id.as_str() == id)?;
            checked.map.teams.get(ix)?
        }
        ItemKind::Audience => {
            let ix = checked.model.audiences.iter().position(|n| n.id.as_str() == id)?;
            checked.map.audiences.get(ix)?
        }
    };
    let file = checked.map.file(spans.item);
    Some(Located {
        path: file.name.clone(),
        file_text: file.text.clone(),
        item: spans.item,
        fields: spans.fields.clone(),
        spans: spans.clone(),
    })
}

/// Whether a form can edit a list of this shape: its entries are scalars (ids, numbers, text),
/// or text among other forms of entry (a link's assumptions), then only while every entry
/// written is plain text.
fn scalar_list(shape: &Shape) -> bool {
    match shape {
        Shape::List(Shape::OneOf(options)) => {
            options.iter().any(|o| matches!(o, Shape::LongText | Shape::Text))
        }
        Shape::List(inner) => scalar(inner),
        _ => false,
    }
}

/// The entries of the list at `span`, as text, if every entry is a scalar.
fn list_entries(checked: &modelfile::Checked, span: Span) -> Option<Vec<String>> {
    use modelfile::yaml::{Node, Value};
    let file = checked.map.file(span);
    let mut out = Vec::new();
    let root = modelfile::yaml::parse(span.file, &file.text, &mut out)?;
    fn find(n: &Node, at: u32) -> Option<&Node> {
        if n.span.start.offset == at && matches!(n.value, Value::Seq(_) | Value::Null) {
            return Some(n);
        }
        match &n.value {
            Value::Seq(items) => items.iter().find_map(|i| find(i, at)),
            Value::Map(entries) => entries.iter().find_map(|(_, v)| find(v, at)),
            _ => None,
        }
    }
    let node = find(&root, span.start.offset)?;
    let Value::Seq(items) = &node.value else { return Some(Vec::new()) };
    items
        .iter()
        .map(|i| match &i.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(v) => Some(v.to_string()),
            Value::Float(v) => Some(v.to_string()),
            Value::Bool(v) => Some(v.to_string()),
            _ => None,
        })
        .collect()
}

/// Whether a list of this shape is written one entry per line in a form (text) or on one line
/// separated by `;` (ids, numbers), as [`modelfile::write::cell`] reads it.
fn by_lines(shape: &Shape) -> bool {
    matches!(shape, Shape::List(Shape::Text | Shape::LongText | Shape::OneOf(_)))
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
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset of the end of the line holding `offset` (before its newline).
pub(crate) fn line_end(text: &str, offset: usize) -> usize {
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
                let span = loc.fields.iter().find(|(k, _)| *k == f.key).map(|(_, s)| *s);
                let raw = span
                    .map(|s| {
                        loc.file_text[s.start.offset as usize..s.end.offset as usize].to_string()
                    })
                    .unwrap_or_default();
                let list = scalar_list(&f.shape);
                let (value, editable) = if list {
                    match span.map(|s| list_entries(&checked, s)) {
                        None => (String::new(), true),
                        Some(Some(entries)) => {
                            (entries.join(if by_lines(&f.shape) { "\n" } else { "; " }), true)
                        }
                        // Entries that are records: shown as written, edited in the files.
                        Some(None) => (raw, false),
                    }
                } else {
                    (raw, !matches!(f.key, "id" | "from" | "to") && scalar(&f.shape))
                };
                FieldView {
                    key: f.key,
                    value,
                    doc: f.doc,
                    choices: match f.shape {
                        Shape::Enum(w) => w.to_vec(),
                        _ => Vec::new(),
                    },
                    editable,
                    list,
                }
            })
            .collect();
        let digest = loc.digest();
        Ok(ItemView { kind, id: id.into(), path: loc.path, revision, digest, fields })
    }

    /// `Err` when the item changed since `base` (its text for [`Base::Item`], its file for
    /// [`Base::Revision`]).
    pub(crate) fn check_base(
        &self,
        loc: &Located,
        kind: ItemKind,
        id: &str,
        base: &Base,
    ) -> Result<(), EditError> {
        match base {
            Base::Item(digest) if *digest == loc.digest() => Ok(()),
            Base::Item(_) => Err(EditError::ItemChanged { kind: kind.name(), id: id.into() }),
            Base::Revision(r) => {
                let current = self.file_revision(&loc.path)?;
                if current == *r {
                    Ok(())
                } else {
                    Err(EditError::Conflict { path: loc.path.clone(), base: *r, current })
                }
            }
        }
    }

    /// Applies `changes` (key → value as typed; an empty value removes an optional key; a
    /// list as its entries separated by `;`, or one per line for text) to an item, if it has
    /// not changed since `base` and the result checks without new errors.
    pub fn edit(
        &mut self,
        kind: ItemKind,
        id: &str,
        changes: &BTreeMap<String, String>,
        base: &Base,
        author: &str,
    ) -> Result<Edited, EditError> {
        let before = self.checked()?;
        let loc = locate(&before, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        self.check_base(&loc, kind, id, base)?;
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
                    rule: None,
                });
                continue;
            }
            let Some(field) = record.field(key) else {
                problems.push(FieldError {
                    field: Some(key.clone()),
                    message: format!("a {} has no key `{key}`", kind.name()),
                    help: None,
                    rule: None,
                });
                continue;
            };
            let list = scalar_list(&field.shape);
            if matches!(key.as_str(), "id" | "from" | "to") || !(scalar(&field.shape) || list) {
                problems.push(FieldError {
                    field: Some(key.clone()),
                    message: format!("`{key}` cannot be changed here"),
                    help: Some("edit it in the model files".into()),
                    rule: None,
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
                        rule: None,
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
                                rule: None,
                            });
                        } else {
                            splices.push((start, end, String::new(), key.clone()));
                        }
                    }
                    Some(_) => problems.push(FieldError {
                        field: Some(key.clone()),
                        message: format!("`{key}` cannot be removed here"),
                        help: Some("edit it in the model files".into()),
                        rule: None,
                    }),
                    None => {}
                }
                continue;
            }
            let written = if list {
                modelfile::write::cell(&field.shape, input)
            } else {
                yaml_value(&field.shape, input)
            };
            let value = match written {
                Ok(v) => v,
                Err(message) => {
                    problems.push(FieldError {
                        field: Some(key.clone()),
                        message,
                        help: None,
                        rule: None,
                    });
                    continue;
                }
            };
            match existing {
                Some(s) if list => {
                    // A block list starts on the line after its key: the flow list replaces it
                    // from just after the colon.
                    let start = s.start.offset as usize;
                    let key_end = text[..start].trim_end();
                    let start = if key_end.ends_with(':') { key_end.len() } else { start };
                    let end = text[..s.end.offset as usize]
                        .trim_end_matches(['\n', '\r', ' '])
                        .len()
                        .max(start);
                    let lead = if start < s.start.offset as usize { " " } else { "" };
                    splices.push((start, end, format!("{lead}{value}"), key.clone()));
                }
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
                rule: None,
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
                rule: Some(d.rule),
            })
            .collect();
        if !new_errors.is_empty() {
            return Err(EditError::Invalid(new_errors));
        }
        let keys: Vec<&str> = changes.keys().map(String::as_str).collect();
        let summary = format!("edited {} {id}: {}", kind.name(), keys.join(", "));
        let at = measure::now_utc();
        let rev = self.db().transaction(|tx| {
            // The text read above is what is replaced: a change in between is a conflict.
            let now = tx
                .row("SELECT text FROM file WHERE path = $1", &[loc.path.as_str().into()])?
                .and_then(|r| r[0].text());
            if now.as_deref() != Some(text.as_str()) {
                return Err(WorkspaceError::Invalid(format!(
                    "{} changed while this edit was being saved; try again",
                    loc.path
                )));
            }
            write_file(tx, &loc.path, Some(text), Some(&new_text), author, &at, &summary)
        })?;
        let node = match kind {
            ItemKind::Node => after.model.nodes.into_iter().find(|n| n.id.as_str() == id),
            _ => None,
        };
        Ok(Edited {
            revision: Revision { id: rev, path: loc.path, author: author.into(), at, summary },
            node,
        })
    }
}

/// A saved edit: its revision and, for a step, the step as the checked model has it after
/// the edit, so the caller knows which page shows it (a goal's own page, or its program's
/// diagram) without checking the model again.
#[derive(Clone, Debug)]
pub struct Edited {
    /// The new revision of the item's file.
    pub revision: Revision,
    /// The edited node, when the item is one.
    pub node: Option<model::Node>,
}

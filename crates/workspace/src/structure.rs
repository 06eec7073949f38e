//! Changes to the model's structure: delete an item (refused with a report of what refers to it,
//! or with those references removed on request) and rename an id with every reference updated.
//!
//! Like [`crate::edit`], every change is a splice of the file texts at the spans the checker
//! reports, so comments and layout are kept; the result is checked exactly as `throughline
//! check` would, and nothing is written when it adds an error. New items come in through
//! `sheets::import` (one row per item), the way the spreadsheet import adds them.

use std::collections::BTreeMap;

use modelfile::Span;
use modelfile::sourcemap::ItemSpans;
use serde::Serialize;

use crate::db::Exec;
use crate::edit::{
    Base, EditError, FieldError, ItemKind, item_extent, line_end, line_start, locate,
};
use crate::{Revision, Workspace, WorkspaceError, write_file};

/// What the workspace keeps under an item's id outside the model files, as `UPDATE`s from the
/// old id (`$2`) to the new (`$1`): a rename moves it in the same transaction as the files, so
/// an indicator's check-in notes and an item's comments stay with it.
fn stored_under_id(kind: ItemKind) -> &'static [&'static str] {
    const NOTES: &str = "UPDATE checkin_note SET key_result = $1 WHERE key_result = $2";
    const COMMENTS: &str = "UPDATE comment SET target = $1 WHERE target = $2";
    const ROUNDS: &str = "UPDATE round SET scope = $1 WHERE scope = $2";
    match kind {
        ItemKind::Indicator => &[NOTES],
        ItemKind::Node | ItemKind::Initiative => &[COMMENTS],
        ItemKind::Program => &[COMMENTS, ROUNDS],
        ItemKind::Link | ItemKind::Team | ItemKind::Audience => &[],
    }
}

/// Something that refers to an item by its id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Referrer {
    /// The file.
    pub path: String,
    /// Line (1-based).
    pub line: u32,
    /// Column (1-based).
    pub column: u32,
    /// The key the id is written under (`to`, `audiences`, `measures`…).
    pub field: &'static str,
    /// The item holding the reference, as `kind id` (`link a:b`, `initiative x`), when known.
    pub holder: Option<(ItemKind, String)>,
    /// Whether [`Workspace::delete`] can remove the reference: an entry of a list, or a link
    /// from or to the item (the link goes too). A required key of another item (an indicator's
    /// `measures`, an initiative's `team`) cannot be removed; that item must change first.
    pub removable: bool,
}

/// A splice: replace `start..end` of a file's text with `with`.
#[derive(Clone, Debug)]
struct Splice {
    start: usize,
    end: usize,
    with: String,
}

/// Every item of the model with its kind, id and spans: to name the holder of a reference.
fn items(checked: &modelfile::Checked) -> Vec<(ItemKind, String, &ItemSpans)> {
    let m = &checked.model;
    let map = &checked.map;
    let mut out: Vec<(ItemKind, String, &ItemSpans)> = Vec::new();
    out.extend(
        m.programs.iter().zip(&map.programs).map(|(x, s)| (ItemKind::Program, x.id.to_string(), s)),
    );
    out.extend(m.nodes.iter().zip(&map.nodes).map(|(x, s)| (ItemKind::Node, x.id.to_string(), s)));
    out.extend(
        m.links
            .iter()
            .zip(&map.links)
            .map(|(x, s)| (ItemKind::Link, format!("{}:{}", x.from, x.to), s)),
    );
    out.extend(
        m.initiatives
            .iter()
            .zip(&map.initiatives)
            .map(|(x, s)| (ItemKind::Initiative, x.id.to_string(), s)),
    );
    out.extend(
        m.indicators
            .iter()
            .zip(&map.indicators)
            .map(|(x, s)| (ItemKind::Indicator, x.id.to_string(), s)),
    );
    out.extend(m.teams.iter().zip(&map.teams).map(|(x, s)| (ItemKind::Team, x.id.to_string(), s)));
    out.extend(
        m.audiences
            .iter()
            .zip(&map.audiences)
            .map(|(x, s)| (ItemKind::Audience, x.id.to_string(), s)),
    );
    out
}

/// The innermost item whose text holds `span`.
fn holder(checked: &modelfile::Checked, span: Span) -> Option<(ItemKind, String)> {
    items(checked)
        .into_iter()
        .filter(|(_, _, s)| s.item.file == span.file)
        .filter(|(_, _, s)| {
            let text = &checked.map.file(s.item).text;
            let (start, end) = item_extent(text, s);
            (start..=end).contains(&(span.start.offset as usize))
        })
        .max_by_key(|(_, _, s)| s.item.start.offset)
        .map(|(k, id, _)| (k, id))
}

/// Everything that refers to `id`, in file order.
fn referrers(checked: &modelfile::Checked, kind: ItemKind, id: &str) -> Vec<Referrer> {
    if kind == ItemKind::Link {
        return Vec::new();
    }
    checked
        .map
        .references
        .iter()
        .filter(|r| r.id.as_str() == id)
        .map(|r| {
            let file = checked.map.file(r.span);
            let holder = holder(checked, r.span);
            let link_end =
                matches!(&holder, Some((ItemKind::Link, _))) && matches!(r.field, "from" | "to");
            let removable = link_end || list_entry(&file.text, r.span).is_some();
            Referrer {
                path: file.name.clone(),
                line: r.span.start.line,
                column: r.span.start.column,
                field: r.field,
                holder,
                removable,
            }
        })
        .collect()
}

/// The bytes to remove to delete a whole item: its lines, from the `-` that starts it to the end
/// of the line of its last value (and that line's break). `None` when the item is not an entry
/// of a list written one item per line (`- key: …` block style or `- { … }` flow style), which
/// the workspace does not take apart.
pub(crate) fn item_lines(text: &str, spans: &ItemSpans) -> Option<(usize, usize)> {
    let head = spans.item.start.offset as usize;
    let ls = line_start(text, head);
    let lead = text[ls..head].trim_start();
    let flow = match lead.strip_prefix('-')?.trim() {
        "" => false,
        "{" => true,
        _ => return None,
    };
    let (_, end) = item_extent(text, spans);
    let le = line_end(text, end);
    let rest = text[end..le].trim();
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r.trim());
    let closed = if flow { rest == "}" } else { rest.is_empty() };
    if !closed {
        return None;
    }
    Some((ls, (le + 1).min(text.len())))
}

/// The bytes to remove to take the value at `span` out of the list it is an entry of: a flow
/// list's `[a, b]` entry with its comma, or a block list's `- a` line. `None` when it is not
/// one.
fn list_entry(text: &str, span: Span) -> Option<(usize, usize)> {
    let (start, end) = (span.start.offset as usize, span.end.offset as usize);
    let before = text[..start].trim_end();
    let after = text[end..].trim_start();
    let prev = before.chars().last()?;
    let next = after.chars().next();
    if matches!(prev, '[' | ',') && matches!(next, Some(',' | ']')) {
        return Some(if next == Some(',') {
            // `a, ` → `` (up to the next entry).
            let comma = end + text[end..].find(',')?;
            let next_start =
                comma + 1 + (text[comma + 1..].len() - text[comma + 1..].trim_start().len());
            (start, next_start)
        } else if prev == ',' {
            // `, b` at the end.
            (before.len() - 1, end)
        } else {
            // The only entry: `[a]` → `[]`.
            (start, end)
        });
    }
    let ls = line_start(text, start);
    let le = line_end(text, end);
    let rest = text[end..le].trim();
    if text[ls..start].trim() == "-" && (rest.is_empty() || rest.starts_with('#')) {
        return Some((ls, (le + 1).min(text.len())));
    }
    None
}

/// Applies splices to the files they name; overlapping ranges are merged (a reference inside a
/// removed link goes with it).
fn apply(
    files: &mut [modelfile::SourceFile],
    splices: BTreeMap<String, Vec<Splice>>,
) -> Vec<(String, String, String)> {
    let mut changed = Vec::new();
    for (path, mut list) in splices {
        let Some(f) = files.iter_mut().find(|f| f.name == path) else { continue };
        list.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut merged: Vec<Splice> = Vec::new();
        for s in list {
            match merged.last_mut() {
                Some(last) if s.start < last.end => {
                    last.end = last.end.max(s.end);
                }
                _ => merged.push(s),
            }
        }
        let old = f.text.clone();
        for s in merged.iter().rev() {
            f.text.replace_range(s.start..s.end, &s.with);
        }
        changed.push((path, old, f.text.clone()));
    }
    changed
}

impl Workspace {
    /// What refers to an item, for the page that asks before deleting it.
    pub fn referrers(&self, kind: ItemKind, id: &str) -> Result<Vec<Referrer>, EditError> {
        let checked = self.checked()?;
        locate(&checked, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        Ok(referrers(&checked, kind, id))
    }

    /// Deletes an item. When something refers to it, the deletion is refused with the list
    /// ([`EditError::Referenced`]) unless `remove_references`, when list entries naming it are
    /// removed and links from or to it are deleted too (a reference that cannot be removed, such
    /// as an indicator's `measures`, still refuses). Checked like an edit; one revision per
    /// changed file, in one transaction.
    pub fn delete(
        &mut self,
        kind: ItemKind,
        id: &str,
        base: &Base,
        remove_references: bool,
        author: &str,
    ) -> Result<Vec<Revision>, EditError> {
        let before = self.checked()?;
        let loc = locate(&before, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        self.check_base(&loc, kind, id, base)?;
        let refs = referrers(&before, kind, id);
        if !refs.is_empty() && (!remove_references || refs.iter().any(|r| !r.removable)) {
            return Err(EditError::Referenced {
                kind: kind.name(),
                id: id.into(),
                referrers: refs,
            });
        }
        let whole = item_lines(&loc.file_text, &loc.spans).ok_or_else(|| {
            EditError::Invalid(vec![FieldError {
                field: None,
                message: format!(
                    "{} `{id}` is not written as an entry of a list in {}, so it cannot be deleted here",
                    kind.name(),
                    loc.path
                ),
                help: Some("delete it in the model files".into()),
                rule: None,
            }])
        })?;
        let mut splices: BTreeMap<String, Vec<Splice>> = BTreeMap::new();
        splices.entry(loc.path.clone()).or_default().push(Splice {
            start: whole.0,
            end: whole.1,
            with: String::new(),
        });
        if kind != ItemKind::Link {
            for (l, s) in before.model.links.iter().zip(&before.map.links) {
                if l.from.as_str() == id || l.to.as_str() == id {
                    let file = before.map.file(s.item);
                    let (a, b) = item_lines(&file.text, s).ok_or_else(|| {
                        EditError::Invalid(vec![FieldError {
                            field: None,
                            message: format!("the link {} → {} in {} is not written as an entry of a list, so it cannot be removed here", l.from, l.to, file.name),
                            help: Some("delete it in the model files".into()),
                            rule: None,
                        }])
                    })?;
                    splices.entry(file.name.clone()).or_default().push(Splice {
                        start: a,
                        end: b,
                        with: String::new(),
                    });
                }
            }
            for r in before.map.references.iter().filter(|r| r.id.as_str() == id) {
                let file = before.map.file(r.span);
                if let Some((a, b)) = list_entry(&file.text, r.span) {
                    splices.entry(file.name.clone()).or_default().push(Splice {
                        start: a,
                        end: b,
                        with: String::new(),
                    });
                }
            }
        }
        let summary = format!("deleted {} {id}", kind.name());
        self.write_splices(&before, splices, author, &summary, |_| Ok(()))
    }

    /// Renames an item's id, and every reference to it, in every file.
    pub fn rename(
        &mut self,
        kind: ItemKind,
        id: &str,
        new_id: &str,
        base: &Base,
        author: &str,
    ) -> Result<Vec<Revision>, EditError> {
        let before = self.checked()?;
        let loc = locate(&before, kind, id)
            .ok_or_else(|| EditError::NotFound { kind: kind.name(), id: id.into() })?;
        self.check_base(&loc, kind, id, base)?;
        let bad = |message: String| {
            EditError::Invalid(vec![FieldError {
                field: Some("id".into()),
                message,
                help: None,
                rule: None,
            }])
        };
        if kind == ItemKind::Link {
            return Err(bad(
                "a link has no id of its own; change its `from` or `to` instead".into()
            ));
        }
        let new_id = new_id.trim();
        let written = modelfile::write::cell(&modelfile::format::Shape::Id, new_id).map_err(bad)?;
        if new_id == id {
            return Err(bad("the new id is the same as the old one".into()));
        }
        if before.map.definitions.iter().any(|d| d.id.as_str() == new_id) {
            return Err(bad(format!("`{new_id}` is already the id of something else")));
        }
        let mut splices: BTreeMap<String, Vec<Splice>> = BTreeMap::new();
        let spans =
            before.map.definitions.iter().filter(|d| d.id.as_str() == id).map(|d| d.span).chain(
                before.map.references.iter().filter(|r| r.id.as_str() == id).map(|r| r.span),
            );
        for s in spans {
            let file = before.map.file(s);
            splices.entry(file.name.clone()).or_default().push(Splice {
                start: s.start.offset as usize,
                end: s.end.offset as usize,
                with: written.clone(),
            });
        }
        let summary = format!("renamed {} {id} to {new_id}", kind.name());
        self.write_splices(&before, splices, author, &summary, |tx| {
            for sql in stored_under_id(kind) {
                tx.exec(sql, &[new_id.into(), id.into()])?;
            }
            Ok(())
        })
    }

    /// Applies splices, re-checks the model and writes the changed files (one revision each, in
    /// one transaction, each refused if its file changed in between); `also` runs in the same
    /// transaction, after the files.
    fn write_splices(
        &mut self,
        before: &modelfile::Checked,
        splices: BTreeMap<String, Vec<Splice>>,
        author: &str,
        summary: &str,
        also: impl FnOnce(&mut dyn Exec) -> Result<(), WorkspaceError>,
    ) -> Result<Vec<Revision>, EditError> {
        let mut files = self.files()?;
        let changed = apply(&mut files, splices);
        let after = modelfile::check(files);
        let added: Vec<FieldError> = crate::edit::added_errors(before, &after)
            .into_iter()
            .map(|d| {
                let at = d.span.map(|s| {
                    let f = after.map.file(s);
                    format!(" ({}:{}:{})", f.name, s.start.line, s.start.column)
                });
                FieldError {
                    field: None,
                    message: format!("{}{}", d.message, at.unwrap_or_default()),
                    help: d.help.clone(),
                    rule: Some(d.rule),
                }
            })
            .collect();
        if !added.is_empty() {
            return Err(EditError::Invalid(added));
        }
        let at = measure::now_utc();
        let ids = self.db().transaction(|tx| {
            let mut ids = Vec::new();
            for (path, old, new) in &changed {
                let now = tx
                    .row("SELECT text FROM file WHERE path = $1", &[path.as_str().into()])?
                    .and_then(|r| r[0].text());
                if now.as_deref() != Some(old.as_str()) {
                    return Err(WorkspaceError::Invalid(format!(
                        "{path} changed while this change was being saved; try again"
                    )));
                }
                ids.push((
                    path.clone(),
                    write_file(tx, path, Some(old), Some(new), author, &at, summary)?,
                ));
            }
            also(tx)?;
            Ok(ids)
        })?;
        Ok(ids
            .into_iter()
            .map(|(path, id)| Revision {
                id,
                path,
                author: author.into(),
                at: at.clone(),
                summary: summary.into(),
            })
            .collect())
    }
}

//! Forms that change the model's structure: add an item (through the spreadsheet import, one
//! row), delete one (showing what refers to it first), rename an id; and the merge view of an
//! edit whose item someone else changed. What each change does to the files is
//! `workspace::structure` and `sheets::import`; this module only renders and calls them.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use modelfile::format::{Field, Shape};
use report::page::{Arg, Markup, html, rich, t, thead};
use workspace::Role;
use workspace::edit::{Base, EditError, FieldError, ItemKind, ItemView};
use workspace::structure::Referrer;

use crate::findings::{finding, help};
use crate::pages::{alert, csrf_field, edit_html, form_value, item_page, list_hint, shell};
use crate::{AppError, AppState, Who, kind_of, who};

/// The session of an editor for a form page, or the response to send instead: the login page
/// without a session (a form is reached by a link, so log in first), forbidden below the role.
pub(crate) fn editor(w: &Who) -> Result<Result<&workspace::accounts::Session, Response>, AppError> {
    if w.session.is_none() {
        return Ok(Err(Redirect::to("/login").into_response()));
    }
    w.role(Role::Editor).map(Ok)
}

/// Why a form's change was refused: the item changed since the form was opened
/// (`EditError::ItemChanged`, whose own text is English, for logs and the API).
fn item_changed(kind: ItemKind, id: &str) -> String {
    t!(crate::lang::current(), "throughline-ws-item-changed", kind.name(), id)
}

/// What to call a kind on the "add" page.
fn add_label(kind: ItemKind) -> String {
    let lang = crate::lang::current();
    match kind {
        ItemKind::Program => t!(lang, "throughline-ws-kind-program"),
        ItemKind::Node => t!(lang, "throughline-ws-kind-node"),
        ItemKind::Link => t!(lang, "throughline-ws-kind-link"),
        ItemKind::Initiative => t!(lang, "throughline-ws-kind-initiative"),
        ItemKind::Indicator => t!(lang, "throughline-ws-kind-indicator"),
        ItemKind::Team => t!(lang, "throughline-ws-kind-team"),
        ItemKind::Audience => t!(lang, "throughline-ws-kind-audience"),
    }
}

/// The add form's title, one whole message per kind.
fn add_title(kind: ItemKind) -> String {
    let lang = crate::lang::current();
    match kind {
        ItemKind::Program => t!(lang, "throughline-ws-add-program"),
        ItemKind::Node => t!(lang, "throughline-ws-add-node"),
        ItemKind::Link => t!(lang, "throughline-ws-add-link"),
        ItemKind::Initiative => t!(lang, "throughline-ws-add-initiative"),
        ItemKind::Indicator => t!(lang, "throughline-ws-add-indicator"),
        ItemKind::Team => t!(lang, "throughline-ws-add-team"),
        ItemKind::Audience => t!(lang, "throughline-ws-add-audience"),
    }
}

/// `GET /new`: the kinds of item an editor can add.
pub(crate) async fn new_index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    if let Err(r) = editor(&w)? {
        return Ok(r);
    }
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-ws-add");
    let body = html! {
        h1 { (title) }
        p class="legend" {
            (rich(lang, "throughline-ws-add-intro", &[Arg::Slot], &[(1, html! { code { "throughline check" } })]))
        }
        ul {
            @for k in ItemKind::ALL {
                li { a href={ "/new/" (k.name()) } { (add_label(k)) } }
            }
        }
    };
    Ok(Html(shell(&title, body)).into_response())
}

/// The keys the add form offers for a kind: every key one spreadsheet cell can hold, as the
/// import reads it (scalars, lists of scalars, an initiative's deliveries, an indicator's
/// baseline and target with their dates).
fn form_fields(kind: ItemKind) -> Vec<(&'static str, &'static Field, Option<String>)> {
    let mut out = Vec::new();
    for f in kind.record().fields {
        let cell = match (&f.shape, kind, f.key) {
            (_, ItemKind::Initiative, "delivers") => {
                Some(Some(t!(crate::lang::current(), "throughline-ws-delivers-hint")))
            }
            (Shape::Record(_), ItemKind::Indicator, "baseline" | "target") => Some(None),
            (Shape::List(Shape::OneOf(_)), _, _) => {
                Some(Some(list_hint(crate::lang::current(), Some(&f.shape))))
            }
            (Shape::List(inner), _, _)
                if !matches!(
                    inner,
                    Shape::Record(_) | Shape::Params | Shape::NumberMap(_) | Shape::List(_)
                ) =>
            {
                Some(Some(list_hint(crate::lang::current(), Some(&f.shape))))
            }
            (
                Shape::Record(_)
                | Shape::Params
                | Shape::NumberMap(_)
                | Shape::OneOf(_)
                | Shape::List(_),
                _,
                _,
            ) => None,
            _ => Some(None),
        };
        if let Some(hint) = cell {
            out.push((f.key, f, hint));
        }
    }
    out
}

/// The ids a reference key may name, for a select (`None` when the key is not a reference the
/// form offers as a choice).
fn choices(m: &model::Model, kind: ItemKind, key: &str) -> Option<Vec<(String, String)>> {
    let nodes = || m.nodes.iter().map(|n| (n.id.to_string(), n.name.clone())).collect();
    Some(match (kind, key) {
        (_, "program") => m.programs.iter().map(|p| (p.id.to_string(), p.name.clone())).collect(),
        (_, "team") => m.teams.iter().map(|t| (t.id.to_string(), t.name.clone())).collect(),
        (ItemKind::Link, "from" | "to") | (ItemKind::Indicator, "measures") => nodes(),
        _ => return None,
    })
}

/// One input of the add form.
fn input(
    m: &model::Model,
    kind: ItemKind,
    key: &str,
    field: Option<&Field>,
    hint: Option<&str>,
    value: &str,
    errors: &[FieldError],
) -> Markup {
    let mine: Vec<&FieldError> =
        errors.iter().filter(|e| e.field.as_deref() == Some(key)).collect();
    let invalid = (!mine.is_empty()).then_some("true");
    let doc = field.map_or("", |f| f.doc);
    html! {
        p {
            label for={ "f-" (key) } { strong { (key) } " " span class="legend" { (doc) } }
            @if let Some(h) = hint { br; span class="legend" { (h) } }
            br;
            @if let Some(options) = choices(m, kind, key) {
                select id={ "f-" (key) } name={ "f." (key) } aria-invalid=[invalid] {
                    option value="" {}
                    @for (id, name) in &options {
                        option value=(id) selected[id == value] { (name) " (" (id) ")" }
                    }
                }
            } @else if let Some(Shape::Enum(words)) = field.map(|f| &f.shape) {
                select id={ "f-" (key) } name={ "f." (key) } aria-invalid=[invalid] {
                    option value="" {}
                    @for w in *words { option selected[*w == value] { (w) } }
                }
            } @else if let Some(Shape::Bool) = field.map(|f| &f.shape) {
                select id={ "f-" (key) } name={ "f." (key) } aria-invalid=[invalid] {
                    option value="" {}
                    @for w in ["true", "false"] { option selected[w == value] { (w) } }
                }
            } @else if matches!(field.map(|f| &f.shape), Some(Shape::LongText | Shape::List(Shape::Text | Shape::LongText | Shape::OneOf(_)))) {
                textarea id={ "f-" (key) } name={ "f." (key) } rows="3" cols="60" aria-invalid=[invalid] { (value) }
            } @else {
                input id={ "f-" (key) } name={ "f." (key) } value=(value) size="60" aria-invalid=[invalid];
            }
            @for e in mine {
                br;
                span class="bad field-error" role="alert" { (finding(e.rule, &e.message)) }
                @if let Some(h) = &e.help { " " span class="legend" { (help(e.rule, h)) } }
            }
        }
    }
}

fn new_html(
    m: &model::Model,
    kind: ItemKind,
    csrf: &str,
    typed: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> String {
    let fields = form_fields(kind);
    let value = |k: &str| typed.get(k).map_or("", String::as_str);
    let row = |key: &'static str, field: Option<&'static Field>, hint: Option<&str>| {
        input(m, kind, key, field, hint, value(key), errors)
    };
    let dated = |f: &'static Field| -> Markup {
        html! {
            (row(f.key, Some(f), Some("A number.")))
            @let date = if f.key == "baseline" { "baseline_date" } else { "target_date" };
            (row(date, None, Some("Its date, YYYY-MM-DD.")))
        }
    };
    let one = |(key, f, hint): &(&'static str, &'static Field, Option<String>)| -> Markup {
        if kind == ItemKind::Indicator && matches!(*key, "baseline" | "target") {
            dated(f)
        } else {
            row(key, Some(f), hint.as_deref())
        }
    };
    let lang = crate::lang::current();
    let body = html! {
        h1 { (add_title(kind)) }
        p class="legend" {
            (rich(lang, "throughline-ws-add-form-intro", &[Arg::Slot], &[(1, html! { code { "throughline check" } })]))
        }
        @for e in errors.iter().filter(|e| e.field.is_none()) {
            (alert(finding(e.rule, &e.message)))
            @if let Some(h) = &e.help { p class="legend" { (help(e.rule, h)) } }
        }
        form method="post" action={ "/new/" (kind.name()) } {
            (csrf_field(csrf))
            @for f in fields.iter().filter(|(_, f, _)| f.required) { (one(f)) }
            details open[fields.iter().any(|(k, f, _)| !f.required && !value(k).is_empty())] {
                summary { (t!(lang, "throughline-ws-more-fields")) }
                @for f in fields.iter().filter(|(_, f, _)| !f.required) { (one(f)) }
            }
            p { button type="submit" { (t!(lang, "throughline-ws-add-button")) } " " a href="/new" { (t!(lang, "throughline-ws-cancel")) } }
        }
    };
    shell(&add_title(kind), body)
}

/// `GET /new/{kind}`: the add form; a query such as `?program=p` fills fields in.
pub(crate) async fn new_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let s = match editor(&w)? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let kind = kind_of(&kind)?;
    let m = crate::checked(&state).await?.model;
    let typed: BTreeMap<String, String> = query
        .into_iter()
        .filter(|(k, v)| k.len() <= 40 && v.chars().count() <= workspace::limits::ID)
        .collect();
    Ok(Html(new_html(&m, kind, &s.csrf, &typed, &[])).into_response())
}

/// The key a cell error is about: its column label is `B (key)`.
fn key_of(column: Option<&str>) -> Option<String> {
    let c = column?;
    let inner = c.split_once(" (")?.1.strip_suffix(')')?;
    Some(inner.to_string())
}

/// `POST /new/{kind}`: the form's values as one row of the kind's sheet, imported as the
/// spreadsheet import does; errors come back next to their fields.
pub(crate) async fn new_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    payload: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, form) = w.authorise_form(Role::Editor, payload)?;
    let kind = kind_of(&kind)?;
    let mut typed: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &form {
        if let Some(key) = name.strip_prefix("f.") {
            if value.chars().count() > workspace::limits::VALUE {
                return Err(AppError::Invalid(vec![FieldError {
                    field: Some(key.chars().take(workspace::limits::ID).collect()),
                    message: t!(
                        crate::lang::current(),
                        "throughline-ws-value-too-long",
                        workspace::limits::VALUE
                    ),
                    help: None,
                    rule: None,
                }]));
            }
            typed.insert(key.to_string(), value.clone());
        }
    }
    // Every required key is a column, so an empty one is reported on its field.
    let mut header: Vec<String> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    for f in kind.record().fields.iter().filter(|f| f.required) {
        header.push(f.key.to_string());
        cells.push(typed.get(f.key).cloned().unwrap_or_default());
    }
    for (k, v) in &typed {
        if !v.trim().is_empty() && !header.contains(k) {
            header.push(k.clone());
            cells.push(v.clone());
        }
    }
    let table = sheets::RawTable {
        sheet: kind.section().to_string(),
        header,
        rows: vec![(2, cells)],
        first_column: 0,
    };
    let refused = |errors: Vec<FieldError>, m: &model::Model| {
        (StatusCode::UNPROCESSABLE_ENTITY, Html(new_html(m, kind, &s.csrf, &typed, &errors)))
            .into_response()
    };
    let mut ws = state.ws()?;
    let files = ws.files()?;
    let model = modelfile::check(files.clone()).model;
    let done = match sheets::import(files, &[table], NEW_ITEMS_FILE) {
        Ok(d) => d,
        Err(e) => {
            let errors = e
                .problems()
                .iter()
                .map(|p| FieldError {
                    field: key_of(p.column.as_deref()),
                    message: p.message.clone(),
                    help: Some(p.fix.clone()),
                    rule: p.rule,
                })
                .collect();
            return Ok(refused(errors, &model));
        }
    };
    let Some((_, id)) = done.added.first().cloned() else {
        return Err(AppError::BadRequest("the form added nothing".into()));
    };
    let summary = format!("added {} {id}", kind.name());
    match ws.write_files(&done.files, &s.account.name, &summary) {
        Ok(_) => Ok(Redirect::to(&format!("/edit/{}/{id}?saved", kind.name())).into_response()),
        Err(EditError::Invalid(errors)) => Ok(refused(errors, &model)),
        Err(other) => Err(other.into()),
    }
}

/// Where items go that have no place yet (the first of their kind in a model): one file, so a
/// model built in the browser from nothing stays together.
pub const NEW_ITEMS_FILE: &str = "model.yaml";

fn referrers_table(referrers: &[Referrer]) -> Markup {
    let lang = crate::lang::current();
    html! {
        table {
            (thead(&[(&t!(lang, "throughline-ws-col-where"), false), (&t!(lang, "throughline-ws-col-key"), false), (&t!(lang, "throughline-ws-col-in"), false), (&t!(lang, "throughline-ws-col-removable"), false)]))
            tbody {
                @for r in referrers {
                    tr {
                        td { (r.path) ":" (r.line) ":" (r.column) }
                        td { code { (r.field) } }
                        td {
                            @if let Some((k, id)) = &r.holder {
                                a href={ "/edit/" (k.name()) "/" (id) } { (k.name()) " " (id) }
                            }
                        }
                        td { @if r.removable { (t!(lang, "throughline-yes")) } @else { (t!(lang, "throughline-ws-not-removable")) } }
                    }
                }
            }
        }
    }
}

fn delete_html(
    item: &ItemView,
    csrf: &str,
    referrers: &[Referrer],
    errors: &[FieldError],
) -> String {
    let removable = referrers.iter().all(|r| r.removable);
    let lang = crate::lang::current();
    let cancel = t!(lang, "throughline-ws-cancel");
    let body = html! {
        h1 { (rich(lang, "throughline-ws-delete-heading", &[Arg::Slot], &[(1, html! { code { (item.id) } })])) }
        @for e in errors { (alert(finding(e.rule, &e.message))) @if let Some(h) = &e.help { p class="legend" { (help(e.rule, h)) } } }
        @if referrers.is_empty() {
            p { (t!(lang, "throughline-ws-delete-free", item.path.as_str())) }
        } @else {
            p { (t!(lang, "throughline-ws-delete-referrers")) }
            (referrers_table(referrers))
            @if removable {
                p { (t!(lang, "throughline-ws-delete-with-references")) }
            } @else {
                p class="bad" { (t!(lang, "throughline-ws-delete-blocked")) }
            }
        }
        form method="post" action={ "/delete/" (item.kind.name()) "/" (item.id) } {
            (csrf_field(csrf))
            input type="hidden" name="digest" value=(item.digest);
            @if referrers.is_empty() {
                p { button type="submit" { (t!(lang, "throughline-ws-delete")) } " " a href=(item_page(item.kind, &item.id)) { (cancel) } }
            } @else if removable {
                input type="hidden" name="remove_references" value="true";
                p { button type="submit" { (t!(lang, "throughline-ws-delete-and-remove")) } " " a href=(item_page(item.kind, &item.id)) { (cancel) } }
            } @else {
                p { a href=(item_page(item.kind, &item.id)) { (t!(lang, "throughline-ws-back-link")) } }
            }
        }
    };
    shell(&t!(lang, "throughline-ws-delete-title", item.id.as_str()), body)
}

/// `GET /delete/{kind}/{id}`: what refers to the item, and the button that deletes it.
pub(crate) async fn delete_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let s = match editor(&w)? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let kind = kind_of(&kind)?;
    let id = crate::item_id(&id)?;
    let ws = state.ws()?;
    let item = ws.item(kind, id)?;
    let referrers = ws.referrers(kind, id)?;
    Ok(Html(delete_html(&item, &s.csrf, &referrers, &[])).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct DeleteForm {
    csrf: Option<String>,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    remove_references: Option<String>,
}

impl crate::Csrf for DeleteForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /delete/{kind}/{id}`: deletes, if the item is unchanged since the page was shown.
pub(crate) async fn delete_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    payload: Result<Form<DeleteForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, f) = w.authorise_form(Role::Editor, payload)?;
    let kind = kind_of(&kind)?;
    let id = crate::item_id(&id)?.to_string();
    let remove = f.remove_references.as_deref() == Some("true");
    let mut ws = state.ws()?;
    let result = ws.delete(kind, &id, &Base::Item(f.digest.clone()), remove, &s.account.name);
    let again = |ws: &workspace::Workspace,
                 status: StatusCode,
                 errors: Vec<FieldError>|
     -> Result<Response, AppError> {
        let item = ws.item(kind, &id)?;
        let referrers = ws.referrers(kind, &id)?;
        Ok((status, Html(delete_html(&item, &s.csrf, &referrers, &errors))).into_response())
    };
    match result {
        Ok(_) => Ok(Redirect::to("/revisions").into_response()),
        Err(EditError::Referenced { .. }) => again(&ws, StatusCode::CONFLICT, vec![]),
        Err(EditError::ItemChanged { .. }) => again(
            &ws,
            StatusCode::CONFLICT,
            vec![FieldError {
                field: None,
                message: item_changed(kind, &id),
                help: Some(t!(crate::lang::current(), "throughline-ws-delete-again")),
                rule: None,
            }],
        ),
        Err(EditError::Invalid(errors)) => again(&ws, StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(other) => Err(other.into()),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct RenameForm {
    csrf: Option<String>,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    new_id: String,
}

impl crate::Csrf for RenameForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /rename/{kind}/{id}`: renames the id and every reference to it.
pub(crate) async fn rename_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    payload: Result<Form<RenameForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, f) = w.authorise_form(Role::Editor, payload)?;
    let kind = kind_of(&kind)?;
    let id = crate::item_id(&id)?.to_string();
    let new_id = f.new_id.trim().to_string();
    if new_id.chars().count() > workspace::limits::ID {
        return Err(AppError::BadRequest(t!(
            crate::lang::current(),
            "throughline-ws-id-too-long",
            workspace::limits::ID
        )));
    }
    let mut ws = state.ws()?;
    // The measurements stored under the id move first, in the store's own transaction (another
    // database), and move back if the model refuses the rename: they belong to the item.
    let moves = new_id != id && matches!(kind, ItemKind::Indicator | ItemKind::Initiative);
    let moved = if moves { state.measured.rename(&id, &new_id) } else { Ok(()) };
    let back = moves && moved.is_ok();
    let result = match moved {
        Ok(()) => ws.rename(kind, &id, &new_id, &Base::Item(f.digest.clone()), &s.account.name),
        Err(crate::MoveError::Taken) => Err(EditError::Invalid(vec![FieldError {
            field: Some("id".into()),
            message: t!(
                crate::lang::current(),
                "throughline-ws-rename-data-taken",
                new_id.as_str()
            ),
            help: None,
            rule: None,
        }])),
        Err(crate::MoveError::Failed(e)) => return Err(AppError::Internal(e)),
    };
    if back
        && result.is_err()
        && let Err(e) = state.measured.rename(&new_id, &id)
    {
        eprintln!("the measurements of {new_id} could not move back to {id}: {e:?}");
    }
    let typed: BTreeMap<String, String> = [("new_id".to_string(), new_id.clone())].into();
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/edit/{}/{new_id}?saved", kind.name())).into_response()),
        Err(EditError::ItemChanged { .. }) => {
            let item = ws.item(kind, &id)?;
            let errors = vec![FieldError {
                field: Some("id".into()),
                message: item_changed(kind, &id),
                help: None,
                rule: None,
            }];
            Ok((
                StatusCode::CONFLICT,
                Html(edit_html(
                    &item,
                    &crate::pages::item_page_in(&state, item.kind, &item.id),
                    &s.csrf,
                    &errors,
                    &typed,
                    false,
                )),
            )
                .into_response())
        }
        Err(EditError::Invalid(errors)) => {
            let item = ws.item(kind, &id)?;
            let errors = errors
                .into_iter()
                .map(|e| FieldError { field: Some("id".into()), ..e })
                .collect::<Vec<_>>();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(edit_html(
                    &item,
                    &crate::pages::item_page_in(&state, item.kind, &item.id),
                    &s.csrf,
                    &errors,
                    &typed,
                    false,
                )),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The merge view: the item changed since the person opened the form. Per field that either
/// side changed, the original, theirs (now saved) and yours side by side, and a choice between
/// yours and theirs; saving it is an edit of the item as it is now.
pub(crate) fn merge_html(
    item: &ItemView,
    csrf: &str,
    original: &BTreeMap<String, String>,
    yours: &BTreeMap<String, String>,
) -> String {
    struct Row<'a> {
        key: &'a str,
        original: String,
        theirs: String,
        yours: String,
    }
    let rows: Vec<Row> = item
        .fields
        .iter()
        .filter(|f| f.editable)
        .filter_map(|f| {
            let theirs = form_value(item, f);
            let original = original.get(f.key).cloned().unwrap_or_else(|| theirs.clone());
            let yours = yours.get(f.key).cloned().unwrap_or_else(|| original.clone());
            (theirs != original || yours != original).then_some(Row {
                key: f.key,
                original,
                theirs,
                yours,
            })
        })
        .collect();
    let lang = crate::lang::current();
    let body = html! {
        h1 { (rich(lang, "throughline-ws-merge-heading", &[Arg::Slot], &[(1, html! { code { (item.id) } })])) }
        p class="bad" role="alert" {
            (t!(lang, "throughline-ws-merge-intro"))
        }
        form method="post" action={ "/edit/" (item.kind.name()) "/" (item.id) } {
            (csrf_field(csrf))
            input type="hidden" name="digest" value=(item.digest);
            table class="merge" {
                (thead(&[(&t!(lang, "throughline-ws-col-field"), false), (&t!(lang, "throughline-ws-col-original"), false), (&t!(lang, "throughline-ws-col-theirs"), false), (&t!(lang, "throughline-ws-col-yours"), false)]))
                tbody {
                    @for r in &rows {
                        // Yours is chosen unless only they changed the field.
                        @let take_theirs = r.yours == r.original;
                        tr {
                            td { strong { (r.key) } input type="hidden" name={ "orig." (r.key) } value=(r.theirs); }
                            td { pre { (r.original) } }
                            td {
                                label {
                                    input type="radio" name={ "f." (r.key) } value=(r.theirs) checked[take_theirs];
                                    " " pre { (r.theirs) }
                                }
                            }
                            td {
                                label {
                                    input type="radio" name={ "f." (r.key) } value=(r.yours) checked[!take_theirs];
                                    " " pre { (r.yours) }
                                }
                            }
                        }
                    }
                }
            }
            p { button type="submit" { (t!(lang, "throughline-ws-merge-save")) } " " a href={ "/edit/" (item.kind.name()) "/" (item.id) } { (t!(lang, "throughline-ws-merge-discard")) } }
        }
    };
    shell(&t!(lang, "throughline-ws-merge-title", item.id.as_str()), body)
}

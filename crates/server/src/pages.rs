//! HTML pages: the report of the current revision rendered in the page shell with its slots
//! filled per request (account bar, "updating…" banner, edit links, comments), the login form,
//! edit forms with errors next to their fields, and the revision list. Every page is a maud
//! template through `report::page`: escaped by default, never patched after rendering.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use modelfile::format::Shape;
use report::page::{Arg, Markup, Nav, Shell, Slots, html, rich, t, thead};
use workspace::Role;
use workspace::edit::{FieldError, ItemKind, ItemView};
use workspace::limits;

use crate::findings::{finding, help};
use crate::{AppError, AppState, Who, kind_of, who};

/// Rules for the server's own markup, appended to the report's stylesheet (the pages carry no
/// inline style, so the Content-Security-Policy needs no `'unsafe-inline'`).
const SERVER_CSS: &str = "\n/* throughline serve */\n.account form { display: inline; }\n.updating { background: #fff4ce; padding: 0.3em 0.6em; }\n.saved { background: #e6f4ea; padding: 0.3em 0.6em; }\n.downloads { font-size: 0.9em; }\n.languages { display: flex; flex-wrap: wrap; gap: 0.8em; font-size: 0.9em; margin-block-start: 0.3em; }\n";

/// The pages to answer with, and whether they are stale (a newer revision or newer data is
/// being built in the background). Readers never wait for a rebuild: once any pages exist, a
/// change starts a background build and readers get the last built pages, marked stale, until
/// it lands. Only the very first build is waited for.
pub(crate) async fn site(state: &Arc<AppState>) -> Result<(crate::Site, bool), AppError> {
    let head = state.ws()?.head()?;
    let cached = state.cached_site().clone();
    if let Some(s) = cached {
        if s.head == head && s.data == recent_fingerprint(state).await {
            return Ok((s, false));
        }
        if let Ok(guard) = state.building.clone().try_lock_owned() {
            let st = state.clone();
            tokio::spawn(async move {
                let _one = guard;
                if let Err(e) = build_latest(&st).await {
                    eprintln!("building the pages: {e:?}");
                }
            });
        }
        return Ok((s, true));
    }
    let _one = state.building.lock().await;
    Ok((build_latest(state).await?, false))
}

/// How long readers reuse a data fingerprint: a change to the folder's data shows within this
/// much more time, and a burst of readers costs one walk of the folder per period, not one each.
const FINGERPRINT_REUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// The data fingerprint as readers use it: at most [`FINGERPRINT_REUSE`] old.
async fn recent_fingerprint(state: &Arc<AppState>) -> u64 {
    let seen = *state.data_seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((at, data)) = seen
        && at.elapsed() < FINGERPRINT_REUSE
    {
        return data;
    }
    let data = fingerprint(state).await;
    *state.data_seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some((std::time::Instant::now(), data));
    data
}

/// The data fingerprint now, read on a blocking thread (it touches the file system). Builds use
/// it, never a reused one.
async fn fingerprint(state: &Arc<AppState>) -> u64 {
    let st = state.clone();
    tokio::task::spawn_blocking(move || st.measured.fingerprint()).await.unwrap_or(0)
}

/// Builds the pages of the newest revision and data until they are current (a change that lands
/// during a build is picked up by the next round); stores and returns them. The caller holds
/// `building`. A build that fails or panics is remembered for its revision (so it is not re-run
/// on every request) and affects only the report pages.
async fn build_latest(state: &Arc<AppState>) -> Result<crate::Site, AppError> {
    loop {
        let (head, files) = {
            let ws = state.ws()?;
            (ws.head()?, ws.files()?)
        };
        let data = fingerprint(state).await;
        if let Some(s) = state.cached_site().as_ref().filter(|s| s.head == head && s.data == data) {
            return Ok(s.clone());
        }
        let st = state.clone();
        let built = tokio::task::spawn_blocking(move || build(&st, head, files)).await;
        let site = match built {
            Ok(Ok(site)) => site,
            other => {
                let failure = match other {
                    Ok(Err(why)) => why,
                    Err(e) if e.is_panic() => {
                        let payload = e.into_panic();
                        let what = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "a panic".into());
                        format!("building the pages panicked: {what}")
                    }
                    Err(e) => format!("building the pages was cancelled: {e}"),
                    Ok(Ok(_)) => unreachable!("handled above"),
                };
                eprintln!("revision {head}: {failure}");
                // Keep the stylesheet of the last good build, so the error page still looks
                // like the site.
                let mut kept = HashMap::new();
                if let Some(css) =
                    state.cached_site().as_ref().and_then(|s| s.assets.get("style.css"))
                {
                    kept.insert("style.css".to_string(), css.clone());
                }
                Arc::new(crate::Pages {
                    head,
                    data: fingerprint(state).await,
                    report: Vec::new(),
                    paths: HashMap::new(),
                    assets: kept,
                    errors: Vec::new(),
                    edit_links: HashMap::new(),
                    failure: Some(failure),
                    model: None,
                    measured: None,
                })
            }
        };
        *state.cached_site() = Some(site.clone());
        // What readers compare with is what the build just read (its own import changed the store).
        *state.data_seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((std::time::Instant::now(), site.data));
        if state.ws()?.head()? == head && fingerprint(state).await == site.data {
            return Ok(site);
        }
    }
}

/// The pages of one revision (on a blocking thread; may panic: the caller contains it).
fn build(
    st: &AppState,
    head: i64,
    files: Vec<modelfile::SourceFile>,
) -> Result<crate::Site, String> {
    let checked = modelfile::check(files);
    let mut pages = crate::Pages {
        head,
        data: 0,
        report: Vec::new(),
        paths: HashMap::new(),
        assets: HashMap::new(),
        errors: Vec::new(),
        edit_links: HashMap::new(),
        failure: None,
        model: None,
        measured: None,
    };
    if checked.is_ok() {
        for p in &checked.model.programs {
            for lang in report::page::Lang::all() {
                pages.edit_links.insert(
                    (lang, format!("programs/{}.html", p.id)),
                    program_edit_links(lang, &checked.model, p.id.as_str()),
                );
            }
        }
        let opts = report::Options {
            settings: analysis::Settings { samples: st.samples, ..analysis::Settings::default() },
            measured: st.measured.measured(&checked.model),
            ..report::Options::default()
        };
        // Kept for the spreadsheet downloads, which show the same revision and data as the
        // pages without computing the measurements again.
        pages.model = Some(checked.model.clone());
        pages.measured = Some(opts.measured.clone());
        let report = (st.builder)(&checked.model, &opts)?;
        let english = report.first().ok_or("the page builder built no pages")?;
        for f in &english.assets {
            let mut contents = f.contents.clone();
            if f.path == "style.css" {
                contents.push_str(SERVER_CSS);
            }
            pages.assets.insert(f.path.clone(), contents);
        }
        pages.paths = english.pages.iter().enumerate().map(|(i, p)| (p.path.clone(), i)).collect();
        pages.report = report;
    } else {
        pages.errors = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == modelfile::Severity::Error)
            .map(|d| (d.rule, d.message.clone()))
            .collect();
    }
    // Taken after the measurements were read: reading imports local files into the store.
    pages.data = st.measured.fingerprint();
    Ok(Arc::new(pages))
}

/// The overview of a model with errors: what to fix, and where.
fn errors_page(errors: &[(&'static modelfile::rules::Rule, String)]) -> String {
    let lang = crate::lang::current();
    shell(
        &t!(lang, "throughline-ws-errors-title"),
        html! {
            h1 { (t!(lang, "throughline-ws-errors-heading")) }
            p { (t!(lang, "throughline-ws-errors-fix")) }
            ul { @for (rule, message) in errors { li { (finding(Some(*rule), message)) } } }
            p { a href="/revisions" { (t!(lang, "throughline-nav-revisions")) } }
        },
    )
}

/// The page that stands in for a report page whose build failed.
fn failed_page(head: i64, why: &str, bar: Markup) -> Response {
    let lang = crate::lang::current();
    let body = html! {
        h1 { (t!(lang, "throughline-ws-failed-heading")) }
        p role="alert" { (t!(lang, "throughline-ws-failed-why", head.to_string(), why)) }
        p {
            (rich(lang, "throughline-ws-failed-undo", &[Arg::Slot], &[(1, html! { a href="/revisions" { (t!(lang, "throughline-ws-failed-revisions")) } })]))
        }
    };
    let page = Shell {
        lang,
        title: &t!(lang, "throughline-ws-failed-title"),
        nav: Nav::Workspace,
        footer: None,
        slots: Slots {
            account: Some(bar),
            languages: Some(crate::lang::picker(crate::lang::current())),
            ..Slots::default()
        },
    }
    .render(&body);
    (StatusCode::INTERNAL_SERVER_ERROR, Html(page.into_string())).into_response()
}

/// A page of the application's own screens, in the one shell with the workspace's navigation.
pub(crate) fn shell(title: &str, body: Markup) -> String {
    let lang = crate::lang::current();
    let slots = Slots { languages: Some(crate::lang::picker(lang)), ..Slots::default() };
    Shell { lang, title, nav: Nav::Workspace, footer: None, slots }.render(&body).into_string()
}

/// Who is logged in, with log-out, or a log-in link; and the workspace's screens.
fn account_bar(w: &Who) -> Markup {
    let lang = crate::lang::current();
    html! {
        div class="account" {
            @match &w.session {
                Some(s) => {
                    (s.account.name) " (" (s.account.role.key()) ") "
                    form method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(s.csrf);
                        button type="submit" { (t!(lang, "throughline-ws-logout")) }
                    }
                }
                None => a href="/login" { (t!(lang, "throughline-ws-login")) },
            }
            " · " a href="/revisions" { (t!(lang, "throughline-nav-revisions")) } " · " a href="/rounds" { (t!(lang, "throughline-nav-consultation")) }
            @if w.session.as_ref().is_some_and(|s| s.account.role >= Role::Editor) {
                " · " a href="/new" { (t!(lang, "throughline-ws-add")) }
                " · " a href="/import" { (t!(lang, "throughline-ws-import")) }
            }
        }
    }
}

/// The item a report page is about, if it is one people can edit or comment on.
fn item_of(path: &str) -> Option<(ItemKind, &str)> {
    let (dir, file) = path.split_once('/')?;
    let id = file.strip_suffix(".html")?;
    match dir {
        "initiatives" => Some((ItemKind::Initiative, id)),
        "goals" => Some((ItemKind::Node, id)),
        _ => None,
    }
}

/// For editors on a program page: an edit link for every step and link of the program.
fn program_edit_links(lang: report::page::Lang, m: &model::Model, program: &str) -> Markup {
    let of_program: HashMap<&str, bool> = m
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.program.as_ref().is_some_and(|p| p.as_str() == program)))
        .collect();
    let mine = |id: &model::Id| of_program.get(id.as_str()).copied().unwrap_or(false);
    html! {
        section id="edit" {
            h2 { (t!(lang, "throughline-ws-edit-program-heading")) }
            p {
                a href={ "/edit/program/" (program) } { (t!(lang, "throughline-ws-edit-program")) } " · "
                a href={ "/new/node?program=" (program) } { (t!(lang, "throughline-ws-add-node")) } " · "
                a href={ "/new/link?program=" (program) } { (t!(lang, "throughline-ws-add-link")) } " · "
                a href={ "/new/initiative?program=" (program) } { (t!(lang, "throughline-ws-add-initiative")) } " · "
                a href={ "/new/indicator?program=" (program) } { (t!(lang, "throughline-ws-add-indicator")) }
            }
            p { (t!(lang, "throughline-ws-steps")) }
            ul {
                @for n in m.nodes.iter().filter(|n| mine(&n.id)) {
                    li { a href={ "/edit/node/" (n.id) } { (n.name) } }
                }
            }
            p { (t!(lang, "throughline-ws-links")) }
            ul {
                @for l in m.links.iter().filter(|l| mine(&l.from) || mine(&l.to)) {
                    li { a href={ "/edit/link/" (l.from) ":" (l.to) } { (l.from) " → " (l.to) } }
                }
            }
        }
    }
}

/// The kinds of contribution, as the comment forms offer them.
fn kind_select() -> Markup {
    html! {
        label {
            (t!(crate::lang::current(), "throughline-ws-kind")) " "
            select name="kind" {
                option { "comment" } option { "endorse" } option { "concern" } option { "proposal" }
            }
        }
    }
}

/// One contribution: who, what kind, when, and the text; `on` names its target.
fn contribution(c: &workspace::consult::Contribution, on: bool) -> Markup {
    html! {
        li {
            strong { (c.author) }
            @if on { " on " code { (c.target) } }
            " " span class="legend" { (c.kind.key()) " · " (c.at) }
            br; (c.body)
        }
    }
}

fn comments_section(state: &AppState, w: &Who, target: &str) -> Result<Markup, AppError> {
    let list = state.ws()?.contributions(Some(target))?;
    let lang = crate::lang::current();
    Ok(html! {
        section id="comments" {
            h2 { (t!(lang, "throughline-ws-comments")) }
            @if list.is_empty() { p { (t!(lang, "throughline-ws-no-comments")) } }
            ul class="comments" { @for c in &list { (contribution(c, false)) } }
            @match &w.session {
                Some(sess) if sess.account.role >= Role::Contributor => {
                    form method="post" action="/comments" {
                        input type="hidden" name="csrf" value=(sess.csrf);
                        input type="hidden" name="target" value=(target);
                        (kind_select()) br;
                        label { (t!(lang, "throughline-ws-text")) br; textarea name="body" rows="3" cols="60" {} } br;
                        button type="submit" { (t!(lang, "throughline-ws-post")) }
                    }
                }
                Some(_) => p class="legend" { (t!(lang, "throughline-ws-contributors-comment")) },
                None => p class="legend" { (rich(lang, "throughline-ws-login-to-comment", &[Arg::Slot], &[(1, html! { a href="/login" { (t!(lang, "throughline-ws-login")) } })])) },
            }
        }
    })
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with(".css") {
        "text/css; charset=utf-8"
    } else if path.ends_with(".html") {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    }
}

async fn serve_page(
    state: Arc<AppState>,
    headers: HeaderMap,
    path: String,
    saved: bool,
) -> Result<Response, AppError> {
    let (site, stale) = site(&state).await?;
    let mut resp = match page_of(&state, &headers, &path, &site, stale, saved) {
        // A browser asking for a page that does not exist gets a page, not JSON.
        Err(AppError::NotFound(_)) => not_found(&path),
        other => other?,
    };
    resp.headers_mut().insert(REVISION_HEADER, site.head.into());
    if stale {
        resp.headers_mut().insert(UPDATING_HEADER, HeaderValue::from_static("1"));
    }
    Ok(resp)
}

/// A report page of `site` in the shell, with the account bar, edit links, comments and the
/// "updating…" banner in their slots; the error page when the revision's pages could not be
/// built.
fn page_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: &str,
    site: &crate::Site,
    stale: bool,
    saved: bool,
) -> Result<Response, AppError> {
    if let Some(contents) = site.assets.get(path) {
        return Ok(([(header::CONTENT_TYPE, content_type(path))], contents.clone()).into_response());
    }
    if let Some(why) = &site.failure {
        let w = who(state, headers)?;
        return Ok(failed_page(site.head, why, account_bar(&w)));
    }
    if path == "index.html" && !site.errors.is_empty() {
        return Ok(Html(errors_page(&site.errors)).into_response());
    }
    let lang = crate::lang::current();
    let report = site.report.iter().find(|s| s.lang == lang).or(site.report.first());
    let (Some(report), Some(&at)) = (report, site.paths.get(path)) else {
        return Err(AppError::NotFound(format!("no page {path}")));
    };
    let w = who(state, headers)?;
    let item = item_of(path);
    let editor = w.session.as_ref().is_some_and(|s| s.account.role >= Role::Editor);
    let mut slots = Slots {
        account: Some(html! {
            (account_bar(&w))
            // Anonymous visitors and contributors cannot edit: no link that leads to a refusal.
            @if let (Some((kind, id)), true) = (item, editor) {
                " " a class="edit" href={ "/edit/" (kind.name()) "/" (id) } { (t!(lang, "throughline-ws-edit-this", kind.name())) }
            }
            (downloads(lang, path))
        }),
        languages: Some(crate::lang::picker(lang)),
        ..Slots::default()
    };
    if let Some((_, id)) = item {
        slots.comments = Some(comments_section(state, &w, id)?);
    }
    if editor {
        slots.edit = site.edit_links.get(&(lang, path.to_string())).cloned();
        if path == "checkin.html"
            && let Some(s) = &w.session
        {
            let m = checked_model(state)?;
            slots.edit =
                Some(checkin_form(&m, &s.csrf, &workspace::checkin::NoteInput::default(), &[]));
        }
    }
    if stale || saved {
        // A newer revision or newer data is being built: say so, and look again shortly (a
        // refresh, not a script: the pages carry none).
        slots.banner = Some(html! {
            @if saved {
                p class="saved" role="status" { (t!(lang, "throughline-ws-saved")) }
            }
            @if stale {
                p class="updating" role="status" {
                    (t!(lang, "throughline-ws-updating", site.head.to_string()))
                }
            }
        });
        if stale {
            slots.refresh = Some(2);
        }
    }
    let html = report.render(&report.pages[at], slots).into_string();
    Ok(([(header::CONTENT_TYPE, content_type(path))], html).into_response())
}

/// The spreadsheet downloads of a report page (`/api/v1/sheets…`): the whole model as XLSX, and
/// the CSV of the tables the page shows.
fn downloads(lang: report::page::Lang, path: &str) -> Markup {
    let tables: &[&str] = match path.split_once('/').map_or(path, |(dir, _)| dir) {
        "index.html" => &["initiatives", "indicators"],
        "programs" => &["nodes", "links"],
        "initiatives" => &["initiatives"],
        "goals" => &["nodes", "indicators"],
        "plan.html" => &["plan", "plan_key_results"],
        "checkin.html" | "rba.html" => &["checkin"],
        "evaluations.html" => &["evaluations"],
        _ => &[],
    };
    html! {
        p class="downloads" {
            (t!(lang, "throughline-ws-download")) " " a href="/api/v1/sheets.xlsx" download { (t!(lang, "throughline-ws-download-xlsx")) }
            @for t in tables {
                " · " a href={ "/api/v1/sheets/" (t) } download { (t) " (CSV)" }
            }
        }
    }
}

/// The model of the current revision (for forms that list its items).
fn checked_model(state: &Arc<AppState>) -> Result<model::Model, AppError> {
    Ok(state.ws()?.checked()?.model)
}

/// The check-in meeting's form: per key result and quarter, the story behind the curve,
/// partners, what works, the decision, and a status override with its reason.
fn checkin_form(
    m: &model::Model,
    csrf: &str,
    typed: &workspace::checkin::NoteInput,
    errors: &[FieldError],
) -> Markup {
    let quarter = if typed.quarter.is_empty() {
        analysis::store::last_complete_quarter().to_string()
    } else {
        typed.quarter.clone()
    };
    let err = |key: &str| -> Markup {
        html! {
            @for e in errors.iter().filter(|e| e.field.as_deref() == Some(key)) {
                br; span class="bad field-error" role="alert" { (finding(e.rule, &e.message)) }
            }
        }
    };
    let area = |key: &str, label: &str, value: &str| -> Markup {
        html! {
            p {
                label for={ "c-" (key) } { strong { (label) } }
                br;
                textarea id={ "c-" (key) } name=(key) rows="3" cols="70" { (value) }
                (err(key))
            }
        }
    };
    let key_results: Vec<&model::Indicator> =
        m.indicators.iter().filter(|i| i.target.is_some()).collect();
    let lang = crate::lang::current();
    html! {
        section id="record-checkin" {
            h2 { (t!(lang, "throughline-ws-checkin-record")) }
            p class="legend" {
                (rich(lang, "throughline-ws-checkin-intro", &[Arg::Slot], &[(1, html! { code { "checkins.yaml" } })]))
            }
            @for e in errors.iter().filter(|e| e.field.is_none()) { (alert(finding(e.rule, &e.message))) }
            form method="post" action="/checkin" {
                (csrf_field(csrf))
                p {
                    label for="c-key_result" { strong { (t!(lang, "throughline-ws-checkin-key-result")) } } br;
                    select id="c-key_result" name="key_result" {
                        @for i in &key_results {
                            option value=(i.id) selected[i.id.as_str() == typed.key_result] { (i.name) }
                        }
                    }
                    (err("key_result"))
                    " "
                    label for="c-quarter" { strong { (t!(lang, "throughline-ws-checkin-quarter")) } }
                    " "
                    input id="c-quarter" name="quarter" value=(quarter) size="8" pattern="[0-9]{4}Q[1-4]";
                    (err("quarter"))
                }
                (area("story", &t!(lang, "throughline-ws-checkin-story"), &typed.story))
                (area("partners", &t!(lang, "throughline-ws-checkin-partners"), &typed.partners))
                (area("what_works", &t!(lang, "throughline-ws-checkin-what-works"), &typed.what_works))
                p {
                    label for="c-decision" { strong { (t!(lang, "throughline-ws-checkin-decision")) } } br;
                    select id="c-decision" name="decision" {
                        option value="" { "—" }
                        @for (d, word) in [("continue", t!(lang, "throughline-ws-decision-continue")), ("change", t!(lang, "throughline-ws-decision-change")), ("stop", t!(lang, "throughline-ws-decision-stop"))] {
                            // The value is the file's word; a translation only labels it.
                            option value=(d) selected[typed.decision == d] { (word) }
                        }
                    }
                    (err("decision"))
                }
                p {
                    label for="c-status" { strong { (t!(lang, "throughline-ws-checkin-status")) } " "
                        span class="legend" { (t!(lang, "throughline-ws-checkin-status-hint")) } }
                    br;
                    select id="c-status" name="status" {
                        option value="" { (t!(lang, "throughline-ws-checkin-as-computed")) }
                        @for s in ["met", "on_track", "at_risk", "off_track", "no_data"] {
                            option value=(s) selected[typed.status == s] { (s.replace('_', " ")) }
                        }
                    }
                    (err("status"))
                }
                (area("reason", &t!(lang, "throughline-ws-checkin-reason"), &typed.reason))
                p { button type="submit" { (t!(lang, "throughline-ws-checkin-save")) } " " a href="/checkin.html" { (t!(lang, "throughline-ws-cancel")) } }
            }
        }
    }
}

/// The check-in form: the note's fields as the API takes them, and the CSRF token.
#[derive(serde::Deserialize)]
pub(crate) struct CheckinForm {
    csrf: Option<String>,
    #[serde(flatten)]
    note: workspace::checkin::NoteInput,
}

impl crate::Csrf for CheckinForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

pub(crate) async fn checkin_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Form<CheckinForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, CheckinForm { note, .. }) = w.authorise_form(Role::Editor, payload)?;
    let result = state.ws()?.record_checkin(&note, &s.account.name);
    match result {
        // No #fragment: a stale page refreshes itself, and a browser does not reload a URL
        // that differs only by its fragment.
        Ok(_) => Ok(Redirect::to("/checkin.html?saved").into_response()),
        Err(workspace::edit::EditError::Invalid(errors)) => {
            let m = checked_model(&state)?;
            let body = html! {
                h1 { (t!(crate::lang::current(), "throughline-ws-checkin-record")) }
                (checkin_form(&m, &s.csrf, &note, &errors))
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(shell(&t!(crate::lang::current(), "throughline-ws-checkin-record"), body)),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The tables a pasted sheet may fill.
const IMPORT_TABLES: [&str; 7] =
    ["initiatives", "indicators", "nodes", "links", "programs", "teams", "audiences"];

/// Add items from a spreadsheet: rows pasted from a spreadsheet program (tab-separated) or
/// CSV, header first, as `throughline import-sheet` reads them.
fn import_html(csrf: &str, table: &str, text: &str, problems: &[sheets::CellError]) -> String {
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-ws-import");
    let code = |text: &'static str| html! { code { (text) } };
    let body = html! {
        h1 { (title) }
        p class="legend" {
            (rich(lang, "throughline-ws-import-intro", &[Arg::Slot, Arg::Slot, Arg::Slot, Arg::Slot], &[
                (1, html! { a href="/api/v1/sheets.xlsx" { (t!(lang, "throughline-ws-import-workbook")) } }),
                (2, code("cost (USD)")),
                (3, code("cost")),
                (4, code("throughline import-sheet")),
            ]))
        }
        @if !problems.is_empty() {
            (alert(t!(lang, "throughline-ws-import-nothing-saved")))
            table {
                (thead(&[(&t!(lang, "throughline-ws-col-sheet"), false), (&t!(lang, "throughline-ws-col-row"), false), (&t!(lang, "throughline-ws-col-column"), false), (&t!(lang, "throughline-ws-col-problem"), false), (&t!(lang, "throughline-ws-col-fix"), false)]))
                tbody {
                    @for p in problems {
                        tr {
                            td { (p.sheet) }
                            td class="num" { @if p.row > 0 { (p.row) } }
                            td { (p.column.as_deref().unwrap_or("")) }
                            td class="bad field-error" { (finding(p.rule, &p.message)) }
                            td { (help(p.rule, &p.fix)) }
                        }
                    }
                }
            }
        }
        form method="post" action="/import" {
            (csrf_field(csrf))
            p {
                label for="i-table" { strong { (t!(lang, "throughline-ws-import-table")) } } " "
                select id="i-table" name="table" {
                    @for t in IMPORT_TABLES { option selected[t == table] { (t) } }
                }
            }
            p {
                label for="i-text" { strong { (t!(lang, "throughline-ws-import-rows")) } } br;
                textarea id="i-text" name="text" rows="12" cols="100" { (text) }
            }
            p { button type="submit" { (t!(lang, "throughline-ws-import-add")) } " " a href="/" { (t!(lang, "throughline-ws-cancel")) } }
        }
        h2 { (t!(lang, "throughline-ws-import-upload")) }
        p class="legend" {
            (rich(lang, "throughline-ws-import-upload-intro", &[Arg::Slot], &[(1, code("throughline import-sheet"))]))
        }
        form method="post" action="/import/file" enctype="multipart/form-data" {
            (csrf_field(csrf))
            p {
                label for="u-table" { strong { (t!(lang, "throughline-ws-import-table-csv")) } } " "
                select id="u-table" name="table" {
                    @for t in IMPORT_TABLES { option selected[t == table] { (t) } }
                }
            }
            p {
                label for="u-file" { strong { (t!(lang, "throughline-ws-col-file")) } } " "
                input id="u-file" type="file" name="file" accept=".xlsx,.csv,text/csv";
            }
            p { button type="submit" { (t!(lang, "throughline-ws-import-upload-button")) } }
        }
    };
    shell(&title, body)
}

pub(crate) async fn import_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let s = match crate::structure::editor(&w)? {
        Ok(s) => s,
        Err(login) => return Ok(login),
    };
    Ok(Html(import_html(&s.csrf, "initiatives", "", &[])).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct ImportForm {
    csrf: Option<String>,
    #[serde(default)]
    table: String,
    #[serde(default)]
    text: String,
}

impl crate::Csrf for ImportForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

pub(crate) async fn import_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Form<ImportForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, f) = w.authorise_form(Role::Editor, payload)?;
    let Some(table) = IMPORT_TABLES.iter().find(|t| **t == f.table) else {
        return Err(AppError::BadRequest(format!(
            "the table is one of {}",
            IMPORT_TABLES.join(", ")
        )));
    };
    let tables = match sheets::read_csv(table, &f.text) {
        Ok(t) => vec![t],
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(import_html(&s.csrf, table, &f.text, e.problems())),
            )
                .into_response());
        }
    };
    import_tables(&state, s, table, &tables, &f.text)
}

/// Imports read tables as new items (one revision per changed file, one transaction), or
/// answers the import page with every problem, `text` kept.
fn import_tables(
    state: &AppState,
    s: &workspace::accounts::Session,
    table: &str,
    tables: &[sheets::RawTable],
    text: &str,
) -> Result<Response, AppError> {
    let refused = |problems: Vec<sheets::CellError>| {
        (StatusCode::UNPROCESSABLE_ENTITY, Html(import_html(&s.csrf, table, text, &problems)))
            .into_response()
    };
    // Read, import and write under one lock: no other change can come in between.
    let mut ws = state.ws()?;
    let done = match sheets::import(ws.files()?, tables, "imported.yaml") {
        Ok(d) => d,
        Err(e) => return Ok(refused(e.problems().to_vec())),
    };
    let summary = format!("added {} {table} from a spreadsheet", done.added.len());
    match ws.write_files(&done.files, &s.account.name, &summary) {
        Ok(_) => Ok(Redirect::to("/revisions").into_response()),
        Err(workspace::edit::EditError::Invalid(errors)) => Ok(refused(
            errors
                .into_iter()
                .map(|e| sheets::CellError {
                    sheet: table.to_string(),
                    row: 0,
                    column: None,
                    message: e.message,
                    fix: e.help.unwrap_or_default(),
                    rule: e.rule,
                })
                .collect(),
        )),
        Err(other) => Err(other.into()),
    }
}

/// A refused upload: the import page with one problem.
fn upload_refused(csrf: &str, table: &str, message: &str, fix: &str) -> Response {
    let problem = sheets::CellError {
        sheet: table.to_string(),
        row: 0,
        column: None,
        message: message.to_string(),
        fix: fix.to_string(),
        rule: None,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Html(import_html(csrf, table, "", &[problem])))
        .into_response()
}

/// `POST /import/file`: an uploaded XLSX workbook or CSV file (`multipart/form-data`), imported
/// as pasted rows are.
pub(crate) async fn import_upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    // The role first, then the body, then the CSRF token, as for every form.
    w.role(Role::Editor)?;
    let body = crate::body(body)?;
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let parts = crate::multipart::parse(content_type, &body).await.map_err(AppError::BadRequest)?;
    let lang = crate::lang::current();
    let text = |name: &str| {
        parts.iter().find(|p| p.name == name).and_then(|p| std::str::from_utf8(&p.content).ok())
    };
    let s = w.require(Role::Editor, text("csrf"))?;
    let table = text("table")
        .and_then(|t| IMPORT_TABLES.iter().find(|x| **x == t))
        .copied()
        .unwrap_or("initiatives");
    let Some(file) = parts.iter().find(|p| p.name == "file" && !p.content.is_empty()) else {
        return Ok(upload_refused(
            &s.csrf,
            table,
            &t!(lang, "throughline-ws-upload-no-file"),
            &t!(lang, "throughline-ws-upload-no-file-fix"),
        ));
    };
    let name = file.filename.clone().unwrap_or_default().to_ascii_lowercase();
    // An XLSX file is a ZIP archive: its first bytes say so, whatever its name.
    let read = if file.content.starts_with(b"PK\x03\x04") || name.ends_with(".xlsx") {
        sheets::read_xlsx(&file.content)
    } else {
        match std::str::from_utf8(&file.content) {
            Ok(text) => sheets::read_csv(table, text).map(|t| vec![t]),
            Err(_) => {
                return Ok(upload_refused(
                    &s.csrf,
                    table,
                    &t!(lang, "throughline-ws-upload-unreadable"),
                    &t!(lang, "throughline-ws-upload-unreadable-fix"),
                ));
            }
        }
    };
    match read {
        Ok(tables) => import_tables(&state, s, table, &tables, ""),
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(import_html(&s.csrf, table, "", e.problems())),
        )
            .into_response()),
    }
}

/// The revision a report page shows.
pub const REVISION_HEADER: &str = "x-throughline-revision";
/// Present (`1`) when a newer revision or newer data is being built and the page is the last
/// one built.
pub const UPDATING_HEADER: &str = "x-throughline-updating";

/// Whether the query string says an edit was just saved (`?saved`, set by the edit form's
/// redirect), so the page can say so.
fn saved(query: &RawQuery) -> bool {
    query
        .0
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "saved" || p.starts_with("saved=")))
}

pub(crate) async fn page_index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response, AppError> {
    serve_page(state, headers, "index.html".into(), saved(&query)).await
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(path): Path<String>,
    query: RawQuery,
) -> Result<Response, AppError> {
    // The API answers JSON, also for paths it does not have.
    if path.starts_with("api/") {
        return Err(AppError::NotFound(format!("no API route /{}", truncate(&path))));
    }
    if path.contains("..") {
        return Ok(not_found(&path));
    }
    serve_page(state, headers, path, saved(&query)).await
}

fn truncate(s: &str) -> String {
    s.chars().take(limits::ID).collect()
}

/// The 404 page for browsers: which page was not found, and the way back.
fn not_found(path: &str) -> Response {
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-ws-not-found");
    let body = html! {
        h1 { (title) }
        p { (t!(lang, "throughline-ws-no-page", truncate(path))) }
        p { a href="/" { (t!(lang, "throughline-ws-back")) } }
    };
    (StatusCode::NOT_FOUND, Html(shell(&title, body))).into_response()
}

/// A form's alert: what went wrong, next to where it went wrong.
pub(crate) fn alert(message: impl maud::Render) -> Markup {
    html! { p class="bad" role="alert" { (message) } }
}

/// A hidden CSRF field, in every form that writes.
pub(crate) fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

pub(crate) fn login_html(error: Option<&str>, wiki: bool) -> String {
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-ws-login");
    shell(
        &title,
        html! {
            h1 { (title) }
            @if let Some(e) = error { (alert(e)) }
            @if wiki {
                p { a href="/oauth/start" { (t!(lang, "throughline-ws-login-wiki")) } }
                p class="legend" { (t!(lang, "throughline-ws-login-local")) }
            }
            form method="post" action="/login" {
                p { label { (t!(lang, "throughline-ws-name")) br; input name="name" autocomplete="username" required; } }
                p {
                    label {
                        (t!(lang, "throughline-ws-password")) br;
                        input name="password" type="password" autocomplete="current-password" required;
                    }
                }
                p { button type="submit" { (title) } }
            }
        },
    )
}

pub(crate) async fn login_form(State(state): State<Arc<AppState>>) -> Html<String> {
    Html(login_html(None, state.oauth.is_some()))
}

/// A YAML scalar as people read it: quotes removed.
pub(crate) fn display(raw: &str) -> String {
    let t = raw.trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
    } else if let Some(inner) = t.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        t.to_string()
    }
}

/// The value a form shows for a field: lists as entries, quoted scalars unquoted, an absent
/// true/false key as `false`. The merge view compares these.
pub(crate) fn form_value(item: &ItemView, f: &workspace::edit::FieldView) -> String {
    if f.list {
        return f.value.clone();
    }
    let is_bool = matches!(item.kind.record().field(f.key).map(|r| &r.shape), Some(Shape::Bool));
    match display(&f.value) {
        o if o.is_empty() && is_bool => "false".to_string(),
        o => o,
    }
}

pub(crate) fn edit_html(
    item: &ItemView,
    back: &str,
    csrf: &str,
    errors: &[FieldError],
    typed: &BTreeMap<String, String>,
    saved: bool,
) -> String {
    let lang = crate::lang::current();
    let body = html! {
        h1 { (rich(lang, "throughline-ws-edit-heading", &[item.kind.name().into(), Arg::Slot], &[(2, html! { code { (item.id) } })])) }
        @if saved { p class="saved" role="status" { (t!(lang, "throughline-ws-saved")) } }
        p class="legend" {
            (rich(lang, "throughline-ws-edit-where", &[item.path.as_str().into(), item.revision.to_string().into(), Arg::Slot], &[(3, html! { code { "throughline check" } })]))
        }
        @for e in errors.iter().filter(|e| e.field.is_none()) { (alert(finding(e.rule, &e.message))) }
        form method="post" {
            (csrf_field(csrf))
            input type="hidden" name="digest" value=(item.digest);
            @for f in item.fields.iter().filter(|f| f.editable) {
                @let shape = item.kind.record().field(f.key).map(|r| &r.shape);
                @let is_bool = matches!(shape, Some(Shape::Bool));
                @let original = form_value(item, f);
                @let current = typed.get(f.key).cloned().unwrap_or_else(|| original.clone());
                @let field_errors: Vec<&FieldError> = errors.iter().filter(|e| e.field.as_deref() == Some(f.key)).collect();
                p {
                    label for={ "f-" (f.key) } { strong { (f.key) } " " span class="legend" { (f.doc) } }
                    br;
                    input type="hidden" name={ "orig." (f.key) } value=(original);
                    @if is_bool {
                        // An unticked box sends nothing: the hidden `false` before it is what
                        // the form sends then (the last value of a name wins).
                        input type="hidden" name={ "f." (f.key) } value="false";
                        input id={ "f-" (f.key) } type="checkbox" name={ "f." (f.key) } value="true" checked[current == "true"];
                    } @else if matches!(shape, Some(Shape::Date)) && (current.is_empty() || model::Date::parse(&current).is_some_and(|d| d.to_string() == current)) {
                        // A date input only for full dates: a browser would empty `2026-03`.
                        input id={ "f-" (f.key) } type="date" name={ "f." (f.key) } value=(current) aria-invalid=[(!field_errors.is_empty()).then_some("true")];
                    } @else if f.list {
                        span class="legend" { (list_hint(lang, shape)) } br;
                        textarea id={ "f-" (f.key) } name={ "f." (f.key) } rows="3" cols="60" aria-invalid=[(!field_errors.is_empty()).then_some("true")] { (current) }
                    } @else if f.choices.is_empty() {
                        input id={ "f-" (f.key) } name={ "f." (f.key) } value=(current) size="60" aria-invalid=[(!field_errors.is_empty()).then_some("true")];
                    } @else {
                        select id={ "f-" (f.key) } name={ "f." (f.key) } {
                            option value="" {}
                            @for c in &f.choices { option selected[*c == current] { (c) } }
                        }
                    }
                    @for e in field_errors {
                        br;
                        span class="bad field-error" role="alert" { (finding(e.rule, &e.message)) }
                        @if let Some(h) = &e.help { " " span class="legend" { (help(e.rule, h)) } }
                    }
                }
            }
            p { button type="submit" { (t!(lang, "throughline-ws-save")) } " " a href=(back) { (t!(lang, "throughline-ws-cancel")) } }
        }
        @if item.kind != ItemKind::Link {
            h2 { (t!(lang, "throughline-ws-rename")) }
            form method="post" action={ "/rename/" (item.kind.name()) "/" (item.id) } {
                (csrf_field(csrf))
                input type="hidden" name="digest" value=(item.digest);
                p {
                    label for="r-id" { strong { (t!(lang, "throughline-ws-new-id")) } " " span class="legend" { (t!(lang, "throughline-ws-new-id-hint")) } }
                    br;
                    input id="r-id" name="new_id" value=(typed.get("new_id").map_or(item.id.as_str(), String::as_str)) size="40" aria-invalid=[errors.iter().any(|e| e.field.as_deref() == Some("id")).then_some("true")];
                    @for e in errors.iter().filter(|e| e.field.as_deref() == Some("id")) {
                        br; span class="bad field-error" role="alert" { (finding(e.rule, &e.message)) }
                    }
                    " " button type="submit" { (t!(lang, "throughline-ws-rename")) }
                }
            }
        }
        h2 { (t!(lang, "throughline-ws-delete")) }
        p { a class="delete" href={ "/delete/" (item.kind.name()) "/" (item.id) } { (t!(lang, "throughline-ws-delete-this")) } " " span class="legend" { (t!(lang, "throughline-ws-delete-hint")) } }
    };
    shell(&t!(lang, "throughline-ws-edit-title", item.id.as_str()), body)
}

/// How a list field is typed into one box.
pub(crate) fn list_hint(lang: report::page::Lang, shape: Option<&Shape>) -> String {
    match shape {
        Some(Shape::List(Shape::Text | Shape::LongText | Shape::OneOf(_))) => {
            t!(lang, "throughline-ws-list-lines")
        }
        _ => t!(lang, "throughline-ws-list-semicolons"),
    }
}

pub(crate) async fn edit_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let s = match crate::structure::editor(&w)? {
        Ok(s) => s,
        Err(login) => return Ok(login),
    };
    let kind = kind_of(&kind)?;
    let item = state.ws()?.item(kind, crate::item_id(&id)?)?;
    Ok(Html(edit_html(
        &item,
        &item_page_in(&state, item.kind, &item.id),
        &s.csrf,
        &[],
        &BTreeMap::new(),
        saved(&query),
    ))
    .into_response())
}

pub(crate) async fn edit_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    payload: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, form) = w.authorise_form(Role::Editor, payload)?;
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let kind = kind_of(&kind)?;
    let id = crate::item_id(&id)?.to_string();
    let base = match (get("digest"), get("revision").and_then(|r| r.parse().ok())) {
        (Some(d), _) => workspace::edit::Base::Item(d.to_string()),
        (None, Some(r)) => workspace::edit::Base::Revision(r),
        (None, None) => return Err(AppError::BadRequest("the form has no digest".into())),
    };
    // The last value of each field wins (a ticked checkbox comes after its hidden `false`).
    let mut typed = BTreeMap::new();
    for (name, value) in &form {
        if let Some(key) = name.strip_prefix("f.") {
            typed.insert(key.to_string(), value.clone());
        }
    }
    let changes: BTreeMap<String, String> = typed
        .iter()
        .filter(|(key, value)| get(&format!("orig.{key}")) != Some(value.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if changes.is_empty() {
        return Ok(Redirect::to(&item_page_in(&state, kind, &id)).into_response());
    }
    let result = state.ws()?.edit(kind, &id, &changes, &base, &s.account.name);
    match result {
        Ok(edited) => {
            // The query goes before a `#node-…` fragment.
            let page = match &edited.node {
                Some(n) => node_page(n),
                None => item_page(kind, &id),
            };
            let saved = match page.split_once('#') {
                Some((path, fragment)) => format!("{path}?saved#{fragment}"),
                None => format!("{page}?saved"),
            };
            Ok(Redirect::to(&saved).into_response())
        }
        Err(workspace::edit::EditError::Invalid(errors)) => {
            let item = state.ws()?.item(kind, &id)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(edit_html(
                    &item,
                    &item_page_in(&state, item.kind, &item.id),
                    &s.csrf,
                    &errors,
                    &typed,
                    false,
                )),
            )
                .into_response())
        }
        Err(workspace::edit::EditError::ItemChanged { .. }) => {
            let item = state.ws()?.item(kind, &id)?;
            let original: BTreeMap<String, String> = form
                .iter()
                .filter_map(|(n, v)| Some((n.strip_prefix("orig.")?.to_string(), v.clone())))
                .collect();
            Ok((
                StatusCode::CONFLICT,
                Html(crate::structure::merge_html(&item, &s.csrf, &original, &typed)),
            )
                .into_response())
        }
        Err(workspace::edit::EditError::Conflict { .. }) => {
            let item = state.ws()?.item(kind, &id)?;
            let errors = vec![FieldError {
                field: None,
                message: t!(crate::lang::current(), "throughline-ws-file-changed"),
                help: None,
                rule: None,
            }];
            Ok((
                StatusCode::CONFLICT,
                Html(edit_html(
                    &item,
                    &item_page_in(&state, item.kind, &item.id),
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

/// Where an item is shown, looked up in the current model: a goal has its own page, another
/// step is shown on its program's page (as the report links it); anything else as
/// [`item_page`].
pub(crate) fn item_page_in(state: &AppState, kind: ItemKind, id: &str) -> String {
    if kind == ItemKind::Node {
        let checked = state.ws().ok().and_then(|w| w.checked().ok());
        if let Some(n) =
            checked.as_ref().and_then(|c| c.model.nodes.iter().find(|n| n.id.as_str() == id))
        {
            return node_page(n);
        }
    }
    item_page(kind, id)
}

/// Where a step is shown: a goal on its own page, another step on its program's diagram.
fn node_page(n: &model::Node) -> String {
    match (&n.program, &n.kind) {
        (_, model::NodeKind::Goal) => item_page(ItemKind::Node, n.id.as_str()),
        (Some(p), _) => format!("/programs/{p}.html#node-{}", n.id),
        (None, _) => "/".into(),
    }
}

/// Where an item is shown, from its kind alone (a node is taken for a goal: see
/// [`item_page_in`]).
pub(crate) fn item_page(kind: ItemKind, id: &str) -> String {
    match kind {
        ItemKind::Initiative => format!("/initiatives/{id}.html"),
        ItemKind::Node => format!("/goals/{id}.html"),
        ItemKind::Indicator => "/rba.html".into(),
        ItemKind::Program => format!("/programs/{id}.html"),
        ItemKind::Link | ItemKind::Team | ItemKind::Audience => {
            format!("/edit/{}/{id}", kind.name())
        }
    }
}

pub(crate) async fn revisions_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let list = state.ws()?.revisions(None, 200)?;
    let can_restore = w.session.as_ref().filter(|s| s.account.role >= Role::Editor);
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-nav-revisions");
    let body = html! {
        h1 { (title) }
        table {
            (thead(&[("#", false), (&t!(lang, "throughline-ws-col-file"), false), (&t!(lang, "throughline-ws-col-what"), false), (&t!(lang, "throughline-ws-col-who"), false), (&t!(lang, "throughline-ws-col-when"), false), ("", false)]))
            tbody {
                @for r in &list {
                    tr {
                        td class="num" { (r.id) }
                        td { (r.path) } td { (r.summary) } td { (r.author) } td { (r.at) }
                        td {
                            @if let Some(s) = can_restore {
                                form method="post" action={ "/revisions/" (r.id) "/restore" } {
                                    (csrf_field(&s.csrf))
                                    button type="submit" { (t!(lang, "throughline-ws-restore")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(shell(&title, body)).into_response())
}

pub(crate) async fn restore_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    payload: Result<Form<crate::CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, _) = w.authorise_form(Role::Editor, payload)?;
    state.ws()?.restore(id, &s.account.name)?;
    Ok(Redirect::to("/revisions").into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct CommentForm {
    csrf: Option<String>,
    target: String,
    kind: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    round: Option<String>,
}

pub(crate) async fn comment_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Form<CommentForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, form) = w.authorise_form(Role::Contributor, payload)?;
    let kind = workspace::consult::Kind::parse(&form.kind).ok_or_else(|| {
        AppError::BadRequest("kind is comment, endorse, concern or proposal".into())
    })?;
    let round = match form.round.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            Some(r.parse::<i64>().map_err(|_| AppError::BadRequest("round is a number".into()))?)
        }
    };
    state.ws()?.contribute(round, form.target.trim(), kind, &form.body, &s.account.name)?;
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(same_origin_path)
        .unwrap_or_else(|| "/".into());
    Ok(Redirect::to(&back).into_response())
}

/// The path (with query) of a `Referer`, if it is a path on this site: it starts with exactly
/// one `/` (not `//` or `/\`, which browsers read as another host), with no backslash or
/// control character anywhere. An absolute URL contributes only its path, so the redirect
/// can never leave this origin.
pub(crate) fn same_origin_path(referer: &str) -> Option<String> {
    let path = match referer.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            &rest[rest.find('/')?..]
        }
        _ => referer,
    };
    let path = path.split('#').next().unwrap_or_default();
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| path.to_string())
}

/// The consultation rounds, with a form to open one (admins).
pub(crate) async fn rounds_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let rounds = state.ws()?.rounds()?;
    let admin = w.session.as_ref().filter(|s| s.account.role >= Role::Admin);
    let lang = crate::lang::current();
    let title = t!(lang, "throughline-nav-consultation");
    let body = html! {
        h1 { (title) }
        p { (t!(lang, "throughline-ws-rounds-intro")) }
        table {
            (thead(&[(&t!(lang, "throughline-ws-col-round"), false), (&t!(lang, "throughline-ws-col-on"), false), (&t!(lang, "throughline-ws-col-opened"), false), (&t!(lang, "throughline-ws-col-state"), false)]))
            tbody {
                @for r in &rounds {
                    tr {
                        th scope="row" { a href={ "/rounds/" (r.id) } { (r.title) } }
                        td { (r.scope) }
                        td { (t!(lang, "throughline-ws-opened-by", r.opened_at.to_string(), r.opened_by.as_str())) }
                        td { (if r.closed_at.is_some() { t!(lang, "throughline-ws-round-closed") } else { t!(lang, "throughline-ws-round-open") }) }
                    }
                }
            }
        }
        @if let Some(s) = admin {
            h2 { (t!(lang, "throughline-ws-round-new")) }
            form method="post" action="/rounds" {
                (csrf_field(&s.csrf))
                p { label { (rich(lang, "throughline-ws-round-scope", &[Arg::Slot], &[(1, html! { code { "plan" } })])) br; input name="scope" required; } }
                p { label { (t!(lang, "throughline-ws-round-title")) br; input name="title" size="60" required; } }
                p { button type="submit" { (t!(lang, "throughline-ws-round-open-button")) } }
            }
        }
    };
    Ok(Html(shell(&title, body)).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct RoundForm {
    csrf: Option<String>,
    scope: String,
    title: String,
}

pub(crate) async fn round_open(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Form<RoundForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, form) = w.authorise_form(Role::Admin, payload)?;
    let r = state.ws()?.open_round(form.scope.trim(), &form.title, &s.account.name)?;
    Ok(Redirect::to(&format!("/rounds/{}", r.id)).into_response())
}

/// A round: the organiser's summary by target, every contribution, and the form to add one.
pub(crate) async fn round_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let round = state
        .ws()?
        .rounds()?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound(format!("round {id}")))?;
    let summary = state.ws()?.round_summary(id)?;
    let all: Vec<_> =
        state.ws()?.contributions(None)?.into_iter().filter(|c| c.round == Some(id)).collect();
    let lang = crate::lang::current();
    let state_word = if round.closed_at.is_some() {
        t!(lang, "throughline-ws-round-closed")
    } else {
        t!(lang, "throughline-ws-round-open")
    };
    let body = html! {
        h1 { (round.title) }
        p {
            (rich(lang, "throughline-ws-round-about", &[Arg::Slot, round.opened_at.as_str().into(), round.opened_by.as_str().into(), state_word.into()], &[(1, html! { code { (round.scope) } })]))
        }
        h2 { (t!(lang, "throughline-ws-round-summary")) }
        table {
            (thead(&[
                (&t!(lang, "throughline-ws-col-about"), false),
                (&t!(lang, "throughline-ws-col-endorsements"), false),
                (&t!(lang, "throughline-ws-col-concerns"), false),
                (&t!(lang, "throughline-ws-comments"), false),
                (&t!(lang, "throughline-ws-col-proposals"), false),
                (&t!(lang, "throughline-ws-col-concerns-to-answer"), false),
            ]))
            tbody {
                @for (target, t) in &summary {
                    @let n = |k: &str| t.counts.get(k).copied().unwrap_or(0);
                    tr {
                        th scope="row" { (target) }
                        td class="num" { (n("endorse")) }
                        td class="num" { (n("concern")) }
                        td class="num" { (n("comment")) }
                        td class="num" { (n("proposal")) }
                        td { @for (k, c) in t.concerns.iter().enumerate() { @if k > 0 { br; } (c) } }
                    }
                }
            }
        }
        h2 { (t!(lang, "throughline-ws-contributions")) }
        ul class="comments" { @for c in &all { (contribution(c, true)) } }
        @if round.closed_at.is_none() {
            @match &w.session {
                Some(s) if s.account.role >= Role::Contributor => {
                    h2 { (t!(lang, "throughline-ws-contribute")) }
                    form method="post" action="/comments" {
                        (csrf_field(&s.csrf))
                        input type="hidden" name="round" value=(id);
                        p {
                            label {
                                (t!(lang, "throughline-ws-contribute-about")) br;
                                input name="target" value=(round.scope) required;
                            }
                        }
                        p { (kind_select()) }
                        p { label { (t!(lang, "throughline-ws-text")) br; textarea name="body" rows="4" cols="60" {} } }
                        p { button type="submit" { (t!(lang, "throughline-ws-post")) } }
                    }
                    @if s.account.role >= Role::Admin {
                        form method="post" action={ "/rounds/" (id) "/close" } {
                            (csrf_field(&s.csrf))
                            button type="submit" { (t!(lang, "throughline-ws-round-close")) }
                        }
                    }
                }
                Some(_) => p class="legend" { (t!(lang, "throughline-ws-contributors-take-part")) },
                None => p class="legend" { (rich(lang, "throughline-ws-login-to-take-part", &[Arg::Slot], &[(1, html! { a href="/login" { (t!(lang, "throughline-ws-login")) } })])) },
            }
        }
    };
    Ok(Html(shell(&round.title, body)).into_response())
}

pub(crate) async fn round_close(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    payload: Result<Form<crate::CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    w.authorise_form(Role::Admin, payload)?;
    state.ws()?.close_round(id)?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

impl crate::Csrf for CommentForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

impl crate::Csrf for RoundForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

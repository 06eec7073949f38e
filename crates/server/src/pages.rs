//! HTML pages: the report of the current revision with an account bar, edit links and comments
//! added, the login form, edit forms with errors next to their fields, and the revision list.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use workspace::Role;
use workspace::edit::{FieldError, ItemKind, ItemView};

use crate::{AppError, AppState, Who, kind_of, who};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Rules for the server's own markup, appended to the report's stylesheet (the pages carry no
/// inline style, so the Content-Security-Policy needs no `'unsafe-inline'`).
const SERVER_CSS: &str = "\n/* throughline serve */\n.account form { display: inline; }\n.updating { background: #fff4ce; padding: 0.3em 0.6em; }\n";

/// The pages to answer with, and whether they are stale (a newer revision or newer data is
/// being built in the background). Readers never wait for a rebuild: once any pages exist, a
/// change starts a background build and readers get the last built pages, marked stale, until
/// it lands. Only the very first build is waited for.
async fn site(state: &Arc<AppState>) -> Result<(crate::Site, bool), AppError> {
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
                    state.cached_site().as_ref().and_then(|s| s.files.get("style.css"))
                {
                    kept.insert("style.css".to_string(), css.clone());
                }
                Arc::new(crate::Pages {
                    head,
                    data: fingerprint(state).await,
                    files: kept,
                    edit_links: HashMap::new(),
                    failure: Some(failure),
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
    let mut map = HashMap::new();
    let mut edit_links = HashMap::new();
    if checked.is_ok() {
        for p in &checked.model.programs {
            edit_links.insert(
                format!("programs/{}.html", p.id),
                program_edit_links(&checked.model, p.id.as_str()),
            );
        }
        let opts = report::Options {
            samples: st.samples,
            measured: st.measured.measured(&checked.model),
            ..report::Options::default()
        };
        for f in (st.builder)(&checked.model, &opts)? {
            let mut contents =
                if f.path.ends_with(".html") { safe_links(&f.contents) } else { f.contents };
            if f.path == "style.css" {
                contents.push_str(SERVER_CSS);
            }
            map.insert(f.path, contents);
        }
    } else {
        let mut body = String::from(
            "<h1>The model has errors</h1><p>Fix them (edit the items below, or restore a revision) to see the pages.</p><ul>",
        );
        for d in checked.diagnostics.iter().filter(|d| d.severity() == modelfile::Severity::Error) {
            body.push_str(&format!("<li>{}</li>", esc(&d.message)));
        }
        body.push_str("</ul><p><a href=\"/revisions\">Revisions</a></p>");
        map.insert("index.html".into(), shell("Model errors", &body));
    }
    // Taken after the measurements were read: reading imports local files into the store.
    let data = st.measured.fingerprint();
    Ok(Arc::new(crate::Pages { head, data, files: map, edit_links, failure: None }))
}

/// `html` with the target of every `href` and `src` that is not an allowed link replaced by
/// `#` (defence in depth: the checker also refuses such URLs in the model, and the
/// Content-Security-Policy blocks `javascript:` URLs).
pub(crate) fn safe_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min_by_key(|(i, _)| *i);
        let Some((at, len)) = next else { break };
        let value_start = at + len;
        let Some(value_len) = rest[value_start..].find('"') else { break };
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..value_start + value_len];
        out.push_str(if model::link_target::is_allowed(value) { value } else { "#" });
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// The page that stands in for a report page whose build failed.
fn failed_page(head: i64, why: &str, bar: &str) -> Response {
    let body = format!(
        "{bar}<h1>This page could not be built</h1><p role=\"alert\">The pages of revision {head} could not be built: {}</p><p>The rest of the workspace works: undo the change that caused it on the <a href=\"/revisions\">revisions</a> page (restore the revision before it), or edit the item again. The pages are built afresh from the next revision.</p>",
        esc(why)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(shell("Page not built", &body))).into_response()
}

/// A minimal page for the application's own screens, using the report's stylesheet.
pub(crate) fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{t}</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n<header><a class=\"model\" href=\"/\">throughline</a><nav aria-label=\"Workspace\"><ul><li><a href=\"/\">Overview</a></li><li><a href=\"/revisions\">Revisions</a></li><li><a href=\"/rounds\">Consultation</a></li></ul></nav></header>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        t = esc(title)
    )
}

fn account_bar(w: &Who) -> String {
    match &w.session {
        Some(s) => format!(
            "<div class=\"account\">{} ({}) <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Log out</button></form> · <a href=\"/revisions\">Revisions</a> · <a href=\"/rounds\">Consultation</a></div>",
            esc(&s.account.name),
            s.account.role.key(),
            esc(&s.csrf)
        ),
        None => "<div class=\"account\"><a href=\"/login\">Log in</a> · <a href=\"/revisions\">Revisions</a> · <a href=\"/rounds\">Consultation</a></div>".into(),
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
fn program_edit_links(m: &model::Model, program: &str) -> String {
    let of_program: HashMap<&str, bool> = m
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.program.as_ref().is_some_and(|p| p.as_str() == program)))
        .collect();
    let mine = |id: &model::Id| of_program.get(id.as_str()).copied().unwrap_or(false);
    let mut s = String::from("<section id=\"edit\"><h2>Edit this program</h2><p>Steps:</p><ul>");
    for n in m.nodes.iter().filter(|n| mine(&n.id)) {
        s.push_str(&format!(
            "<li><a href=\"/edit/node/{id}\">{}</a></li>",
            esc(&n.name),
            id = esc(n.id.as_str())
        ));
    }
    s.push_str("</ul><p>Links:</p><ul>");
    for l in m.links.iter().filter(|l| mine(&l.from) || mine(&l.to)) {
        s.push_str(&format!(
            "<li><a href=\"/edit/link/{f}:{t}\">{f} → {t}</a></li>",
            f = esc(l.from.as_str()),
            t = esc(l.to.as_str())
        ));
    }
    s.push_str("</ul></section>");
    s
}

fn comments_section(state: &AppState, w: &Who, target: &str) -> Result<String, AppError> {
    let list = state.ws()?.contributions(Some(target))?;
    let mut s = String::from("<section id=\"comments\"><h2>Comments</h2>");
    if list.is_empty() {
        s.push_str("<p>No comments yet.</p>");
    }
    s.push_str("<ul class=\"comments\">");
    for c in &list {
        s.push_str(&format!(
            "<li><strong>{}</strong> <span class=\"legend\">{} · {}</span><br>{}</li>",
            esc(&c.author),
            c.kind.key(),
            esc(&c.at),
            esc(&c.body)
        ));
    }
    s.push_str("</ul>");
    match &w.session {
        Some(sess) if sess.account.role >= Role::Contributor => s.push_str(&format!(
            "<form method=\"post\" action=\"/comments\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"target\" value=\"{}\"><label>Kind <select name=\"kind\"><option>comment</option><option>endorse</option><option>concern</option><option>proposal</option></select></label><br><label>Text<br><textarea name=\"body\" rows=\"3\" cols=\"60\"></textarea></label><br><button type=\"submit\">Post</button></form>",
            esc(&sess.csrf),
            esc(target)
        )),
        Some(_) => s.push_str("<p class=\"legend\">Contributors can comment.</p>"),
        None => s.push_str("<p class=\"legend\"><a href=\"/login\">Log in</a> to comment.</p>"),
    }
    s.push_str("</section>");
    Ok(s)
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
) -> Result<Response, AppError> {
    let (site, stale) = site(&state).await?;
    let mut resp = page_of(&state, &headers, &path, &site, stale)?;
    resp.headers_mut().insert(REVISION_HEADER, site.head.into());
    if stale {
        resp.headers_mut().insert(UPDATING_HEADER, HeaderValue::from_static("1"));
    }
    Ok(resp)
}

/// A report page of `site` with the account bar, edit links and comments added; the error page
/// when the revision's pages could not be built.
fn page_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: &str,
    site: &crate::Site,
    stale: bool,
) -> Result<Response, AppError> {
    if let Some(why) = &site.failure
        && !site.files.contains_key(path)
    {
        let w = who(state, headers)?;
        return Ok(failed_page(site.head, why, &account_bar(&w)));
    }
    let Some(contents) = site.files.get(path) else {
        return Err(AppError::NotFound(format!("no page {path}")));
    };
    if !path.ends_with(".html") {
        return Ok(([(header::CONTENT_TYPE, content_type(path))], contents.clone()).into_response());
    }
    let w = who(state, headers)?;
    let mut html = contents.clone();
    let mut bar = account_bar(&w);
    if let Some((kind, id)) = item_of(path) {
        bar.push_str(&format!(
            " <a class=\"edit\" href=\"/edit/{}/{}\">Edit this {}</a>",
            kind.name(),
            esc(id),
            kind.name()
        ));
        let comments = comments_section(state, &w, id)?;
        if let Some(at) = html.find("<footer>") {
            html.insert_str(at, &comments);
        }
    }
    if let Some(edits) = site.edit_links.get(path)
        && w.session.as_ref().is_some_and(|s| s.account.role >= Role::Editor)
        && let Some(at) = html.find("<footer>")
    {
        html.insert_str(at, edits);
    }
    if stale {
        // A newer revision or newer data is being built: say so, and look again shortly (a
        // refresh, not a script: the pages carry none).
        bar.push_str(&format!(
            "<p class=\"updating\" role=\"status\">Updating… this page shows revision {} and refreshes by itself when the newest is ready.</p>",
            site.head
        ));
        if let Some(at) = html.find("</head>") {
            html.insert_str(at, "<meta http-equiv=\"refresh\" content=\"2\">");
        }
    }
    if let Some(at) = html.find("</nav>") {
        html.insert_str(at + "</nav>".len(), &bar);
    }
    Ok(([(header::CONTENT_TYPE, content_type(path))], html).into_response())
}

/// The revision a report page shows.
pub const REVISION_HEADER: &str = "x-throughline-revision";
/// Present (`1`) when a newer revision or newer data is being built and the page is the last
/// one built.
pub const UPDATING_HEADER: &str = "x-throughline-updating";

pub(crate) async fn page_index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    serve_page(state, headers, "index.html".into()).await
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Result<Response, AppError> {
    if path.contains("..") {
        return Err(AppError::NotFound("no such page".into()));
    }
    serve_page(state, headers, path).await
}

pub(crate) fn login_html(error: Option<&str>, wiki: bool) -> String {
    let err = error
        .map(|e| format!("<p class=\"bad\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    let wiki = if wiki {
        "<p><a href=\"/oauth/start\">Log in with your wiki account</a></p><p class=\"legend\">Or with a local account:</p>"
    } else {
        ""
    };
    shell(
        "Log in",
        &format!(
            "<h1>Log in</h1>{err}{wiki}<form method=\"post\" action=\"/login\"><p><label>Name<br><input name=\"name\" autocomplete=\"username\" required></label></p><p><label>Password<br><input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p><p><button type=\"submit\">Log in</button></p></form>"
        ),
    )
}

pub(crate) async fn login_form(State(state): State<Arc<AppState>>) -> Html<String> {
    Html(login_html(None, state.oauth.is_some()))
}

/// A YAML scalar as people read it: quotes removed.
fn display(raw: &str) -> String {
    let t = raw.trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
    } else if let Some(inner) = t.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        t.to_string()
    }
}

fn edit_html(
    item: &ItemView,
    csrf: &str,
    errors: &[FieldError],
    typed: &BTreeMap<String, String>,
) -> String {
    let mut b = format!(
        "<h1>Edit {} <code>{}</code></h1><p class=\"legend\">In {} (revision {}). Changes are checked like <code>throughline check</code> and saved as a new revision.</p>",
        item.kind.name(),
        esc(&item.id),
        esc(&item.path),
        item.revision
    );
    for e in errors.iter().filter(|e| e.field.is_none()) {
        b.push_str(&format!("<p class=\"bad\" role=\"alert\">{}</p>", esc(&e.message)));
    }
    b.push_str(&format!(
        "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"revision\" value=\"{}\">",
        esc(csrf),
        item.revision
    ));
    for f in item.fields.iter().filter(|f| f.editable) {
        let original = display(&f.value);
        let current = typed.get(f.key).cloned().unwrap_or_else(|| original.clone());
        let field_errors: Vec<&FieldError> =
            errors.iter().filter(|e| e.field.as_deref() == Some(f.key)).collect();
        b.push_str(&format!(
            "<p><label for=\"f-{k}\"><strong>{k}</strong> <span class=\"legend\">{doc}</span></label><br><input type=\"hidden\" name=\"orig.{k}\" value=\"{o}\">",
            k = f.key,
            doc = esc(f.doc),
            o = esc(&original)
        ));
        if f.choices.is_empty() {
            b.push_str(&format!(
                "<input id=\"f-{k}\" name=\"f.{k}\" value=\"{v}\" size=\"60\"{inv}>",
                k = f.key,
                v = esc(&current),
                inv = if field_errors.is_empty() { "" } else { " aria-invalid=\"true\"" }
            ));
        } else {
            b.push_str(&format!(
                "<select id=\"f-{k}\" name=\"f.{k}\"><option value=\"\"></option>",
                k = f.key
            ));
            for c in &f.choices {
                let sel = if *c == current { " selected" } else { "" };
                b.push_str(&format!("<option{sel}>{c}</option>"));
            }
            b.push_str("</select>");
        }
        for e in field_errors {
            b.push_str(&format!(
                "<br><span class=\"bad field-error\" role=\"alert\">{}</span>{}",
                esc(&e.message),
                e.help
                    .as_deref()
                    .map(|h| format!(" <span class=\"legend\">{}</span>", esc(h)))
                    .unwrap_or_default()
            ));
        }
        b.push_str("</p>");
    }
    b.push_str("<p><button type=\"submit\">Save</button></p></form>");
    shell(&format!("Edit {}", item.id), &b)
}

pub(crate) async fn edit_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let Some(s) = &w.session else { return Ok(Redirect::to("/login").into_response()) };
    if s.account.role < Role::Editor {
        return Err(AppError::Forbidden("editing needs the editor role".into()));
    }
    let kind = kind_of(&kind)?;
    let item = state.ws()?.item(kind, crate::item_id(&id)?)?;
    Ok(Html(edit_html(&item, &s.csrf, &[], &BTreeMap::new())).into_response())
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
    let revision: i64 = get("revision")
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| AppError::BadRequest("the form has no revision".into()))?;
    let mut typed = BTreeMap::new();
    let mut changes = BTreeMap::new();
    for (name, value) in &form {
        if let Some(key) = name.strip_prefix("f.") {
            typed.insert(key.to_string(), value.clone());
            if get(&format!("orig.{key}")) != Some(value.as_str()) {
                changes.insert(key.to_string(), value.clone());
            }
        }
    }
    if changes.is_empty() {
        return Ok(Redirect::to(&item_page(kind, &id)).into_response());
    }
    let result = state.ws()?.edit(kind, &id, &changes, revision, &s.account.name);
    match result {
        Ok(_) => Ok(Redirect::to(&item_page(kind, &id)).into_response()),
        Err(workspace::edit::EditError::Invalid(errors)) => {
            let item = state.ws()?.item(kind, &id)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(edit_html(&item, &s.csrf, &errors, &typed)))
                .into_response())
        }
        Err(workspace::edit::EditError::Conflict { .. }) => {
            let item = state.ws()?.item(kind, &id)?;
            let errors = vec![FieldError {
                field: None,
                message: "Someone saved this file after you opened the form. Your values are below; the form now shows the current revision — save again to apply them.".into(),
                help: None,
            }];
            Ok((StatusCode::CONFLICT, Html(edit_html(&item, &s.csrf, &errors, &typed)))
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

fn item_page(kind: ItemKind, id: &str) -> String {
    match kind {
        ItemKind::Initiative => format!("/initiatives/{id}.html"),
        ItemKind::Node => format!("/goals/{id}.html"),
        ItemKind::Indicator => "/rba.html".into(),
        ItemKind::Link => format!("/edit/link/{id}"),
    }
}

pub(crate) async fn revisions_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let list = state.ws()?.revisions(None, 200)?;
    let can_restore = w.session.as_ref().filter(|s| s.account.role >= Role::Editor);
    let mut b = String::from(
        "<h1>Revisions</h1><table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">File</th><th scope=\"col\">What</th><th scope=\"col\">Who</th><th scope=\"col\">When</th><th scope=\"col\"></th></tr></thead><tbody>",
    );
    for r in &list {
        let action = match can_restore {
            Some(s) => format!(
                "<form method=\"post\" action=\"/revisions/{}/restore\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Restore</button></form>",
                r.id,
                esc(&s.csrf)
            ),
            None => String::new(),
        };
        b.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            r.id,
            esc(&r.path),
            esc(&r.summary),
            esc(&r.author),
            esc(&r.at)
        ));
    }
    b.push_str("</tbody></table>");
    Ok(Html(shell("Revisions", &b)).into_response())
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
    let mut b = String::from(
        "<h1>Consultation</h1><p>Rounds in which expert communities review a program or the plan: comment, endorse, raise concerns, propose programs.</p><table><thead><tr><th scope=\"col\">Round</th><th scope=\"col\">On</th><th scope=\"col\">Opened</th><th scope=\"col\">State</th></tr></thead><tbody>",
    );
    for r in &rounds {
        b.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/rounds/{}\">{}</a></th><td>{}</td><td>{} by {}</td><td>{}</td></tr>",
            r.id,
            esc(&r.title),
            esc(&r.scope),
            esc(&r.opened_at),
            esc(&r.opened_by),
            if r.closed_at.is_some() { "closed" } else { "open" }
        ));
    }
    b.push_str("</tbody></table>");
    if let Some(s) = w.session.as_ref().filter(|s| s.account.role >= Role::Admin) {
        b.push_str(&format!(
            "<h2>Open a round</h2><form method=\"post\" action=\"/rounds\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><p><label>On (a program id, or <code>plan</code>)<br><input name=\"scope\" required></label></p><p><label>Title<br><input name=\"title\" size=\"60\" required></label></p><p><button type=\"submit\">Open</button></p></form>",
            esc(&s.csrf)
        ));
    }
    Ok(Html(shell("Consultation", &b)).into_response())
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
    let mut b = format!(
        "<h1>{}</h1><p>On <code>{}</code>; opened {} by {}; {}.</p><h2>Summary</h2><table><thead><tr><th scope=\"col\">About</th><th scope=\"col\">Endorsements</th><th scope=\"col\">Concerns</th><th scope=\"col\">Comments</th><th scope=\"col\">Proposals</th><th scope=\"col\">Concerns to answer</th></tr></thead><tbody>",
        esc(&round.title),
        esc(&round.scope),
        esc(&round.opened_at),
        esc(&round.opened_by),
        if round.closed_at.is_some() { "closed" } else { "open" }
    );
    for (target, t) in &summary {
        let n = |k: &str| t.counts.get(k).copied().unwrap_or(0);
        b.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(target),
            n("endorse"),
            n("concern"),
            n("comment"),
            n("proposal"),
            t.concerns.iter().map(|c| esc(c)).collect::<Vec<_>>().join("<br>")
        ));
    }
    b.push_str("</tbody></table><h2>Contributions</h2><ul class=\"comments\">");
    for c in &all {
        b.push_str(&format!(
            "<li><strong>{}</strong> on <code>{}</code> <span class=\"legend\">{} · {}</span><br>{}</li>",
            esc(&c.author),
            esc(&c.target),
            c.kind.key(),
            esc(&c.at),
            esc(&c.body)
        ));
    }
    b.push_str("</ul>");
    if round.closed_at.is_none() {
        match &w.session {
            Some(s) if s.account.role >= Role::Contributor => {
                b.push_str(&format!(
                    "<h2>Contribute</h2><form method=\"post\" action=\"/comments\"><input type=\"hidden\" name=\"csrf\" value=\"{c}\"><input type=\"hidden\" name=\"round\" value=\"{id}\"><p><label>About (a node, initiative or program id)<br><input name=\"target\" value=\"{scope}\" required></label></p><p><label>Kind <select name=\"kind\"><option>comment</option><option>endorse</option><option>concern</option><option>proposal</option></select></label></p><p><label>Text<br><textarea name=\"body\" rows=\"4\" cols=\"60\"></textarea></label></p><p><button type=\"submit\">Post</button></p></form>",
                    c = esc(&s.csrf),
                    scope = esc(&round.scope)
                ));
                if s.account.role >= Role::Admin {
                    b.push_str(&format!(
                        "<form method=\"post\" action=\"/rounds/{id}/close\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Close the round</button></form>",
                        esc(&s.csrf)
                    ));
                }
            }
            Some(_) => b.push_str("<p class=\"legend\">Contributors can take part.</p>"),
            None => {
                b.push_str("<p class=\"legend\"><a href=\"/login\">Log in</a> to take part.</p>")
            }
        }
    }
    Ok(Html(shell(&round.title, &b)).into_response())
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

//! `throughline serve`: the planning workspace over HTTP.
//!
//! Pages are the report (`report::build`) of the workspace's current revision, cached by
//! revision, with an account bar and edit links added; forms edit items through
//! `workspace::Workspace::edit` (checked like `check`, conflicts refused); every write needs a
//! session of a sufficient role and the session's CSRF token. The JSON API lives under
//! `/api/v1` and is described by `/api/v1/openapi.json`.
//!
//! Boundaries: handlers never return internal error text (a 500 says only that something went
//! wrong; the detail goes to stderr). The workspace database is the only state.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Json, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use workspace::edit::{EditError, ItemKind};
use workspace::{Role, Workspace};

mod oauth;
mod pages;

pub use oauth::OAuth;

/// Name of the session cookie.
pub const COOKIE: &str = "tl_session";
/// Session lifetime.
pub const SESSION_SECS: i64 = 8 * 3600;

/// What one revision of the model serves.
pub(crate) struct Pages {
    /// The report's files, by path.
    pub files: HashMap<String, String>,
    /// For editors: the edit links of each program page, by the page's path.
    pub edit_links: HashMap<String, String>,
}

/// The pages of one revision, shared by the requests that read it.
pub(crate) type Site = Arc<Pages>;

/// Shared state of a running server.
pub struct AppState {
    ws: Mutex<Workspace>,
    /// Check-in and evaluations read from the model folder's measurement store at start.
    measured: report::Measured,
    site: Mutex<Option<(i64, Site)>>,
    /// Monte Carlo samples for the pages' figures.
    samples: usize,
    /// Mark cookies `Secure` (behind HTTPS).
    secure_cookies: bool,
    /// Login with a wiki account, when configured.
    oauth: Option<OAuth>,
}

impl AppState {
    /// State over an opened workspace; `measured` feeds the check-in and evaluation pages;
    /// `oauth` enables login through a wiki's OAuth 2 provider.
    pub fn new(
        ws: Workspace,
        samples: usize,
        secure_cookies: bool,
        measured: report::Measured,
        oauth: Option<OAuth>,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            ws: Mutex::new(ws),
            measured,
            site: Mutex::new(None),
            samples,
            secure_cookies,
            oauth,
        })
    }

    /// The `Set-Cookie` value that starts a session.
    pub(crate) fn session_cookie(&self, token: &str) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!(
            "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECS}{secure}"
        )
    }

    fn ws(&self) -> Result<std::sync::MutexGuard<'_, Workspace>, AppError> {
        self.ws.lock().map_err(|_| AppError::Internal("workspace lock poisoned".into()))
    }
}

/// An error as the client sees it.
#[derive(Debug)]
pub enum AppError {
    /// 400.
    BadRequest(String),
    /// 401: log in.
    Unauthorized,
    /// 403: the role does not allow it, or the CSRF token is wrong.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
    /// 422 with field errors.
    Invalid(Vec<workspace::edit::FieldError>),
    /// 502: a service we depend on (the wiki's OAuth provider) failed.
    Upstream(String),
    /// 500: the detail is logged, never sent.
    Internal(String),
}

impl From<workspace::WorkspaceError> for AppError {
    fn from(e: workspace::WorkspaceError) -> Self {
        match e {
            workspace::WorkspaceError::NotFound(what) => AppError::NotFound(what),
            workspace::WorkspaceError::Invalid(why) => AppError::BadRequest(why),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<EditError> for AppError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::NotFound { .. } => AppError::NotFound(e.to_string()),
            EditError::Conflict { .. } => AppError::Conflict(e.to_string()),
            EditError::Invalid(errors) => AppError::Invalid(errors),
            EditError::Workspace(w) => w.into(),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<workspace::edit::FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error, fields) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m, vec![]),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "log in first".into(), vec![]),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m, vec![]),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m, vec![]),
            AppError::Conflict(m) => (StatusCode::CONFLICT, m, vec![]),
            AppError::Invalid(f) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "the change was not saved".into(), f)
            }
            AppError::Upstream(m) => (StatusCode::BAD_GATEWAY, m, vec![]),
            AppError::Internal(detail) => {
                eprintln!("internal error: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on the server".into(),
                    vec![],
                )
            }
        };
        (status, Json(ErrorBody { error, fields })).into_response()
    }
}

/// The logged-in user of a request, if any.
struct Who {
    session: Option<workspace::accounts::Session>,
}

/// The value of cookie `name` in a request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

fn who(state: &AppState, headers: &HeaderMap) -> Result<Who, AppError> {
    let session = match cookie_token(headers) {
        Some(t) => state.ws()?.session(&t)?,
        None => None,
    };
    Ok(Who { session })
}

impl Who {
    /// The session, if its role is at least `role`: 401 without one, 403 below the role. Checked
    /// before the request body is read, so refusals do not depend on what was sent.
    fn role(&self, role: Role) -> Result<&workspace::accounts::Session, AppError> {
        let s = self.session.as_ref().ok_or(AppError::Unauthorized)?;
        if s.account.role < role {
            return Err(AppError::Forbidden(format!("this needs the {} role", role.key())));
        }
        Ok(s)
    }

    /// [`Who::role`], and `csrf` must be the session's token.
    fn require(
        &self,
        role: Role,
        csrf: Option<&str>,
    ) -> Result<&workspace::accounts::Session, AppError> {
        let s = self.role(role)?;
        if csrf != Some(s.csrf.as_str()) {
            return Err(AppError::Forbidden(
                "the form is stale or forged (CSRF token); reload the page".into(),
            ));
        }
        Ok(s)
    }
}

/// A request body that did not parse, reported after the role check.
fn body<T>(parsed: Result<T, impl std::fmt::Display>) -> Result<T, AppError> {
    parsed.map_err(|e| AppError::BadRequest(format!("the request body is not valid: {e}")))
}

/// A form that carries the session's CSRF token.
pub(crate) trait Csrf {
    /// The token it carries.
    fn csrf(&self) -> Option<&str>;
}

impl Csrf for CsrfForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

impl Csrf for Vec<(String, String)> {
    fn csrf(&self) -> Option<&str> {
        self.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str())
    }
}

impl Who {
    /// The one gate of every form post: the role (401/403, before the body is read), then the
    /// body, then its CSRF token.
    pub(crate) fn authorise_form<T: Csrf>(
        &self,
        role: Role,
        payload: Result<Form<T>, axum::extract::rejection::FormRejection>,
    ) -> Result<(&workspace::accounts::Session, T), AppError> {
        self.role(role)?;
        let Form(form) = body(payload)?;
        let s = self.require(role, form.csrf())?;
        Ok((s, form))
    }

    /// The same for API calls: the CSRF token comes in the `X-CSRF-Token` header.
    fn authorise_json<T>(
        &self,
        role: Role,
        headers: &HeaderMap,
        payload: Result<Json<T>, axum::extract::rejection::JsonRejection>,
    ) -> Result<(&workspace::accounts::Session, T), AppError> {
        self.role(role)?;
        let Json(value) = body(payload)?;
        let s = self.require(role, csrf_header(headers))?;
        Ok((s, value))
    }
}

/// The router of the whole application.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::page_index))
        .route("/login", get(pages::login_form).post(login))
        .route("/logout", post(logout))
        .route("/oauth/start", get(oauth::start))
        .route("/oauth/callback", get(oauth::callback))
        .route("/edit/{kind}/{id}", get(pages::edit_form).post(pages::edit_submit))
        .route("/revisions", get(pages::revisions_page))
        .route("/revisions/{id}/restore", post(pages::restore_submit))
        .route("/comments", post(pages::comment_submit))
        .route("/rounds", get(pages::rounds_page).post(pages::round_open))
        .route("/rounds/{id}", get(pages::round_page))
        .route("/rounds/{id}/close", post(pages::round_close))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/model", get(api_model))
        .route("/api/v1/items/{kind}/{id}", get(api_item).put(api_edit))
        .route("/api/v1/revisions", get(api_revisions))
        .route("/api/v1/revisions/{id}/restore", post(api_restore))
        .route("/api/v1/comments", get(api_comments).post(api_comment))
        .route("/{*path}", get(pages::page))
        .with_state(state)
}

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    axum::serve(listener, app(state)).await
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
}

async fn login(
    State(state): State<Arc<AppState>>,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let account = state.ws()?.verify_password(&form.name, &form.password)?;
    let Some(account) = account else {
        return Ok((
            StatusCode::UNAUTHORIZED,
            Html(pages::login_html(Some("Wrong name or password."), state.oauth.is_some())),
        )
            .into_response());
    };
    let (token, _) = state.ws()?.create_session(&account, SESSION_SECS)?;
    let cookie = state.session_cookie(&token);
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    pub(crate) csrf: Option<String>,
}

async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    w.authorise_form(Role::Viewer, payload)?;
    if let Some(t) = cookie_token(&headers) {
        state.ws()?.end_session(&t)?;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tl_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(resp)
}

fn kind_of(s: &str) -> Result<ItemKind, AppError> {
    ItemKind::parse(s).ok_or_else(|| {
        AppError::NotFound(format!("no item kind `{s}` (node, initiative, indicator, link)"))
    })
}

async fn api_model(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let checked = state.ws()?.checked()?;
    let diagnostics: Vec<String> = checked.diagnostics.iter().map(|d| d.message.clone()).collect();
    Ok(Json(serde_json::json!({
        "format": "throughline.model.v1",
        "model": checked.model,
        "diagnostics": diagnostics,
    }))
    .into_response())
}

async fn api_item(
    State(state): State<Arc<AppState>>,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    Ok(Json(state.ws()?.item(kind, &id)?).into_response())
}

#[derive(Deserialize)]
struct EditBody {
    revision: i64,
    changes: BTreeMap<String, String>,
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

async fn api_edit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    payload: Result<Json<EditBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, body) = w.authorise_json(Role::Editor, &headers, payload)?;
    let kind = kind_of(&kind)?;
    let rev = state.ws()?.edit(kind, &id, &body.changes, body.revision, &s.account.name)?;
    Ok(Json(rev).into_response())
}

async fn api_revisions(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(Json(state.ws()?.revisions(None, 200)?).into_response())
}

async fn api_restore(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let s = w.require(Role::Editor, csrf_header(&headers))?;
    let rev = state.ws()?.restore(id, &s.account.name)?;
    Ok(Json(rev).into_response())
}

#[derive(Deserialize)]
struct CommentBody {
    target: String,
    kind: String,
    #[serde(default)]
    body: String,
    round: Option<i64>,
}

async fn api_comments(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(Json(state.ws()?.contributions(None)?).into_response())
}

async fn api_comment(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Json<CommentBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, c) = w.authorise_json(Role::Contributor, &headers, payload)?;
    let kind = workspace::consult::Kind::parse(&c.kind).ok_or_else(|| {
        AppError::BadRequest("kind is comment, endorse, concern or proposal".into())
    })?;
    let made = state.ws()?.contribute(c.round, &c.target, kind, &c.body, &s.account.name)?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}

//! `throughline serve`: the planning workspace over HTTP.
//!
//! Pages are the report (`report::build`) of the workspace's current revision and the folder's
//! current measurements, cached by both, with an account bar and edit links added. The site is
//! live: after a change, readers keep getting the last built pages (marked "updating", with the
//! revision they show in `X-Throughline-Revision`) while the next build runs in the background,
//! so no reader waits on a rebuild; only the very first build is waited for; forms edit items through
//! `workspace::Workspace::edit` (checked like `check`, conflicts refused); every write needs a
//! session of a sufficient role and the session's CSRF token. The JSON API lives under
//! `/api/v1` and is described by `/api/v1/openapi.json`.
//!
//! Boundaries: handlers never return internal error text (a 500 says only that something went
//! wrong; the detail goes to stderr). The workspace database is the only durable state.
//!
//! Failure containment: building the pages of a revision runs on a blocking thread; a panic or
//! error there is caught and remembered for that revision only, so report pages answer a clear
//! error page while every other route (revisions, restore, edit forms, the API) keeps working,
//! and the next revision is built afresh. No std lock is held across code that can panic except
//! the workspace's, which is recovered from poisoning: the workspace writes only inside database
//! transactions, which roll back when a panic drops them. See docs/workspace.md, Security.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, FromRequestParts, Json, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use report::page::t;
use serde::{Deserialize, Serialize};
use workspace::edit::{EditError, ItemKind};
use workspace::{Role, Workspace, limits};

mod findings;
mod lang;
mod multipart;
mod oauth;
mod pages;
mod structure;
pub use structure::NEW_ITEMS_FILE;
mod throttle;

pub use oauth::OAuth;
pub use pages::{REVISION_HEADER, UPDATING_HEADER};

/// The largest request body accepted; larger ones answer 413. Generous for every form (an edit
/// form of twenty fields at their limits), small enough that no request is costly to refuse.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Sent with every response. Pages use no inline script or style (the report has none; the
/// server's own rules are appended to `/style.css`), so the policy allows only same-origin
/// stylesheets and images, no script at all, forms posting back here, and no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Builds the report pages of a checked model. The default is [`report_pages`]; tests pass one
/// that fails on purpose to show that a failing build is contained.
pub type PageBuilder = Arc<
    dyn Fn(&model::Model, &report::Options) -> Result<Vec<report::page::Site>, String>
        + Send
        + Sync,
>;

/// The report as pages in every shipped language (English first): the page builder of a
/// normal server.
pub fn report_pages(
    model: &model::Model,
    opts: &report::Options,
) -> Result<Vec<report::page::Site>, String> {
    let langs: Vec<i18n::Lang> = i18n::Lang::all().collect();
    report::build_sites(model, opts, &langs, &|_, _| {}).map_err(|e| e.to_string())
}

/// Where the check-in, evaluation and community pages get their data: the model folder's
/// measurement store and files. Implemented by the binary over a folder; a fixed
/// [`report::Measured`] serves tests.
pub trait MeasuredSource: Send + Sync {
    /// A fingerprint of the data as they are now (cheap: file sizes and times). When it differs
    /// from the one recorded with the pages, the pages are rebuilt.
    fn fingerprint(&self) -> u64;
    /// The check-in, evaluations and communities of `model` (may import local files into the
    /// store; runs on a blocking thread).
    fn measured(&self, model: &model::Model) -> report::Measured;
    /// Moves the data stored under an id the model renames (an indicator's series, an
    /// initiative's tracker tasks) to the new id, in the store's own transaction. The default
    /// has nothing to move.
    fn rename(&self, _from: &str, _to: &str) -> Result<(), MoveError> {
        Ok(())
    }
}

/// Why [`MeasuredSource::rename`] moved nothing.
#[derive(Debug)]
pub enum MoveError {
    /// Data are already stored under the new id.
    Taken,
    /// The store failed; the detail is for the log.
    Failed(String),
}

impl MeasuredSource for report::Measured {
    fn fingerprint(&self) -> u64 {
        0
    }
    fn measured(&self, _: &model::Model) -> report::Measured {
        self.clone()
    }
}

/// Name of the session cookie.
pub const COOKIE: &str = "tl_session";
/// Session lifetime.
pub const SESSION_SECS: i64 = 8 * 3600;

/// What one revision of the model serves.
pub(crate) struct Pages {
    /// The revision.
    pub head: i64,
    /// The fingerprint of the measurements the pages were built from, taken after the build.
    pub data: u64,
    /// The report's pages (before the shell) in each language, English first; none when the
    /// model has errors.
    pub report: Vec<report::page::Site>,
    /// The position of each report page in every language's `pages`, by path.
    pub paths: HashMap<String, usize>,
    /// Files that are not pages (the stylesheet), by path.
    pub assets: HashMap<String, String>,
    /// The model's errors, when it has some (the overview lists them instead of the report):
    /// each with the rule that found it.
    pub errors: Vec<(&'static modelfile::rules::Rule, String)>,
    /// For editors: the edit links of each program page, by the page's path.
    pub edit_links: HashMap<(i18n::Lang, String), maud::Markup>,
    /// Why the pages of this revision could not be built, if they could not.
    pub failure: Option<String>,
    /// The model the pages show, when it is free of errors.
    pub model: Option<model::Model>,
    /// The measurements the pages show.
    pub measured: Option<report::Measured>,
}

/// The pages of one revision, shared by the requests that read it.
pub(crate) type Site = Arc<Pages>;

/// Shared state of a running server.
pub struct AppState {
    ws: Mutex<Workspace>,
    /// Check-in, evaluations and communities, from the model folder.
    measured: Arc<dyn MeasuredSource>,
    /// The pages of the newest revision built. Held only to clone or replace the `Arc`.
    site: Mutex<Option<Site>>,
    /// The last data fingerprint readers saw, and when: readers reuse it for a second instead of
    /// walking the data folder on every request.
    pub(crate) data_seen: Mutex<Option<(std::time::Instant, u64)>>,
    /// One build at a time (an async lock: waiting does not block a thread, and it cannot be
    /// poisoned); held by the background build while it runs.
    building: Arc<tokio::sync::Mutex<()>>,
    builder: PageBuilder,
    /// Failed logins, for back-off.
    logins: throttle::Throttle,
    /// Password hashes verified at once: argon2 takes 19 MiB and tens of milliseconds each, so
    /// a flood of logins queues here instead of taking every core and gigabytes.
    hashing: tokio::sync::Semaphore,
    /// Wiki logins in progress (PKCE verifiers).
    oauth_pending: oauth::Pending,
    /// Monte Carlo samples for the pages' figures.
    samples: usize,
    /// Mark cookies `Secure` (behind HTTPS).
    secure_cookies: bool,
    /// Login with a wiki account, when configured.
    oauth: Option<OAuth>,
}

impl AppState {
    /// State over an opened workspace; `measured` feeds the check-in, evaluation and community
    /// pages; `oauth` enables login through a wiki's OAuth 2 provider.
    pub fn new(
        ws: Workspace,
        samples: usize,
        secure_cookies: bool,
        measured: Arc<dyn MeasuredSource>,
        oauth: Option<OAuth>,
    ) -> Arc<AppState> {
        AppState::with_builder(ws, samples, secure_cookies, measured, oauth, Arc::new(report_pages))
    }

    /// [`AppState::new`] with another page builder (tests of failure containment).
    pub fn with_builder(
        ws: Workspace,
        samples: usize,
        secure_cookies: bool,
        measured: Arc<dyn MeasuredSource>,
        oauth: Option<OAuth>,
        builder: PageBuilder,
    ) -> Arc<AppState> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(AppState {
            ws: Mutex::new(ws),
            measured,
            site: Mutex::new(None),
            data_seen: Mutex::new(None),
            building: Arc::new(tokio::sync::Mutex::new(())),
            builder,
            logins: throttle::Throttle::new(100_000),
            hashing: tokio::sync::Semaphore::new((cores / 2).max(1)),
            oauth_pending: oauth::Pending::default(),
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

    /// The workspace. A panic while it was held (say, in the checker) leaves it whole: every
    /// write is a database transaction that rolls back when the panic drops it, and the
    /// connection's borrow ends with the unwinding. So poisoning is cleared, not propagated.
    fn ws(&self) -> Result<MutexGuard<'_, Workspace>, AppError> {
        Ok(self.ws.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The cached pages. The lock only guards an `Option<Arc>` swap.
    pub(crate) fn cached_site(&self) -> MutexGuard<'_, Option<Site>> {
        self.site.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
pub(crate) fn same_token(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The client's address, when the server was started with [`serve`] (which records it).
pub(crate) struct ClientAddr(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
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
    /// 413: the body is larger than [`BODY_LIMIT`].
    TooLarge,
    /// 503: try again later.
    Unavailable(String),
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
            EditError::Conflict { .. }
            | EditError::ItemChanged { .. }
            | EditError::Referenced { .. } => AppError::Conflict(e.to_string()),
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
        // The request's language: a person may read these in the browser after a form.
        let lang = lang::current();
        let (status, error, fields) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m, vec![]),
            AppError::Unauthorized => {
                (StatusCode::UNAUTHORIZED, t!(lang, "throughline-ws-log-in-first"), vec![])
            }
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m, vec![]),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m, vec![]),
            AppError::Conflict(m) => (StatusCode::CONFLICT, m, vec![]),
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                t!(lang, "throughline-ws-too-large", BODY_LIMIT / 1024),
                vec![],
            ),
            AppError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m, vec![]),
            AppError::Invalid(f) => {
                (StatusCode::UNPROCESSABLE_ENTITY, t!(lang, "throughline-ws-not-saved"), f)
            }
            AppError::Upstream(m) => (StatusCode::BAD_GATEWAY, m, vec![]),
            AppError::Internal(detail) => {
                eprintln!("internal error: {detail}");
                (StatusCode::INTERNAL_SERVER_ERROR, t!(lang, "throughline-ws-server-error"), vec![])
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
            return Err(AppError::Forbidden(t!(
                lang::current(),
                "throughline-ws-needs-role",
                role.key()
            )));
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
        if !csrf.is_some_and(|c| same_token(c, &s.csrf)) {
            return Err(AppError::Forbidden(t!(lang::current(), "throughline-ws-csrf-stale")));
        }
        Ok(s)
    }
}

/// A body extractor's refusal.
pub(crate) trait Rejection: std::fmt::Display {
    /// The status axum gives it (413 for a body over the limit).
    fn status(&self) -> StatusCode;
}

impl Rejection for axum::extract::rejection::FormRejection {
    fn status(&self) -> StatusCode {
        axum::extract::rejection::FormRejection::status(self)
    }
}

impl Rejection for axum::extract::rejection::JsonRejection {
    fn status(&self) -> StatusCode {
        axum::extract::rejection::JsonRejection::status(self)
    }
}

impl Rejection for axum::extract::rejection::BytesRejection {
    fn status(&self) -> StatusCode {
        axum::extract::rejection::BytesRejection::status(self)
    }
}

/// A request body that did not parse, reported after the role check: 413 when it is over
/// [`BODY_LIMIT`], else 400.
fn body<T>(parsed: Result<T, impl Rejection>) -> Result<T, AppError> {
    parsed.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(format!("the request body is not valid: {e}"))
        }
    })
}

/// Path parameters, or a JSON 400 saying which did not parse (axum's own answer is plain text,
/// which the API's document does not promise).
fn in_path<T>(parsed: Result<T, PathRejection>) -> Result<T, AppError> {
    parsed.map_err(|e| AppError::BadRequest(format!("the URL is not valid: {}", e.body_text())))
}

/// An item id from a URL: what the model allows in ids (and `:` between a link's ends), at most
/// [`limits::ID`] characters; anything else names no item.
pub(crate) fn item_id(id: &str) -> Result<&str, AppError> {
    let plain = !id.is_empty()
        && id.chars().count() <= limits::ID
        && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if plain { Ok(id) } else { Err(AppError::NotFound("no such item".into())) }
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
        .route("/new", get(structure::new_index))
        .route("/new/{kind}", get(structure::new_form).post(structure::new_submit))
        .route("/delete/{kind}/{id}", get(structure::delete_form).post(structure::delete_submit))
        .route("/rename/{kind}/{id}", post(structure::rename_submit))
        .route("/checkin", post(pages::checkin_submit))
        .route("/import", get(pages::import_form).post(pages::import_submit))
        .route("/import/file", post(pages::import_upload))
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
        .route("/api/v1/checkins", get(api_checkins).post(api_checkin))
        .route("/api/v1/sheets.xlsx", get(api_sheets_xlsx))
        .route("/api/v1/sheets/{table}", get(api_sheet_csv))
        .route("/{*path}", get(pages::page))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(lang::choose))
        .layer(axum::middleware::map_response(security_headers))
}

/// A handler that panicked: a 500 like any internal error (the panic message went to stderr).
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal("a handler panicked".into()).into_response()
}

/// The headers every response carries (see [`CONTENT_SECURITY_POLICY`]).
async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    resp
}

/// Serves `app` on `listener` until the process ends, recording each client's address (for
/// login throttling).
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>()).await
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
}

/// Logs in: throttled per account and per address (429 with `Retry-After` while backing off,
/// without hashing), and the password verified on a blocking thread after the workspace lock
/// is released, a few at a time.
async fn login(
    State(state): State<Arc<AppState>>,
    ClientAddr(addr): ClientAddr,
    payload: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = body(payload)?;
    if form.name.chars().count() > limits::NAME || form.password.chars().count() > limits::PASSWORD
    {
        return Err(AppError::BadRequest(t!(
            lang::current(),
            "throughline-ws-login-too-long",
            limits::NAME,
            limits::PASSWORD
        )));
    }
    let account_key = format!("account:{}", form.name);
    let address_key =
        format!("address:{}", addr.map_or_else(|| "unknown".into(), |a| a.to_string()));
    let keys =
        [(account_key.as_str(), throttle::ACCOUNT), (address_key.as_str(), throttle::ADDRESS)];
    if let Some(wait) = state.logins.wait(&keys) {
        return Ok(too_many_logins(&state, wait));
    }
    let credentials = state.ws()?.credentials(&form.name)?;
    let account = {
        let _permit =
            state.hashing.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        let password = form.password;
        tokio::task::spawn_blocking(move || credentials.verify(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    };
    let Some(account) = account else {
        state.logins.failed(&keys);
        return Ok((
            StatusCode::UNAUTHORIZED,
            Html(pages::login_html(
                Some(&t!(lang::current(), "throughline-ws-login-wrong")),
                state.oauth.is_some(),
            )),
        )
            .into_response());
    };
    state.logins.succeeded(&account_key);
    let (token, _) = state.ws()?.create_session(&account, SESSION_SECS)?;
    let cookie = state.session_cookie(&token);
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

/// The login form again, with 429 and `Retry-After`.
fn too_many_logins(state: &AppState, wait: Duration) -> Response {
    let secs = wait.as_secs() + 1;
    let message = t!(lang::current(), "throughline-ws-login-throttled", secs);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, secs.to_string())],
        Html(pages::login_html(Some(&message), state.oauth.is_some())),
    )
        .into_response()
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
        let s: String = s.chars().take(40).collect();
        AppError::NotFound(format!(
            "no item kind `{s}` (program, node, link, initiative, indicator, team, audience)"
        ))
    })
}

/// The current model, checked on a blocking thread with the workspace lock released.
pub(crate) async fn checked(state: &AppState) -> Result<modelfile::Checked, AppError> {
    let files = state.ws()?.files()?;
    tokio::task::spawn_blocking(move || modelfile::check(files))
        .await
        .map_err(|e| AppError::Internal(format!("checking the model failed: {e}")))
}

async fn api_model(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let checked = checked(&state).await?;
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
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, AppError> {
    let Path((kind, id)) = in_path(path)?;
    let kind = kind_of(&kind)?;
    Ok(Json(state.ws()?.item(kind, item_id(&id)?)?).into_response())
}

#[derive(Deserialize)]
struct EditBody {
    /// The item's digest from `GET`: only a change to the item is a conflict.
    #[serde(default)]
    digest: Option<String>,
    /// The file's revision from `GET`: any change to the file is a conflict.
    #[serde(default)]
    revision: Option<i64>,
    changes: BTreeMap<String, String>,
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

async fn api_edit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    payload: Result<Json<EditBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Path((kind, id)) = in_path(path)?;
    let w = who(&state, &headers)?;
    let (s, body) = w.authorise_json(Role::Editor, &headers, payload)?;
    let kind = kind_of(&kind)?;
    let base = match (body.digest, body.revision) {
        (Some(d), _) => workspace::edit::Base::Item(d),
        (None, Some(r)) => workspace::edit::Base::Revision(r),
        (None, None) => {
            return Err(AppError::BadRequest(
                "send the item's `digest` (or its file's `revision`) from GET".into(),
            ));
        }
    };
    let edited = state.ws()?.edit(kind, item_id(&id)?, &body.changes, &base, &s.account.name)?;
    Ok(Json(edited.revision).into_response())
}

async fn api_revisions(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(Json(state.ws()?.revisions(None, 200)?).into_response())
}

async fn api_restore(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    let Path(id) = in_path(id)?;
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

async fn api_checkins(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(Json(state.ws()?.checkin_notes(None)?).into_response())
}

async fn api_checkin(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    payload: Result<Json<workspace::checkin::NoteInput>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let w = who(&state, &headers)?;
    let (s, body) = w.authorise_json(Role::Editor, &headers, payload)?;
    let note = state.ws()?.record_checkin(&body, &s.account.name)?;
    Ok((StatusCode::CREATED, Json(note)).into_response())
}

/// The model's tables for a download (`sheets::book`): the revision and measurements the pages
/// show (the last built ones while a newer revision builds), so a download costs no
/// recomputation; refused while the model has errors, as `throughline export` refuses.
async fn sheets_book(state: &Arc<AppState>) -> Result<sheets::Book, AppError> {
    let (site, _) = pages::site(state).await?;
    let (Some(model), Some(measured)) = (&site.model, &site.measured) else {
        return Err(AppError::Conflict(
            "this revision has no tables: the model has errors, or its pages could not be built (see the overview)".into(),
        ));
    };
    Ok(sheets::book(
        model,
        &format!("workspace revision {}", site.head),
        model::Date::today(),
        sheets::Extras { checkin: measured.checkin.as_ref() },
    ))
}

/// A file to download, named.
fn download(content_type: &'static str, name: &str, body: impl IntoResponse) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut resp = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn api_sheets_xlsx(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let book = sheets_book(&state).await?;
    let bytes = sheets::write::xlsx(&book).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, "model.xlsx", bytes))
}

async fn api_sheet_csv(
    State(state): State<Arc<AppState>>,
    table: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let Path(name) = in_path(table)?;
    let book = sheets_book(&state).await?;
    let table = if name == "about" {
        book.about()
    } else {
        book.table(&name).cloned().ok_or_else(|| {
            AppError::NotFound(format!(
                "no table `{}`; the tables are about, {}",
                name.chars().take(limits::ID).collect::<String>(),
                book.tables.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
            ))
        })?
    };
    let text = sheets::write::csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", &format!("{}.csv", table.name), text))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}

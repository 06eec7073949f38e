//! Login with a wiki account: the OAuth 2 authorization-code flow of MediaWiki's OAuth extension
//! (`/w/rest.php/oauth2/authorize`, `/access_token`, `/resource/profile`), with PKCE (RFC 7636,
//! S256) through the `oauth2` crate, which also builds and encodes every URL and form.
//!
//! `state` is a random token kept in a short-lived `HttpOnly; SameSite=Lax` cookie (Lax, because
//! the provider sends the browser back with a cross-site GET) and must come back unchanged
//! (compared in constant time). The PKCE verifier never leaves the server: it is kept in memory
//! under the state for ten minutes, so an intercepted code is useless without it. The code is
//! exchanged server-side with the client secret; the profile's `username` names the wiki
//! account, linked to a workspace account (a contributor on first login).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use crate::{AppError, AppState, SESSION_SECS};

const STATE_COOKIE: &str = "tl_oauth_state";
/// How long a started login may take.
const PENDING_FOR: Duration = Duration::from_secs(600);
/// At most this many logins in progress at once: the map of verifiers stays small whatever
/// clients do.
const MAX_PENDING: usize = 10_000;

/// Where the wiki's OAuth 2 provider is, and who we are to it.
#[derive(Clone, Debug)]
pub struct OAuth {
    /// The provider's base, e.g. `https://meta.wikimedia.org/w/rest.php/oauth2`.
    pub base: String,
    /// The consumer's client id.
    pub client_id: String,
    /// The consumer's secret.
    pub client_secret: String,
    /// This server's callback URL as registered with the consumer (`…/oauth/callback`).
    pub redirect_uri: String,
}

/// Logins in progress: state token → (PKCE verifier, when it was started).
#[derive(Default)]
pub(crate) struct Pending(Mutex<HashMap<String, (String, Instant)>>);

impl Pending {
    /// Only inserts and removes run under this lock; a map that saw a panic is still whole.
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn insert(&self, state: String, verifier: String) -> Result<(), AppError> {
        let mut m = self.map();
        let now = Instant::now();
        m.retain(|_, (_, at)| now.duration_since(*at) < PENDING_FOR);
        if m.len() >= MAX_PENDING {
            return Err(AppError::Unavailable(
                "too many wiki logins in progress; try again".into(),
            ));
        }
        m.insert(state, (verifier, now));
        Ok(())
    }

    fn take(&self, state: &str) -> Option<String> {
        let (verifier, at) = self.map().remove(state)?;
        (at.elapsed() < PENDING_FOR).then_some(verifier)
    }
}

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(oauth: &OAuth) -> Result<Client, AppError> {
    let base = oauth.base.trim_end_matches('/');
    let bad = |e: oauth2::url::ParseError| {
        AppError::Internal(format!("the OAuth configuration is not a URL: {e}"))
    };
    Ok(BasicClient::new(ClientId::new(oauth.client_id.clone()))
        .set_client_secret(ClientSecret::new(oauth.client_secret.clone()))
        .set_auth_uri(AuthUrl::new(format!("{base}/authorize")).map_err(bad)?)
        .set_token_uri(TokenUrl::new(format!("{base}/access_token")).map_err(bad)?)
        .set_redirect_uri(RedirectUrl::new(oauth.redirect_uri.clone()).map_err(bad)?)
        // MediaWiki reads the client credentials from the form.
        .set_auth_type(AuthType::RequestBody))
}

pub(crate) async fn start(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let oauth = state
        .oauth
        .as_ref()
        .ok_or_else(|| AppError::NotFound("wiki login is not configured".into()))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) =
        client(oauth)?.authorize_url(CsrfToken::new_random).set_pkce_challenge(challenge).url();
    let token = csrf.secret().clone();
    state.oauth_pending.insert(token.clone(), verifier.secret().clone())?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie =
        format!("{STATE_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/oauth; Max-Age=600{secure}");
    let mut resp = Redirect::to(url.as_str()).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// One HTTP exchange for the `oauth2` crate, through ureq (bounded in time and size).
fn send(
    agent: &ureq::Agent,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, ureq::Error> {
    let mut resp = agent.run(request)?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.body_mut().with_config().limit(1 << 20).read_to_vec()?;
    let mut out = oauth2::HttpResponse::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

/// Exchanges the code (with the PKCE verifier) and reads the wiki user name (blocking HTTP).
fn wiki_user(oauth: &OAuth, code: &str, verifier: String) -> Result<String, AppError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .user_agent(concat!(
            "throughline/",
            env!("CARGO_PKG_VERSION"),
            " (planning workspace login)"
        ))
        .build()
        .into();
    let upstream = |what: &str| AppError::Upstream(format!("the wiki login failed: {what}"));
    let http = |req: oauth2::HttpRequest| send(&agent, req);
    let token = client(oauth)?
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request(&http)
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => {
                upstream(r.error_description().map_or("the code was refused", String::as_str))
            }
            RequestTokenError::Request(e) => upstream(&e.to_string()),
            RequestTokenError::Parse(_, _) => upstream("the token answer is not valid"),
            RequestTokenError::Other(e) => upstream(&e),
        })?;
    let base = oauth.base.trim_end_matches('/');
    let mut resp = agent
        .get(&format!("{base}/resource/profile"))
        .header("Authorization", &format!("Bearer {}", token.access_token().secret()))
        .call()
        .map_err(|e| upstream(&e.to_string()))?;
    if !resp.status().is_success() {
        return Err(upstream("the profile was refused"));
    }
    let profile: serde_json::Value = resp
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_json()
        .map_err(|_| upstream("the profile is not JSON"))?;
    profile["username"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| upstream("the profile has no username"))
}

pub(crate) async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Result<Response, AppError> {
    let oauth = state
        .oauth
        .clone()
        .ok_or_else(|| AppError::NotFound("wiki login is not configured".into()))?;
    if let Some(e) = q.error {
        let e: String = e.chars().take(200).collect();
        return Err(AppError::Upstream(format!("the wiki login was not completed: {e}")));
    }
    let mismatch = || {
        AppError::BadRequest(
            "the login answer does not match this browser's request; start again".into(),
        )
    };
    let expected = crate::cookie(&headers, STATE_COOKIE).ok_or_else(mismatch)?;
    let given = q.state.ok_or_else(mismatch)?;
    if !crate::same_token(&given, &expected) {
        return Err(mismatch());
    }
    let code = q.code.ok_or_else(|| AppError::BadRequest("the login answer has no code".into()))?;
    if code.len() > 4096 {
        return Err(AppError::BadRequest("the login answer's code is too long".into()));
    }
    let verifier = state.oauth_pending.take(&given).ok_or_else(|| {
        AppError::BadRequest(
            "this login was started too long ago or already used; start again".into(),
        )
    })?;
    let user = tokio::task::spawn_blocking(move || wiki_user(&oauth, &code, verifier))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let account = state.ws()?.wiki_account(&user)?;
    let (token, _) = state.ws()?.create_session(&account, SESSION_SECS)?;
    let mut resp = Redirect::to("/").into_response();
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&state.session_cookie(&token))
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    h.append(
        header::SET_COOKIE,
        HeaderValue::from_static("tl_oauth_state=; HttpOnly; SameSite=Lax; Path=/oauth; Max-Age=0"),
    );
    Ok(resp)
}

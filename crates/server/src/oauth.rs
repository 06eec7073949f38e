//! Login with a wiki account: the OAuth 2 authorization-code flow of MediaWiki's OAuth extension
//! (`/w/rest.php/oauth2/authorize`, `/access_token`, `/resource/profile`).
//!
//! `state` is a random token kept in a short-lived `HttpOnly; SameSite=Lax` cookie (Lax, because
//! the provider sends the browser back with a cross-site GET) and must come back unchanged. The
//! code is exchanged server-side with the client secret; the profile's `username` names the
//! wiki account, linked to a workspace account (a contributor on first login).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::{AppError, AppState, SESSION_SECS};

const STATE_COOKIE: &str = "tl_oauth_state";

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

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) async fn start(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let oauth = state
        .oauth
        .as_ref()
        .ok_or_else(|| AppError::NotFound("wiki login is not configured".into()))?;
    let token = workspace::accounts::random_token()?;
    let url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}",
        oauth.base.trim_end_matches('/'),
        encode(&oauth.client_id),
        encode(&oauth.redirect_uri),
        token
    );
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie =
        format!("{STATE_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/oauth; Max-Age=600{secure}");
    let mut resp = Redirect::to(&url).into_response();
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

/// Exchanges the code and reads the wiki user name (blocking HTTP).
fn wiki_user(oauth: &OAuth, code: &str) -> Result<String, AppError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(20)))
        .user_agent(concat!(
            "throughline/",
            env!("CARGO_PKG_VERSION"),
            " (planning workspace login)"
        ))
        .build()
        .into();
    let base = oauth.base.trim_end_matches('/');
    let upstream = |what: &str| AppError::Upstream(format!("the wiki login failed: {what}"));
    let mut resp = agent
        .post(&format!("{base}/access_token"))
        .send_form([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.as_str()),
            ("redirect_uri", oauth.redirect_uri.as_str()),
        ])
        .map_err(|e| upstream(&e.to_string()))?;
    let status = resp.status();
    let token: serde_json::Value =
        resp.body_mut().read_json().map_err(|_| upstream("the token answer is not JSON"))?;
    if !status.is_success() {
        let why = token["error_description"]
            .as_str()
            .or(token["message"].as_str())
            .unwrap_or("the code was refused");
        return Err(upstream(why));
    }
    let access = token["access_token"].as_str().ok_or_else(|| upstream("no access token"))?;
    let mut resp = agent
        .get(&format!("{base}/resource/profile"))
        .header("Authorization", &format!("Bearer {access}"))
        .call()
        .map_err(|e| upstream(&e.to_string()))?;
    if !resp.status().is_success() {
        return Err(upstream("the profile was refused"));
    }
    let profile: serde_json::Value =
        resp.body_mut().read_json().map_err(|_| upstream("the profile is not JSON"))?;
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
        return Err(AppError::Upstream(format!("the wiki login was not completed: {e}")));
    }
    let expected = crate::cookie(&headers, STATE_COOKIE);
    if expected.is_none() || q.state != expected {
        return Err(AppError::BadRequest(
            "the login answer does not match this browser's request; start again".into(),
        ));
    }
    let code = q.code.ok_or_else(|| AppError::BadRequest("the login answer has no code".into()))?;
    let user = tokio::task::spawn_blocking(move || wiki_user(&oauth, &code))
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

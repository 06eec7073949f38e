//! The language of each request: `?uselang=xx` (MediaWiki's parameter, then remembered in a
//! cookie), else the cookie, else the browser's `Accept-Language`, else English.
//!
//! The middleware [`choose`] decides once per request and runs the handler inside a task-local
//! scope, so the shell and every page of the request read the same language through
//! [`current`] without each handler passing it down (as MediaWiki's request context does).

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use i18n::Lang;
use report::page::{Markup, html, t};

/// The cookie that remembers a reader's choice.
pub const COOKIE: &str = "tl_lang";

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered; English outside a request.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// The language asked for by `?uselang=` in a query string, if it is a shipped one.
fn asked(query: Option<&str>) -> Option<Lang> {
    query?.split('&').filter_map(|p| p.strip_prefix("uselang=")).find_map(Lang::from_code)
}

/// The language of a request without `?uselang=`: the cookie, else `Accept-Language`.
fn remembered(headers: &HeaderMap) -> Option<Lang> {
    crate::cookie(headers, COOKIE).and_then(|c| Lang::from_code(&c)).or_else(|| {
        let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
        Lang::negotiate(accept)
    })
}

/// Middleware: chooses the request's language, answers in it, and remembers an explicit
/// choice for a year.
pub async fn choose(req: Request, next: Next) -> Response {
    let asked = asked(req.uri().query());
    let lang = asked.or_else(|| remembered(req.headers())).unwrap_or_default();
    let mut resp = LANG.scope(lang, next.run(req)).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    h.append(header::VARY, HeaderValue::from_static("accept-language, cookie"));
    if let Some(l) = asked
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000",
            l.code()
        ))
    {
        h.append(header::SET_COOKIE, v);
    }
    resp
}

/// The language picker: each language by its own name, linking to the same page with
/// `?uselang=`; the current one marked.
pub fn picker(lang: Lang) -> Markup {
    html! {
        nav class="languages" aria-label=(t!(lang, "throughline-languages-label")) {
            @for l in Lang::all() {
                " "
                @if l == lang {
                    strong lang=(l.code()) dir=(l.dir()) aria-current="true" { (l.autonym()) }
                } @else {
                    a href={ "?uselang=" (l.code()) } lang=(l.code()) dir=(l.dir()) hreflang=(l.code()) { (l.autonym()) }
                }
            }
        }
    }
}

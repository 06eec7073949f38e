//! The server on loopback with the bundled example: pages, login, checked edits, conflicts,
//! comments, revisions, and every write endpoint refusing anonymous users and viewers.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use workspace::{Role, Workspace};

struct Server {
    base: String,
    _dir: Option<tempfile::TempDir>,
}

fn start() -> Server {
    start_with(None)
}

fn start_with(oauth: Option<server::OAuth>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start_on(&dir.path().join("ws.sqlite"), oauth, Arc::new(server::report_pages));
    s._dir = Some(dir);
    s
}

/// A server over the workspace database at `db` (the example and four accounts are added when
/// it is new), with page builder `builder`.
fn start_on(db: &Path, oauth: Option<server::OAuth>, builder: server::PageBuilder) -> Server {
    let mut ws = Workspace::open(db).unwrap();
    if ws.files().unwrap().is_empty() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
        ws.import_dir(&example, "importer").unwrap();
        ws.create_account("eve", Role::Editor, "editor password 1").unwrap();
        ws.create_account("val", Role::Viewer, "viewer password 1").unwrap();
        ws.create_account("cat", Role::Contributor, "contrib password 1").unwrap();
        ws.create_account("adm", Role::Admin, "admin password 12").unwrap();
    }
    let state = server::AppState::with_builder(
        ws,
        200,
        false,
        Arc::new(report::Measured::default()),
        oauth,
        builder,
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        rt.block_on(async move {
            let _ = server::serve(listener, state).await;
        })
    });
    Server { base, _dir: None }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

/// Logs in; returns the cookie header and the CSRF token.
fn login(s: &Server, name: &str, password: &str) -> (String, String) {
    let resp = agent()
        .post(&format!("{}/login", s.base))
        .send_form([("name", name), ("password", password)])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303, "login of {name}");
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let mut page = agent().get(&format!("{}/", s.base)).header("Cookie", &cookie).call().unwrap();
    let html = page.body_mut().read_to_string().unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = html[at..at + 64].to_string();
    (cookie, csrf)
}

/// A page as it is once the newest revision is built: while the server says it is updating
/// (serving the last built pages), ask again.
fn get(s: &Server, path: &str, cookie: Option<&str>) -> (u16, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let (status, updating, body) = get_now(s, path, cookie);
        if !updating || std::time::Instant::now() > deadline {
            return (status, body);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A page as the server answers at once: status, whether it is marked as updating, body.
fn get_now(s: &Server, path: &str, cookie: Option<&str>) -> (u16, bool, String) {
    let mut req = agent().get(&format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let mut resp = req.call().unwrap();
    let updating = resp.headers().contains_key(server::UPDATING_HEADER);
    (resp.status().as_u16(), updating, resp.body_mut().read_to_string().unwrap())
}

#[test]
fn pages_render_and_an_editor_edits_through_the_form() {
    let s = start();
    let (status, html) = get(&s, "/", None);
    assert_eq!(status, 200);
    assert!(html.contains("Log in") && html.contains("Wikimedia"));
    let (status, css) = get(&s, "/style.css", None);
    assert_eq!(status, 200);
    assert!(css.contains('{'));
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let link = "/edit/link/wlm_organizer_hours:wlm_more_participants";
    assert!(get(&s, "/programs/wiki_loves_monuments.html", Some(&cookie)).1.contains(link));
    assert!(!get(&s, "/programs/wiki_loves_monuments.html", None).1.contains(link));
    let (status, form) = get(&s, "/edit/initiative/wlm_jury_tools", Some(&cookie));
    assert_eq!(status, 200);
    assert!(form.contains("name=\"f.name\""));
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let revision = item["revision"].as_i64().unwrap().to_string();
    let resp = agent()
        .post(&format!("{}/edit/initiative/wlm_jury_tools", s.base))
        .header("Cookie", &cookie)
        .send_form([
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("orig.name", "Jury tool improvements (Montage)"),
            ("f.name", "Jury tools, renewed"),
        ])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let (_, page) = get(&s, "/initiatives/wlm_jury_tools.html", Some(&cookie));
    assert!(page.contains("Jury tools, renewed"), "the page is rebuilt from the new revision");
    // A validation error comes back next to its field, and nothing is saved.
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let revision = item["revision"].as_i64().unwrap().to_string();
    let mut resp = agent()
        .post(&format!("{}/edit/initiative/wlm_jury_tools", s.base))
        .header("Cookie", &cookie)
        .send_form([
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("orig.team", "campaigns"),
            ("f.team", "nobody"),
        ])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let html = resp.body_mut().read_to_string().unwrap();
    assert!(html.contains("field-error") && html.contains("nobody"), "{html}");
}

#[test]
fn the_api_edits_with_conflicts_and_validation() {
    let s = start();
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/node/wlm_uploads", None).1).unwrap();
    let rev = item["revision"].as_i64().unwrap();
    let put = |body: Value| {
        let mut r = agent()
            .put(&format!("{}/api/v1/items/node/wlm_uploads", s.base))
            .header("Cookie", &cookie)
            .header("X-CSRF-Token", &csrf)
            .send_json(body)
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_json::<Value>().unwrap())
    };
    let (status, body) = put(json!({ "revision": rev, "changes": { "name": "Uploads" } }));
    assert_eq!(status, 200, "{body}");
    let (status, _) = put(json!({ "revision": rev, "changes": { "name": "Stale" } }));
    assert_eq!(status, 409);
    let (status, body) = put(json!({ "revision": body["id"], "changes": { "level": "nonsense" } }));
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "level");
    let (status, body) = get(&s, "/api/v1/items/node/nope", None);
    assert_eq!(status, 404);
    assert!(body.contains("nope"));
    let revisions: Value = serde_json::from_str(&get(&s, "/api/v1/revisions", None).1).unwrap();
    assert_eq!(revisions[0]["author"], "eve");
    let spec: Value = serde_json::from_str(&get(&s, "/api/v1/openapi.json", None).1).unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
}

#[test]
fn every_write_endpoint_refuses_anonymous_users_and_viewers() {
    let s = start();
    let (viewer, viewer_csrf) = login(&s, "val", "viewer password 1");
    let (contrib, contrib_csrf) = login(&s, "cat", "contrib password 1");
    let form_posts = [
        "/edit/initiative/wlm_jury_tools",
        "/revisions/1/restore",
        "/comments",
        "/rounds",
        "/rounds/1/close",
        "/checkin",
        "/import",
        "/import/file",
        "/new/node",
        "/delete/node/wlm_uploads",
        "/rename/node/wlm_uploads",
    ];
    for path in form_posts {
        let url = format!("{}{path}", s.base);
        let fields = [
            ("csrf", viewer_csrf.as_str()),
            ("revision", "1"),
            ("target", "x"),
            ("kind", "comment"),
            ("body", "hi"),
            ("f.name", "X"),
        ];
        let anon = agent().post(&url).send_form(fields).unwrap();
        assert_eq!(anon.status().as_u16(), 401, "anonymous POST {path}");
        let as_viewer = agent().post(&url).header("Cookie", &viewer).send_form(fields).unwrap();
        assert_eq!(as_viewer.status().as_u16(), 403, "viewer POST {path}");
        // A valid session without the CSRF token is refused too.
        let forged = agent()
            .post(&url)
            .header("Cookie", &contrib)
            .send_form([("target", "x"), ("kind", "comment"), ("body", "hi")])
            .unwrap();
        assert_eq!(forged.status().as_u16(), 403, "no CSRF token, POST {path}");
    }
    let api = [
        (
            "PUT",
            "/api/v1/items/node/wlm_uploads",
            json!({ "revision": 1, "changes": { "name": "X" } }),
        ),
        ("POST", "/api/v1/revisions/1/restore", json!({})),
        ("POST", "/api/v1/comments", json!({ "target": "x", "kind": "comment", "body": "hi" })),
        (
            "POST",
            "/api/v1/checkins",
            json!({ "key_result": "x", "quarter": "2026Q3", "story": "s" }),
        ),
    ];
    for (method, path, body) in &api {
        let url = format!("{}{path}", s.base);
        let send = |cookie: Option<&str>, csrf: Option<&str>| {
            let mut req = match *method {
                "PUT" => agent().put(&url),
                _ => agent().post(&url),
            };
            if let Some(c) = cookie {
                req = req.header("Cookie", c);
            }
            if let Some(t) = csrf {
                req = req.header("X-CSRF-Token", t);
            }
            req.send_json(body).unwrap().status().as_u16()
        };
        assert_eq!(send(None, None), 401, "anonymous {method} {path}");
        assert_eq!(send(Some(&viewer), Some(&viewer_csrf)), 403, "viewer {method} {path}");
    }
    // A contributor may comment but not edit.
    let url = format!("{}/api/v1/comments", s.base);
    let r = agent()
        .post(&url)
        .header("Cookie", &contrib)
        .header("X-CSRF-Token", &contrib_csrf)
        .send_json(json!({ "target": "wlm_jury_tools", "kind": "concern", "body": "Training?" }))
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = agent()
        .put(&format!("{}/api/v1/items/node/wlm_uploads", s.base))
        .header("Cookie", &contrib)
        .header("X-CSRF-Token", &contrib_csrf)
        .send_json(json!({ "revision": 1, "changes": { "name": "X" } }))
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let (_, page) = get(&s, "/initiatives/wlm_jury_tools.html", None);
    assert!(page.contains("Training?"), "comments show on the item's page");
}

#[test]
fn wrong_passwords_and_forged_cookies_do_not_log_in() {
    let s = start();
    let resp = agent()
        .post(&format!("{}/login", s.base))
        .send_form([("name", "eve"), ("password", "guess guess guess")])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let (status, html) = get(&s, "/", Some("tl_session=0000"));
    assert_eq!(status, 200);
    assert!(html.contains("Log in"));
}

#[test]
fn a_consultation_round_collects_contributions_and_summarises_them() {
    let s = start();
    let (admin, admin_csrf) = login(&s, "adm", "admin password 12");
    let resp = agent()
        .post(&format!("{}/rounds", s.base))
        .header("Cookie", &admin)
        .send_form([
            ("csrf", admin_csrf.as_str()),
            ("scope", "wiki_loves_monuments"),
            ("title", "Review 2027"),
        ])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let round = resp.headers().get("location").unwrap().to_str().unwrap().to_string();
    let id = round.rsplit('/').next().unwrap().to_string();
    let (contrib, csrf) = login(&s, "cat", "contrib password 1");
    for (kind, body) in [
        ("endorse", ""),
        ("concern", "Jurors need training"),
        ("proposal", "A jury mentoring program"),
    ] {
        let r = agent()
            .post(&format!("{}/comments", s.base))
            .header("Cookie", &contrib)
            .send_form([
                ("csrf", csrf.as_str()),
                ("round", id.as_str()),
                ("target", "wlm_jury_tools"),
                ("kind", kind),
                ("body", body),
            ])
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{kind}");
    }
    let (status, page) = get(&s, &round, Some(&admin));
    assert_eq!(status, 200);
    assert!(page.contains("Review 2027") && page.contains("cat: Jurors need training"), "{page}");
    assert!(page.contains("<td class=\"num\">1</td>"));
    let r = agent()
        .post(&format!("{}/rounds/{id}/close", s.base))
        .header("Cookie", &admin)
        .send_form([("csrf", admin_csrf.as_str())])
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let late = agent()
        .post(&format!("{}/comments", s.base))
        .header("Cookie", &contrib)
        .send_form([
            ("csrf", csrf.as_str()),
            ("round", id.as_str()),
            ("target", "x"),
            ("kind", "comment"),
            ("body", "late"),
        ])
        .unwrap();
    assert_eq!(late.status().as_u16(), 400, "a closed round takes no more");
}

/// A fake MediaWiki OAuth 2 provider on loopback: it answers the token and profile requests with
/// the documented shapes and checks what the server sends.
fn fake_provider(fail_token: bool) -> String {
    fake_provider_seeing(fail_token).0
}

/// [`fake_provider`], also handing back the bodies of the token requests it received.
fn fake_provider_seeing(fail_token: bool) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/w/rest.php/oauth2", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (mut len, mut auth) = (0usize, String::new());
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or((&h, ""));
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                }
                if k.eq_ignore_ascii_case("authorization") {
                    auth = v.trim().to_string();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8_lossy(&body).to_string();
            if path.ends_with("/access_token") {
                record.lock().unwrap().push(body.clone());
            }
            let (status, answer) = if path.ends_with("/access_token") {
                if fail_token {
                    (400, r#"{"error":"invalid_grant","error_description":"The authorization code is invalid"}"#.to_string())
                } else {
                    assert!(
                        body.contains("code=the-code")
                            && body.contains("client_secret=s3cret")
                            && body.contains("grant_type=authorization_code"),
                        "{body}"
                    );
                    (200, r#"{"token_type":"Bearer","expires_in":14400,"access_token":"tok-123","refresh_token":"r"}"#.to_string())
                }
            } else if path.ends_with("/resource/profile") {
                assert_eq!(auth, "Bearer tok-123");
                (200, r#"{"sub":"42","username":"Ada Lovelace","editcount":1000,"confirmed_email":true,"blocked":false,"registered":"20010115000000","groups":["*","user"],"rights":["read"],"grants":["basic"]}"#.to_string())
            } else {
                (404, "{}".to_string())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (base, seen)
}

/// The value of `key` in a URL's query or a form body.
fn param(query: &str, key: &str) -> Option<String> {
    let query = query.split_once('?').map_or(query, |(_, q)| q);
    oauth2::url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn oauth_config(provider: &str) -> server::OAuth {
    server::OAuth {
        base: provider.to_string(),
        client_id: "client-1".into(),
        client_secret: "s3cret".into(),
        redirect_uri: "http://127.0.0.1/oauth/callback".into(),
    }
}

/// RFC 7636, Appendix B: the S256 challenge of the example verifier, as the crate the server
/// uses computes it.
#[test]
fn pkce_s256_matches_the_rfc_7636_example() {
    let verifier =
        oauth2::PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
    let challenge = oauth2::PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    assert_eq!(challenge.as_str(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert_eq!(challenge.method().as_str(), "S256");
}

#[test]
fn a_wiki_account_logs_in_through_oauth() {
    let (provider, token_requests) = fake_provider_seeing(false);
    let s = start_with(Some(oauth_config(&provider)));
    let (_, login) = get(&s, "/login", None);
    assert!(login.contains("/oauth/start"));
    let resp = agent().get(&format!("{}/oauth/start", s.base)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(
        location
            .starts_with(&format!("{provider}/authorize?response_type=code&client_id=client-1")),
        "{location}"
    );
    assert_eq!(param(&location, "redirect_uri").unwrap(), "http://127.0.0.1/oauth/callback");
    assert_eq!(param(&location, "code_challenge_method").unwrap(), "S256");
    let challenge = param(&location, "code_challenge").unwrap();
    assert_eq!(challenge.len(), 43, "a SHA-256, base64url without padding");
    let state = param(&location, "state").unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // A forged state is refused.
    let forged = agent()
        .get(&format!("{}/oauth/callback?code=the-code&state=forged", s.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    // The real one logs in as a contributor linked to the wiki account.
    let resp = agent()
        .get(&format!("{}/oauth/callback?code=the-code&state={state}", s.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let session = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tl_session="))
        .unwrap();
    let session = session.split(';').next().unwrap().to_string();
    let (_, home) = get(&s, "/", Some(&session));
    assert!(home.contains("Ada Lovelace (contributor)"), "logged in as the wiki user");
    // The code was exchanged with the verifier whose S256 is the challenge sent at the start.
    let body = token_requests.lock().unwrap()[0].clone();
    let verifier = param(&body, "code_verifier").unwrap();
    assert!((43..=128).contains(&verifier.len()), "{verifier}");
    let recomputed = oauth2::PkceCodeChallenge::from_code_verifier_sha256(
        &oauth2::PkceCodeVerifier::new(verifier),
    );
    assert_eq!(recomputed.as_str(), challenge);
    // A state is good for one login only.
    let again = agent()
        .get(&format!("{}/oauth/callback?code=the-code&state={state}", s.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(again.status().as_u16(), 400);
}

#[test]
fn a_provider_that_refuses_the_code_is_a_clear_502() {
    let provider = fake_provider(true);
    let s = start_with(Some(oauth_config(&provider)));
    let resp = agent().get(&format!("{}/oauth/start", s.base)).call().unwrap();
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_string();
    let state = param(&location, "state").unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let mut resp = agent()
        .get(&format!("{}/oauth/callback?code=the-code&state={state}", s.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 502);
    let body = resp.body_mut().read_to_string().unwrap();
    assert!(body.contains("The authorization code is invalid"), "{body}");
    // Without configuration there is no wiki login at all.
    let plain = start();
    assert_eq!(get(&plain, "/oauth/start", None).0, 404);
}

/// A page builder that panics, like a solver that fails on an extreme model, whenever an
/// initiative's name contains `PANIC`; otherwise the real report.
fn fragile() -> server::PageBuilder {
    Arc::new(|m: &model::Model, o: &report::Options| {
        if m.initiatives.iter().any(|i| i.name.contains("PANIC")) {
            panic!("the plan solver gave up (a test's deliberate failure)");
        }
        server::report_pages(m, o)
    })
}

fn put_json(s: &Server, path: &str, cookie: &str, csrf: &str, body: Value) -> (u16, Value) {
    let mut r = agent()
        .put(&format!("{}{path}", s.base))
        .header("Cookie", cookie)
        .header("X-CSRF-Token", csrf)
        .send_json(body)
        .unwrap();
    (r.status().as_u16(), r.body_mut().read_json::<Value>().unwrap_or(Value::Null))
}

fn post_json(s: &Server, path: &str, cookie: &str, csrf: &str, body: Value) -> (u16, Value) {
    let mut r = agent()
        .post(&format!("{}{path}", s.base))
        .header("Cookie", cookie)
        .header("X-CSRF-Token", csrf)
        .send_json(body)
        .unwrap();
    (r.status().as_u16(), r.body_mut().read_json::<Value>().unwrap_or(Value::Null))
}

/// A build that panics takes down the report pages of that revision only: the revisions, edit
/// forms, login and API keep serving, a restart is not stuck, and restoring the revision before
/// brings the pages back.
#[test]
fn a_page_build_that_panics_affects_only_the_pages_and_they_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite");
    let s = start_on(&db, None, fragile());
    assert_eq!(get(&s, "/", None).0, 200);
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let path = item["path"].as_str().unwrap().to_string();
    let (status, _) = put_json(
        &s,
        "/api/v1/items/initiative/wlm_jury_tools",
        &cookie,
        &csrf,
        json!({ "revision": item["revision"], "changes": { "name": "PANIC in the solver" } }),
    );
    assert_eq!(status, 200);
    for page in ["/", "/programs/wiki_loves_monuments.html", "/plan.html"] {
        let (status, html) = get(&s, page, None);
        assert_eq!(status, 500, "{page}");
        assert!(html.contains("could not be built") && html.contains("/revisions"), "{html}");
    }
    for page in ["/revisions", "/login", "/rounds", "/api/v1/model", "/api/v1/revisions"] {
        assert_eq!(get(&s, page, None).0, 200, "{page} keeps serving");
    }
    assert_eq!(get(&s, "/edit/initiative/wlm_jury_tools", Some(&cookie)).0, 200);
    // A restart on the same database serves at once, with the same contained failure.
    let again = start_on(&db, None, fragile());
    let started = std::time::Instant::now();
    assert_eq!(get(&again, "/revisions", None).0, 200);
    assert_eq!(get(&again, "/", None).0, 500);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // Undo: restore the file to its revision before the edit; the pages come back.
    let (cookie, csrf) = login(&again, "eve", "editor password 1");
    let revisions: Value = serde_json::from_str(&get(&again, "/api/v1/revisions", None).1).unwrap();
    let before =
        revisions.as_array().unwrap().iter().filter(|r| r["path"] == path.as_str()).nth(1).unwrap()
            ["id"]
            .as_i64()
            .unwrap();
    let (status, body) = post_json(
        &again,
        &format!("/api/v1/revisions/{before}/restore"),
        &cookie,
        &csrf,
        json!({}),
    );
    assert_eq!(status, 200, "{body}");
    let (status, html) = get(&again, "/", None);
    assert_eq!(status, 200);
    assert!(!html.contains("could not be built"));
    assert!(get(&again, "/initiatives/wlm_jury_tools.html", None).1.contains("Jury tool"));
    // Restoring to the text the file already has records nothing.
    let (status, body) = post_json(
        &again,
        &format!("/api/v1/revisions/{before}/restore"),
        &cookie,
        &csrf,
        json!({}),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("nothing to restore"));
}

fn try_login(s: &Server, name: &str, password: &str) -> ureq::http::Response<ureq::Body> {
    agent()
        .post(&format!("{}/login", s.base))
        .send_form([("name", name), ("password", password)])
        .unwrap()
}

/// Five wrong passwords for an account, then it must wait (429 with `Retry-After`, even for the
/// right password); after the wait the right password logs in.
#[test]
fn wrong_passwords_back_off_per_account_with_429() {
    let s = start();
    for i in 0..5 {
        assert_eq!(try_login(&s, "eve", "guess guess guess").status().as_u16(), 401, "try {i}");
    }
    let locked = try_login(&s, "eve", "guess guess guess");
    assert_eq!(locked.status().as_u16(), 429);
    let wait: u64 = locked.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(try_login(&s, "eve", "editor password 1").status().as_u16(), 429);
    // Other accounts are not locked by eve's.
    assert_eq!(try_login(&s, "val", "viewer password 1").status().as_u16(), 303);
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(try_login(&s, "eve", "editor password 1").status().as_u16(), 303);
}

/// One address guessing many names is slowed down too.
#[test]
fn many_names_from_one_address_back_off_with_429() {
    let s = start();
    for i in 0..20 {
        let name = format!("nobody{i}");
        assert_eq!(try_login(&s, &name, "guess guess guess").status().as_u16(), 401, "{name}");
    }
    let locked = try_login(&s, "eve", "editor password 1");
    assert_eq!(locked.status().as_u16(), 429);
    assert!(locked.headers().get("retry-after").is_some());
    // Over-long names are refused before anything is looked up.
    let long = "n".repeat(10_000);
    assert_eq!(try_login(&s, &long, "x").status().as_u16(), 400);
}

/// Password hashing runs on the blocking pool outside the workspace lock: while eight clients
/// log in continuously, a reader's requests still complete quickly.
#[test]
fn readers_are_served_while_logins_hash() {
    use std::time::{Duration, Instant};
    let s = Arc::new(start());
    assert_eq!(get(&s, "/", None).0, 200); // the pages are built once
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let logins = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (s, stop, logins) = (s.clone(), stop.clone(), logins.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    assert_eq!(try_login(&s, "eve", "editor password 1").status().as_u16(), 303);
                    logins.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (mut n, mut slowest) = (0, Duration::ZERO);
    while started.elapsed() < Duration::from_secs(3) {
        let t = Instant::now();
        assert_eq!(get(&s, "/revisions", None).0, 200);
        slowest = slowest.max(t.elapsed());
        n += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let logins = logins.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "reader: {n} requests in 3 s ({:.0}/s), slowest {slowest:?}; {logins} logins meanwhile",
        n as f64 / started.elapsed().as_secs_f64()
    );
    assert!(logins >= 8, "the logins ran ({logins})");
    assert!(n >= 30, "the reader was served ({n} requests in 3 s)");
    assert!(slowest < Duration::from_millis(1500), "slowest read {slowest:?}");
}

/// Every response carries the security headers, and the pages need no inline script or style.
#[test]
fn every_response_carries_the_security_headers() {
    let s = start();
    let check = |resp: &ureq::http::Response<ureq::Body>, what: &str| {
        let h = |k: &str| resp.headers().get(k).map(|v| v.to_str().unwrap().to_string());
        let csp = h("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
            "{what}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{what}");
        assert_eq!(h("x-frame-options").as_deref(), Some("DENY"), "{what}");
        assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
        assert_eq!(h("referrer-policy").as_deref(), Some("same-origin"), "{what}");
    };
    for path in
        ["/", "/style.css", "/login", "/revisions", "/api/v1/model", "/nope.html", "/oauth/start"]
    {
        let resp = agent().get(&format!("{}{path}", s.base)).call().unwrap();
        check(&resp, path);
    }
    let refused = agent().post(&format!("{}/comments", s.base)).send_form([("a", "b")]).unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    check(&refused, "POST /comments");
    let (cookie, _) = login(&s, "eve", "editor password 1");
    for path in [
        "/",
        "/programs/wiki_loves_monuments.html",
        "/plan.html",
        "/initiatives/wlm_jury_tools.html",
        "/edit/initiative/wlm_jury_tools",
        "/rounds",
    ] {
        let (status, html) = get(&s, path, Some(&cookie));
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains("<script") && !html.contains(" style=\"") && !html.contains("<style"),
            "{path} has inline script or style"
        );
    }
}

/// After a comment the browser goes back to the page it came from, but only to a path on this
/// site: a `Referer` that would make a protocol-relative or foreign redirect falls back to `/`.
#[test]
fn a_comment_redirects_only_to_a_path_on_this_site() {
    let s = start();
    let (cookie, csrf) = login(&s, "cat", "contrib password 1");
    let cases = [
        ("http://127.0.0.1/initiatives/wlm_jury_tools.html", "/initiatives/wlm_jury_tools.html"),
        ("http://127.0.0.1/rounds?x=1#c", "/rounds?x=1"),
        ("//evil.example/x", "/"),
        ("http://127.0.0.1//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("http://127.0.0.1/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("https://evil.example", "/"),
        ("evil.example/x", "/"),
    ];
    for (referer, expected) in cases {
        let resp = agent()
            .post(&format!("{}/comments", s.base))
            .header("Cookie", &cookie)
            .header("Referer", referer)
            .send_form([
                ("csrf", csrf.as_str()),
                ("target", "wlm_jury_tools"),
                ("kind", "comment"),
                ("body", "Noted"),
            ])
            .unwrap();
        assert_eq!(resp.status().as_u16(), 303, "{referer}");
        let location = resp.headers().get("location").unwrap().to_str().unwrap();
        assert_eq!(location, expected, "Referer {referer}");
    }
}

/// A body over the limit answers 413 (by its length, or while it is read); over-long fields, and
/// comment targets and round scopes the model does not have, answer a clear 400.
#[test]
fn bodies_and_fields_are_bounded() {
    use std::io::{Read, Write};
    let s = start();
    // 50 MB announced: refused from the header, before any of it is read.
    let addr = s.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /comments HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let (cookie, csrf) = login(&s, "cat", "contrib password 1");
    let post = |path: &str, cookie: &str, fields: &[(&str, &str)]| {
        let mut r = agent()
            .post(&format!("{}{path}", s.base))
            .header("Cookie", cookie)
            .send_form(fields.iter().copied())
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    // A body declared one byte over the limit, from a logged-in contributor: 413 too. Only the
    // head is sent: the server answers before reading a body it will refuse, and a body still in
    // flight when it closes would make the answer race a connection reset.
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /comments HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server::BODY_LIMIT + 1
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let long = "t".repeat(10_000);
    for (target, body, expect) in [
        (long.as_str(), "hi", "at most 200 characters"),
        ("no_such_thing", "hi", "no node, initiative or program `no_such_thing`"),
        ("wlm_jury_tools", &"b".repeat(10_001), "under 10000 characters"),
    ] {
        let (status, text) = post(
            "/comments",
            &cookie,
            &[("csrf", &csrf), ("target", target), ("kind", "comment"), ("body", body)],
        );
        assert_eq!(status, 400, "{text}");
        assert!(text.contains(expect), "{text}");
    }
    let (admin, admin_csrf) = login(&s, "adm", "admin password 12");
    for (scope, title, expect) in [
        ("wiki_loves_monuments", long.as_str(), "at most 200 characters"),
        ("no_such_program", "Review", "no program `no_such_program`"),
    ] {
        let (status, text) =
            post("/rounds", &admin, &[("csrf", &admin_csrf), ("scope", scope), ("title", title)]);
        assert_eq!(status, 400, "{text}");
        assert!(text.contains(expect), "{text}");
    }
    let (status, _) =
        post("/rounds", &admin, &[("csrf", &admin_csrf), ("scope", "plan"), ("title", "The plan")]);
    assert_eq!(status, 303);
    // An edit value over the limit is refused on its field.
    let (editor, editor_csrf) = login(&s, "eve", "editor password 1");
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let (status, body) = put_json(
        &s,
        "/api/v1/items/initiative/wlm_jury_tools",
        &editor,
        &editor_csrf,
        json!({ "revision": item["revision"], "changes": { "name": "n".repeat(10_001) } }),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "name");
    // Ids in URLs that no model has are a 404, not an error echoing them; a revision number
    // that does not parse is a JSON 400 (found by .ci/fuzz-server).
    assert_eq!(get(&s, "/api/v1/items/node/a%0Ab", None).0, 404);
    let r = agent()
        .post(&format!("{}/api/v1/revisions/9223372036854775808/restore", s.base))
        .send_json(json!({}))
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.headers().get("content-type").unwrap(), "application/json");
}

/// Where outside links may point, and where they may not: the first six are refused.
const URLS: [&str; 12] = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " java\tscript:alert(3)",
    "data:text/html,<b>4</b>",
    "vbscript:msgbox(5)",
    "&#106;avascript:alert(6)",
    "https://example.org/ok",
    "http://example.org/ok",
    "/plan.html",
    "#evidence",
    "programs/x.html?a=b:c",
    "mailto:team@example.org",
];

/// Only `http`, `https`, `mailto` and relative links are served as links, when a page (here,
/// one the builder adds) links outside through the page layer, whatever the URL.
#[test]
fn only_web_links_are_served_as_links() {
    let dir = tempfile::tempdir().unwrap();
    let builder: server::PageBuilder = Arc::new(|m: &model::Model, o: &report::Options| {
        let mut sites = server::report_pages(m, o)?;
        let body = report::page::html! {
            @for u in URLS { (report::page::outside_link(u, "x")) "\n" }
        };
        for site in &mut sites {
            site.pages.push(report::page::Page {
                path: "links.html".into(),
                title: "Links".into(),
                depth: 0,
                body: body.clone(),
            });
        }
        Ok(sites)
    });
    let s = start_on(&dir.path().join("ws.sqlite"), None, builder);
    let (status, html) = get(&s, "/links.html", None);
    assert_eq!(status, 200);
    let lower = html.to_ascii_lowercase();
    for bad in ["javascript", "script:", "data:", "vbscript", "&#106;"] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    for good in &URLS[6..] {
        assert!(html.contains(&format!("href=\"{good}\"")), "{good} in {html}");
    }
    assert_eq!(html.matches("href=\"#\"").count(), 6, "{html}");
}

/// A page builder that takes a second and a half whenever an initiative's name contains `SLOW`.
fn slow() -> server::PageBuilder {
    Arc::new(|m: &model::Model, o: &report::Options| {
        if m.initiatives.iter().any(|i| i.name.contains("SLOW")) {
            std::thread::sleep(std::time::Duration::from_millis(1500));
        }
        server::report_pages(m, o)
    })
}

/// Readers never wait on a rebuild: right after an edit the last built pages answer at once,
/// marked as updating (header, banner and a refresh), until the new revision's pages land.
#[test]
fn readers_get_the_last_built_pages_while_the_next_builds() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_on(&dir.path().join("ws.sqlite"), None, slow());
    let (status, first) = get(&s, "/", None);
    assert_eq!(status, 200);
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let (status, _) = put_json(
        &s,
        "/api/v1/items/initiative/wlm_jury_tools",
        &cookie,
        &csrf,
        json!({ "revision": item["revision"], "changes": { "name": "Jury tools SLOW to build" } }),
    );
    assert_eq!(status, 200);
    let asked = std::time::Instant::now();
    let (status, updating, stale) = get_now(&s, "/initiatives/wlm_jury_tools.html", None);
    assert!(asked.elapsed() < std::time::Duration::from_millis(1000), "the reader waited");
    assert_eq!(status, 200);
    assert!(updating, "a page of the previous revision is marked as updating");
    assert!(stale.contains("Updating") && stale.contains("http-equiv=\"refresh\""));
    assert!(!stale.contains("SLOW"), "the last built pages, not the new ones");
    assert!(first.contains("Wikimedia"));
    let (status, fresh) = get(&s, "/initiatives/wlm_jury_tools.html", None);
    assert_eq!(status, 200);
    assert!(fresh.contains("Jury tools SLOW to build") && !fresh.contains("Updating…"));
}

#[test]
fn the_model_downloads_as_spreadsheets_and_pages_link_to_them() {
    let s = start();
    let mut resp = agent().get(&format!("{}/api/v1/sheets.xlsx", s.base)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let h = |r: &ureq::http::Response<ureq::Body>, k: &str| {
        r.headers().get(k).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    };
    assert_eq!(h(&resp, "content-type"), server::XLSX);
    assert!(h(&resp, "content-disposition").contains("model.xlsx"));
    let bytes = resp.body_mut().read_to_vec().unwrap();
    let sheets = sheets::read_xlsx(&bytes).unwrap();
    assert_eq!(sheets[0].sheet, "about");
    assert!(
        sheets[0]
            .rows
            .iter()
            .any(|(_, r)| r[0] == "revision" && r[1].starts_with("workspace revision"))
    );
    let mut resp = agent().get(&format!("{}/api/v1/sheets/initiatives", s.base)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(h(&resp, "content-type").starts_with("text/csv"));
    let csv = resp.body_mut().read_to_string().unwrap();
    assert!(
        csv.starts_with("id,name,program,team,status,cost (USD),effort (person-quarters)"),
        "{csv}"
    );
    assert!(csv.contains("wlm_jury_tools"));
    let (status, body) = get(&s, "/api/v1/sheets/nonsense", None);
    assert_eq!(status, 404);
    assert!(serde_json::from_str::<Value>(&body).is_ok(), "the API answers JSON: {body}");
    let (_, page) = get(&s, "/checkin.html", None);
    assert!(
        page.contains("href=\"/api/v1/sheets.xlsx\"") && page.contains("/api/v1/sheets/checkin")
    );
}

#[test]
fn what_a_new_user_stumbles_on() {
    let s = start();
    // A page that does not exist is a page for a browser, JSON for the API.
    let (status, body) = get(&s, "/no/such/page.html", None);
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Not found</h1>") && body.contains("href=\"/\""), "{body}");
    let (status, body) = get(&s, "/api/v1/nothing", None);
    assert_eq!(status, 404);
    assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
    // Anonymous visitors see no edit links; editors do.
    let page = "/initiatives/wlm_jury_tools.html";
    assert!(!get(&s, page, None).1.contains("/edit/initiative/wlm_jury_tools"));
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    assert!(get(&s, page, Some(&cookie)).1.contains("/edit/initiative/wlm_jury_tools"));
    // The form: must_do is a checkbox, dates are date inputs, and there is a way out.
    let (_, form) = get(&s, "/edit/initiative/wlm_jury_tools", Some(&cookie));
    assert!(form.contains("type=\"checkbox\" name=\"f.must_do\""), "{form}");
    assert!(form.contains("type=\"date\" name=\"f.deployed\""), "{form}");
    assert!(form.contains(&format!("href=\"{page}\">Cancel")), "{form}");
    // Ticking the box saves `must_do: true`, and the page says it was saved.
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let revision = item["revision"].as_i64().unwrap().to_string();
    let resp = agent()
        .post(&format!("{}/edit/initiative/wlm_jury_tools", s.base))
        .header("Cookie", &cookie)
        .send_form([
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("orig.must_do", "false"),
            ("f.must_do", "false"),
            ("f.must_do", "true"),
            ("orig.deployed", ""),
            ("f.deployed", ""),
        ])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let to = resp.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert_eq!(to, format!("{page}?saved"));
    assert!(get(&s, &to, Some(&cookie)).1.contains("Saved: your change"));
    let item: Value =
        serde_json::from_str(&get(&s, "/api/v1/items/initiative/wlm_jury_tools", None).1).unwrap();
    let must = item["fields"].as_array().unwrap().iter().find(|f| f["key"] == "must_do").unwrap();
    assert_eq!(must["value"], "true");
}

#[test]
fn a_check_in_meeting_is_recorded_from_the_form_and_shown_beside_its_curve() {
    let s = start();
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let (_, page) = get(&s, "/checkin.html", Some(&cookie));
    assert!(page.contains("action=\"/checkin\"") && page.contains("name=\"story\""), "{page}");
    assert!(!get(&s, "/checkin.html", None).1.contains("action=\"/checkin\""));
    let send = |fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        agent()
            .post(&format!("{}/checkin", s.base))
            .header("Cookie", &cookie)
            .send_form(all)
            .unwrap()
    };
    // A status override without a reason comes back with the error at the reason, values kept.
    let mut resp = send(&[
        ("key_result", "ind_new_readers"),
        ("quarter", "2026Q3"),
        ("story", "Data prices fell in two target countries."),
        ("decision", "continue"),
        ("status", "at_risk"),
    ]);
    assert_eq!(resp.status().as_u16(), 422);
    let html = resp.body_mut().read_to_string().unwrap();
    assert!(html.contains("field-error") && html.contains("Data prices fell"), "{html}");
    let resp = send(&[
        ("key_result", "ind_new_readers"),
        ("quarter", "2026Q3"),
        ("story", "Data prices fell in two target countries."),
        ("partners", "Telecom partners"),
        ("decision", "continue"),
        ("status", "at_risk"),
        ("reason", "The survey is late."),
    ]);
    assert_eq!(resp.status().as_u16(), 303);
    let notes: Value = serde_json::from_str(&get(&s, "/api/v1/checkins", None).1).unwrap();
    assert_eq!(notes[0]["author"], "eve");
    assert_eq!(notes[0]["decision"], "continue");
    let model: Value = serde_json::from_str(&get(&s, "/api/v1/model", None).1).unwrap();
    assert_eq!(model["model"]["checkins"][0]["status"], "at_risk");
    // The API records one too, checked the same way.
    let r = agent()
        .post(&format!("{}/api/v1/checkins", s.base))
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf)
        .send_json(
            json!({ "key_result": "ind_new_readers", "quarter": "2026Q3", "decision": "sideways" }),
        )
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    // The API takes the form's fields (one `NoteInput`): a note without its key result or
    // quarter is refused on those fields, as the form's is.
    let mut r = agent()
        .post(&format!("{}/api/v1/checkins", s.base))
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf)
        .send_json(json!({ "story": "No key result" }))
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.body_mut().read_json().unwrap();
    let fields: Vec<&str> =
        body["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
    assert!(fields.contains(&"key_result") && fields.contains(&"quarter"), "{body}");
}

#[test]
fn rows_pasted_from_a_spreadsheet_become_items_or_come_back_with_their_cells() {
    let s = start();
    let (cookie, csrf) = login(&s, "eve", "editor password 1");
    let (status, form) = get(&s, "/import", Some(&cookie));
    assert_eq!(status, 200);
    assert!(form.contains("name=\"text\""));
    let post = |text: &str| {
        agent()
            .post(&format!("{}/import", s.base))
            .header("Cookie", &cookie)
            .send_form([("csrf", csrf.as_str()), ("table", "teams"), ("text", text)])
            .unwrap()
    };
    let mut bad = post("id\tname\tcapacity (FTE per quarter)\nlab\tLab\tmany\n");
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.body_mut().read_to_string().unwrap();
    assert!(html.contains("C (capacity)") && html.contains("field-error"), "{html}");
    let ok = post("id\tname\tcapacity (FTE per quarter)\nlab\tResearch lab\t2\n");
    assert_eq!(ok.status().as_u16(), 303);
    let model: Value = serde_json::from_str(&get(&s, "/api/v1/model", None).1).unwrap();
    let teams = model["model"]["teams"].as_array().unwrap();
    assert!(teams.iter().any(|t| t["id"] == "lab" && t["capacity"] == 2.0), "{teams:?}");
}

/// The value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no {name} in {html}")) + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

fn post_form(
    s: &Server,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let mut resp = agent()
        .post(&format!("{}{path}", s.base))
        .header("Cookie", cookie)
        .send_form(fields.iter().copied())
        .unwrap();
    let location =
        resp.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (resp.status().as_u16(), location, resp.body_mut().read_to_string().unwrap())
}

/// The text of a model file in the workspace, through the API's item path.
fn file_text(s: &Server, kind: &str, id: &str) -> Value {
    serde_json::from_str(&get(s, &format!("/api/v1/items/{kind}/{id}"), None).1).unwrap()
}

#[test]
fn two_sessions_editing_different_initiatives_of_one_file_both_save_and_a_true_conflict_merges() {
    let s = start();
    let (eve, eve_csrf) = login(&s, "eve", "editor password 1");
    let (adm, adm_csrf) = login(&s, "adm", "admin password 12");
    // Both open a form on an initiative of the same file, then both save.
    let jury = get(&s, "/edit/initiative/wlm_jury_tools", Some(&eve)).1;
    let lists = get(&s, "/edit/initiative/wlm_monument_lists", Some(&adm)).1;
    let (status, _, body) = post_form(
        &s,
        "/edit/initiative/wlm_jury_tools",
        &eve,
        &[
            ("csrf", &eve_csrf),
            ("digest", &hidden(&jury, "digest")),
            ("orig.name", &hidden(&jury, "orig.name")),
            ("f.name", "Jury tools by Eve"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let (status, _, body) = post_form(
        &s,
        "/edit/initiative/wlm_monument_lists",
        &adm,
        &[
            ("csrf", &adm_csrf),
            ("digest", &hidden(&lists, "digest")),
            ("orig.name", &hidden(&lists, "orig.name")),
            ("f.name", "Monument lists by Adm"),
        ],
    );
    assert_eq!(status, 303, "different items of one file do not conflict: {body}");
    // Text is written quoted (`modelfile::write::scalar`); the API shows it as written.
    assert_eq!(
        file_text(&s, "initiative", "wlm_jury_tools")["fields"][1]["value"],
        "\"Jury tools by Eve\""
    );
    // Both open the same initiative; Eve saves first.
    let eve_form = get(&s, "/edit/initiative/wlm_jury_tools", Some(&eve)).1;
    let adm_form = get(&s, "/edit/initiative/wlm_jury_tools", Some(&adm)).1;
    let (status, _, _) = post_form(
        &s,
        "/edit/initiative/wlm_jury_tools",
        &eve,
        &[
            ("csrf", &eve_csrf),
            ("digest", &hidden(&eve_form, "digest")),
            ("orig.name", "Jury tools by Eve"),
            ("f.name", "Second name by Eve"),
        ],
    );
    assert_eq!(status, 303);
    let (status, _, merge) = post_form(
        &s,
        "/edit/initiative/wlm_jury_tools",
        &adm,
        &[
            ("csrf", &adm_csrf),
            ("digest", &hidden(&adm_form, "digest")),
            ("orig.name", "Jury tools by Eve"),
            ("f.name", "Second name by Adm"),
        ],
    );
    assert_eq!(status, 409, "the same item changed: the merge view");
    assert!(merge.contains("Merge your edit"), "{merge}");
    for side in ["Jury tools by Eve", "Second name by Eve", "Second name by Adm"] {
        assert!(merge.contains(side), "original, theirs and yours side by side: {side}");
    }
    // Nothing of Adm's was saved yet.
    assert_eq!(
        file_text(&s, "initiative", "wlm_jury_tools")["fields"][1]["value"],
        "\"Second name by Eve\""
    );
    // Choosing Adm's value saves it, against the current item.
    let (status, _, body) = post_form(
        &s,
        "/edit/initiative/wlm_jury_tools",
        &adm,
        &[
            ("csrf", &adm_csrf),
            ("digest", &hidden(&merge, "digest")),
            ("orig.name", &hidden(&merge, "orig.name")),
            ("f.name", "Second name by Adm"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        file_text(&s, "initiative", "wlm_jury_tools")["fields"][1]["value"],
        "\"Second name by Adm\""
    );
}

#[test]
fn items_are_added_renamed_and_deleted_through_forms() {
    let s = start();
    let (eve, csrf) = login(&s, "eve", "editor password 1");
    assert!(get(&s, "/new", Some(&eve)).1.contains("/new/link"));
    let form = get(&s, "/new/link?program=wiki_loves_monuments", Some(&eve)).1;
    assert!(
        form.contains("name=\"f.from\"") && form.contains("<option value=\"wlm_uploads\""),
        "{form}"
    );
    // A node with an unknown program comes back with the error next to its field.
    let (status, _, body) = post_form(
        &s,
        "/new/node",
        &eve,
        &[
            ("csrf", &csrf),
            ("f.id", "wlm_new_step"),
            ("f.name", "A new step"),
            ("f.level", "output"),
            ("f.program", "nowhere"),
        ],
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("field-error") && body.contains("nowhere"), "{body}");
    assert_eq!(get(&s, "/api/v1/items/node/wlm_new_step", None).0, 404, "nothing was saved");
    let (status, location, body) = post_form(
        &s,
        "/new/node",
        &eve,
        &[
            ("csrf", &csrf),
            ("f.id", "wlm_new_step"),
            ("f.name", "A new step"),
            ("f.level", "output"),
            ("f.program", "wiki_loves_monuments"),
        ],
    );
    assert_eq!((status, location.as_str()), (303, "/edit/node/wlm_new_step?saved"), "{body}");
    let node = file_text(&s, "node", "wlm_new_step");
    assert_eq!(node["path"], "programs/wiki_loves_monuments.yaml");
    // Connect it by picking two steps.
    let (status, _, body) = post_form(
        &s,
        "/new/link",
        &eve,
        &[
            ("csrf", &csrf),
            ("f.from", "wlm_uploads"),
            ("f.to", "wlm_new_step"),
            ("f.rationale", "Uploads feed it."),
        ],
    );
    assert_eq!(status, 303, "{body}");
    assert_eq!(get(&s, "/api/v1/items/link/wlm_uploads:wlm_new_step", None).0, 200);
    // Rename: the link follows.
    let edit = get(&s, "/edit/node/wlm_new_step", Some(&eve)).1;
    let (status, location, body) = post_form(
        &s,
        "/rename/node/wlm_new_step",
        &eve,
        &[("csrf", &csrf), ("digest", &hidden(&edit, "digest")), ("new_id", "wlm_renamed_step")],
    );
    assert_eq!((status, location.as_str()), (303, "/edit/node/wlm_renamed_step?saved"), "{body}");
    assert_eq!(get(&s, "/api/v1/items/link/wlm_uploads:wlm_renamed_step", None).0, 200);
    // An edit of a step returns to its program's diagram (where `Workspace::edit` says it is).
    let edit = get(&s, "/edit/node/wlm_renamed_step", Some(&eve)).1;
    let (status, location, body) = post_form(
        &s,
        "/edit/node/wlm_renamed_step",
        &eve,
        &[
            ("csrf", &csrf),
            ("digest", &hidden(&edit, "digest")),
            ("orig.name", "A new step"),
            ("f.name", "A renamed step"),
        ],
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "/programs/wiki_loves_monuments.html?saved#node-wlm_renamed_step"),
        "{body}"
    );
    // Delete: the page lists the link; without asking to remove it, nothing is deleted.
    let page = get(&s, "/delete/node/wlm_renamed_step", Some(&eve)).1;
    assert!(page.contains("link wlm_uploads:wlm_renamed_step"), "{page}");
    let digest = hidden(&page, "digest");
    let (status, _, body) = post_form(
        &s,
        "/delete/node/wlm_renamed_step",
        &eve,
        &[("csrf", &csrf), ("digest", &digest)],
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(get(&s, "/api/v1/items/node/wlm_renamed_step", None).0, 200);
    let (status, _, body) = post_form(
        &s,
        "/delete/node/wlm_renamed_step",
        &eve,
        &[("csrf", &csrf), ("digest", &digest), ("remove_references", "true")],
    );
    assert_eq!(status, 303, "{body}");
    assert_eq!(get(&s, "/api/v1/items/node/wlm_renamed_step", None).0, 404);
    assert_eq!(get(&s, "/api/v1/items/link/wlm_uploads:wlm_renamed_step", None).0, 404);
    // A node others depend on in ways that cannot be removed here says so.
    let page = get(&s, "/delete/node/wlm_uploads", Some(&eve)).1;
    assert!(page.contains("change that item first"), "{page}");
}

#[test]
fn a_model_is_built_from_an_empty_one_through_forms() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("throughline.yaml"), "format_version: 1\nmodel:\n  name: Empty\n")
        .unwrap();
    let mut ws = Workspace::open(&dir.path().join("ws.sqlite")).unwrap();
    ws.import_dir(&model, "importer").unwrap();
    ws.create_account("eve", Role::Editor, "editor password 1").unwrap();
    drop(ws);
    let s = start_on(&dir.path().join("ws.sqlite"), None, Arc::new(server::report_pages));
    assert_eq!(get(&s, "/", None).0, 200, "an empty model is served");
    let (eve, csrf) = login(&s, "eve", "editor password 1");
    let add = |kind: &str, fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let (status, _, body) = post_form(&s, &format!("/new/{kind}"), &eve, &all);
        assert_eq!(status, 303, "{kind} {fields:?}: {body}");
    };
    add("program", &[("f.id", "p"), ("f.name", "P")]);
    add("node", &[("f.id", "a"), ("f.name", "A"), ("f.level", "activity"), ("f.program", "p")]);
    add("node", &[("f.id", "b"), ("f.name", "B"), ("f.level", "output"), ("f.program", "p")]);
    add("link", &[("f.from", "a"), ("f.to", "b")]);
    let text = file_text(&s, "node", "b");
    assert_eq!(text["path"], server::NEW_ITEMS_FILE, "one file for a model built item by item");
    // The same database, read beside the server: the model checks without errors.
    let ws = Workspace::open(&dir.path().join("ws.sqlite")).unwrap();
    let errors: Vec<String> = ws
        .checked()
        .unwrap()
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let built = ws.files().unwrap().into_iter().find(|f| f.name == server::NEW_ITEMS_FILE).unwrap();
    assert_eq!(
        built.text,
        "# Items added from a spreadsheet (`throughline import-sheet`) or in the workspace.\n\nprograms:\n  - id: p\n    name: P\n\nnodes:\n  - id: a\n    name: A\n    level: activity\n    program: p\n  - id: b\n    name: B\n    level: output\n    program: p\n\nlinks:\n  - from: a\n    to: b\n"
    );
}

/// A `multipart/form-data` body as a browser sends it: fields, then one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----throughlineTestBoundary7";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn a_spreadsheet_file_is_uploaded_or_comes_back_with_its_cells() {
    let s = start();
    let (eve, csrf) = login(&s, "eve", "editor password 1");
    assert!(get(&s, "/import", Some(&eve)).1.contains("enctype=\"multipart/form-data\""));
    let upload = |fields: &[(&str, &str)], file: (&str, &[u8])| {
        let (content_type, body) = multipart(fields, file);
        let mut resp = agent()
            .post(&format!("{}/import/file", s.base))
            .header("Cookie", &eve)
            .header("Content-Type", &content_type)
            .send(&body[..])
            .unwrap();
        (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
    };
    // A CSV file for the chosen table.
    let csv = b"id,name,capacity\nupload_team,Uploaded team,2\n";
    let (status, body) = upload(&[("csrf", &csrf), ("table", "teams")], ("teams.csv", csv));
    assert_eq!(status, 303, "{body}");
    assert_eq!(get(&s, "/api/v1/items/team/upload_team", None).0, 200);
    // The model's own workbook: every item is already there, so every row is refused, by cell,
    // and nothing is saved.
    let mut resp = agent().get(&format!("{}/api/v1/sheets.xlsx", s.base)).call().unwrap();
    let xlsx = resp.body_mut().read_to_vec().unwrap();
    let head: Value = serde_json::from_str(&get(&s, "/api/v1/revisions", None).1).unwrap();
    let (status, body) = upload(&[("csrf", &csrf), ("table", "teams")], ("model.xlsx", &xlsx));
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("field-error") && body.contains("is already defined as a node"),
        "{body}"
    );
    assert!(
        body.contains("<td>nodes</td><td class=\"num\">2</td><td>A (id)</td>"),
        "each problem names its sheet, row and column: {body}"
    );
    let after: Value = serde_json::from_str(&get(&s, "/api/v1/revisions", None).1).unwrap();
    assert_eq!(head[0]["id"], after[0]["id"], "nothing was saved");
    // Neither a workbook nor UTF-8 text; no file; no CSRF token.
    let (status, body) = upload(&[("csrf", &csrf)], ("x.csv", &[0xff, 0xfe, 0x00]));
    assert_eq!(status, 422);
    assert!(body.contains("neither an XLSX workbook nor UTF-8 CSV"), "{body}");
    let (status, body) = upload(&[("csrf", &csrf)], ("", b""));
    assert_eq!(status, 422);
    assert!(body.contains("no file was chosen"), "{body}");
    let (status, _) = upload(&[("table", "teams")], ("teams.csv", csv));
    assert_eq!(status, 403);
}

/// What the server answers a person, refusals and errors included, is in the request's
/// language; English stays as it was.
#[test]
fn replies_speak_the_request_language() {
    let s = start();
    let (eve, csrf) = login(&s, "eve", "editor password 1");
    let (viewer, _) = login(&s, "val", "viewer password 1");
    let (content_type, body) = multipart(&[("csrf", &csrf)], ("", b""));
    let mut resp = agent()
        .post(&format!("{}/import/file?uselang=de", s.base))
        .header("Cookie", &eve)
        .header("Content-Type", &content_type)
        .send(&body[..])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let page = resp.body_mut().read_to_string().unwrap();
    assert!(page.contains("Es wurde keine Datei ausgewählt"), "{page}");
    assert!(page.contains("Wähle eine .xlsx- oder .csv-Datei aus"), "{page}");
    // The 404 page, and a refusal by role, in Arabic; the same refusal in English.
    let ask = |path: &str, cookie: &str, lang: &str| {
        let mut resp = agent()
            .get(&format!("{}{path}", s.base))
            .header("Cookie", cookie)
            .header("Accept-Language", lang)
            .call()
            .unwrap();
        (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
    };
    let (status, page) = ask("/programs/nothing.html", "", "ar");
    assert_eq!(status, 404);
    assert!(page.contains("لا توجد صفحة programs/nothing.html"), "{page}");
    let (status, body) = ask("/import", &viewer, "ar");
    assert_eq!(status, 403);
    assert!(body.contains("يتطلب هذا دور editor"), "{body}");
    let (status, body) = ask("/import", &viewer, "en");
    assert_eq!(status, 403);
    assert!(body.contains("this needs the editor role"), "{body}");
}

/// A save the checker refuses shows, next to the field, the rule's summary and fix in the
/// reader's language and the checker's own sentence in English; in English the sentence alone,
/// and the JSON API keeps the checker's English and nothing more.
#[test]
fn the_checkers_findings_speak_the_request_language() {
    let s = start();
    let (eve, csrf) = login(&s, "eve", "editor password 1");
    let path = "/edit/initiative/wlm_jury_tools";
    let save = |query: &str| {
        let form = get(&s, path, Some(&eve)).1;
        let (status, _, body) = post_form(
            &s,
            &format!("{path}{query}"),
            &eve,
            &[
                ("csrf", &csrf),
                ("digest", &hidden(&form, "digest")),
                ("orig.team", &hidden(&form, "orig.team")),
                ("f.team", "nobody"),
            ],
        );
        assert_eq!(status, 422, "{body}");
        body
    };
    let detail = "no team has the id `nobody`";
    let english = save("");
    assert!(
        english
            .contains(&format!("<span class=\"bad field-error\" role=\"alert\">{detail}</span>")),
        "{english}"
    );
    assert!(!english.contains("<span lang=\"en\""), "{english}");
    let german = save("?uselang=de");
    let summary = "Ein Verweis auf eine ID, die nirgends im Modell definiert ist oder die die \
                   falsche Art von Eintrag bezeichnet.";
    let fix = "Korrigiere die ID (der Hinweis schlägt die ähnlichste definierte vor) oder \
               definiere den fehlenden Eintrag.";
    assert!(
        german.contains(&format!(
            "role=\"alert\">{summary} {fix} <span lang=\"en\" dir=\"ltr\">{detail}</span></span>"
        )),
        "{german}"
    );
    // The API: the checker's English, and no more than before.
    let item = file_text(&s, "initiative", "wlm_jury_tools");
    let mut resp = agent()
        .put(&format!("{}/api/v1/items/initiative/wlm_jury_tools", s.base))
        .header("Cookie", &eve)
        .header("X-CSRF-Token", &csrf)
        .header("Accept-Language", "de")
        .send_json(json!({ "revision": item["revision"], "changes": { "team": "nobody" } }))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let body: Value = resp.body_mut().read_json().unwrap();
    let field = body["fields"][0].as_object().unwrap();
    let mut keys: Vec<&str> = field.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["field", "help", "message"], "{body}");
    assert_eq!(field["message"], detail);
}

/// The language of a page: `?uselang=` (remembered in a cookie), else the cookie, else
/// `Accept-Language`, else English; the page says it in `lang`, `dir` and `Content-Language`.
#[test]
fn pages_speak_the_chosen_or_negotiated_language() {
    let s = start();
    let ask = |path: &str, headers: &[(&str, &str)]| {
        let mut req = agent().get(&format!("{}{path}", s.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut resp = req.call().unwrap();
        let h = |name: &str| {
            resp.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
        };
        let (language, cookie) = (h("content-language"), h("set-cookie"));
        (language, cookie, resp.body_mut().read_to_string().unwrap())
    };
    let (language, cookie, body) = ask("/login", &[]);
    assert_eq!(language, "en");
    assert!(cookie.is_empty(), "{cookie}");
    assert!(body.contains("<html lang=\"en\" dir=\"ltr\">") && body.contains("<h1>Log in</h1>"));
    let (language, _, body) = ask("/login", &[("Accept-Language", "fr-CH, de-AT;q=0.8, en;q=0.5")]);
    assert_eq!(language, "de");
    assert!(body.contains("<html lang=\"de\" dir=\"ltr\">") && body.contains("<h1>Anmelden</h1>"));
    let (language, cookie, body) = ask("/login?uselang=ar", &[("Accept-Language", "de")]);
    assert_eq!(language, "ar");
    assert!(cookie.starts_with("tl_lang=ar;"), "{cookie}");
    assert!(body.contains("<html lang=\"ar\" dir=\"rtl\">"), "{body}");
    // The cookie wins over the browser; an unknown `uselang` changes nothing.
    let (language, _, _) = ask("/login", &[("Cookie", "tl_lang=ar"), ("Accept-Language", "de")]);
    assert_eq!(language, "ar");
    let (language, cookie, _) = ask("/login?uselang=xx", &[]);
    assert_eq!((language.as_str(), cookie.as_str()), ("en", ""));
    // Report pages are served in the chosen language too, the model's names as written.
    let (_, _, body) = ask("/index.html?uselang=de", &[]);
    assert!(body.contains("<h2 id=\"goals\">Ziele</h2>"), "{body}");
}

//! The server on loopback with the bundled example: pages, login, checked edits, conflicts,
//! comments, revisions, and every write endpoint refusing anonymous users and viewers.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;

use serde_json::{Value, json};
use workspace::{Role, Workspace};

struct Server {
    base: String,
    _dir: tempfile::TempDir,
}

fn start() -> Server {
    start_with(None)
}

fn start_with(oauth: Option<server::OAuth>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("ws.sqlite")).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    ws.import_dir(&example, "importer").unwrap();
    ws.create_account("eve", Role::Editor, "editor password 1").unwrap();
    ws.create_account("val", Role::Viewer, "viewer password 1").unwrap();
    ws.create_account("cat", Role::Contributor, "contrib password 1").unwrap();
    ws.create_account("adm", Role::Admin, "admin password 12").unwrap();
    let state = server::AppState::new(ws, 200, false, report::Measured::default(), oauth);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        rt.block_on(async move {
            let _ = server::serve(listener, state).await;
        })
    });
    Server { base, _dir: dir }
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

fn get(s: &Server, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = agent().get(&format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let mut resp = req.call().unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
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
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/w/rest.php/oauth2", listener.local_addr().unwrap());
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
    base
}

fn oauth_config(provider: &str) -> server::OAuth {
    server::OAuth {
        base: provider.to_string(),
        client_id: "client-1".into(),
        client_secret: "s3cret".into(),
        redirect_uri: "http://127.0.0.1/oauth/callback".into(),
    }
}

#[test]
fn a_wiki_account_logs_in_through_oauth() {
    let provider = fake_provider(false);
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
    let state = location.split("state=").nth(1).unwrap().to_string();
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
}

#[test]
fn a_provider_that_refuses_the_code_is_a_clear_502() {
    let provider = fake_provider(true);
    let s = start_with(Some(oauth_config(&provider)));
    let resp = agent().get(&format!("{}/oauth/start", s.base)).call().unwrap();
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_string();
    let state = location.split("state=").nth(1).unwrap().to_string();
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

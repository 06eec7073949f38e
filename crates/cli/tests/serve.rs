//! `throughline serve` as a process: killed in the middle of a burst of edits, it loses no
//! revision it acknowledged.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn spawn(model: &Path, db: &Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args([
            "serve",
            "--admin",
            "ada",
            "-n",
            "50",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--db",
        ])
        .arg(db)
        .arg(model)
        .env("THROUGHLINE_ADMIN_PASSWORD", "a long admin password")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while agent().get(&format!("http://127.0.0.1:{port}/login")).call().is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Logs the admin in; the session cookie to send back.
fn login(base: &str) -> String {
    let resp = agent()
        .post(&format!("{base}/login"))
        .send_form([("name", "ada"), ("password", "a long admin password")])
        .unwrap();
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

#[test]
fn killing_the_server_during_a_burst_of_edits_loses_no_acknowledged_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    common::copy_example(&model);
    let db = tmp.path().join("ws.sqlite");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = spawn(&model, &db, port);
    let base = format!("http://127.0.0.1:{port}");
    let cookie = login(&base);
    let html = agent()
        .get(&format!("{base}/revisions"))
        .header("Cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = html[at..at + 64].to_string();

    let item: Value = agent()
        .get(&format!("{base}/api/v1/items/node/wlm_uploads"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let mut revision = item["revision"].as_i64().unwrap();
    let burst = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for i in 0.. {
            let r = agent()
                .put(&format!("{base}/api/v1/items/node/wlm_uploads"))
                .header("Cookie", &cookie)
                .header("X-CSRF-Token", &csrf)
                .send_json(
                    json!({ "revision": revision, "changes": { "name": format!("Burst {i}") } }),
                );
            match r {
                Ok(mut resp) if resp.status().as_u16() == 200 => {
                    let v: Value = resp.body_mut().read_json().unwrap();
                    revision = v["id"].as_i64().unwrap();
                    acknowledged.push((revision, format!("Burst {i}")));
                }
                _ => break,
            }
        }
        acknowledged
    });
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().unwrap();
    let acknowledged = burst.join().unwrap();
    assert!(acknowledged.len() >= 3, "the burst made only {} edits", acknowledged.len());
    eprintln!("{} edits acknowledged before the kill", acknowledged.len());

    let ws = workspace::Workspace::open(&db).unwrap();
    let ids: Vec<i64> = ws.revisions(None, 100_000).unwrap().iter().map(|r| r.id).collect();
    for (id, _) in &acknowledged {
        assert!(ids.contains(id), "acknowledged revision {id} was lost");
    }
    let (last_id, last_name) = acknowledged.last().unwrap();
    assert!(ws.head().unwrap() >= *last_id);
    let (_, after) = ws.revision_texts(*last_id).unwrap();
    assert!(after.unwrap().contains(last_name.as_str()));
    assert!(ws.checked().unwrap().is_ok(), "the model still checks");
}

/// A change made to the model folder while the server was down shows after a restart: the
/// folder and the workspace stay one model.
#[test]
fn a_change_made_on_disk_shows_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    common::copy_example(&model);
    let db = tmp.path().join("ws.sqlite");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    // The first build of the pages (plan, measurements) takes a while in a debug build.
    let slow: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(300))).build().into();
    let index =
        || slow.get(&format!("{base}/")).call().unwrap().body_mut().read_to_string().unwrap();

    let mut server = spawn(&model, &db, port);
    assert!(!index().contains("edited in git"));
    // The measured pages the workspace serves mark the example's synthetic data.
    for page in ["checkin.html", "evaluations.html", "communities.html"] {
        let mut answer = slow.get(&format!("{base}/{page}")).call().unwrap();
        let body = answer.body_mut().read_to_string().unwrap();
        assert!(body.contains("<small class=\"warn\">synthetic data</small>"), "{page}: {body}");
    }
    // The plan's structure reaches the workspace through the same page layer.
    let body =
        slow.get(&format!("{base}/plan.html")).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(body.contains("<h2 id=\"okrs\">Plan against targets</h2>"), "{body}");
    assert!(body.contains("<h4>WE · Wiki Experiences</h4>") && body.contains("WE1.1.1 "));
    server.kill().unwrap();
    server.wait().unwrap();

    let file = model.join("throughline.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited =
        text.replacen("name: Wikimedia technology", "name: Wikimedia technology, edited in git", 1);
    assert_ne!(edited, text, "the example's model name moved; update this test");
    std::fs::write(&file, edited).unwrap();

    let mut server = spawn(&model, &db, port);
    let page = index();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(page.contains("edited in git"), "the change on disk is not served");
    let ws = workspace::Workspace::open(&db).unwrap();
    let rev = &ws.revisions(Some("throughline.yaml"), 1).unwrap()[0];
    assert_eq!(rev.author, "folder");
}

/// Renaming an indicator in the browser moves the measurements stored under its id in the
/// folder's store to the new id; a rename onto an id the store already holds values under is
/// refused next to the id, with nothing moved.
#[test]
fn renaming_an_indicator_moves_its_stored_measurements() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    common::copy_example(&model);
    let value = |series: &str| measure::Measurement {
        series: series.into(),
        date: model::Date::parse("2025-06-30").unwrap(),
        value: 1.55e9,
        source: "test".into(),
        provenance: measure::Provenance::Measured,
    };
    let mut store = measure::Store::open_in(&model).unwrap();
    store.write("test", &[value("ind_unique_devices"), value("ind_orphan")], &[]).unwrap();
    drop(store);
    let db = tmp.path().join("ws.sqlite");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = spawn(&model, &db, port);
    let base = format!("http://127.0.0.1:{port}");
    let cookie = login(&base);
    let html = agent()
        .get(&format!("{base}/edit/indicator/ind_unique_devices"))
        .header("Cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let hidden = |name: &str| {
        let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
        html[at..].split('"').next().unwrap().to_string()
    };
    let (csrf, digest) = (hidden("csrf"), hidden("digest"));
    let rename = |new_id: &str| {
        let mut resp = agent()
            .post(&format!("{base}/rename/indicator/ind_unique_devices"))
            .header("Cookie", &cookie)
            .send_form([("csrf", csrf.as_str()), ("digest", &digest), ("new_id", new_id)])
            .unwrap();
        (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
    };
    let (status, body) = rename("ind_orphan");
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("already holds values under `ind_orphan`"), "{body}");
    let (status, body) = rename("ind_devices");
    assert_eq!(status, 303, "{body}");
    server.kill().unwrap();
    server.wait().unwrap();

    let store = measure::Store::open_in(&model).unwrap();
    assert!(store.series("ind_unique_devices").unwrap().is_empty());
    assert_eq!(store.points("ind_devices").unwrap().len(), 1);
    assert_eq!(store.points("ind_orphan").unwrap().len(), 1);
    let ws = workspace::Workspace::open(&db).unwrap();
    assert!(ws.item(workspace::edit::ItemKind::Indicator, "ind_devices").is_ok());
}

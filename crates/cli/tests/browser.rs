//! The report in a real browser: Debian's Chromium driven through chromedriver's WebDriver API.
//!
//! Every page is opened from disk; the test fails on any SEVERE browser log entry (script errors
//! and resources that failed to load), on a stylesheet that did not apply, on a diagram with no
//! size, and on a link between pages that does not land on a report page. A screenshot of each
//! kind of page is left in `target/report-screenshots/` for people to look at.
//!
//! Needs `chromium` and `chromedriver` (Debian packages, installed by `.ci/run`). Runs when they
//! are installed or when `THROUGHLINE_BROWSER_TESTS=1` (then their absence is a failure).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;

struct Driver {
    child: Child,
    base: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// POSTs JSON; a WebDriver error is a test failure that shows the driver's message.
fn post(url: &str, body: Value) -> Value {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.post(url).send_json(&body).unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = resp.status();
    let v: Value = resp.body_mut().read_json().unwrap();
    assert!(status.is_success(), "POST {url}: {status}: {}", v["value"]["message"]);
    v
}

/// Like [`post`], but a WebDriver error (a page still navigating) is `None`, not a failure.
fn agent_post(url: &str, body: Value) -> Option<Value> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.post(url).send_json(&body).ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.body_mut().read_json::<Value>().ok().map(|v| v["value"].clone())
}

fn start(profile: &Path) -> Option<Driver> {
    let required = std::env::var_os("THROUGHLINE_BROWSER_TESTS").is_some();
    let found =
        Path::new("/usr/bin/chromedriver").exists() && Path::new("/usr/bin/chromium").exists();
    if !found {
        assert!(
            !required,
            "THROUGHLINE_BROWSER_TESTS is set but chromium/chromedriver are not installed"
        );
        eprintln!(
            "skipping the browser test: install Debian's chromium and chromium-driver to run it"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while ureq::get(&format!("{base}/status")).call().is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let caps = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1600", format!("--user-data-dir={}", profile.display())]
        }
    }}});
    let resp = post(&format!("{base}/session"), caps);
    let session = resp["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {resp}"))
        .to_string();
    Some(Driver { child, base, session })
}

impl Driver {
    fn url(&self, rest: &str) -> String {
        format!("{}/session/{}/{rest}", self.base, self.session)
    }

    fn open(&self, file: &Path) {
        self.go(&format!("file://{}", file.display()));
    }

    fn go(&self, url: &str) {
        post(&self.url("url"), json!({ "url": url }));
    }

    /// Runs `script` until it returns true (pages load after a form is submitted).
    fn wait_for(&self, script: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let done =
                agent_post(&self.url("execute/sync"), json!({ "script": script, "args": [] }));
            if done == Some(Value::Bool(true)) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Chooses `file` in the page's file input `selector`, as a person does in the file
    /// dialog: WebDriver's Element Send Keys, which sets an `<input type=file>`'s files.
    fn choose_file(&self, selector: &str, file: &Path) {
        let found =
            post(&self.url("element"), json!({ "using": "css selector", "value": selector }));
        // The element reference is the one value of the object WebDriver returns.
        let id = found["value"].as_object().and_then(|o| o.values().next()).and_then(Value::as_str);
        let id = id.unwrap_or_else(|| panic!("no element {selector}: {found}")).to_string();
        post(
            &self.url(&format!("element/{id}/value")),
            json!({ "text": file.display().to_string() }),
        );
    }

    fn run(&self, script: &str) -> Value {
        post(&self.url("execute/sync"), json!({ "script": script, "args": [] }))["value"].clone()
    }

    fn severe_logs(&self) -> Vec<String> {
        let logs = post(&self.url("se/log"), json!({ "type": "browser" }));
        logs["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn screenshot(&self, to: &Path) {
        let mut resp = ureq::get(&self.url("screenshot")).call().unwrap();
        let v: Value = resp.body_mut().read_json().unwrap();
        let png = base64_decode(v["value"].as_str().unwrap());
        std::fs::write(to, png).unwrap();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, c)| acc | (u32::from(val(*c)) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// `throughline serve` of a model folder on a free port, stopped when dropped.
struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `model` (with the admin account `ada` when `admin`) and waits until it answers.
fn serve(model: &Path, admin: bool) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_throughline"));
    command.arg("serve");
    if admin {
        command.args(["--admin", "ada"]).env("THROUGHLINE_ADMIN_PASSWORD", "a long admin password");
    }
    let child = command
        .args(["-n", "200", "--addr", &format!("127.0.0.1:{port}")])
        .arg(model)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{}/login", served.base)).call().is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    served
}

const INSPECT: &str = r#"
const svgs = [...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; });
const header = getComputedStyle(document.querySelector('header')).backgroundColor;
const links = [...document.querySelectorAll('a[href]')]
  .map(a => typeof a.href === 'string' ? a.href : new URL(a.href.baseVal, document.baseURI).href)
  .filter(h => h.startsWith('file:'));
return { title: document.title, svgs, header, links, h1: document.querySelectorAll('h1').length };
"#;

#[test]
fn the_report_works_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(["report", "examples/wikimedia", "-o"])
        .arg(&out)
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let Some(driver) = start(&tmp.path().join("profile")) else { return };

    let mut pages: Vec<PathBuf> = Vec::new();
    for dir in [out.clone(), out.join("programs"), out.join("initiatives"), out.join("goals")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "html") {
                pages.push(p);
            }
        }
    }
    pages.sort();
    assert!(pages.len() > 40);
    let shots = root.join("target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut linked = std::collections::BTreeSet::new();
    for page in &pages {
        driver.open(page);
        let info = driver.run(INSPECT);
        let name = page.strip_prefix(&out).unwrap().display().to_string();
        assert!(!info["title"].as_str().unwrap_or("").is_empty(), "{name}: no title");
        assert_eq!(info["h1"], 1, "{name}");
        assert_eq!(info["header"], "rgb(16, 42, 67)", "{name}: the stylesheet did not apply");
        for wh in info["svgs"].as_array().unwrap() {
            assert!(
                wh[0].as_f64().unwrap() > 10.0 && wh[1].as_f64().unwrap() > 10.0,
                "{name}: an invisible diagram {wh}"
            );
        }
        for l in info["links"].as_array().unwrap() {
            linked.insert(l.as_str().unwrap().split('#').next().unwrap().to_string());
        }
        let severe = driver.severe_logs();
        assert!(severe.is_empty(), "{name}: browser errors {severe:?}");
        if [
            "index.html",
            "programs/platform.html",
            "initiatives/pf_ve_mobile_default.html",
            "goals/g_media.html",
        ]
        .contains(&name.as_str())
        {
            driver.screenshot(&shots.join(name.replace('/', "_").replace(".html", ".png")));
        }
    }
    let programs = pages.iter().filter(|p| p.starts_with(out.join("programs"))).count();
    assert!(programs >= 4);
    // Every link between pages lands on a page that exists.
    for l in &linked {
        let path = l.trim_start_matches("file://");
        assert!(Path::new(path).is_file(), "a link to {l} does not resolve");
    }
    assert!(linked.len() > 40, "only {} distinct links", linked.len());
}

/// The planning workspace end to end, as a person uses it: log in, open a diagram, edit a node,
/// see a validation error next to its field, comment, restore a revision.
#[test]
fn the_workspace_end_to_end_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model = tmp.path().join("model");
    common::copy_example(&model);
    let Some(driver) = start(&tmp.path().join("profile")) else { return };
    let server = serve(&model, true);
    let base = &server.base;
    let loaded = |path: &str| {
        format!("return location.pathname === '{path}' && document.readyState === 'complete';")
    };

    // Log in.
    driver.go(&format!("{base}/login"));
    driver.wait_for(&loaded("/login"), "the login page");
    driver.run("document.querySelector('[name=name]').value = 'ada'; document.querySelector('[name=password]').value = 'a long admin password'; document.querySelector('form').submit(); return true;");
    driver.wait_for("return location.pathname === '/' && document.readyState === 'complete' && document.body.innerText.includes('ada (admin)');", "the logged-in overview");

    // Open a diagram.
    driver.go(&format!("{base}/programs/wiki_loves_monuments.html"));
    driver.wait_for(&loaded("/programs/wiki_loves_monuments.html"), "the program page");
    let size = driver.run("const r = document.querySelector('svg').getBoundingClientRect(); return [r.width, r.height];");
    assert!(size[0].as_f64().unwrap() > 100.0 && size[1].as_f64().unwrap() > 100.0, "{size}");

    // Edit a node.
    driver.go(&format!("{base}/edit/node/g_media"));
    driver.wait_for(&loaded("/edit/node/g_media"), "the edit form");
    driver.run("document.querySelector('[name=\\'f.name\\']').value = 'Media that documents the world'; document.querySelector('form[method=post]:not([action])').submit(); return true;");
    driver.wait_for(&loaded("/goals/g_media.html"), "the goal page after saving");
    // The page may first be the last built one, marked "Updating…"; it refreshes itself until
    // the new revision's pages are ready.
    driver.wait_for("return document.readyState === 'complete' && document.querySelector('h1') !== null && document.querySelector('h1').innerText.includes('Media that documents the world') && document.querySelector('.updating') === null;", "the saved name after the rebuild");

    // A validation error shows next to its field.
    driver.go(&format!("{base}/edit/initiative/wlm_jury_tools"));
    driver.wait_for(&loaded("/edit/initiative/wlm_jury_tools"), "the initiative form");
    driver.run("document.querySelector('[name=\\'f.team\\']').value = 'nobody'; document.querySelector('form[method=post]:not([action])').submit(); return true;");
    driver.wait_for("return document.readyState === 'complete' && document.querySelector('.field-error') !== null;", "the field error");
    let err = driver.run("const e = document.querySelector('.field-error'); return [e.closest('p').querySelector('input:not([type=hidden]), select').name, e.innerText];");
    assert_eq!(err[0], "f.team", "{err}");
    assert!(err[1].as_str().unwrap().contains("nobody"), "{err}");

    // Comment.
    driver.go(&format!("{base}/initiatives/wlm_jury_tools.html"));
    driver.wait_for(&loaded("/initiatives/wlm_jury_tools.html"), "the initiative page");
    driver.run("const f = document.querySelector('form[action=\\'/comments\\']'); f.querySelector('select').value = 'concern'; f.querySelector('textarea').value = 'Jurors need training first'; f.submit(); return true;");
    driver.wait_for("return document.readyState === 'complete' && document.body.innerText.includes('Jurors need training first');", "the comment");

    // Restore the goal's file to its imported revision.
    driver.go(&format!("{base}/revisions"));
    driver.wait_for(&loaded("/revisions"), "the revisions page");
    let restored = driver.run("const row = [...document.querySelectorAll('tbody tr')].find(r => r.innerText.includes('strategy.yaml') && r.innerText.includes('imported')); row.querySelector('form').submit(); return true;");
    assert_eq!(restored, Value::Bool(true));
    driver.wait_for("return document.readyState === 'complete' && document.body.innerText.includes('restored strategy.yaml');", "the restore");
    driver.go(&format!("{base}/goals/g_media.html"));
    driver.wait_for(&loaded("/goals/g_media.html"), "the goal page after restoring");
    driver.wait_for("return document.readyState === 'complete' && document.querySelector('h1') !== null && document.querySelector('h1').innerText.includes('Freely licensed media') && document.querySelector('.updating') === null;", "the restored name after the rebuild");
    // The check-in as a meeting, through the form under the curves: the team writes the story
    // behind the curve, the decision, and its own status with the reason, for a key result of
    // the page's quarter, and presses the form's button; the page then shows them beside the
    // curve, with the team's status beside the computed one.
    driver.go(&format!("{base}/checkin.html"));
    driver.wait_for(&loaded("/checkin.html"), "the check-in page");
    driver.run("const f = document.querySelector('form[action=\\'/checkin\\']'); f.querySelector('[name=quarter]').value = document.querySelector('h1').innerText.replace('Check-in ', ''); f.querySelector('[name=key_result]').value = 'ind_new_readers'; f.querySelector('[name=story]').value = 'Data prices fell in two target countries'; f.querySelector('[name=decision]').value = 'change'; f.querySelector('[name=status]').value = 'at_risk'; f.querySelector('[name=reason]').value = 'Two partner schools closed for the term'; f.querySelector('button[type=submit]').click(); return true;");
    driver.wait_for("return document.readyState === 'complete' && location.pathname === '/checkin.html' && document.querySelector('.saved') !== null;", "the saved check-in");
    driver.wait_for("return document.readyState === 'complete' && location.pathname === '/checkin.html' && document.body.innerText.includes('Data prices fell in two target countries') && document.querySelector('.updating') === null;", "the team's account on the check-in page");
    let shown = driver.run("return document.body.innerText;");
    let shown = shown.as_str().unwrap();
    assert!(shown.contains("Two partner schools closed for the term"), "the reason: {shown}");
    assert!(shown.contains("(team; computed:"), "the team's status beside the computed one");
    assert_eq!(
        driver.run("return document.querySelector('a[href=\\'/api/v1/sheets.xlsx\\']') !== null;"),
        Value::Bool(true)
    );

    // Export the XLSX the page links to; its items import into an empty model (with the
    // example's plan structure, which is not a table of items) that passes `check`, and so does
    // the folder the workspace exports, check-in note included.
    let mut resp = ureq::get(&format!("{base}/api/v1/sheets.xlsx")).call().unwrap();
    let xlsx = tmp.path().join("model.xlsx");
    std::fs::write(&xlsx, resp.body_mut().read_to_vec().unwrap()).unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("throughline.yaml"), "format_version: 1\nmodel:\n  name: Empty\n")
        .unwrap();
    std::fs::copy(model.join("planning.yaml"), empty.join("planning.yaml")).unwrap();
    let cli = |args: &[&std::ffi::OsStr]| {
        let o = Command::new(env!("CARGO_BIN_EXE_throughline")).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    };
    cli(&["import-sheet".as_ref(), empty.as_os_str(), xlsx.as_os_str()]);
    cli(&["check".as_ref(), empty.as_os_str()]);
    let exported = tmp.path().join("exported");
    cli(&["serve".as_ref(), model.as_os_str(), "--export".as_ref(), exported.as_os_str()]);
    let notes = std::fs::read_to_string(exported.join("checkins.yaml")).unwrap();
    for written in ["Data prices fell", "decision: change", "at_risk", "Two partner schools closed"]
    {
        assert!(notes.contains(written), "the export carries {written}: {notes}");
    }
    cli(&["check".as_ref(), exported.as_os_str()]);

    // The refused edit's 422 is the one expected error.
    let severe: Vec<String> = driver
        .severe_logs()
        .into_iter()
        .filter(|m| !m.contains("(Unprocessable Entity)"))
        .collect();
    assert!(severe.is_empty(), "browser errors {severe:?}");
    let shots = root.join("target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    driver.screenshot(&shots.join("workspace_goal.png"));
}

/// A model built from an empty one entirely through the workspace's forms: a program, a team,
/// four steps, three links (each made by picking two steps), two initiatives and an indicator;
/// then a check-in with a story and a decision; the XLSX export imports into an empty model that
/// checks, and so does the folder the workspace exports. The model's figures are made up, and
/// its manifest says so (`data: illustrative`).
#[test]
fn a_model_is_built_from_nothing_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(
        model.join("throughline.yaml"),
        "format_version: 1\nmodel:\n  name: Built in the browser\n  data: illustrative\n",
    )
    .unwrap();
    let Some(driver) = start(&tmp.path().join("profile")) else { return };
    let server = serve(&model, true);
    let base = &server.base;
    driver.go(&format!("{base}/login"));
    driver.wait_for(
        "return location.pathname === '/login' && document.readyState === 'complete';",
        "the login page",
    );
    driver.run("document.querySelector('[name=name]').value = 'ada'; document.querySelector('[name=password]').value = 'a long admin password'; document.querySelector('form').submit(); return true;");
    driver.wait_for("return location.pathname === '/' && document.readyState === 'complete' && document.body.innerText.includes('ada (admin)');", "the logged-in overview of the empty model");

    // From the overview: Add to the model → A program.
    driver.run("document.querySelector('a[href=\\'/new\\']').click(); return true;");
    driver.wait_for(
        "return location.pathname === '/new' && document.readyState === 'complete';",
        "the add page",
    );
    driver.run("document.querySelector('a[href=\\'/new/program\\']').click(); return true;");
    driver.wait_for(
        "return location.pathname === '/new/program' && document.readyState === 'complete';",
        "the program form",
    );
    // Fills the open add form's fields and presses its button; waits for the new item's form.
    let submit = |fields: &[(&str, &str)], lands: &str| {
        let mut js = String::new();
        for (k, v) in fields {
            js.push_str(&format!(
                "document.querySelector('[name=\"f.{k}\"]').value = {};",
                serde_json::to_string(v).unwrap()
            ));
        }
        js.push_str("document.querySelector('form[action^=\"/new/\"] button[type=submit]').click(); return true;");
        driver.run(&js);
        driver.wait_for(
            &format!("return location.pathname === '{lands}' && document.readyState === 'complete' && document.querySelector('.saved') !== null;"),
            lands,
        );
    };
    let add = |kind: &str, query: &str, fields: &[(&str, &str)], lands: &str| {
        driver.go(&format!("{base}/new/{kind}{query}"));
        driver.wait_for(
            &format!(
                "return location.pathname === '/new/{kind}' && document.readyState === 'complete';"
            ),
            kind,
        );
        submit(fields, lands);
    };
    submit(&[("id", "reading"), ("name", "Reading")], "/edit/program/reading");
    add("team", "", &[("id", "apps"), ("name", "Apps"), ("capacity", "4")], "/edit/team/apps");
    let steps = [
        ("build", "Build offline reading", "activity"),
        ("installs", "Installs", "output"),
        ("readers", "Monthly readers", "outcome_short"),
        ("habit", "Readers after three months", "outcome_intermediate"),
    ];
    for (id, name, level) in steps {
        add(
            "node",
            "?program=reading",
            &[("id", id), ("name", name), ("level", level)],
            &format!("/edit/node/{id}"),
        );
    }
    // Connect two steps by picking them.
    for (from, to) in [("build", "installs"), ("installs", "readers"), ("readers", "habit")] {
        add(
            "link",
            "?program=reading",
            &[("from", from), ("to", to), ("rationale", "The one leads to the other.")],
            &format!("/edit/link/{from}:{to}"),
        );
    }
    for (id, name) in [("offline", "Offline reading"), ("lite", "Lightweight pages")] {
        add(
            "initiative",
            "?program=reading",
            &[("id", id), ("name", name), ("team", "apps"), ("effort", "2"), ("delivers", "build")],
            &format!("/edit/initiative/{id}"),
        );
    }
    add(
        "indicator",
        "?program=reading",
        &[
            ("id", "monthly_readers"),
            ("name", "Monthly readers"),
            ("measures", "readers"),
            ("baseline", "1000"),
            ("baseline_date", "2025-01-01"),
            ("target", "5000"),
            ("target_date", "2027-12-31"),
        ],
        "/edit/indicator/monthly_readers",
    );

    // A spreadsheet file chosen in the import page's file input, as a person uploads one.
    let teams = tmp.path().join("teams.csv");
    std::fs::write(&teams, "id,name,capacity\nediting,Editing tools,3\n").unwrap();
    driver.go(&format!("{base}/import"));
    driver.wait_for("return location.pathname === '/import' && document.readyState === 'complete' && document.querySelector('#u-file') !== null;", "the import page");
    driver.choose_file("#u-file", &teams);
    driver.run("document.querySelector('#u-table').value = 'teams'; document.querySelector('form[action=\\'/import/file\\'] button[type=submit]').click(); return true;");
    driver.wait_for("return location.pathname === '/revisions' && document.readyState === 'complete' && document.body.innerText.includes('added 1 teams from a spreadsheet');", "the uploaded team's revision");
    driver.go(&format!("{base}/edit/team/editing"));
    driver.wait_for("return location.pathname === '/edit/team/editing' && document.readyState === 'complete' && document.querySelector('[name=\\'f.name\\']') !== null && document.querySelector('[name=\\'f.name\\']').value === 'Editing tools';", "the uploaded team's form");

    // Checked: the program's page is built (no error page) and shows its diagram.
    driver.go(&format!("{base}/programs/reading.html"));
    driver.wait_for("return location.pathname === '/programs/reading.html' && document.readyState === 'complete' && document.querySelector('svg') !== null && document.querySelector('.updating') === null;", "the new program's page");
    let size = driver.run("const r = document.querySelector('svg').getBoundingClientRect(); return [r.width, r.height];");
    assert!(size[0].as_f64().unwrap() > 100.0 && size[1].as_f64().unwrap() > 100.0, "{size}");

    // The check-in: a story and a decision for the indicator, for the quarter the form offers.
    driver.go(&format!("{base}/checkin.html"));
    driver.wait_for("return location.pathname === '/checkin.html' && document.readyState === 'complete' && document.querySelector('form[action=\\'/checkin\\']') !== null;", "the check-in page");
    driver.run("const f = document.querySelector('form[action=\\'/checkin\\']'); f.querySelector('[name=key_result]').value = 'monthly_readers'; f.querySelector('[name=story]').value = 'Offline reading shipped in two countries'; f.querySelector('[name=decision]').value = 'continue'; f.querySelector('button[type=submit]').click(); return true;");
    // Nothing is measured yet, so the page has no curve to show the note beside: it says the
    // note was saved, and the exported checkins.yaml below carries it.
    driver.wait_for("return document.readyState === 'complete' && (document.querySelector('.field-error, .bad') !== null || (location.pathname === '/checkin.html' && document.querySelector('.saved') !== null));", "the saved check-in");
    let refused = driver.run("const e = document.querySelector('.field-error, .bad'); return e === null ? '' : e.innerText;");
    assert_eq!(refused, Value::String(String::new()), "the check-in was refused");

    // Export the XLSX; its items import into an empty model that checks, and the folder the
    // workspace exports checks too.
    let mut resp = ureq::get(&format!("{base}/api/v1/sheets.xlsx")).call().unwrap();
    let xlsx = tmp.path().join("model.xlsx");
    std::fs::write(&xlsx, resp.body_mut().read_to_vec().unwrap()).unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(
        empty.join("throughline.yaml"),
        "format_version: 1\nmodel:\n  name: Empty\n  data: illustrative\n",
    )
    .unwrap();
    let cli = |args: &[&std::ffi::OsStr]| {
        let o = Command::new(env!("CARGO_BIN_EXE_throughline")).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    };
    cli(&["import-sheet".as_ref(), empty.as_os_str(), xlsx.as_os_str()]);
    cli(&["check".as_ref(), empty.as_os_str()]);
    let exported = tmp.path().join("exported");
    cli(&["serve".as_ref(), model.as_os_str(), "--export".as_ref(), exported.as_os_str()]);
    let built = std::fs::read_to_string(exported.join("model.yaml")).unwrap();
    for id in ["reading", "apps", "editing", "build", "habit", "offline", "lite", "monthly_readers"]
    {
        assert!(built.contains(&format!("id: {id}")), "{id} in {built}");
    }
    let notes = std::fs::read_to_string(exported.join("checkins.yaml")).unwrap();
    assert!(notes.contains("Offline reading shipped"), "the export carries the note: {notes}");
    cli(&["check".as_ref(), exported.as_os_str()]);
    let severe = driver.severe_logs();
    assert!(severe.is_empty(), "browser errors {severe:?}");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    driver.screenshot(&shots.join("workspace_built.png"));
}

/// The example in each shipped language: English, German and Arabic (right to left). The
/// language comes from `?uselang=`, is remembered by a cookie for the next page, and sets the
/// document's `lang` and `dir`; a translated heading shows. Screenshots are left in
/// `target/report-screenshots/languages_*.png`.
#[test]
fn the_example_in_three_languages_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    common::copy_example(&model);
    let Some(driver) = start(&tmp.path().join("profile")) else { return };
    let server = serve(&model, false);
    let base = &server.base;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let state = "const h = document.documentElement; return [h.lang, h.dir, getComputedStyle(h).direction, document.querySelector('#goals') && document.querySelector('#goals').innerText, document.querySelector('nav a').innerText, document.querySelector('.languages strong').innerText];";
    for (code, dir, goals, overview, autonym) in [
        ("en", "ltr", "Goals", "Overview", "English"),
        ("de", "ltr", "Ziele", "Übersicht", "Deutsch"),
        ("ar", "rtl", "الأهداف", "نظرة عامة", "العربية"),
    ] {
        driver.go(&format!("{base}/?uselang={code}"));
        driver.wait_for(&format!("return document.readyState === 'complete' && document.documentElement.lang === '{code}' && document.querySelector('#goals') !== null;"), &format!("the overview in {code}"));
        let got = driver.run(state);
        assert_eq!(got, json!([code, dir, dir, goals, overview, autonym]), "{code}");
        driver.screenshot(&shots.join(format!("languages_index_{code}.png")));
        // The choice is remembered: the next page, without `?uselang=`, speaks the same language.
        driver.go(&format!("{base}/programs/wiki_loves_monuments.html"));
        driver.wait_for("return document.readyState === 'complete' && location.pathname === '/programs/wiki_loves_monuments.html';", "the program page");
        let page = driver.run("const h = document.documentElement; const a = [...document.querySelectorAll('nav li')].map(l => l.getBoundingClientRect().left); return [h.lang, getComputedStyle(h).direction, a[0] > a[1]];");
        assert_eq!(page[0], code, "{page}");
        assert_eq!(page[1], dir, "{page}");
        // The layout mirrors: the navigation starts at the right in Arabic, the left otherwise.
        assert_eq!(page[2], dir == "rtl", "{page}");
        driver.screenshot(&shots.join(format!("languages_program_{code}.png")));
    }
    let severe = driver.severe_logs();
    assert!(severe.is_empty(), "browser errors {severe:?}");
}

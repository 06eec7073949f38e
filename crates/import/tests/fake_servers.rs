//! The importers against local fake servers on loopback that answer with the documented
//! response shapes, including errors, throttling, pagination, a connection that dies mid-body
//! and malformed JSON. Never the internet.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use import::{ImportError, Options, http};
use measure::Store;
use model::{DataSource, Date, DatedValue, Id, Indicator, Model, Polarity, SourceKind};

/// What the fake server does with a request.
enum Answer {
    /// Status, extra headers, body.
    Respond(u16, Vec<(&'static str, String)>, String),
    /// Promise a long body, send part of it, hang up.
    CutOff(String),
}

struct Seen {
    method: String,
    path: String,
    body: String,
    user_agent: String,
}

struct Fake {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn serve(handler: impl Fn(&Seen, usize) -> Answer + Send + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let (mut length, mut user_agent) = (0usize, String::new());
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or((&h, ""));
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if k.eq_ignore_ascii_case("user-agent") {
                    user_agent = v.trim().to_string();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let req =
                Seen { method, path, body: String::from_utf8_lossy(&body).into(), user_agent };
            let answer = handler(&req, n);
            log.lock().unwrap().push(req);
            let text = match answer {
                Answer::Respond(status, headers, body) => {
                    let mut s = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in headers {
                        s.push_str(&format!("{k}: {v}\r\n"));
                    }
                    s + "\r\n" + &body
                }
                Answer::CutOff(part) => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{part}",
                    part.len() + 500
                ),
            };
            let _ = stream.write_all(text.as_bytes());
            let _ = stream.flush();
        }
    });
    Fake { base, seen }
}

fn ok(body: String) -> Answer {
    Answer::Respond(200, vec![], body)
}

fn indicator(id: &str, metric: &str, params: &[(&str, &str)], baseline: &str) -> Indicator {
    Indicator {
        id: Id::parse(id).unwrap(),
        name: id.into(),
        measures: Id::parse("n").unwrap(),
        definition: None,
        unit: None,
        direction: Polarity::Increase,
        rba: None,
        baseline: Some(DatedValue {
            value: 0.0,
            date: Date::parse(baseline).unwrap(),
            source: None,
        }),
        target: None,
        source: Some(DataSource {
            kind: SourceKind::WikimediaRest,
            metric: Some(metric.into()),
            path: None,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }),
    }
}

fn options(fake: &Fake, today: &str) -> Options {
    Options {
        network: true,
        rest_base: format!("{}/api/rest_v1/metrics", fake.base),
        phabricator: None,
        since: None,
        today: Date::parse(today).unwrap(),
        http: http::Config {
            timeout: Duration::from_secs(5),
            attempts: 3,
            backoff: Duration::from_millis(5),
            ..http::Config::default()
        },
    }
}

/// `items[]` of a per-month pageviews response for the months in the request's range.
fn pageviews(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let (start, end) = (parts[parts.len() - 2], parts[parts.len() - 1]);
    let mut items = Vec::new();
    let (mut y, mut m): (i32, u32) = (start[0..4].parse().unwrap(), start[4..6].parse().unwrap());
    while *format!("{y:04}{m:02}01") <= end[0..8] {
        items.push(format!(
            r#"{{"project":"en.wikipedia","access":"all-access","agent":"user","granularity":"monthly","timestamp":"{y:04}{m:02}0100","views":{}}}"#,
            1000 + m
        ));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    format!(r#"{{"items":[{}]}}"#, items.join(","))
}

fn model_with(indicators: Vec<Indicator>) -> Model {
    Model { indicators, ..Model::default() }
}

#[test]
fn rest_metrics_import_incrementally_and_idempotently() {
    let fake = serve(|req, _| ok(pageviews(&req.path)));
    let model = model_with(vec![indicator(
        "views",
        "pageviews/aggregate",
        &[("project", "en.wikipedia")],
        "2024-01",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::in_memory().unwrap();
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-06-15"), &mut |_| {});
    let summary = out[0].result.as_ref().unwrap();
    assert_eq!(summary.inserted, 6);
    let pts = store.points("views").unwrap();
    assert_eq!(pts[0], (Date::parse("2024-01-01").unwrap(), 1001.0));
    assert_eq!(store.provenance("views").unwrap(), measure::Provenance::Measured);
    // The second run asks only for what comes after the last stored month.
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-08-15"), &mut |_| {});
    assert_eq!(out[0].result.as_ref().unwrap().inserted, 2);
    let seen = fake.seen.lock().unwrap();
    assert!(seen[1].path.ends_with("/monthly/2024070100/2024081500"), "{}", seen[1].path);
    assert!(seen[0].path.starts_with(
        "/api/rest_v1/metrics/pageviews/aggregate/en.wikipedia/all-access/user/monthly/"
    ));
    assert!(seen[0].user_agent.starts_with("throughline/"), "{}", seen[0].user_agent);
    assert_eq!(seen[0].method, "GET");
}

#[test]
fn nested_results_of_the_editors_metric() {
    let body = r#"{"items":[{"project":"en.wikipedia","editor-type":"user","page-type":"content","activity-level":"5..24-edits","granularity":"monthly","results":[{"timestamp":"2024-01-01T00:00:00.000Z","editors":31000},{"timestamp":"2024-02-01T00:00:00.000Z","editors":30500}]}]}"#;
    let fake = serve(move |_, _| ok(body.to_string()));
    let model = model_with(vec![indicator(
        "editors",
        "editors/aggregate",
        &[
            ("project", "en.wikipedia"),
            ("editor-type", "user"),
            ("page-type", "content"),
            ("activity-level", "5..24-edits"),
        ],
        "2024-01",
    )]);
    let mut store = Store::in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-02-20"), &mut |_| {});
    assert_eq!(out[0].result.as_ref().unwrap().inserted, 2);
    assert_eq!(store.points("editors").unwrap()[1].1, 30500.0);
}

#[test]
fn a_throttling_server_is_waited_for() {
    let fake = serve(|req, n| {
        if n < 2 {
            Answer::Respond(429, vec![("Retry-After", "0".into())], r#"{"type":"https://mediawiki.org/wiki/HyperSwitch/errors/request_rate_exceeded","title":"Too many requests"}"#.into())
        } else {
            ok(pageviews(&req.path))
        }
    });
    let model = model_with(vec![indicator(
        "views",
        "pageviews/aggregate",
        &[("project", "en.wikipedia")],
        "2024-01",
    )]);
    let mut store = Store::in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-03-10"), &mut |_| {});
    assert_eq!(out[0].result.as_ref().unwrap().inserted, 3);
    assert_eq!(fake.seen.lock().unwrap().len(), 3);
}

#[test]
fn a_server_that_stays_throttled_is_a_clear_error() {
    let fake = serve(|_, _| {
        Answer::Respond(
            503,
            vec![],
            r#"{"title":"Service Unavailable","detail":"upstream down"}"#.into(),
        )
    });
    let model = model_with(vec![indicator(
        "views",
        "pageviews/aggregate",
        &[("project", "en.wikipedia")],
        "2024-01",
    )]);
    let mut store = Store::in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-03-10"), &mut |_| {});
    let err = out[0].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("HTTP 503 after 3 attempts: upstream down"), "{err}");
}

#[test]
fn a_server_that_fails_mid_import_leaves_the_store_unchanged() {
    // Daily data over 18 months: two windows. The first answers, the second dies mid-body.
    let fake = serve(|req, n| {
        if n == 0 || req.path.contains("/2023") {
            let body = r#"{"items":[{"project":"en.wikipedia","access":"all-access","agent":"user","granularity":"daily","timestamp":"2023010100","views":5}]}"#;
            ok(body.into())
        } else {
            Answer::CutOff(r#"{"items":[{"project":"en.wiki"#.into())
        }
    });
    let model = model_with(vec![indicator(
        "views",
        "pageviews/aggregate",
        &[("project", "en.wikipedia"), ("granularity", "daily")],
        "2023-01-01",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let mut store = Store::open(&path).unwrap();
    store
        .write(
            "earlier",
            &[measure::Measurement {
                series: "other".into(),
                date: Date::parse("2020-01").unwrap(),
                value: 1.0,
                source: "x".into(),
                provenance: measure::Provenance::Measured,
            }],
            &[],
        )
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-06-30"), &mut |_| {});
    let err = out[0].result.as_ref().unwrap_err();
    assert!(matches!(err, ImportError::Http(http::HttpError::Transport { .. })), "{err}");
    assert!(
        err.to_string().contains("cut off") || err.to_string().contains("after 3 attempts"),
        "{err}"
    );
    assert!(
        store.points("views").unwrap().is_empty(),
        "the first window must not be half-imported"
    );
    assert_eq!(store.runs().unwrap().len(), 1);
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn malformed_responses_are_clear_errors_and_write_nothing() {
    for (body, expected) in [
        (
            r#"{"items":[{"timestamp":"2024010100"}]}"#,
            "the row for 2024010100 has no numeric `views`",
        ),
        ("<html>oops</html>", "not JSON"),
        (r#"{"itemz":[]}"#, "no `items` array"),
        (r#"{"items":[{"timestamp":"yesterday","views":3}]}"#, "`yesterday` is not a timestamp"),
    ] {
        let fake = serve(move |_, _| ok(body.into()));
        let model = model_with(vec![indicator(
            "views",
            "pageviews/aggregate",
            &[("project", "en.wikipedia")],
            "2024-01",
        )]);
        let mut store = Store::in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out =
            import::run(&model, dir.path(), &mut store, &options(&fake, "2024-03-10"), &mut |_| {});
        let err = out[0].result.as_ref().unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
        assert!(err.contains("/pageviews/aggregate/"), "the error names the request: {err}");
        assert!(store.runs().unwrap().is_empty());
    }
}

#[test]
fn not_found_means_no_data_yet_or_a_clear_error() {
    let fake = serve(|req, _| {
        if req.path.contains("nowhere") {
            Answer::Respond(404, vec![], r#"{"type":"https://mediawiki.org/wiki/HyperSwitch/errors/not_found","title":"Not found.","method":"get","detail":"Invalid project nowhere.wikipedia"}"#.into())
        } else {
            Answer::Respond(404, vec![], r#"{"type":"https://mediawiki.org/wiki/HyperSwitch/errors/not_found","title":"Not found.","method":"get","detail":"The date(s) you used are valid, but we either do not have data for those date(s), or the project you asked for is not loaded yet. Please check documentation for more information."}"#.into())
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::in_memory().unwrap();
    let model = model_with(vec![
        indicator("fresh", "pageviews/aggregate", &[("project", "en.wikipedia")], "2024-01"),
        indicator("wrong", "pageviews/aggregate", &[("project", "nowhere.wikipedia")], "2024-01"),
    ]);
    let out =
        import::run(&model, dir.path(), &mut store, &options(&fake, "2024-03-10"), &mut |_| {});
    assert_eq!(out[0].result.as_ref().unwrap().inserted, 0);
    let err = out[1].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("HTTP 404: Invalid project nowhere.wikipedia"), "{err}");
}

fn task(id: u64, status: &str) -> String {
    format!(
        r#"{{"id":{id},"type":"TASK","phid":"PHID-TASK-{id}","fields":{{"name":"Task {id}","status":{{"value":"{status}","name":"X","color":null}},"dateCreated":1700000000,"dateModified":1767225600}},"attachments":{{}}}}"#
    )
}

#[test]
fn phabricator_statuses_follow_the_cursor() {
    let fake = serve(|req, _| {
        assert_eq!(req.method, "POST");
        assert!(req.path.ends_with("/api/maniphest.search"));
        assert!(req.body.contains("api.token=secret"));
        let page = if req.body.contains("after=2") {
            format!(
                r#"{{"result":{{"data":[{}],"maps":{{}},"query":{{"queryKey":null}},"cursor":{{"limit":100,"after":null,"before":"2","order":null}}}},"error_code":null,"error_info":null}}"#,
                task(3, "open")
            )
        } else {
            format!(
                r#"{{"result":{{"data":[{},{}],"maps":{{}},"query":{{"queryKey":null}},"cursor":{{"limit":100,"after":"2","before":null,"order":null}}}},"error_code":null,"error_info":null}}"#,
                task(1, "resolved"),
                task(2, "declined")
            )
        };
        ok(page)
    });
    let mut client =
        http::Client::new(http::Config { backoff: Duration::from_millis(1), ..Default::default() });
    let tasks = vec![("a".to_string(), 1), ("b".to_string(), 2), ("b".to_string(), 3)];
    let st = import::phabricator::fetch(&mut client, &fake.base, "secret", &tasks).unwrap();
    let got: Vec<(String, String, String)> =
        st.iter().map(|s| (s.initiative.clone(), s.task.clone(), s.status.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("a".into(), "T1".into(), "resolved".into()),
            ("b".into(), "T2".into(), "declined".into()),
            ("b".into(), "T3".into(), "open".into()),
        ]
    );
    assert_eq!(st[0].modified, Date::parse("2026-01-01"));
    assert!(
        fake.seen.lock().unwrap()[0].body.contains("constraints%5Bids%5D%5B0%5D=1"),
        "{}",
        fake.seen.lock().unwrap()[0].body
    );
}

#[test]
fn phabricator_errors_are_reported_with_a_hint() {
    let fake = serve(|_, _| {
        ok(r#"{"result":null,"error_code":"ERR-INVALID-AUTH","error_info":"API token \"x\" has the wrong length."}"#.into())
    });
    let mut client = http::Client::new(http::Config::default());
    let err = import::phabricator::fetch(&mut client, &fake.base, "x", &[("a".into(), 1)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("ERR-INVALID-AUTH: API token"), "{err}");
    assert!(err.contains("PHABRICATOR_API_TOKEN"), "{err}");
}

#[test]
fn csv_sources_and_loose_series_files_import_and_bad_files_import_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/own.csv"),
        "# ILLUSTRATIVE figures for the guide\ndate,value\n2025-01,1\n2025-02,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("data/others.csv"),
        "series,date,value\nfr,2025-01,5\nde,2025-01,6\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("data/broken.csv"),
        "series,date,value\nx,2025-01,1\nx,2025-02,lots\n",
    )
    .unwrap();
    let mut ind = indicator("own", "x", &[], "2025-01");
    ind.source = Some(DataSource {
        kind: SourceKind::Csv,
        metric: None,
        path: Some("data/own.csv".into()),
        params: BTreeMap::new(),
    });
    let model = model_with(vec![ind]);
    let mut store = Store::in_memory().unwrap();
    let opts = Options { network: false, ..Options::default() };
    let out = import::run(&model, dir.path(), &mut store, &opts, &mut |_| {});
    let names: Vec<&str> = out.iter().map(|o| o.source.as_str()).collect();
    assert_eq!(names, ["csv:data/own.csv", "csv:data/broken.csv", "csv:data/others.csv"]);
    assert_eq!(store.points("own").unwrap().len(), 2);
    assert_eq!(store.points("fr").unwrap().len(), 1);
    // The comment marks the file's values; a file without one is measured.
    assert_eq!(store.provenance("own").unwrap(), measure::Provenance::Illustrative);
    assert_eq!(store.provenance("fr").unwrap(), measure::Provenance::Measured);
    let err = out[1].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("data/broken.csv:3: column `value`: `lots` is not a number"), "{err}");
    assert!(store.points("x").unwrap().is_empty());
}

#[test]
fn a_host_that_does_not_resolve_fails_at_once_without_retries() {
    // `.invalid` never resolves (RFC 2606): the situation of `import` without network.
    let mut client = http::Client::new(http::Config {
        backoff: Duration::from_secs(2),
        attempts: 5,
        ..Default::default()
    });
    let started = std::time::Instant::now();
    let err = client.send(&http::Request::Get("https://throughline.invalid/x")).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    match &err {
        http::HttpError::Transport { attempts, why, .. } => {
            assert_eq!(*attempts, 1, "{err}");
            assert!(why.contains("does not resolve") || why.contains("connect"), "{why}");
        }
        other => panic!("expected a transport error, got {other}"),
    }
    assert_eq!(client.retries, 0);
}

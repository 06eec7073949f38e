//! The generated JSON Schema agrees with the checker, as a standard draft 2020-12 validator
//! (the `jsonschema` crate) reads it: every file of every valid fixture and of the example is
//! accepted, and every invalid fixture file with a problem a schema can express is rejected.
//! Editors validate with the schema, so a disagreement flags valid models or hides errors.

use std::path::{Path, PathBuf};

use modelfile::yaml::{self, Node, Value};
use modelfile::{FileId, Severity};
use serde_json::{Map, Value as Json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A YAML tree as JSON, typed as the checker types it (YAML 1.2 core schema, as the YAML
/// language server does). Non-finite floats have no JSON form; they become the text YAML
/// writes, which the schema rejects as the checker does.
fn to_json(n: &Node) -> Json {
    match &n.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Json::String(format!("{f}")), Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                let key = match to_json(k) {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                m.insert(key, to_json(v));
            }
            Json::Object(m)
        }
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&modelfile::schema::json_schema()).expect("the schema compiles")
}

/// Errors the validator reports for one file, or `None` when the file is not YAML at all.
fn schema_errors(v: &jsonschema::Validator, text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let (node, _) = yaml::parse_counting(FileId(0), text, &mut out);
    if out.iter().any(|d| d.severity() == Severity::Error) {
        return None;
    }
    let json = node.as_ref().map_or(Json::Null, to_json);
    Some(v.iter_errors(&json).map(|e| format!("{} at {}", e, e.instance_path())).collect())
}

fn yaml_files(dir: &Path) -> Vec<(String, String)> {
    modelfile::load_dir(dir).expect("loads").into_iter().map(|f| (f.name, f.text)).collect()
}

fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn every_valid_fixture_and_the_example_pass_the_schema() {
    let v = validator();
    let mut dirs = fixture_dirs("valid");
    dirs.push(root().join("examples/wikimedia"));
    let mut failures = Vec::new();
    let mut files = 0;
    for dir in dirs {
        for (name, text) in yaml_files(&dir) {
            files += 1;
            match schema_errors(&v, &text) {
                Some(errors) if errors.is_empty() => {}
                Some(errors) => failures.push(format!("{}/{name}: {errors:#?}", dir.display())),
                None => failures.push(format!("{}/{name}: not YAML", dir.display())),
            }
        }
    }
    assert!(files > 20, "{files} files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_reads_pert_in_any_case_and_comment_only_files() {
    let v = validator();
    let with = |body: &str| format!("initiatives:\n  - {{ id: i, name: I, team: t, {body} }}\n");
    for ok in [
        "effort: \"PERT(1, 2, 5)\"",
        "effort: \"Pert(1,2,5)\"",
        "cost: \" 1_000.5k \"",
        "cost: 1e12",
    ] {
        assert_eq!(schema_errors(&v, &with(ok)), Some(vec![]), "{ok}");
    }
    for bad in ["effort: \"gamma(1, 2)\"", "cost: 1e15", "cost: \"1 to\""] {
        assert_ne!(schema_errors(&v, &with(bad)), Some(vec![]), "{bad}");
    }
    assert_eq!(schema_errors(&v, "# only a comment\n"), Some(vec![]));
    assert_eq!(schema_errors(&v, ""), Some(vec![]));
}

/// Rules whose problems a schema of one file can express: keys, types, single values.
const VALUE_RULES: &[&str] =
    &["TL003", "TL004", "TL005", "TL006", "TL008", "TL011", "TL012", "TL201", "TL202", "TL205"];

/// Invalid fixture files whose value problems the schema cannot express, and why. Within
/// files that are rejected, some single problems are beyond a schema too: bounds and order
/// inside a distribution written as text (`"1 to 1e300"`, `"8 to 2"`), calendar days (`2026-02-30`),
/// an end before a start, a share rule's combination of keys; `throughline check` finds those.
const NOT_EXPRESSIBLE: &[(&str, &str)] = &[
    (
        "format-version/throughline.yaml",
        "`format_version` is required only in throughline.yaml; one schema serves every file",
    ),
    (
        "invalid-value/planning.yaml",
        "a horizon shorter than the plan compares two keys; the schema bounds each on its own",
    ),
];

#[test]
fn every_invalid_value_the_schema_can_express_is_rejected() {
    let v = validator();
    let mut failures = Vec::new();
    let mut rejected = 0;
    for dir in fixture_dirs("invalid") {
        let checked = modelfile::check_dir(&dir).expect("loads");
        let fixture = dir.file_name().unwrap().to_string_lossy().into_owned();
        for (i, file) in checked.map.files.iter().enumerate() {
            let value_errors: Vec<&str> = checked
                .diagnostics
                .iter()
                .filter(|d| {
                    d.severity() == Severity::Error
                        && VALUE_RULES.contains(&d.rule.code)
                        && d.span.is_some_and(|s| s.file == FileId(i as u32))
                })
                .map(|d| d.message.as_str())
                .collect();
            if value_errors.is_empty() {
                continue;
            }
            let key = format!("{fixture}/{}", file.name);
            if NOT_EXPRESSIBLE.iter().any(|(k, _)| *k == key) {
                continue;
            }
            match schema_errors(&v, &file.text) {
                Some(errors) if errors.is_empty() => failures
                    .push(format!("{key} passes the schema, but check says {value_errors:#?}")),
                _ => rejected += 1,
            }
        }
    }
    assert!(rejected >= 10, "{rejected}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_and_the_checker_agree_on_links() {
    let v = validator();
    let samples = [
        "https://example.org",
        "HTTPS://example.org/a?b#c",
        "http://127.0.0.1:8080/x",
        "evidence/study.pdf",
        "./notes.md",
        "../shared/report.pdf",
        "/on/this/site",
        "#section",
        "a/b:c",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:x",
        "\u{85}javascript:x",
        "data:text/html,x",
        "file:///etc/passwd",
        "mailto:a@example.org",
        "//evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "https:evil.example",
        "https://",
        "https:///x",
        "",
    ];
    for url in samples {
        let text = format!(
            "format_version: 1\nmodel: {{ name: M }}\nlinks:\n  - {{ from: a, to: b, evidence: [{{ source: S, url: {} }}] }}\n",
            serde_json::to_string(url).unwrap()
        );
        let checker = modelfile::check(vec![modelfile::SourceFile::in_memory(
            "throughline.yaml",
            text.clone(),
        )])
        .diagnostics
        .iter()
        .all(|d| d.rule.code != "TL011");
        let schema = schema_errors(&v, &text).expect("YAML").is_empty();
        assert_eq!(schema, checker, "{url:?}: schema {schema}, checker {checker}");
    }
}

#[test]
fn the_file_with_every_key_passes_the_schema() {
    let errors = schema_errors(&validator(), crate::schema_keys::EVERY_KEY).expect("YAML");
    assert!(errors.is_empty(), "{errors:#?}");
}

fn number_word() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    (
        prop::sample::select(vec!["", "-", "+", "_"]),
        "[0-9_]{0,4}",
        prop::sample::select(vec!["", ".", ".5", ".0_1"]),
        prop::sample::select(vec!["", "e3", "E-2", "e+1_0"]),
        prop::sample::select(vec!["", "k", "K", "M", "G", "B", "%", " k"]),
        prop::sample::select(vec!["", " ", "  "]),
    )
        .prop_map(|(sign, digits, frac, exp, suffix, pad)| {
            format!("{pad}{sign}{digits}{frac}{exp}{suffix}{pad}")
        })
}

fn distribution_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        number_word(),
        (number_word(), number_word()).prop_map(|(a, b)| format!("{a} to {b}")),
        (
            prop::sample::select(vec![
                "normal",
                "LogNormal",
                "UNIFORM",
                "beta",
                "Triangular",
                "pErT",
                "gamma",
            ]),
            prop::collection::vec(number_word(), 1..4),
            prop::sample::select(vec!["", " "]),
        )
            .prop_map(|(name, args, pad)| format!("{pad}{name}{pad}({}){pad}", args.join(","))),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, ..Default::default() })]

    /// The schema never rejects a number or a distribution the checker reads, so editors never
    /// flag a valid model.
    #[test]
    fn the_schema_accepts_every_number_and_distribution_the_checker_reads(
        d in distribution_text(), n in number_word(),
    ) {
        let v = validator();
        let quote = |s: &str| serde_json::to_string(s).unwrap();
        if modelfile::quantity::parse_distribution(&d).is_ok() {
            let text = format!("initiatives:\n  - {{ id: i, name: I, team: t, effort: {} }}\n", quote(&d));
            let errors = schema_errors(&v, &text).expect("YAML");
            proptest::prop_assert!(errors.is_empty(), "{d:?}: {errors:?}");
        }
        if let Some(x) = modelfile::quantity::parse_number(&n) {
            let text = format!("planning: {{ budget: {} }}\n", quote(&n));
            let errors = schema_errors(&v, &text).expect("YAML");
            proptest::prop_assert!(errors.is_empty(), "{n:?}: {errors:?}");
            if (0.0..=1.0).contains(&x) {
                let text = format!("links:\n  - {{ from: a, to: b, probability: {} }}\n", quote(&n));
                let errors = schema_errors(&v, &text).expect("YAML");
                proptest::prop_assert!(errors.is_empty(), "probability {n:?}: {errors:?}");
            }
        }
    }
}

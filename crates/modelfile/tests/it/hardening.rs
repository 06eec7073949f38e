//! Hostile and careless input: alias bombs, deep nesting, huge and non-finite numbers, unsafe
//! links, huge texts and files, missing data files. Each is refused with a diagnostic at its
//! position; none panics, hangs or takes unbounded memory.

use std::time::{Duration, Instant};

use modelfile::yaml::{self, MAX_ALIAS_NODES};
use modelfile::{Diagnostic, FileId, MAX_FILE_BYTES, SourceFile, check};
use proptest::prelude::*;

const MANIFEST: &str = "format_version: 1\nmodel: { name: M }\n";

/// A small clean model whose numbers the tests replace.
fn model(cost: &str, effect: &str) -> Vec<SourceFile> {
    let text = format!(
        "{MANIFEST}goals:\n  - {{ id: g, name: G, unit: u }}\nteams:\n  - {{ id: t, name: T, capacity: 2 }}\n\
         value:\n  goals: {{ g: 1 }}\nnodes:\n  - {{ id: a, name: A, level: activity }}\n\
         \x20 - {{ id: o, name: O, level: output, unit: u }}\n\
         links:\n  - {{ from: a, to: o, assumptions: [x] }}\n\
         \x20 - {{ from: o, to: g, effect: {effect}, effect_unit: u / u, assumptions: [x], skip_reason: direct }}\n\
         initiatives:\n  - {{ id: i, name: I, team: t, cost: {cost}, delivers: [a, {{ node: o, amount: 1 }}] }}\n"
    );
    vec![SourceFile::in_memory("throughline.yaml", text)]
}

fn coded<'a>(ds: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    ds.iter().filter(|d| d.rule.code == code).collect()
}

fn line_col(d: &Diagnostic) -> (u32, u32) {
    let s = d.span.expect("a position");
    (s.start.line, s.start.column)
}

/// Nine levels, each repeating the one below nine times: 9^9 ≈ 387 million values if expanded.
fn billion_laughs() -> String {
    let mut s = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s
}

#[test]
fn the_billion_laughs_is_refused_within_a_second_and_a_bounded_budget() {
    let text = billion_laughs();
    assert!(text.len() < 1024, "the attack is {} bytes", text.len());
    let started = Instant::now();
    let mut out = Vec::new();
    let (root, copied) = yaml::parse_counting(FileId(0), &text, &mut out);
    let checked = check(vec![
        SourceFile::in_memory("throughline.yaml", MANIFEST),
        SourceFile::in_memory("bomb.yaml", text.clone()),
    ]);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(root.is_none());
    // Memory is bounded because copying is: at most MAX_ALIAS_NODES nodes (~10 MB) were made.
    assert!(copied <= MAX_ALIAS_NODES, "copied {copied}");
    let limit = coded(&checked.diagnostics, "TL010");
    assert_eq!(limit.len(), 1, "{:#?}", checked.diagnostics);
    // Levels b to e copy 90 + 819 + 7,380 + 66,429 nodes; the first `*e` of level f (line 6,
    // column 8) would copy 66,430 more and pass 100,000.
    assert_eq!(line_col(limit[0]), (6, 8));
    assert_eq!(checked.map.file(limit[0].span.unwrap()).name, "bomb.yaml");
    assert!(limit[0].help.as_deref().is_some_and(|h| h.contains("write the repeated values out")));
}

#[test]
fn aliases_of_a_long_text_are_bounded_by_bytes_too() {
    // Two hundred copies of a 100 KB string: few values, 20 MB of text.
    let text = format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(100_000), vec!["*a"; 200].join(", "));
    let mut out = Vec::new();
    let (root, copied) = yaml::parse_counting(FileId(0), &text, &mut out);
    assert!(root.is_none());
    assert!(copied < 200, "stopped after {copied} copies");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].rule.code, "TL010");
    assert!(out[0].message.contains("bytes"), "{}", out[0].message);
}

#[test]
fn ordinary_aliases_still_expand() {
    let text = format!(
        "{MANIFEST}teams:\n  - &web {{ id: web, name: Web, capacity: 2 }}\n\
         audiences:\n  - {{ id: all, name: All, kind: end_users }}\n\
         goals:\n  - {{ id: g, name: G, unit: u, audiences: &everyone [all] }}\n\
         nodes:\n  - {{ id: n, name: N, level: output, audiences: *everyone }}\n"
    );
    let mut out = Vec::new();
    let (_, copied) = yaml::parse_counting(FileId(0), &text, &mut out);
    assert_eq!(copied, 2, "the list and its one item");
    let checked = check(vec![SourceFile::in_memory("throughline.yaml", text)]);
    assert!(coded(&checked.diagnostics, "TL010").is_empty());
    assert_eq!(
        checked.model.nodes.iter().find(|n| n.id.as_str() == "n").unwrap().audiences.len(),
        1
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    // 100,000 levels of flow and 2,000 of block nesting: a recursive reader without a bound
    // overflows its stack long before the end.
    let flow = format!("{MANIFEST}x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let block: String = std::iter::once(MANIFEST.to_string())
        .chain((0..2_000).map(|i| format!("{}k:\n", " ".repeat(i))))
        .collect();
    for text in [flow, block] {
        let started = Instant::now();
        let checked = check(vec![SourceFile::in_memory("throughline.yaml", text)]);
        assert!(started.elapsed() < Duration::from_secs(5));
        // Our bound (64 levels) stops flow nesting; saphyr-parser's own recursion limit stops
        // block nesting first. Either way: one error with a position, no crash.
        let stopped: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| {
                d.message.contains("nest more than 64 levels")
                    || d.message.contains("recursion limit exceeded")
            })
            .collect();
        assert_eq!(stopped.len(), 1, "{:?}", checked.diagnostics);
        assert!(stopped[0].span.is_some());
    }
}

#[test]
fn a_cost_of_1e15_and_an_effect_of_1e308_are_errors_at_their_positions() {
    let checked = check(model("1e15", "1e308"));
    let range = coded(&checked.diagnostics, "TL205");
    let found: Vec<_> = range.iter().map(|d| (line_col(d), d.message.as_str())).collect();
    assert_eq!(
        found,
        vec![
            ((14, 31), "`effect` is 1e308, beyond the 1e9 allowed for an effect per unit"),
            ((16, 38), "`cost` is 1e15, beyond the 1e12 allowed for money"),
        ]
    );
    assert!(!checked.is_ok());
    // The refused values never reach the model.
    assert!(checked.model.initiatives[0].cost.is_none());
    assert!(checked.model.links.iter().all(|l| l.effect.is_none_or(|e| e.mean().abs() <= 1e9)));
}

#[test]
fn non_finite_numbers_and_overflowing_moments_are_errors() {
    for (cost, expect) in [
        (".inf", "`cost` is not a finite number"),
        (".nan", "`cost` is not a finite number"),
        ("1e400", "`cost` is not a finite number"),
        ("\"1e400 to 1e401\"", "`cost` is not a finite number"),
        // Finite ends, infinite mean: sigma ≈ 210, exp(sigma²/2) overflows.
        ("\"1 to 1e300\"", "`cost` cannot be computed with: its mean is too large to compute"),
        // Finite ends within the bound, but a mean of 1.3e13 (exp(10.4 + 6.3²/2)).
        ("\"1 to 1e9\"", "the mean of `cost` is 1.31e13, beyond the 1e12 allowed for money"),
    ] {
        let checked = check(model(cost, "1"));
        let range = coded(&checked.diagnostics, "TL205");
        assert_eq!(range.len(), 1, "{cost}: {:#?}", checked.diagnostics);
        assert!(range[0].message.starts_with(expect), "{cost}: {}", range[0].message);
    }
    // Negative zero and the bounds themselves are fine.
    for (cost, effect) in [("-0", "-0.0"), ("1e12", "1e9"), ("\"1 to 2\"", "-1e9")] {
        let checked = check(model(cost, effect));
        assert!(checked.is_ok(), "{cost} {effect}: {:#?}", checked.diagnostics);
    }
}

#[test]
fn a_javascript_url_is_an_error_and_https_is_not() {
    let text = |url: &str| {
        format!(
            "{MANIFEST}nodes:\n  - {{ id: a, name: A, level: activity }}\n  - {{ id: b, name: B, level: output }}\n\
             links:\n  - {{ from: a, to: b, evidence: [{{ source: S, url: \"{url}\" }}] }}\n"
        )
    };
    for bad in [
        "javascript:alert(1)",
        " javascript:x",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example",
    ] {
        let checked = check(vec![SourceFile::in_memory("throughline.yaml", text(bad))]);
        let urls = coded(&checked.diagnostics, "TL011");
        assert_eq!(urls.len(), 1, "{bad}");
        assert_eq!(line_col(urls[0]).0, 7);
        assert!(checked.model.links[0].evidence[0].url.is_none(), "{bad} must not reach a page");
    }
    for good in ["https://example.org/x?y=1#z", "http://example.org", "notes/study.pdf", "/a/b"] {
        let checked = check(vec![SourceFile::in_memory("throughline.yaml", text(good))]);
        assert!(coded(&checked.diagnostics, "TL011").is_empty(), "{good}");
    }
}

#[test]
fn a_megabyte_name_is_an_error() {
    let name = "x".repeat(1 << 20);
    let text = format!("{MANIFEST}nodes:\n  - {{ id: a, name: \"{name}\", level: activity }}\n");
    let checked = check(vec![SourceFile::in_memory("throughline.yaml", text)]);
    let long = coded(&checked.diagnostics, "TL012");
    assert_eq!(long.len(), 1);
    assert_eq!(line_col(long[0]), (4, 20));
    assert!(long[0].message.contains("1048576 characters"));
    assert!(checked.model.nodes.is_empty(), "the node is not shown with its megabyte name");
}

#[test]
fn files_above_ten_megabytes_are_refused() {
    let big = format!("{MANIFEST}# {}\n", "x".repeat(MAX_FILE_BYTES));
    let checked = check(vec![SourceFile::in_memory("throughline.yaml", big.clone())]);
    assert_eq!(coded(&checked.diagnostics, "TL010").len(), 1);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("throughline.yaml"), MANIFEST).unwrap();
    std::fs::write(dir.path().join("big.yaml"), big).unwrap();
    let err = modelfile::load_dir(dir.path()).unwrap_err();
    assert!(matches!(err, modelfile::LoadError::TooLarge(ref p) if p.ends_with("big.yaml")));
    assert!(err.to_string().contains("split it"));
}

#[test]
fn the_bundled_example_names_only_csv_files_it_has() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let checked = modelfile::check_dir(&dir).unwrap();
    let missing: Vec<_> =
        coded(&checked.diagnostics, "TL311").iter().map(|d| d.message.clone()).collect();
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn missing_csv_files_are_found_only_when_the_folder_is_known() {
    let text = format!(
        "{MANIFEST}nodes:\n  - {{ id: a, name: A, level: output }}\n\
         indicators:\n  - {{ id: i, name: I, measures: a, source: {{ kind: csv, path: data/x.csv }} }}\n"
    );
    let files = || vec![SourceFile::in_memory("throughline.yaml", text.clone())];
    // Pure check on texts alone cannot know.
    assert!(coded(&check(files()).diagnostics, "TL311").is_empty());
    let present: std::collections::BTreeSet<String> = ["data/y.csv".to_string()].into();
    let checked = modelfile::check_with(files(), &[], Some(&present));
    let missing = coded(&checked.diagnostics, "TL311");
    assert_eq!(missing.len(), 1);
    assert_eq!(line_col(missing[0]), (6, 63));
    assert_eq!(missing[0].help.as_deref(), Some("did you mean `data/y.csv`?"));
    let present: std::collections::BTreeSet<String> = ["data/x.csv".to_string()].into();
    assert!(
        coded(&modelfile::check_with(files(), &[], Some(&present)).diagnostics, "TL311").is_empty()
    );
}

/// Every number of a checked model that passed, for the property below.
fn numbers(m: &model::Model) -> Vec<(&'static str, f64, f64)> {
    let mut v = Vec::new();
    let mut dist = |what, d: &model::Distribution, max| {
        let (lo, hi) = d.range90();
        for x in [d.mean(), d.variance().sqrt(), lo, hi] {
            v.push((what, x, max));
        }
    };
    for i in &m.initiatives {
        if let Some(c) = &i.cost {
            dist("cost", c, 1e12);
        }
        if let Some(e) = &i.effort {
            dist("effort", e, 1e5);
        }
        for d in &i.delivers {
            if let Some(a) = &d.amount {
                dist("amount", a, 1e12);
            }
        }
    }
    for l in &m.links {
        if let Some(e) = &l.effect {
            dist("effect", e, 1e9);
        }
    }
    let mut v2: Vec<(&'static str, f64, f64)> = v;
    for t in &m.teams {
        v2.push(("capacity", t.capacity, 1e5));
    }
    v2
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-1e20f64..1e20).prop_map(|x| format!("{x}")),
        (0u32..400, any::<bool>())
            .prop_map(|(e, neg)| format!("{}1e{e}", if neg { "-" } else { "" })),
        prop::sample::select(vec![
            "-0",
            "0",
            "1e308",
            "-1e308",
            "1e309",
            ".inf",
            "-.inf",
            ".nan",
            "1e-400",
            "\"1 to 1e300\"",
            "\"1e-300 to 1e300\"",
            "\"pert(0, 1e12, 1e13)\"",
            "\"lognormal(700, 1)\"",
            "\"normal(1e300, 1e300)\"",
            "\"uniform(-1e308, 1e308)\"",
            "\"2 to 8\"",
            "200k",
            "1.5M",
            "\"1e12 to 1e13\"",
            "99999999999999999999",
        ])
        .prop_map(String::from),
        (-1e15f64..1e15, 0f64..1e15).prop_map(|(a, w)| format!("\"{a} to {}\"", a + w)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever numbers are written, a model the checker accepts holds only finite values
    /// within the ranges of their keys.
    #[test]
    fn accepted_models_hold_only_finite_numbers_within_range(
        cost in number_text(), effect in number_text(), effort in number_text(),
        amount in number_text(), capacity in number_text(),
    ) {
        let text = format!(
            "{MANIFEST}goals:\n  - {{ id: g, name: G, unit: u }}\nteams:\n  - {{ id: t, name: T, capacity: {capacity} }}\n\
             nodes:\n  - {{ id: a, name: A, level: activity }}\n  - {{ id: o, name: O, level: output, unit: u }}\n\
             links:\n  - {{ from: o, to: g, effect: {effect}, effect_unit: u / u, skip_reason: direct }}\n\
             initiatives:\n  - {{ id: i, name: I, team: t, cost: {cost}, effort: {effort}, delivers: [a, {{ node: o, amount: {amount} }}] }}\n"
        );
        let checked = check(vec![SourceFile::in_memory("throughline.yaml", text)]);
        if checked.is_ok() {
            for (what, x, max) in numbers(&checked.model) {
                prop_assert!(x.is_finite() && x.abs() <= max, "{what} = {x} passed check");
            }
        }
        // Whether or not it passed, nothing in the model is non-finite.
        for (what, x, _) in numbers(&checked.model) {
            prop_assert!(x.is_finite(), "{what} = {x} reached the model");
        }
    }
}

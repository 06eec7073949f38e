//! Diagram geometry and the report's pages.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::Model;
use report::diagram::{Scope, boxes, svg};

fn example() -> Model {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    modelfile::check_dir(&dir).unwrap().model
}

fn generated(nodes: usize) -> Model {
    let spec = synthetic::Spec {
        goals: 4,
        programs: 1,
        nodes,
        links: nodes * 2,
        initiatives: 30,
        teams: 3,
        seed: 5,
    };
    let files = synthetic::generate(&spec)
        .into_iter()
        .map(|(n, t)| modelfile::SourceFile::in_memory(n, t))
        .collect();
    let checked = modelfile::check(files);
    assert!(checked.is_ok());
    checked.model
}

fn assert_no_overlaps(svg: &str) {
    let b = boxes(svg);
    assert!(!b.is_empty());
    for (i, a) in b.iter().enumerate() {
        assert!(a.0.is_finite() && a.1.is_finite() && a.2 > 0.0 && a.3 > 0.0, "{a:?}");
        for c in &b[i + 1..] {
            let apart =
                a.0 + a.2 <= c.0 || c.0 + c.2 <= a.0 || a.1 + a.3 <= c.1 || c.1 + c.3 <= a.1;
            assert!(apart, "boxes overlap: {a:?} and {c:?}");
        }
    }
}

#[test]
fn boxes_never_overlap() {
    let m = example();
    for program in [None, Some("platform".to_string()), Some("wiki_loves_monuments".to_string())] {
        assert_no_overlaps(&svg(&m, &Scope { program, initiatives: true }, &|_, _| None));
    }
    // A 300-node program stays a valid, non-overlapping drawing.
    let big = generated(300);
    let s = svg(&big, &Scope { program: None, initiatives: true }, &|_, _| None);
    assert_no_overlaps(&s);
}

#[test]
fn higher_levels_are_drawn_above_lower_ones() {
    let m = example();
    let s = svg(&m, &Scope { program: None, initiatives: false }, &|_, _| None);
    // Titles carry the level; the rect follows its title.
    let mut by_level: Vec<(usize, f64)> = Vec::new();
    for chunk in s.split("<g class=\"node\">").skip(1) {
        let title = chunk.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
        let level = model::Level::ALL
            .iter()
            .position(|l| title.contains(&format!("[{}]", l.word())))
            .unwrap();
        let y: f64 =
            chunk.split(" y=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        by_level.push((level, y));
    }
    for a in &by_level {
        for b in &by_level {
            if a.0 > b.0 {
                assert!(
                    a.1 < b.1,
                    "level {} at y {} is not above level {} at y {}",
                    a.0,
                    a.1,
                    b.0,
                    b.1
                );
            }
        }
    }
}

#[test]
fn the_diagram_is_byte_stable_and_escapes_text() {
    let m = example();
    let scope = Scope { program: Some("new_readers".into()), initiatives: true };
    let a = svg(&m, &scope, &|id, _| Some(format!("{id}.html")));
    let b = svg(&m, &scope, &|id, _| Some(format!("{id}.html")));
    assert_eq!(a, b);
    assert!(a.contains("Readers in emerging markets") || a.contains("New monthly readers"));
    assert!(!a.contains("& "), "raw ampersands are escaped");
    assert!(a.contains(r#"<a href="nr_offline_android.html">"#));
}

/// The snapshots are of 2,000 samples (fewer than the default's 10,000: the same pages, faster).
fn site() -> Vec<report::File> {
    report::build(
        &example(),
        report::Format::Html,
        &report::Options { settings: samples(2_000), ..report::Options::default() },
        &|_, _| {},
    )
    .unwrap()
}

/// The overview, a program, the plan and an initiative page in every shipped language from one
/// simulation: the model's own text as written, the page's words from the language's messages,
/// `lang` and `dir` set (English is the snapshot above).
#[test]
fn the_report_speaks_each_language() {
    let opts = report::Options { settings: samples(2_000), ..report::Options::default() };
    let langs: Vec<i18n::Lang> = i18n::Lang::all().collect();
    let sites = report::build_sites(&example(), &opts, &langs, &|_, _| {}).unwrap();
    let english = site();
    for s in &sites {
        let files = s.files();
        let page = |p: &str| files.iter().find(|f| f.path == p).unwrap().contents.clone();
        let code = s.lang.code();
        assert!(
            page("index.html")
                .contains(&format!("<html lang=\"{code}\" dir=\"{}\">", s.lang.dir()))
        );
        if code == "en" {
            assert_eq!(files, english, "build_sites in English is build_site");
            continue;
        }
        insta::assert_snapshot!(format!("index_html_{code}"), page("index.html"));
        insta::assert_snapshot!(format!("program_html_{code}"), page("programs/new_readers.html"));
        insta::assert_snapshot!(format!("plan_html_{code}"), page("plan.html"));
        insta::assert_snapshot!(
            format!("initiative_html_{code}"),
            page("initiatives/pf_ve_mobile_default.html")
        );
    }
}

/// Resolves `target` relative to the page at `from` (both with `/` separators).
fn resolve(from: &str, target: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!(" {name}=\"");
    html.match_indices(&key).filter_map(|(i, _)| html[i + key.len()..].split('"').next()).collect()
}

#[test]
fn every_link_and_asset_resolves() {
    let files = site();
    let paths: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        for target in
            attributes(&f.contents, "href").into_iter().chain(attributes(&f.contents, "src"))
        {
            if target.starts_with("http")
                || target.starts_with('#')
                || target.starts_with("mailto:")
            {
                continue;
            }
            let path = resolve(&f.path, target.split('#').next().unwrap());
            assert!(
                paths.contains(path.as_str()),
                "{} links to {target}, which is not in the report",
                f.path
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn there_is_a_page_for_every_program_initiative_and_goal() {
    let m = example();
    let files = site();
    let has = |p: String| files.iter().any(|f| f.path == p);
    for p in &m.programs {
        assert!(has(format!("programs/{}.html", p.id)));
    }
    for i in &m.initiatives {
        assert!(has(format!("initiatives/{}.html", i.id)));
    }
    for g in m.goals() {
        assert!(has(format!("goals/{}.html", g.id)));
    }
}

#[test]
fn pages_have_accessible_structure() {
    for f in site().iter().filter(|f| f.path.ends_with(".html")) {
        let h = &f.contents;
        assert!(h.contains("<html lang=\"en\" dir=\"ltr\">"), "{}", f.path);
        assert_eq!(h.matches("<h1>").count(), 1, "{}: one h1", f.path);
        assert_eq!(
            h.matches("<table>").count(),
            h.matches("<caption>").count(),
            "{}: every table has a caption",
            f.path
        );
        for svg in h.split("<svg").skip(1) {
            let tag = svg.split('>').next().unwrap();
            assert!(tag.contains("aria-label=\""), "{}: an SVG without a label", f.path);
        }
        assert!(!h.contains("<img"), "{}: diagrams are inline SVG", f.path);
    }
}

#[test]
fn the_report_is_byte_stable_and_snapshotted() {
    let a = site();
    let b = site();
    assert_eq!(a, b);
    let list: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    insta::assert_snapshot!("files", list.join("\n"));
    let page = |p: &str| a.iter().find(|f| f.path == p).unwrap().contents.clone();
    insta::assert_snapshot!("index_html", page("index.html"));
    insta::assert_snapshot!("program_html", page("programs/new_readers.html"));
    insta::assert_snapshot!("initiative_html", page("initiatives/pf_ve_mobile_default.html"));
    insta::assert_snapshot!("goal_html", page("goals/g_media.html"));
    insta::assert_snapshot!("plan_html", page("plan.html"));
    let wiki = report::build(
        &example(),
        report::Format::Wikitext,
        &report::Options { settings: samples(2_000), ..report::Options::default() },
        &|_, _| {},
    )
    .unwrap();
    insta::assert_snapshot!(
        "index_wiki",
        wiki.iter().find(|f| f.path == "index.wiki").unwrap().contents.clone()
    );
    insta::assert_snapshot!(
        "program_wiki",
        wiki.iter().find(|f| f.path == "platform.wiki").unwrap().contents.clone()
    );
}

#[test]
fn sroi_of_the_example_is_snapshotted_and_its_quantity_is_the_exact_expectation() {
    let m = example();
    let g = model::graph::ModelGraph::build(&m);
    let plan = simulate::Plan::new(&m, &simulate::Overrides::default()).unwrap();
    let r = report::sroi_of(&m, &g, &plan, "new_readers").unwrap();
    // The goal's quantity is the sum of the program's initiatives' exact expected contributions.
    let slot = plan.goals.iter().position(|&n| m.nodes[n].id.as_str() == "g_reach_equity").unwrap();
    let contributions = plan.expected_contributions();
    let expected: f64 = (0..m.initiatives.len())
        .filter(|&i| m.initiatives[i].program.as_ref().is_some_and(|p| p.as_str() == "new_readers"))
        .map(|i| contributions[i][slot])
        .sum();
    let o = r.outcomes.iter().find(|o| o.id == "g_reach_equity").unwrap();
    assert!((o.quantity - expected).abs() < 1e-9 * expected);
    insta::assert_snapshot!("sroi_new_readers", views::text::sroi(&r));
}

/// The shared settings with another sample count.
fn samples(n: usize) -> analysis::Settings {
    analysis::Settings { samples: n, ..analysis::Settings::default() }
}

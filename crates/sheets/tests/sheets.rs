//! Spreadsheets out and back in: the example exported as XLSX and as CSV imports into an empty
//! model that checks clean and exports the same item tables; bad cells are reported where they
//! are and change nothing.

use std::path::Path;

use modelfile::{Severity, SourceFile};
use sheets::{Book, Cell, Extras, RawTable};

fn example() -> modelfile::Checked {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let files = modelfile::load_dir(&dir).expect("example loads");
    modelfile::check(files)
}

fn empty_model() -> Vec<SourceFile> {
    vec![SourceFile {
        name: "throughline.yaml".into(),
        path: None,
        text: "format_version: 1\nmodel:\n  name: Imported\n".into(),
    }]
}

fn day() -> model::Date {
    model::Date::new(2026, 12, 3).expect("date")
}

fn errors(c: &modelfile::Checked) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| d.message.clone())
        .collect()
}

const ITEMS: [&str; 7] =
    ["programs", "nodes", "links", "initiatives", "indicators", "teams", "audiences"];

/// Imports `tables` into an empty model; the result must check without errors and export the
/// same item tables as `book` (the model's currency may differ, so units are not compared).
fn round_trip(book: &Book, tables: &[RawTable]) {
    // The plan's structure is not a table of items: the hypotheses initiatives carry need it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let planning = std::fs::read_to_string(dir.join("planning.yaml")).expect("planning");
    let mut base = empty_model();
    base.push(SourceFile { name: "planning.yaml".into(), path: None, text: planning });
    let imported = sheets::import(base.clone(), tables, "imported.yaml").expect("imports");
    let mut files = base;
    files.extend(imported.files);
    let checked = modelfile::check(files);
    assert_eq!(errors(&checked), Vec::<String>::new());
    let again = sheets::book(&checked.model, "r", day(), Extras::default());
    for name in ITEMS {
        let (a, b) = (book.table(name).expect("table"), again.table(name).expect("table"));
        assert_eq!(a.rows.len(), b.rows.len(), "{name}");
        let mut a_rows = a.rows.clone();
        let mut b_rows = b.rows.clone();
        a_rows.sort_by_key(|r| r.iter().map(Cell::text).collect::<Vec<_>>());
        b_rows.sort_by_key(|r| r.iter().map(Cell::text).collect::<Vec<_>>());
        assert_eq!(a_rows, b_rows, "{name}");
    }
}

#[test]
fn the_example_round_trips_through_xlsx() {
    let checked = example();
    assert_eq!(errors(&checked), Vec::<String>::new());
    let book = sheets::book(&checked.model, "folder", day(), Extras::default());
    assert!(book.table("initiatives").is_some_and(|t| t.rows.len() >= 5));
    let bytes = sheets::write::xlsx(&book).expect("xlsx");
    assert_eq!(bytes, sheets::write::xlsx(&book).expect("xlsx"), "byte-stable");
    let tables = sheets::read_xlsx(&bytes).expect("reads back");
    assert_eq!(tables[0].sheet, "about");
    // Typed cells: a team's capacity comes back as a number, a target date as a date.
    round_trip(&book, &tables);
}

#[test]
fn the_example_round_trips_through_csv() {
    let checked = example();
    let book = sheets::book(&checked.model, "folder", day(), Extras::default());
    let files = sheets::write::csv_files(&book).expect("csv");
    assert_eq!(files[0].0, "about.csv");
    assert!(files[0].1.contains("model,Wikimedia") || files[0].1.contains("model,"));
    let tables: Vec<RawTable> = files
        .iter()
        .map(|(name, text)| sheets::read_csv(name.trim_end_matches(".csv"), text).expect("csv"))
        .collect();
    round_trip(&book, &tables);
}

#[test]
fn evaluations_say_their_data_are_synthetic() {
    let checked = example();
    let book = sheets::book(&checked.model, "folder", day(), Extras::default());
    let about = book.about();
    let text: Vec<String> = about.rows.iter().map(|r| r[1].text()).collect();
    if checked.model.evaluations.iter().any(|e| !e.data.is_measured()) {
        assert!(text.iter().any(|t| t.contains("synthetic data")), "{text:?}");
    }
}

#[test]
fn units_are_in_headers_and_numbers_are_numbers() {
    let checked = example();
    let book = sheets::book(&checked.model, "folder", day(), Extras::default());
    let t = book.table("initiatives").expect("initiatives");
    let headers: Vec<String> = t.columns.iter().map(|c| c.header()).collect();
    assert!(headers.contains(&format!("cost ({})", checked.model.meta.currency)));
    assert!(headers.contains(&"effort (person-quarters)".to_string()));
    let teams = book.table("teams").expect("teams");
    assert!(teams.rows.iter().all(|r| matches!(r[2], Cell::Number(_))));
}

fn csv(sheet: &str, text: &str) -> RawTable {
    sheets::read_csv(sheet, text).expect("csv")
}

#[test]
fn bad_cells_are_reported_where_they_are_and_nothing_changes() {
    let model = vec![
        empty_model().remove(0),
        SourceFile {
            name: "teams.yaml".into(),
            path: None,
            text: "teams:\n  - id: web\n    name: Web\n    capacity: 3\n".into(),
        },
    ];
    let sheet = csv(
        "initiatives",
        "id,name,team,cost (USD),must_do,colour\nok_one,Fine,web,100,no,\nBad Id,x,web,lots,maybe,\n",
    );
    let err = sheets::import(model.clone(), &[sheet], "imported.yaml").expect_err("refused");
    let p = err.problems();
    // The unknown column is reported on the header; the rows are not read until it is fixed.
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].row, p[0].column.as_deref()), (1, Some("F (colour)")));
    let sheet = csv(
        "initiatives",
        "id,name,team,cost (USD),must_do\nok_one,Fine,web,100,no\nBad Id,x,web,lots,maybe\n",
    );
    let err = sheets::import(model.clone(), &[sheet], "imported.yaml").expect_err("refused");
    let at: Vec<(usize, Option<&str>)> =
        err.problems().iter().map(|p| (p.row, p.column.as_deref())).collect();
    assert_eq!(at, [(3, Some("A (id)")), (3, Some("D (cost)")), (3, Some("E (must_do)"))]);
    assert!(err.problems()[1].fix.contains("a number or a range"), "{:?}", err.problems()[1]);
    // A reference the checker refuses comes back at its row and column.
    let sheet = csv("initiatives", "id,name,team\nok_one,Fine,nobody\n");
    let err = sheets::import(model.clone(), &[sheet], "imported.yaml").expect_err("refused");
    let p = &err.problems()[0];
    assert_eq!(
        (p.sheet.as_str(), p.row, p.column.as_deref()),
        ("initiatives", 2, Some("C (team)"))
    );
}

#[test]
fn new_items_land_after_their_kind_in_the_models_style() {
    let model = vec![
        empty_model().remove(0),
        SourceFile {
            name: "teams.yaml".into(),
            path: None,
            text:
                "# Our teams.\nteams:\n  - id: web\n    name: Web\n    capacity: 3 # FTE\n\n# end\n"
                    .into(),
        },
    ];
    let sheet = csv("teams", "id,name,capacity (FTE per quarter)\napps,Apps: mobile,2.5\n");
    let done = sheets::import(model, &[sheet], "imported.yaml").expect("imports");
    assert_eq!(done.added, [("team", "apps".to_string())]);
    assert_eq!(done.files.len(), 1);
    assert_eq!(
        done.files[0].text,
        "# Our teams.\nteams:\n  - id: web\n    name: Web\n    capacity: 3 # FTE\n  - id: apps\n    name: \"Apps: mobile\"\n    capacity: 2.5\n\n# end\n"
    );
}

#[test]
fn the_csv_tables_read_as_documented() {
    let checked = example();
    let book = sheets::book(&checked.model, "folder", day(), Extras::default());
    let files = sheets::write::csv_files(&book).expect("csv");
    let of =
        |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).expect(name);
    insta::assert_snapshot!("about_csv", of("about.csv"));
    insta::assert_snapshot!("teams_csv", of("teams.csv"));
    insta::assert_snapshot!("evaluations_csv", of("evaluations.csv"));
    let initiatives = of("initiatives.csv");
    insta::assert_snapshot!(
        "initiatives_csv_head",
        initiatives.lines().take(4).collect::<Vec<_>>().join("\n")
    );
}

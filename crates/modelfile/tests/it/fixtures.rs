//! Tests as data: every folder under `tests/fixtures/{valid,invalid}/` is a model, and the
//! `expected.txt` next to it lists the diagnostics `check` must report, one per line:
//! `file:line:column: severity[CODE name]: message`. Valid fixtures expect nothing.
//!
//! Run with `UPDATE_EXPECT=1` to rewrite the expectations after a deliberate change, then review
//! the diff.

use std::path::{Path, PathBuf};

use modelfile::rules;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn folders(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures_root().join(kind))
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// The short, stable form of a check's diagnostics.
fn short(dir: &Path) -> String {
    let checked = modelfile::check_dir(dir).expect("fixture loads");
    let mut s = String::new();
    for d in &checked.diagnostics {
        let at = match d.span {
            Some(sp) => {
                format!("{}:{}:{}", checked.map.file(sp).name, sp.start.line, sp.start.column)
            }
            None => "-".into(),
        };
        s.push_str(&format!(
            "{at}: {}[{} {}]: {}\n",
            d.severity().as_str(),
            d.rule.code,
            d.rule.name,
            d.message
        ));
    }
    s
}

fn check_folder(dir: &Path) -> Result<(), String> {
    let actual = short(dir);
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        // Only when changed, and whole: another test reads these files at the same time, and
        // must never see one truncated mid-write.
        if std::fs::read_to_string(&expected_path).ok().as_deref() != Some(actual.as_str()) {
            let tmp = dir.join("expected.txt.tmp");
            std::fs::write(&tmp, &actual).expect("write expected.txt.tmp");
            std::fs::rename(&tmp, &expected_path).expect("replace expected.txt");
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{}:\n--- expected\n{expected}--- actual\n{actual}",
            dir.strip_prefix(fixtures_root()).unwrap_or(dir).display()
        ))
    }
}

#[test]
fn invalid_fixtures_report_exactly_their_expected_diagnostics() {
    let failures: Vec<String> =
        folders("invalid").iter().filter_map(|d| check_folder(d).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_fixtures_report_nothing() {
    let dirs = folders("valid");
    assert!(!dirs.is_empty());
    for dir in dirs {
        let actual = short(&dir);
        assert_eq!(actual, "", "{} should be clean", dir.display());
    }
}

#[test]
fn every_rule_has_a_fixture_that_fires_it() {
    let mut missing = Vec::new();
    for (rule, _) in rules::ALL {
        let dir = fixtures_root().join("invalid").join(rule.name);
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap_or_default();
        let tag = format!("[{} {}]", rule.code, rule.name);
        if !expected.contains(&tag) {
            missing
                .push(format!("tests/fixtures/invalid/{}/ must exist and report {tag}", rule.name));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_bundled_example_has_no_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    let checked = modelfile::check_dir(&dir).expect("example loads");
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| format!("{:?} {}", d.span, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(checked.model.initiatives.len() >= 30);
    assert!(checked.model.programs.len() >= 4);
}

//! The message files against the sources and against each other: every key used exists and is
//! documented, every message is used, every shipped language is complete and well formed; and
//! plural choice and number formats give CLDR's known answers.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeSet;
use std::path::Path;

use i18n::PluralCategory::{Few, Many, One, Other, Two, Zero};
use i18n::{Arg, Lang, parameters, parse, plural_forms, t};

/// The crates whose pages speak through messages.
const SPEAKING: [&str; 4] = ["report", "server", "cli", "i18n"];

/// Every `"throughline-…"` string literal in the speaking crates' sources: the keys used.
fn used_keys() -> BTreeSet<String> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut keys = BTreeSet::new();
    for c in SPEAKING {
        let mut stack = vec![crates.join(c).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (at, _) in text.match_indices("\"throughline-") {
                        let rest = &text[at + 1..];
                        let len = rest
                            .find(|c: char| {
                                !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                            })
                            .unwrap_or(rest.len());
                        if rest[len..].starts_with('"') {
                            keys.insert(rest[..len].to_string());
                        }
                    }
                }
            }
        }
    }
    keys
}

fn keys_of(json: &str) -> BTreeSet<String> {
    parse(json).unwrap().into_keys().collect()
}

#[test]
fn every_key_used_is_in_english_and_documented() {
    let en = keys_of(Lang::EN.file());
    let qqq = keys_of(i18n::DOCUMENTATION);
    let used = used_keys();
    assert!(used.len() > 50, "the scan found only {} keys", used.len());
    let missing: Vec<_> = used.iter().filter(|k| !en.contains(*k)).collect();
    assert!(missing.is_empty(), "used but not in i18n/en.json: {missing:?}");
    let undocumented: Vec<_> = used.iter().filter(|k| !qqq.contains(*k)).collect();
    assert!(undocumented.is_empty(), "used but not in i18n/qqq.json: {undocumented:?}");
}

#[test]
fn every_message_is_used_and_documentation_has_no_extra_keys() {
    let en = keys_of(Lang::EN.file());
    let used = used_keys();
    let unused: Vec<_> = en.iter().filter(|k| !used.contains(*k)).collect();
    assert!(unused.is_empty(), "in i18n/en.json but used nowhere: {unused:?}");
    let qqq = keys_of(i18n::DOCUMENTATION);
    let extra: Vec<_> = qqq.iter().filter(|k| !en.contains(*k)).collect();
    assert!(extra.is_empty(), "documented in i18n/qqq.json but not in en.json: {extra:?}");
    for (k, doc) in parse(i18n::DOCUMENTATION).unwrap() {
        assert!(doc.len() > 10, "{k}: documentation too short to help a translator");
        for n in parameters(Lang::EN.raw(&k).as_ref()) {
            assert!(doc.contains(&format!("${n}")), "{k}: qqq does not say what ${n} is");
        }
    }
}

#[test]
fn message_files_are_mediawiki_json_with_authors() {
    for text in Lang::all().map(Lang::file).chain([i18n::DOCUMENTATION]) {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let authors = &v["@metadata"]["authors"];
        assert!(authors.as_array().is_some_and(|a| !a.is_empty()), "{text:.80}");
        assert!(parse(text).is_ok());
        assert!(text.ends_with("}\n"));
    }
}

/// Every shipped language is complete: every key, the same parameters as English, and plural
/// forms that fit its CLDR categories.
#[test]
fn shipped_languages_are_complete_and_well_formed() {
    let en = parse(Lang::EN.file()).unwrap();
    for lang in Lang::all() {
        let own = parse(lang.file()).unwrap();
        let missing: Vec<_> = en.keys().filter(|k| !own.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", lang.code());
        let extra: Vec<_> = own.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{}: not in English {extra:?}", lang.code());
        let categories = lang.categories().len();
        for (k, text) in &own {
            assert_eq!(parameters(text), parameters(&en[k]), "{} {k}: parameters", lang.code());
            assert!(!text.trim().is_empty(), "{} {k} is empty", lang.code());
            for forms in plural_forms(text) {
                assert_eq!(
                    forms.len(),
                    categories,
                    "{} {k}: {{{{PLURAL:}}}} needs one form per CLDR category ({:?})",
                    lang.code(),
                    lang.categories()
                );
            }
            assert_eq!(text.matches("{{").count(), text.matches("}}").count(), "{k}");
        }
    }
}

#[test]
fn plural_categories_are_cldrs() {
    let ar = Lang::from_code("ar").unwrap();
    let got: Vec<_> = [0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 99.0, 100.0, 101.0, 102.0, 103.0]
        .map(|n| ar.category(n))
        .to_vec();
    assert_eq!(got, [Zero, One, Two, Few, Few, Many, Many, Other, Other, Other, Few]);
    assert_eq!(ar.categories(), [Zero, One, Two, Few, Many, Other]);
    let de = Lang::from_code("de").unwrap();
    assert_eq!([0.0, 1.0, 2.0, 1.5].map(|n| de.category(n)), [Other, One, Other, Other]);
    assert_eq!(Lang::EN.categories(), [One, Other]);
}

#[test]
fn plural_forms_follow_the_count() {
    let ar = Lang::from_code("ar").unwrap();
    let forms = "{{PLURAL:$1|zero|one|two|few|many|other}}";
    let pick = |lang: Lang, template: &str, n: i64| {
        // A message's text through the same expansion as the files' (the tests' own template).
        let mut out = String::new();
        for p in lang_pieces(lang, template, n) {
            out.push_str(&p);
        }
        out
    };
    for (n, want) in [(0, "zero"), (1, "one"), (2, "two"), (5, "few"), (11, "many"), (100, "other")]
    {
        assert_eq!(pick(ar, forms, n), want, "{n}");
    }
    assert_eq!(pick(Lang::EN, "{{PLURAL:$1|one|other}}", 1), "one");
    assert_eq!(pick(Lang::EN, "{{PLURAL:$1|one|other}}", 7), "other");
    assert_eq!(pick(Lang::EN, "{{PLURAL:$1|0=none|one|other}}", 0), "none");
    // Fewer forms than categories: the last stands for the rest (MediaWiki's rule).
    assert_eq!(pick(ar, "{{PLURAL:$1|zero|one}}", 5), "one");
    // A real message: German chooses by the count, Arabic too.
    let de = Lang::from_code("de").unwrap();
    assert_eq!(t!(de, "throughline-overview-program-initiatives", 1_usize), "Eine Initiative.");
    assert_eq!(t!(de, "throughline-overview-program-initiatives", 3_usize), "3 Initiativen.");
    assert_eq!(t!(ar, "throughline-overview-program-initiatives", 2_usize), "مبادرتان.");
}

/// `template` expanded as a message with one count parameter.
fn lang_pieces(lang: Lang, template: &str, n: i64) -> Vec<String> {
    lang.expand_text(template, &[Arg::Count(n)])
}

#[test]
fn numbers_in_each_language() {
    let de = Lang::from_code("de").unwrap();
    let ar = Lang::from_code("ar").unwrap();
    assert_eq!(Lang::EN.decimal(1234.5, 1), "1234.5");
    assert_eq!(Lang::EN.int(12_345), "12,345");
    assert_eq!(de.decimal(0.25, 2), "0,25");
    assert_eq!(de.decimal(1234.5, 1), "1234,5");
    assert_eq!(de.int(12_345), "12.345");
    assert_eq!(de.int(-1_234_567), "-1.234.567");
    // Arabic in CLDR's default numbering for `ar` (Latin digits since CLDR 46).
    assert_eq!(ar.decimal(0.25, 2), "0.25");
    assert_eq!(Lang::EN.decimal(f64::NAN, 1), "—");
    assert_eq!(t!(de, "throughline-percent", de.decimal(12.5, 1)), "12,5 %");
}

#[test]
fn languages_by_code_and_by_browser() {
    let de = Lang::from_code("de").unwrap();
    let ar = Lang::from_code("ar").unwrap();
    assert_eq!(Lang::from_code("de-AT"), Some(de));
    assert_eq!(Lang::from_code("ar_EG"), Some(ar));
    assert_eq!(Lang::from_code("xx"), None);
    assert_eq!(Lang::negotiate("fr-CH, fr;q=0.9, de;q=0.8, en;q=0.7"), Some(de));
    assert_eq!(Lang::negotiate("en;q=0.5, ar-EG"), Some(ar));
    assert_eq!(Lang::negotiate("de;q=0, fr"), None);
    assert_eq!(Lang::negotiate(""), None);
    assert_eq!((ar.dir(), de.dir(), Lang::EN.dir()), ("rtl", "ltr", "ltr"));
    // A key missing everywhere shows itself, as MediaWiki does.
    assert_eq!(Lang::EN.msg("throughline-no-such-key", &[]), "⧼throughline-no-such-key⧽");
}

//! Writing values into model files: the one place that turns a value people typed (in a form, in
//! a spreadsheet cell) into YAML text for a key of the format, and that tells which errors a
//! change of the files added. The workspace's item edits and the spreadsheet import both write
//! through here, so a value is quoted the same way wherever it comes from.

use std::collections::HashMap;

use crate::format::Shape;
use crate::{Checked, Diagnostic, Severity};

/// The YAML text for a value typed by a person, for a key of `shape`: numbers, booleans, enum
/// words, ids and dates as plain scalars, anything else as a double-quoted scalar (JSON's escapes
/// are YAML's), which is safe in block and flow style alike. An `Err` says what was expected.
pub fn scalar(shape: &Shape, input: &str) -> Result<String, String> {
    let t = input.trim();
    let plain_word = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match shape {
        Shape::Number | Shape::NonNegative | Shape::Probability | Shape::Integer | Shape::Year => t
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|_| t.to_string())
            .ok_or_else(|| format!("`{t}` is not a number")),
        Shape::Bool => match t {
            "true" | "false" => Ok(t.to_string()),
            _ => Err(format!("`{t}` is not true or false")),
        },
        Shape::Enum(words) => {
            if words.contains(&t) {
                Ok(t.to_string())
            } else {
                Err(format!("`{t}` is not one of {}", words.join(", ")))
            }
        }
        Shape::Id | Shape::Code | Shape::Date if plain_word(t) => Ok(t.to_string()),
        Shape::Distribution if t.parse::<f64>().is_ok_and(f64::is_finite) => Ok(t.to_string()),
        _ => serde_json::to_string(t).map_err(|e| e.to_string()),
    }
}

/// Text as people write it in YAML: plain when that is unambiguous (`name: New Readers`),
/// double-quoted otherwise (a colon-space, a comment sign, a leading indicator, a line break,
/// or a word YAML would read as a number, boolean or null). `flow` is for items of a `[a, b]`
/// list, where commas and brackets need quotes too.
pub fn text(input: &str, flow: bool) -> String {
    let t = input;
    let special = |c: char| matches!(c, ',' | '[' | ']' | '{' | '}');
    let looks_typed = t.parse::<f64>().is_ok()
        || t.chars().all(|c| c.is_ascii_digit() || "-_.:+eExXoO".contains(c))
        || matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        );
    let plain = t.chars().next().is_some_and(char::is_alphanumeric)
        && t.trim() == t
        && !t.contains(['\n', '\r', '\t', '"', '\''])
        && !t.contains(": ")
        && !t.contains(" #")
        && !t.ends_with(':')
        && !(flow && t.contains(special))
        && !looks_typed;
    if plain {
        t.to_string()
    } else {
        serde_json::to_string(t).unwrap_or_else(|_| format!("{t:?}"))
    }
}

/// The YAML text for a value as people type it in one box (a spreadsheet cell, a form's field),
/// for a key of `shape`: like [`scalar`], and besides lists in flow style (`[a, b]`) from
/// entries separated by `;` (ids, numbers) or one per line (text), booleans as `yes`/`no`/`1`/`0`
/// too, ids, dates, trackers and distributions checked. The spreadsheet import and the
/// workspace's forms both write through here. An `Err` says what was expected.
pub fn cell(shape: &Shape, text: &str) -> Result<String, String> {
    match shape {
        Shape::List(inner) => {
            let items: Vec<&str> = match inner {
                Shape::Text | Shape::LongText | Shape::OneOf(_) => text.lines().collect(),
                _ => text.split(';').collect(),
            };
            let inner: &Shape = match inner {
                Shape::OneOf(_) => &Shape::LongText,
                s => s,
            };
            let v: Result<Vec<String>, String> = items
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| match inner {
                    Shape::Text | Shape::LongText => Ok(self::text(s, true)),
                    _ => cell(inner, s),
                })
                .collect();
            Ok(format!("[{}]", v?.join(", ")))
        }
        Shape::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok("true".into()),
            "false" | "no" | "0" => Ok("false".into()),
            _ => Err(format!("`{text}` is not true or false")),
        },
        Shape::Tracker => model::TrackerRef::parse(text)
            .map(|t| t.as_str().to_string())
            .map_err(|_| format!("`{text}` is not a Phabricator task id")),
        Shape::Id if !valid_id(text) => Err(format!("`{text}` is not an id")),
        Shape::Date if model::Date::parse(text).is_none() => Err(format!("`{text}` is not a date")),
        Shape::Distribution => match crate::quantity::parse_distribution(text) {
            Ok(_) => scalar(shape, text),
            Err(e) => Err(format!("`{text}` is not a number or a distribution: {e}")),
        },
        Shape::Record(_) | Shape::Params | Shape::NumberMap(_) | Shape::OneOf(_) => {
            Err("this key cannot be written in a cell".into())
        }
        Shape::Text | Shape::LongText => Ok(self::text(text, false)),
        s => scalar(s, text),
    }
}

/// Whether `s` is an id as people write them: a lower-case letter, then lower-case letters,
/// digits, `_` and `-`.
pub fn valid_id(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_lowercase())
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

/// The errors of `after` that `before` did not have (compared by rule and message, counted, so
/// fixing one error elsewhere does not hide a new one of the same kind).
pub fn added_errors<'a>(before: &Checked, after: &'a Checked) -> Vec<&'a Diagnostic> {
    let count = |c: &Checked| {
        let mut m: HashMap<(String, String), usize> = HashMap::new();
        for d in c.diagnostics.iter().filter(|d| d.severity() == Severity::Error) {
            *m.entry((d.rule.code.to_string(), d.message.clone())).or_insert(0) += 1;
        }
        m
    };
    let (old, mut new) = (count(before), count(after));
    for (k, n) in old {
        if let Some(v) = new.get_mut(&k) {
            *v = v.saturating_sub(n);
        }
    }
    after
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .filter(|d| {
            let k = (d.rule.code.to_string(), d.message.clone());
            match new.get_mut(&k) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_plain_and_text_is_quoted() {
        assert_eq!(scalar(&Shape::Number, " 12.5 ").as_deref(), Ok("12.5"));
        assert!(scalar(&Shape::Number, "twelve").is_err());
        assert_eq!(scalar(&Shape::Id, "edit_tool").as_deref(), Ok("edit_tool"));
        assert_eq!(scalar(&Shape::Text, "a: b # c").as_deref(), Ok("\"a: b # c\""));
        assert_eq!(scalar(&Shape::Distribution, "2 to 8").as_deref(), Ok("\"2 to 8\""));
        assert_eq!(scalar(&Shape::Bool, "yes"), Err("`yes` is not true or false".into()));
    }

    #[test]
    fn a_cell_writes_lists_in_flow_style() {
        const IDS: Shape = Shape::List(&Shape::Id);
        assert_eq!(cell(&IDS, " a; b ;; c ").as_deref(), Ok("[a, b, c]"));
        assert_eq!(cell(&IDS, "").as_deref(), Ok("[]"));
        assert!(cell(&IDS, "a; B").is_err());
        let texts = Shape::List(&Shape::LongText);
        assert_eq!(cell(&texts, "one, two\nthree").as_deref(), Ok("[\"one, two\", three]"));
        assert_eq!(cell(&Shape::Bool, "Yes").as_deref(), Ok("true"));
        assert!(cell(&Shape::Date, "2026-13-01").is_err());
    }

    #[test]
    fn text_is_plain_only_when_yaml_reads_it_back_as_written() {
        for (input, flow, yaml) in [
            ("New Readers", false, "New Readers"),
            ("Product, Readers", false, "Product, Readers"),
            ("Product, Readers", true, "\"Product, Readers\""),
            ("a: b", false, "\"a: b\""),
            ("issue#3", false, "issue#3"),
            ("x # y", false, "\"x # y\""),
            ("2030", false, "\"2030\""),
            ("2030 strategy", false, "2030 strategy"),
            ("yes", false, "\"yes\""),
            ("- item", false, "\"- item\""),
            ("two\nlines", false, "\"two\\nlines\""),
            ("", false, "\"\""),
        ] {
            assert_eq!(text(input, flow), yaml, "{input:?}");
            // Read back by the loader itself, in block and in flow style.
            for doc in [format!("k: {yaml}\n"), format!("k: [{yaml}]\n")] {
                if !flow && doc.contains('[') && input.contains(',') {
                    continue;
                }
                let mut out = Vec::new();
                let node = crate::yaml::parse(crate::FileId(0), &doc, &mut out).expect("YAML");
                let crate::yaml::Value::Map(m) = node.value else { panic!("{doc}") };
                let mut v = &m[0].1.value;
                if let crate::yaml::Value::Seq(items) = v {
                    v = &items[0].value;
                }
                assert_eq!(v, &crate::yaml::Value::Str(input.to_string()), "{doc}");
            }
        }
    }
}

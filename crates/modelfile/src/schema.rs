//! The JSON Schema of model files, generated from [`crate::format`], so that editors (the YAML
//! language server, IDEs) validate and autocomplete the files people write.
//!
//! The schema must never reject a file the checker accepts (editors would flag valid models),
//! and should reject what a schema can express of what the checker refuses: unknown keys,
//! wrong types, missing keys, malformed values, numbers beyond their key's bound, unsafe links,
//! over-long texts. What needs the whole model (references, cycles, units) or arithmetic on a
//! string (the mean of `"1 to 1e300"`) stays with `throughline check`. A test validates every
//! fixture and the example with a standard draft 2020-12 validator.
//!
//! Patterns use only what ECMA-262 and every validator's regular expressions share: no
//! look-around and no inline flags, so case-insensitive words are spelt as `[pP][eE]…`.

use serde_json::{Map, Value, json};

use crate::format::{self, FILE, Limit, Record, Shape};

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "https://throughline.invalid/schema/v1/throughline.schema.json";

/// The JSON Schema (draft 2020-12) of one model file.
pub fn json_schema() -> Value {
    let mut defs = Map::new();
    let mut root = record(&FILE, &mut defs);
    // A file holding only comments is an empty YAML document: null, and valid.
    if let Value::Object(r) = &mut root {
        r.insert("type".into(), json!(["object", "null"]));
    }
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "throughline model file",
        "description": "One YAML file of a throughline model (format_version 1). See docs/format.md.",
    });
    if let (Value::Object(s), Value::Object(r)) = (&mut schema, root) {
        s.extend(r);
        s.insert("$defs".into(), Value::Object(defs));
    }
    schema
}

/// What `decode::url_problem` accepts: an `http`/`https` address with a host, or a relative
/// path whose first segment has no `:` and which does not start with `//`; never whitespace,
/// control characters or backslashes.
const URL: &str = r"^([hH][tT][tT][pP][sS]?://[^\s/?#\\\x00-\x1f\x7f-\x9f]+([/?#][^\s\\\x00-\x1f\x7f-\x9f]*)?|/|/[^\s/\\\x00-\x1f\x7f-\x9f][^\s\\\x00-\x1f\x7f-\x9f]*|[?#][^\s\\\x00-\x1f\x7f-\x9f]*|[^\s:/?#\\\x00-\x1f\x7f-\x9f]+([/?#][^\s\\\x00-\x1f\x7f-\x9f]*)?)$";

/// One number as `quantity::parse_number` reads it: sign, digits with `_` separators, a
/// fraction, an exponent, then an optional `k`/`M`/`G`/`B`/`%` suffix.
const NUMBER: &str =
    r"_*[-+]?[\d_]*(\d[\d_]*(\.[\d_]*)?|\.[\d_]*\d[\d_]*)([eE]_*[-+]?_*\d[\d_]*)?\s*[kKMGB%]?";

/// The distributions `quantity::parse_distribution` knows; names are case-insensitive there.
const DISTRIBUTIONS: &[&str] = &["normal", "lognormal", "uniform", "beta", "triangular", "pert"];

/// `[nN][aA]…`: a word matched in any case.
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
        .collect()
}

fn number_text() -> String {
    format!(r"^\s*{NUMBER}\s*$")
}

fn distribution_text() -> String {
    let names: Vec<String> = DISTRIBUTIONS.iter().map(|n| any_case(n)).collect();
    format!(r"^\s*({NUMBER}|{NUMBER}\s* to \s*{NUMBER}|\s*({})\s*\(.*\))\s*$", names.join("|"))
}

/// Years from [`format::MIN_YEAR`] (1800) to [`format::MAX_YEAR`] (2200), then `-MM` and `-DD`.
const DATE_TEXT: &str = r"^(1[89]\d\d|2[01]\d\d|2200)(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$";

fn record(r: &'static Record, defs: &mut Map<String, Value>) -> Value {
    let mut props = Map::new();
    for f in r.fields {
        let mut s = if std::ptr::eq(r, &FILE) && f.key == "format_version" {
            json!({ "const": model::FORMAT_VERSION })
        } else {
            shape(&f.shape, f.limit, defs)
        };
        if let Value::Object(o) = &mut s {
            o.insert("description".into(), Value::String(f.doc.into()));
        }
        props.insert(f.key.into(), s);
    }
    let required: Vec<&str> = r.fields.iter().filter(|f| f.required).map(|f| f.key).collect();
    let mut o = json!({
        "type": "object",
        "description": r.doc,
        "properties": props,
        "additionalProperties": false,
    });
    if !required.is_empty()
        && let Value::Object(m) = &mut o
    {
        m.insert("required".into(), json!(required));
    }
    o
}

fn def_name(r: &Record) -> String {
    r.name.replace(' ', "_")
}

/// A number, bounded by the key's limit (and below by zero when it cannot be negative).
fn number(limit: Option<&Limit>, non_negative: bool) -> Value {
    let mut n = json!({ "type": "number" });
    if let Value::Object(o) = &mut n {
        if let Some(l) = limit {
            o.insert("maximum".into(), json!(l.max));
            o.insert("minimum".into(), json!(-l.max));
        }
        if non_negative {
            o.insert("minimum".into(), json!(0));
        }
    }
    n
}

fn text(max: usize) -> Value {
    json!({ "type": ["string", "number", "boolean"], "maxLength": max })
}

fn shape(s: &'static Shape, limit: Option<&'static Limit>, defs: &mut Map<String, Value>) -> Value {
    match s {
        Shape::Text => text(format::MAX_LINE_CHARS),
        Shape::LongText => text(format::MAX_LONG_CHARS),
        Shape::Url => {
            json!({ "type": "string", "pattern": URL, "maxLength": format::MAX_URL_CHARS })
        }
        Shape::Id => json!({
            "type": "string",
            "pattern": "^[a-z][a-z0-9_-]*$",
            "maxLength": format::MAX_ID_CHARS,
        }),
        Shape::Code => json!({
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9._-]*$",
            "maxLength": format::MAX_ID_CHARS,
        }),
        Shape::Number => {
            json!({ "anyOf": [number(limit, false), { "type": "string", "pattern": number_text() }] })
        }
        Shape::NonNegative => {
            json!({ "anyOf": [number(limit, true), { "type": "string", "pattern": number_text() }] })
        }
        // As text (`"80%"`, `"5e-1"`), any number: a pattern that bounded the value would
        // have to mirror every way of writing one, and a miss would flag valid models.
        Shape::Probability => json!({ "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 1 },
            { "type": "string", "pattern": number_text() },
        ] }),
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Integer => json!({ "type": "integer" }),
        Shape::Year => {
            json!({ "type": "integer", "minimum": format::MIN_YEAR, "maximum": format::MAX_YEAR })
        }
        Shape::Date => json!({ "anyOf": [
            { "type": "integer", "minimum": format::MIN_YEAR, "maximum": format::MAX_YEAR },
            { "type": "string", "pattern": DATE_TEXT },
        ] }),
        Shape::Distribution => json!({ "anyOf": [
            number(limit, false),
            { "type": "string", "pattern": distribution_text() },
        ] }),
        Shape::Tracker => json!({ "type": "string", "pattern": "^T[0-9]+$" }),
        Shape::Enum(words) => json!({ "enum": words }),
        Shape::List(item) => {
            json!({ "type": ["array", "null"], "items": shape(item, limit, defs) })
        }
        Shape::Record(r) => {
            let name = def_name(r);
            if !defs.contains_key(&name) {
                // Insert a placeholder first so recursive records terminate.
                defs.insert(name.clone(), Value::Null);
                let body = record(r, defs);
                defs.insert(name.clone(), body);
            }
            json!({ "$ref": format!("#/$defs/{name}") })
        }
        Shape::Params => json!({
            "type": "object",
            "additionalProperties": text(format::MAX_LINE_CHARS),
        }),
        Shape::NumberMap(keys) => {
            let number = shape(&Shape::Number, limit, defs);
            match keys {
                Some(keys) => {
                    let props: Map<String, Value> =
                        keys.iter().map(|k| (k.to_string(), number.clone())).collect();
                    json!({ "type": "object", "properties": props, "additionalProperties": false })
                }
                None => json!({ "type": "object", "additionalProperties": number }),
            }
        }
        Shape::OneOf(shapes) => {
            json!({ "anyOf": shapes.iter().map(|s| shape(s, limit, defs)).collect::<Vec<_>>() })
        }
    }
}

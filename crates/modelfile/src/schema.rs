//! The JSON Schema of model files, generated from [`crate::format`], so that editors (the YAML
//! language server, IDEs) validate and autocomplete the files people write.

use serde_json::{Map, Value, json};

use crate::format::{FILE, Record, Shape};

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "https://throughline.invalid/schema/v1/throughline.schema.json";

/// The JSON Schema (draft 2020-12) of one model file.
pub fn json_schema() -> Value {
    let mut defs = Map::new();
    let root = record(&FILE, &mut defs);
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
/// control characters or backslashes. Written without look-around, so every validator's
/// regular-expression engine reads it.
const URL: &str = r"^([hH][tT][tT][pP][sS]?://[^\s/?#\\\x00-\x1f\x7f-\x9f]+([/?#][^\s\\\x00-\x1f\x7f-\x9f]*)?|/|/[^\s/\\\x00-\x1f\x7f-\x9f][^\s\\\x00-\x1f\x7f-\x9f]*|[?#][^\s\\\x00-\x1f\x7f-\x9f]*|[^\s:/?#\\\x00-\x1f\x7f-\x9f]+([/?#][^\s\\\x00-\x1f\x7f-\x9f]*)?)$";
const NUMBER_TEXT: &str = r"^\s*[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s*[kKMGB%]?\s*$";
const DISTRIBUTION_TEXT: &str = r"^\s*([-+]?[\d.][\d._eE+-]*\s*[kKMGB%]?\s+to\s+[-+]?[\d.][\d._eE+-]*\s*[kKMGB%]?|(normal|lognormal|uniform|beta|triangular|pert)\s*\(.*\)|[-+]?[\d.][\d._eE+-]*\s*[kKMGB%]?)\s*$";

fn record(r: &'static Record, defs: &mut Map<String, Value>) -> Value {
    let mut props = Map::new();
    for f in r.fields {
        let mut s = shape(&f.shape, defs);
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

fn shape(s: &'static Shape, defs: &mut Map<String, Value>) -> Value {
    match s {
        Shape::Text | Shape::LongText => json!({ "type": ["string", "number", "boolean"] }),
        Shape::Url => json!({ "type": "string", "pattern": URL }),
        Shape::Id => json!({ "type": "string", "pattern": "^[a-z][a-z0-9_-]*$" }),
        Shape::Number => {
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": NUMBER_TEXT }] })
        }
        Shape::NonNegative => {
            json!({ "anyOf": [{ "type": "number", "minimum": 0 }, { "type": "string", "pattern": NUMBER_TEXT }] })
        }
        Shape::Probability => {
            json!({ "anyOf": [{ "type": "number", "minimum": 0, "maximum": 1 }, { "type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$" }] })
        }
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Integer => json!({ "type": "integer" }),
        Shape::Date => {
            json!({ "anyOf": [{ "type": "integer" }, { "type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$" }] })
        }
        Shape::Distribution => {
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": DISTRIBUTION_TEXT }] })
        }
        Shape::Tracker => json!({ "type": "string", "pattern": "^T[0-9]+$" }),
        Shape::Enum(words) => json!({ "enum": words }),
        Shape::List(item) => json!({ "type": ["array", "null"], "items": shape(item, defs) }),
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
        Shape::Params => {
            json!({ "type": "object", "additionalProperties": { "type": ["string", "number", "boolean"] } })
        }
        Shape::NumberMap(keys) => {
            let number = shape(&Shape::Number, defs);
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
            json!({ "anyOf": shapes.iter().map(|s| shape(s, defs)).collect::<Vec<_>>() })
        }
    }
}

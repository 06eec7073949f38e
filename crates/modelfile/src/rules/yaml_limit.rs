//! `yaml-limit` (TL010): A file too large or too deeply nested to read safely.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL010",
    name: "yaml-limit",
    framework: None,
    severity: Severity::Error,
    summary: "A file too large or too deeply nested to read safely: aliases that copy more than 100,000 values or 10 MB of text, lists and mappings nested more than 64 levels deep, or more than 10 MB of text.",
    why: "YAML aliases copy what they refer to, so nine nested aliases in a 1 KB file (the \"billion laughs\") expand to billions of values and exhaust memory; deep nesting exhausts the stack. A real model nests about six levels, uses aliases for a few shared records and fits in well under 10 MB per file, so the limits stop only attacks and accidents. Reading stops at the position shown.",
    fix: "Write repeated values out (or refer to items by id) instead of nesting aliases, flatten the nesting, or split a large file into several files in the model folder.",
    example: "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
};

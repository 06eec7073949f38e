//! `yaml-syntax` (TL001): A file is not valid YAML.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL001",
    name: "yaml-syntax",
    framework: None,
    severity: Severity::Error,
    summary: "A file is not valid YAML.",
    why: "Nothing in a file can be read until its syntax is right; the position is where the parser gave up.",
    fix: "Fix the indentation, quoting or brackets at the position shown. Quote text that contains ': ' or starts with a special character.",
    example: "links:\n  - from: a\n    to: [b, c\n",
};

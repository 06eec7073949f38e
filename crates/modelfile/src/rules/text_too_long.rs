//! `text-too-long` (TL012): An id, name or text longer than its key allows.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL012",
    name: "text-too-long",
    framework: None,
    severity: Severity::Error,
    summary: "An id longer than 100 characters, a one-line text (name, unit, citation) longer than 500, or a long text (description, rationale) longer than 20,000.",
    why: "Ids, names and units appear in every table, diagram and page title; a 1 MB name makes every page that shows it megabytes long. The limits are far above what a person writes (in the Wikimedia example the longest name has 66 characters and the longest description 180), so they stop only pasted data and attacks.",
    fix: "Shorten the value: keep names to a line, move long explanations into `description`, and link long documents with an evidence `url` instead of pasting them.",
    example: "nodes:\n  - id: a\n    name: \"A name that goes on … (600 characters)\"\n    level: output\n",
};

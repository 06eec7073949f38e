//! `duplicate-key` (TL002): The same key appears twice in one mapping.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL002",
    name: "duplicate-key",
    framework: None,
    severity: Severity::Error,
    summary: "The same key appears twice in one mapping.",
    why: "YAML loaders keep only one of the two values, so half of what was written is silently lost.",
    fix: "Remove one of the two keys, or merge their values.",
    example: "nodes:\n  - id: a\n    name: First\n    name: Second\n",
};

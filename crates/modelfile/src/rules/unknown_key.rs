//! `unknown-key` (TL003): A key that this part of the format does not have.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL003",
    name: "unknown-key",
    framework: None,
    severity: Severity::Error,
    summary: "A key that this part of the format does not have.",
    why: "A misspelt key is otherwise ignored, and what it says is lost without notice.",
    fix: "Correct the spelling (the help suggests the closest key) or remove the key. docs/format.md lists every key.",
    example: "nodes:\n  - id: a\n    nmae: Offline reading\n",
};

//! `missing-field` (TL005): A required key is missing.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL005",
    name: "missing-field",
    framework: None,
    severity: Severity::Error,
    summary: "A required key is missing.",
    why: "Without it the item cannot take part in the model (a link needs both ends, an initiative its team).",
    fix: "Add the key named in the message.",
    example: "initiatives:\n  - id: offline_reader\n    name: Offline reader\n",
};

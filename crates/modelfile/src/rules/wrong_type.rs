//! `wrong-type` (TL004): A value of the wrong type: text where a list is expected, a list where a number is expected.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL004",
    name: "wrong-type",
    framework: None,
    severity: Severity::Error,
    summary: "A value of the wrong type: text where a list is expected, a list where a number is expected.",
    why: "The value cannot be used, so whatever depends on it is missing from the model.",
    fix: "Write the value in the expected form, shown in the message.",
    example: "teams:\n  - id: apps\n    name: Apps\n    capacity: [6]\n",
};

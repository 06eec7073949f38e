//! `invalid-value` (TL006): A value of the right type that is not allowed: an unknown level, a malformed id, date or distribution.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL006",
    name: "invalid-value",
    framework: None,
    severity: Severity::Error,
    summary: "A value of the right type that is not allowed: an unknown level, a malformed id, date or distribution.",
    why: "The model cannot interpret it; guessing would put wrong numbers into decisions.",
    fix: "Use one of the allowed values; the help lists them or suggests the closest.",
    example: "nodes:\n  - id: a\n    name: A\n    level: outcome_medium\n",
};

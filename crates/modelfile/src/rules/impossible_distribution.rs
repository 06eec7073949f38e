//! `impossible-distribution` (TL201): A distribution or probability that cannot exist: low above high, a mode outside its range, a negative spread, a probability outside 0 to 1.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL201",
    name: "impossible-distribution",
    framework: None,
    severity: Severity::Error,
    summary: "A distribution or probability that cannot exist: low above high, a mode outside its range, a negative spread, a probability outside 0 to 1.",
    why: "Simulation would fail or, worse, produce numbers from a shape nobody meant.",
    fix: "Put the values in order (low, most likely, high) and keep probabilities between 0 and 1.",
    example: "links:\n  - from: a\n    to: b\n    effect: \"8 to 2\"\n",
};

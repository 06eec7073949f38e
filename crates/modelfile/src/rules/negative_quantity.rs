//! `negative-quantity` (TL202): A cost, effort, amount, capacity or weight below zero.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL202",
    name: "negative-quantity",
    framework: None,
    severity: Severity::Error,
    summary: "A cost, effort, amount, capacity or weight below zero.",
    why: "These quantities cannot be negative; a negative one would reward work for costing less than nothing.",
    fix: "Write zero or more. A range whose low end is 0 or more is fine.",
    example: "teams:\n  - id: apps\n    name: Apps\n    capacity: -2\n",
};

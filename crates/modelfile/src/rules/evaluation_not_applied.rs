//! `evaluation-not-applied` (TL310): An evaluation result that could not update the links it tested.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor. Reported while the model is loaded, where evaluations are applied
/// (see `model::learn`).
pub static RULE: Rule = Rule {
    code: "TL310",
    name: "evaluation-not-applied",
    framework: None,
    severity: Severity::Warning,
    summary: "An evaluation result that could not update the links it tested.",
    why: "Evaluations are how the next plan learns from the last one; one that does not reach the model's effects is evidence the simulation and the plan silently ignore.",
    fix: "Quantify the chain from the initiative to the indicator's node (delivery amount, link effects), keep a single chain, and record a positive standard error (negative and zero effects do apply: harm is evidence too).",
    example: "evaluations:\n  - { initiative: feature, indicator: reach_measured, method: interrupted_time_series,\n      evaluated: 2026-06-01, effect: -5, se: 0, low: -5, high: -5 }\n",
};

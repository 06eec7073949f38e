//! `missing-baseline` (TL302): An indicator without a baseline.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL302",
    name: "missing-baseline",
    framework: None,
    severity: Severity::Warning,
    summary: "An indicator without a baseline.",
    why: "Without a starting point no change can be shown: check-ins and evaluations compare against the baseline.",
    fix: "Add `baseline: { value: …, date: … , source: … }`.",
    example: "indicators:\n  - { id: devices, name: Devices, measures: reach }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, i) in cx.model.indicators.iter().enumerate() {
        // A baseline that was written but could not be read is already an error.
        let written = cx.map.indicators[ix].fields.iter().any(|(k, _)| *k == "baseline");
        if i.baseline.is_none() && !written {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.indicators[ix].item,
                    format!("the indicator `{}` has no baseline", i.id),
                )
                .help("add `baseline: { value: …, date: YYYY-MM, source: … }`"),
            );
        }
    }
}

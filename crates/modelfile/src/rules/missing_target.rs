//! `missing-target` (TL303): An indicator without a target.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL303",
    name: "missing-target",
    framework: None,
    severity: Severity::Warning,
    summary: "An indicator without a target.",
    why: "Without a target there is no way to say whether the work is on track; plans bind key results to targets.",
    fix: "Add `target: { value: …, date: … }`.",
    example: "indicators:\n  - { id: devices, name: Devices, measures: reach }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, i) in cx.model.indicators.iter().enumerate() {
        // A target that was written but could not be read is already an error.
        let written = cx.map.indicators[ix].fields.iter().any(|(k, _)| *k == "target");
        if i.target.is_none() && !written {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.indicators[ix].item,
                    format!("the indicator `{}` has no target", i.id),
                )
                .help("add `target: { value: …, date: YYYY-MM }`"),
            );
        }
    }
}

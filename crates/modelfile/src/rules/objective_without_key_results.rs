//! `objective-without-key-results` (TL506): an objective of the plan with no key result.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL506",
    name: "objective-without-key-results",
    framework: None,
    severity: Severity::Warning,
    summary: "An objective of the plan's structure has no key results.",
    why: "Key results are how an objective is measured: without one the plan cannot say how far its work goes towards the objective, or how likely it is to get there.",
    fix: "Add `key_results:` with at least one indicator and target.",
    example: "objectives:\n  - id: WE1\n    name: Contributors stay\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for b in &cx.model.planning.buckets {
        for o in &b.objectives {
            if !o.key_results.is_empty() {
                continue;
            }
            let Some(spans) = cx.map.plan_item(PlanKind::Objective, &o.id) else { continue };
            // Key results that were written but could not be read are reported already.
            if spans.fields.iter().any(|(k, _)| *k == "key_results") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    spans.item,
                    format!("the objective `{}` has no key results", o.id),
                )
                .help("add `key_results:` with an `id`, an `indicator` and a target"),
            );
        }
    }
}

//! `hypothesis-outside-plan` (TL505): a hypothesis tested in a quarter the plan does not cover.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL505",
    name: "hypothesis-outside-plan",
    framework: None,
    severity: Severity::Warning,
    summary: "A hypothesis is tested in a quarter outside the plan's quarters (`planning.start` and `quarters`).",
    why: "Hypotheses are the plan's quarterly bets; one dated before the plan starts or after it ends is usually a typo in the year, and the check-in will never reach its quarter.",
    fix: "Correct the `quarter` (e.g. `2027Q3`), or move the hypothesis to the plan it belongs to.",
    example: "planning:\n  start: 2027Q3\n  quarters: 4\n  buckets: [...]\n      hypotheses:\n        - { id: WE1.1.1, name: ..., quarter: 2026Q3 }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((first, last)) = cx.model.planning.span() else { return };
    for (_, h) in cx.model.planning.hypotheses() {
        if (first..=last).contains(&h.quarter) {
            continue;
        }
        let Some(spans) = cx.map.plan_item(PlanKind::Hypothesis, &h.id) else { continue };
        out.push(
            Diagnostic::new(
                &RULE,
                spans.field("quarter"),
                format!(
                    "the hypothesis `{}` is tested in {}, outside the plan's quarters {first} to {last}",
                    h.id, h.quarter
                ),
            )
            .help(format!("write a quarter from {first} to {last}")),
        );
    }
}

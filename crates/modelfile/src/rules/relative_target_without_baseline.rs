//! `relative-target-without-baseline` (TL504): a key result's target is a change from a
//! baseline it does not have.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL504",
    name: "relative-target-without-baseline",
    framework: None,
    severity: Severity::Error,
    summary: "A key result's `target_change` (a % change) has no baseline to apply to: neither the key result nor its indicator gives one.",
    why: "A change of +5% is a target only from a baseline (baseline × 1.05); without one the plan can state no target, no gap and no probability of reaching it.",
    fix: "Add `baseline:` to the key result (or a `baseline` to its indicator), or give an absolute `target`.",
    example: "key_results:\n  - id: WE1.1\n    indicator: active_editors   # no baseline\n    target_change: 5%\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, _, k) in cx.model.planning.key_results() {
        if k.target_change.is_none() || k.target.is_some() {
            continue;
        }
        let ind = cx.model.indicators.iter().find(|i| i.id == k.indicator);
        // An unknown indicator is reported as such; no second message about its baseline.
        if ind.is_none() || k.baseline_value(ind).is_some() {
            continue;
        }
        let Some(spans) = cx.map.plan_item(PlanKind::KeyResult, &k.id) else { continue };
        out.push(
            Diagnostic::new(
                &RULE,
                spans.field("target_change"),
                format!(
                    "the key result `{}` sets a change from the baseline, but neither it nor the indicator `{}` has a baseline",
                    k.id, k.indicator
                ),
            )
            .help("add `baseline: …` to the key result, or write an absolute `target`"),
        );
    }
}

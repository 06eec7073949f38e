//! `key-result-without-target` (TL507): a key result with no target of any kind.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL507",
    name: "key-result-without-target",
    framework: None,
    severity: Severity::Warning,
    summary: "A key result has no target: no `target`, no `target_change`, and its indicator has none either.",
    why: "A key result is a commitment to reach a value; without a target the plan shows its expected change but no gap and no P(target reached | plan).",
    fix: "Add `target:` (an absolute value) or `target_change:` (e.g. +5% of the baseline).",
    example: "key_results:\n  - { id: WE1.1, indicator: devices }   # the indicator has no target\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, _, k) in cx.model.planning.key_results() {
        let Some(ind) = cx.model.indicators.iter().find(|i| i.id == k.indicator) else { continue };
        if k.target.is_some() || k.target_change.is_some() || ind.target.is_some() {
            continue;
        }
        let Some(spans) = cx.map.plan_item(PlanKind::KeyResult, &k.id) else { continue };
        out.push(
            Diagnostic::new(
                &RULE,
                spans.item,
                format!(
                    "the key result `{}` has no target, and its indicator `{}` has none",
                    k.id, ind.id
                ),
            )
            .help("add `target: …` or `target_change: …%`"),
        );
    }
}

//! `target-against-direction` (TL508): a key result's target lies on the wrong side of its
//! baseline for its indicator's direction.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL508",
    name: "target-against-direction",
    framework: None,
    severity: Severity::Warning,
    summary: "A key result's target is below its baseline for an indicator that should increase, or above it for one that should decrease.",
    why: "P(target reached | plan) counts samples at or beyond the target in the indicator's direction; a target behind the baseline is met by doing nothing, which is almost always a sign error (`-5%` for `+5%`) or a wrong `direction`.",
    fix: "Correct the sign of `target_change` (or the `target`), or the indicator's `direction`.",
    example: "indicators:\n  - { id: editors, name: Editors, measures: g, direction: increase, baseline: { value: 100, date: 2025 } }\nplanning:\n  buckets: [...]\n      key_results:\n        - { id: WE1.1, indicator: editors, target_change: -5% }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, _, k) in cx.model.planning.key_results() {
        // Only the key result's own target: an indicator's target is the indicator's business.
        if k.target.is_none() && k.target_change.is_none() {
            continue;
        }
        let Some(ind) = cx.model.indicators.iter().find(|i| i.id == k.indicator) else { continue };
        let (Some(b), Some(t)) = (k.baseline_value(Some(ind)), k.target_value(Some(ind))) else {
            continue;
        };
        let wrong = match ind.direction {
            model::Polarity::Increase => t < b,
            model::Polarity::Decrease => t > b,
        };
        if !wrong {
            continue;
        }
        let Some(spans) = cx.map.plan_item(PlanKind::KeyResult, &k.id) else { continue };
        let key = if k.target.is_some() { "target" } else { "target_change" };
        let num = model::display::num;
        out.push(
            Diagnostic::new(
                &RULE,
                spans.field(key),
                format!(
                    "the key result `{}` aims at {} from a baseline of {}, but its indicator `{}` should {}",
                    k.id,
                    num(t),
                    num(b),
                    ind.id,
                    ind.direction.word()
                ),
            )
            .help("correct the sign of the target, or the indicator's `direction`"),
        );
    }
}

//! `conflicting-targets` (TL503): a key result with both an absolute and a relative target.

use model::Indicator;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::PlanKind;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL503",
    name: "conflicting-targets",
    framework: None,
    severity: Severity::Error,
    summary: "A key result gives its target both as an absolute value (`target`) and as a change from the baseline (`target_change`).",
    why: "The two rarely agree, and the plan's gap and P(target reached | plan) depend on which one counts; the checker does not guess.",
    fix: "Keep one: `target: 126000` or `target_change: +5%`.",
    example: "key_results:\n  - id: WE1.1\n    indicator: active_editors\n    target: 126000\n    target_change: 5%\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, _, k) in cx.model.planning.key_results() {
        let (Some(t), Some(c)) = (k.target, k.target_change) else { continue };
        let Some(spans) = cx.map.plan_item(PlanKind::KeyResult, &k.id) else { continue };
        let ind: Option<&Indicator> = cx.model.indicators.iter().find(|i| i.id == k.indicator);
        let agree = k
            .baseline_value(ind)
            .map(|b| {
                format!(
                    " (from the baseline {}, a change of {} gives {})",
                    model::display::num(b),
                    model::display::pct(c),
                    model::display::num(b * (1.0 + c))
                )
            })
            .unwrap_or_default();
        out.push(
            Diagnostic::new(
                &RULE,
                spans.field("target_change"),
                format!(
                    "the key result `{}` has both `target` {} and `target_change` {}{agree}",
                    k.id,
                    model::display::num(t),
                    model::display::pct(c)
                ),
            )
            .help(
                "keep one of the two: an absolute `target` or a `target_change` from the baseline",
            )
            .related(spans.field("target"), "absolute target"),
        );
    }
}

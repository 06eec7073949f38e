//! `unknown-plan-code` (TL502): a plan code that names no item of the plan's structure.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::suggest::did_you_mean;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL502",
    name: "unknown-plan-code",
    framework: None,
    severity: Severity::Error,
    summary: "An initiative (or a saved plan) names a hypothesis, key result or objective that the plan's structure does not define.",
    why: "An initiative carries the hypotheses it tests; a code that names nothing drops the initiative from its key result, so the plan and the check-in stop saying which work carries it.",
    fix: "Correct the code (the help suggests the closest one) or add the hypothesis under its key result in `planning.buckets`.",
    example: "initiatives:\n  - id: feature\n    name: Reading feature\n    team: web\n    hypotheses: [WE1.1.9]    # no such hypothesis\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for r in &cx.map.plan_references {
        let defined = cx.map.plan_items.iter().find(|d| d.code == r.code);
        match defined {
            Some(d) if d.kind == r.expected => {}
            Some(d) => out.push(
                Diagnostic::new(
                    &RULE,
                    r.span,
                    format!(
                        "`{}` is {}, but `{}` needs {}",
                        r.code,
                        d.kind.noun(),
                        r.field,
                        r.expected.noun()
                    ),
                )
                .help(format!("name {} here", r.expected.noun())),
            ),
            None => {
                let candidates = cx
                    .map
                    .plan_items
                    .iter()
                    .filter(|d| d.kind == r.expected)
                    .map(|d| d.code.as_str());
                let help = match did_you_mean(r.code.as_str(), candidates) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "define {} with the code `{}` in `planning.buckets`, or correct the code",
                        r.expected.noun(),
                        r.code
                    ),
                };
                out.push(
                    Diagnostic::new(
                        &RULE,
                        r.span,
                        format!("the plan's structure has no {} `{}`", r.expected.word(), r.code),
                    )
                    .help(help),
                );
            }
        }
    }
}

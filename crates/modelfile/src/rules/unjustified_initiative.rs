//! `unjustified-initiative` (TL305): An initiative with no path to any goal.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL305",
    name: "unjustified-initiative",
    framework: None,
    severity: Severity::Warning,
    summary: "An initiative with no path to any goal.",
    why: "Work that reaches no goal cannot be justified by the strategy: either the model is missing its chain or the work is not needed. Research that `inform`s a link is justified by what it would teach, so it needs no deliveries.",
    fix: "Add `delivers:` naming the activities or outputs it realises, and links from them up to a goal.",
    example: "initiatives:\n  - { id: refactor, name: Refactor, team: core }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ii, i) in cx.model.initiatives.iter().enumerate() {
        // Research is justified by what it teaches: the links it measures (`inform`).
        if i.status == model::Status::Cancelled
            || !cx.graph.goals_served_by(ii).is_empty()
            || !i.informed_links(cx.model).is_empty()
        {
            continue;
        }
        let why = if i.delivers.is_empty() {
            "it delivers nothing"
        } else {
            "nothing it delivers leads to a goal"
        };
        out.push(
            Diagnostic::new(
                &RULE,
                cx.map.initiatives[ii].item,
                format!("the initiative `{}` has no path to any goal: {why}", i.id),
            )
            .help("add `delivers:` and links from what it delivers up to a goal"),
        );
    }
}

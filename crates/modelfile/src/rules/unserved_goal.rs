//! `unserved-goal` (TL306): A goal that no initiative serves.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL306",
    name: "unserved-goal",
    framework: None,
    severity: Severity::Warning,
    summary: "A goal that no initiative serves.",
    why: "A goal nobody works towards is either unfunded on purpose (say so) or forgotten; both belong in front of the people planning.",
    fix: "Link an outcome that some initiative reaches to the goal, or add an initiative that serves it.",
    example: "goals:\n  - { id: more_editors, name: More editors }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let served = cx.graph.served_nodes();
    for g in cx.graph.goal_indices() {
        if !served[g] {
            let n = &cx.model.nodes[g];
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.nodes[g].item,
                    format!("no initiative serves the goal `{}`", n.id),
                )
                .help("link an outcome to this goal, or add an initiative whose chain reaches it"),
            );
        }
    }
}

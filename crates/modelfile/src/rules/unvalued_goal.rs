//! `unvalued-goal` (TL308): A goal with no weight in the value function.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL308",
    name: "unvalued-goal",
    framework: None,
    severity: Severity::Warning,
    summary: "A goal with no weight in the value function.",
    why: "Changes in a goal without a weight count for nothing when initiatives are ranked, so work that serves it is undervalued.",
    fix: "Add the goal to `value.goals` with its value per unit.",
    example: "goals:\n  - { id: reach, name: Reach, unit: readers }\nvalue:\n  goals: {}\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for g in cx.graph.goal_indices() {
        let n = &cx.model.nodes[g];
        if !cx.model.value.goals.contains_key(n.id.as_str()) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.nodes[g].item,
                    format!("the goal `{}` has no weight in the value function", n.id),
                )
                .help(format!(
                    "add `{}: <value per {}>` under `value.goals`",
                    n.id,
                    n.unit.as_deref().unwrap_or("unit")
                )),
            );
        }
    }
}

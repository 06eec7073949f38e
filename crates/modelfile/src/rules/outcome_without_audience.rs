//! `outcome-without-audience` (TL405): An outcome that says nothing about who experiences it.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL405",
    name: "outcome-without-audience",
    framework: Some(Framework::Imp),
    severity: Severity::Warning,
    summary: "An outcome that says nothing about who experiences it.",
    why: "The Impact Management Project asks of every outcome who experiences it; equity weights and the audience balance of a plan need it too.",
    fix: "Add `audiences:` to the node with the audiences who experience the change.",
    example: "nodes:\n  - { id: retained, name: New editors retained, level: outcome_intermediate }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, n) in cx.model.nodes.iter().enumerate() {
        if n.level.is_outcome() && n.audiences.is_empty() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.nodes[ix].item,
                    format!("the outcome `{}` names no audience", n.id),
                )
                .help("add `audiences:` with who experiences the change"),
            );
        }
    }
}

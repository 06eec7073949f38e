//! `outcome-without-indicator` (TL301): An outcome that no indicator measures.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL301",
    name: "outcome-without-indicator",
    framework: None,
    severity: Severity::Warning,
    summary: "An outcome that no indicator measures.",
    why: "An outcome nobody measures cannot be checked in, evaluated or learned from; theories of change require an indicator on each precondition.",
    fix: "Add an indicator with `measures:` naming the outcome.",
    example: "nodes:\n  - { id: readers_reached, name: Readers reached, level: outcome_short }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let measured: std::collections::HashSet<&str> =
        cx.model.indicators.iter().map(|i| i.measures.as_str()).collect();
    for (ix, n) in cx.model.nodes.iter().enumerate() {
        if n.level.is_outcome() && !measured.contains(n.id.as_str()) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.nodes[ix].item,
                    format!("no indicator measures the outcome `{}`", n.id),
                )
                .help(format!("add an indicator with `measures: {}`", n.id)),
            );
        }
    }
}

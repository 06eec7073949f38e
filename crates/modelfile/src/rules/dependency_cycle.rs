//! `dependency-cycle` (TL106): initiatives that depend on each other in a loop.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL106",
    name: "dependency-cycle",
    framework: None,
    severity: Severity::Error,
    summary: "Initiatives depend on each other in a loop through `depends_on`.",
    why: "No schedule can put each of them after the others, so no plan can include any of them.",
    fix: "Remove one `depends_on` entry in the loop, or merge the initiatives into one.",
    example: "initiatives:\n  - { id: a, name: A, team: t, depends_on: [b] }\n  - { id: b, name: B, team: t, depends_on: [a] }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for cycle in cx.graph.dependency_cycles() {
        let names: Vec<String> =
            cycle.iter().map(|&i| format!("`{}`", cx.model.initiatives[i].id)).collect();
        let first = cycle[0];
        let mut d = Diagnostic::new(
            &RULE,
            cx.map.initiatives[first].field("depends_on"),
            format!("these initiatives depend on each other in a loop: {}", names.join(", ")),
        )
        .help("remove one `depends_on` entry in the loop, or merge the initiatives");
        for &i in &cycle[1..] {
            d = d.related(cx.map.initiatives[i].field("depends_on"), "part of the loop");
        }
        out.push(d);
    }
}

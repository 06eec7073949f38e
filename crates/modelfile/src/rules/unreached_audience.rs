//! `unreached-audience` (TL307): An audience that no program, goal, node or initiative names.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL307",
    name: "unreached-audience",
    framework: None,
    severity: Severity::Warning,
    summary: "An audience that no program, goal, node or initiative names.",
    why: "An audience nobody reaches gets no weight in any decision, which defeats the point of naming it (often an organizing community that the plan forgot).",
    fix: "Name the audience in the `audiences` of the programs, nodes or initiatives that serve it.",
    example: "audiences:\n  - { id: librarians, name: Librarians, kind: organizing_community }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let named: std::collections::HashSet<&str> = cx
        .map
        .references
        .iter()
        .filter(|r| r.expected == [crate::sourcemap::ItemKind::Audience])
        .map(|r| r.id.as_str())
        .collect();
    for (ix, a) in cx.model.audiences.iter().enumerate() {
        if !named.contains(a.id.as_str()) {
            out.push(
                Diagnostic::new(&RULE, cx.map.audiences[ix].item, format!("nothing in the model reaches the audience `{}`", a.id))
                    .help("name it in the `audiences:` of a program, goal, node or initiative that serves it"),
            );
        }
    }
}

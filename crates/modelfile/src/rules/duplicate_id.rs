//! `duplicate-id` (TL101): the same id defined twice, in one file or across files.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL101",
    name: "duplicate-id",
    framework: None,
    severity: Severity::Error,
    summary: "The same id is defined twice, in one file or in two files of the model.",
    why: "Ids are how files refer to each other; a reference to a repeated id is ambiguous, and one of the two items would silently win.",
    fix: "Rename one of the two items, or delete the copy. Ids share one namespace across all kinds of item.",
    example: "# programs/a.yaml\nnodes:\n  - { id: reach, name: Reach, level: outcome_short }\n# programs/b.yaml\ngoals:\n  - { id: reach, name: Reach }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let mut first = HashMap::with_capacity(cx.map.definitions.len());
    for def in &cx.map.definitions {
        match first.get(def.id.as_str()) {
            None => {
                first.insert(def.id.as_str(), def);
            }
            Some(prev) => {
                let what = if prev.kind == def.kind {
                    format!("`{}` is already defined as {}", def.id, prev.kind.noun())
                } else {
                    format!(
                        "`{}` is already used for {}; ids are shared by every kind of item",
                        def.id,
                        prev.kind.noun()
                    )
                };
                out.push(
                    Diagnostic::new(&RULE, def.span, what)
                        .help("give this item a different id")
                        .related(prev.span, "first defined here"),
                );
            }
        }
    }
}

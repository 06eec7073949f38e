//! `link-without-rationale` (TL402): A link between preconditions with no rationale.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL402",
    name: "link-without-rationale",
    framework: Some(Framework::TheoryOfChange),
    severity: Severity::Warning,
    summary: "A link between preconditions with no rationale.",
    why: "A theory of change states why each precondition leads to the next; the rationale is what reviewers test and what evaluations confirm or refute.",
    fix: "Add `rationale:` to the link: why does the one lead to the other?",
    example: "links:\n  - { from: app_released, to: readers_reached }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, l) in cx.model.links.iter().enumerate() {
        if l.rationale.is_none() && !l.feedback {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.links[ix].item,
                    format!("the link `{}` → `{}` gives no rationale", l.from, l.to),
                )
                .help("add `rationale:`: why does the one lead to the other?"),
            );
        }
    }
}

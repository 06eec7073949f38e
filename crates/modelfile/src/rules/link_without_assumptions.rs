//! `link-without-assumptions` (TL304): A link that states no assumptions.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL304",
    name: "link-without-assumptions",
    framework: None,
    severity: Severity::Warning,
    summary: "A link that states no assumptions.",
    why: "Every causal link rests on assumptions; unstated ones cannot be tested, and value of information ranks assumptions only if they are written.",
    fix: "Add `assumptions:` with what must hold for the link to work.",
    example: "links:\n  - { from: installs, to: reach }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, l) in cx.model.links.iter().enumerate() {
        if l.assumptions.is_empty() && !l.feedback {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.links[li].item,
                    format!("the link `{}` → `{}` states no assumptions", l.from, l.to),
                )
                .help("add `assumptions:` with what must hold for this link to work"),
            );
        }
    }
}

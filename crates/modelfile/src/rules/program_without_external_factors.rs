//! `program-without-external-factors` (TL401): A program that names no external factors.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL401",
    name: "program-without-external-factors",
    framework: Some(Framework::LogicModel),
    severity: Severity::Warning,
    summary: "A program that names no external factors.",
    why: "A logic model lists the external factors a program cannot control (policy, other organisations, the economy); without them readers take every outcome to be the program's doing.",
    fix: "Add `external_factors:` to the program, e.g. mobile data prices or a partner's own plans.",
    example: "program: { id: new_readers, name: New Readers }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, p) in cx.model.programs.iter().enumerate() {
        if p.external_factors.is_empty() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.programs[ix].item,
                    format!("the program `{}` names no external factors", p.id),
                )
                .help("add `external_factors:` listing what the program cannot control"),
            );
        }
    }
}

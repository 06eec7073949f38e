//! `duplicate-plan-code` (TL501): the same code given to two items of the plan's structure.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL501",
    name: "duplicate-plan-code",
    framework: None,
    severity: Severity::Error,
    summary: "Two items of the plan's structure (buckets, objectives, key results, hypotheses) have the same code.",
    why: "Plans are read, discussed and linked by their codes (`WE1.1`): an initiative that carries `WE1.1.3`, a check-in that reports on `WE1.1`. A repeated code makes those links ambiguous.",
    fix: "Give one of the two items another code. Codes are shared by buckets, objectives, key results and hypotheses.",
    example: "planning:\n  buckets:\n    - id: WE\n      name: Wiki Experiences\n      objectives:\n        - { id: WE1, name: Contributors }\n        - { id: WE1, name: Readers }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let mut first = HashMap::with_capacity(cx.map.plan_items.len());
    for def in &cx.map.plan_items {
        match first.get(def.code.as_str()) {
            None => {
                first.insert(def.code.as_str(), def);
            }
            Some(prev) => out.push(
                Diagnostic::new(
                    &RULE,
                    def.spans.field("id"),
                    format!(
                        "the plan code `{}` is already used for {}",
                        def.code,
                        prev.kind.noun()
                    ),
                )
                .help("give this item another code, e.g. the next number in its objective")
                .related(prev.spans.field("id"), "first used here"),
            ),
        }
    }
}

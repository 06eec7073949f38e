//! `measure-without-rba-question` (TL404): A performance measure that answers none of the three RBA questions.

use model::{Framework, NodeKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL404",
    name: "measure-without-rba-question",
    framework: Some(Framework::Rba),
    severity: Severity::Warning,
    summary: "A performance measure that answers none of the three RBA questions.",
    why: "Results-Based Accountability sorts performance measures into how much did we do, how well did we do it, and is anyone better off; an unsorted measure cannot be read in that frame.",
    fix: "Add `rba: how_much`, `rba: how_well` or `rba: better_off` to the indicator.",
    example: "indicators:\n  - { id: sessions, name: Sessions run, measures: sessions_held }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, i) in cx.model.indicators.iter().enumerate() {
        let population = cx
            .graph
            .node(i.measures.as_str())
            .is_some_and(|n| cx.model.nodes[n].kind == NodeKind::Goal);
        if i.rba.is_none() && !population {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.indicators[ix].item,
                    format!("the indicator `{}` answers no RBA question", i.id),
                )
                .help("add `rba: how_much`, `rba: how_well` or `rba: better_off`"),
            );
        }
    }
}

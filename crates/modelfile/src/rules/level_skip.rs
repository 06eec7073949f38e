//! `level-skip` (TL104): a link that jumps over a step of the results chain.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx, node_label};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL104",
    name: "level-skip",
    framework: None,
    severity: Severity::Error,
    summary: "A link skips a step of the chain input → activity → output → outcome → impact (the three outcome tiers count as one step) without a `skip_reason`.",
    why: "A skipped step hides the mechanism: an activity that 'leads to' an outcome says nothing about what it produces, so the output cannot be counted and the assumption in between cannot be tested.",
    fix: "Add the missing intermediate node (usually the output), or say in `skip_reason` why there is none.",
    example: "links:\n  - from: build_offline_mode   # activity\n    to: readers_reached        # outcome_short\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, link) in cx.model.links.iter().enumerate() {
        let Some((a, b)) = cx.graph.ends(li) else { continue };
        if link.skip_reason.is_some() || link.feedback {
            continue;
        }
        let (la, lb) = (cx.model.nodes[a].level, cx.model.nodes[b].level);
        if lb.step() > la.step() + 1 {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.links[li].field("to"),
                    format!(
                        "this link skips a level, from {} to {}",
                        node_label(cx, a),
                        node_label(cx, b)
                    ),
                )
                .help("add the intermediate node, or add `skip_reason:` saying why there is none")
                .related(cx.map.nodes[b].item, "the target is defined here"),
            );
        }
    }
}

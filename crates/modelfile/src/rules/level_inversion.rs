//! `level-inversion` (TL103): a link that points down the results chain.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx, node_label};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL103",
    name: "level-inversion",
    framework: None,
    severity: Severity::Error,
    summary: "A link goes from a higher level to a lower one (an outcome leading to an output) without a `skip_reason`.",
    why: "Results chains read upwards, from what the work does to the change it causes. A downward link is usually a reversed `from`/`to` or a wrong level, and it breaks every framework view built on the chain.",
    fix: "Swap `from` and `to`, correct a node's level, or say why the link is right in `skip_reason`.",
    example: "links:\n  - from: readers_reached   # outcome_short\n    to: offline_installs    # output\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, link) in cx.model.links.iter().enumerate() {
        let Some((a, b)) = cx.graph.ends(li) else { continue };
        if link.skip_reason.is_some() || link.feedback {
            continue;
        }
        let (la, lb) = (cx.model.nodes[a].level, cx.model.nodes[b].level);
        if lb < la {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.links[li].field("to"),
                    format!(
                        "this link goes down, from {} to {}",
                        node_label(cx, a),
                        node_label(cx, b)
                    ),
                )
                .help("swap `from` and `to`, fix a level, or add `skip_reason:` saying why")
                .related(cx.map.nodes[b].item, "the target is defined here"),
            );
        }
    }
}

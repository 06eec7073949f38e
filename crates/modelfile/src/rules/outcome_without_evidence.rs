//! `outcome-without-evidence` (TL406): An outcome whose incoming links cite no evidence.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL406",
    name: "outcome-without-evidence",
    framework: Some(Framework::Imp),
    severity: Severity::Warning,
    summary: "An outcome whose incoming links cite no evidence.",
    why: "The Impact Management Project's contribution and risk dimensions rest on evidence that the work leads to the outcome; with none, the outcome is a hope.",
    fix: "Add `evidence:` to a link into the outcome: an evaluation, research, data, an expert or an analogy, with its strength.",
    example: "links:\n  - { from: app_released, to: readers_reached }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, n) in cx.model.nodes.iter().enumerate() {
        if !n.level.is_outcome() {
            continue;
        }
        let incoming = cx.graph.in_links(ix);
        if !incoming.is_empty() && incoming.iter().all(|&li| cx.model.links[li].evidence.is_empty())
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.nodes[ix].item,
                    format!("no link into the outcome `{}` cites evidence", n.id),
                )
                .help("add `evidence:` to a link into it"),
            );
        }
    }
}

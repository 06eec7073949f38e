//! `missing-unit` (TL204): a quantity flows into or out of a node that has no unit.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL204",
    name: "missing-unit",
    framework: None,
    severity: Severity::Error,
    summary: "A quantified link joins a node without a `unit`, or an initiative delivers an amount of a node without a `unit`.",
    why: "A number without a unit cannot be checked against the next link in the chain, nor turned into value; it will be misread.",
    fix: "Add `unit:` to the node (what it counts: installs, readers, files, editors).",
    example: "nodes:\n  - { id: installs, name: Installs, level: output }\nlinks:\n  - { from: installs, to: reach, effect: \"0.2 to 0.6\" }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, link) in cx.model.links.iter().enumerate() {
        if link.effect.is_none() {
            continue;
        }
        let Some((a, b)) = cx.graph.ends(li) else { continue };
        for ix in [a, b] {
            let node = &cx.model.nodes[ix];
            if node.unit.is_none() {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        cx.map.links[li].field("effect"),
                        format!("this effect is quantified, but `{}` has no unit", node.id),
                    )
                    .help(format!("add `unit:` to `{}`: what it counts", node.id))
                    .related(cx.map.nodes[ix].item, "defined here"),
                );
            }
        }
    }
    for (ii, ini) in cx.model.initiatives.iter().enumerate() {
        for (di, d) in ini.delivers.iter().enumerate() {
            if d.amount.is_none() {
                continue;
            }
            let Some(ix) = cx.graph.node(d.node.as_str()) else { continue };
            if cx.model.nodes[ix].unit.is_none() {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        cx.map.deliveries[ii][di],
                        format!("this delivers an amount of `{}`, which has no unit", d.node),
                    )
                    .help(format!("add `unit:` to `{}`: what the amount counts", d.node))
                    .related(cx.map.nodes[ix].item, "defined here"),
                );
            }
        }
    }
}

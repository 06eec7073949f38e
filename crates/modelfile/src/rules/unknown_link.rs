//! `unknown-link` (TL108): an initiative's `inform` names a link by its two ends, and no link
//! goes from the one to the other.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL108",
    name: "unknown-link",
    framework: None,
    severity: Severity::Error,
    summary: "An initiative's `inform` names a link (`from`, `to`) that the model does not have.",
    why: "Research is valued by what it would teach about one link's effect; a link that does not exist teaches nothing, so the research would silently be worth nothing in the plan.",
    fix: "Name the nodes of an existing link (the help lists the links out of `from`), or name the link by one of its assumptions' ids.",
    example: "initiatives:\n  - id: survey\n    name: Reader survey\n    team: research\n    inform:\n      - { from: release, to: readers_reached, se: 20 }   # no link release -> readers_reached\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, ini) in cx.model.initiatives.iter().enumerate() {
        for (k, inf) in ini.inform.iter().enumerate() {
            let model::InformTarget::Link { from, to } = &inf.target else { continue };
            if cx.model.links.iter().any(|l| &l.from == from && &l.to == to) {
                continue;
            }
            let Some(spans) = cx.map.informs.get(ix).and_then(|s| s.get(k)) else { continue };
            let outs: Vec<String> = cx
                .model
                .links
                .iter()
                .filter(|l| &l.from == from)
                .map(|l| format!("`{}`", l.to))
                .collect();
            let help = if outs.is_empty() {
                format!(
                    "no link starts at `{from}`: name an existing link, or add the link to `links`"
                )
            } else {
                format!(
                    "links from `{from}` go to {}; name one of them, or add the link",
                    outs.join(", ")
                )
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    spans.field("to"),
                    format!(
                        "`{}` informs the link `{from}` → `{to}`, which the model does not have",
                        ini.id
                    ),
                )
                .help(help),
            );
        }
    }
}

//! `sroi-proxy-without-source` (TL407): A financial proxy with no stated source.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL407",
    name: "sroi-proxy-without-source",
    framework: Some(Framework::Sroi),
    severity: Severity::Warning,
    summary: "A financial proxy with no stated source.",
    why: "SROI is only as credible as its proxies; the SROI principles ask that every proxy say where its value comes from so it can be checked.",
    fix: "Add `proxy_source:` to the valuation: a study, a market price, a cost saved.",
    example: "nodes:\n  - id: retained\n    name: New editors retained\n    level: outcome_intermediate\n    sroi: { proxy: 300 }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, n) in cx.model.nodes.iter().enumerate() {
        if let (Some(v), Some(spans)) = (&n.sroi, &cx.map.node_sroi[ix])
            && v.proxy_source.is_none()
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    spans.field("proxy"),
                    format!("the financial proxy of `{}` has no source", n.id),
                )
                .help("add `proxy_source:` next to `proxy:`"),
            );
        }
    }
}

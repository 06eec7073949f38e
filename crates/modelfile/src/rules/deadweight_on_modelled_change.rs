//! `deadweight-on-modelled-change` (TL309): Deadweight taken off a change the model already computes net of deadweight.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL309",
    name: "deadweight-on-modelled-change",
    framework: None,
    severity: Severity::Warning,
    summary: "Deadweight taken off a change the model already computes net of deadweight.",
    why: "Changes the model computes are changes versus not doing the work, so what would have happened anyway is already excluded; taking deadweight off again counts it twice and undervalues the work.",
    fix: "Remove `deadweight:`, or state the `quantity:` by hand if it is a gross figure.",
    example: "nodes:\n  - id: retained\n    name: New editors retained\n    level: outcome_intermediate\n    sroi: { proxy: 300, deadweight: 20% }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, n) in cx.model.nodes.iter().enumerate() {
        if let (Some(v), Some(spans)) = (&n.sroi, &cx.map.node_sroi[ix])
            && v.deadweight > 0.0
            && v.quantity.is_none()
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    spans.field("deadweight"),
                    format!(
                        "`{}` takes deadweight off a change the model computes, which already excludes it",
                        n.id
                    ),
                )
                .help("remove `deadweight:`, or state `quantity:` by hand if it is a gross figure"),
            );
        }
    }
}

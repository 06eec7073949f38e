//! `unit-mismatch` (TL203): a link's `effect_unit` disagrees with the units of its two nodes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL203",
    name: "unit-mismatch",
    framework: None,
    severity: Severity::Error,
    summary: "A quantified link's `effect_unit` (TARGET / SOURCE) does not match the units of the nodes it joins.",
    why: "An effect is a rate: change in the target per unit of the source. If the units disagree, the number was estimated for a different quantity and every figure computed from it is wrong by an unknown factor.",
    fix: "Correct `effect_unit`, or the `unit` of the node that is wrong, and re-check the effect's number.",
    example: "nodes:\n  - { id: installs, name: Installs, level: output, unit: installs }\n  - { id: reach, name: Reach, level: outcome_short, unit: readers }\nlinks:\n  - from: installs\n    to: reach\n    effect: \"0.2 to 0.6\"\n    effect_unit: editors / installs\n",
};

/// Normalises a unit for comparison: case, spacing.
pub(crate) fn normalise(unit: &str) -> String {
    unit.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Splits `TARGET / SOURCE` or `TARGET per SOURCE`.
pub(crate) fn split_rate(unit: &str) -> Option<(String, String)> {
    let (a, b) = unit.split_once('/').or_else(|| unit.split_once(" per "))?;
    let (a, b) = (normalise(a), normalise(b));
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, link) in cx.model.links.iter().enumerate() {
        let Some(written) = &link.effect_unit else { continue };
        let Some((a, b)) = cx.graph.ends(li) else { continue };
        let span = cx.map.links[li].field("effect_unit");
        let (from, to) = (&cx.model.nodes[a], &cx.model.nodes[b]);
        let Some((target, source)) = split_rate(written) else {
            out.push(
                Diagnostic::new(&RULE, span, format!("`{written}` is not a rate"))
                    .help("write the effect's unit as TARGET / SOURCE, e.g. `readers / installs`"),
            );
            continue;
        };
        let mut wrong = Vec::new();
        if let Some(u) = &to.unit
            && normalise(u) != target
        {
            wrong.push(format!("`{}` counts {u}", to.id));
        }
        if let Some(u) = &from.unit
            && normalise(u) != source
        {
            wrong.push(format!("`{}` counts {u}", from.id));
        }
        if !wrong.is_empty() {
            let expected = format!(
                "{} / {}",
                to.unit.as_deref().unwrap_or(&target),
                from.unit.as_deref().unwrap_or(&source)
            );
            out.push(
                Diagnostic::new(
                    &RULE,
                    span,
                    format!("the effect is in `{written}`, but {}", wrong.join(" and ")),
                )
                .help(format!("write `effect_unit: {expected}` and re-check the number, or fix the nodes' units")),
            );
        }
    }
}

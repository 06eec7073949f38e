//! `indicator-without-source` (TL403): An indicator with no means of verification.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL403",
    name: "indicator-without-source",
    framework: Some(Framework::Logframe),
    severity: Severity::Warning,
    summary: "An indicator with no means of verification.",
    why: "A logframe pairs every indicator with its means of verification; an indicator nobody can look up is not checked in on.",
    fix: "Add `source:` to the indicator (wikimedia_rest with its metric, csv with its path, phabricator or manual).",
    example: "indicators:\n  - { id: readers, name: Readers, measures: readers_reached }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, i) in cx.model.indicators.iter().enumerate() {
        if i.source.is_none() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.indicators[ix].item,
                    format!("the indicator `{}` has no means of verification", i.id),
                )
                .help("add `source:` saying where its values come from"),
            );
        }
    }
}

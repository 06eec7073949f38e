//! `quantified-feedback` (TL107): a feedback link with an effect.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL107",
    name: "quantified-feedback",
    framework: None,
    severity: Severity::Error,
    summary: "A link marked `feedback: true` also carries an `effect`.",
    why: "Feedback links close loops; quantifying one would compound the loop without end. throughline draws feedback but does not simulate it, so an effect on it would be silently ignored.",
    fix: "Remove the `effect` (and `effect_unit`), or remove `feedback: true` if the link does not close a loop.",
    example: "links:\n  - from: more_editors\n    to: more_articles\n    feedback: true\n    effect: \"1 to 3\"\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (li, link) in cx.model.links.iter().enumerate() {
        if link.feedback && link.effect.is_some() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.links[li].field("effect"),
                    "a feedback link cannot carry an effect",
                )
                .help("remove `effect`, or remove `feedback: true`"),
            );
        }
    }
}

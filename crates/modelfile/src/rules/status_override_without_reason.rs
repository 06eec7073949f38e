//! `status-override-without-reason` (TL313): a check-in note overrides the computed status
//! without saying why.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL313",
    name: "status-override-without-reason",
    framework: None,
    severity: Severity::Error,
    summary: "A check-in note overrides the computed status without a reason.",
    why: "The computed status follows one rule from the data; a team may know better (a data \
          outage, a partner's launch next month), but a traffic light changed without a reason \
          hides the disagreement the check-in exists to discuss.",
    fix: "Add `reason:` saying why the team's status differs, or remove `status:`.",
    example: "checkins:\n  - { key_result: reach, quarter: 2026Q3, status: on_track }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (note, spans) in cx.model.checkins.iter().zip(&cx.map.checkins) {
        let reason = note.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
        if let (Some(status), false) = (note.status, reason) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    spans.field("status"),
                    format!(
                        "the note on `{}` for {} sets the status to {} without a reason",
                        note.key_result,
                        note.quarter,
                        status.word()
                    ),
                )
                .help("add `reason:` with why the team's status differs, or remove `status:`"),
            );
        }
    }
}

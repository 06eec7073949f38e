//! `definition-parameter` (TL314): A community definition overrides a parameter its preset does not take.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL314",
    name: "definition-parameter",
    framework: None,
    severity: Severity::Error,
    summary: "A community metric definition overrides a parameter its preset does not take, such as a retention window on the 2017 grant metrics, which define none.",
    why: "Each preset is a published definition (Event Metrics, the Dashboard, WMF research's surviving new editor, ...); a parameter it does not have would be silently ignored, and the numbers would be labelled with a definition they do not follow.",
    fix: "Remove the parameter, or choose the preset that has it; the message lists the parameters the preset takes (docs/communities.md, \"Definitions\").",
    example: "communities:\n  - id: wlm\n    name: WLM\n    wiki: commonswiki\n    kind: hashtag\n    rule: \"#wlm\"\n    start: 2026-09-01\n    end: 2026-09-30\n    definitions:\n      - { preset: grant_metrics_2017, retention_days: [30] }\n",
};

//! `format-version` (TL008): throughline.yaml has no format_version, or one this build cannot read.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL008",
    name: "format-version",
    framework: None,
    severity: Severity::Error,
    summary: "throughline.yaml has no format_version, or one this build cannot read.",
    why: "The format will change; the version is how old models keep working and new ones are not misread.",
    fix: "Add format_version: 1 to throughline.yaml.",
    example: "model:\n  name: My model\n",
};

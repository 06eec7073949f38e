//! `duplicate-section` (TL009): A section that may appear once appears again, or in the wrong file.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL009",
    name: "duplicate-section",
    framework: None,
    severity: Severity::Error,
    summary: "A section that may appear once appears again, or in the wrong file.",
    why: "The value function and the model description must be unambiguous: two of them would make results depend on file order.",
    fix: "Merge the sections into one, in the file the message names.",
    example: "# in two files:\nvalue:\n  goals: { reach: 1 }\n",
};

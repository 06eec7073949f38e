//! `missing-manifest` (TL007): The folder has no throughline.yaml.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL007",
    name: "missing-manifest",
    framework: None,
    severity: Severity::Error,
    summary: "The folder has no throughline.yaml.",
    why: "The manifest says which format version the files use and names the model; without it the folder is not a model.",
    fix: "Create throughline.yaml with format_version and a model section, or run throughline init.",
    example: "# (a folder with program files but no throughline.yaml)\n",
};

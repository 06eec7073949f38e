//! `missing-data-file` (TL311): A CSV file named by an indicator or an evaluation is not in the model folder.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL311",
    name: "missing-data-file",
    framework: None,
    severity: Severity::Warning,
    summary: "A CSV file named by an indicator's `source.path` or an evaluation's `experiment` is not in the model folder.",
    why: "`throughline import` and `throughline evaluate` read these files; a misspelt or uncommitted path is otherwise noticed only when they run. It is a warning, not an error: the model itself is complete and simulating or planning it does not read measurements, and a model may be shared before its data is. The check runs when the model is read from a folder (`throughline check`), not on file texts alone.",
    fix: "Correct the path (it is relative to the model folder, e.g. `data/pageviews.csv`), or add the file.",
    example: "indicators:\n  - id: views\n    name: Views\n    measures: reach\n    source: { kind: csv, path: data/misspelt.csv }\n",
};

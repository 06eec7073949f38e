//! `invalid-url` (TL011): A link that is not an `http`/`https` address or a relative path.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL011",
    name: "invalid-url",
    framework: None,
    severity: Severity::Error,
    summary: "A link that is not an `http`/`https` address or a relative path.",
    why: "Reports and the workspace turn these values into links that readers click. A `javascript:` or `data:` address runs code in the reader's browser, a `//host` address leaves the site, and a `file:` address points at the reader's own disk; none of them is a citation.",
    fix: "Write the full address starting with `https://` (or `http://`), or a path relative to the model folder such as `evidence/study.pdf`.",
    example: "links:\n  - from: a\n    to: b\n    evidence:\n      - source: A study\n        url: \"javascript:alert(1)\"\n",
};

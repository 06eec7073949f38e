//! `out-of-range` (TL205): A number that is not finite or is beyond what its key allows.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL205",
    name: "out-of-range",
    framework: None,
    severity: Severity::Error,
    summary: "A number that is not finite (`.inf`, `.nan`, `1e400`) or is beyond what its key allows: money above 1e12, effort or capacity above 100,000 person-quarters, an effect above 1e9 per unit, an amount above 1e12, a weight above 1e9, a year outside 1800–2200; for a distribution, its mean, spread or 90% range.",
    why: "Every number feeds arithmetic downstream: an infinite effect shows as \"∞ value points\", a cost of 1e15 breaks the plan's solver, which needs coefficients within about twelve orders of magnitude of each other, and a lognormal with a huge 90% interval has an infinite mean although its ends are finite. The bounds sit far above any real plan (a trillion in money is above every organisation's annual budget; 100,000 person-quarters is 25,000 people for a year), so a value beyond them is a typo or an attack, never a plan. docs/format.md lists the bound of each key.",
    fix: "Write the value in the key's unit (money in the model's currency, effort in person-quarters) and check its order of magnitude; narrow a distribution whose 90% range spans many orders of magnitude.",
    example: "initiatives:\n  - id: big\n    name: Big\n    team: web\n    cost: 1e15\n",
};

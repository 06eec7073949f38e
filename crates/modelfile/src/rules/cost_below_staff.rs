//! `cost-below-staff` (TL312): An initiative's cost is less than its team's time at the team's rate.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL312",
    name: "cost-below-staff",
    framework: None,
    severity: Severity::Warning,
    summary: "An initiative's cost is less than its team's time at the team's rate.",
    why: "An initiative's `cost` is its full cost, staff time included; when its team has a `rate`, the plan takes the team's time (expected effort × rate) off the cost and budgets the rest as other spend. A cost below the staff time means one of the three figures is wrong, and the plan counts the other spend as zero.",
    fix: "Raise `cost` to include the team's time, or correct the initiative's `effort` or the team's `rate`.",
    example: "teams:\n  - { id: web, name: Web, capacity: 4, rate: 200k }\ninitiatives:\n  - id: feature\n    name: Reading feature\n    team: web\n    effort: 4            # a person-year: 200k of staff time\n    cost: 50k\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (ix, ini) in cx.model.initiatives.iter().enumerate() {
        let Some(team) = cx.model.teams.iter().find(|t| t.id == ini.team) else { continue };
        let (Some(rate), Some(cost), Some(effort)) = (team.rate, ini.cost, ini.effort) else {
            continue;
        };
        let staff = team.staff_cost(effort.mean());
        let cost = cost.mean();
        // A relative margin, so rounding in a written cost never warns.
        if cost >= staff * (1.0 - 1e-9) {
            continue;
        }
        let num = model::display::num;
        out.push(
            Diagnostic::new(
                &RULE,
                cx.map.initiatives[ix].field("cost"),
                format!(
                    "`{}` costs {} on average, less than its {} person-quarters of team `{}` at {} a year ({})",
                    ini.id,
                    num(cost),
                    num(effort.mean()),
                    team.id,
                    num(rate),
                    num(staff)
                ),
            )
            .help("`cost` is the full cost, staff time included: raise it, or correct the `effort` or the team's `rate`"),
        );
    }
}

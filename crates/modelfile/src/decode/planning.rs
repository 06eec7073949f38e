//! Record decoding for the planning section and a saved plan.

use model::{AudienceKind, PlanCode};

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::rules;
use crate::sourcemap::{PlanDefinition, PlanKind, PlanReference};
use crate::yaml::Node;

use super::values::fmt_num;
use super::*;

impl Decoder<'_> {
    pub(super) fn planning(&mut self, node: &Node) {
        if let Some(first) = &self.map.planning {
            let first = first.item;
            self.push(
                Diagnostic::new(
                    &rules::duplicate_section::RULE,
                    node.span,
                    "the model has a second `planning` section",
                )
                .help("keep the planning settings in one place; merge the two sections")
                .related(first, "first `planning` section"),
            );
            return;
        }
        let Some(r) = self.record(node, &format::PLANNING) else { return };
        let mut p = model::Planning {
            budget: r.get("budget").and_then(|v| self.non_negative(v, "a budget")),
            ..model::Planning::default()
        };
        if let Some(v) = r.get("cost_percentile")
            && let Some(x) = self.number(v)
        {
            if (1.0..=99.0).contains(&x) {
                p.cost_percentile = Some(x);
            } else {
                self.invalid(
                    v.span,
                    format!("a cost percentile is between 1 and 99, found {}", fmt_num(x)),
                    "write e.g. `cost_percentile: 80` to budget for the 80th percentile of costs"
                        .into(),
                );
            }
        }
        if let Some(v) = r.get("quarters")
            && let Some(q) = self.integer(v)
        {
            if (1..=8).contains(&q) {
                p.quarters = q as u32;
            } else {
                self.invalid(
                    v.span,
                    format!("a plan has 1 to 8 quarters, found {q}"),
                    "write `quarters: 4` for a year".into(),
                );
            }
        }
        if let Some(v) = r.get("start")
            && let Some(t) = self.text(v)
        {
            match model::Quarter::parse(&t) {
                Some(q) => p.start = Some(q),
                None => self.invalid(
                    v.span,
                    format!("`{t}` is not a quarter"),
                    "write a quarter as YEAR then Q and 1 to 4, e.g. `2027Q1`".into(),
                ),
            }
        }
        if let Some(v) = r.get("dependency_lag")
            && let Some(q) = self.integer(v)
        {
            if (0..=4).contains(&q) {
                p.dependency_lag = q as u32;
            } else {
                self.invalid(
                    v.span,
                    format!("a dependency lag is 0 to 4 quarters, found {q}"),
                    "write 0 to allow the same quarter, 1 to require an earlier one".into(),
                );
            }
        }
        if let Some(items) = r.get("balance").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(rule) = self.balance_rule(item) {
                    p.balance.push(rule);
                }
            }
        }
        if let Some(v) = r.get("risk")
            && let Some(rr) = self.record(v, &format::RISK)
        {
            let alpha = rr.get("alpha").and_then(|v| self.probability(v));
            let weight = rr.get("weight").and_then(|v| self.probability(v));
            if let (Some(alpha), Some(weight)) = (alpha, weight) {
                if alpha > 0.0 {
                    p.risk = Some(model::RiskAttitude { alpha, weight });
                } else if let Some(a) = rr.get("alpha") {
                    self.invalid(
                        a.span,
                        "a tail share of 0 holds no outcomes".into(),
                        "write a share such as 10%".into(),
                    );
                }
            }
        }
        if let Some(v) = r.get("horizon")
            && let Some(h) = self.integer(v)
        {
            if (0..=50).contains(&h) {
                p.horizon = h as u32;
                if h > 0 && h * 4 < i64::from(p.quarters) {
                    self.invalid(
                        v.span,
                        format!(
                            "a horizon of {h} year{} ends before the plan's {} quarters do",
                            if h == 1 { "" } else { "s" },
                            p.quarters
                        ),
                        "the horizon counts from the plan's start: make it at least as long as \
                         the plan, or 0 for value that does not depend on time"
                            .into(),
                    );
                }
            } else {
                self.invalid(
                    v.span,
                    format!("a horizon is 0 to 50 years, found {h}"),
                    "write e.g. `horizon: 3` to count benefits over three years, or 0 for value \
                     that does not depend on when work ships"
                        .into(),
                );
            }
        }
        if let Some(v) = r.get("discount_rate") {
            p.discount_rate = self.fraction(
                v,
                "a discount rate",
                "write an annual rate such as 0.035 or \"3.5%\"",
            );
        }
        if let Some(v) = r.get("hiring")
            && let Some(b) = self.bool(v)
        {
            p.hiring = b;
        }
        if let Some(q) = r.get("ramp_up").and_then(|v| self.ramp_up(v)) {
            p.ramp_up = q;
        }
        if let Some(items) = r.get("buckets").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(b) = self.bucket(item) {
                    p.buckets.push(b);
                }
            }
        }
        self.model.planning = p;
        self.map.planning = Some(r.spans());
    }

    /// Records a code of the structure as defined, with the item's spans.
    /// Quarters of adoption ramp-up (planning's default or an initiative's own), 0–20.
    pub(super) fn ramp_up(&mut self, v: &Node) -> Option<u32> {
        let q = self.integer(v)?;
        if (0..=20).contains(&q) {
            Some(q as u32)
        } else {
            self.invalid(
                v.span,
                format!("a ramp-up is 0 to 20 quarters, found {q}"),
                "write the quarters after shipping until benefits run at their full rate, e.g. \
                 `ramp_up: 2`, or 0 for benefits in full from the first quarter"
                    .into(),
            );
            None
        }
    }

    fn define_plan(&mut self, r: &Rec<'_>, kind: PlanKind) -> Option<PlanCode> {
        let code = self.code(r.get("id")?)?;
        self.map.plan_items.push(PlanDefinition { code: code.clone(), kind, spans: r.spans() });
        Some(code)
    }

    fn bucket(&mut self, node: &Node) -> Option<model::PlanBucket> {
        let r = self.record(node, &format::PLAN_BUCKET)?;
        let id = self.define_plan(&r, PlanKind::Bucket);
        let name = self.opt_text(&r, "name");
        let goal = r.get("goal").and_then(|v| self.reference(v, GOAL_ONLY, "goal"));
        let mut objectives = Vec::new();
        if let Some(items) = r.get("objectives").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(o) = self.plan_objective(item) {
                    objectives.push(o);
                }
            }
        }
        Some(model::PlanBucket { id: id?, name: name?, goal, objectives })
    }

    fn plan_objective(&mut self, node: &Node) -> Option<model::PlanObjective> {
        let r = self.record(node, &format::PLAN_OBJECTIVE)?;
        let id = self.define_plan(&r, PlanKind::Objective);
        let name = self.opt_text(&r, "name");
        let mut key_results = Vec::new();
        if let Some(items) = r.get("key_results").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(k) = self.plan_key_result(item) {
                    key_results.push(k);
                }
            }
        }
        Some(model::PlanObjective { id: id?, name: name?, key_results })
    }

    fn plan_key_result(&mut self, node: &Node) -> Option<model::PlanKeyResult> {
        let r = self.record(node, &format::PLAN_KEY_RESULT)?;
        let id = self.define_plan(&r, PlanKind::KeyResult);
        let name = self.opt_text(&r, "name");
        let indicator = r.get("indicator").and_then(|v| self.reference(v, INDICATOR, "indicator"));
        let baseline = r.get("baseline").and_then(|v| self.number(v));
        let target = r.get("target").and_then(|v| self.number(v));
        let target_change = r.get("target_change").and_then(|v| self.number(v));
        let scope = self.opt_text(&r, "scope");
        let mut hypotheses = Vec::new();
        if let Some(items) = r.get("hypotheses").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(h) = self.hypothesis(item) {
                    hypotheses.push(h);
                }
            }
        }
        Some(model::PlanKeyResult {
            id: id?,
            name,
            indicator: indicator?,
            baseline,
            target,
            target_change,
            scope,
            hypotheses,
        })
    }

    fn hypothesis(&mut self, node: &Node) -> Option<model::Hypothesis> {
        let r = self.record(node, &format::HYPOTHESIS)?;
        let id = self.define_plan(&r, PlanKind::Hypothesis);
        let name = self.opt_text(&r, "name");
        let quarter = r.get("quarter").and_then(|v| {
            let t = self.text(v)?;
            let q = model::Quarter::parse(&t);
            if q.is_none() {
                self.invalid(
                    v.span,
                    format!("`{t}` is not a quarter"),
                    "write a quarter as YEAR then Q and 1 to 4, e.g. `2027Q3`".into(),
                );
            }
            q
        });
        let result = r
            .get("result")
            .map(|v| self.keyword::<model::HypothesisResult>(v, "a hypothesis result"))
            .unwrap_or(Some(model::HypothesisResult::Pending));
        // Every key is read before any missing part returns: one run reports every problem.
        let owner = self.opt_text(&r, "owner");
        let test = self.opt_text(&r, "test");
        Some(model::Hypothesis {
            id: id?,
            name: name?,
            quarter: quarter?,
            owner,
            test,
            result: result?,
        })
    }

    /// The plan codes of one key (`hypotheses` of an initiative), recorded as references.
    pub(super) fn plan_references(
        &mut self,
        node: Option<&Node>,
        expected: PlanKind,
        field: &'static str,
    ) -> Vec<PlanCode> {
        let Some(items) = node.and_then(|n| self.list(n)) else { return vec![] };
        items.iter().filter_map(|n| self.plan_reference(n, expected, field)).collect()
    }

    fn plan_reference(
        &mut self,
        node: &Node,
        expected: PlanKind,
        field: &'static str,
    ) -> Option<PlanCode> {
        let code = self.code(node)?;
        self.map.plan_references.push(PlanReference {
            code: code.clone(),
            expected,
            span: node.span,
            field,
        });
        Some(code)
    }

    pub(super) fn balance_rule(&mut self, node: &Node) -> Option<model::BalanceRule> {
        let r = self.record(node, &format::BALANCE_RULE)?;
        let name = self.opt_text(&r, "name")?;
        let each_goal = r.get("each_goal").and_then(|v| self.bool(v)).unwrap_or(false);
        let mut selectors = Vec::new();
        if let Some(v) = r.get("audience_kind")
            && let Some(kind) = self.keyword::<AudienceKind>(v, "an audience kind")
        {
            selectors.push(model::Selector::AudienceKind(kind));
        }
        if let Some(v) = r.get("audience")
            && let Some(id) = self.reference(v, AUDIENCE, "audience")
        {
            selectors.push(model::Selector::Audience(id));
        }
        if let Some(v) = r.get("program")
            && let Some(id) = self.reference(v, PROGRAM, "program")
        {
            selectors.push(model::Selector::Program(id));
        }
        if let Some(v) = r.get("team")
            && let Some(id) = self.reference(v, TEAM, "team")
        {
            selectors.push(model::Selector::Team(id));
        }
        // Absent (or not a measure, already reported): effort, as documented.
        let of = r
            .get("of")
            .and_then(|v| self.keyword::<model::ShareOf>(v, "a measure"))
            .unwrap_or(model::ShareOf::Effort);
        let min = r.get("min_share").and_then(|v| self.probability(v));
        let max = r.get("max_share").and_then(|v| self.probability(v));
        if each_goal {
            if !selectors.is_empty() || min.is_some() || max.is_some() {
                self.invalid(
                    r.head,
                    "an `each_goal` rule takes no selector or share".into(),
                    "write the share as a separate rule".into(),
                );
            }
            return Some(model::BalanceRule::EachGoal { name });
        }
        if selectors.len() != 1 {
            self.invalid(
                r.head,
                format!("a share rule names one group of initiatives, found {}", selectors.len()),
                "give exactly one of `audience_kind`, `audience`, `program`, `team`".into(),
            );
            return None;
        }
        if min.is_none() && max.is_none() {
            self.invalid(
                r.head,
                "a share rule needs `min_share` or `max_share`".into(),
                "write e.g. `min_share: 33%`".into(),
            );
            return None;
        }
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            self.invalid(
                r.head,
                format!("`min_share` {a} is above `max_share` {b}"),
                "swap them or loosen one".into(),
            );
            return None;
        }
        Some(model::BalanceRule::Share { name, selector: selectors.remove(0), of, min, max })
    }

    pub(super) fn saved_plan(&mut self, node: &Node) {
        if self.model.saved_plan.is_some() {
            self.push(
                Diagnostic::new(
                    &rules::duplicate_section::RULE,
                    node.span,
                    "the model has a second `plan` section",
                )
                .help("keep one plan file; `throughline plan --write` rewrites plan.yaml"),
            );
            return;
        }
        let Some(r) = self.record(node, &format::SAVED_PLAN) else { return };
        let mut plan = model::SavedPlan {
            budget: r.get("budget").and_then(|v| self.non_negative(v, "a budget")),
            value: r.get("value").and_then(|v| self.number(v)),
            cost: r.get("cost").and_then(|v| self.non_negative(v, "a cost")),
            ..model::SavedPlan::default()
        };
        if let Some(items) = r.get("schedule").and_then(|n| self.list(n)) {
            for item in items {
                let Some(e) = self.record(item, &format::SCHEDULED) else { continue };
                let id =
                    e.get("initiative").and_then(|v| self.reference(v, INITIATIVE, "initiative"));
                let quarter = self.opt_text(&e, "quarter");
                if let (Some(q), Some(v)) = (&quarter, e.get("quarter"))
                    && model::Quarter::parse(q).is_none()
                    && !q
                        .strip_prefix('Q')
                        .and_then(|n| n.parse::<u8>().ok())
                        .is_some_and(|n| (1..=8).contains(&n))
                {
                    self.invalid(
                        v.span,
                        format!("`{q}` is not a quarter"),
                        "write e.g. `2027Q1`, or `Q1` to `Q8` when the plan has no start".into(),
                    );
                    continue;
                }
                if let (Some(id), Some(q)) = (id, quarter) {
                    plan.schedule.push((id, q));
                }
            }
        }
        if let Some(items) = r.get("objectives").and_then(|n| self.list(n)) {
            for item in items {
                let Some(o) = self.record(item, &format::SAVED_OBJECTIVE) else { continue };
                let goal = o.get("goal").and_then(|v| self.reference(v, GOAL_ONLY, "goal"));
                let expected_change = o.get("expected_change").and_then(|v| self.number(v));
                let key_results = self.references(o.get("key_results"), INDICATOR, "key_results");
                if let Some(goal) = goal {
                    plan.objectives.push(model::SavedObjective {
                        goal,
                        expected_change,
                        key_results,
                    });
                }
            }
        }
        if let Some(items) = r.get("key_results").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(k) = self.saved_key_result(item) {
                    plan.key_results.push(k);
                }
            }
        }
        self.model.saved_plan = Some(plan);
    }

    fn saved_key_result(&mut self, node: &Node) -> Option<model::SavedKeyResult> {
        let r = self.record(node, &format::SAVED_KEY_RESULT)?;
        let id = r.get("id").and_then(|v| self.plan_reference(v, PlanKind::KeyResult, "id"));
        let objective = r
            .get("objective")
            .and_then(|v| self.plan_reference(v, PlanKind::Objective, "objective"));
        let indicator = r.get("indicator").and_then(|v| self.reference(v, INDICATOR, "indicator"));
        let mut hypotheses = Vec::new();
        if let Some(items) = r.get("hypotheses").and_then(|n| self.list(n)) {
            for item in items {
                let Some(h) = self.record(item, &format::SAVED_HYPOTHESIS) else { continue };
                let hid =
                    h.get("id").and_then(|v| self.plan_reference(v, PlanKind::Hypothesis, "id"));
                let quarter = self.opt_text(&h, "quarter");
                let initiatives = self.references(h.get("initiatives"), INITIATIVE, "initiatives");
                if let Some(hid) = hid {
                    hypotheses.push(model::SavedHypothesis { id: hid, quarter, initiatives });
                }
            }
        }
        let baseline = r.get("baseline").and_then(|v| self.number(v));
        let target = r.get("target").and_then(|v| self.number(v));
        let expected_change = r.get("expected_change").and_then(|v| self.number(v));
        let p_reached = r.get("p_reached").and_then(|v| self.probability(v));
        Some(model::SavedKeyResult {
            id: id?,
            objective,
            indicator,
            baseline,
            target,
            expected_change,
            p_reached,
            hypotheses,
        })
    }
}

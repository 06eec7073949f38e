//! Record decoding for the results chain: the manifest, programs, nodes and goals, links,
//! initiatives, audiences, indicators, teams, the value weights and SROI settings.

use std::collections::BTreeMap;

use model::{
    Assumption, AudienceKind, Delivery, Direction, Evidence, EvidenceKind, Id, Indicator, Inform,
    InformTarget, Initiative, Level, Link, Meta, Node as ModelNode, NodeKind, Polarity, Program,
    RbaQuestion, SroiValuation, Status, Strength, Team, TrackerRef,
};

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::rules;
use crate::sourcemap::{ItemKind, ItemSpans, PlanKind};
use crate::yaml::{Node, Value};

use super::*;

impl Decoder<'_> {
    pub(super) fn meta(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::META) else { return };
        self.manifest_seen = true;
        self.model.meta = Meta {
            name: self.opt_text(&r, "name").unwrap_or_default(),
            organisation: self.opt_text(&r, "organisation"),
            mission: self.opt_text(&r, "mission"),
            currency: self.opt_text(&r, "currency").unwrap_or_else(|| "USD".into()),
            description: self.opt_text(&r, "description"),
            frameworks: Vec::new(),
            data: self.provenance(r.get("data")).unwrap_or_default(),
            community_definitions: Vec::new(),
        };
        self.model.meta.community_definitions =
            self.community_definitions(r.get("community_definitions"));
        if let Some(items) = r.get("frameworks").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(f) = self.keyword::<model::Framework>(item, "a framework")
                    && !self.model.meta.frameworks.contains(&f)
                {
                    self.model.meta.frameworks.push(f);
                }
            }
        }
    }

    pub(super) fn program(&mut self, node: &Node) -> Option<Id> {
        let r = self.record(node, &format::PROGRAM)?;
        let id = self.define(r.get("id"), ItemKind::Program)?;
        let name = self.opt_text(&r, "name");
        let audiences = self.references(r.get("audiences"), AUDIENCE, "audiences");
        let external_factors = self.texts(r.get("external_factors"));
        let program = Program {
            id: id.clone(),
            name: name?,
            description: self.opt_text(&r, "description"),
            owner: self.opt_text(&r, "owner"),
            audiences,
            external_factors,
        };
        self.model.programs.push(program);
        self.map.programs.push(r.spans());
        Some(id)
    }

    pub(super) fn node(&mut self, node: &Node, goal: bool) {
        let record = if goal { &format::GOAL } else { &format::NODE };
        let Some(r) = self.record(node, record) else { return };
        let kind = if goal { ItemKind::Goal } else { ItemKind::Node };
        let id = self.define(r.get("id"), kind);
        let name = self.opt_text(&r, "name");
        let level = if goal {
            Some(Level::Impact)
        } else {
            r.get("level").and_then(|v| self.keyword::<Level>(v, "a level"))
        };
        let program = match r.get("program") {
            Some(v) => self.reference(v, PROGRAM, "program"),
            None if goal => None,
            None => self.default_program.clone(),
        };
        let direction =
            r.get("direction").and_then(|v| self.keyword::<Direction>(v, "a strategic direction"));
        let audiences = self.references(r.get("audiences"), AUDIENCE, "audiences");
        let sroi = r.get("sroi").and_then(|v| self.sroi_valuation(v));
        let (Some(id), Some(name), Some(level)) = (id, name, level) else { return };
        let item = ModelNode {
            id,
            name,
            kind: if goal { NodeKind::Goal } else { NodeKind::Step },
            level,
            unit: self.opt_text(&r, "unit"),
            program,
            audiences,
            description: self.opt_text(&r, "description"),
            direction,
            recommendation: self.opt_text(&r, "recommendation"),
            sroi: sroi.as_ref().map(|(v, _)| v.clone()),
        };
        self.model.nodes.push(item);
        self.map.nodes.push(r.spans());
        self.map.node_sroi.push(sroi.map(|(_, spans)| spans));
    }

    pub(super) fn sroi_valuation(&mut self, node: &Node) -> Option<(SroiValuation, ItemSpans)> {
        let r = self.record(node, &format::SROI_VALUATION)?;
        let proxy = r.get("proxy").and_then(|v| self.quantity(v, "a financial proxy"));
        let quantity = r.get("quantity").and_then(|v| self.quantity(v, "a quantity"));
        let duration = match r.get("duration") {
            None => Some(1),
            Some(v) => match self.integer(v) {
                Some(d) if (1..=100).contains(&d) => Some(d as u32),
                Some(d) => {
                    self.invalid(
                        v.span,
                        format!("an outcome lasts 1 to 100 years, found {d}"),
                        "write the number of years the outcome lasts, e.g. `duration: 3`".into(),
                    );
                    None
                }
                None => None,
            },
        };
        let mut share = |key: &str| {
            r.get(key).map_or(Some(0.0), |v| {
                self.fraction(
                    v,
                    &format!("`{key}`, a share,"),
                    "write a share such as 0.2 or \"20%\"",
                )
            })
        };
        let (deadweight, displacement, attribution, drop_off) =
            (share("deadweight"), share("displacement"), share("attribution"), share("drop_off"));
        let stakeholder =
            r.get("stakeholder").and_then(|v| self.reference(v, AUDIENCE, "stakeholder"));
        let valuation = SroiValuation {
            stakeholder,
            proxy: proxy?,
            proxy_source: self.opt_text(&r, "proxy_source"),
            quantity,
            duration: duration?,
            deadweight: deadweight?,
            displacement: displacement?,
            attribution: attribution?,
            drop_off: drop_off?,
        };
        Some((valuation, r.spans()))
    }

    pub(super) fn sroi_settings(&mut self, node: &Node) {
        if let Some(first) = &self.map.sroi {
            let first = first.item;
            self.push(
                Diagnostic::new(
                    &rules::duplicate_section::RULE,
                    node.span,
                    "the model has a second `sroi` section",
                )
                .help("keep the SROI settings in one place; merge the two sections")
                .related(first, "first `sroi` section"),
            );
            return;
        }
        let Some(r) = self.record(node, &format::SROI_SETTINGS) else { return };
        self.model.sroi.discount_rate = r.get("discount_rate").and_then(|v| {
            self.fraction(v, "a discount rate", "write an annual rate such as 0.035 or \"3.5%\"")
        });
        self.map.sroi = Some(r.spans());
    }

    pub(super) fn link(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::LINK) else { return };
        let from = r.get("from").and_then(|v| self.reference(v, NODE_LIKE, "from"));
        let to = r.get("to").and_then(|v| self.reference(v, NODE_LIKE, "to"));
        let mut assumptions = Vec::new();
        if let Some(items) = r.get("assumptions").and_then(|n| self.list(n)) {
            for a in items {
                match &a.value {
                    Value::Map(_) => {
                        if let Some(ar) = self.record(a, &format::ASSUMPTION) {
                            let id = self.define(ar.get("id"), ItemKind::Assumption);
                            if let Some(text) = self.opt_text(&ar, "text") {
                                assumptions.push(Assumption { id, text });
                            }
                        }
                    }
                    _ => {
                        if let Some(text) = self.text(a) {
                            assumptions.push(Assumption { id: None, text });
                        }
                    }
                }
            }
        }
        let mut evidence = Vec::new();
        if let Some(items) = r.get("evidence").and_then(|n| self.list(n)) {
            for e in items {
                if let Some(er) = self.record(e, &format::EVIDENCE) {
                    let strength = er
                        .get("strength")
                        .and_then(|v| self.keyword::<Strength>(v, "an evidence strength"));
                    let kind = er
                        .get("kind")
                        .and_then(|v| self.keyword::<EvidenceKind>(v, "an evidence kind"));
                    let year = er
                        .get("year")
                        .and_then(|v| self.integer(v).filter(|y| self.year_ok(*y, v.span)))
                        .and_then(|y| i32::try_from(y).ok());
                    let url = self.opt_text(&er, "url");
                    let community =
                        er.get("community").and_then(|v| self.reference(v, COMMUNITY, "community"));
                    if let Some(source) = self.opt_text(&er, "source") {
                        evidence.push(Evidence { source, url, strength, kind, year, community });
                    }
                }
            }
        }
        let effect = r.get("effect").and_then(|v| self.distribution(v));
        let probability = r.get("probability").and_then(|v| self.probability(v));
        let feedback = r.get("feedback").and_then(|v| self.bool(v)).unwrap_or(false);
        let (Some(from), Some(to)) = (from, to) else { return };
        let item = Link {
            from,
            to,
            rationale: self.opt_text(&r, "rationale"),
            assumptions,
            evidence,
            effect,
            effect_unit: self.opt_text(&r, "effect_unit"),
            probability,
            skip_reason: self.opt_text(&r, "skip_reason"),
            feedback,
            prior_effect: None,
        };
        self.model.links.push(item);
        self.map.links.push(r.spans());
    }

    pub(super) fn initiative(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::INITIATIVE) else { return };
        let id = self.define(r.get("id"), ItemKind::Initiative);
        let name = self.opt_text(&r, "name");
        let program = match r.get("program") {
            Some(v) => self.reference(v, PROGRAM, "program"),
            None => self.default_program.clone(),
        };
        let team = r.get("team").and_then(|v| self.reference(v, TEAM, "team"));
        // Absent: proposed (documented in the format); present: exactly the word written.
        let status = match r.get("status") {
            Some(v) => self.keyword::<Status>(v, "a status"),
            None => Some(Status::Proposed),
        };
        let cost = r.get("cost").and_then(|v| self.quantity(v, "a cost"));
        let effort = r.get("effort").and_then(|v| self.quantity(v, "effort"));
        let depends_on = self.references(r.get("depends_on"), INITIATIVE, "depends_on");
        let excludes = self.references(r.get("excludes"), INITIATIVE, "excludes");
        let must_do = r.get("must_do").and_then(|v| self.bool(v)).unwrap_or(false);
        let mut tracker = Vec::new();
        if let Some(items) = r.get("tracker").and_then(|n| self.list(n)) {
            for t in items {
                let Some(s) = self.text(t) else { continue };
                match TrackerRef::parse(&s) {
                    Ok(t) => tracker.push(t),
                    Err(e) => self.invalid(
                        t.span,
                        format!("`{s}` is not a tracker reference"),
                        e.to_string(),
                    ),
                }
            }
        }
        let audiences = self.references(r.get("audiences"), AUDIENCE, "audiences");
        let benefits = match r.get("benefits") {
            Some(v) => {
                let m = self.criteria_map(v, "a benefit score");
                for (c, s) in &m {
                    if *s > 5.0 {
                        self.invalid(
                            v.span,
                            format!("the {} score {s} is above 5", c.word()),
                            "benefit scores run from 0 (none) to 5 (decisive)".into(),
                        );
                    }
                }
                m
            }
            None => BTreeMap::new(),
        };
        let mut delivers = Vec::new();
        let mut delivery_spans = Vec::new();
        if let Some(items) = r.get("delivers").and_then(|n| self.list(n)) {
            for d in items {
                let delivery = match &d.value {
                    Value::Map(_) => self.record(d, &format::DELIVERY).and_then(|dr| {
                        let node =
                            dr.get("node").and_then(|v| self.reference(v, NODE_ONLY, "delivers"));
                        let amount =
                            dr.get("amount").and_then(|v| self.quantity(v, "a delivered amount"));
                        let probability = dr.get("probability").and_then(|v| self.probability(v));
                        node.map(|node| Delivery { node, amount, probability })
                    }),
                    _ => self.reference(d, NODE_ONLY, "delivers").map(|node| Delivery {
                        node,
                        amount: None,
                        probability: None,
                    }),
                };
                if let Some(delivery) = delivery {
                    delivers.push(delivery);
                    delivery_spans.push(d.span);
                }
            }
        }
        let mut inform = Vec::new();
        let mut inform_spans = Vec::new();
        if let Some(items) = r.get("inform").and_then(|n| self.list(n)) {
            for item in items {
                if let Some((i, spans)) = self.inform(item) {
                    inform.push(i);
                    inform_spans.push(spans);
                }
            }
        }
        let (Some(id), Some(name), Some(team), Some(status)) = (id, name, team, status) else {
            return;
        };
        let deployed = r.get("deployed").and_then(|v| self.date(v));
        let evaluation = r.get("evaluation").and_then(|v| self.evaluation_design(v));
        let hypotheses =
            self.plan_references(r.get("hypotheses"), PlanKind::Hypothesis, "hypotheses");
        let ramp_up = r.get("ramp_up").and_then(|v| self.ramp_up(v));
        let item = Initiative {
            ramp_up,
            hypotheses,
            deployed,
            evaluation,
            id,
            name,
            program,
            team,
            status,
            cost,
            effort,
            depends_on,
            excludes,
            must_do,
            tracker,
            audiences,
            benefits,
            delivers,
            description: self.opt_text(&r, "description"),
            inform,
        };
        self.model.initiatives.push(item);
        self.map.initiatives.push(r.spans());
        self.map.deliveries.push(delivery_spans);
        self.map.informs.push(inform_spans);
    }

    /// One `inform` entry: an assumption's id or a link's two ends, and the standard error.
    fn inform(&mut self, node: &Node) -> Option<(Inform, ItemSpans)> {
        let r = self.record(node, &format::INFORM)?;
        let assumption =
            r.get("assumption").and_then(|v| self.reference(v, ASSUMPTION, "assumption"));
        let from = r.get("from").and_then(|v| self.reference(v, NODE_LIKE, "from"));
        let to = r.get("to").and_then(|v| self.reference(v, NODE_LIKE, "to"));
        let se = r.get("se").and_then(|v| self.non_negative(v, "a standard error"));
        let has = |key: &str| r.get(key).is_some();
        let target = if has("assumption") && (has("from") || has("to")) {
            self.invalid(
                node.span,
                "`inform` names both an assumption and a link's ends".into(),
                "keep `assumption` (the link it belongs to) or `from` and `to`, not both".into(),
            );
            None
        } else if has("assumption") {
            assumption.map(|id| InformTarget::Assumption { id })
        } else if has("from") && has("to") {
            from.zip(to).map(|(from, to)| InformTarget::Link { from, to })
        } else if has("from") || has("to") {
            self.invalid(
                node.span,
                "`inform` names one end of a link".into(),
                "write both `from:` and `to:`: a link is named by its two nodes".into(),
            );
            None
        } else {
            self.invalid(
                node.span,
                "`inform` names no link".into(),
                "write `assumption: <an assumption's id>`, or `from:` and `to:` (the link's two \
                 nodes)"
                    .into(),
            );
            None
        };
        Some((Inform { target: target?, se: se? }, r.spans()))
    }

    pub(super) fn audience(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::AUDIENCE) else { return };
        let id = self.define(r.get("id"), ItemKind::Audience);
        let name = self.opt_text(&r, "name");
        let kind = r.get("kind").and_then(|v| self.keyword::<AudienceKind>(v, "an audience kind"));
        let equity_weight = match r.get("equity_weight") {
            Some(v) => self.non_negative(v, "an equity weight"),
            None => Some(1.0),
        };
        let (Some(id), Some(name), Some(kind), Some(equity_weight)) =
            (id, name, kind, equity_weight)
        else {
            return;
        };
        let item = model::Audience {
            id,
            name,
            kind,
            equity_weight,
            description: self.opt_text(&r, "description"),
        };
        self.model.audiences.push(item);
        self.map.audiences.push(r.spans());
    }

    pub(super) fn indicator(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::INDICATOR) else { return };
        let id = self.define(r.get("id"), ItemKind::Indicator);
        let name = self.opt_text(&r, "name");
        let measures = r.get("measures").and_then(|v| self.reference(v, NODE_LIKE, "measures"));
        // Absent: increase (documented in the format).
        let direction = match r.get("direction") {
            Some(v) => self.keyword::<Polarity>(v, "a direction"),
            None => Some(Polarity::Increase),
        };
        let rba = r.get("rba").and_then(|v| self.keyword::<RbaQuestion>(v, "an RBA question"));
        let baseline = r.get("baseline").and_then(|v| self.dated_value(v));
        let target = r.get("target").and_then(|v| self.dated_value(v));
        let source = r.get("source").and_then(|v| self.data_source(v));
        let (Some(id), Some(name), Some(measures), Some(direction)) =
            (id, name, measures, direction)
        else {
            return;
        };
        let item = Indicator {
            id,
            name,
            measures,
            definition: self.opt_text(&r, "definition"),
            unit: self.opt_text(&r, "unit"),
            direction,
            rba,
            baseline,
            target,
            source,
        };
        self.model.indicators.push(item);
        self.map.indicators.push(r.spans());
    }

    pub(super) fn team(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::TEAM) else { return };
        let id = self.define(r.get("id"), ItemKind::Team);
        let name = self.opt_text(&r, "name");
        let capacity = r.get("capacity").and_then(|v| self.non_negative(v, "a capacity"));
        let rate = match r.get("rate") {
            Some(v) => match self.non_negative(v, "a rate") {
                Some(x) => Some(x),
                None => return,
            },
            None => None,
        };
        let (Some(id), Some(name), Some(capacity)) = (id, name, capacity) else { return };
        self.model.teams.push(Team { id, name, capacity, rate });
        self.map.teams.push(r.spans());
    }

    pub(super) fn value(&mut self, node: &Node) {
        if let Some(first) = &self.map.value {
            let first = first.item;
            self.push(
                Diagnostic::new(
                    &rules::duplicate_section::RULE,
                    node.span,
                    "the model has a second `value` section",
                )
                .help("keep the value function in one place; merge the two sections")
                .related(first, "first `value` section"),
            );
            return;
        }
        let Some(r) = self.record(node, &format::VALUE) else { return };
        self.model.value.unit = self.opt_text(&r, "unit");
        if let Some(g) = r.get("goals") {
            match &g.value {
                Value::Map(entries) => {
                    for (k, v) in entries {
                        let id = self.reference(k, GOAL_ONLY, "value.goals");
                        let w = self.number(v);
                        if let (Some(id), Some(w)) = (id, w) {
                            self.model.value.goals.insert(id, w);
                        }
                    }
                }
                _ => self.wrong_type(g, "a mapping of goal ids to weights"),
            }
        }
        if let Some(c) = r.get("criteria") {
            self.model.value.criteria = self.criteria_map(c, "a criterion weight");
        }
        self.map.value = Some(r.spans());
    }
}

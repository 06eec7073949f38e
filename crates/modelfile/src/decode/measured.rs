//! Record decoding for what is measured: communities, evaluations and their designs, data
//! sources and dated values, and the CSV files they name.

use std::collections::BTreeMap;

use model::{DataSource, DatedValue, SourceKind};

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::rules;
use crate::source::Span;
use crate::sourcemap::ItemKind;
use crate::yaml::{Node, Value};

use super::values::{clip, fmt_num, normalise_relative};
use super::*;

impl Decoder<'_> {
    pub(super) fn community(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::COMMUNITY) else { return };
        let id = self.define(r.get("id"), ItemKind::Community);
        let name = self.opt_text(&r, "name");
        let wiki = self.opt_text(&r, "wiki");
        let kind =
            r.get("kind").and_then(|v| self.keyword::<model::CommunityKind>(v, "a community kind"));
        let members = self.texts(r.get("members"));
        let rule = self.opt_text(&r, "rule");
        let start = r.get("start").and_then(|v| self.date(v));
        let end = r.get("end").and_then(|v| self.date(v));
        let cost = r.get("cost").map(|v| self.non_negative(v, "a cost"));
        let audience = r.get("audience").and_then(|v| self.reference(v, AUDIENCE, "audience"));
        let data = self.provenance(r.get("data"));
        let (Some(id), Some(name), Some(wiki), Some(kind), Some(start), Some(end), Some(data)) =
            (id, name, wiki, kind, start, end, data)
        else {
            return;
        };
        let Some(cost) = cost.map_or(Some(None), |c| c.map(Some)) else { return };
        if end < start
            && let Some(v) = r.get("end")
        {
            self.invalid(
                v.span,
                format!("the window ends on {end}, before it starts on {start}"),
                "`end` is the last day of the window (inclusive); it cannot come before `start`"
                    .into(),
            );
            return;
        }
        if kind.has_roster() && members.is_empty() {
            self.invalid(
                r.get("kind").map_or(node.span, |v| v.span),
                format!("a {} community needs its members", kind.word()),
                "list the participants' user names under `members:`".into(),
            );
            return;
        }
        if !kind.has_roster() && rule.is_none() {
            self.invalid(
                r.get("kind").map_or(node.span, |v| v.span),
                format!("a {} community needs a `rule`", kind.word()),
                format!(
                    "name the {} under `rule:`, e.g. `rule: \"{}\"`",
                    kind.word(),
                    match kind {
                        model::CommunityKind::Hashtag => "#wlm2026",
                        model::CommunityKind::Tag => "campaign-wlm",
                        _ => "Images from Wiki Loves Monuments 2026",
                    }
                ),
            );
            return;
        }
        let description = self.opt_text(&r, "description");
        let definitions = self.community_definitions(r.get("definitions"));
        self.model.communities.push(model::Community {
            id,
            name,
            wiki,
            kind,
            members,
            rule,
            start,
            end,
            cost,
            audience,
            description,
            data,
            definitions,
        });
    }

    /// A `definitions:` list: preset names, or records overriding a preset's parameters. A
    /// parameter the preset does not take is TL314; a value out of range TL006. Entries with
    /// problems are left out (the diagnostics say why).
    pub(super) fn community_definitions(
        &mut self,
        node: Option<&Node>,
    ) -> Vec<model::CommunityDefinition> {
        let mut out: Vec<model::CommunityDefinition> = Vec::new();
        let Some(items) = node.and_then(|n| self.list(n)) else { return out };
        for item in items {
            if let Value::Str(_) = item.value {
                if let Some(p) = self.keyword::<model::MetricPreset>(item, "a metric definition") {
                    out.push(model::CommunityDefinition::preset(p));
                }
                continue;
            }
            let Some(r) = self.record(item, &format::DEFINITION) else { continue };
            let Some(preset) = r
                .get("preset")
                .and_then(|v| self.keyword::<model::MetricPreset>(v, "a metric definition"))
            else {
                continue;
            };
            let mut d = model::CommunityDefinition::preset(preset);
            let mut ok = true;
            let takes = preset.parameters();
            for key in [
                "lookback_days",
                "retention_days",
                "min_edits",
                "activation_days",
                "retained_edits",
                "window_days",
                "scope",
            ] {
                let Some(v) = r.get(key) else { continue };
                if !takes.contains(&key) {
                    let list: Vec<String> = takes.iter().map(|k| format!("`{k}`")).collect();
                    self.push(
                        Diagnostic::new(
                            &rules::definition_parameter::RULE,
                            v.span,
                            format!("{} has no parameter `{key}`", preset.word()),
                        )
                        .help(format!(
                            "{} takes {}",
                            preset.word(),
                            list.join(", ")
                        )),
                    );
                    ok = false;
                    continue;
                }
                let (lo, hi) = match key {
                    "lookback_days" => (0, 3650),
                    "min_edits" => (0, 100_000),
                    "retained_edits" => (1, 100_000),
                    _ => (1, 3650),
                };
                let ranged = |this: &mut Self, n: &Node| -> Option<i64> {
                    let x = this.integer(n)?;
                    if x < lo || x > hi {
                        this.invalid(
                            n.span,
                            format!("`{key}` is {x}"),
                            format!("`{key}` must be {lo} to {hi}"),
                        );
                        return None;
                    }
                    Some(x)
                };
                match key {
                    "scope" => match self.keyword::<model::MetricScope>(v, "a scope") {
                        Some(s) => d.scope = Some(s),
                        None => ok = false,
                    },
                    "retention_days" => {
                        for n in self.list(v).unwrap_or(&[]) {
                            match ranged(self, n) {
                                Some(x) => d.retention_days.push(x),
                                None => ok = false,
                            }
                        }
                    }
                    _ => {
                        let Some(x) = ranged(self, v) else {
                            ok = false;
                            continue;
                        };
                        let slot = match key {
                            "lookback_days" => &mut d.lookback_days,
                            "min_edits" => &mut d.min_edits,
                            "activation_days" => &mut d.activation_days,
                            "retained_edits" => &mut d.retained_edits,
                            _ => &mut d.window_days,
                        };
                        *slot = Some(x);
                    }
                }
            }
            if ok {
                out.push(d);
            }
        }
        out
    }

    /// A `data:` key: measured when absent; `None` (reported) when it is not a provenance.
    pub(super) fn provenance(&mut self, node: Option<&Node>) -> Option<model::Provenance> {
        match node {
            None => Some(model::Provenance::Measured),
            Some(v) => self
                .word(v, format::PROVENANCES, "a provenance (what the data are)")
                .and_then(model::Provenance::from_word),
        }
    }

    pub(super) fn method(&mut self, node: &Node) -> Option<model::EvaluationMethod> {
        self.keyword::<model::EvaluationMethod>(node, "an evaluation method")
    }

    pub(super) fn evaluation(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::EVALUATION) else { return };
        let initiative =
            r.get("initiative").and_then(|v| self.reference(v, INITIATIVE, "initiative"));
        let indicator = r.get("indicator").and_then(|v| self.reference(v, INDICATOR, "indicator"));
        let method = r.get("method").and_then(|v| self.method(v));
        let evaluated = r.get("evaluated").and_then(|v| self.date(v));
        let deployed = r.get("deployed").and_then(|v| self.date(v));
        let effect = r.get("effect").and_then(|v| self.number(v));
        let se = r.get("se").and_then(|v| self.non_negative(v, "a standard error"));
        let low = r.get("low").and_then(|v| self.number(v));
        let high = r.get("high").and_then(|v| self.number(v));
        let level = r.get("level").map_or(Some(0.95), |v| self.probability(v));
        let predicted = r.get("predicted").and_then(|v| self.number(v));
        let scale = r.get("scale").map_or(Some(1.0), |v| self.non_negative(v, "a scale"));
        let data = self.provenance(r.get("data"));
        if let (Some(l), Some(h), Some(v)) = (low, high, r.get("high"))
            && l > h
        {
            self.invalid(
                v.span,
                format!("the interval runs from {} down to {}", fmt_num(l), fmt_num(h)),
                "write the lower end as `low` and the upper end as `high`".into(),
            );
            return;
        }
        let (
            Some(initiative),
            Some(indicator),
            Some(method),
            Some(evaluated),
            Some(effect),
            Some(se),
            Some(low),
            Some(high),
            Some(level),
            Some(scale),
            Some(data),
        ) = (initiative, indicator, method, evaluated, effect, se, low, high, level, scale, data)
        else {
            return;
        };
        self.model.evaluations.push(model::Evaluation {
            initiative,
            indicator,
            method,
            evaluated,
            deployed,
            effect,
            se,
            low,
            high,
            level,
            predicted,
            scale,
            data,
        });
        self.map.evaluations.push(r.spans());
    }

    /// A team's note at a check-in. The key result must be an indicator; the quarter a
    /// quarter. A status override without a reason is the `status-override-without-reason`
    /// rule's to report (it needs the note's spans).
    pub(super) fn checkin_note(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::CHECKIN_NOTE) else { return };
        let key_result =
            r.get("key_result").and_then(|v| self.reference(v, INDICATOR, "indicator"));
        let quarter = r.get("quarter").and_then(|v| {
            let t = self.text(v)?;
            let q = model::Quarter::parse(&t);
            if q.is_none() {
                self.invalid(
                    v.span,
                    format!("`{t}` is not a quarter"),
                    "write a quarter as YEAR then Q and 1 to 4, e.g. `2026Q3`".into(),
                );
            }
            q
        });
        let story = self.opt_text(&r, "story");
        let partners = self.opt_text(&r, "partners");
        let what_works = self.opt_text(&r, "what_works");
        let decision =
            r.get("decision").and_then(|v| self.keyword::<model::Decision>(v, "a decision"));
        let status = r.get("status").and_then(|v| self.keyword::<model::TeamStatus>(v, "a status"));
        let reason = self.opt_text(&r, "reason");
        let author = self.opt_text(&r, "author");
        let date = r.get("date").and_then(|v| self.date(v));
        let (Some(key_result), Some(quarter)) = (key_result, quarter) else { return };
        self.model.checkins.push(model::CheckinNote {
            key_result,
            quarter,
            story,
            partners,
            what_works,
            decision,
            status,
            reason,
            author,
            date,
        });
        self.map.checkins.push(r.spans());
    }

    pub(super) fn evaluation_design(&mut self, node: &Node) -> Option<model::EvaluationDesign> {
        let r = self.record(node, &format::EVALUATION_DESIGN)?;
        let indicator = r.get("indicator").and_then(|v| self.reference(v, INDICATOR, "indicator"));
        let method = r.get("method").and_then(|v| self.method(v));
        let comparisons = self.texts(r.get("comparisons"));
        let experiment = self.opt_text(&r, "experiment");
        if let (Some(path), Some(v)) = (&experiment, r.get("experiment")) {
            self.data_file(path, v.span, "the experiment file");
        }
        let level = r.get("level").map_or(Some(0.95), |v| self.probability(v))?;
        if !(level > 0.0 && level < 1.0)
            && let Some(v) = r.get("level")
        {
            self.invalid(
                v.span,
                format!("a confidence level of {} leaves no interval", fmt_num(level)),
                "use a level between 0 and 1, such as 0.9 or 0.95".into(),
            );
            return None;
        }
        let scale = r.get("scale").map_or(Some(1.0), |v| self.non_negative(v, "a scale"))?;
        Some(model::EvaluationDesign {
            indicator: indicator?,
            method,
            comparisons,
            experiment,
            level,
            scale,
        })
    }

    pub(super) fn dated_value(&mut self, node: &Node) -> Option<DatedValue> {
        let r = self.record(node, &format::DATED_VALUE)?;
        let value = r.get("value").and_then(|v| self.number(v));
        let date = r.get("date").and_then(|v| self.date(v));
        let source = self.opt_text(&r, "source");
        Some(DatedValue { value: value?, date: date?, source })
    }

    pub(super) fn data_source(&mut self, node: &Node) -> Option<DataSource> {
        let r = self.record(node, &format::DATA_SOURCE)?;
        let kind = r.get("kind").and_then(|v| self.keyword::<SourceKind>(v, "a data source kind"));
        let mut params = BTreeMap::new();
        if let Some(p) = r.get("params") {
            match &p.value {
                Value::Map(entries) => {
                    for (k, v) in entries {
                        if let (Some(k), Some(v)) = (self.text(k), self.text(v)) {
                            params.insert(k, v);
                        }
                    }
                }
                _ => self.wrong_type(p, "a mapping of parameters"),
            }
        }
        let path = self.opt_text(&r, "path");
        if kind == Some(SourceKind::Csv)
            && let (Some(p), Some(v)) = (&path, r.get("path"))
        {
            self.data_file(p, v.span, "the CSV source");
        }
        Some(DataSource { kind: kind?, metric: self.opt_text(&r, "metric"), path, params })
    }

    /// Warns when a file the model names is not in the model folder (only when the folder's
    /// files are known; paths that leave the folder or are absolute cannot be judged here).
    pub(super) fn data_file(&mut self, path: &str, span: Span, what: &str) {
        let Some(files) = self.data_files else { return };
        let Some(rel) = normalise_relative(path) else { return };
        if files.contains(&rel) {
            return;
        }
        let suggestion = crate::suggest::did_you_mean(&rel, files.iter().map(String::as_str));
        self.push(
            Diagnostic::new(
                &rules::missing_data_file::RULE,
                span,
                format!("{what} `{}` is not in the model folder", clip(path)),
            )
            .help(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "the path is relative to the model folder, e.g. `data/series.csv`; add the file or correct the path".into(),
            }),
        );
    }
}

//! Decoding: the spanned YAML tree of each file into model items and their spans.
//!
//! Decoding never stops at the first problem. Each reader returns `None` for a value it cannot
//! use and records why, so one run reports every problem in every file. An item whose id is
//! readable is always *defined* (so references to it resolve and no cascade of "unknown id"
//! follows), but it only enters the model when all its required parts are usable.

use std::collections::{BTreeMap, BTreeSet};

use model::{
    Assumption, AudienceKind, Criterion, DataSource, Date, DatedValue, Delivery, Direction,
    Distribution, Evidence, EvidenceKind, Id, Indicator, Initiative, Keyword, Level, Link, Meta,
    Model, Node as ModelNode, NodeKind, Polarity, Program, RbaQuestion, SourceKind, SroiValuation,
    Status, Strength, Team, TrackerRef,
};

use crate::diagnostic::Diagnostic;
use crate::format::{self, Field, Limit, Record, Shape};
use crate::quantity::{self, QuantityError};
use crate::rules;
use crate::source::{FileId, Span};
use crate::sourcemap::{Definition, ItemKind, ItemSpans, Reference, SourceMap};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Value};

const NODE_LIKE: &[ItemKind] = &[ItemKind::Node, ItemKind::Goal];
const NODE_ONLY: &[ItemKind] = &[ItemKind::Node];
const GOAL_ONLY: &[ItemKind] = &[ItemKind::Goal];
const TEAM: &[ItemKind] = &[ItemKind::Team];
const PROGRAM: &[ItemKind] = &[ItemKind::Program];
const AUDIENCE: &[ItemKind] = &[ItemKind::Audience];
const INITIATIVE: &[ItemKind] = &[ItemKind::Initiative];
const INDICATOR: &[ItemKind] = &[ItemKind::Indicator];
const COMMUNITY: &[ItemKind] = &[ItemKind::Community];

/// Decodes files one at a time into one model.
pub(crate) struct Decoder<'a> {
    pub out: &'a mut Vec<Diagnostic>,
    pub model: &'a mut Model,
    pub map: &'a mut SourceMap,
    /// Where `format_version` and `model` were found, once found.
    pub manifest_seen: bool,
    file: FileId,
    default_program: Option<Id>,
    /// Files present in the model folder (paths relative to it, `/`-separated), when the
    /// model was read from a folder; `None` for file texts alone, which cannot say.
    data_files: Option<&'a BTreeSet<String>>,
}

/// The keys of one mapping, checked against its [`Record`].
struct Rec<'n> {
    entries: &'n [(Node, Node)],
    head: Span,
    record: &'static Record,
    /// Entries whose value broke a bound: reported, and read as absent, so no engine or view
    /// ever sees an infinite number or a megabyte name.
    skip: Vec<usize>,
}

impl<'n> Rec<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .enumerate()
            .find(|(i, (k, _))| {
                matches!(&k.value, Value::Str(s) if s == key) && !self.skip.contains(i)
            })
            .map(|(_, (_, v))| v)
    }

    fn spans(&self) -> ItemSpans {
        let fields = self
            .entries
            .iter()
            .filter_map(|(k, v)| match &k.value {
                Value::Str(s) => self.record.field(s).map(|f| (f.key, v.span)),
                _ => None,
            })
            .collect();
        ItemSpans { item: self.head, fields }
    }
}

impl<'a> Decoder<'a> {
    pub fn new(out: &'a mut Vec<Diagnostic>, model: &'a mut Model, map: &'a mut SourceMap) -> Self {
        Decoder {
            out,
            model,
            map,
            manifest_seen: false,
            file: FileId(0),
            default_program: None,
            data_files: None,
        }
    }

    /// Also warns about CSV files the model names that are not among `files`.
    pub fn with_data_files(mut self, files: Option<&'a BTreeSet<String>>) -> Self {
        self.data_files = files;
        self
    }

    /// Decodes one file's root.
    pub fn file(&mut self, file: FileId, root: Option<&Node>, is_manifest: bool) {
        self.file = file;
        self.default_program = None;
        let Some(root) = root else {
            if is_manifest {
                self.missing_format_version(Span::file_start(file));
            }
            return;
        };
        if let Value::Null = root.value {
            if is_manifest {
                self.missing_format_version(root.span);
            }
            return;
        }
        let Some(r) = self.record(root, &format::FILE) else { return };

        match r.get("format_version") {
            Some(v) => {
                if let Some(n) = self.integer(v)
                    && n != i64::from(model::FORMAT_VERSION)
                {
                    self.push(
                        Diagnostic::new(
                            &rules::format_version::RULE,
                            v.span,
                            format!("format_version {n} is not supported by this throughline"),
                        )
                        .help(format!(
                            "this build reads format_version {}; upgrade throughline or convert the model",
                            model::FORMAT_VERSION
                        )),
                    );
                }
            }
            None if is_manifest => self.missing_format_version(r.head),
            None => {}
        }
        if let Some(v) = r.get("model") {
            if is_manifest {
                self.meta(v);
            } else {
                self.push(
                    Diagnostic::new(
                        &rules::duplicate_section::RULE,
                        v.span,
                        "the `model` section belongs in throughline.yaml",
                    )
                    .help("move this section to the manifest, throughline.yaml"),
                );
            }
        } else if is_manifest {
            self.push(
                Diagnostic::new(
                    &rules::missing_field::RULE,
                    r.head,
                    "throughline.yaml has no `model` section",
                )
                .help("add `model:` with at least `name:`"),
            );
        }
        if let Some(v) = r.get("program")
            && let Some(id) = self.program(v)
        {
            self.default_program = Some(id);
        }
        self.each(r.get("programs"), |d, n| {
            d.program(n);
        });
        self.each(r.get("goals"), |d, n| d.node(n, true));
        self.each(r.get("nodes"), |d, n| d.node(n, false));
        self.each(r.get("links"), Decoder::link);
        self.each(r.get("initiatives"), Decoder::initiative);
        self.each(r.get("audiences"), Decoder::audience);
        self.each(r.get("indicators"), Decoder::indicator);
        self.each(r.get("teams"), Decoder::team);
        if let Some(v) = r.get("value") {
            self.value(v);
        }
        if let Some(v) = r.get("sroi") {
            self.sroi_settings(v);
        }
        if let Some(v) = r.get("planning") {
            self.planning(v);
        }
        if let Some(v) = r.get("plan") {
            self.saved_plan(v);
        }
        self.each(r.get("evaluations"), Decoder::evaluation);
        self.each(r.get("communities"), Decoder::community);
    }

    fn community(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::COMMUNITY) else { return };
        let id = self.define(r.get("id"), ItemKind::Community);
        let name = self.opt_text(&r, "name");
        let wiki = self.opt_text(&r, "wiki");
        let kind = r
            .get("kind")
            .and_then(|v| self.word(v, format::COMMUNITY_KINDS, "a community kind"))
            .and_then(model::CommunityKind::from_key);
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
                format!("a {} community needs its members", kind.key()),
                "list the participants' user names under `members:`".into(),
            );
            return;
        }
        if !kind.has_roster() && rule.is_none() {
            self.invalid(
                r.get("kind").map_or(node.span, |v| v.span),
                format!("a {} community needs a `rule`", kind.key()),
                format!(
                    "name the {} under `rule:`, e.g. `rule: \"{}\"`",
                    kind.key(),
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
        });
    }

    /// A `data:` key: measured when absent; `None` (reported) when it is not a provenance.
    fn provenance(&mut self, node: Option<&Node>) -> Option<model::Provenance> {
        match node {
            None => Some(model::Provenance::Measured),
            Some(v) => self
                .word(v, format::PROVENANCES, "a provenance (what the data are)")
                .and_then(model::Provenance::from_word),
        }
    }

    fn method(&mut self, node: &Node) -> Option<model::EvaluationMethod> {
        self.word(node, format::METHODS, "an evaluation method")
            .and_then(model::EvaluationMethod::from_key)
    }

    fn evaluation(&mut self, node: &Node) {
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

    fn evaluation_design(&mut self, node: &Node) -> Option<model::EvaluationDesign> {
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

    fn saved_plan(&mut self, node: &Node) {
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
        self.model.saved_plan = Some(plan);
    }

    /// Warns when a file the model names is not in the model folder (only when the folder's
    /// files are known; paths that leave the folder or are absolute cannot be judged here).
    fn data_file(&mut self, path: &str, span: Span, what: &str) {
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

    fn missing_format_version(&mut self, span: Span) {
        self.push(
            Diagnostic::new(
                &rules::format_version::RULE,
                span,
                "throughline.yaml has no `format_version`",
            )
            .help(format!("add `format_version: {}` as the first line", model::FORMAT_VERSION)),
        );
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    // ---- generic readers -------------------------------------------------------------------

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = node.value.kind();
        self.push(
            Diagnostic::new(
                &rules::wrong_type::RULE,
                node.span,
                format!("expected {expected}, found {found}"),
            )
            .help(format!("write {expected} here")),
        );
    }

    fn invalid(&mut self, span: Span, message: String, help: String) {
        self.push(Diagnostic::new(&rules::invalid_value::RULE, span, message).help(help));
    }

    fn record<'n>(&mut self, node: &'n Node, record: &'static Record) -> Option<Rec<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, &format!("a mapping ({})", record.name));
            return None;
        };
        for (k, _) in entries {
            match &k.value {
                Value::Str(key) if record.field(key).is_some() => {}
                Value::Str(key) => {
                    let keys = record.fields.iter().map(|f| f.key);
                    let help = match did_you_mean(key, keys) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "{} {} takes: {}",
                            article(record.name),
                            record.name,
                            record.fields.iter().map(|f| f.key).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    self.push(
                        Diagnostic::new(
                            &rules::unknown_key::RULE,
                            k.span,
                            format!(
                                "unknown key `{key}` in {} {}",
                                article(record.name),
                                record.name
                            ),
                        )
                        .help(help),
                    );
                }
                _ => self.wrong_type(k, "a key made of words"),
            }
        }
        let head = entries.first().map_or(node.span, |(k, _)| k.span);
        let mut rec = Rec { entries, head, record, skip: Vec::new() };
        for f in record.fields.iter().filter(|f| f.required) {
            if rec.get(f.key).is_none() {
                self.push(
                    Diagnostic::new(
                        &rules::missing_field::RULE,
                        head,
                        format!("this {} has no `{}`", record.name, f.key),
                    )
                    .help(format!(
                        "add `{}:` ({})",
                        f.key,
                        f.doc.trim_end_matches('.').to_lowercase()
                    )),
                );
            }
        }
        for (i, (k, v)) in entries.iter().enumerate() {
            if let Value::Str(key) = &k.value
                && let Some(f) = record.field(key)
                && !self.within_bounds(f, v)
            {
                rec.skip.push(i);
            }
        }
        Some(rec)
    }

    // ---- bounds: numbers, text lengths, links (from the format table) ---------------------

    /// Checks one field's value against the bounds the format table gives its key; reports
    /// each breach and returns false when there was one.
    fn within_bounds(&mut self, f: &'static Field, v: &Node) -> bool {
        self.shape_bounds(f.key, &f.shape, f.limit, v)
    }

    fn shape_bounds(
        &mut self,
        key: &str,
        shape: &'static Shape,
        limit: Option<&'static Limit>,
        v: &Node,
    ) -> bool {
        match shape {
            Shape::Text | Shape::Tracker => self.text_bounds(key, v, format::MAX_LINE_CHARS),
            Shape::LongText => self.text_bounds(key, v, format::MAX_LONG_CHARS),
            Shape::Url => self.text_bounds(key, v, format::MAX_URL_CHARS) && self.url_ok(v),
            Shape::Number | Shape::NonNegative | Shape::Probability | Shape::Integer => {
                limit.is_none_or(|l| self.number_bounds(key, v, l))
            }
            Shape::Distribution => limit.is_none_or(|l| self.distribution_bounds(key, v, l)),
            Shape::List(item) => match &v.value {
                Value::Seq(items) => {
                    let mut ok = true;
                    for i in items {
                        ok &= self.shape_bounds(key, item, limit, i);
                    }
                    ok
                }
                _ => true,
            },
            Shape::OneOf(shapes) => match &v.value {
                // Records are checked when they are read; a plain value takes the first
                // shape that is not a record.
                Value::Map(_) => true,
                _ => shapes
                    .iter()
                    .find(|s| !matches!(s, Shape::Record(_)))
                    .is_none_or(|s| self.shape_bounds(key, s, limit, v)),
            },
            Shape::Params => match &v.value {
                Value::Map(entries) => {
                    let mut ok = true;
                    for (k, x) in entries {
                        ok &= self.text_bounds(key, k, format::MAX_LINE_CHARS);
                        ok &= self.text_bounds(key, x, format::MAX_LINE_CHARS);
                    }
                    ok
                }
                _ => true,
            },
            Shape::NumberMap(_) => match (&v.value, limit) {
                (Value::Map(entries), Some(l)) => {
                    let mut ok = true;
                    for (_, x) in entries {
                        ok &= self.number_bounds(key, x, l);
                    }
                    ok
                }
                _ => true,
            },
            // Ids are bounded where they are read (`id`), dates and years by year (`date`, `year_ok`).
            Shape::Id
            | Shape::Date
            | Shape::Year
            | Shape::Bool
            | Shape::Enum(_)
            | Shape::Record(_) => true,
        }
    }

    fn text_bounds(&mut self, key: &str, v: &Node, max: usize) -> bool {
        let Value::Str(s) = &v.value else { return true };
        // Bytes bound characters from above: most texts are decided without counting.
        if s.len() <= max {
            return true;
        }
        let n = s.chars().count();
        if n <= max {
            return true;
        }
        self.push(
            Diagnostic::new(
                &rules::text_too_long::RULE,
                v.span,
                format!("`{key}` is {n} characters long; at most {max} are allowed here"),
            )
            .help(if max == format::MAX_LONG_CHARS {
                "shorten it, or link the full text with an evidence `url`".to_string()
            } else {
                "keep it to one line; put explanations under `description`".to_string()
            }),
        );
        false
    }

    fn url_ok(&mut self, v: &Node) -> bool {
        let Value::Str(s) = &v.value else { return true };
        match url_problem(s) {
            None => true,
            Some(why) => {
                self.push(
                    Diagnostic::new(
                        &rules::invalid_url::RULE,
                        v.span,
                        format!("`{}` is not a link throughline will show: {why}", clip(s)),
                    )
                    .help(
                        "write an address starting with `https://` (or `http://`), or a path \
                         relative to the model folder such as `evidence/study.pdf`",
                    ),
                );
                false
            }
        }
    }

    fn out_of_range(&mut self, span: Span, message: String, help: String) {
        self.push(Diagnostic::new(&rules::out_of_range::RULE, span, message).help(help));
    }

    fn not_finite(&mut self, key: &str, span: Span) {
        self.out_of_range(
            span,
            format!("`{key}` is not a finite number"),
            "write a finite number; `.inf`, `.nan` and numbers beyond about 1.8e308 cannot be computed with"
                .into(),
        );
    }

    fn number_bounds(&mut self, key: &str, v: &Node, l: &'static Limit) -> bool {
        let x = match &v.value {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            Value::Str(s) => match quantity::parse_number(s) {
                Some(x) => x,
                None => return true, // not a number: the reader says so
            },
            _ => return true,
        };
        if !x.is_finite() {
            self.not_finite(key, v.span);
            return false;
        }
        if x.abs() > l.max {
            self.out_of_range(
                v.span,
                format!(
                    "`{key}` is {}, beyond the {} allowed for {}",
                    fmt_big(x),
                    fmt_big(l.max),
                    l.what
                ),
                bound_help(l),
            );
            return false;
        }
        true
    }

    fn distribution_bounds(&mut self, key: &str, v: &Node, l: &'static Limit) -> bool {
        let parsed = match &v.value {
            Value::Int(i) => Distribution::point(*i as f64).map_err(QuantityError::from),
            Value::Float(f) => Distribution::point(*f).map_err(QuantityError::from),
            Value::Str(s) => quantity::parse_distribution(s),
            _ => return true,
        };
        let d = match parsed {
            Ok(d) => d,
            Err(QuantityError::Impossible(model::DistributionError::NotFinite(_))) => {
                self.not_finite(key, v.span);
                return false;
            }
            Err(QuantityError::Impossible(e @ model::DistributionError::Overflow(_))) => {
                self.out_of_range(
                    v.span,
                    format!("`{key}` cannot be computed with: {e}"),
                    "narrow the range; a 90% range spanning hundreds of orders of magnitude has no finite mean"
                        .into(),
                );
                return false;
            }
            Err(_) => return true, // malformed or impossible: the reader says so
        };
        if let Distribution::Point { value } = d {
            return self.number_bounds(key, &Node { value: Value::Float(value), span: v.span }, l);
        }
        let (low, high) = d.range90();
        let checks = [
            ("mean", d.mean()),
            ("standard deviation", d.variance().sqrt()),
            ("low end", low),
            ("high end", high),
        ];
        for (what, x) in checks {
            if !x.is_finite() || x.abs() > l.max {
                let shown = if x.is_finite() { fmt_big(x) } else { "infinite".into() };
                self.out_of_range(
                    v.span,
                    format!(
                        "the {what} of `{key}` is {shown}, beyond the {} allowed for {}",
                        fmt_big(l.max),
                        l.what
                    ),
                    if matches!(d, Distribution::LogNormal { .. }) && x.abs() > high.abs().max(low.abs()) {
                        "a 90% range spanning many orders of magnitude has a huge mean; narrow the range or check its units".into()
                    } else {
                        bound_help(l)
                    },
                );
                return false;
            }
        }
        true
    }

    fn each(&mut self, node: Option<&Node>, mut f: impl FnMut(&mut Self, &Node)) {
        if let Some(items) = node.and_then(|n| self.list(n)) {
            for item in items {
                f(self, item);
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(&[]),
            _ => {
                self.wrong_type(node, "a list");
                None
            }
        }
    }

    fn text(&mut self, node: &Node) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.wrong_type(node, "text");
                None
            }
        }
    }

    fn opt_text(&mut self, r: &Rec<'_>, key: &str) -> Option<String> {
        r.get(key).and_then(|v| self.text(v))
    }

    fn id(&mut self, node: &Node) -> Option<Id> {
        let Value::Str(s) = &node.value else {
            self.wrong_type(node, "an id (like `new_readers`)");
            return None;
        };
        if s.len() > format::MAX_ID_CHARS && s.chars().count() > format::MAX_ID_CHARS {
            self.push(
                Diagnostic::new(
                    &rules::text_too_long::RULE,
                    node.span,
                    format!(
                        "this id is {} characters long; at most {} are allowed",
                        s.chars().count(),
                        format::MAX_ID_CHARS
                    ),
                )
                .help("ids are short handles such as `new_readers`; put the words in `name`"),
            );
            return None;
        }
        match Id::parse(s) {
            Ok(id) => Some(id),
            Err(e) => {
                let suggestion = s.to_lowercase().replace([' ', '.', '/'], "_");
                let help = if Id::parse(&suggestion).is_ok() {
                    format!("ids are lowercase words joined by '_' or '-', e.g. `{suggestion}`")
                } else {
                    "ids are lowercase words joined by '_' or '-', e.g. `new_readers`".into()
                };
                self.invalid(node.span, format!("`{s}` is not a valid id: {e}"), help);
                None
            }
        }
    }

    fn define(&mut self, node: Option<&Node>, kind: ItemKind) -> Option<Id> {
        let node = node?;
        let id = self.id(node)?;
        self.map.definitions.push(Definition { id: id.clone(), kind, span: node.span });
        Some(id)
    }

    fn reference(
        &mut self,
        node: &Node,
        expected: &'static [ItemKind],
        field: &'static str,
    ) -> Option<Id> {
        let id = self.id(node)?;
        self.map.references.push(Reference { id: id.clone(), expected, span: node.span, field });
        Some(id)
    }

    fn references(
        &mut self,
        node: Option<&Node>,
        expected: &'static [ItemKind],
        field: &'static str,
    ) -> Vec<Id> {
        let Some(node) = node else { return vec![] };
        let Some(items) = self.list(node) else { return vec![] };
        items.iter().filter_map(|n| self.reference(n, expected, field)).collect()
    }

    fn number(&mut self, node: &Node) -> Option<f64> {
        let v = match &node.value {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            Value::Str(s) => match quantity::parse_number(s) {
                Some(v) => v,
                None => {
                    self.wrong_type(node, "a number");
                    return None;
                }
            },
            _ => {
                self.wrong_type(node, "a number");
                return None;
            }
        };
        if !v.is_finite() {
            self.not_finite("this number", node.span);
            return None;
        }
        Some(v)
    }

    fn non_negative(&mut self, node: &Node, what: &str) -> Option<f64> {
        let v = self.number(node)?;
        if v < 0.0 {
            self.push(
                Diagnostic::new(
                    &rules::negative_quantity::RULE,
                    node.span,
                    format!("{what} cannot be negative, found {v}"),
                )
                .help(format!("write {what} of zero or more")),
            );
            return None;
        }
        Some(v)
    }

    fn probability(&mut self, node: &Node) -> Option<f64> {
        self.fraction(node, "a probability", "write a probability such as 0.8 or \"80%\"")
    }

    /// A number in [0, 1]: a probability, a share or a rate.
    fn fraction(&mut self, node: &Node, what: &str, help: &str) -> Option<f64> {
        let p = self.number(node)?;
        if !(0.0..=1.0).contains(&p) {
            self.push(
                Diagnostic::new(
                    &rules::impossible_distribution::RULE,
                    node.span,
                    format!("{what} is between 0 and 1, found {p}"),
                )
                .help(help.to_string()),
            );
            return None;
        }
        Some(p)
    }

    fn bool(&mut self, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, "true or false");
                None
            }
        }
    }

    fn integer(&mut self, node: &Node) -> Option<i64> {
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                self.wrong_type(node, "a whole number");
                None
            }
        }
    }

    fn date(&mut self, node: &Node) -> Option<Date> {
        let parsed = match &node.value {
            Value::Int(y) => i32::try_from(*y).ok().and_then(|y| Date::new(y, 1, 1)),
            Value::Str(s) => parse_date(s),
            _ => {
                self.wrong_type(node, "a date (YYYY-MM-DD, YYYY-MM or YYYY)");
                return None;
            }
        };
        if parsed.is_none() {
            self.invalid(
                node.span,
                "not a valid date".into(),
                "write a date as YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2027-06-30".into(),
            );
        }
        let parsed = parsed?;
        if !self.year_ok(i64::from(parsed.year), node.span) {
            return None;
        }
        Some(parsed)
    }

    /// Years a plan, a measurement or a citation can name.
    fn year_ok(&mut self, year: i64, span: Span) -> bool {
        if (format::MIN_YEAR..=format::MAX_YEAR).contains(&year) {
            return true;
        }
        self.out_of_range(
            span,
            format!("the year {year} is outside {}–{}", format::MIN_YEAR, format::MAX_YEAR),
            "check the year; dates in a model are years of measurements, plans and sources".into(),
        );
        false
    }

    fn distribution(&mut self, node: &Node) -> Option<Distribution> {
        let result = match &node.value {
            Value::Int(i) => Distribution::point(*i as f64).map_err(QuantityError::from),
            Value::Float(f) => Distribution::point(*f).map_err(QuantityError::from),
            Value::Str(s) => quantity::parse_distribution(s),
            _ => {
                self.wrong_type(node, "a number or a distribution such as \"2 to 8\"");
                return None;
            }
        };
        match result {
            Ok(d) => Some(d),
            Err(QuantityError::Syntax(msg)) => {
                self.invalid(
                    node.span,
                    msg,
                    "write a number (\"200k\"), a 90% interval (\"2 to 8\") or a distribution \
                     (normal, lognormal, uniform, triangular, pert, beta)"
                        .into(),
                );
                None
            }
            Err(QuantityError::Impossible(
                e @ (model::DistributionError::NotFinite(_)
                | model::DistributionError::Overflow { .. }),
            )) => {
                self.out_of_range(
                    node.span,
                    format!("this distribution cannot be computed with: {e}"),
                    "write finite numbers, and narrow a range that spans many orders of magnitude"
                        .into(),
                );
                None
            }
            Err(QuantityError::Impossible(e)) => {
                self.push(
                    Diagnostic::new(
                        &rules::impossible_distribution::RULE,
                        node.span,
                        format!("impossible distribution: {e}"),
                    )
                    .help("check the order and signs of the parameters: low, most likely, high"),
                );
                None
            }
        }
    }

    /// A distribution that must not go below zero (cost, effort, amounts).
    fn quantity(&mut self, node: &Node, what: &str) -> Option<Distribution> {
        let d = self.distribution(node)?;
        let low = match d {
            Distribution::Normal { mean, sd } => mean - model::distribution::Z90 * sd,
            other => other.support().0,
        };
        if low < -1e-9 * d.mean().abs().max(1.0) {
            self.push(
                Diagnostic::new(
                    &rules::negative_quantity::RULE,
                    node.span,
                    format!(
                        "{what} cannot be negative, but this range goes down to {}",
                        fmt_num(low)
                    ),
                )
                .help(format!(
                    "{what} is zero or more; write a range with a low end of 0 or above"
                )),
            );
            return None;
        }
        Some(d)
    }

    /// A one-word value of a keyword enum: the word must be one of `T::WORDS` (the format's
    /// table), and decodes to exactly its variant; never a default.
    fn keyword<T: Keyword>(&mut self, node: &Node, what: &str) -> Option<T> {
        self.word(node, T::WORDS, what).and_then(T::from_word)
    }

    fn word<'w>(&mut self, node: &Node, allowed: &'w [&'w str], what: &str) -> Option<&'w str> {
        let Value::Str(s) = &node.value else {
            self.wrong_type(node, &format!("one of: {}", allowed.join(", ")));
            return None;
        };
        if let Some(w) = allowed.iter().find(|w| **w == s.as_str()) {
            return Some(w);
        }
        let help = match did_you_mean(s, allowed.iter().copied()) {
            Some(w) => format!("did you mean `{w}`?"),
            None => format!("write one of: {}", allowed.join(", ")),
        };
        self.invalid(node.span, format!("`{s}` is not {what}"), help);
        None
    }

    fn criteria_map(&mut self, node: &Node, what: &str) -> BTreeMap<Criterion, f64> {
        let mut out = BTreeMap::new();
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "a mapping of criteria to numbers");
            return out;
        };
        for (k, v) in entries {
            let Some(word) = self.word(k, format::CRITERIA, "a criterion") else { continue };
            let Some(c) = Criterion::ALL.into_iter().find(|c| c.key() == word) else { continue };
            if let Some(x) = self.non_negative(v, what) {
                out.insert(c, x);
            }
        }
        out
    }

    // ---- sections ---------------------------------------------------------------------------

    fn meta(&mut self, node: &Node) {
        let Some(r) = self.record(node, &format::META) else { return };
        self.manifest_seen = true;
        self.model.meta = Meta {
            name: self.opt_text(&r, "name").unwrap_or_default(),
            organisation: self.opt_text(&r, "organisation"),
            mission: self.opt_text(&r, "mission"),
            currency: self.opt_text(&r, "currency").unwrap_or_else(|| "USD".into()),
            description: self.opt_text(&r, "description"),
            frameworks: Vec::new(),
        };
        if let Some(items) = r.get("frameworks").and_then(|n| self.list(n)) {
            for item in items {
                if let Some(f) = self
                    .word(item, format::FRAMEWORKS, "a framework")
                    .and_then(model::Framework::from_key)
                    && !self.model.meta.frameworks.contains(&f)
                {
                    self.model.meta.frameworks.push(f);
                }
            }
        }
    }

    fn program(&mut self, node: &Node) -> Option<Id> {
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

    fn texts(&mut self, node: Option<&Node>) -> Vec<String> {
        let Some(items) = node.and_then(|n| self.list(n)) else { return vec![] };
        items.iter().filter_map(|n| self.text(n)).collect()
    }

    fn node(&mut self, node: &Node, goal: bool) {
        let record = if goal { &format::GOAL } else { &format::NODE };
        let Some(r) = self.record(node, record) else { return };
        let kind = if goal { ItemKind::Goal } else { ItemKind::Node };
        let id = self.define(r.get("id"), kind);
        let name = self.opt_text(&r, "name");
        let level = if goal {
            Some(Level::Impact)
        } else {
            r.get("level")
                .and_then(|v| self.word(v, format::LEVELS, "a level"))
                .and_then(Level::from_key)
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

    fn sroi_valuation(&mut self, node: &Node) -> Option<(SroiValuation, ItemSpans)> {
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

    fn planning(&mut self, node: &Node) {
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
        self.model.planning = p;
        self.map.planning = Some(r.spans());
    }

    fn balance_rule(&mut self, node: &Node) -> Option<model::BalanceRule> {
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

    fn sroi_settings(&mut self, node: &Node) {
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

    fn link(&mut self, node: &Node) {
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

    fn initiative(&mut self, node: &Node) {
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
                            format!("the {} score {s} is above 5", c.key()),
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
        let (Some(id), Some(name), Some(team), Some(status)) = (id, name, team, status) else {
            return;
        };
        let deployed = r.get("deployed").and_then(|v| self.date(v));
        let evaluation = r.get("evaluation").and_then(|v| self.evaluation_design(v));
        let item = Initiative {
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
        };
        self.model.initiatives.push(item);
        self.map.initiatives.push(r.spans());
        self.map.deliveries.push(delivery_spans);
    }

    fn audience(&mut self, node: &Node) {
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

    fn dated_value(&mut self, node: &Node) -> Option<DatedValue> {
        let r = self.record(node, &format::DATED_VALUE)?;
        let value = r.get("value").and_then(|v| self.number(v));
        let date = r.get("date").and_then(|v| self.date(v));
        let source = self.opt_text(&r, "source");
        Some(DatedValue { value: value?, date: date?, source })
    }

    fn data_source(&mut self, node: &Node) -> Option<DataSource> {
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

    fn indicator(&mut self, node: &Node) {
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

    fn team(&mut self, node: &Node) {
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

    fn value(&mut self, node: &Node) {
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

/// Why a link is refused, or `None` when it is an `http`/`https` address or a relative path.
///
/// Browsers ignore whitespace and control characters inside schemes (`java\tscript:`) and read
/// `\` as `/` (`\\host` leaves the site), so those are refused outright rather than parsed.
pub(crate) fn url_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("it is empty");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains spaces or control characters (write spaces as %20)");
    }
    if s.contains('\\') {
        return Some("it contains a backslash, which browsers read as `/`");
    }
    // A scheme is letters, digits, `+`, `-`, `.` before the first `:`, and comes before any
    // `/`, `?` or `#`.
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    if let Some(colon) = s[..end].find(':') {
        let scheme = &s[..colon];
        let lower = scheme.to_ascii_lowercase();
        if lower != "http" && lower != "https" {
            return Some("only `http` and `https` addresses are allowed");
        }
        let rest = &s[colon + 1..];
        let Some(authority) = rest.strip_prefix("//") else {
            return Some("an address starts with `https://` and a host");
        };
        let host_end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
        if authority[..host_end].is_empty() {
            return Some("the address has no host");
        }
        return None;
    }
    if s.starts_with("//") {
        return Some("an address starting with `//` leads to another site; write `https://`");
    }
    None
}

/// A path relative to the model folder in the `/`-separated form `load_dir` lists, or `None`
/// when it is absolute or leaves the folder.
fn normalise_relative(path: &str) -> Option<String> {
    let p = path.trim().replace('\\', "/");
    if p.starts_with('/') || p.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() { None } else { Some(parts.join("/")) }
}

/// The first 80 characters of a value, for messages about values that may be huge.
fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Large numbers in messages: `1e15` or `5.16e12`, not sixteen digits.
fn fmt_big(v: f64) -> String {
    if v.abs() < 1e6 {
        return fmt_num(v);
    }
    let s = format!("{v:.2e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let m = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{m}e{exp}")
        }
        None => s,
    }
}

fn bound_help(l: &Limit) -> String {
    format!(
        "values under this key are at most {} ({}); check the unit and the order of magnitude \
         (see the limits in docs/format.md)",
        fmt_big(l.max),
        l.what
    )
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s)
}

/// Formats a number for messages: no trailing `.0`, thousands kept readable.
pub(crate) fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v:.3}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_https_and_relative_links_pass() {
        for ok in [
            "https://example.org",
            "HTTPS://example.org/a?b#c",
            "http://127.0.0.1:8080/x",
            "evidence/study.pdf",
            "./notes.md",
            "../shared/report.pdf",
            "/absolute/on/this/site",
            "#section",
            "a/b:c",
        ] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "mailto:a@example.org",
            "//evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "https:evil.example",
            "https://",
            "https:///x",
            "",
        ] {
            assert!(url_problem(bad).is_some(), "{bad:?} passed");
        }
    }

    #[test]
    fn relative_paths_are_normalised_and_escapes_refused() {
        assert_eq!(normalise_relative("data/x.csv").as_deref(), Some("data/x.csv"));
        assert_eq!(normalise_relative("./data//x.csv").as_deref(), Some("data/x.csv"));
        assert_eq!(normalise_relative("data\\x.csv").as_deref(), Some("data/x.csv"));
        assert_eq!(normalise_relative("a/../data/x.csv").as_deref(), Some("data/x.csv"));
        assert_eq!(normalise_relative("../x.csv"), None);
        assert_eq!(normalise_relative("/tmp/x.csv"), None);
        assert_eq!(normalise_relative("C:/x.csv"), None);
    }

    #[test]
    fn big_numbers_read_short() {
        assert_eq!(fmt_big(1e15), "1e15");
        assert_eq!(fmt_big(5.161e12), "5.16e12");
        assert_eq!(fmt_big(-2e6), "-2e6");
        assert_eq!(fmt_big(12345.0), "12345");
    }
}

//! Decoding: the spanned YAML tree of each file into model items and their spans.
//!
//! Decoding never stops at the first problem. Each reader returns `None` for a value it cannot
//! use and records why, so one run reports every problem in every file. An item whose id is
//! readable is always *defined* (so references to it resolve and no cascade of "unknown id"
//! follows), but it only enters the model when all its required parts are usable.
//!
//! Two layers: [`values`] reads one scalar or list (numbers, dates, distributions, keywords, ids
//! and references) and knows no records; [`chain`], [`planning`] and [`measured`] decode records
//! from the format's tables in [`crate::format`], through the readers in `values`. This module
//! holds the decoder's state, the per-file dispatch and the key check every record goes through.

use std::collections::BTreeSet;

use model::{Id, Model};

use crate::diagnostic::Diagnostic;
use crate::format::{self, Record};
use crate::rules;
use crate::source::{FileId, Span};
use crate::sourcemap::{ItemKind, ItemSpans, SourceMap};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Value};

mod chain;
mod measured;
mod planning;
mod values;

use values::article;

const NODE_LIKE: &[ItemKind] = &[ItemKind::Node, ItemKind::Goal];
const NODE_ONLY: &[ItemKind] = &[ItemKind::Node];
const GOAL_ONLY: &[ItemKind] = &[ItemKind::Goal];
const TEAM: &[ItemKind] = &[ItemKind::Team];
const PROGRAM: &[ItemKind] = &[ItemKind::Program];
const AUDIENCE: &[ItemKind] = &[ItemKind::Audience];
const INITIATIVE: &[ItemKind] = &[ItemKind::Initiative];
const INDICATOR: &[ItemKind] = &[ItemKind::Indicator];
const COMMUNITY: &[ItemKind] = &[ItemKind::Community];
const ASSUMPTION: &[ItemKind] = &[ItemKind::Assumption];

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
        self.each(r.get("checkins"), Decoder::checkin_note);
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
}

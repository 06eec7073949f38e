//! Value parsing: one YAML scalar or list at a time into a number, date, distribution, word,
//! id or reference, with bounds from the format's tables. Every reader records why it refused a
//! value and returns `None`; none of them knows which record it is reading.

use std::collections::BTreeMap;

use model::{Criterion, Date, Distribution, Id, Keyword, PlanCode};

use crate::diagnostic::Diagnostic;
use crate::format::{self, Field, Limit, Shape};
use crate::quantity::{self, QuantityError};
use crate::rules;
use crate::source::Span;
use crate::sourcemap::{Definition, ItemKind, Reference};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Value};

use super::*;

impl Decoder<'_> {
    /// Checks one field's value against the bounds the format table gives its key; reports
    /// each breach and returns false when there was one.
    pub(super) fn within_bounds(&mut self, f: &'static Field, v: &Node) -> bool {
        self.shape_bounds(f.key, &f.shape, f.limit, v)
    }

    pub(super) fn shape_bounds(
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
            | Shape::Code
            | Shape::Date
            | Shape::Year
            | Shape::Bool
            | Shape::Enum(_)
            | Shape::Record(_) => true,
        }
    }

    pub(super) fn text_bounds(&mut self, key: &str, v: &Node, max: usize) -> bool {
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

    pub(super) fn url_ok(&mut self, v: &Node) -> bool {
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

    pub(super) fn out_of_range(&mut self, span: Span, message: String, help: String) {
        self.push(Diagnostic::new(&rules::out_of_range::RULE, span, message).help(help));
    }

    pub(super) fn not_finite(&mut self, key: &str, span: Span) {
        self.out_of_range(
            span,
            format!("`{key}` is not a finite number"),
            "write a finite number; `.inf`, `.nan` and numbers beyond about 1.8e308 cannot be computed with"
                .into(),
        );
    }

    pub(super) fn number_bounds(&mut self, key: &str, v: &Node, l: &'static Limit) -> bool {
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

    pub(super) fn distribution_bounds(&mut self, key: &str, v: &Node, l: &'static Limit) -> bool {
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

    pub(super) fn each(&mut self, node: Option<&Node>, mut f: impl FnMut(&mut Self, &Node)) {
        if let Some(items) = node.and_then(|n| self.list(n)) {
            for item in items {
                f(self, item);
            }
        }
    }

    pub(super) fn list<'n>(&mut self, node: &'n Node) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(&[]),
            _ => {
                self.wrong_type(node, "a list");
                None
            }
        }
    }

    pub(super) fn text(&mut self, node: &Node) -> Option<String> {
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

    pub(super) fn opt_text(&mut self, r: &Rec<'_>, key: &str) -> Option<String> {
        r.get(key).and_then(|v| self.text(v))
    }

    pub(super) fn texts(&mut self, node: Option<&Node>) -> Vec<String> {
        let Some(items) = node.and_then(|n| self.list(n)) else { return vec![] };
        items.iter().filter_map(|n| self.text(n)).collect()
    }

    pub(super) fn id(&mut self, node: &Node) -> Option<Id> {
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

    /// A code of the plan's structure (`WE1.1.3`), bounded like an id.
    pub(super) fn code(&mut self, node: &Node) -> Option<PlanCode> {
        let s = match &node.value {
            Value::Str(s) => s.clone(),
            // `WE1` is a string, but a bare number such as `1.1` is not a code either.
            _ => {
                self.wrong_type(node, "a plan code (like `WE1.1`)");
                return None;
            }
        };
        if s.chars().count() > format::MAX_ID_CHARS {
            self.push(
                Diagnostic::new(
                    &rules::text_too_long::RULE,
                    node.span,
                    format!(
                        "this plan code is {} characters long; at most {} are allowed",
                        s.chars().count(),
                        format::MAX_ID_CHARS
                    ),
                )
                .help("codes are short handles such as `WE1.1`; put the words in `name`"),
            );
            return None;
        }
        match PlanCode::parse(&s) {
            Ok(c) => Some(c),
            Err(e) => {
                self.invalid(
                    node.span,
                    format!("`{s}` is not a valid plan code: {e}"),
                    "write a code such as `WE1` (objective), `WE1.1` (key result) or `WE1.1.3` (hypothesis)".into(),
                );
                None
            }
        }
    }

    pub(super) fn define(&mut self, node: Option<&Node>, kind: ItemKind) -> Option<Id> {
        let node = node?;
        let id = self.id(node)?;
        self.map.definitions.push(Definition { id: id.clone(), kind, span: node.span });
        Some(id)
    }

    pub(super) fn reference(
        &mut self,
        node: &Node,
        expected: &'static [ItemKind],
        field: &'static str,
    ) -> Option<Id> {
        let id = self.id(node)?;
        self.map.references.push(Reference { id: id.clone(), expected, span: node.span, field });
        Some(id)
    }

    pub(super) fn references(
        &mut self,
        node: Option<&Node>,
        expected: &'static [ItemKind],
        field: &'static str,
    ) -> Vec<Id> {
        let Some(node) = node else { return vec![] };
        let Some(items) = self.list(node) else { return vec![] };
        items.iter().filter_map(|n| self.reference(n, expected, field)).collect()
    }

    pub(super) fn number(&mut self, node: &Node) -> Option<f64> {
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

    pub(super) fn non_negative(&mut self, node: &Node, what: &str) -> Option<f64> {
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

    pub(super) fn probability(&mut self, node: &Node) -> Option<f64> {
        self.fraction(node, "a probability", "write a probability such as 0.8 or \"80%\"")
    }

    /// A number in [0, 1]: a probability, a share or a rate.
    pub(super) fn fraction(&mut self, node: &Node, what: &str, help: &str) -> Option<f64> {
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

    pub(super) fn bool(&mut self, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, "true or false");
                None
            }
        }
    }

    pub(super) fn integer(&mut self, node: &Node) -> Option<i64> {
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                self.wrong_type(node, "a whole number");
                None
            }
        }
    }

    pub(super) fn date(&mut self, node: &Node) -> Option<Date> {
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
    pub(super) fn year_ok(&mut self, year: i64, span: Span) -> bool {
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

    pub(super) fn distribution(&mut self, node: &Node) -> Option<Distribution> {
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
    pub(super) fn quantity(&mut self, node: &Node, what: &str) -> Option<Distribution> {
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
    pub(super) fn keyword<T: Keyword>(&mut self, node: &Node, what: &str) -> Option<T> {
        self.word(node, T::WORDS, what).and_then(T::from_word)
    }

    pub(super) fn word<'w>(
        &mut self,
        node: &Node,
        allowed: &'w [&'w str],
        what: &str,
    ) -> Option<&'w str> {
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

    pub(super) fn criteria_map(&mut self, node: &Node, what: &str) -> BTreeMap<Criterion, f64> {
        let mut out = BTreeMap::new();
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "a mapping of criteria to numbers");
            return out;
        };
        for (k, v) in entries {
            let Some(c) = self.keyword::<Criterion>(k, "a criterion") else { continue };
            if let Some(x) = self.non_negative(v, what) {
                out.insert(c, x);
            }
        }
        out
    }

    // ---- sections ---------------------------------------------------------------------------
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
pub(super) fn normalise_relative(path: &str) -> Option<String> {
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
pub(super) fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Large numbers in messages: `1e15` or `5.16e12`, not sixteen digits.
pub(super) fn fmt_big(v: f64) -> String {
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

pub(super) fn bound_help(l: &Limit) -> String {
    format!(
        "values under this key are at most {} ({}); check the unit and the order of magnitude \
         (see the limits in docs/format.md)",
        fmt_big(l.max),
        l.what
    )
}

pub(super) fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

pub(super) fn parse_date(s: &str) -> Option<Date> {
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

//! Diagnostics as data: what is wrong, where, and how to fix it. Rendering lives elsewhere.

use serde::Serialize;

use crate::rules::Rule;
use crate::source::Span;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The model cannot be trusted: `check` fails.
    Error,
    /// A framework is incomplete: worth fixing, does not fail `check`.
    Warning,
}

impl Severity {
    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location that explains the primary one ("first defined here").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What it shows.
    pub message: String,
}

/// One problem found in a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The rule that found it: code, name, severity and documentation.
    pub rule: &'static Rule,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where; `None` only for problems with no file to point at.
    pub span: Option<Span>,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places that explain it.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `span`.
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { rule, message: message.into(), span: Some(span), help: None, related: vec![] }
    }

    /// Adds the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related location.
    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { span, message: message.into() });
        self
    }

    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }
}

//! Diagnostics for people (rustc-style snippets) and for machines (JSON).

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};
use modelfile::{Checked, Diagnostic, Severity, SourceMap, Span};
use serde::Serialize;

use crate::args::Color;

/// Whether to colour stdout.
pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Writes diagnostics as annotated snippets.
pub fn human(checked: &Checked, diagnostics: &[&Diagnostic], color: bool) -> anyhow::Result<()> {
    let mut files = SimpleFiles::new();
    for f in &checked.map.files {
        files.add(f.name.clone(), f.text.as_str());
    }
    let config = Config::default();
    let stdout = termcolor::StandardStream::stdout(if color {
        termcolor::ColorChoice::Always
    } else {
        termcolor::ColorChoice::Never
    });
    let mut out = stdout.lock();
    for d in diagnostics {
        let cs = to_codespan(d);
        term::emit_to_write_style(&mut out, &config, &files, &cs)?;
    }
    out.flush()?;
    Ok(())
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.severity() {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(Label::primary(span.file.0 as usize, range(span)));
    }
    for r in &d.related {
        labels
            .push(Label::secondary(r.span.file.0 as usize, range(r.span)).with_message(&r.message));
    }
    let mut notes = Vec::new();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    CsDiagnostic::new(severity)
        .with_code(format!("{} {}", d.rule.code, d.rule.name))
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn range(span: Span) -> std::ops::Range<usize> {
    let start = span.start.offset as usize;
    let end = (span.end.offset as usize).max(start);
    // Multi-line spans (whole mappings) are shown by their first line only.
    start..end
}

/// One diagnostic in `--json` output.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    related: Vec<JsonLocation<'a>>,
}

/// A related location in `--json` output.
#[derive(Serialize)]
pub struct JsonLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

/// Converts a diagnostic for `--json`.
pub fn json_diagnostic<'a>(map: &'a SourceMap, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.rule.code,
        rule: d.rule.name,
        severity: d.severity().as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        file: d.span.map(|s| map.file(s).name.as_str()),
        line: d.span.map(|s| s.start.line),
        column: d.span.map(|s| s.start.column),
        end_line: d.span.map(|s| s.end.line),
        end_column: d.span.map(|s| s.end.column),
        related: d
            .related
            .iter()
            .map(|r| JsonLocation {
                file: map.file(r.span).name.as_str(),
                line: r.span.start.line,
                column: r.span.start.column,
                message: &r.message,
            })
            .collect(),
    }
}

/// "1 error", "3 warnings".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Numbers for tables: the one rule of [`model::display::num`].
pub use model::display::num as fmt_num;

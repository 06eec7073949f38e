//! `unknown-reference` (TL102): an id that names nothing, or names the wrong kind of item.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};
use crate::sourcemap::ItemKind;
use crate::suggest::did_you_mean;

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL102",
    name: "unknown-reference",
    framework: None,
    severity: Severity::Error,
    summary: "A reference to an id that is not defined anywhere in the model, or that names the wrong kind of item.",
    why: "A dangling reference breaks the chain: the link, dependency or measurement it describes silently disappears from every view and calculation.",
    fix: "Correct the id (the help suggests the closest defined one) or define the missing item.",
    example: "links:\n  - from: offline_installs\n    to: readres_reached\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let mut kinds: HashMap<&str, ItemKind> = HashMap::with_capacity(cx.map.definitions.len());
    for d in &cx.map.definitions {
        kinds.entry(d.id.as_str()).or_insert(d.kind);
    }
    for r in &cx.map.references {
        let expected = r.expected.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or ");
        match kinds.get(r.id.as_str()) {
            Some(k) if r.expected.contains(k) => {}
            Some(k) => out.push(
                Diagnostic::new(
                    &RULE,
                    r.span,
                    format!("`{}` is {}, but `{}` needs {expected}", r.id, k.noun(), r.field),
                )
                .help(format!("name {expected} here")),
            ),
            None => {
                let candidates = cx
                    .map
                    .definitions
                    .iter()
                    .filter(|d| r.expected.contains(&d.kind))
                    .map(|d| d.id.as_str());
                let help = match did_you_mean(r.id.as_str(), candidates) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("define {expected} with id `{}`, or correct the id", r.id),
                };
                out.push(
                    Diagnostic::new(
                        &RULE,
                        r.span,
                        format!(
                            "no {} has the id `{}`",
                            r.expected.iter().map(|k| k.word()).collect::<Vec<_>>().join(" or "),
                            r.id
                        ),
                    )
                    .help(help),
                );
            }
        }
    }
}

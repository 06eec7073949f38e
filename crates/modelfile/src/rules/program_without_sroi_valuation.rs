//! `program-without-sroi-valuation` (TL408): A program none of whose outcomes has a financial proxy.

use model::Framework;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL408",
    name: "program-without-sroi-valuation",
    framework: Some(Framework::Sroi),
    severity: Severity::Warning,
    summary: "A program none of whose outcomes has a financial proxy.",
    why: "Without a valued outcome the program's SROI ratio is zero, which reads as worthless rather than unvalued.",
    fix: "Add `sroi: { proxy: … }` to an outcome or goal the program's initiatives reach.",
    example: "program: { id: new_readers, name: New Readers }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let valued: Vec<usize> =
        (0..cx.model.nodes.len()).filter(|&n| cx.model.nodes[n].sroi.is_some()).collect();
    for (ix, p) in cx.model.programs.iter().enumerate() {
        let reach = cx.graph.program_reach(p.id.as_str());
        let own = |n: usize| cx.model.nodes[n].program.as_ref() == Some(&p.id);
        if !valued.iter().any(|&n| reach[n] || own(n)) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    cx.map.programs[ix].item,
                    format!("no outcome of the program `{}` has a financial proxy", p.id),
                )
                .help("add `sroi: { proxy: …, proxy_source: … }` to an outcome or goal it reaches"),
            );
        }
    }
}

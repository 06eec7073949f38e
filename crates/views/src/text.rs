//! Plain-text renderings for the terminal: short lines, indentation for structure, no colour
//! (the CLI adds none), stable for snapshots.

use std::fmt::Write;

use crate::gaps::Gaps;
use crate::trace::{Path, Trace};

/// Renders a trace.
pub fn trace(t: &Trace) -> String {
    let mut s = String::new();
    match t {
        Trace::Initiative(w) => {
            let _ = writeln!(s, "Why does `{}` matter? — {}", w.initiative, w.name);
            let _ = writeln!(
                s,
                "program: {}   team: {}",
                w.program.as_deref().unwrap_or("(none)"),
                w.team
            );
            let _ = writeln!(s, "\ndelivers:");
            for d in &w.delivers {
                let amount = match (&d.amount, &d.unit) {
                    (Some(a), Some(u)) => format!(": {a} {u}"),
                    (Some(a), None) => format!(": {a}"),
                    _ => String::new(),
                };
                let p = d.probability.map(|p| format!(" (p {p})")).unwrap_or_default();
                let _ = writeln!(s, "  {} [{}]{amount}{p}", d.node, d.level);
            }
            if w.paths.is_empty() {
                let _ = writeln!(s, "\nno path leads from what it delivers to any goal.");
            }
            paths(&mut s, &w.paths, w.truncated);
            if !w.goals.is_empty() {
                let _ = writeln!(s, "goals served: {}", w.goals.join(", "));
            }
        }
        Trace::Node(n) => {
            let what = if n.goal { "goal" } else { n.level.as_str() };
            let _ = writeln!(s, "What supports `{}`? — {} [{what}]", n.node, n.name);
            let _ = writeln!(
                s,
                "measured by: {}",
                if n.indicators.is_empty() {
                    "(nothing)".to_string()
                } else {
                    n.indicators.join(", ")
                }
            );
            if n.initiatives.is_empty() {
                let _ = writeln!(s, "\nno initiative feeds it.");
            } else {
                let _ = writeln!(
                    s,
                    "\n{} initiative(s) from {} program(s) feed it: {}",
                    n.initiatives.len(),
                    n.programs.len(),
                    n.programs.join(", ")
                );
            }
            for sup in &n.initiatives {
                let _ = writeln!(
                    s,
                    "\n• {} — {} ({})",
                    sup.initiative,
                    sup.name,
                    sup.program.as_deref().unwrap_or("no program")
                );
                for p in &sup.paths {
                    let _ = writeln!(s, "    {}", p.nodes.join(" → "));
                }
            }
            if !n.leads_to.is_empty() {
                let _ = writeln!(s, "\nit leads to:");
                paths(&mut s, &n.leads_to, false);
            }
            if n.truncated {
                let _ = writeln!(s, "(more paths exist than are listed)");
            }
        }
    }
    s
}

fn paths(s: &mut String, list: &[Path], truncated: bool) {
    for (k, p) in list.iter().enumerate() {
        let _ = writeln!(s, "\npath {} of {}: {}", k + 1, list.len(), p.nodes.join(" → "));
        for st in &p.steps {
            let effect = match (&st.effect, &st.effect_unit) {
                (Some(e), Some(u)) => format!("  effect {e} {u}"),
                (Some(e), None) => format!("  effect {e}"),
                _ => "  (not quantified)".to_string(),
            };
            let p = st.probability.map(|p| format!(", works with p {p}")).unwrap_or_default();
            let _ = writeln!(s, "  {} → {}{effect}{p}", st.from, st.to);
            if let Some(r) = &st.rationale {
                let _ = writeln!(s, "    why: {r}");
            }
            for a in &st.assumptions {
                let _ = writeln!(s, "    assumes: {a}");
            }
            if st.evidence.is_empty() {
                let _ = writeln!(s, "    evidence: none");
            }
            for e in &st.evidence {
                let strength = e.strength.as_deref().map(|x| format!(" ({x})")).unwrap_or_default();
                let _ = writeln!(s, "    evidence: {}{strength}", e.source);
            }
        }
    }
    if truncated {
        let _ = writeln!(s, "\n(more paths exist than are listed)");
    }
    s.push('\n');
}

/// Renders the gaps.
pub fn gaps(g: &Gaps) -> String {
    let mut s = String::new();
    let mut section = |title: &str, why: &str, lines: Vec<String>| {
        let _ = writeln!(s, "{title}: {}", lines.len());
        if !lines.is_empty() {
            let _ = writeln!(s, "  ({why})");
        }
        for l in lines {
            let _ = writeln!(s, "  {l}");
        }
        s.push('\n');
    };
    section(
        "work with no path to a goal",
        "nothing links what it delivers to the strategy",
        g.unjustified_work.iter().map(|i| format!("{} — {}", i.id, i.name)).collect(),
    );
    section(
        "goals no initiative serves",
        "no chain from any initiative reaches them",
        g.unserved_goals.iter().map(|i| format!("{} — {}", i.id, i.name)).collect(),
    );
    section(
        "outcomes and goals nobody measures",
        "no indicator names them in `measures`",
        g.unmeasured_outcomes.iter().map(|i| format!("{} — {}", i.id, i.name)).collect(),
    );
    section(
        "links whose assumptions have no evidence",
        "add `evidence:` or plan to test them; `throughline voi` says which first",
        g.assumptions_without_evidence
            .iter()
            .map(|l| {
                let a = if l.assumptions.is_empty() {
                    "states no assumptions".to_string()
                } else {
                    l.assumptions.join("; ")
                };
                format!("{} → {}: {a}", l.from, l.to)
            })
            .collect(),
    );
    let _ = writeln!(s, "{} gaps in all", g.total());
    s
}

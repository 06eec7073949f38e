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

use crate::frameworks::{FiveDimensions, Logframe, LogicModel, Precondition, Rba, TheoryOfChange};

fn list(s: &mut String, title: &str, items: &[String]) {
    let _ = writeln!(s, "{title}");
    if items.is_empty() {
        let _ = writeln!(s, "  (none)");
    }
    for i in items {
        let _ = writeln!(s, "  - {i}");
    }
}

fn names(entries: &[crate::frameworks::Entry]) -> Vec<String> {
    entries.iter().map(|e| format!("{} ({})", e.name, e.id)).collect()
}

/// Renders a logic model, column by column from inputs to impact.
pub fn logic_model(lm: &LogicModel) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Logic model — {} ({})\n", lm.name, lm.program);
    list(&mut s, "INPUTS", &lm.inputs);
    list(&mut s, "ACTIVITIES", &names(&lm.activities));
    list(&mut s, "OUTPUTS", &names(&lm.outputs));
    list(&mut s, "OUTCOMES, SHORT TERM", &names(&lm.outcomes_short));
    list(&mut s, "OUTCOMES, INTERMEDIATE", &names(&lm.outcomes_intermediate));
    list(&mut s, "OUTCOMES, LONG TERM", &names(&lm.outcomes_long));
    list(&mut s, "IMPACT", &names(&lm.impact));
    list(&mut s, "ASSUMPTIONS", &lm.assumptions);
    list(&mut s, "EXTERNAL FACTORS", &lm.external_factors);
    if !lm.gaps.is_empty() {
        list(&mut s, "INCOMPLETE", &lm.gaps);
    }
    s
}

/// Renders a theory of change backwards from its goal, one precondition per indented line.
pub fn theory_of_change(t: &TheoryOfChange) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Theory of change — long-term goal: {} ({})", t.goal.name, t.goal.id);
    precondition(&mut s, &t.goal, 0);
    s
}

fn precondition(s: &mut String, p: &Precondition, depth: usize) {
    let pad = "  ".repeat(depth);
    if depth > 0 && p.repeated {
        let _ = writeln!(s, "{pad}◂ {} ({}) [{}] — shown above", p.name, p.id, p.level);
        return;
    }
    if depth > 0 {
        let _ = writeln!(s, "{pad}◂ {} ({}) [{}]", p.name, p.id, p.level);
        if let Some(r) = &p.rationale {
            let _ = writeln!(s, "{pad}    rationale: {r}");
        }
        for a in &p.assumptions {
            let _ = writeln!(s, "{pad}    assumption: {a}");
        }
    }
    for i in &p.indicators {
        let by = i.target.as_deref().unwrap_or("no target");
        let _ = writeln!(s, "{pad}    indicator: {} — {by}", i.name);
    }
    if !p.audiences.is_empty() {
        let _ = writeln!(s, "{pad}    for: {}", p.audiences.join(", "));
    }
    for i in &p.interventions {
        let _ = writeln!(s, "{pad}    intervention: {} ({})", i.name, i.id);
    }
    for c in &p.preconditions {
        precondition(s, c, depth + 1);
    }
}

/// Renders a logframe as one block per row.
pub fn logframe(lf: &Logframe) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Logical framework — {} ({})", lf.name, lf.program);
    for r in &lf.rows {
        let _ = writeln!(s, "\n{}", r.level.to_uppercase());
        list(&mut s, "  narrative summary", &r.narrative);
        list(&mut s, "  indicators", &r.indicators);
        list(&mut s, "  means of verification", &r.verification);
        list(&mut s, "  assumptions", &r.assumptions);
    }
    if !lf.gaps.is_empty() {
        let _ = writeln!(s);
        list(&mut s, "INCOMPLETE", &lf.gaps);
    }
    s
}

/// Renders Results-Based Accountability: population results, then the three questions.
pub fn rba(r: &Rba) -> String {
    let mut s = String::new();
    let mut group = |title: &str, ms: &[crate::frameworks::Measure]| {
        let lines: Vec<String> = ms
            .iter()
            .map(|m| {
                format!(
                    "{} — of {}; baseline {}; target {}; {} is better",
                    m.indicator.name,
                    m.measures,
                    m.indicator.baseline.as_deref().unwrap_or("none"),
                    m.indicator.target.as_deref().unwrap_or("none"),
                    m.better
                )
            })
            .collect();
        list(&mut s, title, &lines);
        s.push('\n');
    };
    group("POPULATION ACCOUNTABILITY (results for whole populations)", &r.population);
    group("PERFORMANCE: HOW MUCH DID WE DO?", &r.how_much);
    group("PERFORMANCE: HOW WELL DID WE DO IT?", &r.how_well);
    group("PERFORMANCE: IS ANYONE BETTER OFF?", &r.better_off);
    if !r.unclassified.is_empty() {
        group("MEASURES WITHOUT AN RBA QUESTION", &r.unclassified);
    }
    s
}

/// Renders the five dimensions of impact per outcome.
pub fn five_dimensions(all: &[FiveDimensions]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Impact Management Project — five dimensions per outcome");
    for d in all {
        let _ = writeln!(s, "\n{}", d.outcome);
        let _ = writeln!(s, "  WHAT  {}", d.what);
        for (title, items) in [
            ("WHO", &d.who),
            ("HOW MUCH", &d.how_much),
            ("CONTRIBUTION", &d.contribution),
            ("RISK", &d.risk),
        ] {
            if items.is_empty() {
                let _ = writeln!(s, "  {title}  (not stated)");
            }
            for (k, i) in items.iter().enumerate() {
                if k == 0 {
                    let _ = writeln!(s, "  {title}  {i}");
                } else {
                    let _ = writeln!(s, "  {}  {i}", " ".repeat(title.len()));
                }
            }
        }
    }
    s
}

/// A number for SROI tables: thousands separated, two decimals below 100.
fn amount(v: f64) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    if v.abs() >= 100.0 {
        let whole = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (k, c) in whole.chars().enumerate() {
            if k > 0 && (whole.len() - k) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    } else {
        format!("{v:.2}")
    }
}

fn share(x: f64) -> String {
    format!("{}%", (x * 1000.0).round() / 10.0)
}

/// Renders the SROI of a program: the impact map per outcome, the totals and the sensitivity.
pub fn sroi(r: &crate::sroi::Sroi) -> String {
    let mut s = String::new();
    let cur = &r.currency;
    let _ = writeln!(s, "Social Return on Investment — {} ({})", r.name, r.program);
    let _ = writeln!(
        s,
        "discount rate {}{}; investment {} {cur} (expected cost of the program's initiatives)",
        share(r.discount_rate),
        if r.discount_rate_stated { "" } else { " (default)" },
        amount(r.investment)
    );
    for o in &r.outcomes {
        let _ = writeln!(s, "\n{} — {}", o.id, o.name);
        let _ = writeln!(
            s,
            "  stakeholders   {}",
            if o.stakeholders.is_empty() {
                "(not stated)".into()
            } else {
                o.stakeholders.join(", ")
            }
        );
        let _ = writeln!(
            s,
            "  quantity       {} {} a year ({})",
            amount(o.quantity),
            o.unit.as_deref().unwrap_or("units"),
            if o.quantity_from == "model" {
                "caused by the program, from the model"
            } else {
                "stated"
            }
        );
        let _ = writeln!(
            s,
            "  proxy          {} {cur} per unit and year (90% interval {} – {})",
            amount(o.proxy),
            amount(o.proxy_low),
            amount(o.proxy_high),
        );
        let _ =
            writeln!(s, "  proxy source   {}", o.proxy_source.as_deref().unwrap_or("(not stated)"));
        let _ = writeln!(
            s,
            "  deadweight {}, displacement {}, attribution {}, drop-off {} a year, lasts {} year{}",
            share(o.deadweight),
            share(o.displacement),
            share(o.attribution),
            share(o.drop_off),
            o.duration,
            if o.duration == 1 { "" } else { "s" }
        );
        let years: Vec<String> = o.yearly.iter().map(|v| amount(*v)).collect();
        let _ = writeln!(s, "  value by year  {} {cur}", years.join(", "));
        let _ = writeln!(s, "  present value  {} {cur}", amount(o.present_value));
    }
    let _ = writeln!(s, "\ntotal present value  {} {cur}", amount(r.present_value));
    let _ = writeln!(s, "net present value    {} {cur}", amount(r.net_present_value));
    match r.ratio {
        Some(x) => {
            let _ = writeln!(s, "SROI ratio           {x:.2} : 1");
        }
        None => {
            let _ = writeln!(s, "SROI ratio           (no investment stated)");
        }
    }
    if !r.sensitivity.is_empty() {
        let _ = writeln!(s, "\nSENSITIVITY (ratio with the input at its low / high setting)");
        for row in &r.sensitivity {
            let be = match row.break_even {
                Some(b) if row.share => format!("; 1:1 at {}", share(b)),
                Some(b) => format!("; 1:1 at {}", amount(b)),
                None => String::new(),
            };
            let _ = writeln!(s, "  {:.2} – {:.2}  {}{be}", row.low, row.high, row.input);
        }
    }
    if !r.gaps.is_empty() {
        let _ = writeln!(s);
        list(&mut s, "INCOMPLETE", &r.gaps);
    }
    s
}

//! The report as MediaWiki wikitext: one page per section, tables in the `wikitable` class,
//! links between pages as wiki links under a common prefix the reader chooses when importing.

use std::fmt::Write;

use model::Model;
use model::graph::ModelGraph;
use simulate::Simulation;
use views::frameworks;

use crate::File;
use crate::page::{Lang, num};

/// Escapes text that would otherwise be read as wiki markup.
fn w(s: &str) -> String {
    s.replace('|', "&#124;")
        .replace('[', "&#91;")
        .replace(']', "&#93;")
        .replace('{', "&#123;")
        .replace('}', "&#125;")
        .replace('<', "&lt;")
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "''none''".into()
    } else {
        items.iter().map(|i| format!("* {}", w(i))).collect::<Vec<_>>().join("\n")
    }
}

pub(crate) fn build(
    model: &Model,
    graph: &ModelGraph<'_>,
    sim: &Simulation,
    plan: &simulate::Plan,
) -> Vec<File> {
    let mut files = Vec::new();
    let unit = model.value.unit.as_deref().unwrap_or("value");
    let mut s = String::new();
    let _ = writeln!(s, "'''{}'''\n", w(&model.meta.name));
    if let Some(m) = &model.meta.mission {
        let _ = writeln!(s, "{}\n", w(m));
    }
    let _ = writeln!(
        s,
        "== Goals ==\n{{| class=\"wikitable sortable\"\n! Goal !! Expected change !! 90% interval !! Unit"
    );
    for g in &sim.goals {
        let name = model.node(&g.id).map_or(g.id.clone(), |n| n.name.clone());
        let _ = writeln!(
            s,
            "|-\n| {} || {} || {} – {} || {}",
            w(&name),
            num(Lang::EN, g.change.mean),
            num(Lang::EN, g.change.p5),
            num(Lang::EN, g.change.p95),
            w(g.unit.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        s,
        "|}}\n\n== Initiatives ==\n{{| class=\"wikitable sortable\"\n! Initiative !! Program !! Value ({}) !! 90% interval !! Cost ({}) !! Per 1k",
        w(unit),
        w(&model.meta.currency)
    );
    let mut order: Vec<usize> = (0..sim.initiatives.len()).collect();
    order.sort_by(|&a, &b| {
        sim.initiatives[b].value.mean.total_cmp(&sim.initiatives[a].value.mean).then(a.cmp(&b))
    });
    for i in order {
        let r = &sim.initiatives[i];
        let ini = &model.initiatives[i];
        let _ = writeln!(
            s,
            "|-\n| {} || {} || {} || {} – {} || {} || {}",
            w(&ini.name),
            w(ini.program.as_ref().map_or("", |p| p.as_str())),
            num(Lang::EN, r.value.mean),
            num(Lang::EN, r.value.p5),
            num(Lang::EN, r.value.p95),
            r.cost.map_or("—".into(), |c| num(Lang::EN, c.mean)),
            r.cost_effectiveness
                .as_ref()
                .map_or("—".into(), |c| num(Lang::EN, c.ratio_of_means * 1000.0))
        );
    }
    let _ = writeln!(s, "|}}\n\n== Programs ==");
    for p in &model.programs {
        let _ = writeln!(s, "* [[/{}|{}]]", p.id, w(&p.name));
    }
    let gaps = views::gaps::gaps(model, graph);
    let _ = writeln!(
        s,
        "\n== Gaps ==\n* Work with no path to a goal: {}\n* Goals no initiative serves: {}\n* Outcomes nobody measures: {}\n* Links whose assumptions have no evidence: {}",
        gaps.unjustified_work.len(),
        gaps.unserved_goals.len(),
        gaps.unmeasured_outcomes.len(),
        gaps.assumptions_without_evidence.len()
    );
    files.push(File { path: "index.wiki".into(), contents: s });

    for p in &model.programs {
        let mut s = String::new();
        let _ =
            writeln!(s, "'''{}'''\n\n{}\n", w(&p.name), w(p.description.as_deref().unwrap_or("")));
        if let Some(lm) = frameworks::logic_model(model, graph, p.id.as_str()) {
            let names =
                |e: &[frameworks::Entry]| e.iter().map(|x| x.name.clone()).collect::<Vec<_>>();
            let outcomes: Vec<String> = names(&lm.outcomes_short)
                .into_iter()
                .chain(names(&lm.outcomes_intermediate))
                .chain(names(&lm.outcomes_long))
                .collect();
            let _ = writeln!(
                s,
                "== Logic model ==\n{{| class=\"wikitable\"\n! Inputs !! Activities !! Outputs !! Outcomes !! Impact\n|-\n|\n{}\n|\n{}\n|\n{}\n|\n{}\n|\n{}\n|}}",
                list(&lm.inputs),
                list(&names(&lm.activities)),
                list(&names(&lm.outputs)),
                list(&outcomes),
                list(&names(&lm.impact))
            );
            let _ = writeln!(
                s,
                "\n=== Assumptions ===\n{}\n\n=== External factors ===\n{}",
                list(&lm.assumptions),
                list(&lm.external_factors)
            );
        }
        if let Some(lf) = frameworks::logframe(model, graph, p.id.as_str()) {
            let _ = writeln!(
                s,
                "\n== Logical framework ==\n{{| class=\"wikitable\"\n! Level !! Narrative summary !! Indicators !! Means of verification !! Assumptions"
            );
            for r in &lf.rows {
                let _ = writeln!(
                    s,
                    "|-\n! {}\n|\n{}\n|\n{}\n|\n{}\n|\n{}",
                    r.level,
                    list(&r.narrative),
                    list(&r.indicators),
                    list(&r.verification),
                    list(&r.assumptions)
                );
            }
            s.push_str("|}\n");
        }
        if let Some(r) = crate::sroi_of(model, graph, plan, p.id.as_str())
            && !r.outcomes.is_empty()
        {
            let cur = w(&r.currency);
            let _ = writeln!(
                s,
                "\n== Social Return on Investment ==\n{{| class=\"wikitable\"\n! Outcome !! Quantity a year !! Proxy ({cur}) !! Deadweight / displacement / attribution !! Years, drop-off !! Present value ({cur})"
            );
            for o in &r.outcomes {
                let pct = |x: f64| format!("{}%", (x * 1000.0).round() / 10.0);
                let _ = writeln!(
                    s,
                    "|-\n| {} || {} {} ({}) || {} || {} / {} / {} || {}, {} a year || {}",
                    w(&o.name),
                    num(Lang::EN, o.quantity),
                    w(o.unit.as_deref().unwrap_or("")),
                    o.quantity_from,
                    num(Lang::EN, o.proxy),
                    pct(o.deadweight),
                    pct(o.displacement),
                    pct(o.attribution),
                    o.duration,
                    pct(o.drop_off),
                    num(Lang::EN, o.present_value)
                );
            }
            let ratio =
                r.ratio.map_or("no investment stated".to_string(), |x| format!("{x:.2} : 1"));
            let _ = writeln!(
                s,
                "|}}\nInvestment {} {cur}; total present value {} {cur} (discount rate {}%); '''SROI ratio {ratio}'''.",
                num(Lang::EN, r.investment),
                num(Lang::EN, r.present_value),
                (r.discount_rate * 1000.0).round() / 10.0
            );
        }
        files.push(File { path: format!("{}.wiki", p.id), contents: s });
    }
    files
}

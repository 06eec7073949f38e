//! The report as MediaWiki wikitext: one page per section, tables in the `wikitable` class,
//! links between pages as wiki links under a common prefix the reader chooses when importing.
//! Its words are the report's messages in the report's language, like the HTML pages'.

use std::fmt::Write;

use model::Model;
use model::graph::ModelGraph;
use simulate::Simulation;
use views::frameworks;

use crate::File;
use crate::page::{Lang, fixed, num, pct, t};

/// Escapes text that would otherwise be read as wiki markup.
fn w(s: &str) -> String {
    s.replace('|', "&#124;")
        .replace('[', "&#91;")
        .replace(']', "&#93;")
        .replace('{', "&#123;")
        .replace('}', "&#125;")
        .replace('<', "&lt;")
}

fn list(lang: Lang, items: &[String]) -> String {
    if items.is_empty() {
        format!("''{}''", t!(lang, "throughline-none"))
    } else {
        items.iter().map(|i| format!("* {}", w(i))).collect::<Vec<_>>().join("\n")
    }
}

pub(crate) fn build(
    model: &Model,
    graph: &ModelGraph<'_>,
    sim: &Simulation,
    plan: &simulate::Plan,
    lang: Lang,
) -> Vec<File> {
    let mut files = Vec::new();
    let list = |items: &[String]| list(lang, items);
    let value = t!(lang, "throughline-value-unit-default");
    let unit = model.value.unit.as_deref().unwrap_or(&value);
    let mut s = String::new();
    let _ = writeln!(s, "'''{}'''\n", w(&model.meta.name));
    if let Some(m) = &model.meta.mission {
        let _ = writeln!(s, "{}\n", w(m));
    }
    let _ = writeln!(
        s,
        "== {} ==\n{{| class=\"wikitable sortable\"\n! {} !! {} !! {} !! {}",
        t!(lang, "throughline-nav-goals"),
        t!(lang, "throughline-col-goal"),
        t!(lang, "throughline-col-expected-change"),
        t!(lang, "throughline-col-interval90"),
        t!(lang, "throughline-col-unit"),
    );
    for g in &sim.goals {
        let name = model.node(&g.id).map_or(g.id.clone(), |n| n.name.clone());
        let _ = writeln!(
            s,
            "|-\n| {} || {} || {} – {} || {}",
            w(&name),
            num(lang, g.change.mean),
            num(lang, g.change.p5),
            num(lang, g.change.p95),
            w(g.unit.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        s,
        "|}}\n\n== {} ==\n{{| class=\"wikitable sortable\"\n! {} !! {} !! {} !! {} !! {} !! {}",
        t!(lang, "throughline-nav-initiatives"),
        t!(lang, "throughline-col-initiative"),
        t!(lang, "throughline-col-program"),
        t!(lang, "throughline-wiki-value-in", w(unit)),
        t!(lang, "throughline-col-interval90"),
        t!(lang, "throughline-cost-in", w(&model.meta.currency)),
        t!(lang, "throughline-col-per-1k"),
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
            num(lang, r.value.mean),
            num(lang, r.value.p5),
            num(lang, r.value.p95),
            r.cost.map_or("—".into(), |c| num(lang, c.mean)),
            r.cost_effectiveness
                .as_ref()
                .map_or("—".into(), |c| num(lang, c.ratio_of_means * 1000.0))
        );
    }
    let _ = writeln!(s, "|}}\n\n== {} ==", t!(lang, "throughline-nav-programs"));
    for p in &model.programs {
        let _ = writeln!(s, "* [[/{}|{}]]", p.id, w(&p.name));
    }
    let gaps = views::gaps::gaps(model, graph);
    let _ = writeln!(s, "\n== {} ==", t!(lang, "throughline-nav-gaps"));
    for (what, n) in [
        (t!(lang, "throughline-gaps-unjustified"), gaps.unjustified_work.len()),
        (t!(lang, "throughline-gaps-unserved"), gaps.unserved_goals.len()),
        (t!(lang, "throughline-wiki-gaps-unmeasured"), gaps.unmeasured_outcomes.len()),
        (t!(lang, "throughline-gaps-no-evidence"), gaps.assumptions_without_evidence.len()),
    ] {
        let _ = writeln!(s, "* {}", t!(lang, "throughline-wiki-gap-count", what, n));
    }
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
                "== {} ==\n{{| class=\"wikitable\"\n! {} !! {} !! {} !! {} !! {}\n|-\n|\n{}\n|\n{}\n|\n{}\n|\n{}\n|\n{}\n|}}",
                t!(lang, "throughline-logic-model"),
                t!(lang, "throughline-col-inputs"),
                t!(lang, "throughline-col-activities"),
                t!(lang, "throughline-col-outputs"),
                t!(lang, "throughline-col-outcomes"),
                t!(lang, "throughline-col-impact"),
                list(&lm.inputs),
                list(&names(&lm.activities)),
                list(&names(&lm.outputs)),
                list(&outcomes),
                list(&names(&lm.impact))
            );
            let _ = writeln!(
                s,
                "\n=== {} ===\n{}\n\n=== {} ===\n{}",
                t!(lang, "throughline-assumptions"),
                list(&lm.assumptions),
                t!(lang, "throughline-external-factors"),
                list(&lm.external_factors)
            );
        }
        if let Some(lf) = frameworks::logframe(model, graph, p.id.as_str()) {
            let _ = writeln!(
                s,
                "\n== {} ==\n{{| class=\"wikitable\"\n! {} !! {} !! {} !! {} !! {}",
                t!(lang, "throughline-logframe"),
                t!(lang, "throughline-col-level"),
                t!(lang, "throughline-col-narrative"),
                t!(lang, "throughline-col-indicators"),
                t!(lang, "throughline-col-verification"),
                t!(lang, "throughline-assumptions"),
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
                "\n== {} ==\n{{| class=\"wikitable\"\n! {} !! {} !! {} !! {} !! {} !! {}",
                t!(lang, "throughline-sroi"),
                t!(lang, "throughline-col-outcome"),
                t!(lang, "throughline-col-quantity-year"),
                t!(lang, "throughline-col-proxy", &cur),
                t!(lang, "throughline-wiki-col-shares"),
                t!(lang, "throughline-wiki-col-years"),
                t!(lang, "throughline-col-present-value", &cur),
            );
            for o in &r.outcomes {
                let pct = |x: f64| pct(lang, x);
                let _ = writeln!(
                    s,
                    "|-\n| {} || {} {} ({}) || {} || {} / {} / {} || {} || {}",
                    w(&o.name),
                    num(lang, o.quantity),
                    w(o.unit.as_deref().unwrap_or("")),
                    crate::site::quantity_from(lang, o.quantity_from),
                    num(lang, o.proxy),
                    pct(o.deadweight),
                    pct(o.displacement),
                    pct(o.attribution),
                    t!(
                        lang,
                        "throughline-wiki-years-drop-off",
                        lang.int(o.duration.into()),
                        pct(o.drop_off)
                    ),
                    num(lang, o.present_value)
                );
            }
            let ratio = r.ratio.map_or_else(
                || t!(lang, "throughline-sroi-no-investment"),
                |x| format!("{} : 1", fixed(lang, x, 2)),
            );
            let totals = t!(
                lang,
                "throughline-wiki-sroi-totals",
                num(lang, r.investment),
                &cur,
                num(lang, r.present_value),
                pct(lang, r.discount_rate),
                format!("'''{}'''", t!(lang, "throughline-sroi-ratio", ratio)),
            );
            let _ = writeln!(s, "|}}\n{totals}");
        }
        files.push(File { path: format!("{}.wiki", p.id), contents: s });
    }
    files
}

//! The static HTML site: pages built in memory from the model, its views and a simulation.

use rayon::prelude::*;

use model::graph::ModelGraph;
use model::{Level, Model, NodeKind};
use simulate::Simulation;
use simulate::sensitivity::{Input, Tornado};
use simulate::voi::{Parameter, Voi};
use views::frameworks;
use views::trace::{Path, Trace};

use crate::diagram;
use crate::page::{
    self, Arg, Lang, Markup, Page, Site, f1, figure, fixed, html, incomplete, leaf, list, num, pct,
    rich, summary_cells, t, table, warn,
};
use crate::{File, Options};

const CSS: &str = include_str!("../assets/style.css");

/// Paths listed on an initiative's page; the CLI's `trace` lists them all.
const PATHS_SHOWN: usize = 20;

/// Above this many nodes a whole-model diagram is not readable: the overview links to the
/// programs' diagrams instead.
const OVERVIEW_DIAGRAM_NODES: usize = 400;

struct Ctx<'a> {
    /// The language of every page.
    lang: Lang,
    dimensions: Vec<frameworks::FiveDimensions>,
    model: &'a Model,
    graph: &'a ModelGraph<'a>,
    sim: &'a Simulation,
    plan: &'a simulate::Plan,
    tornadoes: &'a [Tornado],
    voi: &'a Voi,
    /// Traffic lights of the steps measured by a key result at the latest check-in.
    lights: diagram::Lights,
}

impl<'a> Ctx<'a> {
    /// The node with this id, through the graph's index (pages look nodes up thousands of times).
    fn node(&self, id: &str) -> Option<&'a model::Node> {
        self.graph.node(id).map(|i| &self.model.nodes[i])
    }

    fn program_name(&self, id: Option<&model::Id>) -> &'a str {
        let programs = &self.model.programs;
        id.and_then(|id| programs.iter().find(|p| &p.id == id)).map_or("", |p| p.name.as_str())
    }
}

/// The footer of every page: where the figures come from.
fn footer(lang: Lang, model: &Model, sim: &Simulation) -> Markup {
    html! {
        (t!(lang, "throughline-footer", sim.samples.to_string(), sim.seed.to_string()))
        @if let Some(note) = page::model_note(lang, model.meta.data) {
            " " strong { (note) }
        }
    }
}

/// What the engines computed for the report.
pub(crate) struct Computed<'a> {
    pub sim: &'a Simulation,
    pub plan: &'a simulate::Plan,
    pub tornadoes: &'a [Tornado],
    pub voi: &'a Voi,
    pub annual: Option<&'a portfolio::AnnualPlan>,
}

/// Builds every page.
pub(crate) fn build(
    model: &Model,
    graph: &ModelGraph<'_>,
    computed: &Computed<'_>,
    opts: &Options,
) -> Site {
    let Computed { sim, plan, tornadoes, voi, annual } = *computed;
    let dimensions = frameworks::five_dimensions(model, graph);
    let lights = lights(opts.lang, model, opts.measured.checkin.as_ref());
    let lang = opts.lang;
    let ctx = Ctx { lang, dimensions, model, graph, sim, plan, tornadoes, voi, lights };
    // A page that fails to build (a panic in a view or an engine it calls) becomes a page
    // saying so; every other page is built as usual.
    let page = |path: String, depth: usize, title: &str, build: &dyn Fn() -> Markup| Page {
        path,
        title: title.to_string(),
        depth,
        body: contained(build, |why| failed_body(lang, title, why)),
    };
    let mut pages =
        vec![page("index.html".into(), 0, &t!(lang, "throughline-nav-overview"), &|| index(&ctx))];
    // Pages are independent: build them on every core, collected in a fixed order.
    pages.par_extend(model.programs.par_iter().map(|p| {
        page(format!("programs/{}.html", p.id), 1, &p.name, &|| program(&ctx, p.id.as_str()))
    }));
    pages.par_extend(model.initiatives.par_iter().enumerate().map(|(i, ini)| {
        page(format!("initiatives/{}.html", ini.id), 1, &ini.name, &|| initiative(&ctx, i))
    }));
    let goals: Vec<usize> = graph.goal_indices().collect();
    pages.par_extend(goals.into_par_iter().map(|g| {
        let n = &model.nodes[g];
        page(format!("goals/{}.html", n.id), 1, &n.name, &|| goal(&ctx, g))
    }));
    pages.push(page("gaps.html".into(), 0, &t!(lang, "throughline-nav-gaps"), &|| gaps(&ctx)));
    pages.push(page("rba.html".into(), 0, &t!(lang, "throughline-rba-title"), &|| rba(&ctx)));
    pages.push(page("voi.html".into(), 0, &t!(lang, "throughline-nav-voi"), &|| voi_page(&ctx)));
    // Every page links to the plan, so the page exists even when no plan could be made.
    let plan_title = t!(lang, "throughline-nav-plan");
    pages.push(page("plan.html".into(), 0, &plan_title, &|| match annual {
        Some(a) => crate::plan_page::body(lang, model, a),
        None => html! { h1 { (plan_title) } (warn(&t!(lang, "throughline-plan-none"))) },
    }));
    pages.push(page("checkin.html".into(), 0, &t!(lang, "throughline-nav-checkin"), &|| {
        crate::measured::checkin_body(
            lang,
            opts.measured.checkin.as_ref(),
            &model.planning,
            &model.checkins,
        )
    }));
    pages.push(page(
        "evaluations.html".into(),
        0,
        &t!(lang, "throughline-nav-evaluations"),
        &|| crate::measured::evaluations_body(lang, &opts.measured.evaluations),
    ));
    pages.push(page(
        "communities.html".into(),
        0,
        &t!(lang, "throughline-nav-communities"),
        &|| crate::communities::communities_body(lang, opts.measured.communities.as_ref(), model),
    ));
    Site {
        lang,
        model: model.meta.name.clone(),
        footer: footer(lang, model, sim),
        pages,
        assets: vec![File { path: "style.css".into(), contents: CSS.to_string() }],
    }
}

/// Runs `build`; if it panics, `failed` words the page instead, from the panic's message. So a
/// failure while building one page affects that page only.
pub(crate) fn contained<T>(build: &dyn Fn() -> T, failed: impl FnOnce(&str) -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(page) => page,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            failed(&why)
        }
    }
}

/// The body shown in place of one that could not be built.
fn failed_body(lang: Lang, title: &str, why: &str) -> Markup {
    html! {
        h1 { (title) }
        (warn(&t!(lang, "throughline-page-failed", why)))
    }
}

fn node_href(ctx: &Ctx<'_>, up: &str, id: &str, initiative: bool) -> Option<String> {
    if initiative {
        return Some(format!("{up}initiatives/{id}.html"));
    }
    let n = ctx.node(id)?;
    if n.kind == NodeKind::Goal {
        Some(format!("{up}goals/{id}.html"))
    } else {
        n.program.as_ref().map(|p| format!("{up}programs/{p}.html#node-{id}"))
    }
}

/// A link, as one line of a node's details: the other end, effect, probability, rationale,
/// assumptions and evidence.
fn link_detail(ctx: &Ctx<'_>, li: usize, outgoing: bool) -> Markup {
    let lang = ctx.lang;
    let l = &ctx.model.links[li];
    let other = if outgoing { &l.to } else { &l.from };
    let name = ctx.node(other.as_str()).map_or(other.as_str(), |n| n.name.as_str());
    html! {
        li {
            @match node_href(ctx, "../", other.as_str(), false) {
                Some(h) => a href=(h) { (name) },
                None => (name),
            }
            @if let Some(eff) = &l.effect {
                " " span class="tag" { "× " (eff) }
                @if let Some(prior) = &l.prior_effect {
                    " " span class="legend" { (t!(lang, "throughline-link-as-written", prior.to_string())) }
                }
            }
            @if let Some(p) = l.probability {
                " " span class="tag" { (t!(lang, "throughline-link-works", page::percent(lang, p * 100.0, 0))) }
            }
            @if let Some(r) = &l.rationale {
                br; span class="step-detail" { (t!(lang, "throughline-why", r)) }
            }
            @for a in &l.assumptions {
                br; span class="step-detail" { (t!(lang, "throughline-assumes", &a.text)) }
            }
            @for ev in &l.evidence {
                br;
                span class="step-detail" {
                    @match ev.strength {
                        Some(x) => (t!(lang, "throughline-evidence-strength", format!("{x:?}").to_lowercase(), &ev.source)),
                        None => (t!(lang, "throughline-evidence", &ev.source)),
                    }
                    @if let Some(c) = &ev.community {
                        " (" a href={ "../communities.html#" (c) } { (t!(lang, "throughline-evidence-community", c.as_str())) } ")"
                    }
                }
            }
        }
    }
}

/// Every step of a program's chains with its details: what a click on a diagram node opens.
fn node_details(ctx: &Ctx<'_>, program: &str) -> Markup {
    let lang = ctx.lang;
    let mine = |n: &model::Node| {
        n.kind != NodeKind::Goal && n.program.as_ref().is_some_and(|p| p.as_str() == program)
    };
    html! {
        h2 { (t!(lang, "throughline-steps-in-detail")) }
        @for (ix, n) in ctx.model.nodes.iter().enumerate().filter(|(_, n)| mine(n)) {
            section id={ "node-" (n.id) } class="node-detail" {
                h3 { (n.name) " " span class="tag" { (page::level(lang, n.level)) } }
                @if let Some(u) = &n.unit { p { (t!(lang, "throughline-step-unit", u)) } }
                @if let Some(d) = &n.description { p { (d) } }
                @let outs = ctx.graph.out_links(ix);
                @if !outs.is_empty() {
                    p { (t!(lang, "throughline-step-leads-to")) }
                    ul { @for &li in outs { (link_detail(ctx, li, true)) } }
                }
                @let ins = ctx.graph.in_links(ix);
                @if !ins.is_empty() {
                    p { (t!(lang, "throughline-step-comes-from")) }
                    ul { @for &li in ins { (link_detail(ctx, li, false)) } }
                }
                @let inds = ctx.graph.indicators_of(ix);
                @if !inds.is_empty() {
                    p { (t!(lang, "throughline-step-measured-by")) }
                    ul {
                        @for &i in inds {
                            @let ind = &ctx.model.indicators[i];
                            li {
                                (ind.name)
                                @if let Some(t) = &ind.target {
                                    " — " (t!(lang, "throughline-step-target", num(lang, t.value), t.date.to_string()))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The traffic light of each step measured by a key result: the team's status from its latest
/// note for the check-in's quarter when it gave one, else the computed status; a step with
/// several key results shows the worst.
fn lights(lang: Lang, model: &Model, ci: Option<&evaluate::checkin::CheckIn>) -> diagram::Lights {
    use diagram::Light;
    use evaluate::trend::Status;
    let mut out = diagram::Lights::new();
    let Some(ci) = ci else { return out };
    for k in &ci.key_results {
        let Some(ind) = model.indicators.iter().find(|i| i.id == k.indicator) else { continue };
        let team = model
            .checkins
            .iter()
            .rev()
            .find(|n| n.key_result == k.indicator && n.quarter == ci.quarter)
            .and_then(|n| n.status);
        let (light, whose) = match team {
            Some(t) => (
                match t {
                    model::TeamStatus::Met | model::TeamStatus::OnTrack => Light::OnTrack,
                    model::TeamStatus::AtRisk => Light::AtRisk,
                    model::TeamStatus::OffTrack => Light::OffTrack,
                    model::TeamStatus::NoData => Light::NoData,
                },
                t!(lang, "throughline-light-team-call"),
            ),
            None => (
                match k.status {
                    Status::Met | Status::OnTrack => Light::OnTrack,
                    Status::AtRisk => Light::AtRisk,
                    Status::OffTrack => Light::OffTrack,
                    Status::NoData => Light::NoData,
                },
                t!(lang, "throughline-light-computed"),
            ),
        };
        let why = t!(lang, "throughline-light-why", &k.name, ci.quarter.to_string(), whose);
        let worst = |l: Light| match l {
            Light::OffTrack => 3,
            Light::AtRisk => 2,
            Light::OnTrack => 1,
            Light::NoData => 0,
        };
        let entry = out.entry(ind.measures.to_string()).or_insert((light, why.clone()));
        if worst(light) > worst(entry.0) {
            *entry = (light, why);
        }
    }
    out
}

/// Pixels above which a diagram no longer fits the page's text column.
const WIDE_DIAGRAM: f64 = 1_100.0;

/// A results-chain diagram with its caption.
fn diagram_figure(ctx: &Ctx<'_>, depth: usize, scope: &diagram::Scope, caption: &str) -> Markup {
    let up = "../".repeat(depth);
    let link = |id: &str, initiative: bool| node_href(ctx, &up, id, initiative);
    let (chart, width) =
        diagram::chart_lit(ctx.lang, ctx.model, scope, &link, Some(caption), &ctx.lights);
    html! {
        figure {
            // The page's text column is 72rem (about 1,100 pixels): a wider diagram scrolls
            // inside its box, and says so, since the cut-off labels give no sign of it.
            @if width > WIDE_DIAGRAM {
                p class="legend scroll-hint" { (t!(ctx.lang, "throughline-diagram-wide")) }
            }
            div class="diagram" { (chart) }
            figcaption class="legend" {
                (t!(ctx.lang, "throughline-diagram-legend", caption))
                @if !ctx.lights.is_empty() {
                    " " (rich(ctx.lang, "throughline-diagram-lights", &[Arg::Slot], &[(1, html! { a href={ (up) "checkin.html" } { (t!(ctx.lang, "throughline-diagram-lights-checkin")) } })]))
                }
            }
        }
    }
}

fn index(ctx: &Ctx<'_>) -> Markup {
    let lang = ctx.lang;
    let m = ctx.model;
    let p = ctx.sim.portfolio_value;
    let value = t!(lang, "throughline-value-unit-default");
    let unit = m.value.unit.as_deref().unwrap_or(&value);
    let mut order: Vec<usize> = (0..ctx.sim.initiatives.len()).collect();
    order.sort_by(|&a, &c| {
        ctx.sim.initiatives[c]
            .value
            .mean
            .total_cmp(&ctx.sim.initiatives[a].value.mean)
            .then(a.cmp(&c))
    });
    let goals = html! {
        "\n"
        @for g in &ctx.sim.goals {
            @let node = ctx.node(&g.id);
            tr {
                th scope="row" {
                    a href={ "goals/" (g.id) ".html" } { (node.map_or(g.id.as_str(), |n| n.name.as_str())) }
                }
                td { @if let Some(d) = node.and_then(|n| n.direction) { (d) } }
                td class="num" { (num(lang, g.change.mean)) }
                td class="num" { (num(lang, g.change.p5)) " – " (num(lang, g.change.p95)) }
                td { (g.unit.as_deref().unwrap_or("")) }
            }
            "\n"
        }
    };
    let initiatives = html! {
        "\n"
        @for (rank, &i) in order.iter().enumerate() {
            @let r = &ctx.sim.initiatives[i];
            @let ini = &m.initiatives[i];
            tr {
                td class="num" { (rank + 1) }
                th scope="row" { a href={ "initiatives/" (ini.id) ".html" } { (ini.name) } }
                td { (ctx.program_name(ini.program.as_ref())) }
                (summary_cells(lang, &r.value))
                td class="num" { (r.cost.map_or("—".into(), |c| num(lang, c.mean))) }
                td class="num" {
                    (r.cost_effectiveness.as_ref().map_or("—".into(), |c| num(lang, c.ratio_of_means * 1000.0)))
                }
            }
            "\n"
        }
    };
    html! {
        h1 { (m.meta.name) } "\n"
        @if let Some(mission) = &m.meta.mission { p class="lead" { (mission) } "\n" }
        p {
            (rich(lang, "throughline-overview-summary", &[
                m.programs.len().into(), m.initiatives.len().into(), m.goals().count().into(),
                Arg::Slot, num(lang, p.p5).into(), num(lang, p.p95).into(),
            ], &[(4, html! { strong { (num(lang, p.mean)) " " (unit) } })]))
        }
        (crate::page::value_note(lang, m))
        "\n"
        h2 id="goals" { (t!(lang, "throughline-nav-goals")) }
        (table(
            &t!(lang, "throughline-overview-goals-caption"),
            &[(&t!(lang, "throughline-col-goal"), false), (&t!(lang, "throughline-col-direction"), false), (&t!(lang, "throughline-col-expected-change"), true), (&t!(lang, "throughline-col-interval90"), true), (&t!(lang, "throughline-col-unit"), false)],
            goals,
        ))
        "\n"
        h2 id="programs" { (t!(lang, "throughline-nav-programs")) }
        ul {
            "\n"
            @for p in &m.programs {
                li {
                    a href={ "programs/" (p.id) ".html" } { (p.name) }
                    " — " (t!(lang, "throughline-overview-program-initiatives", m.initiatives.iter().filter(|i| i.program.as_ref() == Some(&p.id)).count()))
                    " " (p.description.as_deref().unwrap_or(""))
                }
                "\n"
            }
        }
        "\n"
        h2 id="initiatives" { (t!(lang, "throughline-overview-initiatives")) }
        (table(
            &t!(lang, "throughline-overview-initiatives-caption", unit, &m.meta.currency),
            &[("#", false), (&t!(lang, "throughline-col-initiative"), false), (&t!(lang, "throughline-col-program"), false), (&t!(lang, "throughline-col-value"), true), (&t!(lang, "throughline-col-interval90"), true), (&t!(lang, "throughline-col-p-positive"), true), (&t!(lang, "throughline-col-cost"), true), (&t!(lang, "throughline-col-per-1k"), true)],
            initiatives,
        ))
        "\n"
        h2 { (t!(lang, "throughline-overview-whole-model")) } "\n"
        @if m.nodes.len() > OVERVIEW_DIAGRAM_NODES {
            p {
                (rich(lang, "throughline-overview-too-many-nodes", &[m.nodes.len().into(), Arg::Slot, Arg::Slot], &[
                    (2, html! { a href="#programs" { (t!(lang, "throughline-overview-programs-page")) } }),
                    (3, html! { code { "throughline diagram --format dot" } }),
                ]))
            }
            "\n"
        } @else {
            (diagram_figure(
                ctx,
                0,
                &diagram::Scope { program: None, initiatives: false },
                &t!(lang, "throughline-overview-diagram-caption"),
            ))
        }
    }
}

/// Framework entries: goals link to their pages.
fn entries(items: &[frameworks::Entry], up: &str, ctx: &Ctx<'_>) -> Markup {
    let lang = ctx.lang;
    let items: Vec<Markup> = items
        .iter()
        .map(|x| match node_href(ctx, up, &x.id, false) {
            Some(h) if h.contains("goals/") => html! { a href=(h) { (x.name) } },
            _ => html! { (x.name) },
        })
        .collect();
    list(lang, &items)
}

/// The W.K. Kellogg Foundation logic model of a program.
fn logic_model_table(ctx: &Ctx<'_>, lm: &frameworks::LogicModel) -> Markup {
    let lang = ctx.lang;
    let outcomes: Vec<frameworks::Entry> = lm
        .outcomes_short
        .iter()
        .chain(&lm.outcomes_intermediate)
        .chain(&lm.outcomes_long)
        .cloned()
        .collect();
    let row = html! {
        tr {
            "\n"
            td { (list(lang, &lm.inputs)) }
            td { (entries(&lm.activities, "../", ctx)) }
            td { (entries(&lm.outputs, "../", ctx)) }
            td { (entries(&outcomes, "../", ctx)) }
            td { (entries(&lm.impact, "../", ctx)) }
        }
    };
    html! {
        h2 { (t!(lang, "throughline-logic-model")) }
        (table(
            &t!(lang, "throughline-logic-model-caption"),
            &[(&t!(lang, "throughline-col-inputs"), false), (&t!(lang, "throughline-col-activities"), false), (&t!(lang, "throughline-col-outputs"), false), (&t!(lang, "throughline-col-outcomes"), false), (&t!(lang, "throughline-col-impact"), false)],
            row,
        ))
        "\n"
        h3 { (t!(lang, "throughline-assumptions")) } (list(lang, &lm.assumptions)) h3 { (t!(lang, "throughline-external-factors")) } (list(lang, &lm.external_factors))
        "\n"
        (incomplete(lang, &lm.gaps))
    }
}

/// A framework's matrix: a heading, then a row per level or outcome, its name and four lists.
fn matrix<'a>(
    lang: Lang,
    heading: &str,
    caption: &str,
    cols: [String; 5],
    rows: impl IntoIterator<Item = (String, [&'a [String]; 4])>,
) -> Markup {
    let cols: Vec<(&str, bool)> = cols.iter().map(|c| (c.as_str(), false)).collect();
    html! {
        h2 { (heading) }
        (table(caption, &cols, html! {
            "\n"
            @for (name, cells) in rows {
                tr { th scope="row" { (name) } @for c in cells { td { (list(lang, c)) } } }
                "\n"
            }
        }))
        "\n"
    }
}

/// The logical framework matrix of a program.
fn logframe_table(lang: Lang, lf: &frameworks::Logframe) -> Markup {
    html! {
        (matrix(
            lang,
            &t!(lang, "throughline-logframe"),
            &t!(lang, "throughline-logframe-caption"),
            [t!(lang, "throughline-col-level"), t!(lang, "throughline-col-narrative"), t!(lang, "throughline-col-indicators"), t!(lang, "throughline-col-verification"), t!(lang, "throughline-assumptions")],
            lf.rows.iter().map(|r| {
                (r.level.to_string(), [&r.narrative[..], &r.indicators, &r.verification, &r.assumptions])
            }),
        ))
        (incomplete(lang, &lf.gaps))
    }
}

/// The Impact Management Project's five dimensions of each outcome.
fn five_dimensions_table(lang: Lang, dims: &[&frameworks::FiveDimensions]) -> Markup {
    matrix(
        lang,
        &t!(lang, "throughline-five-dimensions"),
        &t!(lang, "throughline-five-dimensions-caption"),
        [
            t!(lang, "throughline-col-outcome-what"),
            t!(lang, "throughline-ws-col-who"),
            t!(lang, "throughline-col-how-much"),
            t!(lang, "throughline-col-contribution"),
            t!(lang, "throughline-col-risk"),
        ],
        dims.iter().map(|d| (d.what.clone(), [&d.who[..], &d.how_much, &d.contribution, &d.risk])),
    )
}

fn program(ctx: &Ctx<'_>, id: &str) -> Markup {
    let lang = ctx.lang;
    let m = ctx.model;
    let Some(p) = m.programs.iter().find(|p| p.id.as_str() == id) else { return html! {} };
    let dims: Vec<_> = ctx
        .dimensions
        .iter()
        .filter(|d| {
            ctx.node(&d.outcome).and_then(|n| n.program.as_ref()).is_some_and(|x| x.as_str() == id)
        })
        .collect();
    html! {
        h1 { (p.name) } "\n"
        @if let Some(d) = &p.description { p class="lead" { (d) } "\n" }
        @if let Some(o) = &p.owner { p { (t!(lang, "throughline-program-owner", o)) } "\n" }
        h2 { (t!(lang, "throughline-program-diagram")) } "\n"
        (diagram_figure(
            ctx,
            1,
            &diagram::Scope { program: Some(id.to_string()), initiatives: true },
            &t!(lang, "throughline-program-diagram-caption", &p.name),
        ))
        h2 { (t!(lang, "throughline-nav-initiatives")) }
        ul {
            "\n"
            @for ini in m.initiatives.iter().filter(|i| i.program.as_ref().is_some_and(|x| x.as_str() == id)) {
                li {
                    a href={ "../initiatives/" (ini.id) ".html" } { (ini.name) }
                    " " span class="tag" { (ini.status) }
                    " " span class="tag" { (t!(lang, "throughline-program-team", ini.team.as_str())) }
                }
                "\n"
            }
        }
        "\n"
        @if let Some(lm) = frameworks::logic_model(m, ctx.graph, id) { (logic_model_table(ctx, &lm)) }
        @if let Some(lf) = frameworks::logframe(m, ctx.graph, id) { (logframe_table(lang, &lf)) }
        @if !dims.is_empty() { (five_dimensions_table(lang, &dims)) }
        @if let Some(r) = crate::sroi_of(m, ctx.graph, ctx.plan, id) {
            @if !r.outcomes.is_empty() { (sroi_section(lang, &r)) }
        }
        (node_details(ctx, id))
    }
}

/// The SROI impact map, totals and sensitivity of a program.
fn sroi_section(lang: Lang, r: &views::sroi::Sroi) -> Markup {
    let cur = r.currency.as_str();
    let from_model = t!(lang, "throughline-sroi-from-model");
    let map = html! {
        "\n"
        @for o in &r.outcomes {
            tr {
                th scope="row" { (o.name) }
                td { (o.stakeholders.join(", ")) }
                td class="num" {
                    (num(lang, o.quantity)) " " (o.unit.as_deref().unwrap_or("")) " "
                    span class="legend" { "(" (quantity_from(lang, o.quantity_from)) ")" }
                }
                td class="num" {
                    (num(lang, o.proxy)) " "
                    span class="legend" { (t!(lang, "throughline-sroi-proxy-interval", num(lang, o.proxy_low), num(lang, o.proxy_high))) }
                }
                td {
                    (t!(lang, "throughline-sroi-taken-off", pct(lang, o.deadweight), pct(lang, o.displacement), pct(lang, o.attribution)))
                }
                td { (t!(lang, "throughline-sroi-lasts", o.duration, pct(lang, o.drop_off))) }
                td class="num" { (num(lang, o.present_value)) }
            }
            "\n"
        }
    };
    let sensitivity = html! {
        "\n"
        @for row in &r.sensitivity {
            tr {
                th scope="row" { (moved(lang, &row.moved)) }
                td class="num" { (fixed(lang, row.low, 2)) }
                td class="num" { (fixed(lang, row.high, 2)) }
                td {
                    @match row.break_even {
                        Some(x) if row.share => (pct(lang, x)),
                        Some(x) => { (num(lang, x)) " " (cur) }
                        None => "—",
                    }
                }
            }
            "\n"
        }
    };
    let default_rate = if r.discount_rate_stated {
        String::new()
    } else {
        format!(" {}", t!(lang, "throughline-sroi-default-rate"))
    };
    let ratio = match r.ratio {
        Some(x) => format!("{} : 1", fixed(lang, x, 2)),
        None => format!("— ({})", t!(lang, "throughline-sroi-no-investment")),
    };
    html! {
        h2 id="sroi" { (t!(lang, "throughline-sroi")) }
        p {
            (rich(
                lang,
                "throughline-sroi-investment",
                &[Arg::Slot, pct(lang, r.discount_rate).into(), default_rate.into(), from_model.into()],
                &[(1, html! { strong { (num(lang, r.investment)) " " (cur) } })],
            ))
        }
        "\n"
        (table(
            &t!(lang, "throughline-sroi-map-caption"),
            &[
                (&t!(lang, "throughline-col-outcome"), false),
                (&t!(lang, "throughline-col-stakeholders"), false),
                (&t!(lang, "throughline-col-quantity-year"), true),
                (&t!(lang, "throughline-col-proxy", cur), true),
                (&t!(lang, "throughline-col-taken-off"), false),
                (&t!(lang, "throughline-col-lasts"), false),
                (&t!(lang, "throughline-col-present-value", cur), true),
            ],
            map,
        ))
        "\n"
        p { (t!(lang, "throughline-sroi-proxy-sources")) }
        ul {
            @for o in &r.outcomes {
                li { (o.name) ": " (o.proxy_source.clone().unwrap_or_else(|| t!(lang, "throughline-not-stated"))) }
            }
        }
        "\n"
        p {
            (rich(
                lang,
                "throughline-sroi-totals",
                &[Arg::Slot, num(lang, r.net_present_value).into(), cur.into(), Arg::Slot],
                &[
                    (1, html! { strong { (num(lang, r.present_value)) " " (cur) } }),
                    (4, html! { strong { (t!(lang, "throughline-sroi-ratio", ratio)) } }),
                ],
            ))
        }
        "\n"
        @if !r.sensitivity.is_empty() {
            (table(
                &t!(lang, "throughline-sroi-sensitivity-caption"),
                &[(&t!(lang, "throughline-voi-col-input"), false), (&t!(lang, "throughline-col-low"), true), (&t!(lang, "throughline-col-high"), true), (&t!(lang, "throughline-col-break-even"), false)],
                sensitivity,
            ))
            "\n"
        }
        (incomplete(lang, &r.gaps))
    }
}

/// An input of the SROI ratio and how the sensitivity table moves it
/// ([`views::sroi::SensitivityRow::input`] in the page's language).
fn moved(lang: Lang, m: &views::sroi::Moved) -> String {
    use views::sroi::{Moved, Share};
    match m {
        Moved::Proxy { outcome } => t!(lang, "throughline-sroi-moved-proxy", outcome),
        Moved::Quantity { outcome } => t!(lang, "throughline-sroi-moved-quantity", outcome),
        Moved::Share { outcome, share, current, low, high } => {
            let (current, low, high) = (pct(lang, *current), pct(lang, *low), pct(lang, *high));
            match share {
                Share::Deadweight => {
                    t!(lang, "throughline-sroi-moved-deadweight", outcome, current, low, high)
                }
                Share::Displacement => {
                    t!(lang, "throughline-sroi-moved-displacement", outcome, current, low, high)
                }
                Share::Attribution => {
                    t!(lang, "throughline-sroi-moved-attribution", outcome, current, low, high)
                }
                Share::DropOff => {
                    t!(lang, "throughline-sroi-moved-drop-off", outcome, current, low, high)
                }
            }
        }
        Moved::Duration { outcome, years } => t!(
            lang,
            "throughline-sroi-moved-duration",
            outcome,
            *years,
            years.saturating_sub(1),
            years.saturating_add(1)
        ),
        Moved::DiscountRate { rate } => {
            t!(
                lang,
                "throughline-sroi-moved-rate",
                pct(lang, *rate),
                pct(lang, 2.0 * rate),
                pct(lang, 0.0)
            )
        }
    }
}

/// Where an SROI quantity comes from (`model` or `stated`, [`views::sroi::SroiOutcome`]), in
/// the page's language.
pub(crate) fn quantity_from(lang: Lang, from: &str) -> String {
    match from {
        "model" => t!(lang, "throughline-sroi-from-model"),
        "stated" => t!(lang, "throughline-sroi-from-stated"),
        other => other.to_string(),
    }
}

fn path_list(ctx: &Ctx<'_>, paths: &[Path]) -> Markup {
    let lang = ctx.lang;
    html! {
        @for (k, p) in paths.iter().enumerate() {
            @let names: Vec<String> = p.nodes.iter().map(|id| ctx.node(id).map_or(id.clone(), |n| n.name.clone())).collect();
            h3 { (t!(lang, "throughline-path", k + 1, names.join(" → "))) }
            ol class="path" {
                "\n"
                @for st in &p.steps {
                    li {
                        strong { (st.from) " → " (st.to) }
                        " "
                        span class="tag" {
                            @match (&st.effect, &st.effect_unit) {
                                (Some(x), Some(u)) => (t!(lang, "throughline-path-effect", format!("{x} {u}"))),
                                (Some(x), None) => (t!(lang, "throughline-path-effect", x.to_string())),
                                _ => (t!(lang, "throughline-path-not-quantified")),
                            }
                            @if let Some(p) = &st.probability { (t!(lang, "throughline-path-probability", p.to_string())) }
                        }
                        div class="step-detail" {
                            @if let Some(r) = &st.rationale { (t!(lang, "throughline-why", r)) br; }
                            @for a in &st.assumptions { (t!(lang, "throughline-assumes", a)) br; }
                            @if st.evidence.is_empty() { span class="warn" { (t!(lang, "throughline-no-evidence")) } }
                            @for ev in &st.evidence {
                                (t!(lang, "throughline-evidence-label")) " "
                                // The checker admits only http(s) and relative links (TL011); a
                                // model that bypassed it still never gets a live `javascript:` link.
                                @match ev.url.as_deref().and_then(page::allowed) {
                                    Some(u) => a href=(u) { (ev.source) },
                                    None => (ev.source),
                                }
                                @if let Some(s) = &ev.strength { " (" (s) ")" }
                                br;
                            }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}

/// A histogram of samples as a small SVG.
fn histogram(lang: Lang, samples: &[f64], label: &str) -> Markup {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let lo = simulate::stats::percentile(&sorted, 0.01);
    let hi = simulate::stats::percentile(&sorted, 0.99);
    let bins = 30;
    let mut counts = vec![0usize; bins];
    if hi > lo {
        for &x in &sorted {
            if x >= lo && x <= hi {
                let k = (((x - lo) / (hi - lo)) * bins as f64) as usize;
                counts[k.min(bins - 1)] += 1;
            }
        }
    } else {
        counts[0] = sorted.len();
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let (w, h) = (480.0, 120.0);
    let bw = w / bins as f64;
    let bars = html! {
        @for (k, c) in counts.iter().enumerate() {
            @let bh = *c as f64 / max * (h - 10.0);
            (leaf("rect", &[
                ("x", &f1(k as f64 * bw + 1.0)),
                ("y", &f1(h - bh)),
                ("width", &f1(bw - 2.0)),
                ("height", &f1(bh)),
                ("fill", &"#5b8def"),
            ]))
        }
        text x="0" y=(h + 15.0) fill="#333" { (num(lang, lo)) }
        text x=(w) y=(h + 15.0) text-anchor="end" fill="#333" { (num(lang, hi)) }
    };
    page::svg(w, h + 20.0, label, Some(label), 11, bars)
}

fn tornado_svg(lang: Lang, t: &Tornado, unit: &str) -> Markup {
    if t.bars.is_empty() {
        return html! { p { (t!(lang, "throughline-tornado-none")) } };
    }
    let lo = t.bars.iter().map(|b| b.low.min(b.high)).fold(t.base, f64::min);
    let hi = t.bars.iter().map(|b| b.low.max(b.high)).fold(t.base, f64::max);
    let (label_w, bar_w, row_h) = (300.0, 300.0, 22.0);
    let x = |v: f64| label_w + if hi > lo { (v - lo) / (hi - lo) * bar_w } else { 0.0 };
    let h = t.bars.len() as f64 * row_h + 30.0;
    let bx = x(t.base);
    let bars = html! {
        @for (k, b) in t.bars.iter().enumerate() {
            @let y = k as f64 * row_h + 4.0;
            @let label = match &b.input {
                Input::Effect { from, to } => t!(lang, "throughline-tornado-effect", from, to),
                Input::LinkWorks { from, to } => t!(lang, "throughline-tornado-works", from, to),
                Input::Amount { node } => t!(lang, "throughline-tornado-amount", node),
            };
            @let (a, z) = (x(b.low.min(b.high)), x(b.low.max(b.high)));
            g {
                title { (t!(lang, "throughline-tornado-bar", &label, num(lang, b.low), num(lang, b.high), unit)) }
                text x=(f1(label_w - 6.0)) y=(f1(y + 13.0)) text-anchor="end" fill="#222" { (label) }
                (leaf("rect", &[
                    ("x", &f1(a)),
                    ("y", &f1(y)),
                    ("width", &f1((z - a).max(1.0))),
                    ("height", &f1(row_h - 6.0)),
                    ("fill", &"#f2a541"),
                ]))
                text x=(f1(label_w + bar_w + 6.0)) y=(f1(y + 13.0)) fill="#333" { (num(lang, b.low)) " – " (num(lang, b.high)) }
            }
        }
        (leaf("line", &[
            ("x1", &f1(bx)),
            ("y1", &0),
            ("x2", &f1(bx)),
            ("y2", &f1(h - 18.0)),
            ("stroke", &"#333"),
            ("stroke-dasharray", &"3 2"),
        ]))
        text x=(f1(bx)) y=(f1(h - 4.0)) text-anchor="middle" fill="#333" { (t!(lang, "throughline-tornado-base", num(lang, t.base))) }
    };
    page::svg(
        label_w + bar_w + 120.0,
        h,
        &t!(lang, "throughline-tornado-label", &t.initiative),
        None,
        11,
        bars,
    )
}

/// The facts table of an initiative: the rows that have a value.
/// The hypotheses of the plan's structure an initiative carries, each with its key result and
/// quarter, linked to the plan page where they stand against their targets.
fn plan_hypotheses(lang: Lang, m: &model::Model, ini: &model::Initiative) -> Option<Markup> {
    let carried: Vec<(&model::PlanKeyResult, &model::Hypothesis)> =
        m.planning.hypotheses().filter(|(_, h)| ini.hypotheses.contains(&h.id)).collect();
    (!carried.is_empty()).then(|| {
        html! {
            @for (n, (k, h)) in carried.iter().enumerate() {
                @if n > 0 { br; }
                (rich(
                    lang,
                    "throughline-initiative-hypothesis",
                    &[Arg::Slot, k.id.as_str().into(), h.quarter.to_string().into(), (&h.name).into()],
                    &[(1, html! { a href="../plan.html#okrs" { (h.id) } })],
                ))
            }
        }
    })
}

fn facts(ctx: &Ctx<'_>, ini: &model::Initiative) -> Markup {
    let lang = ctx.lang;
    let m = ctx.model;
    let links = |ids: &[model::Id]| -> Option<Markup> {
        (!ids.is_empty()).then(|| {
            html! {
                @for (k, d) in ids.iter().enumerate() {
                    @if k > 0 { ", " }
                    a href={ (d) ".html" } { (d) }
                }
            }
        })
    };
    let joined = |items: Vec<String>| (!items.is_empty()).then(|| html! { (items.join(", ")) });
    let facts: Vec<(String, Option<Markup>)> = vec![
        (
            t!(lang, "throughline-col-program"),
            Some(match &ini.program {
                Some(p) => html! { a href={ "../programs/" (p) ".html" } { (p) } },
                None => html! { "—" },
            }),
        ),
        (t!(lang, "throughline-fact-team"), (!ini.team.as_str().is_empty()).then(|| html! { (ini.team) })),
        (t!(lang, "throughline-fact-status"), Some(html! { (ini.status) })),
        (
            t!(lang, "throughline-col-cost"),
            Some(match ini.cost {
                Some(c) => html! { (c) " " (m.meta.currency) " " (t!(lang, "throughline-fact-cost-expected", num(lang, c.mean()))) },
                None => html! { "—" },
            }),
        ),
        (
            t!(lang, "throughline-fact-effort"),
            Some(match ini.effort {
                Some(c) => html! { (t!(lang, "throughline-fact-effort-value", c.to_string())) },
                None => html! { "—" },
            }),
        ),
        (t!(lang, "throughline-fact-audiences"), joined(ini.audiences.iter().map(|a| a.as_str().to_string()).collect())),
        (t!(lang, "throughline-fact-depends-on"), links(&ini.depends_on)),
        (t!(lang, "throughline-fact-excludes"), links(&ini.excludes)),
        (t!(lang, "throughline-fact-must-do"), Some(html! { (if ini.must_do { t!(lang, "throughline-yes") } else { t!(lang, "throughline-no") }) })),
        (
            t!(lang, "throughline-fact-tracker"),
            (!ini.tracker.is_empty()).then(|| {
                html! {
                    @for (k, t) in ini.tracker.iter().enumerate() {
                        @if k > 0 { ", " }
                        (page::outside_link(&format!("https://phabricator.wikimedia.org/{}", t.as_str()), t.as_str()))
                    }
                }
            }),
        ),
        (
            t!(lang, "throughline-fact-benefits"),
            joined(ini.benefits.iter().map(|(c, s)| format!("{} {s}/5", c.word())).collect()),
        ),
        (t!(lang, "throughline-fact-hypotheses"), plan_hypotheses(lang, m, ini)),
    ];
    html! {
        table {
            caption { (t!(lang, "throughline-facts")) }
            tbody {
                @for (k, v) in facts {
                    @if let Some(v) = v { tr { th scope="row" { (k) } td { (v) } } }
                }
            }
        }
        "\n"
    }
}

fn initiative(ctx: &Ctx<'_>, i: usize) -> Markup {
    let lang = ctx.lang;
    let m = ctx.model;
    let ini = &m.initiatives[i];
    let r = &ctx.sim.initiatives[i];
    let value = t!(lang, "throughline-value-unit-default");
    let unit = m.value.unit.as_deref().unwrap_or(&value);
    let trace = match views::trace::trace(m, ctx.graph, ini.id.as_str()) {
        Ok(Trace::Initiative(w)) => Some(w),
        _ => None,
    };
    let reach = ctx.graph.reachable_from(ctx.graph.delivered_by(i));
    let measured: Vec<&model::Indicator> = m
        .indicators
        .iter()
        .filter(|ind| ctx.graph.node(ind.measures.as_str()).is_some_and(|t| reach[t]))
        .collect();
    let mut values = html! { tr { th scope="row" { (t!(lang, "throughline-col-value")) } (summary_cells(lang, &r.value)) } "\n" };
    if let Some(c) = &r.cost {
        values = html! {
            (values)
            tr { th scope="row" { (t!(lang, "throughline-cost-in", &m.meta.currency)) } (summary_cells(lang, c)) } "\n"
        };
    }
    html! {
        h1 { (ini.name) } "\n"
        @if let Some(d) = &ini.description { p class="lead" { (d) } "\n" }
        (facts(ctx, ini))
        h2 { (t!(lang, "throughline-expected-value")) }
        (table(
            &t!(lang, "throughline-value-in", unit),
            &[(&t!(lang, "throughline-col-measure"), false), (&t!(lang, "throughline-col-mean-se"), true), (&t!(lang, "throughline-col-interval90"), true), (&t!(lang, "throughline-col-p-positive"), true)],
            values,
        ))
        "\n"
        @if let Some(ce) = &r.cost_effectiveness {
            p {
                (rich(lang, "throughline-cost-effectiveness", &[Arg::Slot, unit.into(), (&m.meta.currency).into(), num(lang, ce.ratio.p5 * 1000.0).into(), num(lang, ce.ratio.p95 * 1000.0).into()], &[(1, html! { strong { (num(lang, ce.ratio_of_means * 1000.0)) } })]))
            }
            "\n"
        }
        @if !r.quantified {
            (warn(&t!(lang, "throughline-not-quantified")))
        }
        (figure(
            &histogram(lang, &ctx.sim.value_samples[i], &t!(lang, "throughline-histogram-label", &ini.name)),
            &t!(lang, "throughline-histogram-caption", ctx.sim.samples.to_string()),
        ))
        "\n"
        @if let Some(t) = ctx.tornadoes.iter().find(|t| t.initiative == ini.id.as_str()) {
            h2 { (t!(lang, "throughline-tornado-heading")) }
            (figure(
                &tornado_svg(lang, t, unit),
                &t!(lang, "throughline-tornado-caption"),
            ))
            "\n"
        }
        h2 { (t!(lang, "throughline-why-it-matters")) } "\n"
        @if let Some(w) = &trace {
            @if w.goals.is_empty() {
                (warn(&t!(lang, "throughline-no-path")))
            } @else {
                p {
                    (t!(lang, "throughline-it-serves")) " "
                    @for (k, g) in w.goals.iter().enumerate() {
                        @if k > 0 { ", " }
                        a href={ "../goals/" (g) ".html" } { (ctx.node(g).map_or(g.as_str(), |n| n.name.as_str())) }
                    }
                    "."
                }
                "\n"
            }
            (path_list(ctx, &w.paths[..w.paths.len().min(PATHS_SHOWN)]))
            @if w.paths.len() > PATHS_SHOWN || w.truncated {
                p class="legend" {
                    (t!(
                        lang,
                        "throughline-paths-shown",
                        PATHS_SHOWN,
                        w.paths.len(),
                        if w.truncated { "+" } else { "" },
                        format!("`throughline trace {}`", ini.id),
                    ))
                }
                "\n"
            }
        }
        @if !measured.is_empty() {
            h2 { (t!(lang, "throughline-indicators-along")) }
            ul {
                "\n"
                @for ind in measured {
                    li { (ind.name) " " span class="legend" { "(" (ind.measures) ")" } } "\n"
                }
            }
        }
    }
}

fn goal(ctx: &Ctx<'_>, g: usize) -> Markup {
    let lang = ctx.lang;
    let m = ctx.model;
    let n = &m.nodes[g];
    html! {
        h1 { (n.name) } "\n"
        @if let Some(r) = &n.recommendation { p class="lead" { (t!(lang, "throughline-goal-recommendation", r)) } "\n" }
        @if let Some(res) = ctx.sim.goals.iter().find(|x| x.id == n.id.as_str()) {
            p {
                (rich(lang, "throughline-goal-expected", &[Arg::Slot, num(lang, res.change.p5).into(), num(lang, res.change.p95).into(), num(lang, res.weight).into()], &[(1, html! { strong { (num(lang, res.change.mean)) " " (n.unit.as_deref().unwrap_or("")) } })]))
            }
            "\n"
        }
        @if let Ok(Trace::Node(w)) = views::trace::trace(m, ctx.graph, n.id.as_str()) {
            h2 { (t!(lang, "throughline-goal-supports")) } "\n"
            @if w.initiatives.is_empty() { (warn(&t!(lang, "throughline-goal-unserved"))) }
            ul {
                @for s in &w.initiatives {
                    li {
                        a href={ "../initiatives/" (s.initiative) ".html" } { (s.name) }
                        " "
                        span class="legend" {
                            (t!(lang, "throughline-goal-support-paths", s.program.clone().unwrap_or_else(|| t!(lang, "throughline-goal-no-program")), s.paths.len()))
                        }
                    }
                    "\n"
                }
            }
        }
        @if let Some(t) = frameworks::theory_of_change(m, ctx.graph, n.id.as_str()) {
            h2 { (t!(lang, "throughline-toc")) }
            p { (t!(lang, "throughline-toc-intro")) }
            ul class="toc" { "\n" (toc_item(lang, &t.goal)) }
        }
    }
}

fn toc_item(lang: Lang, p: &frameworks::Precondition) -> Markup {
    html! {
        li {
            strong { (p.name) } " " span class="tag" { (Level::ALL.iter().find(|l| l.word() == p.level).map_or_else(|| p.level.clone(), |&l| page::level(lang, l))) }
            @for i in &p.indicators {
                div class="step-detail" { (t!(lang, "throughline-toc-indicator", &i.name, i.target.clone().unwrap_or_else(|| t!(lang, "throughline-toc-no-target")))) }
            }
            @for a in &p.assumptions { div class="step-detail" { (t!(lang, "throughline-assumes", a)) } }
            @for iv in &p.interventions {
                div class="step-detail" {
                    (t!(lang, "throughline-toc-intervention")) " " a href={ "../initiatives/" (iv.id) ".html" } { (iv.name) }
                }
            }
            @if !p.preconditions.is_empty() { ul { @for c in &p.preconditions { (toc_item(lang, c)) } } }
        }
    }
}

fn gaps(ctx: &Ctx<'_>) -> Markup {
    let lang = ctx.lang;
    let g = views::gaps::gaps(ctx.model, ctx.graph);
    let named = |items: &[views::gaps::Item]| -> Vec<String> {
        items.iter().map(|i| format!("{} ({})", i.name, i.id)).collect()
    };
    let sections = [
        (t!(lang, "throughline-gaps-unjustified"), named(&g.unjustified_work)),
        (t!(lang, "throughline-gaps-unserved"), named(&g.unserved_goals)),
        (t!(lang, "throughline-gaps-unmeasured"), named(&g.unmeasured_outcomes)),
        (
            t!(lang, "throughline-gaps-no-evidence"),
            g.assumptions_without_evidence
                .iter()
                .map(|l| format!("{} → {}: {}", l.from, l.to, l.assumptions.join("; ")))
                .collect(),
        ),
    ];
    html! {
        h1 { (t!(lang, "throughline-nav-gaps")) }
        p { (t!(lang, "throughline-gaps-total", g.total())) }
        @for (title, items) in &sections {
            h2 { (t!(lang, "throughline-gaps-section", title, items.len())) }
            (list(lang, items))
        }
    }
}

fn rba(ctx: &Ctx<'_>) -> Markup {
    let lang = ctx.lang;
    let r = frameworks::rba(ctx.model, ctx.graph);
    let groups = [
        (t!(lang, "throughline-rba-population"), &r.population, true),
        (t!(lang, "throughline-rba-how-much"), &r.how_much, true),
        (t!(lang, "throughline-rba-how-well"), &r.how_well, true),
        (t!(lang, "throughline-rba-better-off"), &r.better_off, true),
        (t!(lang, "throughline-rba-unclassified"), &r.unclassified, false),
    ];
    html! {
        h1 { (t!(lang, "throughline-rba-title")) }
        p { (t!(lang, "throughline-rba-intro")) }
        @for (title, ms, always) in groups {
            @if always || !ms.is_empty() {
                h2 { (title) }
                (table(
                    &title,
                    &[(&t!(lang, "throughline-col-indicator"), false), (&t!(lang, "throughline-col-of"), false), (&t!(lang, "throughline-col-baseline"), false), (&t!(lang, "throughline-col-target"), false), (&t!(lang, "throughline-col-better"), false), (&t!(lang, "throughline-col-data"), false)],
                    html! {
                        @for x in ms.iter() {
                            tr {
                                th scope="row" { (x.indicator.name) }
                                td { (x.measures) }
                                td { (x.indicator.baseline.as_deref().unwrap_or("—")) }
                                td { (x.indicator.target.as_deref().unwrap_or("—")) }
                                td {
                                    @match x.better {
                                        "higher" => (t!(lang, "throughline-rba-higher")),
                                        "lower" => (t!(lang, "throughline-rba-lower")),
                                        other => (other),
                                    }
                                }
                                td { (x.indicator.verification.as_deref().unwrap_or("—")) }
                            }
                        }
                    },
                ))
            }
        }
    }
}

fn voi_page(ctx: &Ctx<'_>) -> Markup {
    let lang = ctx.lang;
    let v = ctx.voi;
    let value = t!(lang, "throughline-value-unit-default");
    let unit = ctx.model.value.unit.as_deref().unwrap_or(&value);
    let rows = html! {
        @for (k, p) in v.parameters.iter().take(25).enumerate() {
            @let (what, rests) = match &p.parameter {
                Parameter::Link { from, to, assumptions } => {
                    (t!(lang, "throughline-voi-link", from, to), assumptions.join("; "))
                }
                Parameter::Delivery { initiative, node } => {
                    (t!(lang, "throughline-voi-delivery", initiative, node), String::new())
                }
                Parameter::Cost { initiative } => (t!(lang, "throughline-voi-cost", initiative), String::new()),
            };
            tr {
                td class="num" { (k + 1) }
                td class="num" { (num(lang, p.evppi)) }
                td class="num" { (num(lang, p.se)) }
                td class="num" { (num(lang, p.floor)) }
                td { @if p.resolved { (t!(lang, "throughline-yes")) } @else { (t!(lang, "throughline-no")) } }
                td { (what) }
                td { (rests) }
            }
        }
    };
    html! {
        h1 { (t!(lang, "throughline-nav-voi")) }
        p {
            (rich(lang, "throughline-voi-intro", &[num(lang, v.decision.budget).into(), (&ctx.model.meta.currency).into(), Arg::Slot], &[(3, html! { strong { (num(lang, v.evpi)) " " (unit) } })]))
            " "
            @if v.resolved > 0 {
                (t!(lang, "throughline-voi-resolved", v.resolved, v.parameters.len()))
            } @else {
                strong { (t!(lang, "throughline-voi-none-resolved", v.parameters.len())) }
                (t!(lang, "throughline-voi-none-resolved-so"))
                @if let Some(m) = v.samples_to_resolve {
                    (t!(lang, "throughline-voi-samples-to-resolve", num(lang, m as f64)))
                }
                "."
            }
            @if v.screened > 0 {
                " " (t!(lang, "throughline-voi-screened", v.screened))
            }
        }
        (table(
            &t!(lang, "throughline-voi-caption"),
            &[
                ("#", false),
                ("EVPPI", true),
                ("± se", true),
                (&t!(lang, "throughline-voi-col-floor"), true),
                (&t!(lang, "throughline-voi-col-above"), false),
                (&t!(lang, "throughline-voi-col-input"), false),
                (&t!(lang, "throughline-voi-col-rests-on"), false),
            ],
            rows,
        ))
        p class="legend" { (t!(lang, "throughline-voi-method", v.method)) }
    }
}

#[cfg(test)]
mod containment {
    use super::contained;

    #[test]
    fn a_page_that_panics_becomes_a_page_that_says_so() {
        let page =
            contained(&|| panic!("the view divided by zero"), |why| format!("failed: {why}"));
        assert_eq!(page, "failed: the view divided by zero");
        let page = contained(&|| "fine".to_string(), |why| format!("failed: {why}"));
        assert_eq!(page, "fine");
    }
}

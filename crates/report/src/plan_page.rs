//! The annual plan page: summary, timeline per team, team load, balance, objectives and key
//! results, the efficient frontier, and why each initiative is in or out.

use portfolio::{AnnualPlan, Asks, More, Outcome};

use crate::page::{Arg, Col, Lang, Markup, f1, html, leaf, list, num, pct, rich, t, table, warn};

/// Colours of the timeline bars: blue for initiatives in their own right, amber for must-do.
const BAR: &str = "#1f5f99";
const MUST: &str = "#b06d00";

/// The page body.
pub(crate) fn body(lang: Lang, model: &model::Model, plan: &AnnualPlan) -> Markup {
    let p = &plan.problem;
    let s = &plan.solution;
    let cur = model.meta.currency.as_str();
    let value = t!(lang, "throughline-value-unit-default");
    let unit = model.value.unit.as_deref().unwrap_or(&value);
    let rates = p.teams.iter().any(|t| t.rate.is_some());
    let budget = p.budget.map_or(t!(lang, "throughline-plan-no-budget"), |x| {
        let amount = num(lang, x);
        match (rates, p.hiring) {
            (false, _) => t!(lang, "throughline-plan-budget", amount, cur),
            (true, false) => t!(lang, "throughline-plan-budget-besides-time", amount, cur),
            (true, true) => t!(lang, "throughline-plan-budget-besides-time-hiring", amount, cur),
        }
    });
    let time = match plan.horizon {
        Some(h) => {
            t!(
                lang,
                "throughline-plan-horizon",
                (h.quarters / 4).to_string(),
                pct(lang, h.discount_rate)
            )
        }
        None => t!(lang, "throughline-plan-no-horizon"),
    };
    let head = html! {
        h1 { (t!(lang, "throughline-nav-plan")) } "\n"
        p class="lead" {
            (t!(lang, "throughline-plan-lead", budget, p.quarters.to_string(), plan.quarters.join(", ")))
            " " (time)
        }
        "\n"
    };
    let status = match &s.outcome {
        Outcome::Optimal => {
            html! { p { (rich(lang, "throughline-plan-optimal", &[Arg::Slot, s.solver.name().into()], &[(1, html! { strong { (t!(lang, "throughline-plan-optimal-word")) } })])) } "\n" }
        }
        Outcome::TimeLimit { gap } => html! {
            (warn(&t!(lang, "throughline-plan-time-limit", format!("{:.2}", gap * 100.0))))
            "\n"
        },
        Outcome::Infeasible { conflicts } => {
            return html! {
                (head)
                (warn(&t!(lang, "throughline-plan-infeasible")))
                ul { @for c in conflicts { li { (c) } } }
                "\n"
            };
        }
        Outcome::Failed { reason } => {
            return html! { (head) (warn(&t!(lang, "throughline-plan-failed", reason.as_str()))) "\n" };
        }
    };
    let st = &plan.staffing;
    let cost = html! { strong { (num(lang, s.cost)) " " (cur) } };
    let cost = if st.paid > 0.0 {
        let staff = num(lang, st.staff_cost);
        rich(
            lang,
            "throughline-plan-summary-spend",
            &[Arg::Slot, staff.into(), cur.into()],
            &[(1, cost)],
        )
    } else {
        rich(lang, "throughline-plan-summary-cost", &[Arg::Slot], &[(1, cost)])
    };
    let risk = if p.risk.is_some() {
        t!(lang, "throughline-plan-summary-risk", num(lang, s.objective))
    } else {
        String::new()
    };
    let hired = if st.hired > 0.0 {
        t!(lang, "throughline-plan-summary-hired", num(lang, st.hired))
    } else {
        String::new()
    };
    let summary = rich(
        lang,
        "throughline-plan-summary",
        &[
            Arg::Slot,
            p.items.len().into(),
            Arg::Slot,
            Arg::Slot,
            risk.into(),
            Arg::Slot,
            hired.into(),
        ],
        &[
            (1, html! { strong { (lang.int(count(plan.schedule.len()))) } }),
            (3, html! { strong { (num(lang, s.value)) " " (unit) } }),
            (4, cost),
            (6, html! { strong { (pct(lang, st.share_used)) } }),
        ],
    );
    html! {
        (head)
        (status)
        p { (summary) }
        "\n"
        h2 id="timeline" { (t!(lang, "throughline-plan-timeline")) } "\n"
        (timeline_svg(lang, model, plan))
        (load(lang, plan))
        (people(lang, plan, cur))
        @if !plan.balance.is_empty() { (balance(lang, plan)) }
        @if plan.audiences.iter().any(|a| a.initiatives > 0) { (audiences(lang, plan)) }
        @if !plan.structure.is_empty() { (structure(lang, plan)) }
        @else if !plan.objectives.is_empty() { (objectives(lang, plan)) }
        @if !plan.frontier.is_empty() {
            h2 id="frontier" { (t!(lang, "throughline-plan-frontier")) } "\n"
            (frontier_svg(lang, plan, cur, unit))
        }
        @if !plan.marginals.is_empty() { (marginals(lang, plan, unit)) }
        (reasons(lang, plan))
    }
}

/// A count as [`Lang::int`] takes it.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Person-quarters used of those available, per team and quarter.
fn load(lang: Lang, plan: &AnnualPlan) -> Markup {
    let p = &plan.problem;
    html! {
        table {
            caption { (t!(lang, "throughline-plan-load-caption")) }
            thead {
                tr {
                    th scope="col" { (t!(lang, "throughline-fact-team")) }
                    @for q in &plan.quarters { th class="num" scope="col" { (q) } }
                }
            }
            tbody {
                "\n"
                @for (t, team) in p.teams.iter().enumerate() {
                    @if !plan.load[t].iter().all(|x| *x == 0.0) {
                        tr {
                            th scope="row" { (team.id) }
                            @for q in 0..p.quarters {
                                td class="num" { (num(lang, plan.load[t][q])) " / " (num(lang, team.capacity[q])) }
                            }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// A section of the plan: a heading with its anchor, and a table of one line per row.
fn section(
    id: &str,
    heading: &str,
    caption: &str,
    cols: &[Col<'_>],
    rows: impl IntoIterator<Item = Markup>,
) -> Markup {
    html! {
        h2 id=(id) { (heading) }
        (table(caption, cols, html! { "\n" @for r in rows { (r) "\n" } }))
        "\n"
    }
}

/// The balance rules as the plan meets them.
fn balance(lang: Lang, plan: &AnnualPlan) -> Markup {
    section(
        "balance",
        &t!(lang, "throughline-plan-balance"),
        &t!(lang, "throughline-plan-balance-caption"),
        &[
            (&t!(lang, "throughline-plan-col-rule"), false),
            (&t!(lang, "throughline-plan-col-asks"), false),
            (&t!(lang, "throughline-plan-col-achieved"), true),
        ],
        plan.balance.iter().map(|x| {
            html! {
                tr {
                    th scope="row" { (x.name.replace('`', "")) }
                    td { (asks(lang, x.asks)) }
                    td class="num" {
                        @match x.asks {
                            Asks::Share { .. } => (pct(lang, x.achieved)),
                            Asks::AtLeastOne => (lang.int(x.achieved.round() as i64)),
                        }
                    }
                }
            }
        }),
    )
}

/// The share of effort spent on each audience, with a bar.
fn audiences(lang: Lang, plan: &AnnualPlan) -> Markup {
    html! {
        h2 id="audiences" { (t!(lang, "throughline-fact-audiences")) }
        table {
            caption { (t!(lang, "throughline-plan-audiences-caption")) }
            thead {
                tr {
                    th scope="col" { (t!(lang, "throughline-plan-col-audience")) }
                    th scope="col" { (t!(lang, "throughline-plan-col-kind")) }
                    th class="num" scope="col" { (t!(lang, "throughline-plan-col-initiatives")) }
                    th class="num" scope="col" { (t!(lang, "throughline-plan-col-share-effort")) }
                    th scope="col" { span class="sr-only" { (t!(lang, "throughline-plan-col-bar")) } }
                }
            }
            tbody {
                "\n"
                @for a in plan.audiences.iter().filter(|a| a.initiatives > 0) {
                    @let end_users = a.kind == model::AudienceKind::EndUsers;
                    @let share = pct(lang, a.effort_share);
                    tr {
                        th scope="row" { (a.name) }
                        td {
                            @if end_users { (t!(lang, "throughline-audience-end-users")) }
                            @else { (t!(lang, "throughline-audience-organizing")) }
                        }
                        td class="num" { (lang.int(count(a.initiatives))) }
                        td class="num" { (share) }
                        td {
                            svg xmlns="http://www.w3.org/2000/svg" width="200" height="12" role="img" aria-label=(t!(lang, "throughline-plan-share-of-effort", &share)) {
                                (leaf("rect", &[
                                    ("width", &(a.effort_share.clamp(0.0, 1.0) * 200.0).round()),
                                    ("height", &12),
                                    ("fill", &if end_users { BAR } else { MUST }),
                                ]))
                            }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// Each objective (a goal the plan moves) with its key results.
fn objectives(lang: Lang, plan: &AnnualPlan) -> Markup {
    html! {
        h2 id="okrs" { (t!(lang, "throughline-plan-okrs")) } "\n"
        @for o in &plan.objectives {
            h3 { a href={ "goals/" (o.goal) ".html" } { (o.name) } }
            p {
                (rich(
                    lang,
                    "throughline-plan-objective-change",
                    &[Arg::Slot, o.initiatives.len().into()],
                    &[(1, html! { strong { (num(lang, o.expected_change)) " " (o.unit.as_deref().unwrap_or("")) } })],
                ))
            }
            "\n"
            @if o.key_results.is_empty() {
                (warn(&t!(lang, "throughline-plan-objective-no-indicator")))
                "\n"
            } @else {
                ul {
                    @for kr in &o.key_results {
                        li {
                            (t!(
                                lang,
                                "throughline-plan-kr-line",
                                &kr.name,
                                kr.baseline.clone().unwrap_or_else(|| t!(lang, "throughline-plan-no-baseline")),
                                kr.target.clone().unwrap_or_else(|| t!(lang, "throughline-plan-no-target")),
                                against_target(lang, kr),
                            ))
                        }
                    }
                }
                "\n"
            }
        }
    }
}

/// The plan's structure as the model writes it: goal → bucket → objective, a table of each
/// objective's key results against the plan, and a table of their hypotheses with the work that
/// carries them.
fn structure(lang: Lang, plan: &AnnualPlan) -> Markup {
    html! {
        h2 id="okrs" { (t!(lang, "throughline-plan-against-targets")) } "\n"
        p { (t!(lang, "throughline-plan-structure-intro")) }
        "\n"
        @for g in &plan.structure {
            @match (&g.goal, &g.name) {
                (Some(id), Some(name)) => {
                    h3 { a href={ "goals/" (id) ".html" } { (name) } }
                    p {
                        @match g.expected_change {
                            Some(x) => (rich(lang, "throughline-plan-goal-change", &[Arg::Slot], &[(1, html! { strong { (num(lang, x)) " " (g.unit.as_deref().unwrap_or("")) } })])),
                            None => (t!(lang, "throughline-plan-goal-unserved")),
                        }
                    }
                }
                _ => { h3 { (t!(lang, "throughline-plan-buckets-without-goal")) } }
            }
            "\n"
            @for b in &g.buckets {
                h4 { (b.id) " · " (b.name) } "\n"
                @for o in &b.objectives {
                    (objective_tables(lang, o))
                }
            }
        }
        @let others: Vec<&portfolio::Objective> = plan.objectives_outside_structure().collect();
        @if !others.is_empty() {
            h3 { (t!(lang, "throughline-plan-other-goals")) } "\n"
            p { (t!(lang, "throughline-plan-other-goals-intro")) }
            ul {
                @for o in others {
                    li { a href={ "goals/" (o.goal) ".html" } { (o.name) } ": " (num(lang, o.expected_change)) " " (o.unit.as_deref().unwrap_or("")) }
                }
            }
            "\n"
        }
    }
}

/// One objective's key results, then their hypotheses.
fn objective_tables(lang: Lang, o: &portfolio::ObjectivePlan) -> Markup {
    let caption = t!(lang, "throughline-plan-kr-caption", &o.id, &o.name);
    if o.key_results.is_empty() {
        return html! { p { strong { (o.id) } " " (o.name) } (warn(&t!(lang, "throughline-plan-objective-no-kr"))) "\n" };
    }
    let rows = html! {
        "\n"
        @for k in &o.key_results {
            @let r = &k.result;
            tr {
                th scope="row" {
                    (k.id) " " (r.name)
                    @if let Some(sc) = &k.scope { br; span class="legend" { (sc) } }
                }
                td class="num" { (r.baseline.as_deref().unwrap_or("—")) }
                td class="num" { (target(lang, k).unwrap_or_else(|| "—".into())) }
                td class="num" { (num(lang, r.expected_change)) }
                td class="num" {
                    @match r.gap {
                        Some(gap) => {
                            (num(lang, gap))
                            @if gap != 0.0 { " " span class="legend" { (t!(lang, "throughline-plan-share-of-gap", pct(lang, r.expected_change / gap))) } }
                        }
                        None => "—",
                    }
                }
                td class="num" { (p_reached(lang, r).unwrap_or_else(|| "—".into())) }
                td { (initiatives(lang, &k.initiatives)) }
            }
            "\n"
        }
    };
    let hypotheses: Vec<(&str, &portfolio::HypothesisPlan)> = o
        .key_results
        .iter()
        .flat_map(|k| k.hypotheses.iter().map(move |h| (k.id.as_str(), h)))
        .collect();
    html! {
        (table(
            &caption,
            &[
                (&t!(lang, "throughline-plan-col-key-result"), false),
                (&t!(lang, "throughline-col-baseline"), true),
                (&t!(lang, "throughline-col-target"), true),
                (&t!(lang, "throughline-plan-col-change"), true),
                (&t!(lang, "throughline-plan-col-gap"), true),
                (&t!(lang, "throughline-plan-col-p-reached"), true),
                (&t!(lang, "throughline-plan-col-carried-by"), false),
            ],
            rows,
        ))
        "\n"
        @if !hypotheses.is_empty() {
            (table(
                &t!(lang, "throughline-plan-hypotheses-caption", &o.id, &o.name),
                &[
                    (&t!(lang, "throughline-plan-col-hypothesis"), false),
                    (&t!(lang, "throughline-plan-col-key-result"), false),
                    (&t!(lang, "throughline-plan-col-quarter"), false),
                    (&t!(lang, "throughline-plan-col-owner"), false),
                    (&t!(lang, "throughline-plan-col-test"), false),
                    (&t!(lang, "throughline-plan-col-result"), false),
                    (&t!(lang, "throughline-plan-col-in-plan"), false),
                    (&t!(lang, "throughline-plan-col-left-out"), false),
                ],
                html! {
                    "\n"
                    @for (kr, h) in &hypotheses {
                        tr {
                            th scope="row" { (h.id) " " (h.name) }
                            td { (kr) }
                            td { (h.quarter) }
                            td { (h.owner.as_deref().unwrap_or("—")) }
                            td { (h.test.as_deref().unwrap_or("—")) }
                            td { (hypothesis_result(lang, h.result)) }
                            td { (initiatives(lang, &h.initiatives)) }
                            td { (initiatives(lang, &h.left_out)) }
                        }
                        "\n"
                    }
                },
            ))
            "\n"
        }
    }
}

/// Initiatives as a list of links to their pages.
fn initiatives(lang: Lang, ids: &[String]) -> Markup {
    let links: Vec<Markup> =
        ids.iter().map(|i| html! { a href={ "initiatives/" (i) ".html" } { (i) } }).collect();
    list(lang, &links)
}

/// What one more unit of each resource would buy.
fn marginals(lang: Lang, plan: &AnnualPlan, unit: &str) -> Markup {
    section(
        "marginal",
        &t!(lang, "throughline-plan-marginal"),
        &t!(lang, "throughline-plan-marginal-caption"),
        &[
            (&t!(lang, "throughline-plan-col-resource"), false),
            (&t!(lang, "throughline-plan-col-added"), false),
            (&t!(lang, "throughline-plan-col-gain", unit), true),
        ],
        plan.marginals.iter().map(|m| {
            html! {
                tr {
                    @match &m.more {
                        More::Person(team) => {
                            th scope="row" { (t!(lang, "throughline-plan-resource-team", team)) }
                            td { (t!(lang, "throughline-plan-added-person")) }
                        }
                        More::Budget(b) => {
                            th scope="row" { (t!(lang, "throughline-plan-resource-budget")) }
                            td { (t!(lang, "throughline-plan-added-budget", num(lang, *b))) }
                        }
                    }
                    td class="num" { (num(lang, m.gain)) }
                }
            }
        }),
    )
}

/// Why each initiative is in the plan or out of it, selected ones first.
fn reasons(lang: Lang, plan: &AnnualPlan) -> Markup {
    let mut order: Vec<usize> = (0..plan.reasons.len()).collect();
    order.sort_by_key(|&i| (!plan.reasons[i].selected, i));
    section(
        "reasons",
        &t!(lang, "throughline-plan-reasons"),
        &t!(lang, "throughline-plan-reasons-caption"),
        &[
            (&t!(lang, "throughline-col-initiative"), false),
            (&t!(lang, "throughline-plan-col-in"), false),
            (&t!(lang, "throughline-plan-col-quarter"), false),
            (&t!(lang, "throughline-plan-col-why"), false),
        ],
        order.into_iter().map(|i| {
            let r = &plan.reasons[i];
            html! {
                tr {
                    th scope="row" { a href={ "initiatives/" (r.id) ".html" } { (r.id) } }
                    td { (if r.selected { t!(lang, "throughline-yes") } else { t!(lang, "throughline-no") }) }
                    td { @if let Some(q) = plan.solution.start[i] { (plan.quarters[q]) } }
                    td { (reason(lang, r)) }
                }
            }
        }),
    )
}

/// Each team's person-quarters over the plan: used, idle (paid all the same), hired, and what
/// the idle ones cost.
fn people(lang: Lang, plan: &AnnualPlan, cur: &str) -> Markup {
    let st = &plan.staffing;
    let rates = st.teams.iter().any(|t| t.rate.is_some());
    let hires = st.hired > 0.0;
    let labels = [
        t!(lang, "throughline-fact-team"),
        t!(lang, "throughline-plan-col-used"),
        t!(lang, "throughline-plan-col-available"),
        t!(lang, "throughline-plan-col-idle"),
        t!(lang, "throughline-plan-col-hired"),
        t!(lang, "throughline-plan-col-idle-cost", cur),
    ];
    let mut cols: Vec<Col<'_>> =
        vec![(&labels[0], false), (&labels[1], true), (&labels[2], true), (&labels[3], true)];
    if hires {
        cols.push((&labels[4], true));
    }
    if rates {
        cols.push((&labels[5], true));
    }
    let row = |name: &str, used: f64, available: f64, idle: f64, hired: f64, cost: Option<f64>| {
        html! {
            tr {
                th scope="row" { (name) }
                td class="num" { (num(lang, used)) }
                td class="num" { (num(lang, available)) }
                td class="num" { (num(lang, idle)) }
                @if hires { td class="num" { (num(lang, hired)) } }
                @if rates { td class="num" { (cost.map_or("—".to_string(), |c| num(lang, c))) } }
            }
            "\n"
        }
    };
    html! {
        (table(
            &t!(lang, "throughline-plan-people-caption"),
            &cols,
            html! {
                @for t in &st.teams { (row(&t.team, t.used, t.available, t.idle, t.hired, t.idle_cost)) }
                (row(
                    &t!(lang, "throughline-plan-all-teams", pct(lang, st.share_used)),
                    st.used,
                    st.available,
                    st.idle,
                    st.hired,
                    rates.then_some(st.idle_cost),
                ))
            },
        ))
        "\n"
    }
}

/// A Gantt chart: a row per team with work, a column per quarter, a bar per initiative.
fn timeline_svg(lang: Lang, model: &model::Model, plan: &AnnualPlan) -> Markup {
    let p = &plan.problem;
    let teams: Vec<usize> = (0..p.teams.len())
        .filter(|&t| plan.schedule.iter().any(|x| x.team.as_ref() == Some(&p.teams[t].id)))
        .collect();
    let label_w = 130.0;
    let col_w = 190.0;
    let bar_h = 16.0;
    let gap = 3.0;
    // Stack bars within a team row so overlapping work does not hide.
    let mut rows: Vec<(usize, Vec<(usize, &portfolio::Scheduled)>)> = Vec::new();
    for &t in &teams {
        let mut lanes: Vec<usize> = Vec::new(); // end quarter (exclusive) per lane
        let mut placed = Vec::new();
        for x in plan.schedule.iter().filter(|x| x.team.as_ref() == Some(&p.teams[t].id)) {
            let lane = match lanes.iter().position(|&end| end <= x.start) {
                Some(l) => l,
                None => {
                    lanes.push(0);
                    lanes.len() - 1
                }
            };
            lanes[lane] = x.start + x.duration;
            placed.push((lane, x));
        }
        rows.push((lanes.len().max(1), placed));
    }
    let header = 22.0;
    let total_h: f64 =
        header + rows.iter().map(|(l, _)| *l as f64 * (bar_h + gap) + 10.0).sum::<f64>();
    let w = label_w + col_w * p.quarters as f64;
    let mut y = header;
    let mut team_rows = Vec::new();
    for ((lanes, placed), &t) in rows.iter().zip(&teams) {
        let row_h = *lanes as f64 * (bar_h + gap) + 10.0;
        team_rows.push(html! {
            text x="4" y=(f1(y + 5.0 + bar_h * 0.75)) fill="#333" { (p.teams[t].id) }
            (leaf("line", &[("x1", &0), ("y1", &f1(y + row_h)), ("x2", &w), ("y2", &f1(y + row_h)), ("stroke", &"#eee")]))
            @for (lane, x) in placed {
                @let bx = label_w + col_w * x.start as f64 + 3.0;
                @let by = y + 5.0 + *lane as f64 * (bar_h + gap);
                @let bw = col_w * x.duration as f64 - 6.0;
                @let must = p.items.iter().find(|it| it.id == x.id).is_some_and(|it| it.must);
                @let max_chars = (bw / 6.2) as usize;
                // Bars show the initiative's name (people do not read ids); the id is in the
                // tooltip.
                @let name = model.initiatives.iter().find(|i| i.id.as_str() == x.id).map_or(x.id.as_str(), |i| i.name.as_str());
                @let label = if name.chars().count() > max_chars {
                    name.chars().take(max_chars.saturating_sub(1)).collect::<String>() + "…"
                } else {
                    name.to_string()
                };
                g {
                    title {
                        (t!(
                            lang,
                            "throughline-plan-bar-tooltip",
                            name,
                            &x.id,
                            x.team.as_deref().unwrap_or(""),
                            x.duration,
                            &x.label,
                            num(lang, x.load),
                        ))
                        @if must { (t!(lang, "throughline-plan-bar-must")) }
                    }
                    (leaf("rect", &[
                        ("x", &f1(bx)),
                        ("y", &f1(by)),
                        ("width", &f1(bw)),
                        ("height", &bar_h),
                        ("rx", &3),
                        ("fill", &if must { MUST } else { BAR }),
                    ]))
                    text x=(f1(bx + 4.0)) y=(f1(by + bar_h * 0.75)) fill="#fff" { (label) }
                }
            }
        });
        y += row_h;
    }
    let title = t!(lang, "throughline-plan-timeline-title");
    let content = html! {
        @for (q, label) in plan.quarters.iter().enumerate() {
            @let x = label_w + col_w * q as f64;
            text x=(f1(x + col_w / 2.0)) y="14" text-anchor="middle" fill="#333" { (label) }
            (leaf("line", &[("x1", &f1(x)), ("y1", &18), ("x2", &f1(x)), ("y2", &total_h), ("stroke", &"#ddd")]))
        }
        @for r in &team_rows { (r) }
    };
    html! {
        figure {
            div class="diagram" { (crate::page::svg(w, total_h, &title, Some(&title), 11, content)) }
            figcaption class="legend" { (t!(lang, "throughline-plan-timeline-caption")) }
        }
        "\n"
    }
}

/// Value against budget, with the plan's budget marked.
fn frontier_svg(lang: Lang, plan: &AnnualPlan, cur: &str, unit: &str) -> Markup {
    let pts: Vec<(f64, f64)> =
        plan.frontier.iter().filter_map(|f| f.objective.map(|v| (f.budget, v))).collect();
    if pts.len() < 2 {
        return html! { p { (t!(lang, "throughline-plan-frontier-too-few")) } };
    }
    let (w, h, left, bottom, top, right) = (640.0, 300.0, 70.0, 40.0, 14.0, 20.0);
    let max_x = pts.iter().map(|p| p.0).fold(0.0, f64::max).max(1e-9);
    let max_y = pts.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-9);
    let min_y = pts.iter().map(|p| p.1).fold(0.0, f64::min);
    let sx = |x: f64| left + (w - left - right) * x / max_x;
    let sy = |y: f64| top + (h - top - bottom) * (1.0 - (y - min_y) / (max_y - min_y).max(1e-9));
    let path: Vec<String> =
        pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y))).collect();
    let axis = f1(h - bottom);
    let content = html! {
        (leaf("line", &[("x1", &left), ("y1", &axis), ("x2", &f1(w - right)), ("y2", &axis), ("stroke", &"#333")]))
        (leaf("line", &[("x1", &left), ("y1", &top), ("x2", &left), ("y2", &axis), ("stroke", &"#333")]))
        (leaf("polyline", &[("points", &path.join(" ")), ("fill", &"none"), ("stroke", &BAR), ("stroke-width", &2)]))
        @for &(x, y) in &pts {
            circle cx=(f1(sx(x))) cy=(f1(sy(y))) r="3" fill=(BAR) {
                title { (t!(lang, "throughline-plan-frontier-point", num(lang, x), cur, num(lang, y), unit)) }
            }
        }
        @if let Some(b) = plan.problem.budget.filter(|&b| b <= max_x) {
            (leaf("line", &[
                ("x1", &f1(sx(b))),
                ("y1", &top),
                ("x2", &f1(sx(b))),
                ("y2", &axis),
                ("stroke", &MUST),
                ("stroke-dasharray", &"4 3"),
            ]))
            text x=(f1(sx(b) + 4.0)) y=(f1(top + 10.0)) fill=(MUST) { (t!(lang, "throughline-plan-frontier-this-budget")) }
        }
        text x=(f1((left + w - right) / 2.0)) y=(f1(h - 8.0)) text-anchor="middle" fill="#333" { (t!(lang, "throughline-plan-frontier-x-axis", cur)) }
        text x=(left) y=(f1(h - bottom + 14.0)) text-anchor="middle" fill="#333" { (lang.int(0)) }
        text x=(f1(w - right)) y=(f1(h - bottom + 14.0)) text-anchor="end" fill="#333" { (num(lang, max_x)) }
        text x=(f1(left - 4.0)) y=(f1(sy(max_y) + 4.0)) text-anchor="end" fill="#333" { (num(lang, max_y)) }
        text x=(f1(left - 4.0)) y=(f1(sy(min_y) + 4.0)) text-anchor="end" fill="#333" { (num(lang, min_y)) }
        text x="12" y=(f1(h / 2.0)) fill="#333" transform={ "rotate(-90 12 " (f1(h / 2.0)) ")" } text-anchor="middle" { (t!(lang, "throughline-plan-frontier-y-axis", unit)) }
    };
    html! {
        figure {
            (crate::page::svg(w, h, &t!(lang, "throughline-plan-frontier-label"), Some(&t!(lang, "throughline-plan-frontier")), 11, content))
            figcaption class="legend" { (t!(lang, "throughline-plan-frontier-caption")) }
        }
    }
}

/// A hypothesis's result: the files' word in English, the language's word elsewhere.
fn hypothesis_result(lang: Lang, r: model::HypothesisResult) -> String {
    use model::HypothesisResult as R;
    match r {
        R::Pending => t!(lang, "throughline-hypothesis-pending"),
        R::Confirmed => t!(lang, "throughline-hypothesis-confirmed"),
        R::Rejected => t!(lang, "throughline-hypothesis-rejected"),
        R::Inconclusive => t!(lang, "throughline-hypothesis-inconclusive"),
    }
}

/// P(target reached | plan) in words ([`portfolio::KeyResult::p_reached_text`], which the
/// terminal shows, in the page's language); `None` without a baseline or target.
fn p_reached(lang: Lang, k: &portfolio::KeyResult) -> Option<String> {
    let (p, se) = (k.p_reached?, k.p_reached_se?);
    Some(if p == 0.0 {
        t!(lang, "throughline-plan-p-none", k.samples)
    } else if p == 1.0 {
        t!(lang, "throughline-plan-p-all", k.samples)
    } else {
        format!("{} ± {}", pct(lang, p), pct(lang, se))
    })
}

/// The plan against a key result's target in a sentence
/// ([`portfolio::KeyResult::against_target`] in the page's language).
fn against_target(lang: Lang, k: &portfolio::KeyResult) -> String {
    let signed = |x: f64| if x > 0.0 { format!("+{}", num(lang, x)) } else { num(lang, x) };
    let change = t!(lang, "throughline-plan-kr-the-plan", signed(k.expected_change));
    match (k.gap, p_reached(lang, k)) {
        (Some(gap), Some(p)) => {
            let covers = if gap != 0.0 {
                format!(
                    " {}",
                    t!(lang, "throughline-plan-share-of-gap", pct(lang, k.expected_change / gap))
                )
            } else {
                String::new()
            };
            t!(lang, "throughline-plan-kr-against", change, signed(gap), covers, p)
        }
        _ => t!(lang, "throughline-plan-kr-no-baseline", change),
    }
}

/// What a balance rule asks ([`portfolio::BalanceCheck::rule`] in the page's language).
fn asks(lang: Lang, a: Asks) -> String {
    let Asks::Share { min, max, of } = a else {
        return t!(lang, "throughline-plan-asks-one");
    };
    let of = match of {
        model::ShareOf::Effort => t!(lang, "throughline-plan-asks-of-effort"),
        model::ShareOf::Cost => t!(lang, "throughline-plan-asks-of-cost"),
        model::ShareOf::Count => t!(lang, "throughline-plan-asks-of-initiatives"),
    };
    match (min, max) {
        (Some(a), Some(b)) => {
            t!(lang, "throughline-plan-asks-between", pct(lang, a), pct(lang, b), of)
        }
        (Some(a), None) => t!(lang, "throughline-plan-asks-at-least", pct(lang, a), of),
        (None, Some(b)) => t!(lang, "throughline-plan-asks-at-most", pct(lang, b), of),
        (None, None) => String::new(),
    }
}

/// Why an initiative is in or out ([`portfolio::Reason::text`] in the page's language).
fn reason(lang: Lang, r: &portfolio::Reason) -> String {
    use portfolio::explain::Why;
    use portfolio::problem::Barred;
    let mut text = match &r.why {
        Why::MustDo => t!(lang, "throughline-reason-must-do"),
        Why::NeededBy(b) => t!(lang, "throughline-reason-needed-by", b),
        Why::AboveCutoff { ratio, cutoff } => {
            t!(lang, "throughline-reason-above-cutoff", num(lang, *ratio), num(lang, *cutoff))
        }
        Why::PaidTime { value, effort } => {
            t!(lang, "throughline-reason-paid-time", num(lang, *value), num(lang, *effort))
        }
        Why::Free { value } => t!(lang, "throughline-reason-free", num(lang, *value)),
        Why::Barred(b) => {
            let why = match b {
                Barred::Already(status) => t!(lang, "throughline-barred-already", status),
                Barred::Cancelled => t!(lang, "throughline-barred-cancelled"),
                Barred::TooLong { needs, team, quarters } => {
                    t!(lang, "throughline-barred-too-long", *needs, team, *quarters)
                }
                Barred::NoCapacity(team) => t!(lang, "throughline-barred-no-capacity", team),
                Barred::Excluded => t!(lang, "throughline-barred-excluded"),
            };
            t!(lang, "throughline-reason-barred", why)
        }
        Why::BarredBecause(why) => t!(lang, "throughline-reason-barred", why.replace('`', "")),
        Why::Excludes(x) => t!(lang, "throughline-reason-excludes", x),
        Why::NeedsMissing(a) => t!(lang, "throughline-reason-needs-missing", a),
        Why::NoValue { value } => t!(lang, "throughline-reason-no-value", num(lang, *value)),
        Why::BelowCutoff { ratio, cutoff } => {
            t!(lang, "throughline-reason-below-cutoff", num(lang, *ratio), num(lang, *cutoff))
        }
        Why::NoRoom { team, effort } => {
            t!(lang, "throughline-reason-no-room", team, num(lang, *effort))
        }
        Why::OverBudget => t!(lang, "throughline-reason-over-budget"),
        Why::Rules => t!(lang, "throughline-reason-rules"),
    };
    if let Some(l) = &r.learning {
        // The standard error as the model writes it (small effects need all their digits).
        let measures: Vec<String> = l
            .measures
            .iter()
            .map(|(link, se)| t!(lang, "throughline-reason-measures", link, se.to_string()))
            .collect();
        text.push_str(&t!(
            lang,
            "throughline-reason-research",
            num(lang, l.evsi),
            num(lang, l.se),
            measures.join(", ")
        ));
        if l.changes.is_empty() {
            text.push_str(&t!(lang, "throughline-reason-research-no-change"));
        } else {
            let changes: Vec<String> =
                l.changes.iter().map(|(id, p)| format!("{id} ({})", pct(lang, *p))).collect();
            text.push_str(&t!(lang, "throughline-reason-research-changes", changes.join(", ")));
        }
    }
    if let Some(d) = r.delay_cost {
        text.push_str(&t!(lang, "throughline-reason-delay", num(lang, d)));
    }
    match (r.forcible, r.cost_of_forcing) {
        (Some(true), Some(loss)) => {
            text.push_str(&t!(lang, "throughline-reason-forcing", num(lang, loss)));
        }
        (Some(false), _) => text.push_str(&t!(lang, "throughline-reason-not-forcible")),
        _ => {}
    }
    text
}

/// A structured key result's target as the table shows it: a target written as a change from
/// the baseline says so, in the page's language; any other as the plan writes it.
fn target(lang: Lang, k: &portfolio::StructuredKeyResult) -> Option<String> {
    // The checker refuses a key result with both an absolute and a relative target.
    match (k.target_change, k.result.target_value) {
        (Some(c), Some(t)) => {
            let change = if c > 0.0 { format!("+{}", pct(lang, c)) } else { pct(lang, c) };
            Some(t!(lang, "throughline-plan-target-relative", num(lang, t), change))
        }
        _ => k.result.target.clone(),
    }
}

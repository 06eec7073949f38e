//! The annual plan page: summary, timeline per team, team load, balance, objectives and key
//! results, the efficient frontier, and why each initiative is in or out.

use model::display::pct;
use std::fmt::Write;

use portfolio::{AnnualPlan, Outcome};

use crate::diagram::xml as e;
use crate::site::num;

/// Colours of the timeline bars: blue for initiatives in their own right, amber for must-do.
const BAR: &str = "#1f5f99";
const MUST: &str = "#b06d00";

/// The page body.
pub(crate) fn body(model: &model::Model, plan: &AnnualPlan) -> String {
    let p = &plan.problem;
    let s = &plan.solution;
    let cur = e(&model.meta.currency);
    let unit = e(model.value.unit.as_deref().unwrap_or("value"));
    let mut b = String::new();
    let _ = writeln!(b, "<h1>Annual plan</h1>");
    let rates = p.teams.iter().any(|t| t.rate.is_some());
    let budget = p.budget.map_or("no budget limit".to_string(), |x| {
        let covers = match (rates, p.hiring) {
            (false, _) => "",
            (true, false) => " for spend besides the teams' time",
            (true, true) => " for spend besides the teams' time, hiring included",
        };
        format!("a budget of {} {cur}{covers}", num(x))
    });
    let time = match plan.horizon {
        Some(h) => format!(
            " Benefits count from the quarter after work ships to {} years after the plan's start, discounted at {} a year, so earlier work is worth more.",
            h.quarters / 4,
            pct(h.discount_rate)
        ),
        None => " Value does not depend on when work ships.".to_string(),
    };
    let _ = writeln!(
        b,
        r#"<p class="lead">The plan that maximises expected value within {budget}, each team's capacity per quarter, dependencies, exclusions, must-do work and the balance rules, over {} quarters ({}).{time}</p>"#,
        p.quarters,
        e(&plan.quarters.join(", "))
    );
    match &s.outcome {
        Outcome::Optimal => {
            let _ = writeln!(
                b,
                "<p>Status: <strong>optimal</strong> (proven by {}).</p>",
                s.solver.name()
            );
        }
        Outcome::TimeLimit { gap } => {
            let _ = writeln!(
                b,
                r#"<p class="warn">Status: the solver stopped at its time limit; this plan is within {:.2}% of the best possible.</p>"#,
                gap * 100.0
            );
        }
        Outcome::Infeasible { conflicts } => {
            let items: Vec<String> =
                conflicts.iter().map(|c| format!("<li>{}</li>", e(c))).collect();
            let _ = writeln!(
                b,
                r#"<p class="warn">No plan satisfies every rule. These rules conflict; drop or loosen one:</p><ul>{}</ul>"#,
                items.concat()
            );
            return b;
        }
        Outcome::Failed { reason } => {
            let _ = writeln!(b, r#"<p class="warn">The solver failed: {}</p>"#, e(reason));
            return b;
        }
    }
    let st = &plan.staffing;
    let spend = if st.paid > 0.0 {
        format!(
            "spend <strong>{} {cur}</strong> from the budget, besides {} {cur} of the teams' paid time",
            num(s.cost),
            num(st.staff_cost)
        )
    } else {
        format!("cost <strong>{} {cur}</strong>", num(s.cost))
    };
    let _ = writeln!(
        b,
        "<p><strong>{}</strong> of {} initiatives; expected value <strong>{} {unit}</strong>; {spend}{}; <strong>{}</strong> of the teams' person-quarters used{}.</p>",
        plan.schedule.len(),
        p.items.len(),
        num(s.value),
        if p.risk.is_some() {
            format!("; risk-adjusted objective {}", num(s.objective))
        } else {
            String::new()
        },
        pct(st.share_used),
        if st.hired > 0.0 {
            format!(", {} hired beyond capacity", num(st.hired))
        } else {
            String::new()
        }
    );
    let _ = writeln!(b, "<h2 id=\"timeline\">Timeline by team</h2>");
    b.push_str(&timeline_svg(plan));
    let _ = writeln!(
        b,
        r#"<table><caption>Load per team: person-quarters used of those available</caption><thead><tr><th scope="col">Team</th>{}</tr></thead><tbody>"#,
        plan.quarters
            .iter()
            .map(|q| format!(r#"<th class="num" scope="col">{}</th>"#, e(q)))
            .collect::<String>()
    );
    for (t, team) in p.teams.iter().enumerate() {
        if plan.load[t].iter().all(|x| *x == 0.0) {
            continue;
        }
        let cells: String = (0..p.quarters)
            .map(|q| {
                format!(
                    r#"<td class="num">{} / {}</td>"#,
                    num(plan.load[t][q]),
                    num(team.capacity[q])
                )
            })
            .collect();
        let _ = writeln!(b, r#"<tr><th scope="row">{}</th>{cells}</tr>"#, e(&team.id));
    }
    b.push_str("</tbody></table>\n");
    b.push_str(&people(plan, &cur));
    if !plan.balance.is_empty() {
        let _ = writeln!(
            b,
            r#"<h2 id="balance">Balance</h2><table><caption>Balance rules as the plan meets them</caption><thead><tr><th scope="col">Rule</th><th scope="col">Asks</th><th class="num" scope="col">Achieved</th></tr></thead><tbody>"#
        );
        for x in &plan.balance {
            let achieved = if x.rule.contains('%') {
                format!("{}%", (x.achieved * 1000.0).round() / 10.0)
            } else {
                format!("{}", x.achieved)
            };
            let _ = writeln!(
                b,
                r#"<tr><th scope="row">{}</th><td>{}</td><td class="num">{achieved}</td></tr>"#,
                e(&x.name.replace('`', "")),
                e(&x.rule)
            );
        }
        b.push_str("</tbody></table>\n");
    }
    if plan.audiences.iter().any(|a| a.initiatives > 0) {
        let _ = writeln!(
            b,
            r#"<h2 id="audiences">Audiences</h2><table><caption>Share of the plan's effort spent on initiatives serving each audience (an initiative serving several counts for each)</caption><thead><tr><th scope="col">Audience</th><th scope="col">Kind</th><th class="num" scope="col">Initiatives</th><th class="num" scope="col">Share of effort</th><th scope="col"><span class="sr-only">Bar</span></th></tr></thead><tbody>"#
        );
        for a in plan.audiences.iter().filter(|a| a.initiatives > 0) {
            let kind = if a.kind == model::AudienceKind::EndUsers {
                "end users"
            } else {
                "organizing community"
            };
            let fill = if a.kind == model::AudienceKind::EndUsers { BAR } else { MUST };
            let width = (a.effort_share.clamp(0.0, 1.0) * 200.0).round();
            let _ = writeln!(
                b,
                r#"<tr><th scope="row">{}</th><td>{kind}</td><td class="num">{}</td><td class="num">{}%</td><td><svg xmlns="http://www.w3.org/2000/svg" width="200" height="12" role="img" aria-label="{}% of effort"><rect width="{width}" height="12" fill="{fill}"/></svg></td></tr>"#,
                e(&a.name),
                a.initiatives,
                (a.effort_share * 1000.0).round() / 10.0,
                (a.effort_share * 1000.0).round() / 10.0
            );
        }
        b.push_str("</tbody></table>\n");
    }
    if !plan.objectives.is_empty() {
        let _ = writeln!(b, r#"<h2 id="okrs">Objectives and key results</h2>"#);
        for o in &plan.objectives {
            let _ = writeln!(
                b,
                r#"<h3><a href="goals/{}.html">{}</a></h3><p>Expected change from the plan: <strong>{} {}</strong>, by {} initiatives.</p>"#,
                e(&o.goal),
                e(&o.name),
                num(o.expected_change),
                e(o.unit.as_deref().unwrap_or("")),
                o.initiatives.len()
            );
            if o.key_results.is_empty() {
                let _ = writeln!(
                    b,
                    r#"<p class="warn">No indicator with a target measures this goal or the outcomes the plan reaches on the way.</p>"#
                );
            } else {
                b.push_str("<ul>");
                for kr in &o.key_results {
                    let _ = write!(
                        b,
                        "<li>{}: from {} to {}; {}</li>",
                        e(&kr.name),
                        e(kr.baseline.as_deref().unwrap_or("no baseline")),
                        e(kr.target.as_deref().unwrap_or("no target")),
                        e(&kr.against_target())
                    );
                }
                b.push_str("</ul>\n");
            }
        }
    }
    if !plan.frontier.is_empty() {
        let _ = writeln!(b, r#"<h2 id="frontier">Efficient frontier</h2>"#);
        b.push_str(&frontier_svg(plan, &cur, &unit));
    }
    if !plan.marginals.is_empty() {
        let _ = writeln!(
            b,
            r#"<h2 id="marginal">What more would buy</h2><table><caption>Expected value gained by one more unit of each resource</caption><thead><tr><th scope="col">Resource</th><th scope="col">Added</th><th class="num" scope="col">Gain ({unit})</th></tr></thead><tbody>"#
        );
        for m in &plan.marginals {
            let _ = writeln!(
                b,
                r#"<tr><th scope="row">{}</th><td>{}</td><td class="num">{}</td></tr>"#,
                e(&m.resource.replace('`', "")),
                e(&m.added),
                num(m.gain)
            );
        }
        b.push_str("</tbody></table>\n");
    }
    let _ = writeln!(
        b,
        r#"<h2 id="reasons">Why each initiative is in or out</h2><table><caption>The reason for every decision</caption><thead><tr><th scope="col">Initiative</th><th scope="col">In</th><th scope="col">Quarter</th><th scope="col">Why</th></tr></thead><tbody>"#
    );
    let mut order: Vec<usize> = (0..plan.reasons.len()).collect();
    order.sort_by_key(|&i| (!plan.reasons[i].selected, i));
    for i in order {
        let r = &plan.reasons[i];
        let quarter = s.start[i].map_or(String::new(), |q| plan.quarters[q].clone());
        let _ = writeln!(
            b,
            r#"<tr><th scope="row"><a href="initiatives/{}.html">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            e(&r.id),
            e(&r.id),
            if r.selected { "yes" } else { "no" },
            e(&quarter),
            e(&r.text.replace('`', ""))
        );
    }
    b.push_str("</tbody></table>\n");
    b
}

/// Each team's person-quarters over the plan: used, idle (paid all the same), hired, and what
/// the idle ones cost.
fn people(plan: &AnnualPlan, cur: &str) -> String {
    let st = &plan.staffing;
    let rates = st.teams.iter().any(|t| t.rate.is_some());
    let hires = st.hired > 0.0;
    let mut b = String::new();
    let _ = write!(
        b,
        r#"<table><caption>People: person-quarters over the plan; a team's capacity is paid whether used or not</caption><thead><tr><th scope="col">Team</th><th class="num" scope="col">Used</th><th class="num" scope="col">Available</th><th class="num" scope="col">Idle</th>{}{}</tr></thead><tbody>"#,
        if hires { r#"<th class="num" scope="col">Hired</th>"# } else { "" },
        if rates {
            format!(r#"<th class="num" scope="col">Idle ({cur})</th>"#)
        } else {
            String::new()
        }
    );
    let row = |name: &str, used: f64, available: f64, idle: f64, hired: f64, cost: Option<f64>| {
        let mut r = format!(
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>"#,
            e(name),
            num(used),
            num(available),
            num(idle)
        );
        if hires {
            let _ = write!(r, r#"<td class="num">{}</td>"#, num(hired));
        }
        if rates {
            let _ = write!(r, r#"<td class="num">{}</td>"#, cost.map_or("—".to_string(), num));
        }
        r + "</tr>\n"
    };
    for t in &st.teams {
        b.push_str(&row(&t.team, t.used, t.available, t.idle, t.hired, t.idle_cost));
    }
    b.push_str(&row(
        &format!("All teams ({} used)", pct(st.share_used)),
        st.used,
        st.available,
        st.idle,
        st.hired,
        rates.then_some(st.idle_cost),
    ));
    b.push_str("</tbody></table>\n");
    b
}

/// A Gantt chart: a row per team with work, a column per quarter, a bar per initiative.
fn timeline_svg(plan: &AnnualPlan) -> String {
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
    let mut s = format!(
        r#"<figure><div class="diagram"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {total_h}" width="{w}" height="{total_h}" role="img" aria-label="Timeline of the plan by team and quarter" font-family="system-ui, sans-serif" font-size="11"><title>Timeline of the plan by team and quarter</title>"#
    );
    for (q, label) in plan.quarters.iter().enumerate() {
        let x = label_w + col_w * q as f64;
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="14" text-anchor="middle" fill="#333">{}</text><line x1="{x:.1}" y1="18" x2="{x:.1}" y2="{total_h}" stroke="#ddd"/>"##,
            x + col_w / 2.0,
            e(label)
        );
    }
    let mut y = header;
    for ((lanes, placed), &t) in rows.iter().zip(&teams) {
        let row_h = *lanes as f64 * (bar_h + gap) + 10.0;
        let _ = write!(
            s,
            r##"<text x="4" y="{:.1}" fill="#333">{}</text><line x1="0" y1="{:.1}" x2="{w}" y2="{:.1}" stroke="#eee"/>"##,
            y + 5.0 + bar_h * 0.75,
            e(&p.teams[t].id),
            y + row_h,
            y + row_h
        );
        for (lane, x) in placed {
            let bx = label_w + col_w * x.start as f64 + 3.0;
            let by = y + 5.0 + *lane as f64 * (bar_h + gap);
            let bw = col_w * x.duration as f64 - 6.0;
            let must = p.items.iter().find(|it| it.id == x.id).is_some_and(|it| it.must);
            let fill = if must { MUST } else { BAR };
            let max_chars = (bw / 6.2) as usize;
            let mut label = x.id.clone();
            if label.chars().count() > max_chars {
                label = label.chars().take(max_chars.saturating_sub(1)).collect::<String>() + "…";
            }
            let _ = write!(
                s,
                r##"<g><title>{} — team {}, {} quarter(s) from {}, {} person-quarters a quarter{}</title><rect x="{bx:.1}" y="{by:.1}" width="{bw:.1}" height="{bar_h}" rx="3" fill="{fill}"/><text x="{:.1}" y="{:.1}" fill="#fff">{}</text></g>"##,
                e(&x.id),
                e(x.team.as_deref().unwrap_or("")),
                x.duration,
                e(&x.label),
                num(x.load),
                if must { ", must do" } else { "" },
                bx + 4.0,
                by + bar_h * 0.75,
                e(&label)
            );
        }
        y += row_h;
    }
    s.push_str("</svg></div><figcaption class=\"legend\">Each bar is an initiative in the quarters its team works on it; amber bars are must-do work. Hover a bar for its details.</figcaption></figure>\n");
    s
}

/// Value against budget, with the plan's budget marked.
fn frontier_svg(plan: &AnnualPlan, cur: &str, unit: &str) -> String {
    let pts: Vec<(f64, f64)> =
        plan.frontier.iter().filter_map(|f| f.objective.map(|v| (f.budget, v))).collect();
    if pts.len() < 2 {
        return "<p>Not enough feasible budgets to draw the frontier.</p>".into();
    }
    let (w, h, left, bottom, top, right) = (640.0, 300.0, 70.0, 40.0, 14.0, 20.0);
    let max_x = pts.iter().map(|p| p.0).fold(0.0, f64::max).max(1e-9);
    let max_y = pts.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-9);
    let min_y = pts.iter().map(|p| p.1).fold(0.0, f64::min);
    let sx = |x: f64| left + (w - left - right) * x / max_x;
    let sy = |y: f64| top + (h - top - bottom) * (1.0 - (y - min_y) / (max_y - min_y).max(1e-9));
    let path: Vec<String> =
        pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y))).collect();
    let mut s = format!(
        r##"<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Efficient frontier: best expected value at each budget" font-family="system-ui, sans-serif" font-size="11"><title>Efficient frontier</title><line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/><line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="#333"/><polyline points="{}" fill="none" stroke="{BAR}" stroke-width="2"/>"##,
        h - bottom,
        w - right,
        h - bottom,
        h - bottom,
        path.join(" ")
    );
    for &(x, y) in &pts {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{BAR}"><title>budget {} {cur}: value {} {unit}</title></circle>"##,
            sx(x),
            sy(y),
            num(x),
            num(y)
        );
    }
    if let Some(b) = plan.problem.budget
        && b <= max_x
    {
        let _ = write!(
            s,
            r##"<line x1="{:.1}" y1="{top}" x2="{:.1}" y2="{:.1}" stroke="{MUST}" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" fill="{MUST}">this plan's budget</text>"##,
            sx(b),
            sx(b),
            h - bottom,
            sx(b) + 4.0,
            top + 10.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">budget ({cur})</text><text x="{left}" y="{:.1}" text-anchor="middle" fill="#333">0</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text><text x="12" y="{:.1}" fill="#333" transform="rotate(-90 12 {:.1})" text-anchor="middle">value ({unit})</text></svg><figcaption class="legend">The best plan's expected value at each budget, every other rule held fixed. Where the curve flattens, more money buys little; budgets left of the first point cannot pay for the must-do work and the balance rules.</figcaption></figure>"##,
        (left + w - right) / 2.0,
        h - 8.0,
        h - bottom + 14.0,
        w - right,
        h - bottom + 14.0,
        num(max_x),
        left - 4.0,
        sy(max_y) + 4.0,
        num(max_y),
        left - 4.0,
        sy(min_y) + 4.0,
        num(min_y),
        h / 2.0,
        h / 2.0
    );
    s
}

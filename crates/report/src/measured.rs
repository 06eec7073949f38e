//! Pages built from measurements: the quarterly check-in (an RBA chart per key result: history,
//! baseline, forecast, target) and the evaluations of shipped work (observed against the
//! counterfactual, and each tested link's effect before and after).

use evaluate::checkin::{CheckIn, KeyResult, RbaPrompt};
use model::Date;

pub use analysis::{EvaluationShown, Measured};

use crate::page::{
    Arg, Col, Lang, Markup, Rows, f1, figure, html, leaf, mark, mark_words, meaning, num, rich,
    signed, t, table, table_note, warn,
};

const LINE: &str = "#1f5f99";
const TARGET: &str = "#b06d00";
const MUTED: &str = "#777";

/// Maps dates and values onto a plot area.
struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 34.0;

impl Frame {
    fn new(xs: &[f64], ys: &[f64]) -> Frame {
        let lo = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut y0, mut y1) = (lo(ys), hi(ys));
        if !(y0.is_finite() && y1.is_finite()) {
            (y0, y1) = (0.0, 1.0);
        }
        let pad = ((y1 - y0) * 0.08).max(y1.abs() * 1e-6).max(1e-9);
        let (x0, x1) = (lo(xs), hi(xs).max(lo(xs) + 1.0));
        Frame { x0, x1, y0: y0 - pad, y1: y1 + pad }
    }
    fn x(&self, d: f64) -> f64 {
        LEFT + (W - LEFT - RIGHT) * (d - self.x0) / (self.x1 - self.x0)
    }
    fn y(&self, v: f64) -> f64 {
        TOP + (H - TOP - BOTTOM) * (1.0 - (v - self.y0) / (self.y1 - self.y0))
    }
    /// Points as an SVG `points` list.
    fn points(&self, pts: impl IntoIterator<Item = (f64, f64)>) -> String {
        let p: Vec<String> =
            pts.into_iter().map(|(x, y)| format!("{:.1},{:.1}", self.x(x), self.y(y))).collect();
        p.join(" ")
    }
    fn axes(&self, lang: Lang) -> Markup {
        let (b, r) = (f1(H - BOTTOM), f1(W - RIGHT));
        let (lx, dy) = (f1(LEFT - 4.0), f1(H - BOTTOM + 16.0));
        html! {
            (leaf("line", &[("x1", &LEFT), ("y1", &b), ("x2", &r), ("y2", &b), ("stroke", &"#333")]))
            (leaf("line", &[("x1", &LEFT), ("y1", &TOP), ("x2", &LEFT), ("y2", &b), ("stroke", &"#333")]))
            text x=(lx) y=(f1(TOP + 8.0)) text-anchor="end" { (num(lang, self.y1)) }
            text x=(lx) y=(b) text-anchor="end" { (num(lang, self.y0)) }
            text x=(LEFT) y=(dy) { (Date::from_day_number(self.x0.round() as i64)) }
            text x=(r) y=(dy) text-anchor="end" { (Date::from_day_number(self.x1.round() as i64)) }
        }
    }
    /// A line through `pts`, dashed or solid.
    fn polyline(&self, pts: &[(f64, f64)], color: &str, dash: bool) -> Markup {
        let points = self.points(pts.iter().copied());
        if dash {
            leaf(
                "polyline",
                &[
                    ("points", &points),
                    ("fill", &"none"),
                    ("stroke", &color),
                    ("stroke-width", &2),
                    ("stroke-dasharray", &"5 4"),
                ],
            )
        } else {
            leaf(
                "polyline",
                &[("points", &points), ("fill", &"none"), ("stroke", &color), ("stroke-width", &2)],
            )
        }
    }
    /// The vertical line of a deployment.
    fn deployed(&self, d: Date) -> Markup {
        let x = f1(self.x(day(d)));
        leaf(
            "line",
            &[
                ("x1", &x),
                ("y1", &TOP),
                ("x2", &x),
                ("y2", &f1(H - BOTTOM)),
                ("stroke", &TARGET),
                ("stroke-dasharray", &"4 3"),
            ],
        )
    }
}

fn day(d: Date) -> f64 {
    d.day_number() as f64
}

/// A chart of the plot area's size, titled `label`.
fn chart(label: &str, content: Markup) -> Markup {
    crate::page::svg(W, H, label, Some(label), 11, content)
}

/// The RBA chart of a key result: history, baseline, forecast with its interval, target.
fn rba_chart(lang: Lang, k: &KeyResult) -> Option<Markup> {
    let mut xs: Vec<f64> = k.history.iter().map(|p| day(p.0)).collect();
    let mut ys: Vec<f64> = k.history.iter().map(|p| p.1).collect();
    if let Some(b) = &k.baseline {
        xs.push(day(b.date));
        ys.push(b.value);
    }
    if let Some(t) = &k.target {
        xs.push(day(t.date));
        ys.push(t.value);
    }
    if let Some(f) = &k.forecast {
        ys.extend([f.low, f.high]);
    }
    if xs.len() < 2 {
        return None;
    }
    let f = Frame::new(&xs, &ys);
    let pts: Vec<(f64, f64)> = k.history.iter().map(|p| (day(p.0), p.1)).collect();
    let content = html! {
        (f.axes(lang))
        @if let (Some(fc), Some(&(d, v))) = (&k.forecast, k.history.last()) {
            polygon points=(f.points([(day(d), v), (day(fc.date), fc.high), (day(fc.date), fc.low)])) fill=(LINE) fill-opacity="0.15" {
                title {
                    (t!(lang, "throughline-checkin-forecast-interval", lang.decimal(fc.level * 100.0, 0), num(lang, fc.low), num(lang, fc.high)))
                }
            }
            (f.polyline(&[(day(d), v), (day(fc.date), fc.mean)], LINE, true))
        }
        @if let Some(b) = &k.baseline {
            @let y = f1(f.y(b.value));
            (leaf("line", &[
                ("x1", &LEFT),
                ("y1", &y),
                ("x2", &f1(W - RIGHT)),
                ("y2", &y),
                ("stroke", &MUTED),
                ("stroke-dasharray", &"2 3"),
            ]))
            text x=(f1(LEFT + 4.0)) y=(f1(f.y(b.value) - 3.0)) fill=(MUTED) { (t!(lang, "throughline-checkin-chart-baseline", num(lang, b.value))) }
        }
        @if pts.len() > 1 { (f.polyline(&pts, LINE, false)) }
        @for &(x, y) in &pts {
            (leaf("circle", &[("cx", &f1(f.x(x))), ("cy", &f1(f.y(y))), ("r", &2.5), ("fill", &LINE)]))
        }
        @if let Some(t) = &k.target {
            @let (x, y) = (f.x(day(t.date)), f.y(t.value));
            path d=(format!("M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z", y - 6.0, x + 6.0, y + 6.0, x - 6.0)) fill=(TARGET) {
                title { (t!(lang, "throughline-checkin-chart-target-by", num(lang, t.value), t.date.to_string())) }
            }
            text x=(f1(x - 8.0)) y=(f1(y - 6.0)) text-anchor="end" fill=(TARGET) { (t!(lang, "throughline-checkin-chart-target")) }
        }
    };
    Some(chart(&t!(lang, "throughline-checkin-chart-label", &k.name), content))
}

/// A key result's computed status in the page's language (the words of
/// [`evaluate::trend::Status`]).
fn status_word(lang: Lang, s: evaluate::trend::Status) -> String {
    use evaluate::trend::Status;
    match s {
        Status::Met => t!(lang, "throughline-checkin-met"),
        Status::OnTrack => t!(lang, "throughline-light-on-track"),
        Status::AtRisk => t!(lang, "throughline-light-at-risk"),
        Status::OffTrack => t!(lang, "throughline-light-off-track"),
        Status::NoData => t!(lang, "throughline-light-no-data"),
    }
}

fn status_class(k: &KeyResult) -> &'static str {
    use evaluate::trend::Status;
    match k.status {
        Status::Met | Status::OnTrack => "ok",
        Status::AtRisk => "warn",
        Status::OffTrack => "bad",
        Status::NoData => "muted",
    }
}

/// The plan's part in a key result's forecast and the plan initiatives that carry it; nothing
/// without a saved plan.
fn planned_part(lang: Lang, k: &KeyResult) -> Markup {
    use evaluate::checkin::Counted;
    let Some(pl) = &k.planned else { return html! {} };
    let unit = k.unit.as_deref().unwrap_or("");
    html! {
        @if let Some(t) = &k.trend {
            p {
                (t!(lang, "throughline-checkin-forecast-sum", num(lang, t.mean), unit, num(lang, pl.mean), num(lang, pl.sd)))
            }
        }
        p {
            (t!(lang, "throughline-checkin-carried-by")) " "
            @if pl.carriers.is_empty() { (t!(lang, "throughline-checkin-carried-by-nothing")) }
            @for (n, c) in pl.carriers.iter().enumerate() {
                @if n > 0 { ", " }
                a href={ "initiatives/" (c.id) ".html" } { (c.id) }
                " ("
                (t!(
                    lang,
                    "throughline-checkin-carrier",
                    num(lang, c.expected_change),
                    unit,
                    c.ships.to_string(),
                    match c.counted {
                        Counted::InForecast => t!(lang, "throughline-checkin-in-forecast"),
                        Counted::InData => t!(lang, "throughline-checkin-in-data"),
                        Counted::AfterTarget => t!(lang, "throughline-checkin-too-late"),
                    }
                ))
                ")"
            }
        }
    }
}

/// One key result's row of the check-in table, labelled with its code in the plan's structure
/// when it has one.
fn checkin_row(
    lang: Lang,
    k: &KeyResult,
    code: Option<&str>,
    team: Option<model::TeamStatus>,
) -> Markup {
    html! {
        tr {
            th scope="row" {
                @if let Some(c) = code { (c) " " }
                a href={ "#" (k.indicator) } { (k.name) } (mark(lang, k.provenance))
            }
            td class="num" {
                @match &k.baseline { Some(v) => { (num(lang, v.value)) " (" (v.date) ")" } None => "—", }
            }
            td class="num" {
                @match k.latest { Some((d, v)) => { (num(lang, v)) " (" (d) ")" } None => (t!(lang, "throughline-light-no-data")), }
            }
            td class="num" {
                @match &k.target { Some(v) => (t!(lang, "throughline-checkin-by", num(lang, v.value), v.date.to_string())), None => "—", }
            }
            td class="num" {
                @match &k.forecast {
                    Some(f) => { (num(lang, f.mean)) " (" (num(lang, f.low)) " – " (num(lang, f.high)) ")" }
                    None => "—",
                }
            }
            td class="num" {
                @match k.probability { Some(p) => (crate::page::percent(lang, p * 100.0, 0)), None => "—" }
            }
            @match team {
                // The team's call, with the computed status beside it: a disagreement shown,
                // not hidden.
                Some(t) => td class=(team_status_class(t)) {
                    (t!(lang, "throughline-checkin-team-computed", team_status_word(lang, t), status_word(lang, k.status)))
                },
                None => td class=(status_class(k)) { (status_word(lang, k.status)) },
            }
        }
    }
}

/// The check-in page body: key results grouped by the plan's objectives when the model writes
/// its structure (`planning.buckets`).
/// The team's latest note on a key result for the check-in's quarter, and how many notes it has
/// in all (the history).
fn note_of<'a>(
    notes: &'a [model::CheckinNote],
    k: &KeyResult,
    quarter: model::Quarter,
) -> (Option<&'a model::CheckinNote>, usize) {
    let all: Vec<&model::CheckinNote> =
        notes.iter().filter(|n| n.key_result == k.indicator).collect();
    (all.iter().rev().find(|n| n.quarter == quarter).copied(), all.len())
}

/// The status words of a team's override, as the check-in shows statuses.
fn team_status_word(lang: Lang, s: model::TeamStatus) -> String {
    match s {
        model::TeamStatus::Met => t!(lang, "throughline-checkin-met"),
        model::TeamStatus::OnTrack => t!(lang, "throughline-light-on-track"),
        model::TeamStatus::AtRisk => t!(lang, "throughline-light-at-risk"),
        model::TeamStatus::OffTrack => t!(lang, "throughline-light-off-track"),
        model::TeamStatus::NoData => t!(lang, "throughline-light-no-data"),
    }
}

fn team_status_class(s: model::TeamStatus) -> &'static str {
    match s {
        model::TeamStatus::Met | model::TeamStatus::OnTrack => "ok",
        model::TeamStatus::AtRisk => "warn",
        model::TeamStatus::OffTrack => "bad",
        model::TeamStatus::NoData => "muted",
    }
}

/// What the team said at the meeting: the story behind the curve, partners, what works, the
/// decision and a status override with its reason.
fn note_part(lang: Lang, note: Option<&model::CheckinNote>, count: usize) -> Markup {
    let Some(n) = note else {
        return html! {
            @if count > 0 { p class="legend" { (t!(lang, "throughline-checkin-earlier-notes", count)) } }
        };
    };
    html! {
        div class="checkin-note" {
            h3 { (t!(lang, "throughline-checkin-account")) }
            dl {
                @if let Some(t) = &n.story { dt { (t!(lang, "throughline-checkin-story")) } dd { (t) } }
                @if let Some(t) = &n.partners { dt { (t!(lang, "throughline-checkin-partners")) } dd { (t) } }
                @if let Some(t) = &n.what_works { dt { (t!(lang, "throughline-checkin-what-works")) } dd { (t) } }
                @if let Some(d) = n.decision { dt { (t!(lang, "throughline-ws-checkin-decision")) } dd { strong { (d.word()) } } }
                @if let Some(s) = n.status {
                    dt { (t!(lang, "throughline-checkin-team-status")) }
                    dd {
                        span class=(team_status_class(s)) { (team_status_word(lang, s)) }
                        @if let Some(r) = &n.reason { " — " (r) }
                    }
                }
            }
            p class="legend" {
                @if let Some(a) = &n.author { (t!(lang, "throughline-checkin-by-author", a)) }
                @if let Some(d) = n.date { " " (t!(lang, "throughline-checkin-on-date", d.to_string())) }
                @if count > 1 { "; " (t!(lang, "throughline-checkin-notes-in-all", count)) }
                "."
            }
        }
    }
}

pub(crate) fn checkin_body(
    lang: Lang,
    ci: Option<&CheckIn>,
    planning: &model::Planning,
    notes: &[model::CheckinNote],
) -> Markup {
    let Some(ci) = ci else {
        return html! {
            h1 { (t!(lang, "throughline-checkin-quarterly")) }
            p {
                (crate::page::rich(lang, "throughline-checkin-no-measurements", &[crate::page::Arg::Slot, crate::page::Arg::Slot], &[(1, html! { code { "source" } }), (2, html! { code { "throughline import" } })]))
            }
        };
    };
    // In the order of the statuses' English words, as `CheckIn::counts` keeps them.
    let counts: Vec<String> = ci
        .counts()
        .iter()
        .filter_map(|(word, n)| {
            let k = ci.key_results.iter().find(|k| k.status.to_string() == *word)?;
            Some(t!(lang, "throughline-checkin-count", *n, status_word(lang, k.status)))
        })
        .collect();
    let heads = [
        t!(lang, "throughline-ws-checkin-key-result"),
        t!(lang, "throughline-col-baseline"),
        t!(lang, "throughline-checkin-col-latest"),
        t!(lang, "throughline-col-target"),
        t!(lang, "throughline-checkin-col-forecast"),
        t!(lang, "throughline-checkin-col-p-met"),
        t!(lang, "throughline-fact-status"),
    ];
    let cols: &[Col<'_>] = &heads.iter().map(|h| (h.as_str(), false)).collect::<Vec<_>>();
    let of = |id: &model::Id| ci.key_results.iter().find(|k| &k.indicator == id);
    let team = |k: &KeyResult| note_of(notes, k, ci.quarter).0.and_then(|n| n.status);
    // With the plan's structure written, one table per objective, its key results by code;
    // the indicators with targets that no key result names follow in a table of their own.
    let in_structure: Vec<&model::Id> =
        planning.key_results().map(|(_, _, k)| &k.indicator).collect();
    let tables = if planning.buckets.is_empty() {
        table(
            &t!(lang, "throughline-checkin-key-results"),
            cols,
            html! { @for k in &ci.key_results { (checkin_row(lang, k, None, team(k))) } },
        )
    } else {
        let others: Vec<&KeyResult> =
            ci.key_results.iter().filter(|k| !in_structure.contains(&&k.indicator)).collect();
        html! {
            p {
                (crate::page::rich(lang, "throughline-checkin-grouped", &[crate::page::Arg::Slot], &[(1, html! { a href="plan.html#okrs" { (t!(lang, "throughline-checkin-the-plan")) } })]))
            }
            @for b in &planning.buckets {
                @for o in &b.objectives {
                    @if o.key_results.iter().any(|k| of(&k.indicator).is_some()) {
                        (table(
                            &format!("{} · {} {}", b.id, o.id, o.name),
                            cols,
                            html! {
                                @for pk in &o.key_results {
                                    @if let Some(k) = of(&pk.indicator) {
                                        (checkin_row(lang, k, Some(pk.id.as_str()), team(k)))
                                    }
                                }
                            },
                        ))
                        "\n"
                    }
                }
            }
            @if !others.is_empty() {
                (table(&t!(lang, "throughline-checkin-other-indicators"), cols, html! { @for k in others { (checkin_row(lang, k, None, team(k))) } }))
            }
        }
    };
    html! {
        h1 { (t!(lang, "throughline-checkin-title", ci.quarter.to_string())) }
        p {
            @let word = |text: String| html! { strong { (text) } };
            (rich(
                lang,
                "throughline-checkin-status-rule",
                &[Arg::Text(ci.as_of.to_string()), Arg::Slot, Arg::Slot, Arg::Slot, Arg::Slot, Arg::Slot],
                &[
                    (2, word(t!(lang, "throughline-checkin-met"))),
                    (3, word(t!(lang, "throughline-light-on-track"))),
                    (4, word(t!(lang, "throughline-light-at-risk"))),
                    (5, word(t!(lang, "throughline-light-off-track"))),
                    (6, word(t!(lang, "throughline-checkin-rule-no-data"))),
                ],
            ))
        }
        p { strong { (counts.join(", ")) } }
        (table_note(lang, ci.provenances(), Rows::KeyResults))
        (tables)
        @for k in &ci.key_results {
            section id=(k.indicator) {
                h2 { (k.name) " " span class=(status_class(k)) { (status_word(lang, k.status)) } (mark(lang, k.provenance)) }
                @match rba_chart(lang, k) {
                    None => p { (t!(lang, "throughline-checkin-nothing-to-draw")) },
                    Some(chart) => (figure(&chart, &t!(
                        lang,
                        "throughline-checkin-chart-caption",
                        k.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default(),
                        k.forecast.as_ref().map_or(80.0, |f| f.level * 100.0).to_string()
                    ))),
                }
                (planned_part(lang, k))
                @let (note, count) = note_of(notes, k, ci.quarter);
                (note_part(lang, note, count))
                @if !k.initiatives.is_empty() {
                    p {
                        (t!(lang, "throughline-checkin-behind-it")) " "
                        @for (n, i) in k.initiatives.iter().enumerate() {
                            @if n > 0 { ", " }
                            a href={ "initiatives/" (i.id) ".html" } { (i.name) }
                            " (" (i.status)
                            @if !i.tracker.is_empty() { "; " (i.tracker.join(", ")) }
                            ")"
                        }
                    }
                }
            }
        }
        h2 { (t!(lang, "throughline-checkin-stories")) }
        p { (t!(lang, "throughline-checkin-rba-asks")) }
        ul {
            @for p in &ci.prompts {
                li {
                    @match p {
                        RbaPrompt::Story => (t!(lang, "throughline-rba-prompt-story")),
                        RbaPrompt::Partners => (t!(lang, "throughline-rba-prompt-partners")),
                        RbaPrompt::WhatWorks => (t!(lang, "throughline-rba-prompt-what-works")),
                        RbaPrompt::NextQuarter => (t!(lang, "throughline-rba-prompt-next")),
                        RbaPrompt::Data => (t!(lang, "throughline-rba-prompt-data")),
                    }
                }
            }
        }
    }
}

fn effect_chart(lang: Lang, ev: &EvaluationShown) -> Option<Markup> {
    let fitted = &ev.estimate.fitted;
    if fitted.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = fitted.iter().map(|p| day(p.date)).collect();
    let ys: Vec<f64> = fitted.iter().flat_map(|p| [p.observed, p.counterfactual]).collect();
    let f = Frame::new(&xs, &ys);
    let obs: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.observed)).collect();
    let cf: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.counterfactual)).collect();
    let content = html! {
        (f.axes(lang))
        (f.polyline(&cf, MUTED, true))
        (f.polyline(&obs, LINE, false))
        @if let Some(d) = ev.deployed {
            (f.deployed(d))
            text x=(f1(f.x(day(d)) + 4.0)) y=(f1(TOP + 10.0)) fill=(TARGET) { (t!(lang, "throughline-eval-deployed", d.to_string())) }
        }
    };
    Some(chart(&t!(lang, "throughline-eval-effect-chart", &ev.indicator), content))
}

/// The effect by period: the treated series' effect with its pointwise band, each placebo's
/// (a comparison series treated as if it had received the change) in grey behind it, zero and
/// the deployment. A real effect stands out of the placebos after the line and not before.
fn effect_path_chart(lang: Lang, ev: &EvaluationShown) -> Option<Markup> {
    let est = &ev.estimate;
    let fitted = &est.fitted;
    if fitted.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = fitted.iter().map(|p| day(p.date)).collect();
    let mut ys: Vec<f64> = fitted.iter().flat_map(|p| [p.low, p.high]).collect();
    ys.push(0.0);
    if let Some(ps) = &est.placebos {
        ys.extend(ps.units.iter().flat_map(|u| u.path.iter().copied()));
    }
    let f = Frame::new(&xs, &ys);
    let band = f.points(
        fitted
            .iter()
            .map(|p| (day(p.date), p.high))
            .chain(fitted.iter().rev().map(|p| (day(p.date), p.low))),
    );
    let zero = f1(f.y(0.0));
    let path: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.effect)).collect();
    let content = html! {
        (f.axes(lang))
        (leaf("polygon", &[("points", &band), ("fill", &LINE), ("fill-opacity", &"0.15"), ("stroke", &"none")]))
        @if let Some(ps) = &est.placebos {
            @for u in &ps.units {
                polyline points=(f.points(xs.iter().copied().zip(u.path.iter().copied()))) fill="none" stroke=(MUTED) stroke-opacity="0.5" stroke-width="1" {
                    title { (t!(lang, "throughline-eval-placebo", &u.name)) }
                }
            }
        }
        (leaf("line", &[
            ("x1", &LEFT),
            ("y1", &zero),
            ("x2", &f1(W - RIGHT)),
            ("y2", &zero),
            ("stroke", &"#333"),
            ("stroke-dasharray", &"2 2"),
        ]))
        (f.polyline(&path, LINE, false))
        @if let Some(d) = ev.deployed { (f.deployed(d)) }
    };
    Some(chart(
        &t!(lang, "throughline-eval-path-chart", &ev.indicator, lang.decimal(est.level * 100.0, 0)),
        content,
    ))
}

/// An evidence strength as the design's verdict names it, in the page's language.
fn strength_word(lang: Lang, s: model::Strength) -> String {
    match s {
        model::Strength::Strong => t!(lang, "throughline-eval-strong"),
        model::Strength::Moderate => t!(lang, "throughline-eval-moderate"),
        model::Strength::Weak => t!(lang, "throughline-eval-weak"),
        model::Strength::Anecdotal => t!(lang, "throughline-eval-anecdotal"),
    }
}

/// An estimator's name as the page shows it ([`evaluate::Method`]'s words, in the page's
/// language).
fn method_name(lang: Lang, m: evaluate::Method) -> String {
    use evaluate::Method;
    match m {
        Method::InterruptedTimeSeries => t!(lang, "throughline-eval-method-its"),
        Method::DifferenceInDifferences => t!(lang, "throughline-eval-method-did"),
        Method::SyntheticControl => t!(lang, "throughline-eval-method-synth"),
        Method::SyntheticControlClassic => t!(lang, "throughline-eval-method-synth-classic"),
        Method::SyntheticDid => t!(lang, "throughline-eval-method-sdid"),
        Method::TwoGroup => t!(lang, "throughline-eval-method-two-group"),
    }
}

/// A p-value as the page writes it: three decimals, in the language's digits.
fn p_value(lang: Lang, p: f64) -> String {
    lang.decimal(p, 3)
}

/// Whether the data are real (from the store's provenance of the series used), the design's
/// verdict and the placebo results.
fn design_paragraph(lang: Lang, ev: &EvaluationShown) -> Markup {
    let est = &ev.estimate;
    let j = evaluate::strength::judge(&est.design, est.effect, est.se);
    // One paragraph for the design checks: in-space placebos, then the in-time placebo.
    let mut checks = Vec::new();
    if let Some(p) = &est.placebos {
        checks.push(t!(
            lang,
            "throughline-eval-in-space",
            p.units.len(),
            num(lang, p.ratio),
            p.rank,
            p.units.len() + 1,
            p_value(lang, p.p_value)
        ));
    }
    if let Some(t) = &est.in_time {
        checks.push(t!(
            lang,
            "throughline-eval-in-time",
            t.date.to_string(),
            num(lang, t.effect),
            lang.decimal(est.level * 100.0, 0),
            num(lang, t.low),
            num(lang, t.high),
            p_value(lang, t.p_value)
        ));
    }
    html! {
        @if let (Some(m), Some(caveat)) = (mark_words(lang, ev.data), meaning(lang, ev.data)) {
            p class="warn" { strong { (t!(lang, "throughline-eval-on-data", m)) } " " (caveat) }
        }
        p {
            @let word = html! { strong { (strength_word(lang, j.strength)) } };
            @if j.reasons.is_empty() {
                (rich(lang, "throughline-eval-strength", &[Arg::Slot], &[(1, word)]))
            } @else {
                (rich(lang, "throughline-eval-strength-because", &[Arg::Slot], &[(1, word)]))
            }
        }
        @if !j.reasons.is_empty() { ul { @for r in &j.reasons { li { (r) } } } }
        @if !checks.is_empty() { p { (checks.join(" ")) } }
    }
}

fn dist(lang: Lang, d: &model::Distribution) -> String {
    let (lo, hi) = (simulate::sampler::quantile(d, 0.05), simulate::sampler::quantile(d, 0.95));
    t!(lang, "throughline-eval-distribution", num(lang, d.mean()), num(lang, lo), num(lang, hi))
}

/// One evaluation: the estimate, the design's verdict, the charts, the details and the link
/// updates.
fn evaluation(lang: Lang, ev: &EvaluationShown) -> Markup {
    let est = &ev.estimate;
    html! {
        section id=(ev.initiative) {
            h2 {
                (rich(
                    lang,
                    "throughline-eval-heading",
                    &[Arg::Slot, Arg::Text(ev.indicator.to_string())],
                    &[(1, html! { a href={ "initiatives/" (ev.initiative) ".html" } { (ev.initiative) } })],
                ))
                (mark(lang, ev.data))
            }
            p {
                (rich(
                    lang,
                    "throughline-eval-estimate",
                    &[
                        Arg::Text(method_name(lang, est.method)),
                        Arg::Slot,
                        Arg::Text(est.relative().map(|r| format!(" ({})", t!(lang, "throughline-percent", signed(lang, r * 100.0, 1)))).unwrap_or_default()),
                        Arg::Text(lang.decimal(est.level * 100.0, 0)),
                        Arg::Text(num(lang, est.low)),
                        Arg::Text(num(lang, est.high)),
                        Arg::Text(p_value(lang, est.p_value)),
                    ],
                    &[(2, html! { strong { (num(lang, est.effect)) } })],
                ))
                @if let Some(p) = ev.predicted {
                    " " (t!(lang, "throughline-eval-in-unit", num(lang, ev.scale), num(lang, est.effect * ev.scale), num(lang, p)))
                }
            }
            (design_paragraph(lang, ev))
            @if let Some(chart) = effect_chart(lang, ev) {
                (figure(&chart, &t!(lang, "throughline-eval-effect-caption")))
            }
            @if let Some(path) = effect_path_chart(lang, ev) {
                (figure(&path, &t!(lang, "throughline-eval-path-caption", lang.decimal(est.level * 100.0, 0))))
            }
            table {
                caption { (t!(lang, "throughline-eval-details")) }
                tbody {
                    @for t in &est.terms {
                        tr {
                            th scope="row" { (t.name) }
                            td class="num" { (num(lang, t.value)) @if let Some(s) = t.se { " ± " (num(lang, s)) } }
                        }
                    }
                }
            }
            ul { @for n in &est.notes { li { (n) } } }
            @match &ev.updates {
                Ok(ups) if !ups.is_empty() => {
                    (table(
                        &t!(lang, "throughline-eval-updates-caption"),
                        &[
                            (&t!(lang, "throughline-eval-col-link"), false),
                            (&t!(lang, "throughline-eval-col-prior"), false),
                            (&t!(lang, "throughline-eval-col-posterior"), false),
                        ],
                        html! {
                            @for u in ups {
                                tr {
                                    th scope="row" { (u.from) " → " (u.to) }
                                    td { (dist(lang, &u.prior)) }
                                    td { (dist(lang, &u.posterior)) }
                                }
                            }
                        },
                    ))
                }
                Ok(_) => {}
                Err(why) => (warn(&t!(lang, "throughline-eval-no-update", why))),
            }
        }
    }
}

/// The evaluations page body.
pub(crate) fn evaluations_body(lang: Lang, evals: &[EvaluationShown]) -> Markup {
    html! {
        h1 { (t!(lang, "throughline-nav-evaluations")) }
        p {
            (rich(
                lang,
                "throughline-eval-intro",
                &[Arg::Slot, Arg::Slot],
                &[(1, html! { code { "evaluations.yaml" } }), (2, html! { code { "throughline evaluate --write" } })],
            ))
        }
        @if evals.is_empty() {
            p { (t!(lang, "throughline-eval-none")) }
        }
        @for ev in evals { (evaluation(lang, ev)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use evaluate::Point;
    use model::Provenance;

    /// A weekly panel of six comparison series and a treated one that gains 5 from week 30.
    fn shown(data: Provenance) -> EvaluationShown {
        let start = Date::new(2026, 1, 5).expect("a date").day_number();
        let dates: Vec<Date> = (0..40).map(|i| Date::from_day_number(start + 7 * i)).collect();
        let wobble = |t: usize, u: usize| ((t * (u + 3) + u) % 7) as f64 * 0.4;
        let series = |u: usize, lift: f64| -> Vec<Point> {
            (0..40)
                .map(|t| {
                    (
                        dates[t],
                        50.0 + 3.0 * u as f64 + wobble(t, u) + if t >= 30 { lift } else { 0.0 },
                    )
                })
                .collect()
        };
        let donors: Vec<(String, Vec<Point>)> =
            (1..=6).map(|u| (format!("region_{u}"), series(u, 0.0))).collect();
        let mut estimate =
            evaluate::synth::synthetic_control(&series(0, 5.0), &donors, dates[30], 0.95)
                .expect("an estimate");
        estimate.design.synthetic_data = !data.is_measured();
        EvaluationShown {
            initiative: "work".into(),
            indicator: "ind".into(),
            deployed: Some(dates[30]),
            estimate,
            predicted: None,
            scale: 1.0,
            updates: Ok(Vec::new()),
            data,
        }
    }

    #[test]
    fn the_page_draws_the_effect_path_with_its_band_and_every_placebo() {
        let body = evaluations_body(Lang::EN, &[shown(Provenance::Measured)]).into_string();
        assert!(body.contains("ind: effect by period with its 95% band, and placebos"), "{body}");
        assert_eq!(body.matches("<title>placebo: region_").count(), 6);
        assert_eq!(body.matches("fill-opacity=\"0.15\"").count(), 1, "one band");
        assert!(body.contains("In-space placebos: each of the 6 comparison series"));
        assert!(body.contains("In-time placebo"));
        assert!(body.contains("Evidence strength from the design: <strong>"));
        assert!(!body.contains("synthetic data"));
        assert!(!body.contains("class=\"warn\""));
    }

    #[test]
    fn synthetic_data_are_named_and_never_strong() {
        let body = evaluations_body(Lang::EN, &[shown(Provenance::Synthetic)]).into_string();
        assert!(body.contains("ind <small class=\"warn\">synthetic data</small></h2>"), "{body}");
        assert!(body.contains("<strong>On synthetic data.</strong> Synthetic data are generated"));
        assert!(!body.contains("<strong>strong</strong>"));
        assert!(body.contains("the data are marked synthetic"));
        let body = evaluations_body(Lang::EN, &[shown(Provenance::Illustrative)]).into_string();
        assert!(body.contains("<strong>On illustrative data.</strong> Illustrative data are"));
    }
}

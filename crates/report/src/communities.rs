//! The communities page: each community's metrics with the definitions' version and the
//! coverage next to the numbers, totals without double counting, and positive deviance as an
//! interval chart (observed share with its interval against the expected share).

use communities::definition::{Anchor, Definition, Window};
use communities::deviance::Expectation;
use communities::metrics::Outcome;
use communities::summary::{Row, Summary};

use crate::page::{
    Arg, Lang, Markup, Rows, html, leaf, mark, num, outside_link, percent, rich, signed, t, table,
    table_note,
};

fn pct(lang: Lang, v: Option<f64>) -> String {
    v.map_or("–".into(), |s| percent(lang, 100.0 * s, 0))
}

/// A count in the language's digits, as [`Arg::Count`] writes the counts beside it.
fn count(lang: Lang, n: u64) -> String {
    lang.int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Seconds in a day, as the definitions count their windows.
const DAY: i64 = 86_400;

/// How a window is read, in the page's language: the definition's own label
/// ([`Window::label`]) worded from the window's anchor and bounds, the label as written when
/// no wording fits.
fn window_label(lang: Lang, w: &Window) -> String {
    let days = |secs: i64| (secs + 1).div_euclid(DAY);
    match (w.anchor, w.to) {
        (Anchor::FirstEdit, _) => match w.key.as_str() {
            "d7" => t!(lang, "throughline-window-days", 7),
            "d30" => t!(lang, "throughline-window-days", 30),
            "month2" => t!(lang, "throughline-window-second-month"),
            "month6" => t!(lang, "throughline-window-months", 6),
            "year1" => t!(lang, "throughline-window-years", 1),
            _ => w.label.clone(),
        },
        (Anchor::End, None) => t!(lang, "throughline-window-after-end", days(w.from)),
        // Rolling windows end a second before a whole day, surviving ones on it.
        (Anchor::Registration, Some(to)) if (to + 1) % DAY == 0 => {
            t!(lang, "throughline-window-active-within", w.min_edits, days(to))
        }
        (Anchor::Registration, Some(to)) => {
            t!(lang, "throughline-window-surviving", days(w.from), to / DAY)
        }
        (Anchor::Start, Some(-1)) => {
            t!(lang, "throughline-window-active-before", w.min_edits, -days(w.from))
        }
        _ => w.label.clone(),
    }
}

/// The model behind the expected shares, in the page's language ([`Expectation::label`]).
fn expectation_label(lang: Lang, e: Expectation) -> String {
    match e {
        Expectation::SizeAndCost => t!(lang, "throughline-communities-expect-size-cost"),
        Expectation::Size => t!(lang, "throughline-communities-expect-size"),
        Expectation::Pooled => t!(lang, "throughline-communities-expect-pooled"),
    }
}

/// A Global Metrics 2014 figure's published wording, in the page's language
/// ([`communities::global_metrics::METRICS`]); as published for a key without a message.
fn global_metric(lang: Lang, key: &str, published: &str) -> String {
    match key {
        "active_editors" => t!(lang, "throughline-gm-active-editors"),
        "new_editors" => t!(lang, "throughline-gm-new-editors"),
        "individuals" => t!(lang, "throughline-gm-individuals"),
        "media_in_articles" => t!(lang, "throughline-gm-media-in-articles"),
        "articles" => t!(lang, "throughline-gm-articles"),
        "bytes" => t!(lang, "throughline-gm-bytes"),
        "learning_question" => t!(lang, "throughline-gm-learning-question"),
        _ => published.to_string(),
    }
}

/// Why a community's counts are missing, in the page's language: its wiki's source failed, or
/// no data for its wiki was loaded (the reasons of [`Row::missing`]).
fn missing_reason(lang: Lang, s: &Summary, r: &Row) -> String {
    if r.missing.is_none() {
        return t!(lang, "throughline-communities-no-data");
    }
    match s.failures.iter().find(|f| f.wiki.as_deref() == Some(r.wiki.as_str())) {
        Some(f) => {
            t!(lang, "throughline-communities-source-failed-for", &r.wiki, &f.file, &f.reason)
        }
        None => t!(lang, "throughline-communities-no-data-for", &r.wiki),
    }
}

/// The deviance chart: one row per community, the interval as a bar, the share as a dot, the
/// expectation as a tick. Positive deviants (the interval clears the tick) in blue.
fn deviance_chart(lang: Lang, s: &Summary) -> Markup {
    let rows: Vec<_> = s.deviance.communities.iter().take(25).collect();
    if rows.is_empty() {
        return html! {};
    }
    let (left, width, row_h) = (190.0, 420.0, 22.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let x = |v: f64| left + v.clamp(0.0, 1.0) * width;
    html! {
        svg class="chart" role="img" aria-label=(t!(lang, "throughline-communities-chart-label")) viewBox={ "0 0 " (left + width + 20.0) " " (height) } width=(left + width + 20.0) height=(height) {
            @for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
                (leaf("line", &[("x1", &x(t)), ("x2", &x(t)), ("y1", &14), ("y2", &(height - 4.0)), ("stroke", &"#ddd")]))
                text x=(x(t)) y="10" font-size="10" text-anchor="middle" { (percent(lang, t * 100.0, 0)) }
            }
            @for (i, d) in rows.iter().enumerate() {
                @let y = 26.0 + row_h * i as f64;
                @let color = if d.is_positive() { "#1f5f99" } else { "#888" };
                text x=(left - 8.0) y=(y + 4.0) font-size="11" text-anchor="end" { (d.id) }
                (leaf("line", &[("x1", &x(d.low)), ("x2", &x(d.high)), ("y1", &y), ("y2", &y), ("stroke", &color), ("stroke-width", &4)]))
                (leaf("circle", &[("cx", &x(d.share)), ("cy", &y), ("r", &4), ("fill", &color)]))
                (leaf("line", &[("x1", &x(d.expected)), ("x2", &x(d.expected)), ("y1", &(y - 7.0)), ("y2", &(y + 7.0)), ("stroke", &"#b06d00"), ("stroke-width", &2)]))
            }
        }
    }
}

/// The definitions of a summary's rows, each once, in the order they first appear.
pub(crate) fn definitions(s: &Summary) -> Vec<&Definition> {
    let mut out: Vec<&Definition> = Vec::new();
    for r in &s.communities {
        if !out.contains(&&r.definition) {
            out.push(&r.definition);
        }
    }
    out
}

/// A community's row of metrics; "missing" across the row when its wiki's data were not loaded.
fn metrics_row(lang: Lang, model: &model::Model, s: &Summary, r: &Row) -> Markup {
    let currency = model.meta.currency.as_str();
    // Links that cite this community as evidence: where its numbers feed the model.
    let cited: Vec<String> = model
        .links
        .iter()
        .filter(|l| {
            l.evidence
                .iter()
                .any(|ev| ev.community.as_ref().is_some_and(|c| c.as_str() == r.community))
        })
        .map(|l| format!("{} → {}", l.from, l.to))
        .collect();
    html! {
        tr id=(r.id) {
            th scope="row" {
                (r.name) (mark(lang, r.provenance)) br;
                small { (r.id) " · " (r.kind) " · " (r.wiki) }
                @if !cited.is_empty() { br; small { (t!(lang, "throughline-communities-evidence-for", cited.join(", "))) } }
            }
            td { (r.start) " – " (r.end) }
            @match &r.outcome {
                Outcome::Missing => {
                    td colspan=(7 + r.definition.windows.len()) class="missing" {
                        (t!(lang, "throughline-communities-missing", missing_reason(lang, s, r)))
                    }
                }
                Outcome::Measured { metrics: m, .. } => {
                    td class="num" { (m.participants) }
                    td class="num" { (m.new_contributors) }
                    td class="num" { (m.edits) }
                    td class="num" { (num(lang, m.bytes_added as f64)) " / " (num(lang, m.bytes_removed as f64)) }
                    td class="num" { (m.pages_created) " / " (m.files_created) }
                    td class="num" { (pct(lang, r.surviving)) }
                    @for (ret, share) in m.retention.iter().zip(&r.retention) {
                        td class="num" {
                            (pct(lang, *share))
                            @if ret.pending > 0 { " " small { (t!(lang, "throughline-communities-pending", ret.pending)) } }
                            br; small { (t!(lang, "throughline-communities-of", ret.retained, ret.observed)) }
                        }
                    }
                    td class="num" {
                        @match r.cost_per_retained {
                            Some(c) => { (num(lang, c)) " " (currency) }
                            None => "–",
                        }
                    }
                }
            }
        }
    }
}

/// One definition's table: its name, version, parameters and source above the rows measured
/// with it, one column per window of the definition.
fn definition_table(lang: Lang, model: &model::Model, s: &Summary, def: &Definition) -> Markup {
    let mut cols: Vec<(String, bool)> = vec![
        (t!(lang, "throughline-communities-col-community"), false),
        (t!(lang, "throughline-communities-col-window"), false),
        (t!(lang, "throughline-communities-col-participants"), true),
        (t!(lang, "throughline-communities-col-new"), true),
        (t!(lang, "throughline-communities-col-edits"), true),
        (t!(lang, "throughline-communities-col-bytes"), true),
        (t!(lang, "throughline-communities-col-pages-files"), true),
        (t!(lang, "throughline-communities-col-surviving"), true),
    ];
    cols.extend(
        def.windows.iter().map(|w| {
            (t!(lang, "throughline-communities-col-retained", window_label(lang, w)), true)
        }),
    );
    cols.push((t!(lang, "throughline-communities-col-cost-per-retained"), true));
    let cols: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    html! {
        h2 id={ "definition-" (def.key) } { (def.title()) }
        p {
            small {
                (rich(
                    lang,
                    "throughline-communities-parameters",
                    &[Arg::Text(def.parameter_text()), Arg::Slot],
                    &[(2, html! { code { (def.source) } })],
                ))
            }
        }
        (table(
            &t!(lang, "throughline-communities-metrics-caption", def.name),
            &cols,
            html! { @for r in s.communities.iter().filter(|r| r.definition == *def) { (metrics_row(lang, model, s, r)) } },
        ))
    }
}

/// The impact figures, once per community (they count its edits, whatever the definition), and
/// the Global Metrics 2014 table in its published order when a community is measured with it.
fn impact_tables(lang: Lang, s: &Summary) -> Markup {
    let mut seen: Vec<&str> = Vec::new();
    let rows: Vec<&Row> = s
        .communities
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Measured { .. }))
        .filter(|r| {
            let first = !seen.contains(&r.community.as_str());
            seen.push(&r.community);
            first
        })
        .collect();
    let gm = communities::global_metrics::table(s);
    html! {
        @if !rows.is_empty() {
            h2 id="impact" { (t!(lang, "throughline-communities-impact")) }
            p {
                (rich(lang, "throughline-communities-impact-intro", &[Arg::Slot], &[(1, html! { code { "docs/communities.md" } })]))
            }
            (table(
                &t!(lang, "throughline-communities-impact-caption"),
                &[
                    (&t!(lang, "throughline-communities-col-community"), false),
                    (&t!(lang, "throughline-communities-col-articles-created"), true),
                    (&t!(lang, "throughline-communities-col-improved"), true),
                    (&t!(lang, "throughline-communities-col-bytes-net"), true),
                    (&t!(lang, "throughline-communities-col-bytes-absolute"), true),
                    (&t!(lang, "throughline-communities-col-files-uploaded"), true),
                    (&t!(lang, "throughline-communities-col-in-use"), true),
                    (&t!(lang, "throughline-communities-col-views"), true),
                ],
                html! {
                    @for r in &rows {
                        @if let Outcome::Measured { metrics: m, .. } = &r.outcome {
                            tr {
                                th scope="row" { (r.name) (mark(lang, r.provenance)) br; small { (r.community) " · " (r.wiki) } }
                                td class="num" { (m.articles_created) }
                                td class="num" { (m.articles_improved) }
                                td class="num" { (num(lang, m.bytes_net() as f64)) }
                                td class="num" { (num(lang, m.bytes_absolute() as f64)) }
                                td class="num" { (m.files_created) }
                                td class="num" { (m.files_in_use) }
                                td class="num" { (num(lang, m.views_to_created as f64)) }
                            }
                        }
                    }
                },
            ))
        }
        @if !gm.is_empty() {
            h2 id="global-metrics" { "Global Metrics 2014" }
            p {
                (rich(lang, "throughline-communities-gm-intro", &[Arg::Slot], &[(1, outside_link("https://meta.wikimedia.org/wiki/Grants:Learning_patterns/Calculating_global_metrics", "Grants:Learning patterns/Calculating global metrics"))]))
            }
            @let heads: Vec<(String, bool)> = std::iter::once((t!(lang, "throughline-communities-col-community"), false)).chain(communities::global_metrics::METRICS.iter().map(|(k, w)| (global_metric(lang, k, w), true))).collect();
            @let cols: Vec<(&str, bool)> = heads.iter().map(|(c, n)| (c.as_str(), *n)).collect();
            (table(
                "Global Metrics 2014",
                &cols,
                html! {
                    @for r in &gm {
                        tr {
                            th scope="row" { (r.name) (mark(lang, r.provenance)) br; small { (r.id) } }
                            @for f in r.figures {
                                td class="num" { @match f { Some(v) => (v), None => "–" } }
                            }
                            td { (t!(lang, "throughline-communities-gm-written")) }
                        }
                    }
                },
            ))
        }
    }
}

/// The body of communities.html.
pub(crate) fn communities_body(
    lang: Lang,
    summary: Option<&Summary>,
    model: &model::Model,
) -> Markup {
    let intro = html! {
        h1 { (t!(lang, "throughline-nav-communities")) }
        p {
            (rich(lang, "throughline-communities-intro", &[Arg::Slot], &[(1, html! { code { "docs/communities.md" } })]))
        }
    };
    let Some(s) = summary else {
        return html! { (intro) p { (t!(lang, "throughline-communities-none-defined")) } };
    };
    let coverage: Vec<String> = s
        .coverage
        .iter()
        .map(|(w, d)| t!(lang, "throughline-communities-up-to", w, d.to_string()))
        .collect();
    let t = &s.totals;
    let d = &s.deviance;
    html! {
        (intro)
        p {
            (t!(
                lang,
                "throughline-communities-counted-by",
                s.engine.to_string(),
                if coverage.is_empty() { t!(lang, "throughline-communities-none-loaded") } else { coverage.join(", ") }
            ))
        }
        @for f in &s.failures {
            p class="warn" {
                (rich(
                    lang,
                    "throughline-communities-source-failed",
                    &[
                        Arg::Slot,
                        Arg::Text(f.wiki.clone().unwrap_or_else(|| t!(lang, "throughline-communities-wiki-unknown"))),
                        Arg::Text(f.reason.clone()),
                    ],
                    &[(1, html! { code { (f.file) } })],
                ))
            }
        }
        (table_note(lang, s.communities.iter().map(|r| r.provenance), Rows::Communities))
        @for def in definitions(s) {
            (definition_table(lang, model, s, def))
        }
        (impact_tables(lang, s))
        @if s.communities.iter().any(|r| matches!(r.outcome, Outcome::Measured { .. })) {
            p {
                (rich(
                    lang,
                    "throughline-communities-totals",
                    &[Arg::Slot, Arg::from(t.participants_summed), Arg::from(t.new_contributors), Arg::Slot, Arg::from(t.edits_summed)],
                    &[(1, html! { strong { (count(lang, t.participants)) } }), (4, html! { strong { (count(lang, t.edits)) } })],
                ))
            }
        } @else {
            p { (t!(lang, "throughline-communities-no-totals")) }
        }
        h2 id="deviance" { (t!(lang, "throughline-communities-deviance")) }
        @if d.communities.is_empty() {
            p { (t!(lang, "throughline-communities-no-retention")) }
        } @else {
            p {
                (t!(lang, "throughline-communities-deviance-intro", expectation_label(lang, d.expectation), lang.decimal(100.0 * d.level, 0)))
            }
            figure { (deviance_chart(lang, s)) }
            (table(
                &t!(lang, "throughline-communities-ranking"),
                &[
                    (&t!(lang, "throughline-communities-col-community"), false),
                    (&t!(lang, "throughline-communities-col-share"), true),
                    (&t!(lang, "throughline-communities-col-interval"), true),
                    (&t!(lang, "throughline-communities-col-expected"), true),
                    (&t!(lang, "throughline-communities-col-margin"), true),
                    (&t!(lang, "throughline-communities-col-observed"), true),
                ],
                html! {
                    @for c in &d.communities {
                        @let provenance = s.communities.iter().find(|r| r.id == c.id).map_or(model::Provenance::Measured, |r| r.provenance);
                        tr {
                            th scope="row" {
                                a href={ "#" (c.id) } { (c.id) }
                                @if c.is_positive() { " ★" }
                                (mark(lang, provenance))
                            }
                            td class="num" { (pct(lang, Some(c.share))) }
                            td class="num" { (pct(lang, Some(c.low))) " – " (pct(lang, Some(c.high))) }
                            td class="num" { (pct(lang, Some(c.expected))) }
                            td class="num" { (signed(lang, c.margin, 2)) }
                            td class="num" { (c.observed) }
                        }
                    }
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_window_reads_in_english_as_its_definition_labels_it() {
        for p in model::MetricPreset::ALL {
            let preset = model::CommunityDefinition::preset(p);
            let Ok(def) = Definition::of(&preset) else { panic!("{p:?} lowers") };
            for w in &def.windows {
                assert_eq!(window_label(Lang::EN, w), w.label, "{p:?}");
            }
        }
    }
}

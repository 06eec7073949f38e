//! The communities page: each community's metrics with the definitions' version and the
//! coverage next to the numbers, totals without double counting, and positive deviance as an
//! interval chart (observed share with its interval against the expected share).

use communities::definition::Definition;
use communities::metrics::Outcome;
use communities::summary::{Row, Summary};

use crate::page::{Lang, Markup, html, leaf, mark, num, outside_link, t, table, table_note};

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| format!("{:.0}%", 100.0 * s))
}

/// The deviance chart: one row per community, the interval as a bar, the share as a dot, the
/// expectation as a tick. Positive deviants (the interval clears the tick) in blue.
fn deviance_chart(s: &Summary) -> Markup {
    let rows: Vec<_> = s.deviance.communities.iter().take(25).collect();
    if rows.is_empty() {
        return html! {};
    }
    let (left, width, row_h) = (190.0, 420.0, 22.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let x = |v: f64| left + v.clamp(0.0, 1.0) * width;
    html! {
        svg class="chart" role="img" aria-label="Second-month retention against expectation" viewBox={ "0 0 " (left + width + 20.0) " " (height) } width=(left + width + 20.0) height=(height) {
            @for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
                (leaf("line", &[("x1", &x(t)), ("x2", &x(t)), ("y1", &14), ("y2", &(height - 4.0)), ("stroke", &"#ddd")]))
                text x=(x(t)) y="10" font-size="10" text-anchor="middle" { (format_args!("{:.0}%", t * 100.0)) }
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
fn metrics_row(lang: Lang, model: &model::Model, r: &Row) -> Markup {
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
                @if !cited.is_empty() { br; small { "evidence for " (cited.join(", ")) } }
            }
            td { (r.start) " – " (r.end) }
            @match &r.outcome {
                Outcome::Missing => {
                    td colspan=(7 + r.definition.windows.len()) class="missing" {
                        "missing: " (r.missing.as_deref().unwrap_or("no data was loaded")) " (unknown, not zero)"
                    }
                }
                Outcome::Measured { metrics: m, .. } => {
                    td class="num" { (m.participants) }
                    td class="num" { (m.new_contributors) }
                    td class="num" { (m.edits) }
                    td class="num" { (num(lang, m.bytes_added as f64)) " / " (num(lang, m.bytes_removed as f64)) }
                    td class="num" { (m.pages_created) " / " (m.files_created) }
                    td class="num" { (pct(r.surviving)) }
                    @for (ret, share) in m.retention.iter().zip(&r.retention) {
                        td class="num" {
                            (pct(*share))
                            @if ret.pending > 0 { " " small { "+" (ret.pending) " pending" } }
                            br; small { (ret.retained) " of " (ret.observed) }
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
    let mut cols: Vec<(String, bool)> = [
        ("Community", false),
        ("Window", false),
        ("Participants", true),
        ("New", true),
        ("Edits", true),
        ("Bytes + / −", true),
        ("Pages / files", true),
        ("Surviving", true),
    ]
    .iter()
    .map(|&(c, n)| (c.to_string(), n))
    .collect();
    cols.extend(def.windows.iter().map(|w| (format!("Retained {}", w.label), true)));
    cols.push(("Cost per retained".into(), true));
    let cols: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    html! {
        h2 id={ "definition-" (def.key) } { (def.title()) }
        p {
            small { "Parameters: " (def.parameter_text()) " · source: " code { (def.source) } }
        }
        (table(
            &format!("Metrics per community, {}", def.name),
            &cols,
            html! { @for r in s.communities.iter().filter(|r| r.definition == *def) { (metrics_row(lang, model, r)) } },
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
                "Counted from each community's edits on its wiki (" code { "docs/communities.md" } ", \"Impact figures\"): articles created and improved (on Wikidata, items), bytes net and absolute, files uploaded and those an article shows (link dumps), views to the articles created (hourly pageview dumps)."
            }
            (table(
                "Impact figures per community",
                &[("Community", false), ("Articles created", true), ("Improved", true), ("Bytes net", true), ("Bytes absolute", true), ("Files uploaded", true), ("In use in articles", true), ("Views to created", true)],
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
                "The figures grantees reported from late 2014, in the published order ("
                (outside_link("https://meta.wikimedia.org/wiki/Grants:Learning_patterns/Calculating_global_metrics", "Grants:Learning patterns/Calculating global metrics"))
                "). The seventh, the learning question, is a written answer."
            }
            @let cols: Vec<(&str, bool)> = std::iter::once(("Community", false)).chain(communities::global_metrics::METRICS.iter().map(|(_, w)| (*w, true))).collect();
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
                            td { "written by the organisers" }
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
            "Campaigns, events, courses and hashtags measured from the public MediaWiki history dumps with one written definition per metric ("
            code { "docs/communities.md" }
            "). A wiki whose data was not loaded is shown as missing, never as zero; retention windows that end after the data are pending, not low."
        }
    };
    let Some(s) = summary else {
        return html! { (intro) p { "The model defines no communities." } };
    };
    let coverage: Vec<String> = s.coverage.iter().map(|(w, d)| format!("{w} up to {d}")).collect();
    let t = &s.totals;
    let d = &s.deviance;
    html! {
        (intro)
        p {
            "Counted by the " (s.engine) " engine · data: "
            @if coverage.is_empty() { "none loaded" } @else { (coverage.join(", ")) }
            "."
        }
        @for f in &s.failures {
            p class="warn" {
                "Source failed: " code { (f.file) } " (" (f.wiki.as_deref().unwrap_or("wiki unknown")) "): " (f.reason)
                ". Its communities are shown as missing; every other wiki is measured."
            }
        }
        (table_note(s.communities.iter().map(|r| r.provenance), "communities"))
        @for def in definitions(s) {
            (definition_table(lang, model, s, def))
        }
        (impact_tables(lang, s))
        @if s.communities.iter().any(|r| matches!(r.outcome, Outcome::Measured { .. })) {
            p {
                "Across all communities: " strong { (t.participants) } " people (" (t.participants_summed)
                " if each community's participants were summed), " (t.new_contributors) " new contributors, "
                strong { (t.edits) } " edits (" (t.edits_summed) " summed). Each person and edit is counted once."
            }
        } @else {
            p { "No community was measured: totals are unknown, not zero." }
        }
        h2 id="deviance" { (t!(lang, "throughline-communities-deviance")) }
        @if d.communities.is_empty() {
            p { "No community has observable second-month retention yet." }
        } @else {
            p {
                "Second-month retention of new contributors against the share expected for a community of its size and cost (logistic regression on the other communities; expectation: "
                (d.expectation.label()) "). Bars are " (format_args!("{:.0}", 100.0 * d.level))
                "% exact (Clopper–Pearson) intervals, dots the observed share, ticks the expectation. Ranked by the interval's lower end minus the expectation, so a small community with one lucky participant does not top the list. Communities in blue beat the expectation beyond their uncertainty: look at what they do."
            }
            figure { (deviance_chart(s)) }
            (table(
                "Ranking",
                &[("Community", false), ("Share", true), ("Interval", true), ("Expected", true), ("Margin", true), ("Observed", true)],
                html! {
                    @for c in &d.communities {
                        @let provenance = s.communities.iter().find(|r| r.id == c.id).map_or(model::Provenance::Measured, |r| r.provenance);
                        tr {
                            th scope="row" {
                                a href={ "#" (c.id) } { (c.id) }
                                @if c.is_positive() { " ★" }
                                (mark(lang, provenance))
                            }
                            td class="num" { (pct(Some(c.share))) }
                            td class="num" { (pct(Some(c.low))) " – " (pct(Some(c.high))) }
                            td class="num" { (pct(Some(c.expected))) }
                            td class="num" { (format_args!("{:+.2}", c.margin)) }
                            td class="num" { (c.observed) }
                        }
                    }
                },
            ))
        }
    }
}

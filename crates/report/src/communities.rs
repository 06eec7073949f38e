//! The communities page: each community's metrics with the definitions' version and the
//! coverage next to the numbers, totals without double counting, and positive deviance as an
//! interval chart (observed share with its interval against the expected share).

use std::fmt::Write;

use communities::metrics::{Outcome, WINDOWS};
use communities::summary::Summary;

use crate::diagram::xml as e;
use crate::measured::{mark, table_note};
use crate::site::num;

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| format!("{:.0}%", 100.0 * s))
}

/// The deviance chart: one row per community, the interval as a bar, the share as a dot, the
/// expectation as a tick. Positive deviants (the interval clears the tick) in blue.
fn deviance_chart(s: &Summary) -> String {
    let rows: Vec<_> = s.deviance.communities.iter().take(25).collect();
    if rows.is_empty() {
        return String::new();
    }
    let (left, width, row_h) = (190.0, 420.0, 22.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let x = |v: f64| left + v.clamp(0.0, 1.0) * width;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"Second-month retention against expectation\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\">",
        left + width + 20.0,
        left + width + 20.0
    );
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"14\" y2=\"{1}\" stroke=\"#ddd\"/><text x=\"{0}\" y=\"10\" font-size=\"10\" text-anchor=\"middle\">{2:.0}%</text>",
            x(t),
            height - 4.0,
            t * 100.0
        );
    }
    for (i, d) in rows.iter().enumerate() {
        let y = 26.0 + row_h * i as f64;
        let color = if d.is_positive() { "#1f5f99" } else { "#888" };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{id}</text><line x1=\"{lo}\" x2=\"{hi}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"4\"/><circle cx=\"{dot}\" cy=\"{y}\" r=\"4\" fill=\"{color}\"/><line x1=\"{ex}\" x2=\"{ex}\" y1=\"{y0}\" y2=\"{y1}\" stroke=\"#b06d00\" stroke-width=\"2\"/>",
            lx = left - 8.0,
            ty = y + 4.0,
            id = e(&d.id),
            lo = x(d.low),
            hi = x(d.high),
            dot = x(d.share),
            ex = x(d.expected),
            y0 = y - 7.0,
            y1 = y + 7.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The body of communities.html.
pub(crate) fn communities_body(summary: Option<&Summary>, model: &model::Model) -> String {
    let currency = model.meta.currency.as_str();
    let mut b = String::from(
        "<h1>Communities</h1><p>Campaigns, events, courses and hashtags measured from the public MediaWiki history dumps with one written definition per metric (<code>docs/communities.md</code>). A wiki whose data was not loaded is shown as missing, never as zero; retention windows that end after the data are pending, not low.</p>",
    );
    let Some(s) = summary else {
        b.push_str("<p>The model defines no communities.</p>");
        return b;
    };
    let coverage: Vec<String> =
        s.coverage.iter().map(|(w, d)| format!("{} up to {d}", e(w))).collect();
    let _ = write!(
        b,
        "<p>Definitions version {} · counted by the {} engine · data: {}.</p>",
        s.definitions_version,
        e(&s.engine),
        if coverage.is_empty() { "none loaded".to_string() } else { coverage.join(", ") }
    );
    b.push_str(&table_note(s.communities.iter().map(|r| r.provenance), "communities"));
    b.push_str("<table><caption>Metrics per community</caption><thead><tr><th scope=\"col\">Community</th><th scope=\"col\">Window</th><th scope=\"col\" class=\"num\">Participants</th><th scope=\"col\" class=\"num\">New</th><th scope=\"col\" class=\"num\">Edits</th><th scope=\"col\" class=\"num\">Bytes + / −</th><th scope=\"col\" class=\"num\">Pages / files</th><th scope=\"col\" class=\"num\">Surviving</th>");
    for w in WINDOWS {
        let _ = write!(b, "<th scope=\"col\" class=\"num\">Retained {}</th>", e(w.label));
    }
    b.push_str("<th scope=\"col\" class=\"num\">Cost per retained</th></tr></thead><tbody>");
    for r in &s.communities {
        // Links that cite this community as evidence: where its numbers feed the model.
        let cited: Vec<String> = model
            .links
            .iter()
            .filter(|l| {
                l.evidence
                    .iter()
                    .any(|ev| ev.community.as_ref().is_some_and(|c| c.as_str() == r.id))
            })
            .map(|l| format!("{} → {}", e(l.from.as_str()), e(l.to.as_str())))
            .collect();
        let cited = if cited.is_empty() {
            String::new()
        } else {
            format!("<br><small>evidence for {}</small>", cited.join(", "))
        };
        let _ = write!(
            b,
            "<tr id=\"{id}\"><th scope=\"row\">{name}{}<br><small>{id} · {kind} · {wiki}</small>{cited}</th><td>{} – {}</td>",
            mark(r.provenance),
            r.start,
            r.end,
            id = e(&r.id),
            name = e(&r.name),
            kind = r.kind,
            wiki = e(&r.wiki),
        );
        match &r.outcome {
            Outcome::Missing => {
                let _ = write!(
                    b,
                    "<td colspan=\"{}\" class=\"missing\">missing: no data for {} was loaded (unknown, not zero)</td>",
                    7 + WINDOWS.len(),
                    e(&r.wiki)
                );
            }
            Outcome::Measured { metrics: m, .. } => {
                let _ = write!(
                    b,
                    "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td>",
                    m.participants,
                    m.new_contributors,
                    m.edits,
                    num(m.bytes_added as f64),
                    num(m.bytes_removed as f64),
                    m.pages_created,
                    m.files_created,
                    pct(r.surviving)
                );
                for (ret, share) in m.retention.iter().zip(&r.retention) {
                    let pending = if ret.pending > 0 {
                        format!(" <small>+{} pending</small>", ret.pending)
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        b,
                        "<td class=\"num\">{}{}<br><small>{} of {}</small></td>",
                        pct(*share),
                        pending,
                        ret.retained,
                        ret.observed
                    );
                }
                let _ = write!(
                    b,
                    "<td class=\"num\">{}</td>",
                    r.cost_per_retained.map_or("–".into(), |c| format!(
                        "{} {}",
                        num(c),
                        e(currency)
                    ))
                );
            }
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table>");
    let t = &s.totals;
    let _ = write!(
        b,
        "<p>Across all communities: <strong>{}</strong> people ({} if each community's participants were summed), {} new contributors, <strong>{}</strong> edits ({} summed). Each person and edit is counted once.</p>",
        t.participants, t.participants_summed, t.new_contributors, t.edits, t.edits_summed
    );
    b.push_str("<h2 id=\"deviance\">Positive deviance</h2>");
    let d = &s.deviance;
    if d.communities.is_empty() {
        b.push_str("<p>No community has observable second-month retention yet.</p>");
        return b;
    }
    let _ = write!(
        b,
        "<p>Second-month retention of new contributors against the share expected for a community of its size and cost (logistic regression on the other communities; expectation: {}). Bars are {:.0}% exact (Clopper–Pearson) intervals, dots the observed share, ticks the expectation. Ranked by the interval's lower end minus the expectation, so a small community with one lucky participant does not top the list. Communities in blue beat the expectation beyond their uncertainty: look at what they do.</p>",
        d.expectation.label(),
        100.0 * d.level
    );
    let _ = write!(b, "<figure>{}</figure>", deviance_chart(s));
    b.push_str("<table><caption>Ranking</caption><thead><tr><th scope=\"col\">Community</th><th scope=\"col\" class=\"num\">Share</th><th scope=\"col\" class=\"num\">Interval</th><th scope=\"col\" class=\"num\">Expected</th><th scope=\"col\" class=\"num\">Margin</th><th scope=\"col\" class=\"num\">Observed</th></tr></thead><tbody>");
    for c in &d.communities {
        let provenance = s
            .communities
            .iter()
            .find(|r| r.id == c.id)
            .map_or(model::Provenance::Measured, |r| r.provenance);
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"#{id}\">{id}</a>{}{}</th><td class=\"num\">{}</td><td class=\"num\">{} – {}</td><td class=\"num\">{}</td><td class=\"num\">{:+.2}</td><td class=\"num\">{}</td></tr>",
            if c.is_positive() { " ★" } else { "" },
            mark(provenance),
            pct(Some(c.share)),
            pct(Some(c.low)),
            pct(Some(c.high)),
            pct(Some(c.expected)),
            c.margin,
            c.observed,
            id = e(&c.id),
        );
    }
    b.push_str("</tbody></table>");
    b
}

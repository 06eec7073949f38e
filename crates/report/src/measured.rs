//! Pages built from measurements: the quarterly check-in (an RBA chart per key result: history,
//! baseline, forecast, target) and the evaluations of shipped work (observed against the
//! counterfactual, and each tested link's effect before and after).

use std::fmt::Write;

use evaluate::checkin::{CheckIn, KeyResult};
use model::{Date, Provenance};

pub use analysis::{EvaluationShown, Measured};

use crate::diagram::xml as e;
use crate::site::num;

const LINE: &str = "#1f5f99";
const TARGET: &str = "#b06d00";
const MUTED: &str = "#777";

/// The mark beside a row or heading whose figures come from data that are not measured
/// ([`Provenance::mark`]); empty for measured data.
pub(crate) fn mark(p: Provenance) -> String {
    p.mark().map(|m| format!(" <small class=\"warn\">{}</small>", e(m))).unwrap_or_default()
}

/// The paragraph above a table some of whose rows carry the mark
/// ([`model::provenance::table_note`]); empty when none does.
pub(crate) fn table_note(rows: impl IntoIterator<Item = Provenance>, what: &str) -> String {
    model::provenance::table_note(rows, what)
        .map(|n| format!("<p class=\"warn\">{}</p>", e(&n)))
        .unwrap_or_default()
}

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
    fn axes(&self, s: &mut String) {
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{b:.1}" x2="{r:.1}" y2="{b:.1}" stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{b:.1}" stroke="#333"/><text x="{lx:.1}" y="{ty:.1}" text-anchor="end">{top}</text><text x="{lx:.1}" y="{by:.1}" text-anchor="end">{bot}</text><text x="{LEFT}" y="{dy:.1}">{d0}</text><text x="{r:.1}" y="{dy:.1}" text-anchor="end">{d1}</text>"##,
            b = H - BOTTOM,
            r = W - RIGHT,
            lx = LEFT - 4.0,
            ty = TOP + 8.0,
            by = H - BOTTOM,
            dy = H - BOTTOM + 16.0,
            top = num(self.y1),
            bot = num(self.y0),
            d0 = Date::from_day_number(self.x0.round() as i64),
            d1 = Date::from_day_number(self.x1.round() as i64),
        );
    }
}

fn day(d: Date) -> f64 {
    d.day_number() as f64
}

fn polyline(f: &Frame, pts: &[(f64, f64)], color: &str, dash: bool) -> String {
    let p: Vec<String> = pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", f.x(x), f.y(y))).collect();
    let dash = if dash { r#" stroke-dasharray="5 4""# } else { "" };
    format!(
        r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"{dash}/>"#,
        p.join(" ")
    )
}

fn svg_open(label: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="11"><title>{}</title>"#,
        e(label),
        e(label)
    )
}

/// The RBA chart of a key result: history, baseline, forecast with its interval, target.
fn rba_chart(k: &KeyResult) -> String {
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
        return String::new();
    }
    let f = Frame::new(&xs, &ys);
    let mut s = svg_open(&format!("{}: history, baseline, forecast and target", k.name));
    f.axes(&mut s);
    if let (Some(fc), Some(&(d, v))) = (&k.forecast, k.history.last()) {
        let band = [(day(d), v), (day(fc.date), fc.high), (day(fc.date), fc.low)];
        let p: Vec<String> =
            band.iter().map(|&(x, y)| format!("{:.1},{:.1}", f.x(x), f.y(y))).collect();
        let _ = write!(
            s,
            r#"<polygon points="{}" fill="{LINE}" fill-opacity="0.15"><title>{:.0}% forecast interval: {} to {}</title></polygon>"#,
            p.join(" "),
            fc.level * 100.0,
            num(fc.low),
            num(fc.high)
        );
        s.push_str(&polyline(&f, &[(day(d), v), (day(fc.date), fc.mean)], LINE, true));
    }
    if let Some(b) = &k.baseline {
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{r:.1}" y2="{y:.1}" stroke="{MUTED}" stroke-dasharray="2 3"/><text x="{tx:.1}" y="{ty:.1}" fill="{MUTED}">baseline {}</text>"#,
            num(b.value),
            y = f.y(b.value),
            r = W - RIGHT,
            tx = LEFT + 4.0,
            ty = f.y(b.value) - 3.0
        );
    }
    let pts: Vec<(f64, f64)> = k.history.iter().map(|p| (day(p.0), p.1)).collect();
    if pts.len() > 1 {
        s.push_str(&polyline(&f, &pts, LINE, false));
    }
    for &(x, y) in &pts {
        let _ =
            write!(s, r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{LINE}"/>"#, f.x(x), f.y(y));
    }
    if let Some(t) = &k.target {
        let (x, y) = (f.x(day(t.date)), f.y(t.value));
        let _ = write!(
            s,
            r#"<path d="M{x:.1},{a:.1} L{b:.1},{y:.1} L{x:.1},{c:.1} L{d:.1},{y:.1} Z" fill="{TARGET}"><title>target {} by {}</title></path><text x="{tx:.1}" y="{ty:.1}" text-anchor="end" fill="{TARGET}">target</text>"#,
            num(t.value),
            t.date,
            a = y - 6.0,
            b = x + 6.0,
            c = y + 6.0,
            d = x - 6.0,
            tx = x - 8.0,
            ty = y - 6.0
        );
    }
    s.push_str("</svg>");
    s
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

/// The check-in page body.
pub(crate) fn checkin_body(ci: Option<&CheckIn>) -> String {
    let Some(ci) = ci else {
        return "<h1>Quarterly check-in</h1><p>No measurements yet: give indicators a <code>source</code> and run <code>throughline import</code>.</p>".into();
    };
    let mut b = format!(
        "<h1>Check-in {}</h1><p>Data up to {}. Status rule: <strong>met</strong> when the latest value meets the target; otherwise the forecast (a linear trend with AR(1) errors through the values since the baseline) gives the probability of meeting the target by its date: <strong>on track</strong> ≥ 50%, <strong>at risk</strong> 10–50%, <strong>off track</strong> below 10%. <strong>No data</strong> means nothing was measured, never zero.</p>",
        ci.quarter, ci.as_of
    );
    let counts: Vec<String> = ci.counts().iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = write!(b, "<p><strong>{}</strong></p>", e(&counts.join(", ")));
    b.push_str(&table_note(ci.provenances(), "key results"));
    b.push_str("<table><caption>Key results</caption><thead><tr><th scope=\"col\">Key result</th><th scope=\"col\">Baseline</th><th scope=\"col\">Latest</th><th scope=\"col\">Target</th><th scope=\"col\">Forecast at target date</th><th scope=\"col\">P(met)</th><th scope=\"col\">Status</th></tr></thead><tbody>");
    for k in &ci.key_results {
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"#{id}\">{}</a>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{}\">{}</td></tr>",
            e(&k.name),
            mark(k.provenance),
            k.baseline.as_ref().map_or("—".into(), |v| format!("{} ({})", num(v.value), v.date)),
            k.latest.map_or("no data".into(), |(d, v)| format!("{} ({d})", num(v))),
            k.target.as_ref().map_or("—".into(), |v| format!("{} by {}", num(v.value), v.date)),
            k.forecast.as_ref().map_or("—".into(), |f| format!(
                "{} ({} – {})",
                num(f.mean),
                num(f.low),
                num(f.high)
            )),
            k.probability.map_or("—".into(), |p| format!("{:.0}%", p * 100.0)),
            status_class(k),
            k.status,
            id = e(k.indicator.as_str()),
        );
    }
    b.push_str("</tbody></table>");
    for k in &ci.key_results {
        let _ = write!(
            b,
            "<section id=\"{}\"><h2>{} <span class=\"{}\">{}</span>{}</h2>",
            e(k.indicator.as_str()),
            e(&k.name),
            status_class(k),
            k.status,
            mark(k.provenance)
        );
        let chart = rba_chart(k);
        if chart.is_empty() {
            b.push_str("<p>Not enough to draw: no values and no baseline or target.</p>");
        } else {
            let _ = write!(
                b,
                "<figure>{chart}<figcaption class=\"legend\">Dots: measured values{}. Dashed line and band: forecast and its {}% interval. Diamond: target.</figcaption></figure>",
                k.unit.as_deref().map(|u| format!(" ({})", e(u))).unwrap_or_default(),
                k.forecast.as_ref().map_or(80.0, |f| f.level * 100.0)
            );
        }
        if !k.initiatives.is_empty() {
            b.push_str("<p>Behind it: ");
            let list: Vec<String> = k
                .initiatives
                .iter()
                .map(|i| {
                    let t = if i.tracker.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", e(&i.tracker.join(", ")))
                    };
                    format!(
                        "<a href=\"initiatives/{}.html\">{}</a> ({}{t})",
                        e(i.id.as_str()),
                        e(&i.name),
                        e(&i.status)
                    )
                })
                .collect();
            b.push_str(&list.join(", "));
            b.push_str("</p>");
        }
        b.push_str("</section>");
    }
    b.push_str("<h2>The story behind the curves</h2><p>Results-Based Accountability asks, for each curve:</p><ul>");
    for p in &ci.prompts {
        let _ = write!(b, "<li>{}</li>", e(p));
    }
    b.push_str("</ul>");
    b
}

fn effect_chart(ev: &EvaluationShown) -> String {
    let fitted = &ev.estimate.fitted;
    if fitted.len() < 2 {
        return String::new();
    }
    let xs: Vec<f64> = fitted.iter().map(|p| day(p.date)).collect();
    let ys: Vec<f64> = fitted.iter().flat_map(|p| [p.observed, p.counterfactual]).collect();
    let f = Frame::new(&xs, &ys);
    let mut s = svg_open(&format!("{}: observed and without the change", ev.indicator));
    f.axes(&mut s);
    let obs: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.observed)).collect();
    let cf: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.counterfactual)).collect();
    s.push_str(&polyline(&f, &cf, MUTED, true));
    s.push_str(&polyline(&f, &obs, LINE, false));
    if let Some(d) = ev.deployed {
        let x = f.x(day(d));
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{b:.1}" stroke="{TARGET}" stroke-dasharray="4 3"/><text x="{tx:.1}" y="{ty:.1}" fill="{TARGET}">deployed {d}</text>"#,
            b = H - BOTTOM,
            tx = x + 4.0,
            ty = TOP + 10.0
        );
    }
    s.push_str("</svg>");
    s
}

/// The effect by period: the treated series' effect with its pointwise band, each placebo's
/// (a comparison series treated as if it had received the change) in grey behind it, zero and
/// the deployment. A real effect stands out of the placebos after the line and not before.
fn effect_path_chart(ev: &EvaluationShown) -> String {
    let est = &ev.estimate;
    let fitted = &est.fitted;
    if fitted.len() < 2 {
        return String::new();
    }
    let xs: Vec<f64> = fitted.iter().map(|p| day(p.date)).collect();
    let mut ys: Vec<f64> = fitted.iter().flat_map(|p| [p.low, p.high]).collect();
    ys.push(0.0);
    if let Some(ps) = &est.placebos {
        ys.extend(ps.units.iter().flat_map(|u| u.path.iter().copied()));
    }
    let f = Frame::new(&xs, &ys);
    let mut s = svg_open(&format!(
        "{}: effect by period with its {:.0}% band, and placebos",
        ev.indicator,
        est.level * 100.0
    ));
    f.axes(&mut s);
    let mut band: Vec<String> =
        fitted.iter().map(|p| format!("{:.1},{:.1}", f.x(day(p.date)), f.y(p.high))).collect();
    band.extend(fitted.iter().rev().map(|p| format!("{:.1},{:.1}", f.x(day(p.date)), f.y(p.low))));
    let _ = write!(
        s,
        r#"<polygon points="{}" fill="{LINE}" fill-opacity="0.15" stroke="none"/>"#,
        band.join(" ")
    );
    if let Some(ps) = &est.placebos {
        for u in &ps.units {
            let pts: Vec<(f64, f64)> = xs.iter().copied().zip(u.path.iter().copied()).collect();
            let p: Vec<String> =
                pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", f.x(x), f.y(y))).collect();
            let _ = write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{MUTED}" stroke-opacity="0.5" stroke-width="1"><title>placebo: {}</title></polyline>"#,
                p.join(" "),
                e(&u.name)
            );
        }
    }
    let zero = f.y(0.0);
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{zero:.1}" x2="{r:.1}" y2="{zero:.1}" stroke="#333" stroke-dasharray="2 2"/>"##,
        r = W - RIGHT
    );
    let path: Vec<(f64, f64)> = fitted.iter().map(|p| (day(p.date), p.effect)).collect();
    s.push_str(&polyline(&f, &path, LINE, false));
    if let Some(d) = ev.deployed {
        let x = f.x(day(d));
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{b:.1}" stroke="{TARGET}" stroke-dasharray="4 3"/>"#,
            b = H - BOTTOM,
        );
    }
    s.push_str("</svg>");
    s
}

fn strength_word(s: model::Strength) -> &'static str {
    match s {
        model::Strength::Strong => "strong",
        model::Strength::Moderate => "moderate",
        model::Strength::Weak => "weak",
        model::Strength::Anecdotal => "anecdotal",
    }
}

/// Whether the data are real (from the store's provenance of the series used), the design's
/// verdict and the placebo results.
fn design_paragraph(ev: &EvaluationShown) -> String {
    let est = &ev.estimate;
    let mut b = String::new();
    if let (Some(m), Some(caveat)) = (ev.data.mark(), model::provenance::caveat([ev.data])) {
        let _ = write!(b, "<p class=\"warn\"><strong>On {}.</strong> {}</p>", e(m), e(&caveat));
    }
    let j = evaluate::strength::judge(&est.design, est.effect, est.se);
    let _ = write!(
        b,
        "<p>Evidence strength from the design: <strong>{}</strong>",
        strength_word(j.strength)
    );
    if j.reasons.is_empty() {
        b.push_str(".</p>");
    } else {
        b.push_str(", because:</p><ul>");
        for r in &j.reasons {
            let _ = write!(b, "<li>{}</li>", e(r));
        }
        b.push_str("</ul>");
    }
    // One paragraph for the design checks: in-space placebos, then the in-time placebo.
    let mut checks = Vec::new();
    if let Some(p) = &est.placebos {
        checks.push(format!(
            "In-space placebos: each of the {} comparison series treated in turn; the treated series' post/pre RMSPE ratio ({}) ranks {} of {} (p = {:.3}).",
            p.units.len(),
            num(p.ratio),
            p.rank,
            p.units.len() + 1,
            p.p_value
        ));
    }
    if let Some(t) = &est.in_time {
        checks.push(format!(
            "In-time placebo (a fake deployment on {}): {} ({:.0}% interval {} to {}, p = {:.3}).",
            t.date,
            num(t.effect),
            est.level * 100.0,
            num(t.low),
            num(t.high),
            t.p_value
        ));
    }
    if !checks.is_empty() {
        let _ = write!(b, "<p>{}</p>", checks.join(" "));
    }
    b
}

fn dist(d: &model::Distribution) -> String {
    let (lo, hi) = (simulate::sampler::quantile(d, 0.05), simulate::sampler::quantile(d, 0.95));
    format!("mean {} (90%: {} – {})", num(d.mean()), num(lo), num(hi))
}

/// The evaluations page body.
pub(crate) fn evaluations_body(evals: &[EvaluationShown]) -> String {
    let mut b = String::from(
        "<h1>Evaluations</h1><p>What shipped work did to its indicator, estimated from the measurement store, and how each result updated the effects of the links on the chain it tested (a conjugate normal update; recorded in <code>evaluations.yaml</code> by <code>throughline evaluate --write</code>). The effect is the average over the post-period of observed minus counterfactual.</p>",
    );
    if evals.is_empty() {
        b.push_str("<p>No shipped initiative has an evaluation design with data yet.</p>");
        return b;
    }
    for ev in evals {
        let est = &ev.estimate;
        let _ = write!(
            b,
            "<section id=\"{id}\"><h2><a href=\"initiatives/{id}.html\">{id}</a> on {}{}</h2><p>{}: <strong>{}</strong> per period{}, {:.0}% interval {} to {} (p = {:.3}).",
            e(&ev.indicator),
            mark(ev.data),
            e(&est.method.to_string()),
            num(est.effect),
            est.relative().map(|r| format!(" ({:+.1}%)", r * 100.0)).unwrap_or_default(),
            est.level * 100.0,
            num(est.low),
            num(est.high),
            est.p_value,
            id = e(&ev.initiative),
        );
        if let Some(p) = ev.predicted {
            let _ = write!(
                b,
                " In the node's unit (× {}): {} observed against {} predicted by the model's priors.",
                num(ev.scale),
                num(est.effect * ev.scale),
                num(p)
            );
        }
        b.push_str("</p>");
        b.push_str(&design_paragraph(ev));
        let chart = effect_chart(ev);
        if !chart.is_empty() {
            let _ = write!(
                b,
                "<figure>{chart}<figcaption class=\"legend\">Solid: observed. Dashed: the estimated series without the change. Vertical line: the deployment.</figcaption></figure>"
            );
        }
        let path = effect_path_chart(ev);
        if !path.is_empty() {
            let _ = write!(
                b,
                "<figure>{path}<figcaption class=\"legend\">The effect by period (observed minus the counterfactual; before the deployment, the misfit) with its {:.0}% pointwise band. Grey: the placebos, each comparison series treated as if it had received the change. Vertical line: the deployment.</figcaption></figure>",
                est.level * 100.0
            );
        }
        b.push_str("<table><caption>Estimate details</caption><tbody>");
        for t in &est.terms {
            let _ = write!(
                b,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}{}</td></tr>",
                e(&t.name),
                num(t.value),
                t.se.map(|s| format!(" ± {}", num(s))).unwrap_or_default()
            );
        }
        b.push_str("</tbody></table><ul>");
        for n in &est.notes {
            let _ = write!(b, "<li>{}</li>", e(n));
        }
        b.push_str("</ul>");
        match &ev.updates {
            Ok(ups) if !ups.is_empty() => {
                b.push_str("<table><caption>Prior and posterior of the tested links</caption><thead><tr><th scope=\"col\">Link</th><th scope=\"col\">Prior (as written)</th><th scope=\"col\">Posterior (used by simulate and plan)</th></tr></thead><tbody>");
                for u in ups {
                    let _ = write!(
                        b,
                        "<tr><th scope=\"row\">{} → {}</th><td>{}</td><td>{}</td></tr>",
                        e(u.from.as_str()),
                        e(u.to.as_str()),
                        dist(&u.prior),
                        dist(&u.posterior)
                    );
                }
                b.push_str("</tbody></table>");
            }
            Ok(_) => {}
            Err(why) => {
                let _ = write!(b, "<p class=\"warn\">No link updated: {}</p>", e(why));
            }
        }
        b.push_str("</section>");
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use evaluate::Point;

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
        let body = evaluations_body(&[shown(Provenance::Measured)]);
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
        let body = evaluations_body(&[shown(Provenance::Synthetic)]);
        assert!(body.contains("ind <small class=\"warn\">synthetic data</small></h2>"), "{body}");
        assert!(body.contains("<strong>On synthetic data.</strong> Synthetic data are generated"));
        assert!(!body.contains("<strong>strong</strong>"));
        assert!(body.contains("the data are marked synthetic"));
        let body = evaluations_body(&[shown(Provenance::Illustrative)]);
        assert!(body.contains("<strong>On illustrative data.</strong> Illustrative data are"));
    }
}

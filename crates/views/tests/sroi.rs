//! SROI arithmetic against closed forms: present values as geometric series, the ratio, and the
//! break-even values of the sensitivity table.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use model::graph::ModelGraph;
use model::{Distribution, Model};
use modelfile::SourceFile;
use views::sroi::{present_value, sroi};

fn model(body: &str) -> Model {
    let text = format!(
        "format_version: 1\nmodel: {{ name: t }}\nteams: [{{ id: t, name: T, capacity: 1 }}]\n{body}"
    );
    let checked = modelfile::check(vec![SourceFile::in_memory("throughline.yaml", text)]);
    assert!(
        checked.is_ok(),
        "{:?}",
        checked.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    checked.model
}

/// Quantiles of point distributions only: these tests use points, so the 5th and 95th
/// percentiles are the value itself.
fn point_quantile(d: &Distribution, _q: f64) -> f64 {
    d.mean()
}

/// Σ_{t=1..D} (1−d)^{t−1} / (1+r)^t = (1 − q^D) / ((1 + r)(1 − q)), q = (1 − d)/(1 + r).
fn annuity(duration: u32, drop_off: f64, r: f64) -> f64 {
    let q = (1.0 - drop_off) / (1.0 + r);
    (1.0 - q.powi(duration as i32)) / ((1.0 + r) * (1.0 - q))
}

#[test]
fn present_value_is_a_discounted_geometric_series() {
    for (impact, d, drop, r) in [(540.0, 3, 0.2, 0.05), (1.0, 1, 0.0, 0.035), (77.0, 10, 0.4, 0.0)]
    {
        let expected =
            if r == 0.0 && drop == 0.0 { impact * d as f64 } else { impact * annuity(d, drop, r) };
        let got = present_value(impact, d, drop, r);
        assert!((got - expected).abs() < 1e-9 * expected.max(1.0), "{got} vs {expected}");
    }
}

const STATED: &str = r#"
sroi: { discount_rate: 5% }
programs: [{ id: p, name: P }]
audiences: [{ id: people, name: People, kind: end_users }]
nodes:
  - id: o
    name: O
    level: outcome_short
    program: p
    unit: people
    sroi:
      stakeholder: people
      proxy: 10
      proxy_source: a study
      quantity: 100
      duration: 3
      deadweight: 20%
      displacement: 10%
      attribution: 25%
      drop_off: 20%
"#;

#[test]
fn a_stated_outcome_follows_the_sroi_guide() {
    let m = model(STATED);
    let g = ModelGraph::build(&m);
    let change = vec![0.0; m.nodes.len()];
    let r = sroi(&m, &g, "p", &change, 600.0, &point_quantile).unwrap();
    let o = &r.outcomes[0];
    // 100 × 10 × (1 − 0.2) × (1 − 0.1) × (1 − 0.25)
    assert!((o.impact - 540.0).abs() < 1e-9);
    assert_eq!(o.yearly.len(), 3);
    assert!((o.yearly[2] - 540.0 * 0.8 * 0.8).abs() < 1e-9);
    let pv = 540.0 * annuity(3, 0.2, 0.05);
    assert!((r.present_value - pv).abs() < 1e-9);
    assert!((r.ratio.unwrap() - pv / 600.0).abs() < 1e-12);
    assert!((r.net_present_value - (pv - 600.0)).abs() < 1e-9);
    assert!(r.discount_rate_stated);
    assert!(r.gaps.is_empty(), "{:?}", r.gaps);
}

#[test]
fn break_even_values_bring_the_ratio_to_one() {
    let m = model(STATED);
    let g = ModelGraph::build(&m);
    let change = vec![0.0; m.nodes.len()];
    let r = sroi(&m, &g, "p", &change, 600.0, &point_quantile).unwrap();
    let pv_at = |proxy: f64, dw: f64, disp: f64, attr: f64| {
        let impact = 100.0 * proxy * (1.0 - dw) * (1.0 - disp) * (1.0 - attr);
        present_value(impact, 3, 0.2, 0.05) / 600.0
    };
    let row = |needle: &str| r.sensitivity.iter().find(|x| x.input.contains(needle)).unwrap();
    let proxy = row("proxy").break_even.unwrap();
    assert!((pv_at(proxy, 0.2, 0.1, 0.25) - 1.0).abs() < 1e-9);
    let dw = row("deadweight").break_even.unwrap();
    assert!((pv_at(10.0, dw, 0.1, 0.25) - 1.0).abs() < 1e-9);
    let attr = row("attribution").break_even.unwrap();
    assert!((pv_at(10.0, 0.2, 0.1, attr) - 1.0).abs() < 1e-9);
    // More attribution is the worse case.
    let a = row("attribution");
    assert!((a.low - pv_at(10.0, 0.2, 0.1, 0.35)).abs() < 1e-9);
    assert!((a.high - pv_at(10.0, 0.2, 0.1, 0.15)).abs() < 1e-9);
    // Rows come largest swing first.
    let swings: Vec<f64> = r.sensitivity.iter().map(|x| (x.high - x.low).abs()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
}

const MODELLED: &str = r#"
programs: [{ id: p, name: P }]
audiences: [{ id: people, name: People, kind: end_users }]
goals:
  - id: g
    name: G
    unit: people
    audiences: [people]
    sroi: { proxy: 2, proxy_source: s }
nodes:
  - { id: o, name: O, level: outcome_short, program: p, unit: people, sroi: { proxy: 1, proxy_source: s } }
links:
  - { from: o, to: g, effect: 1, effect_unit: people / people, assumptions: [a] }
initiatives:
  - { id: i, name: I, team: t, program: p, cost: 100, delivers: [{ node: o, amount: 50 }] }
"#;

#[test]
fn modelled_quantities_come_from_the_caller_and_overlaps_are_named() {
    let m = model(MODELLED);
    let g = ModelGraph::build(&m);
    let mut change = vec![0.0; m.nodes.len()];
    let o = g.node("o").unwrap();
    let goal = g.node("g").unwrap();
    change[o] = 50.0;
    change[goal] = 50.0;
    let r = sroi(&m, &g, "p", &change, 100.0, &point_quantile).unwrap();
    assert_eq!(r.outcomes.len(), 2);
    assert!(r.outcomes.iter().all(|o| o.quantity_from == "model"));
    // Default rate 3.5%, one year: PV = 50 × (2 + 1) / 1.035.
    assert!((r.present_value - 150.0 / 1.035).abs() < 1e-9);
    assert!(r.gaps.iter().any(|x| x.contains("overlap")), "{:?}", r.gaps);
    // Deadweight is excluded by construction for modelled quantities: no row varies it.
    assert!(!r.sensitivity.iter().any(|x| x.input.contains("deadweight")));
}

#[test]
fn no_investment_means_no_ratio() {
    let m = model(MODELLED);
    let g = ModelGraph::build(&m);
    let mut change = vec![0.0; m.nodes.len()];
    change[g.node("o").unwrap()] = 50.0;
    let r = sroi(&m, &g, "p", &change, 0.0, &point_quantile).unwrap();
    assert!(r.ratio.is_none());
    assert!(r.gaps.iter().any(|x| x.contains("no investment")));
}

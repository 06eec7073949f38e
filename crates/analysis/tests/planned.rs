//! The check-in forecast as the trend plus the saved plan, on a planted case whose forecast is
//! known in closed form.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;

use analysis::planned::PlanEffects;
use evaluate::checkin::{Counted, checkin, checkin_with_plan};
use model::graph::ModelGraph;
use model::{Date, Model, Provenance, Quarter};

/// A goal `g` that gains 2 per unit of `a`; four scheduled initiatives for a one-person team:
/// `done` (already shipped), `early` (one quarter from 2026Q1, 100 of `a`), `late` (two quarters
/// from 2026Q3, `late_amount` of `a`, ships at the end of 2026Q4) and `after` (ships in 2027Q1,
/// after the target date 2027-01-01).
fn planted(late_amount: &str) -> Model {
    let yaml = format!(
        r#"format_version: 1
model: {{ name: t }}
teams: [{{ id: t, name: T, capacity: 1 }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links: [{{ from: a, to: g, effect: 2, assumptions: [x], skip_reason: direct }}]
initiatives:
  - {{ id: done, name: D, team: t, status: shipped, effort: 1, delivers: [{{ node: a, amount: 1000 }}] }}
  - {{ id: early, name: E, team: t, effort: 1, delivers: [{{ node: a, amount: 100 }}] }}
  - {{ id: late, name: L, team: t, effort: 2, delivers: [{{ node: a, amount: "{late_amount}" }}] }}
  - {{ id: after, name: A, team: t, effort: 1, delivers: [{{ node: a, amount: 7 }}] }}
value: {{ goals: {{ g: 1 }} }}
indicators:
  - {{ id: ind, name: I, measures: g, unit: u, direction: increase, baseline: {{ value: 0, date: 2025-01 }}, target: {{ value: 600, date: 2027-01-01 }} }}
plan:
  schedule:
    - {{ initiative: done, quarter: 2025Q1 }}
    - {{ initiative: early, quarter: 2026Q1 }}
    - {{ initiative: late, quarter: 2026Q3 }}
    - {{ initiative: after, quarter: 2027Q1 }}
  objectives: [{{ goal: g, key_results: [ind] }}]
"#
    );
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", yaml)]);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.model
}

/// Monthly values in 2025 on the line 100 + 120 per year, ±0.5 alternating.
fn series(_: &str) -> Vec<((Date, f64), Provenance)> {
    let start = Date::new(2025, 1, 1).unwrap();
    (0..12)
        .map(|m| {
            let d = Date::new(2025, m + 1, 1).unwrap();
            let years = (d.day_number() - start.day_number()) as f64 / 365.25;
            let v = 100.0 + 120.0 * years + if m % 2 == 0 { 0.5 } else { -0.5 };
            ((d, v), Provenance::Synthetic)
        })
        .collect()
}

#[test]
fn the_forecast_is_the_trend_plus_what_ships_by_the_target_date() {
    let m = planted("50");
    let graph = ModelGraph::build(&m);
    let quarter = Quarter { year: 2025, q: 4 };
    let effects = PlanEffects::new(&m, analysis::Settings::default()).unwrap();
    let planned = |ind: &model::Indicator, as_of: Date| effects.planned(ind, as_of);
    let ci = checkin_with_plan(&m, &graph, quarter, &series, &BTreeMap::new(), &planned);
    let kr = &ci.key_results[0];
    let p = kr.planned.as_ref().unwrap();
    // Who carries it, and what counts: `done` is in the data, `early` and `late` ship before
    // the target date, `after` too late.
    let carried: Vec<(&str, String, Counted, f64)> = p
        .carriers
        .iter()
        .map(|c| (c.id.as_str(), c.ships.to_string(), c.counted, c.expected_change))
        .collect();
    assert_eq!(
        carried,
        vec![
            ("done", "2025Q1".into(), Counted::InData, 2000.0),
            ("early", "2026Q1".into(), Counted::InForecast, 200.0),
            ("late", "2026Q4".into(), Counted::InForecast, 100.0),
            ("after", "2027Q1".into(), Counted::AfterTarget, 14.0),
        ]
    );
    // Point effects: the plan adds exactly 2 · (100 + 50) and no uncertainty.
    assert_eq!(p.mean, 300.0);
    assert!(p.sd.abs() < 1e-9, "{}", p.sd);
    // The trend alone is the planted line at the target date; the forecast is that plus 300.
    let trend = kr.trend.as_ref().unwrap();
    let f = kr.forecast.as_ref().unwrap();
    let years = (Date::new(2027, 1, 1).unwrap().day_number()
        - Date::new(2025, 1, 1).unwrap().day_number()) as f64
        / 365.25;
    assert!((trend.mean - (100.0 + 120.0 * years)).abs() < 1.0, "{}", trend.mean);
    assert!((f.mean - trend.mean - 300.0).abs() < 1e-9);
    assert!((f.se - trend.se).abs() < 1e-6);
    // The target (600) is beyond the trend (~340) but within trend + plan (~640).
    assert!(trend.probability_of(600.0, model::Polarity::Increase) < 0.01);
    assert!(kr.probability.unwrap() > 0.99);
    assert_eq!(kr.status, evaluate::trend::Status::OnTrack);

    // Without the plan the check-in is the trend's, as before.
    let plain = checkin(&m, &graph, quarter, &series, &BTreeMap::new());
    let k0 = &plain.key_results[0];
    assert!(k0.planned.is_none());
    assert_eq!(k0.forecast.as_ref().unwrap().mean, trend.mean);

    // Later check-ins move shipped work into the data: at the end of 2026Q1 `early` shipped.
    let later = effects.planned(&m.indicators[0], Quarter { year: 2026, q: 1 }.last_day()).unwrap();
    assert_eq!(later.mean, 100.0);
    assert_eq!(later.carriers[1].counted, Counted::InData);
}

#[test]
fn the_plans_uncertainty_adds_to_the_trends() {
    // `late` delivers normal(50, 10) of `a`: the plan's change is 2 · (100 + N(50, 10²)),
    // mean 300 and sd 20 exactly; the estimate is within 4 of its standard errors
    // (sd / √(2n) for normal samples).
    let m = planted("normal(50, 10)");
    let settings = analysis::Settings::default();
    let effects = PlanEffects::new(&m, settings).unwrap();
    let p = effects.planned(&m.indicators[0], Date::new(2025, 12, 31).unwrap()).unwrap();
    assert!((p.mean - 300.0).abs() < 1e-9, "{}", p.mean);
    let se = 20.0 / (2.0 * settings.samples as f64).sqrt();
    assert!((p.sd - 20.0).abs() < 4.0 * se, "{} vs 20 ± {se}", p.sd);
    let graph = ModelGraph::build(&m);
    let planned = |ind: &model::Indicator, as_of: Date| effects.planned(ind, as_of);
    let ci = checkin_with_plan(
        &m,
        &graph,
        Quarter { year: 2025, q: 4 },
        &series,
        &BTreeMap::new(),
        &planned,
    );
    let kr = &ci.key_results[0];
    let (t, f) = (kr.trend.as_ref().unwrap(), kr.forecast.as_ref().unwrap());
    assert!((f.se.powi(2) - t.se.powi(2) - p.sd.powi(2)).abs() < 1e-6);
}

#[test]
fn without_a_saved_plan_there_is_no_plan_part() {
    let mut m = planted("50");
    m.saved_plan = None;
    assert!(PlanEffects::new(&m, analysis::Settings::default()).is_none());
}

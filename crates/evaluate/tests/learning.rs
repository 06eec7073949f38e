//! Harm is evidence too: a negative effect planted in synthetic data, estimated by every panel
//! method, moves the effects of the chain it tested down.

use evaluate::{Estimate, Point, did, sdid, synth};
use model::learn::apply_one;
use model::{
    Date, Delivery, Distribution, Evaluation, Id, Indicator, Initiative, Link, Model, Polarity,
    Status,
};
use synthetic::Rng;

fn id(s: &str) -> Id {
    Id::parse(s).expect("an id")
}

fn link(from: &str, to: &str, effect: Distribution) -> Link {
    Link {
        from: id(from),
        to: id(to),
        rationale: None,
        assumptions: vec![],
        evidence: vec![],
        effect: Some(effect),
        effect_unit: None,
        probability: None,
        skip_reason: None,
        feedback: false,
        prior_effect: None,
    }
}

/// Work that delivers 10 units of `a`, a chain a → b → c, and an indicator measuring `c`.
fn chain() -> Model {
    Model {
        links: vec![
            link("a", "b", Distribution::LogNormal { mu: 0.0, sigma: 0.5 }),
            link("b", "c", Distribution::LogNormal { mu: -1.0, sigma: 0.5 }),
        ],
        initiatives: vec![Initiative {
            id: id("work"),
            name: "Work".into(),
            program: None,
            team: id("t"),
            status: Status::Shipped,
            cost: None,
            effort: None,
            depends_on: vec![],
            excludes: vec![],
            must_do: false,
            tracker: vec![],
            audiences: vec![],
            benefits: Default::default(),
            delivers: vec![Delivery {
                node: id("a"),
                amount: Some(Distribution::Point { value: 10.0 }),
                probability: None,
            }],
            description: None,
            deployed: None,
            evaluation: None,
            inform: Vec::new(),
            hypotheses: vec![],
        }],
        indicators: vec![Indicator {
            id: id("ind"),
            name: "I".into(),
            measures: id("c"),
            definition: None,
            unit: None,
            direction: Polarity::Increase,
            rba: None,
            baseline: None,
            target: None,
            source: None,
        }],
        ..Model::default()
    }
}

fn record(est: &Estimate) -> Evaluation {
    Evaluation {
        initiative: id("work"),
        indicator: id("ind"),
        method: est.method,
        evaluated: Date::new(2026, 6, 1).expect("a date"),
        deployed: None,
        effect: est.effect,
        se: est.se,
        low: est.low,
        high: est.high,
        level: est.level,
        predicted: None,
        scale: 1.0,
        data: model::Provenance::Measured,
    }
}

#[test]
fn a_negative_planted_effect_moves_the_chain_down() {
    let mut rng = Rng::new(7);
    let (n, cut, donors) = (60usize, 40usize, 12usize);
    let dates: Vec<Date> = (0..n as i64).map(|i| Date::from_day_number(20_000 + 7 * i)).collect();
    let common: Vec<f64> = (0..n).map(|t| (t as f64 * 0.3).sin() * 5.0).collect();
    let mut unit = |level: f64| -> Vec<f64> {
        (0..n).map(|t| level + common[t] + 0.5 * rng.normal()).collect()
    };
    let treated_base = unit(100.0);
    let comps: Vec<(String, Vec<Point>)> = (0..donors)
        .map(|j| {
            let s = unit(90.0 + 2.0 * j as f64);
            (format!("d{j}"), dates.iter().copied().zip(s).collect())
        })
        .collect();
    // The change cost 3 units a period, growing in over the first weeks.
    let treated: Vec<Point> = (0..n)
        .map(|t| {
            let harm = if t >= cut { -3.0 * ((t - cut + 1) as f64 / 4.0).min(1.0) } else { 0.0 };
            (dates[t], treated_base[t] + harm)
        })
        .collect();
    let deployed = dates[cut];
    for est in [
        sdid::synthetic_did(&treated, &comps, deployed, 0.95).unwrap(),
        synth::synthetic_control(&treated, &comps, deployed, 0.95).unwrap(),
        did::difference_in_differences(&treated, &comps, deployed, 0.95).unwrap(),
    ] {
        assert!(est.high < 0.0, "{}: the harm is found, {} to {}", est.method, est.low, est.high);
        let mut m = chain();
        let priors: Vec<f64> = m.links.iter().map(|l| l.effect.unwrap().mean()).collect();
        let ups = apply_one(&mut m, &record(&est)).unwrap();
        assert_eq!(ups.len(), 2);
        for (u, prior) in ups.iter().zip(&priors) {
            let post = u.posterior.mean();
            assert!(post < *prior, "{}: {} → {}: {prior} → {post}", est.method, u.from, u.to);
            assert!(post > 0.0);
        }
    }
}

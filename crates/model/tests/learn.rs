//! The conjugate update of link effects against closed forms and brute force.
#![allow(clippy::unwrap_used)] // test helpers build fixed, known-good values

use model::learn::{LearnError, apply_one, lognormal_params};
use model::{
    Date, Delivery, Distribution, Evaluation, EvaluationMethod, Id, Indicator, Initiative, Link,
    Model, Polarity, Status,
};

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
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

fn model(links: Vec<Link>, amount: f64) -> Model {
    Model {
        links,
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
                amount: Some(Distribution::Point { value: amount }),
                probability: None,
            }],
            description: None,
            deployed: None,
            evaluation: None,
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

fn eval(effect: f64, se: f64) -> Evaluation {
    Evaluation {
        initiative: id("work"),
        indicator: id("ind"),
        method: EvaluationMethod::InterruptedTimeSeries,
        evaluated: Date::new(2026, 6, 1).unwrap(),
        deployed: None,
        effect,
        se,
        low: effect - 2.0 * se,
        high: effect + 2.0 * se,
        level: 0.95,
        predicted: None,
        scale: 1.0,
    }
}

#[test]
fn one_link_gets_the_closed_form_normal_normal_posterior() {
    let (mu0, s0) = (1.0_f64, 0.8_f64);
    let mut m = model(vec![link("a", "c", Distribution::LogNormal { mu: mu0, sigma: s0 })], 2.0);
    // A one-link chain a → c: make the indicator measure c.
    let (effect, se) = (9.0, 1.5);
    let up = apply_one(&mut m, &eval(effect, se)).unwrap();
    assert_eq!(up.len(), 1);
    let s2 = (1.0 + (se / effect).powi(2)).ln();
    let y = effect.ln() - 2.0_f64.ln();
    let mu = (mu0 / (s0 * s0) + y / s2) / (1.0 / (s0 * s0) + 1.0 / s2);
    let var = 1.0 / (1.0 / (s0 * s0) + 1.0 / s2);
    let Distribution::LogNormal { mu: got_mu, sigma: got_sigma } = up[0].posterior else {
        panic!("lognormal posterior expected")
    };
    assert!((got_mu - mu).abs() < 1e-12, "{got_mu} vs {mu}");
    assert!((got_sigma * got_sigma - var).abs() < 1e-12);
    // The link now carries the posterior, the prior and the evidence.
    assert_eq!(m.links[0].effect, Some(up[0].posterior));
    assert_eq!(m.links[0].prior_effect, Some(Distribution::LogNormal { mu: mu0, sigma: s0 }));
    assert_eq!(m.links[0].evidence.len(), 1);
}

/// Two links on one chain: the closed-form marginals agree with brute-force conditioning
/// (importance weighting of prior draws by the likelihood).
#[test]
fn two_links_match_brute_force_conditioning() {
    let (m1, s1, m2, s2) = (0.5_f64, 0.6_f64, -0.2_f64, 0.3_f64);
    let mut m = model(
        vec![
            link("a", "b", Distribution::LogNormal { mu: m1, sigma: s1 }),
            link("b", "c", Distribution::LogNormal { mu: m2, sigma: s2 }),
        ],
        10.0,
    );
    let (effect, se) = (30.0, 6.0);
    let up = apply_one(&mut m, &eval(effect, se)).unwrap();
    let post: Vec<(f64, f64)> =
        up.iter().map(|u| lognormal_params(&u.posterior).unwrap()).collect();
    let so2 = (1.0 + (se / effect).powi(2)).ln();
    let y = effect.ln() - 10.0_f64.ln();
    let mut rng = synthetic::Rng::new(5);
    let (mut w_sum, mut z1_sum, mut z1_sq, mut z2_sum) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..400_000 {
        let z1 = m1 + s1 * rng.normal();
        let z2 = m2 + s2 * rng.normal();
        let w = (-(y - z1 - z2).powi(2) / (2.0 * so2)).exp();
        w_sum += w;
        z1_sum += w * z1;
        z1_sq += w * z1 * z1;
        z2_sum += w * z2;
    }
    let (e1, e2) = (z1_sum / w_sum, z2_sum / w_sum);
    let v1 = z1_sq / w_sum - e1 * e1;
    assert!((post[0].0 - e1).abs() < 0.01, "{} vs brute force {e1}", post[0].0);
    assert!((post[1].0 - e2).abs() < 0.01, "{} vs brute force {e2}", post[1].0);
    assert!((post[0].1 * post[0].1 - v1).abs() < 0.01, "{} vs {v1}", post[0].1.powi(2));
}

#[test]
fn moment_matching_keeps_mean_and_variance() {
    let d = Distribution::pert(1.0, 2.0, 6.0).unwrap();
    let (mu, sigma) = lognormal_params(&d).unwrap();
    let mean = (mu + sigma * sigma / 2.0).exp();
    let var = ((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp();
    assert!((mean - d.mean()).abs() < 1e-12);
    assert!((var - d.variance()).abs() < 1e-9);
}

#[test]
fn what_cannot_be_learnt_is_said() {
    let ln = Distribution::LogNormal { mu: 0.0, sigma: 1.0 };
    let mut m = model(vec![link("a", "c", ln)], 1.0);
    assert!(matches!(apply_one(&mut m, &eval(-3.0, 1.0)), Err(LearnError::NotPositive { .. })));
    // Two parallel chains a → c and a → b → c.
    let mut m = model(vec![link("a", "c", ln), link("a", "b", ln), link("b", "c", ln)], 1.0);
    assert!(matches!(
        apply_one(&mut m, &eval(3.0, 1.0)),
        Err(LearnError::SeveralChains { count: 2, .. })
    ));
    // Nothing links a to c.
    let mut m = model(vec![link("a", "b", ln)], 1.0);
    assert!(matches!(apply_one(&mut m, &eval(3.0, 1.0)), Err(LearnError::NoChain { .. })));
    // A normal effect centred below zero cannot be lognormal.
    let mut m = model(vec![link("a", "c", Distribution::normal(-1.0, 1.0).unwrap())], 1.0);
    assert!(matches!(apply_one(&mut m, &eval(3.0, 1.0)), Err(LearnError::NegativeEffect { .. })));
}

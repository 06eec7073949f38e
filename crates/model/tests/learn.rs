//! The update of link effects from evaluations against closed forms and brute force.
#![allow(clippy::unwrap_used)] // test helpers build fixed, known-good values

use model::learn::{LearnError, apply_one, lognormal_params};
use model::{
    Date, Delivery, Distribution, Evaluation, EvaluationMethod, Id, Indicator, Initiative, Link,
    Model, Polarity, Provenance, Status, Strength,
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
        data: Provenance::Measured,
    }
}

/// Brute-force conditioning: prior draws of every link weighted by the linear-scale
/// likelihood `N(y; c·Π e_i, s²)`; returns each link's posterior mean and standard deviation.
fn brute_force(priors: &[(f64, f64)], c: f64, y: f64, s: f64, draws: usize) -> Vec<(f64, f64)> {
    let mut rng = synthetic::Rng::new(5);
    let k = priors.len();
    let (mut w_sum, mut sums, mut squares) = (0.0, vec![0.0; k], vec![0.0; k]);
    for _ in 0..draws {
        let e: Vec<f64> = priors.iter().map(|(m, sd)| (m + sd * rng.normal()).exp()).collect();
        let delta = c * e.iter().product::<f64>();
        let w = (-(y - delta).powi(2) / (2.0 * s * s)).exp();
        w_sum += w;
        for i in 0..k {
            sums[i] += w * e[i];
            squares[i] += w * e[i] * e[i];
        }
    }
    (0..k)
        .map(|i| {
            let mean = sums[i] / w_sum;
            (mean, (squares[i] / w_sum - mean * mean).sqrt())
        })
        .collect()
}

fn moments(d: &Distribution) -> (f64, f64) {
    (d.mean(), d.variance().sqrt())
}

fn assert_close(got: (f64, f64), want: (f64, f64), what: &str) {
    assert!(
        (got.0 - want.0).abs() < 0.01 * want.0.abs().max(0.05),
        "{what} mean {} vs brute force {}",
        got.0,
        want.0
    );
    assert!(
        (got.1 - want.1).abs() < 0.02 * want.1.max(0.05),
        "{what} sd {} vs brute force {}",
        got.1,
        want.1
    );
}

/// One lognormal link: a positive, a zero and a negative estimate each give the posterior
/// mean and spread that brute-force conditioning gives; the negative one moves the effect down
/// the most, and none can make it negative.
#[test]
fn one_link_matches_brute_force_for_positive_zero_and_negative_estimates() {
    let (mu0, s0) = (1.0_f64, 0.8_f64);
    let prior = Distribution::LogNormal { mu: mu0, sigma: s0 };
    let mut means = Vec::new();
    for (effect, se) in [(9.0, 1.5), (0.0, 2.0), (-3.0, 2.0)] {
        let mut m = model(vec![link("a", "c", prior)], 2.0);
        let up = apply_one(&mut m, &eval(effect, se)).unwrap();
        assert_eq!(up.len(), 1);
        let want = brute_force(&[(mu0, s0)], 2.0, effect, se, 400_000);
        assert_close(moments(&up[0].posterior), want[0], &format!("estimate {effect}"));
        means.push(up[0].posterior.mean());
        // The link now carries the posterior, the prior and the evidence.
        assert_eq!(m.links[0].effect, Some(up[0].posterior));
        assert_eq!(m.links[0].prior_effect, Some(prior));
        assert_eq!(m.links[0].evidence.len(), 1);
    }
    assert!(means[0] > means[1] && means[1] > means[2] && means[2] > 0.0, "{means:?}");
    assert!(means[2] < prior.mean());
}

/// Two links on one chain: each link's posterior moments agree with brute-force conditioning,
/// for good news and for harm.
#[test]
fn two_links_match_brute_force_conditioning() {
    let (m1, s1, m2, s2) = (0.5_f64, 0.6_f64, -0.2_f64, 0.3_f64);
    for (effect, se) in [(30.0, 6.0), (-5.0, 4.0)] {
        let mut m = model(
            vec![
                link("a", "b", Distribution::LogNormal { mu: m1, sigma: s1 }),
                link("b", "c", Distribution::LogNormal { mu: m2, sigma: s2 }),
            ],
            10.0,
        );
        let up = apply_one(&mut m, &eval(effect, se)).unwrap();
        let want = brute_force(&[(m1, s1), (m2, s2)], 10.0, effect, se, 1_000_000);
        for (i, u) in up.iter().enumerate() {
            assert_close(moments(&u.posterior), want[i], &format!("link {i}, estimate {effect}"));
        }
    }
}

/// A precise estimate far from the prior (a narrow likelihood) is integrated accurately.
#[test]
fn a_precise_estimate_dominates_the_prior() {
    let mut m = model(vec![link("a", "c", Distribution::LogNormal { mu: 0.0, sigma: 1.0 })], 1.0);
    let up = apply_one(&mut m, &eval(20.0, 0.02)).unwrap();
    let (mean, sd) = moments(&up[0].posterior);
    assert!((mean - 20.0).abs() < 0.01, "{mean}");
    assert!((sd - 0.02).abs() < 0.002, "{sd}");
}

/// A normal effect on a one-link chain gets the exact conjugate update, which may cross zero:
/// harm can show that a link works against its target.
#[test]
fn a_normal_link_gets_the_conjugate_update_and_may_turn_negative() {
    let (mean, sd) = (1.0, 1.0);
    let mut m = model(vec![link("a", "c", Distribution::normal(mean, sd).unwrap())], 2.0);
    let (effect, se) = (-4.0, 1.0);
    let up = apply_one(&mut m, &eval(effect, se)).unwrap();
    let precision = 1.0 / (sd * sd) + 4.0 / (se * se);
    let want = (mean / (sd * sd) + 2.0 * effect / (se * se)) / precision;
    let Distribution::Normal { mean: got, sd: got_sd } = up[0].posterior else {
        panic!("a normal posterior expected")
    };
    assert!((got - want).abs() < 1e-12 && got < 0.0, "{got} vs {want}");
    assert!((got_sd - precision.recip().sqrt()).abs() < 1e-12);
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
    assert!(matches!(apply_one(&mut m, &eval(-3.0, 0.0)), Err(LearnError::Degenerate { .. })));
    // Two parallel chains a → c and a → b → c.
    let mut m = model(vec![link("a", "c", ln), link("a", "b", ln), link("b", "c", ln)], 1.0);
    assert!(matches!(
        apply_one(&mut m, &eval(3.0, 1.0)),
        Err(LearnError::SeveralChains { count: 2, .. })
    ));
    // Nothing links a to c.
    let mut m = model(vec![link("a", "b", ln)], 1.0);
    assert!(matches!(apply_one(&mut m, &eval(3.0, 1.0)), Err(LearnError::NoChain { .. })));
    // On a chain of two, an effect centred below zero cannot be lognormal.
    let mut m = model(
        vec![link("a", "b", Distribution::normal(-1.0, 1.0).unwrap()), link("b", "c", ln)],
        1.0,
    );
    assert!(matches!(apply_one(&mut m, &eval(3.0, 1.0)), Err(LearnError::NegativeEffect { .. })));
}

/// An evaluation on synthetic or illustrative data is never more than weak evidence, however
/// precise and well designed, and the evidence it leaves on the link says what its data were.
#[test]
fn evidence_from_made_up_data_is_at_most_weak_and_says_so() {
    let precise = || Evaluation { method: EvaluationMethod::TwoGroup, ..eval(10.0, 0.5) };
    let mut real = model(vec![link("a", "c", Distribution::Normal { mean: 1.0, sd: 1.0 })], 10.0);
    apply_one(&mut real, &precise()).unwrap();
    let ev = &real.links[0].evidence[0];
    assert_eq!(ev.strength, Some(Strength::Strong));
    assert!(!ev.source.contains("synthetic"), "{}", ev.source);
    for data in [Provenance::Synthetic, Provenance::Illustrative] {
        let mut m = model(vec![link("a", "c", Distribution::Normal { mean: 1.0, sd: 1.0 })], 10.0);
        apply_one(&mut m, &Evaluation { data, ..precise() }).unwrap();
        let ev = &m.links[0].evidence[0];
        assert_eq!(ev.strength, Some(Strength::Weak), "{data}");
        assert!(ev.source.ends_with(&format!(", on {data} data")), "{}", ev.source);
    }
}

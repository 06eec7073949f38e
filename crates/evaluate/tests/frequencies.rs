//! Every time-series method on yearly, quarterly, monthly, weekly and daily series with a
//! season where the frequency has one, a trend and a ramping effect: each recovers the
//! planted average effect (the series are noiseless but for a wobble of 1e-9, so exactly).

use evaluate::{Estimate, Frequency, Point, did, its, sdid, synth};
use model::Date;

struct Fixture {
    name: &'static str,
    frequency: Frequency,
    dates: Vec<Date>,
    cut: usize,
    season: fn(Date) -> f64,
}

fn fixtures() -> Vec<Fixture> {
    let monthly = |n: i32, from: i32, step: i32| -> Vec<Date> {
        (0..n)
            .map(|i| {
                let m = i * step;
                Date::new(from + m / 12, (m % 12 + 1) as u8, 1).expect("a date")
            })
            .collect()
    };
    let days = |n: i64, step: i64| -> Vec<Date> {
        let start = Date::new(2023, 1, 2).expect("a date").day_number();
        (0..n).map(|i| Date::from_day_number(start + i * step)).collect()
    };
    vec![
        Fixture {
            name: "yearly",
            frequency: Frequency::Yearly,
            dates: (0..30).map(|i| Date::new(1990 + i, 1, 1).expect("a date")).collect(),
            cut: 20,
            season: |_| 0.0,
        },
        Fixture {
            name: "quarterly",
            frequency: Frequency::Quarterly,
            dates: monthly(40, 2015, 3),
            cut: 28,
            season: |d| [0.0, 3.0, -2.0, 1.0][usize::from((d.month - 1) / 3)],
        },
        Fixture {
            name: "monthly",
            frequency: Frequency::Monthly,
            dates: monthly(48, 2020, 1),
            cut: 36,
            season: |d| (f64::from(d.month) * 0.9).sin() * 4.0,
        },
        Fixture {
            name: "weekly",
            frequency: Frequency::Weekly,
            dates: days(150, 7),
            cut: 110,
            season: |d| 5.0 * (std::f64::consts::TAU * d.day_number() as f64 / 365.25).sin(),
        },
        Fixture {
            name: "daily",
            frequency: Frequency::Daily,
            dates: days(200, 1),
            cut: 150,
            season: |d| [0.0, 1.0, 2.0, 1.5, 1.0, -3.0, -4.0][usize::from(d.weekday())],
        },
    ]
}

fn check(name: &str, est: &Estimate, truth: f64) {
    assert!((est.effect - truth).abs() < 1e-6, "{name}: {} vs {truth}", est.effect);
    assert_eq!(est.fitted.len(), est.pre + est.post, "{name}: the path covers every date");
}

#[test]
fn every_method_recovers_a_ramp_at_every_frequency() {
    for f in fixtures() {
        let n = f.dates.len();
        let wobble = |t: usize, u: usize| 1e-9 * ((t * 7 + u * 13) % 11) as f64;
        let effect: Vec<f64> =
            (0..n).map(|t| if t >= f.cut { 0.5 * (t - f.cut + 1) as f64 } else { 0.0 }).collect();
        let truth = effect[f.cut..].iter().sum::<f64>() / (n - f.cut) as f64;
        let base = |t: usize, u: usize| {
            100.0 + 10.0 * u as f64 + 0.3 * t as f64 + (f.season)(f.dates[t]) + wobble(t, u)
        };
        let treated: Vec<Point> = (0..n).map(|t| (f.dates[t], base(t, 0) + effect[t])).collect();
        let donors: Vec<(String, Vec<Point>)> = (1..=6)
            .map(|u| (format!("d{u}"), (0..n).map(|t| (f.dates[t], base(t, u))).collect()))
            .collect();
        assert_eq!(Frequency::of(&treated), f.frequency, "{}", f.name);
        let deployed = f.dates[f.cut];
        let its = its::interrupted_time_series(&treated, deployed, 0.95).unwrap();
        check(&format!("{} ITS", f.name), &its, truth);
        let did = did::difference_in_differences(&treated, &donors, deployed, 0.95).unwrap();
        check(&format!("{} DiD", f.name), &did, truth);
        let sc = synth::synthetic_control(&treated, &donors, deployed, 0.95).unwrap();
        check(&format!("{} SC", f.name), &sc, truth);
        let sd = sdid::synthetic_did(&treated, &donors, deployed, 0.95).unwrap();
        check(&format!("{} SDID", f.name), &sd, truth);
        assert!(its.notes[0].starts_with(f.name), "{}: {:?}", f.name, its.notes);
    }
}

//! Real public panels with published results (tests/data/README.md gives the sources).
//!
//! Each point estimate is checked to 1e-6 against an independent implementation written here:
//! the weights by accelerated projected gradient (the library uses an active-set method), the
//! estimates by the papers' formulas in plain loops. Where the method is the same as a paper's,
//! the published number is reproduced to its printed precision:
//!
//! - California's Proposition 99 (Abadie, Diamond & Hainmueller 2010), as in Arkhangelsky,
//!   Athey, Hirshberg, Imbens & Wager (2021), Table 1: synthetic DiD −15.6, synthetic control
//!   −19.6, DiD −27.3 packs per capita. The exact synthetic control is −19.5; the paper's
//!   −19.6 is reproduced by replaying the authors' solver, which stops short of the optimum.
//! - The Basque Country (Abadie & Gardeazabal 2003) and West German reunification (Abadie,
//!   Diamond & Hainmueller 2015): their published estimates match on covariates as well as
//!   outcomes, so only the independent implementation is compared.

use std::collections::BTreeMap;

use evaluate::{Estimate, Point, did, its, sdid, synth};
use model::Date;

type Series = Vec<(String, Vec<Point>)>;

/// A `series,date,value` file with `#` comments, as `throughline import` reads it.
fn load(file: &str) -> BTreeMap<String, Vec<Point>> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the panel is committed");
    let mut out: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut f = line.split(',');
        let (Some(s), Some(d), Some(v)) = (f.next(), f.next(), f.next()) else { continue };
        let date = Date::parse(d).expect("a date");
        out.entry(s.to_string()).or_default().push((date, v.parse().expect("a number")));
    }
    out
}

struct Case {
    treated: Vec<Point>,
    donors: Series,
    deployed: Date,
    /// Treated values and donor values by date, in order, for the reference implementation.
    y: Vec<f64>,
    c: Vec<Vec<f64>>,
    before: usize,
}

fn case(file: &str, treated: &str, exclude: &[&str], year: i32) -> Case {
    let mut all = load(file);
    let t = all.remove(treated).expect("the treated series");
    let donors: Series = all.into_iter().filter(|(k, _)| !exclude.contains(&k.as_str())).collect();
    let deployed = Date::new(year, 1, 1).expect("a date");
    let y: Vec<f64> = t.iter().map(|p| p.1).collect();
    let c: Vec<Vec<f64>> = donors.iter().map(|(_, s)| s.iter().map(|p| p.1).collect()).collect();
    for (_, s) in &donors {
        assert_eq!(s.len(), t.len(), "a balanced panel");
    }
    let before = t.iter().filter(|p| p.0 < deployed).count();
    Case { treated: t, donors, deployed, y, c, before }
}

// ---- The independent implementation ----

/// `argmin ‖Aw − b‖²/rows + ζ²‖w‖²` over the simplex by FISTA (accelerated projected
/// gradient) with a sort-based projection, run to convergence.
fn reference_weights(a: &[Vec<f64>], b: &[f64], zeta: f64) -> Vec<f64> {
    // a[k] is column k (length rows).
    let k = a.len();
    let rows = b.len() as f64;
    let h: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    a[i].iter().zip(&a[j]).map(|(x, y)| x * y).sum::<f64>() / rows
                        + if i == j { zeta * zeta } else { 0.0 }
                })
                .collect()
        })
        .collect();
    let f: Vec<f64> =
        (0..k).map(|i| a[i].iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / rows).collect();
    // Lipschitz constant: the largest eigenvalue, by power iteration.
    let mut v = vec![1.0; k];
    let mut lip = 0.0;
    for _ in 0..500 {
        let hv: Vec<f64> = (0..k).map(|i| (0..k).map(|j| h[i][j] * v[j]).sum()).collect();
        let norm = hv.iter().map(|x| x * x).sum::<f64>().sqrt();
        lip = norm;
        v = hv.iter().map(|x| x / norm).collect();
    }
    let step = 1.0 / (lip * 1.01);
    let project = |v: &[f64]| -> Vec<f64> {
        let mut u = v.to_vec();
        u.sort_by(|a, b| b.total_cmp(a));
        let (mut cum, mut theta) = (0.0, 0.0);
        for (i, ui) in u.iter().enumerate() {
            cum += ui;
            let t = (cum - 1.0) / (i as f64 + 1.0);
            if ui - t > 0.0 {
                theta = t;
            }
        }
        v.iter().map(|x| (x - theta).max(0.0)).collect()
    };
    let mut w = vec![1.0 / k as f64; k];
    let mut z = w.clone();
    let mut t = 1.0_f64;
    for _ in 0..2_000_000 {
        let grad: Vec<f64> =
            (0..k).map(|i| (0..k).map(|j| h[i][j] * z[j]).sum::<f64>() - f[i]).collect();
        let next = project(&(0..k).map(|i| z[i] - step * grad[i]).collect::<Vec<_>>());
        let t_next = (1.0 + (1.0 + 4.0 * t * t).sqrt()) / 2.0;
        let moved = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        z = (0..k).map(|i| next[i] + (t - 1.0) / t_next * (next[i] - w[i])).collect();
        w = next;
        t = t_next;
        if moved < 1e-15 {
            break;
        }
    }
    w
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The standard deviation of all pre-period first differences of the donors.
fn noise(c: &[Vec<f64>], before: usize) -> f64 {
    let d: Vec<f64> = c.iter().flat_map(|s| (1..before).map(move |t| s[t] - s[t - 1])).collect();
    let m = mean(&d);
    (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (d.len() - 1) as f64).sqrt()
}

fn reference_did(k: &Case) -> f64 {
    let n = k.y.len();
    let gap: Vec<f64> =
        (0..n).map(|t| k.y[t] - k.c.iter().map(|s| s[t]).sum::<f64>() / k.c.len() as f64).collect();
    mean(&gap[k.before..]) - mean(&gap[..k.before])
}

/// Synthetic control: weights on the pre-period (de-meaned or not), the effect from the gap.
fn reference_sc(k: &Case, demeaned: bool) -> f64 {
    let b0 = k.before;
    let centre = |s: &[f64]| if demeaned { mean(&s[..b0]) } else { 0.0 };
    let a: Vec<Vec<f64>> =
        k.c.iter().map(|s| s[..b0].iter().map(|v| v - centre(s)).collect()).collect();
    let b: Vec<f64> = k.y[..b0].iter().map(|v| v - centre(&k.y)).collect();
    let w = reference_weights(&a, &b, 1e-6 * noise(&k.c, b0));
    let gap: Vec<f64> = (0..k.y.len())
        .map(|t| k.y[t] - k.c.iter().zip(&w).map(|(s, wj)| wj * s[t]).sum::<f64>())
        .collect();
    mean(&gap[b0..]) - if demeaned { mean(&gap[..b0]) } else { 0.0 }
}

/// Synthetic DiD as in Arkhangelsky et al. (2021), Algorithm 1, for one treated unit.
fn reference_sdid(k: &Case) -> f64 {
    let (b0, n) = (k.before, k.y.len());
    let t1 = (n - b0) as f64;
    let sigma = noise(&k.c, b0);
    let zeta_omega = t1.powf(0.25) * sigma;
    let zeta_lambda = 1e-6 * sigma;
    // Unit weights with an intercept: columns de-meaned over the pre-period.
    let a: Vec<Vec<f64>> =
        k.c.iter().map(|s| s[..b0].iter().map(|v| v - mean(&s[..b0])).collect()).collect();
    let b: Vec<f64> = k.y[..b0].iter().map(|v| v - mean(&k.y[..b0])).collect();
    let omega = reference_weights(&a, &b, zeta_omega);
    // Time weights with an intercept: each pre-period column de-meaned over the donors.
    let post: Vec<f64> = k.c.iter().map(|s| mean(&s[b0..])).collect();
    let a: Vec<Vec<f64>> = (0..b0)
        .map(|t| {
            let m = mean(&k.c.iter().map(|s| s[t]).collect::<Vec<_>>());
            k.c.iter().map(|s| s[t] - m).collect()
        })
        .collect();
    let pm = mean(&post);
    let b: Vec<f64> = post.iter().map(|v| v - pm).collect();
    let lambda = reference_weights(&a, &b, zeta_lambda);
    let diff = |s: &[f64]| mean(&s[b0..]) - lambda.iter().zip(s).map(|(l, v)| l * v).sum::<f64>();
    diff(&k.y) - k.c.iter().zip(&omega).map(|(s, w)| w * diff(s)).sum::<f64>()
}

/// The authors' R package's solver, replayed step for step (synthdid `sc.weight.fw` with
/// `fw.step`, then `sparsify_function`, as `synthdid_estimate` runs them): Frank–Wolfe with
/// exact line search on `‖Aw − b‖² + η‖w‖²`, `η = rows·ζ²`, stopping when an iteration lowers
/// the objective by less than `min_decrease²`. `a` is column-major (one vector per weight).
fn synthdid_frank_wolfe(
    a: &[Vec<f64>],
    b: &[f64],
    zeta: f64,
    start: Vec<f64>,
    min_decrease: f64,
    max_iter: usize,
) -> Vec<f64> {
    let (k, rows) = (a.len(), b.len());
    let eta = rows as f64 * zeta * zeta;
    let mut x = start;
    let mut vals: Vec<f64> = Vec::new();
    while vals.len() < max_iter {
        let t = vals.len();
        if t >= 2 && vals[t - 2] - vals[t - 1] <= min_decrease * min_decrease {
            break;
        }
        let ax: Vec<f64> = (0..rows).map(|r| (0..k).map(|j| a[j][r] * x[j]).sum()).collect();
        let half: Vec<f64> = (0..k)
            .map(|j| (0..rows).map(|r| (ax[r] - b[r]) * a[j][r]).sum::<f64>() + eta * x[j])
            .collect();
        let i = (0..k).fold(0, |best, j| if half[j] < half[best] { j } else { best });
        let mut dx: Vec<f64> = x.iter().map(|v| -v).collect();
        dx[i] = 1.0 - x[i];
        if dx.iter().any(|d| *d != 0.0) {
            let derr: Vec<f64> = (0..rows).map(|r| a[i][r] - ax[r]).collect();
            let step = -half.iter().zip(&dx).map(|(h, d)| h * d).sum::<f64>()
                / (derr.iter().map(|d| d * d).sum::<f64>()
                    + eta * dx.iter().map(|d| d * d).sum::<f64>());
            let step = step.clamp(0.0, 1.0);
            x = x.iter().zip(&dx).map(|(v, d)| v + step * d).collect();
        }
        let err: f64 =
            (0..rows).map(|r| ((0..k).map(|j| a[j][r] * x[j]).sum::<f64>() - b[r]).powi(2)).sum();
        vals.push(zeta * zeta * x.iter().map(|v| v * v).sum::<f64>() + err / rows as f64);
    }
    x
}

/// The package's `sc_estimate`: no intercept, no time weights, ζ = 10⁻⁶σ̂, 100 Frank–Wolfe
/// steps, weights below a quarter of the largest set to zero, then up to 10,000 steps.
fn synthdid_package_sc(k: &Case) -> f64 {
    let b0 = k.before;
    let sigma = noise(&k.c, b0);
    let a: Vec<Vec<f64>> = k.c.iter().map(|s| s[..b0].to_vec()).collect();
    let b = &k.y[..b0];
    let n0 = a.len();
    let (zeta, min_decrease) = (1e-6 * sigma, 1e-5 * sigma);
    let first = synthdid_frank_wolfe(&a, b, zeta, vec![1.0 / n0 as f64; n0], min_decrease, 100);
    let top = first.iter().copied().fold(0.0, f64::max);
    let kept: Vec<f64> = first.iter().map(|v| if *v <= top / 4.0 { 0.0 } else { *v }).collect();
    let total: f64 = kept.iter().sum();
    let start = kept.iter().map(|v| v / total).collect();
    let w = synthdid_frank_wolfe(&a, b, zeta, start, min_decrease, 10_000);
    mean(&k.y[b0..]) - k.c.iter().zip(&w).map(|(s, wj)| wj * mean(&s[b0..])).sum::<f64>()
}

// ---- The tests ----

fn prop99() -> Case {
    case("california_prop99.csv", "california", &[], 1989)
}

/// Agreement to 1e-6 (relative, for effects larger than one: West German GDP per capita is in
/// dollars, and the classic synthetic control's weights are only determined to about 1e-8 by
/// a first-order method when its ridge is vanishing).
fn close(name: &str, est: &Estimate, want: f64) {
    eprintln!("{name}: {} (reference {want}), se {}", est.effect, est.se);
    let tol = 1e-6 * want.abs().max(1.0);
    assert!((est.effect - want).abs() < tol, "{name}: {} vs reference {want}", est.effect);
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[test]
fn proposition_99_reproduces_arkhangelsky_et_al_table_1() {
    let k = prop99();
    assert_eq!((k.donors.len(), k.before, k.y.len()), (38, 19, 31));
    let sdid = sdid::synthetic_did(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    let sc = synth::synthetic_control_classic(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    let did = did::difference_in_differences(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("SDID", &sdid, reference_sdid(&k));
    close("SC", &sc, reference_sc(&k, false));
    close("DiD", &did, reference_did(&k));
    assert_eq!(round1(sdid.effect), -15.6);
    assert_eq!(round1(did.effect), -27.3);
    // The paper's −19.6 comes from the authors' R package, whose Frank–Wolfe solver (100
    // steps, then weights below a quarter of the largest set to zero, then up to 10,000 steps)
    // stops short of the optimum: replayed step for step here it gives −19.62 (−19.59 without
    // the sparsification), while the exact optimum of the same objective is −19.51.
    assert_eq!(round1(sc.effect), -19.5);
    let package = synthdid_package_sc(&k);
    eprintln!("SC by the package's solver: {package}");
    assert_eq!(round1(package), -19.6);
    // The placebo standard error of SDID: the paper reports 8.4 (placebo) for this panel.
    eprintln!("SDID placebo se {}", sdid.se);
    assert!((sdid.se - 8.4).abs() < 1.5, "{}", sdid.se);
    // Every other state is a placebo. Abadie, Diamond & Hainmueller (2010) rank California's
    // post/pre RMSPE ratio first of 39 with their covariate-matched control; on outcomes alone
    // it ranks third (p = 3/39).
    let placebos = sc.placebos.as_ref().unwrap();
    eprintln!("SC rank {} of {}", placebos.rank, placebos.units.len() + 1);
    assert_eq!(placebos.units.len(), 38);
    assert_eq!(placebos.rank, 3);
    let de = synth::synthetic_control(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("SC de-meaned", &de, reference_sc(&k, true));
}

#[test]
fn the_basque_country_agrees_with_the_reference_implementation() {
    let k = case("basque.csv", "basque_country_pais_vasco", &["spain_espana"], 1970);
    assert_eq!(k.donors.len(), 16);
    let sdid = sdid::synthetic_did(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Basque SDID", &sdid, reference_sdid(&k));
    let sc = synth::synthetic_control_classic(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Basque SC", &sc, reference_sc(&k, false));
    let de = synth::synthetic_control(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Basque SC de-meaned", &de, reference_sc(&k, true));
    let did = did::difference_in_differences(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Basque DiD", &did, reference_did(&k));
}

#[test]
fn west_german_reunification_agrees_with_the_reference_implementation() {
    let k = case("germany.csv", "west_germany", &[], 1990);
    assert_eq!(k.donors.len(), 16);
    let sdid = sdid::synthetic_did(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Germany SDID", &sdid, reference_sdid(&k));
    let sc = synth::synthetic_control_classic(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Germany SC", &sc, reference_sc(&k, false));
    let de = synth::synthetic_control(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Germany SC de-meaned", &de, reference_sc(&k, true));
    let did = did::difference_in_differences(&k.treated, &k.donors, k.deployed, 0.95).unwrap();
    close("Germany DiD", &did, reference_did(&k));
}

/// Yearly data: an interrupted time series has no season to separate (this used to fail with
/// "cannot separate the term 'month 2'"), and its estimate is the mean gap to the extrapolated
/// pre-period trend.
#[test]
fn yearly_interrupted_time_series_is_the_mean_gap_to_the_extrapolated_trend() {
    let k = prop99();
    let est = its::interrupted_time_series(&k.treated, k.deployed, 0.95).unwrap();
    let b0 = k.before as f64;
    let xs: Vec<f64> = (0..k.before).map(|t| t as f64).collect();
    let (mx, my) = (mean(&xs), mean(&k.y[..k.before]));
    let slope = xs.iter().zip(&k.y).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
        / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
    let want = (k.before..k.y.len()).map(|t| k.y[t] - (my + slope * (t as f64 - mx))).sum::<f64>()
        / (k.y.len() as f64 - b0);
    close("ITS (yearly)", &est, want);
    assert!(est.notes.iter().any(|n| n.contains("yearly data")), "{:?}", est.notes);
}

//! `cargo bench -p simulate --bench simulate`: the Monte Carlo engine on a generated model of
//! 1,000 initiatives, 10,000 nodes and 50,000 links, 10,000 samples, beside the NumPy peer
//! `bench/simulate_peer.py` running the same algorithm on the same compiled plan in the same run.
//! Checks that both agree on every initiative's mean value (within Monte Carlo error) and reports
//! the ratio of their times. Needs `python3` with `numpy` for the peer (`pip install numpy`);
//! without it, only the Rust figure is printed.
//!
//! `BENCH_SAMPLES`, `BENCH_RUNS` override the sample count (10,000) and timed runs (3).

use std::process::Command;
use std::time::Instant;

use simulate::{Overrides, Plan, Settings};
use synthetic::{Spec, generate};

fn main() {
    let samples: usize =
        std::env::var("BENCH_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let spec = Spec {
        goals: 10,
        programs: 50,
        nodes: 10_000,
        links: 50_000,
        initiatives: 1_000,
        teams: 40,
        seed: 11,
    };
    let files =
        generate(&spec).into_iter().map(|(n, t)| modelfile::SourceFile::in_memory(n, t)).collect();
    let checked = modelfile::check(files);
    assert!(checked.is_ok(), "the generated model must be clean");
    let model = checked.model;
    // BENCH_CONSTANT=1 replaces every effect by its mean: isolates propagation from sampling.
    let mut overrides = Overrides::default();
    if std::env::var_os("BENCH_CONSTANT").is_some() {
        for (li, l) in model.links.iter().enumerate() {
            if let Some(e) = l.effect {
                overrides.set_effect(li, model::Distribution::point(e.mean()).expect("finite"));
            }
        }
    }
    let plan = Plan::new(&model, &overrides).expect("acyclic");
    let settings = Settings { samples, seed: 1 };

    let mut times = Vec::new();
    let mut sim = None;
    for _ in 0..runs {
        // The previous run's results go first, so peak RSS is one run's.
        drop(sim.take());
        let t = Instant::now();
        let s = simulate::run(&model, &plan, &settings, &|_, _| {});
        times.push(t.elapsed().as_secs_f64());
        sim = Some(s);
    }
    times.sort_by(f64::total_cmp);
    let rust = times[times.len() / 2];
    let sim = sim.expect("at least one run");
    let rss = peak_rss_mb();
    println!(
        "model: {} initiatives, {} nodes, {} links, {} goals; {} samples; {} threads",
        spec.initiatives,
        spec.nodes,
        spec.links,
        spec.goals,
        samples,
        rayon::current_num_threads()
    );
    println!("throughline simulate (median of {runs}): {rust:.2} s, peak RSS {rss:.0} MB");

    if std::env::var_os("BENCH_NO_PEER").is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, plan.to_json().to_string()).expect("write plan");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/simulate_peer.py");
    let out = Command::new("python3").arg(script).arg(&plan_path).arg(samples.to_string()).output();
    let Ok(out) = out.map_err(|e| e.to_string()).and_then(|o| {
        if o.status.success() {
            Ok(o)
        } else {
            Err(String::from_utf8_lossy(&o.stderr).into_owned())
        }
    }) else {
        println!("peer: python3 with numpy not available; `pip install numpy` to compare");
        return;
    };
    let peer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("peer JSON");
    let numpy = peer["seconds"].as_f64().expect("seconds");
    let (mut worst, mut disagree) = (0.0f64, 0);
    for (i, r) in sim.initiatives.iter().enumerate() {
        let m = peer["mean"][i].as_f64().unwrap_or(f64::NAN);
        let s = peer["se"][i].as_f64().unwrap_or(f64::NAN);
        let z = (r.value.mean - m).abs() / (r.value.se * r.value.se + s * s).sqrt().max(1e-300);
        worst = worst.max(z);
        if z > 4.5 {
            disagree += 1;
        }
    }
    println!("peer: NumPy {} (same plan, same samples): {numpy:.2} s", peer_version());
    println!("ratio numpy / throughline: {:.1}x (goal: at least 10x)", numpy / rust);
    println!(
        "means agree: {} of {} initiatives within 4.5 standard errors (largest |z| = {worst:.2})",
        sim.initiatives.len() - disagree,
        sim.initiatives.len()
    );
    assert!(disagree <= sim.initiatives.len() / 100, "the two implementations disagree");
}

fn peer_version() -> String {
    Command::new("python3")
        .args(["-c", "import numpy; print(numpy.__version__)"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

//! `cargo bench -p simulate --bench simulate`: the Monte Carlo engine against a NumPy peer, at
//! equal thread counts, in one run.
//!
//! What is compared: `simulate::run` on a generated model (1,000 initiatives, 10,000 nodes,
//! 50,000 lognormal links that each work with probability 0.9, 10 goals; 10,000 samples) and
//! `bench/simulate_peer.py`, an idiomatic NumPy implementation of the same algorithm (links
//! grouped by height, one generator call per distribution kind per chunk, no Python loop over
//! links, nodes or initiatives; links whose source no delivery reaches left out, as the engine
//! leaves them out) reading the same compiled plan (`Plan::to_json`), keeping every sample and
//! returning the summaries `simulate::run` returns (mean, sd, se, 5th/50th/95th percentiles and
//! share above zero of every initiative's value, cost and cost-effectiveness, each goal and the
//! portfolio), timed, so both sides produce the same outputs. The peer runs
//! twice per round: in double precision and with `--f32` (draws and propagation in single
//! precision; the engine draws in single and propagates in double, so `--f32` gives the peer
//! less work than the engine).
//!
//! Threads: for each count in `BENCH_THREADS` (default `1,2`) the engine runs in a rayon pool of
//! that many threads and the peer with `--threads` of the same count (its chunks split over that
//! many Python threads, each with its own generator; NumPy releases the GIL inside its array
//! operations). The 1-thread row is the per-thread ratio.
//!
//! Timing: `BENCH_RUNS` rounds (default 3); each round runs, for every thread count, the engine,
//! the f64 peer and the f32 peer one after the other, so load from other processes on a shared
//! machine falls on all sides alike. Every figure is the median of its runs; the peer's time is
//! its compute only (after reading the plan). Both wall time and CPU time (all threads of the
//! process) are reported: under load from other processes the wall times stretch by whatever
//! share of the cores each side got, while CPU times stay closer to the work done, so on a busy
//! machine the CPU ratio is the steadier figure (at 1 thread the two agree on a quiet one). The
//! load average is printed before and after.
//!
//! Agreement: the two use different generators, so every peer run must agree with the engine on
//! every initiative's mean value within 4.5 combined standard errors (the benchmark panics
//! otherwise).
//!
//! Needs `python3` with `numpy` (`pip install numpy`); without it, only the engine is timed.
//! `BENCH_SAMPLES` (10,000), `BENCH_RUNS` (3), `BENCH_THREADS` (`1,2`), `BENCH_NO_PEER`,
//! `BENCH_CONSTANT` (every effect replaced by its mean: propagation without sampling),
//! `BENCH_PLAN` (also write the plan's JSON to this path).

use std::process::Command;
use std::time::Instant;

use synthetic::bench::{env, loadavg, median};

use simulate::{Overrides, Plan, Settings, Simulation};
use synthetic::{Spec, generate};

/// Largest |z| allowed between the engine's and the peer's mean of an initiative.
const Z_MAX: f64 = 4.5;

/// One peer run: its compute time (wall and CPU), and the number of initiatives outside `Z_MAX`
/// with the largest |z|.
struct PeerRun {
    seconds: f64,
    cpu_seconds: f64,
    disagree: usize,
    worst: f64,
}

fn run_peer(
    plan: &std::path::Path,
    samples: usize,
    threads: usize,
    f32: bool,
    sim: &Simulation,
) -> Result<PeerRun, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/simulate_peer.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(plan).arg(samples.to_string()).args(["--threads", &threads.to_string()]);
    if f32 {
        cmd.arg("--f32");
    }
    for var in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] {
        cmd.env(var, threads.to_string());
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let peer: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let (mut worst, mut disagree) = (0.0f64, 0);
    for (i, r) in sim.initiatives.iter().enumerate() {
        let m = peer["mean"][i].as_f64().unwrap_or(f64::NAN);
        let s = peer["se"][i].as_f64().unwrap_or(f64::NAN);
        let z = (r.value.mean - m).abs() / (r.value.se * r.value.se + s * s).sqrt().max(1e-300);
        // NaN counts as a disagreement.
        if z.is_nan() || z > Z_MAX {
            disagree += 1;
        }
        worst = worst.max(z);
    }
    Ok(PeerRun {
        seconds: peer["seconds"].as_f64().unwrap_or(f64::NAN),
        cpu_seconds: peer["cpu_seconds"].as_f64().unwrap_or(f64::NAN),
        disagree,
        worst,
    })
}

fn main() {
    let samples: usize = env("BENCH_SAMPLES", 10_000);
    let runs: usize = env("BENCH_RUNS", 3).max(1);
    let threads = synthetic::bench::threads();
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
    let pools: Vec<rayon::ThreadPool> = threads
        .iter()
        .map(|&t| rayon::ThreadPoolBuilder::new().num_threads(t).build().expect("thread pool"))
        .collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, plan.to_json().to_string()).expect("write plan");
    if let Ok(keep) = std::env::var("BENCH_PLAN") {
        std::fs::copy(&plan_path, keep).expect("copy the plan");
    }
    let mut peer_on = std::env::var_os("BENCH_NO_PEER").is_none();
    let load_before = loadavg();
    println!(
        "model: {} initiatives, {} nodes, {} links, {} goals; {samples} samples; threads {threads:?}; {runs} rounds",
        spec.initiatives, spec.nodes, spec.links, spec.goals
    );
    println!("load average before: {load_before}");

    // times[k] = (engine, peer f64, peer f32) for threads[k], wall and CPU; agreement per peer.
    let mut times: Vec<[Vec<f64>; 3]> = vec![[vec![], vec![], vec![]]; threads.len()];
    let mut cpu = times.clone();
    let mut worst = [0.0f64; 2];
    let mut disagree = [0usize; 2];
    let mut peer_runs = [0usize; 2];
    let mut bits: Option<Vec<u64>> = None;
    for _ in 0..runs {
        for (k, &t) in threads.iter().enumerate() {
            let (start, cpu_start) = (Instant::now(), cpu_seconds());
            let sim = pools[k].install(|| simulate::run(&model, &plan, &settings, &|_, _| {}));
            times[k][0].push(start.elapsed().as_secs_f64());
            cpu[k][0].push(cpu_seconds() - cpu_start);
            // Thread-count independence: every run gives the same means, bit for bit.
            let means: Vec<u64> = sim.initiatives.iter().map(|r| r.value.mean.to_bits()).collect();
            match &bits {
                Some(b) => assert_eq!(b, &means, "results depend on the thread count"),
                None => bits = Some(means),
            }
            if !peer_on {
                continue;
            }
            for (p, f32) in [(0, false), (1, true)] {
                match run_peer(&plan_path, samples, t, f32, &sim) {
                    Ok(r) => {
                        times[k][1 + p].push(r.seconds);
                        cpu[k][1 + p].push(r.cpu_seconds);
                        worst[p] = worst[p].max(r.worst);
                        disagree[p] += r.disagree;
                        peer_runs[p] += 1;
                    }
                    Err(e) => {
                        println!(
                            "peer: python3 with numpy not available ({})",
                            e.lines().last().unwrap_or("")
                        );
                        println!("`pip install numpy` to compare; timing the engine only");
                        peer_on = false;
                        break;
                    }
                }
            }
        }
    }
    let load_after = loadavg();
    println!("load average after: {load_after}");
    println!("NumPy {}", peer_version());
    println!();
    println!("| threads each | throughline | NumPy f64 | ratio f64 | NumPy f32 | ratio f32 |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (k, &t) in threads.iter().enumerate() {
        let ours = median(&times[k][0]);
        if peer_on && !times[k][1].is_empty() && !times[k][2].is_empty() {
            let (p64, p32) = (median(&times[k][1]), median(&times[k][2]));
            println!(
                "| {t} | {ours:.2} s | {p64:.2} s | {:.1}× | {p32:.2} s | {:.1}× |",
                p64 / ours,
                p32 / ours
            );
        } else {
            println!("| {t} | {ours:.2} s | — | — | — | — |");
        }
    }
    println!();
    println!("CPU seconds (all threads; less sensitive to other processes than wall time):");
    println!();
    println!("| threads each | throughline | NumPy f64 | ratio f64 | NumPy f32 | ratio f32 |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (k, &t) in threads.iter().enumerate() {
        let ours = median(&cpu[k][0]);
        if peer_on && !cpu[k][1].is_empty() && !cpu[k][2].is_empty() {
            let (p64, p32) = (median(&cpu[k][1]), median(&cpu[k][2]));
            println!(
                "| {t} | {ours:.2} s | {p64:.2} s | {:.1}× | {p32:.2} s | {:.1}× |",
                p64 / ours,
                p32 / ours
            );
        } else {
            println!("| {t} | {ours:.2} s | — | — | — | — |");
        }
    }
    println!();
    for (k, &t) in threads.iter().enumerate() {
        println!(
            "runs at {t} thread(s): throughline {:.2?}, NumPy f64 {:.2?}, NumPy f32 {:.2?}",
            times[k][0], times[k][1], times[k][2]
        );
        println!(
            "CPU at {t} thread(s): throughline {:.2?}, NumPy f64 {:.2?}, NumPy f32 {:.2?}",
            cpu[k][0], cpu[k][1], cpu[k][2]
        );
    }
    println!("peak RSS of this process: {:.0} MB", peak_rss_mb());
    if peer_on {
        for (p, name) in [(0, "f64"), (1, "f32")] {
            println!(
                "means agree (NumPy {name}): {} of {} initiative-runs within {Z_MAX} standard errors (largest |z| = {:.2})",
                peer_runs[p] * model.initiatives.len() - disagree[p],
                peer_runs[p] * model.initiatives.len(),
                worst[p]
            );
        }
        assert!(disagree == [0, 0], "the engine and the peer disagree on some initiative's mean");
    }
}

fn peer_version() -> String {
    Command::new("python3")
        .args(["-c", "import numpy; print(numpy.__version__)"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// CPU time of this process so far, all threads (user + system, from `/proc/self/stat`, in the
/// kernel's fixed 100 ticks a second); NaN where that file is missing.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let ticks: Vec<f64> =
        rest.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    if ticks.len() == 2 { (ticks[0] + ticks[1]) / 100.0 } else { f64::NAN }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

//! `cargo bench -p simulate --bench voi`: value of information on the 10,000-node model against a
//! NumPy peer of the same estimator, at equal thread counts, in one run.
//!
//! What is compared: `voi::analyse` on the generated model of the VOI issue
//! (`synthetic::Spec::check_benchmark`: 10,000 nodes, 19,645 inputs; 10,000 samples, budget
//! half the expected cost) and `bench/voi_peer.py`, an idiomatic NumPy implementation of the
//! same estimator (per input: the least-squares slope of each option's net benefit on the input,
//! the mean regret of the fitted conditional means, the standard error from the slopes' errors
//! and the Monte Carlo error), vectorised over (input, option) pairs in chunks.
//!
//! Same input, and the peer has less to do: it is handed the inputs `analyse` estimates (after
//! its screening by exact bounds) with their draws already made, and each option's net benefit,
//! written by `voi::regressions`; its time is the estimation only (after reading the arrays).
//! Ours is all of `analyse`: the decision, the exact slopes and the screening of every input,
//! regenerating each estimated input's draws, the estimates, floors and ranking.
//!
//! Threads: for each count in `BENCH_THREADS` (default `1,2`) `analyse` runs in a rayon pool of
//! that many threads and the peer with `--threads` of the same count (its inputs split over that
//! many Python threads; NumPy releases the GIL inside array operations; BLAS is not used, and
//! `OMP_NUM_THREADS`/`OPENBLAS_NUM_THREADS` are set to the count anyway). Double precision on
//! both sides. The 1-thread row is the per-thread ratio.
//!
//! Timing: `BENCH_RUNS` rounds (default 3), each running ours and the peer at every thread count
//! one after the other; every figure is a median. The load average is printed before and after.
//!
//! Agreement: the same samples and the same estimator, so every input's EVPPI and standard error
//! must agree with `voi::regressions`' to 1e-9 relative (plus 1e-9 of the largest EVPPI); the
//! benchmark panics otherwise. Needs `python3` with `numpy`; without it, only ours is timed.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use simulate::{Overrides, Plan, Settings};
use synthetic::bench::{env, loadavg, median};

/// Writes `values` as little-endian f64.
fn write_f64(path: &std::path::Path, values: impl Iterator<Item = f64>) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for v in values {
        w.write_all(&v.to_le_bytes()).expect("write");
    }
    w.flush().expect("flush");
}

/// Writes `values` as little-endian i64.
fn write_i64(path: &std::path::Path, values: impl Iterator<Item = i64>) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for v in values {
        w.write_all(&v.to_le_bytes()).expect("write");
    }
    w.flush().expect("flush");
}

/// One peer run: its compute time and its estimates.
struct PeerRun {
    seconds: f64,
    evppi: Vec<f64>,
    se: Vec<f64>,
}

fn run_peer(dir: &std::path::Path, threads: usize) -> Result<PeerRun, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/voi_peer.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(dir).args(["--threads", &threads.to_string()]);
    for var in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] {
        cmd.env(var, threads.to_string());
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let peer: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let floats = |key: &str| -> Vec<f64> {
        peer[key]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect())
            .unwrap_or_default()
    };
    Ok(PeerRun {
        seconds: peer["seconds"].as_f64().unwrap_or(f64::NAN),
        evppi: floats("evppi"),
        se: floats("se"),
    })
}

fn main() {
    let samples: usize = env("BENCH_SAMPLES", 10_000);
    let runs: usize = env("BENCH_RUNS", 3).max(1);
    let threads = synthetic::bench::threads();
    let spec = synthetic::Spec::check_benchmark();
    let files = synthetic::generate(&spec)
        .into_iter()
        .map(|(n, t)| modelfile::SourceFile::in_memory(n, t))
        .collect();
    let checked = modelfile::check(files);
    assert!(checked.is_ok(), "the generated model must be clean");
    let model = checked.model;
    let plan = Plan::new(&model, &Overrides::default()).expect("acyclic");
    let settings = Settings { samples, seed: 1 };
    let sim = simulate::run(&model, &plan, &settings, &|_, _| {});
    let budget: f64 =
        sim.initiatives.iter().filter_map(|r| r.cost.map(|c| c.mean)).sum::<f64>() / 2.0;

    // The peer's input: the estimated inputs' draws and the options' net benefits.
    let reg = simulate::voi::regressions(&model, &plan, &sim, &settings, budget);
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write_f64(&d.join("net_benefit.f64"), reg.net_benefit.iter().flatten().copied());
    write_f64(&d.join("theta.f64"), reg.inputs.iter().flat_map(|(t, _)| t.iter().copied()));
    let mut offsets = vec![0i64];
    for (_, a) in &reg.inputs {
        offsets.push(offsets.last().copied().unwrap_or(0) + a.len() as i64);
    }
    write_i64(&d.join("offsets.i64"), offsets.into_iter());
    write_i64(
        &d.join("options.i64"),
        reg.inputs.iter().flat_map(|(_, a)| a.iter().map(|&o| o as i64)),
    );
    let meta = serde_json::json!({
        "samples": samples,
        "options": reg.net_benefit.len(),
        "inputs": reg.inputs.len(),
    });
    std::fs::write(d.join("meta.json"), meta.to_string()).expect("write meta");
    let pairs: usize = reg.inputs.iter().map(|(_, a)| a.len()).sum();
    let pools: Vec<rayon::ThreadPool> = threads
        .iter()
        .map(|&t| rayon::ThreadPoolBuilder::new().num_threads(t).build().expect("thread pool"))
        .collect();

    let load_before = loadavg();
    println!(
        "model: {} nodes, {} initiatives; {samples} samples; {} options, {} inputs estimated ({pairs} input-option pairs); threads {threads:?}; {runs} rounds",
        model.nodes.len(),
        model.initiatives.len(),
        reg.net_benefit.len(),
        reg.inputs.len(),
    );
    println!("load average before: {load_before}");
    let mut times: Vec<[Vec<f64>; 2]> = vec![[vec![], vec![]]; threads.len()];
    let mut peer_on = std::env::var_os("BENCH_NO_PEER").is_none();
    let (mut checked_runs, mut worst) = (0usize, 0.0f64);
    let scale = reg.estimates.iter().map(|e| e.evppi.abs()).fold(0.0, f64::max);
    for _ in 0..runs {
        for (k, &t) in threads.iter().enumerate() {
            let start = Instant::now();
            let v =
                pools[k].install(|| simulate::voi::analyse(&model, &plan, &sim, &settings, budget));
            times[k][0].push(start.elapsed().as_secs_f64());
            assert!(v.parameters.len() >= reg.inputs.len(), "every estimated input is listed");
            if !peer_on {
                continue;
            }
            match run_peer(d, t) {
                Ok(r) => {
                    assert_eq!(r.evppi.len(), reg.estimates.len(), "the peer answers every input");
                    for (i, e) in reg.estimates.iter().enumerate() {
                        for (ours, theirs) in [(e.evppi, r.evppi[i]), (e.se, r.se[i])] {
                            let diff = (ours - theirs).abs();
                            let tol = 1e-9 * ours.abs() + 1e-9 * scale;
                            worst = worst.max(diff / (ours.abs() + scale));
                            assert!(
                                diff <= tol,
                                "input {i}: ours {ours}, the peer's {theirs} (difference {diff})"
                            );
                        }
                    }
                    checked_runs += 1;
                    times[k][1].push(r.seconds);
                }
                Err(e) => {
                    println!(
                        "peer: python3 with numpy not available ({})",
                        e.lines().last().unwrap_or("")
                    );
                    peer_on = false;
                }
            }
        }
    }
    println!("load average after: {}", loadavg());
    println!();
    println!(
        "| threads each | precision | throughline (all of `analyse`) | NumPy peer (estimates only) | ratio |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for (k, &t) in threads.iter().enumerate() {
        let ours = median(&times[k][0]);
        if times[k][1].is_empty() {
            println!("| {t} | f64 | {ours:.3} s | — | — |");
        } else {
            let peer = median(&times[k][1]);
            println!("| {t} | f64 | {ours:.3} s | {peer:.3} s | {:.1}× |", peer / ours);
        }
    }
    println!();
    for (k, &t) in threads.iter().enumerate() {
        println!(
            "runs at {t} thread(s): throughline {:.3?}, NumPy {:.3?}",
            times[k][0], times[k][1]
        );
    }
    if checked_runs > 0 {
        println!(
            "estimates agree: {} inputs × {checked_runs} peer runs, EVPPI and se each, largest difference {worst:.1e} of the largest EVPPI",
            reg.estimates.len()
        );
    }
}

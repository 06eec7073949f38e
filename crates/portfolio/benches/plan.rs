//! `cargo bench -p portfolio --bench plan` (peer: `pip install highspy numpy`): the plan issue's
//! benchmark instance — 5,000 initiatives, 40 teams, 4 quarters, dependency chains, exclusions,
//! must-do work, a share rule and cover rules (`synthetic::portfolio::Spec::benchmark`) — solved by
//! throughline (formulation + each solver this build has: microlp, and HiGHS through the `highs`
//! crate with `--features highs`) and, in the same run, by an independent formulation of the
//! same instance with HiGHS's Python package (`bench/plan_peer.py`, reading the instance as
//! JSON). All use one thread, the same gap and time limit. Reports the ratio of times, and fails
//! (panics) unless the answers are consistent:
//!
//! - both proved optimal within the relative gap g: the two objectives must agree within g
//!   (each lies in [(1 - g)·OPT, OPT]);
//! - either stopped at the time limit: neither plan may be worth more than the other side's
//!   proven bound (HiGHS's dual bound; ours is objective·(1 + gap));
//! - the peer missing, failing or unreadable is a failure too (`BENCH_NO_PEER=1` skips it on
//!   purpose).
//!
//! `BENCH_TIME_LIMIT` (seconds, default 600), `BENCH_GAP` (relative gap accepted as optimal,
//! default 1e-4, HiGHS's own default), `BENCH_ITEMS` (default 5000) and `BENCH_SOLVERS` (comma
//! list of solver names; default every solver of the build but microlp, which takes minutes on
//! a hundred columns) change the run; `BENCH_PLAIN=1` also runs each solver on the plain
//! program (`solve::solve_plain`) beside the automatic choice (the two stages when the instance
//! has no horizon). Without the release build of CBC at hand,
//! `cargo bench --profile dev -p portfolio --bench plan` runs the same code with the workspace's
//! dev profile (portfolio and the solvers at opt-level 2).

use std::process::Command;
use std::time::Instant;

use portfolio::Solver;
use portfolio::solve::{Options, Outcome, Solution, solve, solve_plain};
use synthetic::portfolio::{Spec, problem};

fn main() {
    let limit: f64 =
        std::env::var("BENCH_TIME_LIMIT").ok().and_then(|s| s.parse().ok()).unwrap_or(600.0);
    let mut spec = Spec::benchmark();
    if let Some(n) = std::env::var("BENCH_ITEMS").ok().and_then(|s| s.parse().ok()) {
        spec.items = n;
    }
    let mut p = problem(&spec);
    // BENCH_DROP=deps,excl,shares,covers,must: drop rule kinds, to see which make it hard.
    let drop = std::env::var("BENCH_DROP").unwrap_or_default();
    for it in &mut p.items {
        if drop.contains("deps") {
            it.depends_on.clear();
        }
        if drop.contains("excl") {
            it.excludes.clear();
        }
        if drop.contains("must") {
            it.must = false;
        }
    }
    if drop.contains("shares") {
        p.shares.clear();
    }
    if drop.contains("covers") {
        p.covers.clear();
    }
    let deps: usize = p.items.iter().map(|i| i.depends_on.len()).sum();
    let excl: usize = p.items.iter().map(|i| i.excludes.len()).sum::<usize>() / 2;
    let must = p.items.iter().filter(|i| i.must).count();
    println!(
        "instance: {} initiatives, {} teams, {} quarters, {deps} dependencies, {excl} exclusions, {must} must-do, {} share rule(s), {} cover rule(s), budget {:.0}",
        p.items.len(),
        p.teams.len(),
        p.quarters,
        p.shares.len(),
        p.covers.len(),
        p.budget.unwrap_or(0.0)
    );
    let gap: f64 = std::env::var("BENCH_GAP").ok().and_then(|s| s.parse().ok()).unwrap_or(1e-4);
    let mut ours: Vec<(Solver, Solution, f64)> = Vec::new();
    let wanted = std::env::var("BENCH_SOLVERS").ok();
    let solvers: Vec<Solver> = Solver::available()
        .into_iter()
        .filter(|s| match &wanted {
            Some(list) => list.split(',').any(|n| n.trim() == s.name()),
            None => *s != Solver::Microlp,
        })
        .collect();
    assert!(!solvers.is_empty(), "no solver selected (BENCH_SOLVERS={wanted:?})");
    // BENCH_PLAIN=1: also the plain program (`solve_plain`), to see what the two stages buy.
    let plain_too = std::env::var_os("BENCH_PLAIN").is_some();
    let mut table: Vec<Line> = Vec::new();
    for solver in solvers {
        let opts = Options {
            time_limit: limit,
            gap,
            threads: 1,
            solver,
            node_limit: None,
            what_if: false,
        };
        let runs: &[bool] = if plain_too { &[false, true] } else { &[false] };
        for &force_plain in runs {
            let t = Instant::now();
            let cpu = cpu_seconds();
            let s = if force_plain { solve_plain(&p, &opts) } else { solve(&p, &opts) };
            let secs = t.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            let status = match &s.outcome {
                Outcome::Optimal => "optimal".to_string(),
                Outcome::TimeLimit { gap } => format!("time limit, gap {:.3}%", gap * 100.0),
                other => format!("{other:?}"),
            };
            let how = match &s.stages {
                Some(st) => format!(
                    "two stages: Lagrangian bound {} after {} steps, {} rounds, {} cuts, {} teams refined, {:.2} s choosing, {:.2} s scheduling{}",
                    st.lagrange_bound.map_or("-".to_string(), |b| format!("{b:.1}")),
                    st.lagrange_steps,
                    st.rounds,
                    st.cuts,
                    st.refined,
                    st.select_seconds,
                    st.schedule_seconds,
                    if st.fell_back {
                        ", fell back to the plain program"
                    } else if st.repaired {
                        ", a repaired choice"
                    } else {
                        ""
                    }
                ),
                None => "plain program".to_string(),
            };
            let chosen = s.start.iter().filter(|x| x.is_some()).count();
            println!(
                "throughline ({}, {how}): {status}, objective {:.1}, {chosen} selected, {secs:.2} s wall, {cpu:.2} s CPU (formulation + solve)",
                solver.name(),
                s.objective
            );
            let path = if s.stages.is_some() { "two stages" } else { "plain program" };
            table.push(Line {
                who: format!("throughline ({}, {path})", solver.name()),
                status: status.clone(),
                objective: s.objective,
                bound: match &s.outcome {
                    Outcome::Optimal => s.objective * (1.0 + gap),
                    Outcome::TimeLimit { gap } => s.objective * (1.0 + gap),
                    _ => f64::NAN,
                },
                wall: secs,
                cpu,
            });
            ours.push((solver, s, secs));
        }
    }
    let opts = Options {
        time_limit: limit,
        gap,
        threads: 1,
        solver: Solver::default(),
        node_limit: None,
        what_if: false,
    };
    if std::env::var_os("BENCH_NO_PEER").is_some() {
        println!("peer: skipped (BENCH_NO_PEER)");
        print_table(&p, gap, limit, &table);
        return;
    }
    let dir = std::env::temp_dir().join(format!("throughline-plan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let instance = dir.join("instance.json");
    std::fs::write(&instance, p.to_json()).expect("write instance");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/plan_peer.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&instance)
        .arg(limit.to_string())
        .arg(opts.gap.to_string())
        .arg("1")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out.unwrap_or_else(|e| panic!("peer: python3 could not run ({e})"));
    assert!(
        out.status.success(),
        "peer failed (is highspy installed? pip install highspy numpy): {}",
        String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
    );
    // HiGHS prints a banner before its options can silence it: the result is the last line.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or("");
    let v: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("peer: unreadable output ({e})"));
    let peer_obj = v["objective"].as_f64().unwrap_or(f64::NAN);
    let peer_bound = v["bound"].as_f64().unwrap_or(f64::NAN);
    let peer_t = v["seconds"].as_f64().unwrap_or(f64::NAN);
    let peer_optimal = v["status"].as_str() == Some("optimal");
    println!(
        "peer (highspy): {} (gap {:.3}%, bound {peer_bound:.1}), objective {:.1}, {} selected, {peer_t:.2} s (of which building {:.2} s)",
        v["status"].as_str().unwrap_or("?"),
        v["mip_gap"].as_f64().unwrap_or(f64::NAN) * 100.0,
        peer_obj,
        v["selected"],
        v["build_seconds"].as_f64().unwrap_or(f64::NAN)
    );
    table.push(Line {
        who: "highspy (plain program)".into(),
        status: match v["status"].as_str() {
            Some("optimal") => "optimal".into(),
            Some(other) => {
                format!("{other}, gap {:.3}%", v["mip_gap"].as_f64().unwrap_or(f64::NAN) * 100.0)
            }
            None => "?".into(),
        },
        objective: peer_obj,
        bound: peer_bound,
        wall: peer_t,
        cpu: v["cpu_seconds"].as_f64().unwrap_or(f64::NAN),
    });
    print_table(&p, gap, limit, &table);
    assert!(peer_obj.is_finite(), "the peer found no plan");
    for (solver, s, secs) in &ours {
        let name = solver.name();
        assert!(s.objective.is_finite(), "{name} found no plan: {:?}", s.outcome);
        let rel = (s.objective - peer_obj).abs() / s.objective.abs().max(peer_obj.abs()).max(1.0);
        println!(
            "{name}: objective {:.1} against the peer's {peer_obj:.1}: {:.4}% apart (gap {:.4}%); time ratio throughline / peer = {:.2}",
            s.objective,
            rel * 100.0,
            opts.gap * 100.0,
            secs / peer_t
        );
        match (&s.outcome, peer_optimal) {
            (Outcome::Optimal, true) => {
                // Both in [(1 - g)·OPT, OPT]: apart by at most g·OPT ≤ g/(1 - g)·max.
                let tolerance = opts.gap / (1.0 - opts.gap) + 1e-9;
                assert!(
                    rel <= tolerance,
                    "{name} and the peer both claim optimality within {:.4}% but are {:.4}% apart: {} vs {peer_obj}",
                    opts.gap * 100.0,
                    rel * 100.0,
                    s.objective
                );
                println!("{name}: equal optima (asserted)");
            }
            (outcome, _) => {
                // Not both proven: each plan must respect the other side's proven bound.
                let our_bound = match outcome {
                    Outcome::Optimal => s.objective * (1.0 + opts.gap),
                    Outcome::TimeLimit { gap } => s.objective * (1.0 + gap),
                    other => panic!("{name}: {other:?}"),
                };
                let slack = 1e-6 * peer_obj.abs().max(1.0);
                assert!(
                    s.objective <= peer_bound + slack,
                    "{name}'s plan ({}) is worth more than the peer's proven bound ({peer_bound})",
                    s.objective
                );
                assert!(
                    peer_obj <= our_bound + slack,
                    "the peer's plan ({peer_obj}) is worth more than {name}'s proven bound ({our_bound})"
                );
                println!(
                    "{name}: not both proven optimal; plans within each other's bounds (asserted)"
                );
            }
        }
    }
}

/// One side's answer, for the table at the end.
struct Line {
    who: String,
    status: String,
    objective: f64,
    /// The proven upper bound on the optimum (ours: objective · (1 + remaining gap)).
    bound: f64,
    wall: f64,
    cpu: f64,
}

/// The run as a Markdown table: both sides, time to proof (or to the limit) in wall and CPU
/// seconds, the load average (the machine may be shared).
fn print_table(p: &portfolio::Problem, gap: f64, limit: f64, table: &[Line]) {
    println!();
    println!(
        "{} initiatives, gap {gap}, time limit {limit} s, 1 thread each, load average {}",
        p.items.len(),
        synthetic::bench::loadavg()
    );
    println!("| solver | status | objective | proven bound | wall s | CPU s |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for l in table {
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.2} | {:.2} |",
            l.who, l.status, l.objective, l.bound, l.wall, l.cpu
        );
    }
}

/// This process's CPU time (user + system, all threads), from `/proc/self/stat`; NaN where
/// that file does not exist. CBC's time limit counts CPU seconds, so on a shared machine this
/// is the figure to compare.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the command name (which may hold spaces) end with ')'.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return f64::NAN };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    let ticks = |k: usize| fields.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    // The clock tick is 100 Hz on Linux (USER_HZ).
    (ticks(11) + ticks(12)) / 100.0
}

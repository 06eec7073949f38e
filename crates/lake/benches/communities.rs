//! Community metrics at scale, DataFusion against DuckDB at equal thread counts, on both rule
//! layouts, in one run.
//!
//! What is compared: a generated dump in the real layout (`synthetic::dumps::World`) with its
//! impact sources (link-table SQL dumps and monthly hourly pageview files made from its rows,
//! `synthetic::impact::Sources`), converted once to Parquet by `lake::convert`; then the metrics of 1,000 communities by DataFusion
//! (`lake::engine::metrics_with_threads`) and — on the same files, with the same statements
//! (`statements.json`) — by DuckDB's Python package (`bench/communities_peer.py`, `SET threads`).
//! Both layouts of the communities' rules (`synthetic::dumps::Rules`): `realistic` (rules shared
//! by pairs of communities) and `fanout` (hundreds of communities share one of 7 hashtags, 5 tags
//! and 6 large categories: the metrics' joins fan out). The results must agree exactly.
//!
//! Timing: `BENCH_RUNS` rounds (default 3); each round runs, for every thread count, DataFusion
//! once and DuckDB once, one after the other, so load from other processes falls on both alike.
//! Figures are medians of the query work only (registering the files, the statements, fetching
//! both outputs). The load average is printed before and after.
//!
//! `pip install duckdb && cargo bench -p lake --bench communities`
//! Environment: THROUGHLINE_BENCH_ROWS (default 20,000,000), THROUGHLINE_BENCH_DIR (where the
//! dumps and lakes are kept between runs; default target/bench-communities), BENCH_THREADS
//! (default `1,2`), BENCH_LAYOUTS (default `realistic,fanout`), BENCH_RUNS (default 3).
#![allow(clippy::unwrap_used)] // a benchmark: a panic is the report

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::sync::atomic::AtomicU64;
use std::time::Instant;
use synthetic::bench::{loadavg, median};

use synthetic::dumps::{Rules, Spec, World};
use synthetic::impact::{ImageLinksLayout, Sources};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn main() {
    let rows: usize = std::env::var("THROUGHLINE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000_000);
    let dir = std::env::var("THROUGHLINE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/bench-communities"));
    let threads = synthetic::bench::threads();
    let layouts: Vec<Rules> = env_list("BENCH_LAYOUTS", "realistic,fanout")
        .iter()
        .map(|l| Rules::parse(l).unwrap_or_else(|| panic!("unknown layout {l}")))
        .collect();
    let runs: usize = synthetic::bench::env("BENCH_RUNS", 3);
    std::fs::create_dir_all(&dir).unwrap();
    let mut table = Vec::new();
    for &rules in &layouts {
        table.extend(layout(rules, rows, &dir, &threads, runs.max(1)));
    }
    println!();
    println!(
        "| layout | threads each | DataFusion | DuckDB | ratio (DuckDB / DataFusion) | identical |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for line in &table {
        println!("{line}");
    }
    println!("peak RSS of this process: {:.0} MB", peak_rss_mb());
}

/// Generates (or reuses) the dump and lake of one layout, times both engines at every thread
/// count, and returns the table rows.
fn layout(rules: Rules, rows: usize, dir: &Path, threads: &[usize], runs: usize) -> Vec<String> {
    let spec = Spec {
        seed: 20,
        wikis: vec!["commonswiki".into(), "frwiki".into(), "dewiki".into(), "eswiki".into()],
        users: (rows / 200).max(100),
        communities: 1_000,
        // The generator writes about three quarters of `edits` as rows; ask for enough.
        edits: rows * 4 / 3 + rows / 20,
        start: communities::dump::timestamp("2024-01-01 00:00:00.0").unwrap(),
        end: communities::dump::timestamp("2026-10-01 00:00:00.0").unwrap(),
    };
    let world = World::with_rules(spec, rules);
    // The realistic layout keeps the file names it always had, so kept dumps are reused.
    let tag = match rules {
        Rules::Realistic => String::new(),
        other => format!("{}-", other.name()),
    };
    let dump = dir.join(format!("history-{tag}{rows}.tsv"));
    let lake_dir = dir.join(format!("lake-{tag}{rows}"));
    // The impact figures' link dumps and hourly pageview files, made from the same rows.
    let impact_dir = dir.join(format!("impact-{tag}{rows}"));
    if !dump.exists() || !impact_dir.exists() {
        let t = Instant::now();
        let partial = dump.with_extension("partial");
        let mut out = BufWriter::with_capacity(1 << 22, std::fs::File::create(&partial).unwrap());
        let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
        let written = world
            .write_observed(&mut out, communities::dump::Layout::Current, &mut |r| {
                sources.observe(r)
            })
            .unwrap();
        out.flush().unwrap();
        drop(out);
        let staging = impact_dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).unwrap();
        synthetic::impact::write_files(&staging, &sources.files(ImageLinksLayout::Title)).unwrap();
        let _ = std::fs::remove_dir_all(&impact_dir);
        std::fs::rename(&staging, &impact_dir).unwrap();
        std::fs::rename(&partial, &dump).unwrap();
        eprintln!(
            "generated {written} rows and their impact sources in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        assert!(written >= rows, "only {written} rows; the generator's yield changed");
    }
    let mut impact = communities::summary::ImpactSources::default();
    for entry in std::fs::read_dir(&impact_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().contains(".sql") {
            impact.links.push(path);
        } else {
            impact.pageviews.push(path);
        }
    }
    impact.links.sort();
    impact.pageviews.sort();
    let bytes = std::fs::metadata(&dump).unwrap().len();
    let t = Instant::now();
    let summary = lake::convert::convert(
        std::slice::from_ref(&dump),
        &lake_dir,
        &lake::convert::Options { impact, ..lake::convert::Options::default() },
        Arc::new(AtomicU64::new(0)),
    )
    .unwrap();
    let convert_s = t.elapsed().as_secs_f64();
    let parquet: u64 = std::fs::read_dir(&lake_dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "layout {}: {} edits, {:.2} GB TSV → {:.2} GB Parquet in {convert_s:.1} s ({:.0} MB/s)",
        rules.name(),
        summary.edits,
        bytes as f64 / 1e9,
        parquet as f64 / 1e9,
        bytes as f64 / 1e6 / convert_s
    );
    lake::engine::prepare_run(&lake_dir, &world.communities).unwrap();

    println!("load average before: {}", loadavg());
    let mut ours: Vec<Vec<f64>> = vec![Vec::new(); threads.len()];
    let mut theirs: Vec<Vec<f64>> = vec![Vec::new(); threads.len()];
    let mut agree = vec![true; threads.len()];
    let mut engine = String::from("duckdb");
    let mut results = None;
    for _ in 0..runs {
        for (k, &t) in threads.iter().enumerate() {
            let start = Instant::now();
            let r = lake::engine::metrics_with_threads(&lake_dir, t).unwrap();
            ours[k].push(start.elapsed().as_secs_f64());
            let peer = std::process::Command::new("python3")
                .arg(repo().join("bench/communities_peer.py"))
                .arg(&lake_dir)
                .args(["--runs", "1", "--threads", &t.to_string()])
                .output()
                .unwrap();
            assert!(
                peer.status.success(),
                "DuckDB peer failed: {}",
                String::from_utf8_lossy(&peer.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&peer.stdout).unwrap();
            let peer_results =
                lake::engine::results_from_json(&json).expect("the peer's output has every column");
            agree[k] &= peer_results == r;
            theirs[k].push(json["seconds"].as_f64().unwrap());
            engine = json["engine"].as_str().unwrap_or("duckdb").to_string();
            results = Some(r);
        }
    }
    println!("load average after: {}", loadavg());
    let results = results.unwrap();
    let measured = results
        .communities
        .iter()
        .filter(|(_, o)| matches!(o, communities::metrics::Outcome::Measured { .. }))
        .count();
    println!(
        "metrics for {} communities ({measured} measured), {} people, {} edits in communities",
        results.communities.len(),
        results.totals.participants,
        results.totals.edits
    );
    let mut rows_out = Vec::new();
    for (k, &t) in threads.iter().enumerate() {
        let (a, b) = (median(&ours[k]), median(&theirs[k]));
        println!(
            "{} threads: DataFusion {a:.2} s runs {:.2?}; {engine} {b:.2} s runs {:.2?}; identical: {}",
            t, ours[k], theirs[k], agree[k]
        );
        rows_out.push(format!(
            "| {} | {t} | {a:.2} s | {b:.2} s | {:.2} | {} |",
            rules.name(),
            b / a,
            if agree[k] { "yes" } else { "NO" }
        ));
    }
    assert!(agree.iter().all(|&a| a), "DataFusion and DuckDB disagree ({} layout)", rules.name());
    rows_out
}

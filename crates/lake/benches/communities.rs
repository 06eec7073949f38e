//! Community metrics at scale: a generated dump of ≥ 20 million rows in the real layout,
//! converted once to Parquet, metrics for 1,000 communities by DataFusion and — in the same
//! run, on the same files, with the same SQL — by DuckDB (`bench/communities_peer.py`). The
//! results must agree exactly; the ratio of query times is the figure for docs/benchmarks.md.
//!
//! `pip install duckdb && cargo bench -p lake --bench communities`
//! Environment: THROUGHLINE_BENCH_ROWS (default 20,000,000), THROUGHLINE_BENCH_DIR (where the
//! dump and lake are kept between runs; default target/bench-communities).
#![allow(clippy::unwrap_used)] // a benchmark: a panic is the report

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use synthetic::dumps::{Spec, World};

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

fn main() {
    let rows: usize = std::env::var("THROUGHLINE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000_000);
    let dir = std::env::var("THROUGHLINE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/bench-communities"));
    std::fs::create_dir_all(&dir).unwrap();
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
    let world = World::new(spec);
    let dump = dir.join(format!("history-{rows}.tsv"));
    let lake_dir = dir.join(format!("lake-{rows}"));
    if !dump.exists() {
        let t = Instant::now();
        let partial = dump.with_extension("partial");
        let mut out = BufWriter::with_capacity(1 << 22, std::fs::File::create(&partial).unwrap());
        let written = world.write(&mut out).unwrap();
        out.flush().unwrap();
        drop(out);
        std::fs::rename(&partial, &dump).unwrap();
        eprintln!("generated {written} rows in {:.1} s", t.elapsed().as_secs_f64());
        assert!(written >= rows, "only {written} rows; the generator's yield changed");
    }
    let bytes = std::fs::metadata(&dump).unwrap().len();
    let t = Instant::now();
    let summary = lake::convert::convert(
        std::slice::from_ref(&dump),
        &lake_dir,
        &lake::convert::Options::default(),
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
        "dump: {} edits, {:.2} GB TSV → {:.2} GB Parquet in {convert_s:.1} s ({:.0} MB/s)",
        summary.edits,
        bytes as f64 / 1e9,
        parquet as f64 / 1e9,
        bytes as f64 / 1e6 / convert_s
    );
    lake::engine::prepare_run(&lake_dir, &world.communities).unwrap();

    let mut ours = Vec::new();
    let mut results = None;
    for _ in 0..3 {
        let t = Instant::now();
        let r = lake::engine::metrics(&lake_dir).unwrap();
        ours.push(t.elapsed().as_secs_f64());
        results = Some(r);
    }
    let results = results.unwrap();
    ours.sort_by(f64::total_cmp);
    let ours_s = ours[1];

    let peer = std::process::Command::new("python3")
        .arg(repo().join("bench/communities_peer.py"))
        .arg(&lake_dir)
        .args(["--runs", "3", "--threads", "2"])
        .output()
        .unwrap();
    assert!(peer.status.success(), "DuckDB peer failed: {}", String::from_utf8_lossy(&peer.stderr));
    let json: serde_json::Value = serde_json::from_slice(&peer.stdout).unwrap();
    let theirs =
        lake::engine::results_from_json(&json).expect("the peer's output has every column");
    let agree = theirs == results;
    let measured = results
        .communities
        .iter()
        .filter(|(_, o)| matches!(o, communities::metrics::Outcome::Measured { .. }))
        .count();
    let peer_s = json["seconds"].as_f64().unwrap();
    println!(
        "metrics for {} communities ({measured} measured), {} people, {} edits in communities",
        results.communities.len(),
        results.totals.participants,
        results.totals.edits
    );
    println!("DataFusion (2 threads): {ours_s:.2} s   runs {ours:.2?}");
    println!(
        "{} (2 threads): {peer_s:.2} s   runs {}",
        json["engine"].as_str().unwrap_or("duckdb"),
        json["all_seconds"]
    );
    println!(
        "ratio DuckDB / DataFusion: {:.2}  (≥ 1 means DataFusion is at parity or faster)",
        peer_s / ours_s
    );
    println!("results identical: {agree}");
    println!("peak RSS of this process: {:.0} MB", peak_rss_mb());
    assert!(agree, "DataFusion and DuckDB disagree");
}

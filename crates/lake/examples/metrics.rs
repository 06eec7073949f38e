//! Runs the metrics on DataFusion over an existing lake folder and prints the time and a
//! digest of the results: how the memory of one engine run is measured on its own
//! (`/usr/bin/time -v`), apart from the benchmark's DuckDB peer.
//!
//! `cargo run --release -p lake --example metrics -- LAKE_DIR [THREADS] [SQL_FILE]`
//! (`SQL_FILE`: another version of `metrics.sql`, e.g. the one before a change, to compare;
//! `THROUGHLINE_LAKE_TIMINGS=1` prints each statement's time and the peak memory so far;
//! `THROUGHLINE_LAKE_MEMORY` bounds DataFusion's memory pool.)
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a measuring tool: a panic is the report

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: metrics LAKE_DIR [THREADS] [SQL_FILE]"));
    let threads: usize = args.next().map_or(1, |t| t.parse().expect("THREADS is a number"));
    let statements = match args.next() {
        Some(file) => communities::sql::statements(&std::fs::read_to_string(file).unwrap()),
        None => communities::sql::metric_statements(),
    };
    let options =
        lake::engine::RunOptions { threads, ..lake::engine::RunOptions::from_env().unwrap() };
    let started = Instant::now();
    match lake::engine::metrics_of(&dir, &options, &statements) {
        Ok(r) => {
            println!(
                "{:.2} s, {} communities, {} people, {} edits in communities",
                started.elapsed().as_secs_f64(),
                r.communities.len(),
                r.totals.participants,
                r.totals.edits
            );
            let digest = format!("{r:?}");
            let hash = digest.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            println!("results digest {hash:016x}");
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

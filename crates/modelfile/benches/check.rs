//! `cargo bench -p modelfile --bench check`: time `check` on a generated model of 10,000 nodes
//! and 30,000 links, beside a peer doing less work on the same bytes in the same run: the
//! `saphyr` YAML loader building its own document tree (no spans kept, no decoding, no rules).
//! The ratio says what full checking costs over merely loading the YAML.
//!
//! `BENCH_RUNS` sets the number of timed runs (default 7); the median is reported.

use std::time::{Duration, Instant};

use saphyr::{LoadableYamlNode, Yaml};
use synthetic::{Spec, generate};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let _warm = f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let spec = Spec::check_benchmark();
    let files = generate(&spec);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in &files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }

    let check = time(runs, || {
        let checked = modelfile::check_dir(dir.path()).expect("loads");
        assert!(checked.is_ok(), "generated model must be clean");
        checked.diagnostics.len()
    });
    let peer = time(runs, || {
        let mut n = 0;
        for (_, text) in &files {
            n += Yaml::load_from_str(text).expect("valid YAML").len();
        }
        n
    });

    let ratio = check.as_secs_f64() / peer.as_secs_f64();
    println!(
        "model: {} nodes, {} links, {} initiatives, {} files, {:.1} MB",
        spec.nodes,
        spec.links,
        spec.initiatives,
        files.len(),
        bytes as f64 / 1e6
    );
    println!("{:<44} {:>10}", "what", "median");
    println!(
        "{:<44} {:>8.0} ms",
        "throughline check (read, parse, decode, rules)",
        check.as_secs_f64() * 1e3
    );
    println!("{:<44} {:>8.0} ms", "peer: saphyr YAML load (parse only)", peer.as_secs_f64() * 1e3);
    println!("ratio check / peer: {ratio:.2}  ({runs} runs, median)");
    println!(
        "goal: check under 1 s: {}",
        if check.as_secs_f64() < 1.0 { "met" } else { "NOT met" }
    );
}

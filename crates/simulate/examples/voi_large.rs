//! `cargo run -p simulate --example voi_large`: value of information on the generated 10,000-node
//! model (`synthetic::Spec::check_benchmark`), timed by phase. `VOI_SAMPLES` (10,000);
//! `VOI_WRITE=DIR` also writes the model to DIR.

use std::time::Instant;

use simulate::{Overrides, Plan, Settings};

/// CPU seconds this process has used (user + system, every thread), from /proc.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    // Fields 14 and 15 (utime, stime, in clock ticks of 1/100 s) are the 12th and 13th after
    // the command name.
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn main() {
    let samples: usize =
        std::env::var("VOI_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let spec = synthetic::Spec::check_benchmark();
    let (t, c) = (Instant::now(), cpu());
    let generated = synthetic::generate(&spec);
    // `VOI_WRITE=DIR` also writes the model there, for `throughline voi DIR`.
    if let Ok(dir) = std::env::var("VOI_WRITE") {
        for (name, text) in &generated {
            let path = std::path::Path::new(&dir).join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create the model folder");
            }
            std::fs::write(path, text).expect("write the model");
        }
    }
    let files =
        generated.into_iter().map(|(n, t)| modelfile::SourceFile::in_memory(n, t)).collect();
    let checked = modelfile::check(files);
    assert!(checked.is_ok(), "the generated model must be clean");
    let model = checked.model;
    println!("generate + check: {:.2} s wall, {:.2} s CPU", t.elapsed().as_secs_f64(), cpu() - c);
    let (t, c) = (Instant::now(), cpu());
    let plan = Plan::new(&model, &Overrides::default()).expect("acyclic");
    let settings = Settings { samples, seed: 1 };
    let sim = simulate::run(&model, &plan, &settings, &|_, _| {});
    println!(
        "plan + simulate ({samples} samples): {:.2} s wall, {:.2} s CPU",
        t.elapsed().as_secs_f64(),
        cpu() - c
    );
    let budget: f64 =
        sim.initiatives.iter().filter_map(|r| r.cost.map(|c| c.mean)).sum::<f64>() / 2.0;
    let (t, c) = (Instant::now(), cpu());
    let v = simulate::voi::analyse(&model, &plan, &sim, &settings, budget);
    println!("voi: {:.2} s wall, {:.2} s CPU", t.elapsed().as_secs_f64(), cpu() - c);
    println!(
        "EVPI {:.1}; z {:.2}; floor of an input moving everything {:.1}; {} estimated, {} screened, {} resolved; samples to resolve {:?}",
        v.evpi,
        v.z,
        v.noise_floor,
        v.parameters.len(),
        v.screened,
        v.resolved,
        v.samples_to_resolve,
    );
    for p in v.parameters.iter().take(8) {
        println!(
            "  {:>10.2} ± {:>8.2}  floor {:>8.2}  {}  {:?}",
            p.evppi,
            p.se,
            p.floor,
            if p.resolved { "resolved" } else { "        " },
            p.parameter
        );
    }
}

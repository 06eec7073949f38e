//! `cargo bench -p report --bench report`: the whole HTML report (simulation with 2,000 samples,
//! every page, every diagram) of a generated model of 10,000 nodes, 30,000 links and 1,000
//! initiatives in 50 programs. Goal: under 5 seconds. The peer, when Graphviz is installed, is
//! `dot -Tsvg` laying out the same model's diagram (exported by `views::export::dot`), stopped
//! after `BENCH_PEER_TIMEOUT` seconds (default 60).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let spec = synthetic::Spec::check_benchmark();
    let dir = tempfile::tempdir().expect("temp dir");
    let model_dir = dir.path().join("model");
    for (name, text) in synthetic::generate(&spec) {
        let path = model_dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create model folder");
        std::fs::write(path, text).expect("write model file");
    }
    println!(
        "model: {} nodes, {} links, {} initiatives, {} programs",
        spec.nodes, spec.links, spec.initiatives, spec.programs
    );

    // What `throughline report DIR -o OUT` does: read and check, simulate, build, write.
    let t = Instant::now();
    let checked = modelfile::check_dir(&model_dir).expect("load");
    assert!(checked.is_ok());
    let model = checked.model;
    let t_check = t.elapsed().as_secs_f64();
    let pages =
        report::build(&model, report::Format::Html, &report::Options::default(), &|_, _| {})
            .expect("report");
    let t_build = t.elapsed().as_secs_f64() - t_check;
    let out = dir.path().join("report");
    for f in &pages {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create report folder");
        std::fs::write(path, &f.contents).expect("write page");
    }
    let ours = t.elapsed().as_secs_f64();
    let bytes: usize = pages.iter().map(|f| f.contents.len()).sum();
    println!(
        "throughline report: {ours:.2} s end to end for {} pages, {:.1} MB (goal: under 5 s): \
         check {t_check:.2} s, simulate + pages {t_build:.2} s, write {:.2} s",
        pages.len(),
        bytes as f64 / 1e6,
        ours - t_check - t_build
    );

    let timeout: u64 =
        std::env::var("BENCH_PEER_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let dot_file = dir.path().join("model.dot");
    std::fs::write(&dot_file, views::export::dot(&model, &views::export::Scope::default()))
        .expect("write dot");
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        println!("peer: Graphviz not installed");
        return;
    };
    let t = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            println!(
                "peer: Graphviz dot -Tsvg on the whole model: {:.2} s ({:.1}x our whole report)",
                t.elapsed().as_secs_f64(),
                t.elapsed().as_secs_f64() / ours
            );
            return;
        }
        if t.elapsed() > Duration::from_secs(timeout) {
            let _ = child.kill();
            println!(
                "peer: Graphviz dot -Tsvg on the whole model: stopped after {timeout} s without finishing (over {:.0}x our whole report)",
                timeout as f64 / ours
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

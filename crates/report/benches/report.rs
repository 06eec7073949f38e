//! `cargo bench -p report --bench report`: the whole HTML report (simulation with 2,000 samples,
//! every page, every diagram), end to end from the model files to the written site, of a
//! generated model of 10,000 nodes, 30,000 links and 1,000 initiatives in 50 programs. Goal:
//! under 5 seconds. The peer, when Graphviz is installed, is `dot -Tsvg` laying out the same 50
//! program diagrams (exported by `views::export::dot`), timed against our layout of them; it is
//! stopped after `BENCH_PEER_TIMEOUT` seconds (default 60).

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

    // Like for like: laying out the 50 program diagrams the report contains, ours against
    // Graphviz `dot` on the same programs (exported as DOT), one after the other.
    let t = Instant::now();
    let mut svg_bytes = 0;
    for p in &model.programs {
        let scope = report::diagram::Scope { program: Some(p.id.to_string()), initiatives: true };
        svg_bytes += report::diagram::svg(&model, &scope, &|_, _| None).len();
    }
    let ours_diagrams = t.elapsed().as_secs_f64();
    println!(
        "throughline diagrams: {} program diagrams laid out in {ours_diagrams:.2} s ({:.1} MB of SVG)",
        model.programs.len(),
        svg_bytes as f64 / 1e6
    );
    let timeout: u64 =
        std::env::var("BENCH_PEER_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let started = Instant::now();
    for (k, p) in model.programs.iter().enumerate() {
        let dot_file = dir.path().join(format!("{}.dot", p.id));
        let scope = views::export::Scope { program: Some(p.id.to_string()) };
        std::fs::write(&dot_file, views::export::dot(&model, &scope)).expect("write dot");
        match run_dot(&dot_file, timeout.saturating_sub(started.elapsed().as_secs())) {
            Peer::Missing => {
                println!("peer: Graphviz not installed");
                return;
            }
            Peer::TimedOut => {
                println!(
                    "peer: Graphviz dot -Tsvg: {k} of {} program diagrams in {timeout} s, then stopped (over {:.0}x ours)",
                    model.programs.len(),
                    timeout as f64 / ours_diagrams
                );
                return;
            }
            Peer::Done => {}
        }
    }
    let peer = started.elapsed().as_secs_f64();
    println!(
        "peer: Graphviz dot -Tsvg on the same {} program diagrams: {peer:.2} s ({:.1}x ours; {:.1}x our whole report)",
        model.programs.len(),
        peer / ours_diagrams,
        peer / ours
    );
}

enum Peer {
    Missing,
    TimedOut,
    Done,
}

fn run_dot(file: &std::path::Path, seconds: u64) -> Peer {
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Peer::Missing;
    };
    let t = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return Peer::Done;
        }
        if t.elapsed() > Duration::from_secs(seconds) {
            let _ = child.kill();
            let _ = child.wait();
            return Peer::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

//! The what-if batch: the worker protocol answers exactly what this process would, and a worker
//! that cannot start or dies mid-batch changes nothing but the time taken.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use portfolio::batch::{self, Answer, Job, Pool, Processes};
use portfolio::solve::solve;
use portfolio::{Options, Problem, explain};
use synthetic::portfolio::{Spec, problem};

fn what_if() -> Options {
    Options { node_limit: Some(portfolio::EXPLAIN_NODE_LIMIT), what_if: true, ..Options::default() }
}

/// A small instance with items left out, value in time, a ramp and a budget, its plan and
/// every kind of job.
fn instance(seed: u64) -> (Problem, portfolio::Solution, Vec<Job>) {
    let spec =
        Spec { horizon: Some((8, 0.035)), ramp_max: 2, rates: true, ..Spec::small(9, 3, 2, seed) };
    let p = problem(&spec);
    let s = solve(&p, &Options::default());
    assert!(s.has_plan());
    let mut jobs = vec![Job::Frontier { points: 5 }];
    jobs.extend((0..p.items.len()).filter(|&i| !s.selected(i)).map(|item| Job::Force { item }));
    jobs.extend((0..p.teams.len()).map(|team| Job::MoreRoom { team }));
    jobs.push(Job::MoreBudget);
    (p, s, jobs)
}

/// Answers as JSON, without the solver's own time (the only part that may differ).
fn plain(answers: &[Answer]) -> serde_json::Value {
    let mut v = serde_json::to_value(answers).unwrap();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("seconds");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

#[test]
fn the_worker_protocol_answers_what_this_process_would() {
    for seed in [1, 2, 5] {
        let (p, s, jobs) = instance(seed);
        let opts = what_if();
        let here: Vec<Answer> = jobs.iter().map(|&j| explain::answer(&p, &opts, &s, j)).collect();
        // What a worker reads: the header, then one job per line.
        let mut input = batch::header(&p, &opts, &s).unwrap();
        for j in &jobs {
            input.push('\n');
            input.push_str(&serde_json::to_string(j).unwrap());
        }
        input.push('\n');
        let mut output = Vec::new();
        batch::serve(input.as_bytes(), &mut output).unwrap();
        let there: Vec<Answer> = String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l.strip_prefix("throughline-what-if ").unwrap()).unwrap())
            .collect();
        assert_eq!(there.len(), jobs.len());
        // Bit for bit: floats cross the pipe exactly (serde_json's float_roundtrip).
        assert_eq!(plain(&here), plain(&there), "seed {seed}");
    }
}

#[test]
fn workers_that_cannot_start_or_answer_leave_the_answers_unchanged() {
    let (p, s, jobs) = instance(3);
    let opts = what_if();
    let here: Vec<Answer> = jobs.iter().map(|&j| explain::answer(&p, &opts, &s, j)).collect();
    let garbage = "cat >/dev/null & echo 'throughline-what-if {not json'; echo noise";
    for (program, args) in [
        // Not there; exits at once; answers with the protocol's mark but no answer.
        ("/nonexistent/throughline", vec![]),
        ("/bin/false", vec![]),
        ("/bin/sh", vec!["-c".to_string(), garbage.to_string()]),
    ] {
        let pool = Processes { program: program.into(), args, lanes: 3 };
        let got = pool.run(&p, &opts, &s, &jobs);
        assert_eq!(plain(&here), plain(&got), "{program}");
    }
}

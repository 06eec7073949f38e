//! The what-if solves behind a plan's explanations, run as one batch: in this process one after
//! another, or spread over worker processes when the program installs a [`Pool`].
//!
//! Why processes: CBC, the default solver, keeps global state, so its binding locks every solve
//! and solves in one process cannot overlap; the explanations' 20–30 what-ifs are most of
//! `plan`'s time. A worker is the same program started with a hidden command that calls
//! [`serve`]; it receives the problem once and then one job per line. Each job's answer depends
//! only on the problem, the options, the base plan and the job (a node limit, not a time
//! limit, bounds every what-if), never on which lane ran it, so the explanations are the same
//! with one lane or many (tested). A worker that cannot be started or fails mid-batch costs
//! nothing but time: its unfinished jobs are solved in this process.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::explain::{self, FrontierPoint};
use crate::problem::Problem;
use crate::solve::{Options, Solution};

/// One what-if behind the explanations, relative to the base problem and its plan.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// The plan with this left-out item required: what forcing it in would cost.
    Force {
        /// Item index.
        item: usize,
    },
    /// The plan with one more FTE in every quarter of this team.
    MoreRoom {
        /// Team index.
        team: usize,
    },
    /// The plan with 10% more budget.
    MoreBudget,
    /// The efficient frontier at this many budget steps (solved in order, each point
    /// starting from the ones before it, so it is one job).
    Frontier {
        /// Steps from 0 to the cost of everything.
        points: usize,
    },
}

/// A job's answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// The what-if's plan.
    Solved {
        /// The solution.
        solution: Solution,
    },
    /// The frontier's points.
    Frontier {
        /// The points, lowest budget first.
        points: Vec<FrontierPoint>,
    },
}

/// What every job of a batch shares: sent once to each worker.
#[derive(Serialize, Deserialize)]
struct Context {
    problem: Problem,
    opts: Options,
    base: Solution,
}

#[derive(Serialize)]
struct ContextRef<'a> {
    problem: &'a Problem,
    opts: &'a Options,
    base: &'a Solution,
}

/// Runs a batch of what-ifs; [`install`] one to run them elsewhere than in this process.
pub trait Pool: Send + Sync {
    /// The answers to `jobs`, in their order.
    fn run(&self, problem: &Problem, opts: &Options, base: &Solution, jobs: &[Job]) -> Vec<Answer>;
}

static POOL: OnceLock<Box<dyn Pool>> = OnceLock::new();

/// Installs the pool every later batch uses (once per process; later calls are ignored).
pub fn install(pool: Box<dyn Pool>) {
    let _ = POOL.set(pool);
}

/// The answers to `jobs` for `problem` and its plan `base`, in their order: through the
/// installed pool, else one after another in this process.
pub fn run(problem: &Problem, opts: &Options, base: &Solution, jobs: &[Job]) -> Vec<Answer> {
    match POOL.get() {
        Some(pool) if jobs.len() > 1 => pool.run(problem, opts, base, jobs),
        _ => jobs.iter().map(|&j| explain::answer(problem, opts, base, j)).collect(),
    }
}

/// The first line a worker reads: the problem, the options and the base plan, as JSON.
pub fn header(problem: &Problem, opts: &Options, base: &Solution) -> serde_json::Result<String> {
    serde_json::to_string(&ContextRef { problem, opts, base })
}

/// The marker every protocol line starts with, so anything else a solver library prints on the
/// worker's standard output is skipped, not misread.
const MARK: &str = "throughline-what-if ";

/// The worker's side: reads the context line, then answers one job per line until its input
/// closes. Called by the program's hidden worker command.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let mut lines = input.lines();
    let Some(first) = lines.next() else { return Ok(()) };
    let cx: Context = serde_json::from_str(&first?)?;
    for line in lines {
        let job: Job = serde_json::from_str(&line?)?;
        let answer = explain::answer(&cx.problem, &cx.opts, &cx.base, job);
        writeln!(output, "{MARK}{}", serde_json::to_string(&answer)?)?;
        output.flush()?;
    }
    Ok(())
}

/// Worker processes: this process is one lane, and `lanes − 1` children (`program args…`,
/// whose command calls [`serve`]) are the others. Jobs are handed out in order to whichever
/// lane is free, so put the longest first.
pub struct Processes {
    /// The worker program (usually this program's own path).
    pub program: PathBuf,
    /// Its arguments (the hidden worker command).
    pub args: Vec<String>,
    /// Lanes in all, this process included.
    pub lanes: usize,
}

struct Worker {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Worker {
    fn start(pool: &Processes, header: &str) -> Option<Worker> {
        let mut child = Command::new(&pool.program)
            .args(&pool.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        let mut w = Worker { child, input, output: BufReader::new(output) };
        if writeln!(w.input, "{header}").and_then(|()| w.input.flush()).is_err() {
            w.abandon();
            return None;
        }
        Some(w)
    }

    fn ask(&mut self, job: Job) -> Option<Answer> {
        writeln!(self.input, "{}", serde_json::to_string(&job).ok()?).ok()?;
        self.input.flush().ok()?;
        let mut line = String::new();
        loop {
            line.clear();
            if self.output.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if let Some(body) = line.trim_end().strip_prefix(MARK) {
                return serde_json::from_str(body).ok();
            }
        }
    }

    /// Closes its input, so it finishes, and waits for it.
    fn finish(mut self) {
        drop(self.input);
        let _ = self.child.wait();
    }

    /// Stops a worker that can no longer be trusted to answer.
    fn abandon(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Pool for Processes {
    fn run(&self, problem: &Problem, opts: &Options, base: &Solution, jobs: &[Job]) -> Vec<Answer> {
        let lanes = self.lanes.clamp(1, jobs.len().max(1));
        let local = |j: Job| explain::answer(problem, opts, base, j);
        if lanes == 1 {
            return jobs.iter().map(|&j| local(j)).collect();
        }
        let Ok(header) = header(problem, opts, base) else {
            return jobs.iter().map(|&j| local(j)).collect();
        };
        let next = AtomicUsize::new(0);
        let answers: Mutex<Vec<Option<Answer>>> = Mutex::new(vec![None; jobs.len()]);
        let put = |k: usize, a: Answer| {
            if let Ok(mut all) = answers.lock() {
                all[k] = Some(a);
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..lanes {
                scope.spawn(|| {
                    let mut worker = Worker::start(self, &header);
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        let Some(&job) = jobs.get(k) else { break };
                        // A worker that cannot answer is dropped; this lane goes on locally.
                        let answer = worker.as_mut().and_then(|w| w.ask(job));
                        match answer {
                            Some(a) => put(k, a),
                            None => {
                                if let Some(w) = worker.take() {
                                    w.abandon();
                                }
                                put(k, local(job));
                            }
                        }
                    }
                    if let Some(w) = worker {
                        w.finish();
                    }
                });
            }
            loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                let Some(&job) = jobs.get(k) else { break };
                put(k, local(job));
            }
        });
        let answers = answers.into_inner().unwrap_or_else(|e| e.into_inner());
        answers.into_iter().zip(jobs).map(|(a, &j)| a.unwrap_or_else(|| local(j))).collect()
    }
}

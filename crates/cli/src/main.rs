//! The `throughline` command. Kept tiny: parsing lives in `args`, each command in `commands`.

use std::process::ExitCode;

mod args;
mod commands;
mod render;

fn main() -> ExitCode {
    let args = args::parse();
    if !matches!(args.command, args::Command::WhatIfWorker) {
        install_what_if_workers();
    }
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`throughline rules | head`) is not a failure.
            let kind =
                err.downcast_ref::<std::io::Error>().map(std::io::Error::kind).or_else(|| {
                    err.downcast_ref::<serde_json::Error>()
                        .and_then(serde_json::Error::io_error_kind)
                });
            if kind == Some(std::io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(commands::EXIT_FAILURE)
        }
    }
}

/// Lets the plan's what-if solves run in worker processes (this program's hidden
/// `what-if-worker` command): one lane per core, at most four, this process included.
/// `THROUGHLINE_PLAN_WORKERS=N` sets the lanes (1: every solve in this process).
fn install_what_if_workers() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let lanes = std::env::var("THROUGHLINE_PLAN_WORKERS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(cores.min(4))
        .max(1);
    if lanes == 1 {
        return;
    }
    let Ok(program) = std::env::current_exe() else { return };
    portfolio::batch::install(Box::new(portfolio::batch::Processes {
        program,
        args: vec!["what-if-worker".into()],
        lanes,
    }));
}

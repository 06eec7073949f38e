//! The `throughline` command. Kept tiny: parsing lives in `args`, each command in `commands`.

use std::process::ExitCode;

mod args;
mod commands;
mod render;

fn main() -> ExitCode {
    let args = args::parse();
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

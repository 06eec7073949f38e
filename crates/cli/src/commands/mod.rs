//! One module per command.

use std::process::ExitCode;

use crate::args::{Args, Command};

mod check;
mod communities;
mod evaluate;
mod init;
mod measure;
mod plan;
mod report;
mod rules;
mod serve;
mod sheets;
mod show;
mod simulate;
mod voi;

/// Exit code for "the input has problems".
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code for usage and I/O failures.
pub const EXIT_FAILURE: u8 = 2;

/// Runs the chosen command and returns the process exit code.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let color = crate::render::use_color(args.color);
    match args.command {
        Command::Check { dir, json, deny_warnings, quiet, framework } => {
            let frameworks = framework.iter().map(|f| f.to_model()).collect();
            check::run(&dir, check::Options { json, deny_warnings, quiet, color, frameworks })
        }
        Command::Simulate {
            dir,
            samples,
            seed,
            json,
            by_cost_effectiveness,
            tornado,
            weight_spread,
        } => simulate::run(
            &dir,
            simulate::Options {
                samples,
                seed,
                json,
                by_cost_effectiveness,
                tornado,
                weight_spread,
                color,
            },
        ),
        Command::Plan {
            dir,
            budget,
            capacity,
            require,
            exclude,
            quarters,
            samples,
            seed,
            time_limit,
            solver,
            write,
            json,
        } => {
            let mut caps = Vec::new();
            for c in &capacity {
                let parsed = c
                    .split_once('=')
                    .and_then(|(t, n)| {
                        // Numbers as the model files write them, like --budget.
                        modelfile::quantity::parse_number(n).map(|n| (t.trim().to_string(), n))
                    })
                    .filter(|(_, n)| n.is_finite() && *n >= 0.0);
                match parsed {
                    Some(x) => caps.push(x),
                    None => {
                        eprintln!(
                            "error: --capacity takes TEAM=N with N ≥ 0, e.g. --capacity web=5; found `{c}`"
                        );
                        return Ok(ExitCode::from(EXIT_FAILURE));
                    }
                }
            }
            let what_if = portfolio::WhatIf { budget, capacity: caps, require, exclude, quarters };
            plan::run(
                &dir,
                plan::Options { what_if, samples, seed, time_limit, solver, json, write, color },
            )
        }
        Command::Voi { dir, budget, samples, seed, top, adaptive, time_budget, json } => {
            let adaptive = adaptive.then_some(time_budget);
            voi::run(&dir, voi::Options { budget, samples, seed, top, adaptive, json, color })
        }
        Command::Trace { dir, id, json } => show::trace(&dir, &id, json, color),
        Command::Gaps { dir, json } => show::gaps(&dir, json, color),
        Command::Framework { dir, framework, of, json } => {
            show::framework(&dir, framework, of.as_deref(), json, color)
        }
        Command::Diagram { dir, format, program } => show::diagram(&dir, format, program, color),
        Command::Report { dir, output, format, samples, seed, budget, lang } => report::run(
            &dir,
            &output,
            format,
            ::report::Options {
                settings: analysis::Settings { samples, seed, ..analysis::Settings::default() },
                budget,
                lang,
                ..::report::Options::default()
            },
            color,
        ),
        Command::Import { dir, offline, since, rest_base, phabricator, json } => {
            let token = std::env::var("PHABRICATOR_API_TOKEN").ok().filter(|t| !t.is_empty());
            let opts = import::Options {
                network: !offline,
                rest_base,
                phabricator: token.map(|t| (phabricator, t)),
                since,
                ..import::Options::default()
            };
            measure::import(&dir, &opts, json, color)
        }
        Command::Data { dir, series, json } => measure::data(&dir, series.as_deref(), json),
        Command::Export { dir, format, output } => sheets::export(&dir, format, output, color),
        Command::ImportSheet { dir, file, dry_run } => sheets::import(&dir, &file, dry_run, color),
        Command::Checkin { dir, quarter, json } => measure::checkin(&dir, quarter, json, color),
        Command::Evaluate { dir, initiative, method, write, json } => {
            evaluate::run(&dir, &initiative, method.map(|m| m.to_model()), write, json, color)
        }
        Command::Communities { dir, emit_sql: Some(_), snapshot, .. } => {
            communities::emit_sql(&dir, snapshot.as_deref(), color)
        }
        Command::Communities { dir, engine, coverage_end, level, json, export, .. } => {
            communities::run(
                &dir,
                communities::Options { engine, end: coverage_end, level, json, export, color },
            )
        }
        Command::Serve {
            dir,
            db,
            addr,
            samples,
            admin,
            export,
            take_folder,
            secure_cookies,
            oauth_base,
            oauth_client_id,
            public_url,
        } => serve::run(
            &dir,
            serve::Options {
                db,
                addr,
                samples,
                admin,
                export,
                take_folder,
                secure_cookies,
                oauth_base,
                oauth_client_id,
                public_url,
            },
        ),
        Command::Init { dir, template, force } => init::run(&dir, template, force),
        Command::Rules { rule, json, markdown } => rules::run(rule.as_deref(), json, markdown),
        Command::WhatIfWorker => {
            portfolio::batch::serve(std::io::stdin().lock(), std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { markdown } => {
            let mut out = std::io::stdout().lock();
            if markdown {
                std::io::Write::write_all(
                    &mut out,
                    modelfile::format::markdown_reference().as_bytes(),
                )?;
            } else {
                std::io::Write::write_all(&mut out, schema_text().as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The JSON Schema as written to disk and stdout: pretty, with a final newline.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&modelfile::schema::json_schema())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Prints the notes an analysis step returned (imports, conversions, what could not be shown).
pub fn print_notes(notes: &[String]) {
    for n in notes {
        eprintln!("{n}");
    }
}

/// The model folder's measurement store, brought up to date from its own files (no network);
/// what was imported is said on stderr.
pub fn local_store(
    dir: &std::path::Path,
    model: &model::Model,
) -> anyhow::Result<::measure::Store> {
    let mut notes = Vec::new();
    let store = analysis::store::store_with_local_data(dir, model, &mut notes);
    print_notes(&notes);
    Ok(store?)
}

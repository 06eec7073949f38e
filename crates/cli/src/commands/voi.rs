//! `throughline voi DIR`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use simulate::Settings;
use simulate::voi::{Parameter, Voi};

use crate::commands::simulate::{load_checked, run_simulation};
use crate::render::fmt_num;

/// Flags of `voi`.
pub struct Options {
    pub budget: Option<f64>,
    pub samples: usize,
    pub seed: u64,
    pub top: usize,
    pub json: bool,
    pub color: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    samples: usize,
    seed: u64,
    #[serde(flatten)]
    voi: &'a Voi,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let settings = Settings { samples: opts.samples, seed: opts.seed };
    let (plan, sim) = match run_simulation(model, &settings) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let shared =
        analysis::Settings { samples: settings.samples, seed: settings.seed, ..Default::default() };
    let voi = analysis::decide::value_of_information(model, &plan, &sim, &shared, opts.budget);
    let mut out = std::io::stdout().lock();
    if opts.json {
        let report = Report {
            about: crate::commands::show::About::of(model),
            samples: sim.samples,
            seed: sim.seed,
            voi: &voi,
        };
        drop(out);
        crate::commands::show::print_json("throughline.voi.v1", &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let unit = model.value.unit.as_deref().unwrap_or("value");
    let cur = &model.meta.currency;
    writeln!(
        out,
        "decision: fund by cost-effectiveness within {} {cur}{} — {} funded; threshold {} {unit} per {cur}",
        fmt_num(voi.decision.budget),
        if opts.budget.is_none() { " (half the total expected cost; set --budget)" } else { "" },
        voi.decision.funded.len(),
        fmt_num(voi.decision.threshold),
    )?;
    writeln!(out, "EVPI (knowing everything before deciding): {} {unit}", fmt_num(voi.evpi))?;
    writeln!(
        out,
        "noise floor: {} {unit} (estimates near it are indistinguishable from zero)\n",
        fmt_num(voi.noise_floor)
    )?;
    writeln!(out, "{:>3}  {:>10}  what to learn first", "#", "EVPPI")?;
    for (i, p) in voi.parameters.iter().take(opts.top).enumerate() {
        let what = match &p.parameter {
            Parameter::Link { from, to, assumptions } => {
                let a = assumptions.first().map(|a| format!(" — assumes: {a}")).unwrap_or_default();
                format!("link {from} → {to}{a}")
            }
            Parameter::Delivery { initiative, node } => {
                format!("how much {initiative} delivers of {node}")
            }
            Parameter::Cost { initiative } => format!("cost of {initiative}"),
        };
        writeln!(out, "{:>3}  {:>10}  {what}", i + 1, fmt_num(p.evppi))?;
    }
    writeln!(out, "\nmethod: {}", voi.method)?;
    Ok(ExitCode::SUCCESS)
}

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
        "noise floor: {} {unit} (estimates near it are indistinguishable from zero)",
        fmt_num(voi.noise_floor)
    )?;
    writeln!(out, "{}\n", resolution(&voi, sim.samples, unit))?;
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

/// Whether the ranking resolves anything at this sample size, in words; when it does not, the
/// sample size that would (estimated from how the floor falls).
fn resolution(voi: &Voi, samples: usize, unit: &str) -> String {
    let ranked = voi.parameters.len();
    let top = voi.parameters.first().map_or(0.0, |p| p.evppi);
    if voi.resolved > 0 {
        return format!("{} of {ranked} EVPPIs are above the noise floor", voi.resolved);
    }
    if top <= 0.0 {
        return "no input can change the decision: every EVPPI is zero".to_string();
    }
    let scaling = match voi.floor_exponent {
        Some(a) => format!("; the floor falls as n^-{a:.2} (measured at n/16, n/4 and n)"),
        None => String::new(),
    };
    let need = match voi.samples_to_resolve {
        Some(m) if m >= 1_000_000_000 => format!(
            "; it would take about {} samples for the floor to fall below the top EVPPI: \
             beyond reach, so this ranking is not evidence",
            fmt_num(m as f64)
        ),
        Some(m) => format!(
            "; the floor would fall below the top EVPPI at about {} samples (--samples {m}), \
             a rough figure: the EVPPIs carry an upward bias too",
            fmt_num(m as f64)
        ),
        None => "; how many samples would resolve it could not be estimated".to_string(),
    };
    format!(
        "not resolved: none of the {ranked} ranked EVPPIs is above the noise floor at {samples} \
         samples (the top one is {} {unit}), so the ranking below cannot tell the inputs apart{scaling}{need}",
        fmt_num(top)
    )
}

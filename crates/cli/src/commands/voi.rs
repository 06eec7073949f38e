//! `throughline voi DIR`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use serde::Serialize;
use simulate::voi::{Parameter, ParameterVoi, Voi};
use simulate::{Settings, Simulation};

use crate::commands::simulate::{load_checked, run_simulation};
use crate::render::fmt_num;

/// Flags of `voi`.
pub struct Options {
    pub budget: Option<f64>,
    pub samples: usize,
    pub seed: u64,
    pub top: usize,
    /// `--adaptive`, with its time budget in seconds.
    pub adaptive: Option<f64>,
    pub json: bool,
    pub color: bool,
}

/// Bytes of samples an adaptive round may hold: the simulation keeps a value and a cost per
/// initiative per sample and VOI a net benefit per option, 24 bytes per initiative-sample.
const ADAPTIVE_MEMORY: f64 = 1e9;

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    samples: usize,
    seed: u64,
    /// The adaptive rounds, when `--adaptive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    adaptive: Option<&'a Adaptive>,
    #[serde(flatten)]
    voi: &'a Voi,
}

/// What `--adaptive` did.
#[derive(Serialize)]
struct Adaptive {
    /// Seconds it could spend.
    time_budget: f64,
    /// Seconds it spent.
    seconds: f64,
    /// Samples of each round.
    rounds: Vec<usize>,
    /// Why it stopped: `resolved`, `time_budget`, `memory` or `unresolvable`.
    stopped: &'static str,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let start = Instant::now();
    let analyse = |samples: usize| -> Result<(Simulation, Voi), ExitCode> {
        let settings = Settings { samples, seed: opts.seed };
        let (plan, sim) = run_simulation(model, &settings)?;
        let shared = analysis::Settings { samples, seed: opts.seed, ..Default::default() };
        let voi = analysis::decide::value_of_information(model, &plan, &sim, &shared, opts.budget);
        Ok((sim, voi))
    };
    let (mut sim, mut voi) = match analyse(opts.samples) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let mut adaptive = None;
    if let Some(budget) = opts.adaptive {
        let max_samples =
            (ADAPTIVE_MEMORY / (24.0 * model.initiatives.len().max(1) as f64)) as usize;
        let mut rounds = vec![sim.samples];
        let mut last = start.elapsed().as_secs_f64();
        let stopped = loop {
            let n = sim.samples;
            eprintln!(
                "voi --adaptive: {n} samples: {} resolved; {:.1} s of {budget} s",
                voi.resolved,
                start.elapsed().as_secs_f64()
            );
            if voi.resolved > 0 {
                break "resolved";
            }
            let Some(want) = voi.samples_to_resolve else { break "unresolvable" };
            // A round takes about as long per sample as the last one did; it asks for at
            // least twice the samples, or as many as the last round said would resolve one.
            let per_sample = last / n as f64;
            let left = budget - start.elapsed().as_secs_f64();
            let fits = (left / per_sample.max(1e-12)).max(0.0) as usize;
            let next = (2 * n).max(want as usize).min(max_samples).min(fits);
            if next <= n {
                break if max_samples <= n { "memory" } else { "time_budget" };
            }
            let round = Instant::now();
            match analyse(next) {
                Ok((s, v)) => (sim, voi) = (s, v),
                Err(code) => return Ok(code),
            }
            last = round.elapsed().as_secs_f64();
            rounds.push(next);
        };
        adaptive = Some(Adaptive {
            time_budget: budget,
            seconds: start.elapsed().as_secs_f64(),
            rounds,
            stopped,
        });
    }
    let mut out = std::io::stdout().lock();
    if opts.json {
        let report = Report {
            about: crate::commands::show::About::of(model),
            samples: sim.samples,
            seed: sim.seed,
            adaptive: adaptive.as_ref(),
            voi: &voi,
        };
        drop(out);
        crate::commands::show::print_json("throughline.voi.v1", &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let unit = model.value.unit.as_deref().unwrap_or("value");
    let cur = &model.meta.currency;
    write!(out, "{}", crate::commands::show::model_note(model))?;
    writeln!(
        out,
        "decision: fund by cost-effectiveness within {} {cur}{} — {} funded; threshold {} {unit} per {cur}",
        fmt_num(voi.decision.budget),
        if opts.budget.is_none() { " (half the total expected cost; set --budget)" } else { "" },
        voi.decision.funded.len(),
        fmt_num(voi.decision.threshold),
    )?;
    writeln!(out, "EVPI (knowing everything before deciding): {} {unit}", fmt_num(voi.evpi))?;
    if let Some(a) = &adaptive {
        writeln!(
            out,
            "adaptive: {} rounds ({}) in {:.1} s of {} s; stopped: {}",
            a.rounds.len(),
            a.rounds.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "),
            a.seconds,
            a.time_budget,
            match a.stopped {
                "resolved" => "an EVPPI is above its noise floor",
                "time_budget" => "the next round would not fit in the time budget",
                "memory" => "the next round would not fit in memory",
                _ => "no estimate says how many samples would resolve one",
            }
        )?;
    }
    writeln!(out, "{}\n", resolution(&voi, sim.samples, unit))?;
    let shown: Vec<&ParameterVoi> = voi.parameters.iter().take(opts.top).collect();
    if !shown.is_empty() {
        writeln!(
            out,
            "{:>3}  {:>10}  {:>9}  {:>10}  what to learn first",
            "#", "EVPPI", "± se", "floor"
        )?;
    }
    for (i, p) in shown.iter().enumerate() {
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
        let mark = match (p.resolved, p.evppi == 0.0 && p.se == 0.0) {
            (true, _) => "",
            (false, true) => " (nothing to learn)",
            (false, false) => " (below its floor)",
        };
        writeln!(
            out,
            "{:>3}  {:>10}  {:>9}  {:>10}  {what}{mark}",
            i + 1,
            fmt_num(p.evppi),
            fmt_num(p.se),
            fmt_num(p.floor)
        )?;
    }
    writeln!(out, "\nmethod: {}", voi.method)?;
    Ok(ExitCode::SUCCESS)
}

/// Whether the ranking resolves anything at this sample size, in words; when it does not, the
/// sample size that would (from how the floors fall with n).
fn resolution(voi: &Voi, samples: usize, unit: &str) -> String {
    let ranked = voi.parameters.len();
    let screened = if voi.screened > 0 {
        format!(
            "; {} more inputs were not estimated: what they could be worth, bounded by the options they move, is below their floors",
            voi.screened
        )
    } else {
        String::new()
    };
    if voi.resolved > 0 {
        return format!(
            "{} of {ranked} estimated EVPPIs are above their noise floors (listed first; each floor is what an \
             input independent of everything would stay below){screened}",
            voi.resolved
        );
    }
    let top = voi.parameters.iter().map(|p| p.evppi).fold(0.0, f64::max);
    if top <= 0.0 && voi.samples_to_resolve.is_none() {
        return format!(
            "no input can change the decision: every estimated EVPPI is zero{screened}"
        );
    }
    let scaling = match voi.floor_exponent {
        Some(a) => format!(
            "; the floors fall with the sample count n as n^-{a:.2} (between n^-0.5 and n^-1)"
        ),
        None => String::new(),
    };
    let need = match voi.samples_to_resolve {
        Some(m) if m >= 1_000_000_000 => format!(
            "; it would take about {} samples for a floor to fall below its EVPPI: beyond reach",
            fmt_num(m as f64)
        ),
        Some(m) => format!(
            "; about {} samples would resolve one (--samples {m}, or --adaptive), a rough figure from \
             the best estimate less two standard errors or a screened input's bound",
            fmt_num(m as f64)
        ),
        None => "; no estimate is two standard errors above zero, so how many samples would resolve one \
                 cannot be said"
            .to_string(),
    };
    let top = if top > 0.0 {
        format!(" (the top one is {} {unit})", fmt_num(top))
    } else {
        String::new()
    };
    format!(
        "not resolved: none of the {ranked} estimated EVPPIs is above its noise floor at {samples} samples{top}, \
         so the ranking below cannot tell the inputs from zero{scaling}{need}{screened}"
    )
}

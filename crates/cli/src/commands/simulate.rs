//! `throughline simulate DIR`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use modelfile::Severity;
use serde::Serialize;
use simulate::sensitivity::{Input, Stability, Tornado, rank_stability, tornadoes};
use simulate::{Plan, Settings, Simulation};

use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::{self, fmt_num};

/// Flags of `simulate`.
pub struct Options {
    pub samples: usize,
    pub seed: u64,
    pub json: bool,
    pub by_cost_effectiveness: bool,
    pub tornado: Option<String>,
    pub weight_spread: f64,
    pub color: bool,
}

/// Initiatives counted as "top" in rank stability: the top quarter, at least one.
fn top_group(n: usize) -> usize {
    n.div_ceil(4).max(1)
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    #[serde(flatten)]
    simulation: &'a Simulation,
    rank_stability: &'a Stability,
    tornadoes: &'a [Tornado],
}

/// Loads and checks a model; on errors prints them and returns the exit code to use.
pub fn load_checked(dir: &Path, color: bool) -> Result<modelfile::Checked, ExitCode> {
    let checked = match modelfile::check_dir(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(EXIT_FAILURE));
        }
    };
    if !checked.is_ok() {
        let errors: Vec<_> =
            checked.diagnostics.iter().filter(|d| d.severity() == Severity::Error).collect();
        let _ = render::human(&checked, &errors, color);
        eprintln!(
            "error: the model has {}; fix them (see `throughline check {}`) before computing with it",
            render::plural(errors.len(), "error"),
            dir.display()
        );
        return Err(ExitCode::from(EXIT_PROBLEMS));
    }
    Ok(checked)
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
pub fn progress_bar(total: usize, what: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    Some(bar)
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    if let Some(id) = &opts.tornado
        && !model.initiatives.iter().any(|i| i.id.as_str() == id)
    {
        eprintln!("error: no initiative has the id `{id}`");
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    let settings = Settings { samples: opts.samples, seed: opts.seed };
    let (plan, sim) = match run_simulation(model, &settings) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let stability = rank_stability(
        model,
        &sim,
        opts.weight_spread,
        2000,
        top_group(sim.initiatives.len()),
        opts.seed,
    );
    let tornadoes = tornadoes(model, &plan, 10);
    let mut out = std::io::stdout().lock();
    if opts.json {
        let report = Report {
            about: crate::commands::show::About::of(model),
            simulation: &sim,
            rank_stability: &stability,
            tornadoes: &tornadoes,
        };
        drop(out);
        crate::commands::show::print_json("throughline.simulate.v1", &report)?;
        return Ok(ExitCode::SUCCESS);
    }

    let unit = model.value.unit.as_deref().unwrap_or("value");
    writeln!(
        out,
        "{} — {} samples, seed {} (mean ± Monte Carlo standard error; 90% interval p5–p95)\n",
        model.meta.name, sim.samples, sim.seed
    )?;
    write!(out, "{}", crate::commands::show::model_note(model))?;
    let mut order: Vec<usize> = (0..sim.initiatives.len()).collect();
    let key = |i: usize| {
        let r = &sim.initiatives[i];
        if opts.by_cost_effectiveness {
            r.cost_effectiveness.as_ref().map_or(f64::NEG_INFINITY, |c| c.ratio_of_means)
        } else {
            r.value.mean
        }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    if let Some(id) = &opts.tornado {
        let t = tornadoes.iter().find(|t| &t.initiative == id).expect("checked above");
        print_tornado(&mut out, t, unit)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>3}  {:<30} {:>17} {:>19} {:>6} {:>9} {:>8} {:>9}",
        "#",
        "initiative",
        format!("{unit} (mean)"),
        "90% interval",
        "P(>0)",
        format!("cost {}", model.meta.currency),
        "per 1k",
        "rank 90%"
    )?;
    for (rank, &i) in order.iter().enumerate() {
        let r = &sim.initiatives[i];
        let name = truncate(&r.id, 30);
        let st = &stability.initiatives[i];
        let ranks = format!("{:.0}–{:.0}", st.best, st.worst);
        let cost = r.cost.map_or("—".to_string(), |c| fmt_num(c.mean));
        let per_k = r
            .cost_effectiveness
            .as_ref()
            .map_or("—".to_string(), |c| fmt_num(c.ratio_of_means * 1000.0));
        let flag = if r.quantified { "" } else { "  (no quantified path to a goal)" };
        writeln!(
            out,
            "{:>3}  {:<30} {:>17} {:>19} {:>5.0}% {:>9} {:>8} {:>9}{flag}",
            rank + 1,
            name,
            format!("{} ± {}", fmt_num(r.value.mean), fmt_num(r.value.se)),
            format!("{} – {}", fmt_num(r.value.p5), fmt_num(r.value.p95)),
            r.value.p_positive * 100.0,
            cost,
            per_k,
            ranks,
        )?;
    }
    writeln!(
        out,
        "\nrank 90%: range of the rank when each judgement weight is off by up to ×{} (90%);\n\
         rankings then agree with the written weights at Spearman {:.2} on average",
        opts.weight_spread, stability.mean_spearman
    )?;
    writeln!(out, "\ngoals: expected change if every initiative is done")?;
    writeln!(out, "{:<34} {:>17} {:>19} {:>16}", "goal", "change (mean)", "90% interval", "unit")?;
    for g in &sim.goals {
        writeln!(
            out,
            "{:<34} {:>17} {:>19} {:>16}",
            truncate(&g.id, 34),
            format!("{} ± {}", fmt_num(g.change.mean), fmt_num(g.change.se)),
            format!("{} – {}", fmt_num(g.change.p5), fmt_num(g.change.p95)),
            truncate(g.unit.as_deref().unwrap_or(""), 16),
        )?;
    }
    let p = sim.portfolio_value;
    writeln!(
        out,
        "\nportfolio value: {} ± {} {unit} (90%: {} – {})",
        fmt_num(p.mean),
        fmt_num(p.se),
        fmt_num(p.p5),
        fmt_num(p.p95)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the simulation (through the pipeline, [`analysis::decide::simulation`]) with a progress
/// bar; prints the error and gives the exit code on failure.
pub fn run_simulation(
    model: &model::Model,
    settings: &Settings,
) -> Result<(Plan, Simulation), ExitCode> {
    let shared =
        analysis::Settings { samples: settings.samples, seed: settings.seed, ..Default::default() };
    let bar = progress_bar(settings.samples, "simulating");
    let done = analysis::decide::simulation(model, &shared, &|done, _| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    done.map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_PROBLEMS)
    })
}

fn print_tornado(out: &mut impl Write, t: &Tornado, unit: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "tornado for {}: value with each input at its 5th and 95th percentile, others at their median",
        t.initiative
    )?;
    writeln!(out, "base: {} {unit}\n", fmt_num(t.base))?;
    let lo = t.bars.iter().map(|b| b.low.min(b.high)).fold(t.base, f64::min);
    let hi = t.bars.iter().map(|b| b.low.max(b.high)).fold(t.base, f64::max);
    let width = 30.0;
    let pos = |v: f64| if hi > lo { ((v - lo) / (hi - lo) * width).round() as usize } else { 0 };
    for b in &t.bars {
        let label = match &b.input {
            Input::Effect { from, to } => format!("effect {from} → {to}"),
            Input::LinkWorks { from, to } => format!("works? {from} → {to}"),
            Input::Amount { node } => format!("amount of {node}"),
        };
        let (a, z) = (pos(b.low.min(b.high)), pos(b.low.max(b.high)));
        let bar: String = (0..=width as usize)
            .map(|i| {
                if i >= a && i <= z {
                    '█'
                } else if i == pos(t.base) {
                    '│'
                } else {
                    ' '
                }
            })
            .collect();
        writeln!(
            out,
            "{:<44} {:>9} {bar} {}",
            truncate(&label, 44),
            fmt_num(b.low),
            fmt_num(b.high)
        )?;
    }
    Ok(())
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

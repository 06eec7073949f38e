//! `throughline simulate DIR`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use modelfile::Severity;
use serde::Serialize;
use simulate::{Overrides, Settings, Simulation};

use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::{self, fmt_num};

/// Flags of `simulate`.
pub struct Options {
    pub samples: usize,
    pub seed: u64,
    pub json: bool,
    pub by_cost_effectiveness: bool,
    pub color: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    format: &'static str,
    model: &'a str,
    currency: &'a str,
    value_unit: Option<&'a str>,
    #[serde(flatten)]
    simulation: &'a Simulation,
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
    let bar = progress_bar(opts.samples, "simulating");
    let settings = Settings { samples: opts.samples, seed: opts.seed };
    let result = simulate::simulate(model, &settings, &Overrides::default(), &|done, _| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let sim = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    let mut out = std::io::stdout().lock();
    if opts.json {
        let report = Report {
            format: "throughline.simulate.v1",
            model: &model.meta.name,
            currency: &model.meta.currency,
            value_unit: model.value.unit.as_deref(),
            simulation: &sim,
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        out.write_all(b"\n")?;
        return Ok(ExitCode::SUCCESS);
    }

    let unit = model.value.unit.as_deref().unwrap_or("value");
    writeln!(
        out,
        "{} — {} samples, seed {} (mean ± Monte Carlo standard error; 90% interval p5–p95)\n",
        model.meta.name, sim.samples, sim.seed
    )?;
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
    writeln!(
        out,
        "{:>3}  {:<34} {:>17} {:>19} {:>6} {:>9} {:>10}",
        "#",
        "initiative",
        format!("{unit} (mean)"),
        "90% interval",
        "P(>0)",
        format!("cost {}", model.meta.currency),
        "per 1k"
    )?;
    for (rank, &i) in order.iter().enumerate() {
        let r = &sim.initiatives[i];
        let name = truncate(&r.id, 34);
        let cost = r.cost.map_or("—".to_string(), |c| fmt_num(c.mean));
        let per_k = r
            .cost_effectiveness
            .as_ref()
            .map_or("—".to_string(), |c| fmt_num(c.ratio_of_means * 1000.0));
        let flag = if r.quantified { "" } else { "  (no quantified path to a goal)" };
        writeln!(
            out,
            "{:>3}  {:<34} {:>17} {:>19} {:>5.0}% {:>9} {:>10}{flag}",
            rank + 1,
            name,
            format!("{} ± {}", fmt_num(r.value.mean), fmt_num(r.value.se)),
            format!("{} – {}", fmt_num(r.value.p5), fmt_num(r.value.p95)),
            r.value.p_positive * 100.0,
            cost,
            per_k,
        )?;
    }
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

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

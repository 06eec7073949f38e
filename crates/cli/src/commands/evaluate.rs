//! `throughline evaluate`: what a shipped initiative did, recorded as evidence.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use evaluate::Method;
use model::Evaluation;

use crate::commands::show::print_json;
use crate::commands::simulate::load_checked;
use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};
use crate::render::fmt_num;

/// The file `--write` maintains.
pub const FILE: &str = "evaluations.yaml";

/// Why an initiative cannot be evaluated yet, with what to do.
fn refuse(message: String) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_PROBLEMS))
}

pub fn run(
    dir: &Path,
    initiative: &str,
    method: Option<Method>,
    write: bool,
    json: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let store = crate::commands::local_store(dir, &checked.model)?;
    let computed =
        match analysis::evaluation::compute(dir, &checked.model, &store, initiative, method)? {
            Ok(c) => c,
            Err(message) => return refuse(message),
        };
    if write {
        let path = dir.join(FILE);
        let mut records: Vec<Evaluation> = checked
            .model
            .evaluations
            .iter()
            .zip(&checked.map.evaluations)
            .filter(|(_, spans)| checked.map.file(spans.item).name == FILE)
            .map(|(e, _)| e.clone())
            .filter(|e| {
                !(e.initiative == computed.record.initiative
                    && e.indicator == computed.record.indicator)
            })
            .collect();
        records.push(computed.record.clone());
        std::fs::write(&path, evaluations_file(&records))
            .with_context(|| format!("writing {}", path.display()))?;
        // Prove the file reads back and applies.
        let again = modelfile::check_dir(dir)?;
        if !again.is_ok() {
            eprintln!("error: {} does not check; this is a bug, please report it", path.display());
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    if json {
        print_json("throughline.evaluate.v1", &computed)?;
    } else {
        print!("{}", text(&computed));
        if write {
            println!("wrote {}", dir.join(FILE).display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text(c: &analysis::evaluation::Computed) -> String {
    use std::fmt::Write;
    let e = &c.estimate;
    let r = &c.record;
    let mut s = String::new();
    let _ = writeln!(s, "{} on {}: {}", r.initiative, r.indicator, e.method);
    let rel = e.relative().map(|x| format!(" ({:+.1}%)", x * 100.0)).unwrap_or_default();
    let _ = writeln!(
        s,
        "  effect     {}{rel} per period, {:.0}% interval {} to {}, p = {:.3}",
        fmt_num(e.effect),
        e.level * 100.0,
        fmt_num(e.low),
        fmt_num(e.high),
        e.p_value
    );
    if let Some(p) = c.predicted {
        let scaled = if r.scale != 1.0 {
            format!("; the estimate × {} = {}", r.scale, fmt_num(e.effect * r.scale))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "  predicted  {} (the model's expectation from its written priors{scaled})",
            fmt_num(p)
        );
    }
    let _ = writeln!(s, "  strength   {}", strength_word(c.strength.strength));
    for why in &c.strength.reasons {
        let _ = writeln!(s, "             - {why}");
    }
    if let (Some(mark), Some(caveat)) = (r.data.mark(), model::provenance::caveat([r.data])) {
        let _ = writeln!(s, "  data       {mark}: {}", c.synthetic.join(", "));
        let _ = writeln!(s, "             {caveat}");
    }
    if let Some(p) = &e.placebos {
        let _ = writeln!(
            s,
            "  placebos   rank {} of {} by post/pre RMSPE ratio ({:.2}), p = {:.3}",
            p.rank,
            p.units.len() + 1,
            p.ratio,
            p.p_value
        );
    }
    if let Some(t) = &e.in_time {
        let _ = writeln!(
            s,
            "  in time    a fake deployment on {}: {} ({:.0}% interval {} to {}), p = {:.3}",
            t.date,
            fmt_num(t.effect),
            e.level * 100.0,
            fmt_num(t.low),
            fmt_num(t.high),
            t.p_value
        );
    }
    for t in &e.terms {
        let se = t.se.map(|v| format!(" ± {}", fmt_num(v))).unwrap_or_default();
        let _ = writeln!(s, "  {:<36} {}{se}", t.name, fmt_num(t.value));
    }
    if e.post > 0 && e.fitted.len() > e.pre {
        let _ = writeln!(
            s,
            "  effect by period ({:.0}% pointwise band):\n    {:<12} {:>12} {:>14} {:>12}  band",
            e.level * 100.0,
            "date",
            "observed",
            "counterfactual",
            "effect"
        );
        for p in &e.fitted[e.pre..] {
            let _ = writeln!(
                s,
                "    {:<12} {:>12} {:>14} {:>12}  {} to {}",
                p.date.to_string(),
                fmt_num(p.observed),
                fmt_num(p.counterfactual),
                fmt_num(p.effect),
                fmt_num(p.low),
                fmt_num(p.high)
            );
        }
    }
    for n in &e.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    match &c.updates {
        Ok(ups) => {
            for u in ups {
                let _ = writeln!(
                    s,
                    "  updates {} → {}: mean {} → {}",
                    u.from,
                    u.to,
                    fmt_num(u.prior.mean()),
                    fmt_num(u.posterior.mean())
                );
            }
        }
        Err(why) => {
            let _ = writeln!(s, "  no link updated: {why}");
        }
    }
    s
}

fn strength_word(s: model::Strength) -> &'static str {
    match s {
        model::Strength::Strong => "strong",
        model::Strength::Moderate => "moderate",
        model::Strength::Weak => "weak",
        model::Strength::Anecdotal => "anecdotal",
    }
}

/// evaluations.yaml, as `--write` writes it.
pub fn evaluations_file(records: &[Evaluation]) -> String {
    let mut s = String::from(
        "# Written by `throughline evaluate --write`; rerun it rather than editing by hand.\n\
         # Each result updates the effects of the links on the chain it tested (docs/measurement.md).\n\
         evaluations:\n",
    );
    for r in records {
        s.push_str(&format!(
            "  - initiative: {}\n    indicator: {}\n    method: {}\n    evaluated: {}\n",
            r.initiative,
            r.indicator,
            r.method.word(),
            r.evaluated
        ));
        if let Some(d) = r.deployed {
            s.push_str(&format!("    deployed: {d}\n"));
        }
        s.push_str(&format!(
            "    effect: {}\n    se: {}\n    low: {}\n    high: {}\n    level: {}\n",
            r.effect, r.se, r.low, r.high, r.level
        ));
        if let Some(p) = r.predicted {
            s.push_str(&format!("    predicted: {p}\n"));
        }
        if r.scale != 1.0 {
            s.push_str(&format!("    scale: {}\n", r.scale));
        }
        if !r.data.is_measured() {
            s.push_str(&format!("    data: {}\n", r.data));
        }
    }
    s
}

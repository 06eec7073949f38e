//! `throughline trace`, `gaps` and `diagram`: the model shown, not computed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use model::graph::ModelGraph;
use serde::Serialize;

use crate::args::{DiagramFormat, Framework};
use crate::commands::EXIT_FAILURE;
use crate::commands::simulate::load_checked;

#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    format: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// What every computed JSON output says about the model it came from.
#[derive(Serialize)]
pub(crate) struct About<'a> {
    model: &'a str,
    currency: &'a str,
    value_unit: Option<&'a str>,
    /// `synthetic` or `illustrative` when the model's own figures are made up (absent when
    /// they are a real plan's estimates).
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<model::Provenance>,
}

impl<'a> About<'a> {
    pub(crate) fn of(m: &'a model::Model) -> About<'a> {
        About {
            model: &m.meta.name,
            currency: &m.meta.currency,
            value_unit: m.value.unit.as_deref(),
            data: (!m.meta.data.is_measured()).then_some(m.meta.data),
        }
    }
}

/// The line under a computed text output's title when the model's own figures are made up
/// (`model.data`), with its newline; empty for a real plan's estimates.
pub(crate) fn model_note(m: &model::Model) -> String {
    model::provenance::model_note(m.meta.data).map(|n| format!("{n}\n")).unwrap_or_default()
}

/// Prints `body` as pretty JSON with its `format` version first.
pub(crate) fn print_json<T: Serialize>(format: &'static str, body: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &Versioned { format, body })?;
    out.write_all(b"\n")?;
    Ok(())
}

pub fn trace(dir: &Path, id: &str, json: bool, color: bool) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let graph = ModelGraph::build(&checked.model);
    match views::trace::trace(&checked.model, &graph, id) {
        Ok(t) if json => print_json("throughline.trace.v1", &t)?,
        Ok(t) => std::io::stdout().lock().write_all(views::text::trace(&t).as_bytes())?,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn gaps(dir: &Path, json: bool, color: bool) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let graph = ModelGraph::build(&checked.model);
    let gaps = views::gaps::gaps(&checked.model, &graph);
    if json {
        print_json("throughline.gaps.v1", &gaps)?;
    } else {
        std::io::stdout().lock().write_all(views::text::gaps(&gaps).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diagram(
    dir: &Path,
    format: DiagramFormat,
    program: Option<String>,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    if let Some(p) = &program
        && !checked.model.programs.iter().any(|x| x.id.as_str() == p)
    {
        let known: Vec<&str> = checked.model.programs.iter().map(|x| x.id.as_str()).collect();
        eprintln!("error: no program has the id `{p}`; the programs are: {}", known.join(", "));
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    let text = match format {
        DiagramFormat::Mermaid => {
            views::export::mermaid(&checked.model, &views::export::Scope { program })
        }
        DiagramFormat::Dot => views::export::dot(&checked.model, &views::export::Scope { program }),
        DiagramFormat::Svg => report::diagram::svg(
            &checked.model,
            &report::diagram::Scope { program, initiatives: true },
            &|_, _| None,
        ),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn framework(
    dir: &Path,
    which: Framework,
    of: Option<&str>,
    json: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    use views::frameworks as fw;
    let checked = match load_checked(dir, color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let m = &checked.model;
    let graph = ModelGraph::build(m);
    let programs: Vec<String> = match of {
        Some(p) => vec![p.to_string()],
        None => m.programs.iter().map(|p| p.id.to_string()).collect(),
    };
    let goals: Vec<String> = match of {
        Some(g) => vec![g.to_string()],
        None => m.goals().map(|g| g.id.to_string()).collect(),
    };
    let unknown = |what: &str, id: &str| {
        eprintln!("error: no {what} has the id `{id}`");
        Ok(ExitCode::from(EXIT_FAILURE))
    };
    let mut out = String::new();
    let mut values = Vec::new();
    match which {
        Framework::LogicModel => {
            for p in &programs {
                let Some(lm) = fw::logic_model(m, &graph, p) else { return unknown("program", p) };
                out.push_str(&views::text::logic_model(&lm));
                out.push('\n');
                values.push(serde_json::to_value(&lm)?);
            }
        }
        Framework::Logframe => {
            for p in &programs {
                let Some(lf) = fw::logframe(m, &graph, p) else { return unknown("program", p) };
                out.push_str(&views::text::logframe(&lf));
                out.push('\n');
                values.push(serde_json::to_value(&lf)?);
            }
        }
        Framework::TheoryOfChange => {
            for g in &goals {
                let Some(t) = fw::theory_of_change(m, &graph, g) else {
                    return unknown("goal or node", g);
                };
                out.push_str(&views::text::theory_of_change(&t));
                out.push('\n');
                values.push(serde_json::to_value(&t)?);
            }
        }
        Framework::Rba => {
            let r = fw::rba(m, &graph);
            out = views::text::rba(&r);
            values.push(serde_json::to_value(&r)?);
        }
        Framework::Sroi => {
            let plan = match simulate::Plan::new(m, &simulate::Overrides::default()) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(EXIT_FAILURE));
                }
            };
            let selected = match of {
                Some(p) => vec![p.to_string()],
                None => views::sroi::valued_programs(m, &graph),
            };
            if selected.is_empty() {
                out.push_str(
                    "No program changes an outcome with a financial proxy: add `sroi: { proxy: … }` \
                     to an outcome or goal (see docs/format.md).\n",
                );
            }
            for p in &selected {
                let Some(r) = report::sroi_of(m, &graph, &plan, p) else {
                    return unknown("program", p);
                };
                out.push_str(&views::text::sroi(&r));
                out.push('\n');
                values.push(serde_json::to_value(&r)?);
            }
        }
        Framework::Imp => {
            let d = fw::five_dimensions(m, &graph);
            out = views::text::five_dimensions(&d);
            values.push(serde_json::to_value(&d)?);
        }
    }
    if json {
        let mut body = serde_json::json!({ "views": values });
        if !m.meta.data.is_measured() {
            body["data"] = serde_json::to_value(m.meta.data)?;
        }
        print_json("throughline.framework.v1", &body)?;
    } else {
        // The views show the model's own figures (targets, effects, SROI's ratios).
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(model_note(m).as_bytes())?;
        stdout.write_all(out.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

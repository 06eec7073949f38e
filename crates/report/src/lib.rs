//! The publishable report: diagrams laid out by throughline as SVG, a static HTML site that
//! works from disk and on any web server, and wikitext for publishing on a wiki.
//!
//! Model → views and a seeded simulation → pages in memory ([`File`]) → the caller writes them.
//! Output is byte-stable for the same input and options.

mod communities;
pub mod diagram;
mod measured;
pub mod page;
mod plan_page;
mod site;
mod wikitext;

pub use measured::{EvaluationShown, Measured};
use model::Model;
use model::graph::ModelGraph;
use simulate::{Overrides, Plan, Settings, SimulateError};

/// One file of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// How to build the report.
#[derive(Clone, Debug)]
pub struct Options {
    /// Monte Carlo samples for the figures.
    pub samples: usize,
    /// Seed of the simulation.
    pub seed: u64,
    /// Budget for the value-of-information decision; half the total expected cost when None.
    pub budget: Option<f64>,
    /// The check-in and evaluations, read from the measurement store by the caller.
    pub measured: Measured,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            samples: simulate::DEFAULT_SAMPLES,
            seed: 1,
            budget: None,
            measured: Measured::default(),
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A static HTML site.
    Html,
    /// MediaWiki wikitext pages.
    Wikitext,
}

/// The SROI view of a program, with quantities from the model's exact expectations and proxy
/// quantiles from the simulation's samplers. `None` for an unknown program.
pub fn sroi_of(
    model: &Model,
    graph: &ModelGraph<'_>,
    plan: &Plan,
    program: &str,
) -> Option<views::sroi::Sroi> {
    let mine: Vec<usize> = (0..model.initiatives.len())
        .filter(|&i| model.initiatives[i].program.as_ref().is_some_and(|p| p.as_str() == program))
        .collect();
    let change = plan.expected_changes(&mine);
    let investment: f64 =
        mine.iter().filter_map(|&i| model.initiatives[i].cost.map(|c| c.mean())).sum();
    views::sroi::sroi(model, graph, program, &change, investment, &simulate::sampler::quantile)
}

/// Builds the report of a checked model (the caller must have run `check` without errors).
pub fn build(
    model: &Model,
    format: Format,
    opts: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<File>, SimulateError> {
    Ok(match format {
        Format::Html => build_site(model, opts, progress)?.files(),
        Format::Wikitext => {
            let graph = ModelGraph::build(model);
            let plan = Plan::new(model, &Overrides::default())?;
            let sim = simulate::run(model, &plan, &settings(opts), progress);
            wikitext::build(model, &graph, &sim, &plan)
        }
    })
}

fn settings(opts: &Options) -> Settings {
    Settings { samples: opts.samples.max(2), seed: opts.seed }
}

/// Builds the HTML report as pages before the shell ([`page::Site`]): what the workspace
/// serves with its slots filled per request, and what [`build`] writes with them empty.
pub fn build_site(
    model: &Model,
    opts: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<page::Site, SimulateError> {
    let graph = ModelGraph::build(model);
    let plan = Plan::new(model, &Overrides::default())?;
    let settings = settings(opts);
    let sim = simulate::run(model, &plan, &settings, progress);
    let tornadoes = simulate::sensitivity::tornadoes(model, &plan, 8);
    let total_cost: f64 = sim.initiatives.iter().filter_map(|r| r.cost.map(|c| c.mean)).sum();
    let voi = simulate::voi::analyse(
        model,
        &plan,
        &sim,
        &settings,
        opts.budget.unwrap_or(total_cost / 2.0),
    );
    // The annual plan, with explanations sized to the model: per-item re-solves only when few.
    let n = model.initiatives.len();
    let extras = portfolio::Extras {
        force: n <= 100,
        marginals: n <= 300,
        frontier_points: if n <= 300 { 10 } else { 0 },
    };
    let solver = portfolio::Options { time_limit: 20.0, ..portfolio::Options::default() };
    // A solver that fails, or panics, leaves the plan page saying no plan could be made;
    // the other pages do not depend on it.
    let annual = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        portfolio::annual_plan(
            model,
            &graph,
            &plan,
            &sim,
            &portfolio::WhatIf::default(),
            &solver,
            extras,
        )
        .ok()
    }))
    .ok()
    .flatten();
    let computed = site::Computed {
        sim: &sim,
        plan: &plan,
        tornadoes: &tornadoes,
        voi: &voi,
        annual: annual.as_ref(),
    };
    Ok(site::build(model, &graph, &computed, opts))
}

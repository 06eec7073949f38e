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
use simulate::{Plan, SimulateError};

/// One file of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// How to build the report.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Samples, seed and interval level: the pipeline's shared defaults unless a flag says
    /// otherwise.
    pub settings: analysis::Settings,
    /// Budget for the value-of-information decision; half the total expected cost when None.
    pub budget: Option<f64>,
    /// The check-in and evaluations, read from the measurement store by the caller.
    pub measured: Measured,
    /// The language of the pages' words (the HTML report and the wikitext alike).
    pub lang: i18n::Lang,
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
            let (plan, sim) = analysis::decide::simulation(model, &opts.settings, progress)?;
            wikitext::build(model, &graph, &sim, &plan, opts.lang)
        }
    })
}

/// Builds the HTML report as pages before the shell ([`page::Site`]): what the workspace
/// serves with its slots filled per request, and what [`build`] writes with them empty.
pub fn build_site(
    model: &Model,
    opts: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<page::Site, SimulateError> {
    let mut sites = build_sites(model, opts, &[opts.lang], progress)?;
    Ok(sites.remove(0))
}

/// [`build_site`] in each of `langs` (`opts.lang` is not used), from one simulation and plan:
/// what the workspace serves, in the language each reader chose.
pub fn build_sites(
    model: &Model,
    opts: &Options,
    langs: &[i18n::Lang],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<page::Site>, SimulateError> {
    let graph = ModelGraph::build(model);
    let d = analysis::decide::decide(model, &graph, &opts.settings, opts.budget, progress)?;
    let computed = site::Computed {
        sim: &d.sim,
        plan: &d.plan,
        tornadoes: &d.tornadoes,
        voi: &d.voi,
        annual: d.annual.as_ref(),
    };
    Ok(langs
        .iter()
        .map(|&lang| site::build(model, &graph, &computed, &Options { lang, ..opts.clone() }))
        .collect())
}

//! The decision side of the pipeline: simulation, sensitivity, value of information and the
//! annual plan of a checked model, computed the same way for every front end.
//!
//! The command line, the static report and the workspace used to each run these steps with their
//! own sizes (how many what-ifs explain a plan, which budget frames the VOI decision), so one
//! model showed different explanations in different places. Every choice that is not a user's
//! flag is made here, once.

use model::Model;
use model::graph::ModelGraph;
use portfolio::{AnnualPlan, Extras, WhatIf, WhatIfError};
use simulate::sensitivity::Tornado;
use simulate::voi::Voi;
use simulate::{Overrides, Plan, SimulateError, Simulation};

use crate::Settings;

/// How many inputs each tornado on a page shows (the terminal, with more room, shows more).
pub const TORNADO_BARS: usize = 8;

/// Seconds the annual plan's solver may take in a report or the workspace (the command line
/// takes its own `--time-limit`).
pub const PAGE_TIME_LIMIT: f64 = 20.0;

/// Everything decided about a model: what the report's and the workspace's pages show.
pub struct Decision {
    /// The compiled quantified chains.
    pub plan: Plan,
    /// The Monte Carlo run.
    pub sim: Simulation,
    /// One tornado per initiative with value.
    pub tornadoes: Vec<Tornado>,
    /// Value of information for the default budget ([`voi_budget`]).
    pub voi: Voi,
    /// The optimal annual plan; `None` when the solver failed (the plan page says so and the
    /// other pages do not depend on it).
    pub annual: Option<AnnualPlan>,
}

/// Compiles and simulates a checked model, reporting `(done, total)` samples to `progress`.
pub fn simulation(
    model: &Model,
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Plan, Simulation), SimulateError> {
    let plan = Plan::new(model, &Overrides::default())?;
    let sim = simulate::run(model, &plan, &settings.simulation(), progress);
    Ok((plan, sim))
}

/// The budget the value-of-information decision is framed with when none is given: half the
/// expected cost of every initiative, so that the decision is a real choice.
pub fn voi_budget(sim: &Simulation) -> f64 {
    let total: f64 = sim.initiatives.iter().filter_map(|r| r.cost.map(|c| c.mean)).sum();
    total / 2.0
}

/// Value of information of the simulated model for `budget` ([`voi_budget`] when `None`).
pub fn value_of_information(
    model: &Model,
    plan: &Plan,
    sim: &Simulation,
    settings: &Settings,
    budget: Option<f64>,
) -> Voi {
    let budget = budget.unwrap_or_else(|| voi_budget(sim));
    simulate::voi::analyse(model, plan, sim, &settings.simulation(), budget)
}

/// The annual plan with its explanations sized to the model ([`Extras::for_size`]), the same
/// on every front end. A solver that panics comes back as an error, never as a crash of the
/// caller (the workspace keeps serving).
pub fn annual_plan(
    model: &Model,
    graph: &ModelGraph<'_>,
    plan: &Plan,
    sim: &Simulation,
    what_if: &WhatIf,
    solver: &portfolio::Options,
) -> Result<AnnualPlan, PlanError> {
    let extras = Extras::for_size(model.initiatives.len());
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        portfolio::annual_plan(model, graph, plan, sim, what_if, solver, extras)
    }))
    .map_err(|_| PlanError::Panicked)?
    .map_err(PlanError::WhatIf)
}

/// Why no annual plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A what-if names something the model does not have.
    #[error(transparent)]
    WhatIf(#[from] WhatIfError),
    /// The solver panicked.
    #[error("the solver failed (it panicked); the plan could not be made")]
    Panicked,
}

/// Simulation, tornadoes, value of information and the plan under the model's own settings:
/// what every page shows. `budget` frames the VOI decision ([`voi_budget`] when `None`).
pub fn decide(
    model: &Model,
    graph: &ModelGraph<'_>,
    settings: &Settings,
    budget: Option<f64>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Decision, SimulateError> {
    let (plan, sim) = simulation(model, settings, progress)?;
    let tornadoes = simulate::sensitivity::tornadoes(model, &plan, TORNADO_BARS);
    let voi = value_of_information(model, &plan, &sim, settings, budget);
    let solver =
        portfolio::Options { time_limit: PAGE_TIME_LIMIT, ..portfolio::Options::default() };
    let annual = annual_plan(model, graph, &plan, &sim, &WhatIf::default(), &solver).ok();
    Ok(Decision { plan, sim, tornadoes, voi, annual })
}

//! The selection problem in solver-neutral form, and how a model and its simulation become one.
//!
//! Keeping the instance separate from the solver lets the exhaustive search of the tests, the
//! MILP formulation and the benchmark peer (which reads [`Problem::to_json`]) share one
//! definition of what a feasible plan is.

use model::graph::ModelGraph;
use model::{BalanceRule, Model, Selector, ShareOf, Status};
use serde::Serialize;
use simulate::Simulation;

/// One candidate initiative.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Initiative id.
    pub id: String,
    /// Expected value: the exact expectation, not the Monte Carlo mean, so the plan does not
    /// move with sampling noise.
    pub value: f64,
    /// Cost checked against the budget (mean or the chosen percentile).
    pub cost: f64,
    /// Person-quarters of its team.
    pub effort: f64,
    /// Index into [`Problem::teams`]; `None` for an unknown team (no capacity use).
    pub team: Option<usize>,
    /// Quarters it occupies: the fewest in which its team can do it, `ceil(effort / capacity)`.
    pub duration: usize,
    /// Must be in the plan.
    pub must: bool,
    /// Cannot be in the plan, and why.
    pub barred: Option<String>,
    /// Items that must be finished first.
    pub depends_on: Vec<usize>,
    /// Items it cannot be combined with.
    pub excludes: Vec<usize>,
}

impl Item {
    /// Effort per quarter while it runs.
    pub fn load(&self) -> f64 {
        self.effort / self.duration as f64
    }
}

/// A team's capacity.
#[derive(Clone, Debug, Serialize)]
pub struct Team {
    /// Team id.
    pub id: String,
    /// FTE available in each quarter of the plan.
    pub capacity: Vec<f64>,
}

/// A share rule resolved to items.
#[derive(Clone, Debug, Serialize)]
pub struct Share {
    /// Rule name.
    pub name: String,
    /// Which items count.
    pub members: Vec<bool>,
    /// Effort, cost or count.
    pub of: ShareOf,
    /// At least this share.
    pub min: Option<f64>,
    /// At most this share.
    pub max: Option<f64>,
}

impl Share {
    /// The weight of an item in this share.
    pub fn weight(&self, item: &Item) -> f64 {
        match self.of {
            ShareOf::Effort => item.effort,
            ShareOf::Cost => item.cost,
            ShareOf::Count => 1.0,
        }
    }
}

/// "At least one of these items."
#[derive(Clone, Debug, Serialize)]
pub struct Cover {
    /// What is covered, for explanations (e.g. "goal `g_media` is served").
    pub name: String,
    /// Items that cover it.
    pub members: Vec<usize>,
}

/// Risk aversion over simulated scenarios.
#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    /// Tail share.
    pub alpha: f64,
    /// Weight of CVaR in the objective.
    pub weight: f64,
    /// `scenarios[s][i]`: item i's value in scenario s (paired across items).
    pub scenarios: Vec<Vec<f64>>,
}

/// The selection and scheduling problem.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// Candidates, in model order.
    pub items: Vec<Item>,
    /// Teams with their capacity per quarter.
    pub teams: Vec<Team>,
    /// Quarters in the plan.
    pub quarters: usize,
    /// Budget, if any.
    pub budget: Option<f64>,
    /// Quarters between a dependency's end and its dependant's start.
    pub lag: usize,
    /// Share rules.
    pub shares: Vec<Share>,
    /// At-least-one rules.
    pub covers: Vec<Cover>,
    /// Risk attitude, if any.
    pub risk: Option<Risk>,
}

/// Changes to the model's planning settings for one run (`plan --budget …`).
#[derive(Clone, Debug, Default)]
pub struct WhatIf {
    /// Replaces the budget.
    pub budget: Option<f64>,
    /// Replaces a team's capacity (FTE per quarter), by team id.
    pub capacity: Vec<(String, f64)>,
    /// Initiatives that must be in.
    pub require: Vec<String>,
    /// Initiatives that must stay out.
    pub exclude: Vec<String>,
    /// Replaces the number of quarters.
    pub quarters: Option<usize>,
}

/// Why a what-if could not be applied.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WhatIfError {
    /// An id that names no initiative.
    #[error("no initiative has the id `{0}`")]
    UnknownInitiative(String),
    /// An id that names no team.
    #[error("no team has the id `{0}`")]
    UnknownTeam(String),
}

/// Most scenarios used for the risk term: enough for a stable tail mean, few enough for the
/// solver.
pub const MAX_SCENARIOS: usize = 500;

impl Problem {
    /// Builds the problem of a checked, simulated model.
    pub fn from_model(
        model: &Model,
        graph: &ModelGraph<'_>,
        plan: &simulate::Plan,
        sim: &Simulation,
        what_if: &WhatIf,
    ) -> Result<Problem, WhatIfError> {
        let settings = &model.planning;
        let quarters = what_if.quarters.unwrap_or(settings.quarters as usize).max(1);
        let mut teams: Vec<Team> = model
            .teams
            .iter()
            .map(|t| Team { id: t.id.to_string(), capacity: vec![t.capacity; quarters] })
            .collect();
        for (id, cap) in &what_if.capacity {
            let t = teams
                .iter_mut()
                .find(|t| &t.id == id)
                .ok_or_else(|| WhatIfError::UnknownTeam(id.clone()))?;
            t.capacity = vec![*cap; quarters];
        }
        let index = |id: &str| model.initiatives.iter().position(|i| i.id.as_str() == id);
        for id in what_if.require.iter().chain(&what_if.exclude) {
            if index(id).is_none() {
                return Err(WhatIfError::UnknownInitiative(id.clone()));
            }
        }
        let mut items: Vec<Item> = Vec::with_capacity(model.initiatives.len());
        for (i, ini) in model.initiatives.iter().enumerate() {
            let team = model.teams.iter().position(|t| t.id == ini.team);
            let effort = ini.effort.map_or(0.0, |e| e.mean()).max(0.0);
            let cost = match (settings.cost_percentile, ini.cost) {
                (_, None) => 0.0,
                (None, Some(c)) => c.mean().max(0.0),
                (Some(p), Some(_)) => percentile(&sim.cost_samples[i], p / 100.0),
            };
            let cap = team.map_or(0.0, |t| teams[t].capacity[0]);
            let duration = if effort <= 0.0 {
                1
            } else if cap > 0.0 {
                ((effort / cap) - 1e-9).ceil().max(1.0) as usize
            } else {
                usize::MAX
            };
            let mut barred = match ini.status {
                Status::Shipped | Status::Evaluated => Some(format!("already {}", ini.status)),
                Status::Cancelled => Some("cancelled".to_string()),
                _ => None,
            };
            if barred.is_none() && duration > quarters {
                barred = Some(if cap > 0.0 {
                    format!(
                        "needs {duration} quarters of team `{}` at full capacity; the plan has {quarters}",
                        ini.team
                    )
                } else {
                    format!("team `{}` has no capacity", ini.team)
                });
            }
            if what_if.exclude.iter().any(|x| x == ini.id.as_str()) {
                barred = Some("excluded for this run (--exclude)".to_string());
            }
            let must = ini.must_do || what_if.require.iter().any(|x| x == ini.id.as_str());
            items.push(Item {
                id: ini.id.to_string(),
                value: sim.initiatives[i].expected_value,
                cost,
                effort,
                team,
                duration: duration.min(quarters.max(1)),
                must,
                barred,
                depends_on: ini.depends_on.iter().filter_map(|d| index(d.as_str())).collect(),
                excludes: Vec::new(),
            });
        }
        // Exclusions are symmetric, whichever side wrote them.
        for (i, ini) in model.initiatives.iter().enumerate() {
            for x in ini.excludes.iter().filter_map(|d| index(d.as_str())) {
                if !items[i].excludes.contains(&x) {
                    items[i].excludes.push(x);
                }
                if !items[x].excludes.contains(&i) {
                    items[x].excludes.push(i);
                }
            }
        }
        let audiences_of = |i: usize| -> Vec<&model::Audience> {
            let ini = &model.initiatives[i];
            let mut ids: Vec<&model::Id> = ini.audiences.iter().collect();
            for &n in graph.delivered_by(i) {
                ids.extend(model.nodes[n].audiences.iter());
            }
            model.audiences.iter().filter(|a| ids.contains(&&a.id)).collect()
        };
        let mut shares = Vec::new();
        let mut covers = Vec::new();
        for rule in &settings.balance {
            match rule {
                BalanceRule::Share { name, selector, of, min, max } => {
                    let members = (0..items.len())
                        .map(|i| {
                            let ini = &model.initiatives[i];
                            match selector {
                                Selector::AudienceKind(k) => {
                                    audiences_of(i).iter().any(|a| a.kind == *k)
                                }
                                Selector::Audience(id) => {
                                    audiences_of(i).iter().any(|a| &a.id == id)
                                }
                                Selector::Program(p) => ini.program.as_ref() == Some(p),
                                Selector::Team(t) => &ini.team == t,
                            }
                        })
                        .collect();
                    shares.push(Share {
                        name: name.clone(),
                        members,
                        of: *of,
                        min: *min,
                        max: *max,
                    });
                }
                BalanceRule::EachGoal { name } => {
                    let contributions = plan.expected_contributions();
                    for (slot, &g) in plan.goals.iter().enumerate() {
                        let members: Vec<usize> =
                            (0..items.len()).filter(|&i| contributions[i][slot] > 0.0).collect();
                        covers.push(Cover {
                            name: format!("{name}: goal `{}`", model.nodes[g].id),
                            members,
                        });
                    }
                }
            }
        }
        let risk = settings.risk.map(|r| {
            let n = sim.samples.min(MAX_SCENARIOS);
            Risk {
                alpha: r.alpha,
                weight: r.weight,
                scenarios: (0..n)
                    .map(|s| sim.value_samples.iter().map(|v| v[s]).collect())
                    .collect(),
            }
        });
        Ok(Problem {
            items,
            teams,
            quarters,
            budget: what_if.budget.or(settings.budget),
            lag: settings.dependency_lag as usize,
            shares,
            covers,
            risk,
        })
    }

    /// The instance as JSON, for peers that solve the same problem (the HiGHS benchmark peer).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Total cost of every item that could be selected.
    pub fn total_cost(&self) -> f64 {
        self.items.iter().filter(|i| i.barred.is_none()).map(|i| i.cost).sum()
    }
}

/// The `q`-quantile of unsorted samples (linear interpolation).
fn percentile(samples: &[f64], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    simulate::stats::percentile(&v, q).max(0.0)
}

//! The selection problem in solver-neutral form, and how a model and its simulation become one.
//!
//! Keeping the instance separate from the solver lets the exhaustive search of the tests, the
//! MILP formulation and the benchmark peer (which reads [`Problem::to_json`]) share one
//! definition of what a feasible plan is.

use model::graph::ModelGraph;
use model::{BalanceRule, Model, Selector, ShareOf, Status};
use serde::{Deserialize, Serialize};
use simulate::Simulation;

/// One candidate initiative.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Item {
    /// Initiative id.
    pub id: String,
    /// Expected value: the exact expectation, not the Monte Carlo mean, so the plan does not
    /// move with sampling noise.
    pub value: f64,
    /// Cost checked against the budget (mean or the chosen percentile): the initiative's cost
    /// less its team's time when the team has a rate (other spend), else its whole cost.
    pub cost: f64,
    /// Its team's time at the team's rate (expected effort × rate / 4; 0 without a rate). That
    /// time is paid by the team's capacity whether or not the plan uses it, so it is not spent
    /// from the budget.
    pub staff: f64,
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
    /// Why it cannot be in the plan, for a page that says it in its own language (`barred` is
    /// the English).
    #[serde(skip)]
    pub why_barred: Option<Barred>,
    /// Items that must be finished first.
    pub depends_on: Vec<usize>,
    /// Items it cannot be combined with.
    pub excludes: Vec<usize>,
    /// For research (an initiative that `inform`s links): what it would teach and what that
    /// is worth, already included in `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning: Option<Learning>,
    /// Quarters after shipping until its benefits run at their full rate (0: at once).
    pub ramp_up: usize,
}

/// What a research item would teach the plan: the links it measures and the decisions the
/// result could change, so the plan can say why learning was chosen (or not).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Learning {
    /// Expected value of sample information (`simulate::voi::evsi`), in value units, before
    /// value in time; part of the item's `value`.
    pub evsi: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
    /// The links measured, as `from → to`, with the standard error achieved on each effect.
    pub measures: Vec<(String, f64)>,
    /// Initiatives whose decision the result could change, with the probability that it does.
    pub changes: Vec<(String, f64)>,
}

impl Barred {
    /// Why, in English (the terminal's words and [`Item::barred`]).
    pub fn text(&self) -> String {
        match self {
            Barred::Already(status) => format!("already {status}"),
            Barred::Cancelled => "cancelled".into(),
            Barred::TooLong { needs, team, quarters } => format!(
                "needs {needs} quarters of team `{team}` at full capacity; the plan has {quarters}"
            ),
            Barred::NoCapacity(team) => format!("team `{team}` has no capacity"),
            Barred::Excluded => "excluded for this run (--exclude)".into(),
        }
    }
}

impl Item {
    /// Effort per quarter while it runs.
    pub fn load(&self) -> f64 {
        self.effort / self.duration as f64
    }
}

/// Why an item cannot be in the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Barred {
    /// It has shipped or been evaluated: its status word.
    Already(String),
    /// It was cancelled.
    Cancelled,
    /// Its team would need more quarters at full capacity than the plan has.
    TooLong {
        /// Quarters it needs.
        needs: usize,
        /// The team's id.
        team: String,
        /// Quarters the plan has.
        quarters: usize,
    },
    /// Its team has no capacity: the team's id.
    NoCapacity(String),
    /// Left out of this run by `--exclude`.
    Excluded,
}

/// A team's capacity.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Team {
    /// Team id.
    pub id: String,
    /// FTE available in each quarter of the plan.
    pub capacity: Vec<f64>,
    /// Loaded cost of one FTE for a year, when known: a person-quarter costs a quarter of it.
    pub rate: Option<f64>,
}

impl Team {
    /// What one person-quarter beyond the capacity costs (0 without a rate).
    pub fn price(&self) -> f64 {
        self.rate.map_or(0.0, |r| r / 4.0)
    }
}

/// How value depends on when work ships: benefits of an initiative start in the quarter after it
/// ships and accrue, discounted, until the horizon ends.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Horizon {
    /// Quarters from the plan's start to the horizon's end (`K`).
    pub quarters: usize,
    /// Annual discount rate `r`.
    pub discount_rate: f64,
}

impl Horizon {
    /// The discount factor of one quarter, `δ = (1 + r)^(-1/4)`.
    pub fn quarterly_factor(&self) -> f64 {
        (1.0 + self.discount_rate).powf(-0.25)
    }

    /// The discounted share of the horizon's benefits that work shipping at the end of quarter
    /// `t − 1` still earns (benefits in quarters `t … K − 1`):
    /// `S(t) = Σ_{k=t}^{K−1} δ^k / Σ_{k=0}^{K−1} δ^k = (δ^t − δ^K) / (1 − δ^K)`, or `(K − t) / K`
    /// without discounting, and 0 from `t = K` on.
    pub fn share(&self, t: usize) -> f64 {
        let k = self.quarters;
        if t >= k {
            return 0.0;
        }
        let d = self.quarterly_factor();
        if self.discount_rate <= 0.0 || d >= 1.0 {
            return (k - t) as f64 / k as f64;
        }
        let dk = d.powi(k as i32);
        (d.powi(t as i32) - dk) / (1.0 - dk)
    }

    /// [`Horizon::share`] for benefits that ramp up linearly over `ramp` quarters after work
    /// ships at the end of quarter `t − 1`: quarter `t + j` earns `min(1, (j + 1)/(R + 1))` of
    /// the full rate, so
    /// `S_R(t) = Σ_{k=t}^{K−1} δ^k · min(1, (k − t + 1)/(R + 1)) / Σ_{k=0}^{K−1} δ^k`
    /// (at most 200 terms: summed directly).
    pub fn share_ramped(&self, t: usize, ramp: usize) -> f64 {
        if ramp == 0 {
            return self.share(t);
        }
        let k = self.quarters;
        if t >= k {
            return 0.0;
        }
        let d = if self.discount_rate > 0.0 { self.quarterly_factor() } else { 1.0 };
        let r = (ramp + 1) as f64;
        let mut weight = 1.0;
        let (mut all, mut earned) = (0.0, 0.0);
        for q in 0..k {
            all += weight;
            if q >= t {
                earned += weight * (((q - t + 1) as f64) / r).min(1.0);
            }
            weight *= d;
        }
        earned / all
    }
}
/// A share rule resolved to items.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
            // The full cost, staff time included: what a "share of cost" means to people.
            ShareOf::Cost => item.cost + item.staff,
            ShareOf::Count => 1.0,
        }
    }
}

/// "At least one of these items."
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cover {
    /// What is covered, for explanations (e.g. "goal `g_media` is served").
    pub name: String,
    /// Items that cover it.
    pub members: Vec<usize>,
}

/// Risk aversion over simulated scenarios.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Risk {
    /// Tail share.
    pub alpha: f64,
    /// Weight of CVaR in the objective.
    pub weight: f64,
    /// `scenarios[s][i]`: item i's value in scenario s (paired across items).
    pub scenarios: Vec<Vec<f64>>,
}

/// The selection and scheduling problem.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// How value depends on when work ships; `None`: it does not (each item is worth its
    /// `value` in any quarter).
    pub horizon: Option<Horizon>,
    /// Whether the budget may buy person-quarters beyond a team's capacity, at its rate (only
    /// for teams with a rate, and only within a budget).
    pub hiring: bool,
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
            .map(|t| Team {
                id: t.id.to_string(),
                capacity: vec![t.capacity; quarters],
                rate: t.rate.filter(|r| *r > 0.0),
            })
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
        // Research is valued for the decision the plan makes at its budget: the same
        // cost-effectiveness threshold as `voi`.
        let budget = what_if.budget.or(settings.budget);
        let decision = simulate::voi::decide(model, sim, budget.unwrap_or(f64::INFINITY));
        let mut items: Vec<Item> = Vec::with_capacity(model.initiatives.len());
        for (i, ini) in model.initiatives.iter().enumerate() {
            let team = model.teams.iter().position(|t| t.id == ini.team);
            let effort = ini.effort.map_or(0.0, |e| e.mean()).max(0.0);
            // The team's time, at its rate, is part of the cost but already paid by its
            // capacity: only the rest is spent from the budget.
            let staff = team.map_or(0.0, |t| model.teams[t].staff_cost(effort));
            let cost = match (settings.cost_percentile, ini.cost) {
                (_, None) => 0.0,
                (None, Some(c)) => (c.mean() - staff).max(0.0),
                (Some(p), Some(_)) => {
                    (percentile(&sim.cost_samples[i], p / 100.0) - staff).max(0.0)
                }
            };
            let cap = team.map_or(0.0, |t| teams[t].capacity[0]);
            let duration = if effort <= 0.0 {
                1
            } else if cap > 0.0 {
                ((effort / cap) - 1e-9).ceil().max(1.0) as usize
            } else {
                usize::MAX
            };
            let mut why_barred = match ini.status {
                Status::Shipped | Status::Evaluated => {
                    Some(Barred::Already(ini.status.to_string()))
                }
                Status::Cancelled => Some(Barred::Cancelled),
                _ => None,
            };
            if why_barred.is_none() && duration > quarters {
                let team = ini.team.to_string();
                why_barred = Some(if cap > 0.0 {
                    Barred::TooLong { needs: duration, team, quarters }
                } else {
                    Barred::NoCapacity(team)
                });
            }
            if what_if.exclude.iter().any(|x| x == ini.id.as_str()) {
                why_barred = Some(Barred::Excluded);
            }
            let barred = why_barred.as_ref().map(Barred::text);
            let must = ini.must_do || what_if.require.iter().any(|x| x == ini.id.as_str());
            let learning = learning(model, plan, sim, &decision, i);
            items.push(Item {
                id: ini.id.to_string(),
                value: sim.initiatives[i].expected_value
                    + learning.as_ref().map_or(0.0, |l| l.evsi),
                cost,
                staff,
                effort,
                team,
                duration: duration.min(quarters.max(1)),
                must,
                barred,
                why_barred,
                depends_on: ini.depends_on.iter().filter_map(|d| index(d.as_str())).collect(),
                excludes: Vec::new(),
                learning,
                ramp_up: ini.ramp_up.unwrap_or(settings.ramp_up) as usize,
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
                // Information is worth its expectation in every scenario: the EVSI is already an
                // average over what the research could find.
                scenarios: (0..n)
                    .map(|s| {
                        sim.value_samples
                            .iter()
                            .zip(&items)
                            .map(|(v, it)| v[s] + it.learning.as_ref().map_or(0.0, |l| l.evsi))
                            .collect()
                    })
                    .collect(),
            }
        });
        let horizon = (settings.horizon > 0).then(|| Horizon {
            quarters: 4 * settings.horizon as usize,
            discount_rate: settings.discount_rate(&model.sroi),
        });
        Ok(Problem {
            items,
            teams,
            quarters,
            budget,
            lag: settings.dependency_lag as usize,
            shares,
            covers,
            risk,
            horizon,
            hiring: settings.hiring,
        })
    }

    /// The share of item i's value earned when it starts in quarter `start`:
    /// `S_{R_i}(start + d_i)`, with its ramp-up `R_i` (1 when value does not depend on time).
    pub fn item_share(&self, i: usize, start: usize) -> f64 {
        let it = &self.items[i];
        self.horizon.map_or(1.0, |h| h.share_ramped(start + it.duration, it.ramp_up))
    }

    /// Item i's expected value when it starts in quarter `start`: `value_i · S_{R_i}(start + d_i)`.
    pub fn value_at(&self, i: usize, start: usize) -> f64 {
        self.items[i].value * self.item_share(i, start)
    }

    /// What a quarter's delay costs item i started in `start`, exactly from the formula:
    /// `value_i · (S(t) − S(t + 1))` with `t = start + d_i` (ramped as the item is); `None` when
    /// value does not depend on time.
    pub fn delay_cost(&self, i: usize, start: usize) -> Option<f64> {
        self.horizon?;
        Some(self.value_at(i, start) - self.value_at(i, start + 1))
    }

    /// Whether team t may take on work beyond its capacity, paid from the budget.
    pub fn can_hire(&self, t: usize) -> bool {
        self.hiring && self.budget.is_some() && self.teams[t].price() > 0.0
    }

    /// Person-quarters each team's selected work uses in each quarter.
    pub fn load(&self, start: &[Option<usize>]) -> Vec<Vec<f64>> {
        let mut load: Vec<Vec<f64>> =
            self.teams.iter().map(|t| vec![0.0; t.capacity.len()]).collect();
        for (i, it) in self.items.iter().enumerate() {
            if let (Some(s), Some(t)) = (start[i], it.team) {
                for cell in &mut load[t][s..s + it.duration] {
                    *cell += it.load();
                }
            }
        }
        load
    }

    /// Person-quarters of team t beyond its capacity under `load` (what hiring must buy).
    pub fn excess(&self, t: usize, load: &[f64]) -> f64 {
        load.iter().zip(&self.teams[t].capacity).map(|(l, c)| (l - c).max(0.0)).sum()
    }

    /// What the selected work spends from the budget: its other spend, and the person-quarters
    /// hired beyond capacity at each team's rate.
    pub fn spend(&self, start: &[Option<usize>]) -> f64 {
        let other: f64 =
            (0..self.items.len()).filter(|&i| start[i].is_some()).map(|i| self.items[i].cost).sum();
        let load = self.load(start);
        let hired: f64 = (0..self.teams.len())
            .filter(|&t| self.can_hire(t))
            .map(|t| self.excess(t, &load[t]) * self.teams[t].price())
            .sum();
        other + hired
    }

    /// The instance as JSON, for peers that solve the same problem (the HiGHS benchmark peer).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The most every item that could be selected could spend from the budget: its other
    /// spend, and with hiring its staff time too (all of it hired, at worst).
    pub fn total_cost(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| i.barred.is_none())
            .map(|i| {
                let hire = i.team.is_some_and(|t| self.can_hire(t));
                i.cost + if hire { i.staff } else { 0.0 }
            })
            .sum()
    }
}

/// What initiative `i` would teach, when it `inform`s links; `None` for other work.
fn learning(
    model: &Model,
    plan: &simulate::Plan,
    sim: &Simulation,
    decision: &simulate::voi::Decision,
    i: usize,
) -> Option<Learning> {
    let informed = model.initiatives[i].informed_links(model);
    if informed.is_empty() {
        return None;
    }
    let e = simulate::voi::evsi(model, plan, sim, decision, &informed, i as u64);
    let measures = e
        .measures
        .iter()
        .map(|(p, se)| match p {
            simulate::voi::Parameter::Link { from, to, .. } => (format!("{from} → {to}"), *se),
            other => (format!("{other:?}"), *se),
        })
        .collect();
    Some(Learning { evsi: e.value, se: e.se, measures, changes: e.changes })
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

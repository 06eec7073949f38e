//! The saved plan's part in the check-in forecast: for each key result, the expected change of
//! the plan's initiatives that ship after the check-in and before the target date, and which
//! initiatives carry it.
//!
//! The plan is the one people signed: the `plan` section written by `throughline plan --write`.
//! An initiative starting in quarter `q` runs `ceil(E[effort] / capacity)` quarters of its team
//! (the planner's rule) and ships at the end of its last one; its change counts for a target
//! dated after that quarter ends. Its change is already in the data when it shipped by the
//! check-in (by the schedule, or because its status says shipped or evaluated), so the trend
//! carries it and it is not added again. Changes are the model's steady-state changes (no
//! ramp-up), exact in expectation (`simulate::Plan::expected_changes`), with the standard
//! deviation of their sum over the simulation's samples (`simulate::node_changes`, the default
//! settings every front end shares).

use model::{Date, Indicator, Model, Quarter, Status};

use evaluate::checkin::{Carrier, Counted, Planned};

use crate::Settings;

/// What the saved plan adds to each key result, computed once per check-in.
pub struct PlanEffects<'m> {
    model: &'m Model,
    plan: simulate::Plan,
    /// `(initiative index, quarter it ships in)` of the saved schedule, in schedule order.
    schedule: Vec<(usize, Quarter)>,
    settings: Settings,
}

impl<'m> PlanEffects<'m> {
    /// `None` when the model has no saved plan, or cannot be simulated (then the forecast is
    /// the trend alone).
    pub fn new(model: &'m Model, settings: Settings) -> Option<PlanEffects<'m>> {
        let saved = model.saved_plan.as_ref()?;
        let plan = simulate::Plan::new(model, &simulate::Overrides::default()).ok()?;
        let schedule = saved
            .schedule
            .iter()
            .filter_map(|(id, label)| {
                let start = Quarter::parse(label)?;
                let i = model.initiatives.iter().position(|x| &x.id == id)?;
                Some((i, start.plus(duration(model, i).saturating_sub(1))))
            })
            .collect();
        Some(PlanEffects { model, plan, schedule, settings })
    }

    /// The plan's part in `ind`'s forecast at a check-in with data up to `as_of`.
    pub fn planned(&self, ind: &Indicator, as_of: Date) -> Option<Planned> {
        let target = ind.target.as_ref()?;
        let node = self.model.nodes.iter().position(|n| n.id == ind.measures)?;
        let mut carriers = Vec::new();
        let mut counted = Vec::new();
        for &(i, ships) in &self.schedule {
            let change = self.plan.expected_changes(&[i])[node];
            if change == 0.0 {
                continue;
            }
            let ini = &self.model.initiatives[i];
            let shipped = matches!(ini.status, Status::Shipped | Status::Evaluated);
            let c = if shipped || ships.last_day() <= as_of {
                Counted::InData
            } else if ships.last_day() < target.date {
                counted.push(i);
                Counted::InForecast
            } else {
                Counted::AfterTarget
            };
            carriers.push(Carrier {
                id: ini.id.clone(),
                ships,
                expected_change: change,
                counted: c,
            });
        }
        if counted.is_empty() {
            return Some(Planned { mean: 0.0, sd: 0.0, carriers });
        }
        let mean = self.plan.expected_changes(&counted)[node];
        let settings =
            simulate::Settings { samples: self.settings.samples, seed: self.settings.seed };
        let samples = simulate::node_changes(&self.plan, &settings, &counted, &[node]);
        let sd = samples.first().map_or(0.0, |x| {
            let n = x.len().max(2) as f64;
            let m = x.iter().sum::<f64>() / x.len().max(1) as f64;
            (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        });
        Some(Planned { mean, sd, carriers })
    }
}

/// Quarters initiative `i` runs: `ceil(E[effort] / capacity)` of its team, at least 1 (the
/// planner's rule; a team without capacity or no effort: 1).
fn duration(model: &Model, i: usize) -> u32 {
    let ini = &model.initiatives[i];
    let effort = ini.effort.map_or(0.0, |e| e.mean()).max(0.0);
    let cap = model.teams.iter().find(|t| t.id == ini.team).map_or(0.0, |t| t.capacity);
    if effort <= 0.0 || cap <= 0.0 {
        return 1;
    }
    ((effort / cap) - 1e-9).ceil().clamp(1.0, 400.0) as u32
}

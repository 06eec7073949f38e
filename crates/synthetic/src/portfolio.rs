//! Generated problems for property tests and benchmarks: random but reproducible, with every
//! kind of constraint (budget, capacities, dependency chains, exclusions, must-do work, share
//! and cover rules, optional risk).

use model::ShareOf;

use portfolio::problem::{Cover, Horizon, Item, Problem, Risk, Share, Team};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Initiatives.
    pub items: usize,
    /// Teams.
    pub teams: usize,
    /// Quarters.
    pub quarters: usize,
    /// Budget as a share of the total cost.
    pub budget_share: f64,
    /// Share of items that depend on the previous item of their chain.
    pub dependency_rate: f64,
    /// Exclusive pairs, per item.
    pub exclusion_rate: f64,
    /// Must-do items, per item.
    pub must_rate: f64,
    /// Dependency lag.
    pub lag: usize,
    /// With a risk term over this many scenarios (0: risk-neutral).
    pub scenarios: usize,
    /// Smallest team capacity (FTE); capacities are whole numbers from here to `capacity_max`.
    pub capacity_min: usize,
    /// Largest team capacity (FTE).
    pub capacity_max: usize,
    /// Scales every initiative's effort: small values make many small initiatives per team.
    pub effort_scale: f64,
    /// Value in time: benefits over a horizon of this many quarters, discounted at this annual
    /// rate (`None`: value does not depend on when work ships).
    pub horizon: Option<(usize, f64)>,
    /// Items ramp up over 0 to this many quarters after shipping (0: benefits in full at once).
    pub ramp_max: usize,
    /// Teams get loaded rates (some teams), so items carry staff costs.
    pub rates: bool,
    /// The budget may buy person-quarters beyond capacity (teams with a rate).
    pub hiring: bool,
    /// Seed.
    pub seed: u64,
}

impl Spec {
    /// The benchmark instance of the plan issue: 5,000 initiatives, 40 teams of 6–12 people,
    /// 4 quarters, dependency chains and balance rules. Initiatives are mostly a fraction of a
    /// team-quarter, as in a real annual portfolio (125 candidates per team).
    pub fn benchmark() -> Spec {
        Spec {
            items: 5_000,
            teams: 40,
            quarters: 4,
            budget_share: 0.4,
            dependency_rate: 0.3,
            exclusion_rate: 0.02,
            must_rate: 0.01,
            lag: 0,
            scenarios: 0,
            capacity_min: 6,
            capacity_max: 12,
            effort_scale: 0.5,
            horizon: None,
            ramp_max: 0,
            rates: false,
            hiring: false,
            seed: 7,
        }
    }

    /// A small instance with tight capacity (initiatives as large as a team-quarter), for
    /// tests against exhaustive search.
    pub fn small(items: usize, quarters: usize, teams: usize, seed: u64) -> Spec {
        Spec {
            items,
            teams,
            quarters,
            budget_share: 0.5,
            dependency_rate: 0.35,
            exclusion_rate: 0.15,
            must_rate: 0.1,
            lag: (seed % 2) as usize,
            scenarios: 0,
            capacity_min: 2,
            capacity_max: 6,
            effort_scale: 1.0,
            horizon: None,
            ramp_max: 0,
            rates: false,
            hiring: false,
            seed,
        }
    }
}

/// The shared SplitMix stream, with draws scaled from [0, 1) (not `Rng::below`'s modulo), which
/// the recorded benchmark instance depends on.
struct Rng(crate::Rng);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

/// A random problem.
pub fn problem(spec: &Spec) -> Problem {
    let mut rng = Rng(crate::Rng::new(spec.seed));
    let mut teams: Vec<Team> = (0..spec.teams.max(1))
        .map(|t| Team {
            id: format!("team{t}"),
            capacity: vec![
                (spec.capacity_min + rng.below(spec.capacity_max - spec.capacity_min + 1))
                    as f64;
                spec.quarters
            ],
            rate: None,
        })
        .collect();
    let mut items: Vec<Item> = Vec::with_capacity(spec.items);
    for i in 0..spec.items {
        let team = rng.below(teams.len());
        let cap = teams[team].capacity[0];
        // Mostly one-quarter work, some longer.
        let effort = (0.5 + rng.unit() * 2.5 * if rng.unit() < 0.15 { 2.0 } else { 1.0 })
            .min(cap * spec.quarters as f64);
        let duration = ((effort / cap) - 1e-9).ceil().max(1.0) as usize;
        let cost = (20.0 + rng.unit() * 180.0).round() * 1000.0;
        // Value loosely tied to cost, with a long tail.
        let value =
            (cost / 1000.0) * (0.2 + rng.unit() * 2.0) * if rng.unit() < 0.1 { 3.0 } else { 1.0 };
        let depends_on =
            if i > 0 && rng.unit() < spec.dependency_rate { vec![i - 1] } else { Vec::new() };
        items.push(Item {
            id: format!("i{i}"),
            value: (value * 10.0).round() / 10.0,
            cost,
            staff: 0.0,
            effort: (effort * 10.0).round() / 10.0,
            team: Some(team),
            duration: duration.min(spec.quarters),
            must: false,
            barred: None,
            why_barred: None,
            depends_on,
            excludes: Vec::new(),
            learning: None,
            // Not from `rng`, so the instances without ramps stay the ones benchmarked before.
            ramp_up: (i + spec.seed as usize) % (spec.ramp_max + 1),
        });
    }
    // Must-do items have no dependencies, so they can always be placed.
    for i in 0..spec.items {
        if rng.unit() < spec.must_rate && items[i].depends_on.is_empty() && items[i].duration == 1 {
            items[i].must = true;
        }
    }
    let pairs = (spec.items as f64 * spec.exclusion_rate).round() as usize;
    for _ in 0..pairs {
        let a = rng.below(spec.items);
        let b = rng.below(spec.items);
        if a != b && !items[a].must && !items[b].must && !items[a].excludes.contains(&b) {
            items[a].excludes.push(b);
            items[b].excludes.push(a);
        }
    }
    let members: Vec<bool> = (0..spec.items).map(|_| rng.unit() < 0.35).collect();
    let shares = vec![Share {
        name: "organizing communities".into(),
        members,
        of: ShareOf::Effort,
        min: Some(0.25),
        max: None,
    }];
    let covers = (0..3.min(spec.items))
        .map(|g| Cover {
            name: format!("goal g{g} served"),
            members: (0..spec.items).filter(|i| i % 7 == g).collect(),
        })
        .collect();
    let risk = (spec.scenarios > 0).then(|| Risk {
        alpha: 0.2,
        weight: 0.5,
        scenarios: (0..spec.scenarios)
            .map(|_| {
                items
                    .iter()
                    .map(|it| (it.value * (0.2 + 1.6 * rng.unit()) * 10.0).round() / 10.0)
                    .collect()
            })
            .collect(),
    });
    // Drawn last, so instances without these features are the ones recorded before them.
    if spec.rates {
        for t in &mut teams {
            // Most teams have a loaded rate of 120k–280k a year; some none.
            if rng.unit() < 0.75 {
                t.rate = Some((120.0 + 160.0 * rng.unit()).round() * 1000.0);
            }
        }
        for it in &mut items {
            if let Some(rate) = it.team.and_then(|t| teams[t].rate) {
                it.staff = it.effort * rate / 4.0;
                // The cost was the whole cost; the budget sees what is left after staff time.
                it.cost = (it.cost - it.staff).max(0.0).round();
            }
        }
    }
    let total: f64 = items.iter().map(|i| i.cost).sum();
    let horizon = spec.horizon.map(|(quarters, discount_rate)| Horizon { quarters, discount_rate });
    Problem {
        items,
        teams,
        quarters: spec.quarters,
        budget: Some((total * spec.budget_share).round()),
        lag: spec.lag,
        shares,
        covers,
        risk,
        horizon,
        hiring: spec.hiring,
    }
}

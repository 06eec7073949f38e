//! Test and benchmark support: generated inputs of any size, and exhaustive references. Nothing
//! here is used by the product; crates take it as a dev-dependency, so generators never ship.
//!
//! - this module: generated models, valid by construction (no errors from `check`), written as
//!   the YAML files a person would write;
//! - [`portfolio`] and [`brute`] (feature `portfolio`): random planning problems with every kind
//!   of rule, and the exhaustive search the solvers are held to;
//! - [`bench`]: what every benchmark harness reads and reports the same way;
//! - [`dumps`] (feature `communities`): MediaWiki history dumps in the real layout with planted
//!   communities and every edge case of the definitions.
//!
//! Deterministic: the same spec always gives byte-identical output.

pub mod bench;
#[cfg(feature = "portfolio")]
pub mod brute;
#[cfg(feature = "communities")]
pub mod dumps;
#[cfg(feature = "communities")]
pub mod impact;
#[cfg(feature = "portfolio")]
pub mod portfolio;
#[cfg(feature = "communities")]
pub mod presets;

use std::fmt::Write;

/// How big a model to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Goals at the top.
    pub goals: usize,
    /// Programs; nodes are spread evenly over them, one file each.
    pub programs: usize,
    /// Nodes below the goals.
    pub nodes: usize,
    /// Links in total (at least one per node, so every node reaches a goal).
    pub links: usize,
    /// Initiatives.
    pub initiatives: usize,
    /// Teams.
    pub teams: usize,
    /// Seed of the generator.
    pub seed: u64,
}

impl Spec {
    /// The size `check` is benchmarked at: 10,000 nodes and 30,000 links.
    pub fn check_benchmark() -> Spec {
        Spec {
            goals: 10,
            programs: 50,
            nodes: 10_000,
            links: 30_000,
            initiatives: 1_000,
            teams: 40,
            seed: 7,
        }
    }
}

/// SplitMix64: tiny, fast and good enough to pick nodes; shared by every generator of test and
/// benchmark data so their streams stay reproducible.
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in [0, 1) with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller), for planting noise in synthetic data.
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit(); // (0, 1]: the logarithm stays finite
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

const LEVELS: [&str; 5] =
    ["activity", "output", "outcome_short", "outcome_intermediate", "outcome_long"];

/// Generates the model's files as `(relative path, text)`, manifest first.
// Node and program numbers are the ids written into the files, so index loops read best.
#[allow(clippy::needless_range_loop)]
pub fn generate(spec: &Spec) -> Vec<(String, String)> {
    let mut rng = Rng::new(spec.seed);
    let mut files = Vec::new();
    files.push((
        "throughline.yaml".to_string(),
        format!(
            "format_version: 1\nmodel:\n  name: Synthetic model ({} nodes, {} links)\n",
            spec.nodes, spec.links
        ),
    ));

    let mut strategy = String::from("goals:\n");
    for g in 0..spec.goals {
        let _ = writeln!(
            strategy,
            "  - id: goal_{g}\n    name: Goal {g}\n    unit: units\n    audiences: [everyone]"
        );
    }
    strategy.push_str(
        "audiences:\n  - id: everyone\n    name: Everyone\n    kind: end_users\nteams:\n",
    );
    for t in 0..spec.teams {
        let _ =
            writeln!(strategy, "  - id: team_{t}\n    name: Team {t}\n    capacity: {}", 3 + t % 8);
    }
    strategy.push_str("value:\n  unit: value points\n  goals:\n");
    for g in 0..spec.goals {
        let _ = writeln!(strategy, "    goal_{g}: {}", 1 + g % 5);
    }
    files.push(("strategy.yaml".to_string(), strategy));

    // Nodes per program and level: node i of program p sits at level (i % 5).
    let per_program = spec.nodes.div_ceil(spec.programs.max(1));
    let mut levels: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); LEVELS.len()]; spec.programs];
    for n in 0..spec.nodes {
        let p = n / per_program;
        let i = n % per_program;
        levels[p][i % LEVELS.len()].push(n);
    }
    let level_of = |n: usize| (n % per_program) % LEVELS.len();
    let extra_links = spec.links.saturating_sub(spec.nodes);
    let mut out_degree = vec![1usize; spec.nodes];
    for _ in 0..extra_links {
        out_degree[rng.below(spec.nodes)] += 1;
    }
    let initiatives_per_program = spec.initiatives.div_ceil(spec.programs.max(1));

    for p in 0..spec.programs {
        let mut f = String::new();
        let _ = writeln!(
            f,
            "program:\n  id: program_{p}\n  name: Program {p}\n  audiences: [everyone]\nnodes:"
        );
        let start = p * per_program;
        let end = ((p + 1) * per_program).min(spec.nodes);
        for n in start..end {
            let _ = writeln!(
                f,
                "  - id: n{n}\n    name: Node {n}\n    level: {}\n    unit: units",
                LEVELS[level_of(n)]
            );
        }
        f.push_str("links:\n");
        for n in start..end {
            let l = level_of(n);
            for _ in 0..out_degree[n] {
                let target = if l + 1 < LEVELS.len() && !levels[p][l + 1].is_empty() {
                    let pool = &levels[p][l + 1];
                    format!("n{}", pool[rng.below(pool.len())])
                } else {
                    format!("goal_{}", rng.below(spec.goals))
                };
                let lo = 1 + rng.below(5);
                let _ = writeln!(
                    f,
                    "  - from: n{n}\n    to: {target}\n    rationale: generated\n    assumptions: [generated]\n    effect: \"0.{lo} to 0.{}\"\n    effect_unit: units / units\n    probability: 0.9",
                    lo + 3
                );
            }
        }
        f.push_str("initiatives:\n");
        for k in 0..initiatives_per_program {
            let i = p * initiatives_per_program + k;
            if i >= spec.initiatives {
                break;
            }
            let pool = &levels[p][1];
            let node = if pool.is_empty() { start } else { pool[rng.below(pool.len())] };
            let _ = writeln!(
                f,
                "  - id: initiative_{i}\n    name: Initiative {i}\n    team: team_{}\n    cost: \"{}k to {}k\"\n    effort: \"1 to 3\"\n    delivers:\n      - node: n{node}\n        amount: \"10 to 100\"",
                i % spec.teams.max(1),
                50 + i % 50,
                150 + i % 100,
            );
        }
        f.push_str("indicators:\n");
        for n in start..end {
            if level_of(n) >= 2 {
                let _ = writeln!(
                    f,
                    "  - id: ind{n}\n    name: Indicator {n}\n    measures: n{n}\n    baseline: {{ value: 100, date: 2025-01 }}\n    target: {{ value: 120, date: 2027-01 }}"
                );
            }
        }
        files.push((format!("programs/program_{p}.yaml"), f));
    }
    files
}

//! A mixed-integer program in solver-neutral form, and the solvers that answer it.
//!
//! `solve.rs` states the plan as a [`Milp`]; [`Milp::solve`] hands it to a [`Solver`]:
//! - CBC (COIN-OR), the default: the `cbc-src` crate builds it from the registry's sources with
//!   the C++ compiler alone, so a machine with a Rust toolchain and gcc/g++ builds the binary;
//! - microlp, pure Rust, for builds without the `cbc` feature (no C++ compiler); correct but
//!   two to three orders of magnitude slower on real plans;
//! - HiGHS behind the `highs` feature (built from source with cmake and libclang).
//!
//! Every solver the build has is held to the exhaustive reference (`synthetic::brute`) by the property
//! tests, and to the others on the bundled example.
//!
//! Whatever a solver does — an error, a numerical failure, a panic inside it — comes back as a
//! [`Status`], never as a panic of the caller: a plan page that cannot be solved says so and the
//! rest of the report is built.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which MILP solver answers the plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// COIN-OR CBC, built from source by the `cbc-src` crate with the C++ compiler alone (the
    /// default, with the `cbc` feature).
    #[cfg_attr(feature = "cbc", default)]
    Cbc,
    /// microlp: pure Rust branch and bound over a dual simplex. Slow on real plans (30 s on the
    /// example where CBC and HiGHS take a fraction of a second); the default only in builds
    /// without the `cbc` feature, e.g. where no C++ compiler exists.
    #[cfg_attr(not(feature = "cbc"), default)]
    Microlp,
    /// HiGHS, when this build has the `highs` feature.
    Highs,
}

impl Solver {
    /// The solvers this build has.
    pub fn available() -> Vec<Solver> {
        let mut all = Vec::new();
        if cfg!(feature = "cbc") {
            all.push(Solver::Cbc);
        }
        all.push(Solver::Microlp);
        if cfg!(feature = "highs") {
            all.push(Solver::Highs);
        }
        all
    }

    /// The solver's name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Cbc => "cbc",
            Solver::Microlp => "microlp",
            Solver::Highs => "highs",
        }
    }
}

impl std::fmt::Display for Solver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Solver {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cbc" => Ok(Solver::Cbc),
            "microlp" => Ok(Solver::Microlp),
            "highs" => Ok(Solver::Highs),
            other => Err(format!("unknown solver `{other}`: expected `cbc`, `microlp` or `highs`")),
        }
    }
}

/// One constraint `lo ≤ Σ coef·x ≤ hi` (either side may be infinite).
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub lo: f64,
    pub hi: f64,
    pub coefs: Vec<(usize, f64)>,
}

/// A maximisation problem over bounded columns, some of them integer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Milp {
    pub obj: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub integer: Vec<bool>,
    pub rows: Vec<Row>,
    /// A feasible point to start from (a warm start): CBC takes it as its first incumbent, so
    /// it prunes with it from the root. The others ignore it (the answer is the same, only the
    /// search differs).
    pub initial: Option<Vec<f64>>,
}

/// How a solve ended, before the plan is read back.
#[derive(Clone, Debug)]
pub(crate) enum Status {
    /// Proven optimal within the gap; with the relative gap actually proven, when the solver
    /// reports it (CBC), so a caller that needs the bound (the two stages) gets the tightest.
    Optimal(Vec<f64>, Option<f64>),
    /// A feasible point found before a limit; `gap` is the relative optimality gap.
    Feasible(Vec<f64>, f64),
    /// No point satisfies the rows.
    Infeasible,
    /// The solver failed or stopped without a point.
    Failed(String),
}

/// Limits on one solve.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub time_limit: f64,
    pub gap: f64,
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub threads: u32,
    pub node_limit: Option<u64>,
    /// Fewer cuts (CBC): for the many small what-if solves behind explanations.
    #[cfg_attr(not(feature = "cbc"), allow(dead_code))]
    pub light_cuts: bool,
}

impl Milp {
    /// Adds a column and returns its index.
    pub fn column(&mut self, obj: f64, lower: f64, upper: f64, integer: bool) -> usize {
        self.obj.push(obj);
        self.lower.push(lower);
        self.upper.push(upper);
        self.integer.push(integer);
        self.obj.len() - 1
    }

    /// Adds a row `lo ≤ Σ coefs ≤ hi`. A column named twice gets the sum of its coefficients
    /// (solvers refuse a row that names a column twice).
    pub fn row(&mut self, lo: f64, hi: f64, mut coefs: Vec<(usize, f64)>) {
        if coefs.windows(2).any(|w| w[0].0 >= w[1].0) {
            coefs.sort_by_key(|&(j, _)| j);
            let mut merged: Vec<(usize, f64)> = Vec::with_capacity(coefs.len());
            for (j, v) in coefs {
                match merged.last_mut() {
                    Some(last) if last.0 == j => last.1 += v,
                    _ => merged.push((j, v)),
                }
            }
            merged.retain(|&(_, v)| v != 0.0);
            coefs = merged;
        }
        self.rows.push(Row { lo, hi, coefs });
    }

    /// The first number that is not finite where it must be, described; solvers get only
    /// finite coefficients (bounds and sides may be infinite on the open side).
    fn non_finite(&self) -> Option<String> {
        if let Some(j) = self.obj.iter().position(|v| !v.is_finite()) {
            return Some(format!("objective coefficient of column {j} is {}", self.obj[j]));
        }
        for (r, row) in self.rows.iter().enumerate() {
            if row.lo.is_nan()
                || row.hi.is_nan()
                || row.lo == f64::INFINITY
                || row.hi == f64::NEG_INFINITY
            {
                return Some(format!("row {r} has bounds {}..{}", row.lo, row.hi));
            }
            if let Some(&(j, v)) = row.coefs.iter().find(|(_, v)| !v.is_finite()) {
                return Some(format!("row {r} has coefficient {v} on column {j}"));
            }
        }
        None
    }

    /// Solves the problem with `solver`. Never panics.
    pub fn solve(&self, solver: Solver, limits: Limits) -> Status {
        if let Some(what) = self.non_finite() {
            return Status::Failed(format!("the program has a number that is not finite: {what}"));
        }
        // An empty row is satisfied by any point or by none; no solver needs to see it.
        if self.rows.iter().any(|r| r.coefs.is_empty() && !(r.lo <= 0.0 && 0.0 <= r.hi)) {
            return Status::Infeasible;
        }
        let run = || match solver {
            Solver::Cbc => cbc_solve(self, limits),
            Solver::Microlp => microlp_solve(self, limits),
            Solver::Highs => highs_solve(self, limits),
        };
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(status) => status,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown cause".into());
                Status::Failed(format!("the {} solver stopped: {what}", solver.name()))
            }
        }
    }
}

/// Each row divided by its largest coefficient's magnitude (and the objective likewise), so
/// that money in the millions and binary columns sit in the range a simplex resolves well.
fn scaled_rows(p: &Milp) -> Vec<Row> {
    p.rows
        .iter()
        .filter(|r| !r.coefs.is_empty())
        .map(|r| {
            let m = r.coefs.iter().fold(0.0_f64, |m, (_, v)| m.max(v.abs()));
            if m == 0.0 || !m.is_finite() {
                return r.clone();
            }
            Row {
                lo: r.lo / m,
                hi: r.hi / m,
                coefs: r
                    .coefs
                    .iter()
                    .filter(|(_, v)| *v != 0.0)
                    .map(|&(j, v)| (j, v / m))
                    .collect(),
            }
        })
        .collect()
}

fn microlp_solve(p: &Milp, limits: Limits) -> Status {
    use microlp::{
        ComparisonOp, Error, OptimizationDirection, Problem, SolutionStatus, SolveOptions,
        TerminationReason,
    };
    let scale = p.obj.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let mut pb = Problem::new(OptimizationDirection::Maximize);
    let vars: Vec<_> = (0..p.obj.len())
        .map(|j| {
            let c = p.obj[j] / scale;
            if p.integer[j] {
                let lo = p.lower[j].max(i32::MIN as f64).round() as i32;
                let hi = p.upper[j].min(i32::MAX as f64).round() as i32;
                pb.add_integer_var(c, (lo, hi))
            } else {
                pb.add_var(c, (p.lower[j], p.upper[j]))
            }
        })
        .collect();
    for row in scaled_rows(p) {
        let expr: Vec<_> = row.coefs.iter().map(|&(j, v)| (vars[j], v)).collect();
        if row.lo == row.hi {
            pb.add_constraint(expr.as_slice(), ComparisonOp::Eq, row.lo);
            continue;
        }
        if row.lo.is_finite() {
            pb.add_constraint(expr.as_slice(), ComparisonOp::Ge, row.lo);
        }
        if row.hi.is_finite() {
            pb.add_constraint(expr.as_slice(), ComparisonOp::Le, row.hi);
        }
    }
    let mut opts = SolveOptions::default();
    opts.time_limit = Some(Duration::from_secs_f64(limits.time_limit.clamp(0.001, 1e7)));
    opts.mip_gap = limits.gap.max(0.0);
    opts.node_limit = limits.node_limit;
    match pb.solve_with(opts) {
        Ok(outcome) => {
            let reason = outcome.termination_reason();
            match outcome.into_solution() {
                Ok(sol) => {
                    let x: Vec<f64> = vars.iter().map(|&v| sol.var_value(v)).collect();
                    // Stopping at the requested gap is optimal in the sense the caller asked
                    // for, as HiGHS reports it.
                    match (sol.status(), reason) {
                        (SolutionStatus::Optimal, _) | (_, TerminationReason::MipGap) => {
                            Status::Optimal(x, None)
                        }
                        _ => Status::Feasible(x, sol.gap().unwrap_or(f64::NAN)),
                    }
                }
                Err(_) => Status::Failed(format!("stopped without a plan ({reason:?})")),
            }
        }
        Err(Error::Infeasible) => Status::Infeasible,
        Err(e) => Status::Failed(e.to_string()),
    }
}

#[cfg(feature = "cbc")]
fn cbc_solve(p: &Milp, limits: Limits) -> Status {
    use coin_cbc::raw::SecondaryStatus;
    use coin_cbc::{Model, Sense};
    // Links the C++ libraries that cbc-src builds with the C compiler (no cmake, no libclang).
    use cbc_src as _;
    let mut m = Model::default();
    m.set_parameter("log", "0");
    m.set_parameter("slog", "0");
    m.set_parameter("sec", &format!("{}", limits.time_limit.clamp(0.001, 1e7)));
    m.set_parameter("ratioGap", &format!("{}", limits.gap.max(0.0)));
    if let Some(nodes) = limits.node_limit {
        m.set_parameter("maxNodes", &nodes.to_string());
    }
    // No "threads": this CBC is built without them (one thread, as the others), and the unknown
    // parameter would be printed to stdout, where `plan --json` writes its answer.
    if limits.light_cuts {
        // One round of cuts at the root, without Gomory and two-row MIR cuts: on the example's
        // what-ifs and on generated 40-initiative plans this took 25–40% less time (the same
        // optima; only the search differs).
        m.set_parameter("passCuts", "1");
        m.set_parameter("gomoryCuts", "off");
        m.set_parameter("twoMirCuts", "off");
        // Two feasibility-pump passes instead of CBC's 30, and no diving heuristics
        // (`diveOpt 0` sets their "when" to never): a what-if usually starts from a known plan,
        // and these spend most of a what-if's time looking for plans (CBC's log of a forced-in
        // solve on the example: 34 pump passes, none better than the plan it had). On the
        // example's 33 what-ifs: 22% less CPU from the pump, 29% from the dives after it
        // (1.80 → 1.26 s), the same answers, still proven optimal.
        m.set_parameter("passFeasibilityPump", "2");
        m.set_parameter("diveOpt", "0");
    }
    m.set_obj_sense(Sense::Maximize);
    let cols: Vec<coin_cbc::Col> = (0..p.obj.len())
        .map(|j| {
            let c = if p.integer[j] { m.add_integer() } else { m.add_col() };
            m.set_col_lower(c, p.lower[j]);
            m.set_col_upper(c, p.upper[j]);
            m.set_obj_coeff(c, p.obj[j]);
            c
        })
        .collect();
    for row in &p.rows {
        if row.coefs.is_empty() {
            continue;
        }
        let r = m.add_row();
        m.set_row_lower(r, row.lo);
        m.set_row_upper(r, row.hi);
        for &(j, v) in &row.coefs {
            m.set_weight(r, cols[j], v);
        }
    }
    if let Some(x) = p.initial.as_ref().filter(|x| x.len() == cols.len()) {
        // CBC checks a warm start with an LP solve that logs to stdout unless told not to.
        m.set_log_level(0);
        for (&c, &v) in cols.iter().zip(x) {
            m.set_col_initial_solution(c, v);
        }
    }
    let sol = m.solve();
    let raw = sol.raw();
    let x = || cols.iter().map(|&c| sol.col(c)).collect::<Vec<f64>>();
    if raw.is_proven_infeasible() {
        return Status::Infeasible;
    }
    // The relative gap CBC proved, from its best possible value (as the time-limit case below).
    let proven = || {
        let (best, obj) = (raw.best_possible_value(), raw.obj_value());
        let gap = (best - obj).abs() / obj.abs().max(1e-10);
        (best.is_finite() && best.abs() < 1e50 && gap <= limits.gap.max(0.0)).then_some(gap)
    };
    if raw.is_proven_optimal() {
        return Status::Optimal(x(), proven());
    }
    match raw.secondary_status() {
        SecondaryStatus::LinearRelaxationInfeasible => Status::Infeasible,
        SecondaryStatus::StoppedOnGap => Status::Optimal(x(), proven()),
        SecondaryStatus::StoppedOnTime
        | SecondaryStatus::StoppedOnNodes
        | SecondaryStatus::StoppedOnIterationLimit
        | SecondaryStatus::StoppedOnSolutions
            if raw.obj_value().is_finite() && raw.obj_value().abs() < 1e50 =>
        {
            let best = raw.best_possible_value();
            let obj = raw.obj_value();
            Status::Feasible(x(), ((best - obj).abs() / obj.abs().max(1e-10)).max(0.0))
        }
        other => Status::Failed(format!("CBC: {other:?}")),
    }
}

#[cfg(not(feature = "cbc"))]
fn cbc_solve(_: &Milp, _: Limits) -> Status {
    Status::Failed(
        "this build has no CBC: rebuild with the default features (needs a C++ compiler)".into(),
    )
}

#[cfg(feature = "highs")]
fn highs_solve(p: &Milp, limits: Limits) -> Status {
    use highs::{HighsModelStatus, HighsSolutionStatus, RowProblem, Sense};
    let mut pb = RowProblem::default();
    let cols: Vec<highs::Col> = (0..p.obj.len())
        .map(|j| {
            if p.integer[j] {
                pb.add_integer_column(p.obj[j], p.lower[j]..=p.upper[j])
            } else {
                pb.add_column(p.obj[j], p.lower[j]..=p.upper[j])
            }
        })
        .collect();
    for row in &p.rows {
        let coefs: Vec<(highs::Col, f64)> = row.coefs.iter().map(|&(j, v)| (cols[j], v)).collect();
        pb.add_row(row.lo..=row.hi, coefs);
    }
    let mut model = pb.optimise(Sense::Maximise);
    model.make_quiet();
    model.set_option("time_limit", limits.time_limit);
    model.set_option("mip_rel_gap", limits.gap);
    model.set_option("threads", limits.threads as i32);
    if let Some(nodes) = limits.node_limit {
        model.set_option("mip_max_nodes", nodes.min(i32::MAX as u64) as i32);
    }
    let solved = model.solve();
    let x = || solved.get_solution().columns().to_vec();
    match solved.status() {
        HighsModelStatus::Optimal => {
            Status::Optimal(x(), Some(solved.mip_gap()).filter(|g| g.is_finite() && *g >= 0.0))
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
            if solved.primal_solution_status() == HighsSolutionStatus::Feasible =>
        {
            Status::Feasible(x(), solved.mip_gap())
        }
        HighsModelStatus::Infeasible => Status::Infeasible,
        other => Status::Failed(format!("HiGHS: {other:?}")),
    }
}

#[cfg(not(feature = "highs"))]
fn highs_solve(_: &Milp, _: Limits) -> Status {
    Status::Failed(
        "this build has no HiGHS: rebuild with `--features highs` (needs cmake and libclang) \
         or use the default solver"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits { time_limit: 10.0, gap: 1e-9, threads: 1, node_limit: None, light_cuts: false }
    }

    /// A knapsack small enough to solve by hand: values 10, 13, 7, weights 4, 6, 3, capacity 9
    /// → the second and third (value 20); at a money scale of 10⁹ the answer is the same.
    #[test]
    fn knapsack_with_a_known_answer_at_any_scale() {
        for (solver, unit) in
            Solver::available().into_iter().flat_map(|s| [1.0, 1e3, 1e6, 1e9].map(|u| (s, u)))
        {
            let mut m = Milp::default();
            let cols: Vec<usize> =
                [10.0, 13.0, 7.0].iter().map(|&v| m.column(v, 0.0, 1.0, true)).collect();
            m.row(
                f64::NEG_INFINITY,
                9.0 * unit,
                cols.iter().zip([4.0, 6.0, 3.0]).map(|(&c, w)| (c, w * unit)).collect(),
            );
            let Status::Optimal(x, _) = m.solve(solver, limits()) else {
                panic!("{} not optimal", solver.name())
            };
            let chosen: Vec<bool> = x.iter().map(|v| *v > 0.5).collect();
            assert_eq!(chosen, [false, true, true], "{} at unit {unit}", solver.name());
        }
    }

    #[test]
    fn empty_infeasible_rows_and_non_finite_numbers_are_answers_not_panics() {
        for solver in Solver::available() {
            let mut m = Milp::default();
            let a = m.column(1.0, 0.0, 1.0, true);
            let b = m.column(1.0, 0.0, 1.0, true);
            m.row(3.0, f64::INFINITY, vec![(a, 1.0), (b, 1.0)]);
            assert!(matches!(m.solve(solver, limits()), Status::Infeasible), "{}", solver.name());
        }
        let mut m = Milp::default();
        m.column(1.0, 0.0, 1.0, true);
        m.row(1.0, 1.0, Vec::new());
        assert!(matches!(m.solve(Solver::Microlp, limits()), Status::Infeasible));
        let mut m = Milp::default();
        let c = m.column(f64::INFINITY, 0.0, 1.0, true);
        m.row(f64::NEG_INFINITY, 1.0, vec![(c, 1.0)]);
        assert!(matches!(m.solve(Solver::Microlp, limits()), Status::Failed(_)));
        let mut m = Milp::default();
        let c = m.column(1.0, 0.0, 1.0, true);
        m.row(f64::NEG_INFINITY, 1.0, vec![(c, f64::NAN)]);
        assert!(matches!(m.solve(Solver::Microlp, limits()), Status::Failed(_)));
    }

    #[test]
    fn solver_names_round_trip() {
        for s in [Solver::Cbc, Solver::Microlp, Solver::Highs] {
            assert_eq!(s.name().parse::<Solver>(), Ok(s));
        }
        assert!("cplex".parse::<Solver>().is_err());
    }
}

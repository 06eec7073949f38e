//! `throughline plan DIR`: the optimal annual plan, why each initiative is in or out, what more
//! capacity or budget buys, and the efficient frontier.

use model::display::pct;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use model::graph::ModelGraph;
use portfolio::explain::num;
use portfolio::{AnnualPlan, Outcome, WhatIf};
use serde::Serialize;
use simulate::Settings;

use crate::commands::simulate::{load_checked, run_simulation};
use crate::commands::{EXIT_FAILURE, EXIT_PROBLEMS};

/// Flags of `plan`.
pub struct Options {
    pub what_if: WhatIf,
    pub samples: usize,
    pub seed: u64,
    pub time_limit: f64,
    pub solver: portfolio::Solver,
    pub json: bool,
    pub write: bool,
    pub color: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    about: crate::commands::show::About<'a>,
    #[serde(flatten)]
    plan: &'a AnnualPlan,
    /// With what-if flags: the plan under the model's own settings, for comparison.
    compare: Option<&'a portfolio::Comparison>,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let checked = match load_checked(dir, opts.color) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let model = &checked.model;
    let graph = ModelGraph::build(model);
    let settings = Settings { samples: opts.samples, seed: opts.seed };
    let (splan, sim) = match run_simulation(model, &settings) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let solver = portfolio::Options {
        time_limit: opts.time_limit,
        solver: opts.solver,
        ..portfolio::Options::default()
    };
    // Solving, explaining and the frontier can take a while on large portfolios: show that
    // something is happening (on a terminal only).
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message(format!(
            "solving the plan ({}), then explaining it and tracing the frontier",
            opts.solver.name()
        ));
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    });
    let planned =
        analysis::decide::annual_plan(model, &graph, &splan, &sim, &opts.what_if, &solver);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    let feasible = plan.solution.has_plan();
    let w = &opts.what_if;
    let asked = w.budget.is_some()
        || !w.capacity.is_empty()
        || !w.require.is_empty()
        || !w.exclude.is_empty()
        || w.quarters.is_some();
    let comparison = if asked && feasible {
        portfolio::compare(model, &graph, &splan, &sim, &plan, &solver)
    } else {
        None
    };
    if opts.write && feasible {
        let path = dir.join(PLAN_FILE);
        std::fs::write(&path, plan_file(model, &plan))?;
        eprintln!("wrote {}", path.display());
    }
    let mut out = std::io::stdout().lock();
    if opts.json {
        let report = Report {
            about: crate::commands::show::About::of(model),
            plan: &plan,
            compare: comparison.as_ref(),
        };
        crate::commands::show::print_json("throughline.plan.v1", &report)?;
    } else {
        out.write_all(text(model, &plan).as_bytes())?;
        if let Some(c) = &comparison {
            out.write_all(comparison_text(model, &plan, c).as_bytes())?;
        }
    }
    Ok(if feasible { ExitCode::SUCCESS } else { ExitCode::from(EXIT_PROBLEMS) })
}

/// Where `plan --write` puts the plan, inside the model folder.
pub const PLAN_FILE: &str = "plan.yaml";

/// The plan for people.
pub fn text(model: &model::Model, plan: &AnnualPlan) -> String {
    let mut s = String::new();
    let p = &plan.problem;
    let s_ = &plan.solution;
    let cur = &model.meta.currency;
    let unit = model.value.unit.as_deref().unwrap_or("value");
    let covers = match (p.teams.iter().any(|t| t.rate.is_some()), p.hiring) {
        (false, _) => "",
        (true, false) => " besides the teams' time",
        (true, true) => " besides the teams' time, hiring included",
    };
    let budget = p
        .budget
        .map_or("no budget limit".to_string(), |b| format!("budget {} {cur}{covers}", num(b)));
    s.push_str(&format!(
        "Annual plan — {} ({}, {} quarters: {})\n",
        model.meta.name,
        budget,
        p.quarters,
        plan.quarters.join(" ")
    ));
    s.push_str(&crate::commands::show::model_note(model));
    match &s_.outcome {
        Outcome::Optimal => {
            s.push_str(&format!("status: optimal ({}, {:.2} s)\n", s_.solver.name(), s_.seconds))
        }
        Outcome::TimeLimit { gap } => s.push_str(&format!(
            "status: stopped at the time limit; the plan is within {:.2}% of the best possible\n",
            gap * 100.0
        )),
        Outcome::Infeasible { conflicts } => {
            s.push_str("status: infeasible — no plan satisfies every rule. These rules conflict (drop or loosen one):\n");
            for c in conflicts {
                s.push_str(&format!("  - {c}\n"));
            }
            return s;
        }
        Outcome::Failed { reason } => {
            s.push_str(&format!("status: the solver failed ({reason})\n"));
            return s;
        }
    }
    let chosen = plan.schedule.len();
    let st = &plan.staffing;
    let spend = if st.paid > 0.0 {
        format!(
            "spend {} {cur} from the budget, besides {} {cur} of the teams' paid time",
            num(s_.cost),
            num(st.staff_cost)
        )
    } else {
        format!("cost {} {cur}", num(s_.cost))
    };
    s.push_str(&format!(
        "{chosen} of {} initiatives; expected value {} {unit}; {spend}",
        p.items.len(),
        num(s_.value),
    ));
    if p.risk.is_some() {
        s.push_str(&format!("; risk-adjusted objective {}", num(s_.objective)));
    }
    s.push('\n');
    s.push_str(&match plan.horizon {
        Some(h) => format!(
            "value in time: benefits from the quarter after work ships to {} years after the plan's start, discounted at {} a year",
            h.quarters / 4,
            pct(h.discount_rate)
        ),
        None => "value does not depend on when work ships (horizon 0)".to_string(),
    });
    s.push_str(&format!("; {} of the teams' person-quarters used", pct(st.share_used)));
    if st.hired > 0.0 {
        s.push_str(&format!("; {} person-quarters hired", num(st.hired)));
    }
    s.push_str("\n\nSCHEDULE\n");
    for (q, label) in plan.quarters.iter().enumerate() {
        let starting: Vec<String> = plan
            .schedule
            .iter()
            .filter(|x| x.start == q)
            .map(|x| {
                let team = x.team.as_deref().unwrap_or("?");
                if x.duration > 1 {
                    format!("{} [{team}, {} quarters]", x.id, x.duration)
                } else {
                    format!("{} [{team}]", x.id)
                }
            })
            .collect();
        s.push_str(&format!(
            "  {label}: {}\n",
            if starting.is_empty() { "—".into() } else { starting.join(", ") }
        ));
    }
    s.push_str("\nTEAM LOAD (person-quarters used / available per quarter)\n");
    let width = p.teams.iter().map(|t| t.id.chars().count()).max().unwrap_or(0);
    let header: String = plan.quarters.iter().map(|q| format!("{q:>11}")).collect();
    s.push_str(&format!("  {:<width$} {header}\n", ""));
    for (t, team) in p.teams.iter().enumerate() {
        if plan.load[t].iter().all(|x| *x == 0.0) {
            continue;
        }
        let cells: Vec<String> = (0..p.quarters)
            .map(|q| {
                format!("{:>11}", format!("{}/{}", num(plan.load[t][q]), num(team.capacity[q])))
            })
            .collect();
        s.push_str(&format!("  {:<width$} {}\n", team.id, cells.join("")));
    }
    s.push_str(&people_text(plan, cur));
    if !plan.balance.is_empty() {
        s.push_str("\nBALANCE\n");
        for b in &plan.balance {
            let achieved = if b.rule.contains('%') {
                format!("{}%", (b.achieved * 1000.0).round() / 10.0)
            } else {
                format!("{}", b.achieved)
            };
            s.push_str(&format!("  {}: {achieved} ({})\n", b.name, b.rule));
        }
    }
    if plan.audiences.iter().any(|a| a.initiatives > 0) {
        s.push_str("\nAUDIENCES (share of the plan's effort serving each)\n");
        for a in plan.audiences.iter().filter(|a| a.initiatives > 0) {
            let kind = if a.kind == model::AudienceKind::EndUsers {
                "end users"
            } else {
                "organizing community"
            };
            s.push_str(&format!(
                "  {:>5}%  {} ({kind}; {} initiatives)\n",
                (a.effort_share * 1000.0).round() / 10.0,
                a.name,
                a.initiatives
            ));
        }
    }
    if !plan.structure.is_empty() {
        s.push_str(&structure_text(plan));
    } else if !plan.objectives.is_empty() {
        s.push_str("\nOBJECTIVES AND KEY RESULTS\n");
        for o in &plan.objectives {
            s.push_str(&format!(
                "  {} — expected change {} {}\n",
                o.name,
                num(o.expected_change),
                o.unit.as_deref().unwrap_or("")
            ));
            for kr in &o.key_results {
                s.push_str(&format!(
                    "    KR {}: from {} to {}\n      {}\n",
                    kr.name,
                    kr.baseline.as_deref().unwrap_or("(no baseline)"),
                    kr.target.as_deref().unwrap_or("(no target)"),
                    kr.against_target()
                ));
            }
        }
    }
    s.push_str("\nWHY EACH INITIATIVE IS IN OR OUT\n");
    let mut reasons: Vec<&portfolio::Reason> = plan.reasons.iter().collect();
    reasons.sort_by_key(|r| !r.selected);
    for r in reasons {
        s.push_str(&format!("  {:<28} {}\n", r.id, r.text));
    }
    if !plan.marginals.is_empty() {
        s.push_str("\nWHAT MORE WOULD BUY\n");
        for m in &plan.marginals {
            s.push_str(&format!("  {}, {}: +{} {unit}\n", m.resource, m.added, num(m.gain)));
        }
    }
    if !plan.frontier.is_empty() {
        s.push_str(&format!("\nEFFICIENT FRONTIER (best value at each budget, {cur})\n"));
        for f in &plan.frontier {
            let v = f.objective.map_or("no plan fits".to_string(), num);
            s.push_str(&format!(
                "  {:>10}  {:>10}  ({} initiatives)\n",
                num(f.budget),
                v,
                f.selected
            ));
        }
    }
    s
}

/// Each team's person-quarters over the plan: used, idle (paid all the same) and hired.
/// The plan's structure as the model writes it: goal → bucket → objective → key result (with
/// the plan against its target) → hypotheses → the initiatives carrying them.
fn structure_text(plan: &AnnualPlan) -> String {
    let mut s = String::from(
        "\nPLAN AGAINST TARGETS (goal → bucket → objective → key result → hypotheses)\n",
    );
    for g in &plan.structure {
        match (&g.name, g.expected_change) {
            (Some(name), Some(x)) => s.push_str(&format!(
                "  {name} — expected change {} {}\n",
                num(x),
                g.unit.as_deref().unwrap_or("")
            )),
            (Some(name), None) => s.push_str(&format!("  {name} — not served by the plan\n")),
            (None, _) => s.push_str("  (buckets without a goal)\n"),
        }
        for b in &g.buckets {
            s.push_str(&format!("    {}  {}\n", b.id, b.name));
            for o in &b.objectives {
                s.push_str(&format!("      {}  {}\n", o.id, o.name));
                for k in &o.key_results {
                    let kr = &k.result;
                    let scope = k.scope.as_deref().map_or(String::new(), |x| format!(" ({x})"));
                    s.push_str(&format!(
                        "        {}  {}{scope}: from {} to {}\n          {}\n",
                        k.id,
                        kr.name,
                        kr.baseline.as_deref().unwrap_or("(no baseline)"),
                        kr.target.as_deref().unwrap_or("(no target)"),
                        kr.against_target()
                    ));
                    for h in &k.hypotheses {
                        let owner = h.owner.as_deref().map_or(String::new(), |o| format!(", {o}"));
                        s.push_str(&format!(
                            "          {}  {} ({}{owner}): {}\n",
                            h.id,
                            h.quarter,
                            h.result.word(),
                            h.name
                        ));
                        if let Some(t) = &h.test {
                            s.push_str(&format!("            test: {t}\n"));
                        }
                        s.push_str(&format!("            {}\n", carriers(h)));
                    }
                }
            }
        }
    }
    let others: Vec<_> = plan.objectives_outside_structure().collect();
    if !others.is_empty() {
        s.push_str("  Other goals the plan moves (no bucket names them):\n");
        for o in others {
            s.push_str(&format!(
                "    {} — expected change {} {}\n",
                o.name,
                num(o.expected_change),
                o.unit.as_deref().unwrap_or("")
            ));
        }
    }
    s
}

/// Which initiatives carry a hypothesis, in the plan and out of it.
fn carriers(h: &portfolio::HypothesisPlan) -> String {
    let mut s = if h.initiatives.is_empty() {
        "no initiative in the plan carries it".to_string()
    } else {
        format!("carried by {}", h.initiatives.join(", "))
    };
    if !h.left_out.is_empty() {
        s.push_str(&format!("; left out: {}", h.left_out.join(", ")));
    }
    s
}

fn people_text(plan: &AnnualPlan, cur: &str) -> String {
    let st = &plan.staffing;
    let rates = st.teams.iter().any(|t| t.rate.is_some());
    let hires = st.hired > 0.0;
    let mut s = String::from(
        "\nPEOPLE (person-quarters over the plan; capacity is paid whether used or not)\n",
    );
    let width = st.teams.iter().map(|t| t.team.chars().count()).max().unwrap_or(0).max(3);
    let mut header = format!("  {:<width$} {:>9} {:>10} {:>9}", "", "used", "available", "idle");
    if hires {
        header.push_str(&format!(" {:>9}", "hired"));
    }
    if rates {
        header.push_str(&format!(" {:>14}", format!("idle ({cur})")));
    }
    s.push_str(header.trim_end());
    s.push('\n');
    let row = |name: &str, used: f64, available: f64, idle: f64, hired: f64, cost: Option<f64>| {
        let mut r =
            format!("  {name:<width$} {:>9} {:>10} {:>9}", num(used), num(available), num(idle));
        if hires {
            r.push_str(&format!(" {:>9}", num(hired)));
        }
        if rates {
            r.push_str(&format!(" {:>14}", cost.map_or("—".to_string(), num)));
        }
        r + "\n"
    };
    for t in &st.teams {
        s.push_str(&row(&t.team, t.used, t.available, t.idle, t.hired, t.idle_cost));
    }
    let idle_cost = rates.then_some(st.idle_cost);
    s.push_str(&row("all", st.used, st.available, st.idle, st.hired, idle_cost));
    s.push_str(&format!("  {} of the teams' person-quarters used\n", pct(st.share_used)));
    s
}

/// The what-if against the model's own settings.
fn comparison_text(model: &model::Model, plan: &AnnualPlan, c: &portfolio::Comparison) -> String {
    let unit = model.value.unit.as_deref().unwrap_or("value");
    let cur = &model.meta.currency;
    let list = |v: &[String]| if v.is_empty() { "—".to_string() } else { v.join(", ") };
    format!(
        "\nWHAT-IF AGAINST THE MODEL'S OWN SETTINGS\n  objective {} → {} {unit} ({}{})\n  cost      {} → {} {cur}\n  added     {}\n  removed   {}\n",
        num(c.base_objective),
        num(plan.solution.objective),
        if plan.solution.objective >= c.base_objective { "+" } else { "" },
        num(plan.solution.objective - c.base_objective),
        num(c.base_cost),
        num(plan.solution.cost),
        list(&c.added),
        list(&c.removed)
    )
}

/// The plan as a model file: the `plan` section `check` validates, for review in git.
pub fn plan_file(model: &model::Model, plan: &AnnualPlan) -> String {
    let mut s = String::from(
        "# Written by `throughline plan --write`: the optimal plan for the `planning` settings.\n\
         # Re-run the command after changing the model; edit the settings, not this file.\n",
    );
    s.push_str("plan:\n");
    if let Some(b) = plan.problem.budget {
        s.push_str(&format!("  budget: {b}\n"));
    }
    s.push_str(&format!("  value: {}\n", round(plan.solution.value)));
    s.push_str(&format!("  cost: {}\n", round(plan.solution.cost)));
    s.push_str("  schedule:\n");
    for x in &plan.schedule {
        s.push_str(&format!("    - {{ initiative: {}, quarter: {} }}\n", x.id, x.label));
    }
    if !plan.objectives.is_empty() {
        s.push_str("  objectives:\n");
        for o in &plan.objectives {
            s.push_str(&format!("    - goal: {}\n", o.goal));
            s.push_str(&format!("      expected_change: {}\n", round(o.expected_change)));
            if !o.key_results.is_empty() {
                let ids: Vec<&str> = o.key_results.iter().map(|k| k.indicator.as_str()).collect();
                s.push_str(&format!("      key_results: [{}]\n", ids.join(", ")));
            }
        }
    }
    let keys: Vec<_> =
        plan.structure.iter().flat_map(|g| &g.buckets).flat_map(|b| &b.objectives).collect();
    if keys.iter().any(|o| !o.key_results.is_empty()) {
        s.push_str("  key_results:\n");
        for o in keys {
            for k in &o.key_results {
                let r = &k.result;
                s.push_str(&format!("    - id: {}\n", k.id));
                s.push_str(&format!("      objective: {}\n", o.id));
                s.push_str(&format!("      indicator: {}\n", r.indicator));
                if let Some(b) = r.baseline_value {
                    s.push_str(&format!("      baseline: {}\n", round(b)));
                }
                if let Some(t) = r.target_value {
                    s.push_str(&format!("      target: {}\n", round(t)));
                }
                s.push_str(&format!("      expected_change: {}\n", round(r.expected_change)));
                if let Some(p) = r.p_reached {
                    s.push_str(&format!("      p_reached: {}\n", (p * 1000.0).round() / 1000.0));
                }
                if !k.hypotheses.is_empty() {
                    s.push_str("      hypotheses:\n");
                    for h in &k.hypotheses {
                        s.push_str(&format!(
                            "        - {{ id: {}, quarter: {}, initiatives: [{}] }}\n",
                            h.id,
                            h.quarter,
                            h.initiatives.join(", ")
                        ));
                    }
                }
            }
        }
    }
    let _ = model;
    s
}

fn round(v: f64) -> f64 {
    if v.abs() >= 100.0 { v.round() } else { (v * 100.0).round() / 100.0 }
}

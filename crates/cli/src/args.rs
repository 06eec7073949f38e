//! Command-line flags, each defined once with its help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// throughline: connect technology work to the mission it is for.
///
/// A model is a folder of YAML files (goals, programs, nodes, links, initiatives, indicators,
/// teams, value weights). `throughline check` validates it and reports every problem with its
/// file, line and column. Exit codes: 0 clean, 1 problems found, 2 usage or I/O failure.
#[derive(Debug, Parser)]
#[command(name = "throughline", version, max_term_width = 100)]
pub struct Args {
    /// When to colour output: auto (a terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a model folder and report every problem.
    ///
    /// Reads every *.yaml / *.yml file under DIR (the folder with throughline.yaml) and reports
    /// syntax errors, unknown keys, wrong types, duplicate and unknown ids, links that skip or
    /// invert levels, cycles, unit mismatches, impossible numbers, and framework gaps (warnings).
    /// Exits 1 when errors are found (or warnings, with --deny-warnings).
    Check {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Print diagnostics as JSON (format `throughline.check.v1`).
        #[arg(long)]
        json: bool,
        /// Treat warnings as errors for the exit code.
        #[arg(long)]
        deny_warnings: bool,
        /// Hide warnings; print errors only.
        #[arg(long, short)]
        quiet: bool,
        /// Also apply this framework's completeness rules (repeatable); the manifest's
        /// `model.frameworks` lists the ones that always apply.
        #[arg(long, value_enum)]
        framework: Vec<Framework>,
    },
    /// Why does this work matter? What supports this goal?
    ///
    /// For an initiative: every path from what it delivers up to the goals it serves, with the
    /// rationale, assumptions, evidence and effect of each step. For a goal or outcome: every
    /// initiative and program that feeds it, and (for outcomes) where it leads.
    Trace {
        /// The model folder.
        dir: PathBuf,
        /// An initiative, node or goal id.
        id: String,
        /// Print as JSON (format `throughline.trace.v1`).
        #[arg(long)]
        json: bool,
    },
    /// What is missing: unjustified work, unserved goals, unmeasured outcomes, unsupported
    /// assumptions.
    Gaps {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Print as JSON (format `throughline.gaps.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Show the model in a framework's own form: logic model, theory of change, logframe,
    /// Results-Based Accountability, the Impact Management Project's five dimensions or SROI.
    Framework {
        /// The model folder.
        dir: PathBuf,
        /// Which framework.
        #[arg(value_enum)]
        framework: Framework,
        /// The program (logic model, logframe, SROI) or goal (theory of change) to show; all
        /// when omitted.
        #[arg(long)]
        of: Option<String>,
        /// Print as JSON (format `throughline.framework.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Draw the results chains: SVG laid out by throughline, or Mermaid / Graphviz DOT to edit
    /// elsewhere.
    Diagram {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = DiagramFormat::Mermaid)]
        format: DiagramFormat,
        /// Only this program (and the goals it links to).
        #[arg(long)]
        program: Option<String>,
    },
    /// Import measurements into the model's store (measurements.sqlite, created on first use).
    ///
    /// Reads every indicator's source: CSV files, and the Wikimedia analytics REST metrics
    /// (only the dates after the last stored one); every CSV file in DIR/data with a `series`
    /// column (comparison series such as other wikis); and, when PHABRICATOR_API_TOKEN is set,
    /// the status of every initiative's Phabricator tasks. Each source is imported atomically:
    /// a failure leaves the store as it was and exits 1.
    Import {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Local files only; no network.
        #[arg(long)]
        offline: bool,
        /// First date to fetch for series the store does not have yet [default: the
        /// indicator's baseline date, else two years ago].
        #[arg(long, value_parser = date)]
        since: Option<model::Date>,
        /// Base URL of the REST metrics.
        #[arg(long, default_value = import::wikimedia::DEFAULT_BASE)]
        rest_base: String,
        /// Base URL of Phabricator (statuses are fetched when PHABRICATOR_API_TOKEN is set).
        #[arg(long, default_value = import::phabricator::DEFAULT_BASE)]
        phabricator: String,
        /// Print as JSON (format `throughline.import.v1`).
        #[arg(long)]
        json: bool,
    },
    /// List the series in the measurement store, or the values of one.
    Data {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// A series (indicator id or comparison series) to list.
        series: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Quarterly check-in: each key result's latest value, forecast and status.
    ///
    /// Key results are the indicators of the saved plan's objectives (plan.yaml), else every
    /// indicator with a target. The forecast is a linear trend with AR(1) errors through the
    /// values since the baseline up to the end of the quarter, with an 80% interval. Status:
    /// met (latest value meets the target), on track (P(target met by its date) ≥ 50%), at risk
    /// (10–50%), off track (< 10%), no data (fewer than 4 values; never shown as zero).
    Checkin {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The quarter, e.g. 2026Q3 [default: the last complete quarter].
        #[arg(long, value_parser = quarter)]
        quarter: Option<model::Quarter>,
        /// Print as JSON (format `throughline.checkin.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Estimate what a shipped initiative did to its indicator, and record it as evidence.
    ///
    /// Uses the initiative's `deployed:` date and `evaluation:` design: an interrupted time
    /// series, a difference in differences (one comparison series), a synthetic control (two
    /// or more) or a two-group comparison (an experiment file). With --write the result goes
    /// to evaluations.yaml, which updates the effects of the links on the chain it tested
    /// (conjugate update on the log scale) for simulate, plan and report.
    Evaluate {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The initiative to evaluate.
        #[arg(long)]
        initiative: String,
        /// Override the design's method.
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
        /// Write the result to evaluations.yaml (replacing an earlier one of the initiative).
        #[arg(long)]
        write: bool,
        /// Print as JSON (format `throughline.evaluate.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Measure the model's communities from the history dumps, with positive deviance.
    ///
    /// Reads the `communities:` of the model and the mediawiki_history dumps (TSV, plain or
    /// bz2, either layout) in DIR/data/history, plus DIR/data/history/categories.tsv for
    /// category communities. Every metric follows the versioned definitions in
    /// docs/communities.md. A wiki with no dump loaded is reported as missing, never as zero.
    /// Builds with the `lake` feature count with Apache DataFusion over a Parquet conversion
    /// (DIR/.throughline/lake, rebuilt when the dumps change); others read the dumps directly.
    Communities {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Which engine counts [default: DataFusion when built in, else the reference].
        #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
        engine: EngineArg,
        /// Last day the dumps cover (the snapshot's end) [default: the day before each
        /// wiki's last edit].
        #[arg(long, value_parser = date)]
        coverage_end: Option<model::Date>,
        /// Confidence level of the positive-deviance intervals.
        #[arg(long, default_value_t = 0.95, value_parser = level)]
        level: f64,
        /// Print as JSON (format `throughline.communities.v1`).
        #[arg(long)]
        json: bool,
        /// Also write every community table as CSV and JSON into this folder (one metrics
        /// table per definition, with its name, version and parameters in the header; totals,
        /// positive deviance, failed sources); missing data are empty cells, never 0.
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
        /// Measure nothing: print the metrics as one SQL script for the Wikimedia data lake
        /// (`spark`: Spark SQL over wmf.mediawiki_history, wmf.pageview_hourly and the link
        /// tables, the model's communities inline; docs/communities.md, "The data lake's
        /// layout"). Needs --snapshot.
        #[arg(long, value_enum, value_name = "ENGINE")]
        emit_sql: Option<EmitSqlArg>,
        /// The data lake snapshot the script reads (YYYY-MM, e.g. 2026-09).
        #[arg(long, value_name = "YYYY-MM")]
        snapshot: Option<String>,
    },
    /// Serve the planning workspace in the browser: the report pages of the current revision,
    /// login, checked edits with revisions, comments, and the JSON API (/api/v1).
    ///
    /// The model's files are kept in a database (default DIR/.throughline/workspace.sqlite).
    /// At every start, files changed in DIR since the last import or export become revisions
    /// (author: folder); a file changed both in DIR and in the workspace is reported as a
    /// conflict and keeps the workspace's text (--take-folder takes DIR's instead). `--export
    /// OUT` writes the files back (to DIR itself: the new common base). Set
    /// THROUGHLINE_ADMIN_PASSWORD with --admin NAME to create an admin account.
    Serve {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The workspace database.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Monte Carlo samples behind the pages' figures (the same default as every command, so
        /// the workspace, the report and the terminal show the same numbers).
        #[arg(long, short = 'n', default_value_t = simulate::DEFAULT_SAMPLES)]
        samples: usize,
        /// Create (or keep) this admin account; the password comes from THROUGHLINE_ADMIN_PASSWORD.
        #[arg(long)]
        admin: Option<String>,
        /// Write the workspace's files into this folder and exit.
        #[arg(long)]
        export: Option<PathBuf>,
        /// For files changed both in DIR and in the workspace, take DIR's text (the
        /// workspace's stays in the history).
        #[arg(long)]
        take_folder: bool,
        /// Mark session cookies Secure (when served behind HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// Log in with wiki accounts through this OAuth 2 provider, e.g.
        /// https://meta.wikimedia.org/w/rest.php/oauth2 (secret in THROUGHLINE_OAUTH_SECRET).
        #[arg(long, requires = "oauth_client_id", requires = "public_url")]
        oauth_base: Option<String>,
        /// The OAuth consumer's client id.
        #[arg(long)]
        oauth_client_id: Option<String>,
        /// This server's public address, for the OAuth callback (e.g. https://plans.example.org).
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Build the report: a static HTML site (or wikitext pages) with diagrams, every framework
    /// view, the ranked initiatives, value of information and the gaps.
    Report {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The folder to write the report into (created if needed; files are replaced).
        #[arg(long, short, default_value = "report")]
        output: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        /// Monte Carlo samples behind the figures (the same default as every command).
        #[arg(long, short = 'n', default_value_t = simulate::DEFAULT_SAMPLES)]
        samples: usize,
        /// Seed of the simulation.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Budget for the value-of-information decision [default: half the total expected cost].
        #[arg(long, value_parser = non_negative)]
        budget: Option<f64>,
        /// Language of the report's words (HTML or wikitext): a shipped language's code (en, de,
        /// ar) or one that falls back to it (de-at); the model's own text is shown as written.
        #[arg(long, default_value = "en", value_parser = language)]
        lang: i18n::Lang,
    },
    /// Export the model as spreadsheets: its items, the saved plan, the latest check-in and the
    /// evaluations, one table each.
    ///
    /// CSV writes one file per table into the folder OUTPUT (about.csv first: the model, date
    /// and where the data come from); XLSX writes one workbook with a sheet per table, numbers
    /// as numbers, dates as dates and units in the headers. The item tables import back with
    /// `throughline import-sheet`. The model must pass `check`.
    Export {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = SheetFormat::Xlsx)]
        format: SheetFormat,
        /// Where to write: a file for XLSX [default: model.xlsx], a folder for CSV [default:
        /// sheets].
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Add new items from a spreadsheet to the model's files.
    ///
    /// Reads an XLSX workbook (sheets named programs, teams, audiences, nodes, links,
    /// initiatives, indicators; other exported sheets are skipped) or a CSV file named after
    /// its table (initiatives.csv). Columns are the format's keys, as `export` writes them. Each
    /// row becomes a new item appended after the last item of its kind (in its program's file),
    /// or in a new file when the model has none. Every problem is reported with its sheet, row
    /// and column, and nothing is written unless the model then checks without new errors.
    ImportSheet {
        /// The model folder.
        dir: PathBuf,
        /// The .xlsx or .csv file.
        file: PathBuf,
        /// Show what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Simulate expected impact, value and cost-effectiveness of every initiative.
    ///
    /// Propagates each initiative's quantified deliveries through the model's quantified links
    /// by Monte Carlo, with common random numbers (every initiative sees the same draws of every
    /// shared link, so comparisons are paired). Prints initiatives ranked by expected value, and
    /// each goal's expected change from the whole portfolio. The model must pass `check`.
    Simulate {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Number of Monte Carlo samples.
        #[arg(long, short = 'n', default_value_t = simulate::DEFAULT_SAMPLES)]
        samples: usize,
        /// Seed of the random streams: the same seed gives the same numbers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print results as JSON (format `throughline.simulate.v1`).
        #[arg(long)]
        json: bool,
        /// Rank by cost-effectiveness (value per unit of cost) instead of expected value.
        #[arg(long)]
        by_cost_effectiveness: bool,
        /// Show the tornado of one initiative: which inputs move its value most.
        #[arg(long, value_name = "INITIATIVE")]
        tornado: Option<String>,
        /// How far the judgement weights may be off, for rank stability: each goal and
        /// criterion weight is multiplied by a factor whose 90% interval is [1/X, X].
        #[arg(long, default_value_t = 2.0, value_name = "X")]
        weight_spread: f64,
    },
    /// The optimal annual plan: which initiatives to fund and in which quarter.
    ///
    /// Maximises expected value (or, with `planning.risk`, value with a penalty on the worst
    /// outcomes) subject to the budget, each team's capacity per quarter, dependencies,
    /// exclusions, must-do work and the balance rules in the model's `planning` section, solved
    /// exactly by an integer-programming solver (COIN-OR CBC; see `--solver`). Prints the schedule, the load per team, the balance achieved, the
    /// objectives and key results, why each initiative is in or out, what one more engineer per
    /// team or more budget would buy, and the efficient frontier. An infeasible plan names the
    /// rules that conflict (exit 1).
    Plan {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// What if the budget were this (in the model's currency)?
        #[arg(long, value_parser = non_negative)]
        budget: Option<f64>,
        /// What if TEAM had N FTE per quarter? Repeatable.
        #[arg(long, value_name = "TEAM=N")]
        capacity: Vec<String>,
        /// What if this initiative had to be in? Repeatable.
        #[arg(long, value_name = "INITIATIVE")]
        require: Vec<String>,
        /// What if this initiative had to stay out? Repeatable.
        #[arg(long, value_name = "INITIATIVE")]
        exclude: Vec<String>,
        /// What if the plan had this many quarters?
        #[arg(long)]
        quarters: Option<usize>,
        /// Monte Carlo samples behind the values.
        #[arg(long, short = 'n', default_value_t = simulate::DEFAULT_SAMPLES)]
        samples: usize,
        /// Seed of the random streams.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Seconds the solver may take before returning its best plan with the remaining gap.
        #[arg(long, default_value_t = 60.0, value_parser = positive)]
        time_limit: f64,
        /// The integer-programming solver: `cbc` (COIN-OR CBC, the default), `microlp` (pure
        /// Rust; slow on real plans) or `highs` (only in builds with the `highs` feature, which
        /// needs cmake and libclang).
        #[arg(long, default_value_t = portfolio::Solver::default(), value_parser = solver)]
        solver: portfolio::Solver,
        /// Write the plan to plan.yaml in the model folder.
        #[arg(long)]
        write: bool,
        /// Print as JSON (format `throughline.plan.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Value of information: which assumption is worth testing before committing money.
    ///
    /// Computes the expected value of perfect information (EVPI) for the funding decision, and
    /// the expected value of partial perfect information (EVPPI) of every uncertain link (with
    /// the assumptions it rests on), delivered amount and cost, with its standard error and its
    /// noise floor; those above their floors are ranked first. When none is, it says so and
    /// how many samples would resolve one (--adaptive adds them). The decision funds
    /// initiatives by cost-effectiveness within --budget.
    Voi {
        /// The model folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Budget for the decision, in the model's currency [default: half the total expected cost].
        #[arg(long, value_parser = non_negative)]
        budget: Option<f64>,
        /// Number of Monte Carlo samples.
        #[arg(long, short = 'n', default_value_t = simulate::DEFAULT_SAMPLES)]
        samples: usize,
        /// Seed of the random streams.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many inputs to list.
        #[arg(long, default_value_t = 15)]
        top: usize,
        /// Add samples until some EVPPI is above its noise floor or --time-budget is spent:
        /// each round re-runs with more samples from the same seed (at least twice as many, or
        /// as many as the last round says would resolve one), so the answer is the one
        /// `--samples` of the final count gives. Rounds are capped by memory (about 1 GB of
        /// samples).
        #[arg(long)]
        adaptive: bool,
        /// Seconds --adaptive may spend, counted from the first round (after the model is
        /// checked); a round that would not fit, judged by the last round's time per sample, is
        /// not started.
        #[arg(long, default_value_t = 60.0, value_parser = positive, requires = "adaptive")]
        time_budget: f64,
        /// Print results as JSON (format `throughline.voi.v1`).
        #[arg(long)]
        json: bool,
    },
    /// Create a new model folder from a template.
    Init {
        /// The folder to create (must be empty or absent).
        dir: PathBuf,
        /// Which template.
        #[arg(long, short, value_enum, default_value_t = Template::LogicModel)]
        template: Template,
        /// Write into a folder that already has files (existing files are replaced).
        #[arg(long)]
        force: bool,
    },
    /// Explain the validation rules: all of them, or one by code or name.
    Rules {
        /// A rule code (TL102) or name (unknown-reference).
        rule: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
        /// Print the Markdown reference (docs/rules.md).
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Print the JSON Schema of model files, for editors.
    Schema {
        /// Print the key-by-key Markdown reference (docs/format-reference.md) instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Internal: answers a plan's what-if solves on standard input (a worker process that
    /// `plan`, `report` and `serve` start themselves; see THROUGHLINE_PLAN_WORKERS).
    #[command(name = "what-if-worker", hide = true)]
    WhatIfWorker,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A static HTML site that works from disk and on any web server.
    Html,
    /// MediaWiki wikitext, one file per page.
    Wikitext,
}

/// Spreadsheet formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    /// One workbook, a sheet per table, typed cells.
    Xlsx,
    /// One CSV file per table in a folder.
    Csv,
}

/// Frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Framework {
    /// W.K. Kellogg Foundation logic model, per program.
    LogicModel,
    /// Theory of change, backwards from each goal.
    TheoryOfChange,
    /// Logical framework matrix, per program.
    Logframe,
    /// Results-Based Accountability: population and performance measures.
    Rba,
    /// Impact Management Project: five dimensions per outcome.
    Imp,
    /// Social Return on Investment, per program, where outcomes carry financial proxies.
    Sroi,
}

impl Framework {
    /// The model's name for this framework.
    pub fn to_model(self) -> model::Framework {
        match self {
            Framework::LogicModel => model::Framework::LogicModel,
            Framework::TheoryOfChange => model::Framework::TheoryOfChange,
            Framework::Logframe => model::Framework::Logframe,
            Framework::Rba => model::Framework::Rba,
            Framework::Imp => model::Framework::Imp,
            Framework::Sroi => model::Framework::Sroi,
        }
    }
}

/// Diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    /// Mermaid flowchart (renders on GitHub, GitLab, MediaWiki with the Mermaid extension).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, laid out by throughline itself.
    Svg,
}

/// A model template for `init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// An empty logic model: one goal, one program, one chain, ready to fill in.
    LogicModel,
    /// The Wikimedia example: strategy goals, four programs, 30+ initiatives.
    Wikimedia,
}

/// Parses the process arguments; exits 2 with usage on bad flags.
pub fn parse() -> Args {
    Args::parse()
}

/// Which engine counts community metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// DataFusion when this build has it, else the reference implementation.
    Auto,
    /// The reference implementation, straight from the dumps (small dumps).
    Reference,
    /// Apache DataFusion over the Parquet conversion (builds with the `lake` feature).
    Datafusion,
}

/// The engines `communities --emit-sql` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitSqlArg {
    /// Apache Spark SQL, the data lake's engine (`spark3-sql -f FILE`).
    Spark,
}

/// Evaluation methods on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MethodArg {
    /// Interrupted time series.
    Its,
    /// Difference in differences.
    Did,
    /// Synthetic control (de-meaned, with an intercept).
    Synth,
    /// Synthetic control in the classic form (no intercept).
    SynthClassic,
    /// Synthetic difference in differences.
    Sdid,
    /// Two-group comparison (experiment).
    TwoGroup,
}

impl MethodArg {
    /// The model's method.
    pub fn to_model(self) -> model::EvaluationMethod {
        match self {
            MethodArg::Its => model::EvaluationMethod::InterruptedTimeSeries,
            MethodArg::Did => model::EvaluationMethod::DifferenceInDifferences,
            MethodArg::Synth => model::EvaluationMethod::SyntheticControl,
            MethodArg::SynthClassic => model::EvaluationMethod::SyntheticControlClassic,
            MethodArg::Sdid => model::EvaluationMethod::SyntheticDid,
            MethodArg::TwoGroup => model::EvaluationMethod::TwoGroup,
        }
    }
}

fn date(s: &str) -> Result<model::Date, String> {
    model::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

fn quarter(s: &str) -> Result<model::Quarter, String> {
    model::Quarter::parse(s).ok_or_else(|| format!("`{s}` is not a quarter; write e.g. 2026Q3"))
}

/// Money written as in the model files (`5M`, `250k`, `5_000_000`), read by the model files' own
/// parser (`modelfile::quantity::parse_number`), so a budget can be copied from `planning.yaml`
/// to the command line: every money flag (`plan`, `voi` and `report --budget`) takes it.
fn non_negative(s: &str) -> Result<f64, String> {
    match modelfile::quantity::parse_number(s) {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "expected a number of zero or more as in the model files, e.g. 5M, 250k or 5000000; found `{s}`"
        )),
    }
}

/// A language of the report's words: a shipped one, or a code that falls back to one.
fn language(s: &str) -> Result<i18n::Lang, String> {
    i18n::Lang::from_code(s).ok_or_else(|| {
        let shipped: Vec<&str> = i18n::Lang::all().map(i18n::Lang::code).collect();
        format!("no messages in `{s}`; the report speaks {}", shipped.join(", "))
    })
}

/// A confidence level strictly between 0.5 and 1.
fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.5 && x < 1.0 => Ok(x),
        _ => Err(format!("expected a confidence level between 0.5 and 1, e.g. 0.95; found `{s}`")),
    }
}

/// Seconds above zero (the solver's time limit).
fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("expected a number of seconds above zero, e.g. 60; found `{s}`")),
    }
}

/// A solver name; `highs` only where this build has it, so the error comes before any work.
fn solver(s: &str) -> Result<portfolio::Solver, String> {
    let solver: portfolio::Solver = s.parse()?;
    if !portfolio::Solver::available().contains(&solver) {
        return Err(format!(
            "this build has no `{s}` solver: rebuild with `--features highs` (needs cmake and \
             libclang), or use the default `cbc`"
        ));
    }
    Ok(solver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_read_as_the_model_files_write_it() {
        assert_eq!(non_negative("5M"), Ok(5e6));
        assert_eq!(non_negative("200k"), Ok(2e5));
        assert_eq!(non_negative("1.5M"), Ok(1.5e6));
        assert_eq!(non_negative("5_000_000"), Ok(5e6));
        assert_eq!(non_negative("750000"), Ok(750_000.0));
        for bad in ["-5", "NaN", "inf", "lots", "5 M M", ""] {
            assert!(non_negative(bad).is_err(), "{bad:?}");
        }
    }
}

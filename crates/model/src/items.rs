//! The items a model is made of. Field meanings follow `docs/format.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Distribution, Id, Level, PlanCode, Provenance, TrackerRef};

/// A whole model: everything the files of one folder describe.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Model {
    /// Name, mission and currency.
    pub meta: Meta,
    /// Coherent bodies of work with their own logic.
    pub programs: Vec<Program>,
    /// Every step of every chain, goals included (goals are nodes at [`Level::Impact`] with
    /// [`NodeKind::Goal`]).
    pub nodes: Vec<Node>,
    /// "This leads to that".
    pub links: Vec<Link>,
    /// Engineering work.
    pub initiatives: Vec<Initiative>,
    /// Who benefits or takes part.
    pub audiences: Vec<Audience>,
    /// How nodes are measured.
    pub indicators: Vec<Indicator>,
    /// Who does the work.
    pub teams: Vec<Team>,
    /// The judgement weights that turn changes in goals into one scale.
    pub value: ValueFunction,
    /// Model-wide settings of the SROI view.
    pub sroi: SroiSettings,
    /// How the annual plan is chosen: budget, horizon, balance rules, risk attitude.
    pub planning: Planning,
    /// The plan written by `throughline plan --write`, if the folder holds one.
    pub saved_plan: Option<SavedPlan>,
    /// Results of `throughline evaluate --write`: measured effects of shipped work. They are
    /// applied to the links they tested when the model is loaded ([`crate::learn`]).
    pub evaluations: Vec<Evaluation>,
    /// Communities whose activity is measured from the history dumps (`docs/communities.md`).
    pub communities: Vec<Community>,
    /// What teams said at check-in meetings (`checkins:`), in file order: for one key result
    /// and quarter, a later note supersedes an earlier one, and every note is kept as history.
    pub checkins: Vec<CheckinNote>,
}

/// What a team decides about a key result at a check-in ("turn the curve": keep going, change
/// course, or stop the work behind it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Keep the current course.
    Continue,
    /// Change what the team does.
    Change,
    /// Stop the work behind the key result.
    Stop,
}

/// The status a team gives a key result when its judgement differs from the computed one
/// (with a reason): the same words as the check-in's computed status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamStatus {
    /// Already at or past the target.
    Met,
    /// Will meet the target.
    OnTrack,
    /// May miss the target.
    AtRisk,
    /// Will miss the target.
    OffTrack,
    /// Cannot tell.
    NoData,
}

/// The team's account of one key result at one quarter's check-in: the story behind the
/// curve, who can help, what works, and the decision, with a status override when the team
/// disagrees with the computed one. Numbers stay with the store; this is what people said.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckinNote {
    /// The key result: an indicator.
    pub key_result: Id,
    /// The check-in's quarter.
    pub quarter: Quarter,
    /// What pushes the curve up or down.
    pub story: Option<String>,
    /// Partners with a role in turning the curve.
    pub partners: Option<String>,
    /// What works (evidence, and what communities already do).
    pub what_works: Option<String>,
    /// The decision.
    pub decision: Option<Decision>,
    /// The team's status, overriding the computed one.
    pub status: Option<TeamStatus>,
    /// Why the team overrides the status.
    pub reason: Option<String>,
    /// Who wrote the note.
    pub author: Option<String>,
    /// When it was written.
    pub date: Option<Date>,
}

/// How a community's members or edits are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityKind {
    /// An event or campaign roster: user names; their edits in the window count.
    Roster,
    /// A course roster (Programs & Events Dashboard): user names, like a roster.
    Course,
    /// Edits whose summary carries the hashtag.
    Hashtag,
    /// Edits carrying the edit tag.
    Tag,
    /// Edits to pages in the category.
    Category,
}

impl CommunityKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [CommunityKind; 5] = [
        CommunityKind::Roster,
        CommunityKind::Course,
        CommunityKind::Hashtag,
        CommunityKind::Tag,
        CommunityKind::Category,
    ];

    /// Whether members are listed by name (rosters) rather than recognised by a rule.
    pub fn has_roster(self) -> bool {
        matches!(self, CommunityKind::Roster | CommunityKind::Course)
    }
}

/// A community on one wiki in a window of days: a campaign, an event, a course, a hashtag.
#[derive(Clone, Debug, Serialize)]
pub struct Community {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// The wiki, as the dumps name it (`commonswiki`, `frwiki`).
    pub wiki: String,
    /// How members or edits are recognised.
    pub kind: CommunityKind,
    /// User names, for rosters and courses (resolved to user ids through the dump's user
    /// history, so renames do not split a person).
    pub members: Vec<String>,
    /// The hashtag, edit tag or category, for rule-based communities.
    pub rule: Option<String>,
    /// First day of the window.
    pub start: Date,
    /// Last day of the window (inclusive).
    pub end: Date,
    /// What it cost, in the model's currency, if known.
    pub cost: Option<f64>,
    /// The audience it belongs to, if the model has one.
    pub audience: Option<Id>,
    /// Free text.
    pub description: Option<String>,
    /// Whether the community is real or made up (`data:`; default measured): pages and tables
    /// mark the made-up ones.
    pub data: Provenance,
    /// The metric definitions it is measured with (`definitions:`), each a named preset with
    /// its overrides; empty: the model's default (`model: community_definitions`), else
    /// throughline's own version 1. Several give side-by-side rows.
    pub definitions: Vec<CommunityDefinition>,
}

/// A named set of community metric definitions (`docs/communities.md`): the definitions the
/// tools organisers already report with, so throughline's numbers can be compared with theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricPreset {
    /// throughline's own version 1: windows after each person's first community edit.
    ThroughlineV1,
    /// Event Metrics (Wikimedia Foundation tool).
    EventMetrics,
    /// Grant metrics' "newly registered" (2017).
    #[serde(rename = "grant_metrics_2017")]
    GrantMetrics2017,
    /// Programs & Events / Wiki Education Dashboard.
    Dashboard,
    /// WMF research's surviving new editor.
    SurvivingNewEditor,
    /// WMF's rolling new active editor.
    RollingNewActiveEditor,
    /// Global Metrics (2014).
    #[serde(rename = "global_metrics_2014")]
    GlobalMetrics2014,
}

impl MetricPreset {
    /// Every preset, in the order the docs list them.
    pub const ALL: [MetricPreset; 7] = [
        MetricPreset::ThroughlineV1,
        MetricPreset::EventMetrics,
        MetricPreset::GrantMetrics2017,
        MetricPreset::Dashboard,
        MetricPreset::SurvivingNewEditor,
        MetricPreset::RollingNewActiveEditor,
        MetricPreset::GlobalMetrics2014,
    ];

    /// The parameters a model file may override for this preset (others are refused: they
    /// would silently mean nothing).
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            MetricPreset::ThroughlineV1 | MetricPreset::GrantMetrics2017 => &["lookback_days"],
            MetricPreset::EventMetrics
            | MetricPreset::Dashboard
            | MetricPreset::GlobalMetrics2014 => {
                &["lookback_days", "retention_days", "retained_edits", "scope"]
            }
            MetricPreset::SurvivingNewEditor => &[
                "min_edits",
                "activation_days",
                "retention_days",
                "window_days",
                "retained_edits",
                "scope",
            ],
            MetricPreset::RollingNewActiveEditor => &["retention_days", "retained_edits", "scope"],
        }
    }
}

/// Which wikis' edits count for a person after the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricScope {
    /// The community's wiki only (the local user id).
    HomeWiki,
    /// Every wiki, matched by the global account's central user id.
    AllWikis,
}

/// A preset and the parameters a model file overrides (`None`: the preset's default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommunityDefinition {
    /// The named definition.
    pub preset: MetricPreset,
    /// Days before the start an account may have been registered and still count as new.
    pub lookback_days: Option<i64>,
    /// The retention windows' delays, in days (the preset says from what).
    pub retention_days: Vec<i64>,
    /// Edits within `activation_days` of registration that make a newcomer count (n).
    pub min_edits: Option<i64>,
    /// Days after registration the activation edits are counted in (t1).
    pub activation_days: Option<i64>,
    /// Edits in a window that make a person retained or active (m).
    pub retained_edits: Option<i64>,
    /// Length of a retention window, in days (t3).
    pub window_days: Option<i64>,
    /// Which wikis' edits count.
    pub scope: Option<MetricScope>,
}

impl CommunityDefinition {
    /// The preset with its defaults.
    pub fn preset(preset: MetricPreset) -> CommunityDefinition {
        CommunityDefinition {
            preset,
            lookback_days: None,
            retention_days: Vec::new(),
            min_edits: None,
            activation_days: None,
            retained_edits: None,
            window_days: None,
            scope: None,
        }
    }
}

/// How an effect was estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationMethod {
    /// Interrupted time series (segmented regression).
    InterruptedTimeSeries,
    /// Difference in differences against comparison series.
    DifferenceInDifferences,
    /// Synthetic control, de-meaned (weights with a free intercept; Ferman & Pinto).
    SyntheticControl,
    /// Synthetic control in the classic form: weights without an intercept (Abadie et al.).
    SyntheticControlClassic,
    /// Synthetic difference in differences (Arkhangelsky et al. 2021).
    SyntheticDid,
    /// Two-group comparison of an experiment.
    TwoGroup,
}

impl EvaluationMethod {
    /// Every method.
    pub const ALL: [EvaluationMethod; 6] = [
        EvaluationMethod::InterruptedTimeSeries,
        EvaluationMethod::DifferenceInDifferences,
        EvaluationMethod::SyntheticControl,
        EvaluationMethod::SyntheticControlClassic,
        EvaluationMethod::SyntheticDid,
        EvaluationMethod::TwoGroup,
    ];
}

impl std::fmt::Display for EvaluationMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EvaluationMethod::InterruptedTimeSeries => "interrupted time series",
            EvaluationMethod::DifferenceInDifferences => "difference in differences",
            EvaluationMethod::SyntheticControl => "synthetic control",
            EvaluationMethod::SyntheticControlClassic => "synthetic control (classic)",
            EvaluationMethod::SyntheticDid => "synthetic difference in differences",
            EvaluationMethod::TwoGroup => "two-group comparison",
        })
    }
}

/// How a shipped initiative is to be evaluated (written on the initiative).
#[derive(Clone, Debug, Serialize)]
pub struct EvaluationDesign {
    /// The indicator expected to move.
    pub indicator: Id,
    /// The method; chosen from the data when absent (synthetic control with two or more
    /// comparison series, difference in differences with one, else interrupted time series).
    pub method: Option<EvaluationMethod>,
    /// Series without the change (other wikis), by name in the measurement store.
    pub comparisons: Vec<String>,
    /// For an experiment: a CSV file of `group,value` rows (`control` / `treatment`).
    pub experiment: Option<String>,
    /// Confidence level of the interval; default 0.95.
    pub level: f64,
    /// Multiplies the per-period effect into the node's unit (52.18 for a weekly series of a
    /// yearly quantity); default 1.
    pub scale: f64,
}

/// A measured effect of shipped work (written by `throughline evaluate --write`).
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// The initiative.
    pub initiative: Id,
    /// The indicator it moved.
    pub indicator: Id,
    /// How it was estimated.
    pub method: EvaluationMethod,
    /// When it was estimated.
    pub evaluated: Date,
    /// When the change was deployed.
    pub deployed: Option<Date>,
    /// Average effect per period over the post-period, in the indicator's unit.
    pub effect: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Confidence level of the interval.
    pub level: f64,
    /// What the model predicted before the evaluation, if recorded (in the node's unit).
    pub predicted: Option<f64>,
    /// Multiplies the per-period effect into the node's unit; default 1.
    pub scale: f64,
    /// What the series it was estimated on are (`data:`; default measured): the least real of
    /// them. Evidence from synthetic or illustrative data is at most weak ([`crate::learn`]).
    pub data: Provenance,
}

/// A plan as written to the model folder: what was decided, for review and for comparison with
/// the next solve.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SavedPlan {
    /// Budget it was solved for.
    pub budget: Option<f64>,
    /// Expected value of the plan when written.
    pub value: Option<f64>,
    /// Cost of the plan when written.
    pub cost: Option<f64>,
    /// `(initiative, quarter label)` in schedule order.
    pub schedule: Vec<(Id, String)>,
    /// Objectives: goal, expected change, key-result indicators.
    pub objectives: Vec<SavedObjective>,
    /// The key results of the plan's structure (`planning.buckets`) as the plan expected them
    /// when written: reviewed in git beside the structure they came from.
    pub key_results: Vec<SavedKeyResult>,
}

/// A key result of the plan's structure, as a saved plan expected it.
#[derive(Clone, Debug, Serialize)]
pub struct SavedKeyResult {
    /// The key result's code (`WE1.1`).
    pub id: PlanCode,
    /// Its objective's code.
    pub objective: Option<PlanCode>,
    /// Its indicator.
    pub indicator: Option<Id>,
    /// Baseline in force when written.
    pub baseline: Option<f64>,
    /// Absolute target in force when written (a % target converted).
    pub target: Option<f64>,
    /// The plan's expected change when written.
    pub expected_change: Option<f64>,
    /// P(target reached | plan) when written.
    pub p_reached: Option<f64>,
    /// Its hypotheses with the plan's initiatives carrying them.
    pub hypotheses: Vec<SavedHypothesis>,
}

/// A hypothesis of a saved plan: its quarter and the plan's initiatives that carry it.
#[derive(Clone, Debug, Serialize)]
pub struct SavedHypothesis {
    /// The hypothesis' code (`WE1.1.3`).
    pub id: PlanCode,
    /// Its quarter, as written.
    pub quarter: Option<String>,
    /// Initiatives in the plan that carry it.
    pub initiatives: Vec<Id>,
}

/// An objective of a saved plan.
#[derive(Clone, Debug, Serialize)]
pub struct SavedObjective {
    /// The goal.
    pub goal: Id,
    /// Expected change when written.
    pub expected_change: Option<f64>,
    /// Indicators that are its key results.
    pub key_results: Vec<Id>,
}

/// Model-wide facts from the manifest.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meta {
    /// Display name of the model.
    pub name: String,
    /// The organisation whose plan this is.
    pub organisation: Option<String>,
    /// The mission every goal serves.
    pub mission: Option<String>,
    /// Currency of all costs (ISO 4217 code), `USD` unless stated.
    pub currency: String,
    /// Free text.
    pub description: Option<String>,
    /// The frameworks the model reports in: `check` applies their completeness rules.
    pub frameworks: Vec<Framework>,
    /// What the model's own figures (effects, amounts, probabilities, costs, efforts) are: a
    /// real plan's estimates (`Measured`, the default) or made up to demonstrate
    /// (`Illustrative`, `Synthetic`). Every computed output of a made-up model says so.
    pub data: crate::Provenance,
    /// The community metric definitions of communities that name none (`definitions:`);
    /// empty: throughline's own version 1.
    pub community_definitions: Vec<CommunityDefinition>,
}

/// A framework the model can be shown in, each with its own completeness rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    /// W.K. Kellogg Foundation logic model.
    LogicModel,
    /// Theory of change, backwards from the goal.
    TheoryOfChange,
    /// Logical framework matrix.
    Logframe,
    /// Results-Based Accountability.
    Rba,
    /// Impact Management Project's five dimensions.
    Imp,
    /// Social Return on Investment.
    Sroi,
}

impl Framework {
    /// Every framework, in the order the docs list them.
    pub const ALL: [Framework; 6] = [
        Framework::LogicModel,
        Framework::TheoryOfChange,
        Framework::Logframe,
        Framework::Rba,
        Framework::Imp,
        Framework::Sroi,
    ];

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Framework::LogicModel => "logic model",
            Framework::TheoryOfChange => "theory of change",
            Framework::Logframe => "logical framework",
            Framework::Rba => "Results-Based Accountability",
            Framework::Imp => "Impact Management Project",
            Framework::Sroi => "SROI",
        }
    }
}

/// Model-wide SROI settings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SroiSettings {
    /// Annual discount rate for present values; [`SroiSettings::DEFAULT_DISCOUNT_RATE`] when
    /// not stated.
    pub discount_rate: Option<f64>,
}

impl SroiSettings {
    /// 3.5% a year, the UK Treasury Green Book rate the SROI guide points to.
    pub const DEFAULT_DISCOUNT_RATE: f64 = 0.035;
}

/// How one outcome is valued in SROI: the financial proxy and what is taken off it.
///
/// Quantities the model computes are changes versus not doing the work, so deadweight is already
/// excluded from them; `deadweight` is for a `quantity` stated by hand.
#[derive(Clone, Debug, Serialize)]
pub struct SroiValuation {
    /// The stakeholder who experiences the outcome (an audience id); the node's audiences when
    /// absent.
    pub stakeholder: Option<Id>,
    /// Value of one unit of the outcome for one year, in the model's currency.
    pub proxy: Distribution,
    /// Where the proxy comes from.
    pub proxy_source: Option<String>,
    /// Units a year, stated by hand; when absent, the change the program's initiatives cause.
    pub quantity: Option<Distribution>,
    /// Years the outcome lasts (1 or more).
    pub duration: u32,
    /// Share that would have happened anyway.
    pub deadweight: f64,
    /// Share that displaces value elsewhere.
    pub displacement: f64,
    /// Share owed to others' contributions.
    pub attribution: f64,
    /// Share of the outcome lost each year after the first.
    pub drop_off: f64,
}

/// A coherent body of work with its own logic (New Readers, Wiki Loves Monuments, …).
#[derive(Clone, Debug, Serialize)]
pub struct Program {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Who answers for the program.
    pub owner: Option<String>,
    /// Audiences the program serves.
    pub audiences: Vec<Id>,
    /// What the program cannot control (logic models list these beside assumptions).
    pub external_factors: Vec<String>,
}

/// Whether a node is a strategic goal or an ordinary step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A goal of the strategy: the top of a chain.
    Goal,
    /// Any other step.
    Step,
}

/// The 2030 strategic direction a goal serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Knowledge as a Service.
    KnowledgeAsAService,
    /// Knowledge Equity.
    KnowledgeEquity,
    /// Both directions.
    Both,
}

/// A step in a results chain, or a goal.
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// Goal or step.
    pub kind: NodeKind,
    /// Position in the chain.
    pub level: Level,
    /// What the node counts; needed to quantify links.
    pub unit: Option<String>,
    /// The program the node belongs to, if any (goals usually belong to none).
    pub program: Option<Id>,
    /// Who the change is for.
    pub audiences: Vec<Id>,
    /// Free text.
    pub description: Option<String>,
    /// For goals: the strategic direction.
    pub direction: Option<Direction>,
    /// For goals: the strategy recommendation served, as free text.
    pub recommendation: Option<String>,
    /// How the SROI view values a change in this node.
    pub sroi: Option<SroiValuation>,
}

/// An assumption a link rests on.
#[derive(Clone, Debug, Serialize)]
pub struct Assumption {
    /// An id, when the assumption is referred to elsewhere (e.g. for value of information).
    pub id: Option<Id>,
    /// The assumption in words.
    pub text: String,
}

/// How much an evidence item should move belief.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// A story or single observation.
    Anecdotal,
    /// Suggestive but weak.
    Weak,
    /// Reasonable support.
    Moderate,
    /// Rigorous, replicated or directly measured.
    Strong,
}

/// What kind of evidence an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// An evaluation of this or similar work.
    Evaluation,
    /// Published or internal research.
    Research,
    /// Observed data.
    Data,
    /// Expert judgement.
    Expert,
    /// Reasoning from a similar case.
    Analogy,
}

/// Support for a link.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    /// Citation.
    pub source: String,
    /// Where to read it.
    pub url: Option<String>,
    /// How strong it is.
    pub strength: Option<Strength>,
    /// What kind it is.
    pub kind: Option<EvidenceKind>,
    /// Year of publication or observation.
    pub year: Option<i32>,
    /// A community whose measured outcome is the evidence (`throughline communities`).
    pub community: Option<Id>,
}

/// "`from` leads to `to`".
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// Source node.
    pub from: Id,
    /// Target node.
    pub to: Id,
    /// Why the one leads to the other.
    pub rationale: Option<String>,
    /// What must hold for the link to work.
    pub assumptions: Vec<Assumption>,
    /// What supports it.
    pub evidence: Vec<Evidence>,
    /// Change in `to` per unit change in `from`.
    pub effect: Option<Distribution>,
    /// The effect's unit as written, `TARGET / SOURCE`.
    pub effect_unit: Option<String>,
    /// Probability that the link works at all.
    pub probability: Option<f64>,
    /// Why a link that skips or inverts levels is right.
    pub skip_reason: Option<String>,
    /// Closes a feedback loop: drawn, never quantified.
    pub feedback: bool,
    /// The effect as written, when evaluations have updated `effect` (see [`crate::learn`]).
    pub prior_effect: Option<Distribution>,
}

/// Lifecycle of an initiative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An idea under consideration.
    Proposed,
    /// In the plan.
    Planned,
    /// Being built.
    InProgress,
    /// Deployed.
    Shipped,
    /// Deployed and measured.
    Evaluated,
    /// Stopped.
    Cancelled,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Proposed => "proposed",
            Status::Planned => "planned",
            Status::InProgress => "in progress",
            Status::Shipped => "shipped",
            Status::Evaluated => "evaluated",
            Status::Cancelled => "cancelled",
        })
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::KnowledgeAsAService => "Knowledge as a Service",
            Direction::KnowledgeEquity => "Knowledge Equity",
            Direction::Both => "Knowledge as a Service and Knowledge Equity",
        })
    }
}

/// A non-mission benefit scored in multi-criteria decision analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Security.
    Security,
    /// Reliability.
    Reliability,
    /// Maintainability.
    Maintainability,
    /// Performance.
    Performance,
}

impl Criterion {
    /// Every criterion.
    pub const ALL: [Criterion; 4] = [
        Criterion::Security,
        Criterion::Reliability,
        Criterion::Maintainability,
        Criterion::Performance,
    ];
}

/// A node an initiative realises, and how much of it.
#[derive(Clone, Debug, Serialize)]
pub struct Delivery {
    /// The activity or output realised.
    pub node: Id,
    /// How much of the node the initiative produces, in the node's unit.
    pub amount: Option<Distribution>,
    /// Probability that the delivery happens at all.
    pub probability: Option<f64>,
}

/// Which link a piece of research measures: named by one of its assumptions' ids, or by its
/// two ends (links have no ids of their own).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InformTarget {
    /// The link this assumption belongs to: research usually tests an assumption. (A struct
    /// variant: the internally tagged form cannot hold a bare id.)
    Assumption {
        /// The assumption's id.
        id: Id,
    },
    /// The link from `from` to `to`.
    Link {
        /// Source node.
        from: Id,
        /// Target node.
        to: Id,
    },
}

/// What a research initiative (a study, an A/B test, an evaluation) will measure, and how
/// precisely: the plan values it by the expected value of sample information it buys.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inform {
    /// The link whose effect it measures.
    pub target: InformTarget,
    /// The standard error it will achieve on the link's effect, in the effect's unit (per unit
    /// of the source node): `sd / √n` for `n` observations of spread `sd`. Stated as a
    /// standard error because that is what a power calculation or a past evaluation gives, and
    /// what `evaluations.yaml` records afterwards.
    pub se: f64,
}

/// A piece of engineering work.
#[derive(Clone, Debug, Serialize)]
pub struct Initiative {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// The program it belongs to.
    pub program: Option<Id>,
    /// Owner team.
    pub team: Id,
    /// Lifecycle status.
    pub status: Status,
    /// Its full cost, in the model's currency. When the owner team has a rate, the part that is
    /// the team's time is [`Team::staff_cost`] of the expected effort; the rest is other spend.
    pub cost: Option<Distribution>,
    /// Person-quarters of the owner team.
    pub effort: Option<Distribution>,
    /// Initiatives that must come first.
    pub depends_on: Vec<Id>,
    /// Initiatives it cannot be combined with.
    pub excludes: Vec<Id>,
    /// Always in the plan (security, legal).
    pub must_do: bool,
    /// Tracker tasks.
    pub tracker: Vec<TrackerRef>,
    /// Audiences served.
    pub audiences: Vec<Id>,
    /// Non-mission benefit scores, 0 to 5.
    pub benefits: BTreeMap<Criterion, f64>,
    /// What it realises.
    pub delivers: Vec<Delivery>,
    /// Free text.
    pub description: Option<String>,
    /// When it was deployed, for evaluation.
    pub deployed: Option<Date>,
    /// How it is to be evaluated.
    pub evaluation: Option<EvaluationDesign>,
    /// Links it measures (research, an A/B test, an evaluation): learning is work, valued by
    /// what it would change in the plan's decisions.
    pub inform: Vec<Inform>,
    /// Hypotheses of the plan's structure it carries (`WE1.1.3`): the work that tests them.
    pub hypotheses: Vec<PlanCode>,
    /// Quarters after shipping until its benefits run at their full rate (a linear ramp);
    /// `None`: the planning section's [`Planning::ramp_up`].
    pub ramp_up: Option<u32>,
}

impl Initiative {
    /// The links (model indices) `inform` names, with the standard error for each; targets that
    /// name no link are skipped (the checker reports them).
    pub fn informed_links(&self, model: &Model) -> Vec<(usize, f64)> {
        let mut out: Vec<(usize, f64)> = Vec::new();
        for inf in &self.inform {
            let found = model.links.iter().position(|l| match &inf.target {
                InformTarget::Assumption { id } => {
                    l.assumptions.iter().any(|x| x.id.as_ref() == Some(id))
                }
                InformTarget::Link { from, to } => &l.from == from && &l.to == to,
            });
            if let Some(li) = found {
                // The same link named twice: the more precise measurement counts.
                match out.iter_mut().find(|(l, _)| *l == li) {
                    Some(e) => e.1 = e.1.min(inf.se),
                    None => out.push((li, inf.se)),
                }
            }
        }
        out
    }
}

/// Broad end users or an organizing community.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// Readers, editors: people who use the platform.
    EndUsers,
    /// Educators, librarians, activists, campaign organizers: people who organise others.
    OrganizingCommunity,
}

/// Who benefits or takes part.
#[derive(Clone, Debug, Serialize)]
pub struct Audience {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// End users or organizers.
    pub kind: AudienceKind,
    /// How much a unit of benefit to this audience counts, relative to 1.
    pub equity_weight: f64,
    /// Free text.
    pub description: Option<String>,
}

/// Which way is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
}

/// The Results-Based Accountability question an indicator answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RbaQuestion {
    /// How much did we do?
    HowMuch,
    /// How well did we do it?
    HowWell,
    /// Is anyone better off?
    BetterOff,
}

/// A calendar date, as written in model files (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). Serialized
/// as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
}

impl Date {
    /// Validates the calendar (leap years included).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before). Time series, gaps and trends count in days, so
    /// this is the one place that knows the calendar (Howard Hinnant's `days_from_civil`).
    pub fn day_number(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01: the inverse of [`Date::day_number`].
    pub fn from_day_number(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week, 0 = Monday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        (self.day_number() + 3).rem_euclid(7) as u8
    }

    /// The calendar quarter the date falls in.
    pub fn quarter(self) -> Quarter {
        Quarter { year: self.year, q: (self.month - 1) / 3 + 1 }
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_day_number((secs / 86_400) as i64)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM` (first of the month) or `YYYY` (1 January), with
    /// zero-padded fields; anything else (or an impossible day) is `None`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let y = parts.next()?;
        if y.len() != 4 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let field = |part: Option<&str>| match part {
            Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
            Some(_) => None,
            None => Some(1),
        };
        let month: u8 = field(parts.next())?;
        let day: u8 = field(parts.next())?;
        if parts.next().is_some() {
            return None;
        }
        Date::new(year, month, day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A dated value.
#[derive(Clone, Debug, Serialize)]
pub struct DatedValue {
    /// The value.
    pub value: f64,
    /// When.
    pub date: Date,
    /// Where the figure comes from.
    pub source: Option<String>,
}

/// Where measurements of an indicator come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The Wikimedia analytics REST metrics.
    WikimediaRest,
    /// A CSV file.
    Csv,
    /// Phabricator.
    Phabricator,
    /// Entered by hand.
    Manual,
}

/// A data source for an indicator.
#[derive(Clone, Debug, Serialize)]
pub struct DataSource {
    /// Kind of source.
    pub kind: SourceKind,
    /// For the REST metrics: the metric family (`pageviews/aggregate`, `unique-devices`, …).
    pub metric: Option<String>,
    /// For CSV: the file, relative to the model folder.
    pub path: Option<String>,
    /// Parameters of the request.
    pub params: BTreeMap<String, String>,
}

/// How a node is measured.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// The node it measures.
    pub measures: Id,
    /// What exactly is counted.
    pub definition: Option<String>,
    /// Unit of the values.
    pub unit: Option<String>,
    /// Which way is better.
    pub direction: Polarity,
    /// The RBA question it answers.
    pub rba: Option<RbaQuestion>,
    /// The starting point.
    pub baseline: Option<DatedValue>,
    /// Where we want to be, by when.
    pub target: Option<DatedValue>,
    /// Where the data comes from.
    pub source: Option<DataSource>,
}

/// A team and its capacity.
#[derive(Clone, Debug, Serialize)]
pub struct Team {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// People (FTE) available per quarter.
    pub capacity: f64,
    /// Loaded cost of one FTE for a year (salary, benefits, overhead), in the model's currency.
    /// With a rate, the part of an initiative's `cost` that is its team's time is known
    /// ([`Team::staff_cost`]): the plan treats it as already paid by the team's capacity.
    pub rate: Option<f64>,
}

impl Team {
    /// The cost of `person_quarters` of this team's time at its rate (0 without a rate): a
    /// person-quarter is a quarter of an FTE-year.
    pub fn staff_cost(&self, person_quarters: f64) -> f64 {
        self.rate.map_or(0.0, |r| person_quarters.max(0.0) * r / 4.0)
    }
}

/// How the annual plan is chosen. Everything is optional: without a budget the plan is bound by
/// team capacity, dependencies, exclusions and balance rules only.
#[derive(Clone, Debug, Serialize)]
pub struct Planning {
    /// Money available in the plan year, in the model's currency.
    pub budget: Option<f64>,
    /// Which cost the budget is checked against: the mean (None) or this percentile (0–100) of
    /// each initiative's cost, for a budget that holds with that confidence per item.
    pub cost_percentile: Option<f64>,
    /// Quarters in the plan (1–8).
    pub quarters: u32,
    /// The first quarter, e.g. `2027Q1`, for labels.
    pub start: Option<Quarter>,
    /// Quarters a dependency must be finished before its dependant starts: 0 allows the same
    /// quarter, 1 requires an earlier one.
    pub dependency_lag: u32,
    /// Balance rules the plan must satisfy.
    pub balance: Vec<BalanceRule>,
    /// Risk attitude; risk-neutral (maximise expected value) when None.
    pub risk: Option<RiskAttitude>,
    /// Years, from the plan's start, over which the benefits of shipped work count: work that
    /// ships later counts for less of them. 0: value does not depend on when work ships.
    pub horizon: u32,
    /// Annual discount rate of future benefits; [`Planning::discount_rate`] gives the default.
    pub discount_rate: Option<f64>,
    /// Whether the budget may buy person-quarters beyond a team's capacity, at the team's rate.
    pub hiring: bool,
    /// Quarters after shipping until a change's benefits run at their full rate: adoption
    /// ramps up linearly, so the first quarter earns `1/(R+1)` of the full rate, the next
    /// `2/(R+1)`, and so on. 0 (default): benefits start in full.
    pub ramp_up: u32,
    /// The plan's structure as the organisation writes it: buckets of objectives with key
    /// results and quarterly hypotheses. Empty: the plan's objectives are its goals.
    pub buckets: Vec<PlanBucket>,
}

impl Planning {
    /// Three years: the plan year and the two after it. Benefits of software work are counted
    /// over the few years before it is typically reworked or superseded, and effects estimated
    /// today are least reliable far out; a short horizon is the conservative choice.
    pub const DEFAULT_HORIZON: u32 = 3;

    /// The discount rate in force: the planning section's, else the SROI section's (one time
    /// preference per model), else [`SroiSettings::DEFAULT_DISCOUNT_RATE`] (3.5%, the UK Treasury
    /// Green Book's social time preference rate).
    pub fn discount_rate(&self, sroi: &SroiSettings) -> f64 {
        self.discount_rate.or(sroi.discount_rate).unwrap_or(SroiSettings::DEFAULT_DISCOUNT_RATE)
    }
}

impl Default for Planning {
    fn default() -> Self {
        Planning {
            budget: None,
            cost_percentile: None,
            quarters: 4,
            start: None,
            dependency_lag: 0,
            balance: Vec::new(),
            risk: None,
            horizon: Planning::DEFAULT_HORIZON,
            discount_rate: None,
            hiring: false,
            ramp_up: 0,
            buckets: Vec::new(),
        }
    }
}

impl Planning {
    /// The quarters the plan covers, when it has a start: the first and the last.
    pub fn span(&self) -> Option<(Quarter, Quarter)> {
        self.start.map(|s| (s, s.plus(self.quarters.saturating_sub(1))))
    }

    /// Every key result of the structure with its bucket and objective, in written order.
    pub fn key_results(
        &self,
    ) -> impl Iterator<Item = (&PlanBucket, &PlanObjective, &PlanKeyResult)> {
        self.buckets.iter().flat_map(|b| {
            b.objectives.iter().flat_map(move |o| o.key_results.iter().map(move |k| (b, o, k)))
        })
    }

    /// Every hypothesis of the structure with its key result, in written order.
    pub fn hypotheses(&self) -> impl Iterator<Item = (&PlanKeyResult, &Hypothesis)> {
        self.key_results().flat_map(|(_, _, k)| k.hypotheses.iter().map(move |h| (k, h)))
    }
}

/// A bucket of the plan (a work portfolio, e.g. "Wiki Experiences"): the level between a goal
/// and its objectives in Wikimedia's annual plans.
#[derive(Clone, Debug, Serialize)]
pub struct PlanBucket {
    /// Its code (`WE`).
    pub id: PlanCode,
    /// Its name.
    pub name: String,
    /// The strategy goal it serves, if it names one.
    pub goal: Option<Id>,
    /// Its objectives.
    pub objectives: Vec<PlanObjective>,
}

/// An objective of the plan (`WE1`, with a title).
#[derive(Clone, Debug, Serialize)]
pub struct PlanObjective {
    /// Its code (`WE1`).
    pub id: PlanCode,
    /// Its title.
    pub name: String,
    /// Its key results.
    pub key_results: Vec<PlanKeyResult>,
}

/// A key result of the plan (`WE1.1`): an indicator, a baseline, a target (absolute, or a
/// change relative to the baseline), the scope it is measured on, and the hypotheses that will
/// test how to reach it.
#[derive(Clone, Debug, Serialize)]
pub struct PlanKeyResult {
    /// Its code (`WE1.1`).
    pub id: PlanCode,
    /// Its statement; the indicator's name when absent.
    pub name: Option<String>,
    /// The indicator it is measured by.
    pub indicator: Id,
    /// Its baseline; the indicator's when absent.
    pub baseline: Option<f64>,
    /// Its target as an absolute value.
    pub target: Option<f64>,
    /// Its target as a change relative to the baseline (`0.05` for +5%).
    pub target_change: Option<f64>,
    /// Where it is measured, e.g. "a representative set of wikis".
    pub scope: Option<String>,
    /// The quarterly hypotheses under it.
    pub hypotheses: Vec<Hypothesis>,
}

impl PlanKeyResult {
    /// The baseline in force: the key result's own, else its indicator's.
    pub fn baseline_value(&self, indicator: Option<&Indicator>) -> Option<f64> {
        self.baseline.or_else(|| indicator?.baseline.as_ref().map(|b| b.value))
    }

    /// The target in force, as an absolute value: the key result's `target`, else its
    /// `target_change` applied to the baseline in force (`baseline × (1 + change)`, so +5% of
    /// 120,000 is 126,000), else the indicator's target. A relative target without a baseline
    /// has no absolute value (the checker reports it).
    pub fn target_value(&self, indicator: Option<&Indicator>) -> Option<f64> {
        if let Some(t) = self.target {
            return Some(t);
        }
        if let Some(c) = self.target_change {
            return self.baseline_value(indicator).map(|b| b * (1.0 + c));
        }
        indicator?.target.as_ref().map(|t| t.value)
    }
}

/// A quarterly hypothesis (`WE1.1.3`): what a team believes will move a key result, how it
/// will find out, and what it found.
#[derive(Clone, Debug, Serialize)]
pub struct Hypothesis {
    /// Its code (`WE1.1.3`).
    pub id: PlanCode,
    /// The hypothesis, in a sentence.
    pub name: String,
    /// The quarter it is tested in.
    pub quarter: Quarter,
    /// Who answers for it (a team or a person).
    pub owner: Option<String>,
    /// How it is tested.
    pub test: Option<String>,
    /// What the test found.
    pub result: HypothesisResult,
}

/// What a hypothesis' test found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HypothesisResult {
    /// Not known yet.
    Pending,
    /// The test supports it.
    Confirmed,
    /// The test refutes it.
    Rejected,
    /// The test could not tell.
    Inconclusive,
}

/// A calendar quarter, `2027Q1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Quarter {
    /// Year.
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// Parses `2027Q1` (also `2027-Q1`, lowercase `q`).
    pub fn parse(s: &str) -> Option<Quarter> {
        let (y, q) = s.split_once(['Q', 'q'])?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let q: u8 = q.parse().ok()?;
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// The quarter `n` quarters later.
    pub fn plus(self, n: u32) -> Quarter {
        let idx = self.year as i64 * 4 + i64::from(self.q - 1) + i64::from(n);
        Quarter { year: idx.div_euclid(4) as i32, q: (idx.rem_euclid(4) + 1) as u8 }
    }
}

impl Quarter {
    /// The first day of the quarter.
    pub fn first_day(self) -> Date {
        Date { year: self.year, month: (self.q - 1) * 3 + 1, day: 1 }
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> Date {
        Date::from_day_number(self.plus(1).first_day().day_number() - 1)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// What a share in a balance rule is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareOf {
    /// Person-quarters of effort.
    Effort,
    /// Money.
    Cost,
    /// Number of initiatives.
    Count,
}

/// Which initiatives a balance rule counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Selector {
    /// Initiatives serving at least one audience of this kind.
    AudienceKind(AudienceKind),
    /// Initiatives serving this audience.
    Audience(Id),
    /// Initiatives of this program.
    Program(Id),
    /// Initiatives of this team.
    Team(Id),
}

/// A rule on the balance of the plan.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BalanceRule {
    /// The selected initiatives matching `selector` take at least (or at most) `share` of the
    /// plan's effort, cost or count.
    Share {
        /// Name for explanations.
        name: String,
        /// Which initiatives count.
        selector: Selector,
        /// Effort, cost or count.
        of: ShareOf,
        /// At least this share (0–1).
        min: Option<f64>,
        /// At most this share (0–1).
        max: Option<f64>,
    },
    /// Every goal is served by at least one selected initiative.
    EachGoal {
        /// Name for explanations.
        name: String,
    },
}

impl BalanceRule {
    /// The rule's name.
    pub fn name(&self) -> &str {
        match self {
            BalanceRule::Share { name, .. } | BalanceRule::EachGoal { name } => name,
        }
    }
}

/// Risk aversion: maximise `(1 − weight) · E[value] + weight · CVaR_alpha[value]`, where CVaR is
/// the mean of the worst `alpha` share of outcomes.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RiskAttitude {
    /// Tail share, e.g. 0.1 for the worst 10%.
    pub alpha: f64,
    /// Weight of the tail, 0 (neutral) to 1 (only the tail counts).
    pub weight: f64,
}

/// The judgement weights that put goals of different units on one scale.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValueFunction {
    /// Name of the common scale.
    pub unit: Option<String>,
    /// Value per unit of each goal.
    pub goals: BTreeMap<Id, f64>,
    /// Value per benefit score point of each non-mission criterion.
    pub criteria: BTreeMap<Criterion, f64>,
}

impl Model {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id.as_str() == id)
    }

    /// Goals, in file order.
    pub fn goals(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.kind == NodeKind::Goal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(Date::parse("2024-10"), Date::new(2024, 10, 1));
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("24-10"), None);
        assert_eq!(Date::parse("2024-1"), None);
        assert_eq!(Date::parse("2024-+1"), None);
        assert_eq!(Date::parse("2024-10-01-01"), None);
    }

    #[test]
    fn day_numbers_round_trip_over_four_centuries() {
        assert_eq!(Date::new(1970, 1, 1).map(Date::day_number), Some(0));
        assert_eq!(Date::new(2000, 3, 1).map(Date::day_number), Some(11_017));
        let mut expected = Date::new(1900, 1, 1).map(Date::day_number).unwrap();
        for year in 1900..2300 {
            for month in 1..=12 {
                for day in 1..=31 {
                    if let Some(d) = Date::new(year, month, day) {
                        assert_eq!(d.day_number(), expected, "{d}");
                        assert_eq!(Date::from_day_number(expected), d);
                        expected += 1;
                    }
                }
            }
        }
    }

    #[test]
    fn weekdays_and_quarters() {
        // 2026-11-26 is a Thursday.
        let d = Date::new(2026, 11, 26).unwrap();
        assert_eq!(d.weekday(), 3);
        assert_eq!(d.quarter().to_string(), "2026Q4");
        let q = Quarter { year: 2024, q: 1 };
        assert_eq!(q.first_day().to_string(), "2024-01-01");
        assert_eq!(q.last_day().to_string(), "2024-03-31");
        assert_eq!(Quarter { year: 2024, q: 4 }.last_day().to_string(), "2024-12-31");
    }
}

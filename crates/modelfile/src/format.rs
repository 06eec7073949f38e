//! The shape of the files people write, as static tables.
//!
//! One description serves three purposes: the decoder uses it to find unknown keys (with "did
//! you mean") and missing required keys, [`crate::schema`] turns it into a JSON Schema for
//! editors, and the reference docs are generated from it. Keeping it in one place is what keeps
//! the three from drifting apart; a test checks that the decoder reads exactly these keys.

use model::Keyword;

/// What a value must look like.
#[derive(Debug)]
pub enum Shape {
    /// One line of free text (a name, a unit, a citation): at most [`MAX_LINE_CHARS`].
    Text,
    /// Free text that may run to paragraphs (a description, a rationale): at most
    /// [`MAX_LONG_CHARS`].
    LongText,
    /// A link: an `http`/`https` address or a path relative to the model folder.
    Url,
    /// An id (`[a-z][a-z0-9_-]*`).
    Id,
    /// A code of the plan's structure (`WE1.1.3`: `[A-Za-z][A-Za-z0-9._-]*`).
    Code,
    /// A number.
    Number,
    /// A number ≥ 0.
    NonNegative,
    /// A number in [0, 1].
    Probability,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, years [`MIN_YEAR`] to [`MAX_YEAR`].
    Date,
    /// A year, [`MIN_YEAR`] to [`MAX_YEAR`].
    Year,
    /// A distribution: a number or a string such as `"2 to 8"` or `"pert(1, 2, 5)"`.
    Distribution,
    /// A Phabricator task id, `T` and digits.
    Tracker,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// A list of values of one shape.
    List(&'static Shape),
    /// A mapping with the listed keys.
    Record(&'static Record),
    /// A mapping from free keys to scalars (request parameters).
    Params,
    /// A mapping from keys to numbers; `Some` restricts the keys.
    NumberMap(Option<&'static [&'static str]>),
    /// Any one of the shapes.
    OneOf(&'static [Shape]),
}

/// The largest magnitude a number may have under one key, and why.
///
/// Each bound sits orders of magnitude above any real plan, so it stops typos, overflow and
/// attacks, never a model: money ≤ a trillion, effort ≤ 100,000 person-quarters (25,000
/// people for a year). Bounds also keep what the engines compute finite (a value is amount ×
/// effect × weight) and the planner's coefficients within the range its solver handles.
#[derive(Debug, PartialEq)]
pub struct Limit {
    /// What the key holds, for messages ("money").
    pub what: &'static str,
    /// The largest magnitude allowed.
    pub max: f64,
}

/// Money, in the model's currency: costs, budgets, SROI proxies.
pub static MONEY: Limit = Limit { what: "money", max: 1e12 };
/// Person-quarters of effort, and people per quarter of capacity.
pub static EFFORT: Limit = Limit { what: "effort or capacity (person-quarters)", max: 1e5 };
/// Change in a link's target per unit change in its source.
pub static EFFECT: Limit = Limit { what: "an effect per unit", max: 1e9 };
/// A count in a node's unit: delivered amounts, SROI quantities.
pub static AMOUNT: Limit = Limit { what: "an amount", max: 1e12 };
/// Measured or computed values: baselines, targets, evaluation results, a saved plan's value.
pub static MEASURE: Limit = Limit { what: "a measured value", max: 1e15 };
/// Judgement weights: value per unit of a goal, per benefit point, equity weights.
pub static WEIGHT: Limit = Limit { what: "a weight", max: 1e9 };
/// Factors that turn a per-period effect into the node's unit.
pub static SCALE: Limit = Limit { what: "a scale factor", max: 1e6 };

/// Longest id, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// Longest one-line text ([`Shape::Text`]), in characters.
pub const MAX_LINE_CHARS: usize = 500;
/// Longest free text ([`Shape::LongText`]), in characters.
pub const MAX_LONG_CHARS: usize = 20_000;
/// Longest link ([`Shape::Url`]), in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// Earliest year a date or an evidence year may name.
pub const MIN_YEAR: i64 = 1800;
/// Latest year a date or an evidence year may name.
pub const MAX_YEAR: i64 = 2200;

/// A mapping with known keys.
#[derive(Debug)]
pub struct Record {
    /// Name used in messages ("a link").
    pub name: &'static str,
    /// What it is for.
    pub doc: &'static str,
    /// Its keys.
    pub fields: &'static [Field],
}

/// One key of a [`Record`].
#[derive(Debug)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// Its value's shape.
    pub shape: Shape,
    /// Whether it must be present.
    pub required: bool,
    /// What it means.
    pub doc: &'static str,
    /// The largest magnitude of its numbers, for numeric keys.
    pub limit: Option<&'static Limit>,
}

impl Field {
    /// The field with a bound on its numbers.
    const fn within(mut self, limit: &'static Limit) -> Self {
        self.limit = Some(limit);
        self
    }
}

impl Record {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

const fn req(key: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field { key, shape, required: true, doc, limit: None }
}

const fn opt(key: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field { key, shape, required: false, doc, limit: None }
}

const IDS: Shape = Shape::List(&Shape::Id);
const CODES: Shape = Shape::List(&Shape::Code);
const TEXTS: Shape = Shape::List(&Shape::Text);
const LONG_TEXTS: Shape = Shape::List(&Shape::LongText);

/// Node levels, bottom to top.
pub const LEVELS: &[&str] = <model::Level as Keyword>::WORDS;
/// Initiative statuses.
pub const STATUSES: &[&str] = <model::Status as Keyword>::WORDS;
/// Non-mission criteria.
pub const CRITERIA: &[&str] = <model::Criterion as Keyword>::WORDS;
/// Evidence strengths, weakest first.
pub const STRENGTHS: &[&str] = <model::Strength as Keyword>::WORDS;
/// Evidence kinds.
pub const EVIDENCE_KINDS: &[&str] = <model::EvidenceKind as Keyword>::WORDS;
/// Strategic directions.
pub const DIRECTIONS: &[&str] = <model::Direction as Keyword>::WORDS;
/// Audience kinds.
pub const AUDIENCE_KINDS: &[&str] = <model::AudienceKind as Keyword>::WORDS;
/// Indicator polarities.
pub const POLARITIES: &[&str] = <model::Polarity as Keyword>::WORDS;
/// Results-Based Accountability questions.
pub const RBA: &[&str] = <model::RbaQuestion as Keyword>::WORDS;
/// Frameworks whose completeness rules `check` can apply.
pub const FRAMEWORKS: &[&str] = <model::Framework as Keyword>::WORDS;
/// What a balance rule's share is measured in.
pub const SHARE_OF: &[&str] = <model::ShareOf as Keyword>::WORDS;
/// What a hypothesis' test found.
pub const HYPOTHESIS_RESULTS: &[&str] = <model::HypothesisResult as Keyword>::WORDS;
/// Data source kinds.
pub const SOURCE_KINDS: &[&str] = <model::SourceKind as Keyword>::WORDS;

/// The manifest's `model` section.
pub static META: Record = Record {
    name: "model description",
    doc: "Name, mission and currency of the model. Only in throughline.yaml.",
    fields: &[
        req("name", Shape::Text, "Display name of the model."),
        opt("organisation", Shape::Text, "The organisation whose plan this is."),
        opt("mission", Shape::LongText, "The mission every goal serves."),
        opt("currency", Shape::Text, "ISO 4217 code of all costs; USD when absent."),
        opt("description", Shape::LongText, "Free text."),
        opt(
            "frameworks",
            Shape::List(&Shape::Enum(FRAMEWORKS)),
            "Frameworks the model reports in; `check` applies their completeness rules.",
        ),
        opt(
            "data",
            Shape::Enum(PROVENANCES),
            "What the model's own figures (effects, amounts, costs) are: measured (default: a real \
             plan's estimates), synthetic or illustrative (made up to demonstrate); every computed \
             output of a made-up model says so.",
        ),
        opt(
            "community_definitions",
            DEFINITIONS,
            "The metric definitions of communities that name none; default `throughline_v1`.",
        ),
    ],
};

/// A program.
pub static PROGRAM: Record = Record {
    name: "program",
    doc: "A coherent body of work with its own logic.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        opt("description", Shape::LongText, "Free text."),
        opt("owner", Shape::Text, "Who answers for the program."),
        opt("audiences", IDS, "Audiences the program serves."),
        opt("external_factors", LONG_TEXTS, "What the program cannot control."),
    ],
};

/// A goal.
pub static GOAL: Record = Record {
    name: "goal",
    doc: "A goal of the strategy: a node at level impact, the top of every chain.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        opt("direction", Shape::Enum(DIRECTIONS), "The strategic direction it serves."),
        opt("recommendation", Shape::Text, "The strategy recommendation it serves."),
        opt("unit", Shape::Text, "What the goal counts; the value function weighs this unit."),
        opt("description", Shape::LongText, "Free text."),
        opt("audiences", IDS, "Who the goal is for."),
        opt("sroi", Shape::Record(&SROI_VALUATION), "How SROI values a change in the goal."),
    ],
};

/// A node.
pub static NODE: Record = Record {
    name: "node",
    doc: "A step in a results chain.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        req("level", Shape::Enum(LEVELS), "Position in the chain."),
        opt("unit", Shape::Text, "What the node counts; needed to quantify links."),
        opt("program", Shape::Id, "Program it belongs to; default: the file's program."),
        opt("audiences", IDS, "Who the change is for."),
        opt("description", Shape::LongText, "Free text."),
        opt("sroi", Shape::Record(&SROI_VALUATION), "How SROI values a change in the node."),
    ],
};

/// How SROI values one outcome.
pub static SROI_VALUATION: Record = Record {
    name: "SROI valuation",
    doc: "The financial proxy of an outcome and what SROI takes off it (shares are 0 to 1 or \
          percentages).",
    fields: &[
        req("proxy", Shape::Distribution, "Value of one unit for one year, in the currency.")
            .within(&MONEY),
        opt("proxy_source", Shape::Text, "Where the proxy comes from."),
        opt("stakeholder", Shape::Id, "Audience who experiences it; default: the node's."),
        opt(
            "quantity",
            Shape::Distribution,
            "Units a year, stated by hand; default: the change the program's initiatives cause.",
        )
        .within(&AMOUNT),
        opt("duration", Shape::Integer, "Years the outcome lasts; default 1."),
        opt("deadweight", Shape::Probability, "Share that would have happened anyway."),
        opt("displacement", Shape::Probability, "Share that displaces value elsewhere."),
        opt("attribution", Shape::Probability, "Share owed to others."),
        opt("drop_off", Shape::Probability, "Share lost each year after the first."),
    ],
};

/// The `sroi` section.
pub static SROI_SETTINGS: Record = Record {
    name: "SROI settings",
    doc: "Model-wide settings of the SROI view.",
    fields: &[opt(
        "discount_rate",
        Shape::Probability,
        "Annual discount rate for present values; default 3.5%.",
    )],
};

/// An assumption written as a mapping.
pub static ASSUMPTION: Record = Record {
    name: "assumption",
    doc: "An assumption with an id, so that it can be referred to.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("text", Shape::LongText, "The assumption in words."),
    ],
};

/// An evidence item.
pub static EVIDENCE: Record = Record {
    name: "evidence item",
    doc: "Support for a link.",
    fields: &[
        req("source", Shape::Text, "Citation."),
        opt("url", Shape::Url, "Where to read it."),
        opt("strength", Shape::Enum(STRENGTHS), "How strong it is."),
        opt("kind", Shape::Enum(EVIDENCE_KINDS), "What kind of evidence it is."),
        opt("year", Shape::Year, "Year of publication or observation."),
        opt(
            "community",
            Shape::Id,
            "A community whose measured outcome is the evidence (`throughline communities`).",
        ),
    ],
};

/// A link.
pub static LINK: Record = Record {
    name: "link",
    doc: "\"from leads to to\", with why, assumptions, evidence and an optional effect.",
    fields: &[
        req("from", Shape::Id, "Source node or goal."),
        req("to", Shape::Id, "Target node or goal."),
        opt("rationale", Shape::LongText, "Why the one leads to the other."),
        opt(
            "assumptions",
            Shape::List(&Shape::OneOf(&[Shape::LongText, Shape::Record(&ASSUMPTION)])),
            "What must hold for the link to work.",
        ),
        opt("evidence", Shape::List(&Shape::Record(&EVIDENCE)), "What supports it."),
        opt("effect", Shape::Distribution, "Change in `to` per unit change in `from`.")
            .within(&EFFECT),
        opt("effect_unit", Shape::Text, "The effect's unit, `TARGET / SOURCE`."),
        opt("probability", Shape::Probability, "Chance the link works at all; default 1."),
        opt("skip_reason", Shape::LongText, "Why a link that skips or inverts levels is right."),
        opt("feedback", Shape::Bool, "Closes a feedback loop: drawn, never quantified."),
    ],
};

/// A quantified delivery.
pub static DELIVERY: Record = Record {
    name: "delivery",
    doc: "A node an initiative realises, with how much of it.",
    fields: &[
        req("node", Shape::Id, "The activity or output realised."),
        opt("amount", Shape::Distribution, "How much of the node, in the node's unit.")
            .within(&AMOUNT),
        opt("probability", Shape::Probability, "Chance the delivery happens at all."),
    ],
};

/// A link a research initiative measures.
pub static INFORM: Record = Record {
    name: "inform",
    doc: "A link whose effect a research initiative (a study, an A/B test, an evaluation) will \
          measure, and how precisely. Name the link by one of its assumptions (`assumption`) or \
          by its two ends (`from` and `to`), not both.",
    fields: &[
        opt(
            "assumption",
            Shape::Id,
            "An assumption's id: the research measures the effect of the link it belongs to.",
        ),
        opt("from", Shape::Id, "With `to`: the source node of the link measured."),
        opt("to", Shape::Id, "With `from`: the target node of the link measured."),
        req(
            "se",
            Shape::NonNegative,
            "The standard error the research will achieve on the link's effect, in the effect's \
             unit (per unit of the source): `sd / sqrt(n)` for n observations of spread sd; 0 is \
             a perfect measurement.",
        )
        .within(&EFFECT),
    ],
};

/// An initiative.
pub static INITIATIVE: Record = Record {
    name: "initiative",
    doc: "A piece of engineering work.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        opt("program", Shape::Id, "Program it belongs to; default: the file's program."),
        req("team", Shape::Id, "Owner team."),
        opt("status", Shape::Enum(STATUSES), "Lifecycle status; default proposed."),
        opt(
            "cost",
            Shape::Distribution,
            "Its full cost in the model's currency; with a team `rate`, effort × rate of it is \
             the team's time.",
        )
        .within(&MONEY),
        opt("effort", Shape::Distribution, "Person-quarters of the owner team.").within(&EFFORT),
        opt("depends_on", IDS, "Initiatives that must come first."),
        opt("excludes", IDS, "Initiatives it cannot be combined with."),
        opt("must_do", Shape::Bool, "Always in the plan (security, legal)."),
        opt("tracker", Shape::List(&Shape::Tracker), "Phabricator task ids."),
        opt("audiences", IDS, "Audiences served."),
        opt("benefits", Shape::NumberMap(Some(CRITERIA)), "Non-mission scores, 0 to 5."),
        opt(
            "delivers",
            Shape::List(&Shape::OneOf(&[Shape::Id, Shape::Record(&DELIVERY)])),
            "The activities and outputs it realises.",
        ),
        opt("description", Shape::LongText, "Free text."),
        opt("deployed", Shape::Date, "When it was deployed; `throughline evaluate` needs it."),
        opt("evaluation", Shape::Record(&EVALUATION_DESIGN), "How it is to be evaluated."),
        opt(
            "inform",
            Shape::List(&Shape::Record(&INFORM)),
            "Links it measures (research, an A/B test, an evaluation); the plan values it by the \
             expected value of the sample information it buys.",
        ),
        opt("hypotheses", CODES, "Hypotheses of the plan's structure it carries (`WE1.1.3`)."),
        opt(
            "ramp_up",
            Shape::Integer,
            "Quarters after shipping until its benefits run at their full rate, 0–20; default: \
             the planning section's `ramp_up`.",
        ),
    ],
};

/// Evaluation methods.
pub const METHODS: &[&str] = <model::EvaluationMethod as Keyword>::WORDS;

/// How an initiative is to be evaluated.
pub static EVALUATION_DESIGN: Record = Record {
    name: "evaluation design",
    doc: "How `throughline evaluate` measures what a shipped initiative did.",
    fields: &[
        req("indicator", Shape::Id, "The indicator expected to move."),
        opt(
            "method",
            Shape::Enum(METHODS),
            "Default: synthetic_did with 10+ comparisons, synthetic_control with 2-9, difference_in_differences with 1, \
             two_group with an experiment file, else interrupted_time_series.",
        ),
        opt(
            "comparisons",
            TEXTS,
            "Series without the change (other wikis), as named in the store.",
        ),
        opt("experiment", Shape::Text, "CSV of `group,value` rows (control / treatment)."),
        opt("level", Shape::Probability, "Confidence level of the interval; default 0.95."),
        opt(
            "scale",
            Shape::NonNegative,
            "Multiplies the per-period effect into the node's unit (52.18 for a weekly series of a yearly quantity); default 1.",
        ).within(&SCALE),
    ],
};

/// A recorded evaluation result.
pub static EVALUATION: Record = Record {
    name: "evaluation",
    doc: "A measured effect, written by `throughline evaluate --write`; it updates the links on the chain it tested.",
    fields: &[
        req("initiative", Shape::Id, "The initiative evaluated."),
        req("indicator", Shape::Id, "The indicator it moved."),
        req("method", Shape::Enum(METHODS), "How the effect was estimated."),
        req("evaluated", Shape::Date, "When."),
        opt("deployed", Shape::Date, "When the change was deployed."),
        req(
            "effect",
            Shape::Number,
            "Average effect per period after deployment, in the indicator's unit.",
        )
        .within(&MEASURE),
        req("se", Shape::NonNegative, "Its standard error.").within(&MEASURE),
        req("low", Shape::Number, "Lower end of the interval.").within(&MEASURE),
        req("high", Shape::Number, "Upper end of the interval.").within(&MEASURE),
        opt("level", Shape::Probability, "Confidence level of the interval; default 0.95."),
        opt("predicted", Shape::Number, "What the model predicted, in the node's unit.")
            .within(&MEASURE),
        opt(
            "scale",
            Shape::NonNegative,
            "Multiplies the per-period effect into the node's unit; default 1.",
        )
        .within(&SCALE),
        opt(
            "data",
            Shape::Enum(PROVENANCES),
            "What the series it was estimated on are: measured (default), synthetic or illustrative. Evidence from synthetic or illustrative data is at most weak and marked.",
        ),
    ],
};

/// Where data come from (`model::Provenance`): measured, or made up.
pub const PROVENANCES: &[&str] = &model::Provenance::WORDS;

/// Community kinds.
pub const COMMUNITY_KINDS: &[&str] = <model::CommunityKind as Keyword>::WORDS;

/// Named community metric definitions.
pub const METRIC_PRESETS: &[&str] = <model::MetricPreset as Keyword>::WORDS;
/// Which wikis' edits count for a person.
pub const METRIC_SCOPES: &[&str] = <model::MetricScope as Keyword>::WORDS;

/// A preset by name, or a record that overrides its parameters.
const DEFINITIONS: Shape =
    Shape::List(&Shape::OneOf(&[Shape::Enum(METRIC_PRESETS), Shape::Record(&DEFINITION)]));

/// A named metric definition with overrides.
pub static DEFINITION: Record = Record {
    name: "community definition",
    doc: "A named metric definition (docs/communities.md, \"Definitions\") and the parameters it overrides; a preset refuses parameters it does not take (TL314).",
    fields: &[
        req("preset", Shape::Enum(METRIC_PRESETS), "The named definition."),
        opt(
            "lookback_days",
            Shape::Integer,
            "Days before the start an account may have been registered and still count as new, 0–3650.",
        ),
        opt(
            "retention_days",
            Shape::List(&Shape::Integer),
            "The retention windows' delays in days, 1–3650 each (7, 30, 60, 182, 365 were asked for); one window each.",
        ),
        opt(
            "min_edits",
            Shape::Integer,
            "Edits within `activation_days` of registration that make a newcomer count (surviving new editor's n), 0–100000.",
        ),
        opt(
            "activation_days",
            Shape::Integer,
            "Days after registration the activation edits are counted in (t1), 1–3650.",
        ),
        opt(
            "retained_edits",
            Shape::Integer,
            "Edits in a window that make a person retained or active (m), 1–100000.",
        ),
        opt(
            "window_days",
            Shape::Integer,
            "Length of the surviving-new-editor window (t3), 1–3650.",
        ),
        opt(
            "scope",
            Shape::Enum(METRIC_SCOPES),
            "Which wikis' edits count after the event: the home wiki, or all wikis by central user id.",
        ),
    ],
};

/// A community measured from the history dumps.
pub static COMMUNITY: Record = Record {
    name: "community",
    doc: "A campaign, event, course, hashtag or category whose activity `throughline communities` measures (docs/communities.md).",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        req("wiki", Shape::Text, "The wiki as the dumps name it, e.g. `commonswiki`, `frwiki`."),
        req("kind", Shape::Enum(COMMUNITY_KINDS), "How members or edits are recognised."),
        opt("members", TEXTS, "User names, for `roster` and `course`."),
        opt("rule", Shape::Text, "The hashtag, edit tag or category, for the other kinds."),
        req("start", Shape::Date, "First day of the window."),
        req("end", Shape::Date, "Last day of the window (inclusive)."),
        opt("cost", Shape::NonNegative, "What it cost, in the model's currency.").within(&MONEY),
        opt("audience", Shape::Id, "The audience it belongs to."),
        opt("description", Shape::LongText, "Free text."),
        opt(
            "data",
            Shape::Enum(PROVENANCES),
            "Whether the community is real (measured, the default) or made up: synthetic or illustrative. Pages and tables mark made-up ones.",
        ),
        opt(
            "definitions",
            DEFINITIONS,
            "The metric definitions it is measured with, side by side: preset names or records with overrides; default: the model's `community_definitions`, else `throughline_v1`.",
        ),
    ],
};

/// An audience.
pub static AUDIENCE: Record = Record {
    name: "audience",
    doc: "Who benefits or takes part.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        req("kind", Shape::Enum(AUDIENCE_KINDS), "Broad end users or an organizing community."),
        opt("equity_weight", Shape::NonNegative, "Weight of a unit of benefit; default 1.")
            .within(&WEIGHT),
        opt("description", Shape::LongText, "Free text."),
    ],
};

/// A baseline or target.
pub static DATED_VALUE: Record = Record {
    name: "dated value",
    doc: "A value at a date.",
    fields: &[
        req("value", Shape::Number, "The value.").within(&MEASURE),
        req("date", Shape::Date, "When: YYYY, YYYY-MM or YYYY-MM-DD."),
        opt("source", Shape::Text, "Where the figure comes from."),
    ],
};

/// An indicator's data source.
pub static DATA_SOURCE: Record = Record {
    name: "data source",
    doc: "Where measurements of an indicator come from.",
    fields: &[
        req("kind", Shape::Enum(SOURCE_KINDS), "Kind of source."),
        opt("metric", Shape::Text, "For wikimedia_rest: the metric family."),
        opt("path", Shape::Text, "For csv: the file, relative to the model folder."),
        opt("params", Shape::Params, "Request parameters."),
    ],
};

/// An indicator.
pub static INDICATOR: Record = Record {
    name: "indicator",
    doc: "How a node is measured.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        req("measures", Shape::Id, "The node or goal it measures."),
        opt("definition", Shape::LongText, "What exactly is counted."),
        opt("unit", Shape::Text, "Unit of the values."),
        opt("direction", Shape::Enum(POLARITIES), "Which way is better; default increase."),
        opt("rba", Shape::Enum(RBA), "The Results-Based Accountability question it answers."),
        opt("baseline", Shape::Record(&DATED_VALUE), "The starting point."),
        opt("target", Shape::Record(&DATED_VALUE), "Where we want to be, by when."),
        opt("source", Shape::Record(&DATA_SOURCE), "Where the data comes from."),
    ],
};

/// A team.
pub static TEAM: Record = Record {
    name: "team",
    doc: "A team and its capacity.",
    fields: &[
        req("id", Shape::Id, "Unique id."),
        req("name", Shape::Text, "Display name."),
        req("capacity", Shape::NonNegative, "People (FTE) available per quarter.").within(&EFFORT),
        opt(
            "rate",
            Shape::NonNegative,
            "Loaded cost of one FTE for a year (salary, benefits, overhead): the part of its \
             initiatives' costs that is the team's time, already paid by its capacity.",
        )
        .within(&MONEY),
    ],
};

/// The value function.
pub static VALUE: Record = Record {
    name: "value function",
    doc: "Judgement weights that put goals of different units on one scale.",
    fields: &[
        opt("unit", Shape::Text, "Name of the common scale."),
        opt("goals", Shape::NumberMap(None), "Value per unit of each goal, by goal id.")
            .within(&WEIGHT),
        opt("criteria", Shape::NumberMap(Some(CRITERIA)), "Value per benefit score point.")
            .within(&WEIGHT),
    ],
};

/// How the annual plan is chosen.
pub static PLANNING: Record = Record {
    name: "planning section",
    doc: "How `throughline plan` chooses the annual plan; once per model.",
    fields: &[
        opt("budget", Shape::NonNegative, "Money available in the plan year.").within(&MONEY),
        opt(
            "cost_percentile",
            Shape::Number,
            "Check the budget against this percentile (1–99) of each cost; default: the mean.",
        ),
        opt("quarters", Shape::Integer, "Quarters in the plan, 1–8; default 4."),
        opt("start", Shape::Text, "First quarter, e.g. 2027Q1."),
        opt(
            "dependency_lag",
            Shape::Integer,
            "Quarters between a dependency's end and its dependant's start: 0 (default) allows \
             the same quarter.",
        ),
        opt("balance", Shape::List(&Shape::Record(&BALANCE_RULE)), "Balance rules."),
        opt("risk", Shape::Record(&RISK), "Risk aversion; risk-neutral when absent."),
        opt(
            "horizon",
            Shape::Integer,
            "Years from the plan's start over which shipped work's benefits count, 0–50; \
             default 3. 0: value does not depend on when work ships.",
        ),
        opt(
            "discount_rate",
            Shape::Probability,
            "Annual discount rate of future benefits; default: the `sroi` section's, else 3.5%.",
        ),
        opt(
            "hiring",
            Shape::Bool,
            "true: the budget may also buy person-quarters beyond a team's capacity at its \
             `rate`; default false: capacity is fixed and already paid.",
        ),
        opt(
            "ramp_up",
            Shape::Integer,
            "Quarters after shipping until benefits run at their full rate (a linear ramp: the \
             first quarter earns 1/(R+1) of it), 0–20; default 0. Needs a `horizon`.",
        ),
        opt(
            "buckets",
            Shape::List(&Shape::Record(&PLAN_BUCKET)),
            "The plan's structure: buckets of objectives, key results and hypotheses.",
        ),
    ],
};

/// A bucket of the plan's structure.
pub static PLAN_BUCKET: Record = Record {
    name: "bucket",
    doc: "A work portfolio of the plan (e.g. Wiki Experiences): objectives under a goal.",
    fields: &[
        req("id", Shape::Code, "Its code, e.g. WE; unique among the plan's codes."),
        req("name", Shape::Text, "Its name."),
        opt("goal", Shape::Id, "The strategy goal it serves."),
        req("objectives", Shape::List(&Shape::Record(&PLAN_OBJECTIVE)), "Its objectives."),
    ],
};

/// An objective of the plan's structure.
pub static PLAN_OBJECTIVE: Record = Record {
    name: "plan objective",
    doc: "An objective of the plan (WE1) with its key results.",
    fields: &[
        req("id", Shape::Code, "Its code, e.g. WE1; unique among the plan's codes."),
        req("name", Shape::Text, "Its title."),
        opt("key_results", Shape::List(&Shape::Record(&PLAN_KEY_RESULT)), "Its key results."),
    ],
};

/// A key result of the plan's structure.
pub static PLAN_KEY_RESULT: Record = Record {
    name: "key result",
    doc: "A key result (WE1.1): an indicator, a baseline and a target, absolute or relative.",
    fields: &[
        req("id", Shape::Code, "Its code, e.g. WE1.1; unique among the plan's codes."),
        opt("name", Shape::Text, "Its statement; default: the indicator's name."),
        req("indicator", Shape::Id, "The indicator it is measured by."),
        opt("baseline", Shape::Number, "Its baseline; default: the indicator's.").within(&MEASURE),
        opt("target", Shape::Number, "Its target as an absolute value.").within(&MEASURE),
        opt(
            "target_change",
            Shape::Number,
            "Its target as a change from the baseline, e.g. +5% (baseline × 1.05); not with \
             `target`. Neither: the indicator's target.",
        )
        .within(&SCALE),
        opt("scope", Shape::Text, "Where it is measured, e.g. a representative set of wikis."),
        opt("hypotheses", Shape::List(&Shape::Record(&HYPOTHESIS)), "Its quarterly hypotheses."),
    ],
};

/// A quarterly hypothesis of the plan's structure.
pub static HYPOTHESIS: Record = Record {
    name: "hypothesis",
    doc: "A quarterly hypothesis (WE1.1.3): what should move the key result, and its test.",
    fields: &[
        req("id", Shape::Code, "Its code, e.g. WE1.1.3; unique among the plan's codes."),
        req("name", Shape::Text, "The hypothesis, in a sentence."),
        req("quarter", Shape::Text, "The quarter it is tested in, e.g. 2027Q3, inside the plan."),
        opt("owner", Shape::Text, "Who answers for it: a team or a person."),
        opt("test", Shape::LongText, "How it is tested."),
        opt("result", Shape::Enum(HYPOTHESIS_RESULTS), "What the test found; default pending."),
    ],
};

/// A balance rule.
pub static BALANCE_RULE: Record = Record {
    name: "balance rule",
    doc: "A share of the plan for some initiatives, or every goal served.",
    fields: &[
        req("name", Shape::Text, "Name used in explanations."),
        opt(
            "audience_kind",
            Shape::Enum(AUDIENCE_KINDS),
            "Counts initiatives serving an audience of this kind.",
        ),
        opt("audience", Shape::Id, "Counts initiatives serving this audience."),
        opt("program", Shape::Id, "Counts initiatives of this program."),
        opt("team", Shape::Id, "Counts initiatives of this team."),
        opt("of", Shape::Enum(SHARE_OF), "Share of effort (default), cost or count."),
        opt("min_share", Shape::Probability, "At least this share of the plan."),
        opt("max_share", Shape::Probability, "At most this share of the plan."),
        opt("each_goal", Shape::Bool, "true: every goal served by a selected initiative."),
    ],
};

/// Risk aversion.
pub static RISK: Record = Record {
    name: "risk attitude",
    doc: "Maximise (1 − weight) · expected value + weight · CVaR: the mean of the worst alpha share.",
    fields: &[
        req("alpha", Shape::Probability, "Tail share, e.g. 10%."),
        req("weight", Shape::Probability, "Weight of the tail, 0 to 1."),
    ],
};

/// A plan written by `throughline plan --write`.
pub static SAVED_PLAN: Record = Record {
    name: "plan",
    doc: "The plan `throughline plan --write` chose; regenerate it rather than editing it.",
    fields: &[
        opt("budget", Shape::NonNegative, "Budget it was solved for.").within(&MONEY),
        opt("value", Shape::Number, "Expected value when written.").within(&MEASURE),
        opt("cost", Shape::NonNegative, "Cost when written.").within(&MONEY),
        opt(
            "schedule",
            Shape::List(&Shape::Record(&SCHEDULED)),
            "Initiatives in the plan with their start quarter.",
        ),
        opt(
            "objectives",
            Shape::List(&Shape::Record(&SAVED_OBJECTIVE)),
            "Goals the plan serves, with their key results.",
        ),
        opt(
            "key_results",
            Shape::List(&Shape::Record(&SAVED_KEY_RESULT)),
            "The structure's key results as the plan expected them.",
        ),
    ],
};

/// A key result of a saved plan.
pub static SAVED_KEY_RESULT: Record = Record {
    name: "saved key result",
    doc: "A key result of the plan's structure as the plan expected it when written.",
    fields: &[
        req("id", Shape::Code, "The key result's code."),
        opt("objective", Shape::Code, "Its objective's code."),
        opt("indicator", Shape::Id, "Its indicator."),
        opt("baseline", Shape::Number, "Baseline in force.").within(&MEASURE),
        opt("target", Shape::Number, "Absolute target in force.").within(&MEASURE),
        opt("expected_change", Shape::Number, "The plan's expected change.").within(&MEASURE),
        opt("p_reached", Shape::Probability, "P(target reached | plan)."),
        opt(
            "hypotheses",
            Shape::List(&Shape::Record(&SAVED_HYPOTHESIS)),
            "Its hypotheses and the plan's initiatives carrying them.",
        ),
    ],
};

/// A hypothesis of a saved plan.
pub static SAVED_HYPOTHESIS: Record = Record {
    name: "saved hypothesis",
    doc: "A hypothesis of the plan's structure and the plan's initiatives carrying it.",
    fields: &[
        req("id", Shape::Code, "The hypothesis' code."),
        opt("quarter", Shape::Text, "Its quarter."),
        opt("initiatives", IDS, "Initiatives in the plan that carry it."),
    ],
};

/// An entry of a saved schedule.
pub static SCHEDULED: Record = Record {
    name: "scheduled initiative",
    doc: "An initiative in the plan and the quarter it starts.",
    fields: &[
        req("initiative", Shape::Id, "The initiative."),
        req("quarter", Shape::Text, "Start quarter: 2027Q1, or Q1 to Q8 without a start."),
    ],
};

/// An objective of a saved plan.
pub static SAVED_OBJECTIVE: Record = Record {
    name: "objective",
    doc: "A goal the plan serves, with its key results.",
    fields: &[
        req("goal", Shape::Id, "The goal."),
        opt("expected_change", Shape::Number, "Expected change when written.").within(&MEASURE),
        opt("key_results", IDS, "Indicators that are its key results."),
    ],
};

/// Check-in decisions.
pub const DECISIONS: &[&str] = <model::Decision as Keyword>::WORDS;
/// Statuses a team may give a key result.
pub const TEAM_STATUSES: &[&str] = <model::TeamStatus as Keyword>::WORDS;

/// A team's note at a check-in.
pub static CHECKIN_NOTE: Record = Record {
    name: "check-in note",
    doc: "What a team said about a key result at a quarter's check-in meeting: the story behind \
          the curve, partners, what works, the decision, and a status when the team's judgement \
          differs from the computed one. Written by the workspace's check-in form; later notes \
          for the same key result and quarter supersede earlier ones.",
    fields: &[
        req("key_result", Shape::Id, "The key result: an indicator."),
        req("quarter", Shape::Text, "The check-in's quarter, e.g. 2026Q3."),
        opt("story", Shape::LongText, "The story behind the curve: what pushes it up or down."),
        opt("partners", Shape::LongText, "Partners with a role to play in turning the curve."),
        opt("what_works", Shape::LongText, "What works: evidence, and what communities do."),
        opt("decision", Shape::Enum(DECISIONS), "The decision: continue, change or stop."),
        opt(
            "status",
            Shape::Enum(TEAM_STATUSES),
            "The team's status, overriding the computed one; needs a `reason`.",
        ),
        opt("reason", Shape::LongText, "Why the team overrides the computed status."),
        opt("author", Shape::Text, "Who wrote the note."),
        opt("date", Shape::Date, "When it was written."),
    ],
};

/// A whole file.
pub static FILE: Record = Record {
    name: "model file",
    doc: "One YAML file of a throughline model.",
    fields: &[
        opt("format_version", Shape::Integer, "Must be 1; required in throughline.yaml."),
        opt("model", Shape::Record(&META), "Only in throughline.yaml."),
        opt("program", Shape::Record(&PROGRAM), "The program this file describes."),
        opt("programs", Shape::List(&Shape::Record(&PROGRAM)), "Further programs."),
        opt("goals", Shape::List(&Shape::Record(&GOAL)), "Goals of the strategy."),
        opt("nodes", Shape::List(&Shape::Record(&NODE)), "Steps of the chains."),
        opt("links", Shape::List(&Shape::Record(&LINK)), "Links between nodes."),
        opt("initiatives", Shape::List(&Shape::Record(&INITIATIVE)), "Engineering work."),
        opt("audiences", Shape::List(&Shape::Record(&AUDIENCE)), "Who benefits or takes part."),
        opt("indicators", Shape::List(&Shape::Record(&INDICATOR)), "How nodes are measured."),
        opt("teams", Shape::List(&Shape::Record(&TEAM)), "Teams and their capacity."),
        opt("value", Shape::Record(&VALUE), "The value function; once per model."),
        opt("sroi", Shape::Record(&SROI_SETTINGS), "SROI settings; once per model."),
        opt("planning", Shape::Record(&PLANNING), "How the annual plan is chosen; once per model."),
        opt("plan", Shape::Record(&SAVED_PLAN), "A plan written by `throughline plan --write`."),
        opt(
            "evaluations",
            Shape::List(&Shape::Record(&EVALUATION)),
            "Results written by `throughline evaluate --write`.",
        ),
        opt(
            "communities",
            Shape::List(&Shape::Record(&COMMUNITY)),
            "Communities measured from the history dumps.",
        ),
        opt(
            "checkins",
            Shape::List(&Shape::Record(&CHECKIN_NOTE)),
            "What teams said at check-in meetings (the workspace's check-in form writes them).",
        ),
    ],
};

/// Every record, for generated references.
pub static ALL_RECORDS: &[&Record] = &[
    &FILE,
    &META,
    &PROGRAM,
    &GOAL,
    &NODE,
    &LINK,
    &ASSUMPTION,
    &EVIDENCE,
    &INITIATIVE,
    &DELIVERY,
    &INFORM,
    &EVALUATION_DESIGN,
    &EVALUATION,
    &COMMUNITY,
    &CHECKIN_NOTE,
    &DEFINITION,
    &AUDIENCE,
    &INDICATOR,
    &DATED_VALUE,
    &DATA_SOURCE,
    &TEAM,
    &VALUE,
    &SROI_VALUATION,
    &SROI_SETTINGS,
    &PLANNING,
    &BALANCE_RULE,
    &RISK,
    &PLAN_BUCKET,
    &PLAN_OBJECTIVE,
    &PLAN_KEY_RESULT,
    &HYPOTHESIS,
    &SAVED_PLAN,
    &SCHEDULED,
    &SAVED_OBJECTIVE,
    &SAVED_KEY_RESULT,
    &SAVED_HYPOTHESIS,
];

impl Shape {
    /// How the shape reads in the reference docs.
    pub fn describe(&self) -> String {
        match self {
            Shape::Text => "text (one line)".into(),
            Shape::LongText => "text".into(),
            Shape::Url => "link (`https://…` or a relative path)".into(),
            Shape::Id => "id".into(),
            Shape::Code => "plan code (`WE1.1`)".into(),
            Shape::Number => "number".into(),
            Shape::NonNegative => "number ≥ 0".into(),
            Shape::Probability => "probability (0–1)".into(),
            Shape::Bool => "true / false".into(),
            Shape::Integer => "whole number".into(),
            Shape::Date => format!("date ({MIN_YEAR}–{MAX_YEAR})"),
            Shape::Year => format!("year ({MIN_YEAR}–{MAX_YEAR})"),
            Shape::Distribution => "distribution".into(),
            Shape::Tracker => "task id (T123)".into(),
            Shape::Enum(words) => {
                words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" \\| ")
            }
            Shape::List(item) => format!("list of {}", item.describe()),
            Shape::Record(r) => format!("[{}](#{})", r.name, r.name.replace(' ', "-")),
            Shape::Params => "mapping of text".into(),
            Shape::NumberMap(Some(keys)) => format!("mapping of {} to numbers", keys.join(", ")),
            Shape::NumberMap(None) => "mapping of ids to numbers".into(),
            Shape::OneOf(shapes) => {
                shapes.iter().map(Shape::describe).collect::<Vec<_>>().join(" or ")
            }
        }
    }
}

/// The key-by-key reference of the format, as committed in `docs/format-reference.md`.
pub fn markdown_reference() -> String {
    let mut s = String::from(
        "# Model format reference\n\n\
         Generated from `crates/modelfile/src/format.rs` by `throughline schema --markdown`; do not\n\
         edit by hand. [format.md](format.md) explains the format with examples.\n",
    );
    for r in ALL_RECORDS {
        s.push_str(&format!(
            "\n## {}\n\n{}\n\n| key | required | value | meaning |\n| --- | --- | --- | --- |\n",
            r.name, r.doc
        ));
        for f in r.fields {
            let bound = f.limit.map_or(String::new(), |l| format!(", at most {:e}", l.max));
            s.push_str(&format!(
                "| `{}` | {} | {}{bound} | {} |\n",
                f.key,
                if f.required { "yes" } else { "" },
                f.shape.describe(),
                f.doc
            ));
        }
    }
    s
}

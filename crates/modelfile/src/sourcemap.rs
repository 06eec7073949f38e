//! Where each model item was written: the bridge from the pure model back to the files.
//!
//! The model knows nothing about files. Every item's spans live here, in vectors parallel to
//! the model's (`map.nodes[i]` is where `model.nodes[i]` was written), like rust-analyzer's
//! source maps. Definitions and references are kept whole so the reference rules can run
//! without re-reading the files.

use model::{Id, PlanCode};
use serde::Serialize;

use crate::source::{SourceFile, Span};

/// The kinds of item that have ids. All ids share one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A program.
    Program,
    /// A goal (a node at level impact).
    Goal,
    /// A node.
    Node,
    /// An initiative.
    Initiative,
    /// An audience.
    Audience,
    /// An indicator.
    Indicator,
    /// A team.
    Team,
    /// An assumption with an id.
    Assumption,
    /// A community.
    Community,
}

impl ItemKind {
    /// "node", "initiative": for messages.
    pub fn word(self) -> &'static str {
        self.noun().split_once(' ').map_or("", |(_, w)| w)
    }

    /// "a node", "an initiative": for messages.
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Program => "a program",
            ItemKind::Goal => "a goal",
            ItemKind::Node => "a node",
            ItemKind::Initiative => "an initiative",
            ItemKind::Audience => "an audience",
            ItemKind::Indicator => "an indicator",
            ItemKind::Team => "a team",
            ItemKind::Assumption => "an assumption",
            ItemKind::Community => "a community",
        }
    }
}

/// An id being defined.
#[derive(Clone, Debug)]
pub struct Definition {
    /// The id.
    pub id: Id,
    /// What it names.
    pub kind: ItemKind,
    /// Where the id is written.
    pub span: Span,
}

/// An id being used.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The id.
    pub id: Id,
    /// What it may name.
    pub expected: &'static [ItemKind],
    /// Where it is written.
    pub span: Span,
    /// The key it is written under, for messages.
    pub field: &'static str,
}

/// The kinds of item of the plan's structure. Their codes (`WE1.1`) share one namespace of
/// their own, apart from ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// A bucket (`WE`).
    Bucket,
    /// An objective (`WE1`).
    Objective,
    /// A key result (`WE1.1`).
    KeyResult,
    /// A hypothesis (`WE1.1.3`).
    Hypothesis,
}

impl PlanKind {
    /// "key result": for messages.
    pub fn word(self) -> &'static str {
        self.noun().split_once(' ').map_or("", |(_, w)| w)
    }

    /// "a key result": for messages.
    pub fn noun(self) -> &'static str {
        match self {
            PlanKind::Bucket => "a bucket",
            PlanKind::Objective => "an objective",
            PlanKind::KeyResult => "a key result",
            PlanKind::Hypothesis => "a hypothesis",
        }
    }
}

/// An item of the plan's structure being defined, with where it was written.
#[derive(Clone, Debug)]
pub struct PlanDefinition {
    /// Its code.
    pub code: PlanCode,
    /// What it is.
    pub kind: PlanKind,
    /// Its spans (item and keys).
    pub spans: ItemSpans,
}

/// A code of the plan's structure being used (by an initiative or a saved plan).
#[derive(Clone, Debug)]
pub struct PlanReference {
    /// The code.
    pub code: PlanCode,
    /// What it must name.
    pub expected: PlanKind,
    /// Where it is written.
    pub span: Span,
    /// The key it is written under, for messages.
    pub field: &'static str,
}

/// Spans of one item: its first line, and the value of each key present.
#[derive(Clone, Debug)]
pub struct ItemSpans {
    /// The item's first key, which is where item-wide problems are shown.
    pub item: Span,
    /// `(key, span of its value)` for every key written.
    pub fields: Vec<(&'static str, Span)>,
}

impl ItemSpans {
    /// The span of a key's value, or of the item when the key is absent.
    pub fn field(&self, key: &str) -> Span {
        self.fields.iter().find(|(k, _)| *k == key).map_or(self.item, |(_, s)| *s)
    }
}

/// Where everything in a model was written.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// The files, indexed by [`crate::FileId`].
    pub files: Vec<SourceFile>,
    /// Every id definition, in file order.
    pub definitions: Vec<Definition>,
    /// Every id reference, in file order.
    pub references: Vec<Reference>,
    /// Parallel to `Model::programs`.
    pub programs: Vec<ItemSpans>,
    /// Parallel to `Model::nodes`.
    pub nodes: Vec<ItemSpans>,
    /// Parallel to `Model::nodes`: where each node's `sroi` valuation was written.
    pub node_sroi: Vec<Option<ItemSpans>>,
    /// Parallel to `Model::links`.
    pub links: Vec<ItemSpans>,
    /// Parallel to `Model::initiatives`.
    pub initiatives: Vec<ItemSpans>,
    /// Parallel to each initiative's `delivers`: the span of each delivery.
    pub deliveries: Vec<Vec<Span>>,
    /// Parallel to each initiative's `inform`: where each entry was written.
    pub informs: Vec<Vec<ItemSpans>>,
    /// Parallel to `Model::audiences`.
    pub audiences: Vec<ItemSpans>,
    /// Parallel to `Model::indicators`.
    pub indicators: Vec<ItemSpans>,
    /// Parallel to `Model::teams`.
    pub teams: Vec<ItemSpans>,
    /// The value function, if written.
    pub value: Option<ItemSpans>,
    /// The `sroi` settings, if written.
    pub sroi: Option<ItemSpans>,
    /// The `planning` section, if written.
    pub planning: Option<ItemSpans>,
    /// Every item of the plan's structure (`planning.buckets`), depth first in written order.
    pub plan_items: Vec<PlanDefinition>,
    /// Every use of a plan code outside the structure (initiatives' `hypotheses`, a saved plan).
    pub plan_references: Vec<PlanReference>,
    /// Parallel to `Model::evaluations`.
    pub evaluations: Vec<ItemSpans>,
    /// Parallel to `Model::checkins`.
    pub checkins: Vec<ItemSpans>,
}

impl SourceMap {
    /// Where the first item of the plan's structure with this kind and code was written.
    pub fn plan_item(&self, kind: PlanKind, code: &PlanCode) -> Option<&ItemSpans> {
        self.plan_items.iter().find(|d| d.kind == kind && &d.code == code).map(|d| &d.spans)
    }

    /// The file a span points into.
    pub fn file(&self, span: Span) -> &SourceFile {
        &self.files[span.file.0 as usize]
    }
}

//! Where each model item was written: the bridge from the pure model back to the files.
//!
//! The model knows nothing about files. Every item's spans live here, in vectors parallel to
//! the model's (`map.nodes[i]` is where `model.nodes[i]` was written), like rust-analyzer's
//! source maps. Definitions and references are kept whole so the reference rules can run
//! without re-reading the files.

use model::Id;
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
    /// Parallel to `Model::evaluations`.
    pub evaluations: Vec<ItemSpans>,
}

impl SourceMap {
    /// The file a span points into.
    pub fn file(&self, span: Span) -> &SourceFile {
        &self.files[span.file.0 as usize]
    }
}

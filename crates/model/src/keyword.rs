//! Enums written in model files as one word. Each enum's words are listed once, here, next to
//! its variants: the format's tables, the decoder and the JSON Schema all read them from
//! [`Keyword::WORDS`], so a word can never decode to the wrong variant or fall through to a
//! default.

/// An enum written as one word in model files.
pub trait Keyword: Copy + Sized + 'static {
    /// Every variant with its word, in the order the format documents them.
    const TABLE: &'static [(Self, &'static str)];
    /// The words, in the same order (the format's table of allowed values).
    const WORDS: &'static [&'static str];

    /// The variant a word names, if any (exact match: files are case-sensitive).
    fn from_word(word: &str) -> Option<Self> {
        Self::TABLE.iter().find(|(_, w)| *w == word).map(|(v, _)| *v)
    }
}

/// Implements [`Keyword`] from one list of `Variant => "word"` pairs, and a `word()` method.
macro_rules! keywords {
    ($t:ident { $($v:ident => $w:literal),+ $(,)? }) => {
        impl $crate::keyword::Keyword for $t {
            const TABLE: &'static [(Self, &'static str)] = &[$(($t::$v, $w)),+];
            const WORDS: &'static [&'static str] = &[$($w),+];
        }
        impl $t {
            /// The word written in model files.
            pub fn word(self) -> &'static str {
                match self {
                    $($t::$v => $w),+
                }
            }
        }
    };
}

use crate::Level;
use crate::items::{
    AudienceKind, CommunityKind, Criterion, Direction, EvaluationMethod, EvidenceKind, Framework,
    HypothesisResult, MetricPreset, MetricScope, Polarity, RbaQuestion, ShareOf, SourceKind,
    Status, Strength,
};
use crate::items::{Decision, TeamStatus};

keywords!(Level {
    Input => "input",
    Activity => "activity",
    Output => "output",
    OutcomeShort => "outcome_short",
    OutcomeIntermediate => "outcome_intermediate",
    OutcomeLong => "outcome_long",
    Impact => "impact",
});
keywords!(Criterion {
    Security => "security",
    Reliability => "reliability",
    Maintainability => "maintainability",
    Performance => "performance",
});
keywords!(Framework {
    LogicModel => "logic_model",
    TheoryOfChange => "theory_of_change",
    Logframe => "logframe",
    Rba => "rba",
    Imp => "imp",
    Sroi => "sroi",
});
keywords!(EvaluationMethod {
    InterruptedTimeSeries => "interrupted_time_series",
    DifferenceInDifferences => "difference_in_differences",
    SyntheticControl => "synthetic_control",
    SyntheticControlClassic => "synthetic_control_classic",
    SyntheticDid => "synthetic_did",
    TwoGroup => "two_group",
});
keywords!(CommunityKind {
    Roster => "roster",
    Course => "course",
    Hashtag => "hashtag",
    Tag => "tag",
    Category => "category",
});

keywords!(MetricPreset {
    ThroughlineV1 => "throughline_v1",
    EventMetrics => "event_metrics",
    GrantMetrics2017 => "grant_metrics_2017",
    Dashboard => "dashboard",
    SurvivingNewEditor => "surviving_new_editor",
    RollingNewActiveEditor => "rolling_new_active_editor",
    GlobalMetrics2014 => "global_metrics_2014",
});
keywords!(MetricScope { HomeWiki => "home_wiki", AllWikis => "all_wikis" });

keywords!(Status {
    Proposed => "proposed",
    Planned => "planned",
    InProgress => "in_progress",
    Shipped => "shipped",
    Evaluated => "evaluated",
    Cancelled => "cancelled",
});
keywords!(Strength { Anecdotal => "anecdotal", Weak => "weak", Moderate => "moderate", Strong => "strong" });
keywords!(EvidenceKind {
    Evaluation => "evaluation",
    Research => "research",
    Data => "data",
    Expert => "expert",
    Analogy => "analogy",
});
keywords!(Direction {
    KnowledgeAsAService => "knowledge_as_a_service",
    KnowledgeEquity => "knowledge_equity",
    Both => "both",
});
keywords!(AudienceKind { EndUsers => "end_users", OrganizingCommunity => "organizing_community" });
keywords!(Polarity { Increase => "increase", Decrease => "decrease" });
keywords!(RbaQuestion { HowMuch => "how_much", HowWell => "how_well", BetterOff => "better_off" });
keywords!(HypothesisResult {
    Pending => "pending",
    Confirmed => "confirmed",
    Rejected => "rejected",
    Inconclusive => "inconclusive",
});
keywords!(Decision { Continue => "continue", Change => "change", Stop => "stop" });
keywords!(TeamStatus {
    Met => "met",
    OnTrack => "on_track",
    AtRisk => "at_risk",
    OffTrack => "off_track",
    NoData => "no_data",
});
keywords!(ShareOf { Effort => "effort", Cost => "cost", Count => "count" });
keywords!(SourceKind {
    WikimediaRest => "wikimedia_rest",
    Csv => "csv",
    Phabricator => "phabricator",
    Manual => "manual",
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The words are the serialised names too (JSON output and files agree), and each word
    /// decodes to its own variant.
    fn round_trips<T: Keyword + serde::Serialize + PartialEq + std::fmt::Debug>() {
        assert_eq!(T::TABLE.len(), T::WORDS.len());
        for ((v, w), word) in T::TABLE.iter().zip(T::WORDS) {
            assert_eq!(w, word);
            assert_eq!(T::from_word(w), Some(*v));
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(*w));
        }
        assert_eq!(T::from_word("no such word"), None);
    }

    #[test]
    fn every_keyword_round_trips() {
        round_trips::<Status>();
        round_trips::<Decision>();
        round_trips::<TeamStatus>();
        round_trips::<Strength>();
        round_trips::<EvidenceKind>();
        round_trips::<Direction>();
        round_trips::<AudienceKind>();
        round_trips::<Polarity>();
        round_trips::<RbaQuestion>();
        round_trips::<ShareOf>();
        round_trips::<SourceKind>();
        round_trips::<Level>();
        round_trips::<Criterion>();
        round_trips::<Framework>();
        round_trips::<EvaluationMethod>();
        round_trips::<CommunityKind>();
        round_trips::<MetricPreset>();
        round_trips::<MetricScope>();
        round_trips::<HypothesisResult>();
    }
}

use std::fmt;

use serde::Serialize;

/// Where a node sits in a results chain, from resources at the bottom to impact at the top.
///
/// One model, several vocabularies: the frameworks name these levels differently (a theory of
/// change says *preconditions*, a logframe says *purpose*), but the order is shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Resources: money, people, infrastructure.
    Input,
    /// What the work does.
    Activity,
    /// What the work produces, directly countable.
    Output,
    /// Short-term change in people or communities.
    OutcomeShort,
    /// Intermediate change.
    OutcomeIntermediate,
    /// Long-term change.
    OutcomeLong,
    /// The goal: the top of every chain.
    Impact,
}

impl Level {
    /// Every level, bottom to top.
    pub const ALL: [Level; 7] = [
        Level::Input,
        Level::Activity,
        Level::Output,
        Level::OutcomeShort,
        Level::OutcomeIntermediate,
        Level::OutcomeLong,
        Level::Impact,
    ];

    /// The logic-model step: input 0, activity 1, output 2, any outcome 3, impact 4.
    ///
    /// The three outcome tiers share a step because a chain may legitimately go from an output
    /// straight to a long-term outcome; skipping is judged on steps, ordering on levels.
    pub fn step(self) -> u8 {
        match self {
            Level::Input => 0,
            Level::Activity => 1,
            Level::Output => 2,
            Level::OutcomeShort | Level::OutcomeIntermediate | Level::OutcomeLong => 3,
            Level::Impact => 4,
        }
    }

    /// True for the three outcome tiers.
    pub fn is_outcome(self) -> bool {
        self.step() == 3
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

//! The named metric definitions (`docs/communities.md`, "Definitions"): who counts as new and
//! who as retained or active, for throughline's own version 1 and for the tools organisers
//! already report with (Event Metrics, the grant metrics of 2017, the Programs & Events
//! Dashboard, WMF research's surviving and rolling new active editors, Global Metrics 2014).
//!
//! Every preset is lowered here into one shape, [`Definition`]: a look-back for "new", an
//! optional activation rule, and a list of [`Window`]s. Both engines read only that shape —
//! `metrics.rs` loops over it and `metrics.sql` joins the `windows` table written from it — so a
//! preset's meaning is stated once, in [`Definition::of`], and the engines cannot drift apart
//! per preset.

use serde::Serialize;

use model::{CommunityDefinition, MetricPreset, MetricScope};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// Whose behaviour a window counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cohort {
    /// The community's new contributors.
    New,
    /// Every participant (Global Metrics' "active editors").
    Participants,
}

impl Cohort {
    /// The word the SQL's `windows` table holds.
    pub fn word(self) -> &'static str {
        match self {
            Cohort::New => "new",
            Cohort::Participants => "participants",
        }
    }
}

/// The moment a window's offsets are counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The person's first community edit in the window.
    FirstEdit,
    /// The person's registration (only for the new cohort: everyone in it has one).
    Registration,
    /// The community's start (00:00 of its first day).
    Start,
    /// The community's end (00:00 after its last day).
    End,
}

impl Anchor {
    /// The word the SQL's `windows` table holds.
    pub fn word(self) -> &'static str {
        match self {
            Anchor::FirstEdit => "first_edit",
            Anchor::Registration => "registration",
            Anchor::Start => "start",
            Anchor::End => "end",
        }
    }
}

/// One retention (or activity) window: a person of the cohort counts when they made at least
/// `min_edits` non-bot edits at times `t` with `anchor + from < t <= anchor + to` (seconds),
/// in `namespace` (any when `None`), on the community's wiki or, with `all_wikis`, on any
/// wiki under the same central user id. `to: None` runs to the end of the data (the report
/// date). A window is observed once it closed before the end of the data (`anchor + to <
/// coverage end`; open windows: once it has begun, `anchor + from < coverage end - 1`);
/// before that the person is pending (censored), never "not retained".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Short key (`month2`, `after_7d`), as in the exports' column names.
    pub key: String,
    /// How people read it.
    pub label: String,
    /// Whose behaviour.
    pub cohort: Cohort,
    /// Counted from.
    pub anchor: Anchor,
    /// Start offset in seconds, exclusive.
    pub from: i64,
    /// End offset in seconds, inclusive; `None`: to the end of the data.
    pub to: Option<i64>,
    /// Edits needed.
    pub min_edits: i64,
    /// The namespace edits must be in, if restricted (0: main).
    pub namespace: Option<i64>,
    /// Edits on every wiki count (matched by central user id).
    pub all_wikis: bool,
}

/// A definition lowered to what the engines run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Definition {
    /// The preset.
    pub preset: MetricPreset,
    /// The preset's word (`event_metrics`).
    pub key: &'static str,
    /// Its display name.
    pub name: &'static str,
    /// Version of throughline's implementation of it: bumped whenever its meaning changes, so
    /// two numbers with the same name and version are comparable.
    pub version: u32,
    /// Where the definition is published.
    pub source: &'static str,
    /// New: registered at or after `start - lookback` (seconds) and before the end.
    pub lookback: i64,
    /// New also needs at least this many edits on the home wiki in `[registration,
    /// registration + activation_secs]` (0: no such requirement).
    pub activation_edits: i64,
    /// The activation period, seconds.
    pub activation_secs: i64,
    /// The windows, in output order.
    pub windows: Vec<Window>,
    /// The window costs are divided by and positive deviance ranks on, if any.
    pub headline: Option<usize>,
    /// The parameters as the model file states them (defaults filled in), for output headers.
    pub parameters: Vec<(&'static str, String)>,
}

/// Why a definition's overrides cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// The preset has no such parameter.
    #[error("{preset} has no parameter `{key}`; it takes {takes}")]
    NotApplicable {
        /// The preset's word.
        preset: &'static str,
        /// The parameter.
        key: &'static str,
        /// What it does take.
        takes: String,
    },
    /// A parameter outside its range.
    #[error("`{key}` is {value}; it must be {range}")]
    OutOfRange {
        /// The parameter.
        key: &'static str,
        /// Its value.
        value: i64,
        /// The range, in words.
        range: &'static str,
    },
}

/// throughline's own version-1 windows after the first edit: `(key, label, from, to)` in days.
pub const V1_WINDOWS: [(&str, &str, i64, i64); 5] = [
    ("d7", "7 days", 1, 7),
    ("d30", "30 days", 1, 30),
    ("month2", "second month", 30, 60),
    ("month6", "6 months", 180, 210),
    ("year1", "1 year", 365, 395),
];

/// Index of the second-month window in [`V1_WINDOWS`].
pub const V1_SECOND_MONTH: usize = 2;

/// Display name, source and version of a preset.
fn about(preset: MetricPreset) -> (&'static str, &'static str, u32) {
    match preset {
        MetricPreset::ThroughlineV1 => ("throughline v1", "docs/communities.md", 1),
        MetricPreset::EventMetrics => (
            "Event Metrics",
            "https://meta.wikimedia.org/wiki/Event_Metrics/Definition_of_metrics",
            1,
        ),
        MetricPreset::GrantMetrics2017 => (
            "Grant metrics 2017 (newly registered)",
            "https://meta.wikimedia.org/wiki/Grants:Metrics",
            1,
        ),
        MetricPreset::Dashboard => (
            "Programs & Events Dashboard",
            "https://meta.wikimedia.org/wiki/Programs_%26_Events_Dashboard",
            1,
        ),
        MetricPreset::SurvivingNewEditor => (
            "Surviving new editor",
            "https://meta.wikimedia.org/wiki/Research:Surviving_new_editor",
            1,
        ),
        MetricPreset::RollingNewActiveEditor => (
            "Rolling new active editor",
            "https://meta.wikimedia.org/wiki/Research:Rolling_new_active_editor",
            1,
        ),
        MetricPreset::GlobalMetrics2014 => (
            "Global Metrics 2014",
            "https://meta.wikimedia.org/wiki/Grants:Learning_patterns/Global_metrics",
            1,
        ),
    }
}

fn check(
    key: &'static str,
    value: i64,
    lo: i64,
    hi: i64,
    range: &'static str,
) -> Result<i64, DefinitionError> {
    if value < lo || value > hi {
        return Err(DefinitionError::OutOfRange { key, value, range });
    }
    Ok(value)
}

impl Definition {
    /// throughline's own version 1 (the default).
    pub fn v1() -> Definition {
        // The preset without overrides cannot fail.
        Definition::of(&CommunityDefinition::preset(MetricPreset::ThroughlineV1))
            .unwrap_or_else(|_| unreachable!("v1 has no overrides"))
    }

    /// A preset with its overrides, lowered; an override the preset does not take, or one out
    /// of range, is an error (the model checker reports it with its position, TL314).
    pub fn of(d: &CommunityDefinition) -> Result<Definition, DefinitionError> {
        let preset = d.preset;
        let takes = preset.parameters();
        let given: [(&'static str, bool); 7] = [
            ("lookback_days", d.lookback_days.is_some()),
            ("retention_days", !d.retention_days.is_empty()),
            ("min_edits", d.min_edits.is_some()),
            ("activation_days", d.activation_days.is_some()),
            ("retained_edits", d.retained_edits.is_some()),
            ("window_days", d.window_days.is_some()),
            ("scope", d.scope.is_some()),
        ];
        for (key, present) in given {
            if present && !takes.contains(&key) {
                let takes = if takes.is_empty() {
                    "none".to_string()
                } else {
                    takes.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                };
                return Err(DefinitionError::NotApplicable { preset: preset.word(), key, takes });
            }
        }
        let days = |v: i64| check("retention_days", v, 1, 3650, "1 to 3650 days");
        let retention: Vec<i64> =
            d.retention_days.iter().map(|&v| days(v)).collect::<Result<_, _>>()?;
        let retention_or =
            |default: i64| if retention.is_empty() { vec![default] } else { retention.clone() };
        let lookback = |default: i64| -> Result<i64, DefinitionError> {
            check("lookback_days", d.lookback_days.unwrap_or(default), 0, 3650, "0 to 3650 days")
        };
        let retained = |default: i64| -> Result<i64, DefinitionError> {
            check(
                "retained_edits",
                d.retained_edits.unwrap_or(default),
                1,
                100_000,
                "1 to 100000 edits",
            )
        };
        let scope = |default: MetricScope| d.scope.unwrap_or(default) == MetricScope::AllWikis;
        let (name, source, version) = about(preset);
        let mut def = Definition {
            preset,
            key: preset.word(),
            name,
            version,
            source,
            lookback: 0,
            activation_edits: 0,
            activation_secs: 0,
            windows: Vec::new(),
            headline: None,
            parameters: Vec::new(),
        };
        let mut params: Vec<(&'static str, String)> = Vec::new();
        let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
        match preset {
            MetricPreset::ThroughlineV1 => {
                def.lookback = lookback(0)? * DAY;
                params.push(("lookback_days", (def.lookback / DAY).to_string()));
                for (key, label, from, to) in V1_WINDOWS {
                    def.windows.push(Window {
                        key: key.into(),
                        label: label.into(),
                        cohort: Cohort::New,
                        anchor: Anchor::FirstEdit,
                        from: from * DAY,
                        to: Some(to * DAY),
                        min_edits: 1,
                        namespace: None,
                        all_wikis: false,
                    });
                }
                def.headline = Some(V1_SECOND_MONTH);
            }
            MetricPreset::EventMetrics | MetricPreset::Dashboard => {
                let event = preset == MetricPreset::EventMetrics;
                def.lookback = lookback(if event { 14 } else { 0 })? * DAY;
                let after = retention_or(7);
                let m = retained(1)?;
                let all = scope(if event { MetricScope::AllWikis } else { MetricScope::HomeWiki });
                for &n in &after {
                    def.windows.push(Window {
                        key: format!("after_{n}d"),
                        label: format!("from end + {n} d"),
                        cohort: Cohort::New,
                        anchor: Anchor::End,
                        // At or after end + n days: the offset is exclusive, one second before.
                        from: n * DAY - 1,
                        to: None,
                        min_edits: m,
                        namespace: if event { None } else { Some(0) },
                        all_wikis: all,
                    });
                }
                def.headline = Some(0);
                params.push(("lookback_days", (def.lookback / DAY).to_string()));
                params.push(("retention_days", list(&after)));
                params.push(("retained_edits", m.to_string()));
                params.push(("scope", if all { "all_wikis" } else { "home_wiki" }.into()));
                params.push(("namespace", if event { "any" } else { "main" }.into()));
            }
            MetricPreset::GrantMetrics2017 => {
                def.lookback = lookback(14)? * DAY;
                params.push(("lookback_days", (def.lookback / DAY).to_string()));
            }
            MetricPreset::SurvivingNewEditor => {
                let n =
                    check("min_edits", d.min_edits.unwrap_or(1), 0, 100_000, "0 to 100000 edits")?;
                let t1 = check(
                    "activation_days",
                    d.activation_days.unwrap_or(1),
                    1,
                    3650,
                    "1 to 3650 days",
                )?;
                let t3 =
                    check("window_days", d.window_days.unwrap_or(30), 1, 3650, "1 to 3650 days")?;
                let m = retained(1)?;
                let all = scope(MetricScope::HomeWiki);
                let t2s = retention_or(30);
                def.activation_edits = n;
                def.activation_secs = t1 * DAY;
                for &t2 in &t2s {
                    def.windows.push(Window {
                        key: format!("surviving_{t2}d"),
                        label: format!("registration + {t2} d to + {} d", t2 + t3),
                        cohort: Cohort::New,
                        anchor: Anchor::Registration,
                        // [T + t2, T + t2 + t3], closed at both ends.
                        from: t2 * DAY - 1,
                        to: Some((t2 + t3) * DAY),
                        min_edits: m,
                        namespace: None,
                        all_wikis: all,
                    });
                }
                def.headline = Some(0);
                params.push(("min_edits", n.to_string()));
                params.push(("activation_days", t1.to_string()));
                params.push(("retention_days", list(&t2s)));
                params.push(("window_days", t3.to_string()));
                params.push(("retained_edits", m.to_string()));
                params.push(("scope", if all { "all_wikis" } else { "home_wiki" }.into()));
            }
            MetricPreset::RollingNewActiveEditor => {
                let m = retained(5)?;
                let all = scope(MetricScope::HomeWiki);
                let within = retention_or(30);
                for &n in &within {
                    def.windows.push(Window {
                        key: format!("active_{n}d"),
                        label: format!("≥{m} edits within {n} d of registration"),
                        cohort: Cohort::New,
                        anchor: Anchor::Registration,
                        // [T, T + n days).
                        from: -1,
                        to: Some(n * DAY - 1),
                        min_edits: m,
                        namespace: None,
                        all_wikis: all,
                    });
                }
                def.headline = Some(0);
                params.push(("retention_days", list(&within)));
                params.push(("retained_edits", m.to_string()));
                params.push(("scope", if all { "all_wikis" } else { "home_wiki" }.into()));
            }
            MetricPreset::GlobalMetrics2014 => {
                def.lookback = lookback(14)? * DAY;
                let m = retained(5)?;
                let all = scope(MetricScope::HomeWiki);
                let before = retention_or(30);
                for &n in &before {
                    def.windows.push(Window {
                        key: format!("active_before_{n}d"),
                        label: format!("active editors (≥{m} edits in the {n} d before the start)"),
                        cohort: Cohort::Participants,
                        anchor: Anchor::Start,
                        // [start - n days, start).
                        from: -n * DAY - 1,
                        to: Some(-1),
                        min_edits: m,
                        namespace: None,
                        all_wikis: all,
                    });
                }
                params.push(("lookback_days", (def.lookback / DAY).to_string()));
                params.push(("retention_days", list(&before)));
                params.push(("retained_edits", m.to_string()));
                params.push(("scope", if all { "all_wikis" } else { "home_wiki" }.into()));
            }
        }
        def.parameters = params;
        Ok(def)
    }

    /// `Event Metrics (event_metrics, throughline implementation v1)`: how every output names
    /// the definition.
    pub fn title(&self) -> String {
        format!("{} ({}, v{})", self.name, self.key, self.version)
    }

    /// The parameters as `key=value` pairs separated by `; `, for export headers.
    pub fn parameter_text(&self) -> String {
        self.parameters.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_preset_lowers_with_its_defaults() {
        for p in MetricPreset::ALL {
            let d = Definition::of(&CommunityDefinition::preset(p)).unwrap();
            assert_eq!(d.key, p.word());
            assert!(d.headline.is_none_or(|h| h < d.windows.len()), "{p:?}");
            for w in &d.windows {
                assert!(w.to.is_none_or(|to| to > w.from), "{p:?} {}", w.key);
            }
        }
        let v1 = Definition::v1();
        assert_eq!(v1.windows.len(), 5);
        assert_eq!(v1.windows[V1_SECOND_MONTH].key, "month2");
    }

    #[test]
    fn an_override_the_preset_does_not_take_is_refused() {
        let mut d = CommunityDefinition::preset(MetricPreset::GrantMetrics2017);
        d.retention_days = vec![30];
        let err = Definition::of(&d).unwrap_err().to_string();
        assert_eq!(
            err,
            "grant_metrics_2017 has no parameter `retention_days`; it takes `lookback_days`"
        );
        let mut d = CommunityDefinition::preset(MetricPreset::EventMetrics);
        d.retention_days = vec![0];
        assert!(Definition::of(&d).unwrap_err().to_string().contains("1 to 3650 days"));
    }

    #[test]
    fn overrides_make_one_window_per_delay() {
        let mut d = CommunityDefinition::preset(MetricPreset::EventMetrics);
        d.retention_days = vec![7, 30, 60, 182, 365];
        let d = Definition::of(&d).unwrap();
        let keys: Vec<&str> = d.windows.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["after_7d", "after_30d", "after_60d", "after_182d", "after_365d"]);
        assert_eq!(
            d.parameter_text(),
            "lookback_days=14; retention_days=7 30 60 182 365; retained_edits=1; scope=all_wikis; namespace=any"
        );
    }
}

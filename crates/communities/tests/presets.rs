//! Every named definition on the planted dump of `synthetic::presets`, with the answers worked
//! out by hand from the rows (their comments say which person sits on which edge). The lake's
//! tests hold DataFusion (and CI's Spark run) to these same reference counts.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use communities::definition::Definition;
use communities::dump::read;
use communities::metrics::{Data, Metrics, Outcome, Retention};
use model::{CommunityDefinition, MetricPreset, MetricScope};
use synthetic::dumps::line;
use synthetic::presets;

fn data() -> Data {
    let text = presets::rows().iter().map(line).collect::<Vec<_>>().join("\n");
    let edits = read(text.as_bytes()).unwrap();
    let end = presets::coverage_end();
    Data {
        edits,
        coverage: [(presets::HOME.to_string(), end), (presets::OTHER.to_string(), end)].into(),
        ..Data::default()
    }
}

/// The main event's and the late event's counts under a definition.
fn measure(d: &CommunityDefinition) -> (Metrics, Metrics) {
    let def = Definition::of(d).unwrap();
    let data = data();
    let [event, late] = &presets::communities(&def)[..] else { panic!("two communities") };
    let get = |o: Outcome| match o {
        Outcome::Measured { metrics, .. } => metrics,
        Outcome::Missing => panic!("missing"),
    };
    (get(data.metrics(event)), get(data.metrics(late)))
}

fn preset(p: MetricPreset) -> CommunityDefinition {
    CommunityDefinition::preset(p)
}

fn r(observed: u64, retained: u64, pending: u64) -> Retention {
    Retention { observed, retained, pending }
}

#[test]
fn participants_are_the_same_under_every_definition() {
    for p in MetricPreset::ALL {
        let (event, late) = measure(&preset(p));
        // u1, u2, u3, u5, u6, u7, u8, u11, u12, u13, u15; the bot is not a participant.
        assert_eq!(event.participants, 11, "{p:?}");
        assert_eq!(late.participants, 1, "{p:?}");
    }
}

#[test]
fn event_metrics_looks_back_14_days_and_counts_any_wiki_from_end_plus_7_days() {
    let (event, late) = measure(&preset(MetricPreset::EventMetrics));
    // New: u1 (registered exactly 14 d before) and u3, u5, u6, u7, u8, u12, u13, u15; not u2
    // (a second earlier).
    assert_eq!(event.new_contributors, 9);
    // Back at or after end + 7 d on any wiki: u3 (+8 d, talk page), u5 (+8 d), u6 (other wiki,
    // same global account), u7 (exactly +7 d), u8; not u1 (+6 d; the decoy with its local id on
    // the other wiki is someone else), u12 (no global account), u13 (a second before +7 d), u15.
    assert_eq!(event.retention, vec![r(9, 5, 0)]);
    assert_eq!(late.retention, vec![r(1, 1, 0)], "back on 11-20, from end + 7 d = 11-15");
    // Home wiki only: u6 is no longer retained.
    let mut home = preset(MetricPreset::EventMetrics);
    home.scope = Some(MetricScope::HomeWiki);
    assert_eq!(measure(&home).0.retention, vec![r(9, 4, 0)]);
    // From end + 30 d (= 04-07): only u7 (T + 60 d) and u8 (T + 60 d + 1 s) edit that late.
    let mut month = preset(MetricPreset::EventMetrics);
    month.retention_days = vec![7, 30];
    assert_eq!(measure(&month).0.retention, vec![r(9, 5, 0), r(9, 2, 0)]);
}

#[test]
fn grant_metrics_2017_counts_the_newly_registered_only() {
    let (event, late) = measure(&preset(MetricPreset::GrantMetrics2017));
    assert_eq!(event.new_contributors, 9);
    assert!(event.retention.is_empty() && late.retention.is_empty());
    let mut none = preset(MetricPreset::GrantMetrics2017);
    none.lookback_days = Some(0);
    assert_eq!(measure(&none).0.new_contributors, 8);
}

#[test]
fn the_dashboard_counts_registrations_during_the_course_and_main_namespace_edits_at_home() {
    let (event, late) = measure(&preset(MetricPreset::Dashboard));
    // New: u3, u5, u6, u7, u8, u12, u13, u15 (u1 registered before the start).
    assert_eq!(event.new_contributors, 8);
    // Main namespace, home wiki, at or after end + 7 d: u5, u7 (exactly +7 d), u8; not u3
    // (talk pages), u6 (other wiki), u13 (a second early), u15.
    assert_eq!(event.retention, vec![r(8, 3, 0)]);
    assert_eq!(late.retention, vec![r(1, 1, 0)]);
}

#[test]
fn surviving_new_editors_need_an_edit_on_day_one_and_one_in_the_closed_second_month() {
    let (event, late) = measure(&preset(MetricPreset::SurvivingNewEditor));
    // u5's first edit came 25 h after registering: not in the cohort; u15's exactly 24 h
    // after: in it.
    assert_eq!(event.new_contributors, 7);
    // [T + 30 d, T + 60 d]: u3 exactly at T + 30 d, u7 exactly at T + 60 d; not u8 (a second
    // later), u6 (other wiki), u12, u13, u15.
    assert_eq!(event.retention, vec![r(7, 2, 0)]);
    // The late newcomer's window ends after the data: censored, not lost.
    assert_eq!(late.retention, vec![r(0, 0, 1)]);
    let mut none = preset(MetricPreset::SurvivingNewEditor);
    none.min_edits = Some(0);
    assert_eq!(measure(&none).0.new_contributors, 8);
}

#[test]
fn rolling_new_active_editors_make_five_edits_in_the_first_30_days() {
    let (event, late) = measure(&preset(MetricPreset::RollingNewActiveEditor));
    assert_eq!(event.new_contributors, 8);
    // u3: five edits in [T, T + 30 d), the fifth a second before the end (the sixth, at
    // T + 30 d exactly, is outside).
    assert_eq!(event.retention, vec![r(8, 1, 0)]);
    assert_eq!(late.retention, vec![r(0, 0, 1)]);
    let mut two = preset(MetricPreset::RollingNewActiveEditor);
    two.retained_edits = Some(2);
    // Two edits within 30 days: u3, u5 (+25 h and end + 8 d), u7 (its first and end + 7 d),
    // u13 (its first and a second before end + 7 d).
    assert_eq!(measure(&two).0.retention, vec![r(8, 4, 0)]);
}

#[test]
fn global_metrics_2014_counts_active_editors_in_the_30_days_before_the_start() {
    let (event, late) = measure(&preset(MetricPreset::GlobalMetrics2014));
    assert_eq!(event.new_contributors, 9);
    // Every participant is observed; u2 made five edits in [start - 30 d, start); u11 three
    // (a second too early, and one at the start).
    assert_eq!(event.retention, vec![r(11, 1, 0)]);
    assert_eq!(late.retention, vec![r(1, 0, 0)]);
}

#[test]
fn throughline_v1_counts_windows_after_the_first_edit() {
    let (event, late) = measure(&preset(MetricPreset::ThroughlineV1));
    assert_eq!(event.new_contributors, 8);
    assert_eq!(event.retention.len(), 5);
    // The late newcomer: the first week is observed (not back), the rest pending.
    assert_eq!(late.retention[0], r(1, 0, 0));
    assert_eq!(late.retention[2], r(0, 0, 1));
}

//! A planted dump that pins the boundaries of every named metric definition
//! (`communities::definition`): look-back edges (registered exactly 14 days before the start,
//! and a second earlier), end + 7 days (a second before, exactly, +6 d, +8 d), main namespace
//! against any, the home wiki against every wiki by central id (with a decoy that shares a
//! local id on another wiki, and an account without a central id), activation within a day of
//! registration, the surviving-new-editor window's closed ends, the rolling new active editor's
//! open end, Global Metrics' 30 days before the start, and censoring near the end of the data.
//!
//! The answers are worked out by hand in `crates/communities/tests/presets.rs`; the engines are
//! held to the reference on the same rows in `crates/lake/tests/presets.rs` and the Spark test.

use communities::definition::Definition;
use communities::metrics::{Community, Members};

use crate::dumps::Row;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// Day `s` (`YYYY-MM-DD`) at 00:00, in seconds.
fn day(s: &str) -> i64 {
    model::Date::parse(s).map_or(0, |d| d.day_number() * DAY)
}

/// Start of the main event (2026-03-01, a week long).
pub fn start() -> i64 {
    day("2026-03-01")
}

/// End of the main event, exclusive (2026-03-08).
pub fn end() -> i64 {
    start() + 7 * DAY
}

/// End of the data (2026-12-01): the late event's windows are partly censored.
pub fn coverage_end() -> i64 {
    day("2026-12-01")
}

/// The home wiki.
pub const HOME: &str = "frwiki";
/// The other wiki.
pub const OTHER: &str = "commonswiki";

/// The planted rows.
pub fn rows() -> Vec<Row> {
    let (s, e) = (start(), end());
    let mut rows: Vec<Row> = Vec::new();
    let mut edit = |wiki: &str, user: i64, central: Option<i64>, reg: i64, at: i64, ns: i64| {
        let revision = 10_000 + rows.len() as i64;
        let mut r = Row::edit(wiki, revision, at, user, &format!("P{user}"));
        r.central = central;
        r.registered = Some(reg);
        r.namespace = ns;
        r.bytes_diff = 10;
        rows.push(r);
    };
    let c = |u: i64| Some(1_000 + u);
    // u1: registered exactly 14 days before the start (new with a 14-day look-back only);
    // back at end + 6 d only. A decoy on the other wiki with the same local id but another
    // global account edits at end + 9 d: not u1.
    let r1 = s - 14 * DAY;
    edit(HOME, 1, c(1), r1, s + HOUR, 0);
    edit(HOME, 1, c(1), r1, e + 6 * DAY, 0);
    edit(OTHER, 1, Some(5_000), r1, e + 9 * DAY, 0);
    // u2: registered a second earlier than u1's edge: never new; five edits in
    // [start - 30 d, start): active for Global Metrics.
    let r2 = s - 14 * DAY - 1;
    for at in [s - 30 * DAY, s - 20 * DAY, s - 10 * DAY, s - 5 * DAY, s - 1, s + 2 * HOUR] {
        edit(HOME, 2, c(2), r2, at, 0);
    }
    // u3: new; activation edit 10 min after registering; back at end + 8 d in the talk
    // namespace (any namespace: yes; main: no); five edits in [T, T + 30 d) (the fifth a
    // second before T + 30 d), and one exactly at T + 30 d (the surviving window's closed
    // start; not within the rolling 30 days).
    let r3 = s + HOUR;
    for at in [r3 + 600, r3 + HOUR, r3 + 2 * HOUR] {
        edit(HOME, 3, c(3), r3, at, 0);
    }
    edit(HOME, 3, c(3), r3, e + 8 * DAY, 1);
    edit(HOME, 3, c(3), r3, r3 + 30 * DAY - 1, 1);
    edit(HOME, 3, c(3), r3, r3 + 30 * DAY, 1);
    // u5: new; first edit 25 h after registering (no activation); back at end + 8 d in main.
    let r5 = s + 2 * HOUR;
    edit(HOME, 5, c(5), r5, r5 + 25 * HOUR, 0);
    edit(HOME, 5, c(5), r5, e + 8 * DAY, 0);
    // u6: new; back at end + 10 d on the other wiki only, under another local id (99) and the
    // same global account.
    let r6 = s + 3 * HOUR;
    edit(HOME, 6, c(6), r6, r6 + 60, 0);
    edit(OTHER, 99, c(6), r6, e + 10 * DAY, 0);
    // u7: new; back exactly at end + 7 d in main, and exactly at T + 60 d (the surviving
    // window's closed end).
    let r7 = s + 4 * HOUR;
    edit(HOME, 7, c(7), r7, r7 + 300, 0);
    edit(HOME, 7, c(7), r7, e + 7 * DAY, 0);
    edit(HOME, 7, c(7), r7, r7 + 60 * DAY, 0);
    // u8: new; back a second after T + 60 d.
    let r8 = s + 5 * HOUR;
    edit(HOME, 8, c(8), r8, r8 + 60, 0);
    edit(HOME, 8, c(8), r8, r8 + 60 * DAY + 1, 0);
    // u11: an old account; edits a second before start - 30 d, three inside, and one at the
    // start (a participant; 3 edits in the 30 days before: not active).
    let r11 = day("2020-01-01");
    for at in [s - 30 * DAY - 1, s - 20 * DAY, s - 10 * DAY, s - 5 * DAY, s] {
        edit(HOME, 11, c(11), r11, at, 0);
    }
    // u12: new, no global account: its edit on the other wiki at end + 9 d cannot be matched.
    let r12 = s + 7 * HOUR;
    edit(HOME, 12, None, r12, r12 + 60, 0);
    edit(OTHER, 12, None, r12, e + 9 * DAY, 0);
    // u13: new; back a second before end + 7 d only.
    let r13 = s + 6 * HOUR;
    edit(HOME, 13, c(13), r13, r13 + 60, 0);
    edit(HOME, 13, c(13), r13, e + 7 * DAY - 1, 0);
    // u10, the late event (2026-11-01 to -07): back on 11-20; its 30- and 60-day windows
    // end after the data.
    let late = day("2026-11-01");
    let r10 = late + HOUR;
    edit(HOME, 10, c(10), r10, r10 + HOUR, 0);
    edit(HOME, 10, c(10), r10, day("2026-11-20"), 0);
    // u15: new; its only edit exactly a day after registering (the activation period is
    // closed, as in WMF research's SQL).
    let r15 = s + 8 * HOUR;
    edit(HOME, 15, c(15), r15, r15 + DAY, 0);
    // A bot on the roster: never a participant.
    let mut bot = Row::edit(HOME, 9_000, s + HOUR, 14, "PresetBot");
    bot.bot = true;
    bot.registered = Some(s);
    rows.push(bot);
    rows
}

/// Every preset with its defaults, and the overrides the tests pin (scope, extra windows,
/// look-back, activation and edit thresholds), each with a tag for the communities' ids.
pub fn definitions() -> Vec<(String, Definition)> {
    use model::{CommunityDefinition, MetricPreset, MetricScope};
    let mut out: Vec<(String, CommunityDefinition)> = MetricPreset::ALL
        .iter()
        .map(|p| (p.word().to_string(), CommunityDefinition::preset(*p)))
        .collect();
    let mut home = CommunityDefinition::preset(MetricPreset::EventMetrics);
    home.scope = Some(MetricScope::HomeWiki);
    out.push(("event_metrics_home".into(), home));
    let mut windows = CommunityDefinition::preset(MetricPreset::EventMetrics);
    windows.retention_days = vec![7, 30, 60, 182, 365];
    out.push(("event_metrics_windows".into(), windows));
    let mut all = CommunityDefinition::preset(MetricPreset::Dashboard);
    all.scope = Some(MetricScope::AllWikis);
    out.push(("dashboard_all".into(), all));
    let mut none = CommunityDefinition::preset(MetricPreset::SurvivingNewEditor);
    none.min_edits = Some(0);
    none.retention_days = vec![7, 30, 60];
    out.push(("surviving_any".into(), none));
    let mut two = CommunityDefinition::preset(MetricPreset::RollingNewActiveEditor);
    two.retained_edits = Some(2);
    two.scope = Some(MetricScope::AllWikis);
    out.push(("rolling_2".into(), two));
    let mut wide = CommunityDefinition::preset(MetricPreset::GlobalMetrics2014);
    wide.scope = Some(MetricScope::AllWikis);
    out.push(("global_all".into(), wide));
    out.into_iter().filter_map(|(tag, d)| Definition::of(&d).ok().map(|d| (tag, d))).collect()
}

/// The main event (roster of everyone planted) and the late one, measured with `definition`,
/// with ids `event@{tag}` and `late@{tag}`.
pub fn communities(definition: &Definition) -> Vec<Community> {
    tagged(definition, definition.key)
}

/// [`communities`] with the ids tagged `tag`.
pub fn tagged(definition: &Definition, tag: &str) -> Vec<Community> {
    let mut names: Vec<String> =
        [1, 2, 3, 5, 6, 7, 8, 11, 12, 13, 15].iter().map(|u| format!("P{u}")).collect();
    names.push("PresetBot".into());
    let late = day("2026-11-01");
    vec![
        Community {
            id: format!("event@{tag}"),
            wiki: HOME.into(),
            members: Members::Roster(names),
            start: start(),
            end: end(),
            cost: Some(700.0),
            definition: definition.clone(),
        },
        Community {
            id: format!("late@{tag}"),
            wiki: HOME.into(),
            members: Members::Roster(vec!["P10".into()]),
            start: late,
            end: late + 7 * DAY,
            cost: None,
            definition: definition.clone(),
        },
    ]
}

//! The reference metrics on a planted dump whose answers are known by construction, covering the
//! edge cases of every definition: registration before the window, renames, bots, anonymous
//! edits, off-roster and out-of-window edits, reverts inside and after 48 hours, retention window
//! boundaries, pending windows, and overlapping communities.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeSet;

use communities::definition::Definition;
use communities::dump::{read, timestamp};
use communities::metrics::{
    Community, Data, Members, Metrics, Outcome, Retention, SECOND_MONTH, has_hashtag,
};
use synthetic::dumps::{Row, line};

const DAY: i64 = 86_400;

fn t(s: &str) -> i64 {
    timestamp(&format!("{s} 00:00:00.0")).unwrap()
}

struct Plant {
    rows: Vec<Row>,
}

impl Plant {
    #[allow(clippy::too_many_arguments)]
    fn edit(
        &mut self,
        user: Option<i64>,
        name: &str,
        registered: Option<&str>,
        at: i64,
        bytes: i64,
        creates: Option<i64>,
        reverted_after: Option<i64>,
        bot: bool,
    ) {
        let revision = self.rows.len() as i64 + 100;
        let mut row = Row::edit("commonswiki", revision, at, user.unwrap_or(0), name);
        row.user = user;
        row.registered = registered.map(t);
        row.bot = bot;
        row.namespace = creates.unwrap_or(0);
        row.creates_page = creates.is_some();
        row.bytes_diff = bytes;
        row.reverted_after = reverted_after;
        self.rows.push(row);
    }
}

fn planted() -> (Data, Community, Community, Community) {
    let mut p = Plant { rows: Vec::new() };
    let jan = |d: i64| t("2026-01-01") + (d - 1) * DAY + 3600;
    // u1: new (registered in the window); a file upload, an edit reverted after an hour; retained.
    p.edit(Some(1), "Ada", Some("2026-01-05"), jan(5), 1000, Some(6), None, false);
    p.edit(Some(1), "Ada", Some("2026-01-05"), jan(6), 200, None, Some(3600), false);
    p.edit(Some(1), "Ada", Some("2026-01-05"), jan(5) + 45 * DAY, 7, None, None, false);
    // u2: registered long before: a participant, not new; renamed between edits; an edit
    // reverted after three days still survives.
    p.edit(Some(2), "Old name", Some("2019-03-01"), jan(10), -50, None, None, false);
    p.edit(Some(2), "New name", Some("2019-03-01"), jan(20), 30, None, Some(3 * DAY), false);
    // u3: new; creates an article; nothing in days 31–60 (an edit on day 70 does not count).
    p.edit(Some(3), "Cy", Some("2026-01-20"), jan(20), 10, Some(0), None, false);
    p.edit(Some(3), "Cy", Some("2026-01-20"), jan(20) + 70 * DAY, 10, None, None, false);
    // u7: new; its first edit late on Jan 31; an edit exactly 30 days later (not counted) and one
    // exactly 60 days later (counted: the window is (first + 30d, first + 60d]).
    let first7 = t("2026-01-31") + 23 * 3600;
    p.edit(Some(7), "Eve", Some("2026-01-25"), first7, 5, None, None, false);
    p.edit(Some(7), "Eve", Some("2026-01-25"), first7 + 30 * DAY, 1, None, None, false);
    p.edit(Some(7), "Eve", Some("2026-01-25"), first7 + 60 * DAY, 1, None, None, false);
    // Excluded: a bot on the roster, an anonymous edit, a roster member outside the window, an
    // edit by someone not on the roster.
    p.edit(Some(4), "ExampleBot", Some("2026-01-02"), jan(3), 999, None, None, true);
    p.edit(None, "192.0.2.1", None, jan(4), 999, None, None, false);
    p.edit(Some(5), "Late", Some("2025-06-01"), t("2026-02-10"), 999, None, None, false);
    p.edit(Some(6), "Outsider", Some("2026-01-03"), jan(8), 999, None, None, false);
    // u8: only in community B.
    p.edit(Some(8), "Bo", Some("2024-01-01"), jan(12), 3, None, None, false);
    // u9: new in community C in May; its retention window ends after the coverage date.
    p.edit(Some(9), "May", Some("2026-05-02"), t("2026-05-03"), 4, None, None, false);
    // u2 was renamed: every row carries the name now ("New name") beside the one at the time.
    for r in p.rows.iter_mut().filter(|r| r.user == Some(2)) {
        r.user_text = "New name".into();
    }
    let text = p.rows.iter().map(line).collect::<Vec<_>>().join("\n");
    let edits = read(text.as_bytes()).unwrap();
    let names = |ids: &[i64]| -> Vec<String> {
        let by_id = [
            (1, "Ada"),
            (2, "Old name"),
            (3, "Cy"),
            (4, "ExampleBot"),
            (5, "Late"),
            (7, "Eve"),
            (8, "Bo"),
            (9, "May"),
        ];
        ids.iter().map(|i| by_id.iter().find(|(j, _)| j == i).unwrap().1.to_string()).collect()
    };
    let window = |start: &str, end: &str, roster: &[i64], id: &str, cost: Option<f64>| Community {
        id: id.into(),
        wiki: "commonswiki".into(),
        members: Members::Roster(names(roster)),
        start: t(start),
        end: t(end),
        cost,
        definition: Definition::v1(),
    };
    let data = Data {
        edits,
        coverage: [("commonswiki".to_string(), t("2026-06-01"))].into(),
        ..Data::default()
    };
    (
        data,
        window("2026-01-01", "2026-02-01", &[1, 2, 3, 4, 5, 7], "a", Some(3000.0)),
        window("2026-01-01", "2026-02-01", &[1, 2, 8], "b", None),
        window("2026-05-01", "2026-06-01", &[9], "c", Some(100.0)),
    )
}

fn measured(o: Outcome) -> Metrics {
    match o {
        Outcome::Measured { metrics, .. } => metrics,
        Outcome::Missing => panic!("missing"),
    }
}

#[test]
fn every_metric_matches_the_planted_answer() {
    let (data, a, _, _) = planted();
    let m = measured(data.metrics(&a));
    assert_eq!(m.participants, 4, "u1, u2 (listed by the name it had), u3, u7");
    assert_eq!(m.new_contributors, 3, "u1, u3, u7; u2 registered before the window");
    assert_eq!(m.edits, 6);
    assert_eq!(m.bytes_added, 1000 + 200 + 30 + 10 + 5);
    assert_eq!(m.bytes_removed, 50);
    assert_eq!(m.pages_created, 2);
    assert_eq!(m.files_created, 1);
    assert_eq!(m.surviving(), Some(5.0 / 6.0), "only the edit reverted within 48 hours is lost");
    assert_eq!(m.retention[SECOND_MONTH], Retention { observed: 3, retained: 2, pending: 0 });
    assert_eq!(m.cost_per_retained(a.cost, Some(SECOND_MONTH)), Some(1500.0));
    // 7 days (1 d, 7 d]: u1 edited on day 1 after its first edit (Jan 6, 24 h later: not after
    // the first day) — nobody came back within the week.
    assert_eq!(m.retention[0], Retention { observed: 3, retained: 0, pending: 0 });
    // 6 months: u1 (day 45), u3 (day 70), u7 (day 60) are all outside (180 d, 210 d]; u7's and
    // u3's windows end after the coverage date (June 1).
    let six = m.retention[3];
    assert_eq!(six.observed + six.pending, 3);
    assert_eq!(six.retained, 0);
}

#[test]
fn a_renamed_user_listed_by_the_new_name_is_the_same_person() {
    let (data, mut a, _, _) = planted();
    a.members = Members::Roster(vec!["New name".into()]);
    let m = measured(data.metrics(&a));
    assert_eq!((m.participants, m.edits), (1, 2), "both of u2's edits, before and after");
}

#[test]
fn overlapping_communities_count_people_once_in_totals() {
    let (data, a, b, _) = planted();
    assert_eq!(measured(data.metrics(&b)).participants, 3);
    let t = data.totals(&[a.clone(), b.clone()]);
    assert_eq!(t.participants, 5, "u1 and u2 are in both");
    assert_eq!(t.participants_summed, 7);
    assert_eq!(t.edits, 7, "u1 and u2 edits once each: 6 of a plus u8 edit");
    assert_eq!(t.edits_summed, 6 + 5);
    assert_eq!(t.new_contributors, 3);
    assert_eq!(data.totals(&[a]).participants, 4);
}

#[test]
fn retention_that_cannot_be_observed_yet_is_pending_not_low() {
    let (mut data, _, _, c) = planted();
    let m = measured(data.metrics(&c));
    assert_eq!(m.new_contributors, 1);
    assert_eq!(m.retention[SECOND_MONTH], Retention { observed: 0, retained: 0, pending: 1 });
    assert_eq!(m.retention[SECOND_MONTH].share(), None);
    assert_eq!(
        m.cost_per_retained(c.cost, Some(SECOND_MONTH)),
        None,
        "undefined, not infinite and not zero"
    );
    // Once the window has passed, it is observed (and not retained).
    data.coverage.insert("commonswiki".into(), t("2026-09-01"));
    let later = measured(data.metrics(&c));
    assert_eq!(later.retention[SECOND_MONTH], Retention { observed: 1, retained: 0, pending: 0 });
    assert_eq!(later.cost_per_retained(c.cost, Some(SECOND_MONTH)), None);
}

#[test]
fn a_wiki_that_was_not_loaded_is_missing_not_zero() {
    let (data, mut a, _, _) = planted();
    a.wiki = "frwiki".into();
    assert_eq!(data.metrics(&a), Outcome::Missing);
    assert_eq!(data.totals(&[a]).participants, 0);
}

#[test]
fn hashtag_tag_and_category_communities_count_matching_edits_and_their_editors() {
    let at = t("2026-09-10");
    let row = |user: i64, comment: &str, tags: &[&str], rev: i64, bot: bool| {
        let mut r = Row::edit("commonswiki", rev, at, user, &format!("u{user}"));
        r.registered = Some(t("2026-09-01"));
        r.bot = bot;
        r.namespace = 6;
        r.creates_page = true;
        r.bytes_diff = 100;
        r.comment = comment.into();
        r.tags = tags.iter().map(|s| s.to_string()).collect();
        r
    };
    let rows = [
        row(1, "Uploaded for #WLM2026, thanks!", &["campaign-wlm"], 1, false),
        row(1, "another #wlm2026", &[], 2, false),
        row(2, "tab\tand #wlm2026", &["campaign-wlm"], 3, false),
        row(3, "#wlm20267 is another campaign", &[], 4, false),
        row(4, "bot run #wlm2026", &["campaign-wlm"], 5, true),
    ];
    let text = rows.iter().map(line).collect::<Vec<_>>().join("\n");
    let edits = read(text.as_bytes()).unwrap();
    assert_eq!(edits[2].comment, "tab\\tand #wlm2026", "escaped as in the dumps");
    let data = Data {
        edits,
        categories: [(
            ("commonswiki".to_string(), "WLM_2026".to_string()),
            BTreeSet::from([3, 4, 5]),
        )]
        .into(),
        coverage: [("commonswiki".to_string(), t("2027-01-01"))].into(),
        ..Data::default()
    };
    let community = |members: Members| Community {
        id: "wlm".into(),
        wiki: "commonswiki".into(),
        members,
        start: t("2026-09-01"),
        end: t("2026-10-01"),
        cost: None,
        definition: Definition::v1(),
    };
    let by_hashtag = measured(data.metrics(&community(Members::Hashtag("wlm2026".into()))));
    assert_eq!((by_hashtag.participants, by_hashtag.edits, by_hashtag.files_created), (2, 3, 3));
    let by_tag = measured(data.metrics(&community(Members::Tag("campaign-wlm".into()))));
    assert_eq!((by_tag.participants, by_tag.edits), (2, 2), "the bot's tagged edit does not count");
    let by_category = measured(data.metrics(&community(Members::Category("WLM_2026".into()))));
    assert_eq!(
        (by_category.participants, by_category.edits),
        (2, 2),
        "pages 3 and 4; 5 is the bot's"
    );
    assert!(has_hashtag("x #a_b-c y", "a_b-c"));
    assert!(!has_hashtag("x#ab", "a") && !has_hashtag("no tag", "x"));
}

#[test]
fn a_community_from_a_model_file_ends_after_its_last_day() {
    let text = "format_version: 1\nmodel: { name: M, mission: m, currency: USD }\ncommunities:\n  - { id: wlm, name: WLM, wiki: commonswiki, kind: hashtag, rule: \"#WLM2026\", start: 2026-09-01, end: 2026-09-30, cost: 5000 }\n";
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", text)]);
    assert!(checked.is_ok(), "{:?}", checked.diagnostics);
    let c = Community::from_model(&checked.model.communities[0]);
    assert_eq!(c.members, Members::Hashtag("wlm2026".into()));
    assert_eq!((c.start, c.end), (t("2026-09-01"), t("2026-10-01")));
    assert_eq!(c.cost, Some(5000.0));
}

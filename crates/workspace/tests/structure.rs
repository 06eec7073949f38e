//! Structure changes on a small planted model (`tests/fixtures/structure`): deleting with a
//! report of what refers to an item or with those references removed, renaming an id with
//! every reference, editing lists, and conflicts per item rather than per file.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::path::Path;

use workspace::Workspace;
use workspace::edit::{Base, EditError, ItemKind};

fn fixture() -> Workspace {
    let mut ws = Workspace::in_memory().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/structure");
    ws.import_dir(&dir, "importer").unwrap();
    let errors: Vec<String> = ws
        .checked()
        .unwrap()
        .diagnostics
        .iter()
        .filter(|d| d.severity() == modelfile::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "the fixture checks without errors: {errors:?}");
    ws
}

fn program(ws: &Workspace) -> String {
    ws.files().unwrap().into_iter().find(|f| f.name == "program.yaml").unwrap().text
}

fn original() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/structure/program.yaml"),
    )
    .unwrap()
}

fn digest(ws: &Workspace, kind: ItemKind, id: &str) -> Base {
    Base::Item(ws.item(kind, id).unwrap().digest)
}

fn changes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn deleting_a_referenced_node_shows_what_refers_to_it_and_changes_nothing() {
    let mut ws = fixture();
    let base = digest(&ws, ItemKind::Node, "out");
    let err = ws.delete(ItemKind::Node, "out", &base, false, "ada").unwrap_err();
    let EditError::Referenced { referrers, .. } = &err else { panic!("{err}") };
    let seen: Vec<(u32, &str, String, bool)> = referrers
        .iter()
        .map(|r| {
            let (k, id) = r.holder.clone().unwrap();
            (r.line, r.field, format!("{} {id}", k.name()), r.removable)
        })
        .collect();
    assert_eq!(
        seen,
        [
            (32, "to", "link work:out".to_string(), true),
            (34, "from", "link out:use".to_string(), true),
            (40, "delivers", "initiative build".to_string(), true),
        ]
    );
    assert_eq!(program(&ws), original(), "nothing was written");
    assert_eq!(ws.referrers(ItemKind::Node, "out").unwrap(), *referrers);
}

#[test]
fn deleting_with_its_references_removes_the_links_and_list_entries_and_keeps_the_rest() {
    let mut ws = fixture();
    let head = ws.head().unwrap();
    let base = digest(&ws, ItemKind::Node, "out");
    let revs = ws.delete(ItemKind::Node, "out", &base, true, "ada").unwrap();
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].summary, "deleted node out");
    assert!(revs[0].id > head);
    let expected = original()
        .replace(
            "  # The output people see.\n  - id: out\n    name: Things shipped\n    level: output\n",
            "  # The output people see.\n",
        )
        .replace(
            "  - from: work\n    to: out\n    rationale: Building ships things.\n  - { from: out, to: use }\n",
            "",
        )
        .replace("delivers: [work, out]", "delivers: [work]");
    assert_eq!(program(&ws), expected);
}

#[test]
fn a_reference_that_cannot_be_removed_refuses_even_with_removal_asked() {
    let mut ws = fixture();
    let base = digest(&ws, ItemKind::Node, "use");
    let err = ws.delete(ItemKind::Node, "use", &base, true, "ada").unwrap_err();
    let EditError::Referenced { referrers, .. } = &err else { panic!("{err}") };
    let measures = referrers.iter().find(|r| r.field == "measures").unwrap();
    assert!(!measures.removable, "an indicator's `measures` is required");
    assert_eq!(measures.holder, Some((ItemKind::Indicator, "uses".into())));
    assert_eq!(program(&ws), original());
    // Once the indicator is gone, the node goes with its link.
    let base = digest(&ws, ItemKind::Indicator, "uses");
    ws.delete(ItemKind::Indicator, "uses", &base, false, "ada").unwrap();
    let base = digest(&ws, ItemKind::Node, "use");
    ws.delete(ItemKind::Node, "use", &base, true, "ada").unwrap();
    let expected = original()
        .replace(
            "  - id: use\n    name: People use it\n    level: outcome_short\n    audiences:\n      - readers\n",
            "",
        )
        .replace("  - { from: out, to: use }\n", "")
        .replace("  - id: uses\n    name: Uses\n    measures: use\n", "");
    assert_eq!(program(&ws), expected);
}

#[test]
fn an_audience_in_block_and_flow_lists_is_removed_from_both() {
    let mut ws = fixture();
    let base = digest(&ws, ItemKind::Audience, "readers");
    ws.delete(ItemKind::Audience, "readers", &base, true, "ada").unwrap();
    let expected = original()
        .replace("audiences: [readers, editors]", "audiences: [editors]")
        .replace("  - id: readers\n    name: Readers\n    kind: end_users\n", "")
        .replace("    audiences:\n      - readers\n", "    audiences:\n");
    assert_eq!(program(&ws), expected);
}

#[test]
fn renaming_an_id_updates_every_reference_and_nothing_else() {
    let mut ws = fixture();
    let base = digest(&ws, ItemKind::Node, "out");
    let revs = ws.rename(ItemKind::Node, "out", "shipped", &base, "ada").unwrap();
    assert_eq!(revs[0].summary, "renamed node out to shipped");
    let expected = original()
        .replace("  - id: out\n", "  - id: shipped\n")
        .replace("    to: out\n", "    to: shipped\n")
        .replace("{ from: out, to: use }", "{ from: shipped, to: use }")
        .replace("[work, out]", "[work, shipped]");
    assert_eq!(program(&ws), expected);
    assert!(ws.item(ItemKind::Node, "shipped").is_ok());
    // An id in use, or not an id, is refused on the id field.
    let base = digest(&ws, ItemKind::Node, "shipped");
    for bad in ["work", "Not an id", ""] {
        let err = ws.rename(ItemKind::Node, "shipped", bad, &base, "ada").unwrap_err();
        let EditError::Invalid(e) = &err else { panic!("{err}") };
        assert_eq!(e[0].field.as_deref(), Some("id"), "{bad}: {err}");
    }
}

#[test]
fn two_people_editing_different_items_of_one_file_both_save() {
    let mut ws = fixture();
    // Both forms are opened before either saves.
    let build = digest(&ws, ItemKind::Initiative, "build");
    let other = digest(&ws, ItemKind::Initiative, "other");
    ws.edit(ItemKind::Initiative, "build", &changes(&[("name", "Build more")]), &build, "ada")
        .unwrap();
    ws.edit(ItemKind::Initiative, "other", &changes(&[("name", "Another")]), &other, "bob")
        .unwrap();
    let text = program(&ws);
    assert!(text.contains("name: \"Build more\"") && text.contains("name: \"Another\""), "{text}");
    // The same item, edited by both: the second is refused as a change of that item.
    let stale = build;
    let err = ws
        .edit(ItemKind::Initiative, "build", &changes(&[("name", "Mine")]), &stale, "bob")
        .unwrap_err();
    assert!(matches!(err, EditError::ItemChanged { .. }), "{err}");
    assert!(program(&ws).contains("name: \"Build more\""));
    // A deletion made against a stale item is refused the same way.
    let err = ws.delete(ItemKind::Initiative, "build", &stale, false, "bob").unwrap_err();
    assert!(matches!(err, EditError::ItemChanged { .. }), "{err}");
}

#[test]
fn lists_are_shown_and_edited_as_entries() {
    let mut ws = fixture();
    let node = ws.item(ItemKind::Node, "use").unwrap();
    let audiences = node.fields.iter().find(|f| f.key == "audiences").unwrap();
    assert!(audiences.list && audiences.editable);
    assert_eq!(audiences.value, "readers");
    ws.edit(
        ItemKind::Node,
        "use",
        &changes(&[("audiences", "readers; editors")]),
        &Base::Item(node.digest),
        "ada",
    )
    .unwrap();
    assert_eq!(
        program(&ws),
        original()
            .replace("    audiences:\n      - readers\n", "    audiences: [readers, editors]\n")
    );
    // A text list, one entry per line, added where the link had none.
    let link = ws.item(ItemKind::Link, "work:out").unwrap();
    ws.edit(
        ItemKind::Link,
        "work:out",
        &changes(&[("assumptions", "Builders stay\nPeople hear of it, somehow")]),
        &Base::Item(link.digest),
        "ada",
    )
    .unwrap();
    assert!(
        program(&ws).contains(
            "    rationale: Building ships things.\n    assumptions: [Builders stay, \"People hear of it, somehow\"]\n"
        ),
        "{}",
        program(&ws)
    );
    // An unknown audience is refused on its field, nothing written.
    let node = ws.item(ItemKind::Node, "use").unwrap();
    let before = program(&ws);
    let err = ws
        .edit(
            ItemKind::Node,
            "use",
            &changes(&[("audiences", "nobody")]),
            &Base::Item(node.digest),
            "ada",
        )
        .unwrap_err();
    let EditError::Invalid(e) = &err else { panic!("{err}") };
    assert_eq!(e[0].field.as_deref(), Some("audiences"), "{err}");
    assert_eq!(program(&ws), before);
}

#[test]
fn renaming_moves_what_the_workspace_keeps_under_the_id() {
    let mut ws = fixture();
    let note = workspace::checkin::NoteInput {
        key_result: "uses".into(),
        quarter: "2026Q1".into(),
        story: "More people came back".into(),
        ..Default::default()
    };
    ws.record_checkin(&note, "ada").unwrap();
    ws.contribute(None, "build", workspace::consult::Kind::Concern, "Too big", "bob").unwrap();
    let round = ws.open_round("p", "Spring", "ada").unwrap();
    // The indicator's check-in notes move with it: the history and `checkins.yaml` alike.
    let base = digest(&ws, ItemKind::Indicator, "uses");
    ws.rename(ItemKind::Indicator, "uses", "monthly_uses", &base, "ada").unwrap();
    assert!(ws.checkin_notes(Some("uses")).unwrap().is_empty());
    let moved = ws.checkin_notes(Some("monthly_uses")).unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].story.as_deref(), Some("More people came back"));
    let notes = ws.files().unwrap().into_iter().find(|f| f.name == "checkins.yaml").unwrap();
    assert!(notes.text.contains("key_result: monthly_uses"), "{}", notes.text);
    // An initiative's comments, and a program's comments and rounds, move with them too.
    let base = digest(&ws, ItemKind::Initiative, "build");
    ws.rename(ItemKind::Initiative, "build", "make", &base, "ada").unwrap();
    assert!(ws.contributions(Some("build")).unwrap().is_empty());
    assert_eq!(ws.contributions(Some("make")).unwrap()[0].body, "Too big");
    let base = digest(&ws, ItemKind::Program, "p");
    ws.rename(ItemKind::Program, "p", "reading", &base, "ada").unwrap();
    let scope = ws.rounds().unwrap().into_iter().find(|r| r.id == round.id).unwrap().scope;
    assert_eq!(scope, "reading");
}

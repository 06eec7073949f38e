//! The workspace on the bundled example: lossless round trips, checked edits that touch only
//! what they change, conflicts, revisions and restore, accounts and consultation.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use workspace::edit::{Base, EditError, ItemKind};
use workspace::{Role, Workspace};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia")
}

/// A fresh, empty workspace of one backend.
type Fresh = dyn Fn() -> Workspace;

/// Every backend this build and machine can test: SQLite always; PostgreSQL with the `postgres`
/// feature and `THROUGHLINE_POSTGRES_URL` (each workspace in a schema of its own). With
/// `THROUGHLINE_POSTGRES_TESTS` set, a missing URL is a failure, not a skip.
fn backends() -> Vec<(&'static str, Box<Fresh>)> {
    #[cfg_attr(not(feature = "postgres"), allow(unused_mut))]
    let mut v: Vec<(&'static str, Box<Fresh>)> =
        vec![("sqlite", Box::new(|| Workspace::in_memory().unwrap()))];
    let url = std::env::var("THROUGHLINE_POSTGRES_URL").ok();
    if std::env::var_os("THROUGHLINE_POSTGRES_TESTS").is_some() {
        assert!(
            url.is_some(),
            "THROUGHLINE_POSTGRES_TESTS is set but THROUGHLINE_POSTGRES_URL is not"
        );
        #[cfg(not(feature = "postgres"))]
        panic!("THROUGHLINE_POSTGRES_TESTS needs --features postgres");
    }
    #[cfg(feature = "postgres")]
    if let Some(url) = url {
        v.push((
            "postgres",
            Box::new(move || {
                let schema = format!("t_{}", &workspace::accounts::random_token().unwrap()[..16]);
                Workspace::open_postgres_in(&url, &schema).unwrap()
            }),
        ));
    }
    #[cfg(not(feature = "postgres"))]
    let _ = url;
    v
}

fn loaded(fresh: &Fresh) -> Workspace {
    let mut ws = fresh();
    ws.import_dir(&example(), "importer").unwrap();
    ws
}

fn changes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn import_and_export_round_trip_byte_for_byte(fresh: &Fresh) {
    let mut ws = fresh();
    let n = ws.import_dir(&example(), "importer").unwrap();
    let files = modelfile::load_dir(&example()).unwrap();
    assert_eq!(n, files.len());
    let out = tempfile::tempdir().unwrap();
    ws.export_dir(out.path()).unwrap();
    for f in &files {
        assert_eq!(
            std::fs::read_to_string(out.path().join(&f.name)).unwrap(),
            f.text,
            "{}",
            f.name
        );
    }
    // Importing the same folder again changes nothing.
    assert_eq!(ws.import_dir(&example(), "importer").unwrap(), 0);
    assert!(ws.checked().unwrap().is_ok());
}

fn an_edit_changes_only_its_value_and_is_a_revision(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let item = ws.item(ItemKind::Node, "wlm_organizer_hours").unwrap();
    let before = ws.files().unwrap().into_iter().find(|f| f.name == item.path).unwrap().text;
    let rev = ws
        .edit(
            ItemKind::Node,
            "wlm_organizer_hours",
            &changes(&[("name", "Organizer hours saved: \"all\" of them")]),
            &Base::Revision(item.revision),
            "ada",
        )
        .unwrap();
    let rev = rev.revision;
    assert_eq!(rev.author, "ada");
    let after = ws.files().unwrap().into_iter().find(|f| f.name == item.path).unwrap().text;
    let changed: Vec<(&str, &str)> =
        before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].1.contains(r#"name: "Organizer hours saved: \"all\" of them""#),
        "{}",
        changed[0].1
    );
    let model = ws.checked().unwrap();
    assert!(model.is_ok());
    let node = model.model.nodes.iter().find(|n| n.id.as_str() == "wlm_organizer_hours").unwrap();
    assert_eq!(node.name, "Organizer hours saved: \"all\" of them");
    assert_eq!(ws.revisions(Some(&item.path), 10).unwrap()[0].id, rev.id);
}

fn missing_keys_are_added_in_block_and_flow_style(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    // Block style: an initiative without a description.
    let item = ws.item(ItemKind::Initiative, "wlm_jury_tools").unwrap();
    ws.edit(
        ItemKind::Initiative,
        "wlm_jury_tools",
        &changes(&[("description", "Faster juries")]),
        &Base::Revision(item.revision),
        "ada",
    )
    .unwrap();
    let m = ws.checked().unwrap();
    assert!(m.is_ok(), "{:?}", m.diagnostics);
    let ini = m.model.initiatives.iter().find(|i| i.id.as_str() == "wlm_jury_tools").unwrap();
    assert_eq!(ini.description.as_deref(), Some("Faster juries"));
    // Flow style: a goal written as `{ id: …, name: … }` without a description.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("throughline.yaml"), "format_version: 1\nmodel: { name: M }\n")
        .unwrap();
    std::fs::write(
        dir.path().join("m.yaml"),
        "nodes:\n  - { id: a, name: A, level: activity }  # keep me\n",
    )
    .unwrap();
    let mut ws = fresh();
    ws.import_dir(dir.path(), "x").unwrap();
    let item = ws.item(ItemKind::Node, "a").unwrap();
    ws.edit(
        ItemKind::Node,
        "a",
        &changes(&[("description", "What A is"), ("name", "Aa")]),
        &Base::Revision(item.revision),
        "x",
    )
    .unwrap();
    let text = ws.files().unwrap().into_iter().find(|f| f.name == "m.yaml").unwrap().text;
    assert_eq!(
        text,
        "nodes:\n  - { id: a, name: \"Aa\", level: activity, description: \"What A is\" }  # keep me\n"
    );
}

fn an_edit_that_breaks_the_model_is_refused_with_the_field_and_nothing_is_written(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let item = ws.item(ItemKind::Initiative, "wlm_jury_tools").unwrap();
    let head = ws.head().unwrap();
    let err = ws
        .edit(
            ItemKind::Initiative,
            "wlm_jury_tools",
            &changes(&[("team", "nobody")]),
            &Base::Revision(item.revision),
            "ada",
        )
        .unwrap_err();
    let EditError::Invalid(errors) = err else { panic!("{err}") };
    assert_eq!(errors[0].field.as_deref(), Some("team"), "{errors:?}");
    assert!(errors[0].message.contains("nobody"), "{errors:?}");
    assert_eq!(ws.head().unwrap(), head);
    // Values are checked against their shape before anything is tried.
    let err = ws
        .edit(
            ItemKind::Initiative,
            "wlm_jury_tools",
            &changes(&[("status", "finished"), ("id", "x")]),
            &Base::Revision(item.revision),
            "ada",
        )
        .unwrap_err();
    let EditError::Invalid(errors) = err else { panic!("{err}") };
    let fields: Vec<_> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
    assert_eq!(fields, ["id", "status"]);
}

fn two_people_editing_the_same_file_get_a_conflict_not_an_overwrite(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let seen_by_both = ws.item(ItemKind::Node, "wlm_uploads").unwrap().revision;
    ws.edit(
        ItemKind::Node,
        "wlm_uploads",
        &changes(&[("name", "First")]),
        &Base::Revision(seen_by_both),
        "ada",
    )
    .unwrap();
    let err = ws
        .edit(
            ItemKind::Node,
            "wlm_uploads",
            &changes(&[("name", "Second")]),
            &Base::Revision(seen_by_both),
            "bob",
        )
        .unwrap_err();
    assert!(matches!(err, EditError::Conflict { .. }), "{err}");
    let m = ws.checked().unwrap();
    assert_eq!(
        m.model.nodes.iter().find(|n| n.id.as_str() == "wlm_uploads").unwrap().name,
        "First"
    );
}

fn a_revision_can_be_restored_and_history_is_kept(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let item = ws.item(ItemKind::Node, "wlm_uploads").unwrap();
    let original = ws.revisions(Some(&item.path), 1).unwrap()[0].id;
    let original_text = ws.revision_texts(original).unwrap().1.unwrap();
    ws.edit(
        ItemKind::Node,
        "wlm_uploads",
        &changes(&[("name", "Changed")]),
        &Base::Revision(item.revision),
        "ada",
    )
    .unwrap();
    let restored = ws.restore(original, "bob").unwrap();
    let text = ws.files().unwrap().into_iter().find(|f| f.name == item.path).unwrap().text;
    assert_eq!(text, original_text);
    let history = ws.revisions(Some(&item.path), 10).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].id, restored.id);
    assert!(history[0].summary.contains("restored"));
}

fn accounts_sessions_and_roles(fresh: &Fresh) {
    let mut ws = fresh();
    let ada = ws.create_account("ada", Role::Editor, "correct horse battery").unwrap();
    assert!(ws.create_account("ada", Role::Viewer, "another long one").is_err());
    assert!(ws.create_account("bob", Role::Viewer, "short").is_err());
    assert_eq!(ws.verify_password("ada", "correct horse battery").unwrap(), Some(ada.clone()));
    assert_eq!(ws.verify_password("ada", "wrong password!").unwrap(), None);
    assert_eq!(ws.verify_password("nobody", "correct horse battery").unwrap(), None);
    let (token, session) = ws.create_session(&ada, 3600).unwrap();
    assert_eq!(token.len(), 64);
    assert_ne!(session.csrf, token);
    assert_eq!(ws.session(&token).unwrap().unwrap().account.role, Role::Editor);
    assert!(ws.session("forged").unwrap().is_none());
    ws.end_session(&token).unwrap();
    assert!(ws.session(&token).unwrap().is_none());
    let (expired, _) = ws.create_session(&ada, -1).unwrap();
    assert!(ws.session(&expired).unwrap().is_none());
    assert!(
        Role::Viewer < Role::Contributor
            && Role::Contributor < Role::Editor
            && Role::Editor < Role::Admin
    );
    let wiki = ws.wiki_account("Ada Lovelace").unwrap();
    assert_eq!(wiki.role, Role::Contributor);
    assert_eq!(ws.wiki_account("Ada Lovelace").unwrap(), wiki);
}

fn consultation_rounds_and_the_organisers_summary(fresh: &Fresh) {
    use workspace::consult::Kind;
    let mut ws = loaded(fresh);
    let round = ws.open_round("wiki_loves_monuments", "Plan review 2027", "org").unwrap();
    ws.contribute(Some(round.id), "wlm_jury_tools", Kind::Endorse, "", "ada").unwrap();
    ws.contribute(Some(round.id), "wlm_jury_tools", Kind::Concern, "Jurors need training", "bob")
        .unwrap();
    ws.contribute(Some(round.id), "wlm_jury_tools", Kind::Comment, "Looks right", "cy").unwrap();
    ws.contribute(None, "wlm_uploads", Kind::Comment, "Outside the round", "cy").unwrap();
    assert!(ws.contribute(Some(round.id), "x", Kind::Comment, "   ", "cy").is_err());
    let summary = ws.round_summary(round.id).unwrap();
    let jury = &summary["wlm_jury_tools"];
    assert_eq!(jury.counts["endorse"], 1);
    assert_eq!(jury.counts["concern"], 1);
    assert_eq!(jury.concerns, vec!["bob: Jurors need training".to_string()]);
    assert!(!summary.contains_key("wlm_uploads"));
    ws.close_round(round.id).unwrap();
    assert!(ws.contribute(Some(round.id), "x", Kind::Comment, "late", "cy").is_err());
}

fn comments_and_rounds_name_what_exists_and_stay_bounded(fresh: &Fresh) {
    use workspace::consult::Kind;
    use workspace::limits;
    let mut ws = loaded(fresh);
    let long = "x".repeat(1_000_000);
    let err = ws.contribute(None, "no_such_item", Kind::Comment, "hi", "cy").unwrap_err();
    assert!(err.to_string().contains("no node, initiative or program `no_such_item`"), "{err}");
    let err = ws.contribute(None, &long, Kind::Comment, "hi", "cy").unwrap_err();
    assert!(err.to_string().contains("at most 200 characters"), "{err}");
    assert!(ws.contribute(None, "wlm_uploads", Kind::Comment, &long, "cy").is_err());
    let at_limit = "y".repeat(limits::COMMENT);
    ws.contribute(None, "wlm_uploads", Kind::Comment, &at_limit, "cy").unwrap();
    ws.contribute(None, "wiki_loves_monuments", Kind::Endorse, "", "cy").unwrap();
    ws.contribute(None, "plan", Kind::Concern, "Too much at once", "cy").unwrap();
    let err = ws.open_round("nowhere", "Review", "org").unwrap_err();
    assert!(err.to_string().contains("no program `nowhere`"), "{err}");
    let err = ws.open_round("plan", &long, "org").unwrap_err();
    assert!(err.to_string().contains("at most 200 characters"), "{err}");
    ws.open_round("plan", "The 2027 plan", "org").unwrap();
    assert!(ws.create_account(&"n".repeat(65), Role::Viewer, "long enough pw").is_err());
    assert!(ws.create_account("nora", Role::Viewer, &"p".repeat(2_000)).is_err());
    assert_eq!(ws.verify_password("nora", &"p".repeat(2_000)).unwrap(), None);
}

fn a_restore_is_checked_and_a_no_op_is_refused(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let item = ws.item(ItemKind::Node, "wlm_uploads").unwrap();
    let original = ws.revisions(Some(&item.path), 1).unwrap()[0].id;
    let head = ws.head().unwrap();
    // Restoring the text the file already has changes nothing and is not recorded.
    let err = ws.restore(original, "bob").unwrap_err();
    assert!(err.to_string().contains("nothing to restore"), "{err}");
    assert_eq!(ws.head().unwrap(), head);
    // A revision whose text names what no longer exists would add errors: refused.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("throughline.yaml", "format_version: 1\nmodel: { name: M }\n");
    write(
        "nodes.yaml",
        "nodes:\n  - { id: a, name: A, level: activity }\n  - { id: b, name: B, level: output }\n",
    );
    write("links.yaml", "links:\n  - { from: a, to: b }\n");
    let mut ws = fresh();
    ws.import_dir(dir.path(), "x").unwrap();
    let with_link = ws.revisions(Some("links.yaml"), 1).unwrap()[0].id;
    write("nodes.yaml", "nodes:\n  - { id: a, name: A, level: activity }\n");
    write("links.yaml", "links: []\n");
    ws.import_dir(dir.path(), "x").unwrap();
    assert!(ws.checked().unwrap().is_ok());
    let head = ws.head().unwrap();
    let err = ws.restore(with_link, "bob").unwrap_err();
    let EditError::Invalid(errors) = err else { panic!("{err}") };
    assert!(errors.iter().any(|e| e.message.contains('b')), "{errors:?}");
    assert_eq!(ws.head().unwrap(), head, "nothing written");
}

#[test]
fn committed_revisions_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite");
    {
        let mut ws = Workspace::open(&db).unwrap();
        ws.import_dir(&example(), "importer").unwrap();
        let item = ws.item(ItemKind::Node, "wlm_uploads").unwrap();
        ws.edit(
            ItemKind::Node,
            "wlm_uploads",
            &changes(&[("name", "Kept")]),
            &Base::Revision(item.revision),
            "ada",
        )
        .unwrap();
    }
    let ws = Workspace::open(&db).unwrap();
    let m = ws.checked().unwrap();
    assert_eq!(m.model.nodes.iter().find(|n| n.id.as_str() == "wlm_uploads").unwrap().name, "Kept");
}

fn a_link_is_edited_by_its_ends(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let id = "wlm_organizer_hours:wlm_more_participants";
    let item = ws.item(ItemKind::Link, id).unwrap();
    assert!(item.fields.iter().all(|f| !(matches!(f.key, "from" | "to") && f.editable)));
    ws.edit(
        ItemKind::Link,
        id,
        &changes(&[("effect", "0.3 to 0.9"), ("rationale", "Saved hours go into outreach")]),
        &Base::Revision(item.revision),
        "ada",
    )
    .unwrap();
    let m = ws.checked().unwrap();
    assert!(m.is_ok(), "{:?}", m.diagnostics);
    let l = m
        .model
        .links
        .iter()
        .find(|l| {
            l.from.as_str() == "wlm_organizer_hours" && l.to.as_str() == "wlm_more_participants"
        })
        .unwrap();
    assert_eq!(l.rationale.as_deref(), Some("Saved hours go into outreach"));
    // The written prior changed; the evaluation still updates it on load.
    assert_eq!(l.prior_effect.map(|d| d.to_string()), Some("0.3 to 0.9".to_string()));
    let err = ws
        .edit(
            ItemKind::Link,
            id,
            &changes(&[("to", "g_media")]),
            &Base::Revision(ws.item(ItemKind::Link, id).unwrap().revision),
            "ada",
        )
        .unwrap_err();
    assert!(matches!(err, EditError::Invalid(_)), "{err}");
    assert!(matches!(ws.item(ItemKind::Link, "nope:nothing"), Err(EditError::NotFound { .. })));
}

/// Changes on disk since the last sync come in as revisions by the folder; a change on both
/// sides is a conflict that keeps the workspace's text until the folder is taken on request;
/// exporting to the folder makes the two agree again.
fn the_folder_and_the_workspace_stay_one_model(fresh: &Fresh) {
    let dir = tempfile::tempdir().unwrap();
    loaded(fresh).export_dir(dir.path()).unwrap();
    let mut ws = fresh();
    let first = ws.sync_with_folder(dir.path(), "folder", false).unwrap();
    assert_eq!(first.taken.len(), modelfile::load_dir(dir.path()).unwrap().len());
    assert!(first.conflicts.is_empty());
    let unchanged = ws.sync_with_folder(dir.path(), "folder", false).unwrap();
    assert_eq!(unchanged, workspace::FolderSync::default());

    // The workspace edits one file, the folder another: both kept.
    let node = ws.item(ItemKind::Node, "wlm_organizer_hours").unwrap();
    let ours = node.path.clone();
    ws.edit(
        ItemKind::Node,
        "wlm_organizer_hours",
        &changes(&[("name", "Edited in the browser")]),
        &Base::Revision(node.revision),
        "ada",
    )
    .unwrap();
    let theirs = ["strategy.yaml", "teams.yaml"].into_iter().find(|p| *p != ours).unwrap();
    let append = |path: &str, line: &str| {
        let p = dir.path().join(path);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("{text}{line}\n")).unwrap();
    };
    append(theirs, "# edited in git");
    let sync = ws.sync_with_folder(dir.path(), "folder", false).unwrap();
    assert_eq!(sync.taken, vec![theirs.to_string()]);
    assert!(sync.conflicts.is_empty());
    let text_of = |ws: &Workspace, path: &str| {
        ws.files().unwrap().into_iter().find(|f| f.name == path).map(|f| f.text)
    };
    assert!(text_of(&ws, theirs).unwrap().ends_with("# edited in git\n"));
    assert!(text_of(&ws, &ours).unwrap().contains("Edited in the browser"));
    let rev = &ws.revisions(Some(theirs), 1).unwrap()[0];
    assert_eq!((rev.author.as_str(), rev.summary.as_str()), ("folder", "changed in the folder"));

    // Both sides change the same file: a conflict, the workspace's text stays, every time.
    append(&ours, "# also edited in git");
    for _ in 0..2 {
        let sync = ws.sync_with_folder(dir.path(), "folder", false).unwrap();
        assert_eq!(sync.conflicts, vec![ours.clone()]);
        assert!(sync.taken.is_empty());
        assert!(text_of(&ws, &ours).unwrap().contains("Edited in the browser"));
    }
    // Taking the folder's text on request keeps the workspace's in the history.
    let sync = ws.sync_with_folder(dir.path(), "folder", true).unwrap();
    assert_eq!(sync.taken, vec![ours.clone()]);
    assert!(!text_of(&ws, &ours).unwrap().contains("Edited in the browser"));
    let rev = ws.revisions(Some(&ours), 1).unwrap()[0].id;
    assert!(ws.revision_texts(rev).unwrap().0.unwrap().contains("Edited in the browser"));

    // A file removed in the folder is removed in the workspace.
    std::fs::write(dir.path().join("extra.yaml"), "# nothing yet\n").unwrap();
    assert_eq!(ws.sync_with_folder(dir.path(), "folder", false).unwrap().taken, vec!["extra.yaml"]);
    std::fs::remove_file(dir.path().join("extra.yaml")).unwrap();
    let sync = ws.sync_with_folder(dir.path(), "folder", false).unwrap();
    assert_eq!(sync.taken, vec!["extra.yaml"]);
    assert_eq!(text_of(&ws, "extra.yaml"), None);

    // Exporting to the folder makes it the new base: the next start has nothing to do.
    let node = ws.item(ItemKind::Node, "wlm_organizer_hours").unwrap();
    ws.edit(
        ItemKind::Node,
        "wlm_organizer_hours",
        &changes(&[("name", "Edited again")]),
        &Base::Revision(node.revision),
        "ada",
    )
    .unwrap();
    ws.export_to_folder(dir.path()).unwrap();
    assert!(std::fs::read_to_string(dir.path().join(&ours)).unwrap().contains("Edited again"));
    assert_eq!(
        ws.sync_with_folder(dir.path(), "folder", false).unwrap(),
        workspace::FolderSync::default()
    );
}

/// Each behaviour above, on every backend.
mod on_every_backend {
    use super::*;

    #[test]
    fn import_and_export_round_trip_byte_for_byte() {
        for (name, fresh) in backends() {
            eprintln!("import_and_export_round_trip_byte_for_byte on {name}");
            super::import_and_export_round_trip_byte_for_byte(fresh.as_ref());
        }
    }

    #[test]
    fn the_folder_and_the_workspace_stay_one_model() {
        for (name, fresh) in backends() {
            eprintln!("the_folder_and_the_workspace_stay_one_model on {name}");
            super::the_folder_and_the_workspace_stay_one_model(fresh.as_ref());
        }
    }

    #[test]
    fn an_edit_changes_only_its_value_and_is_a_revision() {
        for (name, fresh) in backends() {
            eprintln!("an_edit_changes_only_its_value_and_is_a_revision on {name}");
            super::an_edit_changes_only_its_value_and_is_a_revision(fresh.as_ref());
        }
    }

    #[test]
    fn missing_keys_are_added_in_block_and_flow_style() {
        for (name, fresh) in backends() {
            eprintln!("missing_keys_are_added_in_block_and_flow_style on {name}");
            super::missing_keys_are_added_in_block_and_flow_style(fresh.as_ref());
        }
    }

    #[test]
    fn an_edit_that_breaks_the_model_is_refused_with_the_field_and_nothing_is_written() {
        for (name, fresh) in backends() {
            eprintln!(
                "an_edit_that_breaks_the_model_is_refused_with_the_field_and_nothing_is_written on {name}"
            );
            super::an_edit_that_breaks_the_model_is_refused_with_the_field_and_nothing_is_written(
                fresh.as_ref(),
            );
        }
    }

    #[test]
    fn two_people_editing_the_same_file_get_a_conflict_not_an_overwrite() {
        for (name, fresh) in backends() {
            eprintln!("two_people_editing_the_same_file_get_a_conflict_not_an_overwrite on {name}");
            super::two_people_editing_the_same_file_get_a_conflict_not_an_overwrite(fresh.as_ref());
        }
    }

    #[test]
    fn a_revision_can_be_restored_and_history_is_kept() {
        for (name, fresh) in backends() {
            eprintln!("a_revision_can_be_restored_and_history_is_kept on {name}");
            super::a_revision_can_be_restored_and_history_is_kept(fresh.as_ref());
        }
    }

    #[test]
    fn accounts_sessions_and_roles() {
        for (name, fresh) in backends() {
            eprintln!("accounts_sessions_and_roles on {name}");
            super::accounts_sessions_and_roles(fresh.as_ref());
        }
    }

    #[test]
    fn consultation_rounds_and_the_organisers_summary() {
        for (name, fresh) in backends() {
            eprintln!("consultation_rounds_and_the_organisers_summary on {name}");
            super::consultation_rounds_and_the_organisers_summary(fresh.as_ref());
        }
    }
    #[test]
    fn comments_and_rounds_name_what_exists_and_stay_bounded() {
        for (name, fresh) in backends() {
            eprintln!("comments_and_rounds_name_what_exists_and_stay_bounded on {name}");
            super::comments_and_rounds_name_what_exists_and_stay_bounded(fresh.as_ref());
        }
    }

    #[test]
    fn a_restore_is_checked_and_a_no_op_is_refused() {
        for (name, fresh) in backends() {
            eprintln!("a_restore_is_checked_and_a_no_op_is_refused on {name}");
            super::a_restore_is_checked_and_a_no_op_is_refused(fresh.as_ref());
        }
    }

    #[test]
    fn a_link_is_edited_by_its_ends() {
        for (name, fresh) in backends() {
            eprintln!("a_link_is_edited_by_its_ends on {name}");
            super::a_link_is_edited_by_its_ends(fresh.as_ref());
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Items and keys an edit may touch, with values of every kind (valid, invalid, odd text).
    fn edits() -> impl Strategy<Value = (usize, &'static str, String)> {
        let keys = prop::sample::select(vec![
            "name",
            "description",
            "level",
            "unit",
            "status",
            "cost",
            "effort",
            "definition",
            "direction",
            "effect",
            "probability",
            "rationale",
        ]);
        let values = prop::string::string_regex("[a-z0-9 :#'\"{}\\[\\],.-]{0,24}").unwrap();
        (
            0usize..60,
            keys,
            prop_oneof![
                values,
                Just("0.5".to_string()),
                Just("1 to 5".to_string()),
                Just("increase".to_string())
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

        /// Whatever an edit asks, the workspace either refuses it and changes nothing, or saves a
        /// model that checks without new errors and whose other files are byte-identical.
        #[test]
        fn edits_never_corrupt_the_model(batch in prop::collection::vec(edits(), 1..6)) {
            let mut ws = Workspace::in_memory().unwrap();
            ws.import_dir(&example(), "importer").unwrap();
            let errors = |ws: &Workspace| ws.checked().unwrap().diagnostics.iter().filter(|d| d.severity() == modelfile::Severity::Error).count();
            let base_errors = errors(&ws);
            for (pick, key, value) in batch {
                let m = ws.checked().unwrap().model;
                let (kind, id) = match pick % 3 {
                    0 => (ItemKind::Node, m.nodes[pick % m.nodes.len()].id.to_string()),
                    1 => (ItemKind::Initiative, m.initiatives[pick % m.initiatives.len()].id.to_string()),
                    _ => {
                        let l = &m.links[pick % m.links.len()];
                        (ItemKind::Link, format!("{}:{}", l.from, l.to))
                    }
                };
                let before = ws.files().unwrap();
                let head = ws.head().unwrap();
                let item = ws.item(kind, &id).unwrap();
                match ws.edit(kind, &id, &changes(&[(key, value.as_str())]), &Base::Revision(item.revision), "prop") {
                    Ok(rev) => {
                        prop_assert!(errors(&ws) <= base_errors, "an accepted edit added errors: {kind:?} {id} {key}={value:?}");
                        for (a, b) in before.iter().zip(ws.files().unwrap()) {
                            if a.name != rev.revision.path {
                                prop_assert_eq!(&a.text, &b.text);
                            }
                        }
                    }
                    Err(_) => {
                        prop_assert_eq!(ws.head().unwrap(), head);
                        prop_assert_eq!(before.iter().map(|f| f.text.clone()).collect::<Vec<_>>(), ws.files().unwrap().iter().map(|f| f.text.clone()).collect::<Vec<_>>());
                    }
                }
            }
        }
    }
}

/// An error in a key the edit added (not replaced) is reported on that key, in flow style too.
#[test]
fn errors_in_added_keys_are_attributed_to_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("throughline.yaml"), "format_version: 1\nmodel: { name: M }\n")
        .unwrap();
    std::fs::write(dir.path().join("m.yaml"), "nodes:\n  - { id: a, name: A, level: activity }\n")
        .unwrap();
    let mut ws = Workspace::in_memory().unwrap();
    ws.import_dir(dir.path(), "x").unwrap();
    let item = ws.item(ItemKind::Node, "a").unwrap();
    let err = ws
        .edit(
            ItemKind::Node,
            "a",
            &changes(&[("program", "nowhere"), ("name", "Aa")]),
            &Base::Revision(item.revision),
            "x",
        )
        .unwrap_err();
    let EditError::Invalid(errors) = err else { panic!("{err}") };
    assert_eq!(errors[0].field.as_deref(), Some("program"), "{errors:?}");
}

/// A database naming a file outside the folder (`../x.yaml`, an absolute path) cannot make
/// export write there, nor can a symbolic link on the way; import does not follow a symbolic
/// link out of the model folder either.
#[test]
fn export_and_import_stay_inside_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite");
    Workspace::open(&db).unwrap().import_dir(&example(), "importer").unwrap();
    let out = dir.path().join("out");
    let outside = dir.path().join("escaped.yaml");
    for evil in ["../escaped.yaml", outside.to_str().unwrap(), "a/../../escaped.yaml"] {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "INSERT INTO revision (path, before, after, author, at, summary) VALUES (?1, NULL, 'x: 1', 'mallory', 'now', 'evil')",
            [evil],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO file (path, text, revision) VALUES (?1, 'x: 1', ?2)",
            rusqlite::params![evil, id],
        )
        .unwrap();
        drop(conn);
        let err = Workspace::open(&db).unwrap().export_dir(&out).unwrap_err();
        assert!(err.to_string().contains("must stay inside"), "{evil}: {err}");
        assert!(!outside.exists(), "{evil} escaped");
        assert!(!out.exists(), "{evil}: nothing is written when one name is refused");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("DELETE FROM file WHERE path = ?1", [evil]).unwrap();
    }
    // A symbolic link inside the export folder is not written through.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("throughline.yaml")).unwrap();
        let err = Workspace::open(&db).unwrap().export_dir(&out).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!outside.exists());
        // Import refuses a model file that is a link to somewhere else.
        let model = dir.path().join("model");
        std::fs::create_dir_all(&model).unwrap();
        std::fs::copy(example().join("throughline.yaml"), model.join("throughline.yaml")).unwrap();
        std::fs::write(&outside, "nodes: []\n").unwrap();
        std::os::unix::fs::symlink(&outside, model.join("secret.yaml")).unwrap();
        let err = Workspace::in_memory().unwrap().import_dir(&model, "x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    // The honest database still exports.
    let clean = dir.path().join("clean");
    assert!(Workspace::open(&db).unwrap().export_dir(&clean).unwrap() > 0);
}

fn a_checkin_note_is_history_and_a_model_item(fresh: &Fresh) {
    let mut ws = loaded(fresh);
    let note = workspace::checkin::NoteInput {
        key_result: "ind_new_readers".into(),
        quarter: "2026Q3".into(),
        story: "Data prices fell: \"more readers\" # not a comment".into(),
        partners: "Telecom partners".into(),
        decision: "continue".into(),
        status: "at_risk".into(),
        ..Default::default()
    };
    // A status override needs a reason; nothing is written until it has one.
    let err = ws.record_checkin(&note, "ada").unwrap_err();
    let EditError::Invalid(fields) = err else { panic!("{err}") };
    assert_eq!(fields[0].field.as_deref(), Some("reason"));
    assert!(ws.checkin_notes(None).unwrap().is_empty());
    let note = workspace::checkin::NoteInput { reason: "The survey is late.".into(), ..note };
    let first = ws.record_checkin(&note, "ada").unwrap();
    let second = ws
        .record_checkin(
            &workspace::checkin::NoteInput { decision: "change".into(), ..note.clone() },
            "bo",
        )
        .unwrap();
    assert!(second.id > first.id && second.revision > first.revision);
    let history = ws.checkin_notes(Some("ind_new_readers")).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[1].author.as_str(), history[1].decision.as_deref()),
        ("bo", Some("change"))
    );
    // The model carries both notes, as written; it still checks clean.
    let checked = ws.checked().unwrap();
    assert!(checked.is_ok(), "{:?}", checked.diagnostics);
    let notes = &checked.model.checkins;
    assert_eq!(notes.len(), 2);
    assert_eq!(
        notes[0].story.as_deref(),
        Some("Data prices fell: \"more readers\" # not a comment")
    );
    assert_eq!(notes[1].decision, Some(model::Decision::Change));
    assert_eq!(notes[1].status, Some(model::TeamStatus::AtRisk));
    // An unknown key result and a bad quarter are refused by field.
    let bad = workspace::checkin::NoteInput {
        key_result: "nope".into(),
        quarter: "Q9".into(),
        story: "x".into(),
        ..Default::default()
    };
    let EditError::Invalid(fields) = ws.record_checkin(&bad, "ada").unwrap_err() else { panic!() };
    let f: Vec<_> = fields.iter().map(|f| f.field.as_deref()).collect();
    assert_eq!(f, [Some("key_result"), Some("quarter")]);
    // The folder export carries the notes.
    let out = tempfile::tempdir().unwrap();
    ws.export_dir(out.path()).unwrap();
    assert_eq!(modelfile::check_dir(out.path()).unwrap().model.checkins.len(), 2);
}

#[test]
fn checkin_notes_on_every_backend() {
    for (name, fresh) in backends() {
        eprintln!("a_checkin_note_is_history_and_a_model_item on {name}");
        a_checkin_note_is_history_and_a_model_item(fresh.as_ref());
    }
}

//! The impact figures on the planted fixture of `synthetic::impact`, with the answers worked out
//! by hand from its rows and files (their comments say who sits on which edge), in both
//! `imagelinks` layouts. The lake's tests hold DataFusion (and CI's Spark run) to these same
//! reference counts.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use communities::definition::Definition;
use communities::dump::read;
use communities::metrics::{Data, Metrics, Outcome};
use synthetic::dumps::line;
use synthetic::impact::{self, ImageLinksLayout};

/// The planted data, read through the real readers from the files as written.
fn data(layout: ImageLinksLayout) -> Data {
    let planted = impact::planted(layout);
    let text = planted.rows.iter().map(line).collect::<Vec<_>>().join("\n");
    let edits = read(text.as_bytes()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = impact::write_files(dir.path(), &planted.files).unwrap();
    let (links, views): (Vec<_>, Vec<_>) =
        paths.into_iter().partition(|p| p.file_name().unwrap().to_str().unwrap().contains(".sql"));
    let uses = communities::links::read_file_uses(&links).unwrap();
    let views = communities::pageviews::read_files(&views).unwrap();
    Data::new(edits, &[], Some(impact::coverage_end())).with_impact(&uses, &views)
}

fn measured(data: &Data) -> Vec<Metrics> {
    impact::communities(&Definition::v1(), "v1")
        .iter()
        .map(|c| match data.metrics(c) {
            Outcome::Measured { metrics, .. } => metrics,
            Outcome::Missing => panic!("{} missing", c.id),
        })
        .collect()
}

#[test]
fn uploads_and_files_in_use_on_commons() {
    for layout in [ImageLinksLayout::Title, ImageLinksLayout::Target] {
        let m = &measured(&data(layout))[0];
        // F1 (exactly at the start), F2 (a second before the end), F4; not F3 (at the end).
        assert_eq!(m.files_created, 3, "{layout:?}");
        // F1 through Commons' global links (an enwiki article), F4 through Commons' own
        // imagelinks (a gallery in the main namespace); F2 is shown only by a user page, F3's
        // article does not count because F3 is outside the window.
        assert_eq!(m.files_in_use, 2, "{layout:?}");
        assert_eq!((m.bytes_added, m.bytes_removed), (6_000, 0));
        assert_eq!((m.articles_created, m.articles_improved, m.views_to_created), (0, 0, 0));
    }
}

#[test]
fn articles_created_improved_and_their_views_on_frwiki() {
    let m = &measured(&data(ImageLinksLayout::Title))[1];
    assert_eq!(m.edits, 8);
    // A1 and A2; P0 was created the day before the window.
    assert_eq!((m.pages_created, m.articles_created), (2, 2));
    // P0 (created before the window), P6 (reverted after 48 h and a second), P7 (a second
    // before the end). Not P5 (reverted after exactly 48 h), not A1 (the community created
    // it), not the talk page, not P8 (exactly at the end).
    assert_eq!(m.articles_improved, 3);
    // A1 (created at start + 30 min): the hour from the start (10 + 5, desktop and mobile) and
    // the next (1), not the hour before (1000), not dewiki's A1 (900). A2 (created exactly at
    // start + 2 h): that hour (20) and three days later (2), not the hour ending at its
    // creation (2000). P0's views never count.
    assert_eq!(m.views_to_created, 16 + 22);
    assert_eq!((m.bytes_added, m.bytes_removed), (900, 120));
    assert_eq!((m.bytes_net(), m.bytes_absolute()), (780, 1_020));
    assert_eq!(m.files_in_use, 0);
}

#[test]
fn wikidata_items_created_and_edited() {
    let m = &measured(&data(ImageLinksLayout::Title))[2];
    // Q1 created; Q2 edited twice is one item; the property (namespace 120) is neither.
    assert_eq!((m.articles_created, m.articles_improved), (1, 1));
    // Q1's views three days after its creation, desktop (4) and mobile (6).
    assert_eq!(m.views_to_created, 10);
}

#[test]
fn without_link_or_pageview_dumps_those_figures_count_nothing() {
    let planted = impact::planted(ImageLinksLayout::Title);
    let text = planted.rows.iter().map(line).collect::<Vec<_>>().join("\n");
    let data = Data::new(read(text.as_bytes()).unwrap(), &[], Some(impact::coverage_end()));
    let m = measured(&data);
    assert_eq!((m[0].files_created, m[0].files_in_use), (3, 0));
    assert_eq!((m[1].articles_improved, m[1].views_to_created), (3, 0));
}

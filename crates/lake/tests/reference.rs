//! DataFusion over the converted Parquet must give exactly the counts of the naive reference
//! implementation (`communities::metrics`) on the same generated dumps: every metric, every
//! retention window, totals, and missing wikis — over several generated worlds, in both dump
//! layouts, plain and bz2.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use communities::dump::{Layout, read};
use communities::metrics::{Community, DAY, Data, Members};
use communities::summary::ImpactSources;
use lake::convert::{Options, convert};
use lake::engine::{metrics, prepare_run};
use synthetic::dumps::{Spec, World};
use synthetic::impact::{ImageLinksLayout, Sources};

/// Writes a world's dump in `layout`, optionally bz2-compressed, and the impact sources made
/// from its rows (link dumps in the `imagelinks` layout that goes with it, pageview files);
/// returns the dump's text, which the reference reads too, and the sources.
fn write_dump(
    world: &World,
    dir: &Path,
    layout: Layout,
    bz2: bool,
) -> (PathBuf, String, ImpactSources) {
    let mut text = Vec::new();
    let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
    world.write_observed(&mut text, layout, &mut |r| sources.observe(r)).unwrap();
    // The 1.46 imagelinks layout with the bz2 runs, the classic one otherwise.
    let links = if bz2 { ImageLinksLayout::Target } else { ImageLinksLayout::Title };
    let written = synthetic::impact::write_files(dir, &sources.files(links)).unwrap();
    let (links, pageviews): (Vec<PathBuf>, Vec<PathBuf>) =
        written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
    let impact = ImpactSources { links, pageviews };
    let path = dir.join(if bz2 { "dump.tsv.bz2" } else { "dump.tsv" });
    let file = std::fs::File::create(&path).unwrap();
    if bz2 {
        let mut enc = bzip2::write::BzEncoder::new(file, bzip2::Compression::fast());
        enc.write_all(&text).unwrap();
        enc.finish().unwrap();
    } else {
        let mut file = file;
        file.write_all(&text).unwrap();
    }
    (path, String::from_utf8(text).unwrap(), impact)
}

fn reference_data(world: &World, text: &str, impact: &ImpactSources) -> Data {
    let edits = read(text.as_bytes()).unwrap();
    // The conversion's rule, written out independently: the start of the last edit's day.
    let mut coverage: BTreeMap<String, i64> = BTreeMap::new();
    for e in &edits {
        let end = coverage.entry(e.wiki.clone()).or_insert(i64::MIN);
        *end = (*end).max(e.at.div_euclid(DAY) * DAY);
    }
    let mut categories: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
    for (w, c, p) in &world.categories {
        categories.entry((w.clone(), c.clone())).or_default().insert(*p);
    }
    let uses = communities::links::read_file_uses(&impact.links).unwrap();
    let views = communities::pageviews::read_files(&impact.pageviews).unwrap();
    Data { edits, categories, coverage, ..Data::default() }.with_impact(&uses, &views)
}

fn categories_file(world: &World, dir: &Path) -> PathBuf {
    let path = dir.join("categories.tsv");
    let mut text = String::from("# wiki\tcategory\tpage_id\n");
    for (w, c, p) in &world.categories {
        // Written as people write them; the conversion normalises.
        text.push_str(&format!("{w}\tCategory:{}\t{p}\n", c.replace('_', " ")));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn check_world(seed: u64, layout: Layout, bz2: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new(Spec::small(seed));
    // A community on a wiki the dump does not cover: missing, never zero.
    world.communities.push(Community {
        id: "zz-missing".into(),
        wiki: "dewiki".into(),
        members: Members::Tag("campaign-0".into()),
        start: world.spec.start,
        end: world.spec.end,
        cost: None,
        definition: communities::definition::Definition::v1(),
    });
    // Every preset over the generated communities, in turn.
    let definitions = synthetic::presets::definitions();
    for (k, c) in world.communities.iter_mut().enumerate() {
        c.definition = definitions[(k + seed as usize) % definitions.len()].1.clone();
    }
    let (dump, text, impact) = write_dump(&world, dir.path(), layout, bz2);
    let lake = dir.path().join("lake");
    let options = Options {
        categories: Some(categories_file(&world, dir.path())),
        coverage_end: None,
        impact: impact.clone(),
    };
    let summary = convert(&[dump], &lake, &options, Arc::new(AtomicU64::new(0))).unwrap();
    prepare_run(&lake, &world.communities).unwrap();
    let got = metrics(&lake).unwrap();

    let data = reference_data(&world, &text, &impact);
    assert_eq!(summary.edits as usize, data.edits.len());
    let mut ids: Vec<&Community> = world.communities.iter().collect();
    ids.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got.communities.len(), ids.len());
    let (mut nonzero, mut retained, mut pending, mut missing) = (0, 0, 0, 0);
    let (mut improved, mut in_use, mut viewed) = (0, 0, 0);
    for ((id, outcome), c) in got.communities.iter().zip(&ids) {
        assert_eq!(id, &c.id);
        let want = data.metrics(c);
        assert_eq!(outcome, &want, "seed {seed}, community {id} ({:?})", c.members);
        match outcome {
            communities::metrics::Outcome::Measured { metrics, .. } => {
                nonzero += usize::from(metrics.participants > 0);
                retained += metrics.retention.iter().map(|r| r.retained).sum::<u64>();
                pending += metrics.retention.iter().map(|r| r.pending).sum::<u64>();
                improved += metrics.articles_improved;
                in_use += metrics.files_in_use;
                viewed += metrics.views_to_created;
            }
            communities::metrics::Outcome::Missing => missing += 1,
        }
    }
    assert!(retained > 0 && pending > 0, "seed {seed}: retained {retained}, pending {pending}");
    // The impact figures are exercised, not all zero.
    assert!(improved > 0 && in_use > 0 && viewed > 0, "seed {seed}: {improved} {in_use} {viewed}");

    assert_eq!(missing, 1, "seed {seed}: only the dewiki community is missing");
    let measured: Vec<Community> = world.communities.clone();
    assert_eq!(got.totals, data.totals(&measured), "seed {seed}: totals");
    // The comparison means something: most communities have people, some retain them, and
    // totals differ from sums (overlap).
    assert!(nonzero * 3 >= ids.len() * 2, "seed {seed}: only {nonzero} of {} non-empty", ids.len());
    assert!(got.totals.participants < got.totals.participants_summed, "seed {seed}: no overlap");
}

#[test]
fn datafusion_matches_the_reference_on_generated_worlds() {
    for seed in 0..4 {
        check_world(seed, Layout::Current, false);
    }
}

#[test]
fn the_classic_layout_and_bz2_give_the_same_metrics() {
    check_world(11, Layout::Classic, false);
    check_world(12, Layout::Current, true);
}

#[test]
fn a_bad_row_stops_the_conversion_and_leaves_the_lake_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new(Spec::small(5));
    let (dump, text, _) = write_dump(&world, dir.path(), Layout::Current, false);
    let lake = dir.path().join("lake");
    convert(&[dump], &lake, &Options::default(), Arc::new(AtomicU64::new(0))).unwrap();
    let before = std::fs::read(lake.join("edits.parquet")).unwrap();
    let bad = dir.path().join("bad.tsv");
    let mut lines: Vec<&str> = text.lines().take(10).collect();
    lines.push("enwiki\trevision\tcreate");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let err = convert(
        std::slice::from_ref(&bad),
        &lake,
        &Options::default(),
        Arc::new(AtomicU64::new(0)),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with(&format!("{}: line 11: 3 fields", bad.display())), "{err}");
    assert_eq!(std::fs::read(lake.join("edits.parquet")).unwrap(), before);
}

#[test]
fn a_malformed_category_row_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.tsv");
    std::fs::write(&file, "# comment\ncommonswiki\tCat\t12\ncommonswiki\tCat\ttwelve\n").unwrap();
    let err = communities::dump::read_categories(&file).unwrap_err().to_string();
    assert_eq!(err, "line 3: page id `twelve` is not a whole number");
}

/// Writes the planted preset fixture as a dump and converts it with the fixture's end of data.
fn preset_lake(dir: &Path) -> (PathBuf, Data) {
    let rows = synthetic::presets::rows();
    let text = rows.iter().map(synthetic::dumps::line).collect::<Vec<_>>().join("\n");
    let dump = dir.join("presets.tsv");
    std::fs::write(&dump, &text).unwrap();
    let lake = dir.join("lake");
    let end = synthetic::presets::coverage_end();
    let options = Options { coverage_end: Some(end), ..Options::default() };
    convert(&[dump], &lake, &options, Arc::new(AtomicU64::new(0))).unwrap();
    let edits = read(text.as_bytes()).unwrap();
    let data = Data {
        edits,
        coverage: [
            (synthetic::presets::HOME.to_string(), end),
            (synthetic::presets::OTHER.to_string(), end),
        ]
        .into(),
        ..Data::default()
    };
    (lake, data)
}

#[test]
fn datafusion_matches_the_reference_on_every_preset_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let (lake, data) = preset_lake(dir.path());
    let mut all: Vec<Community> = Vec::new();
    for (tag, d) in synthetic::presets::definitions() {
        all.extend(synthetic::presets::tagged(&d, &tag));
    }
    prepare_run(&lake, &all).unwrap();
    let got = metrics(&lake).unwrap();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got.communities.len(), all.len());
    for ((id, outcome), c) in got.communities.iter().zip(&all) {
        assert_eq!(id, &c.id);
        assert_eq!(outcome, &data.metrics(c), "{id}");
    }
    assert_eq!(got.totals, data.totals(&all));
}

#[test]
fn datafusion_matches_the_reference_on_the_planted_impact_fixture() {
    use synthetic::impact;
    for layout in [ImageLinksLayout::Title, ImageLinksLayout::Target] {
        let dir = tempfile::tempdir().unwrap();
        let planted = impact::planted(layout);
        let text = planted.rows.iter().map(synthetic::dumps::line).collect::<Vec<_>>().join("\n");
        let dump = dir.path().join("impact.tsv");
        std::fs::write(&dump, &text).unwrap();
        let written = impact::write_files(dir.path(), &planted.files).unwrap();
        let (links, pageviews): (Vec<PathBuf>, Vec<PathBuf>) =
            written.into_iter().partition(|p| p.to_string_lossy().contains(".sql"));
        let sources = ImpactSources { links, pageviews };
        let lake = dir.path().join("lake");
        let end = impact::coverage_end();
        let options =
            Options { coverage_end: Some(end), impact: sources.clone(), ..Options::default() };
        convert(&[dump], &lake, &options, Arc::new(AtomicU64::new(0))).unwrap();
        let mut all: Vec<Community> = Vec::new();
        for (tag, d) in synthetic::presets::definitions() {
            all.extend(impact::communities(&d, &tag));
        }
        prepare_run(&lake, &all).unwrap();
        let got = metrics(&lake).unwrap();
        let uses = communities::links::read_file_uses(&sources.links).unwrap();
        let views = communities::pageviews::read_files(&sources.pageviews).unwrap();
        let data =
            Data::new(read(text.as_bytes()).unwrap(), &[], Some(end)).with_impact(&uses, &views);
        all.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(got.communities.len(), all.len());
        for ((id, outcome), c) in got.communities.iter().zip(&all) {
            assert_eq!(id, &c.id);
            assert_eq!(outcome, &data.metrics(c), "{layout:?} {id}");
        }
        assert_eq!(got.totals, data.totals(&all));
    }
}

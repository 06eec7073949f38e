//! Writes the bundled example's SYNTHETIC community data: a history dump sample
//! (examples/wikimedia/data/history/sample.tsv.bz2), its category pages and the
//! communities.yaml that defines campaigns, edit-a-thons, courses, hashtags and categories
//! over it, and the impact figures' sources made from the same rows (data/links: link-table SQL
//! dumps; data/pageviews: hourly pageview files). Reproducible: `cargo run -p communities --example wikimedia_sample -- examples/wikimedia`.
#![allow(clippy::unwrap_used)] // a generator run by hand: a panic is the report

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use communities::metrics::{DAY, Members};
use synthetic::dumps::{Spec, World};
use synthetic::impact::{ImageLinksLayout, Sources};

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "examples/wikimedia".into()));
    let mut spec = Spec::small(2026);
    spec.users = 400;
    spec.communities = 30;
    spec.edits = 24_000;
    let world = World::new(spec);
    let history = dir.join("data").join("history");
    std::fs::create_dir_all(&history).unwrap();
    let file = std::fs::File::create(history.join("sample.tsv.bz2")).unwrap();
    let mut enc =
        bzip2::write::BzEncoder::new(std::io::BufWriter::new(file), bzip2::Compression::best());
    let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
    let rows = world
        .write_observed(&mut enc, communities::dump::Layout::Current, &mut |r| sources.observe(r))
        .unwrap();
    enc.finish().unwrap().flush().unwrap();
    let mut cats = String::from(
        "# SYNTHETIC category pages for the example communities: wiki, category, page id.\n",
    );
    for (w, c, p) in &world.categories {
        let _ = writeln!(cats, "{w}\t{}\t{p}", c.replace('_', " "));
    }
    std::fs::write(history.join("categories.tsv"), cats).unwrap();
    // The impact figures' SYNTHETIC sources, made from the same rows: link dumps and monthly
    // hourly pageview files, in the published layouts and names.
    let files = sources.files(ImageLinksLayout::Title);
    for sub in ["links", "pageviews"] {
        let d = dir.join("data").join(sub);
        if d.exists() {
            std::fs::remove_dir_all(&d).unwrap();
        }
        std::fs::create_dir_all(&d).unwrap();
        let mine: Vec<(String, String)> = files
            .iter()
            .filter(|(name, _)| name.contains(".sql") == (sub == "links"))
            .cloned()
            .collect();
        synthetic::impact::write_files(&d, &mine).unwrap();
    }

    let mut yaml = String::from(
        "# SYNTHETIC communities over the SYNTHETIC dump sample in data/history (written by\n\
         # `cargo run -p communities --example wikimedia_sample`). Real ones list a campaign's\n\
         # participants, hashtag, edit tag or category; `throughline communities` measures them.\n\
         communities:\n",
    );
    let date = |secs: i64| model::Date::from_day_number(secs.div_euclid(DAY));
    for (k, c) in world.communities.iter().enumerate() {
        let (id, name, kind, audience) = match (&c.members, k % 3) {
            (Members::Roster(_), 0) => {
                (format!("course_{k}"), format!("Wikipedia course {k}"), "course", "educators")
            }
            (Members::Roster(_), _) => {
                (format!("editathon_{k}"), format!("Edit-a-thon {k}"), "roster", "activists")
            }
            (Members::Hashtag(t), _) => (
                format!("hashtag_{t}_{k}"),
                format!("Campaign #{t} ({k})"),
                "hashtag",
                "wlm_organizers",
            ),
            (Members::Tag(t), _) => (
                format!("tag_{}_{k}", t.replace('-', "_")),
                format!("Tagged campaign {t} ({k})"),
                "tag",
                "wlm_organizers",
            ),
            (Members::Category(t), _) => (
                format!("category_{}_{k}", t.to_lowercase()),
                format!("Category drive {} ({k})", t.replace('_', " ")),
                "category",
                "glam",
            ),
        };
        let _ = writeln!(
            yaml,
            "  - id: {id}\n    name: \"{name}\"\n    wiki: {}\n    kind: {kind}",
            c.wiki
        );
        match &c.members {
            Members::Roster(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                let _ = writeln!(yaml, "    members: [{}]", quoted.join(", "));
            }
            Members::Hashtag(t) => {
                let _ = writeln!(yaml, "    rule: \"#{t}\"");
            }
            Members::Tag(t) | Members::Category(t) => {
                let _ = writeln!(yaml, "    rule: \"{}\"", t.replace('_', " "));
            }
        }
        let _ = writeln!(yaml, "    start: {}\n    end: {}", date(c.start), date(c.end - 1));
        if let Some(cost) = c.cost {
            let _ = writeln!(yaml, "    cost: {cost}");
        }
        let _ = writeln!(yaml, "    audience: {audience}\n    data: synthetic");
        // Three communities measured with four definitions side by side (rows
        // `id@definition`): throughline's own, Event Metrics', Global Metrics 2014 (its table
        // in the published order) and the Dashboard's.
        if (1..=3).contains(&k) {
            let _ = writeln!(
                yaml,
                "    definitions: [throughline_v1, event_metrics, global_metrics_2014, {{ preset: dashboard, retention_days: [7, 30] }}]"
            );
        }
    }
    std::fs::write(dir.join("communities.yaml"), yaml).unwrap();
    eprintln!("wrote {rows} rows and {} communities", world.communities.len());
}

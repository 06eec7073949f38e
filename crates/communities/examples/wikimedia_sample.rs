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
    let world = World::new(spec.clone());
    // Wikidata, in a dump of its own as the dumps site publishes one per wiki: items created and
    // edited by a few communities of its own (the same people, by central id, as elsewhere).
    let mut wd = spec;
    wd.seed = 2030;
    wd.wikis = vec![synthetic::dumps::WIKIDATA.into()];
    wd.users = 120;
    wd.communities = 4;
    wd.edits = 4_000;
    let wikidata = World::new(wd);
    let history = dir.join("data").join("history");
    std::fs::create_dir_all(&history).unwrap();
    let mut sources = Sources::new(Sources::monthly(world.spec.start, world.spec.end));
    let mut rows = 0;
    let mut cats = String::from(
        "# SYNTHETIC category pages for the example communities: wiki, category, page id.\n",
    );
    for (w, file) in [(&world, "sample.tsv.bz2"), (&wikidata, "wikidata.tsv.bz2")] {
        let file = std::fs::File::create(history.join(file)).unwrap();
        let mut enc =
            bzip2::write::BzEncoder::new(std::io::BufWriter::new(file), bzip2::Compression::best());
        rows += w
            .write_observed(&mut enc, communities::dump::Layout::Current, &mut |r| {
                sources.observe(r)
            })
            .unwrap();
        enc.finish().unwrap().flush().unwrap();
        for (wiki, c, p) in &w.categories {
            let _ = writeln!(cats, "{wiki}\t{}\t{p}", c.replace('_', " "));
        }
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
    let all = world.communities.iter().enumerate().map(|(k, c)| (k, c, false));
    let all = all.chain(wikidata.communities.iter().enumerate().map(|(k, c)| (k, c, true)));
    for (k, c, on_wikidata) in all {
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
        // Wikidata's own: courses that teach librarians and GLAM staff to model their
        // collections as items, and item drives.
        let (id, name, audience) = if on_wikidata {
            let name =
                name.replace("Wikipedia course", "course").replace("Edit-a-thon", "item drive");
            (
                format!("wikidata_{id}"),
                format!("Wikidata {name}"),
                if kind == "course" { audience } else { "glam" },
            )
        } else {
            (id, name, audience)
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
        // Three communities (and a Wikidata course) measured with four definitions side by side (rows
        // `id@definition`): throughline's own, Event Metrics', Global Metrics 2014 (its table
        // in the published order) and the Dashboard's.
        if if on_wikidata { k == 0 } else { (1..=3).contains(&k) } {
            let _ = writeln!(
                yaml,
                "    definitions: [throughline_v1, event_metrics, global_metrics_2014, {{ preset: dashboard, retention_days: [7, 30] }}]"
            );
        }
    }
    std::fs::write(dir.join("communities.yaml"), yaml).unwrap();
    eprintln!(
        "wrote {rows} rows and {} communities",
        world.communities.len() + wikidata.communities.len()
    );
}

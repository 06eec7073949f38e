//! Synthetic sources of the impact figures, in the real layouts: link-table SQL dumps
//! ([`imagelinks_sql`] in both of MediaWiki's layouts, [`linktarget_sql`],
//! [`globalimagelinks_sql`]), hourly pageview files ([`pageviews_text`]), [`Sources`] — the
//! uses and views of a generated world, made from its rows as they stream past — and the
//! planted fixture ([`planted`]) whose answers `crates/communities/tests/impact.rs` works out by
//! hand: uploads and edits exactly on the window's edges, a file used only outside articles, a
//! file used through Commons' global links, edits reverted exactly at 48 hours and a second
//! after, a page created before the window that is viewed during it, views in the hour that
//! ends exactly at a creation and in the one that contains it, and Wikidata items.

use std::collections::BTreeMap;
use std::path::Path;

use communities::definition::Definition;
use communities::metrics::{Community, Members};

use crate::dumps::Row;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// The `imagelinks` layout to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageLinksLayout {
    /// `(il_from, il_to, il_from_namespace)`: the layout public dumps publish through 1.45.
    Title,
    /// `(il_from, il_target_id, il_from_namespace)`: MediaWiki 1.46, titles in `linktarget`.
    Target,
}

/// A MySQL string literal with the dump's escapes.
fn quoted(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A table's dump as mysqldump writes it: header comments, `CREATE TABLE` with one column per
/// line, and `INSERT` lines of at most `per_insert` rows.
fn sql_dump(
    table: &str,
    columns: &[(&str, &str)],
    rows: &[Vec<String>],
    per_insert: usize,
) -> String {
    let mut s = format!(
        "-- MySQL dump 10.19  Distrib 10.3.39-MariaDB\n--\n-- Table structure for table `{table}`\n--\n\n\
         DROP TABLE IF EXISTS `{table}`;\n/*!40101 SET @saved_cs_client     = @@character_set_client */;\n\
         CREATE TABLE `{table}` (\n"
    );
    for (name, ty) in columns {
        s.push_str(&format!("  `{name}` {ty},\n"));
    }
    s.push_str(&format!(
        "  PRIMARY KEY (`{}`)\n) ENGINE=InnoDB DEFAULT CHARSET=binary;\n\n",
        columns[0].0
    ));
    s.push_str(&format!("LOCK TABLES `{table}` WRITE;\n"));
    for chunk in rows.chunks(per_insert.max(1)) {
        let tuples: Vec<String> = chunk.iter().map(|r| format!("({})", r.join(","))).collect();
        s.push_str(&format!("INSERT INTO `{table}` VALUES {};\n", tuples.join(",")));
    }
    s.push_str("UNLOCK TABLES;\n");
    s
}

/// A wiki's `imagelinks` dump: `(from page, file title, from namespace)` rows. In the
/// [`ImageLinksLayout::Target`] layout, file `k` (in row order, deduplicated) gets link target
/// id `1000 + k`, as [`linktarget_sql`] writes them.
pub fn imagelinks_sql(layout: ImageLinksLayout, rows: &[(i64, String, i64)]) -> String {
    let targets = target_ids(rows);
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|(from, file, ns)| match layout {
            ImageLinksLayout::Title => vec![from.to_string(), quoted(file), ns.to_string()],
            ImageLinksLayout::Target => {
                vec![from.to_string(), targets[file].to_string(), ns.to_string()]
            }
        })
        .collect();
    let second = match layout {
        ImageLinksLayout::Title => ("il_to", "varbinary(255) NOT NULL DEFAULT ''"),
        ImageLinksLayout::Target => ("il_target_id", "bigint(20) unsigned NOT NULL"),
    };
    sql_dump(
        "imagelinks",
        &[
            ("il_from", "int(8) unsigned NOT NULL DEFAULT 0"),
            second,
            ("il_from_namespace", "int(11) NOT NULL DEFAULT 0"),
        ],
        &body,
        500,
    )
}

fn target_ids(rows: &[(i64, String, i64)]) -> BTreeMap<String, i64> {
    let mut ids = BTreeMap::new();
    for (_, file, _) in rows {
        let next = 1000 + ids.len() as i64;
        ids.entry(file.clone()).or_insert(next);
    }
    ids
}

/// The `linktarget` dump that resolves [`imagelinks_sql`]'s target ids (File namespace), plus
/// one target in another namespace, which is not a file.
pub fn linktarget_sql(rows: &[(i64, String, i64)]) -> String {
    let mut body: Vec<Vec<String>> = target_ids(rows)
        .into_iter()
        .map(|(title, id)| vec![id.to_string(), "6".into(), quoted(&title)])
        .collect();
    body.push(vec!["999".into(), "0".into(), quoted("Not_a_file")]);
    sql_dump(
        "linktarget",
        &[
            ("lt_id", "bigint(20) unsigned NOT NULL"),
            ("lt_namespace", "int(11) NOT NULL"),
            ("lt_title", "varbinary(255) NOT NULL"),
        ],
        &body,
        500,
    )
}

/// Commons' `globalimagelinks` dump: `(using wiki, page, file, namespace id)` rows.
pub fn globalimagelinks_sql(rows: &[(String, i64, String, i64)]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|(wiki, page, file, ns)| {
            let ns_name = if *ns == 0 { "" } else { "User" };
            vec![
                quoted(wiki),
                page.to_string(),
                quoted(file),
                ns.to_string(),
                quoted(ns_name),
                quoted(&format!("Page_{page}")),
            ]
        })
        .collect();
    sql_dump(
        "globalimagelinks",
        &[
            ("gil_wiki", "varchar(32) NOT NULL"),
            ("gil_page", "int(10) unsigned NOT NULL"),
            ("gil_to", "varchar(255) NOT NULL"),
            ("gil_page_namespace_id", "int(11) NOT NULL"),
            ("gil_page_namespace", "varchar(255) DEFAULT NULL"),
            ("gil_page_title", "varchar(255) DEFAULT NULL"),
        ],
        &body,
        500,
    )
}

/// An hourly pageview file's text: `(domain code, title, views)` lines, response size 0.
pub fn pageviews_text(rows: &[(String, String, i64)]) -> String {
    rows.iter().map(|(d, t, v)| format!("{d} {t} {v} 0\n")).collect()
}

/// The published name of the pageview file of the hour starting at `hour` (seconds).
pub fn pageviews_name(hour: i64) -> String {
    let d = model::Date::from_day_number(hour.div_euclid(DAY)).to_string().replace('-', "");
    format!("pageviews-{d}-{:02}0000.gz", hour.rem_euclid(DAY) / HOUR)
}

/// The domain code of a wiki's desktop (`mobile: false`) or mobile site, for the wikis the
/// generators use.
pub fn domain_code(wiki: &str, mobile: bool) -> String {
    let m = if mobile { ".m" } else { "" };
    match wiki {
        "commonswiki" => format!("commons.m{m}"),
        "wikidatawiki" => {
            if mobile {
                "m.wd".into()
            } else {
                "www.wd".into()
            }
        }
        w => format!("{}{m}", w.strip_suffix("wiki").unwrap_or(w)),
    }
}

/// Writes files as the dumps site names them: gzip when the name ends in `.gz`.
pub fn write_files(
    dir: &Path,
    files: &[(String, String)],
) -> std::io::Result<Vec<std::path::PathBuf>> {
    use std::io::Write;
    let mut out = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        let file = std::fs::File::create(&path)?;
        if name.ends_with(".gz") {
            let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            enc.write_all(text.as_bytes())?;
            enc.finish()?;
        } else {
            let mut file = file;
            file.write_all(text.as_bytes())?;
        }
        out.push(path);
    }
    Ok(out)
}

/// A small hash of a page, for deterministic choices without a random stream.
fn pick(wiki: &str, page: i64, salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in wiki.bytes().chain(page.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The impact sources of a generated world, collected from its rows as they are written:
/// every third file created is shown by an article (on Commons through `globalimagelinks`,
/// elsewhere through the wiki's own `imagelinks`), every third only by a user page; every
/// other page created in the main namespace is viewed in some of `hours` (desktop and mobile),
/// whether or not the hour comes after its creation.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Hours (starts) that get a pageview file.
    pub hours: Vec<i64>,
    /// Per wiki: `imagelinks` rows.
    imagelinks: BTreeMap<String, Vec<(i64, String, i64)>>,
    /// Commons' global links.
    global: Vec<(String, i64, String, i64)>,
    /// Per hour: view lines.
    views: BTreeMap<i64, Vec<(String, String, i64)>>,
    seen: std::collections::HashSet<(String, i64)>,
}

impl Sources {
    /// Sources whose pageviews fall in `hours`.
    pub fn new(hours: Vec<i64>) -> Sources {
        Sources { hours, ..Sources::default() }
    }

    /// Hours at the start of every month from `start` to `end` (seconds).
    pub fn monthly(start: i64, end: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let first = model::Date::from_day_number(start.div_euclid(DAY));
        let (mut y, mut m) = (first.year, first.month);
        while let Some(d) = model::Date::new(y, m, 1) {
            let at = d.day_number() * DAY;
            if at >= end {
                break;
            }
            if at >= start {
                out.push(at);
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }

    /// Looks at one written row.
    pub fn observe(&mut self, r: &Row) {
        if !r.creates_page || !self.seen.insert((r.wiki.clone(), r.page)) {
            return;
        }
        let title = r.title();
        let h = pick(&r.wiki, r.page, 7);
        if r.namespace == 6 {
            match h % 3 {
                0 | 1 => {
                    let ns = if h.is_multiple_of(3) { 0 } else { 2 };
                    if r.wiki == communities::links::COMMONS {
                        self.global.push(("frwiki".into(), 1 + (h >> 8) as i64 % 1000, title, ns));
                    } else {
                        self.imagelinks.entry(r.wiki.clone()).or_default().push((
                            1 + (h >> 8) as i64 % 1000,
                            title,
                            ns,
                        ));
                    }
                }
                _ => {}
            }
        } else if r.namespace == 0 && h.is_multiple_of(2) {
            for (k, &hour) in self.hours.iter().enumerate() {
                let v = pick(&r.wiki, r.page, k as u64 + 11);
                if v.is_multiple_of(3) {
                    let views = self.views.entry(hour).or_default();
                    views.push((
                        domain_code(&r.wiki, false),
                        title.clone(),
                        1 + (v >> 8) as i64 % 50,
                    ));
                    views.push((
                        domain_code(&r.wiki, true),
                        title.clone(),
                        1 + (v >> 16) as i64 % 20,
                    ));
                }
            }
        }
    }

    /// The files to write: `WIKI-20261101-imagelinks.sql.gz` per wiki (in `layout`, with its
    /// `linktarget` for the 1.46 layout), `commonswiki-20261101-globalimagelinks.sql.gz`, and
    /// one `pageviews-…gz` per hour with views.
    pub fn files(&self, layout: ImageLinksLayout) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (wiki, rows) in &self.imagelinks {
            out.push((format!("{wiki}-20261101-imagelinks.sql.gz"), imagelinks_sql(layout, rows)));
            if layout == ImageLinksLayout::Target {
                out.push((format!("{wiki}-20261101-linktarget.sql.gz"), linktarget_sql(rows)));
            }
        }
        out.push((
            "commonswiki-20261101-globalimagelinks.sql.gz".into(),
            globalimagelinks_sql(&self.global),
        ));
        for (hour, rows) in &self.views {
            out.push((pageviews_name(*hour), pageviews_text(rows)));
        }
        out
    }
}

/// The planted fixture's window: 2026-05-01 to 2026-05-08 (exclusive).
pub fn start() -> i64 {
    model::Date::parse("2026-05-01").map_or(0, |d| d.day_number() * DAY)
}

/// End of the window, exclusive.
pub fn end() -> i64 {
    start() + 7 * DAY
}

/// End of the planted history (2026-09-01).
pub fn coverage_end() -> i64 {
    model::Date::parse("2026-09-01").map_or(0, |d| d.day_number() * DAY)
}

/// The planted fixture: rows, link dumps, pageview files.
pub struct Planted {
    /// History rows (three wikis).
    pub rows: Vec<Row>,
    /// Link dumps and pageview files, named as published (not compressed: `.sql`, plain).
    pub files: Vec<(String, String)>,
}

/// The planted rows and files; the comments say who sits on which edge.
pub fn planted(layout: ImageLinksLayout) -> Planted {
    let (s, e) = (start(), end());
    let mut rows: Vec<Row> = Vec::new();
    fn edit(
        rows: &mut Vec<Row>,
        wiki: &str,
        user: i64,
        at: i64,
        ns: i64,
        page: i64,
        title: &str,
    ) -> usize {
        let revision = 50_000 + rows.len() as i64;
        let mut r = Row::edit(wiki, revision, at, user, &format!("I{user}"));
        r.registered = Some(start() - 400 * DAY);
        r.namespace = ns;
        r.page = page;
        r.title = title.into();
        r.bytes_diff = 100;
        rows.push(r);
        rows.len() - 1
    }
    // Commons: u1 uploads F1 exactly at the start (shown by an article via the global links),
    // F2 a second before the end (shown only by a user page), F3 exactly at the end (outside
    // the window, although an article shows it); u2 uploads F4 (shown by a Commons gallery in
    // the main namespace: Commons' own imagelinks).
    for (user, at, page, title) in [
        (1, s, 601, "F1.jpg"),
        (1, e - 1, 602, "F2.jpg"),
        (1, e, 603, "F3.jpg"),
        (2, s + HOUR, 604, "F4.jpg"),
    ] {
        let k = edit(&mut rows, "commonswiki", user, at, 6, page, title);
        rows[k].creates_page = true;
        rows[k].bytes_diff = 2_000;
    }
    // frwiki: u3 creates A1 at start + 30 min and A2 exactly at start + 2 h; edits P0, created
    // by u3 the day before the window (so P0 is improved, not created, and its views do not
    // count); u3's edit to P5 is reverted after exactly 48 h (not improved), u4's to P6 after
    // 48 h and a second (improved); u4 edits A1 (the community created it: not improved), a
    // talk page (not the main namespace) and P7 at end − 1 s (improved) and P8 exactly at the
    // end (outside). Bytes: +300 on A1, −120 on P5.
    let a1 = edit(&mut rows, "frwiki", 3, s + 1_800, 0, 701, "A1");
    rows[a1].creates_page = true;
    rows[a1].bytes_diff = 300;
    let a2 = edit(&mut rows, "frwiki", 3, s + 2 * HOUR, 0, 702, "A2");
    rows[a2].creates_page = true;
    let p0 = edit(&mut rows, "frwiki", 3, s - DAY, 0, 700, "P0");
    rows[p0].creates_page = true;
    edit(&mut rows, "frwiki", 3, s + 3 * HOUR, 0, 700, "P0");
    let p5 = edit(&mut rows, "frwiki", 3, s + 4 * HOUR, 0, 705, "P5");
    rows[p5].reverted_after = Some(2 * DAY);
    rows[p5].bytes_diff = -120;
    let p6 = edit(&mut rows, "frwiki", 4, s + 4 * HOUR, 0, 706, "P6");
    rows[p6].reverted_after = Some(2 * DAY + 1);
    edit(&mut rows, "frwiki", 4, s + 5 * HOUR, 0, 701, "A1");
    edit(&mut rows, "frwiki", 4, s + 5 * HOUR, 1, 709, "A1");
    edit(&mut rows, "frwiki", 4, e - 1, 0, 707, "P7");
    edit(&mut rows, "frwiki", 4, e, 0, 708, "P8");
    // Wikidata: u5 creates item Q1, edits Q2 twice (one item) and a property (namespace 120).
    let q1 = edit(&mut rows, "wikidatawiki", 5, s + DAY, 0, 801, "Q1");
    rows[q1].creates_page = true;
    edit(&mut rows, "wikidatawiki", 5, s + DAY + 60, 0, 802, "Q2");
    edit(&mut rows, "wikidatawiki", 5, s + DAY + 120, 0, 802, "Q2");
    edit(&mut rows, "wikidatawiki", 5, s + DAY + 180, 120, 803, "P1");
    // A quiet edit near the end of the data so coverage reaches it.
    for wiki in ["commonswiki", "frwiki", "wikidatawiki"] {
        edit(&mut rows, wiki, 9, coverage_end() + HOUR, 2, 900, "Sandbox");
    }

    let uses = vec![(10, "F1.jpg".to_string(), 2), (11, "F4.jpg".to_string(), 0)];
    let global = vec![
        ("enwiki".to_string(), 20, "F1.jpg".to_string(), 0),
        ("dewiki".to_string(), 21, "F2.jpg".to_string(), 2),
        ("enwiki".to_string(), 22, "F3.jpg".to_string(), 0),
    ];
    let mut files =
        vec![("commonswiki-20261101-imagelinks.sql".to_string(), imagelinks_sql(layout, &uses))];
    if layout == ImageLinksLayout::Target {
        files.push(("commonswiki-20261101-linktarget.sql".to_string(), linktarget_sql(&uses)));
    }
    files.push((
        "commonswiki-20261101-globalimagelinks.sql".to_string(),
        globalimagelinks_sql(&global),
    ));
    // Views: the hour ending at A1's creation's hour start (s − 1 h: before it), the hour that
    // contains it (s), and later; A2 was created exactly at s + 2 h: the hour s + 1 h ends at
    // its creation (no), s + 2 h counts. P0 is viewed but was not created in the window. Q1 on
    // Wikidata's desktop and mobile sites. Another wiki's page of the same title is not A1.
    let view = |d: &str, t: &str, v: i64| (d.to_string(), t.to_string(), v);
    for (hour, lines) in [
        (s - HOUR, vec![view("fr", "A1", 1000), view("fr", "P0", 7)]),
        (s, vec![view("fr", "A1", 10), view("fr.m", "A1", 5), view("de", "A1", 900)]),
        (s + HOUR, vec![view("fr", "A2", 2000), view("fr", "A1", 1)]),
        (s + 2 * HOUR, vec![view("fr", "A2", 20), view("fr.m", "P0", 3)]),
        (s + 3 * DAY, vec![view("www.wd", "Q1", 4), view("m.wd", "Q1", 6), view("fr", "A2", 2)]),
    ] {
        files.push((
            pageviews_name(hour).trim_end_matches(".gz").to_string(),
            pageviews_text(&lines),
        ));
    }
    Planted { rows, files }
}

/// The planted communities: a roster on each wiki, over the window, measured with
/// `definition` (ids `commons@TAG`, `fr@TAG`, `wikidata@TAG`).
pub fn communities(definition: &Definition, tag: &str) -> Vec<Community> {
    let roster = |wiki: &str, id: &str, users: &[i64]| Community {
        id: format!("{id}@{tag}"),
        wiki: wiki.into(),
        members: Members::Roster(users.iter().map(|u| format!("I{u}")).collect()),
        start: start(),
        end: end(),
        cost: None,
        definition: definition.clone(),
    };
    vec![
        roster("commonswiki", "commons", &[1, 2]),
        roster("frwiki", "fr", &[3, 4]),
        roster("wikidatawiki", "wikidata", &[5]),
    ]
}

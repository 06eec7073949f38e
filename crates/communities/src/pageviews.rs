//! The hourly pageview dumps (`docs/communities.md`, "Impact figures"):
//! `pageviews-YYYYMMDD-HH0000.gz`, one line per page and access site,
//! `domain_code page_title count_views total_response_size`, space-separated
//! (<https://wikitech.wikimedia.org/wiki/Data_Platform/Data_Lake/Traffic/Pageviews>; the last
//! field has been 0 since the response sizes were dropped). The file's hour is the start of the
//! hour counted, as in `wmf.pageview_hourly` the files are made from (the older pagecounts
//! files named the end; their one-hour shift is documented on Wikitech's
//! Pagecounts-all-sites page).
//!
//! Domain codes are `language[.m|.zero][.project]`: `en` is English Wikipedia, `en.m` its
//! mobile site, `de.s` German Wikisource, `commons.m` Commons (`.m` after a Wikimedia site's
//! name is the wikimedia.org project; `commons.m.m` is its mobile site), `www.wd` Wikidata.
//! [`wiki_of_domain`] turns them into database names (`enwiki`, `dewikisource`,
//! `commonswiki`, `wikidatawiki`); desktop and mobile views of a page are summed.

use std::io::BufRead;
use std::path::Path;

use crate::dump::DumpError;

/// Views of one page in one hour, summed over its access sites.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageViews {
    /// Database name of the wiki (`enwiki`).
    pub wiki: String,
    /// Title as in the dumps (namespace prefix included, underscores for spaces).
    pub title: String,
    /// Start of the hour, seconds since 1970 (UTC).
    pub hour: i64,
    /// Views.
    pub views: i64,
}

/// Wikimedia sites whose domain code is `NAME.m` (`NAME.wikimedia.org`): their database name is
/// `NAMEwiki`. A two-part code ending in `.m` names one of these, or else it is a Wikipedia's
/// mobile site (`en.m`). From the list in Meta's learning pattern "Tips for reading project
/// codes from pageviews data files".
const WIKIMEDIA_SITES: [&str; 13] = [
    "commons",
    "meta",
    "incubator",
    "species",
    "outreach",
    "nostalgia",
    "ten",
    "quality",
    "strategy",
    "usability",
    "test",
    "test2",
    "wikimania",
];

/// Whether `name` is one of the Wikimedia sites whose database name is `NAMEwiki` and whose
/// domain is `NAME.wikimedia.org` (`commons`, `meta`, ...).
pub fn is_wikimedia_site(name: &str) -> bool {
    WIKIMEDIA_SITES.contains(&name)
}

/// A page title as both sources write it: underscores for spaces.
pub fn normalise_title(title: &str) -> String {
    title.trim().replace(' ', "_")
}

/// The database name of a domain code, or `None` for codes that name no wiki this tool reads
/// (`.f`, unknown projects): their lines are skipped.
pub fn wiki_of_domain(code: &str) -> Option<String> {
    let parts: Vec<&str> = code.split('.').collect();
    let lang = *parts.first()?;
    if lang.is_empty() {
        return None;
    }
    // Drop the access-site markers between the language and the project.
    let (site, project): (Vec<&str>, Option<&str>) = match parts.len() {
        1 => (vec![lang], None),
        2 if parts[1] == "m" && WIKIMEDIA_SITES.contains(&lang) => (vec![lang], Some("m")),
        2 if parts[1] == "m" || parts[1] == "zero" => (vec![lang], None),
        2 => (vec![lang], Some(parts[1])),
        3 if matches!(parts[1], "m" | "zero") => (vec![lang], Some(parts[2])),
        _ => return None,
    };
    let lang = site[0].replace('-', "_");
    let suffix = match project {
        None => "wiki",
        Some("b") => "wikibooks",
        Some("d") => "wiktionary",
        Some("n") => "wikinews",
        Some("q") => "wikiquote",
        Some("s") => "wikisource",
        Some("v") => "wikiversity",
        Some("voy") => "wikivoyage",
        Some("m") if WIKIMEDIA_SITES.contains(&site[0]) => "wiki",
        Some("wd") => return Some("wikidatawiki".into()),
        Some("w") => return Some("mediawikiwiki".into()),
        Some(_) => return None,
    };
    Some(format!("{lang}{suffix}"))
}

/// The hour a pageview file counts, from its published name `pageviews-YYYYMMDD-HH0000[.gz]`
/// (seconds since 1970, the start of the hour).
pub fn hour_of_file(path: &Path) -> Option<i64> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("pageviews-")?;
    let stamp = rest.strip_suffix(".gz").unwrap_or(rest);
    let (date, time) = stamp.split_once('-')?;
    if date.len() != 8 || time.len() != 6 || !time.ends_with("0000") {
        return None;
    }
    let iso = format!("{}-{}-{}", date.get(..4)?, date.get(4..6)?, date.get(6..8)?);
    let day = model::Date::parse(&iso)?;
    let hour: i64 = time.get(..2)?.parse().ok()?;
    (hour < 24).then(|| day.day_number() * 86_400 + hour * 3600)
}

/// Reads one hourly file (plain or gzip; its hour from its name), summing desktop and mobile
/// views per page; lines whose domain code names no wiki are skipped. A line that is not
/// `domain_code page_title count_views total_response_size` is refused with its line and column.
pub fn read_file(path: &Path) -> Result<Vec<PageViews>, DumpError> {
    let hour = hour_of_file(path).ok_or_else(|| DumpError::Invalid {
        why: "the hour is read from the name: expected `pageviews-YYYYMMDD-HH0000.gz`".into(),
    })?;
    read(crate::links::open_text(path)?, hour)
}

/// Reads the lines of one hour's file.
pub fn read(reader: impl BufRead, hour: i64) -> Result<Vec<PageViews>, DumpError> {
    let mut sums: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let bad = |column: usize, why: String| DumpError::At { line: i + 1, column, why };
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.len() != 4 {
            return Err(bad(
                1,
                format!(
                    "{} fields; expected `domain_code page_title count_views total_response_size`",
                    fields.len()
                ),
            ));
        }
        let column = fields[0].len() + fields[1].len() + 3;
        let views: i64 =
            fields[2].parse().ok().filter(|v| *v >= 0).ok_or_else(|| {
                bad(column, format!("count_views `{}` is not a count", fields[2]))
            })?;
        let Some(wiki) = wiki_of_domain(fields[0]) else { continue };
        *sums.entry((wiki, normalise_title(fields[1]))).or_default() += views;
    }
    Ok(sums
        .into_iter()
        .map(|((wiki, title), views)| PageViews { wiki, title, hour, views })
        .collect())
}

/// Reads every hourly file, in order; the first bad file stops it, named.
pub fn read_files(
    paths: &[std::path::PathBuf],
) -> Result<Vec<PageViews>, crate::summary::FileError> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(
            read_file(p).map_err(|source| crate::summary::FileError { path: p.clone(), source })?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn domain_codes_become_database_names() {
        let w = |c: &str| wiki_of_domain(c);
        assert_eq!(w("en").as_deref(), Some("enwiki"));
        assert_eq!(w("en.m").as_deref(), Some("enwiki"));
        assert_eq!(w("de.s").as_deref(), Some("dewikisource"));
        assert_eq!(w("fr.m.d").as_deref(), Some("frwiktionary"));
        assert_eq!(w("fr.zero.v").as_deref(), Some("frwikiversity"));
        assert_eq!(w("en.voy").as_deref(), Some("enwikivoyage"));
        assert_eq!(w("commons.m").as_deref(), Some("commonswiki"));
        assert_eq!(w("commons.m.m").as_deref(), Some("commonswiki"));
        assert_eq!(w("meta.m").as_deref(), Some("metawiki"));
        assert_eq!(w("www.wd").as_deref(), Some("wikidatawiki"));
        assert_eq!(w("m.wd").as_deref(), Some("wikidatawiki"));
        assert_eq!(w("www.w").as_deref(), Some("mediawikiwiki"));
        assert_eq!(w("zh-min-nan").as_deref(), Some("zh_min_nanwiki"));
        assert_eq!(w("en.f"), None);
        assert_eq!(w(""), None);
    }

    #[test]
    fn the_hour_comes_from_the_name() {
        let h = hour_of_file(Path::new("/x/pageviews-20261101-130000.gz")).unwrap();
        assert_eq!(h, model::Date::parse("2026-11-01").unwrap().day_number() * 86_400 + 13 * 3600);
        assert_eq!(hour_of_file(Path::new("pageviews-20261101-130500.gz")), None);
        assert_eq!(hour_of_file(Path::new("pageviews-20261101-250000.gz")), None);
        assert_eq!(hour_of_file(Path::new("projectviews-20261101-130000")), None);
    }

    #[test]
    fn desktop_and_mobile_views_are_summed_and_unknown_projects_skipped() {
        let text =
            "en Main_Page 10 0\nen.m Main_Page 5 0\nen.f Home 7 0\ncommons.m File:A.jpg 3 0\n";
        let v = read(text.as_bytes(), 3600).unwrap();
        let got: Vec<(&str, &str, i64)> =
            v.iter().map(|p| (p.wiki.as_str(), p.title.as_str(), p.views)).collect();
        assert_eq!(got, [("commonswiki", "File:A.jpg", 3), ("enwiki", "Main_Page", 15)]);
        assert!(v.iter().all(|p| p.hour == 3600));
    }

    #[test]
    fn a_malformed_line_is_refused_with_line_and_column() {
        let err = read("en A 1 0\nen B many 0\n".as_bytes(), 0).unwrap_err().to_string();
        assert_eq!(err, "line 2, column 6: count_views `many` is not a count");
        let err = read("en A 1 0\nen B 2\n".as_bytes(), 0).unwrap_err().to_string();
        assert!(err.starts_with("line 2, column 1: 3 fields; expected"), "{err}");
        let err = read("en A -1 0\n".as_bytes(), 0).unwrap_err().to_string();
        assert_eq!(err, "line 1, column 6: count_views `-1` is not a count");
    }
}

//! The Wikimedia analytics REST metrics (AQS, `https://wikimedia.org/api/rest_v1/metrics`).
//!
//! An indicator names a metric family and its parameters in the model:
//!
//! ```yaml
//! source:
//!   kind: wikimedia_rest
//!   metric: editors/aggregate
//!   params: { project: all-projects, editor-type: user, page-type: content,
//!             activity-level: 5..24-edits, granularity: monthly }
//! ```
//!
//! [`fetch`] asks only for the dates after the last stored one, in windows of at most a year
//! (the API's own limit on daily ranges), and reads the documented response shapes: `items[]`
//! with the value beside the timestamp (pageviews, unique devices, media requests) or
//! `items[0].results[]` (edits, editors, new registered users, edited pages).

use model::{DataSource, Date};

use crate::ImportError;
use crate::http::{Client, Request};
use measure::{Measurement, Provenance};

/// The public endpoint.
pub const DEFAULT_BASE: &str = "https://wikimedia.org/api/rest_v1/metrics";

/// How a family's timestamps are written in requests.
#[derive(Clone, Copy)]
enum Stamp {
    /// `YYYYMMDDHH`.
    Hour,
    /// `YYYYMMDD`.
    Day,
}

/// A metric family: its path after the metric name, defaults, and where the value is.
struct Family {
    metric: &'static str,
    segments: &'static [&'static str],
    defaults: &'static [(&'static str, &'static str)],
    stamp: Stamp,
    value: &'static str,
    nested: bool,
}

const ALL: &[(&str, &str)] =
    &[("access", "all-access"), ("agent", "user"), ("granularity", "monthly")];
const EDITS: &[(&str, &str)] = &[
    ("editor-type", "all-editor-types"),
    ("page-type", "all-page-types"),
    ("granularity", "monthly"),
];
const ACTIVITY: &[(&str, &str)] = &[
    ("editor-type", "all-editor-types"),
    ("page-type", "all-page-types"),
    ("activity-level", "all-activity-levels"),
    ("granularity", "monthly"),
];

static FAMILIES: &[Family] = &[
    Family {
        metric: "pageviews/aggregate",
        segments: &["project", "access", "agent", "granularity"],
        defaults: ALL,
        stamp: Stamp::Hour,
        value: "views",
        nested: false,
    },
    Family {
        metric: "pageviews/per-article",
        segments: &["project", "access", "agent", "article", "granularity"],
        defaults: ALL,
        stamp: Stamp::Hour,
        value: "views",
        nested: false,
    },
    Family {
        metric: "unique-devices",
        segments: &["project", "access-site", "granularity"],
        defaults: &[("access-site", "all-sites"), ("granularity", "monthly")],
        stamp: Stamp::Day,
        value: "devices",
        nested: false,
    },
    Family {
        metric: "edits/aggregate",
        segments: &["project", "editor-type", "page-type", "granularity"],
        defaults: EDITS,
        stamp: Stamp::Day,
        value: "edits",
        nested: true,
    },
    Family {
        metric: "editors/aggregate",
        segments: &["project", "editor-type", "page-type", "activity-level", "granularity"],
        defaults: ACTIVITY,
        stamp: Stamp::Day,
        value: "editors",
        nested: true,
    },
    Family {
        metric: "registered-users/new",
        segments: &["project", "granularity"],
        defaults: &[("granularity", "monthly")],
        stamp: Stamp::Day,
        value: "new_registered_users",
        nested: true,
    },
    Family {
        metric: "edited-pages/aggregate",
        segments: &["project", "editor-type", "page-type", "activity-level", "granularity"],
        defaults: ACTIVITY,
        stamp: Stamp::Day,
        value: "edited_pages",
        nested: true,
    },
    Family {
        metric: "mediarequests/aggregate",
        segments: &["referer", "media_type", "agent", "granularity"],
        defaults: &[
            ("referer", "all-referers"),
            ("media_type", "all-media-types"),
            ("agent", "user"),
            ("granularity", "monthly"),
        ],
        stamp: Stamp::Hour,
        value: "requests",
        nested: false,
    },
];

/// The metric families this importer knows.
pub fn families() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().map(|f| f.metric)
}

fn stamp(d: Date, s: Stamp) -> String {
    match s {
        Stamp::Hour => format!("{:04}{:02}{:02}00", d.year, d.month, d.day),
        Stamp::Day => format!("{:04}{:02}{:02}", d.year, d.month, d.day),
    }
}

/// `2024010100`, `20240101` or `2024-01-01T00:00:00.000Z` → the date.
fn parse_stamp(s: &str) -> Option<Date> {
    let digits: String = s.chars().filter(char::is_ascii_digit).take(8).collect();
    if digits.len() < 8 {
        return None;
    }
    Date::new(digits[0..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?)
}

/// Whether a source is monthly (the default) or daily.
pub fn is_daily(source: &DataSource) -> bool {
    source.params.get("granularity").is_some_and(|g| g == "daily")
}

/// The first date after `last` that the source can have.
pub fn next_date(source: &DataSource, last: Date) -> Date {
    if is_daily(source) {
        Date::from_day_number(last.day_number() + 1)
    } else {
        let (y, m) =
            if last.month == 12 { (last.year + 1, 1) } else { (last.year, last.month + 1) };
        Date::new(y, m, 1).unwrap_or(last)
    }
}

/// The request URLs for `from..=to`, one per window of at most a year.
pub fn urls(
    base: &str,
    indicator: &str,
    source: &DataSource,
    from: Date,
    to: Date,
) -> Result<Vec<String>, ImportError> {
    let bad = |why: String| ImportError::Source { indicator: indicator.to_string(), why };
    let metric = source.metric.as_deref().ok_or_else(|| {
        bad(format!(
            "a wikimedia_rest source needs `metric:`, one of: {}",
            families().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let family = FAMILIES.iter().find(|f| f.metric == metric).ok_or_else(|| {
        bad(format!(
            "unknown metric `{metric}`; known: {}",
            families().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut parts = vec![base.trim_end_matches('/').to_string(), family.metric.to_string()];
    for seg in family.segments {
        let v = source
            .params
            .get(*seg)
            .map(String::as_str)
            .or_else(|| family.defaults.iter().find(|(k, _)| k == seg).map(|(_, v)| *v))
            .ok_or_else(|| bad(format!("the `{metric}` metric needs the parameter `{seg}`")))?;
        parts.push(encode(v));
    }
    if let Some(extra) = source.params.keys().find(|k| !family.segments.contains(&k.as_str())) {
        return Err(bad(format!(
            "the `{metric}` metric has no parameter `{extra}`; it takes {}",
            family.segments.join(", ")
        )));
    }
    let prefix = parts.join("/");
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = Date::from_day_number((start.day_number() + 365).min(to.day_number()));
        out.push(format!("{prefix}/{}/{}", stamp(start, family.stamp), stamp(end, family.stamp)));
        start = Date::from_day_number(end.day_number() + 1);
    }
    Ok(out)
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Reads one response into measurements of `indicator`.
pub fn parse(
    body: &str,
    url: &str,
    indicator: &str,
    metric: &str,
) -> Result<Vec<Measurement>, ImportError> {
    let malformed = |why: String| ImportError::Malformed { url: url.to_string(), why };
    let family = FAMILIES
        .iter()
        .find(|f| f.metric == metric)
        .ok_or_else(|| malformed(format!("unknown metric {metric}")))?;
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| malformed(format!("not JSON: {e}")))?;
    let items = v
        .get("items")
        .and_then(|i| i.as_array())
        .ok_or_else(|| malformed("no `items` array".into()))?;
    let rows: Vec<&serde_json::Value> = if family.nested {
        let mut rows = Vec::new();
        for item in items {
            let results = item
                .get("results")
                .and_then(|r| r.as_array())
                .ok_or_else(|| malformed("an item has no `results` array".into()))?;
            rows.extend(results.iter());
        }
        rows
    } else {
        items.iter().collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let ts = row
            .get("timestamp")
            .and_then(|t| t.as_str())
            .ok_or_else(|| malformed("a row has no `timestamp`".into()))?;
        let date =
            parse_stamp(ts).ok_or_else(|| malformed(format!("`{ts}` is not a timestamp")))?;
        let value = row.get(family.value).and_then(serde_json::Value::as_f64).ok_or_else(|| {
            malformed(format!("the row for {ts} has no numeric `{}`", family.value))
        })?;
        out.push(Measurement {
            series: indicator.to_string(),
            date,
            value,
            source: url.to_string(),
            provenance: Provenance::Measured,
        });
    }
    Ok(out)
}

/// Fetches `from..=to` for an indicator.
pub fn fetch(
    client: &mut Client,
    base: &str,
    indicator: &str,
    source: &DataSource,
    from: Date,
    to: Date,
) -> Result<Vec<Measurement>, ImportError> {
    let metric = source.metric.clone().unwrap_or_default();
    let mut out = Vec::new();
    for url in urls(base, indicator, source, from, to)? {
        let reply = match client.send(&Request::Get(&url)) {
            Ok(r) => r,
            // AQS answers 404 for a range it has no data for yet (for example the current
            // month): nothing new, not a failure. Other 404s (a wrong project) say so in the
            // detail, which is shown.
            Err(crate::http::HttpError::Status { status: 404, detail, .. })
                if detail.as_deref().is_some_and(|d| d.contains("do not have data")) =>
            {
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        out.extend(parse(&reply.body, &url, indicator, &metric)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn source(metric: &str, params: &[(&str, &str)]) -> DataSource {
        DataSource {
            kind: model::SourceKind::WikimediaRest,
            metric: Some(metric.into()),
            path: None,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn urls_follow_the_documented_paths() {
        let d = |s| Date::parse(s).unwrap();
        let s = source(
            "editors/aggregate",
            &[("project", "en.wikipedia.org"), ("activity-level", "5..24-edits")],
        );
        let u = urls("https://x/metrics", "i", &s, d("2024-01-01"), d("2024-06-30")).unwrap();
        assert_eq!(
            u,
            vec![
                "https://x/metrics/editors/aggregate/en.wikipedia.org/all-editor-types/all-page-types/5..24-edits/monthly/20240101/20240630"
            ]
        );
        let s = source(
            "pageviews/per-article",
            &[("project", "en.wikipedia"), ("article", "Ada Lovelace"), ("granularity", "daily")],
        );
        let u = urls("https://x/metrics", "i", &s, d("2023-01-01"), d("2024-06-30")).unwrap();
        assert_eq!(u.len(), 2, "{u:?}");
        assert!(
            u[0].ends_with(
                "/en.wikipedia/all-access/user/Ada%20Lovelace/daily/2023010100/2024010100"
            ),
            "{}",
            u[0]
        );
        assert!(u[1].ends_with("/daily/2024010200/2024063000"), "{}", u[1]);
    }

    #[test]
    fn missing_and_unknown_parameters_are_named() {
        let d = Date::parse("2024-01-01").unwrap();
        let err = urls("b", "ind", &source("unique-devices", &[]), d, d).unwrap_err();
        assert_eq!(
            err.to_string(),
            "indicator `ind`: the `unique-devices` metric needs the parameter `project`"
        );
        let err = urls(
            "b",
            "ind",
            &source("unique-devices", &[("project", "x"), ("acess-site", "y")]),
            d,
            d,
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no parameter `acess-site`"), "{err}");
        let err = urls("b", "ind", &source("pageviews", &[]), d, d).unwrap_err();
        assert!(err.to_string().contains("unknown metric `pageviews`"), "{err}");
    }

    #[test]
    fn next_dates() {
        let s = source("edits/aggregate", &[("project", "x")]);
        assert_eq!(next_date(&s, Date::parse("2024-12-01").unwrap()).to_string(), "2025-01-01");
        let s = source("edits/aggregate", &[("project", "x"), ("granularity", "daily")]);
        assert_eq!(next_date(&s, Date::parse("2024-02-28").unwrap()).to_string(), "2024-02-29");
    }
}

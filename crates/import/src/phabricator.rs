//! Initiative status from Phabricator's Conduit API (`maniphest.search`).
//!
//! The request is a form POST to `{base}/api/maniphest.search` with `api.token`, the task ids
//! as `constraints[ids][n]`, and `after` for the next page; the response is
//! `{"result": {"data": [...], "cursor": {"after": …}}, "error_code": …, "error_info": …}`.

use measure::TrackerStatus;
use model::Date;

use crate::ImportError;
use crate::http::{Client, Request};

/// Wikimedia's Phabricator.
pub const DEFAULT_BASE: &str = "https://phabricator.wikimedia.org";

/// Page size asked for (the API's maximum is 100).
pub const PAGE: usize = 100;

/// Fetches the status of `tasks` (`(initiative, task number)`), following the cursor.
pub fn fetch(
    client: &mut Client,
    base: &str,
    token: &str,
    tasks: &[(String, u64)],
) -> Result<Vec<TrackerStatus>, ImportError> {
    let url = format!("{}/api/maniphest.search", base.trim_end_matches('/'));
    let mut out = Vec::new();
    for chunk in tasks.chunks(PAGE) {
        let mut after: Option<String> = None;
        loop {
            let mut form: Vec<(String, String)> =
                vec![("api.token".into(), token.into()), ("limit".into(), PAGE.to_string())];
            for (i, (_, id)) in chunk.iter().enumerate() {
                form.push((format!("constraints[ids][{i}]"), id.to_string()));
            }
            if let Some(a) = &after {
                form.push(("after".into(), a.clone()));
            }
            let reply = client.send(&Request::Form(&url, &form))?;
            let (page, next) = parse(&reply.body, &url, chunk)?;
            out.extend(page);
            match next {
                Some(n) if Some(&n) != after.as_ref() => after = Some(n),
                _ => break,
            }
        }
    }
    Ok(out)
}

/// Reads one page: the statuses and the cursor for the next page.
pub fn parse(
    body: &str,
    url: &str,
    tasks: &[(String, u64)],
) -> Result<(Vec<TrackerStatus>, Option<String>), ImportError> {
    let malformed = |why: String| ImportError::Malformed { url: url.to_string(), why };
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| malformed(format!("not JSON: {e}")))?;
    if let Some(code) = v.get("error_code").and_then(|c| c.as_str()) {
        let info = v.get("error_info").and_then(|c| c.as_str()).unwrap_or("");
        let hint = if code == "ERR-INVALID-AUTH" {
            " (set PHABRICATOR_API_TOKEN to a Conduit API token from Settings → Conduit API Tokens)"
        } else {
            ""
        };
        return Err(ImportError::Api {
            url: url.to_string(),
            message: format!("{code}: {info}{hint}"),
        });
    }
    let result = v.get("result").ok_or_else(|| malformed("no `result`".into()))?;
    let data = result
        .get("data")
        .and_then(|d| d.as_array())
        .ok_or_else(|| malformed("no `result.data` array".into()))?;
    let mut out = Vec::new();
    for task in data {
        let id = task
            .get("id")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| malformed("a task has no numeric `id`".into()))?;
        let fields =
            task.get("fields").ok_or_else(|| malformed(format!("task T{id} has no `fields`")))?;
        let status = fields
            .pointer("/status/value")
            .and_then(|s| s.as_str())
            .ok_or_else(|| malformed(format!("task T{id} has no `fields.status.value`")))?;
        let modified = fields
            .get("dateModified")
            .and_then(serde_json::Value::as_i64)
            .map(|secs| Date::from_day_number(secs.div_euclid(86_400)));
        for (initiative, _) in tasks.iter().filter(|(_, t)| *t == id) {
            out.push(TrackerStatus {
                initiative: initiative.clone(),
                task: format!("T{id}"),
                status: status.to_string(),
                modified,
            });
        }
    }
    let after = result.pointer("/cursor/after").and_then(|a| match a {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    Ok((out, after))
}

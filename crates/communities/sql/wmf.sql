-- The input tables of metrics.sql, read from the Wikimedia data lake's own tables
-- (docs/communities.md, "The data lake's layout"): `wmf.mediawiki_history` (partitioned by
-- `snapshot`), `wmf.pageview_hourly` (partitioned by `year`, `month`, `day`, `hour`),
-- `wmf_raw.mediawiki_imagelinks` and `wmf_raw.mediawiki_globalimagelinks` (partitioned by
-- `snapshot` and `wiki_db`) and `canonical_data.wikis` (database names and domains).
--
-- Parameters, replaced before the statements run (`communities::sql::lake_statements`):
--   ${mediawiki_history} ${pageview_hourly} ${imagelinks} ${globalimagelinks} ${wikis}
--                          the tables (default: the lake's names above)
--   ${snapshot}            the snapshot to read, e.g. '2026-09' (a partition: only its files
--                          are read)
--   ${coverage_end}        end of the data in seconds since 1970, or NULL: the start of the
--                          day of each wiki's last edit
-- Six functions differ between engines and are written as macros over columns:
-- TL_EPOCH(text) (a lake timestamp as seconds), TL_HOUR_START(year, month, day, hour),
-- TL_NONEMPTY(array), TL_EXPLODE(array), TL_PROJECT(domain) (`en.wikipedia.org` →
-- `en.wikipedia`, `www.wikidata.org` → `wikidata`, as pageview_hourly names projects) and
-- TL_HASHTAGS(text) (the hashtags of an edit summary as `communities::metrics::hashtags` finds
-- them). `communities::sql::Dialect` gives each engine's spelling; nothing else here is
-- engine-specific.

-- view: edits
SELECT wiki_db AS wiki,
       revision_id,
       TL_EPOCH(event_timestamp) AS edited_at,
       CASE WHEN event_user_is_anonymous OR COALESCE(event_user_is_temporary, FALSE) THEN NULL
            ELSE event_user_id END AS user_id,
       TL_NONEMPTY(event_user_is_bot_by_historical) AS is_bot,
       COALESCE(TL_EPOCH(event_user_registration_timestamp),
                TL_EPOCH(event_user_creation_timestamp)) AS registered_at,
       page_id,
       CAST(page_namespace_historical AS BIGINT) AS namespace,
       (revision_parent_id IS NULL OR revision_parent_id = 0) AS creates_page,
       COALESCE(revision_text_bytes_diff, 0) AS bytes_diff,
       CASE WHEN revision_is_identity_reverted
            THEN COALESCE(revision_seconds_to_identity_revert, 0) ELSE NULL END AS reverted_after,
       event_user_central_id AS central_user_id,
       CASE WHEN page_title IS NULL OR page_title = '' THEN page_title_historical
            ELSE page_title END AS page_title
FROM ${mediawiki_history}
WHERE snapshot = ${snapshot} AND event_entity = 'revision' AND event_type = 'create'

-- view: user_names
SELECT DISTINCT wiki_db AS wiki, event_user_id AS user_id, event_user_text_historical AS user_name
FROM ${mediawiki_history}
WHERE snapshot = ${snapshot} AND event_entity = 'revision' AND event_type = 'create'
  AND NOT event_user_is_anonymous AND NOT COALESCE(event_user_is_temporary, FALSE)
  AND event_user_text_historical IS NOT NULL AND event_user_text_historical <> ''
UNION
SELECT DISTINCT wiki_db AS wiki, event_user_id AS user_id, event_user_text AS user_name
FROM ${mediawiki_history}
WHERE snapshot = ${snapshot} AND event_entity = 'revision' AND event_type = 'create'
  AND NOT event_user_is_anonymous AND NOT COALESCE(event_user_is_temporary, FALSE)
  AND event_user_text IS NOT NULL AND event_user_text <> ''

-- view: edit_hashtags
SELECT DISTINCT wiki, revision_id, hashtag
FROM (SELECT wiki_db AS wiki, revision_id, TL_EXPLODE(TL_HASHTAGS(event_comment)) AS hashtag
      FROM ${mediawiki_history}
      WHERE snapshot = ${snapshot} AND event_entity = 'revision' AND event_type = 'create'
        AND event_comment LIKE '%#%') h
WHERE hashtag IS NOT NULL

-- view: edit_tags
SELECT DISTINCT wiki, revision_id, tag
FROM (SELECT wiki_db AS wiki, revision_id, TL_EXPLODE(revision_tags) AS tag
      FROM ${mediawiki_history}
      WHERE snapshot = ${snapshot} AND event_entity = 'revision' AND event_type = 'create') t
WHERE tag IS NOT NULL

-- table: coverage
SELECT wiki, COALESCE(CAST(${coverage_end} AS BIGINT), MAX(edited_at) - MAX(edited_at) % 86400) AS end_at
FROM edits
GROUP BY wiki

-- view: wiki_projects
-- `pageview_hourly.project` is the domain without `.org` (and without `www.`: `wikidata`).
SELECT DISTINCT database_code AS wiki, TL_PROJECT(domain_name) AS project
FROM ${wikis}

-- view: pageviews
SELECT w.wiki, v.page_title, TL_HOUR_START(v.year, v.month, v.day, v.hour) AS hour_at,
       v.view_count AS views
FROM ${pageview_hourly} v
JOIN wiki_projects w ON w.project = v.project
WHERE v.agent_type = 'user'

-- view: file_uses
SELECT wiki_db AS wiki, pl_title AS file_title, CAST(il_from_namespace AS BIGINT) AS namespace
FROM ${imagelinks}
WHERE snapshot = ${snapshot}
UNION ALL
SELECT wiki_db AS wiki, gil_to AS file_title, CAST(gil_page_namespace_id AS BIGINT) AS namespace
FROM ${globalimagelinks}
WHERE snapshot = ${snapshot}

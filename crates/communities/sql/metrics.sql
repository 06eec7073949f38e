-- Community metrics, definitions version 1 (docs/communities.md): the one place they are
-- written in SQL. The same text runs on Apache DataFusion (crates/lake), Apache Spark
-- (tests/spark/metrics.py) and DuckDB (bench/communities_peer.py), so it keeps to the SQL the
-- three share: no dialect functions, times as whole seconds since 1970, sums cast to BIGINT.
--
-- Input tables (Parquet files written by `throughline communities convert`):
--   edits(wiki, revision_id, edited_at, user_id, is_bot, registered_at, page_id, namespace,
--         creates_page, bytes_diff, reverted_after)      user_id is NULL for anonymous and
--                                                        temporary accounts
--   user_names(wiki, user_id, user_name)                 every name an id carried, then or now
--   edit_hashtags(wiki, revision_id, hashtag)            lower case, without '#'
--   edit_tags(wiki, revision_id, tag)
--   category_pages(wiki, category, page_id)
--   coverage(wiki, end_at)                               end of the data, exclusive
--   communities(community_id, wiki, kind, rule, start_at, end_at)
--   members(community_id, user_name)                     rosters and courses
--
-- Each block below is one statement. `-- table: NAME` blocks are materialised (they are read
-- several times); `-- view: NAME` blocks are not. The outputs are `metrics` and `totals`.
-- Retention windows, in seconds after the first edit: d7 (1 d, 7 d], d30 (1 d, 30 d],
-- month2 (30 d, 60 d], month6 (180 d, 210 d], year1 (365 d, 395 d].

-- view: roster_users
SELECT DISTINCT m.community_id, u.user_id
FROM members m
JOIN communities c ON c.community_id = m.community_id
JOIN user_names u ON u.wiki = c.wiki AND u.user_name = m.user_name

-- table: community_edits
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.namespace,
       e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN roster_users r ON r.community_id = c.community_id
JOIN edits e ON e.wiki = c.wiki AND e.user_id = r.user_id
WHERE e.edited_at >= c.start_at AND e.edited_at < c.end_at AND NOT e.is_bot
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.namespace,
       e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN edit_hashtags h ON h.wiki = c.wiki AND h.hashtag = c.rule
JOIN edits e ON e.wiki = h.wiki AND e.revision_id = h.revision_id
WHERE c.kind = 'hashtag' AND e.edited_at >= c.start_at AND e.edited_at < c.end_at AND NOT e.is_bot
  AND e.user_id IS NOT NULL
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.namespace,
       e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN edit_tags t ON t.wiki = c.wiki AND t.tag = c.rule
JOIN edits e ON e.wiki = t.wiki AND e.revision_id = t.revision_id
WHERE c.kind = 'tag' AND e.edited_at >= c.start_at AND e.edited_at < c.end_at AND NOT e.is_bot
  AND e.user_id IS NOT NULL
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.namespace,
       e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN category_pages p ON p.wiki = c.wiki AND p.category = c.rule
JOIN edits e ON e.wiki = p.wiki AND e.page_id = p.page_id
WHERE c.kind = 'category' AND e.edited_at >= c.start_at AND e.edited_at < c.end_at AND NOT e.is_bot
  AND e.user_id IS NOT NULL

-- table: participants
SELECT community_id, wiki, user_id, MIN(edited_at) AS first_at, MAX(registered_at) AS registered_at,
       MIN(start_at) AS start_at, MIN(end_at) AS end_at
FROM community_edits
GROUP BY community_id, wiki, user_id

-- table: newcomers
SELECT community_id, wiki, user_id, first_at
FROM participants
WHERE registered_at >= start_at AND registered_at < end_at

-- view: returns
SELECT n.community_id, n.user_id,
       MAX(CASE WHEN e.edited_at > n.first_at + 86400 AND e.edited_at <= n.first_at + 604800 THEN 1 ELSE 0 END) AS d7,
       MAX(CASE WHEN e.edited_at > n.first_at + 86400 AND e.edited_at <= n.first_at + 2592000 THEN 1 ELSE 0 END) AS d30,
       MAX(CASE WHEN e.edited_at > n.first_at + 2592000 AND e.edited_at <= n.first_at + 5184000 THEN 1 ELSE 0 END) AS month2,
       MAX(CASE WHEN e.edited_at > n.first_at + 15552000 AND e.edited_at <= n.first_at + 18144000 THEN 1 ELSE 0 END) AS month6,
       MAX(CASE WHEN e.edited_at > n.first_at + 31536000 AND e.edited_at <= n.first_at + 34128000 THEN 1 ELSE 0 END) AS year1
FROM newcomers n
JOIN edits e ON e.wiki = n.wiki AND e.user_id = n.user_id
WHERE NOT e.is_bot AND e.edited_at > n.first_at + 86400 AND e.edited_at <= n.first_at + 34128000
GROUP BY n.community_id, n.user_id

-- view: retention
SELECT n.community_id,
       COUNT(*) AS newcomers,
       CAST(SUM(CASE WHEN n.first_at + 604800 < v.end_at THEN 1 ELSE 0 END) AS BIGINT) AS d7_observed,
       CAST(SUM(CASE WHEN n.first_at + 604800 < v.end_at THEN COALESCE(r.d7, 0) ELSE 0 END) AS BIGINT) AS d7_retained,
       CAST(SUM(CASE WHEN n.first_at + 2592000 < v.end_at THEN 1 ELSE 0 END) AS BIGINT) AS d30_observed,
       CAST(SUM(CASE WHEN n.first_at + 2592000 < v.end_at THEN COALESCE(r.d30, 0) ELSE 0 END) AS BIGINT) AS d30_retained,
       CAST(SUM(CASE WHEN n.first_at + 5184000 < v.end_at THEN 1 ELSE 0 END) AS BIGINT) AS month2_observed,
       CAST(SUM(CASE WHEN n.first_at + 5184000 < v.end_at THEN COALESCE(r.month2, 0) ELSE 0 END) AS BIGINT) AS month2_retained,
       CAST(SUM(CASE WHEN n.first_at + 18144000 < v.end_at THEN 1 ELSE 0 END) AS BIGINT) AS month6_observed,
       CAST(SUM(CASE WHEN n.first_at + 18144000 < v.end_at THEN COALESCE(r.month6, 0) ELSE 0 END) AS BIGINT) AS month6_retained,
       CAST(SUM(CASE WHEN n.first_at + 34128000 < v.end_at THEN 1 ELSE 0 END) AS BIGINT) AS year1_observed,
       CAST(SUM(CASE WHEN n.first_at + 34128000 < v.end_at THEN COALESCE(r.year1, 0) ELSE 0 END) AS BIGINT) AS year1_retained
FROM newcomers n
JOIN coverage v ON v.wiki = n.wiki
LEFT JOIN returns r ON r.community_id = n.community_id AND r.user_id = n.user_id
GROUP BY n.community_id

-- view: activity
SELECT community_id,
       COUNT(*) AS edits,
       CAST(SUM(CASE WHEN bytes_diff > 0 THEN bytes_diff ELSE 0 END) AS BIGINT) AS bytes_added,
       CAST(SUM(CASE WHEN bytes_diff < 0 THEN 0 - bytes_diff ELSE 0 END) AS BIGINT) AS bytes_removed,
       CAST(SUM(CASE WHEN creates_page THEN 1 ELSE 0 END) AS BIGINT) AS pages_created,
       CAST(SUM(CASE WHEN creates_page AND namespace = 6 THEN 1 ELSE 0 END) AS BIGINT) AS files_created,
       CAST(SUM(CASE WHEN reverted_after IS NULL OR reverted_after > 172800 THEN 1 ELSE 0 END) AS BIGINT) AS surviving_edits
FROM community_edits
GROUP BY community_id

-- view: people
SELECT community_id,
       COUNT(*) AS participants,
       CAST(SUM(CASE WHEN registered_at >= start_at AND registered_at < end_at THEN 1 ELSE 0 END) AS BIGINT) AS new_contributors
FROM participants
GROUP BY community_id

-- view: metrics
SELECT c.community_id,
       v.end_at AS coverage_end,
       COALESCE(p.participants, 0) AS participants,
       COALESCE(p.new_contributors, 0) AS new_contributors,
       COALESCE(a.edits, 0) AS edits,
       COALESCE(a.bytes_added, 0) AS bytes_added,
       COALESCE(a.bytes_removed, 0) AS bytes_removed,
       COALESCE(a.pages_created, 0) AS pages_created,
       COALESCE(a.files_created, 0) AS files_created,
       COALESCE(a.surviving_edits, 0) AS surviving_edits,
       COALESCE(r.d7_observed, 0) AS d7_observed,
       COALESCE(r.d7_retained, 0) AS d7_retained,
       COALESCE(r.newcomers - r.d7_observed, 0) AS d7_pending,
       COALESCE(r.d30_observed, 0) AS d30_observed,
       COALESCE(r.d30_retained, 0) AS d30_retained,
       COALESCE(r.newcomers - r.d30_observed, 0) AS d30_pending,
       COALESCE(r.month2_observed, 0) AS month2_observed,
       COALESCE(r.month2_retained, 0) AS month2_retained,
       COALESCE(r.newcomers - r.month2_observed, 0) AS month2_pending,
       COALESCE(r.month6_observed, 0) AS month6_observed,
       COALESCE(r.month6_retained, 0) AS month6_retained,
       COALESCE(r.newcomers - r.month6_observed, 0) AS month6_pending,
       COALESCE(r.year1_observed, 0) AS year1_observed,
       COALESCE(r.year1_retained, 0) AS year1_retained,
       COALESCE(r.newcomers - r.year1_observed, 0) AS year1_pending
FROM communities c
LEFT JOIN coverage v ON v.wiki = c.wiki
LEFT JOIN people p ON p.community_id = c.community_id
LEFT JOIN activity a ON a.community_id = c.community_id
LEFT JOIN retention r ON r.community_id = c.community_id
ORDER BY c.community_id

-- view: totals
SELECT x.participants, y.participants_summed, z.new_contributors, w.edits, u.edits_summed
FROM (SELECT COUNT(*) AS participants FROM (SELECT DISTINCT wiki, user_id FROM participants) d) x
CROSS JOIN (SELECT COALESCE(CAST(SUM(participants) AS BIGINT), 0) AS participants_summed FROM people) y
CROSS JOIN (SELECT COUNT(*) AS new_contributors FROM (SELECT DISTINCT wiki, user_id FROM newcomers) d) z
CROSS JOIN (SELECT COUNT(*) AS edits FROM (SELECT DISTINCT wiki, revision_id FROM community_edits) d) w
CROSS JOIN (SELECT COALESCE(CAST(SUM(edits) AS BIGINT), 0) AS edits_summed FROM activity) u

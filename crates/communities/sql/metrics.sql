-- Community metrics (docs/communities.md): the one place they are written in SQL. Every named
-- definition (throughline v1, Event Metrics, the Dashboard, ...) runs through the same
-- statements: `communities::definition` lowers a preset to a look-back, an activation rule
-- and rows of the `windows` table, and the statements below only read those.
-- The same text runs on Apache DataFusion (crates/lake), Apache Spark
-- (tests/spark/metrics.py) and DuckDB (bench/communities_peer.py), so it keeps to the SQL the
-- three share: no dialect functions, times as whole seconds since 1970, sums cast to BIGINT.
--
-- Input tables (Parquet files written by `throughline communities convert`):
--   edits(wiki, revision_id, edited_at, user_id, central_user_id, is_bot, registered_at,
--         page_id, page_title, namespace, creates_page, bytes_diff, reverted_after)
--                                                        user_id and central_user_id are NULL
--                                                        for anonymous and temporary accounts
--   user_names(wiki, user_id, user_name)                 every name an id carried, then or now
--   edit_hashtags(wiki, revision_id, hashtag)            lower case, without '#'
--   edit_tags(wiki, revision_id, tag)
--   category_pages(wiki, category, page_id)
--   coverage(wiki, end_at)                               end of the data, exclusive
--   file_uses(wiki, file_title, namespace)               a page in `namespace` shows the file
--                                                        `file_title` of `wiki` (imagelinks,
--                                                        globalimagelinks: Commons' files)
--   pageviews(wiki, page_title, hour_at, views)          hourly views, desktop and mobile summed
--   communities(community_id, wiki, kind, rule, start_at, end_at, lookback,
--               activation_edits, activation_secs)       one row per community and definition
--   members(community_id, user_name)                     rosters and courses
--   windows(community_id, window_no, cohort, anchor, from_secs, to_secs, min_edits, namespace,
--           all_wikis)                                   the definition's windows: a person of
--     the cohort ('new' | 'participants') counts when they made >= min_edits non-bot edits in
--     (anchor + from_secs, anchor + to_secs] (to_secs NULL: to the end of the data), in the
--     namespace (NULL: any), on the home wiki or, with all_wikis, on any wiki by central id
--
-- Each block below is one statement. `-- table: NAME` blocks are materialised (they are read
-- several times); `-- view: NAME` blocks are not. The outputs are `metrics`, `retention`
-- (one row per community and window) and `totals`.

-- view: roster_users
SELECT DISTINCT m.community_id, u.user_id
FROM members m
JOIN communities c ON c.community_id = m.community_id
JOIN user_names u ON u.wiki = c.wiki AND u.user_name = m.user_name

-- table: community_edits
-- Every branch pairs the communities (a few rows: the side a hash join builds) with the edits
-- that match a rule, the window inside the join condition, so an edit is paired only with the
-- communities whose window holds it; the rule's rows (not the edits) are the other join's
-- built side. Joining the communities to the rule's rows first (as before issue 18's fix)
-- built a table of every tagged edit of all time times every community sharing the tag,
-- before any window was applied: with hundreds of communities per hashtag that outgrew the
-- machine. The smaller input is written first (the side DataFusion builds: the lake crate
-- turns off its statistics-based reordering, which picked the edits).
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.central_user_id, e.namespace,
       e.page_id, e.page_title, e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN roster_users r ON r.community_id = c.community_id
JOIN edits e ON e.wiki = c.wiki AND e.user_id = r.user_id
  AND e.edited_at >= c.start_at AND e.edited_at < c.end_at
WHERE NOT e.is_bot
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.central_user_id, e.namespace,
       e.page_id, e.page_title, e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN (SELECT h.hashtag AS rule, x.*
      FROM edit_hashtags h
      JOIN edits x ON x.wiki = h.wiki AND x.revision_id = h.revision_id
      WHERE NOT x.is_bot AND x.user_id IS NOT NULL) e
  ON e.wiki = c.wiki AND e.rule = c.rule AND e.edited_at >= c.start_at AND e.edited_at < c.end_at
WHERE c.kind = 'hashtag'
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.central_user_id, e.namespace,
       e.page_id, e.page_title, e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN (SELECT t.tag AS rule, x.*
      FROM edit_tags t
      JOIN edits x ON x.wiki = t.wiki AND x.revision_id = t.revision_id
      WHERE NOT x.is_bot AND x.user_id IS NOT NULL) e
  ON e.wiki = c.wiki AND e.rule = c.rule AND e.edited_at >= c.start_at AND e.edited_at < c.end_at
WHERE c.kind = 'tag'
UNION ALL
SELECT c.community_id, e.wiki, e.revision_id, e.edited_at, e.user_id, e.registered_at, e.central_user_id, e.namespace,
       e.page_id, e.page_title, e.creates_page, e.bytes_diff, e.reverted_after, c.start_at, c.end_at
FROM communities c
JOIN (SELECT p.category AS rule, x.*
      FROM category_pages p
      JOIN edits x ON x.wiki = p.wiki AND x.page_id = p.page_id
      WHERE NOT x.is_bot AND x.user_id IS NOT NULL) e
  ON e.wiki = c.wiki AND e.rule = c.rule AND e.edited_at >= c.start_at AND e.edited_at < c.end_at
WHERE c.kind = 'category'

-- table: participants
SELECT community_id, wiki, user_id, MIN(edited_at) AS first_at, MAX(registered_at) AS registered_at,
       MAX(central_user_id) AS central_id, MIN(start_at) AS start_at, MIN(end_at) AS end_at
FROM community_edits
GROUP BY community_id, wiki, user_id

-- view: activation
SELECT p.community_id, p.user_id, COUNT(*) AS edits
FROM participants p
JOIN communities c ON c.community_id = p.community_id
JOIN edits e ON e.wiki = p.wiki AND e.user_id = p.user_id
WHERE c.activation_edits > 0 AND NOT e.is_bot
  AND e.edited_at >= p.registered_at AND e.edited_at <= p.registered_at + c.activation_secs
GROUP BY p.community_id, p.user_id

-- table: newcomers
SELECT p.community_id, p.wiki, p.user_id, p.first_at, p.registered_at, p.central_id
FROM participants p
JOIN communities c ON c.community_id = p.community_id
LEFT JOIN activation a ON a.community_id = p.community_id AND a.user_id = p.user_id
WHERE p.registered_at >= p.start_at - c.lookback AND p.registered_at < p.end_at
  AND COALESCE(a.edits, 0) >= c.activation_edits

-- table: window_people
SELECT x.community_id, x.window_no, x.wiki, x.user_id, x.central_id, x.lo, x.hi, x.min_edits,
       x.namespace, x.all_wikis,
       CASE WHEN x.lo < x.hi AND x.hi < x.end_data THEN 1 ELSE 0 END AS observed
FROM (
  SELECT y.community_id, y.window_no, y.wiki, y.user_id, y.central_id, y.min_edits, y.namespace,
         y.all_wikis, y.end_data, y.anchor_at + y.from_secs AS lo,
         CASE WHEN y.to_secs IS NULL THEN y.end_data - 1 ELSE y.anchor_at + y.to_secs END AS hi
  FROM (
    SELECT w.community_id, w.window_no, q.wiki, q.user_id, q.central_id, w.from_secs, w.to_secs,
           w.min_edits, w.namespace, w.all_wikis, v.end_at AS end_data,
           CASE WHEN w.anchor = 'first_edit' THEN q.first_at
                WHEN w.anchor = 'registration' THEN q.registered_at
                WHEN w.anchor = 'start' THEN c.start_at
                ELSE c.end_at END AS anchor_at
    FROM windows w
    JOIN communities c ON c.community_id = w.community_id
    JOIN coverage v ON v.wiki = c.wiki
    JOIN (SELECT community_id, wiki, user_id, first_at, registered_at, central_id, 'new' AS cohort
          FROM newcomers
          UNION ALL
          SELECT community_id, wiki, user_id, first_at, registered_at, central_id,
                 'participants' AS cohort
          FROM participants) q
      ON q.community_id = w.community_id AND q.cohort = w.cohort
  ) y
) x

-- view: window_edits
SELECT p.community_id, p.window_no, p.user_id, COUNT(*) AS edits
FROM window_people p
JOIN edits e ON e.wiki = p.wiki AND e.user_id = p.user_id
WHERE p.observed = 1 AND NOT e.is_bot AND e.edited_at > p.lo AND e.edited_at <= p.hi
  AND (p.namespace IS NULL OR e.namespace = p.namespace)
GROUP BY p.community_id, p.window_no, p.user_id
UNION ALL
SELECT p.community_id, p.window_no, p.user_id, COUNT(*) AS edits
FROM window_people p
JOIN edits e ON e.central_user_id = p.central_id
WHERE p.observed = 1 AND p.all_wikis AND NOT e.is_bot AND e.edited_at > p.lo
  AND e.edited_at <= p.hi AND (p.namespace IS NULL OR e.namespace = p.namespace)
  AND (e.wiki <> p.wiki OR e.user_id IS NULL OR e.user_id <> p.user_id)
GROUP BY p.community_id, p.window_no, p.user_id

-- view: window_counts
SELECT p.community_id, p.window_no, p.observed,
       CASE WHEN p.observed = 1 AND COALESCE(n.edits, 0) >= p.min_edits THEN 1 ELSE 0 END AS counted
FROM window_people p
LEFT JOIN (SELECT community_id, window_no, user_id, CAST(SUM(edits) AS BIGINT) AS edits
           FROM window_edits
           GROUP BY community_id, window_no, user_id) n
  ON n.community_id = p.community_id AND n.window_no = p.window_no AND n.user_id = p.user_id

-- view: retention
SELECT w.community_id, w.window_no,
       COALESCE(r.observed, 0) AS observed,
       COALESCE(r.retained, 0) AS retained,
       COALESCE(r.people - r.observed, 0) AS pending
FROM windows w
LEFT JOIN (SELECT community_id, window_no, COUNT(*) AS people,
                  CAST(SUM(observed) AS BIGINT) AS observed,
                  CAST(SUM(counted) AS BIGINT) AS retained
           FROM window_counts
           GROUP BY community_id, window_no) r
  ON r.community_id = w.community_id AND r.window_no = w.window_no
ORDER BY w.community_id, w.window_no

-- view: activity
SELECT community_id,
       COUNT(*) AS edits,
       CAST(SUM(CASE WHEN bytes_diff > 0 THEN bytes_diff ELSE 0 END) AS BIGINT) AS bytes_added,
       CAST(SUM(CASE WHEN bytes_diff < 0 THEN 0 - bytes_diff ELSE 0 END) AS BIGINT) AS bytes_removed,
       CAST(SUM(CASE WHEN creates_page THEN 1 ELSE 0 END) AS BIGINT) AS pages_created,
       CAST(SUM(CASE WHEN creates_page AND namespace = 6 THEN 1 ELSE 0 END) AS BIGINT) AS files_created,
       CAST(SUM(CASE WHEN reverted_after IS NULL OR reverted_after > 172800 THEN 1 ELSE 0 END) AS BIGINT) AS surviving_edits,
       CAST(SUM(CASE WHEN creates_page AND namespace = 0 THEN 1 ELSE 0 END) AS BIGINT) AS articles_created
FROM community_edits
GROUP BY community_id

-- view: created_articles
-- Main-namespace pages the community created, each title once, from its first creation.
SELECT community_id, wiki, page_title, MIN(edited_at) AS created_at
FROM community_edits
WHERE creates_page AND namespace = 0
GROUP BY community_id, wiki, page_title

-- view: impact
-- Articles improved (surviving edits to main-namespace pages the community did not create),
-- files created that an article shows, and views to the articles created from the hour of
-- creation on (the hour that contains it counts).
SELECT c.community_id,
       COALESCE(i.articles_improved, 0) AS articles_improved,
       COALESCE(f.files_in_use, 0) AS files_in_use,
       COALESCE(v.views_to_created, 0) AS views_to_created
FROM communities c
LEFT JOIN (SELECT x.community_id, COUNT(*) AS articles_improved
           FROM (SELECT DISTINCT community_id, page_id FROM community_edits
                 WHERE NOT creates_page AND namespace = 0
                   AND (reverted_after IS NULL OR reverted_after > 172800)) x
           LEFT JOIN (SELECT DISTINCT community_id, page_id FROM community_edits
                      WHERE creates_page) y
             ON y.community_id = x.community_id AND y.page_id = x.page_id
           WHERE y.page_id IS NULL
           GROUP BY x.community_id) i
  ON i.community_id = c.community_id
LEFT JOIN (SELECT d.community_id, COUNT(*) AS files_in_use
           FROM (SELECT DISTINCT e.community_id, e.page_id
                 FROM community_edits e
                 JOIN file_uses u ON u.wiki = e.wiki AND u.file_title = e.page_title
                 WHERE e.creates_page AND e.namespace = 6 AND u.namespace = 0) d
           GROUP BY d.community_id) f
  ON f.community_id = c.community_id
LEFT JOIN (SELECT a.community_id, CAST(SUM(p.views) AS BIGINT) AS views_to_created
           FROM created_articles a
           JOIN pageviews p ON p.wiki = a.wiki AND p.page_title = a.page_title
           WHERE p.hour_at > a.created_at - 3600
           GROUP BY a.community_id) v
  ON v.community_id = c.community_id

-- view: people
SELECT p.community_id, p.participants, COALESCE(n.new_contributors, 0) AS new_contributors
FROM (SELECT community_id, COUNT(*) AS participants FROM participants GROUP BY community_id) p
LEFT JOIN (SELECT community_id, COUNT(*) AS new_contributors FROM newcomers GROUP BY community_id) n
  ON n.community_id = p.community_id

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
       COALESCE(a.articles_created, 0) AS articles_created,
       COALESCE(i.articles_improved, 0) AS articles_improved,
       COALESCE(i.files_in_use, 0) AS files_in_use,
       COALESCE(i.views_to_created, 0) AS views_to_created
FROM communities c
LEFT JOIN coverage v ON v.wiki = c.wiki
LEFT JOIN people p ON p.community_id = c.community_id
LEFT JOIN activity a ON a.community_id = c.community_id
LEFT JOIN impact i ON i.community_id = c.community_id
ORDER BY c.community_id

-- view: totals
SELECT x.participants, y.participants_summed, z.new_contributors, w.edits, u.edits_summed
FROM (SELECT COUNT(*) AS participants FROM (SELECT DISTINCT wiki, user_id FROM participants) d) x
CROSS JOIN (SELECT COALESCE(CAST(SUM(participants) AS BIGINT), 0) AS participants_summed FROM people) y
CROSS JOIN (SELECT COUNT(*) AS new_contributors FROM (SELECT DISTINCT wiki, user_id FROM newcomers) d) z
CROSS JOIN (SELECT COUNT(*) AS edits FROM (SELECT DISTINCT wiki, revision_id FROM community_edits) d) w
CROSS JOIN (SELECT COALESCE(CAST(SUM(edits) AS BIGINT), 0) AS edits_summed FROM activity) u

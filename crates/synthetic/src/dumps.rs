//! Synthetic dumps in the real layout, for tests and benchmarks: [`line`] writes one row;
//! [`World`] generates wikis, people and communities with every edge case of the definitions
//! (renames, deleted users, bots, anonymous and temporary accounts, registrations before the
//! window, reverts either side of 48 hours, overlapping rosters and hashtags, retention windows
//! past the coverage date), streamed so that tens of millions of rows need no memory.

use std::io::Write;

use crate::Rng;

use communities::dump::{COLUMNS, Layout, col, format_timestamp};
use communities::metrics::{Community, DAY, Members};

/// One edit to write.
#[derive(Clone, Debug)]
pub struct Row {
    /// Wiki.
    pub wiki: String,
    /// When (seconds since 1970).
    pub at: i64,
    /// Editor id; `None` writes an anonymous edit.
    pub user: Option<i64>,
    /// The global account's central id (written only in the current layout).
    pub central: Option<i64>,
    /// Editor name at the time.
    pub user_text_historical: String,
    /// Editor name now (differs after a rename; empty for a deleted user).
    pub user_text: String,
    /// A temporary account (an id, but not a participant).
    pub temporary: bool,
    /// Registration (seconds).
    pub registered: Option<i64>,
    /// A bot.
    pub bot: bool,
    /// Page.
    pub page: i64,
    /// Namespace.
    pub namespace: i64,
    /// Creates the page.
    pub creates_page: bool,
    /// Size change.
    pub bytes_diff: i64,
    /// Reverted after this many seconds.
    pub reverted_after: Option<i64>,
    /// Revision id.
    pub revision: i64,
    /// Edit summary (unescaped; written escaped as the dumps do).
    pub comment: String,
    /// Edit tags.
    pub tags: Vec<String>,
    /// The page's title without its namespace (empty: [`page_title`] of the page id).
    pub title: String,
}

/// The title a generated page carries: the same for a page id wherever it appears.
pub fn page_title(page: i64) -> String {
    format!("Page_{page}")
}

impl Row {
    /// A plain registered edit; tests set the fields they plant.
    pub fn edit(wiki: &str, revision: i64, at: i64, user: i64, name: &str) -> Row {
        Row {
            wiki: wiki.into(),
            at,
            user: Some(user),
            central: None,
            user_text_historical: name.into(),
            user_text: name.into(),
            temporary: false,
            registered: None,
            bot: false,
            page: revision,
            namespace: 0,
            creates_page: false,
            bytes_diff: 0,
            reverted_after: None,
            revision,
            comment: String::new(),
            tags: Vec::new(),
            title: String::new(),
        }
    }

    /// The row's title: its own, else its page's generated one.
    pub fn title(&self) -> String {
        if self.title.is_empty() { page_title(self.page) } else { self.title.clone() }
    }
}

/// The TSV line of a row in the current layout (no trailing newline).
pub fn line(r: &Row) -> String {
    line_in(r, Layout::Current)
}

/// The TSV line of a row in the given layout.
pub fn line_in(r: &Row, layout: Layout) -> String {
    let mut f: Vec<String> = vec![String::new(); COLUMNS.len()];
    let mut set = |name: &str, v: String| {
        if let Some(i) = col(name) {
            f[i] = v;
        }
    };
    set("wiki_db", r.wiki.clone());
    set("event_entity", "revision".into());
    set("event_type", "create".into());
    set("event_timestamp", format_timestamp(r.at));
    // Summaries are written escaped, as the dumps do: tabs and newlines never split a row.
    set("event_comment", r.comment.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n"));
    set("revision_tags", r.tags.join(","));
    set("event_user_text_historical", r.user_text_historical.clone());
    set("event_user_text", r.user_text.clone());
    set("event_user_is_temporary", r.temporary.to_string());
    match r.user {
        Some(u) => {
            set("event_user_id", u.to_string());
            if let Some(c) = r.central {
                set("event_user_central_id", c.to_string());
            }
            set("event_user_is_anonymous", "false".into());
        }
        None => set("event_user_is_anonymous", "true".into()),
    }
    if let Some(reg) = r.registered {
        set("event_user_registration_timestamp", format_timestamp(reg));
        set("event_user_creation_timestamp", format_timestamp(reg));
    }
    if r.bot {
        set("event_user_is_bot_by_historical", "name".into());
        set("event_user_is_bot_by", "name".into());
    }
    set("page_id", r.page.to_string());
    set("page_namespace_historical", r.namespace.to_string());
    set("page_namespace", r.namespace.to_string());
    set("page_title", r.title());
    set("page_title_historical", r.title());
    set("revision_id", r.revision.to_string());
    set(
        "revision_parent_id",
        if r.creates_page { "0".into() } else { (r.revision - 1).to_string() },
    );
    set("revision_text_bytes_diff", r.bytes_diff.to_string());
    match r.reverted_after {
        Some(s) => {
            set("revision_is_identity_reverted", "true".into());
            set("revision_seconds_to_identity_revert", s.to_string());
        }
        None => set("revision_is_identity_reverted", "false".into()),
    }
    match layout {
        Layout::Current => f.join("\t"),
        Layout::Classic => COLUMNS
            .iter()
            .zip(f)
            .filter(|(c, _)| !communities::dump::CLASSIC_ABSENT.contains(c))
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join("\t"),
    }
}

/// The shape of a generated world.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Seed of every random choice.
    pub seed: u64,
    /// Wikis. Files are uploaded on `commonswiki`; on `wikidatawiki` the main namespace holds
    /// items, titled `Q…` as Wikidata's are.
    pub wikis: Vec<String>,
    /// People per wiki.
    pub users: usize,
    /// Communities in all.
    pub communities: usize,
    /// Edits to write in all (approximately: whole sessions are written).
    pub edits: usize,
    /// First day of activity (seconds).
    pub start: i64,
    /// End of the data (seconds, exclusive): the coverage date.
    pub end: i64,
}

impl Spec {
    /// A small world for exact comparisons against the reference.
    pub fn small(seed: u64) -> Spec {
        Spec {
            seed,
            wikis: vec!["commonswiki".into(), "frwiki".into()],
            users: 120,
            communities: 24,
            edits: 6_000,
            start: day("2025-01-01"),
            end: day("2026-10-01"),
        }
    }
}

fn day(s: &str) -> i64 {
    model::Date::parse(s).map_or(0, |d| d.day_number() * DAY)
}

pub use communities::dump::CategoryPages;

/// How the communities' rules are laid out over the world.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rules {
    /// Hashtags, tags and categories shared by pairs of communities (k and k + n/2), each
    /// category sized to the world (pages / communities): campaigns with their own rules. The
    /// default.
    #[default]
    Realistic,
    /// The generator before 2026-11-26: every hashtag community uses one of 7 hashtags, every
    /// tag community one of 5 tags, every category community one of 6 categories of a tenth of
    /// all pages each; random edits carry those 7 hashtags and 5 tags. Hundreds of communities
    /// share a rule, so the metrics' joins fan out.
    SharedFanOut,
}

impl Rules {
    /// The layout named `realistic` or `fanout`.
    pub fn parse(name: &str) -> Option<Rules> {
        match name {
            "realistic" => Some(Rules::Realistic),
            "fanout" => Some(Rules::SharedFanOut),
            _ => None,
        }
    }

    /// Its name, as [`Rules::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Rules::Realistic => "realistic",
            Rules::SharedFanOut => "fanout",
        }
    }
}

/// A generated world: its communities and category pages; [`World::write`] streams the dump.
pub struct World {
    /// The spec.
    pub spec: Spec,
    /// The communities defined on it.
    pub communities: Vec<Community>,
    /// Category membership.
    pub categories: CategoryPages,
    /// Communities whose newcomers come back four times as often: planted positive deviance.
    pub deviants: Vec<String>,
    /// Pages per wiki.
    pages: i64,
    /// How the rules are laid out.
    rules: Rules,
}

/// A person on a wiki.
struct Person {
    id: i64,
    name: String,
    renamed: Option<String>,
    deleted: bool,
    bot: bool,
    temporary: bool,
    registered: Option<i64>,
    central: Option<i64>,
}

impl World {
    /// Plans a world: communities over random windows, rosters that overlap, hashtags and
    /// tags shared by some campaigns, categories of pages.
    pub fn new(spec: Spec) -> World {
        World::with_rules(spec, Rules::Realistic)
    }

    /// [`World::new`] with the rules laid out as `rules` says.
    pub fn with_rules(spec: Spec, rules: Rules) -> World {
        let mut rng = Rng::new(spec.seed);
        let pages = (spec.edits as i64 / 8).max(50);
        let span_days = (spec.end - spec.start) / DAY;
        let mut communities = Vec::with_capacity(spec.communities);
        let mut categories = CategoryPages::new();
        let n_wikis = spec.wikis.len().max(1);
        let pairs = (spec.communities / 2).max(1);
        let fan_out = rules == Rules::SharedFanOut;
        // Rule k of a kind: shared by pairs, or (fan-out) by every 7th, 5th, 6th community.
        let (hashtags, tags, cats) = if fan_out { (7, 5, 6) } else { (pairs, pairs, pairs) };
        let cat_pages = if fan_out { pages / 10 } else { pages / spec.communities.max(1) as i64 };
        for k in 0..spec.communities {
            // Communities go round the wikis, so the j-th of a wiki is `k / n_wikis`.
            let wiki = spec.wikis[k % n_wikis].clone();
            let j = k / n_wikis;
            let on_wiki =
                spec.communities / n_wikis + usize::from(k % n_wikis < spec.communities % n_wikis);
            let length = [7, 14, 30, 31, 92][rng.below(5)];
            // Some windows start so late that retention is still pending at the coverage date.
            let first = rng.below((span_days - length).max(1) as usize) as i64;
            let start = spec.start + first * DAY;
            let end = start + length * DAY;
            let members = match rng.below(5) {
                0 | 1 => {
                    // The people whose home this is (id ≡ j mod the wiki's communities), and a
                    // few others; by their old name or their new one.
                    let home = (1..=spec.users as i64)
                        .filter(|id| (*id as usize) % on_wiki.max(1) == j)
                        .take(60);
                    let others: Vec<i64> =
                        (0..rng.below(6)).map(|_| 1 + rng.below(spec.users) as i64).collect();
                    let mut names: Vec<String> = home
                        .chain(others)
                        .map(|id| if rng.below(4) == 0 { renamed_name(id) } else { user_name(id) })
                        .collect();
                    names.sort();
                    names.dedup();
                    Members::Roster(names)
                }
                // Rules are shared by pairs of communities (k and k + n/2): overlap without
                // every campaign sharing one tag.
                2 => Members::Hashtag(format!("camp{}", k % hashtags)),
                3 => Members::Tag(format!("campaign-{}", k % tags)),
                _ => {
                    let name = format!("Cat_{}", k % cats);
                    if !categories.iter().any(|(w, c, _)| *w == wiki && *c == name) {
                        for _ in 0..cat_pages.max(3) {
                            categories.push((
                                wiki.clone(),
                                name.clone(),
                                1 + rng.below(pages as usize) as i64,
                            ));
                        }
                    }
                    Members::Category(name)
                }
            };
            let cost = (rng.below(3) > 0).then(|| 500.0 * (1 + rng.below(20)) as f64);
            communities.push(Community {
                id: format!("c{k}"),
                wiki,
                members,
                start,
                end,
                cost,
                definition: communities::definition::Definition::v1(),
            });
        }
        categories.sort();
        categories.dedup();
        let deviants = communities.iter().step_by(6).map(|c| c.id.clone()).collect();
        World { spec, communities, categories, deviants, pages, rules }
    }

    fn person(&self, rng: &mut Rng, id: i64) -> Person {
        let span = self.spec.end - self.spec.start;
        // A quarter registered before the data starts; the rest during it.
        let registered = match rng.below(20) {
            0 => None,
            1..=5 => Some(self.spec.start - (1 + rng.below(2000) as i64) * DAY),
            _ => Some(self.spec.start + (rng.unit() * span as f64) as i64),
        };
        Person {
            id,
            name: user_name(id),
            renamed: (rng.below(10) == 0).then(|| renamed_name(id)),
            deleted: rng.below(40) == 0,
            bot: rng.below(30) == 0,
            temporary: rng.below(40) == 0,
            registered,
            // The same generated id on every wiki is one global account, except every seventh
            // id: local accounts never attached, matched on their own wiki only.
            central: (id % 7 != 0).then_some(CENTRAL_BASE + id),
        }
    }

    /// Writes the dump (current layout) and returns the number of rows written.
    pub fn write(&self, out: &mut impl Write) -> std::io::Result<usize> {
        self.write_in(out, Layout::Current)
    }

    /// Writes the dump in `layout` (the same rows whatever the layout).
    pub fn write_in(&self, out: &mut impl Write, layout: Layout) -> std::io::Result<usize> {
        self.write_observed(out, layout, &mut |_| {})
    }

    /// [`World::write_in`], showing every row written to `observe` (the impact sources of
    /// `synthetic::impact` are made from the rows as they stream past).
    pub fn write_observed(
        &self,
        out: &mut impl Write,
        layout: Layout,
        observe: &mut dyn FnMut(&Row),
    ) -> std::io::Result<usize> {
        let mut emit = |out: &mut dyn Write, row: &Row| -> std::io::Result<()> {
            observe(row);
            out.write_all(line_in(row, layout).as_bytes())?;
            out.write_all(b"\n")
        };
        let mut rng = Rng::new(self.spec.seed ^ 0x5eed);
        let mut written = 0usize;
        let mut revision = 1_000i64;
        let per_user = (self.spec.edits / (self.spec.users * self.spec.wikis.len()).max(1)).max(1);
        // Hashtags and tags that random edits carry: the communities' own, so some edits outside
        // the windows and by other people match them too.
        let pairs = (self.spec.communities / 2).max(1);
        let pool = if self.rules == Rules::SharedFanOut { 7 } else { pairs.min(64) };
        let tags_pool: Vec<String> = (0..pool).map(|k| format!("camp{k}")).collect();
        let tags_pool: Vec<&str> = tags_pool.iter().map(String::as_str).collect();
        for wiki in &self.spec.wikis {
            let commons = wiki == communities::links::COMMONS;
            let mut people: Vec<Person> =
                (1..=self.spec.users as i64).map(|id| self.person(&mut rng, id)).collect();
            // People who join a community edit inside its window, so communities have members.
            // A person takes part in the `id mod n`-th community of the wiki (rosters agree).
            let here: Vec<&Community> =
                self.communities.iter().filter(|c| c.wiki == *wiki).collect();
            let homes: Vec<Option<&Community>> = people
                .iter()
                .map(|p| (!here.is_empty()).then(|| here[(p.id as usize) % here.len()]))
                .collect();
            for (p, home) in people.iter_mut().zip(homes) {
                // Half of a community's people register during its window: its newcomers.
                if let Some(c) = home.filter(|_| rng.below(2) == 0) {
                    p.registered =
                        Some(c.start + rng.below((c.end - c.start).max(1) as usize) as i64);
                }
                if let (Some(c), Some(reg)) = (home, p.registered)
                    && reg >= c.start
                    && reg < c.end
                {
                    // A newcomer: a first edit soon after registering, and a return in the
                    // second month, far likelier in the planted positive deviants.
                    let first = (reg + rng.below(3 * 3600) as i64).min(c.end - 1);
                    let back = first + (31 + rng.below(28) as i64) * DAY;
                    let chance = if self.deviants.contains(&c.id) { 4 } else { 1 };
                    for (at, keep) in [(first, true), (back, rng.below(5) < chance)] {
                        if keep && at < self.spec.end {
                            revision += 1;
                            let mut row =
                                self.row(&mut rng, p, wiki, commons, at, revision, &tags_pool);
                            self.mark(&mut row, c, wiki);
                            emit(out, &row)?;
                            written += 1;
                        }
                    }
                }
                let sessions = 1 + rng.below(4);
                for s in 0..sessions {
                    let base = match (s, home) {
                        (0, Some(c)) if rng.below(3) > 0 => {
                            c.start
                                + rng.below(((c.end - c.start) / DAY).max(1) as usize) as i64 * DAY
                        }
                        _ => {
                            p.registered.unwrap_or(self.spec.start).max(self.spec.start)
                                + (rng.unit() * (self.spec.end - self.spec.start) as f64 * 0.9)
                                    as i64
                        }
                    };
                    let edits = 1 + rng.below(2 * per_user / sessions);
                    // A session, then returns at the retention boundaries (exactly on them, or
                    // a second past) for some people.
                    for e in 0..edits {
                        let offset = match rng.below(12) {
                            0 => {
                                [1, 7, 30, 60, 180, 210, 365, 395][rng.below(8)] * DAY
                                    + rng.below(2) as i64
                            }
                            _ => e as i64 * (60 + rng.below(20_000) as i64),
                        };
                        let at = base + offset;
                        if at >= self.spec.end || at < self.spec.start {
                            continue;
                        }
                        revision += 1;
                        let mut row =
                            self.row(&mut rng, p, wiki, commons, at, revision, &tags_pool);
                        // Inside the home window, half the edits carry the community's rule.
                        if let Some(c) =
                            home.filter(|c| at >= c.start && at < c.end && rng.below(2) == 0)
                        {
                            self.mark(&mut row, c, wiki);
                        }
                        emit(out, &row)?;
                        written += 1;
                    }
                }
            }
            // Anonymous edits, some with campaign hashtags: never participants.
            for _ in 0..(per_user * 4) {
                revision += 1;
                let at = self.spec.start
                    + (rng.unit() * (self.spec.end - self.spec.start) as f64) as i64;
                let mut row = Row::edit(wiki, revision, at, 0, "192.0.2.7");
                row.user = None;
                row.comment = format!("#{}", tags_pool[rng.below(tags_pool.len())]);
                row.page = 1 + rng.below(self.pages as usize) as i64;
                row.title = item_title(wiki, row.page);
                emit(out, &row)?;
                written += 1;
            }
        }
        Ok(written)
    }

    /// Makes an edit match a rule-based community (hashtag, tag, category page).
    fn mark(&self, row: &mut Row, c: &Community, wiki: &str) {
        match &c.members {
            Members::Hashtag(t) => row.comment.push_str(&format!(" #{t}")),
            Members::Tag(t) => row.tags.push(t.clone()),
            Members::Category(name) => {
                // Sorted: the category's first page by binary search.
                let at = self.categories.partition_point(|(cw, cn, _)| {
                    (cw.as_str(), cn.as_str()) < (wiki, name.as_str())
                });
                if let Some((cw, cn, page)) = self.categories.get(at)
                    && cw == wiki
                    && cn == name
                {
                    row.page = *page;
                    row.title = item_title(wiki, *page);
                }
            }
            Members::Roster(_) => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &self,
        rng: &mut Rng,
        p: &Person,
        wiki: &str,
        commons: bool,
        at: i64,
        revision: i64,
        tags_pool: &[&str],
    ) -> Row {
        // A renamed person's later edits carry the new name in the history too.
        let historical = match &p.renamed {
            Some(n) if rng.below(2) == 0 => n.clone(),
            _ => p.name.clone(),
        };
        let now = match (&p.renamed, p.deleted) {
            (_, true) => String::new(),
            (Some(n), _) => n.clone(),
            (None, _) => p.name.clone(),
        };
        let creates = rng.below(6) == 0;
        let comment = match rng.below(5) {
            0 => format!(
                "upload #{} #{}",
                tags_pool[rng.below(tags_pool.len())],
                tags_pool[rng.below(tags_pool.len())].to_uppercase()
            ),
            1 => format!("fix\ttypo #{}x", tags_pool[rng.below(tags_pool.len())]),
            _ => "edit".to_string(),
        };
        let n_tags = if self.rules == Rules::SharedFanOut { 5 } else { tags_pool.len() };
        let tags = match rng.below(4) {
            0 => vec![format!("campaign-{}", rng.below(n_tags))],
            1 => vec!["mobile edit".to_string(), format!("campaign-{}", rng.below(n_tags))],
            _ => Vec::new(),
        };
        let page = 1 + rng.below(self.pages as usize) as i64;
        Row {
            wiki: wiki.into(),
            at,
            user: Some(p.id),
            central: p.central,
            user_text_historical: historical,
            user_text: now,
            temporary: p.temporary,
            registered: p.registered,
            bot: p.bot,
            page,
            namespace: if commons && creates && rng.below(2) == 0 {
                6
            } else {
                rng.below(3) as i64
            },
            creates_page: creates,
            bytes_diff: rng.below(4001) as i64 - 1000,
            reverted_after: match rng.below(8) {
                0 => Some(rng.below(4 * DAY as usize) as i64),
                1 => Some(2 * DAY + rng.below(3) as i64 - 1),
                _ => None,
            },
            revision,
            comment,
            tags,
            title: item_title(wiki, page),
        }
    }
}

/// Wikidata's pages are items, titled by their id (`Q42`); other wikis' titles follow from the
/// page id ([`page_title`], kept empty on the row).
fn item_title(wiki: &str, page: i64) -> String {
    if wiki == WIKIDATA { format!("Q{page}") } else { String::new() }
}

/// The wiki whose main namespace holds items.
pub const WIKIDATA: &str = "wikidatawiki";

/// Generated central ids are this plus the local id (so they never equal a local id).
pub const CENTRAL_BASE: i64 = 1_000_000;

/// The name a generated person starts with.
pub fn user_name(id: i64) -> String {
    format!("User {id}")
}

/// The name a renamed person ends with.
pub fn renamed_name(id: i64) -> String {
    format!("Renamed {id}")
}

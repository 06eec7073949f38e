//! The page layer: every HTML page of the report and of the workspace goes through here.
//!
//! Pages are maud templates, checked by the compiler and escaped by default; raw markup needs
//! the explicit [`PreEscaped`] (used only for an SVG that a template here already rendered).
//! A report page is built once as a [`Page`] (its title, depth and body) and rendered into
//! the one [`Shell`], whose slots (account bar, "updating…" banner, edit links, comments,
//! footer) the static site leaves empty and the workspace fills per request. Nothing is ever
//! spliced into a finished page.
//!
//! Every word a page shows comes from a message ([`t!`], [`rich`]) in the page's [`Lang`];
//! only the model's own content (names, descriptions) is shown as written.

pub use i18n::{Arg, Lang, t};
pub use maud::{DOCTYPE, Markup, PreEscaped, Render, html};

use model::Provenance;
use simulate::Summary;

use crate::File;

/// A report page before the shell: what the static site writes and the workspace serves.
#[derive(Clone, Debug)]
pub struct Page {
    /// Path relative to the site's root, with `/` separators.
    pub path: String,
    /// The page's own title (the shell adds the model's name).
    pub title: String,
    /// Folders below the root (`programs/x.html` is 1): relative links go up this many times.
    pub depth: usize,
    /// The content of `<main>` before the footer.
    pub body: Markup,
}

/// The whole report as pages and assets, with what every page's frame shows.
#[derive(Clone, Debug)]
pub struct Site {
    /// The language of every page.
    pub lang: Lang,
    /// The model's name, in every title and header.
    pub model: String,
    /// The footer of every page.
    pub footer: Markup,
    /// Pages in a fixed order.
    pub pages: Vec<Page>,
    /// Files that are not pages (the stylesheet).
    pub assets: Vec<File>,
}

impl Site {
    /// The static site: every page in the shell with empty slots, then the assets.
    pub fn files(&self) -> Vec<File> {
        let mut files = self.assets.clone();
        files.extend(self.pages.iter().map(|p| File {
            path: p.path.clone(),
            contents: self.render(p, Slots::default()).into_string(),
        }));
        files
    }

    /// One page in the shell with `slots` filled.
    pub fn render(&self, page: &Page, slots: Slots) -> Markup {
        let up = "../".repeat(page.depth);
        Shell {
            lang: self.lang,
            title: &format!("{} — {}", page.title, self.model),
            nav: Nav::Report { model: &self.model, up: &up },
            footer: Some(self.footer.clone()),
            slots,
        }
        .render(&page.body)
    }
}

/// What a page shows besides its body, filled per request by the workspace.
#[derive(Clone, Debug, Default)]
pub struct Slots {
    /// Reload the page after this many seconds (a stale page, while the next one builds).
    pub refresh: Option<u32>,
    /// Who is logged in and what they can do, after the navigation.
    pub account: Option<Markup>,
    /// A status line under the account bar ("updating…").
    pub banner: Option<Markup>,
    /// Comments on the page's item, after the body.
    pub comments: Option<Markup>,
    /// Edit links for editors, after the comments.
    pub edit: Option<Markup>,
    /// The language picker, after the navigation (the static report is in one language).
    pub languages: Option<Markup>,
}

/// The navigation of a page.
#[derive(Clone, Copy, Debug)]
pub enum Nav<'a> {
    /// The report's sections, relative to a page `up` levels below the root.
    Report {
        /// The model's name, the header's first link.
        model: &'a str,
        /// `../` once per level.
        up: &'a str,
    },
    /// The workspace's own screens (absolute links).
    Workspace,
}

/// The one page shell.
#[derive(Clone, Debug)]
pub struct Shell<'a> {
    /// The language of the page: `lang`, `dir` and the navigation's words.
    pub lang: Lang,
    /// The `<title>`.
    pub title: &'a str,
    /// The header's navigation.
    pub nav: Nav<'a>,
    /// The footer, if the page has one.
    pub footer: Option<Markup>,
    /// The per-request slots.
    pub slots: Slots,
}

/// The report's sections: (link relative to the root, label).
fn sections(lang: Lang) -> [(&'static str, String); 11] {
    [
        ("index.html", t!(lang, "throughline-nav-overview")),
        ("index.html#programs", t!(lang, "throughline-nav-programs")),
        ("index.html#initiatives", t!(lang, "throughline-nav-initiatives")),
        ("index.html#goals", t!(lang, "throughline-nav-goals")),
        ("plan.html", t!(lang, "throughline-nav-plan")),
        ("checkin.html", t!(lang, "throughline-nav-checkin")),
        ("evaluations.html", t!(lang, "throughline-nav-evaluations")),
        ("communities.html", t!(lang, "throughline-nav-communities")),
        ("rba.html", t!(lang, "throughline-nav-rba")),
        ("voi.html", t!(lang, "throughline-nav-voi")),
        ("gaps.html", t!(lang, "throughline-nav-gaps")),
    ]
}

/// The workspace's own screens.
fn workspace(lang: Lang) -> [(&'static str, String); 3] {
    [
        ("/", t!(lang, "throughline-nav-overview")),
        ("/revisions", t!(lang, "throughline-nav-revisions")),
        ("/rounds", t!(lang, "throughline-nav-consultation")),
    ]
}

impl Shell<'_> {
    /// The page around `body`.
    pub fn render(&self, body: &Markup) -> Markup {
        let s = &self.slots;
        // The brand and its link, the stylesheet, the navigation's label, and its links (each
        // prefixed with `up`).
        let lang = self.lang;
        let (brand, home, css, label, up, links): (&str, String, String, String, &str, Vec<_>) =
            match self.nav {
                Nav::Report { model, up } => {
                    let (home, css) = (format!("{up}index.html"), format!("{up}style.css"));
                    let label = t!(lang, "throughline-nav-report-label");
                    (model, home, css, label, up, sections(lang).into())
                }
                Nav::Workspace => {
                    let label = t!(lang, "throughline-nav-workspace-label");
                    (
                        "throughline",
                        "/".into(),
                        "/style.css".into(),
                        label,
                        "",
                        workspace(lang).into(),
                    )
                }
            };
        html! {
            (DOCTYPE) "\n"
            html lang=(lang.code()) dir=(lang.dir()) {
                "\n"
                head {
                    "\n" meta charset="utf-8";
                    "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                    "\n" title { (self.title) }
                    "\n" link rel="stylesheet" href=(css);
                    "\n"
                    @if let Some(secs) = s.refresh {
                        meta http-equiv="refresh" content=(secs);
                    }
                }
                "\n"
                body {
                    "\n"
                    header {
                        "\n" a class="model" href=(home) { (brand) }
                        "\n" nav aria-label=(label) {
                            ul {
                                @for (href, text) in links {
                                    "\n" li { a href={ (up) (href) } { (text) } }
                                }
                                "\n"
                            }
                        }
                        @if let Some(l) = &s.languages { (l) }
                        @if let Some(a) = &s.account { (a) }
                        @if let Some(b) = &s.banner { (b) }
                        "\n"
                    }
                    "\n"
                    main {
                        "\n" (body) "\n"
                        @if let Some(c) = &s.comments { (c) }
                        @if let Some(e) = &s.edit { (e) }
                        @if let Some(f) = &self.footer { footer { (f) } "\n" }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
    }
}

/// The cells of a simulated quantity: mean ± standard error, 90% interval, P(>0).
pub fn summary_cells(lang: Lang, s: &Summary) -> Markup {
    html! {
        td class="num" { (num(lang, s.mean)) " " span class="legend" { "± " (num(lang, s.se)) } }
        td class="num" { (num(lang, s.p5)) " – " (num(lang, s.p95)) }
        td class="num" { (percent(lang, s.p_positive * 100.0, 0)) }
    }
}

/// A percentage (`percent` of 100) with `digits` decimals, in the language's way (`12%`,
/// `12 %`, `12٪`).
pub fn percent(lang: Lang, percent: f64, digits: usize) -> String {
    t!(lang, "throughline-percent", lang.decimal(percent, digits))
}

/// A share (`0.125`) as a percentage with at most one decimal, rounded as
/// [`model::display::pct`] rounds it (which English keeps exactly), in the language's way
/// (`12.5%`, `12,5 %`, `١٢٫٥٪`).
pub fn pct(lang: Lang, share: f64) -> String {
    let english = model::display::pct(share);
    if lang == Lang::EN {
        return english;
    }
    let v: f64 = english.trim_end_matches('%').parse().unwrap_or(0.0);
    percent(lang, v, usize::from(v.fract() != 0.0))
}

/// A column of a table's head: its label and whether it holds numbers.
pub type Col<'a> = (&'a str, bool);

/// A table's head row.
pub fn thead(cols: &[Col<'_>]) -> Markup {
    html! {
        thead { tr { @for (label, numeric) in cols { th class=[numeric.then_some("num")] scope="col" { (label) } } } }
    }
}

/// A table with a caption and a head; `rows` is the body's content.
pub fn table(caption: &str, cols: &[Col<'_>], rows: Markup) -> Markup {
    html! { table { caption { (caption) } (thead(cols)) tbody { (rows) } } }
}

/// A list of texts, or "none".
pub fn list<T: Render>(lang: Lang, items: &[T]) -> Markup {
    html! {
        @if items.is_empty() { em { (t!(lang, "throughline-none")) } } @else { ul { @for i in items { li { (i) } } } }
    }
}

/// Message `key` whose [`Arg::Slot`] parameters are filled with markup from `slots` (by the
/// parameter's number): a link or an emphasis inside a sentence, the sentence's words and
/// their order still the translator's. The message's own text is escaped.
pub fn rich(lang: Lang, key: &str, args: &[Arg], slots: &[(usize, Markup)]) -> Markup {
    html! {
        @for piece in lang.pieces(key, args) {
            @match piece {
                i18n::Piece::Text(text) => (text),
                i18n::Piece::Slot(n) => {
                    @if let Some((_, m)) = slots.iter().find(|(at, _)| *at == n + 1) { (m) }
                }
            }
        }
    }
}

/// What the model's value unit means ("value points" is otherwise never explained): the value
/// function's judgement weights put every goal's change, and scores on non-mission benefits, on
/// one scale, with one goal's weight as the example.
pub fn value_note(lang: Lang, m: &model::Model) -> Markup {
    let value = t!(lang, "throughline-value-unit-default");
    let unit = m.value.unit.as_deref().unwrap_or(&value);
    let example = m.value.goals.iter().find_map(|(g, w)| {
        let n = m.node(g.as_str())?;
        let named = match n.unit.as_deref() {
            Some(u) => t!(lang, "throughline-value-note-goal-unit", &n.name, u),
            None => t!(lang, "throughline-value-note-goal", &n.name),
        };
        Some(t!(lang, "throughline-value-note-example", named, num(lang, *w), unit))
    });
    let eg = example.map(|e| format!(" {}", t!(lang, "throughline-value-note-eg", e)));
    let code = |text: &'static str| html! { code { (text) } };
    html! {
        p class="legend" {
            strong { (t!(lang, "throughline-value-note-title", unit)) " " }
            (rich(
                lang,
                "throughline-value-note-body",
                &[Arg::Slot, Arg::Text(eg.unwrap_or_default()), Arg::Slot],
                &[(1, code("value")), (3, code("throughline simulate --weight-spread"))],
            ))
        }
    }
}

/// A level of a results chain (input … impact) in the page's language.
pub fn level(lang: Lang, level: model::Level) -> String {
    use model::Level;
    match level {
        Level::Input => t!(lang, "throughline-level-input"),
        Level::Activity => t!(lang, "throughline-level-activity"),
        Level::Output => t!(lang, "throughline-level-output"),
        Level::OutcomeShort => t!(lang, "throughline-level-outcome-short"),
        Level::OutcomeIntermediate => t!(lang, "throughline-level-outcome-intermediate"),
        Level::OutcomeLong => t!(lang, "throughline-level-outcome-long"),
        Level::Impact => t!(lang, "throughline-level-impact"),
    }
}

/// A figure: a chart and its caption.
pub fn figure(chart: &Markup, caption: &str) -> Markup {
    html! { figure { (chart) figcaption class="legend" { (caption) } } }
}

/// A warning paragraph.
pub fn warn(text: &str) -> Markup {
    html! { p class="warn" { (text) } }
}

/// "Incomplete: …" under a framework view, when its completeness rules found gaps.
pub fn incomplete(lang: Lang, gaps: &[String]) -> Markup {
    html! { @if !gaps.is_empty() { (warn(&t!(lang, "throughline-incomplete", gaps.join("; ")))) "\n" } }
}

/// The words of the mark for data of provenance `p` ([`Provenance::mark`], in the page's
/// language); `None` for measured data.
pub fn mark_words(lang: Lang, p: Provenance) -> Option<String> {
    match p {
        Provenance::Measured => None,
        Provenance::Synthetic => Some(t!(lang, "throughline-mark-synthetic")),
        Provenance::Illustrative => Some(t!(lang, "throughline-mark-illustrative")),
    }
}

/// What the mark means, one sentence ([`Provenance::meaning`], in the page's language); `None`
/// for measured data.
pub fn meaning(lang: Lang, p: Provenance) -> Option<String> {
    match p {
        Provenance::Measured => None,
        Provenance::Synthetic => Some(t!(lang, "throughline-meaning-synthetic")),
        Provenance::Illustrative => Some(t!(lang, "throughline-meaning-illustrative")),
    }
}

/// The mark beside a row or heading whose figures come from data that are not measured
/// ([`mark_words`]); nothing for measured data.
pub fn mark(lang: Lang, p: Provenance) -> Markup {
    html! { @if let Some(m) = mark_words(lang, p) { " " small class="warn" { (m) } } }
}

/// The sentence under every computed output's title when the model's own figures are not
/// measured ([`model::provenance::model_note`], in the page's language).
pub fn model_note(lang: Lang, p: Provenance) -> Option<String> {
    Some(t!(lang, "throughline-model-note", mark_words(lang, p)?, meaning(lang, p)?))
}

/// What the rows of a table with a [`table_note`] are: each its own message, so that the
/// noun agrees with the counts in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// The communities page's rows.
    Communities,
    /// The check-in's key results.
    KeyResults,
}

/// The paragraph above a table some of whose rows carry the mark: how many rows, which marks
/// and what they mean ([`model::provenance::marked`]; in English the words of
/// [`model::provenance::table_note`]); nothing when no row does.
pub fn table_note(lang: Lang, rows: impl IntoIterator<Item = Provenance>, what: Rows) -> Markup {
    let Some(m) = model::provenance::marked(rows) else { return html! {} };
    // The marks in alphabetical order of their words, as the terminal lists them.
    let mut words: Vec<String> = m.marks.iter().filter_map(|&p| mark_words(lang, p)).collect();
    words.sort();
    let marks =
        words.into_iter().reduce(|a, b| t!(lang, "throughline-mark-or", a, b)).unwrap_or_default();
    let count = match what {
        Rows::Communities => t!(lang, "throughline-note-communities", m.marked, m.rows, marks),
        Rows::KeyResults => t!(lang, "throughline-note-key-results", m.marked, m.rows, marks),
    };
    let meanings: Vec<String> = m.marks.iter().filter_map(|&p| meaning(lang, p)).collect();
    warn(&format!("{count} {}", meanings.join(" ")))
}

/// An outside link's target if links may point there ([`model::link_target::is_allowed`]):
/// the one place a URL from the model becomes a live link.
pub fn allowed(url: &str) -> Option<&str> {
    model::link_target::is_allowed(url).then_some(url)
}

/// A link to a page outside the site: live only when links may point there ([`allowed`]),
/// otherwise to `#` (a model that bypassed the checker never gets a `javascript:` link).
pub fn outside_link(url: &str, text: &str) -> Markup {
    html! { a href=(allowed(url).unwrap_or("#")) { (text) } }
}

/// A number as the report shows it ([`model::display::num`]'s rounding), in the language's
/// digits and separators.
pub fn num(lang: Lang, x: f64) -> String {
    // English is written exactly as the terminal writes it (the same figure never reads two
    // ways); CLDR's English would group a rounded 10000.
    if lang == Lang::EN {
        return model::display::num(x);
    }
    match model::display::rounded(x) {
        Ok((v, digits, suffix)) => format!("{}{suffix}", lang.decimal(v, digits)),
        Err(special) => special.to_string(),
    }
}

/// A number with `digits` decimals (a ratio, `2.35`): in English exactly as the report always
/// wrote it, in the language's digits and separators elsewhere.
pub fn fixed(lang: Lang, x: f64, digits: usize) -> String {
    if lang == Lang::EN {
        return format!("{x:.digits$}");
    }
    lang.decimal(x, digits)
}

/// A number with its sign always written (`+0.12`, `-3.4`) and `digits` decimals, in the
/// language's digits; English exactly as Rust's `{:+.digits$}` writes it, as the pages did.
pub fn signed(lang: Lang, x: f64, digits: usize) -> String {
    if lang == Lang::EN {
        return format!("{x:+.digits$}");
    }
    let text = fixed(lang, x, digits);
    if x.is_sign_positive() && !x.is_nan() { format!("+{text}") } else { text }
}

/// A coordinate with one decimal, as the charts write them.
pub fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// A chart: an SVG element of `width` × `height`, labelled for screen readers (and titled, for a
/// tooltip, when `title` is given), around `content`.
pub fn svg(
    width: f64,
    height: f64,
    label: &str,
    title: Option<&str>,
    font: u32,
    content: Markup,
) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) role="img" aria-label=(label) font-family="system-ui, sans-serif" font-size=(font) {
            @if let Some(t) = title { title { (t) } }
            (content)
        }
    }
}

/// An empty SVG element written `<name a="…"/>`, its values escaped: maud closes void HTML
/// elements without the slash, and inside HTML an SVG `<rect>` without it would swallow what
/// follows.
pub fn leaf(name: &'static str, attrs: &[(&'static str, &dyn std::fmt::Display)]) -> Markup {
    let mut s = String::with_capacity(16 * attrs.len() + 8);
    s.push('<');
    s.push_str(name);
    for (k, v) in attrs {
        s.push(' ');
        s.push_str(k);
        s.push_str("=\"");
        let _ = std::fmt::Write::write_fmt(&mut maud::Escaper::new(&mut s), format_args!("{v}"));
        s.push('"');
    }
    s.push_str("/>");
    PreEscaped(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            lang: Lang::EN,
            model: "M & <co>".into(),
            footer: html! { "Made." },
            pages: vec![Page {
                path: "goals/g.html".into(),
                title: "<script>x</script>".into(),
                depth: 1,
                body: html! { h1 { "\"Goal\"" } },
            }],
            assets: Vec::new(),
        }
    }

    #[test]
    fn text_is_escaped_and_links_are_relative_to_the_page() {
        let html = site().files()[0].contents.clone();
        assert!(
            html.contains("<title>&lt;script&gt;x&lt;/script&gt; — M &amp; &lt;co&gt;</title>")
        );
        assert!(html.contains("<h1>&quot;Goal&quot;</h1>"));
        assert!(html.contains("<link rel=\"stylesheet\" href=\"../style.css\">"));
        assert!(html.contains("<li><a href=\"../plan.html\">Annual plan</a></li>"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn slots_fill_their_places_and_empty_slots_leave_no_trace() {
        let s = site();
        let slots = Slots {
            refresh: Some(2),
            account: Some(html! { div class="account" { "A" } }),
            banner: Some(html! { p class="updating" { "B" } }),
            comments: Some(html! { section id="comments" { "C" } }),
            edit: Some(html! { section id="edit" { "E" } }),
            languages: None,
        };
        let full = s.render(&s.pages[0], slots).into_string();
        let at = |what: &str| full.find(what).unwrap_or_else(|| panic!("{what} in {full}"));
        assert!(at("<meta http-equiv=\"refresh\" content=\"2\">") < at("</head>"));
        assert!(at("</nav>") < at("<div class=\"account\">"));
        assert!(at("<div class=\"account\">") < at("<p class=\"updating\">"));
        assert!(at("<p class=\"updating\">") < at("</header>"));
        assert!(at("<h1>") < at("<section id=\"comments\">"));
        assert!(at("<section id=\"comments\">") < at("<section id=\"edit\">"));
        assert!(at("<section id=\"edit\">") < at("<footer>"));
        let empty = s.render(&s.pages[0], Slots::default()).into_string();
        assert!(empty.contains("</ul></nav>\n</header>"));
        assert!(empty.contains("<h1>&quot;Goal&quot;</h1>\n<footer>Made.</footer>\n</main>"));
    }

    #[test]
    fn the_table_note_says_in_english_what_the_terminal_says() {
        use Provenance::{Illustrative, Measured, Synthetic};
        for rows in [vec![Synthetic, Measured], vec![Illustrative, Synthetic, Measured, Synthetic]]
        {
            let english = model::provenance::table_note(rows.iter().copied(), "communities");
            let page = table_note(Lang::EN, rows.iter().copied(), Rows::Communities).into_string();
            assert_eq!(page, warn(&english.unwrap_or_default()).into_string());
        }
        assert_eq!(table_note(Lang::EN, [Measured], Rows::KeyResults).into_string(), "");
        let de = Lang::from_code("de").unwrap_or_default();
        let note = table_note(de, [Synthetic, Measured], Rows::KeyResults).into_string();
        assert!(note.contains("1 von 2 Schlüsselergebnissen ist als synthetische Daten"), "{note}");
    }

    #[test]
    fn only_web_links_leave_the_site() {
        assert_eq!(outside_link("javascript:alert(1)", "x").into_string(), "<a href=\"#\">x</a>");
        assert_eq!(
            outside_link("https://example.org/?a=1&b=2", "x").into_string(),
            "<a href=\"https://example.org/?a=1&amp;b=2\">x</a>"
        );
        assert_eq!(
            leaf("rect", &[("x", &1.5), ("fill", &"a\"b")]).into_string(),
            "<rect x=\"1.5\" fill=\"a&quot;b\"/>"
        );
    }
}

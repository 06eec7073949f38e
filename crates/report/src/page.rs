//! The page layer: every HTML page of the report and of the workspace goes through here.
//!
//! Pages are maud templates, checked by the compiler and escaped by default; raw markup needs
//! the explicit [`PreEscaped`] (used only for an SVG that a template here already rendered).
//! A report page is built once as a [`Page`] (its title, depth and body) and rendered into
//! the one [`Shell`], whose slots (account bar, "updating…" banner, edit links, comments,
//! footer) the static site leaves empty and the workspace fills per request. Nothing is ever
//! spliced into a finished page.

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
const SECTIONS: [(&str, &str); 11] = [
    ("index.html", "Overview"),
    ("index.html#programs", "Programs"),
    ("index.html#initiatives", "Initiatives"),
    ("index.html#goals", "Goals"),
    ("plan.html", "Annual plan"),
    ("checkin.html", "Check-in"),
    ("evaluations.html", "Evaluations"),
    ("communities.html", "Communities"),
    ("rba.html", "Results accountability"),
    ("voi.html", "What to learn first"),
    ("gaps.html", "Gaps"),
];

/// The workspace's own screens.
const WORKSPACE: [(&str, &str); 3] =
    [("/", "Overview"), ("/revisions", "Revisions"), ("/rounds", "Consultation")];

impl Shell<'_> {
    /// The page around `body`.
    pub fn render(&self, body: &Markup) -> Markup {
        let s = &self.slots;
        // The brand and its link, the stylesheet, the navigation's label, and its links (each
        // prefixed with `up`).
        let (brand, home, css, label, up, links): (&str, String, String, &str, &str, &[_]) =
            match self.nav {
                Nav::Report { model, up } => {
                    let (home, css) = (format!("{up}index.html"), format!("{up}style.css"));
                    (model, home, css, "Report sections", up, &SECTIONS)
                }
                Nav::Workspace => {
                    ("throughline", "/".into(), "/style.css".into(), "Workspace", "", &WORKSPACE)
                }
            };
        html! {
            (DOCTYPE) "\n"
            html lang="en" {
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
pub fn summary_cells(s: &Summary) -> Markup {
    html! {
        td class="num" { (num(s.mean)) " " span class="legend" { "± " (num(s.se)) } }
        td class="num" { (num(s.p5)) " – " (num(s.p95)) }
        td class="num" { (format_args!("{:.0}%", s.p_positive * 100.0)) }
    }
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
pub fn list<T: Render>(items: &[T]) -> Markup {
    html! {
        @if items.is_empty() { em { "none" } } @else { ul { @for i in items { li { (i) } } } }
    }
}

/// What the model's value unit means ("value points" is otherwise never explained): the value
/// function's judgement weights put every goal's change, and scores on non-mission benefits, on
/// one scale, with one goal's weight as the example.
pub fn value_note(m: &model::Model) -> Markup {
    let unit = m.value.unit.as_deref().unwrap_or("value");
    let example = m.value.goals.iter().find_map(|(g, w)| {
        let n = m.node(g.as_str())?;
        let counted = n.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        Some(format!("a change of one in “{}”{counted} is worth {} {unit}", n.name, num(*w)))
    });
    html! {
        p class="legend" {
            strong { "What “" (unit) "” are: " }
            "the model's value function (its " code { "value" } " section) weighs each goal's change, and each point of non-mission benefit, so that work on different goals can be compared on one scale"
            @if let Some(e) = example { " (e.g. " (e) ")" }
            ". The weights are judgements, not measurements: "
            code { "throughline simulate --weight-spread" } " shows how the ranking moves when they move."
        }
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
pub fn incomplete(gaps: &[String]) -> Markup {
    html! { @if !gaps.is_empty() { (warn(&format!("Incomplete: {}", gaps.join("; ")))) "\n" } }
}

/// The mark beside a row or heading whose figures come from data that are not measured
/// ([`Provenance::mark`]); nothing for measured data.
pub fn mark(p: Provenance) -> Markup {
    html! { @if let Some(m) = p.mark() { " " small class="warn" { (m) } } }
}

/// The paragraph above a table some of whose rows carry the mark
/// ([`model::provenance::table_note`]); nothing when none does.
pub fn table_note(rows: impl IntoIterator<Item = Provenance>, what: &str) -> Markup {
    html! { @if let Some(n) = model::provenance::table_note(rows, what) { (warn(&n)) } }
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

/// A number as the report shows it.
pub fn num(x: f64) -> String {
    model::display::num(x)
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

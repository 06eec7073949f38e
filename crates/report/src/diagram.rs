//! Results chains drawn as SVG, laid out here (no Graphviz, no browser): a layered layout in the
//! Sugiyama style.
//!
//! 1. Layers: one per level, bottom to top; initiatives in a layer below the activities.
//! 2. Edges that span several layers get a dummy point in every layer they cross, so they are
//!    routed between nodes instead of through them.
//! 3. Order within layers: barycenter sweeps up and down, keeping the best order seen
//!    (fewest crossings).
//! 4. x: each layer packed left to right with fixed gaps, centred on the widest layer (pulling
//!    nodes towards their neighbours was tried and left large gaps in wide programs); labels are
//!    wrapped inside their boxes, so labels never overlap.
//! 5. Edges: smooth curves through their dummy points. Style shows evidence (solid and thicker
//!    for stronger evidence, dashed grey for none); a small badge counts the assumptions; every
//!    node and edge has a `<title>` with its details (a tooltip, and text for screen readers).

use std::fmt::Write;

use model::{Level, Model, NodeKind, Strength};

use crate::page::{self, Lang, Markup, f1, html, leaf, t};

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only this program's nodes and initiatives plus the goals they reach; everything when None.
    pub program: Option<String>,
    /// Include initiatives.
    pub initiatives: bool,
}

#[derive(Clone, Debug)]
enum Kind {
    Node(usize),
    Initiative(usize),
    Dummy,
}

#[derive(Clone, Debug)]
struct Vertex {
    kind: Kind,
    layer: usize,
    lines: Vec<String>,
    width: f64,
    height: f64,
    x: f64,
    y: f64,
    href: Option<String>,
}

struct Edge {
    /// Vertices from source to target, dummies between.
    path: Vec<usize>,
    title: String,
    strength: Option<Strength>,
    assumptions: usize,
    feedback: bool,
    delivers: bool,
}

const LAYER_GAP: f64 = 70.0;
const NODE_GAP: f64 = 24.0;
const CHAR_W: f64 = 6.6;
const LINE_H: f64 = 15.0;
const PAD: f64 = 8.0;
const MAX_CHARS: usize = 26;

/// Wraps a label into at most three lines of about `MAX_CHARS` characters.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > MAX_CHARS {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > 3 {
        lines.truncate(3);
        let last = &mut lines[2];
        let keep: String = last.chars().take(MAX_CHARS - 1).collect();
        *last = format!("{keep}…");
    }
    lines
}

fn layer_of(level: Level) -> usize {
    // 0 is the initiatives' layer.
    1 + Level::ALL.iter().position(|l| *l == level).unwrap_or(0)
}

/// Links from a node id to its page, if the caller has pages.
pub type Linker<'a> = &'a dyn Fn(&str, bool) -> Option<String>;

/// Draws the scope as a standalone SVG document. `link(id, is_initiative)` gives each node's
/// page, relative to where the SVG will be shown.
pub fn svg(model: &Model, scope: &Scope, link: Linker<'_>) -> String {
    chart(model, scope, link, None).into_string()
}

/// [`svg`] as markup for a page, labelled for screen readers.
pub fn chart(model: &Model, scope: &Scope, link: Linker<'_>, label: Option<&str>) -> Markup {
    chart_sized(model, scope, link, label).0
}

/// A step's latest status at the check-in, drawn as a traffic light on its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Light {
    /// Met or on track.
    OnTrack,
    /// At risk.
    AtRisk,
    /// Off track.
    OffTrack,
    /// Measured by a key result that has no data yet.
    NoData,
}

impl Light {
    /// The words the check-in uses, in the page's language.
    pub fn word(self, lang: Lang) -> String {
        match self {
            Light::OnTrack => t!(lang, "throughline-light-on-track"),
            Light::AtRisk => t!(lang, "throughline-light-at-risk"),
            Light::OffTrack => t!(lang, "throughline-light-off-track"),
            Light::NoData => t!(lang, "throughline-light-no-data"),
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Light::OnTrack => "#2e7d32",
            Light::AtRisk => "#f9a825",
            Light::OffTrack => "#c62828",
            Light::NoData => "#9e9e9e",
        }
    }
}

/// Traffic lights by node id, with what each says (for its tooltip).
pub type Lights = std::collections::HashMap<String, (Light, String)>;

/// [`chart`] and its width in pixels, so a page can say when it is wider than its box.
pub fn chart_sized(
    model: &Model,
    scope: &Scope,
    link: Linker<'_>,
    label: Option<&str>,
) -> (Markup, f64) {
    chart_lit(Lang::EN, model, scope, link, label, &Lights::new())
}

/// [`chart_sized`] with a traffic light on each step that has a status at the check-in.
pub fn chart_lit(
    lang: Lang,
    model: &Model,
    scope: &Scope,
    link: Linker<'_>,
    label: Option<&str>,
    lights: &Lights,
) -> (Markup, f64) {
    let index: std::collections::HashMap<&str, usize> =
        model.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let in_program = |p: &Option<model::Id>| match &scope.program {
        None => true,
        Some(want) => p.as_ref().is_some_and(|p| p.as_str() == want),
    };
    let mut keep: Vec<bool> = model
        .nodes
        .iter()
        .map(|n| {
            if scope.program.is_none() {
                true
            } else {
                n.kind != NodeKind::Goal && in_program(&n.program)
            }
        })
        .collect();
    let links: Vec<usize> = model
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let (Some(&a), Some(&b)) = (index.get(l.from.as_str()), index.get(l.to.as_str()))
            else {
                return false;
            };
            keep[a] || keep[b]
        })
        .map(|(i, _)| i)
        .collect();
    for &li in &links {
        for id in [&model.links[li].from, &model.links[li].to] {
            if let Some(&i) = index.get(id.as_str()) {
                keep[i] = true;
            }
        }
    }

    // Vertices.
    let mut vs: Vec<Vertex> = Vec::new();
    let mut vertex_of_node = vec![usize::MAX; model.nodes.len()];
    for (i, n) in model.nodes.iter().enumerate().filter(|(i, _)| keep[*i]) {
        vertex_of_node[i] = vs.len();
        vs.push(vertex(Kind::Node(i), layer_of(n.level), &n.name, link(n.id.as_str(), false)));
    }
    let mut initiative_vertices = Vec::new();
    if scope.initiatives {
        for (i, ini) in model.initiatives.iter().enumerate().filter(|(_, i)| in_program(&i.program))
        {
            initiative_vertices.push((i, vs.len()));
            vs.push(vertex(Kind::Initiative(i), 0, &ini.name, link(ini.id.as_str(), true)));
        }
    }

    // Edges, with dummies on long spans. Downward links (feedback, inversions) are drawn but
    // routed like upward ones from the lower end.
    let mut edges: Vec<Edge> = Vec::new();
    let mut add_edge = |vs: &mut Vec<Vertex>, a: usize, b: usize, e: Edge| {
        let (la, lb) = (vs[a].layer, vs[b].layer);
        let mut path = vec![a];
        if la.abs_diff(lb) > 1 {
            let range: Vec<usize> =
                if la < lb { (la + 1..lb).collect() } else { (lb + 1..la).rev().collect() };
            for layer in range {
                path.push(vs.len());
                vs.push(Vertex {
                    kind: Kind::Dummy,
                    layer,
                    lines: vec![],
                    width: 2.0,
                    height: 2.0,
                    x: 0.0,
                    y: 0.0,
                    href: None,
                });
            }
        }
        path.push(b);
        edges.push(Edge { path, ..e });
    };
    for &li in &links {
        let l = &model.links[li];
        let (a, b) = (vertex_of_node[index[l.from.as_str()]], vertex_of_node[index[l.to.as_str()]]);
        let mut title = format!("{} → {}", l.from, l.to);
        if let Some(e) = l.effect {
            let unit = l.effect_unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            let _ =
                write!(title, "\n{}", t!(lang, "throughline-diagram-effect", format!("{e}{unit}")));
        }
        if let Some(p) = l.probability {
            let _ =
                write!(title, "\n{}", t!(lang, "throughline-diagram-probability", p.to_string()));
        }
        if let Some(r) = &l.rationale {
            let _ = write!(title, "\n{}", t!(lang, "throughline-diagram-why", r));
        }
        for a in &l.assumptions {
            let _ = write!(title, "\n{}", t!(lang, "throughline-diagram-assumes", &a.text));
        }
        for e in &l.evidence {
            let _ = write!(title, "\n{}", t!(lang, "throughline-diagram-evidence", &e.source));
        }
        let e = Edge {
            path: vec![],
            title,
            strength: l.evidence.iter().filter_map(|e| e.strength).max(),
            assumptions: l.assumptions.len(),
            feedback: l.feedback,
            delivers: false,
        };
        add_edge(&mut vs, a, b, e);
    }
    for &(i, v) in &initiative_vertices {
        for d in &model.initiatives[i].delivers {
            let Some(&n) = index.get(d.node.as_str()) else { continue };
            if vertex_of_node[n] == usize::MAX {
                continue;
            }
            let title = t!(
                lang,
                "throughline-diagram-delivers",
                model.initiatives[i].id.as_str(),
                d.node.as_str()
            );
            let e = Edge {
                path: vec![],
                title,
                strength: None,
                assumptions: 0,
                feedback: false,
                delivers: true,
            };
            add_edge(&mut vs, v, vertex_of_node[n], e);
        }
    }

    // Layers and ordering.
    let layer_count = Level::ALL.len() + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (i, v) in vs.iter().enumerate() {
        layers[v.layer].push(i);
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vs.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vs.len()];
    for e in &edges {
        for w in e.path.windows(2) {
            let (a, b) = if vs[w[0]].layer < vs[w[1]].layer { (w[0], w[1]) } else { (w[1], w[0]) };
            up[a].push(b);
            down[b].push(a);
        }
    }
    order_layers(&mut layers, &up, &down, vs.len());

    // Coordinates: y by layer (top = highest level), x packed then pulled to neighbours.
    let used: Vec<usize> = (0..layer_count).filter(|&l| !layers[l].is_empty()).collect();
    let mut y = 20.0;
    for &l in used.iter().rev() {
        let h = layers[l].iter().map(|&v| vs[v].height).fold(0.0, f64::max);
        for &v in &layers[l] {
            vs[v].y = y + h / 2.0;
        }
        y += h + LAYER_GAP;
    }
    // An empty scope (a model with nothing in it yet) still gets a drawable, positive size.
    let height = (y - LAYER_GAP + 20.0).max(40.0);
    // Pack each layer, centred on the widest one, so narrow layers start in the middle.
    let widths: Vec<f64> =
        layers.iter().map(|l| l.iter().map(|&v| vs[v].width + NODE_GAP).sum::<f64>()).collect();
    let widest = widths.iter().copied().fold(0.0, f64::max);
    for (layer, w) in layers.iter().zip(&widths) {
        let mut x = 20.0 + (widest - w) / 2.0;
        for &v in layer {
            vs[v].x = x + vs[v].width / 2.0;
            x += vs[v].width + NODE_GAP;
        }
    }
    let min_x = vs.iter().map(|v| v.x - v.width / 2.0).fold(f64::INFINITY, f64::min);
    for v in &mut vs {
        v.x += 20.0 - min_x;
    }
    let width = vs.iter().map(|v| v.x + v.width / 2.0).fold(0.0, f64::max) + 20.0;

    (render(lang, model, &vs, &edges, width, height, label, lights), width)
}

fn vertex(kind: Kind, layer: usize, label: &str, href: Option<String>) -> Vertex {
    let lines = wrap(label);
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    Vertex {
        kind,
        layer,
        width: chars as f64 * CHAR_W + 2.0 * PAD,
        height: lines.len() as f64 * LINE_H + 2.0 * PAD,
        lines,
        x: 0.0,
        y: 0.0,
        href,
    }
}

fn crossings(layers: &[Vec<usize>], up: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for layer in layers {
        let mut segs: Vec<(f64, f64)> = Vec::new();
        for &v in layer {
            for &w in &up[v] {
                segs.push((pos[v], pos[w]));
            }
        }
        for i in 0..segs.len() {
            for j in i + 1..segs.len() {
                let (a, b) = (segs[i], segs[j]);
                if (a.0 - b.0) * (a.1 - b.1) < 0.0 {
                    total += 1;
                }
            }
        }
    }
    total
}

fn positions(layers: &[Vec<usize>], n: usize) -> Vec<f64> {
    let mut pos = vec![0.0; n];
    for layer in layers {
        for (k, &v) in layer.iter().enumerate() {
            pos[v] = k as f64;
        }
    }
    pos
}

/// Barycenter sweeps; keeps the order with the fewest crossings.
fn order_layers(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], n: usize) {
    let mut best = layers.to_vec();
    let mut best_c = crossings(layers, up, &positions(layers, n));
    for sweep in 0..8 {
        let mut pos = positions(layers, n);
        let ids: Vec<usize> = if sweep % 2 == 0 {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in ids {
            let neighbours = if sweep % 2 == 0 { down } else { up };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        pos[v]
                    } else {
                        ns.iter().map(|&w| pos[w]).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (k, &v) in layers[l].iter().enumerate() {
                pos[v] = k as f64;
            }
        }
        let c = crossings(layers, up, &pos);
        if c < best_c {
            best_c = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

#[allow(clippy::too_many_arguments)]
fn render(
    lang: Lang,
    model: &Model,
    vs: &[Vertex],
    edges: &[Edge],
    width: f64,
    height: f64,
    label: Option<&str>,
    lights: &Lights,
) -> Markup {
    let (w, h) = (format!("{width:.0}"), format!("{height:.0}"));
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (w) " " (h) } width=(w) height=(h) role="img" aria-label=[label] font-family="system-ui, sans-serif" font-size="12" {
            "\n"
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    (leaf("path", &[("d", &"M0,0 L10,5 L0,10 z"), ("fill", &"#555")]))
                }
            }
            "\n"
            @for e in edges { (edge(vs, e)) }
            @for v in vs { (node(lang, model, v, lights)) }
        }
        "\n"
    }
}

/// An edge: a smooth curve through its points, styled by evidence, with its assumptions badge.
fn edge(vs: &[Vertex], e: &Edge) -> Markup {
    let pts: Vec<(f64, f64)> = e
        .path
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let vx = &vs[v];
            let last = k + 1 == e.path.len();
            let first = k == 0;
            let above = |o: usize| vs[o].y < vx.y;
            // Leave from the top or bottom edge of a box, arrive likewise.
            let dy = if matches!(vx.kind, Kind::Dummy) {
                0.0
            } else if first {
                let next = e.path[1];
                if above(next) { -vx.height / 2.0 } else { vx.height / 2.0 }
            } else if last {
                let prev = e.path[k - 1];
                if above(prev) { -vx.height / 2.0 } else { vx.height / 2.0 }
            } else {
                0.0
            };
            (vx.x, vx.y + dy)
        })
        .collect();
    let mut d = format!("M{:.1},{:.1}", pts[0].0, pts[0].1);
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let my = (a.1 + b.1) / 2.0;
        let _ = write!(d, " C{:.1},{my:.1} {:.1},{my:.1} {:.1},{:.1}", a.0, b.0, b.0, b.1);
    }
    let (stroke, widthpx, dash) = if e.delivers {
        ("#3366cc", 1.2, Some("2 3"))
    } else if e.feedback {
        ("#aa5500", 1.2, Some("6 3"))
    } else {
        match e.strength {
            None => ("#888888", 1.2, Some("5 4")),
            Some(Strength::Anecdotal | Strength::Weak) => ("#444444", 1.4, None),
            Some(Strength::Moderate) => ("#222222", 2.2, None),
            Some(Strength::Strong) => ("#000000", 3.2, None),
        }
    };
    let mut path: Vec<(&'static str, &dyn std::fmt::Display)> =
        vec![("d", &d), ("fill", &"none"), ("stroke", &stroke), ("stroke-width", &widthpx)];
    if let Some(dash) = &dash {
        path.push(("stroke-dasharray", dash));
    }
    path.push(("marker-end", &"url(#arrow)"));
    let badge = (e.assumptions > 0).then(|| {
        let mid = pts[pts.len() / 2];
        let prev = pts[(pts.len() / 2).saturating_sub(1)];
        if pts.len().is_multiple_of(2) {
            ((mid.0 + prev.0) / 2.0, (mid.1 + prev.1) / 2.0)
        } else {
            mid
        }
    });
    html! {
        g class="edge" {
            title { (e.title) }
            (leaf("path", &path))
            "\n"
            @if let Some((bx, by)) = badge {
                (leaf("circle", &[
                    ("cx", &f1(bx)),
                    ("cy", &f1(by)),
                    ("r", &7),
                    ("fill", &"#fff8e1"),
                    ("stroke", &"#b08800"),
                ]))
                text x=(f1(bx)) y=(f1(by + 3.0)) text-anchor="middle" font-size="9" fill="#5c4700" { (e.assumptions) }
                "\n"
            }
        }
        "\n"
    }
}

/// A box with its wrapped label, linked to its page when it has one.
fn node(lang: Lang, model: &Model, v: &Vertex, lights: &Lights) -> Markup {
    let light = match v.kind {
        Kind::Node(i) => lights.get(model.nodes[i].id.as_str()),
        _ => None,
    };
    let (fill, stroke, rx, title) = match v.kind {
        Kind::Dummy => return html! {},
        Kind::Node(i) => {
            let n = &model.nodes[i];
            let fill = match (n.kind, n.level) {
                (NodeKind::Goal, _) => "#fff4d6",
                (_, l) if l.is_outcome() => "#e8f5e9",
                (_, Level::Output) => "#e3f2fd",
                _ => "#f5f5f5",
            };
            let level = page::level(lang, n.level);
            let title = match n.unit.as_deref() {
                Some(u) => t!(lang, "throughline-diagram-node-unit", &n.name, level, u),
                None => t!(lang, "throughline-diagram-node", &n.name, level),
            };
            (fill, "#555555", if n.kind == NodeKind::Goal { 18.0 } else { 6.0 }, title)
        }
        Kind::Initiative(i) => {
            let ini = &model.initiatives[i];
            (
                "#eef4ff",
                "#3366cc",
                0.0,
                t!(
                    lang,
                    "throughline-diagram-initiative",
                    &ini.name,
                    ini.id.as_str(),
                    ini.team.as_str()
                ),
            )
        }
    };
    let (x, y) = (v.x - v.width / 2.0, v.y - v.height / 2.0);
    let inner = html! {
        title { (title) }
        (leaf("rect", &[
            ("x", &f1(x)),
            ("y", &f1(y)),
            ("width", &f1(v.width)),
            ("height", &f1(v.height)),
            ("rx", &rx),
            ("fill", &fill),
            ("stroke", &stroke),
        ]))
        @for (k, line) in v.lines.iter().enumerate() {
            text x=(f1(v.x)) y=(f1(y + PAD + LINE_H * (k as f64 + 0.75))) text-anchor="middle" fill="#111" { (line) }
        }
        @if let Some((l, why)) = light {
            circle class="light" cx=(f1(x + v.width - 5.0)) cy=(f1(y + 5.0)) r="4.5" fill=(l.colour()) stroke="#fff" {
                title { (l.word(lang)) ": " (why) }
            }
        }
    };
    html! {
        g class="node" {
            @match &v.href {
                Some(h) => a href=(h) { (inner) },
                None => (inner),
            }
        }
        "\n"
    }
}

/// Geometry for tests: every drawn box, as (x, y, width, height).
pub fn boxes(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!(" {name}=\"");
        tag.find(&key)
            .and_then(|i| tag[i + key.len()..].split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    svg.split("<rect")
        .skip(1)
        .map(|t| {
            let tag = t.split('>').next().unwrap_or("");
            (attr(tag, "x"), attr(tag, "y"), attr(tag, "width"), attr(tag, "height"))
        })
        .collect()
}

#[cfg(test)]
mod empty_tests {
    use super::*;

    #[test]
    fn an_empty_model_draws_a_positive_size() {
        let svg = svg(&Model::default(), &Scope::default(), &|_, _| None);
        assert!(svg.contains("viewBox=\"0 0 20 40\""), "{svg}");
    }
}

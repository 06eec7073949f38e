//! The model's chains as Mermaid and Graphviz DOT, for people who want to edit the picture
//! elsewhere. Levels read bottom to top; initiatives hang below what they deliver.

use std::fmt::Write;

use model::{Level, Model, NodeKind, Strength};

/// Which part of the model to draw.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only this program's nodes and initiatives, plus the goals they link to.
    pub program: Option<String>,
}

struct Selection {
    nodes: Vec<usize>,
    links: Vec<usize>,
    initiatives: Vec<usize>,
}

fn select(model: &Model, scope: &Scope) -> Selection {
    let in_scope = |p: &Option<model::Id>| match &scope.program {
        None => true,
        Some(want) => p.as_ref().is_some_and(|p| p.as_str() == want),
    };
    let mut keep: Vec<bool> =
        model.nodes.iter().map(|n| in_scope(&n.program) && n.kind != NodeKind::Goal).collect();
    if scope.program.is_none() {
        keep.iter_mut().zip(&model.nodes).for_each(|(k, n)| *k |= n.kind == NodeKind::Goal);
    }
    let index: std::collections::HashMap<&str, usize> =
        model.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut links = Vec::new();
    for (li, l) in model.links.iter().enumerate() {
        let (Some(&a), Some(&b)) = (index.get(l.from.as_str()), index.get(l.to.as_str())) else {
            continue;
        };
        if keep[a] || keep[b] {
            links.push(li);
        }
    }
    // Goals and outside nodes that in-scope links touch are drawn too.
    for &li in &links {
        for id in [&model.links[li].from, &model.links[li].to] {
            if let Some(&i) = index.get(id.as_str()) {
                keep[i] = true;
            }
        }
    }
    let initiatives = model
        .initiatives
        .iter()
        .enumerate()
        .filter(|(_, i)| in_scope(&i.program))
        .map(|(k, _)| k)
        .collect();
    Selection { nodes: (0..model.nodes.len()).filter(|&i| keep[i]).collect(), links, initiatives }
}

fn level_title(l: Level) -> &'static str {
    match l {
        Level::Input => "Inputs",
        Level::Activity => "Activities",
        Level::Output => "Outputs",
        Level::OutcomeShort => "Short-term outcomes",
        Level::OutcomeIntermediate => "Intermediate outcomes",
        Level::OutcomeLong => "Long-term outcomes",
        Level::Impact => "Impact and goals",
    }
}

fn edge_label(l: &model::Link) -> String {
    let mut parts = Vec::new();
    if let Some(e) = l.effect {
        parts.push(format!("×{e}"));
    }
    if let Some(p) = l.probability {
        parts.push(format!("p {p}"));
    }
    parts.join(", ")
}

fn strongest(l: &model::Link) -> Option<Strength> {
    l.evidence.iter().filter_map(|e| e.strength).max()
}

/// Escapes text for a Mermaid quoted label.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

/// A node id Mermaid can parse: its keywords get a suffix.
fn mermaid_id(id: &str) -> String {
    const RESERVED: &[&str] = &[
        "end",
        "subgraph",
        "graph",
        "flowchart",
        "style",
        "class",
        "classDef",
        "click",
        "linkStyle",
        "direction",
    ];
    if RESERVED.contains(&id) { format!("{id}_") } else { id.to_string() }
}

/// Mermaid `flowchart` text.
pub fn mermaid(model: &Model, scope: &Scope) -> String {
    let sel = select(model, scope);
    let mut s = String::from("flowchart BT\n");
    for level in Level::ALL {
        let members: Vec<usize> =
            sel.nodes.iter().copied().filter(|&i| model.nodes[i].level == level).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  subgraph level_{}[\"{}\"]", level.word(), level_title(level));
        for i in members {
            let n = &model.nodes[i];
            let (open, close) = if n.kind == NodeKind::Goal { ("([", "])") } else { ("[", "]") };
            let _ = writeln!(
                s,
                "    {}{open}\"{}\"{close}",
                mermaid_id(n.id.as_str()),
                mermaid_text(&n.name)
            );
        }
        s.push_str("  end\n");
    }
    for &i in &sel.initiatives {
        let ini = &model.initiatives[i];
        let _ = writeln!(
            s,
            "  {}[[\"{}\"]]:::initiative",
            mermaid_id(ini.id.as_str()),
            mermaid_text(&ini.name)
        );
    }
    let mut weak = Vec::new();
    for (k, &li) in sel.links.iter().enumerate() {
        let l = &model.links[li];
        let arrow = if l.feedback { "-.->" } else { "-->" };
        let label = edge_label(l);
        let (from, to) = (mermaid_id(l.from.as_str()), mermaid_id(l.to.as_str()));
        if label.is_empty() {
            let _ = writeln!(s, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(s, "  {from} {arrow}|\"{}\"| {to}", mermaid_text(&label));
        }
        if strongest(l).is_none() {
            weak.push(k);
        }
    }
    for &i in &sel.initiatives {
        let ini = &model.initiatives[i];
        for d in &ini.delivers {
            if sel.nodes.iter().any(|&n| model.nodes[n].id == d.node) {
                let _ = writeln!(
                    s,
                    "  {} -.->|delivers| {}",
                    mermaid_id(ini.id.as_str()),
                    mermaid_id(d.node.as_str())
                );
            }
        }
    }
    s.push_str("  classDef initiative fill:#eef4ff,stroke:#3366cc\n");
    if !weak.is_empty() {
        let ids: Vec<String> = weak.iter().map(|k| k.to_string()).collect();
        let _ = writeln!(s, "  %% links without evidence are drawn dashed grey");
        let _ = writeln!(s, "  linkStyle {} stroke:#999,stroke-dasharray:4 3", ids.join(","));
    }
    s
}

/// Escapes text for a DOT quoted string.
fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT text.
pub fn dot(model: &Model, scope: &Scope) -> String {
    let sel = select(model, scope);
    let mut s = String::from(
        "digraph model {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for level in Level::ALL {
        let members: Vec<usize> =
            sel.nodes.iter().copied().filter(|&i| model.nodes[i].level == level).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {{ rank=same; // {}", level_title(level));
        for i in members {
            let n = &model.nodes[i];
            let fill = if n.kind == NodeKind::Goal {
                ", shape=ellipse, fillcolor=\"#fff4d6\""
            } else {
                ""
            };
            let _ = writeln!(s, "    \"{}\" [label=\"{}\"{fill}];", n.id, dot_text(&n.name));
        }
        s.push_str("  }\n");
    }
    for &i in &sel.initiatives {
        let ini = &model.initiatives[i];
        let _ = writeln!(
            s,
            "  \"{}\" [label=\"{}\", shape=component, fillcolor=\"#eef4ff\"];",
            ini.id,
            dot_text(&ini.name)
        );
    }
    for &li in &sel.links {
        let l = &model.links[li];
        let mut attrs = vec![format!("label=\"{}\"", dot_text(&edge_label(l)))];
        match strongest(l) {
            None => attrs.push("style=dashed, color=\"#999999\"".into()),
            Some(Strength::Strong) => attrs.push("penwidth=2.5".into()),
            Some(Strength::Moderate) => attrs.push("penwidth=1.5".into()),
            Some(_) => {}
        }
        if l.feedback {
            attrs.push("constraint=false, style=dotted".into());
        }
        let _ = writeln!(s, "  \"{}\" -> \"{}\" [{}];", l.from, l.to, attrs.join(", "));
    }
    for &i in &sel.initiatives {
        let ini = &model.initiatives[i];
        for d in &ini.delivers {
            if sel.nodes.iter().any(|&n| model.nodes[n].id == d.node) {
                let _ = writeln!(
                    s,
                    "  \"{}\" -> \"{}\" [style=dotted, arrowhead=empty];",
                    ini.id, d.node
                );
            }
        }
    }
    s.push_str("}\n");
    s
}

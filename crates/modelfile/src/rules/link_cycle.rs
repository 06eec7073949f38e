//! `link-cycle` (TL105): links that form a loop.

use std::collections::{HashMap, VecDeque};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleCx};

/// The rule's descriptor.
pub static RULE: Rule = Rule {
    code: "TL105",
    name: "link-cycle",
    framework: None,
    severity: Severity::Error,
    summary: "Links form a loop (a leads to b leads to a) and no link in it is marked `feedback: true`.",
    why: "Effects multiply along chains; around a loop they would compound without end, so a loop cannot be quantified. Feedback is real, but it must be marked so it is drawn and not silently computed.",
    fix: "Remove the link that closes the loop, or mark it `feedback: true` (a feedback link may not carry an effect).",
    example: "links:\n  - { from: a, to: b }\n  - { from: b, to: a }\n",
};

pub(crate) fn check(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for scc in cx.graph.link_cycles() {
        let path = simple_cycle(cx, &scc);
        let first = path[0];
        let mut names: Vec<String> =
            path.iter().map(|&li| format!("`{}`", cx.model.links[li].from)).collect();
        names.push(format!("`{}`", cx.model.links[first].from));
        let mut d = Diagnostic::new(
            &RULE,
            cx.map.links[first].item,
            format!("these links form a loop: {}", names.join(" → ")),
        )
        .help("remove the link that closes the loop, or mark it `feedback: true`");
        for &li in &path[1..] {
            d = d.related(cx.map.links[li].item, "part of the loop");
        }
        out.push(d);
    }
}

/// One concrete loop through the component: the first link, then a shortest way back.
fn simple_cycle(cx: &RuleCx<'_>, scc: &[usize]) -> Vec<usize> {
    let first = scc[0];
    let Some((start, next)) = cx.graph.ends(first) else { return vec![first] };
    let mut out_by_node: HashMap<usize, Vec<usize>> = HashMap::new();
    for &li in scc {
        if let Some((a, _)) = cx.graph.ends(li) {
            out_by_node.entry(a).or_default().push(li);
        }
    }
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([next]);
    let mut seen = vec![next];
    while let Some(n) = queue.pop_front() {
        if n == start {
            break;
        }
        for &li in out_by_node.get(&n).map_or(&[][..], |v| v) {
            let Some((_, b)) = cx.graph.ends(li) else { continue };
            if !seen.contains(&b) {
                seen.push(b);
                parent.insert(b, li);
                queue.push_back(b);
            }
        }
    }
    let mut back = Vec::new();
    let mut n = start;
    while n != next {
        let Some(&li) = parent.get(&n) else { break };
        back.push(li);
        n = cx.graph.ends(li).map_or(next, |(a, _)| a);
    }
    back.reverse();
    let mut path = vec![first];
    path.extend(back);
    path
}

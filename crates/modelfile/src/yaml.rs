//! A YAML tree that keeps the position of every key and value.
//!
//! Built from `saphyr-parser` events, so that every later check can point at the exact key or
//! value it is about. Plain scalars are typed with the YAML 1.2 core schema; quoted scalars are
//! always strings. Aliases are expanded. Duplicate keys are reported here, because a map built
//! by a general-purpose loader would silently keep only one of them.
//!
//! Reading is bounded, as hardened YAML loaders bound it (go-yaml caps alias-driven decodes,
//! SnakeYAML the aliases per collection, serde_yaml the recursion depth): aliases may copy at
//! most [`MAX_ALIAS_NODES`] nodes and [`MAX_ALIAS_BYTES`] of text into one file, and values
//! nest at most [`MAX_DEPTH`] deep.
//! Without the first, a 1 KB "billion laughs" file expands to gigabytes; without the second, a
//! line of `[` overflows the stack of the recursive builder.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan};

use crate::diagnostic::Diagnostic;
use crate::rules::{self, Rule};
use crate::source::{FileId, Pos, Span};

/// Most nodes that aliases may copy into one file. Real models use aliases for a few shared
/// records (hundreds of nodes); 100,000 copied nodes are about 10 MB of tree.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Most bytes of text that aliases may copy into one file: as much as a whole file may hold
/// ([`crate::MAX_FILE_BYTES`]). Counting nodes alone would let one anchored megabyte string,
/// aliased a hundred thousand times, take 100 GB.
pub const MAX_ALIAS_BYTES: usize = crate::MAX_FILE_BYTES;

/// Deepest nesting of lists and mappings, counting what aliases bring in. A model file nests
/// about six levels; the builder recurses once per level.
pub const MAX_DEPTH: usize = 64;

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it is written.
    pub span: Span,
}

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string (quoted, or plain and not another type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The word used in "expected X, found Y".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Converts character-based markers to positions with byte offsets.
struct Positions<'a> {
    file: FileId,
    text: &'a str,
    ascii: bool,
    /// Byte offset of each character, built only for non-ASCII text.
    char_bytes: Vec<u32>,
}

impl<'a> Positions<'a> {
    fn new(file: FileId, text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let char_bytes = if ascii {
            Vec::new()
        } else {
            text.char_indices().map(|(b, _)| b as u32).chain([text.len() as u32]).collect()
        };
        Positions { file, text, ascii, char_bytes }
    }

    fn pos(&self, m: &Marker) -> Pos {
        let offset = if self.ascii {
            m.index().min(self.text.len()) as u32
        } else {
            self.char_bytes.get(m.index()).copied().unwrap_or(self.text.len() as u32)
        };
        Pos { line: m.line() as u32, column: m.col() as u32 + 1, offset }
    }

    fn span(&self, s: &YSpan) -> Span {
        Span { file: self.file, start: self.pos(&s.start), end: self.pos(&s.end) }
    }
}

/// Parses one file. Returns the document's root (None for an empty file or a syntax error)
/// and reports syntax errors and duplicate keys into `out`.
pub fn parse(file: FileId, text: &str, out: &mut Vec<Diagnostic>) -> Option<Node> {
    parse_counting(file, text, out).0
}

/// [`parse`], also returning how many nodes aliases copied (the budget [`MAX_ALIAS_NODES`]
/// bounds), so tests can show that memory stays bounded.
pub fn parse_counting(
    file: FileId,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> (Option<Node>, usize) {
    let positions = Positions::new(file, text);
    let mut builder =
        Builder { positions: &positions, anchors: HashMap::new(), copied: 0, copied_bytes: 0, out };
    let mut parser = Parser::new_from_str(text);
    let root = match builder.document(&mut parser) {
        Ok(root) => root,
        Err(stop) => {
            builder.out.push(Diagnostic::new(stop.rule, stop.span, stop.message).help(stop.help));
            None
        }
    };
    (root, builder.copied)
}

/// Why building stopped: a syntax error or a limit, with its position and fix.
struct Stop {
    rule: &'static Rule,
    span: Span,
    message: String,
    help: String,
}

impl Stop {
    fn syntax(span: Span, message: impl std::fmt::Display) -> Self {
        Stop {
            rule: &rules::yaml_syntax::RULE,
            span,
            message: format!("invalid YAML: {message}"),
            help: "fix the YAML syntax here; a common cause is indentation or an unquoted ': '"
                .into(),
        }
    }
}

type BuildResult<T> = Result<T, Stop>;

/// An anchored value with its size and height, so an alias can be priced before it is copied.
struct Anchored {
    node: Node,
    nodes: usize,
    bytes: usize,
    height: usize,
}

struct Builder<'p, 'o> {
    positions: &'p Positions<'p>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes copied by aliases so far.
    copied: usize,
    /// Bytes of text copied by aliases so far.
    copied_bytes: usize,
    out: &'o mut Vec<Diagnostic>,
}

impl Builder<'_, '_> {
    fn next<'i>(
        &self,
        p: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
    ) -> BuildResult<(Event<'i>, Span)> {
        match p.next_event() {
            Some(Ok((ev, span))) => Ok((ev, self.positions.span(&span))),
            Some(Err(e)) => {
                let pos = self.positions.pos(e.marker());
                Err(Stop::syntax(
                    Span { file: self.positions.file, start: pos, end: pos },
                    e.info(),
                ))
            }
            None => {
                let end =
                    self.positions.pos(&Marker::new(self.positions.text.chars().count(), 0, 0));
                Err(Stop::syntax(
                    Span { file: self.positions.file, start: end, end },
                    "unexpected end of input",
                ))
            }
        }
    }

    fn document<'i>(
        &mut self,
        p: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
    ) -> BuildResult<Option<Node>> {
        let mut root = None;
        loop {
            let (ev, span) = self.next(p)?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        return Err(Stop::syntax(
                            span,
                            "a model file holds one YAML document; remove this '---' and split the file instead",
                        ));
                    }
                    let (ev, span) = self.next(p)?;
                    root = Some(self.node(p, ev, span, 0)?);
                }
                other => root = Some(self.node(p, other, span, 0)?),
            }
        }
    }

    fn node<'i>(
        &mut self,
        p: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
        ev: Event<'i>,
        span: Span,
        depth: usize,
    ) -> BuildResult<Node> {
        if depth > MAX_DEPTH && matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..)) {
            return Err(Stop {
                rule: &rules::yaml_limit::RULE,
                span,
                message: format!("lists and mappings nest more than {MAX_DEPTH} levels deep here"),
                help: "a model file needs about six levels; close the brackets or remove the extra nesting".into(),
            });
        }
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let value = scalar(&text, style);
                let node = Node { value, span };
                self.remember(anchor, &node);
                Ok(node)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                let end;
                loop {
                    let (ev, s) = self.next(p)?;
                    if let Event::SequenceEnd = ev {
                        end = s;
                        break;
                    }
                    items.push(self.node(p, ev, s, depth + 1)?);
                }
                let node = Node { value: Value::Seq(items), span: join(span, end) };
                self.remember(anchor, &node);
                Ok(node)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries: Vec<(Node, Node)> = Vec::new();
                // Model mappings are small: a linear scan finds duplicates without a hash map
                // per mapping; large ones (ids as keys) switch to a set.
                let mut index: Option<HashMap<String, usize>> = None;
                let end;
                loop {
                    let (ev, s) = self.next(p)?;
                    if let Event::MappingEnd = ev {
                        end = s;
                        break;
                    }
                    let key = self.node(p, ev, s, depth + 1)?;
                    let (ev, s) = self.next(p)?;
                    let value = self.node(p, ev, s, depth + 1)?;
                    if let Value::Str(k) = &key.value {
                        let first = match &index {
                            Some(ix) => ix.get(k).map(|&i| entries[i].0.span),
                            None => entries
                                .iter()
                                .find(|(e, _)| matches!(&e.value, Value::Str(x) if x == k))
                                .map(|(e, _)| e.span),
                        };
                        if let Some(first) = first {
                            self.out.push(
                                Diagnostic::new(
                                    &rules::duplicate_key::RULE,
                                    key.span,
                                    format!("the key `{k}` appears twice in this mapping"),
                                )
                                .help(
                                    "remove one of them; YAML loaders silently keep only one value",
                                )
                                .related(first, "first written here"),
                            );
                            continue;
                        }
                        if let Some(ix) = &mut index {
                            ix.insert(k.clone(), entries.len());
                        } else if entries.len() >= 16 {
                            let mut ix: HashMap<String, usize> = entries
                                .iter()
                                .enumerate()
                                .filter_map(|(i, (e, _))| match &e.value {
                                    Value::Str(x) => Some((x.clone(), i)),
                                    _ => None,
                                })
                                .collect();
                            ix.insert(k.clone(), entries.len());
                            index = Some(ix);
                        }
                    }
                    entries.push((key, value));
                }
                let node = Node { value: Value::Map(entries), span: join(span, end) };
                self.remember(anchor, &node);
                Ok(node)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(Stop::syntax(span, "alias to an unknown anchor"));
                };
                if self.copied + a.nodes > MAX_ALIAS_NODES
                    || self.copied_bytes + a.bytes > MAX_ALIAS_BYTES
                {
                    return Err(Stop {
                        rule: &rules::yaml_limit::RULE,
                        span,
                        message: format!(
                            "aliases in this file expand to more than {MAX_ALIAS_NODES} values or {MAX_ALIAS_BYTES} bytes; this one would copy {} values ({} bytes) more",
                            a.nodes, a.bytes
                        ),
                        help: "write the repeated values out, or refer to them by id; aliases that nest aliases multiply".into(),
                    });
                }
                if depth + a.height > MAX_DEPTH {
                    return Err(Stop {
                        rule: &rules::yaml_limit::RULE,
                        span,
                        message: format!(
                            "this alias nests values more than {MAX_DEPTH} levels deep"
                        ),
                        help: "aliases that refer to anchors holding aliases nest deeper each time; write the value out".into(),
                    });
                }
                self.copied += a.nodes;
                self.copied_bytes += a.bytes;
                Ok(Node { value: a.node.value.clone(), span })
            }
            other => Err(Stop::syntax(span, format!("unexpected YAML event {other:?}"))),
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            let Size { nodes, bytes, height } = measure(node);
            self.anchors.insert(anchor, Anchored { node: node.clone(), nodes, bytes, height });
        }
    }
}

/// The size of a tree: nodes, bytes of text and height.
#[derive(Clone, Copy)]
struct Size {
    nodes: usize,
    bytes: usize,
    height: usize,
}

impl Size {
    fn add_child(self, child: Size) -> Size {
        Size {
            nodes: self.nodes + child.nodes,
            bytes: self.bytes + child.bytes,
            height: self.height.max(child.height + 1),
        }
    }
}

/// Measures a tree. Recursion is safe: trees are at most [`MAX_DEPTH`] (plus what one alias
/// may add, also checked) deep.
fn measure(node: &Node) -> Size {
    let leaf = |bytes| Size { nodes: 1, bytes, height: 0 };
    match &node.value {
        Value::Seq(items) => {
            items.iter().fold(Size { height: 1, ..leaf(0) }, |s, i| s.add_child(measure(i)))
        }
        Value::Map(entries) => entries.iter().fold(Size { height: 1, ..leaf(0) }, |s, (k, v)| {
            s.add_child(measure(k)).add_child(measure(v))
        }),
        Value::Str(text) => leaf(text.len()),
        _ => leaf(0),
    }
}

fn join(start: Span, end: Span) -> Span {
    Span { file: start.file, start: start.start, end: end.end.max(start.end) }
}

/// Types a scalar with the YAML 1.2 core schema.
fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let t = text;
    let int_like = {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if int_like && let Ok(i) = t.parse::<i64>() {
        return Value::Int(i);
    }
    if let Some(hex) = t.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if is_float(t)
        && let Ok(f) = t.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(t.to_owned())
}

/// The core schema's float pattern: `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - s;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        let mut out = Vec::new();
        let n = parse(FileId(0), text, &mut out).expect("parses");
        assert!(out.is_empty(), "{out:?}");
        n
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let n = parse_ok("[1, -2, 1.5e9, .5, 'x', \"3\", true, ~, 2024-10, 1e, abc]");
        let Value::Seq(items) = n.value else { panic!() };
        let vals: Vec<_> = items.into_iter().map(|n| n.value).collect();
        assert_eq!(
            vals,
            vec![
                Value::Int(1),
                Value::Int(-2),
                Value::Float(1.5e9),
                Value::Float(0.5),
                Value::Str("x".into()),
                Value::Str("3".into()),
                Value::Bool(true),
                Value::Null,
                Value::Str("2024-10".into()),
                Value::Str("1e".into()),
                Value::Str("abc".into()),
            ]
        );
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let n = parse_ok("a: 1\nbé:\n  c: xyz\n");
        let Value::Map(entries) = n.value else { panic!() };
        let (k, v) = &entries[1];
        assert_eq!((k.span.start.line, k.span.start.column), (2, 1));
        let Value::Map(inner) = &v.value else { panic!() };
        let (_, xyz) = &inner[0];
        assert_eq!((xyz.span.start.line, xyz.span.start.column), (3, 6));
        // Byte offsets account for the two-byte 'é'.
        assert_eq!(xyz.span.start.offset as usize, "a: 1\nbé:\n  c: ".len());
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let mut out = Vec::new();
        parse(FileId(0), "a: 1\nb: 2\na: 3\n", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule.code, "TL002");
        assert_eq!(out[0].span.unwrap().start.line, 3);
    }

    #[test]
    fn duplicate_keys_are_reported_in_large_mappings_too() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk39: again\n");
        let mut out = Vec::new();
        let root = parse(FileId(0), &text, &mut out).expect("parses");
        let lines: Vec<u32> = out.iter().map(|d| d.span.unwrap().start.line).collect();
        assert_eq!(lines, vec![41, 42]);
        let Value::Map(entries) = root.value else { panic!() };
        assert_eq!(entries.len(), 40, "the first value is kept");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let mut out = Vec::new();
        assert!(parse(FileId(0), "a: [1, 2\nb: 3\n", &mut out).is_none());
        assert_eq!(out[0].rule.code, "TL001");
    }

    #[test]
    fn aliases_expand() {
        let n = parse_ok("a: &x [1]\nb: *x\n");
        let Value::Map(e) = n.value else { panic!() };
        assert!(
            matches!(&e[1].1.value, Value::Seq(v) if v.len() == 1 && v[0].value == Value::Int(1))
        );
    }
}

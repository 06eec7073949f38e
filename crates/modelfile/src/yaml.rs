//! A YAML tree that keeps the position of every key and value.
//!
//! Built from `saphyr-parser` events, so that every later check can point at the exact key or
//! value it is about. Plain scalars are typed with the YAML 1.2 core schema; quoted scalars are
//! always strings. Aliases are expanded. Duplicate keys are reported here, because a map built
//! by a general-purpose loader would silently keep only one of them.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan};

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{FileId, Pos, Span};

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
    let positions = Positions::new(file, text);
    let mut builder = Builder { positions: &positions, anchors: HashMap::new(), out };
    let mut parser = Parser::new_from_str(text);
    match builder.document(&mut parser) {
        Ok(root) => root,
        Err((span, message)) => {
            builder.out.push(
                Diagnostic::new(
                    &rules::yaml_syntax::RULE,
                    span,
                    format!("invalid YAML: {message}"),
                )
                .help(
                    "fix the YAML syntax here; a common cause is indentation or an unquoted ': '",
                ),
            );
            None
        }
    }
}

type BuildResult<T> = Result<T, (Span, String)>;

struct Builder<'p, 'o> {
    positions: &'p Positions<'p>,
    anchors: HashMap<usize, Node>,
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
                Err((Span { file: self.positions.file, start: pos, end: pos }, e.info().to_owned()))
            }
            None => {
                let end =
                    self.positions.pos(&Marker::new(self.positions.text.chars().count(), 0, 0));
                Err((
                    Span { file: self.positions.file, start: end, end },
                    "unexpected end of input".into(),
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
                        return Err((span, "a model file holds one YAML document; remove this '---' and split the file instead".into()));
                    }
                    let (ev, span) = self.next(p)?;
                    root = Some(self.node(p, ev, span)?);
                }
                other => root = Some(self.node(p, other, span)?),
            }
        }
    }

    fn node<'i>(
        &mut self,
        p: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
        ev: Event<'i>,
        span: Span,
    ) -> BuildResult<Node> {
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
                    items.push(self.node(p, ev, s)?);
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
                    let key = self.node(p, ev, s)?;
                    let (ev, s) = self.next(p)?;
                    let value = self.node(p, ev, s)?;
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
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(n) => Ok(Node { value: n.value.clone(), span }),
                None => Err((span, "alias to an unknown anchor".into())),
            },
            other => Err((span, format!("unexpected YAML event {other:?}"))),
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
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

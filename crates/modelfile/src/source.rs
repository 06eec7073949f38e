//! Source files and positions in them.

use std::path::PathBuf;

use serde::Serialize;

/// Index of a file in [`crate::SourceMap::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// One file of a model, as read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the model folder, with `/` separators: what diagnostics show.
    pub name: String,
    /// Where it was read from, if from disk.
    pub path: Option<PathBuf>,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// A file that did not come from disk (tests, templates, the web editor).
    pub fn in_memory(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile { name: name.into(), path: None, text: text.into() }
    }
}

/// A position: 1-based line and column (columns count characters), and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
    /// Byte offset in the file.
    pub offset: u32,
}

/// A range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// First character.
    pub start: Pos,
    /// One past the last character.
    pub end: Pos,
}

impl Span {
    /// An empty span at the start of a file, for problems with a whole file.
    pub fn file_start(file: FileId) -> Span {
        let p = Pos { line: 1, column: 1, offset: 0 };
        Span { file, start: p, end: p }
    }
}

//! Where files are used: the link tables' public SQL dumps (`docs/communities.md`, "Impact
//! figures"). Three tables are read, each from the MySQL dump the dumps site publishes
//! (`WIKI-YYYYMMDD-TABLE.sql.gz`: a `CREATE TABLE` statement, then `INSERT INTO … VALUES
//! (…),(…);` lines):
//!
//! - `imagelinks` of a wiki: which page (`il_from`, in namespace `il_from_namespace`) shows which
//!   file. Its file is `il_to` (the file's title without `File:`) in the layout the dumps
//!   publish through MediaWiki 1.45; MediaWiki 1.46 replaces it with `il_target_id`, a row of
//!   the wiki's `linktarget` table (`lt_id`, `lt_namespace`, `lt_title`), so a dump in that
//!   layout needs the same wiki's `linktarget` dump beside it.
//! - `globalimagelinks` (GlobalUsage, on Commons): which page of which wiki (`gil_wiki`,
//!   `gil_page_namespace_id`) shows which Commons file (`gil_to`).
//!
//! The column order is read from the dump's own `CREATE TABLE`, never assumed, so either layout
//! (and a column added later) is read by name. A row that does not fit is refused with its line
//! and column.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::dump::DumpError;

/// The wiki whose files Commons' `globalimagelinks` describes.
pub const COMMONS: &str = "commonswiki";

/// One use of a file by a page: the file belongs to `wiki` (the wiki of the `imagelinks` dump,
/// or Commons for `globalimagelinks`), is named `file` (title without the namespace, with
/// underscores) and is shown by a page in namespace `namespace` (0: an article).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileUse {
    /// The wiki the file belongs to.
    pub wiki: String,
    /// The file's title, without `File:`, underscores for spaces.
    pub file: String,
    /// The namespace of the page that shows it.
    pub namespace: i64,
}

/// Which link table a dump holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkTable {
    /// `imagelinks` (either layout).
    ImageLinks,
    /// `globalimagelinks` (Commons).
    GlobalImageLinks,
    /// `linktarget` (ids of `il_target_id`).
    LinkTarget,
}

impl LinkTable {
    fn of(name: &str) -> Option<LinkTable> {
        match name {
            "imagelinks" => Some(LinkTable::ImageLinks),
            "globalimagelinks" => Some(LinkTable::GlobalImageLinks),
            "linktarget" => Some(LinkTable::LinkTarget),
            _ => None,
        }
    }
}

/// One link dump, read: its table, and the rows the figures need.
#[derive(Clone, Debug, Default)]
pub struct LinkDump {
    /// Uses whose file is named (`imagelinks` with `il_to`, `globalimagelinks`), with the
    /// wiki left empty for `imagelinks` (the caller knows it from the file name).
    pub uses: Vec<FileUse>,
    /// `imagelinks` rows of the 1.46 layout: `(il_target_id, il_from_namespace)`.
    pub targeted: Vec<(i64, i64)>,
    /// `linktarget` rows: `lt_id → (lt_namespace, lt_title)`.
    pub targets: BTreeMap<i64, (i64, String)>,
    /// The table, once its `CREATE TABLE` was read.
    pub table: Option<LinkTable>,
}

/// A value of an `INSERT` row.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Number(String),
    Text(String),
}

impl Value {
    fn int(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// The wiki a link dump belongs to, from its published name `WIKI-YYYYMMDD-TABLE.sql[.gz]`
/// (`frwiki-20261101-imagelinks.sql.gz`, `commonswiki-latest-globalimagelinks.sql.gz`).
pub fn wiki_of_link_dump(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let (wiki, rest) = name.split_once('-')?;
    let (_date, table) = rest.split_once('-')?;
    let table = table.strip_suffix(".gz").unwrap_or(table);
    let table = table.strip_suffix(".sql")?;
    (LinkTable::of(table).is_some() && !wiki.is_empty()).then(|| wiki.to_string())
}

/// Opens a file, plain or gzip (recognised by its first bytes), as lines.
pub fn open_text(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut raw = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let gz = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 20, flate2::bufread::MultiGzDecoder::new(raw)))
    } else {
        Box::new(raw)
    })
}

/// Reads a link dump file (plain or gzip).
pub fn read_link_dump(path: &Path) -> Result<LinkDump, DumpError> {
    read_links(open_text(path)?)
}

/// Reads a link dump from its text.
pub fn read_links(reader: impl BufRead) -> Result<LinkDump, DumpError> {
    let mut out = LinkDump::default();
    let mut columns: Vec<String> = Vec::new();
    let mut in_create = false;
    let mut line_no = 0usize;
    for line in split_lines(reader) {
        let line = line?;
        line_no += 1;
        let trimmed = line.trim_start();
        if in_create {
            if let Some(rest) = trimmed.strip_prefix('`') {
                if let Some((name, _)) = rest.split_once('`') {
                    columns.push(name.to_string());
                }
            } else if trimmed.starts_with(')') {
                in_create = false;
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("CREATE TABLE ") {
            let name = rest.trim_start_matches("IF NOT EXISTS ").trim().trim_start_matches('`');
            let name = name.split(['`', ' ', '(']).next().unwrap_or_default();
            out.table = LinkTable::of(name);
            if out.table.is_none() {
                return Err(DumpError::At {
                    line: line_no,
                    column: 1,
                    why: format!(
                        "table `{name}`; expected an imagelinks, globalimagelinks or linktarget dump"
                    ),
                });
            }
            columns.clear();
            in_create = true;
            continue;
        }
        if !trimmed.starts_with("INSERT INTO ") {
            continue;
        }
        let Some(table) = out.table else {
            return Err(DumpError::At {
                line: line_no,
                column: 1,
                why: "an INSERT before any CREATE TABLE: the column order is unknown (is the \
                      file cut at the start?)"
                    .into(),
            });
        };
        let positions = Positions::new(table, &columns).map_err(|why| DumpError::At {
            line: line_no,
            column: 1,
            why,
        })?;
        insert_rows(&line, line_no, columns.len(), |row, column| {
            positions.take(row, &mut out).map_err(|why| DumpError::At {
                line: line_no,
                column,
                why,
            })
        })?;
    }
    if in_create {
        return Err(DumpError::At {
            line: line_no,
            column: 1,
            why: "the file ends inside CREATE TABLE (cut short?)".into(),
        });
    }
    Ok(out)
}

/// Lines as raw bytes made text: titles are UTF-8, but a stray byte must not stop a 20 GB read.
fn split_lines(mut reader: impl BufRead) -> impl Iterator<Item = std::io::Result<String>> {
    let mut buf = Vec::new();
    std::iter::from_fn(move || {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                Some(Ok(String::from_utf8_lossy(&buf).into_owned()))
            }
            Err(e) => Some(Err(e)),
        }
    })
}

/// Where the columns the figures need sit in this dump's rows.
enum Positions {
    /// `il_to` layout: (file, namespace).
    ImageLinksTo(usize, usize),
    /// `il_target_id` layout: (target, namespace).
    ImageLinksTarget(usize, usize),
    /// (wiki, file, namespace id).
    Global(usize, usize, usize),
    /// (id, namespace, title).
    Target(usize, usize, usize),
}

impl Positions {
    fn new(table: LinkTable, columns: &[String]) -> Result<Positions, String> {
        let at = |name: &str| {
            columns.iter().position(|c| c == name).ok_or_else(|| {
                format!("the CREATE TABLE has no column `{name}` (it has {})", columns.join(", "))
            })
        };
        Ok(match table {
            LinkTable::ImageLinks => {
                let ns = at("il_from_namespace")?;
                match (at("il_to"), at("il_target_id")) {
                    (Ok(to), _) => Positions::ImageLinksTo(to, ns),
                    (_, Ok(target)) => Positions::ImageLinksTarget(target, ns),
                    (Err(e), Err(_)) => {
                        return Err(format!("{e}; nor `il_target_id` (MediaWiki 1.46 layout)"));
                    }
                }
            }
            LinkTable::GlobalImageLinks => {
                Positions::Global(at("gil_wiki")?, at("gil_to")?, at("gil_page_namespace_id")?)
            }
            LinkTable::LinkTarget => {
                Positions::Target(at("lt_id")?, at("lt_namespace")?, at("lt_title")?)
            }
        })
    }

    fn take(&self, row: &[Value], out: &mut LinkDump) -> Result<(), String> {
        let int = |i: usize, name: &str| {
            row[i].int().ok_or_else(|| format!("`{name}` is {:?}, not a whole number", row[i]))
        };
        let text = |i: usize, name: &str| {
            row[i]
                .text()
                .map(str::to_string)
                .ok_or_else(|| format!("`{name}` is {:?}, not text", row[i]))
        };
        match *self {
            Positions::ImageLinksTo(to, ns) => out.uses.push(FileUse {
                wiki: String::new(),
                file: text(to, "il_to")?,
                namespace: int(ns, "il_from_namespace")?,
            }),
            Positions::ImageLinksTarget(target, ns) => {
                out.targeted.push((int(target, "il_target_id")?, int(ns, "il_from_namespace")?))
            }
            Positions::Global(wiki, to, ns) => {
                // The using wiki is not needed: a use anywhere counts. It must still be text.
                text(wiki, "gil_wiki")?;
                out.uses.push(FileUse {
                    wiki: COMMONS.into(),
                    file: text(to, "gil_to")?,
                    namespace: int(ns, "gil_page_namespace_id")?,
                });
            }
            Positions::Target(id, ns, title) => {
                out.targets.insert(
                    int(id, "lt_id")?,
                    (int(ns, "lt_namespace")?, text(title, "lt_title")?),
                );
            }
        }
        Ok(())
    }
}

/// Parses the tuples of one `INSERT INTO `t` VALUES (…),(…);` line, calling `row` with each
/// (and the 1-based column where it starts). Strings follow MySQL's escapes (`\'`, `\\`, `\n`,
/// `\0`, …, and a doubled quote).
fn insert_rows(
    line: &str,
    line_no: usize,
    width: usize,
    mut row: impl FnMut(&[Value], usize) -> Result<(), DumpError>,
) -> Result<(), DumpError> {
    let b = line.as_bytes();
    let bad = |i: usize, why: String| DumpError::At { line: line_no, column: i + 1, why };
    let Some(values) = line.find(" VALUES ") else {
        return Err(bad(0, "an INSERT without ` VALUES `".into()));
    };
    let mut i = values + " VALUES ".len();
    let mut fields: Vec<Value> = Vec::with_capacity(width);
    loop {
        if b.get(i) != Some(&b'(') {
            return Err(bad(i, "expected `(` to start a row".into()));
        }
        let start = i;
        i += 1;
        fields.clear();
        loop {
            let (value, next) = match b.get(i) {
                Some(b'\'') => {
                    let mut s: Vec<u8> = Vec::new();
                    let mut j = i + 1;
                    loop {
                        match b.get(j) {
                            None => {
                                return Err(bad(i, "a string not closed on its line".into()));
                            }
                            Some(b'\\') => {
                                let c = *b.get(j + 1).ok_or_else(|| {
                                    bad(j, "a backslash at the end of the line".into())
                                })?;
                                s.push(match c {
                                    b'0' => 0,
                                    b'n' => b'\n',
                                    b'r' => b'\r',
                                    b't' => b'\t',
                                    b'b' => 8,
                                    b'Z' => 26,
                                    other => other,
                                });
                                j += 2;
                            }
                            Some(b'\'') if b.get(j + 1) == Some(&b'\'') => {
                                s.push(b'\'');
                                j += 2;
                            }
                            Some(b'\'') => break,
                            Some(&c) => {
                                s.push(c);
                                j += 1;
                            }
                        }
                    }
                    (Value::Text(String::from_utf8_lossy(&s).into_owned()), j + 1)
                }
                Some(b'N') if b[i..].starts_with(b"NULL") => (Value::Null, i + 4),
                Some(c) if c.is_ascii_digit() || *c == b'-' => {
                    let len = b[i..]
                        .iter()
                        .take_while(|c| {
                            c.is_ascii_digit() || matches!(c, b'-' | b'.' | b'e' | b'E' | b'+')
                        })
                        .count();
                    (Value::Number(line[i..i + len].to_string()), i + len)
                }
                _ => return Err(bad(i, "expected a number, a 'string' or NULL".into())),
            };
            fields.push(value);
            i = next;
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b')') => {
                    i += 1;
                    break;
                }
                _ => return Err(bad(i, "expected `,` or `)` after a value".into())),
            }
        }
        if fields.len() != width {
            return Err(bad(
                start,
                format!("a row of {} values; the CREATE TABLE has {width} columns", fields.len()),
            ));
        }
        row(&fields, start + 1)?;
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b';') => return Ok(()),
            _ => return Err(bad(i, "expected `,` before the next row or `;` at the end".into())),
        }
    }
}

/// Every file use of a set of link dumps, `(path, dump)`: `imagelinks` rows get the wiki of
/// their file's name, and 1.46-layout rows are resolved through the same wiki's `linktarget`
/// (targets outside the File namespace, or missing from it, are not files and are left out).
/// An `imagelinks` dump in the 1.46 layout without its wiki's `linktarget` is an error.
pub fn file_uses(
    dumps: &[(std::path::PathBuf, LinkDump)],
) -> Result<Vec<FileUse>, (std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for (path, d) in dumps {
        let wiki = || {
            wiki_of_link_dump(path).ok_or_else(|| {
                (
                    path.clone(),
                    "the wiki is read from the name: expected `WIKI-YYYYMMDD-imagelinks.sql.gz`"
                        .to_string(),
                )
            })
        };
        match d.table {
            Some(LinkTable::GlobalImageLinks) => out.extend(d.uses.iter().cloned()),
            Some(LinkTable::ImageLinks) => {
                let w = wiki()?;
                out.extend(d.uses.iter().map(|u| FileUse { wiki: w.clone(), ..u.clone() }));
                if !d.targeted.is_empty() {
                    let targets = dumps
                        .iter()
                        .find(|(p, t)| {
                            t.table == Some(LinkTable::LinkTarget)
                                && wiki_of_link_dump(p).as_deref() == Some(w.as_str())
                        })
                        .map(|(_, t)| &t.targets)
                        .ok_or_else(|| {
                            (
                                path.clone(),
                                format!(
                                    "imagelinks in the MediaWiki 1.46 layout (il_target_id) needs \
                                     {w}'s linktarget dump (`{w}-DATE-linktarget.sql.gz`) beside it"
                                ),
                            )
                        })?;
                    for (target, namespace) in &d.targeted {
                        if let Some((6, title)) = targets.get(target) {
                            out.push(FileUse {
                                wiki: w.clone(),
                                file: title.clone(),
                                namespace: *namespace,
                            });
                        }
                    }
                }
            }
            Some(LinkTable::LinkTarget) | None => {}
        }
    }
    for u in &mut out {
        u.file = crate::pageviews::normalise_title(&u.file);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Reads every link dump and resolves the uses ([`file_uses`]); a bad file is named.
pub fn read_file_uses(
    paths: &[std::path::PathBuf],
) -> Result<Vec<FileUse>, crate::summary::FileError> {
    let mut dumps = Vec::new();
    for p in paths {
        let d = read_link_dump(p)
            .map_err(|source| crate::summary::FileError { path: p.clone(), source })?;
        dumps.push((p.clone(), d));
    }
    file_uses(&dumps).map_err(|(path, why)| crate::summary::FileError {
        path,
        source: DumpError::Invalid { why },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CLASSIC: &str = "-- MySQL dump\n\
        DROP TABLE IF EXISTS `imagelinks`;\n\
        CREATE TABLE `imagelinks` (\n\
        \x20 `il_from` int(8) unsigned NOT NULL DEFAULT 0,\n\
        \x20 `il_to` varbinary(255) NOT NULL DEFAULT '',\n\
        \x20 `il_from_namespace` int(11) NOT NULL DEFAULT 0,\n\
        \x20 PRIMARY KEY (`il_from`,`il_to`)\n\
        ) ENGINE=InnoDB DEFAULT CHARSET=binary;\n\
        INSERT INTO `imagelinks` VALUES (1,'A.jpg',0),(2,'It\\'s_b.png',2),(3,'C,(d).jpg',0);\n\
        INSERT INTO `imagelinks` VALUES (4,'E.jpg',0);\n";

    #[test]
    fn the_classic_imagelinks_layout_is_read_by_column_name() {
        let d = read_links(CLASSIC.as_bytes()).unwrap();
        assert_eq!(d.table, Some(LinkTable::ImageLinks));
        let files: Vec<(&str, i64)> =
            d.uses.iter().map(|u| (u.file.as_str(), u.namespace)).collect();
        assert_eq!(files, [("A.jpg", 0), ("It's_b.png", 2), ("C,(d).jpg", 0), ("E.jpg", 0)]);
    }

    #[test]
    fn the_1_46_layout_is_resolved_through_linktarget() {
        let il = "CREATE TABLE `imagelinks` (\n  `il_from` int,\n  `il_target_id` bigint,\n  `il_from_namespace` int\n);\n\
                  INSERT INTO `imagelinks` VALUES (1,10,0),(2,11,0),(3,12,4);\n";
        let lt = "CREATE TABLE `linktarget` (\n  `lt_id` bigint,\n  `lt_namespace` int,\n  `lt_title` varbinary(255)\n);\n\
                  INSERT INTO `linktarget` VALUES (10,6,'A.jpg'),(11,0,'Not_a_file'),(12,6,'B.jpg');\n";
        let dumps = vec![
            ("frwiki-20261101-imagelinks.sql.gz".into(), read_links(il.as_bytes()).unwrap()),
            ("frwiki-20261101-linktarget.sql.gz".into(), read_links(lt.as_bytes()).unwrap()),
        ];
        let uses = file_uses(&dumps).unwrap();
        let want = [("A.jpg", 0), ("B.jpg", 4)];
        let got: Vec<(&str, i64)> = uses.iter().map(|u| (u.file.as_str(), u.namespace)).collect();
        assert_eq!(got, want);
        assert!(uses.iter().all(|u| u.wiki == "frwiki"));
        let (_, err) = file_uses(&dumps[..1]).unwrap_err();
        assert!(err.contains("needs frwiki's linktarget dump"), "{err}");
    }

    #[test]
    fn globalimagelinks_uses_belong_to_commons() {
        let g = "CREATE TABLE `globalimagelinks` (\n  `gil_wiki` varchar(32),\n  `gil_page` int,\n  `gil_to` varchar(255),\n  `gil_page_namespace_id` int,\n  `gil_page_namespace` varchar(255),\n  `gil_page_title` varchar(255)\n);\n\
                 INSERT INTO `globalimagelinks` VALUES ('enwiki',5,'A.jpg',0,'','Foo'),('dewiki',6,'B.jpg',2,'Benutzer',NULL);\n";
        let d = read_links(g.as_bytes()).unwrap();
        let uses =
            file_uses(&[("commonswiki-20261101-globalimagelinks.sql.gz".into(), d)]).unwrap();
        assert_eq!(uses.len(), 2);
        assert!(uses.iter().all(|u| u.wiki == COMMONS));
    }

    #[test]
    fn a_malformed_row_is_refused_with_line_and_column() {
        let text = CLASSIC.replace("(4,'E.jpg',0)", "(4,'E.jpg')");
        let err = read_links(text.as_bytes()).unwrap_err().to_string();
        assert_eq!(err, "line 10, column 33: a row of 2 values; the CREATE TABLE has 3 columns");
        let text = CLASSIC.replace("(4,'E.jpg',0)", "(4,'E.jpg',x)");
        let err = read_links(text.as_bytes()).unwrap_err().to_string();
        assert_eq!(err, "line 10, column 44: expected a number, a 'string' or NULL");
        let text = CLASSIC.replace("(4,'E.jpg',0);", "(4,'E.jpg',0)");
        let err = read_links(text.as_bytes()).unwrap_err().to_string();
        assert!(err.starts_with("line 10, column 46: expected `,` before"), "{err}");
        let cut = CLASSIC.split("INSERT").next().unwrap().replace("CREATE", "-- CREATE");
        let err = read_links(format!("{cut}INSERT INTO `imagelinks` VALUES (1,'A',0);").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("before any CREATE TABLE"), "{err}");
    }

    #[test]
    fn the_wiki_is_read_from_the_published_name() {
        let w = |n: &str| wiki_of_link_dump(Path::new(n));
        assert_eq!(w("/d/frwiki-20261101-imagelinks.sql.gz").as_deref(), Some("frwiki"));
        assert_eq!(w("commonswiki-latest-globalimagelinks.sql").as_deref(), Some("commonswiki"));
        assert_eq!(w("frwiki-20261101-pagelinks.sql.gz"), None);
        assert_eq!(w("imagelinks.sql.gz"), None);
    }
}

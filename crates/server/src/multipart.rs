//! A reader for `multipart/form-data` bodies (RFC 7578), for the spreadsheet upload: the one
//! form that sends a file. Bodies are bounded by the server's body limit before they get here.

/// One part of a body: a form field or a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part {
    /// The field's name.
    pub name: String,
    /// The file's name, for a file.
    pub filename: Option<String>,
    /// The bytes.
    pub content: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A `name="value"` parameter of a header (quotes optional).
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The parts of a body whose `Content-Type` is `content_type`; an `Err` says what is wrong.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err("the upload must be sent as multipart/form-data".into());
    }
    let boundary = param(content_type, "boundary")
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or("the multipart body has no boundary")?;
    let first = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let start = find(body, first.as_bytes()).ok_or("the multipart body has no parts")?;
    let mut rest = &body[start + first.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart boundary is not followed by a line break")?;
        let end = find(rest, next.as_bytes()).ok_or("the multipart body ends inside a part")?;
        let part = &rest[..end];
        rest = &rest[end + next.len()..];
        let (head, content) = match find(part, b"\r\n\r\n") {
            Some(i) => (&part[..i], &part[i + 4..]),
            None => return Err("a part of the multipart body has no headers".into()),
        };
        let head = std::str::from_utf8(head).map_err(|_| "a part's headers are not UTF-8")?;
        let disposition = head
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
            .map(|(_, v)| v)
            .ok_or("a part has no Content-Disposition")?;
        let name = param(disposition, "name").ok_or("a part has no name")?;
        parts.push(Part {
            name,
            filename: param(disposition, "filename"),
            content: content.to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_files_are_read_as_a_browser_sends_them() {
        // As Chromium sends a form with a text field and a file (CRLF line ends).
        let body = b"------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"teams.csv\"\r\nContent-Type: text/csv\r\n\r\nid,name\r\nt,T\r\n\r\n------WebKitFormBoundaryX--\r\n";
        let parts = parse("multipart/form-data; boundary=----WebKitFormBoundaryX", body).unwrap();
        assert_eq!(
            parts,
            [
                Part { name: "csrf".into(), filename: None, content: b"abc".to_vec() },
                Part {
                    name: "file".into(),
                    filename: Some("teams.csv".into()),
                    content: b"id,name\r\nt,T\r\n".to_vec()
                },
            ]
        );
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        let ct = "multipart/form-data; boundary=b";
        assert!(parse("application/x-www-form-urlencoded", b"a=b").is_err());
        assert!(parse("multipart/form-data", b"--b--").is_err());
        assert_eq!(parse(ct, b"--b--\r\n").unwrap(), []);
        let bad: [&[u8]; 5] =
            [b"", b"--b", b"--bX", b"--b\r\nno headers", b"--b\r\nX: y\r\n\r\nbody"];
        for bad in bad {
            assert!(parse(ct, bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(parse(ct, b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--").is_err());
    }
}

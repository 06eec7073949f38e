//! `multipart/form-data` bodies (RFC 7578) for the spreadsheet upload, the one form that sends a
//! file: read with `multer` after the role check (so the handler keeps its order: role, body,
//! CSRF token). Bodies are bounded by the server's body limit before they get here.

use report::page::t;

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

/// The parts of a body whose `Content-Type` is `content_type`, read by `multer` (the parser
/// behind axum's own multipart extractor); an `Err` says what is wrong, in the request's
/// language (the parser's own detail stays English).
pub(crate) async fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let lang = crate::lang::current();
    let malformed = |detail: &dyn std::fmt::Display| {
        t!(lang, "throughline-ws-upload-malformed", detail.to_string())
    };
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(t!(lang, "throughline-ws-upload-not-multipart"));
    }
    let boundary = multer::parse_boundary(content_type).map_err(|e| malformed(&e))?;
    let bytes = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(parts),
            Err(e) => return Err(malformed(&e)),
        };
        let name = field.name().ok_or_else(|| malformed(&"a part has no name"))?.to_string();
        let filename = field.file_name().map(str::to_string);
        let content = field.bytes().await.map_err(|e| malformed(&e))?;
        parts.push(Part { name, filename, content: content.to_vec() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fields_and_files_are_read_as_a_browser_sends_them() {
        // As Chromium sends a form with a text field and a file (CRLF line ends).
        let body = b"------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"teams.csv\"\r\nContent-Type: text/csv\r\n\r\nid,name\r\nt,T\r\n\r\n------WebKitFormBoundaryX--\r\n";
        let parts =
            parse("multipart/form-data; boundary=----WebKitFormBoundaryX", body).await.unwrap();
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

    #[tokio::test]
    async fn malformed_bodies_are_errors_not_panics() {
        let ct = "multipart/form-data; boundary=b";
        assert!(parse("application/x-www-form-urlencoded", b"a=b").await.is_err());
        assert!(parse("multipart/form-data", b"--b--").await.is_err());
        assert_eq!(parse(ct, b"--b--\r\n").await.unwrap(), []);
        let bad: [&[u8]; 5] =
            [b"", b"--b", b"--bX", b"--b\r\nno headers", b"--b\r\nX: y\r\n\r\nbody"];
        for bad in bad {
            assert!(parse(ct, bad).await.is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(
            parse(ct, b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--").await.is_err()
        );
    }
}

//! Which link targets written in a model may become live links on a page.
//!
//! One rule for every renderer (the static report, the workspace's pages): the checker already
//! refuses other URLs in model files (TL011), and this is the second line for anything that
//! reaches a page another way.

/// Whether `target` may be rendered as a link: relative (including `#…`, `?…`, `/…` but not
/// the protocol-relative `//host`), or absolute with the `http`, `https` or `mailto` scheme.
/// Browsers ignore ASCII whitespace and control characters inside a scheme (`java\tscript:`),
/// so those are dropped before looking, and backslashes count as slashes.
pub fn is_allowed(target: &str) -> bool {
    let t: String = target
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .map(|c| if c == '\\' { '/' } else { c })
        .collect::<String>()
        .to_ascii_lowercase();
    // A numeric character reference could spell a scheme (`&#106;avascript:`).
    if t.contains("&#") || t.starts_with("//") {
        return false;
    }
    match t.find(':') {
        None => true,
        Some(colon) => {
            let before = &t[..colon];
            // A `:` after a path, query or fragment start is not a scheme.
            if before.contains(['/', '?', '#']) {
                return true;
            }
            matches!(before, "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_allowed;

    #[test]
    fn only_web_mail_and_relative_links_are_allowed() {
        for ok in [
            "https://example.org/x",
            "HTTP://a.b",
            "docs/eval.html",
            "../x#y",
            "/revisions",
            "a?b=c:d",
            "#top",
            "mailto:a@b.org",
        ] {
            assert!(is_allowed(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "&#106;avascript:x",
            "data:text/html,x",
            "//evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "file:/etc/passwd",
            "vbscript:x",
        ] {
            assert!(!is_allowed(bad), "{bad}");
        }
    }
}

//! The loader never panics: arbitrary text, and mutations of real model files, always give a
//! result with diagnostics, never a crash.

use proptest::prelude::*;

use modelfile::{SourceFile, check};

fn example_files() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wikimedia");
    modelfile::load_dir(&dir).expect("example").into_iter().map(|f| (f.name, f.text)).collect()
}

fn run(files: Vec<(String, String)>) {
    let checked = check(files.into_iter().map(|(n, t)| SourceFile::in_memory(n, t)).collect());
    // Every diagnostic with a span points inside its file.
    for d in &checked.diagnostics {
        if let Some(s) = d.span {
            let len = checked.map.file(s).text.len() as u32;
            assert!(s.start.offset <= len && s.end.offset <= len, "{d:?}");
            assert!(s.start.line >= 1 && s.start.column >= 1);
        }
    }
}

/// Text mutations that keep most of the YAML structure, so decoding (not just parsing) is hit.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    SwapLines { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippets = prop::sample::select(vec![
        "- ",
        ": ",
        "\n",
        "  ",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "&a ",
        "*a",
        "#",
        "-1",
        "1e999",
        "1e308",
        "-0",
        "1e-400",
        "99999999999999999999999",
        ".inf",
        ".nan",
        "\"1 to 1e300\"",
        "&b [*a, *a, *a]",
        "*b",
        "[[[[[[[[",
        "~",
        "id: x\n",
        "level: impact\n",
        "to: ",
        "effect: \"9 to 1\"",
        "probability: 7",
        "é",
        "\t",
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), snippets).prop_map(|(at, s)| Mutation::Insert { at, text: s.to_string() }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let boundary = |at: usize| {
        let mut i = at % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match m {
        Mutation::Delete { at, len } => {
            let a = boundary(*at);
            let b = boundary((a + len).min(text.len()));
            format!("{}{}", &text[..a], &text[b.max(a)..])
        }
        Mutation::Insert { at, text: t } => {
            let a = boundary(*at);
            format!("{}{}{}", &text[..a], t, &text[a..])
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
            }
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        run(vec![("throughline.yaml".into(), text)]);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "([a-z_]{1,8}: ?|- |\\[|\\]|\\{|\\}|, |\"|'|[0-9.]{1,5}|\n {0,6}|&a |\\*a |&b |\\*b |1e308|1e99999|-0|\\.inf|\\.nan){0,80}") {
        run(vec![("throughline.yaml".into(), format!("format_version: 1\nmodel: {{name: x}}\n{text}"))]);
    }

    #[test]
    fn mutated_example_never_panics(file in 0usize..64, mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut files = example_files();
        if files.is_empty() {
            return Ok(());
        }
        let i = file % files.len();
        for m in &mutations {
            files[i].1 = apply(&files[i].1, m);
        }
        run(files);
    }
}

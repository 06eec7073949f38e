//! The CSV reader on arbitrary input: it never panics, and what it accepts reads back exactly.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = import::csv::parse(&bytes, "x.csv", Some("s"));
        let _ = import::csv::parse(&bytes, "x.csv", None);
    }

    #[test]
    fn csv_like_text_never_panics(text in "(series|date|value|source|#|,|\"|\n|2025-0[1-9]|-?[0-9]{1,4}(\\.[0-9])?| ){0,60}") {
        let _ = import::csv::parse(text.as_bytes(), "x.csv", None);
    }

    #[test]
    fn valid_rows_read_back_exactly(rows in proptest::collection::btree_map((2000i32..2030, 1u8..=12), -1e9f64..1e9, 1..40)) {
        let mut text = String::from("# a comment\ndate,value\n");
        for ((y, m), v) in &rows {
            text.push_str(&format!("{y:04}-{m:02},{v:?}\n"));
        }
        let got = import::csv::parse(text.as_bytes(), "x.csv", Some("s")).unwrap();
        prop_assert_eq!(got.len(), rows.len());
        for (m, ((y, mo), v)) in got.iter().zip(&rows) {
            prop_assert_eq!((m.date.year, m.date.month, m.date.day), (*y, *mo, 1));
            prop_assert_eq!(m.value, *v);
        }
    }
}

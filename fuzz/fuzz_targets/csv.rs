//! The measurement CSV reader never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = import::csv::parse(data, "fuzz.csv", Some("series"));
    let _ = import::csv::parse(data, "fuzz.csv", None);
});

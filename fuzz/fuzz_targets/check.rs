#![no_main]
//! Any bytes, as the manifest of a model: `check` must return, never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", text)]);
    }
});

//! Helpers shared by the CLI's test binaries.
#![allow(clippy::unwrap_used, dead_code)] // tests: a panic is the failure report; not every binary uses every helper

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh copy of the example in a temporary folder, without its derived databases.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    dir
}

/// Copies the bundled example into `to`, without the derived databases (the measurement store
/// and the workspace), so each test starts from the files alone.
pub fn copy_example(to: &Path) {
    copy_dir(&root().join("examples/wikimedia"), to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "measurements.sqlite" || name == ".throughline" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

//! Rebuild when the embedded templates change: `include_dir!` does not tell Cargo which files it
//! read, so without this a cached build could ship a stale template.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=../../examples/wikimedia");
}

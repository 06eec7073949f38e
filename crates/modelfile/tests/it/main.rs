//! Integration tests of the model-file loader: one binary, one module per feature area.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod fixtures;
mod hardening;
mod plan_structure;
mod props;
mod scale;
mod schema_keys;
mod schema_validates;

//! The publishable report: diagrams laid out by throughline as SVG, a static HTML site that
//! works from disk and on any web server, and wikitext for publishing on a wiki.
//!
//! Content (the model and its views) → pages in memory → the caller writes them. Output is
//! byte-stable for the same input.

pub mod diagram;

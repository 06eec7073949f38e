//! What the model says, shown: why a piece of work matters (`trace`), what is missing (`gaps`),
//! each framework's own form (`frameworks`, `sroi`), and the chains as diagrams other tools can
//! edit (`export`: Mermaid, DOT).
//!
//! Views are data (serialisable for `--json`); `text` renders them for people. Pure: no IO.

pub mod export;
pub mod frameworks;
pub mod gaps;
pub mod sroi;
pub mod text;
pub mod trace;

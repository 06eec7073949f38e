//! Generated models are valid by construction, at small and at benchmark scale.

use modelfile::{SourceFile, check};
use synthetic::{Spec, generate};

fn files(spec: &Spec) -> Vec<SourceFile> {
    generate(spec).into_iter().map(|(n, t)| SourceFile::in_memory(n, t)).collect()
}

#[test]
fn a_generated_model_is_clean() {
    let spec =
        Spec { goals: 3, programs: 4, nodes: 200, links: 600, initiatives: 20, teams: 5, seed: 1 };
    let checked = check(files(&spec));
    let msgs: Vec<_> = checked.diagnostics.iter().take(5).map(|d| d.message.clone()).collect();
    assert!(checked.diagnostics.is_empty(), "{msgs:#?}");
    assert_eq!(checked.model.nodes.len(), 203);
    assert_eq!(checked.model.links.len(), 600);
    assert_eq!(checked.model.initiatives.len(), 20);
}

#[test]
fn the_benchmark_model_has_the_promised_size_and_no_errors() {
    let checked = check(files(&Spec::check_benchmark()));
    assert!(checked.is_ok());
    assert_eq!(checked.model.nodes.len(), 10_010);
    assert_eq!(checked.model.links.len(), 30_000);
}

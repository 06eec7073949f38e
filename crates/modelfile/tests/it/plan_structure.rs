//! Decoding the plan's structure (`planning.buckets`): bad input gives the right diagnostic at
//! the right position, and nothing half-read enters the model.

fn check(planning: &str) -> (modelfile::Checked, Vec<String>) {
    let text = format!(
        "format_version: 1\nmodel: {{ name: M }}\n\
         indicators:\n  - {{ id: ind, name: I, measures: g, baseline: {{ value: 10, date: 2025 }}, target: {{ value: 20, date: 2026 }} }}\n\
         goals:\n  - {{ id: g, name: G }}\n{planning}"
    );
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", text)]);
    let short = checked
        .diagnostics
        .iter()
        .filter(|d| !d.rule.code.starts_with("TL3") && !d.rule.code.starts_with("TL4"))
        .map(|d| {
            let at = d.span.map_or("-".into(), |s| format!("{}:{}", s.start.line, s.start.column));
            format!("{at} {} {}", d.rule.name, d.message)
        })
        .collect();
    (checked, short)
}

#[test]
fn bad_codes_words_and_quarters_are_reported_where_they_are_written() {
    let (checked, msgs) = check(
        r#"planning:
  buckets:
    - id: W E
      name: Bad code
      objectives: []
    - id: WE
      name: Wiki Experiences
      goal: ind
      objectives:
        - id: WE1
          name: O
          key_results:
            - id: 1.1
              indicator: ind
            - id: WE1.2
              indicator: ind
              hypotheses:
                - { id: WE1.2.1, name: H, quarter: 2027-Q5 }
                - { id: WE1.2.2, name: H, quarter: 2027Q3, result: maybe }
                - { id: WE1.2.3, name: H }
"#,
    );
    assert_eq!(
        msgs,
        [
            "9:11 invalid-value `W E` is not a valid plan code: a plan id may only contain letters, digits, '.', '_' and '-', found ' '",
            "14:13 unknown-reference `ind` is an indicator, but `goal` needs a goal",
            "19:19 wrong-type expected a plan code (like `WE1.1`), found a number",
            "24:52 invalid-value `2027-Q5` is not a quarter",
            "25:68 invalid-value `maybe` is not a hypothesis result",
            "26:21 missing-field this hypothesis has no `quarter`",
        ],
        "{msgs:#?}"
    );
    // Only what was read whole entered the model: the bucket WE, its objective, the key result
    // WE1.2 with none of its three hypotheses.
    let pl = &checked.model.planning;
    assert_eq!(pl.buckets.len(), 1);
    let krs: Vec<&str> = pl.key_results().map(|(_, _, k)| k.id.as_str()).collect();
    assert_eq!(krs, ["WE1.2"]);
    assert_eq!(pl.hypotheses().count(), 0);
}

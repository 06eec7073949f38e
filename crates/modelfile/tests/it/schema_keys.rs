//! The format tables, the decoder and the generated schema must describe the same keys.

use modelfile::format::{ALL_RECORDS, Shape};

/// A model that writes every key of every record. If the decoder ignored a key that the format
/// table lists, the table would promise something the model does not hold; if the decoder read
/// a key the table lacks, `unknown-key` would reject valid files. Both show up here as
/// diagnostics on this complete file.
pub(crate) const EVERY_KEY: &str = r#"
format_version: 1
model: { name: M, organisation: O, mission: X, currency: EUR, description: D, data: synthetic, frameworks: [sroi], community_definitions: [throughline_v1] }
program:
  id: p
  name: P
  description: D
  owner: O
  audiences: [aud]
  external_factors: [weather]
programs: []
goals:
  - { id: g, name: G, direction: knowledge_equity, recommendation: R, unit: u, description: D, audiences: [aud], sroi: { proxy: 1, proxy_source: P } }
nodes:
  - { id: a, name: A, level: activity, unit: u, program: p, audiences: [aud], description: D }
  - { id: o, name: O, level: output, unit: u }
  - id: s
    name: S
    level: output
    unit: u
    program: p
    sroi:
      proxy: "1 to 2"
      proxy_source: P
      stakeholder: aud
      quantity: 10
      duration: 2
      deadweight: 10%
      displacement: 0.1
      attribution: 5%
      drop_off: 50%
sroi: { discount_rate: 3% }
planning:
  budget: 1M
  cost_percentile: 80
  quarters: 4
  start: 2027Q3
  dependency_lag: 1
  risk: { alpha: 10%, weight: 0.3 }
  horizon: 5
  discount_rate: 2%
  hiring: true
  ramp_up: 2
  balance:
    - { name: Communities, audience_kind: organizing_community, of: effort, min_share: 25%, max_share: 90% }
    - { name: Program, program: p, of: count, min_share: 0 }
    - { name: Audience, audience: aud, of: cost, max_share: 1 }
    - { name: Team, team: t, min_share: 0 }
    - { name: Goals, each_goal: true }
  buckets:
    - id: WE
      name: Wiki Experiences
      goal: g
      objectives:
        - id: WE1
          name: Contributors stay
          key_results:
            - id: WE1.1
              name: Fewer reverts
              indicator: ind
              baseline: 3
              target_change: -10%
              scope: a representative set of wikis
              hypotheses:
                - { id: WE1.1.1, name: H, quarter: 2027Q4, owner: Editing, test: A/B test, result: confirmed }
            - { id: WE1.2, indicator: ind, target: 0.5 }
plan:
  budget: 1M
  value: 12.5
  cost: 900k
  schedule:
    - { initiative: i, quarter: 2027Q3 }
  objectives:
    - { goal: g, expected_change: 3, key_results: [ind] }
  key_results:
    - id: WE1.1
      objective: WE1
      indicator: ind
      baseline: 3
      target: 2.7
      expected_change: -0.1
      p_reached: 0.2
      hypotheses:
        - { id: WE1.1.1, quarter: 2027Q4, initiatives: [i] }
links:
  - from: a
    to: o
    rationale: R
    assumptions: [plain, { id: as1, text: T }]
    evidence: [{ source: S, url: "https://example.org", strength: strong, kind: evaluation, year: 2020, community: com }]
    effect: "1 to 2"
    effect_unit: u / u
    probability: 0.5
    skip_reason: none needed
    feedback: false
  - { from: o, to: g, assumptions: [x], effect: 1, effect_unit: u / u, skip_reason: direct }
initiatives:
  - id: i
    name: I
    program: p
    team: t
    status: planned
    cost: "1k to 2k"
    effort: "pert(1, 2, 3)"
    depends_on: []
    excludes: []
    must_do: true
    tracker: [T1]
    audiences: [aud]
    benefits: { security: 1, reliability: 2, maintainability: 3, performance: 4 }
    delivers: [a, { node: o, amount: 3, probability: 0.9 }]
    description: D
    deployed: 2026-01-02
    evaluation: { indicator: ind, method: synthetic_control, comparisons: [x, y], experiment: e.csv, level: 0.9, scale: 12 }
    inform: [{ assumption: as1, se: 0.1 }, { from: o, to: g, se: 0 }]
    hypotheses: [WE1.1.1]
    ramp_up: 1
evaluations:
  - { initiative: i, indicator: ind, method: two_group, evaluated: 2026-05, deployed: 2026-01, effect: 1, se: 1, low: -1, high: 3, level: 0.95, predicted: 2, scale: 12, data: synthetic }
communities:
  - { id: com, name: C, wiki: commonswiki, kind: roster, members: [Ada], start: 2026-09-01, end: 2026-09-30, cost: 10, audience: aud, description: D, data: illustrative }
  - { id: com2, name: C2, wiki: commonswiki, kind: tag, rule: campaign-wlm, start: 2026-09-01, end: 2026-09-30, definitions: [event_metrics, { preset: event_metrics, lookback_days: 0 }] }
  - id: com3
    name: C3
    wiki: commonswiki
    kind: tag
    rule: campaign-wlm
    start: 2026-09-01
    end: 2026-09-30
    definitions:
      - { preset: surviving_new_editor, min_edits: 2, activation_days: 2, retention_days: [30, 60], window_days: 30, retained_edits: 1, scope: all_wikis }
checkins:
  - { key_result: ind, quarter: 2026Q3, story: S, partners: P, what_works: W, decision: change, status: at_risk, reason: R, author: A, date: 2026-10-02 }
audiences:
  - { id: aud, name: A, kind: organizing_community, equity_weight: 2, description: D }
indicators:
  - id: ind
    name: I
    measures: g
    definition: D
    unit: u
    direction: decrease
    rba: how_well
    baseline: { value: 1, date: 2024, source: S }
    target: { value: 2, date: 2025-06-30 }
    source: { kind: wikimedia_rest, metric: pageviews/aggregate, path: x.csv, params: { project: all } }
teams:
  - { id: t, name: T, capacity: 3, rate: 2k }
value:
  unit: points
  goals: { g: 1 }
  criteria: { security: 1 }
"#;

#[test]
fn a_file_with_every_key_is_clean_and_fully_decoded() {
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", EVERY_KEY)]);
    let msgs: Vec<_> =
        checked.diagnostics.iter().map(|d| format!("{} {}", d.rule.code, d.message)).collect();
    assert!(msgs.is_empty(), "{msgs:#?}");
    let m = &checked.model;
    assert_eq!(m.meta.currency, "EUR");
    assert_eq!(m.programs[0].external_factors, vec!["weather".to_string()]);
    assert_eq!(m.links[0].assumptions.len(), 2);
    assert_eq!(m.links[0].evidence[0].year, Some(2020));
    assert_eq!(m.initiatives[0].delivers.len(), 2);
    assert_eq!(m.initiatives[0].benefits.len(), 4);
    assert!(m.initiatives[0].must_do);
    assert_eq!((m.planning.ramp_up, m.initiatives[0].ramp_up), (2, Some(1)));
    assert_eq!(m.initiatives[0].inform.len(), 2);
    assert_eq!(m.initiatives[0].informed_links(m), vec![(0, 0.1), (1, 0.0)]);
    assert_eq!(m.indicators[0].source.as_ref().unwrap().params["project"], "all");
    assert_eq!(m.value.criteria.len(), 1);
    assert_eq!(m.meta.frameworks, vec![model::Framework::Sroi]);
    assert_eq!(m.meta.data, model::Provenance::Synthetic);
    assert_eq!(m.evaluations[0].data, model::Provenance::Synthetic);
    assert_eq!(m.communities[0].data, model::Provenance::Illustrative);
    assert_eq!(m.communities[1].data, model::Provenance::Measured);
    assert_eq!(m.meta.community_definitions.len(), 1);
    assert_eq!(m.communities[1].definitions.len(), 2);
    assert_eq!(m.communities[1].definitions[1].lookback_days, Some(0));
    let d = &m.communities[2].definitions[0];
    assert_eq!(
        (d.min_edits, d.activation_days, d.window_days, d.retained_edits),
        (Some(2), Some(2), Some(30), Some(1))
    );
    assert_eq!(
        (d.retention_days.as_slice(), d.scope),
        (&[30, 60][..], Some(model::MetricScope::AllWikis))
    );
    let pl = &m.planning;
    assert_eq!(
        (pl.budget, pl.cost_percentile, pl.quarters, pl.dependency_lag),
        (Some(1e6), Some(80.0), 4, 1)
    );
    assert_eq!(pl.start.map(|q| q.to_string()).as_deref(), Some("2027Q3"));
    assert_eq!(pl.balance.len(), 5);
    assert!(pl.risk.is_some_and(|r| r.alpha == 0.1 && r.weight == 0.3));
    assert_eq!((pl.horizon, pl.discount_rate, pl.hiring), (5, Some(0.02), true));
    assert_eq!(m.teams[0].rate, Some(2_000.0));
    let saved = m.saved_plan.as_ref().unwrap();
    assert_eq!(saved.schedule, vec![(model::Id::parse("i").unwrap(), "2027Q3".to_string())]);
    assert_eq!(saved.objectives[0].key_results.len(), 1);
    assert_eq!(saved.key_results[0].hypotheses[0].initiatives.len(), 1);
    assert_eq!(saved.key_results[0].p_reached, Some(0.2));
    assert_eq!(pl.buckets.len(), 1);
    let (b, o, k) = pl.key_results().next().unwrap();
    assert_eq!((b.id.as_str(), o.id.as_str(), k.id.as_str()), ("WE", "WE1", "WE1.1"));
    assert_eq!(b.goal.as_ref().map(|g| g.as_str()), Some("g"));
    assert_eq!(k.scope.as_deref(), Some("a representative set of wikis"));
    // −10% of the baseline 3.
    assert!((k.target_value(m.indicators.first()).unwrap() - 2.7).abs() < 1e-12);
    let (_, h) = pl.hypotheses().next().unwrap();
    assert_eq!(
        (h.quarter.to_string(), h.result),
        ("2027Q4".into(), model::HypothesisResult::Confirmed)
    );
    assert_eq!(h.owner.as_deref(), Some("Editing"));
    assert_eq!(m.initiatives[0].hypotheses[0].as_str(), "WE1.1.1");
    assert_eq!(m.sroi.discount_rate, Some(0.03));
    let v = m.nodes.iter().find(|n| n.id.as_str() == "s").unwrap().sroi.as_ref().unwrap();
    assert_eq!(
        (v.duration, v.deadweight, v.displacement, v.attribution, v.drop_off),
        (2, 0.1, 0.1, 0.05, 0.5)
    );
    assert_eq!(v.stakeholder.as_ref().map(|s| s.as_str()), Some("aud"));
    assert_eq!(v.quantity.map(|q| q.mean()), Some(10.0));
    assert_eq!(v.proxy_source.as_deref(), Some("P"));
}

#[test]
fn every_record_key_appears_in_the_complete_file() {
    // Keeps EVERY_KEY complete as the format grows.
    for record in ALL_RECORDS {
        for field in record.fields {
            let written = EVERY_KEY.contains(&format!("{}:", field.key));
            assert!(written, "EVERY_KEY does not write `{}` of {}", field.key, record.name);
        }
    }
}

#[test]
fn the_schema_lists_every_record_and_key() {
    let schema = modelfile::schema::json_schema();
    let text = schema.to_string();
    for record in ALL_RECORDS {
        for field in record.fields {
            assert!(text.contains(&format!("\"{}\"", field.key)), "schema lacks {}", field.key);
        }
        if !std::ptr::eq(*record, &modelfile::format::FILE) {
            assert!(
                schema["$defs"].get(record.name.replace(' ', "_")).is_some(),
                "schema lacks {}",
                record.name
            );
        }
    }
    // Enumerations come through as enums.
    assert!(text.contains("outcome_intermediate"));
    let _ = Shape::Text;
}

#[test]
fn data_must_name_a_provenance() {
    let text = EVERY_KEY
        .replace("data: synthetic }", "data: made_up }")
        .replace("data: illustrative }", "data: Synthetic }");
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", &text)]);
    let msgs: Vec<String> = checked.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(msgs.iter().all(|m| m.contains("is not a provenance")), "{msgs:#?}");
    // Neither item enters the model with a guessed provenance.
    assert!(checked.model.evaluations.is_empty());
    assert!(checked.model.communities.iter().all(|c| c.id.as_str() != "com"));
}

/// `inform` errors point at the entry and say how to fix it: an unknown assumption id suggests
/// the closest one, a pair of nodes that is no link lists the links out of `from`, and an entry
/// that names no link or both kinds is refused.
#[test]
fn inform_errors_have_positions_and_fixes() {
    let model = |inform: &str| {
        format!(
            r#"format_version: 1
model: {{ name: M }}
teams: [{{ id: t, name: T, capacity: 1 }}]
goals: [{{ id: g, name: G, unit: u }}]
nodes: [{{ id: a, name: A, level: output, unit: u }}]
links:
  - {{ from: a, to: g, effect: 1, skip_reason: direct, assumptions: [{{ id: a_counts, text: T }}] }}
initiatives:
  - {{ id: study, name: S, team: t, inform: [{inform}] }}
"#
        )
    };
    let diagnose = |inform: &str| -> Vec<(String, String, String)> {
        let checked = modelfile::check(vec![modelfile::SourceFile::in_memory(
            "throughline.yaml",
            model(inform),
        )]);
        checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == modelfile::Severity::Error)
            .map(|d| {
                let (line, col) = d.span.map_or((0, 0), |s| (s.start.line, s.start.column));
                (
                    format!("{} {line}:{col}", d.rule.code),
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect()
    };
    let d = diagnose("{ assumption: a_count, se: 0.1 }");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].0.starts_with("TL102 9:"), "{d:?}");
    assert!(d[0].2.contains("did you mean `a_counts`?"), "{d:?}");

    let d = diagnose("{ from: g, to: a, se: 0.1 }");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].0.starts_with("TL108 9:"), "{d:?}");
    assert!(d[0].1.contains("`g` → `a`"), "{d:?}");

    let d = diagnose("{ from: a, to: a, se: 0.1 }");
    assert!(d[0].2.contains("links from `a` go to `g`"), "{d:?}");

    for (inform, says) in [
        ("{ se: 0.1 }", "names no link"),
        ("{ from: a, se: 0.1 }", "one end"),
        ("{ assumption: a_counts, from: a, to: g, se: 0.1 }", "both"),
    ] {
        let d = diagnose(inform);
        assert!(d.iter().any(|x| x.1.contains(says)), "{inform}: {d:?}");
    }
    // `se` is required and cannot be negative.
    assert!(diagnose("{ assumption: a_counts }").iter().any(|x| x.1.contains("`se`")));
    assert!(diagnose("{ assumption: a_counts, se: -1 }").iter().any(|x| x.1.contains("negative")));
    assert!(diagnose("{ assumption: a_counts, se: 0.1 }").is_empty());
}

/// The model serialises with every kind of `inform` target (the workspace's API sends it).
#[test]
fn a_model_with_inform_serialises() {
    let checked =
        modelfile::check(vec![modelfile::SourceFile::in_memory("throughline.yaml", EVERY_KEY)]);
    let json = serde_json::to_value(&checked.model.initiatives[0].inform).unwrap();
    assert_eq!(json[0]["target"]["kind"], "assumption");
    assert_eq!(json[0]["target"]["id"], "as1");
    assert_eq!(json[1]["target"]["kind"], "link");
    assert_eq!(json[1]["target"]["from"], "o");
}

//! Validation rules: one file per rule, each with a static descriptor and, for rules that look
//! at the whole model, a check function.
//!
//! Rules that concern the shape of a single value (syntax, types, keys, impossible numbers) fire
//! while decoding; the others run here on the decoded model and its source map. The reference
//! in `docs/rules.md` is generated from the descriptors.

use model::graph::ModelGraph;
use model::{Framework, Model};

use crate::diagnostic::{Diagnostic, Severity};
use crate::sourcemap::SourceMap;

pub mod conflicting_targets;
pub mod cost_below_staff;
pub mod deadweight_on_modelled_change;
pub mod definition_parameter;
pub mod dependency_cycle;
pub mod duplicate_id;
pub mod duplicate_key;
pub mod duplicate_plan_code;
pub mod duplicate_section;
pub mod evaluation_not_applied;
pub mod format_version;
pub mod hypothesis_outside_plan;
pub mod impossible_distribution;
pub mod indicator_without_source;
pub mod invalid_url;
pub mod invalid_value;
pub mod key_result_without_target;
pub mod level_inversion;
pub mod level_skip;
pub mod link_cycle;
pub mod link_without_assumptions;
pub mod link_without_rationale;
pub mod measure_without_rba_question;
pub mod missing_baseline;
pub mod missing_data_file;
pub mod missing_field;
pub mod missing_manifest;
pub mod missing_target;
pub mod missing_unit;
pub mod negative_quantity;
pub mod objective_without_key_results;
pub mod out_of_range;
pub mod outcome_without_audience;
pub mod outcome_without_evidence;
pub mod outcome_without_indicator;
pub mod program_without_external_factors;
pub mod program_without_sroi_valuation;
pub mod quantified_feedback;
pub mod relative_target_without_baseline;
pub mod sroi_proxy_without_source;
pub mod status_override_without_reason;
pub mod target_against_direction;
pub mod text_too_long;
pub mod unit_mismatch;
pub mod unjustified_initiative;
pub mod unknown_key;
pub mod unknown_link;
pub mod unknown_plan_code;
pub mod unknown_reference;
pub mod unreached_audience;
pub mod unserved_goal;
pub mod unvalued_goal;
pub mod wrong_type;
pub mod yaml_limit;
pub mod yaml_syntax;

/// What a rule is and why it exists: the source of `throughline rules` and `docs/rules.md`.
#[derive(Debug, PartialEq)]
pub struct Rule {
    /// Stable code, e.g. `TL102`. Never reused for another meaning.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unknown-reference`.
    pub name: &'static str,
    /// The framework whose completeness rule this is: it runs only when the model (or
    /// `check --framework`) names that framework. `None`: always runs.
    pub framework: Option<Framework>,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A small model excerpt that triggers it.
    pub example: &'static str,
}

/// Everything a model-wide check may look at.
pub struct RuleCx<'a> {
    /// The decoded model.
    pub model: &'a Model,
    /// Its resolved graph.
    pub graph: &'a ModelGraph<'a>,
    /// Where everything was written.
    pub map: &'a SourceMap,
    /// Frameworks whose completeness rules apply.
    pub frameworks: &'a [Framework],
}

type Check = fn(&RuleCx<'_>, &mut Vec<Diagnostic>);

/// Every rule, with its check when it has one, in code order.
pub static ALL: &[(&Rule, Option<Check>)] = &[
    (&yaml_syntax::RULE, None),
    (&duplicate_key::RULE, None),
    (&unknown_key::RULE, None),
    (&wrong_type::RULE, None),
    (&missing_field::RULE, None),
    (&invalid_value::RULE, None),
    (&missing_manifest::RULE, None),
    (&format_version::RULE, None),
    (&duplicate_section::RULE, None),
    (&yaml_limit::RULE, None),
    (&invalid_url::RULE, None),
    (&text_too_long::RULE, None),
    (&duplicate_id::RULE, Some(duplicate_id::check)),
    (&unknown_reference::RULE, Some(unknown_reference::check)),
    (&level_inversion::RULE, Some(level_inversion::check)),
    (&level_skip::RULE, Some(level_skip::check)),
    (&link_cycle::RULE, Some(link_cycle::check)),
    (&dependency_cycle::RULE, Some(dependency_cycle::check)),
    (&quantified_feedback::RULE, Some(quantified_feedback::check)),
    (&unknown_link::RULE, Some(unknown_link::check)),
    (&impossible_distribution::RULE, None),
    (&negative_quantity::RULE, None),
    (&unit_mismatch::RULE, Some(unit_mismatch::check)),
    (&missing_unit::RULE, Some(missing_unit::check)),
    (&out_of_range::RULE, None),
    (&outcome_without_indicator::RULE, Some(outcome_without_indicator::check)),
    (&missing_baseline::RULE, Some(missing_baseline::check)),
    (&missing_target::RULE, Some(missing_target::check)),
    (&link_without_assumptions::RULE, Some(link_without_assumptions::check)),
    (&unjustified_initiative::RULE, Some(unjustified_initiative::check)),
    (&unserved_goal::RULE, Some(unserved_goal::check)),
    (&unreached_audience::RULE, Some(unreached_audience::check)),
    (&unvalued_goal::RULE, Some(unvalued_goal::check)),
    (&deadweight_on_modelled_change::RULE, Some(deadweight_on_modelled_change::check)),
    (&evaluation_not_applied::RULE, None),
    (&missing_data_file::RULE, None),
    (&status_override_without_reason::RULE, Some(status_override_without_reason::check)),
    (&cost_below_staff::RULE, Some(cost_below_staff::check)),
    (&definition_parameter::RULE, None),
    (&program_without_external_factors::RULE, Some(program_without_external_factors::check)),
    (&link_without_rationale::RULE, Some(link_without_rationale::check)),
    (&indicator_without_source::RULE, Some(indicator_without_source::check)),
    (&measure_without_rba_question::RULE, Some(measure_without_rba_question::check)),
    (&outcome_without_audience::RULE, Some(outcome_without_audience::check)),
    (&outcome_without_evidence::RULE, Some(outcome_without_evidence::check)),
    (&sroi_proxy_without_source::RULE, Some(sroi_proxy_without_source::check)),
    (&program_without_sroi_valuation::RULE, Some(program_without_sroi_valuation::check)),
    (&duplicate_plan_code::RULE, Some(duplicate_plan_code::check)),
    (&unknown_plan_code::RULE, Some(unknown_plan_code::check)),
    (&conflicting_targets::RULE, Some(conflicting_targets::check)),
    (&relative_target_without_baseline::RULE, Some(relative_target_without_baseline::check)),
    (&hypothesis_outside_plan::RULE, Some(hypothesis_outside_plan::check)),
    (&objective_without_key_results::RULE, Some(objective_without_key_results::check)),
    (&key_result_without_target::RULE, Some(key_result_without_target::check)),
    (&target_against_direction::RULE, Some(target_against_direction::check)),
];

/// Looks a rule up by code (`TL102`) or name (`unknown-reference`).
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter().map(|(r, _)| *r).find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Runs every model-wide check.
pub(crate) fn run(cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for (rule, check) in ALL {
        let applies = rule.framework.is_none_or(|f| cx.frameworks.contains(&f));
        if let Some(check) = check
            && applies
        {
            check(cx, out);
        }
    }
}

/// "`id` (level)" for messages.
pub(crate) fn node_label(cx: &RuleCx<'_>, ix: usize) -> String {
    let n = &cx.model.nodes[ix];
    format!("`{}` ({})", n.id, n.level)
}

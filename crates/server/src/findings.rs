//! The model checker's findings as a person reads them in the workspace. The checker words its
//! findings in English with the model's own ids (`Diagnostic::message`); a reader of another
//! language gets the summary and fix of the finding's rule in their language, followed by the
//! checker's sentence marked as English, so that nothing of the meaning is lost and the ids stay
//! exact. In English the checker's sentence shows alone, as it always did. The JSON API keeps
//! the checker's English.

use i18n::Lang;
use modelfile::rules::Rule;
use report::page::{Markup, html, t};

/// The summary and fix of `rule` in `lang`, or `None` for a rule without messages. One arm per
/// rule with literal keys, so that `crates/i18n/tests/messages.rs` finds every key; the test
/// below fails when a rule of `modelfile::rules::ALL` has no arm.
pub(crate) fn rule_words(lang: Lang, rule: &Rule) -> Option<(String, String)> {
    Some(match rule.name {
        "yaml-syntax" => (
            t!(lang, "throughline-rule-yaml-syntax-summary"),
            t!(lang, "throughline-rule-yaml-syntax-fix"),
        ),
        "duplicate-key" => (
            t!(lang, "throughline-rule-duplicate-key-summary"),
            t!(lang, "throughline-rule-duplicate-key-fix"),
        ),
        "unknown-key" => (
            t!(lang, "throughline-rule-unknown-key-summary"),
            t!(lang, "throughline-rule-unknown-key-fix"),
        ),
        "wrong-type" => (
            t!(lang, "throughline-rule-wrong-type-summary"),
            t!(lang, "throughline-rule-wrong-type-fix"),
        ),
        "missing-field" => (
            t!(lang, "throughline-rule-missing-field-summary"),
            t!(lang, "throughline-rule-missing-field-fix"),
        ),
        "invalid-value" => (
            t!(lang, "throughline-rule-invalid-value-summary"),
            t!(lang, "throughline-rule-invalid-value-fix"),
        ),
        "missing-manifest" => (
            t!(lang, "throughline-rule-missing-manifest-summary"),
            t!(lang, "throughline-rule-missing-manifest-fix"),
        ),
        "format-version" => (
            t!(lang, "throughline-rule-format-version-summary"),
            t!(lang, "throughline-rule-format-version-fix"),
        ),
        "duplicate-section" => (
            t!(lang, "throughline-rule-duplicate-section-summary"),
            t!(lang, "throughline-rule-duplicate-section-fix"),
        ),
        "yaml-limit" => (
            t!(lang, "throughline-rule-yaml-limit-summary"),
            t!(lang, "throughline-rule-yaml-limit-fix"),
        ),
        "invalid-url" => (
            t!(lang, "throughline-rule-invalid-url-summary"),
            t!(lang, "throughline-rule-invalid-url-fix"),
        ),
        "text-too-long" => (
            t!(lang, "throughline-rule-text-too-long-summary"),
            t!(lang, "throughline-rule-text-too-long-fix"),
        ),
        "duplicate-id" => (
            t!(lang, "throughline-rule-duplicate-id-summary"),
            t!(lang, "throughline-rule-duplicate-id-fix"),
        ),
        "unknown-reference" => (
            t!(lang, "throughline-rule-unknown-reference-summary"),
            t!(lang, "throughline-rule-unknown-reference-fix"),
        ),
        "level-inversion" => (
            t!(lang, "throughline-rule-level-inversion-summary"),
            t!(lang, "throughline-rule-level-inversion-fix"),
        ),
        "level-skip" => (
            t!(lang, "throughline-rule-level-skip-summary"),
            t!(lang, "throughline-rule-level-skip-fix"),
        ),
        "link-cycle" => (
            t!(lang, "throughline-rule-link-cycle-summary"),
            t!(lang, "throughline-rule-link-cycle-fix"),
        ),
        "dependency-cycle" => (
            t!(lang, "throughline-rule-dependency-cycle-summary"),
            t!(lang, "throughline-rule-dependency-cycle-fix"),
        ),
        "quantified-feedback" => (
            t!(lang, "throughline-rule-quantified-feedback-summary"),
            t!(lang, "throughline-rule-quantified-feedback-fix"),
        ),
        "unknown-link" => (
            t!(lang, "throughline-rule-unknown-link-summary"),
            t!(lang, "throughline-rule-unknown-link-fix"),
        ),
        "impossible-distribution" => (
            t!(lang, "throughline-rule-impossible-distribution-summary"),
            t!(lang, "throughline-rule-impossible-distribution-fix"),
        ),
        "negative-quantity" => (
            t!(lang, "throughline-rule-negative-quantity-summary"),
            t!(lang, "throughline-rule-negative-quantity-fix"),
        ),
        "unit-mismatch" => (
            t!(lang, "throughline-rule-unit-mismatch-summary"),
            t!(lang, "throughline-rule-unit-mismatch-fix"),
        ),
        "missing-unit" => (
            t!(lang, "throughline-rule-missing-unit-summary"),
            t!(lang, "throughline-rule-missing-unit-fix"),
        ),
        "out-of-range" => (
            t!(lang, "throughline-rule-out-of-range-summary"),
            t!(lang, "throughline-rule-out-of-range-fix"),
        ),
        "outcome-without-indicator" => (
            t!(lang, "throughline-rule-outcome-without-indicator-summary"),
            t!(lang, "throughline-rule-outcome-without-indicator-fix"),
        ),
        "missing-baseline" => (
            t!(lang, "throughline-rule-missing-baseline-summary"),
            t!(lang, "throughline-rule-missing-baseline-fix"),
        ),
        "missing-target" => (
            t!(lang, "throughline-rule-missing-target-summary"),
            t!(lang, "throughline-rule-missing-target-fix"),
        ),
        "link-without-assumptions" => (
            t!(lang, "throughline-rule-link-without-assumptions-summary"),
            t!(lang, "throughline-rule-link-without-assumptions-fix"),
        ),
        "unjustified-initiative" => (
            t!(lang, "throughline-rule-unjustified-initiative-summary"),
            t!(lang, "throughline-rule-unjustified-initiative-fix"),
        ),
        "unserved-goal" => (
            t!(lang, "throughline-rule-unserved-goal-summary"),
            t!(lang, "throughline-rule-unserved-goal-fix"),
        ),
        "unreached-audience" => (
            t!(lang, "throughline-rule-unreached-audience-summary"),
            t!(lang, "throughline-rule-unreached-audience-fix"),
        ),
        "unvalued-goal" => (
            t!(lang, "throughline-rule-unvalued-goal-summary"),
            t!(lang, "throughline-rule-unvalued-goal-fix"),
        ),
        "deadweight-on-modelled-change" => (
            t!(lang, "throughline-rule-deadweight-on-modelled-change-summary"),
            t!(lang, "throughline-rule-deadweight-on-modelled-change-fix"),
        ),
        "evaluation-not-applied" => (
            t!(lang, "throughline-rule-evaluation-not-applied-summary"),
            t!(lang, "throughline-rule-evaluation-not-applied-fix"),
        ),
        "missing-data-file" => (
            t!(lang, "throughline-rule-missing-data-file-summary"),
            t!(lang, "throughline-rule-missing-data-file-fix"),
        ),
        "status-override-without-reason" => (
            t!(lang, "throughline-rule-status-override-without-reason-summary"),
            t!(lang, "throughline-rule-status-override-without-reason-fix"),
        ),
        "cost-below-staff" => (
            t!(lang, "throughline-rule-cost-below-staff-summary"),
            t!(lang, "throughline-rule-cost-below-staff-fix"),
        ),
        "definition-parameter" => (
            t!(lang, "throughline-rule-definition-parameter-summary"),
            t!(lang, "throughline-rule-definition-parameter-fix"),
        ),
        "program-without-external-factors" => (
            t!(lang, "throughline-rule-program-without-external-factors-summary"),
            t!(lang, "throughline-rule-program-without-external-factors-fix"),
        ),
        "link-without-rationale" => (
            t!(lang, "throughline-rule-link-without-rationale-summary"),
            t!(lang, "throughline-rule-link-without-rationale-fix"),
        ),
        "indicator-without-source" => (
            t!(lang, "throughline-rule-indicator-without-source-summary"),
            t!(lang, "throughline-rule-indicator-without-source-fix"),
        ),
        "measure-without-rba-question" => (
            t!(lang, "throughline-rule-measure-without-rba-question-summary"),
            t!(lang, "throughline-rule-measure-without-rba-question-fix"),
        ),
        "outcome-without-audience" => (
            t!(lang, "throughline-rule-outcome-without-audience-summary"),
            t!(lang, "throughline-rule-outcome-without-audience-fix"),
        ),
        "outcome-without-evidence" => (
            t!(lang, "throughline-rule-outcome-without-evidence-summary"),
            t!(lang, "throughline-rule-outcome-without-evidence-fix"),
        ),
        "sroi-proxy-without-source" => (
            t!(lang, "throughline-rule-sroi-proxy-without-source-summary"),
            t!(lang, "throughline-rule-sroi-proxy-without-source-fix"),
        ),
        "program-without-sroi-valuation" => (
            t!(lang, "throughline-rule-program-without-sroi-valuation-summary"),
            t!(lang, "throughline-rule-program-without-sroi-valuation-fix"),
        ),
        "duplicate-plan-code" => (
            t!(lang, "throughline-rule-duplicate-plan-code-summary"),
            t!(lang, "throughline-rule-duplicate-plan-code-fix"),
        ),
        "unknown-plan-code" => (
            t!(lang, "throughline-rule-unknown-plan-code-summary"),
            t!(lang, "throughline-rule-unknown-plan-code-fix"),
        ),
        "conflicting-targets" => (
            t!(lang, "throughline-rule-conflicting-targets-summary"),
            t!(lang, "throughline-rule-conflicting-targets-fix"),
        ),
        "relative-target-without-baseline" => (
            t!(lang, "throughline-rule-relative-target-without-baseline-summary"),
            t!(lang, "throughline-rule-relative-target-without-baseline-fix"),
        ),
        "hypothesis-outside-plan" => (
            t!(lang, "throughline-rule-hypothesis-outside-plan-summary"),
            t!(lang, "throughline-rule-hypothesis-outside-plan-fix"),
        ),
        "objective-without-key-results" => (
            t!(lang, "throughline-rule-objective-without-key-results-summary"),
            t!(lang, "throughline-rule-objective-without-key-results-fix"),
        ),
        "key-result-without-target" => (
            t!(lang, "throughline-rule-key-result-without-target-summary"),
            t!(lang, "throughline-rule-key-result-without-target-fix"),
        ),
        "target-against-direction" => (
            t!(lang, "throughline-rule-target-against-direction-summary"),
            t!(lang, "throughline-rule-target-against-direction-fix"),
        ),
        _ => return None,
    })
}

/// A finding of the checker (`message`, found by `rule`) in the request's language.
pub(crate) fn finding(rule: Option<&Rule>, message: &str) -> Markup {
    let lang = crate::lang::current();
    match rule.filter(|_| lang != Lang::EN).and_then(|r| rule_words(lang, r)) {
        Some((summary, fix)) => html! {
            (summary) " " (fix) " " span lang="en" dir="ltr" { (message) }
        },
        None => html! { (message) },
    }
}

/// The checker's English help beside a finding, marked as English where the page is not.
pub(crate) fn help(rule: Option<&Rule>, text: &str) -> Markup {
    if rule.is_some() && crate::lang::current() != Lang::EN {
        html! { span lang="en" dir="ltr" { (text) } }
    } else {
        html! { (text) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule has its words in every language, English's being the rule's own.
    #[test]
    fn every_rule_has_words_in_every_language() {
        for (rule, _) in modelfile::rules::ALL {
            let english = (rule.summary.to_string(), rule.fix.to_string());
            assert_eq!(rule_words(Lang::EN, rule).as_ref(), Some(&english), "{}", rule.name);
            for lang in Lang::all().filter(|l| *l != Lang::EN) {
                let words = rule_words(lang, rule);
                let Some((summary, fix)) = words else {
                    panic!("{}: no messages for rule {}", lang.code(), rule.name);
                };
                assert!(summary != english.0 && fix != english.1, "{}: {}", lang.code(), rule.name);
                assert!(!summary.contains('⧼'), "{}: {}", lang.code(), rule.name);
            }
        }
    }
}

//! The way people write numbers and uncertain quantities: `200k`, `5%`, `"2 to 8"`,
//! `"pert(1, 2, 5)"`. See `docs/format.md`.

use model::{Distribution, DistributionError};

/// Why a quantity could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantityError {
    /// Not in any of the accepted forms.
    #[error("{0}")]
    Syntax(String),
    /// Well formed, but impossible (low above high, negative spread, …).
    #[error(transparent)]
    Impossible(#[from] DistributionError),
}

/// Parses a number with an optional suffix: `12`, `-3.5`, `1.5e9`, `200k`, `1.5M`, `2G`, `5%`.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim().replace('_', "");
    let (body, scale) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1e3),
        'M' => (&t[..t.len() - 1], 1e6),
        'G' | 'B' => (&t[..t.len() - 1], 1e9),
        '%' => (&t[..t.len() - 1], 1e-2),
        _ => (t.as_str(), 1.0),
    };
    let body = body.trim_end();
    if body.is_empty() || body.contains(char::is_whitespace) {
        return None;
    }
    // Reject what `f64::from_str` accepts but people do not write: "inf", "nan".
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    Some(v * scale)
}

/// Parses a distribution written as text.
pub fn parse_distribution(text: &str) -> Result<Distribution, QuantityError> {
    let t = text.trim();
    if let Some(v) = parse_number(t) {
        return Ok(Distribution::point(v)?);
    }
    if let Some((a, b)) = split_to(t) {
        let low = number(a)?;
        let high = number(b)?;
        return Ok(Distribution::interval90(low, high)?);
    }
    if let Some(open) = t.find('(') {
        let name = t[..open].trim().to_ascii_lowercase();
        let Some(inner) = t[open + 1..].strip_suffix(')') else {
            return Err(QuantityError::Syntax(format!("`{t}` is missing its closing ')'")));
        };
        let args = inner.split(',').map(number).collect::<Result<Vec<f64>, _>>()?;
        let want = |n: usize| -> Result<(), QuantityError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(QuantityError::Syntax(format!(
                    "{name}(…) takes {n} numbers, found {}",
                    args.len()
                )))
            }
        };
        let d = match name.as_str() {
            "normal" => want(2).and_then(|_| Ok(Distribution::normal(args[0], args[1])?)),
            "lognormal" => want(2).and_then(|_| Ok(Distribution::lognormal(args[0], args[1])?)),
            "uniform" => want(2).and_then(|_| Ok(Distribution::uniform(args[0], args[1])?)),
            "beta" => want(2).and_then(|_| Ok(Distribution::beta(args[0], args[1])?)),
            "triangular" => {
                want(3).and_then(|_| Ok(Distribution::triangular(args[0], args[1], args[2])?))
            }
            "pert" => want(3).and_then(|_| Ok(Distribution::pert(args[0], args[1], args[2])?)),
            other => Err(QuantityError::Syntax(format!(
                "unknown distribution `{other}`; use normal, lognormal, uniform, triangular, pert or beta"
            ))),
        }?;
        return Ok(d);
    }
    Err(QuantityError::Syntax(format!(
        "`{t}` is not a number, an interval like \"2 to 8\" or a distribution like \"pert(1, 2, 5)\""
    )))
}

fn number(s: &str) -> Result<f64, QuantityError> {
    parse_number(s).ok_or_else(|| QuantityError::Syntax(format!("`{}` is not a number", s.trim())))
}

/// Splits `"a to b"` at the word `to`.
fn split_to(t: &str) -> Option<(&str, &str)> {
    let i = t.find(" to ")?;
    Some((&t[..i], &t[i + 4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number("200k"), Some(200_000.0));
        assert_eq!(parse_number("1.5M"), Some(1_500_000.0));
        assert_eq!(parse_number("5%"), Some(0.05));
        assert_eq!(parse_number("1_000"), Some(1000.0));
        assert_eq!(parse_number("-2.5e3"), Some(-2500.0));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("k"), None);
        assert_eq!(parse_number("1 2"), None);
    }

    #[test]
    fn distributions() {
        assert_eq!(parse_distribution("3").unwrap(), Distribution::Point { value: 3.0 });
        assert!(matches!(parse_distribution("2 to 8").unwrap(), Distribution::LogNormal { .. }));
        assert!(matches!(parse_distribution("-2 to 8").unwrap(), Distribution::Normal { .. }));
        assert_eq!(
            parse_distribution("pert(1, 2, 5)").unwrap(),
            Distribution::Pert { low: 1.0, mode: 2.0, high: 5.0 }
        );
        assert_eq!(
            parse_distribution("Beta(20, 80)").unwrap(),
            Distribution::Beta { alpha: 20.0, beta: 80.0 }
        );
        assert!(matches!(
            parse_distribution("8 to 2"),
            Err(QuantityError::Impossible(DistributionError::LowAboveHigh { .. }))
        ));
        assert!(matches!(parse_distribution("pert(1, 2)"), Err(QuantityError::Syntax(_))));
        assert!(matches!(parse_distribution("gamma(1, 2)"), Err(QuantityError::Syntax(_))));
        assert!(matches!(parse_distribution("lots"), Err(QuantityError::Syntax(_))));
        assert!(matches!(parse_distribution("normal(1, 2"), Err(QuantityError::Syntax(_))));
    }
}

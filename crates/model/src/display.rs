//! How numbers read in tables, pages and messages: one rule for every front end, so the terminal,
//! the report and the plan's explanations never disagree about the same figure.

/// Three significant digits with `k`/`M`/`G` from ten thousand on; whole numbers below ten
/// thousand without decimals; `—` for a value that is not a number, `∞` for an infinite one.
pub fn num(v: f64) -> String {
    match rounded(v) {
        Ok((x, digits, suffix)) => format!("{x:.digits$}{suffix}"),
        Err(special) => special.into(),
    }
}

/// The rule of [`num`] before the digits are written, for front ends that write them in
/// another language's digits and separators: the value scaled by its suffix, its number of
/// decimals and the suffix (`Ok((12.345, 1, "k"))` is `12.3k`), or the text of a value that
/// is not finite.
pub fn rounded(v: f64) -> Result<(f64, usize, &'static str), &'static str> {
    if v.is_nan() {
        return Err("—");
    }
    if v.is_infinite() {
        return Err(if v > 0.0 { "∞" } else { "-∞" });
    }
    // No "-0".
    let v = if v == 0.0 { 0.0 } else { v };
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let ax = x.abs();
    let digits = if (suffix.is_empty() && x == x.round()) || ax >= 100.0 {
        0
    } else if ax >= 10.0 {
        1
    } else if ax >= 1.0 {
        2
    } else {
        3
    };
    Ok((x, digits, suffix))
}

/// A share (`0.125`) as a percentage with at most one decimal: `12.5%`, `25%`; never `-0%`. The
/// one percent rule for every front end.
pub fn pct(share: f64) -> String {
    let v = (share * 1000.0).round() / 10.0;
    // No "-0%".
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v}%")
}

#[cfg(test)]
mod tests {
    use super::{num, pct};

    #[test]
    fn percentages() {
        for (v, s) in
            [(0.125, "12.5%"), (0.25, "25%"), (1.0, "100%"), (-0.0001, "0%"), (0.04449, "4.4%")]
        {
            assert_eq!(pct(v), s, "{v}");
        }
    }

    #[test]
    fn the_rule() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (3.0, "3"),
            (1234.0, "1234"),
            (3.25159, "3.25"),
            (0.05, "0.050"),
            (12.34, "12.3"),
            (123.4, "123"),
            (12_345.0, "12.3k"),
            (2_500_000.0, "2.50M"),
            (-1.5e10, "-15.0G"),
            (f64::NAN, "—"),
            (f64::INFINITY, "∞"),
        ];
        for (v, s) in cases {
            assert_eq!(num(v), s, "{v}");
        }
    }
}

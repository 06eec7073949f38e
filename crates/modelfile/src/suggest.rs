//! "Did you mean …?" for misspelt keys, words and ids.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > best.map_or(0.0, |b| b.1) {
            best = Some((c, score));
        }
    }
    // 0.8 keeps "nmae" → "name" and "levle" → "level" but drops unrelated words.
    best.filter(|b| b.1 >= 0.8).map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = ["id", "name", "level", "unit", "program"];
        assert_eq!(did_you_mean("nmae", keys), Some("name"));
        assert_eq!(did_you_mean("levle", keys), Some("level"));
        assert_eq!(did_you_mean("programme", keys), Some("program"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}

//! Every word translatable: the pages' words as messages in MediaWiki's i18n JSON format, with
//! plural forms and numbers per language from CLDR (ICU4X's compiled data).
//!
//! The message files live at the repository's root, `i18n/<code>.json` (`en.json` is the
//! source, `qqq.json` documents each message for translators), in the layout translatewiki.net
//! reads and writes: `{"@metadata": {...}, "throughline-…": "text"}`. They are embedded in the
//! binary and parsed once. A message is looked up in its language, then in English (MediaWiki's
//! fallback: a message not yet translated shows in English), and a key missing everywhere shows
//! as `⧼key⧽`, as MediaWiki shows it, never as an error.
//!
//! Call sites name keys as literals, `t!(lang, "throughline-…")`, so that a test can find every
//! key used in the sources and compare the set with `en.json` and `qqq.json`.
//!
//! Message syntax (MediaWiki's): `$1`…`$9` are parameters; `{{PLURAL:$1|one|other}}` chooses a
//! form by the language's CLDR plural category of `$1`, forms listed in CLDR's order (zero, one,
//! two, few, many, other; the last form stands for any category without one), and a form
//! `N=text` applies to exactly the number N.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use fixed_decimal::Decimal;
use icu_decimal::DecimalFormatter;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_locale_core::Locale;
pub use icu_plurals::PluralCategory;
use icu_plurals::PluralRules;

/// A language the pages can be shown in: one of [`Lang::all`]. English is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(usize);

/// A parameter of a message (`$1`, `$2`, …).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Text, inserted as it is (names from the model, numbers already formatted).
    Text(String),
    /// A count: chooses `{{PLURAL:}}` forms and is written in the language's digits.
    Count(i64),
    /// A place the caller fills itself (markup such as a link): [`Lang::pieces`] returns it as
    /// [`Piece::Slot`].
    Slot,
}

/// Part of a message whose parameters the caller renders (see [`Lang::pieces`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Text of the message (to be escaped by the caller).
    Text(String),
    /// Parameter number `n` (from 0) was an [`Arg::Slot`].
    Slot(usize),
}

/// Why a message file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MessagesError {
    /// The file is not JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The file is JSON but not an object of strings.
    #[error("the value of {0:?} is not a string")]
    NotText(String),
}

/// A shipped language: its code, its name in itself, its direction and its messages.
struct Language {
    code: &'static str,
    autonym: &'static str,
    rtl: bool,
    file: &'static str,
}

/// The shipped languages, English first (the source and the fallback). Adding a language is
/// one line here and its file in `i18n/`.
const LANGUAGES: [Language; 3] = [
    Language {
        code: "en",
        autonym: "English",
        rtl: false,
        file: include_str!("../../../i18n/en.json"),
    },
    Language {
        code: "de",
        autonym: "Deutsch",
        rtl: false,
        file: include_str!("../../../i18n/de.json"),
    },
    Language {
        code: "ar",
        autonym: "العربية",
        rtl: true,
        file: include_str!("../../../i18n/ar.json"),
    },
];

/// The message documentation (`qqq` is MediaWiki's code for it), for the tests and tools.
pub const DOCUMENTATION: &str = include_str!("../../../i18n/qqq.json");

/// What each language needs at run time, built once.
struct Loaded {
    messages: BTreeMap<String, String>,
    plurals: Option<PluralRules>,
    decimals: Option<DecimalFormatter>,
}

static LOADED: LazyLock<Vec<Loaded>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|l| {
            let locale: Option<Locale> = l.code.parse().ok();
            let plurals =
                locale.as_ref().and_then(|loc| PluralRules::try_new_cardinal(loc.into()).ok());
            let mut options = DecimalFormatterOptions::default();
            // No separator in four-digit numbers (English "1234", as the report always wrote
            // them), the locale's own from five digits on.
            options.grouping_strategy = Some(GroupingStrategy::Min2);
            let decimals =
                locale.as_ref().and_then(|loc| DecimalFormatter::try_new(loc.into(), options).ok());
            // A broken file (the tests refuse one) leaves the language showing English.
            Loaded { messages: parse(l.file).unwrap_or_default(), plurals, decimals }
        })
        .collect()
});

/// The messages of a file in MediaWiki's format, without `@metadata`.
pub fn parse(json: &str) -> Result<BTreeMap<String, String>, MessagesError> {
    let all: BTreeMap<String, serde_json::Value> = serde_json::from_str(json)?;
    let mut out = BTreeMap::new();
    for (k, v) in all {
        if k.starts_with('@') {
            continue;
        }
        match v {
            serde_json::Value::String(s) => {
                out.insert(k, s);
            }
            _ => return Err(MessagesError::NotText(k)),
        }
    }
    Ok(out)
}

impl Lang {
    /// English: the source language and every message's fallback.
    pub const EN: Lang = Lang(0);

    /// Every shipped language, English first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(Lang)
    }

    fn language(self) -> &'static Language {
        &LANGUAGES[self.0]
    }

    fn loaded(self) -> &'static Loaded {
        &LOADED[self.0]
    }

    /// The language's code (`de`), for `lang=`, `?uselang=` and file names.
    pub fn code(self) -> &'static str {
        self.language().code
    }

    /// The language's name in itself (`Deutsch`), for the language picker.
    pub fn autonym(self) -> &'static str {
        self.language().autonym
    }

    /// The writing direction, as HTML's `dir` attribute wants it: `ltr` or `rtl`.
    pub fn dir(self) -> &'static str {
        if self.language().rtl { "rtl" } else { "ltr" }
    }

    /// The raw message file of the language (for the tests).
    pub fn file(self) -> &'static str {
        self.language().file
    }

    /// The shipped language for a code, following MediaWiki's fallback by dropping subtags
    /// (`de-at` → `de`, `ar-EG` → `ar`); case does not matter. `None` when none fits.
    pub fn from_code(code: &str) -> Option<Lang> {
        let mut code = code.trim().to_ascii_lowercase().replace('_', "-");
        loop {
            if let Some(i) = LANGUAGES.iter().position(|l| l.code == code) {
                return Some(Lang(i));
            }
            let cut = code.rfind('-')?;
            code.truncate(cut);
        }
    }

    /// The best shipped language for an HTTP `Accept-Language` header (by its `q` weights,
    /// ties in the header's order), `None` when none is acceptable.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut wanted: Vec<(f32, usize, &str)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(at, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0 && !tag.is_empty() && tag != "*").then_some((q, at, tag))
            })
            .collect();
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        wanted.iter().find_map(|(_, _, tag)| Lang::from_code(tag))
    }

    /// The text of message `key` before its parameters are filled: the language's own, else
    /// English, else `⧼key⧽`.
    pub fn raw(self, key: &str) -> std::borrow::Cow<'static, str> {
        let own = self.loaded().messages.get(key);
        match own.or_else(|| Lang::EN.loaded().messages.get(key)) {
            Some(text) => std::borrow::Cow::Borrowed(text.as_str()),
            None => std::borrow::Cow::Owned(format!("⧼{key}⧽")),
        }
    }

    /// Whether the language itself has message `key` (no fallback).
    pub fn has(self, key: &str) -> bool {
        self.loaded().messages.contains_key(key)
    }

    /// The keys of the language's own messages.
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        self.loaded().messages.keys().map(String::as_str)
    }

    /// Message `key` with its parameters filled. Use the [`t!`] macro at call sites.
    pub fn msg(self, key: &str, args: &[Arg]) -> String {
        self.pieces(key, args)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Slot(n) => format!("${}", n + 1),
            })
            .collect()
    }

    /// Message `key` with its parameters filled, as text pieces and the [`Arg::Slot`]s the
    /// caller fills (the page layer puts markup there).
    pub fn pieces(self, key: &str, args: &[Arg]) -> Vec<Piece> {
        let raw = self.raw(key);
        let mut out = Vec::new();
        self.expand(&raw, args, &mut out);
        out
    }

    /// A message text that is not in the files (the tests' own templates) expanded like one.
    pub fn expand_text(self, template: &str, args: &[Arg]) -> Vec<String> {
        let mut out = Vec::new();
        self.expand(template, args, &mut out);
        out.into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Slot(n) => format!("${}", n + 1),
            })
            .collect()
    }

    /// `template` with its `{{PLURAL:}}`s chosen and parameters filled, appended to `out`.
    fn expand(self, template: &str, args: &[Arg], out: &mut Vec<Piece>) {
        let mut text = String::new();
        let mut rest = template;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("{{PLURAL:")
                && let Some(end) = after.find("}}")
            {
                let form = self.plural_form(&after[..end], args);
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                self.expand(form, args, out);
                rest = &after[end + 2..];
                continue;
            }
            if c == '$' {
                let digits = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
                let n = rest[1..1 + digits].parse::<usize>().ok().filter(|&n| n >= 1);
                if let Some(arg) = n.and_then(|n| args.get(n - 1)) {
                    match arg {
                        Arg::Text(t) => text.push_str(t),
                        Arg::Count(k) => text.push_str(&self.int(*k)),
                        Arg::Slot => {
                            if !text.is_empty() {
                                out.push(Piece::Text(std::mem::take(&mut text)));
                            }
                            out.push(Piece::Slot(n.unwrap_or(1) - 1));
                        }
                    }
                    rest = &rest[1 + digits..];
                    continue;
                }
            }
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
    }

    /// The form of `{{PLURAL:inner}}` (`inner` is `$1|one|other`) for its count.
    fn plural_form<'t>(self, inner: &'t str, args: &[Arg]) -> &'t str {
        let mut parts = inner.split('|');
        let subject = parts.next().unwrap_or("").trim();
        let forms: Vec<&str> = parts.collect();
        let count = subject
            .strip_prefix('$')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| args.get(n.checked_sub(1)?))
            .map_or_else(
                || subject.parse::<f64>().ok(),
                |a| match a {
                    Arg::Count(k) => Some(*k as f64),
                    Arg::Text(t) => t.trim().parse::<f64>().ok(),
                    Arg::Slot => None,
                },
            )
            .unwrap_or(0.0);
        // Explicit forms (`0=none`) first, then the language's categories in CLDR order.
        let (explicit, by_category): (Vec<&str>, Vec<&str>) =
            forms.iter().partition(|f| explicit_form(f).is_some());
        if let Some(form) = explicit
            .iter()
            .find_map(|f| explicit_form(f).filter(|(n, _)| *n == count).map(|(_, text)| text))
        {
            return form;
        }
        let at = self.categories().iter().position(|&c| c == self.category(count)).unwrap_or(0);
        by_category.get(at).or(by_category.last()).copied().unwrap_or("")
    }

    /// The CLDR plural categories of the language, in CLDR's order (the order of
    /// `{{PLURAL:}}` forms).
    pub fn categories(self) -> Vec<PluralCategory> {
        match &self.loaded().plurals {
            Some(rules) => rules.categories().collect(),
            None => vec![PluralCategory::One, PluralCategory::Other],
        }
    }

    /// The CLDR plural category of a number in this language.
    pub fn category(self, count: f64) -> PluralCategory {
        let Some(rules) = &self.loaded().plurals else {
            return if count == 1.0 { PluralCategory::One } else { PluralCategory::Other };
        };
        match self.decimal_of(count, None) {
            Some(d) => rules.category_for(&d),
            None => PluralCategory::Other,
        }
    }

    /// A whole number in the language's digits and separators (`12,345`, `12.345`, `١٢٬٣٤٥`).
    pub fn int(self, n: i64) -> String {
        self.format(Decimal::from(n))
    }

    /// A number with `digits` decimals in the language's digits and separators (`0.25`,
    /// `0,25`, `٠٫٢٥`); `—` for a value that is not a number, `∞` for an infinite one.
    pub fn decimal(self, x: f64, digits: usize) -> String {
        if x.is_nan() {
            return "—".into();
        }
        if x.is_infinite() {
            return if x > 0.0 { "∞".into() } else { "-∞".into() };
        }
        match self.decimal_of(x, Some(digits)) {
            Some(d) => self.format(d),
            None => format!("{x:.digits$}"),
        }
    }

    fn decimal_of(self, x: f64, digits: Option<usize>) -> Option<Decimal> {
        let text = match digits {
            Some(digits) => format!("{x:.digits$}"),
            None => format!("{x}"),
        };
        text.parse::<Decimal>().ok()
    }

    fn format(self, d: Decimal) -> String {
        match &self.loaded().decimals {
            Some(f) => f.format(&d).to_string(),
            None => d.to_string(),
        }
    }
}

/// `N=text` (a form for exactly the number N) as (N, text).
fn explicit_form(form: &str) -> Option<(f64, &str)> {
    let (n, text) = form.split_once('=')?;
    Some((n.trim().parse::<f64>().ok()?, text))
}

/// The parameters of a message as they appear in it: `$1` → 1, each once, sorted (for the
/// tests that compare translations with English).
pub fn parameters(text: &str) -> Vec<usize> {
    let mut found: Vec<usize> = text
        .match_indices('$')
        .filter_map(|(at, _)| {
            let digits: String = text[at + 1..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The `{{PLURAL:…}}` of a message: for each, its forms that are not explicit (`N=`).
pub fn plural_forms(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{PLURAL:") {
        let after = &rest[at + "{{PLURAL:".len()..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].split('|').skip(1).filter(|f| explicit_form(f).is_none()).collect());
        rest = &after[end + 2..];
    }
    out
}

/// Message `key` (a `throughline-…` literal) in `lang`, parameters after it:
/// `t!(lang, "throughline-…", n)`. Each parameter becomes an [`Arg`] by `Into`: text as
/// is, integers as counts (plural forms, the language's digits).
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:literal $(, $arg:expr)* $(,)?) => {
        $crate::Lang::msg($lang, $key, &[$($crate::Arg::from($arg)),*])
    };
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Count(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
count_from!(usize, u64);

macro_rules! count_from_small {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Count(i64::from(n))
            }
        }
    )*};
}
count_from_small!(u32, i64, i32);

use std::fmt;

use serde::Serialize;

/// A model-wide identifier such as `new_readers` or `sdc-query-service`.
///
/// Ids are how files refer to each other, so they are restricted to a shape that survives
/// URLs, file names, wikitext and diagram formats unchanged.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(String);

/// Why a string is not a valid [`Id`] or [`TrackerRef`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string was empty.
    #[error("an id cannot be empty")]
    Empty,
    /// The first character was not a lowercase ASCII letter.
    #[error("an id must start with a lowercase letter (a-z), found {0:?}")]
    BadStart(char),
    /// A character outside `a-z`, `0-9`, `_` and `-`.
    #[error("an id may only contain a-z, 0-9, '_' and '-', found {0:?}")]
    BadChar(char),
    /// Not of the form `T` followed by digits.
    #[error("a Phabricator task id is 'T' followed by digits, like T123456")]
    BadTracker,
}

impl Id {
    /// Checks the id shape: a lowercase letter, then lowercase letters, digits, `_` or `-`.
    pub fn parse(s: &str) -> Result<Id, IdError> {
        let mut chars = s.chars();
        let first = chars.next().ok_or(IdError::Empty)?;
        if !first.is_ascii_lowercase() {
            return Err(IdError::BadStart(first));
        }
        if let Some(bad) = chars
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-'))
        {
            return Err(IdError::BadChar(bad));
        }
        Ok(Id(s.to_owned()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A Phabricator task reference such as `T123456`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TrackerRef(String);

impl TrackerRef {
    /// Accepts `T` followed by one or more digits.
    pub fn parse(s: &str) -> Result<TrackerRef, IdError> {
        match s.strip_prefix('T') {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(TrackerRef(s.to_owned()))
            }
            _ => Err(IdError::BadTracker),
        }
    }

    /// The reference as written, e.g. `T123456`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of an item of the plan's structure, as organisations write it: a bucket (`WE`), an
/// objective (`WE1`), a key result (`WE1.1`) or a hypothesis (`WE1.1.3`).
///
/// Plans are read and discussed by these codes, so they keep their case and their dots; that is
/// why they are not [`Id`]s. They have their own namespace (checked by the planning rules), and
/// are still restricted to a shape that survives URLs and wikitext: a letter, then letters,
/// digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PlanCode(String);

/// Why a string is not a valid [`PlanCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanCodeError {
    /// The string was empty.
    #[error("a plan id cannot be empty")]
    Empty,
    /// The first character was not an ASCII letter.
    #[error("a plan id must start with a letter, found {0:?}")]
    BadStart(char),
    /// A character outside letters, digits, `.`, `_` and `-`.
    #[error("a plan id may only contain letters, digits, '.', '_' and '-', found {0:?}")]
    BadChar(char),
}

impl PlanCode {
    /// Checks the shape: a letter, then letters, digits, `.`, `_` or `-`.
    pub fn parse(s: &str) -> Result<PlanCode, PlanCodeError> {
        let mut chars = s.chars();
        let first = chars.next().ok_or(PlanCodeError::Empty)?;
        if !first.is_ascii_alphabetic() {
            return Err(PlanCodeError::BadStart(first));
        }
        if let Some(bad) =
            chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(PlanCodeError::BadChar(bad));
        }
        Ok(PlanCode(s.to_owned()))
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(Id::parse("new_readers").is_ok());
        assert!(Id::parse("sdc-query-service2").is_ok());
        assert_eq!(Id::parse(""), Err(IdError::Empty));
        assert_eq!(Id::parse("New"), Err(IdError::BadStart('N')));
        assert_eq!(Id::parse("1abc"), Err(IdError::BadStart('1')));
        assert_eq!(Id::parse("a b"), Err(IdError::BadChar(' ')));
    }

    #[test]
    fn plan_codes() {
        assert!(PlanCode::parse("WE1.1.3").is_ok());
        assert!(PlanCode::parse("sds2").is_ok());
        assert_eq!(PlanCode::parse(""), Err(PlanCodeError::Empty));
        assert_eq!(PlanCode::parse("1.1"), Err(PlanCodeError::BadStart('1')));
        assert_eq!(PlanCode::parse("WE 1"), Err(PlanCodeError::BadChar(' ')));
    }

    #[test]
    fn tracker_refs() {
        assert!(TrackerRef::parse("T123456").is_ok());
        assert!(TrackerRef::parse("T").is_err());
        assert!(TrackerRef::parse("123").is_err());
        assert!(TrackerRef::parse("T12a").is_err());
    }
}

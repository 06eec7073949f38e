//! Consultation: rounds on a program or plan, comments, endorsements, concerns and proposals,
//! and the organiser's summary.

use std::collections::BTreeMap;

use rusqlite::params;
use serde::Serialize;

use crate::{Workspace, WorkspaceError};

/// What a contribution is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A remark.
    Comment,
    /// Support.
    Endorse,
    /// A worry to address.
    Concern,
    /// A program proposed on top of the tools.
    Proposal,
}

impl Kind {
    /// The stored name.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Comment => "comment",
            Kind::Endorse => "endorse",
            Kind::Concern => "concern",
            Kind::Proposal => "proposal",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Comment, Kind::Endorse, Kind::Concern, Kind::Proposal]
            .into_iter()
            .find(|k| k.key() == s)
    }
}

/// A consultation round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// What it is about: a program id or `plan`.
    pub scope: String,
    /// Title.
    pub title: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub opened_at: String,
    /// When it closed, if it did.
    pub closed_at: Option<String>,
}

/// A contribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contribution {
    /// Id.
    pub id: i64,
    /// The round, if in one.
    pub round: Option<i64>,
    /// The node, initiative or program it is about.
    pub target: String,
    /// Kind.
    pub kind: Kind,
    /// Text.
    pub body: String,
    /// Who.
    pub author: String,
    /// When.
    pub at: String,
}

/// What a round produced, per target.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TargetSummary {
    /// Counts by kind.
    pub counts: BTreeMap<String, usize>,
    /// The concerns, to answer.
    pub concerns: Vec<String>,
}

impl Workspace {
    /// Opens a round.
    pub fn open_round(
        &mut self,
        scope: &str,
        title: &str,
        by: &str,
    ) -> Result<Round, WorkspaceError> {
        if title.trim().is_empty() {
            return Err(WorkspaceError::Invalid("a round needs a title".into()));
        }
        let at = measure::now_utc();
        self.conn().execute(
            "INSERT INTO round (scope, title, opened_by, opened_at) VALUES (?1, ?2, ?3, ?4)",
            params![scope, title.trim(), by, at],
        )?;
        Ok(Round {
            id: self.conn().last_insert_rowid(),
            scope: scope.into(),
            title: title.trim().into(),
            opened_by: by.into(),
            opened_at: at,
            closed_at: None,
        })
    }

    /// Every round, newest first.
    pub fn rounds(&self) -> Result<Vec<Round>, WorkspaceError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, scope, title, opened_by, opened_at, closed_at FROM round ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Round {
                id: r.get(0)?,
                scope: r.get(1)?,
                title: r.get(2)?,
                opened_by: r.get(3)?,
                opened_at: r.get(4)?,
                closed_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a contribution (to an open round, or outside any round).
    pub fn contribute(
        &mut self,
        round: Option<i64>,
        target: &str,
        kind: Kind,
        body: &str,
        author: &str,
    ) -> Result<Contribution, WorkspaceError> {
        let body = body.trim();
        if body.is_empty() && kind != Kind::Endorse {
            return Err(WorkspaceError::Invalid("write what you want to say".into()));
        }
        if body.chars().count() > 10_000 {
            return Err(WorkspaceError::Invalid("keep it under 10,000 characters".into()));
        }
        if let Some(r) = round {
            let open: Option<Option<String>> = self
                .conn()
                .query_row("SELECT closed_at FROM round WHERE id = ?1", [r], |row| row.get(0))
                .ok();
            match open {
                None => return Err(WorkspaceError::NotFound(format!("round {r}"))),
                Some(Some(_)) => {
                    return Err(WorkspaceError::Invalid(format!("round {r} is closed")));
                }
                Some(None) => {}
            }
        }
        let at = measure::now_utc();
        self.conn().execute(
            "INSERT INTO comment (round, target, kind, body, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![round, target, kind.key(), body, author, at],
        )?;
        Ok(Contribution {
            id: self.conn().last_insert_rowid(),
            round,
            target: target.into(),
            kind,
            body: body.into(),
            author: author.into(),
            at,
        })
    }

    /// Contributions about a target (or all, for `None`), oldest first.
    pub fn contributions(&self, target: Option<&str>) -> Result<Vec<Contribution>, WorkspaceError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, round, target, kind, body, author, at FROM comment
             WHERE ?1 IS NULL OR target = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([target], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, round, target, kind, body, author, at) = row?;
            if let Some(kind) = Kind::parse(&kind) {
                out.push(Contribution { id, round, target, kind, body, author, at });
            }
        }
        Ok(out)
    }

    /// The organiser's summary of a round: per target, counts by kind and the concerns.
    pub fn round_summary(
        &self,
        round: i64,
    ) -> Result<BTreeMap<String, TargetSummary>, WorkspaceError> {
        let mut out: BTreeMap<String, TargetSummary> = BTreeMap::new();
        for c in self.contributions(None)?.into_iter().filter(|c| c.round == Some(round)) {
            let s = out.entry(c.target.clone()).or_default();
            *s.counts.entry(c.kind.key().to_string()).or_insert(0) += 1;
            if c.kind == Kind::Concern {
                s.concerns.push(format!("{}: {}", c.author, c.body));
            }
        }
        Ok(out)
    }

    /// Closes a round.
    pub fn close_round(&mut self, round: i64) -> Result<(), WorkspaceError> {
        let n = self.conn().execute(
            "UPDATE round SET closed_at = ?1 WHERE id = ?2 AND closed_at IS NULL",
            params![measure::now_utc(), round],
        )?;
        if n == 0 {
            return Err(WorkspaceError::NotFound(format!("open round {round}")));
        }
        Ok(())
    }
}

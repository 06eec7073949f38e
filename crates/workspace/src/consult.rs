//! Consultation: rounds on a program or plan, comments, endorsements, concerns and proposals,
//! and the organiser's summary.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::Exec;
use crate::{Workspace, WorkspaceError, bounded, limits};

/// The scope of a round on the whole plan, and a contribution about the plan.
pub const PLAN: &str = "plan";

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
        bounded("a round's title", title.trim(), limits::TITLE)?;
        bounded("a round's scope", scope, limits::ID)?;
        if scope != PLAN {
            let model = self.checked()?.model;
            if !model.programs.iter().any(|p| p.id.as_str() == scope) {
                return Err(WorkspaceError::Invalid(format!(
                    "a round is on a program of the model or on `{PLAN}`; there is no program `{scope}`"
                )));
            }
        }
        let at = measure::now_utc();
        let id = self
            .db()
            .row(
                "INSERT INTO round (scope, title, opened_by, opened_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[scope.into(), title.trim().into(), by.into(), at.as_str().into()],
            )?
            .and_then(|r| r[0].int())
            .ok_or_else(|| WorkspaceError::Invalid("the database returned no round id".into()))?;
        Ok(Round {
            id,
            scope: scope.into(),
            title: title.trim().into(),
            opened_by: by.into(),
            opened_at: at,
            closed_at: None,
        })
    }

    /// Every round, newest first.
    pub fn rounds(&self) -> Result<Vec<Round>, WorkspaceError> {
        let rows = self.db().query(
            "SELECT id, scope, title, opened_by, opened_at, closed_at FROM round ORDER BY id DESC",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Round {
                id: r[0].int().unwrap_or_default(),
                scope: r[1].text().unwrap_or_default(),
                title: r[2].text().unwrap_or_default(),
                opened_by: r[3].text().unwrap_or_default(),
                opened_at: r[4].text().unwrap_or_default(),
                closed_at: r[5].text(),
            })
            .collect())
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
        if body.chars().count() > limits::COMMENT {
            return Err(WorkspaceError::Invalid(format!(
                "keep it under {} characters",
                limits::COMMENT
            )));
        }
        bounded("the target", target, limits::ID)?;
        if target != PLAN {
            let m = self.checked()?.model;
            let known = m.nodes.iter().any(|n| n.id.as_str() == target)
                || m.initiatives.iter().any(|i| i.id.as_str() == target)
                || m.programs.iter().any(|p| p.id.as_str() == target);
            if !known {
                return Err(WorkspaceError::Invalid(format!(
                    "there is no node, initiative or program `{target}` in the model to comment on"
                )));
            }
        }
        if let Some(r) = round {
            match self.db().row("SELECT closed_at FROM round WHERE id = $1", &[r.into()])? {
                None => return Err(WorkspaceError::NotFound(format!("round {r}"))),
                Some(row) if row[0].text().is_some() => {
                    return Err(WorkspaceError::Invalid(format!("round {r} is closed")));
                }
                Some(_) => {}
            }
        }
        let at = measure::now_utc();
        let id = self
            .db()
            .row(
                "INSERT INTO comment (round, target, kind, body, author, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[round.into(), target.into(), kind.key().into(), body.into(), author.into(), at.as_str().into()],
            )?
            .and_then(|r| r[0].int())
            .ok_or_else(|| WorkspaceError::Invalid("the database returned no comment id".into()))?;
        Ok(Contribution {
            id,
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
        let rows = self.db().query(
            "SELECT id, round, target, kind, body, author, at FROM comment
             WHERE CAST($1 AS TEXT) IS NULL OR target = $1 ORDER BY id",
            &[target.into()],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(Contribution {
                    id: r[0].int()?,
                    round: r[1].int(),
                    target: r[2].text()?,
                    kind: Kind::parse(&r[3].text()?)?,
                    body: r[4].text()?,
                    author: r[5].text()?,
                    at: r[6].text()?,
                })
            })
            .collect())
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
        let n = self.db().exec(
            "UPDATE round SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL",
            &[measure::now_utc().into(), round.into()],
        )?;
        if n == 0 {
            return Err(WorkspaceError::NotFound(format!("open round {round}")));
        }
        Ok(())
    }
}

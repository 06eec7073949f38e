//! `throughline serve`: the planning workspace in the browser.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use workspace::{Role, Workspace};

use crate::commands::EXIT_FAILURE;

pub struct Options {
    pub db: Option<PathBuf>,
    pub addr: String,
    pub samples: usize,
    pub admin: Option<String>,
    pub export: Option<PathBuf>,
    pub take_folder: bool,
    pub secure_cookies: bool,
    pub oauth_base: Option<String>,
    pub oauth_client_id: Option<String>,
    pub public_url: Option<String>,
}

pub fn run(dir: &Path, opts: Options) -> anyhow::Result<ExitCode> {
    let db = match opts.db {
        Some(p) => p,
        None => {
            let hidden = dir.join(".throughline");
            std::fs::create_dir_all(&hidden)
                .with_context(|| format!("creating {}", hidden.display()))?;
            hidden.join("workspace.sqlite")
        }
    };
    let mut ws = Workspace::open(&db)?;
    // The folder and the workspace stay one model: what changed on disk since the last import
    // or export comes in as revisions; what changed on both sides is named, not dropped.
    let sync = ws.sync_with_folder(dir, "folder", opts.take_folder)?;
    if !sync.taken.is_empty() {
        eprintln!(
            "took {} file(s) changed in {} into {}: {}",
            sync.taken.len(),
            dir.display(),
            db.display(),
            sync.taken.join(", ")
        );
    }
    for path in &sync.conflicts {
        eprintln!(
            "warning: {path} changed both in {} and in the workspace since the last import; \
             the workspace keeps its text. To keep the workspace's: `throughline serve {0} \
             --export {0}`; to take the folder's: restart with --take-folder (the workspace's \
             text stays in the history)",
            dir.display()
        );
    }
    if let Some(out) = &opts.export {
        let home = |p: &Path| std::fs::canonicalize(p).ok();
        let n = if home(out).is_some() && home(out) == home(dir) {
            ws.export_to_folder(out)?
        } else {
            ws.export_dir(out)?
        };
        println!("wrote {n} files to {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(name) = &opts.admin {
        let exists = ws.accounts()?.iter().any(|a| &a.name == name);
        if !exists {
            let Ok(password) = std::env::var("THROUGHLINE_ADMIN_PASSWORD") else {
                eprintln!(
                    "error: set THROUGHLINE_ADMIN_PASSWORD to create the admin account `{name}`"
                );
                return Ok(ExitCode::from(EXIT_FAILURE));
            };
            ws.create_account(name, Role::Admin, &password)?;
            eprintln!("created the admin account `{name}`");
        }
    }
    let samples = opts.samples.max(2);
    let oauth = match (opts.oauth_base, opts.oauth_client_id, opts.public_url) {
        (Some(base), Some(client_id), Some(public)) => {
            let Ok(client_secret) = std::env::var("THROUGHLINE_OAUTH_SECRET") else {
                eprintln!("error: set THROUGHLINE_OAUTH_SECRET to the OAuth consumer's secret");
                return Ok(ExitCode::from(EXIT_FAILURE));
            };
            let redirect_uri = format!("{}/oauth/callback", public.trim_end_matches('/'));
            Some(server::OAuth { base, client_id, client_secret, redirect_uri })
        }
        _ => None,
    };
    let measured = std::sync::Arc::new(FolderData { dir: dir.to_path_buf() });
    let state = server::AppState::new(ws, samples, opts.secure_cookies, measured, oauth);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&opts.addr)
            .await
            .with_context(|| format!("listening on {}", opts.addr))?;
        println!("serving {} on http://{}/ (Ctrl-C stops)", dir.display(), listener.local_addr()?);
        tokio::select! {
            r = server::serve(listener, state) => r.context("serving")?,
            _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The model folder's measurements (store, CSV files, dumps), read afresh whenever the pages
/// are built: the check-in, evaluation and community pages follow the current revision and the
/// current data.
struct FolderData {
    dir: PathBuf,
}

impl server::MeasuredSource for FolderData {
    fn fingerprint(&self) -> u64 {
        analysis::fingerprint(&self.dir)
    }

    fn measured(&self, model: &model::Model) -> report::Measured {
        let mut notes = Vec::new();
        let measured = analysis::Measured::of_folder(&self.dir, model, &mut notes);
        crate::commands::print_notes(&notes);
        measured.unwrap_or_else(|e| {
            eprintln!("warning: the measured pages are empty: {e}");
            report::Measured::default()
        })
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), server::MoveError> {
        let failed = |e: measure::StoreError| server::MoveError::Failed(e.to_string());
        // A folder without a store has nothing to move; opening must not create one.
        let Some(mut store) = measure::Store::open_existing_in(&self.dir).map_err(failed)? else {
            return Ok(());
        };
        match store.rename(from, to) {
            Ok(_) => Ok(()),
            Err(measure::StoreError::Taken(_)) => Err(server::MoveError::Taken),
            Err(e) => Err(failed(e)),
        }
    }
}

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
    if ws.files()?.is_empty() {
        let n = ws.import_dir(dir, "import")?;
        eprintln!("imported {n} model files from {} into {}", dir.display(), db.display());
    }
    if let Some(out) = &opts.export {
        let n = ws.export_dir(out)?;
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
    // The check-in and evaluations come from the folder's measurement store (local files only).
    let checked = ws.checked()?;
    let measured = if checked.is_ok() {
        crate::commands::report::measured(dir, &checked.model)?
    } else {
        report::Measured::default()
    };
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

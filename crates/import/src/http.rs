//! The HTTP client every importer uses.

use std::time::Duration;

/// How the client behaves. The defaults suit the public Wikimedia APIs; tests shorten the
/// waits.
#[derive(Clone, Debug)]
pub struct Config {
    /// Sent with every request, as the Wikimedia User-Agent policy asks.
    pub user_agent: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Attempts in all (1 = no retry).
    pub attempts: u32,
    /// First backoff; doubles per retry, capped at 60 s, unless `Retry-After` says otherwise.
    pub backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: format!(
                "throughline/{} (https://github.com/throughline-impact/throughline; impact planning for Wikimedia) ureq/3",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
            attempts: 5,
            backoff: Duration::from_millis(500),
        }
    }
}

/// Why a request failed after its retries.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No answer (connection refused, timeout, TLS, a connection dropped mid-response).
    #[error("{url}: {why} (after {attempts} attempts)")]
    Transport {
        /// The request.
        url: String,
        /// What went wrong.
        why: String,
        /// Attempts made.
        attempts: u32,
    },
    /// Still throttled or failing after every retry.
    #[error("{url}: HTTP {status} after {attempts} attempts{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Exhausted {
        /// The request.
        url: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The last body's message, if any.
        detail: Option<String>,
    },
    /// A status that retrying will not fix (400, 403, 404, …).
    #[error("{url}: HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status {
        /// The request.
        url: String,
        /// The status.
        status: u16,
        /// The body's message, if any.
        detail: Option<String>,
    },
}

/// A response body that arrived whole.
#[derive(Debug)]
pub struct Reply {
    /// Status code (2xx).
    pub status: u16,
    /// The body.
    pub body: String,
}

/// A client with retries.
pub struct Client {
    agent: ureq::Agent,
    config: Config,
    /// Waits taken (for progress output and tests).
    pub retries: u32,
}

/// A request to send.
pub enum Request<'a> {
    /// GET a URL.
    Get(&'a str),
    /// POST a form.
    Form(&'a str, &'a [(String, String)]),
}

impl Client {
    /// A client with `config`.
    pub fn new(config: Config) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .user_agent(config.user_agent.as_str())
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Client { agent, config, retries: 0 }
    }

    /// Sends `req`, retrying transport errors, 429 and 5xx with backoff.
    pub fn send(&mut self, req: &Request<'_>) -> Result<Reply, HttpError> {
        let url = match req {
            Request::Get(u) | Request::Form(u, _) => (*u).to_string(),
        };
        let mut wait = self.config.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match req {
                Request::Get(u) => self.agent.get(*u).header("Accept", "application/json").call(),
                Request::Form(u, form) => self
                    .agent
                    .post(*u)
                    .header("Accept", "application/json")
                    .send_form(form.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            };
            let last = attempt >= self.config.attempts;
            match result {
                Err(e) => {
                    if last || !transient(&e) {
                        return Err(HttpError::Transport {
                            url,
                            why: explain_transport(&e),
                            attempts: attempt,
                        });
                    }
                }
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = resp.body_mut().read_to_string();
                    match (status, body) {
                        (200..=299, Ok(body)) => return Ok(Reply { status, body }),
                        (200..=299, Err(e)) => {
                            // The connection dropped mid-body: a transport failure.
                            if last {
                                return Err(HttpError::Transport {
                                    url,
                                    why: format!("the response was cut off: {e}"),
                                    attempts: attempt,
                                });
                            }
                        }
                        (429 | 500..=599, body) => {
                            if last {
                                return Err(HttpError::Exhausted {
                                    url,
                                    status,
                                    attempts: attempt,
                                    detail: body.ok().and_then(|b| detail(&b)),
                                });
                            }
                            if let Some(ra) = retry_after {
                                wait = ra.min(Duration::from_secs(120));
                            }
                        }
                        (_, body) => {
                            return Err(HttpError::Status {
                                url,
                                status,
                                detail: body.ok().and_then(|b| detail(&b)),
                            });
                        }
                    }
                }
            }
            self.retries += 1;
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(60));
        }
    }
}

/// Whether waiting could fix a transport error. A name that does not resolve or a network that
/// is unreachable will not come back within a backoff, so `import` without network fails at
/// once with a hint instead of spending half a minute in retries.
fn transient(e: &ureq::Error) -> bool {
    use std::io::ErrorKind;
    match e {
        ureq::Error::HostNotFound | ureq::Error::BadUri(_) | ureq::Error::RequireHttpsOnly(_) => {
            false
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => false,
        ureq::Error::Io(io) => {
            !lookup_failed(e)
                && !matches!(
                    io.kind(),
                    ErrorKind::NetworkUnreachable
                        | ErrorKind::HostUnreachable
                        | ErrorKind::NotFound
                )
        }
        _ => true,
    }
}

/// The resolver's failure: ureq reports it as `HostNotFound` or as an I/O error from
/// `getaddrinfo` ("failed to lookup address information: …").
fn lookup_failed(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::HostNotFound => true,
        ureq::Error::Io(io) => io.to_string().contains("failed to lookup address"),
        _ => false,
    }
}

/// A transport error in words, with what to do about the usual cause.
fn explain_transport(e: &ureq::Error) -> String {
    match e {
        e if lookup_failed(e) => {
            "the host name does not resolve (no network, or a typo in the URL); check the \
             connection, or import local CSV sources only"
                .to_string()
        }
        other => other.to_string(),
    }
}

/// The human part of an error body: `detail` or `title` of a problem+json document,
/// `error_info` of Conduit, else the start of the text.
fn detail(body: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        for key in ["detail", "title", "error_info", "message"] {
            if let Some(s) = v.get(key).and_then(|s| s.as_str()) {
                return Some(s.to_string());
            }
        }
    }
    let t = body.trim();
    (!t.is_empty()).then(|| t.chars().take(200).collect())
}

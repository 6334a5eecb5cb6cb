//! HTTP GET with limits enforced while the body streams in.

use std::io::Read;
use std::time::{Duration, Instant};

use super::{RepoConfig, RepoError};

pub(crate) struct Http {
    client: reqwest::blocking::Client,
    timeout: Duration,
}

/// The causes behind a reqwest error (its own text repeats the URL, which our messages
/// already carry).
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = c.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

fn classify(e: reqwest::Error, url: &str) -> RepoError {
    let reason = causes(&e);
    if e.is_timeout() {
        RepoError::Timeout {
            url: url.to_string(),
            reason,
        }
    } else if e.is_connect() {
        RepoError::Unreachable {
            url: url.to_string(),
            reason,
        }
    } else {
        RepoError::Transfer {
            url: url.to_string(),
            reason,
        }
    }
}

fn io_is_timeout(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|x| x as _);
    while let Some(c) = cur {
        if let Some(r) = c.downcast_ref::<reqwest::Error>()
            && r.is_timeout()
        {
            return true;
        }
        cur = c.source();
    }
    false
}

impl Http {
    pub(crate) fn new(cfg: &RepoConfig) -> Result<Http, RepoError> {
        let mut b = reqwest::blocking::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .user_agent(cfg.user_agent.clone())
            .https_only(false);
        if !cfg.proxy_from_env {
            b = b.no_proxy();
        }
        let client = b
            .build()
            .map_err(|e| RepoError::Client { reason: causes(&e) })?;
        Ok(Http {
            client,
            timeout: cfg.timeout,
        })
    }

    /// GET `url`, refusing bodies over `limit` bytes (announced or streamed), bodies shorter
    /// than their Content-Length, and transfers longer than the configured timeout.
    pub(crate) fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>, RepoError> {
        let start = Instant::now();
        let mut resp = self
            .client
            .get(url)
            .timeout(self.timeout)
            .send()
            .map_err(|e| classify(e, url))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(RepoError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
            });
        }
        let expected = resp.content_length();
        if let Some(len) = expected
            && len > limit
        {
            return Err(RepoError::TooLarge {
                url: url.to_string(),
                limit,
                announced: Some(len),
            });
        }
        let mut body = Vec::with_capacity(expected.unwrap_or(64 << 10).min(limit) as usize);
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match resp.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if io_is_timeout(&e) => {
                    return Err(RepoError::Timeout {
                        url: url.to_string(),
                        reason: format!("body stalled after {} bytes: {}", body.len(), causes(&e)),
                    });
                }
                Err(e) => {
                    return Err(RepoError::Truncated {
                        url: url.to_string(),
                        received: body.len() as u64,
                        expected,
                        reason: causes(&e),
                    });
                }
            };
            if n == 0 {
                break;
            }
            if body.len() as u64 + n as u64 > limit {
                return Err(RepoError::TooLarge {
                    url: url.to_string(),
                    limit,
                    announced: None,
                });
            }
            body.extend_from_slice(&buf[..n]);
            if start.elapsed() > self.timeout {
                return Err(RepoError::Timeout {
                    url: url.to_string(),
                    reason: format!(
                        "transfer took longer than {:?} ({} bytes received)",
                        self.timeout,
                        body.len()
                    ),
                });
            }
        }
        if let Some(len) = expected
            && len != body.len() as u64
        {
            return Err(RepoError::Truncated {
                url: url.to_string(),
                received: body.len() as u64,
                expected,
                reason: "body shorter than Content-Length".to_string(),
            });
        }
        Ok(body)
    }
}

//! Plain file downloads (a CRD bundle, a release asset) through the same HTTP client,
//! limits, offline mode and content-addressed cache as charts.
//!
//! * With an expected sha256 (a pin): a cached file with that digest is used without any
//!   network; otherwise the file is downloaded and must hash to the pin, or
//!   [`RepoError::PinnedDigestMismatch`] names both digests and nothing is cached.
//! * Without one: **trust on first use**. The first download of a URL is cached and its
//!   digest recorded for that URL (`<cache_dir>/files/refs/`); later fetches of the same URL
//!   use the cached copy and never look at the network again, so a file that changes
//!   upstream is not picked up (and cannot change a plan) until the cache entry is removed.
//!   The digest is reported ([`FetchedFile::sha256`]) so callers can pin it.
//! * Offline: only the cache; a miss is [`RepoError::OfflineFileMiss`].

use std::path::PathBuf;

use super::cache::{Blob, sha256_hex};
use super::{RepoClient, RepoError, cache_err, normalize_digest};

/// A downloaded file in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedFile {
    /// `<cache_dir>/files/sha256/<sha256>`.
    pub path: PathBuf,
    /// sha256 of the content, lowercase hex.
    pub sha256: String,
    /// The URL as requested (normalised).
    pub url: String,
    /// True when no download was needed.
    pub from_cache: bool,
}

/// An absolute http(s) URL without a fragment.
fn normalize_file_url(input: &str) -> Result<String, RepoError> {
    let invalid = |reason: &str| RepoError::InvalidUrl {
        url: input.to_string(),
        reason: reason.to_string(),
    };
    let url = reqwest::Url::parse(input.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http:// and https:// downloads are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if url.fragment().is_some() {
        return Err(invalid("fragments are not supported"));
    }
    Ok(url.to_string())
}

impl RepoClient {
    /// The file at `url`, from the cache or downloaded (at most `max_bytes`). See the module
    /// documentation for how `expected_sha256` (hex, `sha256:` prefix accepted) and the
    /// trust-on-first-use cache interact.
    pub fn fetch_url(
        &self,
        url: &str,
        expected_sha256: Option<&str>,
        max_bytes: u64,
    ) -> Result<FetchedFile, RepoError> {
        let url = normalize_file_url(url)?;
        let pin = match expected_sha256 {
            None => None,
            Some(d) => match normalize_digest(d) {
                Ok(Some(hex)) => Some(hex),
                Ok(None) => None,
                Err(reason) => {
                    return Err(RepoError::InvalidDigest {
                        input: d.to_string(),
                        reason,
                    });
                }
            },
        };
        let hit = |path: PathBuf, sha256: String| FetchedFile {
            path,
            sha256,
            url: url.clone(),
            from_cache: true,
        };
        let recorded = self.cache.read_url_ref(&url).map_err(cache_err)?;
        match &pin {
            Some(p) => {
                if let Blob::Valid(path) = self.cache.file(p).map_err(cache_err)? {
                    if recorded.as_deref() != Some(p.as_str()) {
                        self.cache.write_url_ref(&url, p).map_err(cache_err)?;
                    }
                    return Ok(hit(path, p.clone()));
                }
            }
            None => {
                if let Some(d) = &recorded
                    && let Blob::Valid(path) = self.cache.file(d).map_err(cache_err)?
                {
                    return Ok(hit(path, d.clone()));
                }
            }
        }
        let Some(http) = &self.http else {
            let cached = match &recorded {
                Some(d) if matches!(self.cache.file(d).map_err(cache_err)?, Blob::Valid(_)) => {
                    Some(d.clone())
                }
                _ => None,
            };
            return Err(RepoError::OfflineFileMiss {
                url,
                expected: pin,
                cached,
                cache_dir: self.cfg.cache_dir.clone(),
            });
        };
        let data = http.get(&url, max_bytes)?;
        let sha256 = sha256_hex(&data);
        if let Some(p) = pin
            && p != sha256
        {
            return Err(RepoError::PinnedDigestMismatch {
                url,
                expected: p,
                actual: sha256,
            });
        }
        let path = self.cache.store_file(&sha256, &data).map_err(cache_err)?;
        self.cache.write_url_ref(&url, &sha256).map_err(cache_err)?;
        Ok(FetchedFile {
            path,
            sha256,
            url,
            from_cache: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls() {
        assert_eq!(
            normalize_file_url("https://github.com/a/b/releases/download/v1.0.0/x.yaml").unwrap(),
            "https://github.com/a/b/releases/download/v1.0.0/x.yaml"
        );
        assert!(normalize_file_url("http://h/x?y=1").is_ok());
        for bad in ["file:///etc/passwd", "github.com/x", "https://h/x#f", ""] {
            assert!(normalize_file_url(bad).is_err(), "{bad}");
        }
    }
}

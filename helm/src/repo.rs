//! Chart repository client: `index.yaml`, version resolution, download with limits, sha256
//! check and an on-disk content-addressed cache that also serves offline use.
//!
//! ```no_run
//! use helm::repo::{RepoClient, RepoConfig};
//! let client = RepoClient::new(RepoConfig::new("/var/cache/charts"))?;
//! let chart = client.fetch("https://helm.cilium.io/", "cilium", "~1.16")?;
//! let loaded = helm::Chart::load(&chart.path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! * An exact version (`1.16.5`, `v1.16.5`, `1.17.0-rc.1`) is looked up in the cache first;
//!   a hit needs no network at all. Anything else is a constraint (Masterminds rules via
//!   [`crate::semver`]; prereleases only match a constraint that has one; an empty string is
//!   `*`) resolved against the index to the newest matching version.
//! * Online, constraints are resolved against a freshly fetched `index.yaml` (or the cached
//!   one while it is younger than [`RepoConfig::index_max_age`]); the index is cached with
//!   its fetch time.
//! * Offline ([`RepoConfig::offline`]) nothing touches the network: exact versions come from
//!   the cache, constraints are resolved against the cached index, and a miss is
//!   [`RepoError::OfflineCacheMiss`] saying what is missing.
//! * Downloads are checked against the index `digest` (sha256) when there is one, must load
//!   as a chart ([`crate::Chart::load_archive`]) whose name and version are the ones the index
//!   lists, and are then stored under `<cache_dir>/charts/sha256/<hex>.tgz`.
//! * Other files (CRD bundles, release assets) go through [`RepoClient::fetch_url`]: same
//!   client, limits, offline mode and cache (`<cache_dir>/files/sha256/<hex>`), checked
//!   against a pinned sha256 or trusted on first use (see that method).
//!
//! HTTP is `reqwest`'s blocking client (HTTP/1.1, rustls with the ring provider, Mozilla and
//! system roots, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment). It runs its own
//! runtime thread, so [`RepoClient`] must be created, used and dropped on a thread where
//! blocking is allowed: a plain thread or `tokio::task::spawn_blocking`, not directly in an
//! async task.

mod cache;
mod file;
mod http;
mod index;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub use file::FetchedFile;
pub use index::{Index, IndexEntry};

use cache::{Blob, Cache, Ref, is_sha256_hex, sha256_hex};
use index::{ResolveError, Wanted, resolve, version_key};

/// Largest accepted `index.yaml`, in bytes (the default of [`RepoConfig::max_index_bytes`]).
pub const MAX_INDEX_BYTES: u64 = 32 << 20;
/// Largest accepted chart archive download (the default of [`RepoConfig::max_chart_bytes`]).
pub const MAX_CHART_BYTES: u64 = crate::chart::MAX_ARCHIVE_BYTES;
/// Default connect timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on one whole request (headers and body).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Client settings. [`RepoConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct RepoConfig {
    /// Root of the cache (created when missing).
    pub cache_dir: PathBuf,
    /// Never touch the network; serve everything from the cache.
    pub offline: bool,
    /// TCP (and TLS) connect timeout. Default 10 s.
    pub connect_timeout: Duration,
    /// Limit on one request, headers and body. Default 120 s.
    pub timeout: Duration,
    /// Largest accepted `index.yaml`. Default [`MAX_INDEX_BYTES`] (32 MiB).
    pub max_index_bytes: u64,
    /// Largest accepted chart archive. Default [`MAX_CHART_BYTES`] (64 MiB).
    pub max_chart_bytes: u64,
    /// Online, a cached index younger than this is used instead of fetching it again.
    /// Default zero: constraints always see the current index.
    pub index_max_age: Duration,
    /// Use `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment. Default
    /// true.
    pub proxy_from_env: bool,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl RepoConfig {
    /// Defaults with the given cache directory.
    pub fn new(cache_dir: impl Into<PathBuf>) -> RepoConfig {
        RepoConfig {
            cache_dir: cache_dir.into(),
            offline: false,
            connect_timeout: CONNECT_TIMEOUT,
            timeout: REQUEST_TIMEOUT,
            max_index_bytes: MAX_INDEX_BYTES,
            max_chart_bytes: MAX_CHART_BYTES,
            index_max_age: Duration::ZERO,
            proxy_from_env: true,
            user_agent: concat!("helm-rs/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// A chart archive in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedChart {
    pub name: String,
    /// The version as the index spells it.
    pub version: String,
    /// sha256 of the archive, lowercase hex.
    pub digest: String,
    /// The cached `.tgz` (`<cache_dir>/charts/sha256/<digest>.tgz`).
    pub path: PathBuf,
    /// Where it was downloaded from (now or when it was cached).
    pub url: String,
    /// True when no download was needed.
    pub from_cache: bool,
}

/// Everything that can go wrong; every message names the URL (or the cache path) involved.
#[derive(Debug)]
pub enum RepoError {
    /// The repository or download URL is not an absolute http(s) URL.
    InvalidUrl { url: String, reason: String },
    /// The chart name cannot be a chart name (empty, `/`, `..`, …).
    InvalidName { name: String },
    /// The version is neither a version nor a constraint.
    InvalidVersion { input: String, reason: String },
    /// Connection refused, DNS failure, TLS handshake failure.
    Unreachable { url: String, reason: String },
    /// Connect or transfer timeout.
    Timeout { url: String, reason: String },
    /// Any other failure before a response arrived.
    Transfer { url: String, reason: String },
    /// Non-2xx response.
    Status {
        url: String,
        status: u16,
        reason: String,
    },
    /// The body ended before its Content-Length (or the stream broke).
    Truncated {
        url: String,
        received: u64,
        expected: Option<u64>,
        reason: String,
    },
    /// The body is (or announced to be) larger than the limit.
    TooLarge {
        url: String,
        limit: u64,
        announced: Option<u64>,
    },
    /// The downloaded archive does not have the digest the index lists.
    DigestMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    /// `index.yaml` is not a readable repository index, or an entry is unusable.
    InvalidIndex { url: String, reason: String },
    /// The download does not load as the chart the index announced.
    NotAChart { url: String, reason: String },
    /// The index has no chart of this name.
    ChartNotFound {
        index_url: String,
        name: String,
        available: Vec<String>,
    },
    /// No version of the chart matches.
    NoMatchingVersion {
        index_url: String,
        name: String,
        wanted: String,
        newest: Vec<String>,
    },
    /// Offline and the cache lacks what is needed.
    OfflineCacheMiss(Box<OfflineMiss>),
    /// [`RepoClient::fetch_url`] offline, and the cache has no copy of the URL (with the
    /// expected digest, when one is given).
    OfflineFileMiss {
        url: String,
        expected: Option<String>,
        /// The digest of the copy the cache does hold for this URL, if any.
        cached: Option<String>,
        cache_dir: PathBuf,
    },
    /// [`RepoClient::fetch_url`]: the download does not have the expected (pinned) digest.
    PinnedDigestMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    /// An expected digest that is not a sha256 hex digest.
    InvalidDigest { input: String, reason: String },
    /// Reading or writing the cache failed.
    Cache { path: PathBuf, reason: String },
    /// The HTTP client could not be set up.
    Client { reason: String },
}

/// What an offline fetch could not find in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineMiss {
    pub repo_url: String,
    pub name: String,
    /// The version or constraint asked for.
    pub wanted: String,
    /// What is missing: `version 1.16.5`, `the index (<url>)`, …
    pub missing: String,
    pub cache_dir: PathBuf,
    /// Versions of the chart the cache does hold for this repository.
    pub cached_versions: Vec<String>,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

impl fmt::Display for RepoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepoError::InvalidUrl { url, reason } => {
                write!(f, "invalid chart repository URL {url:?}: {reason}")
            }
            RepoError::InvalidName { name } => write!(
                f,
                "invalid chart name {name:?}: use letters, digits, '-', '_' and '.'"
            ),
            RepoError::InvalidVersion { input, reason } => {
                write!(f, "invalid chart version or constraint {input:?}: {reason}")
            }
            RepoError::Unreachable { url, reason } => {
                write!(f, "cannot connect to {url}: {reason}")
            }
            RepoError::Timeout { url, reason } => write!(f, "timed out fetching {url}: {reason}"),
            RepoError::Transfer { url, reason } => write!(f, "request to {url} failed: {reason}"),
            RepoError::Status {
                url,
                status,
                reason,
            } => {
                write!(f, "{url} answered HTTP {status}")?;
                if !reason.is_empty() {
                    write!(f, " {reason}")?;
                }
                Ok(())
            }
            RepoError::Truncated {
                url,
                received,
                expected,
                reason,
            } => {
                write!(f, "download of {url} was cut short after {received} bytes")?;
                if let Some(e) = expected {
                    write!(f, " of {e}")?;
                }
                write!(f, ": {reason}")
            }
            RepoError::TooLarge {
                url,
                limit,
                announced,
            } => {
                write!(f, "{url} is larger than the limit of {limit} bytes")?;
                if let Some(a) = announced {
                    write!(f, " (Content-Length {a})")?;
                }
                Ok(())
            }
            RepoError::DigestMismatch {
                url,
                expected,
                actual,
            } => write!(
                f,
                "digest mismatch for {url}: the index lists sha256 {expected}, the download has {actual}"
            ),
            RepoError::InvalidIndex { url, reason } => {
                write!(f, "invalid repository index {url}: {reason}")
            }
            RepoError::NotAChart { url, reason } => {
                write!(f, "{url} is not a usable chart archive: {reason}")
            }
            RepoError::ChartNotFound {
                index_url,
                name,
                available,
            } => write!(
                f,
                "chart {name:?} not found in {index_url} (charts there: {})",
                list(available)
            ),
            RepoError::NoMatchingVersion {
                index_url,
                name,
                wanted,
                newest,
            } => write!(
                f,
                "no version of chart {name:?} in {index_url} matches {wanted:?} (newest available: {})",
                list(newest)
            ),
            RepoError::OfflineCacheMiss(m) => write!(
                f,
                "offline: cannot provide chart {:?} {:?} from {}: {} is not in the cache {} (cached versions of {:?}: {}); fetch it once with network access (offline mode off) using the same cache directory",
                m.name,
                m.wanted,
                m.repo_url,
                m.missing,
                m.cache_dir.display(),
                m.name,
                list(&m.cached_versions)
            ),
            RepoError::OfflineFileMiss {
                url,
                expected,
                cached,
                cache_dir,
            } => {
                write!(f, "offline: {url}")?;
                if let Some(e) = expected {
                    write!(f, " with sha256 {e}")?;
                }
                write!(f, " is not in the cache {}", cache_dir.display())?;
                if let Some(c) = cached {
                    write!(f, " (the cached copy of this URL has sha256 {c})")?;
                }
                write!(
                    f,
                    "; fetch it once with network access (offline mode off) using the same cache directory"
                )
            }
            RepoError::PinnedDigestMismatch {
                url,
                expected,
                actual,
            } => write!(
                f,
                "sha256 mismatch for {url}: expected (pinned) {expected}, the download has {actual}; nothing was cached"
            ),
            RepoError::InvalidDigest { input, reason } => {
                write!(f, "invalid sha256 {input:?}: {reason}")
            }
            RepoError::Cache { path, reason } => {
                write!(f, "download cache {}: {reason}", path.display())
            }
            RepoError::Client { reason } => write!(f, "cannot set up the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for RepoError {}

fn cache_err((path, e): (PathBuf, std::io::Error)) -> RepoError {
    RepoError::Cache {
        path,
        reason: e.to_string(),
    }
}

/// Fetches charts from Helm repositories through the cache.
pub struct RepoClient {
    cfg: RepoConfig,
    cache: Cache,
    /// `None` offline: no HTTP client exists at all.
    http: Option<http::Http>,
}

impl fmt::Debug for RepoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RepoClient")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// `https://host/path` without trailing slashes; only absolute http(s) URLs.
fn normalize_repo_url(input: &str) -> Result<String, RepoError> {
    let invalid = |reason: &str| RepoError::InvalidUrl {
        url: input.to_string(),
        reason: reason.to_string(),
    };
    let trimmed = input.trim();
    let url = reqwest::Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            "only http:// and https:// repositories are supported",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if url.fragment().is_some() || url.query().is_some() {
        return Err(invalid("query strings and fragments are not supported"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn validate_name(name: &str) -> Result<(), RepoError> {
    let ok = !name.is_empty()
        && name.len() <= 250
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(RepoError::InvalidName {
            name: name.to_string(),
        })
    }
}

/// The absolute download URL of an index entry URL (relative to the repository or absolute).
fn download_url(repo: &str, entry_url: &str) -> Result<String, RepoError> {
    let base = reqwest::Url::parse(&format!("{repo}/")).map_err(|e| RepoError::InvalidUrl {
        url: repo.to_string(),
        reason: e.to_string(),
    })?;
    let url = base.join(entry_url).map_err(|e| RepoError::InvalidUrl {
        url: entry_url.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RepoError::InvalidUrl {
            url: url.to_string(),
            reason: "only http:// and https:// downloads are supported".to_string(),
        });
    }
    Ok(url.to_string())
}

impl RepoClient {
    /// A client with this configuration. Creates the cache directory; online, sets up the
    /// HTTP client (no request is made).
    pub fn new(cfg: RepoConfig) -> Result<RepoClient, RepoError> {
        if cfg.cache_dir.as_os_str().is_empty() {
            return Err(RepoError::Cache {
                path: cfg.cache_dir.clone(),
                reason: "no cache directory given".to_string(),
            });
        }
        std::fs::create_dir_all(&cfg.cache_dir).map_err(|e| RepoError::Cache {
            path: cfg.cache_dir.clone(),
            reason: e.to_string(),
        })?;
        let http = if cfg.offline {
            None
        } else {
            Some(http::Http::new(&cfg)?)
        };
        Ok(RepoClient {
            cache: Cache::new(cfg.cache_dir.clone()),
            cfg,
            http,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &RepoConfig {
        &self.cfg
    }

    /// Resolve `version` (exact or constraint) for chart `name` of the repository at
    /// `repo_url`, and return the archive in the cache, downloading it when needed.
    pub fn fetch(
        &self,
        repo_url: &str,
        name: &str,
        version: &str,
    ) -> Result<FetchedChart, RepoError> {
        let repo = normalize_repo_url(repo_url)?;
        validate_name(name)?;
        let wanted = Wanted::parse(version).map_err(|reason| RepoError::InvalidVersion {
            input: version.to_string(),
            reason,
        })?;
        let miss = |missing: String| {
            RepoError::OfflineCacheMiss(Box::new(OfflineMiss {
                repo_url: repo.clone(),
                name: name.to_string(),
                wanted: version.to_string(),
                missing,
                cache_dir: self.cfg.cache_dir.clone(),
                cached_versions: self.cache.cached_versions(&repo, name),
            }))
        };

        if let Wanted::Exact(v) = &wanted {
            let key = version_key(v);
            match self.cached(&repo, name, &key, None)? {
                Cached::Hit(hit) => return Ok(hit),
                Cached::Corrupt if self.cfg.offline => {
                    return Err(miss(format!(
                        "a valid archive of version {key} (the cached one was corrupt and has been removed)"
                    )));
                }
                _ if self.cfg.offline => return Err(miss(format!("version {key}"))),
                _ => {}
            }
        }

        let index_url = format!("{repo}/index.yaml");
        let index = match &self.http {
            None => {
                let Some((data, _)) = self.cache.read_index(&repo).map_err(cache_err)? else {
                    return Err(miss(format!("the index ({index_url})")));
                };
                self.parse_index(&index_url, &data)?
            }
            Some(http) => self.online_index(http, &repo, &index_url)?,
        };
        let entry = resolve(&index, name, &wanted).map_err(|e| match e {
            ResolveError::NoSuchChart { available } => RepoError::ChartNotFound {
                index_url: index_url.clone(),
                name: name.to_string(),
                available,
            },
            ResolveError::NoMatch { newest } => RepoError::NoMatchingVersion {
                index_url: index_url.clone(),
                name: name.to_string(),
                wanted: version.to_string(),
                newest,
            },
        })?;
        let entry_version =
            crate::semver::Version::parse(&entry.version).map_err(|e| RepoError::InvalidIndex {
                url: index_url.clone(),
                reason: format!("{name} version {:?}: {e}", entry.version),
            })?;
        let key = version_key(&entry_version);
        let index_digest =
            normalize_digest(&entry.digest).map_err(|reason| RepoError::InvalidIndex {
                url: index_url.clone(),
                reason: format!("{name} {}: {reason}", entry.version),
            })?;

        let Some(http) = &self.http else {
            return match self.cached(&repo, name, &key, index_digest.as_deref())? {
                Cached::Hit(hit) => Ok(hit),
                Cached::Corrupt => Err(miss(format!(
                    "a valid archive of version {} (the cached one was corrupt and has been removed)",
                    entry.version
                ))),
                Cached::Miss => Err(miss(format!("version {}", entry.version))),
            };
        };
        if let Cached::Hit(hit) = self.cached(&repo, name, &key, index_digest.as_deref())? {
            return Ok(hit);
        }
        self.download(http, &repo, &index_url, name, entry, &key, index_digest)
    }

    /// Whether the cached index of `repo_url` exists, and when it was fetched.
    pub fn cached_index_time(&self, repo_url: &str) -> Result<Option<SystemTime>, RepoError> {
        let repo = normalize_repo_url(repo_url)?;
        Ok(self
            .cache
            .read_index(&repo)
            .map_err(cache_err)?
            .map(|(_, t)| t))
    }

    /// The cache directory.
    pub fn cache_dir(&self) -> &Path {
        self.cache.root()
    }

    fn parse_index(&self, index_url: &str, data: &[u8]) -> Result<Index, RepoError> {
        let max = usize::try_from(self.cfg.max_index_bytes).unwrap_or(usize::MAX);
        Index::parse(data, max).map_err(|reason| RepoError::InvalidIndex {
            url: index_url.to_string(),
            reason,
        })
    }

    fn online_index(
        &self,
        http: &http::Http,
        repo: &str,
        index_url: &str,
    ) -> Result<Index, RepoError> {
        if !self.cfg.index_max_age.is_zero()
            && let Some((data, fetched)) = self.cache.read_index(repo).map_err(cache_err)?
            && SystemTime::now()
                .duration_since(fetched)
                .is_ok_and(|age| age < self.cfg.index_max_age)
            && let Ok(index) = self.parse_index(index_url, &data)
        {
            return Ok(index);
        }
        let data = http.get(index_url, self.cfg.max_index_bytes)?;
        let index = self.parse_index(index_url, &data)?;
        self.cache.store_index(repo, &data).map_err(cache_err)?;
        Ok(index)
    }

    /// A cached archive for `(repo, name, version)`, re-hashed; with `want_digest`, only one
    /// with that digest counts.
    fn cached(
        &self,
        repo: &str,
        name: &str,
        key: &str,
        want_digest: Option<&str>,
    ) -> Result<Cached, RepoError> {
        let Some(r) = self.cache.read_ref(repo, name, key).map_err(cache_err)? else {
            return Ok(Cached::Miss);
        };
        if want_digest.is_some_and(|d| d != r.digest) {
            return Ok(Cached::Miss);
        }
        match self.cache.blob(&r.digest).map_err(cache_err)? {
            Blob::Valid(path) => Ok(Cached::Hit(FetchedChart {
                name: name.to_string(),
                version: r.version,
                digest: r.digest,
                path,
                url: r.url,
                from_cache: true,
            })),
            Blob::Missing => Ok(Cached::Miss),
            Blob::Discarded => Ok(Cached::Corrupt),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn download(
        &self,
        http: &http::Http,
        repo: &str,
        index_url: &str,
        name: &str,
        entry: &IndexEntry,
        key: &str,
        index_digest: Option<String>,
    ) -> Result<FetchedChart, RepoError> {
        let Some(first) = entry.urls.first() else {
            return Err(RepoError::InvalidIndex {
                url: index_url.to_string(),
                reason: format!("{name} {} has no download URL", entry.version),
            });
        };
        let url = download_url(repo, first)?;
        let data = http.get(&url, self.cfg.max_chart_bytes)?;
        let digest = sha256_hex(&data);
        if let Some(expected) = index_digest
            && expected != digest
        {
            return Err(RepoError::DigestMismatch {
                url,
                expected,
                actual: digest,
            });
        }
        let chart = crate::chart::Chart::load_archive(&data).map_err(|e| RepoError::NotAChart {
            url: url.clone(),
            reason: e.to_string(),
        })?;
        if chart.metadata.name != name {
            return Err(RepoError::NotAChart {
                url,
                reason: format!(
                    "the archive holds chart {:?}, the index lists {name:?}",
                    chart.metadata.name
                ),
            });
        }
        let same_version = crate::semver::Version::parse(&chart.metadata.version)
            .is_ok_and(|v| version_key(&v) == key);
        if !same_version {
            return Err(RepoError::NotAChart {
                url,
                reason: format!(
                    "the archive holds version {:?}, the index lists {:?}",
                    chart.metadata.version, entry.version
                ),
            });
        }
        let path = self.cache.store_blob(&digest, &data).map_err(cache_err)?;
        let r = Ref {
            version: entry.version.clone(),
            digest: digest.clone(),
            url: url.clone(),
        };
        self.cache
            .write_ref(repo, name, key, &r)
            .map_err(cache_err)?;
        Ok(FetchedChart {
            name: name.to_string(),
            version: entry.version.clone(),
            digest,
            path,
            url,
            from_cache: false,
        })
    }
}

enum Cached {
    Hit(FetchedChart),
    Miss,
    Corrupt,
}

/// The index digest as lowercase sha256 hex (`sha256:` prefix accepted); `None` when absent.
fn normalize_digest(d: &str) -> Result<Option<String>, String> {
    let d = d.trim();
    if d.is_empty() {
        return Ok(None);
    }
    let hex = d.strip_prefix("sha256:").unwrap_or(d).to_ascii_lowercase();
    if is_sha256_hex(&hex) {
        Ok(Some(hex))
    } else {
        Err(format!("digest {d:?} is not a sha256 hex digest"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_urls() {
        assert_eq!(
            normalize_repo_url("https://helm.cilium.io/").unwrap(),
            "https://helm.cilium.io"
        );
        assert_eq!(
            normalize_repo_url("https://example.com/charts//").unwrap(),
            "https://example.com/charts"
        );
        assert!(matches!(
            normalize_repo_url("oci://registry/x"),
            Err(RepoError::InvalidUrl { .. })
        ));
        assert!(normalize_repo_url("helm.cilium.io").is_err());
        assert_eq!(
            download_url("https://h.io/charts", "cilium-1.0.0.tgz").unwrap(),
            "https://h.io/charts/cilium-1.0.0.tgz"
        );
        assert_eq!(
            download_url("https://h.io/charts", "/x/c.tgz").unwrap(),
            "https://h.io/x/c.tgz"
        );
        assert_eq!(
            download_url("https://h.io/charts", "https://cdn.io/c.tgz").unwrap(),
            "https://cdn.io/c.tgz"
        );
        assert!(download_url("https://h.io", "file:///etc/passwd").is_err());
    }

    #[test]
    fn names_and_digests() {
        assert!(validate_name("cilium").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(normalize_digest("").unwrap(), None);
        assert_eq!(normalize_digest(h).unwrap().as_deref(), Some(h));
        assert_eq!(
            normalize_digest(&format!("sha256:{}", h.to_uppercase()))
                .unwrap()
                .as_deref(),
            Some(h)
        );
        assert!(normalize_digest("abc").is_err());
    }
}

//! The on-disk cache: content-addressed archives, version references, cached indexes.
//!
//! ```text
//! <cache_dir>/charts/sha256/<hex>.tgz                  archive, named by its sha256
//! <cache_dir>/refs/<repo-key>/<name>/<version>.ref     repo, name, version, digest, url
//! <cache_dir>/index/<repo-key>/index.yaml              last fetched index
//! <cache_dir>/index/<repo-key>/meta                    url, fetch time, sha256 of index.yaml
//! <cache_dir>/files/sha256/<hex>                       any other download, named by its sha256
//! <cache_dir>/files/refs/<host>-<64 hex>.ref           url and digest of its last download
//! ```
//!
//! `<repo-key>` is the host name (sanitised) and the first 16 hex digits of the sha256 of the
//! normalised repository URL. Every file is written to a temporary file in the same
//! directory, synced, then renamed into place, so a killed process leaves either the old
//! file or the new one. Archives are re-hashed on every read; a mismatch discards the file.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// Lowercase hex sha256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// A cached version reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ref {
    pub version: String,
    pub digest: String,
    pub url: String,
}

/// State of an archive in the cache.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Blob {
    Valid(PathBuf),
    Missing,
    /// Present with the wrong hash; it has been removed.
    Discarded,
}

#[derive(Debug, Clone)]
pub(crate) struct Cache {
    root: PathBuf,
}

/// An I/O failure in the cache: the path and the error.
pub(crate) type CacheError = (PathBuf, std::io::Error);

impl Cache {
    pub(crate) fn new(root: PathBuf) -> Cache {
        Cache { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn blob_path(&self, digest: &str) -> PathBuf {
        self.root
            .join("charts")
            .join("sha256")
            .join(format!("{digest}.tgz"))
    }

    /// The archive with this digest, re-hashed; a corrupt file is removed.
    pub(crate) fn blob(&self, digest: &str) -> Result<Blob, CacheError> {
        verified(self.blob_path(digest), digest)
    }

    pub(crate) fn store_blob(&self, digest: &str, data: &[u8]) -> Result<PathBuf, CacheError> {
        let path = self.blob_path(digest);
        write_atomic(&path, data)?;
        Ok(path)
    }

    /// `<cache_dir>/files/sha256/<digest>`: a downloaded file that is not a chart.
    pub(crate) fn file_path(&self, digest: &str) -> PathBuf {
        self.root.join("files").join("sha256").join(digest)
    }

    /// The file with this digest, re-hashed; a corrupt file is removed.
    pub(crate) fn file(&self, digest: &str) -> Result<Blob, CacheError> {
        verified(self.file_path(digest), digest)
    }

    pub(crate) fn store_file(&self, digest: &str, data: &[u8]) -> Result<PathBuf, CacheError> {
        let path = self.file_path(digest);
        write_atomic(&path, data)?;
        Ok(path)
    }

    fn url_ref_path(&self, url: &str) -> PathBuf {
        // the whole sha256 of the URL: URLs of one host differ only there
        let key = repo_key(url);
        let host = key.rsplit_once('-').map(|(h, _)| h).unwrap_or("");
        self.root
            .join("files")
            .join("refs")
            .join(format!("{host}-{}.ref", sha256_hex(url.as_bytes())))
    }

    /// The digest of the last download of `url`, if recorded.
    pub(crate) fn read_url_ref(&self, url: &str) -> Result<Option<String>, CacheError> {
        let Some(fields) = read_ref_fields(&self.url_ref_path(url))? else {
            return Ok(None);
        };
        let get = |k: &str| field(&fields, k);
        match (get("url"), get("digest")) {
            (Some(u), Some(d)) if u == url && is_sha256_hex(d) => Ok(Some(d.to_string())),
            _ => Ok(None),
        }
    }

    pub(crate) fn write_url_ref(&self, url: &str, digest: &str) -> Result<(), CacheError> {
        let text = format!("url: {url}\ndigest: {digest}\n");
        write_atomic(&self.url_ref_path(url), text.as_bytes())
    }

    fn repo_dir(&self, kind: &str, repo: &str) -> PathBuf {
        self.root.join(kind).join(repo_key(repo))
    }

    fn ref_path(&self, repo: &str, name: &str, version_key: &str) -> PathBuf {
        self.repo_dir("refs", repo)
            .join(name)
            .join(format!("{version_key}.ref"))
    }

    pub(crate) fn read_ref(
        &self,
        repo: &str,
        name: &str,
        version_key: &str,
    ) -> Result<Option<Ref>, CacheError> {
        let Some(fields) = read_ref_fields(&self.ref_path(repo, name, version_key))? else {
            return Ok(None);
        };
        let get = |k: &str| field(&fields, k).map(str::to_string);
        // A reference written for another repository or chart (a key collision, or a file
        // copied by hand) is not used.
        if get("repo").as_deref() != Some(repo) || get("name").as_deref() != Some(name) {
            return Ok(None);
        }
        match (get("version"), get("digest")) {
            (Some(version), Some(digest)) if is_sha256_hex(&digest) => Ok(Some(Ref {
                version,
                digest,
                url: get("url").unwrap_or_default(),
            })),
            _ => Ok(None),
        }
    }

    pub(crate) fn write_ref(
        &self,
        repo: &str,
        name: &str,
        version_key: &str,
        r: &Ref,
    ) -> Result<(), CacheError> {
        let text = format!(
            "repo: {repo}\nname: {name}\nversion: {}\ndigest: {}\nurl: {}\n",
            r.version, r.digest, r.url
        );
        write_atomic(&self.ref_path(repo, name, version_key), text.as_bytes())
    }

    /// Versions of `name` with a reference in the cache (as the index spelled them).
    pub(crate) fn cached_versions(&self, repo: &str, name: &str) -> Vec<String> {
        let dir = self.repo_dir("refs", repo).join(name);
        let Ok(rd) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in rd.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(key) = file.strip_suffix(".ref")
                && let Ok(Some(r)) = self.read_ref(repo, name, key)
            {
                out.push(r.version);
            }
        }
        out
    }

    fn index_paths(&self, repo: &str) -> (PathBuf, PathBuf) {
        let dir = self.repo_dir("index", repo);
        (dir.join("index.yaml"), dir.join("meta"))
    }

    /// The cached index and when it was fetched, if present and intact.
    pub(crate) fn read_index(
        &self,
        repo: &str,
    ) -> Result<Option<(Vec<u8>, SystemTime)>, CacheError> {
        let (data_path, meta_path) = self.index_paths(repo);
        let Some(fields) = read_ref_fields(&meta_path)? else {
            return Ok(None);
        };
        let data = match fs::read(&data_path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err((data_path, e)),
        };
        let get = |k: &str| field(&fields, k);
        if get("url") != Some(repo) || get("sha256") != Some(sha256_hex(&data).as_str()) {
            return Ok(None);
        }
        let Some(secs) = get("fetched").and_then(|s| s.parse::<u64>().ok()) else {
            return Ok(None);
        };
        Ok(Some((
            data,
            UNIX_EPOCH + std::time::Duration::from_secs(secs),
        )))
    }

    pub(crate) fn store_index(&self, repo: &str, data: &[u8]) -> Result<(), CacheError> {
        let (data_path, meta_path) = self.index_paths(repo);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        write_atomic(&data_path, data)?;
        let meta = format!(
            "url: {repo}\nfetched: {now}\nsha256: {}\n",
            sha256_hex(data)
        );
        write_atomic(&meta_path, meta.as_bytes())
    }
}

/// `path` if its content hashes to `digest`; a corrupt file is removed.
fn verified(path: PathBuf, digest: &str) -> Result<Blob, CacheError> {
    match file_sha256(&path) {
        Ok(h) if h == digest => Ok(Blob::Valid(path)),
        Ok(_) => match fs::remove_file(&path) {
            Ok(()) => Ok(Blob::Discarded),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Blob::Discarded),
            Err(e) => Err((path, e)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Blob::Missing),
        Err(e) => Err((path, e)),
    }
}

/// The `key: value` lines of a cache reference or metadata file; `None` when it is missing
/// or not text (then the entry counts as not cached).
fn read_ref_fields(path: &Path) -> Result<Option<Vec<(String, String)>>, CacheError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(parse_fields(&text))),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err((path.to_path_buf(), e)),
    }
}

/// The value of `key` among parsed fields.
fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn parse_fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `<host>-<16 hex>`: readable, and distinct for distinct URLs.
fn repo_key(repo: &str) -> String {
    let host: String = repo
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(repo)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    format!("{host}-{}", &sha256_hex(repo.as_bytes())[..16])
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Removes the temporary file unless it was renamed into place.
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// Write `data` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over `path`.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<(), CacheError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{file_name}.tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut guard = TempGuard(Some(tmp.clone()));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| (tmp.clone(), e))?;
    f.write_all(data).map_err(|e| (tmp.clone(), e))?;
    f.sync_all().map_err(|e| (tmp.clone(), e))?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| (path.to_path_buf(), e))?;
    guard.0 = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_keys() {
        assert_eq!(hex(&[0, 0xab, 0x0f]), "00ab0f");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(is_sha256_hex(&sha256_hex(b"x")));
        assert!(!is_sha256_hex("ABC"));
        let k = repo_key("https://helm.cilium.io");
        assert!(k.starts_with("helm.cilium.io-"), "{k}");
        assert_eq!(k.len(), "helm.cilium.io-".len() + 16);
        assert_ne!(k, repo_key("https://helm.cilium.io/x"));
        assert!(repo_key("http://127.0.0.1:8080/a").starts_with("127.0.0.1_8080-"));
    }
}

//! The chart repository client against a repository served from 127.0.0.1 by the small
//! HTTP/1.1 server of `tests/common`, with archives built from `tests/charts/*`.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use helm::repo::{FetchedChart, OfflineMiss, RepoClient, RepoConfig, RepoError};

mod common;
use common::{Reply, Server, TempDir, sha256_hex};

// ---------------------------------------------------------------------------------------
// Fixtures: chart archives.

fn chart_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/charts")
        .join(name)
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            walk(&e.path(), &rel, out);
        } else {
            out.push((rel, std::fs::read(e.path()).unwrap()));
        }
    }
}

/// `tests/charts/<chart>` packed as Helm packs it (`<chart>/…` inside a gzip'd tar), with
/// the version in Chart.yaml replaced by `version`.
fn build_tgz(chart: &str, version: &str) -> Vec<u8> {
    let mut files = Vec::new();
    walk(&chart_dir(chart), "", &mut files);
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (rel, mut data) in files {
        if rel == "Chart.yaml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains("version: 0.1.0\n"));
            data = text
                .replace("version: 0.1.0\n", &format!("version: {version}\n"))
                .into_bytes();
        }
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, format!("{chart}/{rel}"), &data[..])
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

struct Entry {
    name: &'static str,
    version: &'static str,
    url: String,
    /// `None`: no `digest:` line.
    digest: Option<String>,
}

fn index_yaml(entries: &[Entry]) -> Vec<u8> {
    let mut names: Vec<&str> = entries.iter().map(|e| e.name).collect();
    names.dedup();
    let mut s = String::from("apiVersion: v1\nentries:\n");
    for name in names {
        s.push_str(&format!("  {name}:\n"));
        for e in entries.iter().filter(|e| e.name == name) {
            s.push_str(&format!(
                "  - apiVersion: v2\n    name: {name}\n    version: {}\n    appVersion: \"1.0\"\n    created: \"2024-05-01T10:00:00.000000Z\"\n    description: test chart\n    urls:\n    - {}\n",
                e.version, e.url
            ));
            if let Some(d) = &e.digest {
                s.push_str(&format!("    digest: {d}\n"));
            }
        }
    }
    s.push_str("generated: \"2024-05-01T10:00:00Z\"\n");
    s.into_bytes()
}

/// The standard repository at `<base>/repo`:
/// * `files` 1.1.0-rc.1, 1.0.0, 0.2.1, 0.2.0 under `charts/` (relative URLs),
/// * `files` 0.3.0 at an absolute URL `<base>/abs/…`,
/// * `files` 0.1.0 at a host-relative URL `/rootrel/…`,
/// * `sorting` 0.1.0.
struct Fixture {
    server: Server,
    tgz: HashMap<&'static str, Vec<u8>>,
}

impl Fixture {
    fn repo(&self) -> String {
        format!("{}/repo/", self.server.base())
    }

    fn digest(&self, v: &str) -> String {
        sha256_hex(&self.tgz[v])
    }
}

fn fixture() -> Fixture {
    fixture_with(|_| {})
}

/// Like [`fixture`], with a chance to change the entries before the index is served.
fn fixture_with(edit: impl FnOnce(&mut Vec<Entry>)) -> Fixture {
    let server = Server::start();
    let base = server.base();
    let mut tgz = HashMap::new();
    let mut entries = Vec::new();
    for v in ["1.1.0-rc.1", "1.0.0", "0.3.0", "0.2.1", "0.2.0", "0.1.0"] {
        let data = build_tgz("files", v);
        let (path, url) = match v {
            "0.3.0" => {
                let p = format!("/abs/files-{v}.tgz");
                (p.clone(), format!("{base}{p}"))
            }
            "0.1.0" => {
                let p = format!("/rootrel/files-{v}.tgz");
                (p.clone(), p)
            }
            _ => (
                format!("/repo/charts/files-{v}.tgz"),
                format!("charts/files-{v}.tgz"),
            ),
        };
        server.route(&path, Reply::Ok(data.clone()));
        entries.push(Entry {
            name: "files",
            version: v,
            url,
            digest: Some(sha256_hex(&data)),
        });
        tgz.insert(v, data);
    }
    let sorting = build_tgz("sorting", "0.1.0");
    server.route("/repo/sorting-0.1.0.tgz", Reply::Ok(sorting.clone()));
    entries.push(Entry {
        name: "sorting",
        version: "0.1.0",
        url: "sorting-0.1.0.tgz".into(),
        digest: Some(sha256_hex(&sorting)),
    });
    edit(&mut entries);
    server.route("/repo/index.yaml", Reply::Ok(index_yaml(&entries)));
    Fixture { server, tgz }
}

fn config(dir: &Path) -> RepoConfig {
    let mut cfg = RepoConfig::new(dir.join("cache"));
    // The test server is local; a proxy in the environment must not get in the way.
    cfg.proxy_from_env = false;
    cfg.timeout = Duration::from_secs(20);
    cfg
}

fn client(dir: &Path) -> RepoClient {
    RepoClient::new(config(dir)).unwrap()
}

fn offline_client(dir: &Path) -> RepoClient {
    let mut cfg = config(dir);
    cfg.offline = true;
    RepoClient::new(cfg).unwrap()
}

/// Every file under `dir`, relative paths.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn go(d: &Path, root: &Path, out: &mut Vec<String>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                if e.file_type().unwrap().is_dir() {
                    go(&e.path(), root, out);
                } else {
                    out.push(
                        e.path()
                            .strip_prefix(root)
                            .unwrap()
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
    }
    go(dir, dir, &mut out);
    out.sort();
    out
}

fn blobs(dir: &Path) -> Vec<String> {
    files_under(&dir.join("cache/charts/sha256"))
}

fn assert_no_temp_files(dir: &Path) {
    let tmp: Vec<String> = files_under(dir)
        .into_iter()
        .filter(|f| f.contains(".tmp-"))
        .collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
}

fn offline_miss(err: &RepoError) -> OfflineMiss {
    match err {
        RepoError::OfflineCacheMiss(m) => (**m).clone(),
        other => panic!("expected an offline cache miss, got {other:?}"),
    }
}

fn assert_fetched(f: &FetchedChart, fx: &Fixture, version: &str, from_cache: bool) {
    assert_eq!(f.name, "files");
    assert_eq!(f.version, version);
    assert_eq!(f.digest, fx.digest(version));
    assert_eq!(f.from_cache, from_cache);
    assert!(
        f.path
            .ends_with(format!("cache/charts/sha256/{}.tgz", f.digest)),
        "{}",
        f.path.display()
    );
    assert_eq!(std::fs::read(&f.path).unwrap(), fx.tgz[version]);
}

// ---------------------------------------------------------------------------------------
// Resolution and download.

#[test]
fn exact_version_is_downloaded_verified_and_cached() {
    let fx = fixture();
    let dir = TempDir::new("exact");
    let c = client(&dir.0);
    let f = c.fetch(&fx.repo(), "files", "0.2.0").unwrap();
    assert_fetched(&f, &fx, "0.2.0", false);
    assert_eq!(
        f.url,
        format!("{}/repo/charts/files-0.2.0.tgz", fx.server.base())
    );
    assert_eq!(
        fx.server.requests(),
        vec!["/repo/index.yaml", "/repo/charts/files-0.2.0.tgz"]
    );
    let chart = helm::Chart::load(&f.path).unwrap();
    assert_eq!(chart.metadata.name, "files");
    assert_eq!(chart.metadata.version, "0.2.0");
    // The index is cached with its fetch time.
    let fetched = c.cached_index_time(&fx.repo()).unwrap().unwrap();
    let age = std::time::SystemTime::now()
        .duration_since(fetched)
        .unwrap_or_default();
    assert!(age < Duration::from_secs(120), "{age:?}");
    let files = files_under(&dir.0.join("cache"));
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("index/127.0.0.1_") && f.ends_with("/index.yaml")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("refs/127.0.0.1_") && f.ends_with("/files/0.2.0.ref")),
        "{files:?}"
    );
    assert_no_temp_files(&dir.0);
}

#[test]
fn v_prefixed_exact_version() {
    let fx = fixture();
    let dir = TempDir::new("vprefix");
    let c = client(&dir.0);
    let f = c.fetch(&fx.repo(), "files", "v0.2.1").unwrap();
    assert_fetched(&f, &fx, "0.2.1", false);
    // The same version without `v` is the same cache entry.
    let g = c.fetch(&fx.repo(), "files", "0.2.1").unwrap();
    assert_fetched(&g, &fx, "0.2.1", true);
    assert_eq!(g.path, f.path);
}

#[test]
fn constraints_resolve_to_the_newest_match() {
    let fx = fixture();
    let dir = TempDir::new("constraint");
    let c = client(&dir.0);
    for (constraint, want) in [
        ("~0.2", "0.2.1"),
        (">=0.1 <0.3", "0.2.1"),
        (">=0.2.0, <1.0.0", "0.3.0"),
        ("^0.1", "0.1.0"),
        ("0.2", "0.2.1"),
        // Prereleases only for constraints that have one (Helm's rule).
        ("", "1.0.0"),
        (">=1.0", "1.0.0"),
        ("*", "1.0.0"),
        (">=1.1.0-0", "1.1.0-rc.1"),
    ] {
        let f = c.fetch(&fx.repo(), "files", constraint).unwrap();
        assert_eq!(f.version, want, "constraint {constraint:?}");
        assert_eq!(f.digest, fx.digest(want), "constraint {constraint:?}");
    }
    let s = c.fetch(&fx.repo(), "sorting", "~0.1").unwrap();
    assert_eq!(s.name, "sorting");
    assert_eq!(s.version, "0.1.0");
    assert_eq!(helm::Chart::load(&s.path).unwrap().metadata.name, "sorting");
}

#[test]
fn relative_absolute_and_host_relative_urls() {
    let fx = fixture();
    let dir = TempDir::new("urls");
    let c = client(&dir.0);
    let base = fx.server.base();
    for (v, path) in [
        ("0.2.0", "/repo/charts/files-0.2.0.tgz"),
        ("0.3.0", "/abs/files-0.3.0.tgz"),
        ("0.1.0", "/rootrel/files-0.1.0.tgz"),
    ] {
        fx.server.clear_log();
        let f = c.fetch(&fx.repo(), "files", v).unwrap();
        assert_fetched(&f, &fx, v, false);
        assert_eq!(f.url, format!("{base}{path}"));
        assert_eq!(fx.server.requests(), vec!["/repo/index.yaml", path]);
    }
    // A repository URL without the trailing slash is the same repository.
    let f = c.fetch(&format!("{base}/repo"), "files", "0.3.0").unwrap();
    assert!(f.from_cache);
}

#[test]
fn missing_digest_is_computed() {
    let fx = fixture_with(|entries| {
        for e in entries.iter_mut() {
            e.digest = None;
        }
    });
    let dir = TempDir::new("nodigest");
    let f = client(&dir.0).fetch(&fx.repo(), "files", "1.0.0").unwrap();
    assert_fetched(&f, &fx, "1.0.0", false);
}

#[test]
fn digest_in_sha256_prefixed_uppercase_form_is_accepted() {
    let fx = fixture_with(|entries| {
        for e in entries.iter_mut() {
            e.digest = e
                .digest
                .as_ref()
                .map(|d| format!("sha256:{}", d.to_uppercase()));
        }
    });
    let dir = TempDir::new("digestform");
    let f = client(&dir.0).fetch(&fx.repo(), "files", "1.0.0").unwrap();
    assert_fetched(&f, &fx, "1.0.0", false);
}

// ---------------------------------------------------------------------------------------
// Failures.

#[test]
fn digest_mismatch_is_refused_and_nothing_is_cached() {
    let wrong = sha256_hex(b"something else");
    let w = wrong.clone();
    let fx = fixture_with(move |entries| {
        entries
            .iter_mut()
            .find(|e| e.version == "0.2.1")
            .unwrap()
            .digest = Some(w);
    });
    let dir = TempDir::new("mismatch");
    let c = client(&dir.0);
    let err = c.fetch(&fx.repo(), "files", "0.2.1").unwrap_err();
    let url = format!("{}/repo/charts/files-0.2.1.tgz", fx.server.base());
    match &err {
        RepoError::DigestMismatch {
            url: u,
            expected,
            actual,
        } => {
            assert_eq!(u, &url);
            assert_eq!(expected, &wrong);
            assert_eq!(actual, &fx.digest("0.2.1"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "digest mismatch for {url}: the index lists sha256 {wrong}, the download has {}",
            fx.digest("0.2.1")
        )
    );
    assert!(blobs(&dir.0).is_empty());
    assert_no_temp_files(&dir.0);
    // Not cached: the next attempt downloads again.
    fx.server.clear_log();
    assert!(matches!(
        c.fetch(&fx.repo(), "files", "0.2.1"),
        Err(RepoError::DigestMismatch { .. })
    ));
    assert_eq!(
        fx.server.requests(),
        vec!["/repo/index.yaml", "/repo/charts/files-0.2.1.tgz"]
    );
}

#[test]
fn http_404_for_index_and_chart() {
    let fx = fixture_with(|entries| {
        entries.push(Entry {
            name: "gone",
            version: "1.0.0",
            url: "gone-1.0.0.tgz".into(),
            digest: None,
        });
    });
    let dir = TempDir::new("404");
    let c = client(&dir.0);
    let missing_repo = format!("{}/nothere", fx.server.base());
    let err = c.fetch(&missing_repo, "files", "0.2.0").unwrap_err();
    let index_url = format!("{missing_repo}/index.yaml");
    match &err {
        RepoError::Status { url, status, .. } => {
            assert_eq!(url, &index_url);
            assert_eq!(*status, 404);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("{index_url} answered HTTP 404 Not Found")
    );
    let err = c.fetch(&fx.repo(), "gone", "1.0.0").unwrap_err();
    match &err {
        RepoError::Status { url, status, .. } => {
            assert_eq!(url, &format!("{}/repo/gone-1.0.0.tgz", fx.server.base()));
            assert_eq!(*status, 404);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn connection_refused_is_unreachable() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = TempDir::new("refused");
    let err = client(&dir.0)
        .fetch(&format!("http://127.0.0.1:{port}"), "files", "~1")
        .unwrap_err();
    let url = format!("http://127.0.0.1:{port}/index.yaml");
    match &err {
        RepoError::Unreachable { url: u, reason } => {
            assert_eq!(u, &url);
            assert!(!reason.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("cannot connect to {url}: ")),
        "{err}"
    );
}

#[test]
fn truncated_bodies_are_refused() {
    let fx = fixture();
    let full = fx.tgz["0.2.0"].clone();
    let cut = full[..full.len() / 2].to_vec();
    fx.server.route(
        "/repo/charts/files-0.2.0.tgz",
        Reply::Truncated {
            body: cut.clone(),
            announced: full.len(),
        },
    );
    let dir = TempDir::new("truncated");
    let c = client(&dir.0);
    let err = c.fetch(&fx.repo(), "files", "0.2.0").unwrap_err();
    let url = format!("{}/repo/charts/files-0.2.0.tgz", fx.server.base());
    match &err {
        RepoError::Truncated {
            url: u,
            received,
            expected,
            ..
        } => {
            assert_eq!(u, &url);
            assert_eq!(*received, cut.len() as u64);
            assert_eq!(*expected, Some(full.len() as u64));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().starts_with(&format!(
            "download of {url} was cut short after {} bytes of {}: ",
            cut.len(),
            full.len()
        )),
        "{err}"
    );
    assert!(blobs(&dir.0).is_empty());

    // A truncated index too.
    let index = index_yaml(&[Entry {
        name: "files",
        version: "0.2.0",
        url: "charts/files-0.2.0.tgz".into(),
        digest: None,
    }]);
    fx.server.route(
        "/repo/index.yaml",
        Reply::Truncated {
            body: index[..20].to_vec(),
            announced: index.len(),
        },
    );
    let err = c.fetch(&fx.repo(), "files", "~0.2").unwrap_err();
    match &err {
        RepoError::Truncated { url, received, .. } => {
            assert!(url.ends_with("/repo/index.yaml"), "{url}");
            assert_eq!(*received, 20);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn chart_over_the_limit_is_refused_announced_or_streamed() {
    let fx = fixture();
    let dir = TempDir::new("toolarge");
    let size = fx.tgz["0.2.0"].len() as u64;
    let mut cfg = config(&dir.0);
    cfg.max_chart_bytes = size - 1;
    let c = RepoClient::new(cfg).unwrap();
    let url = format!("{}/repo/charts/files-0.2.0.tgz", fx.server.base());

    // Announced by Content-Length: refused before reading the body.
    let err = c.fetch(&fx.repo(), "files", "0.2.0").unwrap_err();
    match &err {
        RepoError::TooLarge {
            url: u,
            limit,
            announced,
        } => {
            assert_eq!(u, &url);
            assert_eq!(*limit, size - 1);
            assert_eq!(*announced, Some(size));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "{url} is larger than the limit of {} bytes (Content-Length {size})",
            size - 1
        )
    );

    // Without Content-Length: stopped while streaming.
    fx.server.route(
        "/repo/charts/files-0.2.0.tgz",
        Reply::NoLength(fx.tgz["0.2.0"].clone()),
    );
    match c.fetch(&fx.repo(), "files", "0.2.0").unwrap_err() {
        RepoError::TooLarge {
            url: u,
            limit,
            announced,
        } => {
            assert_eq!(u, url);
            assert_eq!(limit, size - 1);
            assert_eq!(announced, None);
        }
        other => panic!("unexpected {other:?}"),
    }
    // Exactly at the limit is fine (streamed).
    let mut cfg = config(&dir.0);
    cfg.max_chart_bytes = size;
    let f = RepoClient::new(cfg)
        .unwrap()
        .fetch(&fx.repo(), "files", "0.2.0")
        .unwrap();
    assert_fetched(&f, &fx, "0.2.0", false);
}

#[test]
fn endless_body_is_cut_at_the_limit() {
    let fx = fixture();
    // 8 MiB without Content-Length against a 64 KiB limit: the client stops early.
    fx.server.route(
        "/repo/charts/files-0.2.0.tgz",
        Reply::NoLength(vec![0u8; 8 << 20]),
    );
    let dir = TempDir::new("endless");
    let mut cfg = config(&dir.0);
    cfg.max_chart_bytes = 64 << 10;
    let err = RepoClient::new(cfg)
        .unwrap()
        .fetch(&fx.repo(), "files", "0.2.0")
        .unwrap_err();
    assert!(
        matches!(
            err,
            RepoError::TooLarge {
                limit: 65536,
                announced: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(blobs(&dir.0).is_empty());
}

#[test]
fn index_over_the_limit_is_refused() {
    let fx = fixture();
    let dir = TempDir::new("bigindex");
    let mut cfg = config(&dir.0);
    cfg.max_index_bytes = 100;
    let c = RepoClient::new(cfg).unwrap();
    let err = c.fetch(&fx.repo(), "files", "~0.2").unwrap_err();
    match &err {
        RepoError::TooLarge {
            url,
            limit,
            announced,
        } => {
            assert_eq!(url, &format!("{}/repo/index.yaml", fx.server.base()));
            assert_eq!(*limit, 100);
            assert!(announced.unwrap() > 100);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(c.cached_index_time(&fx.repo()).unwrap().is_none());
}

#[test]
fn not_a_chart() {
    let garbage = b"this is not a gzip archive".to_vec();
    let g = garbage.clone();
    let fx = fixture_with(move |entries| {
        entries.push(Entry {
            name: "files",
            version: "2.0.0",
            url: "charts/garbage.tgz".into(),
            digest: Some(sha256_hex(&g)),
        });
        // Index says 0.4.0, the archive says 0.3.0.
        entries.push(Entry {
            name: "files",
            version: "0.4.0",
            url: "charts/files-0.2.0.tgz".into(),
            digest: None,
        });
    });
    fx.server
        .route("/repo/charts/garbage.tgz", Reply::Ok(garbage));
    let dir = TempDir::new("notachart");
    let c = client(&dir.0);
    let err = c.fetch(&fx.repo(), "files", "2.0.0").unwrap_err();
    let url = format!("{}/repo/charts/garbage.tgz", fx.server.base());
    match &err {
        RepoError::NotAChart { url: u, .. } => assert_eq!(u, &url),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("{url} is not a usable chart archive: ")),
        "{err}"
    );
    let err = c.fetch(&fx.repo(), "files", "0.4.0").unwrap_err();
    match &err {
        RepoError::NotAChart { reason, .. } => assert_eq!(
            reason,
            "the archive holds version \"0.2.0\", the index lists \"0.4.0\""
        ),
        other => panic!("unexpected {other:?}"),
    }
    assert!(blobs(&dir.0).is_empty());
}

#[test]
fn unknown_chart_and_unmatched_constraint() {
    let fx = fixture();
    let dir = TempDir::new("nomatch");
    let c = client(&dir.0);
    let index_url = format!("{}/repo/index.yaml", fx.server.base());
    let err = c.fetch(&fx.repo(), "cilium", "1.16.5").unwrap_err();
    match &err {
        RepoError::ChartNotFound {
            index_url: u,
            name,
            available,
        } => {
            assert_eq!(u, &index_url);
            assert_eq!(name, "cilium");
            assert_eq!(available, &vec!["files".to_string(), "sorting".to_string()]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("chart \"cilium\" not found in {index_url} (charts there: files, sorting)")
    );
    let err = c.fetch(&fx.repo(), "files", "~5.0").unwrap_err();
    match &err {
        RepoError::NoMatchingVersion { newest, wanted, .. } => {
            assert_eq!(wanted, "~5.0");
            assert_eq!(
                newest,
                &vec!["1.1.0-rc.1", "1.0.0", "0.3.0", "0.2.1", "0.2.0"]
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "no version of chart \"files\" in {index_url} matches \"~5.0\" (newest available: 1.1.0-rc.1, 1.0.0, 0.3.0, 0.2.1, 0.2.0)"
        )
    );
    // An exact version that is not listed.
    assert!(matches!(
        c.fetch(&fx.repo(), "files", "0.2.2"),
        Err(RepoError::NoMatchingVersion { .. })
    ));
}

#[test]
fn invalid_index_is_reported() {
    let fx = fixture();
    fx.server.route(
        "/repo/index.yaml",
        Reply::Ok(b"<html>hello</html>\n".to_vec()),
    );
    let dir = TempDir::new("badindex");
    let err = client(&dir.0)
        .fetch(&fx.repo(), "files", "0.2.0")
        .unwrap_err();
    match &err {
        RepoError::InvalidIndex { url, reason } => {
            assert_eq!(url, &format!("{}/repo/index.yaml", fx.server.base()));
            assert_eq!(reason, "expected a map at the top level, found string");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn invalid_inputs_are_refused_without_network() {
    let dir = TempDir::new("inputs");
    let c = client(&dir.0);
    // Nothing listens on port 9 of 127.0.0.1 in tests; the errors come before any request.
    let repo = "http://127.0.0.1:9";
    assert!(matches!(
        c.fetch("oci://registry.example/charts", "files", "1.0.0"),
        Err(RepoError::InvalidUrl { .. })
    ));
    assert!(matches!(
        c.fetch("not a url", "files", "1.0.0"),
        Err(RepoError::InvalidUrl { .. })
    ));
    let err = c.fetch(repo, "../etc", "1.0.0").unwrap_err();
    assert!(matches!(err, RepoError::InvalidName { .. }), "{err:?}");
    let err = c.fetch(repo, "files", "one point two").unwrap_err();
    assert!(matches!(err, RepoError::InvalidVersion { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("invalid chart version or constraint \"one point two\": "),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// The cache.

#[test]
fn second_fetch_of_exact_version_needs_no_network() {
    let mut fx = fixture();
    let dir = TempDir::new("cached");
    let first = client(&dir.0).fetch(&fx.repo(), "files", "0.2.0").unwrap();
    let repo = fx.repo();
    fx.server.stop();
    // A new client (a new process, as far as the cache is concerned).
    let c = client(&dir.0);
    for v in ["0.2.0", "v0.2.0"] {
        let again = c.fetch(&repo, "files", v).unwrap();
        assert_fetched(&again, &fx, "0.2.0", true);
        assert_eq!(again.path, first.path);
        assert_eq!(again.url, first.url);
    }
    // A constraint needs the index, which online mode fetches: the server is gone.
    assert!(matches!(
        c.fetch(&repo, "files", "~0.2.0"),
        Err(RepoError::Unreachable { .. })
    ));
    // Unless the cached index is young enough.
    let mut cfg = config(&dir.0);
    cfg.index_max_age = Duration::from_secs(3600);
    let f = RepoClient::new(cfg)
        .unwrap()
        .fetch(&repo, "files", "<0.2.1")
        .unwrap();
    assert_fetched(&f, &fx, "0.2.0", true);
}

#[test]
fn offline_hits_and_misses() {
    let fx = fixture();
    let dir = TempDir::new("offline");

    // Empty cache.
    let off = offline_client(&dir.0);
    let err = off.fetch(&fx.repo(), "files", "0.2.0").unwrap_err();
    let m = offline_miss(&err);
    assert_eq!(m.missing, "version 0.2.0");
    assert_eq!(m.wanted, "0.2.0");
    assert_eq!(m.name, "files");
    assert_eq!(m.cache_dir, dir.0.join("cache"));
    assert!(m.cached_versions.is_empty());
    let repo_norm = format!("{}/repo", fx.server.base());
    assert_eq!(
        err.to_string(),
        format!(
            "offline: cannot provide chart \"files\" \"0.2.0\" from {repo_norm}: version 0.2.0 is not in the cache {} (cached versions of \"files\": none); fetch it once with network access (offline mode off) using the same cache directory",
            dir.0.join("cache").display()
        )
    );
    let m = offline_miss(&off.fetch(&fx.repo(), "files", "~0.2").unwrap_err());
    assert_eq!(m.missing, format!("the index ({repo_norm}/index.yaml)"));
    assert!(fx.server.requests().is_empty());

    // Fill the cache online with 0.2.0 (and the index).
    client(&dir.0).fetch(&fx.repo(), "files", "0.2.0").unwrap();
    fx.server.clear_log();

    let off = offline_client(&dir.0);
    let hit = off.fetch(&fx.repo(), "files", "0.2.0").unwrap();
    assert_fetched(&hit, &fx, "0.2.0", true);
    // Constraints are resolved against the cached index.
    let hit = off.fetch(&fx.repo(), "files", ">=0.2.0 <0.2.1").unwrap();
    assert_fetched(&hit, &fx, "0.2.0", true);
    // ~0.2 resolves to 0.2.1, which is not cached.
    let m = offline_miss(&off.fetch(&fx.repo(), "files", "~0.2").unwrap_err());
    assert_eq!(m.missing, "version 0.2.1");
    assert_eq!(m.wanted, "~0.2");
    assert_eq!(m.repo_url, repo_norm);
    assert_eq!(m.cached_versions, vec!["0.2.0".to_string()]);
    assert!(matches!(
        off.fetch(&fx.repo(), "files", "~7"),
        Err(RepoError::NoMatchingVersion { .. })
    ));
    assert!(
        fx.server.requests().is_empty(),
        "{:?}",
        fx.server.requests()
    );
}

#[test]
fn corrupt_cache_entry_is_discarded_and_downloaded_again() {
    let fx = fixture();
    let dir = TempDir::new("corrupt");
    let c = client(&dir.0);
    let first = c.fetch(&fx.repo(), "files", "0.2.0").unwrap();

    // A half-written archive (what a crash without atomic writes would leave).
    let full = std::fs::read(&first.path).unwrap();
    std::fs::write(&first.path, &full[..full.len() / 2]).unwrap();
    fx.server.clear_log();
    let again = c.fetch(&fx.repo(), "files", "0.2.0").unwrap();
    assert_fetched(&again, &fx, "0.2.0", false);
    assert_eq!(again.path, first.path);
    assert_eq!(
        fx.server.requests(),
        vec!["/repo/index.yaml", "/repo/charts/files-0.2.0.tgz"]
    );
    assert!(c.fetch(&fx.repo(), "files", "0.2.0").unwrap().from_cache);

    // Offline, a corrupt entry is removed and reported as missing.
    std::fs::write(&first.path, b"garbage").unwrap();
    let err = offline_client(&dir.0)
        .fetch(&fx.repo(), "files", "0.2.0")
        .unwrap_err();
    assert_eq!(
        offline_miss(&err).missing,
        "a valid archive of version 0.2.0 (the cached one was corrupt and has been removed)"
    );
    assert!(!first.path.exists());
    assert_no_temp_files(&dir.0);
}

#[test]
fn changed_digest_in_index_replaces_cached_version_for_constraints() {
    // The cached 0.2.1 was built from other content than what the index lists now: a
    // constraint resolution checks the index digest and downloads again.
    let fx = fixture();
    let dir = TempDir::new("changed");
    let c = client(&dir.0);
    c.fetch(&fx.repo(), "files", "~0.2").unwrap();
    fx.server.clear_log();
    assert!(c.fetch(&fx.repo(), "files", "~0.2").unwrap().from_cache);
    assert_eq!(fx.server.requests(), vec!["/repo/index.yaml"]);

    let other = build_tgz("files", "0.2.1");
    // Same chart, different bytes (another compression level).
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::best(),
    ));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&other[..]));
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let mut h = e.header().clone();
        let path = e.path().unwrap().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        h.set_mtime(1);
        tar.append_data(&mut h, path, &data[..]).unwrap();
    }
    let rebuilt = tar.into_inner().unwrap().finish().unwrap();
    assert_ne!(sha256_hex(&rebuilt), fx.digest("0.2.1"));
    let entries = vec![Entry {
        name: "files",
        version: "0.2.1",
        url: "charts/rebuilt.tgz".into(),
        digest: Some(sha256_hex(&rebuilt)),
    }];
    fx.server
        .route("/repo/charts/rebuilt.tgz", Reply::Ok(rebuilt.clone()));
    fx.server
        .route("/repo/index.yaml", Reply::Ok(index_yaml(&entries)));
    fx.server.clear_log();
    let f = c.fetch(&fx.repo(), "files", "~0.2").unwrap();
    assert!(!f.from_cache);
    assert_eq!(f.digest, sha256_hex(&rebuilt));
    assert_eq!(
        fx.server.requests(),
        vec!["/repo/index.yaml", "/repo/charts/rebuilt.tgz"]
    );
    // Both archives stay in the content-addressed store.
    assert_eq!(blobs(&dir.0).len(), 2);
}

// ---------------------------------------------------------------------------------------
// Threading: the blocking client inside a tokio program.

#[test]
fn works_inside_spawn_blocking() {
    let fx = fixture();
    let dir = TempDir::new("tokio");
    let cfg = config(&dir.0);
    let repo = fx.repo();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let f = rt
        .block_on(async move {
            tokio::task::spawn_blocking(move || {
                let c = RepoClient::new(cfg)?;
                let f = c.fetch(&repo, "files", "~0.2")?;
                drop(c);
                Ok::<_, RepoError>(f)
            })
            .await
        })
        .unwrap()
        .unwrap();
    assert_fetched(&f, &fx, "0.2.1", false);
    drop(rt);
}

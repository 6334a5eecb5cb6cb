//! `RepoClient::fetch_url`: plain files through the chart cache, against the 127.0.0.1
//! server of `tests/common`.

use helm::repo::{RepoClient, RepoConfig, RepoError};

mod common;
use common::{Reply, Server, TempDir, sha256_hex};

const LIMIT: u64 = 1 << 20;

fn client(dir: &std::path::Path, offline: bool) -> RepoClient {
    let mut cfg = RepoConfig::new(dir);
    cfg.proxy_from_env = false;
    cfg.offline = offline;
    RepoClient::new(cfg).unwrap()
}

fn serve(body: &[u8]) -> Server {
    let s = Server::start();
    s.route("/v1.0.0/standard-install.yaml", Reply::Ok(body.to_vec()));
    s
}

fn url(s: &Server) -> String {
    format!("{}/v1.0.0/standard-install.yaml", s.base())
}

#[test]
fn unpinned_download_is_cached_and_reused_for_that_url() {
    let dir = TempDir::new("tofu");
    let s = serve(b"kind: A\n");
    let c = client(&dir.0, false);
    let f = c.fetch_url(&url(&s), None, LIMIT).unwrap();
    assert!(!f.from_cache);
    assert_eq!(f.sha256, sha256_hex(b"kind: A\n"));
    assert_eq!(
        f.path,
        dir.0.join("files").join("sha256").join(&f.sha256),
        "content-addressed"
    );
    assert_eq!(std::fs::read(&f.path).unwrap(), b"kind: A\n");
    assert_eq!(s.requests().len(), 1);

    // Changed upstream: the cached copy is still used (trust on first use), no request.
    s.route(
        "/v1.0.0/standard-install.yaml",
        Reply::Ok(b"kind: B\n".to_vec()),
    );
    let again = c.fetch_url(&url(&s), None, LIMIT).unwrap();
    assert!(again.from_cache);
    assert_eq!(again.sha256, f.sha256);
    assert_eq!(s.requests().len(), 1);

    // Offline, same cache: served without a client.
    let off = client(&dir.0, true)
        .fetch_url(&url(&s), None, LIMIT)
        .unwrap();
    assert!(off.from_cache);
    assert_eq!(off.sha256, f.sha256);
}

#[test]
fn pinned_hit_needs_no_network() {
    let dir = TempDir::new("pinhit");
    let mut s = serve(b"crds\n");
    let digest = sha256_hex(b"crds\n");
    let c = client(&dir.0, false);
    let f = c.fetch_url(&url(&s), Some(&digest), LIMIT).unwrap();
    assert!(!f.from_cache);
    let u = url(&s);
    s.stop();
    // Upper case and `sha256:` prefix are accepted.
    let pin = format!("sha256:{}", digest.to_uppercase());
    let hit = c.fetch_url(&u, Some(&pin), LIMIT).unwrap();
    assert!(hit.from_cache);
    assert_eq!(hit.sha256, digest);
    // The content is addressed by digest: another URL with the same pin is a hit too.
    let other = c
        .fetch_url(
            "http://127.0.0.1:9/mirror/standard-install.yaml",
            Some(&digest),
            LIMIT,
        )
        .unwrap();
    assert!(other.from_cache);
}

#[test]
fn pin_mismatch_names_both_digests_and_caches_nothing() {
    let dir = TempDir::new("pinbad");
    let s = serve(b"tampered\n");
    let wrong = sha256_hex(b"original\n");
    let e = client(&dir.0, false)
        .fetch_url(&url(&s), Some(&wrong), LIMIT)
        .unwrap_err();
    match &e {
        RepoError::PinnedDigestMismatch {
            url: u,
            expected,
            actual,
        } => {
            assert_eq!(u, &url(&s));
            assert_eq!(expected, &wrong);
            assert_eq!(actual, &sha256_hex(b"tampered\n"));
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains(&wrong) && msg.contains(&sha256_hex(b"tampered\n")),
        "{msg}"
    );
    assert!(
        !dir.0.join("files/sha256").exists()
            || std::fs::read_dir(dir.0.join("files/sha256"))
                .unwrap()
                .next()
                .is_none()
    );
    // Nothing recorded for the URL either: an unpinned fetch downloads again.
    let f = client(&dir.0, false)
        .fetch_url(&url(&s), None, LIMIT)
        .unwrap();
    assert!(!f.from_cache);
}

#[test]
fn pin_replaces_a_trusted_copy_when_it_differs() {
    let dir = TempDir::new("repin");
    let s = serve(b"v1\n");
    let c = client(&dir.0, false);
    c.fetch_url(&url(&s), None, LIMIT).unwrap();
    s.route("/v1.0.0/standard-install.yaml", Reply::Ok(b"v2\n".to_vec()));
    let f = c
        .fetch_url(&url(&s), Some(&sha256_hex(b"v2\n")), LIMIT)
        .unwrap();
    assert!(!f.from_cache);
    // From now on the URL refers to the pinned content.
    let g = c.fetch_url(&url(&s), None, LIMIT).unwrap();
    assert!(g.from_cache);
    assert_eq!(g.sha256, sha256_hex(b"v2\n"));
}

#[test]
fn offline_misses_say_what_is_missing() {
    let dir = TempDir::new("offline");
    let off = client(&dir.0, true);
    let e = off
        .fetch_url(
            "https://example.invalid/v1.0.0/standard-install.yaml",
            None,
            LIMIT,
        )
        .unwrap_err();
    assert!(
        matches!(e, RepoError::OfflineFileMiss { cached: None, .. }),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("offline") && msg.contains("example.invalid"),
        "{msg}"
    );

    // A cached copy with another digest than the pin: both digests named.
    let s = serve(b"old\n");
    client(&dir.0, false)
        .fetch_url(&url(&s), None, LIMIT)
        .unwrap();
    let pin = sha256_hex(b"new\n");
    let e = off.fetch_url(&url(&s), Some(&pin), LIMIT).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains(&pin) && msg.contains(&sha256_hex(b"old\n")),
        "{msg}"
    );
}

#[test]
fn corrupt_cached_file_is_downloaded_again() {
    let dir = TempDir::new("corrupt");
    let s = serve(b"good\n");
    let c = client(&dir.0, false);
    let f = c.fetch_url(&url(&s), None, LIMIT).unwrap();
    std::fs::write(&f.path, b"bad\n").unwrap();
    let g = c.fetch_url(&url(&s), None, LIMIT).unwrap();
    assert!(!g.from_cache);
    assert_eq!(std::fs::read(&g.path).unwrap(), b"good\n");
    assert_eq!(s.requests().len(), 2);
}

#[test]
fn limits_status_and_invalid_input() {
    let dir = TempDir::new("limits");
    let s = serve(&vec![b'x'; 2048]);
    let c = client(&dir.0, false);
    assert!(matches!(
        c.fetch_url(&url(&s), None, 1024),
        Err(RepoError::TooLarge { limit: 1024, .. })
    ));
    assert!(matches!(
        c.fetch_url(&format!("{}/missing.yaml", s.base()), None, LIMIT),
        Err(RepoError::Status { status: 404, .. })
    ));
    assert!(matches!(
        c.fetch_url(&url(&s), Some("abc"), LIMIT),
        Err(RepoError::InvalidDigest { .. })
    ));
    assert!(matches!(
        c.fetch_url("file:///etc/passwd", None, LIMIT),
        Err(RepoError::InvalidUrl { .. })
    ));
    // nothing was requested for the invalid inputs
    assert_eq!(s.requests().len(), 2);
}

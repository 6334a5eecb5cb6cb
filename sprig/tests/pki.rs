//! Certificates: reproducibility, replay, and structure checked with `openssl` when present.

use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;

use sprig::{DefaultGenerator, Generator, Replay, Timestamp};

const NOW: Timestamp = Timestamp {
    secs: 1_764_316_800, // 2025-11-28T08:00:00Z
    nanos: 0,
};

fn seeded(seed: u8) -> DefaultGenerator {
    DefaultGenerator::seeded([seed; 32], NOW)
}

/// Runs openssl with `input` on its standard input (no files left behind).
fn openssl(args: &[&str], input: &str) -> Option<String> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A scratch directory removed when dropped, even when an assertion fails.
struct Scratch(std::path::PathBuf);
impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn same_seed_same_bytes_and_chain_is_valid() {
    let g1 = seeded(1);
    let ca1 = g1.ca("cilium-ca", 1095, None).unwrap();
    let ips: Vec<IpAddr> = vec!["10.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
    let dns = vec!["*.hubble-relay.cilium.io".to_string()];
    let leaf1 = g1.signed("hubble", &ips, &dns, 365, &ca1, None).unwrap();

    let g2 = seeded(1);
    let ca2 = g2.ca("cilium-ca", 1095, None).unwrap();
    let leaf2 = g2.signed("hubble", &ips, &dns, 365, &ca2, None).unwrap();
    assert_eq!(ca1, ca2);
    assert_eq!(leaf1, leaf2);
    assert_ne!(seeded(2).ca("cilium-ca", 1095, None).unwrap(), ca1);

    assert!(ca1.cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(ca1.cert.ends_with("-----END CERTIFICATE-----\n"));
    assert!(ca1.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));

    let Some(text) = openssl(&["x509", "-noout", "-text"], &ca1.cert) else {
        return; // no openssl on this machine
    };
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("Issuer: CN = cilium-ca"), "{text}");
    assert!(text.contains("CA:TRUE"), "{text}");
    assert!(
        text.contains("Digital Signature, Key Encipherment, Certificate Sign"),
        "{text}"
    );
    assert!(
        text.contains("Not Before: Nov 28 08:00:00 2025 GMT"),
        "{text}"
    );
    assert!(
        text.contains("Not After : Nov 27 08:00:00 2028 GMT"),
        "{text}"
    );
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");

    let leaf = openssl(&["x509", "-noout", "-text"], &leaf1.cert).unwrap();
    assert!(leaf.contains("Subject: CN = hubble"), "{leaf}");
    assert!(leaf.contains("CA:FALSE"), "{leaf}");
    assert!(
        leaf.contains(
            "DNS:*.hubble-relay.cilium.io, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1"
        ),
        "{leaf}"
    );
    assert!(
        leaf.contains("TLS Web Server Authentication, TLS Web Client Authentication"),
        "{leaf}"
    );
    assert!(leaf.contains("X509v3 Authority Key Identifier"), "{leaf}");

    // the chain verifies
    let scratch = Scratch::new("sprig-chain");
    let dir = &scratch.0;
    std::fs::write(dir.join("ca.pem"), &ca1.cert).unwrap();
    std::fs::write(dir.join("leaf.pem"), &leaf1.cert).unwrap();
    let out = Command::new("openssl")
        .args(["verify", "-no_check_time", "-CAfile"])
        .arg(dir.join("ca.pem"))
        .arg(dir.join("leaf.pem"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the key matches the certificate
    let m1 = openssl(&["rsa", "-noout", "-modulus"], &leaf1.key).unwrap();
    let m2 = openssl(&["x509", "-noout", "-modulus"], &leaf1.cert).unwrap();
    assert_eq!(m1, m2);
}

#[test]
fn replay_returns_recorded_material_in_order() {
    let first = Replay::new(Arc::new(seeded(3)), vec![]);
    let ca = first.ca("ca", 10, None).unwrap();
    let s1 = first.random_string(sprig::Charset::AlphaNum, 12);
    let s2 = first.random_string(sprig::Charset::AlphaNum, 12);
    let records = first.records();
    assert_eq!(records.len(), 3);
    // records survive a serialisation round trip (what a caller stores between renders)
    let text = serde_json::to_string(&records).unwrap();
    let records: Vec<sprig::Record> = serde_json::from_str(&text).unwrap();

    // a different source, but the records win
    let second = Replay::new(Arc::new(seeded(9)), records.clone());
    assert_eq!(second.ca("ca", 10, None).unwrap(), ca);
    assert_eq!(second.random_string(sprig::Charset::AlphaNum, 12), s1);
    assert_eq!(second.random_string(sprig::Charset::AlphaNum, 12), s2);
    // no record left for this key: fresh value from the inner generator
    let s3 = second.random_string(sprig::Charset::AlphaNum, 12);
    assert_ne!(s3, s1);
    // a different argument is a different key
    assert_ne!(second.ca("ca", 11, None).unwrap(), ca);
    assert_eq!(second.records().len(), 5);
}

#[test]
fn other_key_types_and_limits() {
    let g = seeded(4);
    let ec = g.private_key("ecdsa").unwrap();
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let ed = g.private_key("ed25519").unwrap();
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(g.private_key("nope").unwrap_err().0, "Unknown type nope");
    // a CA with an EC key, leaf signed by it
    let ca = g.ca("ec-ca", 1, Some(&ec)).unwrap();
    assert_eq!(ca.key, ec);
    let leaf = g.signed("x", &[], &[], 1, &ca, Some(&ed)).unwrap();
    if let Some(t) = openssl(&["x509", "-noout", "-text"], &leaf.cert) {
        assert!(t.contains("ecdsa-with-SHA256"), "{t}");
        assert!(t.contains("ED25519"), "{t}");
    }
    // garbage CA material is an error, not a panic
    let bad = sprig::CertPair {
        cert: "x".into(),
        key: "y".into(),
    };
    assert!(g.signed("x", &[], &[], 1, &bad, None).is_err());
    // random strings: charset and length limit
    let s = g.random_string(sprig::Charset::Numeric, 50);
    assert!(s.len() == 50 && s.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        g.random_string(sprig::Charset::Ascii, usize::MAX).len(),
        sprig::generator::MAX_RANDOM_STRING_LEN
    );
    let u = g.uuid_v4();
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
}

fn der_hex(pem: &str) -> String {
    let (_, der) = sprig::pki::pem_decode(pem).unwrap();
    der.iter().map(|b| format!("{b:02X}")).collect()
}

/// Extension encodings taken from certificates Helm v4.2.3's `genCA` / `genSignedCert "hubble"
/// (list "10.0.0.1") (list "a.b") 365 $ca` produced (openssl asn1parse).
#[test]
fn extension_bytes_match_helm() {
    let g = seeded(5);
    let ca = g.ca("cilium-ca", 1095, None).unwrap();
    let ips: Vec<IpAddr> = vec!["10.0.0.1".parse().unwrap()];
    let leaf = g
        .signed("hubble", &ips, &["a.b".to_string()], 365, &ca, None)
        .unwrap();
    let c = der_hex(&ca.cert);
    let l = der_hex(&leaf.cert);
    // subject/issuer CN as PrintableString
    assert!(
        c.contains("3014311230100603550403130963696C69756D2D6361"),
        "{c}"
    );
    // KeyUsage critical, CA bits; EKU; BasicConstraints CA:TRUE; SKI 20 bytes
    assert!(c.contains("300E0603551D0F0101FF0404030202A4"), "{c}");
    assert!(
        c.contains("301D0603551D250416301406082B0601050507030106082B06010505070302"),
        "{c}"
    );
    assert!(c.contains("300F0603551D130101FF040530030101FF"), "{c}");
    assert!(c.contains("301D0603551D0E04160414"), "{c}");
    // leaf: KU, BasicConstraints empty, AKI = CA's SKI, SAN
    assert!(l.contains("300E0603551D0F0101FF0404030205A0"), "{l}");
    assert!(l.contains("300C0603551D130101FF04023000"), "{l}");
    let ski_at = c.find("301D0603551D0E04160414").unwrap() + 22;
    let ski = &c[ski_at..ski_at + 40];
    assert!(
        l.contains(&format!("301F0603551D23041830168014{ski}")),
        "{l}"
    );
    assert!(
        l.contains("30140603551D11040D300B8203612E6287040A000001"),
        "{l}"
    );
    // tbs starts with version 2 and a 16/17-byte serial
    assert!(c[16..].starts_with("A003020102021"), "{c}");
}

#[test]
fn not_after_reads_the_validity_written() {
    let g = seeded(3);
    let ca = g.ca("test-ca", 1095, None).unwrap();
    let t = sprig::pki::not_after(&ca.cert).unwrap();
    assert_eq!(t.secs, NOW.secs + 1095 * 86_400);
    let leaf = g
        .signed("leaf", &[], &["leaf.test".into()], 30, &ca, None)
        .unwrap();
    assert_eq!(
        sprig::pki::not_after(&leaf.cert).unwrap().secs,
        NOW.secs + 30 * 86_400
    );
    if let Some(out) = openssl(&["x509", "-noout", "-enddate"], &ca.cert) {
        // notAfter=Nov 27 08:00:00 2028 GMT
        assert!(out.contains("2028 GMT"), "{out}");
    }
    assert!(sprig::pki::not_after("not a pem").is_err());
    assert!(sprig::pki::not_after(&ca.key).is_err());
}

/// Prefetched keys: taken in order, then the generator falls back to its own; with a seeded
/// source the result is still reproducible, and every key is a distinct valid RSA-2048 key.
#[test]
fn prefetched_keys_are_used_then_exhausted() {
    let run = || {
        let mut g = seeded(7);
        g.prefetch_cert_keys(2);
        let ca = g.ca("cilium-ca", 1095, None).unwrap();
        let a = g.signed("a", &[], &[], 365, &ca, None).unwrap();
        let b = g.signed("b", &[], &[], 365, &ca, None).unwrap(); // past the pool
        (ca, a, b)
    };
    let (ca, a, b) = run();
    assert_eq!(run(), (ca.clone(), a.clone(), b.clone()));
    let keys = [&ca.key, &a.key, &b.key];
    for (i, k) in keys.iter().enumerate() {
        assert!(k.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert!(keys[i + 1..].iter().all(|o| o != k), "key {i} repeated");
        if let Some(out) = openssl(&["rsa", "-check", "-noout"], k) {
            assert!(out.contains("RSA key ok"), "{out}");
        }
    }
    // A generator dropped with keys still in flight does not hang or panic.
    let mut g = seeded(8);
    g.prefetch_cert_keys(3);
    drop(g);
}

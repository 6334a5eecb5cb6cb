//! Keys and X.509 certificates shaped like the ones sprig builds with Go's `crypto/x509`
//! (`genCA`, `genSelfSignedCert`, `genSignedCert`, `genPrivateKey`), generated from an
//! injected random stream so that a seed replays byte-identical output.
//!
//! Certificate shape (Go's `CreateCertificate` over sprig's template): v3, random 128-bit
//! serial, subject/issuer `CN=<cn>` only, validity `now` .. `now + days*24h`, KeyUsage
//! (critical) DigitalSignature|KeyEncipherment (+CertSign for a CA), ExtKeyUsage
//! ServerAuth+ClientAuth, BasicConstraints (critical, `CA:TRUE` for a CA), SubjectKeyId
//! (first 20 bytes of SHA-256 of the public key) for a CA, AuthorityKeyId from the issuer's
//! SubjectKeyId, SubjectAltName (DNS names then IPs). RSA keys sign with SHA256WithRSA
//! (PKCS#1 v1.5, deterministic), P-256 with ECDSA-SHA256 (RFC 6979), Ed25519 pure.

use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand_core::{CryptoRng, RngCore};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};

use crate::time::Timestamp;

/// RSA modulus sizes accepted (sprig's `genPrivateKey "rsa"` and the certificate functions
/// use 4096 and 2048).
pub const RSA_BITS_DEFAULT: usize = 2048;

/// PEM-encoded certificate and private key (the `.Cert` and `.Key` of sprig's object).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct CertPair {
    pub cert: String,
    pub key: String,
}

/// A private key of one of the supported algorithms.
pub enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// Errors from key or certificate generation and parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiError(pub String);

impl std::fmt::Display for PkiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for PkiError {}

fn err(s: impl Into<String>) -> PkiError {
    PkiError(s.into())
}

// ------------------------------------------------------------------ DER writer

fn der_len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    der_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// Unsigned big-endian integer as a DER INTEGER.
fn uint(bytes: &[u8]) -> Vec<u8> {
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let mut v = bytes[skip..].to_vec();
    if v.is_empty() || v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &body)
}

fn bit_string(bytes: &[u8], unused: u8) -> Vec<u8> {
    let mut c = vec![unused];
    c.extend_from_slice(bytes);
    tlv(0x03, &c)
}

fn octet(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

const NULL: [u8; 2] = [0x05, 0x00];

fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let tag = if cn.chars().all(is_printable) {
        0x13
    } else {
        0x0c
    };
    let atv = seq(&[oid(&[2, 5, 4, 3]), tlv(tag, cn.as_bytes())]);
    seq(&[tlv(0x31, &atv)])
}

fn time_der(t: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = crate::time::civil_from_unix(t);
    if (1950..2050).contains(&y) {
        let txt = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            y.rem_euclid(100),
            mo,
            d,
            h,
            mi,
            s
        );
        tlv(0x17, txt.as_bytes())
    } else {
        let txt = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        tlv(0x18, txt.as_bytes())
    }
}

fn extension(id: &[u64], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(vec![0x01, 0x01, 0xff]);
    }
    parts.push(octet(&value));
    seq(&parts)
}

// ------------------------------------------------------------------ DER reader (minimal)

/// (tag, content, whole element, rest)
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn read_tlv(data: &[u8]) -> Option<Tlv<'_>> {
    // returns (tag, content, whole element, rest)
    let tag = *data.first()?;
    let l0 = *data.get(1)? as usize;
    let (len, hdr) = if l0 < 0x80 {
        (l0, 2)
    } else {
        let n = l0 & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *data.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    if end > data.len() {
        return None;
    }
    Some((tag, &data[hdr..end], &data[..end], &data[end..]))
}

/// Subject (raw DER) and SubjectKeyId of a certificate.
struct CertInfo {
    subject: Vec<u8>,
    ski: Option<Vec<u8>>,
}

fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, cert, _, _) = read_tlv(der)?;
    let (_, tbs, _, _) = read_tlv(cert)?;
    let mut rest = tbs;
    let (tag, _, _, r) = read_tlv(rest)?;
    if tag == 0xa0 {
        rest = r;
    }
    let (_, _, _, r) = read_tlv(rest)?; // serial
    let (_, _, _, r) = read_tlv(r)?; // sig alg
    let (_, _, _, r) = read_tlv(r)?; // issuer
    let (_, _, _, r) = read_tlv(r)?; // validity
    let (_, _, subject, r) = read_tlv(r)?;
    let (_, _, _, mut r) = read_tlv(r)?; // spki
    let mut ski = None;
    while let Some((tag, content, _, next)) = read_tlv(r) {
        if tag == 0xa3 {
            let (_, exts, _, _) = read_tlv(content)?;
            let mut e = exts;
            while let Some((_, ext, _, n)) = read_tlv(e) {
                let (_, id, _, after) = read_tlv(ext)?;
                if id == [0x55, 0x1d, 0x0e] {
                    let mut a = after;
                    let (mut t, mut c, _, mut n2) = read_tlv(a)?;
                    if t == 0x01 {
                        a = n2;
                        (t, c, _, n2) = read_tlv(a)?;
                    }
                    let _ = n2;
                    if t == 0x04 {
                        let (_, inner, _, _) = read_tlv(c)?;
                        ski = Some(inner.to_vec());
                    }
                }
                e = n;
            }
        }
        r = next;
    }
    Some(CertInfo {
        subject: subject.to_vec(),
        ski,
    })
}

// ------------------------------------------------------------------ PEM

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// Decodes the first PEM block of `text`: (label, DER bytes).
pub fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    use base64::Engine;
    let start = text.find("-----BEGIN ")?;
    let after = &text[start + 11..];
    let label_end = after.find("-----")?;
    let label = &after[..label_end];
    let body = &after[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let end = body.find(&end_marker)?;
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some((label.to_string(), der))
}

// ------------------------------------------------------------------ keys

impl PrivateKey {
    /// Generates a key: `rsa` (bits), `ecdsa` (P-256) or `ed25519`.
    pub fn generate<R: RngCore + CryptoRng>(
        kind: &str,
        rsa_bits: usize,
        rng: &mut R,
    ) -> Result<PrivateKey, PkiError> {
        match kind {
            "rsa" => {
                if !(1024..=8192).contains(&rsa_bits) {
                    return Err(err(format!("RSA key size {rsa_bits} outside 1024..=8192")));
                }
                let k = match crate::rsagen::generate(rng, rsa_bits) {
                    Some(k) => k,
                    None => RsaPrivateKey::new(rng, rsa_bits)
                        .map_err(|e| err(format!("error generating RSA private key: {e}")))?,
                };
                Ok(PrivateKey::Rsa(Box::new(k)))
            }
            "ecdsa" => Ok(PrivateKey::P256(p256::SecretKey::random(rng))),
            "ed25519" => Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::generate(
                rng,
            ))),
            other => Err(err(format!("Unknown type {other}"))),
        }
    }

    /// The PEM form Go's sprig writes: `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC 1),
    /// `PRIVATE KEY` (PKCS#8, Ed25519).
    pub fn to_pem(&self) -> Result<String, PkiError> {
        match self {
            PrivateKey::Rsa(k) => {
                let der = k
                    .to_pkcs1_der()
                    .map_err(|e| err(format!("error encoding RSA key: {e}")))?;
                Ok(pem("RSA PRIVATE KEY", der.as_bytes()))
            }
            PrivateKey::P256(k) => {
                let d = k.to_bytes();
                let point = k.public_key().to_encoded_point(false);
                let der = seq(&[
                    uint(&[1]),
                    octet(&d),
                    tlv(0xa0, &oid(P256_OID)),
                    tlv(0xa1, &bit_string(point.as_bytes(), 0)),
                ]);
                Ok(pem("EC PRIVATE KEY", &der))
            }
            PrivateKey::Ed25519(k) => {
                let der = seq(&[
                    uint(&[0]),
                    seq(&[oid(ED25519_OID)]),
                    octet(&octet(&k.to_bytes())),
                ]);
                Ok(pem("PRIVATE KEY", &der))
            }
        }
    }

    /// Parses a PEM private key of the kinds `to_pem` writes (and PKCS#8 RSA/P-256).
    pub fn from_pem(text: &str) -> Result<PrivateKey, PkiError> {
        let (label, der) = pem_decode(text).ok_or_else(|| err("no PEM data found"))?;
        match label.as_str() {
            "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&der)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| err(format!("error parsing RSA key: {e}"))),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(PrivateKey::P256)
                .map_err(|e| err(format!("error parsing EC key: {e}"))),
            "PRIVATE KEY" => {
                use p256::pkcs8::DecodePrivateKey;
                if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
                    return Ok(PrivateKey::Rsa(Box::new(k)));
                }
                if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
                    return Ok(PrivateKey::P256(k));
                }
                // Ed25519 PKCS#8 v1: 48 bytes, seed at the end.
                if der.len() == 48 && der[..16] == ED25519_PKCS8_PREFIX {
                    let mut seed = [0u8; 32];
                    seed.copy_from_slice(&der[16..]);
                    return Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                        &seed,
                    )));
                }
                Err(err("unsupported PKCS#8 private key"))
            }
            other => Err(err(format!("unsupported private key type {other:?}"))),
        }
    }

    fn spki(&self) -> Result<(Vec<u8>, Vec<u8>), PkiError> {
        // returns (SubjectPublicKeyInfo DER, subjectPublicKey bits)
        let (alg, bits) = match self {
            PrivateKey::Rsa(k) => {
                let pk = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| err(format!("error encoding RSA public key: {e}")))?;
                (seq(&[oid(RSA_OID), NULL.to_vec()]), pk.as_bytes().to_vec())
            }
            PrivateKey::P256(k) => (
                seq(&[oid(EC_PUBLIC_KEY_OID), oid(P256_OID)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::Ed25519(k) => (
                seq(&[oid(ED25519_OID)]),
                k.verifying_key().to_bytes().to_vec(),
            ),
        };
        Ok((seq(&[alg, bit_string(&bits, 0)]), bits))
    }

    fn sig_alg(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => seq(&[oid(SHA256_RSA_OID), NULL.to_vec()]),
            PrivateKey::P256(_) => seq(&[oid(ECDSA_SHA256_OID)]),
            PrivateKey::Ed25519(_) => seq(&[oid(ED25519_OID)]),
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, PkiError> {
        match self {
            PrivateKey::Rsa(k) => {
                let digest = Sha256::digest(msg);
                k.sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
                    .map_err(|e| err(format!("error signing certificate: {e}")))
            }
            PrivateKey::P256(k) => {
                use p256::ecdsa::signature::Signer;
                let sk = p256::ecdsa::SigningKey::from(k.clone());
                let sig: p256::ecdsa::Signature = sk.sign(msg);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::Signer;
                Ok(k.sign(msg).to_bytes().to_vec())
            }
        }
    }
}

const RSA_OID: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const SHA256_RSA_OID: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const EC_PUBLIC_KEY_OID: &[u64] = &[1, 2, 840, 10045, 2, 1];
const P256_OID: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const ECDSA_SHA256_OID: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const ED25519_OID: &[u64] = &[1, 3, 101, 112];
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

// ------------------------------------------------------------------ certificates

/// What a certificate asserts; the signer is separate.
pub struct CertTemplate<'a> {
    pub cn: &'a str,
    pub ips: &'a [std::net::IpAddr],
    pub dns: &'a [String],
    /// Validity in days (Go: `time.Hour * 24 * time.Duration(days)`, wrapping like Go).
    pub days: i64,
    pub is_ca: bool,
    /// 16 random bytes: the serial number (uniform below 2^128).
    pub serial: [u8; 16],
    pub now: Timestamp,
}

/// The issuer of a certificate: its key and certificate (None = self-signed).
pub struct Issuer<'a> {
    pub key: &'a PrivateKey,
    pub cert_pem: Option<&'a str>,
}

/// Builds and signs a certificate; returns its PEM.
pub fn create_certificate(
    t: &CertTemplate<'_>,
    subject_key: &PrivateKey,
    issuer: &Issuer<'_>,
) -> Result<String, PkiError> {
    let subject = name(t.cn);
    let (issuer_name, aki) = match issuer.cert_pem {
        None => (subject.clone(), None),
        Some(p) => {
            let (_, der) = pem_decode(p).ok_or_else(|| err("error parsing CA certificate"))?;
            let info = cert_info(&der).ok_or_else(|| err("error parsing CA certificate"))?;
            let aki = if info.subject != subject {
                info.ski
            } else {
                None
            };
            (info.subject, aki)
        }
    };
    let (spki, pub_bits) = subject_key.spki()?;

    let mut exts = Vec::new();
    let ku: u16 = if t.is_ca { 0b100101 } else { 0b101 };
    let (ku_byte, ku_bits) = {
        let b = (ku as u8).reverse_bits();
        let unused = b.trailing_zeros() as u8;
        (b, unused)
    };
    exts.push(extension(
        &[2, 5, 29, 15],
        true,
        bit_string(&[ku_byte], ku_bits),
    ));
    exts.push(extension(
        &[2, 5, 29, 37],
        false,
        seq(&[
            oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
        ]),
    ));
    let bc = if t.is_ca {
        seq(&[vec![0x01, 0x01, 0xff]])
    } else {
        seq(&[])
    };
    exts.push(extension(&[2, 5, 29, 19], true, bc));
    if t.is_ca {
        let h = Sha256::digest(&pub_bits);
        exts.push(extension(&[2, 5, 29, 14], false, octet(&h[..20])));
    }
    if let Some(aki) = aki {
        exts.push(extension(&[2, 5, 29, 35], false, seq(&[tlv(0x80, &aki)])));
    }
    if !t.ips.is_empty() || !t.dns.is_empty() {
        let mut names = Vec::new();
        for d in t.dns {
            names.push(tlv(0x82, d.as_bytes()));
        }
        for ip in t.ips {
            match ip {
                std::net::IpAddr::V4(v4) => names.push(tlv(0x87, &v4.octets())),
                std::net::IpAddr::V6(v6) => names.push(tlv(0x87, &v6.octets())),
            }
        }
        exts.push(extension(&[2, 5, 29, 17], t.cn.is_empty(), seq(&names)));
    }

    let not_before = t.now.secs;
    let dur_ns = t.days.wrapping_mul(86_400_000_000_000);
    let after_ns = (t.now.secs as i128) * 1_000_000_000 + t.now.nanos as i128 + dur_ns as i128;
    let not_after = after_ns.div_euclid(1_000_000_000) as i64;

    let sig_alg = issuer.key.sig_alg();
    let tbs = seq(&[
        tlv(0xa0, &uint(&[2])),
        uint(&t.serial),
        sig_alg.clone(),
        issuer_name,
        seq(&[time_der(not_before), time_der(not_after)]),
        subject,
        spki,
        tlv(0xa3, &seq(&exts)),
    ]);
    let sig = issuer.key.sign(&tbs)?;
    let cert = seq(&[tbs, sig_alg, bit_string(&sig, 0)]);
    Ok(pem("CERTIFICATE", &cert))
}

/// Reads one DER element at `pos`: (tag, content start, content end).
fn der_element(d: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *d.get(pos)?;
    let first = *d.get(pos + 1)? as usize;
    let (len, start) = if first < 0x80 {
        (first, pos + 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *d.get(pos + 2 + i)? as usize;
        }
        (len, pos + 2 + n)
    };
    let end = start.checked_add(len)?;
    (end <= d.len()).then_some((tag, start, end))
}

/// `notAfter` of a PEM certificate (X.509 `tbsCertificate.validity`), UTCTime or
/// GeneralizedTime.
pub fn not_after(cert_pem: &str) -> Result<Timestamp, PkiError> {
    let bad = || PkiError("not an X.509 certificate".into());
    let (_, der) = pem_decode(cert_pem).ok_or_else(bad)?;
    let (_, cs, _) = der_element(&der, 0)
        .filter(|e| e.0 == 0x30)
        .ok_or_else(bad)?;
    let (_, ts, te) = der_element(&der, cs)
        .filter(|e| e.0 == 0x30)
        .ok_or_else(bad)?;
    // version [0] (optional), serialNumber, signature, issuer, validity
    let mut pos = ts;
    let mut seen = 0;
    while pos < te {
        let (tag, s, e) = der_element(&der, pos).ok_or_else(bad)?;
        if tag != 0xa0 {
            seen += 1;
        }
        if seen == 4 {
            let (_, _, nb_end) = der_element(&der, s).ok_or_else(bad)?;
            let (t, vs, ve) = der_element(&der, nb_end).ok_or_else(bad)?;
            let text = std::str::from_utf8(&der[vs..ve]).map_err(|_| bad())?;
            return parse_asn1_time(t, text).ok_or_else(bad);
        }
        pos = e;
    }
    Err(bad())
}

fn parse_asn1_time(tag: u8, s: &str) -> Option<Timestamp> {
    let s = s.strip_suffix('Z')?;
    let (year, rest) = match tag {
        // UTCTime: YY (50-99 → 19YY, else 20YY, RFC 5280 §4.1.2.5.1)
        0x17 => {
            let yy: i64 = s.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let num = |r: std::ops::Range<usize>| rest.get(r)?.parse::<u32>().ok();
    let (mo, d, h, mi, se) = (num(0..2)?, num(2..4)?, num(4..6)?, num(6..8)?, num(8..10)?);
    let days = crate::time::days_from_civil(year, mo, d);
    Some(Timestamp {
        secs: days * 86_400 + i64::from(h * 3600 + mi * 60 + se),
        nanos: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn der_integers_are_minimal_and_positive() {
        assert_eq!(uint(&[0, 0, 5]), vec![2, 1, 5]);
        assert_eq!(uint(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(uint(&[0, 0]), vec![2, 1, 0]);
    }

    #[test]
    fn key_usage_bits_match_go() {
        // Go: leaf 03 02 05 a0, CA 03 02 02 a4 (DigitalSignature|KeyEncipherment|CertSign).
        let leaf = (0b101u8).reverse_bits();
        assert_eq!((leaf, leaf.trailing_zeros()), (0xa0, 5));
        let ca = (0b100101u8).reverse_bits();
        assert_eq!((ca, ca.trailing_zeros()), (0xa4, 2));
    }

    #[test]
    fn ec_and_ed25519_keys_roundtrip() {
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        for kind in ["ecdsa", "ed25519"] {
            let k = PrivateKey::generate(kind, 0, &mut rng).unwrap();
            let p = k.to_pem().unwrap();
            let k2 = PrivateKey::from_pem(&p).unwrap();
            assert_eq!(k2.to_pem().unwrap(), p);
        }
        assert!(PrivateKey::generate("dsa", 0, &mut rng).is_err());
        assert!(PrivateKey::generate("rsa", 100, &mut rng).is_err());
    }

    #[test]
    fn reader_rejects_garbage() {
        assert!(cert_info(&[]).is_none());
        assert!(cert_info(&[0x30, 0x85, 1, 2, 3, 4, 5]).is_none());
        assert!(cert_info(&[0x30, 0x10, 1]).is_none());
        assert!(pem_decode("nothing").is_none());
    }
}

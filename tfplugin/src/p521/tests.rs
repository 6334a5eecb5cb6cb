//! ECDSA P-521 verification checked against AWS-LC (through aws-lc-rs) on
//! keys and signatures it generates, valid and tampered.

use super::curve::{Point, double_mul, wnaf};
use super::*;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P521_SHA512_ASN1, ECDSA_P521_SHA512_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};

fn reference(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ECDSA_P521_SHA512_ASN1, public_key)
        .verify(message, signature)
        .is_ok()
}

fn keypair() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P521_SHA512_ASN1_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_ASN1_SIGNING, pkcs8.as_ref()).unwrap()
}

#[test]
fn accepts_what_aws_lc_signs_and_agrees_on_tampering() {
    let rng = SystemRandom::new();
    let mut accepted = 0;
    for round in 0..24 {
        let key = keypair();
        let public = key.public_key().as_ref().to_vec();
        let message = format!("TLS 1.3, server CertificateVerify, round {round}").into_bytes();
        let sig = key.sign(&rng, &message).unwrap().as_ref().to_vec();
        assert!(reference(&public, &message, &sig));
        assert!(
            verify(&public, &message, &sig),
            "round {round}: valid signature refused"
        );
        accepted += 1;

        // One changed bit anywhere must give the reference's answer (a refusal,
        // except where the bit is not significant, which the reference decides).
        let mut cases: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = Vec::new();
        for i in [0, message.len() / 2, message.len() - 1] {
            let mut m = message.clone();
            m[i] ^= 1 << (round % 8);
            cases.push((public.clone(), m, sig.clone()));
        }
        for i in (0..sig.len()).step_by(7) {
            let mut s = sig.clone();
            s[i] ^= 1 << (i % 8);
            cases.push((public.clone(), message.clone(), s));
        }
        for i in (1..public.len()).step_by(11) {
            let mut p = public.clone();
            p[i] ^= 1 << (i % 8);
            cases.push((p, message.clone(), sig.clone()));
        }
        // another key's signature
        let other = keypair();
        let other_sig = other.sign(&rng, &message).unwrap().as_ref().to_vec();
        cases.push((public.clone(), message.clone(), other_sig));
        for (p, m, s) in &cases {
            assert_eq!(
                verify(p, m, s),
                reference(p, m, s),
                "round {round}: {p:02x?} {s:02x?}"
            );
        }
    }
    assert_eq!(accepted, 24);
}

fn der(r: &BigUint, s: &BigUint) -> Vec<u8> {
    fn int(v: &BigUint) -> Vec<u8> {
        let mut b = v.to_bytes_be();
        if b[0] & 0x80 != 0 {
            b.insert(0, 0);
        }
        let mut out = vec![0x02, b.len() as u8];
        out.extend(b);
        out
    }
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30];
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(body.len() as u8);
    out.extend(body);
    out
}

fn split_der(sig: &[u8]) -> (BigUint, BigUint) {
    parse_der_signature(sig).expect("well-formed")
}

#[test]
fn refuses_out_of_range_scalars_and_malformed_encodings() {
    let rng = SystemRandom::new();
    let key = keypair();
    let public = key.public_key().as_ref().to_vec();
    let message = b"out of range".to_vec();
    let sig = key.sign(&rng, &message).unwrap().as_ref().to_vec();
    let (r, s) = split_der(&sig);
    assert_eq!(der(&r, &s), sig, "test encoder writes what AWS-LC writes");
    let n = BigUint::from_bytes_be(&curve::N);
    let zero = BigUint::ZERO;
    for (r2, s2) in [
        (zero.clone(), s.clone()),
        (r.clone(), zero.clone()),
        (&r + &n, s.clone()),
        (r.clone(), &s + &n),
        (n.clone(), s.clone()),
        (r.clone(), n.clone()),
        // (r, n - s) is the other valid ECDSA form; the reference decides
        (r.clone(), &n - &s),
    ] {
        let d = der(&r2, &s2);
        assert_eq!(
            verify(&public, &message, &d),
            reference(&public, &message, &d)
        );
    }
    // (r, -s mod n) verifies too in ECDSA (no low-s rule): both agree it does
    let flipped = der(&r, &(&n - &s));
    assert!(verify(&public, &message, &flipped));

    // trailing bytes, truncation, wrong tags, non-minimal integers and lengths
    let mut trailing = sig.clone();
    trailing.push(0);
    let mut wrong_tag = sig.clone();
    wrong_tag[0] = 0x31;
    // two leading zero bytes are never minimal, whatever r's top bit
    let mut padded_r = vec![0x02, 0, 0, 0];
    padded_r.extend(r.to_bytes_be());
    padded_r[1] = (padded_r.len() - 2) as u8;
    for bad in [
        trailing,
        sig[..sig.len() - 1].to_vec(),
        wrong_tag,
        Vec::new(),
        vec![0x30, 0x00],
        vec![0x30, 0x81, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01], // long form for a short length
        vec![0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],       // negative r
    ] {
        assert!(!verify(&public, &message, &bad), "{bad:02x?}");
        assert!(!reference(&public, &message, &bad), "{bad:02x?}");
    }
    assert!(parse_der_signature(&der_with_r_bytes(&padded_r, &s)).is_none());

    // public keys: compressed form, wrong length, off the curve, coordinate >= p
    let mut compressed = vec![2 + (public[132] & 1)];
    compressed.extend(&public[1..67]);
    let mut off_curve = public.clone();
    off_curve[132] ^= 1;
    let mut big_x = public.clone();
    big_x[1..67].copy_from_slice(&[0xff; 66]);
    for bad in [
        compressed,
        public[..132].to_vec(),
        off_curve,
        big_x,
        vec![4],
    ] {
        assert!(!verify(&bad, &message, &sig));
    }
}

fn der_with_r_bytes(r_tlv: &[u8], s: &BigUint) -> Vec<u8> {
    let mut sb = s.to_bytes_be();
    if sb[0] & 0x80 != 0 {
        sb.insert(0, 0);
    }
    let mut body = r_tlv.to_vec();
    body.extend([0x02, sb.len() as u8]);
    body.extend(sb);
    let mut out = vec![0x30, 0x81, body.len() as u8];
    out.extend(body);
    out
}

fn scalar(v: u64) -> [u64; 9] {
    let mut l = [0u64; 9];
    l[0] = v;
    l
}

fn same(a: &Point, b: &Point) -> bool {
    // (X1/Z1², Y1/Z1³) = (X2/Z2², Y2/Z2³) without inversions
    match (a.is_identity(), b.is_identity()) {
        (true, true) => true,
        (false, false) => {
            let (z1, z2) = (a.z.square(), b.z.square());
            a.x.mul(&z2).equals(&b.x.mul(&z1))
                && a.y.mul(&z2).mul(&b.z).equals(&b.y.mul(&z1).mul(&a.z))
        }
        _ => false,
    }
}

#[test]
fn group_laws_hold_including_the_exceptional_additions() {
    let g = Point::generator();
    let n = BigUint::from_bytes_be(&curve::N);
    let n_limbs = limbs(&n);
    let zero = [0u64; 9];
    // n·G is the identity, (n - 1)·G = -G, and G + (-G) is the identity
    assert!(double_mul(&n_limbs, &g, &zero, &g).is_identity());
    let minus_one = limbs(&(&n - 1u32));
    let minus_g = double_mul(&minus_one, &g, &zero, &g);
    assert!(!minus_g.is_identity());
    assert!(minus_g.add(&g).is_identity());
    // a·G + b·G = (a + b)·G, with Q = P so the interleaved sum meets equal points
    for (a, b) in [(1u64, 1u64), (5, 5), (7, 9), (12345, 12345), (1 << 40, 3)] {
        let lhs = double_mul(&scalar(a), &g, &scalar(b), &g);
        let rhs = double_mul(&scalar(a + b), &g, &zero, &g);
        assert!(same(&lhs, &rhs), "{a} + {b}");
        assert!(same(&g.add(&g), &g.double()));
    }
    // k·G + (n - k)·G is the identity
    let k = BigUint::from(0xdead_beef_u64) << 300u32;
    assert!(double_mul(&limbs(&k), &g, &limbs(&(&n - &k)), &g).is_identity());
    assert!(Point::on_curve(&g.x, &g.y));
}

#[test]
fn wnaf_digits_rebuild_the_scalar() {
    let n = BigUint::from_bytes_be(&curve::N);
    for (i, v) in test_numbers(0x2545_f491_4f6c_dd1d, 200)
        .into_iter()
        .enumerate()
    {
        let k = v % &n;
        let k = if i == 0 { &n - 1u32 } else { k };
        let digits = wnaf(&limbs(&k));
        let (mut pos, mut neg) = (BigUint::ZERO, BigUint::ZERO);
        for (j, d) in digits.iter().enumerate() {
            assert!(*d == 0 || (d % 2 != 0 && d.abs() < 16));
            if *d > 0 {
                pos += BigUint::from(*d as u64) << j;
            } else if *d < 0 {
                neg += BigUint::from((-*d) as u64) << j;
            }
        }
        assert_eq!(pos - neg, k);
        // non-adjacent: any five consecutive digits hold at most one nonzero
        for w in digits.windows(5) {
            assert!(w.iter().filter(|d| **d != 0).count() <= 1);
        }
    }
}

#[test]
fn inverses_modulo_n_match_big_integers() {
    let n = BigUint::from_bytes_be(&curve::N);
    let mut values = vec![BigUint::from(1u8), BigUint::from(2u8), &n - 1u32, &n - 2u32];
    for v in test_numbers(0x1234_5678_9abc_def1, 200) {
        let v = v % &n;
        if v != BigUint::ZERO {
            values.push(v);
        }
    }
    for v in values {
        let inv = inverse_mod(&v, &n);
        assert!(inv < n);
        assert_eq!((&v * &inv) % &n, BigUint::from(1u8), "{v}");
        assert_eq!(Some(inv), v.modinv(&n));
    }
}

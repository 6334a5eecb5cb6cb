//! ECDSA P-521 / SHA-512 verification, once per plugin launch (the host's
//! TLS CertificateVerify): this crate's implementation next to AWS-LC's.
//! Run: cargo bench -p tfplugin --bench p521

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P521_SHA512_ASN1, ECDSA_P521_SHA512_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P521_SHA512_ASN1_SIGNING, &rng).unwrap();
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
    let public = key.public_key().as_ref().to_vec();
    let message = vec![0x20u8; 130]; // the size of a TLS 1.3 CertificateVerify input
    let sig = key.sign(&rng, &message).unwrap().as_ref().to_vec();
    assert!(tfplugin::verify_ecdsa_p521_sha512(&public, &message, &sig));
    let mut g = c.benchmark_group("p521_verify");
    g.bench_function("tfplugin", |b| {
        b.iter(|| tfplugin::verify_ecdsa_p521_sha512(&public, &message, &sig))
    });
    g.bench_function("aws-lc", |b| {
        b.iter(|| {
            UnparsedPublicKey::new(&ECDSA_P521_SHA512_ASN1, &public)
                .verify(&message, &sig)
                .is_ok()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

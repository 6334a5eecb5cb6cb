//! ECDSA P-521 / SHA-512 signature verification for client certificates.
//!
//! go-plugin hosts (Terraform, OpenTofu) present a P-521 client certificate
//! under AutoMTLS. rustls' ring provider cannot verify P-521, so this module
//! provides that one algorithm (pure Rust, from the `p521` crate) and adds it
//! to the provider's table.

use std::sync::OnceLock;

use rustls::SignatureScheme;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls_pki_types::{
    AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id,
};

#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

static P521: EcdsaP521Sha512 = EcdsaP521Sha512;
static P521_ONLY: [&dyn SignatureVerificationAlgorithm; 1] = [&P521];

/// `base` plus ECDSA P-521 with SHA-512.
pub fn with_p521(base: WebPkiSupportedAlgorithms) -> WebPkiSupportedAlgorithms {
    type Mapping = (
        SignatureScheme,
        &'static [&'static dyn SignatureVerificationAlgorithm],
    );
    static ALL: OnceLock<Vec<&'static dyn SignatureVerificationAlgorithm>> = OnceLock::new();
    static MAPPING: OnceLock<Vec<Mapping>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let mut v = base.all.to_vec();
        v.push(&P521);
        v
    });
    let mapping = MAPPING.get_or_init(|| {
        let mut v: Vec<Mapping> = base
            .mapping
            .iter()
            .filter(|(s, _)| *s != SignatureScheme::ECDSA_NISTP521_SHA512)
            .copied()
            .collect();
        v.insert(0, (SignatureScheme::ECDSA_NISTP521_SHA512, &P521_ONLY));
        v
    });
    WebPkiSupportedAlgorithms {
        all: all.as_slice(),
        mapping: mapping.as_slice(),
    }
}

//! AutoMTLS: a fresh self-signed server certificate per process, and a
//! client-certificate verifier that requires exactly the certificate Terraform
//! announced in `PLUGIN_CLIENT_CERT`.

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::sync::Arc;

/// The crypto provider used everywhere (aws-lc-rs: it verifies P-521, which ring cannot).
pub(crate) fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A generated server identity.
pub(crate) struct ServerIdentity {
    pub cert_der: CertificateDer<'static>,
    pub key_der: PrivateKeyDer<'static>,
}

/// Generates a self-signed P-256 certificate for `localhost`, usable as its own
/// trust root (the host pins it from the handshake line).
pub(crate) fn generate_server_identity() -> Result<ServerIdentity, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName as Dn, DnType,
        ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    };
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
        .map_err(|e| format!("key generation: {e}"))?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])
        .map_err(|e| format!("certificate parameters: {e}"))?;
    let mut dn = Dn::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "terraform-plugin");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(30)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 365 * 86_400)).into();
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("self-signing: {e}"))?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    })
}

/// Parses the PEM certificate from `PLUGIN_CLIENT_CERT`.
pub(crate) fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, String> {
    let mut certs = CertificateDer::pem_slice_iter(pem.as_bytes());
    let first = certs
        .next()
        .ok_or_else(|| "no certificate in PEM".to_string())?
        .map_err(|e| format!("invalid PEM: {e:?}"))?;
    Ok(first)
}

/// Accepts exactly one client certificate (byte-for-byte) and requires it.
#[derive(Debug)]
pub(crate) struct PinnedClientVerifier {
    pinned: CertificateDer<'static>,
    algs: WebPkiSupportedAlgorithms,
}

impl PinnedClientVerifier {
    pub(crate) fn new(pinned: CertificateDer<'static>, provider: &CryptoProvider) -> Self {
        Self {
            pinned,
            algs: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for PinnedClientVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "client certificate is not the one announced in PLUGIN_CLIENT_CERT".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }
}

/// The server TLS configuration: our identity, the pinned client, ALPN h2
/// (gRPC clients insist on it).
pub(crate) fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<rustls::ServerConfig, String> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientVerifier::new(client_cert, &provider));
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            identity.key_der.clone_key(),
        )
        .map_err(|e| format!("TLS server certificate: {e}"))?;
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Ok(cfg)
}

/// Performs one in-memory handshake so the first real connection does not pay
/// the one-off initialisation cost of the crypto library.
pub(crate) fn warm_up(identity: &ServerIdentity) {
    let start = std::time::Instant::now();
    let result = (|| -> Result<(), String> {
        let client_id = generate_server_identity()?;
        let server = server_config(identity, client_id.cert_der.clone())?;
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(identity.cert_der.clone())
            .map_err(|e| e.to_string())?;
        let client = rustls::ClientConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_client_auth_cert(vec![client_id.cert_der], client_id.key_der)
            .map_err(|e| e.to_string())?;
        let name =
            rustls::pki_types::ServerName::try_from("localhost").map_err(|e| e.to_string())?;
        let mut c =
            rustls::ClientConnection::new(Arc::new(client), name).map_err(|e| e.to_string())?;
        let mut s = rustls::ServerConnection::new(Arc::new(server)).map_err(|e| e.to_string())?;
        for _ in 0..10 {
            if !c.is_handshaking() && !s.is_handshaking() {
                break;
            }
            let mut buf = Vec::new();
            c.write_tls(&mut buf).map_err(|e| e.to_string())?;
            s.read_tls(&mut buf.as_slice()).map_err(|e| e.to_string())?;
            s.process_new_packets().map_err(|e| e.to_string())?;
            let mut buf = Vec::new();
            s.write_tls(&mut buf).map_err(|e| e.to_string())?;
            c.read_tls(&mut buf.as_slice()).map_err(|e| e.to_string())?;
            c.process_new_packets().map_err(|e| e.to_string())?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => log::trace!("TLS warm-up took {:?}", start.elapsed()),
        Err(e) => log::debug!("TLS warm-up failed (harmless): {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_and_pem_parse() {
        let id = generate_server_identity().unwrap();
        let pem = pem_of(&id.cert_der);
        assert_eq!(parse_client_cert(&pem).unwrap(), id.cert_der);
        assert!(parse_client_cert("garbage").is_err());
        warm_up(&id);
    }

    #[test]
    fn verifier_pins() {
        let a = generate_server_identity().unwrap();
        let b = generate_server_identity().unwrap();
        let v = PinnedClientVerifier::new(a.cert_der.clone(), &crypto_provider());
        let now = UnixTime::now();
        assert!(v.verify_client_cert(&a.cert_der, &[], now).is_ok());
        assert!(v.verify_client_cert(&b.cert_der, &[], now).is_err());
        assert!(v.client_auth_mandatory());
        assert!(
            v.supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    pub(crate) fn pem_of(der: &CertificateDer<'_>) -> String {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
        let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            s.push_str(std::str::from_utf8(chunk).unwrap());
            s.push('\n');
        }
        s.push_str("-----END CERTIFICATE-----\n");
        s
    }
}

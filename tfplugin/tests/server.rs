//! The server end to end over its unix socket, with a real gRPC client doing
//! mutual TLS the way go-plugin hosts do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tfplugin::*;
use tfplugin_proto::plugin;
use tfplugin_proto::tfplugin6 as pb;
use tfplugin_proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::{Channel, Endpoint};

struct Slow;
impl Resource for Slow {
    fn type_name(&self) -> &str {
        "test_slow"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            "test",
            vec![Attribute::new(
                "name",
                Type::String,
                Mode::Optional,
                "a name",
            )],
        )
    }
    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        match config.get("name") {
            Some(Value::String(s)) if s == "panic" => panic!("boom in validate"),
            Some(Value::String(s)) => {
                vec![
                    Diagnostic::warning("length", s.len().to_string())
                        .at(AttributePath::attr("name")),
                ]
            }
            _ => vec![],
        }
    }
    fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let start = Instant::now();
        while !ctx.is_cancelled() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let d = if ctx.is_cancelled() {
            vec![Diagnostic::error("cancelled", "")]
        } else {
            vec![]
        };
        PlanResponse {
            planned_state: req.proposed_new_state,
            diagnostics: d,
            ..Default::default()
        }
    }
}

struct TestProvider;
impl Provider for TestProvider {
    fn type_name(&self) -> &str {
        "test"
    }
    fn schema(&self) -> Schema {
        Schema::default()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Slow)]
    }
}

/// Accepts exactly the server certificate from the handshake (what go-plugin does by pinning it as the only root).
#[derive(Debug)]
struct PinServer(Vec<u8>, rustls::crypto::WebPkiSupportedAlgorithms);
impl rustls::client::danger::ServerCertVerifier for PinServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.1.supported_schemes()
    }
}

/// A P-521 CA certificate like the one go-plugin hosts generate.
fn client_identity() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    (
        cert.pem(),
        CertificateDer::from(cert.der().to_vec()),
        PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
    )
}

async fn connect(
    running: &Running,
    identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinServer(
        running.server_cert_der.clone(),
        provider.signature_verification_algorithms,
    ));
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut cfg = match identity {
        Some((c, k)) => builder.with_client_auth_cert(vec![c], k).unwrap(),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let path = running.socket_path.clone();
    Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_| {
            let (connector, path) = (connector.clone(), path.clone());
            async move {
                let sock = tokio::net::UnixStream::connect(path).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").unwrap(), sock)
                    .await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
        .map_err(|e| format!("{e:?}"))
}

async fn start_server() -> (Running, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let (pem, cert, key) = client_identity();
    let running = start(
        TestProvider,
        ServeConfig {
            client_cert_pem: pem,
            socket_dir: None,
        },
    )
    .await
    .unwrap();
    (running, cert, key)
}

fn config(name: &str) -> pb::DynamicValue {
    let ty = Type::object([("name", Type::String)]);
    pb::DynamicValue {
        msgpack: codec::encode_msgpack(&Value::object([("name", Value::string(name))]), &ty)
            .unwrap(),
        json: vec![],
    }
}

#[tokio::test]
async fn handshake_line_and_schema_over_mtls() {
    let (running, cert, key) = start_server().await;
    let parts: Vec<&str> = running.handshake.split('|').collect();
    assert_eq!(parts[..3], ["1", "6", "unix"]);
    assert_eq!(parts[4], "grpc");
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .unwrap(),
        running.server_cert_der
    );
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    let mut client = ProviderClient::new(ch);
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key("test_slow"));
}

#[tokio::test]
async fn a_client_without_the_pinned_certificate_is_refused() {
    let (running, _, _) = start_server().await;
    // no client certificate at all
    let no_cert = match connect(&running, None).await {
        Err(_) => true,
        Ok(ch) => ProviderClient::new(ch)
            .get_metadata(pb::get_metadata::Request {})
            .await
            .is_err(),
    };
    assert!(no_cert, "a client without a certificate got an answer");
    // a valid certificate, but not the one the host announced
    let (_, other_cert, other_key) = client_identity();
    let other = match connect(&running, Some((other_cert, other_key))).await {
        Err(_) => true,
        Ok(ch) => ProviderClient::new(ch)
            .get_metadata(pb::get_metadata::Request {})
            .await
            .is_err(),
    };
    assert!(other, "a client with another certificate got an answer");
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work() {
    let (running, cert, key) = start_server().await;
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    let mut c1 = ProviderClient::new(ch.clone());
    let started = Instant::now();
    let plan = tokio::spawn(async move {
        c1.plan_resource_change(pb::plan_resource_change::Request {
            type_name: "test_slow".into(),
            proposed_new_state: Some(config("x")),
            config: Some(config("x")),
            ..Default::default()
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    ProviderClient::new(ch)
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let resp = plan.await.unwrap().unwrap().into_inner();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "plan was not cancelled"
    );
    assert_eq!(resp.diagnostics[0].summary, "cancelled");
}

#[tokio::test]
async fn controller_shutdown_stops_the_server() {
    let (running, cert, key) = start_server().await;
    let socket = running.socket_path.clone();
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    plugin::grpc_controller_client::GrpcControllerClient::new(ch.clone())
        .shutdown(plugin::Empty {})
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), running.wait())
        .await
        .expect("server did not exit")
        .unwrap();
    assert!(!socket.exists(), "socket directory is removed at exit");
}

#[tokio::test]
async fn panics_become_diagnostics_without_backtraces() {
    install_panic_hook();
    let (running, cert, key) = start_server().await;
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    let resp = ProviderClient::new(ch)
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_slow".into(),
            config: Some(config("panic")),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let d = &resp.diagnostics[0];
    assert_eq!(d.summary, "Internal error in ValidateResourceConfig");
    assert!(d.detail.contains("boom in validate"));
    assert!(
        !d.detail.contains("backtrace") && !d.detail.contains("rust_begin_unwind"),
        "{}",
        d.detail
    );
}

#[tokio::test]
async fn messages_larger_than_tonics_default_limit_pass() {
    let (running, cert, key) = start_server().await;
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    let big = "x".repeat(12 << 20); // 12 MiB, three times tonic's 4 MiB default
    let resp = ProviderClient::new(ch)
        .max_encoding_message_size(MAX_MESSAGE_SIZE)
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_slow".into(),
            config: Some(config(&big)),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.diagnostics[0].detail, big.len().to_string());
    let attr = resp.diagnostics[0].attribute.as_ref().unwrap();
    assert_eq!(attr.steps.len(), 1);
}

#[tokio::test]
async fn stdio_stream_opens() {
    let (running, cert, key) = start_server().await;
    let ch = connect(&running, Some((cert, key))).await.unwrap();
    let stream = plugin::grpc_stdio_client::GrpcStdioClient::new(ch)
        .stream_stdio(plugin::Empty {})
        .await;
    assert!(stream.is_ok());
}

#[test]
fn protocol_versions_are_checked() {
    assert!(protocol_offered(Some("5,6")).is_ok());
    assert!(protocol_offered(Some("6")).is_ok());
    let e = protocol_offered(Some("4,5")).unwrap_err();
    assert!(e.to_string().contains("only version 6"), "{e}");
}

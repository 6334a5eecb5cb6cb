//! A small test provider and an mTLS gRPC client that talks to it over the
//! served unix socket, the way Terraform does.
#![allow(dead_code)]

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tfplugin::*;
use tfplugin_proto::plugin::grpc_controller_client::GrpcControllerClient;
use tfplugin_proto::plugin::grpc_stdio_client::GrpcStdioClient;
use tfplugin_proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::{Channel, Endpoint};

// ------------------------------------------------------------ test provider

pub struct Thing;

pub fn thing_schema() -> Schema {
    Schema::new(
        Block::new()
            .attribute(Attribute::required("name", Type::String))
            .attribute(Attribute::optional("blob", Type::String))
            .attribute(Attribute::computed("greeting", Type::String))
            .attribute(Attribute::optional("token", Type::String).write_only())
            .attribute(
                Attribute::nested(
                    "nodes",
                    ObjectNesting::List,
                    vec![Attribute::required("address", Type::String)],
                )
                .with_optional(),
            ),
    )
    .with_version(1)
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &str {
        "test_thing"
    }
    fn schema(&self) -> Schema {
        thing_schema()
    }
    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(Value::List(nodes)) = config.attr("nodes") {
            for (i, n) in nodes.iter().enumerate() {
                if let Some(a) = n.attr("address").and_then(Value::as_str)
                    && !a.contains('/')
                {
                    d.error_at(
                        AttributePath::attr("nodes")
                            .join_index(i as i64)
                            .join_attr("address"),
                        "Address needs a prefix length",
                        format!("{a:?} has no /N"),
                    );
                }
            }
        }
        d
    }
    async fn plan(&self, ctx: &Context, req: PlanRequest) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        if planned.is_null() {
            return PlanResponse {
                planned_state: planned,
                ..Default::default()
            };
        }
        let greeting = match planned.attr("name") {
            Some(Value::String(n)) if n == "panic" => panic!("boom at plan"),
            Some(Value::String(n)) if n == "defer" => {
                return PlanResponse {
                    planned_state: planned,
                    deferred: Some(DeferredReason::AbsentPrereq),
                    ..Default::default()
                };
            }
            Some(Value::String(n)) if n == "slow" => {
                tokio::select! {
                    _ = ctx.cancelled() => {
                        return PlanResponse {
                            diagnostics: Diagnostic::error("Cancelled", "stopped while planning").into(),
                            ..Default::default()
                        };
                    }
                    _ = tokio::time::sleep(Duration::from_secs(30)) => Value::from("late"),
                }
            }
            Some(Value::String(n)) => Value::string(format!("hello {n}")),
            // name not known yet: what is known about the greeting is still said
            _ => Value::Unknown(Some(Refinements {
                not_null: Some(true),
                string_prefix: Some("hello ".into()),
                ..Default::default()
            })),
        };
        planned.set_attr("greeting", greeting);
        PlanResponse {
            planned_state: planned,
            planned_private: b"from-plan".to_vec(),
            ..Default::default()
        }
    }
    async fn upgrade_state(
        &self,
        _ctx: &Context,
        req: UpgradeStateRequest,
    ) -> Result<Value, Diagnostics> {
        // version 0 called the attribute "title"
        let old = Type::object([("title", Type::String), ("greeting", Type::String)]);
        let v = req.decode(&old)?;
        let name = v.attr("title").cloned().unwrap_or_default();
        Ok(Value::object([
            ("name", name),
            ("greeting", v.attr("greeting").cloned().unwrap_or_default()),
        ]))
    }
}

pub struct Echo;

#[async_trait]
impl DataSource for Echo {
    fn type_name(&self) -> &str {
        "test_echo"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::required("input", Type::String))
                .attribute(Attribute::computed("output", Type::String)),
        )
    }
    async fn read(&self, ctx: &Context, req: ReadDataRequest) -> ReadDataResponse {
        let prefix = ctx
            .provider_data::<String>()
            .map(|s| (*s).clone())
            .unwrap_or_default();
        let mut state = req.config;
        let out = state
            .attr("input")
            .and_then(Value::as_str)
            .map(|s| format!("{prefix}{s}"));
        state.set_attr("output", Value::from(out));
        ReadDataResponse {
            state,
            ..Default::default()
        }
    }
}

pub struct Upper;

#[async_trait]
impl Function for Upper {
    fn name(&self) -> &str {
        "upper"
    }
    fn signature(&self) -> FunctionSignature {
        FunctionSignature::new(vec![Parameter::new("s", Type::String)], Type::String)
            .summary("Upper-case a string")
    }
    async fn call(&self, _ctx: &Context, args: Vec<Value>) -> Result<Value, FunctionError> {
        match args.first() {
            Some(Value::String(s)) if s.is_empty() => {
                Err(FunctionError::argument(0, "empty string"))
            }
            Some(Value::String(s)) => Ok(Value::string(s.to_uppercase())),
            _ => Err(FunctionError::argument(0, "expected a string")),
        }
    }
}

pub struct TestProvider;

#[async_trait]
impl Provider for TestProvider {
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::optional("prefix", Type::String)))
    }
    async fn configure(&self, _ctx: &Context, req: ConfigureRequest) -> ConfigureResponse {
        let prefix = req
            .config
            .attr("prefix")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        ConfigureResponse {
            provider_data: Some(Arc::new(prefix)),
            ..Default::default()
        }
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Echo)]
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Upper)]
    }
}

// ------------------------------------------------------------ certificates

pub struct ClientIdentity {
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
    pub pem: String,
}

/// A P-521 CA:TRUE certificate, like the one Terraform generates.
pub fn client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        pem: cert.pem(),
    }
}

/// Accepts exactly the server certificate from the handshake line.
#[derive(Debug)]
struct PinnedServer(CertificateDer<'static>, Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _i: &[CertificateDer<'_>],
        _n: &ServerName<'_>,
        _o: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("server cert mismatch".into()))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.signature_verification_algorithms.supported_schemes()
    }
}

// ------------------------------------------------------------ harness

pub struct Served {
    pub socket: PathBuf,
    pub server_cert: CertificateDer<'static>,
    pub client: ClientIdentity,
    pub line: String,
    pub task: tokio::task::JoinHandle<Result<(), ServeError>>,
}

pub async fn start() -> Served {
    let client = client_identity();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut opts = ServeOptions::default();
    opts.install_logger = false;
    opts.require_magic_cookie = false;
    opts.client_cert_pem = Some(client.pem.clone());
    opts.protocol_versions = Some("5,6".into());
    opts.handshake = Some(tx);
    let task = tokio::spawn(serve_with(TestProvider, opts));
    let line = tokio::time::timeout(Duration::from_secs(20), rx)
        .await
        .expect("handshake in time")
        .expect("handshake line");
    let parts: Vec<&str> = line.split('|').collect();
    assert_eq!(parts.len(), 6, "{line}");
    assert_eq!(&parts[..3], &["1", "6", "unix"]);
    assert_eq!(parts[4], "grpc");
    assert!(!parts[5].ends_with('='), "no padding: {line}");
    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(parts[5])
        .expect("base64 cert");
    Served {
        socket: PathBuf::from(parts[3]),
        server_cert: CertificateDer::from(der),
        client,
        line,
        task,
    }
}

/// Connects over the socket with TLS; `client_cert` None = no client certificate.
pub async fn connect(
    served: &Served,
    client_cert: Option<(&CertificateDer<'static>, &PrivateKeyDer<'static>)>,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(
            served.server_cert.clone(),
            provider,
        )));
    let mut cfg = match client_cert {
        Some((c, k)) => builder
            .with_client_auth_cert(vec![c.clone()], k.clone_key())
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let socket = served.socket.clone();
    Endpoint::from_static("http://localhost")
        .connect_timeout(Duration::from_secs(10))
        .connect_with_connector(tower::service_fn(move |_| {
            let socket = socket.clone();
            let connector = connector.clone();
            async move {
                let s = tokio::net::UnixStream::connect(&socket).await?;
                let name = ServerName::try_from("localhost").unwrap();
                let tls = connector.connect(name, s).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

pub async fn good_client(served: &Served) -> ProviderClient<Channel> {
    let ch = connect(served, Some((&served.client.cert, &served.client.key)))
        .await
        .expect("connect");
    ProviderClient::new(ch)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE)
}

pub async fn controller(served: &Served) -> GrpcControllerClient<Channel> {
    GrpcControllerClient::new(
        connect(served, Some((&served.client.cert, &served.client.key)))
            .await
            .unwrap(),
    )
}

pub async fn stdio(served: &Served) -> GrpcStdioClient<Channel> {
    GrpcStdioClient::new(
        connect(served, Some((&served.client.cert, &served.client.key)))
            .await
            .unwrap(),
    )
}

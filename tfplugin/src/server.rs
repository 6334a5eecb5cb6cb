//! Process plumbing: the go-plugin handshake, AutoMTLS with the client
//! certificate pinned and required, the unix socket, and the helper services
//! (GRPCController, GRPCStdio, GRPCBroker).

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use base64::Engine;
use rustls::DigitallySignedStruct;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use tfplugin_proto::plugin;
use tfplugin_proto::tfplugin6::provider_server::ProviderServer;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::Notify;
use tokio_stream::Stream;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status, Streaming};

use crate::api::Provider;
use crate::log;
use crate::service::ProviderService;

/// The magic cookie go-plugin hosts (Terraform, OpenTofu) set for their plugins.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The only plugin protocol major version served.
pub const PROTOCOL_VERSION: u32 = 6;
/// Largest gRPC message accepted or sent (the Go SDK's limit; tonic's default is 4 MiB).
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// True when the process was started by Terraform (or another go-plugin host)
/// rather than by a person.
pub fn launched_by_terraform() -> bool {
    std::env::var(MAGIC_COOKIE_KEY).is_ok_and(|v| v == MAGIC_COOKIE_VALUE)
}

/// Why serving could not start.
#[derive(Debug)]
pub enum ServeError {
    NotLaunchedByTerraform,
    ProtocolNotOffered(String),
    MissingClientCertificate,
    BadClientCertificate(String),
    Io(io::Error),
    Tls(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::NotLaunchedByTerraform => write!(
                f,
                "this binary is a Terraform plugin: Terraform starts it (the {MAGIC_COOKIE_KEY} handshake variable is missing)"
            ),
            ServeError::ProtocolNotOffered(v) => write!(
                f,
                "the host offers plugin protocol versions {v:?}, but this provider speaks only version {PROTOCOL_VERSION} (Terraform >= 1.0)"
            ),
            ServeError::MissingClientCertificate => {
                write!(
                    f,
                    "PLUGIN_CLIENT_CERT is not set: this provider only accepts hosts that use AutoMTLS"
                )
            }
            ServeError::BadClientCertificate(e) => {
                write!(f, "PLUGIN_CLIENT_CERT is not a usable PEM certificate: {e}")
            }
            ServeError::Io(e) => write!(f, "{e}"),
            ServeError::Tls(e) => write!(f, "TLS setup failed: {e}"),
        }
    }
}
impl std::error::Error for ServeError {}

impl From<io::Error> for ServeError {
    fn from(e: io::Error) -> Self {
        ServeError::Io(e)
    }
}

/// Checks `PLUGIN_PROTOCOL_VERSIONS` (a comma-separated list) for our version.
pub fn protocol_offered(versions: Option<&str>) -> Result<(), ServeError> {
    match versions {
        // go-plugin hosts always set it; without it assume the host knows what it runs.
        None => Ok(()),
        Some(v)
            if v.split(',')
                .any(|x| x.trim() == PROTOCOL_VERSION.to_string()) =>
        {
            Ok(())
        }
        Some(v) => Err(ServeError::ProtocolNotOffered(v.to_string())),
    }
}

/// Everything a running server needs that does not come from the provider.
pub struct ServeConfig {
    /// PEM of the only client certificate accepted.
    pub client_cert_pem: String,
    /// Directory for the unix socket (a fresh temporary one when None).
    pub socket_dir: Option<PathBuf>,
}

/// A running server.
pub struct Running {
    /// The go-plugin handshake line (without newline).
    pub handshake: String,
    pub socket_path: PathBuf,
    /// DER of the server certificate (what the host pins).
    pub server_cert_der: Vec<u8>,
    shutdown: Arc<Notify>,
    task: tokio::task::JoinHandle<Result<(), ServeError>>,
    cleanup_dir: Option<PathBuf>,
}

impl Running {
    /// Asks the server to stop (what GRPCController.Shutdown does).
    pub fn shutdown(&self) {
        self.shutdown.notify_one();
    }
    /// Waits until the server stopped (after Shutdown).
    pub async fn wait(self) -> Result<(), ServeError> {
        let r = match self.task.await {
            Ok(r) => r,
            Err(e) => Err(ServeError::Io(io::Error::other(e.to_string()))),
        };
        if let Some(d) = &self.cleanup_dir {
            let _ = std::fs::remove_dir_all(d);
        }
        r
    }
}

fn server_certificate() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), ServeError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| ServeError::Tls(e.to_string()))?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .map_err(|e| ServeError::Tls(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyAgreement,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params
        .self_signed(&key)
        .map_err(|e| ServeError::Tls(e.to_string()))?;
    let der = CertificateDer::from(cert.der().to_vec());
    let key =
        PrivateKeyDer::try_from(key.serialize_der()).map_err(|e| ServeError::Tls(e.to_string()))?;
    Ok((der, key))
}

fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, ServeError> {
    let mut rd = pem.as_bytes();
    let first = rustls_pemfile::certs(&mut rd).next();
    match first {
        Some(Ok(c)) => Ok(c),
        Some(Err(e)) => Err(ServeError::BadClientCertificate(e.to_string())),
        None => Err(ServeError::BadClientCertificate(
            "no CERTIFICATE block found".into(),
        )),
    }
}

/// Accepts exactly one client certificate, compared byte for byte, and checks
/// the handshake signature with it. (webpki's chain verification would reject
/// go-plugin's self-signed CA certificate used as an end-entity certificate;
/// pinning is also stricter.)
#[derive(Debug)]
struct PinnedClientCert {
    pinned: CertificateDer<'static>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
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
            log::error(
                "refused a client whose certificate is not the one the host announced",
                &[],
            );
            Err(rustls::Error::General(
                "client certificate does not match PLUGIN_CLIENT_CERT".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
    fn client_auth_mandatory(&self) -> bool {
        true
    }
}

fn tls_config(client_pem: &str) -> Result<(Arc<rustls::ServerConfig>, Vec<u8>), ServeError> {
    let pinned = parse_client_cert(client_pem)?;
    // ring does the TLS work: it needs no start-up self-initialisation (aws-lc
    // costs ~40 ms on first use, paid on every Terraform run). ring cannot
    // verify P-521 signatures, which go-plugin hosts' client certificates use,
    // so the verifier adds a P-521 algorithm of its own (crate::p521).
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = crate::p521::with_p521(provider.signature_verification_algorithms);
    let verifier = Arc::new(PinnedClientCert { pinned, algorithms });
    let (cert, key) = server_certificate()?;
    let der = cert.as_ref().to_vec();
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServeError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert], key)
        .map_err(|e| ServeError::Tls(e.to_string()))?;
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    // Every plugin process serves one host connection and exits: no session is ever
    // resumed, so do not build and send TLS 1.3 tickets.
    cfg.send_tls13_tickets = 0;
    Ok((Arc::new(cfg), der))
}

/// A TLS connection on the unix socket, as tonic wants it.
struct TlsConn(tokio_rustls::server::TlsStream<UnixStream>);

impl Connected for TlsConn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}
impl AsyncRead for TlsConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}
impl AsyncWrite for TlsConn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

struct Controller(Arc<Notify>);

#[tonic::async_trait]
impl plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<plugin::Empty>) -> Result<Response<plugin::Empty>, Status> {
        log::debug("GRPCController.Shutdown received", &[]);
        self.0.notify_one();
        Ok(Response::new(plugin::Empty {}))
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

struct Stdio;

#[tonic::async_trait]
impl plugin::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<plugin::StdioData>;
    /// Nothing is written to the process's stdout or stderr except logs, which
    /// go-plugin reads from stderr directly; the stream stays open and empty.
    async fn stream_stdio(
        &self,
        _: Request<plugin::Empty>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::pending())))
    }
}

struct Broker;

#[tonic::async_trait]
impl plugin::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = BoxStream<plugin::ConnInfo>;
    async fn start_stream(
        &self,
        _: Request<Streaming<plugin::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::pending())))
    }
}

fn temp_socket_dir() -> io::Result<PathBuf> {
    let base = std::env::temp_dir();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!("tfplugin-{}-{nanos}-{attempt}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
                }
                return Ok(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("could not create a socket directory"))
}

/// Aborts a spawned task when dropped (so the accept loop ends with the server).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts serving `provider` on a unix socket inside the current tokio runtime.
pub async fn start<P: Provider>(provider: P, config: ServeConfig) -> Result<Running, ServeError> {
    let (tls, server_cert_der) = tls_config(&config.client_cert_pem)?;
    let (dir, cleanup_dir) = match config.socket_dir {
        Some(d) => (d, None),
        None => {
            let d = temp_socket_dir()?;
            (d.clone(), Some(d))
        }
    };
    let socket_path = dir.join("plugin.sock");
    let _ = std::fs::remove_file(&socket_path);
    let listener = UnixListener::bind(&socket_path)?;
    let handshake = format!(
        "1|{PROTOCOL_VERSION}|unix|{}|grpc|{}",
        socket_path.display(),
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&server_cert_der)
    );

    let shutdown = Arc::new(Notify::new());
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<TlsConn>>(16);
    let accept_loop = async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                match acceptor.accept(sock).await {
                    Ok(tls) => {
                        let _ = tx.send(Ok(TlsConn(tls))).await;
                    }
                    Err(e) => log::error(
                        "TLS handshake with a client failed",
                        &[("error", &e.to_string())],
                    ),
                }
            });
        }
    };
    let stop = shutdown.clone();
    let controller = Controller(shutdown.clone());
    // Connections are accepted (and their TLS handshakes run) from now on,
    // while the service below is still being built.
    let accepting = AbortOnDrop(tokio::spawn(accept_loop));
    let task = tokio::spawn(async move {
        let _accepting = accepting;
        // Built here rather than before returning: the caller prints the
        // handshake line meanwhile, so building every schema (about 0.25 ms in
        // a fresh process, once per launch) overlaps Terraform's dial and TLS
        // handshake instead of delaying them. Accepted connections wait in
        // the channel.
        let provider_svc = ProviderServer::new(ProviderService::new(provider))
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE);
        let router = tonic::transport::Server::builder()
            .add_service(provider_svc)
            .add_service(plugin::grpc_controller_server::GrpcControllerServer::new(
                controller,
            ))
            .add_service(plugin::grpc_stdio_server::GrpcStdioServer::new(Stdio))
            .add_service(plugin::grpc_broker_server::GrpcBrokerServer::new(Broker));
        let incoming = tokio_stream::wrappers::ReceiverStream::new(rx);
        tokio::select! {
            r = router.serve_with_incoming(incoming) => r.map_err(|e| ServeError::Io(io::Error::other(e.to_string()))),
            _ = stop.notified() => Ok(()),
        }
    });
    Ok(Running {
        handshake,
        socket_path,
        server_cert_der,
        shutdown,
        task,
        cleanup_dir,
    })
}

/// Serves `provider` as a Terraform plugin: checks the environment Terraform
/// sets, prints the handshake line on stdout, and returns when Terraform shuts
/// the plugin down. Call from `main` when [`launched_by_terraform`] is true.
pub fn serve<P: Provider>(provider: P) -> Result<(), ServeError> {
    if !launched_by_terraform() {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    protocol_offered(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())?;
    let client_cert_pem =
        std::env::var("PLUGIN_CLIENT_CERT").map_err(|_| ServeError::MissingClientCertificate)?;
    install_panic_hook();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let r = rt.block_on(async move {
        let running = start(
            provider,
            ServeConfig {
                client_cert_pem,
                socket_dir: None,
            },
        )
        .await?;
        log::debug(
            "serving",
            &[("socket", &running.socket_path.display().to_string())],
        );
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", running.handshake)?;
            out.flush()?;
        }
        // Ctrl-C reaches every process of the terminal's group; Terraform
        // handles it and tells us through StopProvider, so ignore it here.
        tokio::spawn(async {
            while tokio::signal::ctrl_c().await.is_ok() {
                log::debug(
                    "interrupt received; waiting for Terraform to stop the provider",
                    &[],
                );
            }
        });
        running.wait().await
    });
    // Nothing is left to finish once the host closed the connection: do not
    // wait for idle worker threads (it only delays the host).
    rt.shutdown_background();
    r
}

/// Panics are turned into diagnostics by the service; the hook only logs the
/// message (never a backtrace, whatever RUST_BACKTRACE says).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let loc = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        log::error("provider panic", &[("panic", &msg), ("location", &loc)]);
    }));
}

//! Process-level serving: environment checks, the go-plugin handshake, the
//! unix socket with AutoMTLS, signals and shutdown.

use crate::provider::Provider;
use crate::server::{Broker, Controller, ProviderService, Stdio, panic_message};
use crate::tls;
use base64::Engine;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;
use tfplugin_proto::plugin::grpc_broker_server::GrpcBrokerServer;
use tfplugin_proto::plugin::grpc_controller_server::GrpcControllerServer;
use tfplugin_proto::plugin::grpc_stdio_server::GrpcStdioServer;
use tfplugin_proto::tfplugin6::provider_server::ProviderServer;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio_util::sync::CancellationToken;

/// Environment variable Terraform sets when it launches a plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Largest gRPC message accepted or sent (both directions), as in the Go SDK.
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;
/// Time a client gets to complete the TLS handshake.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Time in-flight calls get to finish after Shutdown before the server stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// Longest unix socket path (sun_path is 108 bytes including the terminator).
pub const MAX_SOCKET_PATH: usize = 107;

const PROTOCOL_VERSION: &str = "6";
const CORE_PROTOCOL_VERSION: &str = "1";

/// Whether the process was started by Terraform (the magic cookie is set).
/// If not, a binary can act as a command-line tool instead.
pub fn launched_by_terraform() -> bool {
    cookie_matches(std::env::var(MAGIC_COOKIE_KEY).ok().as_deref())
}

/// go-plugin's variable naming the directory plugins put their sockets in.
const UNIX_SOCKET_DIR_ENV: &str = "PLUGIN_UNIX_SOCKET_DIR";

fn socket_parent_from(v: Option<std::ffi::OsString>) -> PathBuf {
    v.filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

fn cookie_matches(v: Option<&str>) -> bool {
    v == Some(MAGIC_COOKIE_VALUE)
}

/// Why serving failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// The magic cookie is missing: not started by Terraform.
    NotLaunchedByTerraform,
    /// The client does not offer protocol 6.
    UnsupportedProtocol {
        /// What `PLUGIN_PROTOCOL_VERSIONS` said (empty if unset).
        offered: String,
    },
    /// `PLUGIN_CLIENT_CERT` is missing or unusable (AutoMTLS is required).
    ClientCertificate(String),
    /// Setting up TLS failed.
    Tls(String),
    /// Socket or other I/O failure.
    Io(std::io::Error),
    /// The gRPC server failed.
    Transport(String),
    /// The provider's schemas are invalid, or it panicked while describing itself.
    Provider(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::NotLaunchedByTerraform => write!(
                f,
                "this program is a Terraform plugin and must be started by Terraform ({MAGIC_COOKIE_KEY} is not set)"
            ),
            ServeError::UnsupportedProtocol { offered } => write!(
                f,
                "this plugin speaks protocol 6 only, the client offers {:?} (PLUGIN_PROTOCOL_VERSIONS); use Terraform >= 1.0 or OpenTofu",
                offered
            ),
            ServeError::ClientCertificate(m) => {
                write!(f, "client certificate (PLUGIN_CLIENT_CERT): {m}")
            }
            ServeError::Tls(m) => write!(f, "TLS setup: {m}"),
            ServeError::Io(e) => write!(f, "I/O: {e}"),
            ServeError::Transport(m) => write!(f, "gRPC server: {m}"),
            ServeError::Provider(m) => write!(f, "provider setup: {m}"),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<std::io::Error> for ServeError {
    fn from(e: std::io::Error) -> Self {
        ServeError::Io(e)
    }
}

/// Options of [`serve_with`]. Unset fields come from the environment.
#[non_exhaustive]
pub struct ServeOptions {
    /// hclog `@module` of log lines.
    pub log_module: String,
    /// Install the hclog stderr logger (default true).
    pub install_logger: bool,
    /// Check the magic cookie (default true).
    pub require_magic_cookie: bool,
    /// Client certificate PEM; default `PLUGIN_CLIENT_CERT`.
    pub client_cert_pem: Option<String>,
    /// Offered protocol versions; default `PLUGIN_PROTOCOL_VERSIONS`.
    pub protocol_versions: Option<String>,
    /// Directory for the socket's private directory; default
    /// `PLUGIN_UNIX_SOCKET_DIR` (as go-plugin clients may set it), else the
    /// system temp dir.
    pub socket_parent: Option<PathBuf>,
    /// Where the handshake line goes; default stdout.
    pub handshake: Option<tokio::sync::oneshot::Sender<String>>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            log_module: "provider".to_string(),
            install_logger: true,
            require_magic_cookie: true,
            client_cert_pem: None,
            protocol_versions: None,
            socket_parent: None,
            handshake: None,
        }
    }
}

/// Serves `provider` with default options until Terraform shuts it down.
pub async fn serve(provider: impl Provider) -> Result<(), ServeError> {
    serve_with(provider, ServeOptions::default()).await
}

/// Builds a tokio runtime, serves `provider`, and returns the exit code
/// (errors are logged and printed on stderr).
pub fn serve_blocking(provider: impl Provider) -> std::process::ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let result = rt.block_on(serve(provider));
    // Do not wait for handlers stuck in blocking work once Terraform asked us to exit.
    rt.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            log::error!("{e}");
            eprintln!("error: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// Checks that `offered` (a comma-separated list) contains protocol 6.
pub(crate) fn negotiate(offered: Option<&str>) -> Result<(), ServeError> {
    let offered = offered.unwrap_or("");
    if offered.split(',').any(|v| v.trim() == PROTOCOL_VERSION) {
        Ok(())
    } else {
        Err(ServeError::UnsupportedProtocol {
            offered: offered.to_string(),
        })
    }
}

/// The go-plugin handshake line (without newline).
pub(crate) fn handshake_line(socket: &Path, cert_der: &[u8]) -> String {
    format!(
        "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{}|grpc|{}",
        socket.display(),
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert_der)
    )
}

/// Installs a panic hook that logs the message (no backtrace) once.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let loc = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            // Written directly (not through `log`) so it shows whatever the level;
            // one hclog line, never a backtrace.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let line = crate::logging::format_line(
                log::Level::Error,
                "provider",
                &format!("panic{loc}: {}", panic_message(info.payload())),
                now,
            );
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }));
    });
}

/// A private directory holding the socket; removed on drop.
struct SocketDir(PathBuf);

impl SocketDir {
    fn create(parent: &Path) -> Result<Self, ServeError> {
        use std::os::unix::fs::DirBuilderExt;
        let provider = tls::crypto_provider();
        for _ in 0..8 {
            let mut rnd = [0u8; 8];
            provider
                .secure_random
                .fill(&mut rnd)
                .map_err(|_| ServeError::Tls("no secure random source".into()))?;
            let name = format!(
                "tfplugin-{}-{}",
                std::process::id(),
                rnd.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            let dir = parent.join(name);
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(SocketDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServeError::Io(std::io::Error::other(
            "could not create a unique socket directory",
        )))
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A TLS connection over the unix socket, as tonic wants it.
struct TlsConn(tokio_rustls::server::TlsStream<UnixStream>);

impl tonic::transport::server::Connected for TlsConn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for TlsConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

/// Serves `provider` until GRPCController.Shutdown (or SIGTERM), then returns.
pub async fn serve_with(provider: impl Provider, mut opts: ServeOptions) -> Result<(), ServeError> {
    if opts.install_logger {
        crate::logging::init(&opts.log_module);
    }
    install_panic_hook();
    if opts.require_magic_cookie && !launched_by_terraform() {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    let offered = opts
        .protocol_versions
        .take()
        .or_else(|| std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok());
    negotiate(offered.as_deref())?;
    let client_pem = opts
        .client_cert_pem
        .take()
        .or_else(|| std::env::var("PLUGIN_CLIENT_CERT").ok())
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ServeError::ClientCertificate(
                "not set; this plugin requires AutoMTLS (Terraform always provides it)".into(),
            )
        })?;
    let client_cert = tls::parse_client_cert(&client_pem).map_err(ServeError::ClientCertificate)?;

    let identity = tls::generate_server_identity().map_err(ServeError::Tls)?;
    let tls_config = tls::server_config(&identity, client_cert).map_err(ServeError::Tls)?;
    tls::warm_up(&identity);
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls_config));

    // Describe the provider before opening the socket: a panic here is a setup error.
    let shutdown = CancellationToken::new();
    let stop = CancellationToken::new();
    let provider: Arc<dyn Provider> = Arc::new(provider);
    let service = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ProviderService::new(provider, stop.clone())
    }))
    .map_err(|p| ServeError::Provider(panic_message(p.as_ref())))?
    .map_err(ServeError::Provider)?;
    let parent = opts
        .socket_parent
        .take()
        .unwrap_or_else(|| socket_parent_from(std::env::var_os(UNIX_SOCKET_DIR_ENV)));
    let dir = SocketDir::create(&parent)?;
    let socket = dir.0.join("plugin.sock");
    if socket.as_os_str().len() > MAX_SOCKET_PATH {
        return Err(ServeError::Io(std::io::Error::other(format!(
            "socket path {} is longer than {MAX_SOCKET_PATH} bytes; set TMPDIR to a shorter directory",
            socket.display()
        ))));
    }
    let listener = UnixListener::bind(&socket)?;

    // Accept loop: TLS handshakes run concurrently; refused clients are logged.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<TlsConn, std::io::Error>>(16);
    let accept_shutdown = shutdown.clone();
    tokio::spawn(async move {
        loop {
            let conn = tokio::select! {
                _ = accept_shutdown.cancelled() => break,
                c = listener.accept() => c,
            };
            match conn {
                Ok((stream, _)) => {
                    let acceptor = acceptor.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream))
                            .await
                        {
                            Ok(Ok(tls)) => {
                                let _ = tx.send(Ok(TlsConn(tls))).await;
                            }
                            Ok(Err(e)) => {
                                log::warn!("refused a connection: TLS handshake failed: {e}")
                            }
                            Err(_) => log::warn!("refused a connection: TLS handshake timed out"),
                        }
                    });
                }
                Err(e) => {
                    log::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    });

    // Signals: Terraform sends SIGINT to the whole process group on Ctrl-C and
    // then calls StopProvider; the plugin must survive it. SIGTERM ends serving.
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut int) = signal(SignalKind::interrupt()) {
            tokio::spawn(async move {
                while int.recv().await.is_some() {
                    log::debug!("ignoring SIGINT; waiting for StopProvider/Shutdown");
                }
            });
        }
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            let s = shutdown.clone();
            tokio::spawn(async move {
                if term.recv().await.is_some() {
                    log::info!("SIGTERM: shutting down");
                    s.cancel();
                }
            });
        }
    }

    let router = tonic::transport::Server::builder()
        .add_service(
            ProviderServer::new(service)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(GrpcControllerServer::new(Controller {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcStdioServer::new(Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcBrokerServer::new(Broker {
            shutdown: shutdown.clone(),
        }));

    let line = handshake_line(&socket, identity.cert_der.as_ref());
    match opts.handshake.take() {
        Some(tx) => {
            let _ = tx.send(line);
        }
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}")?;
            out.flush()?;
        }
    }
    log::debug!("serving protocol 6 on {}", socket.display());

    let incoming = tokio_stream::wrappers::ReceiverStream::new(rx);
    let sd = shutdown.clone();
    let server = router.serve_with_incoming_shutdown(incoming, async move { sd.cancelled().await });
    let result = tokio::select! {
        r = server => r.map_err(|e| ServeError::Transport(e.to_string())),
        _ = async {
            shutdown.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            log::warn!("in-flight calls did not finish within {SHUTDOWN_GRACE:?} of shutdown");
            Ok(())
        }
    };
    stop.cancel();
    drop(dir);
    log::debug!("plugin server stopped");
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_cookie() {
        assert!(cookie_matches(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_matches(Some("x")));
        assert!(!cookie_matches(None));
    }

    #[test]
    fn negotiation() {
        assert!(negotiate(Some("6")).is_ok());
        assert!(negotiate(Some("5, 6")).is_ok());
        let e = negotiate(Some("5")).unwrap_err();
        assert!(e.to_string().contains("protocol 6 only"), "{e}");
        assert!(negotiate(None).is_err());
        assert!(negotiate(Some("16")).is_err());
    }

    #[test]
    fn handshake_format() {
        let l = handshake_line(Path::new("/tmp/x/plugin.sock"), &[0xff, 0xfe, 0xfd, 0x01]);
        assert_eq!(l, "1|6|unix|/tmp/x/plugin.sock|grpc|//79AQ");
    }

    #[test]
    fn socket_parent_honours_plugin_unix_socket_dir() {
        assert_eq!(
            socket_parent_from(Some("/run/plugins".into())),
            PathBuf::from("/run/plugins")
        );
        assert_eq!(socket_parent_from(Some("".into())), std::env::temp_dir());
        assert_eq!(socket_parent_from(None), std::env::temp_dir());
    }

    #[test]
    fn socket_dir_removed() {
        let d = SocketDir::create(&std::env::temp_dir()).unwrap();
        let p = d.0.clone();
        assert!(p.is_dir());
        drop(d);
        assert!(!p.exists());
    }
}

//! Harness for acceptance tests with the real terraform CLI.
//!
//! The provider is built once per test process, installed into a filesystem
//! mirror in a temporary directory, and every test gets its own working
//! directory and CLI configuration. terraform must be installed (>= 1.11);
//! when it is not, every test fails with a message saying so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Provider version installed into the mirror.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Mirror {
    cli_config: PathBuf,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the provider binary (or takes `PROVIDER_BIN`) and returns its path.
pub fn provider_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(p) = std::env::var("PROVIDER_BIN") {
            return PathBuf::from(p);
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .current_dir(workspace_root())
            .args([
                "build",
                "--quiet",
                "-p",
                "terraform-provider-cilium",
                "--bin",
                "terraform-provider-cilium",
                "--message-format=json",
            ])
            .output()
            .expect("running cargo build for the provider");
        assert!(
            out.status.success(),
            "building the provider failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|m| {
                m.get("executable")
                    .and_then(|e| e.as_str())
                    .map(PathBuf::from)
            })
            .next_back()
            .expect("cargo reported no provider executable")
    })
    .clone()
}

fn mirror() -> &'static Mirror {
    static MIRROR: OnceLock<Mirror> = OnceLock::new();
    MIRROR.get_or_init(|| {
        terraform_available();
        // One mirror per test process, beside the built binary (or under the
        // temp dir for PROVIDER_BIN): a static is
        // never dropped, so a temporary directory would outlive every run. The
        // mirrors of processes that have ended are removed here instead.
        let root = match std::env::var_os("PROVIDER_BIN") {
            Some(_) => std::env::temp_dir().join("terraform-provider-cilium-acceptance"),
            None => provider_binary()
                .parent()
                .expect("provider binary has a directory")
                .join("acceptance-mirrors"),
        };
        remove_stale_mirrors(&root);
        let dir = root.join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let dest = dir.join(format!("mirror/registry.terraform.io/talos-cilium/cilium/{VERSION}/linux_amd64"));
        std::fs::create_dir_all(&dest).unwrap();
        let installed = dest.join(format!("terraform-provider-cilium_v{VERSION}"));
        // A hard link costs no space; a copy when the link is not possible.
        if std::fs::hard_link(provider_binary(), &installed).is_err() {
            std::fs::copy(provider_binary(), &installed).unwrap();
        }
        let cli_config = dir.join("terraformrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/talos-cilium/cilium\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/talos-cilium/cilium\"]\n  }}\n}}\n",
                dir.join("mirror").display()
            ),
        )
        .unwrap();
        Mirror { cli_config }
    })
}

/// Removes the mirrors under `root` whose test process no longer runs (Linux:
/// no `/proc/PID`; elsewhere nothing is removed).
fn remove_stale_mirrors(root: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Fails loudly when terraform is missing.
pub fn terraform_available() {
    match Command::new("terraform")
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
    {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "terraform is not installed or not on PATH: the acceptance tests need the real terraform CLI (>= 1.11)"
        ),
    }
}

/// The result of one terraform run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
    /// Panics with the output unless the run succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "terraform failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
    /// JSON-lines output (`-json` of plan/apply).
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// A terraform working directory with its own configuration.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// Creates the directory with `main.tf` and runs `terraform init`.
    pub fn new(main_tf: &str) -> Workdir {
        let m = mirror();
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.tf"), with_provider(main_tf)).unwrap();
        let w = Workdir { dir };
        let _ = &m.cli_config;
        w.tf(&["init", "-no-color"]).ok();
        w
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces main.tf.
    pub fn write(&self, main_tf: &str) {
        std::fs::write(self.path().join("main.tf"), with_provider(main_tf)).unwrap();
    }

    /// Runs terraform with a clean environment.
    pub fn tf(&self, args: &[&str]) -> Run {
        self.tf_env(args, &[])
    }

    pub fn tf_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new("terraform");
        cmd.current_dir(self.path()).args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("TF_") || k == "CHECKPOINT_DISABLE" {
                cmd.env_remove(k);
            }
        }
        cmd.env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("TF_CLI_CONFIG_FILE", &mirror().cli_config);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("running terraform"))
    }

    /// `plan -out` + `show -json`: the plan as JSON.
    pub fn plan_json(&self) -> serde_json::Value {
        self.tf(&["plan", "-no-color", "-out=tfplan"]).ok();
        self.tf(&["show", "-json", "tfplan"]).ok().json()
    }

    pub fn apply(&self) -> Run {
        self.tf(&["apply", "-auto-approve", "-no-color"]).ok()
    }

    /// Exit code of `plan -detailed-exitcode` (0 = no changes, 2 = changes).
    pub fn plan_exit_code(&self) -> i32 {
        let r = self.tf(&["plan", "-detailed-exitcode", "-no-color"]);
        assert!(
            r.code == 0 || r.code == 2,
            "plan failed:\n{}\n{}",
            r.stdout,
            r.stderr
        );
        r.code
    }

    /// `show -json` of the state.
    pub fn state(&self) -> serde_json::Value {
        self.tf(&["show", "-json"]).ok().json()
    }

    /// The 1-based line of the first line of main.tf containing `needle`.
    pub fn line_of(&self, needle: &str) -> u64 {
        let text = std::fs::read_to_string(self.path().join("main.tf")).unwrap();
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u64 + 1)
            .expect("needle in main.tf")
    }
}

fn with_provider(main_tf: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    cilium = {{\n      source  = \"talos-cilium/cilium\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\n{main_tf}"
    )
}

/// The planned resource change of `address` in a plan JSON.
pub fn change<'a>(plan: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    plan["resource_changes"]
        .as_array()
        .and_then(|rc| rc.iter().find(|c| c["address"] == address))
        .map(|c| &c["change"])
        .unwrap_or_else(|| panic!("no change for {address} in plan"))
}

/// The state attributes of `address` in `show -json` output.
pub fn resource_values<'a>(state: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["address"] == address))
        .map(|r| &r["values"])
        .unwrap_or_else(|| panic!("{address} not in state"))
}

/// A Helm chart repository served on 127.0.0.1 for the duration of a test: `index.yaml`
/// plus one `.tgz` per chart directory given, packaged here (digests in the index); or any
/// set of files ([`ChartRepo::serve_files`]).
pub struct ChartRepo {
    pub url: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    addr: std::net::SocketAddr,
}

impl ChartRepo {
    /// Packages `charts` (directories under acceptance-tests/charts) and serves them.
    pub fn serve(charts: &[&str]) -> ChartRepo {
        use sha2::Digest;
        let mut files: std::collections::HashMap<String, Vec<u8>> = Default::default();
        let mut index = String::from("apiVersion: v1\nentries:\n");
        for name in charts {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("charts")
                .join(name);
            let chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap();
            let version = chart_yaml
                .lines()
                .find_map(|l| l.strip_prefix("version: "))
                .expect("version in Chart.yaml")
                .trim()
                .to_string();
            let tgz = package(&dir, name);
            let digest: String = sha2::Sha256::digest(&tgz)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let file = format!("{name}-{version}.tgz");
            index.push_str(&format!(
                "  {name}:\n  - name: {name}\n    version: {version}\n    digest: {digest}\n    urls:\n    - {file}\n"
            ));
            files.insert(format!("/{file}"), tgz);
        }
        files.insert("/index.yaml".into(), index.into_bytes());
        ChartRepo::serve_files(files)
    }

    /// Serves `files` (URL path such as `/v1.3.0/standard-install.yaml` → body); every other
    /// path is a 404. `url` is the base with a trailing slash.
    pub fn serve_files(files: std::collections::HashMap<String, Vec<u8>>) -> ChartRepo {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            use std::io::{Read, Write};
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let Ok((mut s, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                let _ = s.set_nonblocking(false);
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]);
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                let _ = match files.get(&path) {
                    Some(body) => s
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|_| s.write_all(body)),
                    None => s.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    ),
                };
            }
        });
        ChartRepo {
            url: format!("http://{addr}/"),
            stop,
            thread: Some(thread),
            addr,
        }
    }

    /// Stops serving; the port then refuses connections.
    pub fn stop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = self.addr;
    }
}

impl Drop for ChartRepo {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A chart directory as `helm package` lays it out: `<name>/...` in a gzipped tar.
fn package(dir: &Path, name: &str) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all(name, dir).unwrap();
    tar.into_inner().unwrap().finish().unwrap()
}

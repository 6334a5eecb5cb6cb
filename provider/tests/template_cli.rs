//! `terraform-provider-cilium template` against outputs of the reference Helm library
//! (goldens in helm/tests/golden, written by helm/tests/regen_golden.sh with the same flags).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_terraform-provider-cilium"))
        .arg("template")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run the binary");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn golden(name: &str, ext: &str) -> String {
    std::fs::read_to_string(root().join(format!("helm/tests/golden/{name}.{ext}"))).unwrap()
}

#[test]
fn output_equals_the_reference() {
    let (code, out, err) = run(&[
        "rel",
        "helm/tests/charts/engine",
        "--namespace",
        "kube-system",
        "--api-versions",
        "gateway.networking.k8s.io/v1/GatewayClass",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, golden("engine", "out"));
}

#[test]
fn set_flags_and_kube_version() {
    let (code, out, err) = run(&[
        "rel",
        "helm/tests/charts/engine",
        "--set-json",
        "port=9090",
        "--set",
        "name=other",
        "--set-string",
        "big=7",
        "--kube-version",
        "v1.30.2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, golden("engine-set", "out"));
}

#[test]
fn errors_are_helms_and_exit_non_zero() {
    let (code, out, err) = run(&["rel", "helm/tests/charts/err-required"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err, golden("err-required", "err"));
    let (code, _, err) = run(&["rel", "helm/tests/charts/nope"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("Error: "), "{err}");
}

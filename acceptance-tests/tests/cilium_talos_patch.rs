//! Acceptance tests of `cilium_talos_patch` with the real terraform CLI.

use acceptance_tests::{Workdir, change, resource_values};
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;

const CP_113: &str = r#"
resource "cilium_talos_patch" "cp" {
  talos_version = "v1.13"
  machine_type  = "controlplane"
}
"#;

fn yaml(s: &J) -> Y {
    serde_yaml_ng::from_str(s.as_str().expect("a string")).expect("valid YAML")
}

#[test]
fn plan_shows_the_real_patch() {
    let w = Workdir::new(CP_113);
    let plan = w.plan_json();
    let c = change(&plan, "cilium_talos_patch.cp");
    assert_eq!(c["actions"], serde_json::json!(["create"]));
    assert_eq!(
        c["after_unknown"]["patches"],
        J::Null,
        "patches must be known at plan time: {}",
        c["after_unknown"]
    );
    let patch = yaml(&c["after"]["patches"][0]);
    assert_eq!(patch["cluster"]["network"]["cni"]["name"], Y::from("none"));
    assert_eq!(patch["cluster"]["proxy"]["disabled"], Y::from(true));
    assert_eq!(
        patch["machine"]["features"]["kubePrism"]["port"],
        Y::from(7445)
    );
    let values = yaml(&c["after"]["helm_values"]);
    assert_eq!(values["k8sServicePort"], Y::from(7445));
    assert_eq!(c["after"]["format"], "legacy");
}

#[test]
fn talos_1_14_gets_multi_document_kinds() {
    let w = Workdir::new(
        r#"
resource "cilium_talos_patch" "cp" {
  talos_version = "1.14.0"
  machine_type  = "controlplane"
}
resource "cilium_talos_patch" "w" {
  talos_version = "1.14.0"
  machine_type  = "worker"
}
"#,
    );
    let plan = w.plan_json();
    let kinds = |addr: &str| -> Vec<String> {
        change(&plan, addr)["after"]["patches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| yaml(p)["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let cp = kinds("cilium_talos_patch.cp");
    assert!(
        cp.contains(&"KubeProxyConfig".to_string())
            && cp.contains(&"KubeFlannelCNIConfig".to_string()),
        "{cp:?}"
    );
    let w_kinds = kinds("cilium_talos_patch.w");
    assert!(
        !w_kinds.contains(&"KubeProxyConfig".to_string()),
        "KubeProxyConfig is rejected on workers: {w_kinds:?}"
    );
}

#[test]
fn apply_then_second_plan_is_empty_then_destroy() {
    let w = Workdir::new(CP_113);
    w.apply();
    assert_eq!(w.plan_exit_code(), 0, "second plan must be empty");
    let state = w.state();
    let v = resource_values(&state, "cilium_talos_patch.cp");
    assert_eq!(v["kubeprism_port"], 7445);
    assert_eq!(v["id"].as_str().unwrap().len(), 64);
    w.tf(&["destroy", "-auto-approve", "-no-color"]).ok();
    let state = w.state();
    assert!(
        state
            .get("values")
            .is_none_or(|v| v["root_module"].get("resources").is_none()),
        "{state}"
    );
}

#[test]
fn changing_an_input_updates_in_place() {
    let w = Workdir::new(CP_113);
    w.apply();
    let id_before = resource_values(&w.state(), "cilium_talos_patch.cp")["id"].clone();
    w.write(&CP_113.replace(
        "machine_type  = \"controlplane\"",
        "machine_type   = \"controlplane\"\n  kubeprism_port = 7446",
    ));
    let plan = w.plan_json();
    let c = change(&plan, "cilium_talos_patch.cp");
    assert_eq!(
        c["actions"],
        serde_json::json!(["update"]),
        "in-place, not replace"
    );
    assert_eq!(
        yaml(&c["after"]["helm_values"])["k8sServicePort"],
        Y::from(7446)
    );
    assert_eq!(
        yaml(&c["after"]["patches"][0])["machine"]["features"]["kubePrism"]["port"],
        Y::from(7446)
    );
    w.tf(&["apply", "-no-color", "tfplan"]).ok();
    let after = resource_values(&w.state(), "cilium_talos_patch.cp")["id"].clone();
    assert_ne!(id_before, after);
    assert_eq!(w.plan_exit_code(), 0);
}

#[test]
fn unknown_inputs_make_outputs_unknown_until_apply() {
    let w = Workdir::new(
        r#"
resource "terraform_data" "version" {
  input = "v1.13"
}
resource "cilium_talos_patch" "cp" {
  talos_version = terraform_data.version.output
  machine_type  = "controlplane"
}
"#,
    );
    let plan = w.plan_json();
    let c = change(&plan, "cilium_talos_patch.cp");
    for attr in ["patches", "helm_values", "id", "format"] {
        assert_eq!(
            c["after_unknown"][attr], true,
            "{attr} must be unknown when talos_version is: {}",
            c["after_unknown"]
        );
    }
    w.tf(&["apply", "-no-color", "tfplan"]).ok();
    let v = resource_values(&w.state(), "cilium_talos_patch.cp").clone();
    assert_eq!(
        yaml(&v["patches"][0])["cluster"]["network"]["cni"]["name"],
        Y::from("none")
    );
    assert_eq!(w.plan_exit_code(), 0);
}

#[test]
fn invalid_inputs_point_at_the_attribute() {
    let w = Workdir::new(
        r#"
resource "cilium_talos_patch" "cp" {
  talos_version  = "one.thirteen"
  machine_type   = "controlplane"
  kubeprism_port = 70000
  pod_subnets    = ["10.244.0.0/16", "10.300.0.0/16"]
}
"#,
    );
    let r = w.tf(&["validate", "-json", "-no-color"]);
    let v = r.json();
    assert_eq!(v["valid"], false);
    let diags = v["diagnostics"].as_array().unwrap();
    let find = |summary: &str| {
        diags
            .iter()
            .find(|d| {
                d["summary"]
                    .as_str()
                    .is_some_and(|s| s.to_lowercase().contains(&summary.to_lowercase()))
            })
            .unwrap_or_else(|| panic!("no diagnostic {summary:?} in {diags:#?}"))
    };
    let port = find("KubePrism port");
    assert_eq!(port["range"]["start"]["line"], w.line_of("kubeprism_port"));
    assert!(port["detail"].as_str().unwrap().contains("65535"));
    let version = find("Talos version");
    assert_eq!(
        version["range"]["start"]["line"],
        w.line_of("talos_version")
    );
    let cidr = find("CIDR");
    // the diagnostic points at the second list element itself
    let code = cidr["snippet"]["code"].as_str().unwrap();
    let start = cidr["range"]["start"]["byte"].as_u64().unwrap() as usize;
    let end = cidr["range"]["end"]["byte"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(w.path().join("main.tf")).unwrap();
    assert_eq!(&text[start..end], "\"10.300.0.0/16\"", "{code}");
    // and plan refuses too
    assert_ne!(w.tf(&["plan", "-no-color"]).code, 0);
}

#[test]
fn kubeprism_off_without_endpoint_is_an_error_with_the_fix() {
    let w = Workdir::new(
        r#"
resource "cilium_talos_patch" "cp" {
  talos_version     = "v1.13"
  machine_type      = "controlplane"
  kubeprism_enabled = false
}
"#,
    );
    let v = w.tf(&["validate", "-json"]).json();
    let d = &v["diagnostics"][0];
    assert!(
        d["summary"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("cluster endpoint"),
        "{d}"
    );
    assert_eq!(
        d["range"]["start"]["line"],
        w.line_of("resource \"cilium_talos_patch\"")
    );
    assert!(d["detail"].as_str().unwrap().contains("cluster_endpoint"));
}

#[test]
fn state_written_by_schema_version_0_is_upgraded() {
    // First produce real outputs, then rewrite the state into the version 0 shape.
    let w = Workdir::new(CP_113);
    w.apply();
    let state_path = w.path().join("terraform.tfstate");
    let mut state: J =
        serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    {
        let inst = &mut state["resources"][0]["instances"][0];
        inst["schema_version"] = J::from(0);
        let attrs = inst["attributes"].as_object_mut().unwrap();
        let kpr = attrs.remove("kube_proxy_replacement").unwrap();
        attrs.insert(
            "kube_proxy_enabled".into(),
            J::Bool(!kpr.as_bool().unwrap()),
        );
        let patches = attrs.remove("patches").unwrap();
        attrs.insert("patch".into(), patches[0].clone());
        for gone in [
            "config_format",
            "format",
            "cilium_version",
            "cluster_endpoint",
        ] {
            attrs.remove(gone);
        }
    }
    state["serial"] = J::from(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(&state_path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
    // config_format and format were not in version 0: the plan fills them in place
    let plan = w.plan_json();
    let c = change(&plan, "cilium_talos_patch.cp");
    assert!(
        c["actions"] == serde_json::json!(["update"])
            || c["actions"] == serde_json::json!(["no-op"]),
        "{}",
        c["actions"]
    );
    assert_eq!(
        c["before"]["kube_proxy_replacement"], true,
        "upgraded from kube_proxy_enabled = false"
    );
    assert_eq!(
        c["before"]["patches"], c["after"]["patches"],
        "upgraded patch list equals the recomputed one"
    );
    w.tf(&["apply", "-no-color", "tfplan"]).ok();
    let raw: J = serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    assert_eq!(raw["resources"][0]["instances"][0]["schema_version"], 1);
    assert_eq!(w.plan_exit_code(), 0);
}

#[test]
fn import_by_version_and_machine_type() {
    let w = Workdir::new(CP_113);
    w.tf(&[
        "import",
        "-no-color",
        "cilium_talos_patch.cp",
        "v1.13/controlplane",
    ])
    .ok();
    assert_eq!(
        w.plan_exit_code(),
        0,
        "imported state matches the configuration"
    );
    let bad = w.tf(&["import", "-no-color", "cilium_talos_patch.cp", "nonsense"]);
    assert_ne!(bad.code, 0);
}

#[test]
fn provider_function_config_format() {
    let w = Workdir::new(
        r#"
output "old" {
  value = provider::cilium::config_format("v1.13")
}
output "new" {
  value = provider::cilium::config_format("1.14.0-rc.1")
}
"#,
    );
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    assert_eq!(out["old"]["value"], "legacy");
    assert_eq!(out["new"]["value"], "multidoc");
    w.write("output \"bad\" {\n  value = provider::cilium::config_format(\"latest\")\n}\n");
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("invalid Talos version \"latest\""),
        "{}",
        r.stderr
    );
}

#[test]
fn debug_logs_reach_terraform() {
    let w = Workdir::new(CP_113);
    let r = w.tf_env(&["plan", "-no-color"], &[("TF_LOG", "debug")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("provider.terraform-provider-cilium") && l.contains("serving")),
        "provider log lines missing from TF_LOG=debug output"
    );
}

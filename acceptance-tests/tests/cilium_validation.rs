//! Acceptance tests of the `cilium_validation` data source with the real terraform CLI.

use acceptance_tests::Workdir;
use serde_json::Value;
use std::path::PathBuf;

/// `../shared/data/talos-machine-configs`, or None (the test then says it skipped).
fn talos_configs() -> Option<PathBuf> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/talos-machine-configs");
    if p.is_dir() {
        Some(p)
    } else {
        println!("skipped: ../shared/data not found");
        None
    }
}

/// The documents of a (multi-document) YAML text, as JSON.
fn yaml_docs(text: &str) -> Vec<Value> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line == "---" {
            docs.push(String::new());
        } else {
            let d = docs.last_mut().unwrap();
            d.push_str(line);
            d.push('\n');
        }
    }
    docs.iter()
        .map(|d| serde_yaml_ng::from_str::<Value>(d).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(x) if x.is_object() && v.is_object() => merge(x, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Applies Talos strategic-merge patches the way Talos does for the patches
/// cilium_talos_patch emits: the v1alpha1 document is deep-merged, a kinded
/// document merges into its kind (or is appended), `$patch: delete` removes it.
fn apply_patches(config: &str, patches: &[String]) -> String {
    let mut docs = yaml_docs(config);
    for p in patches.iter().flat_map(|p| yaml_docs(p)) {
        match p.get("kind").cloned() {
            None => merge(
                docs.iter_mut().find(|d| d.get("kind").is_none()).unwrap(),
                &p,
            ),
            Some(kind) => {
                let pos = docs.iter().position(|d| d.get("kind") == Some(&kind));
                match (pos, p.get("$patch").and_then(Value::as_str)) {
                    (Some(i), Some("delete")) => {
                        docs.remove(i);
                    }
                    (None, Some("delete")) => {}
                    (Some(i), _) => merge(&mut docs[i], &p),
                    (None, _) => docs.push(p),
                }
            }
        }
    }
    docs.iter()
        .map(|d| serde_yaml_ng::to_string(d).unwrap())
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Talos-generated configurations of `version` (../shared/data) patched with
/// what cilium_talos_patch plans for them, written to cp.yaml and worker.yaml
/// in the working directory.
fn write_patched_configs(w: &Workdir, data: &std::path::Path, version: &str) {
    w.write(&format!(
        r#"
resource "cilium_talos_patch" "cp" {{
  talos_version = "{version}"
  machine_type  = "controlplane"
}}
resource "cilium_talos_patch" "worker" {{
  talos_version = "{version}"
  machine_type  = "worker"
}}
output "cp" {{
  value = cilium_talos_patch.cp.patches
}}
output "worker" {{
  value = cilium_talos_patch.worker.patches
}}
"#
    ));
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    for (name, file) in [
        ("cp", "base-controlplane.yaml"),
        ("worker", "base-worker.yaml"),
    ] {
        let patches: Vec<String> = out[name]["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        let base = std::fs::read_to_string(data.join(version).join(file)).unwrap();
        std::fs::write(
            w.path().join(format!("{name}.yaml")),
            apply_patches(&base, &patches),
        )
        .unwrap();
    }
}

/// A Talos-correct setup: real Talos-generated configurations (control plane
/// and worker) with the patches of cilium_talos_patch, its values, L2 on metal.
const GOOD: &str = r#"
resource "cilium_talos_patch" "cp" {
  talos_version = "TALOS"
  machine_type  = "controlplane"
}
resource "cilium_talos_patch" "worker" {
  talos_version = "TALOS"
  machine_type  = "worker"
}
data "cilium_validation" "v" {
  talos_version              = "TALOS"
  cilium_version             = "1.18.5"
  values                     = [cilium_talos_patch.cp.helm_values, yamlencode({ l2announcements = { enabled = true } })]
  machine_configurations     = [file("cp.yaml"), file("worker.yaml")]
  platform                   = "metal"
  nodes                      = [{ address = "10.0.0.11/24", interfaces = ["ens18"] }]
  load_balancer_ip_pools     = [{ cidrs = ["10.0.0.240/28"] }]
  l2_announcement_interfaces = ["^ens18$"]
}
output "valid" {
  value = data.cilium_validation.v.valid
}
output "findings" {
  value = data.cilium_validation.v.findings
}
"#;

#[test]
fn a_talos_correct_setup_passes() {
    let Some(data) = talos_configs() else {
        return;
    };
    for version in ["v1.13", "v1.14"] {
        let w = Workdir::new("");
        write_patched_configs(&w, &data, version);
        w.write(&GOOD.replace("TALOS", version));
        w.apply();
        let out = w.tf(&["output", "-json"]).ok().json();
        assert_eq!(
            out["valid"]["value"], true,
            "{version}: {}",
            out["findings"]
        );
        assert_eq!(out["findings"]["value"], serde_json::json!([]), "{version}");
    }
}

/// The unpatched Talos-generated configurations deploy Flannel and kube-proxy.
#[test]
fn unpatched_talos_configs_are_reported() {
    let Some(data) = talos_configs() else {
        return;
    };
    let w = Workdir::new("");
    std::fs::copy(
        data.join("v1.14/base-controlplane.yaml"),
        w.path().join("cp.yaml"),
    )
    .unwrap();
    std::fs::copy(
        data.join("v1.14/base-worker.yaml"),
        w.path().join("worker.yaml"),
    )
    .unwrap();
    w.write(&GOOD.replace("TALOS", "v1.14"));
    // the data source depends on new resources, so Terraform reads it at apply
    let r = w.tf(&["apply", "-auto-approve", "-no-color"]);
    assert_ne!(r.code, 0, "the CNI finding is an error");
    assert!(
        r.stderr
            .contains("KubeFlannelCNIConfig deploys Flannel next to Cilium"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("talos-cni-not-none"), "{}", r.stderr);
}

/// One data source per rule family, reported with fail_on = "none".
const FAMILIES: &str = r#"
locals {
  kpr = yamlencode({ kubeProxyReplacement = true })
}
# Talos placement and format: legacy fields in a 1.14 configuration, CNI under
# machine.network, KubeProxyConfig on a worker, inline manifests on a worker.
data "cilium_validation" "talos" {
  talos_version  = "v1.14"
  cilium_version = "1.18.5"
  values         = [local.kpr]
  machine_configurations = [
    <<-EOT
    version: v1alpha1
    machine:
      type: controlplane
      network:
        cni:
          name: none
    cluster:
      network:
        cni:
          name: none
    ---
    apiVersion: v1alpha1
    kind: KubeNetworkConfig
    podSubnets: [10.244.0.0/16]
    ---
    apiVersion: v1alpha1
    kind: KubeProxyConfig
    $patch: delete
    EOT
    ,
    <<-EOT
    version: v1alpha1
    machine:
      type: worker
    ---
    apiVersion: v1alpha1
    kind: KubeProxyConfig
    enabled: false
    ---
    apiVersion: v1alpha1
    kind: KubeInlineManifestConfig
    name: cilium
    manifest: "{}"
    EOT
  ]
  fail_on = "none"
}
# kube-proxy: disabled in the Talos configuration, replacement off.
data "cilium_validation" "kube_proxy" {
  talos_version          = "v1.13"
  cilium_version         = "1.18.5"
  values                 = [yamlencode({ kubeProxyReplacement = false })]
  machine_configurations = ["version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n  proxy:\n    disabled: true\n"]
  fail_on                = "none"
}
# Versions: a key the 1.18 chart no longer has; Talos 1.13's Kubernetes 1.36 on Cilium 1.18.
data "cilium_validation" "versions" {
  talos_version  = "v1.13"
  cilium_version = "1.18.5"
  values         = [local.kpr, yamlencode({ externalIPs = { enabled = true } })]
  fail_on        = "none"
}
# Gateway API: no CRDs given; then a version Cilium 1.19 breaks on, without KPR and L7 proxy.
data "cilium_validation" "gateway_missing" {
  cilium_version = "1.18.5"
  values         = [local.kpr, yamlencode({ gatewayAPI = { enabled = true } })]
  fail_on        = "none"
}
data "cilium_validation" "gateway_bad" {
  cilium_version      = "1.19.6"
  values              = [yamlencode({ gatewayAPI = { enabled = true }, l7Proxy = false })]
  gateway_api_version = "v1.5.1"
  fail_on             = "none"
}
# L2: XDP acceleration, an interface outside devices, no kube-proxy replacement.
data "cilium_validation" "l2" {
  cilium_version             = "1.18.5"
  values                     = [yamlencode({ l2announcements = { enabled = true }, loadBalancer = { acceleration = "native" }, devices = ["ens18"] })]
  nodes                      = [{ address = "10.0.0.11/24", interfaces = ["ens18", "ens19"] }]
  l2_announcement_interfaces = ["^ens19$"]
  fail_on                    = "none"
}
# Cilium objects: a pool written for 1.18 (cilium.io/v2) and a hand-written one with
# spec.cidrs, both checked against 1.17; the pool written for 1.17 itself passes.
data "cilium_lb_ip_pool" "for_1_18" {
  name           = "blue"
  cilium_version = "1.18.5"
  cidrs          = ["10.0.0.240/28"]
}
data "cilium_lb_ip_pool" "for_1_17" {
  name           = "green"
  cilium_version = "1.17.5"
  cidrs          = ["10.0.0.224/28"]
}
data "cilium_validation" "objects" {
  cilium_version = "1.17.5"
  manifests = [
    data.cilium_lb_ip_pool.for_1_18.manifest,
    <<-EOT
    apiVersion: cilium.io/v2alpha1
    kind: CiliumLoadBalancerIPPool
    metadata:
      name: old
    spec:
      cidrs:
        - cidr: 10.0.0.208/28
    EOT
  ]
  fail_on = "none"
}
data "cilium_validation" "objects_ok" {
  cilium_version = "1.17.5"
  manifests      = [data.cilium_lb_ip_pool.for_1_17.manifest]
  fail_on        = "none"
}
output "findings" {
  value = {
    objects         = data.cilium_validation.objects.findings
    objects_ok      = data.cilium_validation.objects_ok.findings
    talos           = data.cilium_validation.talos.findings
    kube_proxy      = data.cilium_validation.kube_proxy.findings
    versions        = data.cilium_validation.versions.findings
    gateway_missing = data.cilium_validation.gateway_missing.findings
    gateway_bad     = data.cilium_validation.gateway_bad.findings
    l2              = data.cilium_validation.l2.findings
  }
}
"#;

#[test]
fn every_rule_family_reports_its_findings() {
    let w = Workdir::new(FAMILIES);
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    let f = &out["findings"]["value"];
    let codes = |name: &str| -> Vec<(String, String)> {
        f[name]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {f}"))
            .iter()
            .map(|x| {
                (
                    x["code"].as_str().unwrap().to_string(),
                    x["path"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let has = |name: &str, code: &str, path: &str| {
        let c = codes(name);
        assert!(
            c.iter().any(|(k, p)| k == code && p == path),
            "{name}: ({code}, {path}) missing from {c:?}"
        );
    };
    has(
        "talos",
        "talos-cni-misplaced",
        "machine_configurations[0].machine.network.cni",
    );
    has(
        "talos",
        "talos-config-format-mixed",
        "machine_configurations[0].cluster.network",
    );
    has(
        "talos",
        "talos-kube-proxy-config-deleted",
        "machine_configurations[0].KubeProxyConfig",
    );
    has(
        "talos",
        "talos-controlplane-only-on-worker",
        "machine_configurations[1].KubeProxyConfig",
    );
    has(
        "talos",
        "talos-inline-manifest-on-worker",
        "machine_configurations[1].KubeInlineManifestConfig",
    );
    has(
        "kube_proxy",
        "kube-proxy-disabled-without-replacement",
        "machine_configurations[0].cluster.proxy.disabled",
    );
    has(
        "versions",
        "helm-key-not-in-chart",
        "values.externalIPs.enabled",
    );
    has("versions", "kubernetes-version-untested", "talos_version");
    has(
        "gateway_missing",
        "gateway-api-crds-missing",
        "gateway_api_version",
    );
    has(
        "gateway_bad",
        "gateway-api-version-incompatible",
        "gateway_api_version",
    );
    has(
        "gateway_bad",
        "gateway-api-kube-proxy-replacement",
        "values.kubeProxyReplacement",
    );
    has("gateway_bad", "gateway-api-l7-proxy", "values.l7Proxy");
    has(
        "l2",
        "l2-xdp-acceleration",
        "values.loadBalancer.acceleration",
    );
    has(
        "l2",
        "l2-interface-not-in-devices",
        "l2_announcement_interfaces[0]",
    );
    has(
        "l2",
        "l2-announcements-kube-proxy-replacement",
        "values.kubeProxyReplacement",
    );
    has("objects", "cilium-object-api-version", "manifests[0]");
    has("objects", "lb-pool-fields", "manifests[1]");
    assert!(
        !codes("objects_ok")
            .iter()
            .any(|(k, _)| k == "cilium-object-api-version" || k == "lb-pool-fields"),
        "{:?}",
        codes("objects_ok")
    );
}

/// Errors from machine configurations fail the plan at the data source.
#[test]
fn talos_config_errors_fail_the_plan() {
    let w = Workdir::new(&FAMILIES.replace(
        "  fail_on = \"none\"\n}\n# kube-proxy",
        "  fail_on = \"error\"\n}\n# kube-proxy",
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    for s in [
        "`machine.network.cni` is not a Talos setting",
        "KubeProxyConfig in a worker configuration",
        "cluster.network and KubeNetworkConfig in the same configuration",
    ] {
        assert!(r.stderr.contains(s), "missing {s:?} in:\n{}", r.stderr);
    }
}

/// Values and topology that break on Talos: SYS_MODULE, cgroup auto-mount, a
/// KubePrism port that is not the one in the machine config, L2 on Oracle
/// Cloud, an eth0 regex on metal and a pool outside the node network.
const BROKEN: &str = r#"
data "cilium_validation" "v" {
  talos_version  = "v1.13"
  cilium_version = "1.18.5"
  values = [yamlencode({
    kubeProxyReplacement = true
    k8sServiceHost       = "localhost"
    k8sServicePort       = 7445
    ipam                 = { mode = "kubernetes", operator = { clusterPoolIPv4PodCIDRList = ["10.42.0.0/16"] } }
    l2announcements      = { enabled = true }
    cgroup               = { autoMount = { enabled = true }, hostRoot = "/run/cilium/cgroupv2" }
    securityContext = { capabilities = {
      ciliumAgent      = ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_MODULE", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]
      cleanCiliumState = ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"]
    } }
  })]
  machine_configurations     = ["version: v1alpha1\nmachine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n"]
  platform                   = "oracle"
  nodes                      = [{ address = "10.0.0.11/24", interfaces = ["eth0"] }]
  load_balancer_ip_pools     = [{ cidrs = ["10.0.0.240/28"] }, { cidrs = ["192.168.50.0/28"] }]
  l2_announcement_interfaces = ["^ens18$"]
  fail_on                    = "FAIL_ON"
}
output "findings" {
  value = data.cilium_validation.v.findings
}
output "valid" {
  value = data.cilium_validation.v.valid
}
"#;

#[test]
fn broken_setups_fail_the_plan_with_every_finding() {
    let w = Workdir::new(&BROKEN.replace("FAIL_ON", "error"));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0, "the plan must fail");
    for summary in [
        "ciliumAgent capabilities include SYS_MODULE",
        "L2 announcements cannot move addresses on the oracle platform",
        "192.168.50.0/28 is outside the nodes' networks",
        "\"^ens18$\" matches no interface of the nodes",
    ] {
        assert!(
            r.stderr.contains(summary),
            "missing {summary:?} in:\n{}",
            r.stderr
        );
    }
    // the pool finding is an error of this data source (Terraform 1.11 shows
    // read-time diagnostics of data sources on the block, whatever the path)
    let j = w.tf(&["plan", "-json", "-no-color"]);
    let diag = j
        .json_lines()
        .into_iter()
        .find(|l| {
            l["diagnostic"]["summary"]
                .as_str()
                .is_some_and(|s| s.contains("192.168.50.0/28"))
        })
        .expect("pool diagnostic in plan -json");
    assert_eq!(diag["diagnostic"]["severity"], "error");
    assert_eq!(
        diag["diagnostic"]["address"], "data.cilium_validation.v",
        "{diag}"
    );
    assert!(
        diag["diagnostic"]["detail"]
            .as_str()
            .unwrap()
            .contains("lb-pool-outside-nodes")
    );
}

#[test]
fn fail_on_none_reports_without_failing() {
    let w = Workdir::new(&BROKEN.replace("FAIL_ON", "none"));
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    assert_eq!(out["valid"]["value"], false);
    let codes: Vec<String> = out["findings"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    for code in [
        "sys-module-capability",
        "cgroup-automount",
        "cgroup-host-root",
        "k8s-service-kubeprism-mismatch",
        "l2-platform-no-garp",
        "lb-pool-outside-nodes",
        "l2-interface-match",
        "cluster-pool-cidr-ignored",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing from {codes:?}"
        );
    }
}

#[test]
fn invalid_fail_on_is_rejected_at_validate() {
    let w = Workdir::new(&BROKEN.replace("FAIL_ON", "sometimes"));
    let v = w.tf(&["validate", "-json"]).json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["summary"], "Invalid fail_on");
}

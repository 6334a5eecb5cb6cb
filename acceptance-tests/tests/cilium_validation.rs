//! Acceptance tests of the `cilium_validation` data source with the real terraform CLI.

use acceptance_tests::Workdir;

const GOOD: &str = r#"
resource "cilium_talos_patch" "cp" {
  talos_version = "v1.13"
  machine_type  = "controlplane"
}
data "cilium_validation" "v" {
  talos_version              = "v1.13"
  cilium_version             = "1.18.5"
  values                     = [cilium_talos_patch.cp.helm_values, yamlencode({ l2announcements = { enabled = true } })]
  machine_configurations     = ["version: v1alpha1\nmachine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7445\n"]
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
    let w = Workdir::new(GOOD);
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    assert_eq!(out["valid"]["value"], true, "{}", out["findings"]);
    assert_eq!(out["findings"]["value"], serde_json::json!([]));
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

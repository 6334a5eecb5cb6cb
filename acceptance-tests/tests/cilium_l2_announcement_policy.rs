//! Acceptance tests of the `cilium_l2_announcement_policy` data source with the real terraform CLI.

use acceptance_tests::Workdir;

fn policy(version: &str, interfaces: &str) -> String {
    format!(
        r#"
data "cilium_l2_announcement_policy" "p" {{
  name              = "l2"
  cilium_version    = "{version}"
  interfaces        = {interfaces}
  load_balancer_ips = true
  node_selector     = {{ match_labels = {{ "node-role.kubernetes.io/worker" = "" }} }}
}}
output "manifest" {{
  value = data.cilium_l2_announcement_policy.p.manifest
}}
"#
    )
}

#[test]
fn plan_shows_the_manifest_with_anchored_interfaces() {
    let w = Workdir::new(&policy("1.16.5", r#"["eth0", "^ens", "eth1|eth2"]"#));
    let plan = w.plan_json();
    assert_eq!(
        plan["planned_values"]["outputs"]["manifest"]["value"],
        "apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  \
         nodeSelector:\n    matchLabels:\n      node-role.kubernetes.io/worker: \"\"\n  interfaces:\n    \
         - \"^eth0$\"\n    - \"^ens\"\n    - \"^(?:eth1|eth2)$\"\n  externalIPs: false\n  loadBalancerIPs: true\n"
    );
}

#[test]
fn cilium_before_1_14_has_no_l2_policy() {
    let w = Workdir::new(&policy("1.13.16", r#"["eth0"]"#));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0, "the plan must fail");
    assert!(
        r.stderr
            .contains("Cilium 1.13.16 has no CiliumL2AnnouncementPolicy"),
        "{}",
        r.stderr
    );
    let v = w.tf(&["validate", "-json"]).json();
    assert_eq!(
        v["diagnostics"][0]["range"]["start"]["line"],
        w.line_of("cilium_version")
    );
    // 1.14 is the first version that has it
    w.write(&policy("1.14.0", r#"["eth0"]"#));
    w.tf(&["plan", "-no-color"]).ok();
}

#[test]
fn an_invalid_regex_is_reported_at_its_element() {
    let w = Workdir::new(&policy("1.18.5", r#"["eth0", "ens("]"#));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0, "the plan must fail");
    assert!(r.stderr.contains("Invalid interface regex"), "{}", r.stderr);
    assert!(r.stderr.contains("interfaces[1]"), "{}", r.stderr);
}

#[test]
fn a_policy_that_announces_nothing_is_rejected() {
    let w = Workdir::new(
        r#"
data "cilium_l2_announcement_policy" "p" {
  name           = ""
  cilium_version = "1.18.5"
}
"#,
    );
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Empty name"), "{}", r.stderr);
    assert!(
        r.stderr.contains("The policy announces nothing"),
        "{}",
        r.stderr
    );
}

//! Acceptance tests of the `cilium_lb_ip_pool` data source with the real terraform CLI.

use acceptance_tests::Workdir;

fn pool(version: &str, extra: &str) -> String {
    format!(
        r#"
data "cilium_lb_ip_pool" "p" {{
  name           = "blue"
  cilium_version = "{version}"
  cidrs          = ["10.0.0.240/28"]
{extra}
}}
output "manifest" {{
  value = data.cilium_lb_ip_pool.p.manifest
}}
output "api_version" {{
  value = data.cilium_lb_ip_pool.p.api_version
}}
"#
    )
}

/// The planned outputs (data sources with known inputs are read at plan).
fn planned_outputs(w: &Workdir) -> serde_json::Value {
    w.plan_json()["planned_values"]["outputs"].clone()
}

#[test]
fn plan_shows_the_manifest_for_the_version() {
    let w = Workdir::new(&pool(
        "1.18.5",
        r#"  ranges           = [{ start = "10.0.1.10", stop = "10.0.1.20" }]
  service_selector = { match_labels = { color = "blue" } }
  disabled         = true"#,
    ));
    let out = planned_outputs(&w);
    assert_eq!(out["api_version"]["value"], "cilium.io/v2");
    assert_eq!(
        out["manifest"]["value"],
        "apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: blue\nspec:\n  blocks:\n    \
         - cidr: 10.0.0.240/28\n    - start: \"10.0.1.10\"\n      stop: \"10.0.1.20\"\n  serviceSelector:\n    \
         matchLabels:\n      color: blue\n  disabled: true\n"
    );
    // the human-readable plan shows it too
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(
        r.stdout.contains("kind: CiliumLoadBalancerIPPool"),
        "{}",
        r.stdout
    );
}

#[test]
fn api_version_and_list_field_follow_the_cilium_version() {
    for (version, api, field) in [
        ("1.14.19", "cilium.io/v2alpha1", "cidrs"),
        ("1.15.0", "cilium.io/v2alpha1", "blocks"),
        ("1.17.18", "cilium.io/v2alpha1", "blocks"),
        ("1.18.0", "cilium.io/v2", "blocks"),
    ] {
        let w = Workdir::new(&pool(version, ""));
        let out = planned_outputs(&w);
        assert_eq!(out["api_version"]["value"], api, "{version}");
        let m = out["manifest"]["value"].as_str().unwrap();
        assert!(
            m.contains(&format!("apiVersion: {api}\n"))
                && m.contains(&format!("spec:\n  {field}:\n    - cidr: 10.0.0.240/28\n")),
            "{version}: {m}"
        );
    }
}

#[test]
fn a_bad_cidr_is_reported_at_its_element() {
    let w = Workdir::new(
        r#"
data "cilium_lb_ip_pool" "p" {
  name           = "blue"
  cilium_version = "1.16.5"
  cidrs          = ["10.0.0.240/28", "10.0.0.300/28"]
}
"#,
    );
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0, "the plan must fail");
    assert!(r.stderr.contains("Invalid CIDR"), "{}", r.stderr);
    assert!(r.stderr.contains("cidrs[1]"), "{}", r.stderr);
    // terraform validate reports it with the attribute's source range
    let v = w.tf(&["validate", "-json"]).json();
    assert_eq!(v["valid"], false, "{v}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["summary"], "Invalid CIDR");
    assert_eq!(d["range"]["start"]["line"], w.line_of("cidrs"), "{d}");
}

#[test]
fn ranges_need_cilium_1_15_and_old_versions_have_no_pool() {
    let w = Workdir::new(&pool("1.14.19", r#"  ranges = [{ start = "10.0.1.10" }]"#));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("Cilium 1.14.19 has no start/stop ranges"),
        "{}",
        r.stderr
    );
    w.write(&pool("1.12.0", ""));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("Cilium 1.12.0 has no CiliumLoadBalancerIPPool"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_inputs_defer_the_read_to_apply() {
    let w = Workdir::new(
        r#"
resource "terraform_data" "later" {
  input = "10.0.0.240/28"
}
data "cilium_lb_ip_pool" "p" {
  name           = "blue"
  cilium_version = "1.16.5"
  cidrs          = [terraform_data.later.output]
}
output "manifest" {
  value = data.cilium_lb_ip_pool.p.manifest
}
"#,
    );
    let plan = w.plan_json();
    assert_eq!(plan["output_changes"]["manifest"]["after_unknown"], true);
    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    assert!(
        out["manifest"]["value"]
            .as_str()
            .unwrap()
            .contains("- cidr: 10.0.0.240/28")
    );
}

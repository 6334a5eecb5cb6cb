//! Acceptance tests of `cilium_gateway_api_crds` with the real terraform CLI, against small
//! fake release bundles (a few tiny CRD documents written here) served on 127.0.0.1 through
//! the provider's `gateway_api_base_url`.

use std::collections::HashMap;

use acceptance_tests::{ChartRepo, Workdir};
use sha2::Digest;

fn crd(plural: &str, kind: &str) -> String {
    format!(
        "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n    \
         gateway.networking.k8s.io/bundle-version: test\n  name: {plural}.gateway.networking.k8s.io\nspec:\n  group: \
         gateway.networking.k8s.io\n  names:\n    kind: {kind}\n    plural: {plural}\n  scope: Namespaced\n"
    )
}

fn standard() -> String {
    format!(
        "# fake standard bundle\n{}{}",
        crd("gatewayclasses", "GatewayClass"),
        crd("gateways", "Gateway")
    )
}

fn experimental() -> String {
    format!("{}{}", standard(), crd("tlsroutes", "TLSRoute"))
}

fn sha(s: &str) -> String {
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn server() -> ChartRepo {
    let mut files = HashMap::new();
    files.insert(
        "/v1.3.0/standard-install.yaml".to_string(),
        standard().into_bytes(),
    );
    files.insert(
        "/v1.1.0/experimental-install.yaml".to_string(),
        experimental().into_bytes(),
    );
    ChartRepo::serve_files(files)
}

fn config(base: &str, cache: &std::path::Path, offline: bool, body: &str) -> String {
    format!(
        r#"
provider "cilium" {{
  gateway_api_base_url = "{base}"
  cache_dir            = "{}"
  offline              = {offline}
}}
data "cilium_gateway_api_crds" "this" {{
{body}
}}
output "crds" {{
  value = data.cilium_gateway_api_crds.this.crds
}}
output "manifest" {{
  value = data.cilium_gateway_api_crds.this.manifest
}}
output "sha256" {{
  value = data.cilium_gateway_api_crds.this.sha256
}}
output "patches" {{
  value = data.cilium_gateway_api_crds.this.patches
}}
output "version" {{
  value = "${{data.cilium_gateway_api_crds.this.gateway_api_version}}/${{data.cilium_gateway_api_crds.this.channel}}"
}}
"#,
        cache.display()
    )
}

fn outputs(w: &Workdir) -> serde_json::Value {
    w.plan_json()["planned_values"]["outputs"].clone()
}

#[test]
fn plan_shows_manifest_crds_and_digest() {
    let srv = server();
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(
        &srv.url,
        cache.path(),
        false,
        "  cilium_version = \"1.18.5\"\n  talos_version  = \"v1.14\"",
    ));
    let o = outputs(&w);
    assert_eq!(o["version"]["value"], "v1.3.0/standard");
    assert_eq!(
        o["crds"]["value"],
        serde_json::json!([
            "gatewayclasses.gateway.networking.k8s.io",
            "gateways.gateway.networking.k8s.io"
        ])
    );
    assert_eq!(o["manifest"]["value"], standard());
    assert_eq!(o["sha256"]["value"], sha(&standard()));
    let patch = o["patches"]["value"][0].as_str().unwrap();
    assert!(
        patch.starts_with(
            "apiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: gateway-api-crds\nmanifest: |\n"
        ),
        "{patch}"
    );

    // Cilium 1.16 needs TLSRoute: the experimental bundle by default, in the legacy patch form.
    w.write(&config(
        &srv.url,
        cache.path(),
        false,
        "  cilium_version = \"1.16.5\"",
    ));
    let o = outputs(&w);
    assert_eq!(o["version"]["value"], "v1.1.0/experimental");
    assert!(
        o["crds"]["value"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("tlsroutes.gateway.networking.k8s.io"))
    );
    let patch = o["patches"]["value"][0].as_str().unwrap();
    assert!(
        patch.starts_with("cluster:\n  inlineManifests:\n    - name: gateway-api-crds\n"),
        "{patch}"
    );
}

#[test]
fn pinned_digest_mismatch_is_an_error_at_sha256() {
    let srv = server();
    let cache = tempfile::tempdir().unwrap();
    let wrong = sha("something else");
    let w = Workdir::new(&config(
        &srv.url,
        cache.path(),
        false,
        &format!("  cilium_version = \"1.18.5\"\n  sha256         = \"{wrong}\""),
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    let err = r.stderr.replace('\n', " ");
    assert!(
        err.contains("Gateway API CRDs do not match the pinned sha256"),
        "{}",
        r.stderr
    );
    assert!(err.contains("sha256: sha256 mismatch"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&wrong) && r.stderr.contains(&sha(&standard())),
        "{}",
        r.stderr
    );

    // The right pin plans.
    w.write(&config(
        &srv.url,
        cache.path(),
        false,
        &format!(
            "  cilium_version = \"1.18.5\"\n  sha256         = \"{}\"",
            sha(&standard())
        ),
    ));
    assert_eq!(outputs(&w)["sha256"]["value"], sha(&standard()));
}

#[test]
fn offline_uses_the_cache_and_a_miss_is_a_clear_error() {
    let mut srv = server();
    let cache = tempfile::tempdir().unwrap();
    let body = "  cilium_version = \"1.18.5\"";
    let w = Workdir::new(&config(&srv.url, cache.path(), false, body));
    let first = outputs(&w);
    let base = srv.url.clone();
    srv.stop();

    w.write(&config(&base, cache.path(), true, body));
    let o = outputs(&w);
    assert_eq!(o["sha256"]["value"], first["sha256"]["value"]);
    assert_eq!(o["manifest"]["value"], standard());

    // Another version is not cached.
    w.write(&config(
        &base,
        cache.path(),
        true,
        "  cilium_version      = \"1.18.5\"\n  gateway_api_version = \"v1.2.0\"",
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    let err = r.stderr.replace('\n', " ");
    assert!(
        err.contains("Gateway API CRDs are not in the offline cache"),
        "{}",
        r.stderr
    );
    assert!(err.contains("v1.2.0/standard-install.yaml"), "{}", r.stderr);
}

#[test]
fn cilium_1_19_with_gateway_api_1_5_is_rejected_with_the_reason() {
    let srv = server();
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(
        &srv.url,
        cache.path(),
        false,
        "  cilium_version      = \"1.19.3\"\n  gateway_api_version = \"v1.5.0\"",
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    let err = r.stderr.replace('\n', " ");
    assert!(
        err.contains("Gateway API version breaks the Cilium 1.19 operator"),
        "{}",
        r.stderr
    );
    assert!(err.contains("no matches for kind"), "{}", r.stderr);
    let line = w.line_of("gateway_api_version = \"v1.5.0\"");
    assert!(
        r.stderr.contains(&format!("line {line}")),
        "error not at the attribute (line {line}):\n{}",
        r.stderr
    );
}

//! Acceptance tests of `cilium_inline_manifest` with the real terraform CLI, against a
//! chart repository served on 127.0.0.1 (`charts/secrets`: genCA, genSignedCert,
//! randAlphaNum, a values schema and a hook).

use acceptance_tests::{ChartRepo, Workdir, change, resource_values};

const ADDR: &str = "cilium_inline_manifest.this";

fn config(repo: &str, cache: &std::path::Path, offline: bool, body: &str) -> String {
    format!(
        r#"
provider "cilium" {{
  chart_repository = "{repo}"
  cache_dir        = "{}"
  offline          = {offline}
}}
resource "cilium_inline_manifest" "this" {{
  chart_name = "secrets"
  version    = "0.2.0"
  name       = "demo"
  namespace  = "apps"
{body}
}}
output "sha" {{
  value = cilium_inline_manifest.this.sha256
}}
"#,
        cache.display()
    )
}

fn manifest(w: &Workdir) -> String {
    resource_values(&w.state(), ADDR)["manifest"]
        .as_str()
        .expect("manifest in state")
        .to_string()
}

/// The value of `key:` in the Secret named `secret` (base64 text as rendered).
fn secret_field(manifest: &str, secret: &str, key: &str) -> String {
    let doc = manifest
        .split("\n---\n")
        .find(|d| d.contains(&format!("name: {secret}\n")))
        .unwrap_or_else(|| panic!("no {secret} in manifest"));
    doc.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in {secret}"))
        .to_string()
}

#[test]
fn plan_shows_digest_then_apply_then_no_changes() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(&repo.url, cache.path(), false, ""));
    let plan = w.plan_json();
    let c = change(&plan, ADDR);
    let sha = c["after"]["sha256"].as_str().expect("sha256 known at plan");
    assert_eq!(sha.len(), 64);
    assert_eq!(c["after_unknown"]["manifest"], serde_json::Value::Null);
    assert_eq!(c["after_sensitive"]["manifest"], true);
    assert_eq!(c["after_sensitive"]["patches"], true);
    let kinds: Vec<&str> = c["after"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    // Helm's order: Secrets, ConfigMap, then the hook.
    assert_eq!(kinds, ["Secret", "Secret", "ConfigMap", "Job"]);
    assert_eq!(c["after"]["chart_version"], "0.2.0");

    // The plan as people read it shows no key material.
    let text = w.tf(&["plan", "-no-color"]).ok().stdout;
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("tls.key"),
        "{text}"
    );
    assert!(text.contains("(sensitive value)"), "{text}");

    w.apply();
    let out = w.tf(&["output", "-json"]).ok().json();
    assert_eq!(out["sha"]["value"], sha, "apply changed what plan showed");
    assert_eq!(w.plan_exit_code(), 0, "second plan is not empty");
    let m = manifest(&w);
    assert!(m.contains("# Source: secrets/templates/tls-secret.yaml"));
    assert!(m.contains("namespace: apps"));
    let patch = resource_values(&w.state(), ADDR)["patches"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        patch.starts_with("cluster:\n  inlineManifests:\n    - name: demo\n"),
        "{patch}"
    );
    // The patch carries the manifest byte for byte.
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&patch).unwrap();
    assert_eq!(
        doc["cluster"]["inlineManifests"][0]["contents"].as_str(),
        Some(m.as_str())
    );
}

#[test]
fn value_changes_keep_secrets_and_rotation_replaces_them() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(&repo.url, cache.path(), false, ""));
    w.apply();
    let first = manifest(&w);

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        r#"  values = [yamlencode({ greeting = "hi there" })]"#,
    ));
    w.apply();
    let second = manifest(&w);
    assert!(second.contains("greeting: \"hi there\""));
    for key in ["ca.crt", "tls.crt", "tls.key"] {
        assert_eq!(
            secret_field(&first, "server-tls", key),
            secret_field(&second, "server-tls", key),
            "{key} changed with an unrelated value"
        );
    }
    assert_eq!(
        secret_field(&first, "token", "token"),
        secret_field(&second, "token", "token")
    );
    assert_eq!(w.plan_exit_code(), 0);

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        "  values = [yamlencode({ greeting = \"hi there\" })]\n  secrets_generation = 1",
    ));
    w.apply();
    let third = manifest(&w);
    assert_ne!(
        secret_field(&second, "server-tls", "ca.crt"),
        secret_field(&third, "server-tls", "ca.crt")
    );
    assert_ne!(
        secret_field(&second, "token", "token"),
        secret_field(&third, "token", "token")
    );
    assert_eq!(w.plan_exit_code(), 0);
}

#[test]
fn offline_uses_the_cache_and_a_down_repository_is_a_clear_error() {
    let mut repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(&repo.url, cache.path(), false, ""));
    w.apply();
    repo.stop();

    // The exact version is in the cache: no network needed, nothing to change.
    assert_eq!(w.plan_exit_code(), 0);
    w.write(&config(&repo.url, cache.path(), true, ""));
    assert_eq!(w.plan_exit_code(), 0);

    // A version never fetched, with the repository down: an error naming the version and
    // the repository, and the state stays as it was.
    let before = manifest(&w);
    w.write(&config(&repo.url, cache.path(), false, "").replace("0.2.0", "0.3.0"));
    let r = w.tf(&["apply", "-auto-approve", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Cannot fetch chart"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&repo.url[..repo.url.len() - 1]),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("version"), "{}", r.stderr);
    assert_eq!(manifest(&w), before);

    // Offline and not cached: says so.
    let fresh = tempfile::tempdir().unwrap();
    let w2 = Workdir::new(&config(&repo.url, fresh.path(), true, ""));
    let r = w2.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("offline"), "{}", r.stderr);
}

#[test]
fn schema_violations_and_unknown_keys_point_at_values() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(
        &repo.url,
        cache.path(),
        false,
        r#"  values = [yamlencode({ greeting = "x" }), yamlencode({ replicas = "three" })]"#,
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("at '/replicas': got string, want integer"),
        "{}",
        r.stderr
    );

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        r#"  values = [yamlencode({ greetng = "typo" })]"#,
    ));
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(
        r.stdout.contains("Values the chart does not have") && r.stdout.contains("greetng"),
        "{}",
        r.stdout
    );

    // A `--set` expression Helm cannot parse is reported on its own entry.
    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        "  set = [\n    { name = \"greeting\", value = \"ok\" },\n    { name = \"list[-1]\", value = \"1\" },\n  ]",
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Invalid set entry"), "{}", r.stderr);
    assert!(r.stderr.contains("negative -1 index"), "{}", r.stderr);
}

#[test]
fn talos_1_14_gets_the_inline_manifest_document() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(
        &repo.url,
        cache.path(),
        false,
        r#"  talos_version = "v1.14.0""#,
    ));
    let plan = w.plan_json();
    let c = change(&plan, ADDR);
    assert_eq!(c["after"]["format"], "multidoc");
    let patch = c["after"]["patches"][0].as_str().unwrap();
    assert!(
        patch.starts_with(
            "apiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: demo\nmanifest: |"
        ),
        "{patch}"
    );
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(patch).unwrap();
    let m = doc["manifest"].as_str().unwrap();
    assert!(m.starts_with("---\n# Source: secrets/templates/tls-secret.yaml\n"));
    assert!(m.ends_with("image: busybox\n\n"), "{m}");
}

/// The real Cilium chart, when a directory holding `cilium-<version>.tgz` is given in
/// `CILIUM_CHARTS_DIR`: Talos values from `cilium_talos_patch`, Gateway API on (the
/// GatewayClass must be rendered), and SYS_MODULE refused at plan time.
#[test]
fn real_cilium_chart_when_available() {
    let Ok(dir) = std::env::var("CILIUM_CHARTS_DIR") else {
        eprintln!("skipped: set CILIUM_CHARTS_DIR to a directory with cilium-1.18.12.tgz");
        return;
    };
    let tgz = std::path::Path::new(&dir).join("cilium-1.18.12.tgz");
    if !tgz.exists() {
        eprintln!("skipped: {} not found", tgz.display());
        return;
    }
    let body = |extra: &str| {
        format!(
            r#"
resource "cilium_talos_patch" "cp" {{
  talos_version = "v1.13"
  machine_type  = "controlplane"
}}
resource "cilium_inline_manifest" "this" {{
  version       = "1.18.12"
  chart         = "{}"
  talos_version = "v1.13"
  values        = [cilium_talos_patch.cp.helm_values, yamlencode({{ gatewayAPI = {{ enabled = true }} {extra} }})]
}}
"#,
            tgz.display()
        )
    };
    let w = Workdir::new(&body(""));
    let plan = w.plan_json();
    let c = change(&plan, ADDR);
    let objects = c["after"]["objects"].as_array().unwrap();
    assert!(objects.iter().any(|o| o["kind"] == "GatewayClass"));
    assert!(c["after"]["size_bytes"].as_i64().unwrap() > 60_000);

    w.write(&body(
        ", securityContext = { capabilities = { ciliumAgent = [\"SYS_MODULE\"] } }",
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("SYS_MODULE"), "{}", r.stderr);
}

#[test]
fn certificates_are_listed_and_near_expiry_is_reported() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::new(&config(&repo.url, cache.path(), false, ""));
    let plan = w.plan_json();
    let certs = change(&plan, ADDR)["after"]["certificates"].clone();
    let subjects: Vec<&str> = certs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["test-ca", "server.test"]);
    // genCA "test-ca" 1095: valid about three years from now; the leaf 365 days.
    let year = |c: &serde_json::Value| {
        c["not_after"].as_str().unwrap()[..4]
            .parse::<i32>()
            .unwrap()
    };
    assert!(year(&certs[0]) >= year(&certs[1]) + 2, "{certs}");

    // A chart whose leaf certificate lives 10 days: warned about at plan time.
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(!r.stdout.contains("expires soon"), "{}", r.stdout);
    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        "  values = [yamlencode({ leafDays = 10 })]",
    ));
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(
        r.stdout.contains("Generated certificate expires soon") && r.stdout.contains("server.test"),
        "{}",
        r.stdout
    );
}

#[test]
fn delivery_selects_the_size_check() {
    let repo = ChartRepo::serve(&["secrets"]);
    let cache = tempfile::tempdir().unwrap();
    // A manifest of about 40 KB (padding through a value): too big for OCI user data.
    let pad = "x".repeat(40_000);
    let body =
        |delivery: &str| format!("  values = [yamlencode({{ greeting = \"{pad}\" }})]\n{delivery}");
    let w = Workdir::new(&config(&repo.url, cache.path(), false, &body("")));
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(
        r.stdout
            .contains("Patch too large for Oracle Cloud instance user data"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Set `delivery`"), "{}", r.stdout);

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        &body("  delivery = \"talos_api\""),
    ));
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(!r.stdout.contains("Patch too large"), "{}", r.stdout);

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        &body("  delivery = \"oci_user_data\""),
    ));
    w.apply();
    // with delivery set, the warning comes at every plan, not only at creation
    let r = w.tf(&["plan", "-no-color"]).ok();
    assert!(
        r.stdout.contains("Patch too large for Oracle Cloud"),
        "{}",
        r.stdout
    );

    w.write(&config(
        &repo.url,
        cache.path(),
        false,
        &body("  delivery = \"floppy\""),
    ));
    let r = w.tf(&["plan", "-no-color"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Unknown delivery"), "{}", r.stderr);
}

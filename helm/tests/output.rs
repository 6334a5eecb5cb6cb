//! Output assembly. Split expectations computed with the regex Helm uses
//! (`(?:^|\s*\n)---\s*`); ordering rules from Helm v4.2.3's `SortManifests`.

use std::collections::BTreeMap;

use helm::output::{AssembleOptions, assemble, show_only, sort_manifests, split_manifests};

#[test]
fn split_matches_helm_regex() {
    let cases: &[(&str, &[&str])] = &[
        ("a: 1\n---\nb: 2\n", &["a: 1", "b: 2\n"]),
        ("---\na: 1\n", &["a: 1\n"]),
        (
            "---apiVersion: v1\nkind: X\n",
            &["apiVersion: v1\nkind: X\n"],
        ),
        ("a\n---\n---\nb\n", &["a", "---\nb\n"]),
        ("a\n  \n---  \n\n b\n", &["a", "b\n"]),
        ("# only comment\n", &["# only comment\n"]),
        ("   \n\n", &[]),
        ("a\n---b\n---\n", &["a", "b"]),
        ("x: |+\n  t\n\n\n---\ny\n", &["x: |+\n  t", "y\n"]),
        ("a---b\n---\nc", &["a---b", "c"]),
    ];
    for (input, want) in cases {
        assert_eq!(split_manifests(input), *want, "{input:?}");
    }
}

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect()
}

const HOOK: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install,post-upgrade\n";
const TEST_HOOK: &str =
    "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test-success\n";
const BAD_HOOK: &str =
    "kind: Pod\nmetadata:\n  name: b\n  annotations:\n    helm.sh/hook: post-install,bogus\n";

fn sample() -> BTreeMap<String, String> {
    files(&[
        (
            "c/templates/a.yaml",
            "kind: Deployment\nmetadata:\n  name: d\n---\nkind: GatewayClass\nmetadata:\n  name: g\n",
        ),
        (
            "c/templates/b.yaml",
            "kind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: ns\n\n---\n# just a comment\n",
        ),
        (
            "c/templates/c.yaml",
            "kind: Zeta\n---\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        ),
        ("c/templates/hook.yaml", HOOK),
        ("c/templates/test.yaml", TEST_HOOK),
        ("c/templates/bad.yaml", BAD_HOOK),
        ("c/templates/empty.yaml", " \n\n"),
        ("c/templates/_p.tpl", "kind: Secret\n"),
        (
            "c/templates/vwc.yaml",
            "kind: ValidatingWebhookConfiguration\n---\nkind: MutatingWebhookConfiguration\n",
        ),
    ])
}

#[test]
fn sort_by_kind_with_unknown_last() {
    let (hooks, generic) = sort_manifests(&sample()).unwrap();
    let kinds: Vec<_> = generic.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ServiceAccount",
            "ConfigMap",
            "Deployment",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "",
            "GatewayClass",
            "Zeta"
        ]
    );
    assert_eq!(generic[0].namespace, "ns");
    assert_eq!(hooks.len(), 2);
    // Hooks sort by kind too: Pod before Job.
    assert_eq!(hooks[0].hook_events, ["test"]);
    assert_eq!(hooks[1].hook_events, ["post-install", "post-upgrade"]);
}

#[test]
fn assemble_format() {
    let (out, listed) = assemble(&[], &sample(), &AssembleOptions::default()).unwrap();
    assert!(out.starts_with(
        "---\n# Source: c/templates/b.yaml\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: ns\n---\n# Source: c/templates/c.yaml\nkind: ConfigMap\n"
    ));
    // v4 keeps each document's trailing whitespace; the manifest part is trimmed, then hooks.
    assert!(out.contains(
        "# Source: c/templates/c.yaml\nkind: Zeta\n---\n# Source: c/templates/test.yaml\n"
    ));
    assert!(out.ends_with("helm.sh/hook: post-install,post-upgrade\n\n"));
    assert!(!out.contains("bogus"));
    assert_eq!(listed.len(), 10);

    let opts = AssembleOptions {
        no_hooks: true,
        ..Default::default()
    };
    let (out, _) = assemble(&[], &sample(), &opts).unwrap();
    assert!(!out.contains("hook.yaml") && out.ends_with("kind: Zeta\n"));

    let opts = AssembleOptions {
        skip_tests: true,
        ..Default::default()
    };
    let (out, _) = assemble(&[], &sample(), &opts).unwrap();
    assert!(out.contains("hook.yaml") && !out.contains("test.yaml"));
}

#[test]
fn crds_first() {
    let crds = vec![(
        "c/crds/x.yaml".to_string(),
        "kind: CustomResourceDefinition\n".to_string(),
    )];
    let (out, _) = assemble(&crds, &sample(), &AssembleOptions::default()).unwrap();
    assert!(
        out.starts_with("---\n# Source: c/crds/x.yaml\nkind: CustomResourceDefinition\n\n---\n")
    );
}

#[test]
fn show_only_filters_and_errors() {
    let (out, _) = assemble(&[], &sample(), &AssembleOptions::default()).unwrap();
    let s = show_only(&out, &["templates/c.yaml".into()]).unwrap();
    assert_eq!(
        s,
        "---\n# Source: c/templates/c.yaml\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n# Source: c/templates/c.yaml\nkind: Zeta\n"
    );
    let s = show_only(&out, &["templates/[ab].yaml".into()]).unwrap();
    assert_eq!(s.matches("# Source:").count(), 4);
    assert_eq!(
        show_only(&out, &["templates/nope.yaml".into()]).unwrap_err(),
        "could not find template templates/nope.yaml in chart"
    );
}

#[test]
fn yaml_error_names_file() {
    let f = files(&[("c/templates/x.yaml", "a: [\n")]);
    let e = sort_manifests(&f).unwrap_err();
    assert!(
        e.starts_with("YAML parse error on c/templates/x.yaml: "),
        "{e}"
    );
}

/// Documents are parsed on several threads when there is enough text; the error is still
/// the first bad document in output order.
#[test]
fn first_yaml_error_in_order_with_many_documents() {
    let good = format!(
        "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"{}\"\n",
        "y".repeat(2000)
    );
    let mut entries: Vec<(String, String)> = (0..60)
        .map(|i| (format!("c/templates/f{i:02}.yaml"), good.clone()))
        .collect();
    entries[41].1 = "a: [\n".into();
    entries[52].1 = "b: {\n".into();
    let sort = |entries: &[(String, String)]| {
        let refs: Vec<(&str, &str)> = entries
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        sort_manifests(&files(&refs))
    };
    let e = sort(&entries).unwrap_err();
    assert!(
        e.starts_with("YAML parse error on c/templates/f41.yaml: "),
        "{e}"
    );
    entries[41].1 = good.clone();
    let e = sort(&entries).unwrap_err();
    assert!(
        e.starts_with("YAML parse error on c/templates/f52.yaml: "),
        "{e}"
    );
    entries[52].1 = good.clone();
    let (_, generic) = sort(&entries).unwrap();
    let paths: Vec<&str> = generic.iter().map(|m| m.path.as_str()).collect();
    let want: Vec<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, want, "order kept");
}

//! Checks the generated patches against the machine configs that each Talos
//! version generates (../shared/data) and against Talos' config JSON schema.

mod common;

use common::*;
use serde_json::{Value, json};
use talos_cilium::facts;
use talos_cilium::patch::{EmittedFormat, MachineType, PatchInput, generate};
use talos_cilium::version::TalosVersion;

const MACHINES: &[(MachineType, &str)] = &[
    (MachineType::ControlPlane, "controlplane"),
    (MachineType::Worker, "worker"),
];

fn variants(version: &str, mt: MachineType) -> Vec<PatchInput> {
    let base = PatchInput::new(version, mt);
    let mut out = vec![base.clone()];
    let mut v = base.clone();
    v.kube_proxy_replacement = false;
    out.push(v);
    let mut v = base.clone();
    v.kubeprism_enabled = false;
    v.cluster_endpoint = Some("https://base:6443".into());
    out.push(v);
    let mut v = base.clone();
    v.kubeprism_port = 7446;
    v.pod_subnets = vec!["10.42.0.0/16".into(), "FC00:DB8:10::/56".into()];
    v.service_subnets = vec!["10.43.0.0/16".into(), "fc00:db8:20::/112".into()];
    v.cilium_version = Some("1.19.6".into());
    out.push(v);
    out
}

#[test]
fn schema_checker_accepts_generated_configs_and_rejects_broken_ones() {
    let Some(data) = data_dir() else { return };
    let schema = Schema::load(&data);
    for v in ["v1.14", "v1.15"] {
        for (_, m) in MACHINES {
            for prefix in ["base", "overrides"] {
                for doc in load_config(&data, v, &format!("{prefix}-{m}.yaml")) {
                    if schema.def_for(&doc).is_none() {
                        // The overrides use `UnattendedInstallConfig`, which this
                        // schema names `UnattendedInstall`; not a kind we touch.
                        let kind = kind_of(&doc).map(|(_, k)| k.to_string());
                        assert_eq!(
                            kind.as_deref(),
                            Some("UnattendedInstallConfig"),
                            "{v} {prefix}-{m}"
                        );
                        continue;
                    }
                    let errs = schema.validate_doc(&doc);
                    if is_v1alpha1(&doc) {
                        // `persist` is deprecated (undocumented) but still generated.
                        assert_eq!(
                            errs,
                            vec!["v1alpha1.persist: unknown key".to_string()],
                            "{v} {prefix}-{m}"
                        );
                    } else {
                        assert!(errs.is_empty(), "{v} {prefix}-{m}: {errs:#?}");
                    }
                }
            }
        }
    }
    // The checker must be able to fail.
    for bad in [
        json!({"apiVersion": "v1alpha1", "kind": "KubePrismConfig"}),
        json!({"apiVersion": "v1alpha1", "kind": "KubePrismConfig", "port": "7445"}),
        json!({"apiVersion": "v1alpha1", "kind": "KubePrismConfig", "port": 7445, "enabled": true}),
        json!({"apiVersion": "v1alpha1", "kind": "KubeNetworkConfig", "podSubnets": ["10.0.0.0"], "serviceSubnets": []}),
        json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig", "enabled": false}),
        json!({"version": "v1alpha1", "machine": {"network": {"cni": {"name": "none"}}}}),
        json!({"version": "v1alpha1", "cluster": {"proxy": {"disabled": "yes"}}}),
    ] {
        assert!(!schema.validate_doc(&bad).is_empty(), "accepted {bad}");
    }
}

#[test]
fn legacy_fields_are_not_in_the_multidoc_schema() {
    // Talos 1.14 deprecated cluster.network, cluster.proxy and
    // machine.features.kubePrism (still parsed, but undocumented), so its
    // schema rejects them: legacy patches are only for <= 1.13 contracts.
    let Some(data) = data_dir() else { return };
    let schema = Schema::load(&data);
    let out = generate(&PatchInput::new("v1.13", MachineType::ControlPlane)).unwrap();
    let doc = &yaml_docs(&out.patches[0])[0];
    let errs = schema.validate_doc(doc);
    for key in [
        "cluster.network",
        "cluster.proxy",
        "machine.features.kubePrism",
    ] {
        assert!(
            errs.iter()
                .any(|e| e.contains(&format!("{key}: unknown key"))),
            "{key}: {errs:#?}"
        );
    }
    for v in ["v1.14", "v1.15"] {
        for (_, m) in MACHINES {
            let docs = load_config(&data, v, &format!("base-{m}.yaml"));
            let c = docs.iter().find(|d| is_v1alpha1(d)).unwrap();
            for key in [
                "cluster.network",
                "cluster.proxy",
                "machine.features.kubePrism",
            ] {
                assert!(at(c, key).is_none(), "{v} {m}: {key} generated");
            }
        }
    }
}

#[test]
fn auto_format_matches_what_each_talos_version_generates() {
    let Some(data) = data_dir() else { return };
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        for (mt, m) in MACHINES {
            let docs = load_config(&data, v, &format!("base-{m}.yaml"));
            let generated_multidoc = docs
                .iter()
                .any(|d| kind_of(d) == Some(("v1alpha1", "KubeNetworkConfig")));
            assert_eq!(
                facts::talos_multidoc_kube_config(&tv),
                generated_multidoc,
                "{v} {m}"
            );
            let out = generate(&PatchInput::new(*v, *mt)).unwrap();
            let expect = if generated_multidoc {
                EmittedFormat::MultiDocument
            } else {
                EmittedFormat::Legacy
            };
            assert_eq!(out.summary.format, expect, "{v} {m}");
        }
    }
}

#[test]
fn defaults_match_generated_configs() {
    let Some(data) = data_dir() else { return };
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        for (_, m) in MACHINES {
            let docs = load_config(&data, v, &format!("base-{m}.yaml"));
            let (pods, services, prism) = if facts::talos_multidoc_kube_config(&tv) {
                let net = docs
                    .iter()
                    .find(|d| kind_of(d) == Some(("v1alpha1", "KubeNetworkConfig")))
                    .unwrap();
                let prism = docs
                    .iter()
                    .find(|d| kind_of(d) == Some(("v1alpha1", "KubePrismConfig")))
                    .map(|d| json!({"enabled": true, "port": d["port"]}));
                (
                    net["podSubnets"].clone(),
                    net["serviceSubnets"].clone(),
                    prism,
                )
            } else {
                let c = docs.iter().find(|d| is_v1alpha1(d)).unwrap();
                (
                    at(c, "cluster.network.podSubnets").cloned().unwrap(),
                    at(c, "cluster.network.serviceSubnets").cloned().unwrap(),
                    at(c, "machine.features.kubePrism").cloned(),
                )
            };
            assert_eq!(pods, json!([facts::DEFAULT_POD_SUBNET]), "{v} {m}");
            assert_eq!(services, json!([facts::DEFAULT_SERVICE_SUBNET]), "{v} {m}");
            if facts::talos_kubeprism_default_on(&tv) {
                assert_eq!(
                    prism,
                    Some(json!({"enabled": true, "port": facts::DEFAULT_KUBEPRISM_PORT})),
                    "{v} {m}"
                );
            } else {
                assert_eq!(prism, None, "{v} {m}: KubePrism is opt-in before 1.6");
            }
        }
    }
}

#[test]
fn legacy_fields_exist_where_the_patch_writes_them() {
    let Some(data) = data_dir() else { return };
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        if facts::talos_multidoc_kube_config(&tv) {
            continue;
        }
        let cp = load_config(&data, v, "base-controlplane.yaml");
        let c = cp.iter().find(|d| is_v1alpha1(d)).unwrap();
        assert!(
            at(c, "cluster.network").is_some_and(Value::is_object),
            "{v}"
        );
        assert!(
            at(c, "cluster.proxy").is_some_and(Value::is_object),
            "{v}: cluster.proxy on controlplane"
        );
        assert!(
            at(c, "machine.features").is_some_and(Value::is_object),
            "{v}"
        );
        let w = load_config(&data, v, "base-worker.yaml");
        let c = w.iter().find(|d| is_v1alpha1(d)).unwrap();
        assert!(
            at(c, "cluster.network").is_some_and(Value::is_object),
            "{v} worker"
        );
    }
}

#[test]
fn multidoc_kinds_exist_with_same_api_version() {
    let Some(data) = data_dir() else { return };
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        if !facts::talos_multidoc_kube_config(&tv) {
            continue;
        }
        let cp = load_config(&data, v, "base-controlplane.yaml");
        let worker = load_config(&data, v, "base-worker.yaml");
        for k in [
            facts::KUBE_FLANNEL_CNI_CONFIG,
            facts::KUBE_PROXY_CONFIG,
            facts::KUBE_PRISM_CONFIG,
            facts::KUBE_NETWORK_CONFIG,
        ] {
            assert!(
                cp.iter()
                    .any(|d| kind_of(d) == Some((k.api_version, k.kind))),
                "{v}: {} missing in generated controlplane config",
                k.kind
            );
            let in_worker = worker
                .iter()
                .any(|d| kind_of(d) == Some((k.api_version, k.kind)));
            assert_eq!(
                in_worker, !k.controlplane_only,
                "{v}: {} in worker config",
                k.kind
            );
        }
        for (mt, m) in MACHINES {
            let base = if *mt == MachineType::ControlPlane {
                &cp
            } else {
                &worker
            };
            let out = generate(&PatchInput::new(*v, *mt)).unwrap();
            for p in &out.patches {
                let docs = yaml_docs(p);
                assert_eq!(docs.len(), 1, "one document per patch entry");
                let (a, k) = kind_of(&docs[0]).unwrap();
                assert!(
                    base.iter().any(|d| kind_of(d) == Some((a, k))),
                    "{v} {m}: {k} not generated by Talos"
                );
            }
        }
    }
}

#[test]
fn patched_configs_validate_against_schema_and_have_the_intended_effect() {
    let Some(data) = data_dir() else { return };
    let schema = Schema::load(&data);
    let mut checked = 0;
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        for (mt, m) in MACHINES {
            for prefix in ["base", "overrides"] {
                let config = load_config(&data, v, &format!("{prefix}-{m}.yaml"));
                for input in variants(v, *mt) {
                    let out = generate(&input).unwrap_or_else(|p| panic!("{v} {m}: {p:#?}"));
                    let patch_docs: Vec<Value> =
                        out.patches.iter().flat_map(|p| yaml_docs(p)).collect();
                    let merged = apply(&config, &patch_docs);
                    let ctx = format!("{v} {prefix}-{m} {input:?}");
                    // The schema (Talos 1.14+/main) describes the multi-document
                    // format only; see legacy_fields_are_not_in_the_multidoc_schema.
                    // Every kinded document of the result is valid, and the
                    // patch adds no schema error to the v1alpha1 document. The
                    // schema describes the 1.14+ format only (see
                    // legacy_fields_are_not_in_the_multidoc_schema).
                    if !facts::talos_multidoc_kube_config(&tv) {
                        let values = &yaml_docs(&out.helm_values)[0];
                        check_effect(&tv, *mt, &input, &merged, values, &ctx);
                        checked += 1;
                        continue;
                    }
                    let before: Vec<String> = config
                        .iter()
                        .filter(|d| is_v1alpha1(d))
                        .flat_map(|d| schema.validate_doc(d))
                        .collect();
                    for d in &merged {
                        if schema.def_for(d).is_none() {
                            continue; // UnattendedInstallConfig, see above
                        }
                        let errs = schema.validate_doc(d);
                        if is_v1alpha1(d) {
                            let new: Vec<_> = errs.iter().filter(|e| !before.contains(e)).collect();
                            assert!(new.is_empty(), "{ctx}: {new:#?}");
                        } else {
                            assert!(errs.is_empty(), "{ctx}: {errs:#?}");
                        }
                    }
                    let values = &yaml_docs(&out.helm_values)[0];
                    check_effect(&tv, *mt, &input, &merged, values, &ctx);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, VERSIONS.len() * 2 * 2 * 4);
}

fn expected_subnets(list: &[String]) -> Value {
    // Talos' schema pattern only admits lowercase hex: our output is normalised.
    Value::Array(
        list.iter()
            .map(|s| Value::String(s.to_lowercase()))
            .collect(),
    )
}

fn check_effect(
    tv: &TalosVersion,
    mt: MachineType,
    input: &PatchInput,
    merged: &[Value],
    values: &Value,
    ctx: &str,
) {
    let cp = mt == MachineType::ControlPlane;
    let prism_port = if facts::talos_multidoc_kube_config(tv) {
        assert!(
            merged
                .iter()
                .filter(|d| is_v1alpha1(d))
                .all(|d| at(d, "cluster.proxy.disabled").is_none()),
            "{ctx}"
        );
        let find = |k: &str| merged.iter().find(|d| kind_of(d) == Some(("v1alpha1", k)));
        assert!(
            find("KubeFlannelCNIConfig").is_none(),
            "{ctx}: flannel must be gone"
        );
        match find("KubeProxyConfig") {
            Some(p) => {
                assert!(cp, "{ctx}");
                if input.kube_proxy_replacement {
                    assert_eq!(p["enabled"], json!(false), "{ctx}");
                } else {
                    assert!(
                        p.get("enabled").is_none(),
                        "{ctx}: untouched when KPR is off"
                    );
                }
                assert!(p["image"].is_string(), "{ctx}: merged, not replaced");
            }
            None => assert!(!cp, "{ctx}: KubeProxyConfig must never be deleted"),
        }
        let net = find("KubeNetworkConfig").expect("network config");
        assert_eq!(
            net["podSubnets"],
            expected_subnets(&input.pod_subnets),
            "{ctx}"
        );
        assert_eq!(
            net["serviceSubnets"],
            expected_subnets(&input.service_subnets),
            "{ctx}"
        );
        find("KubePrismConfig").map(|d| d["port"].clone())
    } else {
        let c = merged.iter().find(|d| is_v1alpha1(d)).unwrap();
        assert_eq!(
            at(c, "cluster.network.cni.name"),
            Some(&json!("none")),
            "{ctx}"
        );
        let proxy_disabled = at(c, "cluster.proxy.disabled") == Some(&json!(true));
        assert_eq!(proxy_disabled, cp && input.kube_proxy_replacement, "{ctx}");
        assert!(
            at(c, "machine.network.cni").is_none(),
            "{ctx}: machine.network.cni does not exist"
        );
        assert_eq!(
            at(c, "cluster.network.podSubnets"),
            Some(&expected_subnets(&input.pod_subnets)),
            "{ctx}"
        );
        assert_eq!(
            at(c, "cluster.network.serviceSubnets"),
            Some(&expected_subnets(&input.service_subnets)),
            "{ctx}"
        );
        let prism = at(c, "machine.features.kubePrism")
            .cloned()
            .unwrap_or(json!({}));
        (prism["enabled"] == json!(true)).then(|| prism["port"].clone())
    };
    // KubePrism state in the merged Talos config agrees with the input ...
    assert_eq!(
        prism_port,
        input.kubeprism_enabled.then(|| json!(input.kubeprism_port)),
        "{ctx}"
    );
    // ... and the Cilium values point at the same place.
    assert_eq!(
        values["kubeProxyReplacement"],
        json!(input.kube_proxy_replacement),
        "{ctx}"
    );
    assert_eq!(values["ipam"]["mode"], json!("kubernetes"), "{ctx}");
    match prism_port {
        Some(port) => {
            assert_eq!(values["k8sServiceHost"], json!("localhost"), "{ctx}");
            assert_eq!(values["k8sServicePort"], port, "{ctx}");
        }
        None => {
            assert_eq!(values["k8sServiceHost"], json!("base"), "{ctx}");
            assert_eq!(values["k8sServicePort"], json!(6443), "{ctx}");
        }
    }
}

#[test]
fn forward_kube_dns_default_matches_generated_configs() {
    // The bpf-masquerade-forward-kube-dns rule relies on this fact and on
    // where the setting lives in each format.
    let Some(data) = data_dir() else { return };
    for v in VERSIONS {
        let tv = TalosVersion::parse(v).unwrap();
        let docs = load_config(&data, v, "base-controlplane.yaml");
        let value = if facts::talos_multidoc_kube_config(&tv) {
            docs.iter()
                .find(|d| kind_of(d) == Some(("v1alpha1", "ResolverConfig")))
                .and_then(|d| at(d, "hostDNS.forwardKubeDNSToHost"))
                .cloned()
        } else {
            let c = docs.iter().find(|d| is_v1alpha1(d)).unwrap();
            at(c, "machine.features.hostDNS.forwardKubeDNSToHost").cloned()
        };
        let on = value == Some(json!(true));
        assert_eq!(
            on,
            facts::talos_forward_kube_dns_default_on(&tv),
            "{v}: {value:?}"
        );
    }
}

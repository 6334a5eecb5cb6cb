//! Checks the generated patches against the machine configurations Talos
//! itself generated for each version contract (../shared/data, not part of
//! this repository): every document kind we patch or delete must exist in
//! Talos' own config with the same apiVersion, and every legacy field we set
//! must sit at a path Talos uses.

use std::path::PathBuf;

use serde_yaml_ng::Value as Y;
use talos_cilium::{PatchInput, build};

fn data_dir() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/talos-machine-configs");
    d.is_dir().then_some(d)
}

fn load_docs(path: &PathBuf) -> Vec<Y> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml_ng::Deserializer::from_str(&text).map(|d| serde::Deserialize::deserialize(d).unwrap()).collect()
}

const VERSIONS: &[&str] = &["1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.14", "1.15"];

#[test]
fn patches_fit_what_talos_generates() {
    let Some(dir) = data_dir() else {
        eprintln!("skipped: ../shared/data not found (the machine configs Talos generated are needed)");
        return;
    };
    let mut checked = 0;
    for v in VERSIONS {
        for machine in ["controlplane", "worker"] {
            let base = load_docs(&dir.join(format!("v{v}/base-{machine}.yaml")));
            let out = build(&PatchInput {
                talos_version: format!("v{v}"),
                machine_type: machine.into(),
                ..Default::default()
            })
            .unwrap_or_else(|p| panic!("v{v} {machine}: {p:?}"));
            let patches: Vec<Y> = out.patches.iter().map(|p| serde_yaml_ng::from_str(p).unwrap()).collect();
            if out.format == "multidoc" {
                for p in &patches {
                    let kind = p["kind"].as_str().unwrap();
                    let found = base.iter().find(|d| d["kind"].as_str() == Some(kind));
                    let found = found.unwrap_or_else(|| panic!("v{v} {machine}: Talos generates no {kind} document"));
                    assert_eq!(found["apiVersion"], p["apiVersion"], "v{v} {kind}");
                    // the generated config must not carry the legacy fields we would conflict with
                    assert!(base[0]["cluster"].get("network").is_none(), "v{v}: legacy cluster.network present");
                }
            } else {
                let v1 = &base[0];
                let p = &patches[0];
                // cluster.network exists and holds the subnets we set
                assert!(v1["cluster"]["network"]["podSubnets"].is_sequence(), "v{v} {machine}");
                assert_eq!(
                    p["cluster"]["network"]["podSubnets"], v1["cluster"]["network"]["podSubnets"],
                    "default pod subnet, v{v}"
                );
                assert_eq!(
                    p["cluster"]["network"]["serviceSubnets"], v1["cluster"]["network"]["serviceSubnets"],
                    "default service subnet, v{v}"
                );
                if machine == "controlplane" {
                    assert!(v1["cluster"]["proxy"].is_mapping(), "v{v}: Talos configures kube-proxy on control planes");
                }
                // from 1.6 Talos generates KubePrism on port 7445, which our default matches
                if *v != "1.5" {
                    assert_eq!(v1["machine"]["features"]["kubePrism"], p["machine"]["features"]["kubePrism"], "v{v}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, VERSIONS.len() * 2);
}

#[test]
fn multidoc_patches_match_the_talos_schema_kinds() {
    let Some(dir) = data_dir() else {
        eprintln!("skipped: ../shared/data not found");
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("../talos-config.schema.json")).unwrap()).unwrap();
    let defs = schema.get("$defs").or_else(|| schema.get("definitions")).expect("schema definitions");
    let text = schema.to_string();
    let out = build(&PatchInput { talos_version: "1.14.0".into(), ..Default::default() }).unwrap();
    for p in &out.patches {
        let doc: Y = serde_yaml_ng::from_str(p).unwrap();
        let kind = doc["kind"].as_str().unwrap();
        assert!(text.contains(&format!("\"{kind}\"")), "{kind} not in the Talos schema");
        // every field we set (except the patch directive) is a property of that kind in the schema
        let def = defs.as_object().unwrap().values().find(|d| {
            d.pointer("/properties/kind/enum").and_then(|e| e.as_array()).is_some_and(|e| e.iter().any(|k| k == kind))
        });
        let def = def.unwrap_or_else(|| panic!("no schema definition for {kind}"));
        for key in doc.as_mapping().unwrap().keys() {
            let key = key.as_str().unwrap();
            if key == "$patch" {
                continue;
            }
            assert!(def["properties"].get(key).is_some(), "{kind}.{key} is not in the Talos schema");
        }
    }
}

//! A Talos machine configuration as the rules read it: its YAML documents as
//! JSON data (the caller parses YAML; this crate has no YAML engine) and the
//! machine type.
//!
//! Talos configurations are multi-document: the `v1alpha1` document (no
//! `kind`, `version: v1alpha1`) plus kinded documents (`HostnameConfig`, and
//! from the 1.14 version contract the `Kube*Config` kinds that replace the
//! `cluster.*` fields).
//! Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/contract.go>
//! (MultidocKubernetesConfigSupported: contract > 1.13) and facts.md §2.

use serde_json::Value;

use crate::patch::MachineType;
use crate::version::KubernetesVersion;

/// One machine configuration: its documents in order and its machine type
/// (`machine.type` of the v1alpha1 document; `init` counts as control plane).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineConfig {
    pub machine_type: Option<MachineType>,
    pub documents: Vec<Value>,
}

/// How a control-plane configuration leaves kube-proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeProxyState {
    /// `KubeProxyConfig` `enabled: false`, or legacy `cluster.proxy.disabled: true`.
    Disabled,
    /// Legacy format without `cluster.proxy.disabled: true`: deployed.
    EnabledLegacy,
    /// A `KubeProxyConfig` document that does not set `enabled: false`
    /// (`enabled` defaults to true).
    EnabledDocument,
    /// A `KubeProxyConfig` `$patch: delete` document is in the configuration.
    DeleteDocument,
    /// A multi-document (1.14 contract) configuration without
    /// `KubeProxyConfig`: Talos falls back to the legacy default, which
    /// deploys kube-proxy.
    MissingDocument,
}

impl KubeProxyState {
    /// kube-proxy runs in the cluster.
    /// Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/proxy.go>
    /// (nil enabled ⇒ true) and v1alpha1_proxyconfig.go (`!Disabled`), facts.md §2.2.
    pub fn deployed(self) -> bool {
        self != KubeProxyState::Disabled
    }
}

/// Kinds of the multi-document Kubernetes configuration (Talos 1.14+); any of
/// them marks a configuration generated with the 1.14 contract.
/// Source: <https://github.com/siderolabs/talos/tree/v1.14.0-rc.1/pkg/machinery/config/types/k8s> (facts.md §2.1).
pub fn is_kube_kind(kind: &str) -> bool {
    kind.starts_with("Kube") && kind.ends_with("Config")
}

/// `$patch: delete` document.
pub fn is_delete(doc: &Value) -> bool {
    doc.get("$patch").and_then(Value::as_str) == Some("delete")
}

impl MachineConfig {
    /// Builds the configuration from its documents; the machine type is read
    /// from `machine.type`.
    pub fn from_documents(documents: Vec<Value>) -> MachineConfig {
        let documents: Vec<Value> = documents.into_iter().filter(|d| !d.is_null()).collect();
        let machine_type = documents
            .iter()
            .find(|d| is_v1alpha1(d))
            .and_then(|d| d.pointer("/machine/type"))
            .and_then(Value::as_str)
            .and_then(MachineType::parse);
        MachineConfig {
            machine_type,
            documents,
        }
    }

    pub fn is_controlplane(&self) -> bool {
        self.machine_type == Some(MachineType::ControlPlane)
    }

    pub fn is_worker(&self) -> bool {
        self.machine_type == Some(MachineType::Worker)
    }

    /// The v1alpha1 document (the one without `kind`).
    pub fn v1alpha1(&self) -> Option<&Value> {
        self.documents.iter().find(|d| is_v1alpha1(d))
    }

    /// A value in the v1alpha1 document by JSON pointer (`/cluster/proxy`).
    pub fn legacy(&self, pointer: &str) -> Option<&Value> {
        self.v1alpha1()?.pointer(pointer).filter(|v| !v.is_null())
    }

    /// Documents of `kind`, with their index, `$patch: delete` ones included.
    pub fn kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (usize, &'a Value)> + 'a {
        self.documents
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.get("kind").and_then(Value::as_str) == Some(kind))
    }

    /// Documents of `kind` that are not `$patch: delete`.
    pub fn present<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (usize, &'a Value)> + 'a {
        self.kind(kind).filter(|(_, d)| !is_delete(d))
    }

    /// The configuration uses the multi-document Kubernetes kinds (1.14 contract).
    pub fn is_multidoc(&self) -> bool {
        self.documents.iter().any(|d| {
            !is_delete(d)
                && d.get("kind")
                    .and_then(Value::as_str)
                    .is_some_and(is_kube_kind)
        })
    }

    /// kube-proxy as this configuration deploys it (meaningful on control
    /// planes, which deploy it). See [`KubeProxyState`].
    pub fn kube_proxy(&self) -> KubeProxyState {
        if let Some((_, d)) = self.present("KubeProxyConfig").next() {
            return if is_false(d.get("enabled")) {
                KubeProxyState::Disabled
            } else {
                KubeProxyState::EnabledDocument
            };
        }
        // Without the document Talos uses the legacy field.
        if is_true(self.legacy("/cluster/proxy/disabled")) {
            return KubeProxyState::Disabled;
        }
        if self.kind("KubeProxyConfig").any(|(_, d)| is_delete(d)) {
            return KubeProxyState::DeleteDocument;
        }
        if self.is_multidoc() {
            KubeProxyState::MissingDocument
        } else {
            KubeProxyState::EnabledLegacy
        }
    }

    /// Kubernetes version of the kubelet image (`machine.kubelet.image`, or
    /// `KubeletConfig.image` from 1.14), e.g. `ghcr.io/siderolabs/kubelet:v1.28.0`.
    pub fn kubernetes_version(&self) -> Option<KubernetesVersion> {
        let image = self
            .present("KubeletConfig")
            .find_map(|(_, d)| d.get("image").and_then(Value::as_str))
            .or_else(|| {
                self.legacy("/machine/kubelet/image")
                    .and_then(Value::as_str)
            })?;
        let tag = image.rsplit_once(':')?.1;
        KubernetesVersion::parse(tag).ok()
    }
}

/// A document without `kind` is the v1alpha1 document.
pub fn is_v1alpha1(doc: &Value) -> bool {
    doc.is_object() && doc.get("kind").is_none()
}

fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true))) || v.and_then(Value::as_str) == Some("true")
}

fn is_false(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(false))) || v.and_then(Value::as_str) == Some("false")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(docs: Vec<Value>) -> MachineConfig {
        MachineConfig::from_documents(docs)
    }

    #[test]
    fn machine_type_and_kube_proxy_states() {
        let legacy = cfg(vec![
            json!({"version": "v1alpha1", "machine": {"type": "init"}, "cluster": {}}),
        ]);
        assert!(legacy.is_controlplane());
        assert_eq!(legacy.kube_proxy(), KubeProxyState::EnabledLegacy);
        let off = cfg(vec![
            json!({"machine": {"type": "controlplane"}, "cluster": {"proxy": {"disabled": true}}}),
        ]);
        assert_eq!(off.kube_proxy(), KubeProxyState::Disabled);
        let multi = cfg(vec![
            json!({"machine": {"type": "controlplane"}}),
            json!({"apiVersion": "v1alpha1", "kind": "KubeNetworkConfig"}),
        ]);
        assert!(multi.is_multidoc());
        assert_eq!(multi.kube_proxy(), KubeProxyState::MissingDocument);
        let mut doc = multi.clone();
        doc.documents
            .push(json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig"}));
        assert_eq!(doc.kube_proxy(), KubeProxyState::EnabledDocument);
        doc.documents[2]["enabled"] = json!(false);
        assert_eq!(doc.kube_proxy(), KubeProxyState::Disabled);
        doc.documents[2] =
            json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig", "$patch": "delete"});
        assert_eq!(doc.kube_proxy(), KubeProxyState::DeleteDocument);
        assert!(cfg(vec![json!({"machine": {"type": "worker"}})]).is_worker());
        assert_eq!(cfg(vec![json!({})]).machine_type, None);
    }

    #[test]
    fn kubernetes_version_from_kubelet_image() {
        let legacy = cfg(vec![
            json!({"machine": {"kubelet": {"image": "ghcr.io/siderolabs/kubelet:v1.28.0"}}}),
        ]);
        assert_eq!(legacy.kubernetes_version().unwrap().minor_key(), (1, 28));
        let multi = cfg(vec![
            json!({"machine": {}}),
            json!({"kind": "KubeletConfig", "image": "ghcr.io/siderolabs/kubelet:v1.36.3"}),
        ]);
        assert_eq!(multi.kubernetes_version().unwrap().minor_key(), (1, 36));
        assert!(cfg(vec![json!({})]).kubernetes_version().is_none());
    }
}

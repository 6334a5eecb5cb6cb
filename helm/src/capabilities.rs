//! `.Capabilities` and `.Release` data for `helm template` (Helm v4.2.3 defaults) and the
//! chart `kubeVersion` check.

use goyaml::{Map, Yaml};

use crate::chart::Metadata;
use sprig::semver::{Constraints, Version};

/// Helm v4.2.3's default Kubernetes version (client-go minor + 1).
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// Helm v4.2.3's default `.Capabilities.APIVersions`, in its order (measured).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix added when missing (`1.20` → `v1.20`).
    pub version: String,
    pub major: String,
    pub minor: String,
    /// `v<major>.<minor>.<patch>`: what the chart's `kubeVersion` is checked against.
    pub normalized: String,
}

impl KubeVersion {
    /// Parse a `--kube-version` value.
    pub fn parse(input: &str) -> Result<KubeVersion, String> {
        let v =
            Version::parse(input).map_err(|_| format!("could not parse {input:?} as version"))?;
        let version = if input.starts_with('v') {
            input.to_string()
        } else {
            format!("v{input}")
        };
        Ok(KubeVersion {
            version,
            major: v.major.to_string(),
            minor: v.minor.to_string(),
            normalized: format!("v{}.{}.{}", v.major, v.minor, v.patch),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "36".into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
        }
    }
}

/// `.Capabilities.APIVersions`: the defaults plus `--api-versions` entries verbatim.
pub fn api_versions(extra: &[String]) -> Vec<String> {
    DEFAULT_API_VERSIONS
        .iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect()
}

/// The chart's `kubeVersion` constraint against the target version (Helm's message).
pub fn check_kube_version(md: &Metadata, kv: &KubeVersion) -> Result<(), String> {
    if md.kube_version.is_empty() {
        return Ok(());
    }
    let c = Constraints::parse(&md.kube_version)
        .map_err(|e| format!("chart requires kubeVersion: {}: {e}", md.kube_version))?;
    let v = Version::parse(&kv.normalized).map_err(|e| e.to_string())?;
    if c.check(&v) {
        Ok(())
    } else {
        Err(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            md.kube_version, kv.normalized
        ))
    }
}

/// `.Release` as Helm sets it for `helm template`.
pub fn release_object(name: &str, namespace: &str, is_upgrade: bool) -> Map {
    let mut m = Map::new();
    m.insert("Name".into(), Yaml::String(name.into()));
    m.insert("Namespace".into(), Yaml::String(namespace.into()));
    m.insert("IsInstall".into(), Yaml::Bool(!is_upgrade));
    m.insert("IsUpgrade".into(), Yaml::Bool(is_upgrade));
    m.insert("Revision".into(), Yaml::Int(1));
    m.insert("Service".into(), Yaml::String("Helm".into()));
    m
}

/// `.Chart` as a map with Go field names (Helm v4).
pub fn chart_object(md: &Metadata, is_root: bool) -> Map {
    let raw = &md.raw;
    let s = |k: &str| match raw.get(k) {
        Some(Yaml::String(x)) => Yaml::String(x.clone()),
        _ => Yaml::String(String::new()),
    };
    let list = |k: &str| match raw.get(k) {
        Some(Yaml::Seq(x)) => Yaml::Seq(x.clone()),
        _ => Yaml::Seq(Vec::new()),
    };
    let mut m = Map::new();
    m.insert("APIVersion".into(), Yaml::String(md.api_version.clone()));
    m.insert(
        "Annotations".into(),
        Yaml::Map(
            md.annotations
                .iter()
                .map(|(k, v)| (k.clone(), Yaml::String(v.clone())))
                .collect(),
        ),
    );
    m.insert("AppVersion".into(), Yaml::String(md.app_version.clone()));
    m.insert("Condition".into(), s("condition"));
    m.insert("Dependencies".into(), list("dependencies"));
    m.insert(
        "Deprecated".into(),
        Yaml::Bool(matches!(raw.get("deprecated"), Some(Yaml::Bool(true)))),
    );
    m.insert("Description".into(), Yaml::String(md.description.clone()));
    m.insert("Home".into(), s("home"));
    m.insert("Icon".into(), s("icon"));
    m.insert("IsRoot".into(), Yaml::Bool(is_root));
    m.insert("Keywords".into(), list("keywords"));
    m.insert("KubeVersion".into(), Yaml::String(md.kube_version.clone()));
    m.insert("Maintainers".into(), list("maintainers"));
    m.insert("Name".into(), Yaml::String(md.name.clone()));
    m.insert("Sources".into(), list("sources"));
    m.insert("Tags".into(), s("tags"));
    m.insert("Type".into(), Yaml::String(md.chart_type.clone()));
    m.insert("Version".into(), Yaml::String(md.version.clone()));
    m
}

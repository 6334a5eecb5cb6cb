//! Talos config patches and matching Cilium Helm values (`cilium_talos_patch`).
//!
//! One set of inputs produces both the Talos machine-config patches and the
//! Cilium values, so facts like the KubePrism port are set once.
//!
//! # Formats
//! * **Legacy** (v1alpha1 strategic merge, the only format up to Talos 1.13):
//!   one patch string touching `cluster.network`, `cluster.proxy` and
//!   `machine.features.kubePrism`.
//! * **MultiDocument** (Talos 1.14+ with the 1.14 version contract): one patch
//!   string *per document* (`KubeFlannelCNIConfig` deletion, `KubeProxyConfig`,
//!   `KubePrismConfig`, `KubeNetworkConfig`). siderolabs/talos `config_patches`
//!   accepts each entry as its own strategic-merge patch (an entry may also hold
//!   several documents); one document per entry keeps plan diffs readable and
//!   lets users drop one with ordinary list functions.
//! * **Auto** picks by `talos_version`: multi-document from 1.14. The format
//!   of a cluster follows the *version contract* its configs were generated
//!   with, not the Talos binary: a cluster created with Talos 1.13 and upgraded
//!   to 1.14 keeps v1alpha1 `cluster.*` fields, and multi-document patches
//!   then conflict with them. Such users must set `config_format = "legacy"`.
//!   Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/contract.go>
//!
//! # Workers
//! kube-proxy and the CNI are deployed by control planes (Talos bootstrap
//! manifests), so the switches that remove them are emitted for control planes.
//! * Multi-document: `KubeFlannelCNIConfig` and `KubeProxyConfig` are
//!   controlplane-only documents that Talos validation rejects on workers, so
//!   worker patches carry only `KubePrismConfig` and `KubeNetworkConfig`.
//!   Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/container/validate.go>
//! * Legacy: worker patches keep `cluster.network.cni.name: none` and the
//!   subnets (workers' generated configs carry `cluster.network`, and Talos CI
//!   applies its Cilium patch to every node) but not `cluster.proxy`, which
//!   only control planes act on; the same rule as multi-document.
//!   Source: <https://github.com/siderolabs/talos/blob/v1.13.9/hack/test/patches/cilium-kubeproxy.yaml>

use crate::facts;
use crate::finding::Problem;
use crate::net::{Cidr, CidrError, parse_https_endpoint};
use crate::version::{CiliumVersion, TalosVersion};
use crate::yaml::{self, Node};

/// The machine type a patch is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MachineType {
    ControlPlane,
    Worker,
}

impl MachineType {
    /// Accepts the Talos spellings: `controlplane` (also `control-plane`,
    /// `control_plane`, `init`) and `worker`, case-insensitive.
    pub fn parse(s: &str) -> Option<MachineType> {
        match s.to_ascii_lowercase().as_str() {
            "controlplane" | "control-plane" | "control_plane" | "init" => {
                Some(MachineType::ControlPlane)
            }
            "worker" => Some(MachineType::Worker),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::ControlPlane => "controlplane",
            MachineType::Worker => "worker",
        }
    }
}

/// Which Talos config format to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConfigFormat {
    /// Multi-document from Talos 1.14, legacy before.
    #[default]
    Auto,
    /// v1alpha1 `cluster.*` / `machine.*` fields (any Talos, required for
    /// clusters generated with a version contract <= 1.13).
    Legacy,
    /// `Kube*Config` documents (Talos 1.14+ with the 1.14 contract).
    MultiDocument,
}

impl ConfigFormat {
    pub fn parse(s: &str) -> Option<ConfigFormat> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Some(ConfigFormat::Auto),
            "legacy" | "v1alpha1" => Some(ConfigFormat::Legacy),
            "multidocument" | "multi-document" | "multi_document" | "multidoc" => {
                Some(ConfigFormat::MultiDocument)
            }
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigFormat::Auto => "auto",
            ConfigFormat::Legacy => "legacy",
            ConfigFormat::MultiDocument => "multidocument",
        }
    }
}

/// Input field names, as the provider's schema spells them.
pub mod field {
    pub const TALOS_VERSION: &str = "talos_version";
    pub const MACHINE_TYPE: &str = "machine_type";
    pub const KUBE_PROXY_REPLACEMENT: &str = "kube_proxy_replacement";
    pub const KUBEPRISM_ENABLED: &str = "kubeprism_enabled";
    pub const KUBEPRISM_PORT: &str = "kubeprism_port";
    pub const POD_SUBNETS: &str = "pod_subnets";
    pub const SERVICE_SUBNETS: &str = "service_subnets";
    pub const CILIUM_VERSION: &str = "cilium_version";
    pub const CLUSTER_ENDPOINT: &str = "cluster_endpoint";
    pub const CONFIG_FORMAT: &str = "config_format";
}

/// Inputs of `cilium_talos_patch`, as strings/numbers straight from the user
/// (validation is [`generate`]'s job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchInput {
    /// `v1.13`, `1.14.0`, `v1.14.0-rc.1` ...
    pub talos_version: String,
    pub machine_type: MachineType,
    /// Default true.
    pub kube_proxy_replacement: bool,
    /// Default true.
    pub kubeprism_enabled: bool,
    /// Default 7445. i64 so out-of-range user input is reported, not truncated.
    pub kubeprism_port: i64,
    /// Default ["10.244.0.0/16"].
    pub pod_subnets: Vec<String>,
    /// Default ["10.96.0.0/12"].
    pub service_subnets: Vec<String>,
    /// Cilium chart version, e.g. "1.18.5"; refines the capability lists.
    pub cilium_version: Option<String>,
    /// `<https://HOST[:PORT]`> of the API server; required when KubePrism is off
    /// and kube-proxy replacement is on.
    pub cluster_endpoint: Option<String>,
    pub config_format: ConfigFormat,
}

impl PatchInput {
    /// Inputs with every default applied.
    pub fn new(talos_version: impl Into<String>, machine_type: MachineType) -> Self {
        PatchInput {
            talos_version: talos_version.into(),
            machine_type,
            kube_proxy_replacement: true,
            kubeprism_enabled: true,
            kubeprism_port: facts::DEFAULT_KUBEPRISM_PORT as i64,
            pod_subnets: vec![facts::DEFAULT_POD_SUBNET.to_string()],
            service_subnets: vec![facts::DEFAULT_SERVICE_SUBNET.to_string()],
            cilium_version: None,
            cluster_endpoint: None,
            config_format: ConfigFormat::Auto,
        }
    }
}

/// The format actually emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmittedFormat {
    Legacy,
    MultiDocument,
}

impl EmittedFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            EmittedFormat::Legacy => "legacy",
            EmittedFormat::MultiDocument => "multidocument",
        }
    }
}

/// A short description of what the patch does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchSummary {
    pub format: EmittedFormat,
    pub talos_version: TalosVersion,
    pub machine_type: MachineType,
    /// The patch removes the default CNI (flannel).
    pub cni_disabled: bool,
    /// The patch disables kube-proxy on this node type.
    pub kube_proxy_disabled: bool,
    /// KubePrism port when enabled.
    pub kubeprism_port: Option<u16>,
    /// The API server address Cilium is given (`k8sServiceHost`/`Port`), if any.
    pub k8s_service: Option<(String, u16)>,
    /// Human notes (assumptions taken, things the user should know).
    pub notes: Vec<String>,
}

/// Result of [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchOutput {
    /// Talos `config_patches` entries, each a YAML string.
    pub patches: Vec<String>,
    /// Cilium Helm values (YAML), consistent with the patches.
    pub helm_values: String,
    pub summary: PatchSummary,
}

struct Valid {
    talos: TalosVersion,
    format: EmittedFormat,
    port: u16,
    pods: Vec<Cidr>,
    services: Vec<Cidr>,
    cilium: Option<CiliumVersion>,
    endpoint: Option<(String, u16)>,
}

fn cidr_problem(fld: &'static str, i: usize, raw: &str, e: CidrError) -> Problem {
    let (summary, detail) = match e {
        CidrError::MissingPrefix => (
            "CIDR without prefix length".to_string(),
            format!(
                "{raw:?} has no \"/PREFIX\". Write the network with its prefix length, e.g. \"10.244.0.0/16\" or \"fc00:db8:10::/56\"."
            ),
        ),
        CidrError::BadAddress(a) => (
            "invalid IP address in CIDR".to_string(),
            format!("{a:?} in {raw:?} is not an IPv4 or IPv6 address. Use e.g. \"10.244.0.0/16\"."),
        ),
        CidrError::BadPrefix { prefix, max } => (
            "invalid CIDR prefix length".to_string(),
            format!("the prefix {prefix:?} in {raw:?} must be a number from 0 to {max}."),
        ),
        CidrError::HostBitsSet { network } => (
            "CIDR has host bits set".to_string(),
            format!(
                "{raw:?} has bits set below its /prefix, so it does not name a network. Kubernetes rejects such \
                 --cluster-cidr/--service-cluster-ip-range values. Did you mean {network:?}?"
            ),
        ),
    };
    Problem::new(fld, summary, detail).at(i)
}

fn check_subnets(fld: &'static str, raw: &[String], problems: &mut Vec<Problem>) -> Vec<Cidr> {
    let mut out = Vec::new();
    if raw.is_empty() {
        problems.push(Problem::new(
            fld,
            "no subnets given",
            format!(
                "{fld} needs at least one CIDR (the Talos default is {:?}).",
                if fld == field::POD_SUBNETS {
                    facts::DEFAULT_POD_SUBNET
                } else {
                    facts::DEFAULT_SERVICE_SUBNET
                }
            ),
        ));
        return out;
    }
    let mut v4: Option<usize> = None;
    let mut v6: Option<usize> = None;
    for (i, s) in raw.iter().enumerate() {
        match Cidr::parse(s) {
            Err(e) => problems.push(cidr_problem(fld, i, s, e)),
            Ok(c) => {
                // Kubernetes allows one CIDR per IP family (dual-stack: one IPv4 + one IPv6).
                // Source: https://kubernetes.io/docs/concepts/services-networking/dual-stack/
                let slot = if c.is_ipv4() { &mut v4 } else { &mut v6 };
                if let Some(first) = *slot {
                    problems.push(
                        Problem::new(
                            fld,
                            "more than one CIDR of the same IP family",
                            format!(
                                "{s:?} is the second {} CIDR (the first is element {first}). Kubernetes accepts at most one IPv4 and one IPv6 CIDR (dual-stack); remove one.",
                                if c.is_ipv4() { "IPv4" } else { "IPv6" }
                            ),
                        )
                        .at(i),
                    );
                } else {
                    *slot = Some(i);
                }
                out.push(c);
            }
        }
    }
    out
}

fn validate(input: &PatchInput) -> Result<Valid, Vec<Problem>> {
    let mut problems = Vec::new();

    let talos = match TalosVersion::parse(&input.talos_version) {
        Ok(v) => {
            if !v.at_least_minor(facts::MIN_SUPPORTED_TALOS.0, facts::MIN_SUPPORTED_TALOS.1) {
                problems.push(Problem::new(
                    field::TALOS_VERSION,
                    "Talos version not supported",
                    format!(
                        "Talos {v} has no KubePrism, which the generated Cilium values rely on (KubePrism exists from Talos 1.5.0). Use Talos v1.5 or newer."
                    ),
                ));
            }
            Some(v)
        }
        Err(e) => {
            problems.push(Problem::new(
                field::TALOS_VERSION,
                "invalid Talos version",
                e.to_string(),
            ));
            None
        }
    };

    let format = match (&talos, input.config_format) {
        (Some(v), ConfigFormat::Auto) if facts::talos_multidoc_kube_config(v) => {
            Some(EmittedFormat::MultiDocument)
        }
        (Some(_), ConfigFormat::Auto) => Some(EmittedFormat::Legacy),
        (_, ConfigFormat::Legacy) => Some(EmittedFormat::Legacy),
        (Some(v), ConfigFormat::MultiDocument) if !facts::talos_multidoc_kube_config(v) => {
            problems.push(Problem::new(
                field::CONFIG_FORMAT,
                "multi-document Kubernetes config needs Talos 1.14",
                format!(
                    "Talos {v} does not know the KubeNetworkConfig/KubeProxyConfig/KubePrismConfig/KubeFlannelCNIConfig documents (they appear in Talos 1.14). Use config_format = \"legacy\" or \"auto\"."
                ),
            ));
            None
        }
        (_, ConfigFormat::MultiDocument) => Some(EmittedFormat::MultiDocument),
        (None, ConfigFormat::Auto) => None,
    };

    let port = if !(1..=65535).contains(&input.kubeprism_port) {
        problems.push(Problem::new(
            field::KUBEPRISM_PORT,
            "KubePrism port out of range",
            format!(
                "{} is not a TCP port; use 1..=65535 (Talos' default is {}). Note that Talos treats 0 as \"use the default\", so 0 is rejected here to keep the Cilium values and the Talos config in agreement.",
                input.kubeprism_port,
                facts::DEFAULT_KUBEPRISM_PORT
            ),
        ));
        None
    } else {
        Some(input.kubeprism_port as u16)
    };

    let pods = check_subnets(field::POD_SUBNETS, &input.pod_subnets, &mut problems);
    let services = check_subnets(
        field::SERVICE_SUBNETS,
        &input.service_subnets,
        &mut problems,
    );
    for (pi, p) in input.pod_subnets.iter().enumerate() {
        let Ok(pc) = Cidr::parse(p) else { continue };
        for (si, s) in input.service_subnets.iter().enumerate() {
            let Ok(sc) = Cidr::parse(s) else { continue };
            if pc.overlaps(&sc) {
                problems.push(
                    Problem::new(
                        field::SERVICE_SUBNETS,
                        "service subnet overlaps a pod subnet",
                        format!(
                            "service subnet {s:?} overlaps pod subnet {p:?} (pod_subnets[{pi}]). Pod and service IPs must come from disjoint ranges; pick non-overlapping CIDRs (Talos defaults: pods {}, services {}).",
                            facts::DEFAULT_POD_SUBNET,
                            facts::DEFAULT_SERVICE_SUBNET
                        ),
                    )
                    .at(si),
                );
            }
        }
    }

    let cilium = match input.cilium_version.as_deref() {
        None => None,
        Some(s) => match CiliumVersion::parse(s) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(Problem::new(
                    field::CILIUM_VERSION,
                    "invalid Cilium version",
                    e.to_string(),
                ));
                None
            }
        },
    };

    let endpoint = match input.cluster_endpoint.as_deref() {
        None => None,
        Some(s) => match parse_https_endpoint(s) {
            Ok(e) => Some((e.host, e.port)),
            Err(why) => {
                problems.push(Problem::new(
                    field::CLUSTER_ENDPOINT,
                    "invalid cluster endpoint",
                    format!("{s:?}: {why}. Expected the API server URL as https://HOST[:PORT], e.g. \"https://10.0.0.10:6443\" (the cluster.controlPlane.endpoint of the Talos config)."),
                ));
                None
            }
        },
    };
    if !input.kubeprism_enabled && input.kube_proxy_replacement && input.cluster_endpoint.is_none()
    {
        problems.push(Problem::new(
            field::CLUSTER_ENDPOINT,
            "cluster endpoint required without KubePrism",
            "With kube_proxy_replacement on there is no kube-proxy to route the in-cluster \"kubernetes\" service, so Cilium must be told where the API server is. With KubePrism off, set cluster_endpoint to the API server URL (https://HOST:PORT), or enable KubePrism (recommended; Cilium then uses localhost:<kubeprism_port>).",
        ));
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    match (talos, format, port) {
        (Some(talos), Some(format), Some(port)) => Ok(Valid {
            talos,
            format,
            port,
            pods,
            services,
            cilium,
            endpoint,
        }),
        // unreachable in practice: each None pushed a problem above
        _ => Err(vec![Problem::new(
            field::TALOS_VERSION,
            "invalid input",
            "the input could not be validated",
        )]),
    }
}

/// Validates without generating; returns every problem found.
pub fn validate_input(input: &PatchInput) -> Vec<Problem> {
    match validate(input) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    }
}

fn cidr_strings(c: &[Cidr]) -> Node {
    Node::strs(c.iter().map(|c| c.to_string()))
}

fn legacy_patch(input: &PatchInput, v: &Valid) -> String {
    // Paths: cluster.network.cni.name, cluster.network.podSubnets/serviceSubnets,
    // cluster.proxy.disabled (all 1.x), machine.features.kubePrism (1.5+).
    // Source: https://github.com/siderolabs/talos/blob/v1.13.9/website/content/v1.13/reference/configuration/v1alpha1/config.md
    // podSubnets/serviceSubnets are `merge:"replace"` lists, so the patch replaces
    // (not appends to) the generated defaults; same for KubeNetworkConfig (1.14+).
    // Source: https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/config/types/v1alpha1/v1alpha1_types.go (ClusterNetworkConfig)
    let mut cluster = vec![(
        "network".to_string(),
        Node::map([
            ("cni", Node::map([("name", Node::str("none"))])),
            ("podSubnets", cidr_strings(&v.pods)),
            ("serviceSubnets", cidr_strings(&v.services)),
        ]),
    )];
    if input.kube_proxy_replacement && input.machine_type == MachineType::ControlPlane {
        cluster.push(("proxy".into(), Node::map([("disabled", Node::Bool(true))])));
    }
    // Explicit in both directions: an absent kubePrism section means *off*
    // (1.5 and configs upgraded from it), and 1.6+ generated configs have it on.
    // Source: https://github.com/siderolabs/talos/blob/v1.6.0/hack/release.toml
    let prism = if input.kubeprism_enabled {
        Node::map([
            ("enabled", Node::Bool(true)),
            ("port", Node::Int(v.port as i64)),
        ])
    } else {
        Node::map([("enabled", Node::Bool(false))])
    };
    let doc = Node::map([
        (
            "machine",
            Node::map([("features", Node::map([("kubePrism", prism)]))]),
        ),
        ("cluster", Node::Map(cluster)),
    ]);
    yaml::to_string(&doc)
}

fn doc_header(kind: facts::TalosDocKind) -> Vec<(String, Node)> {
    vec![
        ("apiVersion".into(), Node::str(kind.api_version)),
        ("kind".into(), Node::str(kind.kind)),
    ]
}

fn multidoc_patches(input: &PatchInput, v: &Valid) -> Vec<String> {
    let cp = input.machine_type == MachineType::ControlPlane;
    let mut docs = Vec::new();
    if cp {
        // Deleting the flannel document means "no CNI".
        // Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/hack/test/patches/cilium-kubeproxy.yaml
        let mut d = doc_header(facts::KUBE_FLANNEL_CNI_CONFIG);
        d.push(("$patch".into(), Node::str("delete")));
        docs.push(Node::Map(d));
        if input.kube_proxy_replacement {
            // enabled: false, never deletion: without the document Talos falls
            // back to the legacy default, which deploys kube-proxy.
            // Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/v1alpha1/v1alpha1_k8s_bridge.go
            let mut d = doc_header(facts::KUBE_PROXY_CONFIG);
            d.push(("enabled".into(), Node::Bool(false)));
            docs.push(Node::Map(d));
        }
    }
    // KubePrism: the document's presence enables it; deleting it disables.
    // Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/website/content/v1.14/reference/configuration/kubernetes/kubeprismconfig.md
    let mut d = doc_header(facts::KUBE_PRISM_CONFIG);
    if input.kubeprism_enabled {
        d.push(("port".into(), Node::Int(v.port as i64)));
    } else {
        d.push(("$patch".into(), Node::str("delete")));
    }
    docs.push(Node::Map(d));
    let mut d = doc_header(facts::KUBE_NETWORK_CONFIG);
    d.push(("podSubnets".into(), cidr_strings(&v.pods)));
    d.push(("serviceSubnets".into(), cidr_strings(&v.services)));
    docs.push(Node::Map(d));
    docs.iter().map(yaml::to_string).collect()
}

fn helm_values(input: &PatchInput, v: &Valid) -> (String, Option<(String, u16)>) {
    // Source for every key: https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
    let mut m: Vec<(String, Node)> = vec![
        (
            "ipam".into(),
            Node::map([("mode", Node::str("kubernetes"))]),
        ),
        (
            "kubeProxyReplacement".into(),
            Node::Bool(input.kube_proxy_replacement),
        ),
    ];
    // KubePrism on: Cilium talks to it (with or without KPR). Off: the
    // cluster endpoint (required with KPR, checked in validation; without KPR
    // kube-proxy serves the in-cluster "kubernetes" service, and an explicit
    // endpoint is still honoured when given).
    let service = if input.kubeprism_enabled {
        Some((facts::KUBEPRISM_HOST.to_string(), v.port))
    } else {
        v.endpoint.clone()
    };
    if let Some((host, port)) = &service {
        m.push(("k8sServiceHost".into(), Node::str(host.clone())));
        m.push(("k8sServicePort".into(), Node::Int(*port as i64)));
    }
    m.push((
        "securityContext".into(),
        Node::map([(
            "capabilities",
            Node::map([
                (
                    "ciliumAgent",
                    Node::strs(facts::talos_agent_caps(v.cilium.as_ref())),
                ),
                (
                    "cleanCiliumState",
                    Node::strs(facts::talos_clean_state_caps(v.cilium.as_ref())),
                ),
            ]),
        )]),
    ));
    m.push((
        "cgroup".into(),
        Node::map([
            ("autoMount", Node::map([("enabled", Node::Bool(false))])),
            ("hostRoot", Node::str(facts::TALOS_CGROUP_HOST_ROOT)),
        ]),
    ));
    (yaml::to_string(&Node::Map(m)), service)
}

/// Validates the input and generates patches, values and a summary, or
/// returns every problem found.
pub fn generate(input: &PatchInput) -> Result<PatchOutput, Vec<Problem>> {
    let v = validate(input)?;
    let patches = match v.format {
        EmittedFormat::Legacy => vec![legacy_patch(input, &v)],
        EmittedFormat::MultiDocument => multidoc_patches(input, &v),
    };
    let (helm_values, k8s_service) = helm_values(input, &v);
    let mut notes = Vec::new();
    if v.talos.minor_key() > facts::NEWEST_KNOWN_TALOS {
        notes.push(format!(
            "Talos {} is newer than the newest version these facts were checked against (v{}.{}); the {} format was assumed.",
            v.talos,
            facts::NEWEST_KNOWN_TALOS.0,
            facts::NEWEST_KNOWN_TALOS.1,
            if v.format == EmittedFormat::MultiDocument { "multi-document" } else { "legacy" }
        ));
    }
    if v.format == EmittedFormat::Legacy && facts::talos_multidoc_kube_config(&v.talos) {
        notes.push("Legacy v1alpha1 fields were emitted for Talos 1.14+: correct only for clusters generated with a version contract of 1.13 or older.".into());
    }
    if v.format == EmittedFormat::Legacy && v.talos.minor_key() == (1, 5) && input.kubeprism_enabled
    {
        notes.push("Talos 1.5 ships KubePrism disabled; this patch enables it explicitly.".into());
    }
    if input.machine_type == MachineType::Worker && input.kube_proxy_replacement {
        notes
            .push("kube-proxy is disabled by the control-plane patch; worker patches do not carry that switch.".into());
    }
    if v.cilium.is_none() {
        notes.push("cilium_version not set: capability lists follow the Talos guide (no SYSLOG); set it for Cilium 1.19+ to keep SYSLOG.".into());
    }
    let summary = PatchSummary {
        format: v.format,
        talos_version: v.talos.clone(),
        machine_type: input.machine_type,
        cni_disabled: v.format == EmittedFormat::Legacy
            || input.machine_type == MachineType::ControlPlane,
        kube_proxy_disabled: input.kube_proxy_replacement
            && input.machine_type == MachineType::ControlPlane,
        kubeprism_port: input.kubeprism_enabled.then_some(v.port),
        k8s_service: k8s_service.clone(),
        notes,
    };
    Ok(PatchOutput {
        patches,
        helm_values,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn docs(text: &str) -> Vec<Value> {
        serde_yaml_ng::Deserializer::from_str(text)
            .map(|d| {
                let v: serde_yaml_ng::Value = serde::Deserialize::deserialize(d).unwrap();
                serde_json::to_value(v).unwrap()
            })
            .collect()
    }

    fn one(text: &str) -> Value {
        let mut d = docs(text);
        assert_eq!(d.len(), 1, "{text}");
        d.remove(0)
    }

    fn gen_ok(input: &PatchInput) -> PatchOutput {
        generate(input).unwrap_or_else(|p| panic!("{p:#?}"))
    }

    fn problems(input: &PatchInput) -> Vec<Problem> {
        let p = generate(input).expect_err("problems expected");
        assert_eq!(p, validate_input(input));
        p
    }

    fn fields(p: &[Problem]) -> Vec<(&'static str, Option<usize>)> {
        p.iter().map(|p| (p.field, p.index)).collect()
    }

    #[test]
    fn legacy_controlplane_defaults() {
        let out = gen_ok(&PatchInput::new("v1.13", MachineType::ControlPlane));
        assert_eq!(out.patches.len(), 1);
        assert_eq!(
            one(&out.patches[0]),
            json!({
                "machine": {"features": {"kubePrism": {"enabled": true, "port": 7445}}},
                "cluster": {
                    "network": {"cni": {"name": "none"}, "podSubnets": ["10.244.0.0/16"], "serviceSubnets": ["10.96.0.0/12"]},
                    "proxy": {"disabled": true}
                }
            })
        );
        assert_eq!(out.summary.format, EmittedFormat::Legacy);
        assert!(out.summary.kube_proxy_disabled && out.summary.cni_disabled);
        assert_eq!(out.summary.kubeprism_port, Some(7445));
    }

    #[test]
    fn legacy_worker_has_no_proxy_switch() {
        let out = gen_ok(&PatchInput::new("1.9.3", MachineType::Worker));
        let d = one(&out.patches[0]);
        assert!(d["cluster"].get("proxy").is_none());
        assert_eq!(d["cluster"]["network"]["cni"]["name"], "none");
        assert!(!out.summary.kube_proxy_disabled);
    }

    #[test]
    fn legacy_without_kpr_keeps_kube_proxy() {
        let mut i = PatchInput::new("v1.12", MachineType::ControlPlane);
        i.kube_proxy_replacement = false;
        let out = gen_ok(&i);
        assert!(one(&out.patches[0])["cluster"].get("proxy").is_none());
        assert_eq!(one(&out.helm_values)["kubeProxyReplacement"], json!(false));
    }

    #[test]
    fn legacy_kubeprism_off_is_explicit() {
        let mut i = PatchInput::new("v1.13", MachineType::Worker);
        i.kubeprism_enabled = false;
        i.cluster_endpoint = Some("https://10.0.0.10:6443".into());
        let out = gen_ok(&i);
        assert_eq!(
            one(&out.patches[0])["machine"]["features"]["kubePrism"],
            json!({"enabled": false})
        );
        let v = one(&out.helm_values);
        assert_eq!(
            (v["k8sServiceHost"].clone(), v["k8sServicePort"].clone()),
            (json!("10.0.0.10"), json!(6443))
        );
    }

    #[test]
    fn multidoc_controlplane() {
        let out = gen_ok(&PatchInput::new("v1.14.0-rc.1", MachineType::ControlPlane));
        let d: Vec<Value> = out.patches.iter().map(|p| one(p)).collect();
        assert_eq!(
            d,
            vec![
                json!({"apiVersion": "v1alpha1", "kind": "KubeFlannelCNIConfig", "$patch": "delete"}),
                json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig", "enabled": false}),
                json!({"apiVersion": "v1alpha1", "kind": "KubePrismConfig", "port": 7445}),
                json!({"apiVersion": "v1alpha1", "kind": "KubeNetworkConfig", "podSubnets": ["10.244.0.0/16"], "serviceSubnets": ["10.96.0.0/12"]}),
            ]
        );
        // Each entry is one document; `---` never appears.
        assert!(out.patches.iter().all(|p| !p.contains("---")));
        assert_eq!(out.summary.format, EmittedFormat::MultiDocument);
    }

    #[test]
    fn multidoc_worker_has_only_node_documents() {
        let out = gen_ok(&PatchInput::new("v1.15", MachineType::Worker));
        let kinds: Vec<Value> = out.patches.iter().map(|p| one(p)["kind"].clone()).collect();
        assert_eq!(
            kinds,
            vec![json!("KubePrismConfig"), json!("KubeNetworkConfig")]
        );
        for k in [facts::KUBE_PRISM_CONFIG, facts::KUBE_NETWORK_CONFIG] {
            assert!(!k.controlplane_only);
        }
    }

    #[test]
    fn multidoc_kube_proxy_is_never_deleted() {
        for kpr in [true, false] {
            let mut i = PatchInput::new("v1.14", MachineType::ControlPlane);
            i.kube_proxy_replacement = kpr;
            for p in gen_ok(&i).patches {
                let d = one(&p);
                if d["kind"] == "KubeProxyConfig" {
                    assert!(d.get("$patch").is_none());
                    assert_eq!(d["enabled"], json!(false));
                    assert!(kpr);
                }
            }
        }
    }

    #[test]
    fn multidoc_kubeprism_off_deletes_document() {
        let mut i = PatchInput::new("v1.14", MachineType::ControlPlane);
        i.kubeprism_enabled = false;
        i.cluster_endpoint = Some("https://[fd00::10]".into());
        let out = gen_ok(&i);
        let prism: Vec<Value> = out
            .patches
            .iter()
            .map(|p| one(p))
            .filter(|d| d["kind"] == "KubePrismConfig")
            .collect();
        assert_eq!(
            prism,
            vec![json!({"apiVersion": "v1alpha1", "kind": "KubePrismConfig", "$patch": "delete"})]
        );
        let v = one(&out.helm_values);
        assert_eq!(v["k8sServiceHost"], json!("fd00::10"));
        assert_eq!(v["k8sServicePort"], json!(443));
        assert_eq!(out.summary.kubeprism_port, None);
    }

    #[test]
    fn legacy_forced_on_new_talos_is_allowed_with_note() {
        let mut i = PatchInput::new("v1.14.0", MachineType::ControlPlane);
        i.config_format = ConfigFormat::Legacy;
        let out = gen_ok(&i);
        assert_eq!(out.summary.format, EmittedFormat::Legacy);
        assert!(one(&out.patches[0])["cluster"]["network"]["cni"]["name"] == "none");
        assert!(
            out.summary
                .notes
                .iter()
                .any(|n| n.contains("version contract"))
        );
    }

    #[test]
    fn multidoc_forced_on_old_talos_is_an_error() {
        let mut i = PatchInput::new("v1.13.9", MachineType::ControlPlane);
        i.config_format = ConfigFormat::MultiDocument;
        let p = problems(&i);
        assert_eq!(fields(&p), vec![(field::CONFIG_FORMAT, None)]);
        assert!(p[0].detail.contains("legacy"));
    }

    #[test]
    fn helm_values_follow_talos_guide() {
        let out = gen_ok(&PatchInput::new("v1.13", MachineType::ControlPlane));
        // Expected values: facts.md §0 / Talos "Deploying Cilium" guide.
        assert_eq!(
            one(&out.helm_values),
            json!({
                "ipam": {"mode": "kubernetes"},
                "kubeProxyReplacement": true,
                "k8sServiceHost": "localhost",
                "k8sServicePort": 7445,
                "securityContext": {"capabilities": {
                    "ciliumAgent": ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
                    "cleanCiliumState": ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"]
                }},
                "cgroup": {"autoMount": {"enabled": false}, "hostRoot": "/sys/fs/cgroup"}
            })
        );
        // Same values for workers: they are cluster-wide.
        assert_eq!(
            out.helm_values,
            gen_ok(&PatchInput::new("v1.13", MachineType::Worker)).helm_values
        );
    }

    #[test]
    fn helm_values_keep_syslog_for_cilium_1_19() {
        let mut i = PatchInput::new("v1.13", MachineType::ControlPlane);
        i.cilium_version = Some("1.19.6".into());
        i.kubeprism_port = 7446;
        let v = one(&gen_ok(&i).helm_values);
        let caps = v["securityContext"]["capabilities"]["ciliumAgent"]
            .as_array()
            .unwrap()
            .clone();
        assert!(caps.contains(&json!("SYSLOG")));
        assert!(!caps.contains(&json!("SYS_MODULE")));
        assert_eq!(v["k8sServicePort"], json!(7446));
        i.cilium_version = Some("1.18.5".into());
        let v = one(&gen_ok(&i).helm_values);
        assert!(
            !v["securityContext"]["capabilities"]["ciliumAgent"]
                .as_array()
                .unwrap()
                .contains(&json!("SYSLOG"))
        );
    }

    #[test]
    fn output_is_deterministic() {
        let i = PatchInput::new("v1.14", MachineType::ControlPlane);
        assert_eq!(generate(&i), generate(&i));
        let v = gen_ok(&i).helm_values;
        let keys: Vec<&str> = v
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "ipam",
                "kubeProxyReplacement",
                "k8sServiceHost",
                "k8sServicePort",
                "securityContext",
                "cgroup"
            ]
        );
    }

    #[test]
    fn bad_talos_versions() {
        for s in ["1.13.x", "", "v2.0", "latest"] {
            let p = problems(&PatchInput::new(s, MachineType::ControlPlane));
            assert_eq!(fields(&p), vec![(field::TALOS_VERSION, None)], "{s}");
            assert!(p[0].detail.contains("expected"), "{s}: {}", p[0].detail);
        }
        let p = problems(&PatchInput::new("v1.4", MachineType::ControlPlane));
        assert_eq!(fields(&p), vec![(field::TALOS_VERSION, None)]);
        assert!(p[0].detail.contains("KubePrism"));
    }

    #[test]
    fn ports() {
        for port in [0, -1, 65536, 100_000] {
            let mut i = PatchInput::new("v1.13", MachineType::ControlPlane);
            i.kubeprism_port = port;
            let p = problems(&i);
            assert_eq!(fields(&p), vec![(field::KUBEPRISM_PORT, None)], "{port}");
        }
        for port in [1, 65535] {
            let mut i = PatchInput::new("v1.13", MachineType::ControlPlane);
            i.kubeprism_port = port;
            assert!(generate(&i).is_ok());
        }
    }

    #[test]
    fn subnet_problems_point_at_elements() {
        let mut i = PatchInput::new("v1.14", MachineType::ControlPlane);
        i.pod_subnets = vec![
            "10.244.0.0/16".into(),
            "10.244.1.0/16".into(),
            "nonsense".into(),
        ];
        i.service_subnets = vec![
            "10.244.128.0/24".into(),
            "fd00::/108".into(),
            "10.96.0.0/12".into(),
        ];
        let p = problems(&i);
        assert_eq!(
            fields(&p),
            vec![
                (field::POD_SUBNETS, Some(1)),
                (field::POD_SUBNETS, Some(2)),
                (field::SERVICE_SUBNETS, Some(2)),
                (field::SERVICE_SUBNETS, Some(0)),
            ]
        );
        assert!(
            p[0].detail.contains("\"10.244.0.0/16\""),
            "host bits: fix suggested: {}",
            p[0].detail
        );
        assert!(p[2].summary.contains("same IP family"));
        assert!(p[3].summary.contains("overlaps"));
    }

    #[test]
    fn overlapping_subnets() {
        let mut i = PatchInput::new("v1.13", MachineType::Worker);
        i.pod_subnets = vec!["10.0.0.0/8".into()];
        let p = problems(&i);
        assert_eq!(fields(&p), vec![(field::SERVICE_SUBNETS, Some(0))]);
        assert!(p[0].detail.contains("pod_subnets[0]"));
    }

    #[test]
    fn empty_subnet_lists() {
        let mut i = PatchInput::new("v1.13", MachineType::Worker);
        i.pod_subnets.clear();
        i.service_subnets.clear();
        assert_eq!(
            fields(&problems(&i)),
            vec![(field::POD_SUBNETS, None), (field::SERVICE_SUBNETS, None)]
        );
    }

    #[test]
    fn endpoint_rules() {
        let mut i = PatchInput::new("v1.13", MachineType::ControlPlane);
        i.kubeprism_enabled = false;
        let p = problems(&i);
        assert_eq!(fields(&p), vec![(field::CLUSTER_ENDPOINT, None)]);
        assert!(p[0].detail.contains("https://"));
        // without KPR, kube-proxy serves the kubernetes service: no endpoint needed
        i.kube_proxy_replacement = false;
        let out = gen_ok(&i);
        assert!(one(&out.helm_values).get("k8sServiceHost").is_none());
        for bad in [
            "http://x:6443",
            "x:6443",
            "https://x:6443/path",
            "https://x:0",
        ] {
            let mut i = PatchInput::new("v1.13", MachineType::ControlPlane);
            i.kubeprism_enabled = false;
            i.cluster_endpoint = Some(bad.into());
            assert_eq!(
                fields(&problems(&i)),
                vec![(field::CLUSTER_ENDPOINT, None)],
                "{bad}"
            );
        }
    }

    #[test]
    fn all_problems_at_once() {
        let mut i = PatchInput::new("v1.x", MachineType::ControlPlane);
        i.kubeprism_port = 0;
        i.pod_subnets = vec!["10.244.0.1/16".into()];
        i.cilium_version = Some("1.18".into());
        i.kubeprism_enabled = false;
        let p = problems(&i);
        assert_eq!(
            fields(&p),
            vec![
                (field::TALOS_VERSION, None),
                (field::KUBEPRISM_PORT, None),
                (field::POD_SUBNETS, Some(0)),
                (field::CILIUM_VERSION, None),
                (field::CLUSTER_ENDPOINT, None),
            ]
        );
        assert!(
            p.iter()
                .all(|p| !p.summary.is_empty() && !p.detail.is_empty())
        );
    }

    #[test]
    fn ipv6_subnets_are_normalised() {
        let mut i = PatchInput::new("v1.14", MachineType::Worker);
        i.pod_subnets = vec!["10.244.0.0/16".into(), "FC00:0DB8:0010:0000::/56".into()];
        let out = gen_ok(&i);
        let net = out
            .patches
            .iter()
            .map(|p| one(p))
            .find(|d| d["kind"] == "KubeNetworkConfig")
            .unwrap();
        assert_eq!(
            net["podSubnets"],
            json!(["10.244.0.0/16", "fc00:db8:10::/56"])
        );
    }

    #[test]
    fn newer_talos_is_assumed_multidoc_with_note() {
        let out = gen_ok(&PatchInput::new("v1.16.0", MachineType::ControlPlane));
        assert_eq!(out.summary.format, EmittedFormat::MultiDocument);
        assert!(out.summary.notes.iter().any(|n| n.contains("newer")));
        let out = gen_ok(&PatchInput::new("v1.15", MachineType::ControlPlane));
        assert!(!out.summary.notes.iter().any(|n| n.contains("newer")));
    }

    #[test]
    fn hostile_inputs_never_panic_and_always_explain() {
        let strings = [
            "",
            " ",
            "v",
            "v1.",
            "1..2",
            "\u{0}",
            "1.99999999999999999999999",
            "v1.14.0-\u{7f}",
            "🦀",
            "10.0.0.0/99",
            "::/",
            "/",
            "https://[::1]:99999",
            "https://a..b",
            "https://%",
            "-1",
            "1.4.0",
            "v1.16.0-alpha.0",
        ];
        for t in strings {
            for s in strings {
                for port in [i64::MIN, -1, 0, 7445, 65536, i64::MAX] {
                    let mut i = PatchInput::new(t, MachineType::Worker);
                    i.kubeprism_port = port;
                    i.pod_subnets = vec![s.to_string()];
                    i.service_subnets = vec![s.to_string(), "10.96.0.0/12".into()];
                    i.cilium_version = Some(s.to_string());
                    i.cluster_endpoint = Some(s.to_string());
                    i.kubeprism_enabled = port % 2 == 0;
                    match generate(&i) {
                        Ok(out) => assert!(!out.patches.is_empty()),
                        Err(p) => {
                            assert!(!p.is_empty());
                            assert!(
                                p.iter()
                                    .all(|p| !p.summary.is_empty() && !p.detail.is_empty())
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn parse_enums() {
        assert_eq!(
            MachineType::parse("controlplane"),
            Some(MachineType::ControlPlane)
        );
        assert_eq!(MachineType::parse("Worker"), Some(MachineType::Worker));
        assert_eq!(MachineType::parse("master"), None);
        assert_eq!(
            ConfigFormat::parse("multidocument"),
            Some(ConfigFormat::MultiDocument)
        );
        assert_eq!(ConfigFormat::parse("legacy"), Some(ConfigFormat::Legacy));
        assert_eq!(ConfigFormat::parse("x"), None);
        for f in [
            ConfigFormat::Auto,
            ConfigFormat::Legacy,
            ConfigFormat::MultiDocument,
        ] {
            assert_eq!(ConfigFormat::parse(f.as_str()), Some(f));
        }
    }
}

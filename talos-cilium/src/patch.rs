//! The Talos machine-config patches and the matching Cilium Helm values.
//!
//! Talos up to 1.13 (and clusters generated with a version contract up to
//! 1.13) configure Kubernetes through `cluster.*` fields of the v1alpha1
//! document; from 1.14 through separate `Kube*Config` documents, and the two
//! forms conflict. The patch is generated in the form the target expects.

use std::net::IpAddr;

use crate::facts;
use crate::version::Version;
use crate::yaml::{self, Node};

/// Which node role the patch is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    ControlPlane,
    Worker,
}

impl MachineType {
    pub fn parse(s: &str) -> Option<MachineType> {
        match s {
            "controlplane" => Some(MachineType::ControlPlane),
            "worker" => Some(MachineType::Worker),
            _ => None,
        }
    }
}

/// Which machine-config form to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// Legacy for Talos <= 1.13, multi-document from 1.14.
    Auto,
    /// `cluster.*` fields of the v1alpha1 document. Needed on Talos >= 1.14 when
    /// the cluster's configs were generated with a version contract <= 1.13.
    Legacy,
    /// `Kube*Config` documents (Talos >= 1.14 with the 1.14 contract).
    MultiDocument,
}

impl ConfigFormat {
    pub fn parse(s: &str) -> Option<ConfigFormat> {
        match s {
            "auto" => Some(ConfigFormat::Auto),
            "legacy" => Some(ConfigFormat::Legacy),
            "multidoc" => Some(ConfigFormat::MultiDocument),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ConfigFormat::Auto => "auto",
            ConfigFormat::Legacy => "legacy",
            ConfigFormat::MultiDocument => "multidoc",
        }
    }
}

/// Everything the patch depends on. Field names are the user-facing names.
#[derive(Debug, Clone)]
pub struct PatchInput {
    pub talos_version: String,
    pub machine_type: String,
    pub kube_proxy_replacement: bool,
    pub kubeprism_enabled: bool,
    pub kubeprism_port: i64,
    pub pod_subnets: Vec<String>,
    pub service_subnets: Vec<String>,
    pub cilium_version: Option<String>,
    pub cluster_endpoint: Option<String>,
    pub config_format: String,
}

impl Default for PatchInput {
    fn default() -> Self {
        PatchInput {
            talos_version: String::new(),
            machine_type: "controlplane".into(),
            kube_proxy_replacement: true,
            kubeprism_enabled: true,
            kubeprism_port: i64::from(facts::KUBEPRISM_DEFAULT_PORT),
            pod_subnets: vec![facts::DEFAULT_POD_SUBNET.into()],
            service_subnets: vec![facts::DEFAULT_SERVICE_SUBNET.into()],
            cilium_version: None,
            cluster_endpoint: None,
            config_format: "auto".into(),
        }
    }
}

/// A problem with one input, with the fix in `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The input's name (`kubeprism_port`, `pod_subnets`, ...).
    pub field: &'static str,
    /// The element of a list input, when the problem is with one element.
    pub index: Option<usize>,
    pub summary: String,
    pub detail: String,
}

impl Problem {
    fn new(field: &'static str, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem { field, index: None, summary: summary.into(), detail: detail.into() }
    }
    fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

/// The generated patches and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchOutput {
    /// YAML documents for `config_patches` of siderolabs/talos, one per document.
    pub patches: Vec<String>,
    /// Cilium Helm values (YAML) consistent with the patches.
    pub helm_values: String,
    /// The form used: `legacy` or `multidoc`.
    pub format: &'static str,
}

/// An IP network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::y/n`; host bits must be zero.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (a, p) =
            s.split_once('/').ok_or_else(|| format!("{s:?} has no prefix length (expected e.g. 10.244.0.0/16)"))?;
        let addr: IpAddr = a.parse().map_err(|_| format!("{a:?} is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = p
            .parse()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| format!("prefix length {p:?} is not a number from 0 to {max}"))?;
        let c = Cidr { addr, prefix };
        if c.network_bits() != c.bits() {
            return Err(format!(
                "{s} has host bits set; the network is {}/{prefix}",
                match addr {
                    IpAddr::V4(_) => std::net::Ipv4Addr::from(c.network_bits() as u32).to_string(),
                    IpAddr::V6(_) => std::net::Ipv6Addr::from(c.network_bits()).to_string(),
                }
            ));
        }
        Ok(c)
    }
    fn bits(&self) -> u128 {
        match self.addr {
            IpAddr::V4(a) => u128::from(u32::from(a)),
            IpAddr::V6(a) => u128::from(a),
        }
    }
    fn width(&self) -> u32 {
        if self.addr.is_ipv4() { 32 } else { 128 }
    }
    fn mask(&self) -> u128 {
        let w = self.width();
        let host = w - u32::from(self.prefix);
        let all = if w == 128 { u128::MAX } else { (1u128 << w) - 1 };
        if host >= 128 { 0 } else { all & !((1u128 << host) - 1) }
    }
    fn network_bits(&self) -> u128 {
        self.bits() & self.mask()
    }
    /// True when the two networks share an address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        if self.addr.is_ipv4() != other.addr.is_ipv4() {
            return false;
        }
        let shorter = if self.prefix <= other.prefix { self } else { other };
        (self.bits() & shorter.mask()) == (other.bits() & shorter.mask())
    }
}

/// Parses an `https://host[:port]` API server URL into host and port.
pub fn parse_endpoint(s: &str) -> Result<(String, u16), String> {
    let rest = s.strip_prefix("https://").ok_or_else(|| format!("{s:?} must start with https://"))?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains('/') || rest.contains('@') || rest.contains('?') {
        return Err(format!("{s:?} must be https://HOST[:PORT] with no path"));
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(|| format!("{s:?} has an unclosed IPv6 bracket"))?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (rest.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(format!("{s:?} has no host"));
    }
    let port = match port {
        None => 443,
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| format!("{p:?} is not a port number"))?,
    };
    Ok((host, port))
}

/// Checks every input and returns all problems found.
pub fn validate(input: &PatchInput) -> Vec<Problem> {
    let mut problems = Vec::new();
    let talos = match Version::parse(&input.talos_version) {
        Ok(v) => {
            if !facts::TALOS_KUBEPRISM.holds_for(&v) || v.major != 1 {
                problems.push(Problem::new(
                    "talos_version",
                    "Unsupported Talos version",
                    format!(
                        "Talos {v} is not supported: this provider needs Talos 1.5 or newer ({} appeared in 1.5; see {}). Upgrade Talos, or set talos_version to the version your nodes run.",
                        facts::TALOS_KUBEPRISM.what,
                        facts::TALOS_KUBEPRISM.source
                    ),
                ));
            }
            Some(v)
        }
        Err(e) => {
            problems.push(Problem::new("talos_version", "Invalid Talos version", e.to_string()));
            None
        }
    };
    if MachineType::parse(&input.machine_type).is_none() {
        problems.push(Problem::new(
            "machine_type",
            "Invalid machine type",
            format!("{:?} is not a machine type: use \"controlplane\" or \"worker\".", input.machine_type),
        ));
    }
    match ConfigFormat::parse(&input.config_format) {
        None => problems.push(Problem::new(
            "config_format",
            "Invalid config format",
            format!("{:?} is not a config format: use \"auto\", \"legacy\" or \"multidoc\".", input.config_format),
        )),
        Some(ConfigFormat::MultiDocument) => {
            if let Some(v) = &talos
                && !facts::TALOS_MULTIDOC_KUBERNETES.holds_for(v)
            {
                problems.push(Problem::new(
                    "config_format",
                    "Multi-document Kubernetes config needs Talos 1.14",
                    format!(
                        "Talos {v} has no Kube*Config documents ({} appeared in 1.14; see {}). Use config_format = \"auto\" or \"legacy\".",
                        facts::TALOS_MULTIDOC_KUBERNETES.what,
                        facts::TALOS_MULTIDOC_KUBERNETES.source
                    ),
                ));
            }
        }
        Some(_) => {}
    }
    if !(1..=65535).contains(&input.kubeprism_port) {
        problems.push(Problem::new(
            "kubeprism_port",
            "KubePrism port out of range",
            format!(
                "{} is not a TCP port: use a number from 1 to 65535 (Talos' default is {}).",
                input.kubeprism_port,
                facts::KUBEPRISM_DEFAULT_PORT
            ),
        ));
    }
    if let Some(cv) = &input.cilium_version
        && let Err(e) = Version::parse(cv)
    {
        problems.push(Problem::new("cilium_version", "Invalid Cilium version", e.to_string()));
    }
    match &input.cluster_endpoint {
        Some(ep) => {
            if let Err(e) = parse_endpoint(ep) {
                problems.push(Problem::new(
                    "cluster_endpoint",
                    "Invalid cluster endpoint",
                    format!("{e}. Use the Kubernetes API server URL of the cluster, e.g. https://10.0.0.10:6443."),
                ));
            }
        }
        None if input.kube_proxy_replacement && !input.kubeprism_enabled => problems.push(Problem::new(
            "cluster_endpoint",
            "Cluster endpoint required",
            "With kube_proxy_replacement on and KubePrism off, Cilium cannot reach the API server through a Service \
             (there is no kube-proxy), so it needs the API server address. Set cluster_endpoint (e.g. \
             https://10.0.0.10:6443), or turn KubePrism on (kubeprism_enabled = true, the Talos default).",
        )),
        None => {}
    }
    let mut nets: Vec<(&'static str, usize, Cidr)> = Vec::new();
    for (field, list) in [("pod_subnets", &input.pod_subnets), ("service_subnets", &input.service_subnets)] {
        if list.is_empty() {
            problems.push(Problem::new(
                field,
                "No subnets given",
                format!(
                    "{field} needs at least one CIDR (Talos' default is {}).",
                    if field == "pod_subnets" { facts::DEFAULT_POD_SUBNET } else { facts::DEFAULT_SERVICE_SUBNET }
                ),
            ));
        }
        for (i, s) in list.iter().enumerate() {
            match Cidr::parse(s) {
                Ok(c) => nets.push((field, i, c)),
                Err(e) => problems.push(Problem::new(field, "Invalid CIDR", format!("{e}.")).at(i)),
            }
        }
    }
    for (i, a) in nets.iter().enumerate() {
        for b in &nets[i + 1..] {
            if a.0 != b.0 && a.2.overlaps(&b.2) {
                problems.push(
                    Problem::new(
                        b.0,
                        "Pod and service subnets overlap",
                        format!(
                            "{} ({}[{}]) overlaps {} ({}[{}]): pod and service addresses must not share a range. Pick disjoint networks.",
                            input_item(input, b.0, b.1),
                            b.0,
                            b.1,
                            input_item(input, a.0, a.1),
                            a.0,
                            a.1
                        ),
                    )
                    .at(b.1),
                );
            }
        }
    }
    problems
}

fn input_item(input: &PatchInput, field: &str, i: usize) -> String {
    let list = if field == "pod_subnets" { &input.pod_subnets } else { &input.service_subnets };
    list.get(i).cloned().unwrap_or_default()
}

/// Validates the input and generates the patches and values.
pub fn build(input: &PatchInput) -> Result<PatchOutput, Vec<Problem>> {
    let problems = validate(input);
    if !problems.is_empty() {
        return Err(problems);
    }
    // validate() guarantees these parse.
    let (Ok(talos), Some(machine), Some(format)) = (
        Version::parse(&input.talos_version),
        MachineType::parse(&input.machine_type),
        ConfigFormat::parse(&input.config_format),
    ) else {
        return Err(vec![Problem::new("talos_version", "Invalid input", "inputs did not validate")]);
    };
    let cilium = input.cilium_version.as_deref().and_then(|v| Version::parse(v).ok());
    let multidoc = match format {
        ConfigFormat::Auto => facts::TALOS_MULTIDOC_KUBERNETES.holds_for(&talos),
        ConfigFormat::Legacy => false,
        ConfigFormat::MultiDocument => true,
    };
    let patches = if multidoc { multidoc_patches(input, machine) } else { vec![legacy_patch(input, machine)] };
    Ok(PatchOutput {
        patches,
        helm_values: helm_values(input, cilium.as_ref()),
        format: if multidoc { "multidoc" } else { "legacy" },
    })
}

/// Talos <= 1.13: one strategic-merge patch of the v1alpha1 document.
/// Fields: https://github.com/siderolabs/talos/blob/v1.13.9/website/content/v1.13/reference/configuration/v1alpha1/config.md
/// (`cluster.network.cni.name`, `cluster.proxy.disabled`, `machine.features.kubePrism`).
fn legacy_patch(input: &PatchInput, machine: MachineType) -> String {
    let mut cluster = vec![(
        "network".to_string(),
        Node::map([
            ("cni", Node::map([("name", Node::str("none"))])),
            ("podSubnets", Node::strs(&input.pod_subnets)),
            ("serviceSubnets", Node::strs(&input.service_subnets)),
        ]),
    )];
    // kube-proxy is deployed by the control plane, so it is disabled there.
    // Talos CI's patch: https://github.com/siderolabs/talos/blob/v1.13.9/hack/test/patches/cilium-kubeproxy.yaml
    if input.kube_proxy_replacement && machine == MachineType::ControlPlane {
        cluster.push(("proxy".to_string(), Node::map([("disabled", Node::Bool(true))])));
    }
    let doc = Node::map([
        (
            "machine",
            Node::map([(
                "features",
                Node::map([(
                    "kubePrism",
                    Node::map([
                        ("enabled", Node::Bool(input.kubeprism_enabled)),
                        ("port", Node::Int(input.kubeprism_port)),
                    ]),
                )]),
            )]),
        ),
        ("cluster", Node::Map(cluster)),
    ]);
    yaml::to_string(&doc)
}

fn kind_doc(kind: &str, rest: Vec<(String, Node)>) -> Node {
    let mut entries = vec![("apiVersion".to_string(), Node::str("v1alpha1")), ("kind".to_string(), Node::str(kind))];
    entries.extend(rest);
    Node::Map(entries)
}

fn delete_doc(kind: &str) -> String {
    yaml::to_string(&kind_doc(kind, vec![("$patch".to_string(), Node::str("delete"))]))
}

/// Talos >= 1.14: one document per Kube*Config kind.
/// Kinds and fields: https://github.com/siderolabs/talos/tree/v1.14.0-rc.1/pkg/machinery/config/types/k8s
/// and the guide https://github.com/siderolabs/docs/blob/main/public/kubernetes-guides/cni/deploying-cilium.mdx
fn multidoc_patches(input: &PatchInput, machine: MachineType) -> Vec<String> {
    let mut out = Vec::new();
    if machine == MachineType::ControlPlane {
        // No CNI: delete the Flannel document (absent document = no CNI).
        // KubeFlannelCNIConfig is control-plane only.
        out.push(delete_doc("KubeFlannelCNIConfig"));
        if input.kube_proxy_replacement {
            // Deleting KubeProxyConfig does NOT disable kube-proxy (it falls back to the
            // legacy default, enabled); `enabled: false` does. Control-plane only.
            // Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/proxy.go
            out.push(yaml::to_string(&kind_doc("KubeProxyConfig", vec![("enabled".into(), Node::Bool(false))])));
        }
    }
    if input.kubeprism_enabled {
        out.push(yaml::to_string(&kind_doc("KubePrismConfig", vec![("port".into(), Node::Int(input.kubeprism_port))])));
    } else {
        // KubePrism is off when its document is absent.
        out.push(delete_doc("KubePrismConfig"));
    }
    out.push(yaml::to_string(&kind_doc(
        "KubeNetworkConfig",
        vec![
            ("podSubnets".into(), Node::strs(&input.pod_subnets)),
            ("serviceSubnets".into(), Node::strs(&input.service_subnets)),
        ],
    )));
    out
}

/// The Cilium values Talos needs, per the Talos guide (chart 1.14 … 1.20):
/// https://github.com/siderolabs/docs/blob/main/public/kubernetes-guides/cni/deploying-cilium.mdx
pub fn helm_values(input: &PatchInput, cilium: Option<&Version>) -> String {
    let mut entries = vec![
        ("ipam".to_string(), Node::map([("mode", Node::str("kubernetes"))])),
        ("kubeProxyReplacement".to_string(), Node::Bool(input.kube_proxy_replacement)),
    ];
    if input.kube_proxy_replacement {
        let (host, port) = if input.kubeprism_enabled {
            // KubePrism listens on 127.0.0.1 on every node (Talos 1.5+):
            // https://github.com/siderolabs/talos/blob/v1.13.9/internal/app/machined/pkg/controllers/k8s/kubeprism_config.go
            ("localhost".to_string(), input.kubeprism_port)
        } else {
            let ep = input.cluster_endpoint.as_deref().unwrap_or_default();
            let (h, p) = parse_endpoint(ep).unwrap_or_default();
            (h, i64::from(p))
        };
        entries.push(("k8sServiceHost".to_string(), Node::Str(host)));
        entries.push(("k8sServicePort".to_string(), Node::Int(port)));
    }
    entries.push((
        "securityContext".to_string(),
        Node::map([(
            "capabilities",
            Node::map([
                ("ciliumAgent", Node::strs(&facts::talos_agent_capabilities(cilium))),
                ("cleanCiliumState", Node::strs(&facts::talos_clean_state_capabilities())),
            ]),
        )]),
    ));
    entries.push((
        "cgroup".to_string(),
        Node::map([
            ("autoMount", Node::map([("enabled", Node::Bool(false))])),
            ("hostRoot", Node::str(facts::TALOS_CGROUP_HOST_ROOT)),
        ]),
    ));
    yaml::to_string(&Node::Map(entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml_ng::Value as Y;

    fn input(talos: &str, machine: &str) -> PatchInput {
        PatchInput { talos_version: talos.into(), machine_type: machine.into(), ..Default::default() }
    }
    fn docs(out: &PatchOutput) -> Vec<Y> {
        out.patches.iter().map(|p| serde_yaml_ng::from_str(p).unwrap()).collect()
    }
    fn kinds(out: &PatchOutput) -> Vec<String> {
        docs(out).iter().map(|d| d["kind"].as_str().unwrap_or("").to_string()).collect()
    }

    #[test]
    fn legacy_patch_for_talos_1_13() {
        let out = build(&input("v1.13", "controlplane")).unwrap();
        assert_eq!(out.format, "legacy");
        let d = &docs(&out)[0];
        assert_eq!(d["cluster"]["network"]["cni"]["name"], Y::from("none"));
        assert_eq!(d["cluster"]["proxy"]["disabled"], Y::from(true));
        assert_eq!(d["machine"]["features"]["kubePrism"]["port"], Y::from(7445));
        assert_eq!(d["cluster"]["network"]["podSubnets"][0], Y::from("10.244.0.0/16"));
        // workers: no kube-proxy setting (kube-proxy runs from the control plane)
        let w = build(&input("1.13.9", "worker")).unwrap();
        assert!(docs(&w)[0]["cluster"].get("proxy").is_none());
    }

    #[test]
    fn multidoc_patches_for_talos_1_14() {
        let out = build(&input("v1.14.0-rc.1", "controlplane")).unwrap();
        assert_eq!(out.format, "multidoc");
        assert_eq!(kinds(&out), ["KubeFlannelCNIConfig", "KubeProxyConfig", "KubePrismConfig", "KubeNetworkConfig"]);
        let d = docs(&out);
        assert_eq!(d[0]["$patch"], Y::from("delete"));
        assert_eq!(d[1]["enabled"], Y::from(false), "kube-proxy is disabled, never deleted");
        assert!(d[1].get("$patch").is_none());
        // control-plane-only kinds never go to workers
        let w = build(&input("1.14.0", "worker")).unwrap();
        assert_eq!(kinds(&w), ["KubePrismConfig", "KubeNetworkConfig"]);
    }

    #[test]
    fn legacy_can_be_forced_on_new_talos_but_multidoc_not_on_old() {
        let mut i = input("1.14.0", "controlplane");
        i.config_format = "legacy".into();
        assert_eq!(build(&i).unwrap().format, "legacy");
        let mut i = input("1.13.0", "controlplane");
        i.config_format = "multidoc".into();
        let p = build(&i).unwrap_err();
        assert_eq!(p[0].field, "config_format");
    }

    #[test]
    fn values_follow_the_patch() {
        let mut i = input("v1.13", "controlplane");
        i.kubeprism_port = 7446;
        let out = build(&i).unwrap();
        let v: Y = serde_yaml_ng::from_str(&out.helm_values).unwrap();
        assert_eq!(v["k8sServiceHost"], Y::from("localhost"));
        assert_eq!(v["k8sServicePort"], Y::from(7446));
        assert_eq!(v["ipam"]["mode"], Y::from("kubernetes"));
        assert_eq!(v["kubeProxyReplacement"], Y::from(true));
        assert_eq!(v["cgroup"]["autoMount"]["enabled"], Y::from(false));
        assert_eq!(v["cgroup"]["hostRoot"], Y::from("/sys/fs/cgroup"));
        let caps = v["securityContext"]["capabilities"]["ciliumAgent"].as_sequence().unwrap();
        assert!(!caps.contains(&Y::from("SYS_MODULE")));
        // the patch carries the same port
        assert_eq!(docs(&out)[0]["machine"]["features"]["kubePrism"]["port"], Y::from(7446));
    }

    #[test]
    fn kubeprism_off_uses_the_cluster_endpoint() {
        let mut i = input("1.14.0", "controlplane");
        i.kubeprism_enabled = false;
        let p = build(&i).unwrap_err();
        assert_eq!(p[0].field, "cluster_endpoint");
        i.cluster_endpoint = Some("https://10.0.0.10:6443".into());
        let out = build(&i).unwrap();
        let v: Y = serde_yaml_ng::from_str(&out.helm_values).unwrap();
        assert_eq!(v["k8sServiceHost"], Y::from("10.0.0.10"));
        assert_eq!(v["k8sServicePort"], Y::from(6443));
        let d = docs(&out);
        let prism = d.iter().find(|d| d["kind"] == "KubePrismConfig").unwrap();
        assert_eq!(prism["$patch"], Y::from("delete"));
    }

    #[test]
    fn every_bad_input_is_reported_with_its_field() {
        let i = PatchInput {
            talos_version: "one.thirteen".into(),
            machine_type: "master".into(),
            kubeprism_port: 70000,
            pod_subnets: vec!["10.244.0.1/16".into(), "nonsense".into()],
            service_subnets: vec!["10.96.0.0/33".into()],
            cluster_endpoint: Some("http://x".into()),
            config_format: "yaml".into(),
            ..Default::default()
        };
        let p = validate(&i);
        let fields: Vec<(&str, Option<usize>)> = p.iter().map(|p| (p.field, p.index)).collect();
        for want in [
            ("talos_version", None),
            ("machine_type", None),
            ("kubeprism_port", None),
            ("pod_subnets", Some(0)),
            ("pod_subnets", Some(1)),
            ("service_subnets", Some(0)),
            ("cluster_endpoint", None),
            ("config_format", None),
        ] {
            assert!(fields.contains(&want), "{want:?} missing from {fields:?}");
        }
        let host_bits = p.iter().find(|p| p.field == "pod_subnets" && p.index == Some(0)).unwrap();
        assert!(host_bits.detail.contains("10.244.0.0/16"), "{}", host_bits.detail);
    }

    #[test]
    fn overlapping_subnets_are_found() {
        let mut i = input("1.13.0", "controlplane");
        i.service_subnets = vec!["10.244.128.0/20".into()];
        let p = validate(&i);
        assert_eq!((p[0].field, p[0].index), ("service_subnets", Some(0)));
        i.service_subnets = vec!["fd00::/108".into()];
        assert!(validate(&i).is_empty(), "v4 and v6 never overlap");
    }

    #[test]
    fn old_talos_is_refused() {
        let p = validate(&input("v1.4", "controlplane"));
        assert_eq!(p[0].field, "talos_version");
    }
}

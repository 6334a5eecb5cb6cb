//! The version facts registry: one place for every fact about Talos, Cilium
//! and Gateway API that the code, the docs and the tests rely on.
//!
//! Each fact carries its version range and a source. Code asks questions
//! through the functions here, never by comparing version numbers inline.

use crate::version::{CiliumVersion, TalosVersion};

/// Oldest Talos minor this library generates patches for: KubePrism (which
/// the Cilium values point at) first exists in 1.5.0.
/// Source: <https://github.com/siderolabs/talos/blob/v1.5.0/hack/release.toml> (KubePrism section).
pub const MIN_SUPPORTED_TALOS: (u64, u64) = (1, 5);

/// Newest Talos minor whose generated configs the facts below were checked
/// against (1.15 = main at the time of writing, 1.14.0-rc.1 latest tag).
/// Source: <https://github.com/siderolabs/talos/tree/ad8823176e75/pkg/machinery/config/types/v1alpha1/testdata/stability>
pub const NEWEST_KNOWN_TALOS: (u64, u64) = (1, 15);

/// Talos default pod subnet (IPv4), 1.5 .. main.
/// Source: <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/constants/constants.go> (DefaultIPv4PodNet).
pub const DEFAULT_POD_SUBNET: &str = "10.244.0.0/16";
/// Talos default service subnet (IPv4), 1.5 .. main.
/// Source: <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/constants/constants.go> (DefaultIPv4ServiceNet).
pub const DEFAULT_SERVICE_SUBNET: &str = "10.96.0.0/12";
/// KubePrism default port, 1.5+; it listens on 127.0.0.1.
/// Source: <https://github.com/siderolabs/talos/blob/v1.5.0/pkg/machinery/config/types/v1alpha1/v1alpha1_features.go> (defaultKubePrismPort)
/// and <https://github.com/siderolabs/talos/blob/v1.13.9/internal/app/machined/pkg/controllers/k8s/kubeprism_config.go> (spec.Host = "127.0.0.1").
pub const DEFAULT_KUBEPRISM_PORT: u16 = 7445;
/// The host Cilium uses to reach KubePrism (Talos docs use "localhost").
/// Source: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
pub const KUBEPRISM_HOST: &str = "localhost";

/// Per-Talos-minor facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TalosMinorFacts {
    pub minor: (u64, u64),
    /// `constants.DefaultKubernetesVersion` of the `.0` release (or the
    /// newest tag for an unreleased minor).
    pub default_kubernetes: &'static str,
    /// Kernel version shipped (release.toml); None where not recorded.
    pub kernel: Option<&'static str>,
}

/// Default Kubernetes and kernel per Talos minor.
/// Sources: <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/constants/constants.go>
/// (DefaultKubernetesVersion at each tag) and each tag's hack/release.toml
/// (kernel), e.g. <https://github.com/siderolabs/talos/blob/v1.5.0/hack/release.toml>
pub const TALOS_MINORS: &[TalosMinorFacts] = &[
    TalosMinorFacts {
        minor: (1, 5),
        default_kubernetes: "1.28.0",
        kernel: Some("6.1.45"),
    },
    TalosMinorFacts {
        minor: (1, 6),
        default_kubernetes: "1.29.0",
        kernel: Some("6.1.67"),
    },
    TalosMinorFacts {
        minor: (1, 7),
        default_kubernetes: "1.30.0",
        kernel: Some("6.6.28"),
    },
    TalosMinorFacts {
        minor: (1, 8),
        default_kubernetes: "1.31.1",
        kernel: Some("6.6.52"),
    },
    TalosMinorFacts {
        minor: (1, 9),
        default_kubernetes: "1.32.0",
        kernel: Some("6.12.5"),
    },
    TalosMinorFacts {
        minor: (1, 10),
        default_kubernetes: "1.33.0",
        kernel: None,
    },
    TalosMinorFacts {
        minor: (1, 11),
        default_kubernetes: "1.34.0",
        kernel: Some("6.12.43"),
    },
    TalosMinorFacts {
        minor: (1, 12),
        default_kubernetes: "1.35.0",
        kernel: Some("6.18.1"),
    },
    // 1.13.9 ships Kubernetes 1.36.3 and kernel 6.18.44.
    TalosMinorFacts {
        minor: (1, 13),
        default_kubernetes: "1.36.0",
        kernel: Some("6.18.24"),
    },
    // v1.14.0-rc.1 (no final tag yet).
    TalosMinorFacts {
        minor: (1, 14),
        default_kubernetes: "1.37.0-rc.0",
        kernel: Some("6.18.44"),
    },
];

/// Facts for a Talos minor, if recorded.
pub fn talos_minor(v: &TalosVersion) -> Option<&'static TalosMinorFacts> {
    TALOS_MINORS.iter().find(|f| f.minor == v.minor_key())
}

/// KubePrism exists (opt-in): Talos 1.5.0+.
/// Source: <https://github.com/siderolabs/talos/blob/v1.5.0/hack/release.toml>
pub fn talos_has_kubeprism(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 5)
}

/// KubePrism is enabled in *generated* configs for contract > 1.5 (Talos
/// 1.6.0+); a config without `machine.features.kubePrism` has it off.
/// Source: <https://github.com/siderolabs/talos/blob/v1.6.0/pkg/machinery/config/contract.go> (KubePrismEnabled: Greater(1_5))
pub fn talos_kubeprism_default_on(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 6)
}

/// Multi-document `Kube*Config` documents are generated for contract > 1.13
/// (Talos 1.14+). Older contracts keep `cluster.*` v1alpha1 fields.
/// Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/contract.go> (MultidocKubernetesConfigSupported)
pub fn talos_multidoc_kube_config(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 14)
}

/// `$patch: delete` documents in config patches: Talos 1.8.0+.
/// Source: <https://github.com/siderolabs/talos/blob/v1.8.0/pkg/machinery/config/configloader/internal/decoder/delete.go>
pub fn talos_supports_patch_delete(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 8)
}

/// A `$patch: delete` for a document that does not exist is silently skipped
/// from 1.14 on (earlier it is appended as a document).
/// Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/configpatcher/strategic.go>
pub fn talos_skips_missing_delete(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 14)
}

/// `forwardKubeDNSToHost` is on in generated configs from contract 1.8.
/// Source: <https://github.com/siderolabs/talos/blob/v1.8.0/pkg/machinery/config/contract.go> (HostDNSForwardKubeDNSToHost: Greater(1_7))
pub fn talos_forward_kube_dns_default_on(v: &TalosVersion) -> bool {
    v.at_least_minor(1, 8)
}

/// Multi-document Kubernetes config kinds this library emits, with the
/// apiVersion Talos uses and whether Talos rejects them on workers.
/// Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/>
/// and container/validate.go (ControlplaneOnlyConfig); config.schema.json `$defs.k8s.*V1Alpha1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TalosDocKind {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub controlplane_only: bool,
}

pub const KUBE_FLANNEL_CNI_CONFIG: TalosDocKind = TalosDocKind {
    api_version: "v1alpha1",
    kind: "KubeFlannelCNIConfig",
    controlplane_only: true,
};
pub const KUBE_PROXY_CONFIG: TalosDocKind = TalosDocKind {
    api_version: "v1alpha1",
    kind: "KubeProxyConfig",
    controlplane_only: true,
};
pub const KUBE_PRISM_CONFIG: TalosDocKind = TalosDocKind {
    api_version: "v1alpha1",
    kind: "KubePrismConfig",
    controlplane_only: false,
};
pub const KUBE_NETWORK_CONFIG: TalosDocKind = TalosDocKind {
    api_version: "v1alpha1",
    kind: "KubeNetworkConfig",
    controlplane_only: false,
};

/// Per-Cilium-minor facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CiliumMinorFacts {
    pub minor: (u64, u64),
    /// Minimum kernel (generic distributions).
    pub min_kernel: &'static str,
    /// Values the chart accepts for `kubeProxyReplacement` without failing.
    pub kpr_accepted: &'static [&'static str],
    /// The chart ships values.schema.json.
    pub chart_has_schema: bool,
    /// Chart default `securityContext.capabilities.ciliumAgent`.
    pub default_agent_caps: &'static [&'static str],
    /// Chart default `securityContext.capabilities.cleanCiliumState`.
    pub default_clean_state_caps: &'static [&'static str],
    /// Gateway API CRD bundle version Cilium was conformance-tested with.
    pub gateway_api: &'static str,
    /// apiVersion of CiliumLoadBalancerIPPool to write.
    pub lb_ipam_pool_api: &'static str,
}

/// Chart default agent capabilities 1.14-1.18.
/// Source: cilium/charts cilium-1.18.12.tgz values.yaml securityContext.capabilities (facts.md §6),
/// <https://github.com/cilium/charts>
const AGENT_CAPS_1_14: &[&str] = &[
    "CHOWN",
    "KILL",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "SYS_MODULE",
    "SYS_ADMIN",
    "SYS_RESOURCE",
    "DAC_OVERRIDE",
    "FOWNER",
    "SETGID",
    "SETUID",
];
/// Chart 1.19.0+ adds SYSLOG. Source: cilium/charts cilium-1.19.6.tgz values.yaml (facts.md §6).
const AGENT_CAPS_1_19: &[&str] = &[
    "CHOWN",
    "KILL",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "SYS_MODULE",
    "SYS_ADMIN",
    "SYS_RESOURCE",
    "DAC_OVERRIDE",
    "FOWNER",
    "SETGID",
    "SETUID",
    "SYSLOG",
];
/// Same in 1.14-1.20. Source: cilium/charts values.yaml (facts.md §6).
const CLEAN_CAPS: &[&str] = &["NET_ADMIN", "SYS_MODULE", "SYS_ADMIN", "SYS_RESOURCE"];
/// 1.14/1.15 accept the deprecated strings; 1.16+ fail on anything but true/false.
/// Source: cilium/charts cilium-1.16.19.tgz templates/cilium-configmap.yaml (facts.md §6).
const KPR_OLD: &[&str] = &["true", "false", "disabled", "partial", "strict"];
const KPR_NEW: &[&str] = &["true", "false"];

/// Cilium minors 1.14-1.20.
/// Sources: kernel — cilium/cilium PR #24258 (1.14), #36386 (1.16), #42081 (1.18)
/// <https://github.com/cilium/cilium/pull/42081> ; schema/caps/KPR — cilium/charts tarballs
/// <https://github.com/cilium/charts> ; Gateway API — kubernetes-sigs/gateway-api
/// conformance/reports <https://github.com/kubernetes-sigs/gateway-api/tree/main/conformance/reports> ;
/// LB-IPAM v2 — <https://github.com/cilium/cilium/pull/39090> (1.18).
pub const CILIUM_MINORS: &[CiliumMinorFacts] = &[
    CiliumMinorFacts {
        minor: (1, 14),
        min_kernel: "4.19.57",
        kpr_accepted: KPR_OLD,
        chart_has_schema: false,
        default_agent_caps: AGENT_CAPS_1_14,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v0.7.0",
        lb_ipam_pool_api: "cilium.io/v2alpha1",
    },
    CiliumMinorFacts {
        minor: (1, 15),
        min_kernel: "4.19.57",
        kpr_accepted: KPR_OLD,
        chart_has_schema: false,
        default_agent_caps: AGENT_CAPS_1_14,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.0.0",
        lb_ipam_pool_api: "cilium.io/v2alpha1",
    },
    CiliumMinorFacts {
        minor: (1, 16),
        min_kernel: "5.4",
        kpr_accepted: KPR_NEW,
        chart_has_schema: true,
        default_agent_caps: AGENT_CAPS_1_14,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.1.0",
        lb_ipam_pool_api: "cilium.io/v2alpha1",
    },
    CiliumMinorFacts {
        minor: (1, 17),
        min_kernel: "5.4",
        kpr_accepted: KPR_NEW,
        chart_has_schema: true,
        default_agent_caps: AGENT_CAPS_1_14,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.2.0",
        lb_ipam_pool_api: "cilium.io/v2alpha1",
    },
    CiliumMinorFacts {
        minor: (1, 18),
        min_kernel: "5.10",
        kpr_accepted: KPR_NEW,
        chart_has_schema: true,
        default_agent_caps: AGENT_CAPS_1_14,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.3.0",
        lb_ipam_pool_api: "cilium.io/v2",
    },
    CiliumMinorFacts {
        minor: (1, 19),
        min_kernel: "5.10",
        kpr_accepted: KPR_NEW,
        chart_has_schema: true,
        default_agent_caps: AGENT_CAPS_1_19,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.4.0",
        lb_ipam_pool_api: "cilium.io/v2",
    },
    // 1.20 min kernel: no later bump found (UNVERIFIED in facts.md).
    CiliumMinorFacts {
        minor: (1, 20),
        min_kernel: "5.10",
        kpr_accepted: KPR_NEW,
        chart_has_schema: true,
        default_agent_caps: AGENT_CAPS_1_19,
        default_clean_state_caps: CLEAN_CAPS,
        gateway_api: "v1.6.1",
        lb_ipam_pool_api: "cilium.io/v2",
    },
];

/// Facts for the Cilium minor; for a minor newer than the table, the newest
/// row (the assumption that nothing changed is reported by callers).
pub fn cilium_minor(v: &CiliumVersion) -> Option<&'static CiliumMinorFacts> {
    if let Some(f) = CILIUM_MINORS.iter().find(|f| f.minor == v.minor_key()) {
        return Some(f);
    }
    match CILIUM_MINORS.last() {
        Some(last) if v.minor_key() > last.minor => Some(last),
        _ => None,
    }
}

/// Newest Cilium minor the facts above and below were checked against; for
/// newer minors callers assume nothing changed and say so.
/// Source: facts.md §6 (cilium/charts up to 1.20.x, <https://github.com/cilium/charts>).
pub const NEWEST_KNOWN_CILIUM: (u64, u64) = (1, 20);

/// True when `v` is newer than [`NEWEST_KNOWN_CILIUM`] (facts are assumed unchanged).
pub fn cilium_newer_than_known(v: &CiliumVersion) -> bool {
    v.minor_key() > NEWEST_KNOWN_CILIUM
}

/// Kubernetes minors a Cilium minor was e2e-tested with (Cilium docs,
/// "Kubernetes Compatibility"). Only minors with a recorded range are listed;
/// 1.14, 1.17 and 1.19 are UNVERIFIED in facts.md §9 and left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CiliumKubernetesTested {
    pub cilium: (u64, u64),
    pub oldest: (u64, u64),
    pub newest: (u64, u64),
    pub source: &'static str,
}

/// Sources per row; facts.md §9.
pub const CILIUM_KUBERNETES_TESTED: &[CiliumKubernetesTested] = &[
    // docs.cilium.io/en/stable snapshot whose era matches 1.15 (facts.md §9).
    CiliumKubernetesTested {
        cilium: (1, 15),
        oldest: (1, 26),
        newest: (1, 29),
        source: "https://docs.cilium.io/en/stable/network/kubernetes/compatibility/",
    },
    // docs.cilium.io/en/latest requirements snapshot; version attribution inferred (facts.md §9).
    CiliumKubernetesTested {
        cilium: (1, 16),
        oldest: (1, 27),
        newest: (1, 30),
        source: "https://docs.cilium.io/en/latest/network/kubernetes/requirements/",
    },
    CiliumKubernetesTested {
        cilium: (1, 18),
        oldest: (1, 30),
        newest: (1, 33),
        source: "https://raw.githubusercontent.com/cilium/cilium/v1.18.14/Documentation/network/kubernetes/compatibility.rst",
    },
    // Third-party record (xunholy/k8s-gitops#4209), facts.md §9.
    CiliumKubernetesTested {
        cilium: (1, 20),
        oldest: (1, 33),
        newest: (1, 36),
        source: "https://github.com/xunholy/k8s-gitops/pull/4209",
    },
];

/// The e2e-tested Kubernetes range of a Cilium minor, when recorded.
pub fn cilium_kubernetes_tested(v: &CiliumVersion) -> Option<&'static CiliumKubernetesTested> {
    CILIUM_KUBERNETES_TESTED
        .iter()
        .find(|r| r.cilium == v.minor_key())
}

/// Group of the Cilium CRDs.
pub const CILIUM_API_GROUP: &str = "cilium.io";

/// LB-IPAM and its `CiliumLoadBalancerIPPool` CRD (registered by the operator,
/// not the chart) first exist in Cilium 1.13, as `cilium.io/v2alpha1`.
/// Source: <https://github.com/cilium/cilium/pull/21764> ("operator: Add LB-IPAM", v1.13).
pub const LB_IPAM_SINCE: (u64, u64) = (1, 13);

/// `cilium.io/v2` `CiliumLoadBalancerIPPool` is served (and the storage
/// version) from 1.18; `v2alpha1` stays served but deprecated (removal not
/// verified as of 1.20). 1.13-1.17 serve `v2alpha1` only.
/// Sources: <https://github.com/cilium/cilium/pull/39090> (promote to v2, 2025-04, v1.18),
/// <https://github.com/cilium/cilium/pull/39134> (deprecate v2alpha1),
/// <https://github.com/cilium/cilium/blob/main/pkg/k8s/apis/cilium.io/client/crds/v2/ciliumloadbalancerippools.yaml>.
pub const LB_IPAM_POOL_V2_SINCE: (u64, u64) = (1, 18);

/// `spec.blocks` (entries `{cidr}` or `{start, stop}`) replaces `spec.cidrs`
/// (entries `{cidr}` only) in 1.15; 1.15 accepts both as aliases, 1.16 removes
/// `cidrs`. Start/stop ranges exist only in `blocks`, so from 1.15 too.
/// Source: <https://github.com/cilium/cilium/pull/33151> ("v1.15 added `blocks` to replace
/// `cidrs` ... Now in v1.16 we are cleaning up the deprecated field and removing `cidrs`";
/// "v1.15 introduced non-cidr ranges"), issue <https://github.com/cilium/cilium/issues/28590>.
pub const LB_IPAM_POOL_BLOCKS_SINCE: (u64, u64) = (1, 15);

/// The apiVersion to write a `CiliumLoadBalancerIPPool` with (the newest
/// served one), or None before LB-IPAM exists (< 1.13).
/// Versions and sources: [`LB_IPAM_SINCE`], [`LB_IPAM_POOL_V2_SINCE`].
pub fn cilium_lb_ipam_pool_api(v: &CiliumVersion) -> Option<&'static str> {
    if v.minor_key() >= LB_IPAM_POOL_V2_SINCE {
        Some("cilium.io/v2")
    } else if v.minor_key() >= LB_IPAM_SINCE {
        Some("cilium.io/v2alpha1")
    } else {
        None
    }
}

/// The `CiliumLoadBalancerIPPool.spec` list field: `blocks` from 1.15,
/// `cidrs` in 1.13-1.14. See [`LB_IPAM_POOL_BLOCKS_SINCE`].
pub fn cilium_lb_ipam_pool_list_field(v: &CiliumVersion) -> &'static str {
    if v.minor_key() >= LB_IPAM_POOL_BLOCKS_SINCE {
        "blocks"
    } else {
        "cidrs"
    }
}

/// Start/stop ranges in a pool: 1.15+ (only `blocks` entries have `start`/`stop`).
/// See [`LB_IPAM_POOL_BLOCKS_SINCE`].
pub fn cilium_lb_ipam_pool_supports_ranges(v: &CiliumVersion) -> bool {
    v.minor_key() >= LB_IPAM_POOL_BLOCKS_SINCE
}

/// L2 announcements and the `CiliumL2AnnouncementPolicy` CRD first exist in
/// Cilium 1.14.
/// Source: <https://github.com/cilium/cilium/pull/25471> ("L2 announcement", merged 2023-06, v1.14.0);
/// <https://docs.cilium.io/en/v1.14/network/l2-announcements/>.
pub const L2_ANNOUNCEMENTS_SINCE: (u64, u64) = (1, 14);

/// `CiliumL2AnnouncementPolicy` is served as `cilium.io/v2alpha1` only, in
/// 1.14 through 1.20 (no v2 CRD in cilium/cilium history). None before 1.14.
/// Sources: <https://github.com/cilium/cilium/blob/main/pkg/k8s/apis/cilium.io/client/crds/v2alpha1/ciliuml2announcementpolicies.yaml>,
/// <https://github.com/cilium/cilium/blob/main/Documentation/network/l2-announcements.rst> (facts.md §8).
pub fn cilium_l2_announcement_policy_api(v: &CiliumVersion) -> Option<&'static str> {
    if v.minor_key() >= L2_ANNOUNCEMENTS_SINCE {
        Some("cilium.io/v2alpha1")
    } else {
        None
    }
}

/// The chart's agent capabilities include SYSLOG from 1.19.0.
/// Source: cilium/charts cilium-1.19.0.tgz values.yaml (facts.md §6 and §11 #8).
pub fn cilium_agent_needs_syslog(v: &CiliumVersion) -> bool {
    v.at_least_minor(1, 19)
}

/// Capabilities Talos cannot grant: Talos does not allow loading kernel
/// modules from workloads, so `SYS_MODULE` is dropped.
/// Source: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium> ("SYS_MODULE capability needs to be dropped").
pub const CAPS_FORBIDDEN_ON_TALOS: &[&str] = &["SYS_MODULE"];

/// The agent capability list the Talos guide pins (chart default minus
/// SYS_MODULE, identical in every guide v1.4 .. current).
/// Source: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
pub const TALOS_GUIDE_AGENT_CAPS: &[&str] = &[
    "CHOWN",
    "KILL",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "SYS_ADMIN",
    "SYS_RESOURCE",
    "DAC_OVERRIDE",
    "FOWNER",
    "SETGID",
    "SETUID",
];
/// Source: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
pub const TALOS_GUIDE_CLEAN_STATE_CAPS: &[&str] = &["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"];

/// Talos mounts cgroup2 at /sys/fs/cgroup; Cilium must not mount its own.
/// Source: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium> (cgroup.autoMount.enabled=false, cgroup.hostRoot=/sys/fs/cgroup).
pub const TALOS_CGROUP_HOST_ROOT: &str = "/sys/fs/cgroup";

/// Agent capabilities for Talos: the chart default of that version minus
/// [`CAPS_FORBIDDEN_ON_TALOS`]. Unknown version: the Talos guide's list.
pub fn talos_agent_caps(cilium: Option<&CiliumVersion>) -> Vec<&'static str> {
    match cilium.and_then(cilium_minor) {
        Some(f) => f
            .default_agent_caps
            .iter()
            .copied()
            .filter(|c| !CAPS_FORBIDDEN_ON_TALOS.contains(c))
            .collect(),
        None => match cilium {
            Some(v) if cilium_agent_needs_syslog(v) => {
                let mut caps = TALOS_GUIDE_AGENT_CAPS.to_vec();
                caps.push("SYSLOG");
                caps
            }
            _ => TALOS_GUIDE_AGENT_CAPS.to_vec(),
        },
    }
}

/// cleanCiliumState capabilities for Talos (chart default minus SYS_MODULE).
pub fn talos_clean_state_caps(cilium: Option<&CiliumVersion>) -> Vec<&'static str> {
    match cilium.and_then(cilium_minor) {
        Some(f) => f
            .default_clean_state_caps
            .iter()
            .copied()
            .filter(|c| !CAPS_FORBIDDEN_ON_TALOS.contains(c))
            .collect(),
        None => TALOS_GUIDE_CLEAN_STATE_CAPS.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TalosVersion {
        TalosVersion::parse(s).unwrap()
    }
    fn c(s: &str) -> CiliumVersion {
        CiliumVersion::parse(s).unwrap()
    }

    #[test]
    fn talos_feature_gates() {
        assert!(!talos_has_kubeprism(&t("1.4.8")));
        assert!(talos_has_kubeprism(&t("1.5.0")));
        assert!(!talos_kubeprism_default_on(&t("v1.5")));
        assert!(talos_kubeprism_default_on(&t("v1.6")));
        assert!(!talos_multidoc_kube_config(&t("v1.13.9")));
        assert!(talos_multidoc_kube_config(&t("v1.14.0-rc.1")));
        assert!(!talos_supports_patch_delete(&t("v1.7")));
        assert!(talos_supports_patch_delete(&t("v1.8")));
        assert!(talos_forward_kube_dns_default_on(&t("v1.8")));
        assert!(!talos_forward_kube_dns_default_on(&t("v1.7")));
    }

    #[test]
    fn talos_table_is_sorted_and_parsable() {
        for w in TALOS_MINORS.windows(2) {
            assert!(w[0].minor < w[1].minor);
        }
        for f in TALOS_MINORS {
            crate::version::KubernetesVersion::parse(f.default_kubernetes).unwrap();
        }
        assert_eq!(
            talos_minor(&t("1.13.9")).unwrap().default_kubernetes,
            "1.36.0"
        );
    }

    #[test]
    fn talos_guide_caps_equal_chart_default_minus_sys_module() {
        // facts.md §6: "Talos' capability lists = chart default minus SYS_MODULE".
        let v118 = c("1.18.5");
        assert_eq!(
            talos_agent_caps(Some(&v118)),
            TALOS_GUIDE_AGENT_CAPS.to_vec()
        );
        assert_eq!(
            talos_clean_state_caps(Some(&v118)),
            TALOS_GUIDE_CLEAN_STATE_CAPS.to_vec()
        );
        let v119 = talos_agent_caps(Some(&c("1.19.0")));
        assert!(v119.contains(&"SYSLOG"));
        assert!(!v119.contains(&"SYS_MODULE"));
        assert_eq!(v119.len(), TALOS_GUIDE_AGENT_CAPS.len() + 1);
        // newer than the table: still keeps SYSLOG
        assert!(talos_agent_caps(Some(&c("1.21.0-pre.0"))).contains(&"SYSLOG"));
        assert_eq!(talos_agent_caps(None), TALOS_GUIDE_AGENT_CAPS.to_vec());
        // older than the table: the Talos guide list
        assert_eq!(
            talos_agent_caps(Some(&c("1.13.0"))),
            TALOS_GUIDE_AGENT_CAPS.to_vec()
        );
    }

    #[test]
    fn cilium_table() {
        for w in CILIUM_MINORS.windows(2) {
            assert!(w[0].minor < w[1].minor);
        }
        assert!(!cilium_minor(&c("1.15.6")).unwrap().chart_has_schema);
        assert!(cilium_minor(&c("1.16.0")).unwrap().chart_has_schema);
        assert!(
            !cilium_minor(&c("1.16.0"))
                .unwrap()
                .kpr_accepted
                .contains(&"disabled")
        );
        assert!(
            cilium_minor(&c("1.14.0"))
                .unwrap()
                .kpr_accepted
                .contains(&"disabled")
        );
        assert_eq!(
            cilium_minor(&c("1.18.0")).unwrap().lb_ipam_pool_api,
            "cilium.io/v2"
        );
        assert_eq!(
            cilium_minor(&c("1.17.3")).unwrap().lb_ipam_pool_api,
            "cilium.io/v2alpha1"
        );
        assert_eq!(cilium_minor(&c("1.18.0")).unwrap().min_kernel, "5.10");
        assert!(cilium_minor(&c("1.13.0")).is_none());
    }

    #[test]
    fn lb_ipam_pool_api_boundaries() {
        assert_eq!(cilium_lb_ipam_pool_api(&c("1.12.19")), None);
        assert_eq!(
            cilium_lb_ipam_pool_api(&c("1.13.0")),
            Some("cilium.io/v2alpha1")
        );
        assert_eq!(
            cilium_lb_ipam_pool_api(&c("1.17.18")),
            Some("cilium.io/v2alpha1")
        );
        assert_eq!(
            cilium_lb_ipam_pool_api(&c("1.18.0-pre.0")),
            Some("cilium.io/v2")
        );
        assert_eq!(cilium_lb_ipam_pool_api(&c("1.18.0")), Some("cilium.io/v2"));
        assert_eq!(cilium_lb_ipam_pool_api(&c("1.21.0")), Some("cilium.io/v2"));
        // the per-minor table agrees with the function
        for f in CILIUM_MINORS {
            let v = c(&format!("{}.{}.0", f.minor.0, f.minor.1));
            assert_eq!(cilium_lb_ipam_pool_api(&v), Some(f.lb_ipam_pool_api));
        }
    }

    #[test]
    fn lb_ipam_pool_field_boundaries() {
        assert_eq!(cilium_lb_ipam_pool_list_field(&c("1.13.0")), "cidrs");
        assert_eq!(cilium_lb_ipam_pool_list_field(&c("1.14.19")), "cidrs");
        assert_eq!(cilium_lb_ipam_pool_list_field(&c("1.15.0")), "blocks");
        assert_eq!(cilium_lb_ipam_pool_list_field(&c("1.16.5")), "blocks");
        assert!(!cilium_lb_ipam_pool_supports_ranges(&c("1.14.19")));
        assert!(cilium_lb_ipam_pool_supports_ranges(&c("1.15.0")));
    }

    #[test]
    fn l2_policy_api_boundaries() {
        assert_eq!(cilium_l2_announcement_policy_api(&c("1.13.16")), None);
        assert_eq!(
            cilium_l2_announcement_policy_api(&c("1.14.0")),
            Some("cilium.io/v2alpha1")
        );
        assert_eq!(
            cilium_l2_announcement_policy_api(&c("1.20.0")),
            Some("cilium.io/v2alpha1")
        );
        assert!(!cilium_newer_than_known(&c("1.20.3")));
        assert!(cilium_newer_than_known(&c("1.21.0-pre.0")));
        assert_eq!(
            CILIUM_MINORS.last().map(|f| f.minor),
            Some(NEWEST_KNOWN_CILIUM)
        );
    }
}

//! `CiliumLoadBalancerIPPool`: the addresses LB-IPAM hands to Services of type
//! LoadBalancer.
//!
//! Versions (facts in [`crate::facts`]):
//! - 1.13-1.14: `cilium.io/v2alpha1`, `spec.cidrs[]` of `{cidr}`; no ranges.
//! - 1.15: `spec.blocks[]` of `{cidr}` or `{start, stop}` (`cidrs` a deprecated alias).
//! - 1.16-1.17: `blocks` only (`cidrs` removed), `v2alpha1`.
//! - 1.18+: `cilium.io/v2` (`v2alpha1` still served, deprecated).
//!
//! `spec.serviceSelector` and `spec.disabled` exist in every version.
//! Source: <https://github.com/cilium/cilium/pull/21764> (1.13 pool spec:
//! cidrs, serviceSelector, disabled); <https://docs.cilium.io/en/stable/network/lb-ipam/>.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::{InputProblem, Step, check_name, cilium_api, document, selector};
use crate::facts;
use crate::net::{Cidr, CidrError};
use crate::yaml::Node;

/// The kind written.
pub const KIND: &str = "CiliumLoadBalancerIPPool";

/// A start/stop range; `stop` None means the single address `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRange {
    pub start: String,
    pub stop: Option<String>,
}

/// The inputs of [`lb_ip_pool`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LbIpPoolInput {
    pub name: String,
    /// Cilium chart version, e.g. "1.16.5".
    pub cilium_version: String,
    pub cidrs: Vec<String>,
    pub ranges: Vec<IpRange>,
    /// `spec.serviceSelector.matchLabels`; None or empty: every Service.
    pub service_selector: Option<BTreeMap<String, String>>,
    pub disabled: bool,
}

/// A pool manifest and the warnings about its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbIpPool {
    /// One YAML document.
    pub manifest: String,
    pub api_version: &'static str,
    /// `blocks` or `cidrs`.
    pub list_field: &'static str,
    pub warnings: Vec<InputProblem>,
}

fn cidr_problem(c: &str, e: CidrError) -> (String, String) {
    match e {
        CidrError::MissingPrefix => (
            "Invalid CIDR".into(),
            format!(
                "{c:?} has no prefix length. Write a CIDR such as \"{c}/32\" (IPv4) or \"{c}/128\" (IPv6), \
                 or give a single address as a range with only `start`."
            ),
        ),
        CidrError::BadAddress(a) => (
            "Invalid CIDR".into(),
            format!("{a:?} in {c:?} is not an IPv4 or IPv6 address."),
        ),
        CidrError::BadPrefix { prefix, max } => (
            "Invalid CIDR".into(),
            format!("the prefix length {prefix:?} in {c:?} is not a number from 0 to {max}."),
        ),
        CidrError::HostBitsSet { network } => (
            "CIDR has host bits set".into(),
            format!(
                "{c:?} is not a network address: Cilium would use {network}, a different range than written. \
                 Write {network:?}, or use a range (`start`/`stop`) for addresses that do not fall on a prefix boundary."
            ),
        ),
    }
}

fn parse_ip(s: &str, path: Vec<Step>, problems: &mut Vec<InputProblem>) -> Option<IpAddr> {
    match s.parse::<IpAddr>() {
        Ok(a) => Some(a),
        Err(_) => {
            problems.push(InputProblem::error(
                path,
                "Invalid IP address",
                format!("{s:?} is not an IPv4 or IPv6 address (without prefix length), e.g. \"10.0.0.240\"."),
            ));
            None
        }
    }
}

/// Builds the pool manifest for the Cilium version, or every problem found.
pub fn lb_ip_pool(input: &LbIpPoolInput) -> Result<LbIpPool, Vec<InputProblem>> {
    let mut problems = Vec::new();
    check_name(&input.name, &mut problems);
    let version = cilium_api(
        &input.cilium_version,
        KIND,
        facts::cilium_lb_ipam_pool_api,
        facts::LB_IPAM_SINCE,
        &mut problems,
    );
    if input.cidrs.is_empty() && input.ranges.is_empty() {
        problems.push(InputProblem::error(
            vec![Step::Attr("cidrs")],
            "Empty pool",
            "Give at least one CIDR in `cidrs` or one range in `ranges`: a pool without addresses allocates nothing.",
        ));
    }
    let mut entries = Vec::new();
    for (i, c) in input.cidrs.iter().enumerate() {
        match Cidr::parse(c) {
            Ok(cidr) => entries.push(Node::map([("cidr", Node::str(cidr.to_string()))])),
            Err(e) => {
                let (summary, detail) = cidr_problem(c, e);
                problems.push(InputProblem::error(
                    vec![Step::Attr("cidrs"), Step::Index(i)],
                    summary,
                    detail,
                ));
            }
        }
    }
    if let Some((v, _)) = &version
        && !input.ranges.is_empty()
        && !facts::cilium_lb_ipam_pool_supports_ranges(v)
    {
        let (a, b) = facts::LB_IPAM_POOL_BLOCKS_SINCE;
        problems.push(InputProblem::error(
            vec![Step::Attr("ranges")],
            format!("Cilium {v} has no start/stop ranges"),
            format!(
                "CiliumLoadBalancerIPPool ranges (`start`/`stop`) exist from Cilium {a}.{b}; Cilium {v} only takes \
                 CIDRs. Use `cidrs`, or target Cilium {a}.{b} or newer."
            ),
        ));
    }
    for (i, r) in input.ranges.iter().enumerate() {
        let at =
            |field: &'static str| vec![Step::Attr("ranges"), Step::Index(i), Step::Attr(field)];
        let start = parse_ip(&r.start, at("start"), &mut problems);
        let stop = match &r.stop {
            Some(s) => parse_ip(s, at("stop"), &mut problems).map(Some),
            None => Some(None),
        };
        match (start, stop) {
            (Some(a), Some(Some(b))) if a.is_ipv4() != b.is_ipv4() => {
                problems.push(InputProblem::error(
                    at("stop"),
                    "Range mixes address families",
                    format!("start {a} and stop {b} must both be IPv4 or both IPv6."),
                ));
            }
            (Some(a), Some(Some(b))) if b < a => {
                problems.push(InputProblem::error(
                    at("stop"),
                    "Range ends before it starts",
                    format!("stop {b} is lower than start {a}: swap them."),
                ));
            }
            (Some(a), Some(b)) => {
                let mut m = vec![("start".to_string(), Node::str(a.to_string()))];
                if let Some(b) = b {
                    m.push(("stop".to_string(), Node::str(b.to_string())));
                }
                entries.push(Node::Map(m));
            }
            _ => {}
        }
    }
    let sel = selector(
        "service_selector",
        input.service_selector.as_ref(),
        &mut problems,
    );
    let (version, api) = match version {
        Some(x) if !problems.iter().any(InputProblem::is_error) => x,
        _ => return Err(problems),
    };
    let list_field = facts::cilium_lb_ipam_pool_list_field(&version);
    let mut spec = vec![(list_field.to_string(), Node::Seq(entries))];
    if let Some(s) = sel {
        spec.push(("serviceSelector".into(), s));
    }
    if input.disabled {
        spec.push(("disabled".into(), Node::Bool(true)));
    }
    Ok(LbIpPool {
        manifest: document(api, KIND, &input.name, spec),
        api_version: api,
        list_field,
        warnings: problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(version: &str) -> LbIpPoolInput {
        LbIpPoolInput {
            name: "default".into(),
            cilium_version: version.into(),
            cidrs: vec!["10.0.0.240/28".into()],
            ..Default::default()
        }
    }

    #[test]
    fn v2_with_blocks_from_1_18() {
        let mut i = input("1.18.5");
        i.ranges = vec![IpRange {
            start: "10.0.1.10".into(),
            stop: Some("10.0.1.20".into()),
        }];
        i.service_selector = Some([("color".to_string(), "blue".to_string())].into());
        i.disabled = true;
        let p = lb_ip_pool(&i).unwrap();
        assert_eq!(p.api_version, "cilium.io/v2");
        assert_eq!(
            p.manifest,
            "apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: default\nspec:\n  blocks:\n    \
             - cidr: 10.0.0.240/28\n    - start: \"10.0.1.10\"\n      stop: \"10.0.1.20\"\n  serviceSelector:\n    \
             matchLabels:\n      color: blue\n  disabled: true\n"
        );
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn version_boundaries() {
        let p = lb_ip_pool(&input("1.17.18")).unwrap();
        assert_eq!(
            (p.api_version, p.list_field),
            ("cilium.io/v2alpha1", "blocks")
        );
        let p = lb_ip_pool(&input("1.15.0")).unwrap();
        assert_eq!(
            (p.api_version, p.list_field),
            ("cilium.io/v2alpha1", "blocks")
        );
        let p = lb_ip_pool(&input("1.14.19")).unwrap();
        assert_eq!(
            (p.api_version, p.list_field),
            ("cilium.io/v2alpha1", "cidrs")
        );
        assert!(
            p.manifest
                .contains("spec:\n  cidrs:\n    - cidr: 10.0.0.240/28\n")
        );
        let p = lb_ip_pool(&input("1.13.0")).unwrap();
        assert_eq!(p.list_field, "cidrs");
        let e = lb_ip_pool(&input("1.12.19")).unwrap_err();
        assert_eq!(e[0].path_string(), "cilium_version");
        assert!(e[0].summary.contains("has no CiliumLoadBalancerIPPool"));
        // ranges need 1.15
        let mut i = input("1.14.19");
        i.ranges = vec![IpRange {
            start: "10.0.1.10".into(),
            stop: None,
        }];
        let e = lb_ip_pool(&i).unwrap_err();
        assert_eq!(e[0].path_string(), "ranges");
        i.cilium_version = "1.15.0".into();
        assert!(
            lb_ip_pool(&i)
                .unwrap()
                .manifest
                .contains("- start: \"10.0.1.10\"\n")
        );
    }

    #[test]
    fn newer_than_known_warns() {
        let p = lb_ip_pool(&input("1.21.0")).unwrap();
        assert_eq!(p.api_version, "cilium.io/v2");
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].path_string(), "cilium_version");
    }

    #[test]
    fn bad_inputs_point_at_the_element() {
        let mut i = input("1.16.5");
        i.name = String::new();
        i.cidrs = vec![
            "10.0.0.0/24".into(),
            "10.0.0.300/24".into(),
            "10.0.0.5".into(),
            "10.0.0.200/28".into(),
            "fc00::/129".into(),
        ];
        i.ranges = vec![
            IpRange {
                start: "10.0.2.9".into(),
                stop: Some("10.0.2.1".into()),
            },
            IpRange {
                start: "10.0.2.1".into(),
                stop: Some("fc00::1".into()),
            },
            IpRange {
                start: "nope".into(),
                stop: None,
            },
        ];
        let e = lb_ip_pool(&i).unwrap_err();
        let paths: Vec<String> = e.iter().map(InputProblem::path_string).collect();
        assert_eq!(
            paths,
            [
                "name",
                "cidrs[1]",
                "cidrs[2]",
                "cidrs[3]",
                "cidrs[4]",
                "ranges[0].stop",
                "ranges[1].stop",
                "ranges[2].start"
            ]
        );
        assert!(e[3].detail.contains("10.0.0.192/28"), "{}", e[3].detail);
        let mut i = input("1.16.5");
        i.cidrs.clear();
        assert_eq!(lb_ip_pool(&i).unwrap_err()[0].summary, "Empty pool");
        let mut i = input("one");
        i.cidrs = vec!["x".into()];
        let e = lb_ip_pool(&i).unwrap_err();
        assert_eq!(e[0].path_string(), "cilium_version");
        assert_eq!(e[1].path_string(), "cidrs[0]");
    }

    #[test]
    fn manifest_parses_as_yaml() {
        let mut i = input("1.18.5");
        i.cidrs.push("fc00:db8::/64".into());
        i.ranges = vec![IpRange {
            start: "2001:db8::10".into(),
            stop: Some("2001:db8::20".into()),
        }];
        i.service_selector = Some(
            [(
                "io.kubernetes.service.namespace".to_string(),
                "true".to_string(),
            )]
            .into(),
        );
        let p = lb_ip_pool(&i).unwrap();
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&p.manifest).unwrap();
        assert_eq!(v["spec"]["blocks"][1]["cidr"], "fc00:db8::/64");
        assert_eq!(v["spec"]["blocks"][2]["stop"], "2001:db8::20");
        assert_eq!(
            v["spec"]["serviceSelector"]["matchLabels"]["io.kubernetes.service.namespace"],
            "true"
        );
        assert_eq!(v["metadata"]["name"], "default");
    }
}

//! Cilium objects written for another Cilium version: a
//! `CiliumLoadBalancerIPPool` or `CiliumL2AnnouncementPolicy` at an
//! apiVersion the Cilium version does not serve (the API server rejects it,
//! or, before the CRD exists, nothing handles it), and pool fields that the
//! version does not have (`spec.blocks` before 1.15 is pruned, leaving a pool
//! without addresses; `spec.cidrs` is gone from 1.16).
//! Versions: pools `cilium.io/v2alpha1` 1.13+, `cilium.io/v2` 1.18+
//! ([`facts::LB_IPAM_POOL_V2_SINCE`]); `blocks` 1.15+, `cidrs` up to 1.15
//! ([`facts::LB_IPAM_POOL_BLOCKS_SINCE`]); L2 policies `cilium.io/v2alpha1`
//! 1.14+ ([`facts::L2_ANNOUNCEMENTS_SINCE`]).
//! Sources: <https://github.com/cilium/cilium/pull/39090> (pool v2, 1.18),
//! <https://github.com/cilium/cilium/pull/33151> (`cidrs` removed in 1.16),
//! <https://github.com/cilium/cilium/blob/main/Documentation/network/l2-announcements.rst>.

use super::{Rule, RuleInput, finding};
use crate::facts;
use crate::finding::{Finding, Severity};
use crate::version::CiliumVersion;
use serde_json::Value;

pub const API_VERSION: Rule = Rule {
    code: "cilium-object-api-version",
    severity: Severity::Error,
    title: "Cilium object at an apiVersion this Cilium version does not serve",
    check: check_api_version,
};

pub const POOL_FIELDS: Rule = Rule {
    code: "lb-pool-fields",
    severity: Severity::Error,
    title: "LoadBalancer IP pool field this Cilium version does not have",
    check: check_pool_fields,
};

const POOL: &str = "CiliumLoadBalancerIPPool";
const L2_POLICY: &str = "CiliumL2AnnouncementPolicy";

/// Every document of `manifests[i]` with its input index, document index and kind.
fn objects<'a>(input: &'a RuleInput) -> Vec<(usize, usize, &'a str, &'a Value)> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, docs) in t.manifests.iter().enumerate() {
        for (d, doc) in docs.iter().enumerate() {
            if let Some(kind) = doc.get("kind").and_then(Value::as_str) {
                out.push((i, d, kind, doc));
            }
        }
    }
    out
}

fn name_of(doc: &Value) -> &str {
    doc.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)")
}

/// The apiVersions of `kind` that Cilium `v` serves (newest first).
fn served(kind: &str, v: &CiliumVersion) -> Vec<&'static str> {
    match kind {
        POOL => {
            let mut out: Vec<&str> = facts::cilium_lb_ipam_pool_api(v).into_iter().collect();
            if out.first() == Some(&"cilium.io/v2") {
                out.push("cilium.io/v2alpha1"); // still served, deprecated
            }
            out
        }
        _ => facts::cilium_l2_announcement_policy_api(v)
            .into_iter()
            .collect(),
    }
}

fn check_api_version(input: &RuleInput) -> Vec<Finding> {
    let Some(cv) = input.cilium_version else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, d, kind, doc) in objects(input) {
        if kind != POOL && kind != L2_POLICY {
            continue;
        }
        let api = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let ok = served(kind, cv);
        if ok.contains(&api) {
            continue;
        }
        let fix = match ok.first() {
            Some(newest) => format!(
                "Cilium {cv} serves {kind} as {}. Write it as {newest} (cilium_lb_ip_pool and \
                 cilium_l2_announcement_policy pick the version from cilium_version).",
                ok.join(" and ")
            ),
            None => format!(
                "Cilium {cv} has no {kind} CRD (LB-IPAM pools from 1.13, L2 announcement policies \
                 from 1.14). Upgrade Cilium or leave the object out."
            ),
        };
        out.push(finding(
            &API_VERSION,
            format!(
                "{kind} {:?} uses apiVersion {api:?}, not served by Cilium {cv}",
                name_of(doc)
            ),
            format!("{fix} (document {d} of manifests[{i}].)"),
            format!("manifests[{i}]"),
        ));
    }
    out
}

fn check_pool_fields(input: &RuleInput) -> Vec<Finding> {
    let Some(cv) = input.cilium_version else {
        return Vec::new();
    };
    let blocks_era = cv.minor_key() >= facts::LB_IPAM_POOL_BLOCKS_SINCE;
    // `cidrs` stays an alias of `blocks` in 1.15 only.
    let cidrs_removed = cv.minor_key() > facts::LB_IPAM_POOL_BLOCKS_SINCE;
    let mut out = Vec::new();
    for (i, d, kind, doc) in objects(input) {
        if kind != POOL {
            continue;
        }
        let Some(spec) = doc.get("spec") else {
            continue;
        };
        let name = name_of(doc);
        if spec.get("blocks").is_some() && !blocks_era {
            out.push(finding(
                &POOL_FIELDS,
                format!("pool {name:?} uses spec.blocks, which Cilium {cv} does not have"),
                format!(
                    "spec.blocks (and start/stop ranges) exist from Cilium 1.15; Cilium {cv} prunes the \
                     field and the pool has no addresses. Use spec.cidrs with {{cidr: ...}} entries. \
                     (document {d} of manifests[{i}].)"
                ),
                format!("manifests[{i}]"),
            ));
        }
        if spec.get("cidrs").is_some() && cidrs_removed {
            out.push(finding(
                &POOL_FIELDS,
                format!("pool {name:?} uses spec.cidrs, removed in Cilium 1.16"),
                format!(
                    "Cilium {cv} has only spec.blocks (same {{cidr: ...}} entries, plus {{start, stop}} \
                     ranges); spec.cidrs is pruned and the pool has no addresses. Rename the field to \
                     blocks. (document {d} of manifests[{i}].)"
                ),
                format!("manifests[{i}]"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Topology;
    use crate::rules::test_support::versioned;
    use serde_json::json;

    fn pool(api: &str, field: &str) -> Value {
        json!({"apiVersion": api, "kind": POOL, "metadata": {"name": "lb"},
               "spec": {field: [{"cidr": "10.0.0.240/28"}]}})
    }

    fn l2(api: &str) -> Value {
        json!({"apiVersion": api, "kind": L2_POLICY, "metadata": {"name": "l2"},
               "spec": {"loadBalancerIPs": true}})
    }

    fn codes(rule: &Rule, cilium: &str, docs: Vec<Value>) -> Vec<String> {
        let cv = CiliumVersion::parse(cilium).unwrap();
        let t = Topology {
            manifests: vec![vec![json!({"kind": "ConfigMap"})], docs],
            ..Default::default()
        };
        let values = json!({});
        (rule.check)(&versioned(&values, Some(&cv), None, Some(&t)))
            .into_iter()
            .map(|f| format!("{} {}", f.code, f.path))
            .collect()
    }

    #[test]
    fn api_version_not_served_is_flagged() {
        // v2 pools before 1.18; a v2 L2 policy never exists; pools before LB-IPAM.
        assert_eq!(
            codes(
                &API_VERSION,
                "1.17.5",
                vec![pool("cilium.io/v2", "blocks"), l2("cilium.io/v2")]
            ),
            ["cilium-object-api-version manifests[1]"; 2]
        );
        assert_eq!(
            codes(
                &API_VERSION,
                "1.12.0",
                vec![pool("cilium.io/v2alpha1", "cidrs")]
            ),
            ["cilium-object-api-version manifests[1]"]
        );
    }

    #[test]
    fn served_api_versions_are_quiet() {
        let docs = vec![
            pool("cilium.io/v2", "blocks"),
            pool("cilium.io/v2alpha1", "blocks"), // deprecated but served
            l2("cilium.io/v2alpha1"),
        ];
        assert!(codes(&API_VERSION, "1.18.0", docs).is_empty());
        assert!(
            codes(
                &API_VERSION,
                "1.14.0",
                vec![pool("cilium.io/v2alpha1", "cidrs")]
            )
            .is_empty()
        );
        // Without a Cilium version nothing is checked.
        let t = Topology {
            manifests: vec![vec![pool("cilium.io/v9", "blocks")]],
            ..Default::default()
        };
        let values = json!({});
        assert!(check_api_version(&versioned(&values, None, None, Some(&t))).is_empty());
    }

    #[test]
    fn pool_fields_per_version() {
        assert_eq!(
            codes(
                &POOL_FIELDS,
                "1.16.0",
                vec![pool("cilium.io/v2alpha1", "cidrs")]
            ),
            ["lb-pool-fields manifests[1]"]
        );
        assert_eq!(
            codes(
                &POOL_FIELDS,
                "1.14.3",
                vec![pool("cilium.io/v2alpha1", "blocks")]
            ),
            ["lb-pool-fields manifests[1]"]
        );
        // 1.15 accepts both; each era's own field is quiet.
        let both = vec![
            pool("cilium.io/v2alpha1", "cidrs"),
            pool("cilium.io/v2alpha1", "blocks"),
        ];
        assert!(codes(&POOL_FIELDS, "1.15.0", both).is_empty());
        assert!(
            codes(
                &POOL_FIELDS,
                "1.14.3",
                vec![pool("cilium.io/v2alpha1", "cidrs")]
            )
            .is_empty()
        );
        assert!(codes(&POOL_FIELDS, "1.18.2", vec![pool("cilium.io/v2", "blocks")]).is_empty());
    }
}

//! Gateway API CRDs for `gatewayAPI.enabled`.
//!
//! `gateway-api-crds-missing`: Gateway API is on but no `gateway_api_version`
//! is given. The Cilium chart never ships the CRDs; every Cilium version needs
//! them installed before the operator starts, otherwise the Gateway controller
//! does not run. Fix: the `cilium_gateway_api_crds` data source (its `patches`
//! into the control-plane configuration, its `version` here).
//! Versions: Cilium 1.14–1.20.
//! Source: <https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/>
//! (Prerequisites: the CRDs "must be pre-installed"), facts.md §7.
//!
//! `gateway-api-version-incompatible` / `gateway-api-version-untested`: the
//! given version against what the Cilium version needs, with the checks of
//! [`crate::gateway_api::check`] (errors: combinations known to break the
//! operator, e.g. Cilium 1.19 with v1.5.0+; warnings: untested versions). The
//! channel is the default `cilium_gateway_api_crds` uses for that Cilium version.
//! Versions and sources: [`crate::gateway_api::gateway_api_for`] (facts.md §7).

use super::{Rule, RuleInput, finding, is_true, lookup};
use crate::finding::{Finding, Severity};
use crate::gateway_api::{self, Channel};

pub const MISSING: Rule = Rule {
    code: "gateway-api-crds-missing",
    severity: Severity::Warning,
    title: "Gateway API is on but no Gateway API CRD version is given",
    check: check_missing,
};

pub const INCOMPATIBLE: Rule = Rule {
    code: "gateway-api-version-incompatible",
    severity: Severity::Error,
    title: "Gateway API CRD version known to break this Cilium version",
    check: check_incompatible,
};

pub const UNTESTED: Rule = Rule {
    code: "gateway-api-version-untested",
    severity: Severity::Warning,
    title: "Gateway API CRD version not tested with this Cilium version",
    check: check_untested,
};

fn enabled(input: &RuleInput) -> bool {
    is_true(lookup(input.values, &["gatewayAPI", "enabled"]))
}

fn check_missing(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    if !enabled(input) || t.gateway_api_version.is_some() {
        return Vec::new();
    }
    let need = input
        .cilium_version
        .and_then(gateway_api::gateway_api_for)
        .map(|n| {
            format!(
                " Cilium {} needs {} ({} channel).",
                input.cilium_version.unwrap(),
                n.version,
                n.channel.as_str()
            )
        })
        .unwrap_or_default();
    vec![finding(
        &MISSING,
        "gatewayAPI.enabled without Gateway API CRDs".into(),
        format!(
            "The Cilium chart does not install the Gateway API CRDs; without them the operator does not start its \
             Gateway controller.{need} Add the `cilium_gateway_api_crds` data source, put its `patches` into the \
             control-plane configuration and pass its `version` as gateway_api_version here."
        ),
        "gateway_api_version".into(),
    )]
}

fn issues(input: &RuleInput, severity: Severity, rule: &Rule) -> Vec<Finding> {
    let (Some(cv), Some(t)) = (input.cilium_version, input.topology) else {
        return Vec::new();
    };
    let Some(version) = t.gateway_api_version.as_ref() else {
        return Vec::new();
    };
    let channel = gateway_api::gateway_api_for(cv)
        .map(|n| n.channel)
        .unwrap_or(Channel::Standard);
    gateway_api::check(cv, version, channel)
        .into_iter()
        .filter(|i| i.severity == severity)
        .map(|i| {
            let path = if i.attribute == "cilium_version" {
                "cilium_version"
            } else {
                "gateway_api_version"
            };
            finding(rule, i.summary, i.detail, path.into())
        })
        .collect()
}

fn check_incompatible(input: &RuleInput) -> Vec<Finding> {
    issues(input, Severity::Error, &INCOMPATIBLE)
}

fn check_untested(input: &RuleInput) -> Vec<Finding> {
    issues(input, Severity::Warning, &UNTESTED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway_api::GatewayApiVersion;
    use crate::rules::Topology;
    use crate::rules::test_support::versioned;
    use crate::version::CiliumVersion;
    use serde_json::json;

    fn topo(g: Option<&str>) -> Topology {
        Topology {
            gateway_api_version: g.map(|g| GatewayApiVersion::parse(g).unwrap()),
            ..Default::default()
        }
    }

    fn codes(cilium: &str, g: Option<&str>, values: serde_json::Value) -> Vec<&'static str> {
        let cv = CiliumVersion::parse(cilium).unwrap();
        let t = topo(g);
        let i = versioned(&values, Some(&cv), None, Some(&t));
        [MISSING, INCOMPATIBLE, UNTESTED]
            .iter()
            .flat_map(|r| (r.check)(&i))
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn missing_crds() {
        let on = json!({"gatewayAPI": {"enabled": true}});
        assert_eq!(
            codes("1.18.5", None, on.clone()),
            vec!["gateway-api-crds-missing"]
        );
        assert!(codes("1.18.5", Some("v1.3.0"), on).is_empty());
        assert!(codes("1.18.5", None, json!({})).is_empty());
        // no cluster facts (cilium_inline_manifest): silent
        let v = json!({"gatewayAPI": {"enabled": true}});
        assert!(check_missing(&versioned(&v, None, None, None)).is_empty());
    }

    #[test]
    fn versions_checked_with_gateway_api_check() {
        let on = json!({"gatewayAPI": {"enabled": true}});
        assert_eq!(
            codes("1.19.6", Some("v1.5.1"), on.clone()),
            vec!["gateway-api-version-incompatible"]
        );
        assert_eq!(
            codes("1.18.5", Some("v1.2.0"), on.clone()),
            vec!["gateway-api-version-untested"]
        );
        assert!(codes("1.20.0", Some("v1.6.1"), on).is_empty());
    }
}

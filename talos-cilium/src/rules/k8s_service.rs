//! `k8s-service-kubeprism-mismatch`: Cilium is pointed at KubePrism
//! (`k8sServiceHost: localhost`/`127.0.0.1`) but on another port than the one
//! KubePrism listens on, or KubePrism is off.
//! Versions: Talos 1.5+ (KubePrism), listening on 127.0.0.1:PORT.
//! Sources: <https://github.com/siderolabs/talos/blob/v1.13.9/internal/app/machined/pkg/controllers/k8s/kubeprism_config.go>
//! (spec.Host = "127.0.0.1"); <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! (k8sServiceHost=localhost, k8sServicePort=7445).

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "k8s-service-kubeprism-mismatch",
    severity: Severity::Error,
    title: "k8sServiceHost/k8sServicePort point at KubePrism but do not match it",
    check,
};

fn port_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(prism) = input.kubeprism else {
        return Vec::new();
    };
    let host = lookup(input.values, &["k8sServiceHost"]).and_then(Value::as_str);
    let Some(host) = host.filter(|h| matches!(*h, "localhost" | "127.0.0.1")) else {
        return Vec::new();
    };
    if !prism.enabled {
        return vec![finding(
            &RULE,
            format!("k8sServiceHost is {host:?} but KubePrism is disabled"),
            "Nothing listens for the API server on the node's loopback without KubePrism. Enable KubePrism (machine.features.kubePrism or the KubePrismConfig document) or point k8sServiceHost/k8sServicePort at the cluster endpoint.".into(),
            path_of(&["k8sServiceHost"]),
        )];
    }
    let port = lookup(input.values, &["k8sServicePort"]);
    if port.and_then(port_of) == Some(prism.port as i64) {
        return Vec::new();
    }
    vec![finding(
        &RULE,
        match port {
            Some(p) => format!(
                "k8sServicePort is {p} but KubePrism listens on {}",
                prism.port
            ),
            None => format!(
                "k8sServicePort is not set but KubePrism listens on {}",
                prism.port
            ),
        },
        format!(
            "With k8sServiceHost {host:?} Cilium reaches the API server through KubePrism; set k8sServicePort: {}.",
            prism.port
        ),
        path_of(&["k8sServicePort"]),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::KubePrism;
    use serde_json::json;

    fn run(v: &Value, prism: Option<KubePrism>) -> Vec<Finding> {
        check(&RuleInput {
            talos_version: None,
            cilium_version: None,
            kubeprism: prism,
            topology: None,
            values: v,
        })
    }

    #[test]
    fn mismatch() {
        let on = Some(KubePrism {
            enabled: true,
            port: 7445,
        });
        assert!(
            run(
                &json!({"k8sServiceHost": "localhost", "k8sServicePort": 7445}),
                on
            )
            .is_empty()
        );
        assert!(
            run(
                &json!({"k8sServiceHost": "localhost", "k8sServicePort": "7445"}),
                on
            )
            .is_empty()
        );
        let f = run(
            &json!({"k8sServiceHost": "localhost", "k8sServicePort": 6443}),
            on,
        );
        assert_eq!(f[0].path, "values.k8sServicePort");
        assert!(f[0].detail.contains("7445"));
        assert_eq!(run(&json!({"k8sServiceHost": "127.0.0.1"}), on).len(), 1);
        // not pointed at KubePrism: nothing to compare
        assert!(
            run(
                &json!({"k8sServiceHost": "10.0.0.10", "k8sServicePort": 6443}),
                on
            )
            .is_empty()
        );
        // KubePrism state unknown: skip
        assert!(
            run(
                &json!({"k8sServiceHost": "localhost", "k8sServicePort": 1}),
                None
            )
            .is_empty()
        );
        let off = Some(KubePrism {
            enabled: false,
            port: 7445,
        });
        assert_eq!(
            run(
                &json!({"k8sServiceHost": "localhost", "k8sServicePort": 7445}),
                off
            )[0]
            .path,
            "values.k8sServiceHost"
        );
    }
}

//! `cilium_validation`: runs the rules catalog on what a plan already has
//! (Talos machine configurations, Cilium values, nodes, platform, LB pools,
//! L2 interfaces) and reports findings with the attribute path and the fix.

use talos_cilium::gateway_api::GatewayApiVersion;
use talos_cilium::rules::{self, KubePrism, MachineConfig, Node, RuleInput, Topology};
use talos_cilium::{CiliumVersion, Finding, Severity, TalosVersion};
use tfplugin::{
    Attribute, AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, Mode, Nesting, Schema,
    Type, Value,
};

pub struct Validation;

fn finding_type() -> Type {
    Type::object([
        ("code", Type::String),
        ("severity", Type::String),
        ("summary", Type::String),
        ("detail", Type::String),
        ("path", Type::String),
    ])
}

impl DataSource for Validation {
    fn type_name(&self) -> &str {
        "cilium_validation"
    }

    fn schema(&self) -> Schema {
        let strs = Type::list(Type::String);
        let rule_list: Vec<String> = rules::catalog()
            .iter()
            .map(|r| format!("`{}` ({})", r.code, r.severity.as_str()))
            .collect();
        Schema::new(
            0,
            &format!(
                "Checks a Talos × Cilium setup for known pitfalls at plan time: each rule of the catalog looks at \
                 the inputs it needs and reports findings with the attribute path and the fix. Findings at or \
                 above `fail_on` fail the plan; the others show as warnings. Rules: {}.",
                rule_list.join(", ")
            ),
            vec![
                Attribute::new(
                    "talos_version",
                    Type::String,
                    Mode::Optional,
                    "Talos version of the nodes, e.g. `v1.13`.",
                ),
                Attribute::new(
                    "machine_configurations",
                    strs.clone(),
                    Mode::Optional,
                    "Full Talos machine configurations (YAML, all documents, as `talos_machine_configuration` \
                     renders them), control plane and/or worker; the machine type is read from `machine.type`. \
                     KubePrism settings are read from them (absent means off), and the Talos rules check where CNI, \
                     kube-proxy and inline manifests are set.",
                ),
                Attribute::new(
                    "cilium_version",
                    Type::String,
                    Mode::Optional,
                    "Cilium chart version, e.g. `1.18.5`.",
                ),
                Attribute::new(
                    "values",
                    strs.clone(),
                    Mode::Optional,
                    "Cilium Helm values as YAML documents, later documents win (as `helm -f a -f b`).",
                ),
                Attribute::new(
                    "platform",
                    Type::String,
                    Mode::Optional,
                    "Talos platform of the nodes: `metal`, `nocloud`, `oracle`, `hcloud`, `aws`, ...",
                ),
                Attribute::nested(
                    "nodes",
                    Nesting::List,
                    vec![
                        Attribute::new(
                            "address",
                            Type::String,
                            Mode::Required,
                            "Node address with prefix, e.g. `10.0.0.11/24`.",
                        ),
                        Attribute::new(
                            "interfaces",
                            strs.clone(),
                            Mode::Optional,
                            "Interface names, e.g. `[\"ens18\"]`.",
                        ),
                    ],
                    Mode::Optional,
                    "The nodes: their L2 network and interface names.",
                ),
                Attribute::nested(
                    "load_balancer_ip_pools",
                    Nesting::List,
                    vec![Attribute::new(
                        "cidrs",
                        strs.clone(),
                        Mode::Required,
                        "CIDRs or single addresses of the `CiliumLoadBalancerIPPool`.",
                    )],
                    Mode::Optional,
                    "LB-IPAM pools.",
                ),
                Attribute::new(
                    "l2_announcement_interfaces",
                    strs.clone(),
                    Mode::Optional,
                    "`CiliumL2AnnouncementPolicy.spec.interfaces` regexes (Go syntax, unanchored as Cilium applies them).",
                ),
                Attribute::new(
                    "gateway_api_version",
                    Type::String,
                    Mode::Optional,
                    "Gateway API CRD bundle version installed when Gateway API is on, e.g. `v1.3.0` (the `version` \
                     of `cilium_gateway_api_crds`). Checked against the Cilium version with the default channel \
                     for it; leaving it unset with `gatewayAPI.enabled` is reported.",
                ),
                Attribute::new(
                    "manifests",
                    strs.clone(),
                    Mode::Optional,
                    "Kubernetes manifests (YAML, several documents allowed) of Cilium objects, e.g. the \
                     `manifest` of `cilium_lb_ip_pool` and `cilium_l2_announcement_policy` or hand-written ones. \
                     `CiliumLoadBalancerIPPool` and `CiliumL2AnnouncementPolicy` documents are checked against \
                     `cilium_version`: the apiVersion served and the pool fields that version has.",
                ),
                Attribute::new(
                    "fail_on",
                    Type::String,
                    Mode::Optional,
                    "Lowest severity that fails the plan: `error` (default), `warning`, or `none` (only report).",
                ),
                Attribute::new(
                    "id",
                    Type::String,
                    Mode::Computed,
                    "Constant `cilium-validation`.",
                ),
                Attribute::new(
                    "valid",
                    Type::Bool,
                    Mode::Computed,
                    "True when no finding has severity `error`.",
                ),
                Attribute::new(
                    "findings",
                    Type::list(finding_type()),
                    Mode::Computed,
                    "Every finding: `code` (stable rule code), `severity` (`error`, `warning`, `info`), `summary`, \
                     `detail` (with the fix), `path` (the input it is about).",
                ),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut d = Vec::new();
        if let Some(Value::String(f)) = config.get("fail_on")
            && !matches!(f.as_str(), "error" | "warning" | "none")
        {
            d.push(
                Diagnostic::error(
                    "Invalid fail_on",
                    format!("{f:?} is not one of \"error\", \"warning\", \"none\"."),
                )
                .at(AttributePath::attr("fail_on")),
            );
        }
        d
    }

    fn read(&self, _ctx: &Ctx, config: Value) -> (Value, Diagnostics) {
        let mut diags = Vec::new();
        let s = |n: &str| config.get(n).and_then(Value::as_str).map(str::to_string);
        let strs = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_elements)
                .map(|e| {
                    e.iter()
                        .map(|x| x.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let talos = s("talos_version").and_then(|v| match TalosVersion::parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.push(
                    Diagnostic::error("Invalid Talos version", e.to_string())
                        .at(AttributePath::attr("talos_version")),
                );
                None
            }
        });
        let cilium = s("cilium_version").and_then(|v| match CiliumVersion::parse(&v) {
            Ok(c) => Some(c),
            Err(e) => {
                diags.push(
                    Diagnostic::error("Invalid Cilium version", e.to_string())
                        .at(AttributePath::attr("cilium_version")),
                );
                None
            }
        });
        let gateway_api_version =
            s("gateway_api_version").and_then(|g| match GatewayApiVersion::parse(&g) {
                Ok(v) => Some(v),
                Err(e) => {
                    diags.push(
                        Diagnostic::error("Invalid Gateway API version", e)
                            .at(AttributePath::attr("gateway_api_version")),
                    );
                    None
                }
            });
        // values: each document parsed the way Helm reads values files
        let mut docs = Vec::new();
        for (i, text) in strs(config.get("values")).iter().enumerate() {
            match yaml_to_json(text) {
                Ok(v) => docs.push(v),
                Err(e) => diags.push(
                    Diagnostic::error(
                        "Invalid values document",
                        format!("values[{i}] is not valid YAML: {e}"),
                    )
                    .at(AttributePath::attr("values").then_index(i)),
                ),
            }
        }
        let merged = rules::merge_values(&docs);
        // KubePrism as the machine configurations really have it
        let mut kubeprism = None;
        let mut machine_configs = Vec::new();
        for (i, text) in strs(config.get("machine_configurations"))
            .iter()
            .enumerate()
        {
            match kubeprism_of(text).and_then(|k| Ok((k, machine_config_of(text)?))) {
                Ok((k, c)) => {
                    kubeprism = kubeprism.or(Some(k));
                    machine_configs.push(c);
                }
                Err(e) => diags.push(
                    Diagnostic::error(
                        "Invalid machine configuration",
                        format!("machine_configurations[{i}]: {e}"),
                    )
                    .at(AttributePath::attr("machine_configurations").then_index(i)),
                ),
            }
        }
        let mut topology = Topology {
            platform: s("platform"),
            machine_configs,
            gateway_api_version,
            ..Default::default()
        };
        if let Some(nodes) = config.get("nodes").and_then(Value::as_elements) {
            for n in nodes {
                topology.nodes.push(Node {
                    address: n
                        .get("address")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    interfaces: strs(n.get("interfaces")),
                });
            }
        }
        // pools are flattened for the rules; remember where each CIDR came from
        let mut pool_origin = Vec::new();
        if let Some(pools) = config
            .get("load_balancer_ip_pools")
            .and_then(Value::as_elements)
        {
            for (p, pool) in pools.iter().enumerate() {
                for (c, cidr) in strs(pool.get("cidrs")).into_iter().enumerate() {
                    topology.lb_pool_cidrs.push(cidr);
                    pool_origin.push((p, c));
                }
            }
        }
        topology.l2_interfaces = strs(config.get("l2_announcement_interfaces"));
        for (i, text) in strs(config.get("manifests")).iter().enumerate() {
            match json_documents(text) {
                Ok(docs) => topology.manifests.push(docs),
                Err(e) => {
                    topology.manifests.push(Vec::new());
                    diags.push(
                        Diagnostic::error(
                            "Invalid manifest",
                            format!("manifests[{i}] is not valid YAML: {e}"),
                        )
                        .at(AttributePath::attr("manifests").then_index(i)),
                    );
                }
            }
        }
        if tfplugin::has_errors(&diags) {
            return (Value::Null, diags);
        }
        let input = RuleInput {
            talos_version: talos.as_ref(),
            cilium_version: cilium.as_ref(),
            kubeprism,
            topology: Some(&topology),
            values: &merged,
        };
        let findings = rules::run(&input);
        let fail_on = s("fail_on").unwrap_or_else(|| "error".into());
        for f in &findings {
            let fails = match fail_on.as_str() {
                "warning" => matches!(f.severity, Severity::Error | Severity::Warning),
                "none" => false,
                _ => f.severity == Severity::Error,
            };
            if f.severity == Severity::Info && !fails {
                continue;
            }
            let path = attribute_path(f, &docs, &pool_origin);
            let detail = format!(
                "{}\n\nRule {} ({}), at {}.",
                f.detail,
                f.code,
                f.severity.as_str(),
                f.path
            );
            let d = if fails {
                Diagnostic::error(&f.summary, detail)
            } else {
                Diagnostic::warning(&f.summary, detail)
            };
            diags.push(d.at(path));
        }
        let mut state = config;
        state.set("id", Value::string("cilium-validation"));
        state.set(
            "valid",
            Value::Bool(!findings.iter().any(|f| f.severity == Severity::Error)),
        );
        state.set(
            "findings",
            Value::List(findings.iter().map(finding_value).collect()),
        );
        (state, diags)
    }
}

fn finding_value(f: &Finding) -> Value {
    Value::object([
        ("code", Value::string(f.code)),
        ("severity", Value::string(f.severity.as_str())),
        ("summary", Value::string(&f.summary)),
        ("detail", Value::string(&f.detail)),
        ("path", Value::string(&f.path)),
    ])
}

/// The Terraform attribute a finding is about: for values keys, the document
/// that set the key; for pools, the pool and CIDR; otherwise the input named.
fn attribute_path(
    f: &Finding,
    docs: &[serde_json::Value],
    pool_origin: &[(usize, usize)],
) -> AttributePath {
    if let Some(rest) = f.path.strip_prefix("machine_configurations[")
        && let Some((i, _)) = rest.split_once(']')
        && let Ok(i) = i.parse::<usize>()
    {
        return AttributePath::attr("machine_configurations").then_index(i);
    }
    let (head, index) = split_index(&f.path);
    if head.starts_with("values.") {
        return values_attribute_path(head, docs);
    }
    match (head, index) {
        ("load_balancer_ip_pools", Some(i)) => match pool_origin.get(i) {
            Some((p, c)) => AttributePath::attr("load_balancer_ip_pools")
                .then_index(*p)
                .then_attr("cidrs")
                .then_index(*c),
            None => AttributePath::attr("load_balancer_ip_pools"),
        },
        (name, Some(i)) => AttributePath::attr(name).then_index(i),
        (name, None) => AttributePath::attr(name),
    }
}

/// `name[3]` → (`name`, Some(3)).
fn split_index(path: &str) -> (&str, Option<usize>) {
    match path.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
        Some((head, i)) => match i.parse() {
            Ok(n) => (head, Some(n)),
            Err(_) => (path, None),
        },
        None => (path, None),
    }
}

/// The `values[i]` attribute that set the key a `values.a.b` finding path names (the last
/// document that has it), or `values` itself.
pub(crate) fn values_attribute_path(
    finding_path: &str,
    docs: &[serde_json::Value],
) -> AttributePath {
    let key = finding_path.strip_prefix("values.").unwrap_or(finding_path);
    let parts: Vec<&str> = key.split('.').collect();
    match rules::values_origin(docs, &parts).or_else(|| docs.len().checked_sub(1)) {
        Some(i) => AttributePath::attr("values").then_index(i),
        None => AttributePath::attr("values"),
    }
}

/// One YAML document read as Helm reads a values file, as JSON.
pub(crate) fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    map_to_json(goyaml::parse_values(text).map_err(|e| e.to_string())?)
}

/// A values map as JSON (Helm's values are JSON-compatible).
pub(crate) fn map_to_json(map: goyaml::Map) -> Result<serde_json::Value, String> {
    let json = goyaml::to_json(&goyaml::Yaml::Map(map)).map_err(|e| e.to_string())?;
    serde_json::from_str(&json).map_err(|e| e.to_string())
}

/// A Talos machine configuration split into its documents, each as JSON
/// (empty documents dropped); the machine type comes from `machine.type`.
fn machine_config_of(text: &str) -> Result<MachineConfig, String> {
    Ok(MachineConfig::from_documents(json_documents(text)?))
}

/// Every non-empty YAML document of `text`, as JSON.
fn json_documents(text: &str) -> Result<Vec<serde_json::Value>, String> {
    let docs = goyaml::parse_documents(text.as_bytes(), &goyaml::Limits::default())
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in &docs {
        let json = goyaml::to_json(d).map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(out)
}

/// KubePrism as a Talos machine configuration has it: the `KubePrismConfig`
/// document (Talos 1.14+) or `machine.features.kubePrism` (legacy); absent
/// means off. Port 0 or unset means the default 7445.
/// Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/v1alpha1/v1alpha1_k8s_bridge.go
fn kubeprism_of(text: &str) -> Result<KubePrism, String> {
    let docs = goyaml::parse_documents(text.as_bytes(), &goyaml::Limits::default())
        .map_err(|e| e.to_string())?;
    let default_port = talos_cilium::facts::DEFAULT_KUBEPRISM_PORT;
    let port_of = |v: Option<&goyaml::Yaml>| -> u16 {
        match v {
            Some(goyaml::Yaml::Int(p)) if *p > 0 && *p <= 65535 => *p as u16,
            _ => default_port,
        }
    };
    for d in &docs {
        if d.get("kind").and_then(|k| k.as_str()) == Some("KubePrismConfig") {
            return Ok(KubePrism {
                enabled: true,
                port: port_of(d.get("port")),
            });
        }
    }
    for d in &docs {
        if let Some(kp) = d
            .get("machine")
            .and_then(|m| m.get("features"))
            .and_then(|f| f.get("kubePrism"))
        {
            let enabled = matches!(kp.get("enabled"), Some(goyaml::Yaml::Bool(true)));
            return Ok(KubePrism {
                enabled,
                port: port_of(kp.get("port")),
            });
        }
    }
    Ok(KubePrism {
        enabled: false,
        port: default_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeprism_is_read_from_both_formats() {
        let legacy = "version: v1alpha1\nmachine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n";
        assert_eq!(
            kubeprism_of(legacy).unwrap(),
            KubePrism {
                enabled: true,
                port: 7446
            }
        );
        let multi = "version: v1alpha1\nmachine: {}\n---\napiVersion: v1alpha1\nkind: KubePrismConfig\nport: 7447\n";
        assert_eq!(
            kubeprism_of(multi).unwrap(),
            KubePrism {
                enabled: true,
                port: 7447
            }
        );
        assert!(
            !kubeprism_of("version: v1alpha1\nmachine: {}\n")
                .unwrap()
                .enabled,
            "absent means off"
        );
        assert!(kubeprism_of("a: [").is_err());
    }

    #[test]
    fn machine_configs_are_split_into_documents() {
        let c = machine_config_of(
            "version: v1alpha1\nmachine:\n  type: controlplane\n---\napiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false\n---\n",
        )
        .unwrap();
        assert!(c.is_controlplane());
        assert_eq!(c.documents.len(), 2);
        assert_eq!(c.documents[1]["enabled"], serde_json::json!(false));
        assert!(machine_config_of("a: [").is_err());
    }

    #[test]
    fn finding_paths_map_to_attributes() {
        assert_eq!(
            split_index("l2_announcement_interfaces[2]"),
            ("l2_announcement_interfaces", Some(2))
        );
        assert_eq!(
            split_index("values.cgroup.hostRoot"),
            ("values.cgroup.hostRoot", None)
        );
    }
}

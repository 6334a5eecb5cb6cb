//! Data sources, one file each (same stem as the example, doc and acceptance test).
pub mod cilium_gateway_api_crds;
pub mod cilium_l2_announcement_policy;
pub mod cilium_lb_ip_pool;
pub mod cilium_validation;

use std::collections::BTreeMap;

use talos_cilium::Severity;
use talos_cilium::manifests::{InputProblem, Step};
use tfplugin::{AttributePath, Diagnostic, Value};

/// A manifest builder's problem as a diagnostic at its attribute. The path is
/// also written at the start of the detail, because Terraform shows
/// diagnostics of a data source read on the whole block.
pub(crate) fn input_problem_diagnostic(p: InputProblem) -> Diagnostic {
    let mut path: Option<AttributePath> = None;
    for step in &p.path {
        path = Some(match (path.take(), step) {
            (None, Step::Attr(a)) => AttributePath::attr(a),
            (Some(q), Step::Attr(a)) => q.then_attr(a),
            (Some(q), Step::Index(i)) => q.then_index(*i),
            (Some(q), Step::Key(k)) => q.then_key(k),
            (None, _) => continue,
        });
    }
    let detail = format!("{}: {}", p.path_string(), p.detail);
    let d = match p.severity {
        Severity::Error => Diagnostic::error(p.summary, detail),
        Severity::Warning | Severity::Info => Diagnostic::warning(p.summary, detail),
    };
    match path {
        Some(path) => d.at(path),
        None => d,
    }
}

/// A string attribute ("" when null).
pub(crate) fn string_of(config: &Value, name: &str) -> String {
    config
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A list of strings (None when null).
pub(crate) fn strings_of(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_elements).map(|e| {
        e.iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect()
    })
}

/// `match_labels` of a selector object attribute (None when the selector is null).
pub(crate) fn match_labels_of(config: &Value, name: &str) -> Option<BTreeMap<String, String>> {
    let sel = config.get(name).filter(|v| !v.is_null())?;
    let labels = match sel.get("match_labels") {
        Some(Value::Map(m)) | Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
        _ => BTreeMap::new(),
    };
    Some(labels)
}

/// The selector attribute shared by the manifest data sources.
pub(crate) fn selector_attribute(name: &str, what: &str) -> tfplugin::Attribute {
    tfplugin::Attribute::nested(
        name,
        tfplugin::Nesting::Single,
        vec![tfplugin::Attribute::new(
            "match_labels",
            tfplugin::Type::map(tfplugin::Type::String),
            tfplugin::Mode::Required,
            &format!(
                "Labels every selected {what} must have (`matchLabels`). Keys and values are checked against the \
                 Kubernetes label syntax. An empty map selects every {what}."
            ),
        )],
        tfplugin::Mode::Optional,
        &format!("Label selector of the {what}s this applies to. Unset: every {what}."),
    )
}

/// True when every named input is known all the way down.
pub(crate) fn inputs_known(config: &Value, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| config.get(n).is_none_or(Value::is_wholly_known))
}

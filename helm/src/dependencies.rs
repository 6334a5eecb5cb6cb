//! Which subcharts render: Helm's `processDependencyEnabled` for Chart.yaml `dependencies`
//! with `condition` and `tags`, evaluated on the coalesced values before rendering.
//!
//! * Every listed dependency starts enabled. `tags`: when some of its tags are set under
//!   the top-level `tags` map and none of those is `true` but one is `false`, it is
//!   disabled; a `true` tag enables it.
//! * `condition`: a comma-separated list of value paths; the first one that holds a boolean
//!   decides (overriding tags). Paths of a nested chart's dependencies are read under that
//!   chart's key (`sub.dep.enabled`).
//! * A disabled dependency is dropped from the chart (its templates do not render and its
//!   defaults are not coalesced); charts under `charts/` that Chart.yaml does not list always
//!   render. Matching is by name; `alias` is not applied.

use goyaml::{Map, Yaml};

use crate::Chart;

/// The chart with its disabled dependencies removed (recursively), or `None` when every
/// subchart renders (the common case: no copy is made).
pub fn enabled_chart(chart: &Chart, user: &Map) -> Result<Option<Chart>, String> {
    if !any_switch(chart) {
        return Ok(None);
    }
    let mut pruned = chart.clone();
    let values = crate::values::coalesce_chart(chart, user.clone())?;
    prune(&mut pruned, &values, "");
    Ok(Some(pruned))
}

/// Whether any chart in the tree has a dependency with a condition or tags.
fn any_switch(chart: &Chart) -> bool {
    chart
        .metadata
        .dependencies
        .iter()
        .any(|d| !d.condition.trim().is_empty() || !d.tags.is_empty())
        || chart.dependencies.iter().any(any_switch)
}

fn prune(chart: &mut Chart, top: &Map, path: &str) {
    let tags = match top.get("tags") {
        Some(Yaml::Map(t)) => Some(t),
        _ => None,
    };
    let mut disabled = Vec::new();
    for dep in &chart.metadata.dependencies {
        let mut enabled = true;
        if let Some(tags) = tags {
            let (mut has_true, mut has_false) = (false, false);
            for t in &dep.tags {
                match tags.get(t) {
                    Some(Yaml::Bool(true)) => has_true = true,
                    Some(Yaml::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            enabled = has_true || !has_false;
        }
        for cond in dep.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Yaml::Bool(b)) = path_value(top, &format!("{path}{cond}")) {
                enabled = *b;
                break;
            }
        }
        if !enabled {
            disabled.push(dep.name.clone());
        }
    }
    chart
        .dependencies
        .retain(|sub| !disabled.iter().any(|d| d == sub.name()));
    chart
        .metadata
        .dependencies
        .retain(|d| !disabled.contains(&d.name));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        prune(sub, top, &sub_path);
    }
}

/// Helm's `Values.PathValue`: the value at a dotted path, only when it is not a table.
fn path_value<'a>(values: &'a Map, path: &str) -> Option<&'a Yaml> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut table = values;
    for p in parts {
        match table.get(p) {
            Some(Yaml::Map(m)) => table = m,
            _ => return None,
        }
    }
    match table.get(last) {
        Some(Yaml::Map(_)) | None => None,
        Some(v) => Some(v),
    }
}

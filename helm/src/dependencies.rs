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
//!   defaults are not coalesced); charts under `charts/` that Chart.yaml does not list (or
//!   lists at a version range they do not satisfy) always render.
//! * `alias` renders a copy of the chart under the alias (values key, template paths,
//!   `.Chart.Name`); one chart may be listed twice under two aliases.
//! * Before any of this, every dependency the rendered chart lists must be under `charts/`
//!   ([`check_dependencies`]); after it, `import-values` are applied.

use goyaml::{Map, Yaml};

use crate::Chart;

/// Helm's `CheckDependencies` for the chart being rendered: every dependency Chart.yaml
/// lists must be present under `charts/` (by name).
pub fn check_dependencies(chart: &Chart) -> Result<(), String> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "chart dependencies are missing; run dependency update/build first: found in \
         Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    ))
}

/// The chart as Helm renders it after `processDependencyEnabled`: listed dependencies
/// matched by name and version range (renamed by `alias`), disabled ones removed,
/// recursively; `None` when no chart in the tree lists dependencies (no copy is made).
pub fn enabled_chart(chart: &Chart, user: &Map) -> Result<Option<Chart>, String> {
    if !lists_dependencies(chart) {
        return Ok(None);
    }
    let mut processed = chart.clone();
    process(&mut processed, user, "")?;
    import_values(&mut processed)?;
    Ok(Some(processed))
}

/// Helm's `processDependencyImportValues` (merge mode, as `helm template` runs it),
/// deepest charts first: each listed `import-values` entry copies the table at
/// `<dependency>.<child>` of the chart's merged values to `<parent>` (`.` is the top), and
/// the chart's defaults become its merged values with the imports under them (the chart's
/// own values win over imported ones). A child path that is not a table is skipped.
fn import_values(chart: &mut Chart) -> Result<(), String> {
    for sub in &mut chart.dependencies {
        import_values(sub)?;
    }
    if chart
        .metadata
        .dependencies
        .iter()
        .all(|d| d.import_values.is_empty())
    {
        return Ok(());
    }
    let cvals = crate::values::coalesce_chart(chart, Map::new())?;
    let mut imported = Map::new();
    for dep in &chart.metadata.dependencies {
        for (child, parent) in &dep.import_values {
            let Some(table) = table_at(&cvals, &format!("{}.{child}", dep.name)) else {
                continue;
            };
            let mut at = table.clone();
            if parent != "." {
                for part in parent.rsplit('.') {
                    at = Map::from([(part.to_string(), Yaml::Map(at))]);
                }
            }
            crate::values::merge_missing(&mut imported, &at);
        }
    }
    let mut values = cvals;
    crate::values::merge_missing(&mut values, &imported);
    chart.values = values;
    Ok(())
}

/// Helm's `Values.Table`: the table at a dotted path.
fn table_at<'a>(values: &'a Map, path: &str) -> Option<&'a Map> {
    let mut table = values;
    for part in path.split('.') {
        match table.get(part) {
            Some(Yaml::Map(m)) => table = m,
            _ => return None,
        }
    }
    Some(table)
}

fn lists_dependencies(chart: &Chart) -> bool {
    !chart.metadata.dependencies.is_empty() || chart.dependencies.iter().any(lists_dependencies)
}

/// Helm's `IsCompatibleRange`: `version` parses and satisfies `constraint`.
fn compatible(constraint: &str, version: &str) -> bool {
    match (
        sprig::semver::Constraints::parse(constraint),
        sprig::semver::Version::parse(version),
    ) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

fn process(chart: &mut Chart, values: &Map, path: &str) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    // Charts Chart.yaml does not list (or lists at another version) stay as they are; each
    // listed dependency takes a copy of its chart, renamed to the alias when it has one.
    let reqs = &chart.metadata.dependencies;
    let matches = |c: &Chart, r: &crate::chart::Dependency| {
        c.name() == r.name && compatible(&r.version, &c.metadata.version)
    };
    let mut subs: Vec<Chart> = chart
        .dependencies
        .iter()
        .filter(|c| !reqs.iter().any(|r| matches(c, r)))
        .cloned()
        .collect();
    for r in reqs {
        if let Some(c) = chart.dependencies.iter().find(|c| matches(c, r)) {
            let mut copy = c.clone();
            if !r.alias.is_empty() {
                copy.metadata.name = r.alias.clone();
                copy.metadata
                    .raw
                    .insert("name".into(), Yaml::String(r.alias.clone()));
            }
            subs.push(copy);
        }
    }
    for r in &mut chart.metadata.dependencies {
        if !r.alias.is_empty() {
            r.name = r.alias.clone();
        }
    }
    chart.dependencies = subs;

    // Conditions and tags are read from the values coalesced with this chart.
    let cvals = crate::values::coalesce_chart(chart, values.clone())?;
    let tags = match cvals.get("tags") {
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
            if let Some(Yaml::Bool(b)) = path_value(&cvals, &format!("{path}{cond}")) {
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
        process(sub, &cvals, &sub_path)?;
    }
    Ok(())
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

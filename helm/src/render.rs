//! Everything `helm template` does around template execution: options, the kubeVersion
//! check, coalescing and schema validation ([`prepare`]), and output assembly
//! ([`crate::output::assemble`]). Template execution itself joins here once the template
//! engine is wired in.

use goyaml::{Map, Yaml};

use crate::capabilities::{KubeVersion, check_kube_version};
use crate::chart::Chart;

/// Options of `helm template` that the renderer honours.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    /// `--kube-version`; `None` = Helm's default (v1.36.0).
    pub kube_version: Option<String>,
    /// `--api-versions`, appended verbatim to the defaults.
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub no_hooks: bool,
    pub skip_tests: bool,
    pub show_only: Vec<String>,
    pub is_upgrade: bool,
    pub skip_schema_validation: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".into(),
            namespace: "default".into(),
            kube_version: None,
            api_versions: Vec::new(),
            include_crds: false,
            no_hooks: false,
            skip_tests: false,
            show_only: Vec::new(),
            is_upgrade: false,
            skip_schema_validation: false,
        }
    }
}

/// What template execution starts from.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
    /// Chart defaults coalesced with the user values.
    pub values: Map,
}

/// Check the chart's kubeVersion, coalesce values and validate them against the schema,
/// in Helm's order; errors carry Helm's message text (without the `Error: ` prefix).
pub fn prepare(chart: &Chart, user: Map, opts: &RenderOptions) -> Result<Prepared, String> {
    let prepared = coalesce(chart, user, opts)?;
    // Validated in place (no copy of the whole tree), then taken back.
    let whole = Yaml::Map(prepared.values);
    let checked = check_schema(chart, opts, &whole);
    let Yaml::Map(values) = whole else {
        unreachable!("built as a map just above")
    };
    checked?;
    check_kube_version(&chart.metadata, &prepared.kube_version)?;
    Ok(Prepared { values, ..prepared })
}

/// The first step of [`prepare`]: the Kubernetes version parsed and the values coalesced,
/// neither schema nor kubeVersion checked yet.
pub fn coalesce(chart: &Chart, user: Map, opts: &RenderOptions) -> Result<Prepared, String> {
    let kube_version = match &opts.kube_version {
        Some(v) => KubeVersion::parse(v)?,
        None => KubeVersion::default(),
    };
    Ok(Prepared {
        api_versions: crate::capabilities::api_versions(&opts.api_versions),
        kube_version,
        values: crate::values::coalesce_chart(chart, user)?,
    })
}

/// Validate coalesced values (as one map) against the chart's values.schema.json, unless
/// the options skip it or the chart has none.
pub fn check_schema(chart: &Chart, opts: &RenderOptions, values: &Yaml) -> Result<(), String> {
    match &chart.schema {
        Some(schema) if !opts.skip_schema_validation => {
            crate::schema::validate_chart_values(chart.name(), schema, values)
        }
        _ => Ok(()),
    }
}

/// Every template of a chart and its subcharts under Helm's names
/// (`<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`) with its source.
pub fn template_sources(chart: &Chart) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect_templates(chart, chart.name(), &mut out);
    out
}

fn collect_templates(chart: &Chart, prefix: &str, out: &mut Vec<(String, String)>) {
    for t in &chart.templates {
        out.push((
            format!("{prefix}/{}", t.name),
            String::from_utf8_lossy(&t.data).into_owned(),
        ));
    }
    for sub in &chart.dependencies {
        collect_templates(sub, &format!("{prefix}/charts/{}", sub.name()), out);
    }
}

/// Helm's `sortTemplates`: the order templates are parsed and executed in — more `/` in
/// the name first, ties in reverse byte order.
pub fn parse_order(names: &mut [String]) {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

/// Whether a template is executed for output (partials `_*` are parsed only).
pub fn is_rendered(name: &str) -> bool {
    !name.rsplit('/').next().unwrap_or(name).starts_with('_')
}

/// Helm replaces the text `<no value>` in every rendered file.
pub fn scrub_no_value(rendered: &str) -> String {
    rendered.replace("<no value>", "")
}

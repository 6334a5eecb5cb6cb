//! `cilium_inline_manifest`: a Helm chart (Cilium by default) rendered natively at plan
//! time, with generated secrets kept stable across renders, and the Talos patches that
//! carry the result as an inline manifest.
//!
//! Stable secrets: everything the chart draws from randomness (`genCA`, `genSignedCert`,
//! `genPrivateKey`, `rand*`, `uuidv4`) goes through a recording generator. The records go
//! into the resource's private state (plan → apply → state) and are replayed by every later
//! render, keyed by function and arguments, so unrelated changes never rotate certificates.
//! `secrets_generation` discards them on purpose.
//!
//! Terraform plans every resource twice in `terraform apply` (once for the plan, once more
//! during apply, and the second plan must agree with the first), but hands the first plan's
//! private data to neither the second plan of a new resource nor of a rotation. So what one
//! plan generated is also kept, until it is replayed, in `<cache_dir>/pending/` (mode 0600,
//! removed after 24 hours), keyed by a digest of the inputs and of the prior records: the
//! second plan on the same machine replays it and agrees.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use sprig::{DefaultGenerator, OsSource, Record, Replay, SystemClock};
use talos_cilium::inline::{self, InlineFormat};
use talos_cilium::rules::{self, RuleInput};
use talos_cilium::{CiliumVersion, Severity, TalosVersion, facts};
use tfplugin::{
    ApplyRequest, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Mode, Nesting,
    PlanRequest, PlanResponse, Resource, Schema, StateResponse, Type, Value,
};

use crate::data_sources::cilium_validation::{map_to_json, values_attribute_path, yaml_to_json};
use crate::provider::{ProviderConfig, SharedConfig};

pub struct InlineManifest {
    config: SharedConfig,
}

impl InlineManifest {
    pub fn new(config: SharedConfig) -> InlineManifest {
        InlineManifest { config }
    }

    fn provider_config(&self) -> ProviderConfig {
        match self.config.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

pub const SCHEMA_VERSION: i64 = 0;

/// Attributes the provider computes.
const OUTPUTS: &[&str] = &[
    "id",
    "manifest",
    "patches",
    "sha256",
    "size_bytes",
    "patch_size_bytes",
    "objects",
    "chart_version",
    "chart_digest",
    "format",
    "certificates",
];

/// Chart the resource renders when `chart_name` is not set.
const DEFAULT_CHART: &str = "cilium";

fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("chart_name", Value::string(DEFAULT_CHART)),
        ("name", Value::string("cilium")),
        ("namespace", Value::string("kube-system")),
        ("secrets_generation", Value::int(0)),
    ]
}

fn object_type() -> Type {
    Type::object([
        ("kind", Type::String),
        ("namespace", Type::String),
        ("name", Type::String),
        ("sha256", Type::String),
    ])
}

fn certificate_type() -> Type {
    Type::object([
        ("function", Type::String),
        ("subject", Type::String),
        ("not_after", Type::String),
    ])
}

/// Certificates expiring within this many days are reported at every plan.
const EXPIRY_WARNING_DAYS: i64 = 30;

fn set_attrs() -> Vec<Attribute> {
    vec![
        Attribute::new(
            "name",
            Type::String,
            Mode::Required,
            "Value path as `--set` takes it, e.g. `hubble.relay.enabled` or `ipam.operator.clusterPoolIPv4PodCIDRList[0]`.",
        ),
        Attribute::new("value", Type::String, Mode::Required, "The value."),
        Attribute::new(
            "type",
            Type::String,
            Mode::Optional,
            "How `value` is read: `auto` (default, like `--set`: `true`, `1`, `null` are typed), `string` \
             (`--set-string`), `json` (`--set-json`) or `literal` (`--set-literal`).",
        ),
    ]
}

impl Resource for InlineManifest {
    fn type_name(&self) -> &str {
        "cilium_inline_manifest"
    }

    fn schema(&self) -> Schema {
        let str_list = Type::list(Type::String);
        Schema::new(
            SCHEMA_VERSION,
            "A Helm chart (the Cilium chart by default) rendered natively at plan time, byte-identical to \
             `helm template`, with Talos-specific checks of the values, certificates and keys generated once and \
             kept stable across plans, and the Talos machine-configuration patches that deliver the result as an \
             inline manifest. The chart is fetched from the repository once and served from the provider's cache \
             afterwards.",
            vec![
                Attribute::new(
                    "version",
                    Type::String,
                    Mode::Required,
                    "Chart version, e.g. `1.18.5` (exact), or a constraint such as `~1.18` (resolved to the newest \
                     match; see `chart_version`).",
                ),
                Attribute::new(
                    "values",
                    str_list.clone(),
                    Mode::Optional,
                    "Values files (YAML), later wins, e.g. `[cilium_talos_patch.this.helm_values, file(\"cilium.yaml\")]`.",
                ),
                Attribute::nested(
                    "set",
                    Nesting::List,
                    set_attrs(),
                    Mode::Optional,
                    "Single values, applied after `values` in order (as `--set` and friends).",
                ),
                Attribute::nested(
                    "set_sensitive",
                    Nesting::List,
                    set_attrs(),
                    Mode::Optional,
                    "Like `set`, for secrets: the values are not shown in plans.",
                )
                .sensitive(),
                Attribute::new(
                    "repository",
                    Type::String,
                    Mode::Optional,
                    "Chart repository URL. Defaults to the provider's `chart_repository`.",
                ),
                Attribute::new(
                    "chart",
                    Type::String,
                    Mode::Optional,
                    "A local chart directory or `.tgz` instead of the repository; its version must equal `version`.",
                ),
                Attribute::new(
                    "chart_name",
                    Type::String,
                    Mode::OptionalComputed,
                    "Chart name in the repository (default `cilium`). The Talos-specific checks of the values run \
                     only for the Cilium chart; other charts (a cloud controller manager, an operator) get the same \
                     rendering, cache and stable secrets.",
                ),
                Attribute::new(
                    "name",
                    Type::String,
                    Mode::OptionalComputed,
                    "Release name (default `cilium`); also the inline manifest's name in the Talos config.",
                ),
                Attribute::new(
                    "namespace",
                    Type::String,
                    Mode::OptionalComputed,
                    "Release namespace (default `kube-system`).",
                ),
                Attribute::new(
                    "talos_version",
                    Type::String,
                    Mode::Optional,
                    "Talos version of the control planes (e.g. `v1.13`). Selects the patch form \
                     (`cluster.inlineManifests` up to 1.13, `KubeInlineManifestConfig` from 1.14) and the default \
                     `kube_version` (the Kubernetes version that Talos version installs). Without it the legacy form \
                     is used, which every Talos 1.x reads.",
                ),
                Attribute::new(
                    "kube_version",
                    Type::String,
                    Mode::Optional,
                    "Kubernetes version for `.Capabilities.KubeVersion`. Default: the default of `talos_version`, \
                     else Helm's (v1.36.0).",
                ),
                Attribute::new(
                    "api_versions",
                    str_list.clone(),
                    Mode::Optional,
                    "Extra API versions for `.Capabilities.APIVersions` (`group/version` or `group/version/Kind`). \
                     `gateway.networking.k8s.io/v1/GatewayClass` is added by itself when the Cilium values enable \
                     `gatewayAPI`, so the GatewayClass is rendered.",
                ),
                Attribute::new(
                    "secrets_generation",
                    Type::Number,
                    Mode::OptionalComputed,
                    "Change this number to rotate everything the chart generates (CA, certificates, keys, random \
                     strings). Default `0`. Other changes never rotate them.",
                ),
                Attribute::new(
                    "delivery",
                    Type::String,
                    Mode::Optional,
                    "How the machine configuration reaches the nodes, for the size check: `talos_api` (32 MiB), \
                     `maintenance_mode` (Talos API before install, 4 MiB), `oci_user_data` (Oracle Cloud metadata, \
                     32,000 bytes), `hcloud_user_data` (Hetzner, 32 KiB). When set, a patch too large for it is a \
                     warning at every plan; when not set, the transports it exceeds are listed once, when the \
                     resource is created.",
                ),
                Attribute::new("id", Type::String, Mode::Computed, "SHA-256 of `manifest`."),
                Attribute::new(
                    "manifest",
                    Type::String,
                    Mode::Computed,
                    "The rendered manifest (`helm template` output). Sensitive: it holds generated keys.",
                )
                .sensitive(),
                Attribute::new(
                    "patches",
                    str_list,
                    Mode::Computed,
                    "Talos machine-configuration patches carrying the manifest, for the control planes' \
                     `config_patches`. Sensitive: they embed the keys.",
                )
                .sensitive(),
                Attribute::new(
                    "sha256",
                    Type::String,
                    Mode::Computed,
                    "SHA-256 (hex) of `manifest`.",
                ),
                Attribute::new(
                    "size_bytes",
                    Type::Number,
                    Mode::Computed,
                    "Size of `manifest` in bytes.",
                ),
                Attribute::new(
                    "patch_size_bytes",
                    Type::Number,
                    Mode::Computed,
                    "Size of the patch in bytes (what the manifest adds to a machine configuration).",
                ),
                Attribute::new(
                    "objects",
                    Type::list(object_type()),
                    Mode::Computed,
                    "The rendered objects in output order: `kind`, `namespace`, `name`, `sha256` of the document. \
                     Not sensitive, so plans show what changes without showing keys.",
                ),
                Attribute::new(
                    "certificates",
                    Type::list(certificate_type()),
                    Mode::Computed,
                    "Certificates the chart generated (`genCA`, `genSignedCert`, `genSelfSignedCert`): the \
                     function, the subject's common name and `not_after` (RFC 3339). Certificates expiring within \
                     30 days are reported as warnings; change `secrets_generation` to rotate them.",
                ),
                Attribute::new(
                    "chart_version",
                    Type::String,
                    Mode::Computed,
                    "The chart version rendered.",
                ),
                Attribute::new(
                    "chart_digest",
                    Type::String,
                    Mode::Computed,
                    "SHA-256 of the chart archive rendered (empty for a chart directory).",
                ),
                Attribute::new(
                    "format",
                    Type::String,
                    Mode::Computed,
                    "Patch form: `legacy` (`cluster.inlineManifests`) or `multidoc` (`KubeInlineManifestConfig`).",
                ),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut d = Vec::new();
        if let Some(Value::String(v)) = config.get("talos_version")
            && let Err(e) = TalosVersion::parse(v)
        {
            d.push(
                Diagnostic::error("Invalid Talos version", e.to_string())
                    .at(AttributePath::attr("talos_version")),
            );
        }
        for attr in ["set", "set_sensitive"] {
            for (i, item) in elements(config, attr).iter().enumerate() {
                if let Some(Value::String(t)) = item.get("type")
                    && !matches!(t.as_str(), "auto" | "string" | "json" | "literal")
                {
                    d.push(
                        Diagnostic::error(
                            "Invalid set type",
                            format!("{t:?} is not one of auto, string, json, literal."),
                        )
                        .at(AttributePath::attr(attr).then_index(i).then_attr("type")),
                    );
                }
            }
        }
        if let Some(Value::String(v)) = config.get("delivery")
            && inline::transport(v).is_none()
        {
            let known: Vec<&str> = inline::TRANSPORTS.iter().map(|t| t.delivery).collect();
            d.push(
                Diagnostic::error(
                    "Unknown delivery",
                    format!("{v:?} is not one of {}.", known.join(", ")),
                )
                .at(AttributePath::attr("delivery")),
            );
        }
        if let Some(Value::String(v)) = config.get("chart")
            && v.is_empty()
        {
            d.push(
                Diagnostic::error(
                    "Empty chart path",
                    "Give a chart directory or .tgz, or leave `chart` out to use the repository.",
                )
                .at(AttributePath::attr("chart")),
            );
        }
        d
    }

    fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        if req.proposed_new_state.is_null() {
            return PlanResponse::default();
        }
        let planned = super::with_defaults(req.proposed_new_state, defaults());
        if !inputs_known(&planned) {
            return PlanResponse {
                planned_state: planned.with_unknown(OUTPUTS),
                planned_private: req.prior_private,
                ..Default::default()
            };
        }
        let previous = if same_generation(&req.prior_state, &planned) {
            req.prior_private.clone()
        } else {
            Vec::new()
        };
        let cfg = self.provider_config();
        let creating = req.prior_state.is_null();
        match compute(ctx, &cfg, planned, &previous, creating) {
            Ok((state, records, diagnostics)) => PlanResponse {
                planned_state: state,
                planned_private: encode_records(&records),
                requires_replace: Vec::new(),
                diagnostics,
            },
            Err(diagnostics) => PlanResponse {
                diagnostics,
                ..Default::default()
            },
        }
    }

    fn apply(&self, ctx: &Ctx, req: ApplyRequest) -> StateResponse {
        if req.planned_state.is_null() {
            return StateResponse::default();
        }
        let outputs_known = OUTPUTS
            .iter()
            .all(|o| req.planned_state.get(o).is_some_and(|v| !v.is_unknown()));
        if outputs_known {
            // Rendered at plan time: the planned state and records are final.
            return StateResponse {
                new_state: req.planned_state,
                private: req.planned_private,
                diagnostics: Vec::new(),
            };
        }
        let previous = if same_generation(&req.prior_state, &req.planned_state) {
            req.planned_private.clone()
        } else {
            Vec::new()
        };
        let cfg = self.provider_config();
        // size notes were shown at plan time
        match compute(ctx, &cfg, req.planned_state, &previous, false) {
            Ok((state, records, diagnostics)) => StateResponse {
                new_state: state,
                private: encode_records(&records),
                diagnostics,
            },
            Err(diagnostics) => StateResponse {
                new_state: req.prior_state,
                private: Vec::new(),
                diagnostics,
            },
        }
    }
}

fn elements<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).and_then(Value::as_elements).unwrap_or(&[])
}

const INPUTS: &[&str] = &[
    "version",
    "values",
    "set",
    "set_sensitive",
    "repository",
    "chart",
    "chart_name",
    "name",
    "namespace",
    "talos_version",
    "kube_version",
    "api_versions",
    "secrets_generation",
    "delivery",
];

fn inputs_known(v: &Value) -> bool {
    INPUTS
        .iter()
        .all(|n| v.get(n).is_none_or(Value::is_wholly_known))
}

/// Whether the generated records of the prior state may be replayed: same resource, same
/// `secrets_generation`.
fn same_generation(prior: &Value, planned: &Value) -> bool {
    !prior.is_null() && prior.get("secrets_generation") == planned.get("secrets_generation")
}

fn encode_records(r: &[Record]) -> Vec<u8> {
    serde_json::to_vec(r).unwrap_or_default()
}

fn decode_records(b: &[u8]) -> Vec<Record> {
    if b.is_empty() {
        return Vec::new();
    }
    serde_json::from_slice(b).unwrap_or_default()
}

fn sha256_hex(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    d.iter().map(|x| format!("{x:02x}")).collect()
}

fn error_at(summary: &str, detail: impl Into<String>, attr: &str) -> Diagnostics {
    vec![Diagnostic::error(summary, detail).at(AttributePath::attr(attr))]
}

/// Fetches and renders the chart and fills every output.
fn compute(
    _ctx: &Ctx,
    cfg: &ProviderConfig,
    mut state: Value,
    prior_private: &[u8],
    creating: bool,
) -> Result<(Value, Vec<Record>, Diagnostics), Diagnostics> {
    let s = |n: &str| state.get(n).and_then(Value::as_str).map(str::to_string);
    let version = s("version").unwrap_or_default();
    let chart_name = s("chart_name").unwrap_or_else(|| DEFAULT_CHART.into());
    let release = s("name").unwrap_or_else(|| "cilium".into());
    let namespace = s("namespace").unwrap_or_else(|| "kube-system".into());
    let talos = match s("talos_version") {
        Some(t) => Some(
            TalosVersion::parse(&t)
                .map_err(|e| error_at("Invalid Talos version", e.to_string(), "talos_version"))?,
        ),
        None => None,
    };
    let mut diags = Vec::new();

    // The chart.
    let (chart, digest) = match s("chart") {
        Some(path) => {
            let chart = helm::Chart::load(&path)
                .map_err(|e| error_at("Cannot load chart", format!("{path}: {e}"), "chart"))?;
            if chart.metadata.version != version.trim_start_matches('v') {
                return Err(error_at(
                    "Chart version differs",
                    format!(
                        "The chart at {path} is version {}, but `version` is {version:?}. Set `version` to the \
                         chart's version.",
                        chart.metadata.version
                    ),
                    "version",
                ));
            }
            let digest = if std::path::Path::new(&path).is_file() {
                std::fs::read(&path)
                    .map(|b| sha256_hex(&b))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            (chart, digest)
        }
        None => {
            let repo = s("repository").unwrap_or_else(|| cfg.chart_repository.clone());
            let mut rc = helm::repo::RepoConfig::new(cfg.cache_dir.clone());
            rc.offline = cfg.offline;
            let client = helm::repo::RepoClient::new(rc)
                .map_err(|e| error_at("Chart cache unusable", e.to_string(), "repository"))?;
            let fetched = client.fetch(&repo, &chart_name, &version).map_err(|e| {
                error_at(
                    "Cannot fetch chart",
                    format!("{e}\n\nNothing was changed. Check the repository URL and version, or set the provider's `offline`/`cache_dir` to use charts fetched before."),
                    "version",
                )
            })?;
            let chart = helm::Chart::load(&fetched.path)
                .map_err(|e| error_at("Cannot load chart", e.to_string(), "version"))?;
            (chart, fetched.digest)
        }
    };
    let cilium = chart_name == DEFAULT_CHART;

    // Values.
    let docs: Vec<String> = elements(&state, "values")
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect();
    let mut vb = helm::ValuesBuilder::new();
    let mut json_docs = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        match yaml_to_json(d) {
            Ok(j) => json_docs.push(j),
            Err(e) => {
                return Err(vec![
                    Diagnostic::error(
                        "Invalid values",
                        format!("values[{i}] is not a YAML map: {e}"),
                    )
                    .at(AttributePath::attr("values").then_index(i)),
                ]);
            }
        }
        vb = vb.file(format!("values[{i}]"), d.clone());
    }
    for attr in ["set", "set_sensitive"] {
        for (i, item) in elements(&state, attr).iter().enumerate() {
            let name = item.get("name").and_then(Value::as_str).unwrap_or("");
            let value = item.get("value").and_then(Value::as_str).unwrap_or("");
            let expr = format!("{name}={value}");
            let t = item.get("type").and_then(Value::as_str).unwrap_or("auto");
            let add = |b: helm::ValuesBuilder| match t {
                "string" => b.set_string(expr.clone()),
                "json" => b.set_json(expr.clone()),
                "literal" => b.set_literal(expr.clone()),
                _ => b.set(expr.clone()),
            };
            // each entry on its own first, so a bad one is reported where it is
            if let Err(e) = add(helm::ValuesBuilder::new()).build(&mut |p| Err(p.to_string())) {
                return Err(vec![
                    Diagnostic::error("Invalid set entry", e)
                        .at(AttributePath::attr(attr).then_index(i)),
                ]);
            }
            vb = add(vb);
        }
    }
    let user = vb
        .build(&mut |p| Err(format!("--set-file is not available here ({p})")))
        .map_err(|e| error_at("Invalid values", e, "values"))?;

    // Talos checks of the Cilium values.
    let merged_user = map_to_json(user.clone()).unwrap_or(serde_json::Value::Null);
    let mut gateway_api = false;
    if cilium {
        let cv = CiliumVersion::parse(&chart.metadata.version).ok();
        let input = RuleInput {
            talos_version: talos.as_ref(),
            cilium_version: cv.as_ref(),
            kubeprism: None,
            topology: None,
            values: &merged_user,
        };
        for f in rules::run(&input) {
            if f.severity == Severity::Info {
                continue;
            }
            let path = values_attribute_path(&f.path, &json_docs);
            let detail = format!("{}\n\nRule {} at {}.", f.detail, f.code, f.path);
            diags.push(
                match f.severity {
                    Severity::Error => Diagnostic::error(&f.summary, detail),
                    _ => Diagnostic::warning(&f.summary, detail),
                }
                .at(path),
            );
        }
        gateway_api = rules::lookup(&merged_user, &["gatewayAPI", "enabled"])
            == Some(&serde_json::Value::Bool(true));
    }
    // Keys the chart does not know (charts accept them silently).
    let defaults_json = map_to_json(chart.values.clone()).unwrap_or(serde_json::Value::Null);
    for (i, doc) in json_docs.iter().enumerate() {
        let unknown = inline::unknown_value_keys(&defaults_json, doc);
        if !unknown.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "Values the chart does not have",
                    format!(
                        "{} {} has no such key{}: {}. The chart ignores them; check the spelling and the chart's \
                         values.yaml for this version.",
                        chart.metadata.name,
                        chart.metadata.version,
                        if unknown.len() == 1 { "" } else { "s" },
                        unknown.join(", ")
                    ),
                )
                .at(AttributePath::attr("values").then_index(i)),
            );
        }
    }
    if tfplugin::has_errors(&diags) {
        return Err(diags);
    }

    // Render.
    let kube_version = s("kube_version").or_else(|| {
        talos
            .as_ref()
            .and_then(facts::talos_minor)
            .map(|m| format!("v{}", m.default_kubernetes))
    });
    let mut api_versions: Vec<String> = elements(&state, "api_versions")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    // Cilium renders its GatewayClass only when the API server announces it.
    // Source: https://github.com/cilium/cilium/blob/v1.18.0/install/kubernetes/cilium/templates/cilium-gateway-api-class.yaml
    const GATEWAY_CLASS: &str = "gateway.networking.k8s.io/v1/GatewayClass";
    if gateway_api && !api_versions.iter().any(|a| a == GATEWAY_CLASS) {
        api_versions.push(GATEWAY_CLASS.to_string());
    }
    let opts = helm::RenderOptions {
        release_name: release.clone(),
        namespace,
        kube_version,
        api_versions,
        ..helm::RenderOptions::default()
    };
    let pending_key = pending_key(&state, &digest, prior_private);
    let previous = match read_pending(cfg, &pending_key) {
        Some(records) => records,
        None => decode_records(prior_private),
    };
    let replay = Arc::new(Replay::new(
        Arc::new(DefaultGenerator::new(
            Arc::new(OsSource),
            Arc::new(SystemClock),
        )),
        previous,
    ));
    let rendered = helm::render(&chart, user, &opts, replay.clone()).map_err(|e| {
        error_at(
            "Chart rendering failed",
            format!("{} {}: {e}", chart.metadata.name, chart.metadata.version),
            "values",
        )
    })?;
    let manifest = rendered.manifest;
    let format = talos
        .as_ref()
        .map(InlineFormat::for_talos)
        .unwrap_or(InlineFormat::Legacy);
    let patch = inline::inline_manifest_patch(format, &release, &manifest);
    let delivery = s("delivery");
    if delivery.is_some() || creating {
        for f in inline::size_findings(patch.len() as u64, delivery.as_deref()) {
            let hint = if delivery.is_none() {
                " Set `delivery` to the transport you use to check only that one."
            } else {
                ""
            };
            diags.push(
                Diagnostic::warning(
                    &f.summary,
                    format!("{}{hint}\n\nRule {}.", f.detail, f.code),
                )
                .at(AttributePath::attr(if delivery.is_some() {
                    "delivery"
                } else {
                    "patches"
                })),
            );
        }
    }
    let sha = sha256_hex(manifest.as_bytes());
    let objects: Vec<Value> = rendered
        .manifests
        .iter()
        .map(|m| {
            Value::object([
                ("kind", Value::string(&m.kind)),
                ("namespace", Value::string(&m.namespace)),
                ("name", Value::string(&m.name)),
                ("sha256", Value::string(sha256_hex(m.content.as_bytes()))),
            ])
        })
        .collect();
    state.set("id", Value::string(&sha));
    state.set("sha256", Value::string(&sha));
    state.set("size_bytes", Value::int(manifest.len() as i64));
    state.set("patch_size_bytes", Value::int(patch.len() as i64));
    state.set("manifest", Value::string(manifest));
    state.set("patches", Value::List(vec![Value::string(patch)]));
    state.set("objects", Value::List(objects));
    state.set("chart_version", Value::string(&chart.metadata.version));
    state.set("chart_digest", Value::string(digest));
    state.set("format", Value::string(format.as_str()));
    let records = replay.records();
    let (certificates, expiry) = certificates(&records);
    diags.extend(expiry);
    state.set("certificates", Value::List(certificates));
    if !records.is_empty() {
        write_pending(cfg, &pending_key, &records);
    }
    Ok((state, records, diags))
}

/// The generated certificates as values, and warnings for those expiring soon.
fn certificates(records: &[Record]) -> (Vec<Value>, Diagnostics) {
    let now = {
        use sprig::Clock;
        SystemClock.now().secs
    };
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for r in records {
        let sprig::generator::Output::Pair(pair) = &r.output else {
            continue;
        };
        let Ok(t) = sprig::pki::not_after(&pair.cert) else {
            continue;
        };
        let when = sprig::layout::format(t, "2006-01-02T15:04:05Z07:00");
        let subject = r.args.first().cloned().unwrap_or_default();
        if t.secs - now < EXPIRY_WARNING_DAYS * 86_400 {
            let state = if t.secs <= now {
                "has expired"
            } else {
                "expires soon"
            };
            diags.push(
                Diagnostic::warning(
                    format!("Generated certificate {state}"),
                    format!(
                        "The certificate {subject:?} ({}) is valid until {when}. Change `secrets_generation` to \
                         generate new certificates (the chart's CA and every certificate it signed are replaced).",
                        r.function
                    ),
                )
                .at(AttributePath::attr("secrets_generation")),
            );
        }
        out.push(Value::object([
            ("function", Value::string(&r.function)),
            ("subject", Value::string(subject)),
            ("not_after", Value::string(when)),
        ]));
    }
    (out, diags)
}

/// How long generated material waits in the cache for the second plan.
const PENDING_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Digest of everything that determines a render: the inputs, the chart, the prior records.
fn pending_key(state: &Value, chart_digest: &str, prior_private: &[u8]) -> String {
    let mut h = Sha256::new();
    for name in INPUTS {
        h.update(name.as_bytes());
        h.update(b"=");
        h.update(
            state
                .get(name)
                .map(|v| v.to_json().to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update(b"\n");
    }
    h.update(chart_digest.as_bytes());
    h.update(b"\n");
    h.update(Sha256::digest(prior_private));
    h.finalize().iter().map(|x| format!("{x:02x}")).collect()
}

/// Time since `path` was last written.
fn age(path: &std::path::Path) -> Option<std::time::Duration> {
    std::fs::metadata(path)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()
}

fn pending_path(cfg: &ProviderConfig, key: &str) -> std::path::PathBuf {
    cfg.cache_dir.join("pending").join(format!("{key}.json"))
}

fn read_pending(cfg: &ProviderConfig, key: &str) -> Option<Vec<Record>> {
    let path = pending_path(cfg, key);
    if age(&path).is_none_or(|a| a >= PENDING_TTL) {
        return None;
    }
    serde_json::from_slice(&std::fs::read(&path).ok()?).ok()
}

/// Best effort: without it, a second plan of a new resource would generate new material.
fn write_pending(cfg: &ProviderConfig, key: &str, records: &[Record]) {
    let dir = cfg.cache_dir.join("pending");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    // drop what is past its time
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if age(&e.path()).is_some_and(|a| a >= PENDING_TTL) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let path = pending_path(cfg, key);
    let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts.open(&tmp).and_then(|mut f| {
        use std::io::Write;
        f.write_all(&encode_records(records))?;
        f.sync_all()
    });
    if written.is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
}

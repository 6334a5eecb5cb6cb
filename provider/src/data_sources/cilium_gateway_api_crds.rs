//! `cilium_gateway_api_crds`: the Gateway API CRD bundle a Cilium version needs, downloaded
//! from the upstream release through the provider's cache (pinned or trusted on first use)
//! and wrapped as a Talos inline manifest. The facts and checks are
//! `talos_cilium::gateway_api`; the download is `helm::repo::RepoClient::fetch_url`.

use helm::repo::{RepoClient, RepoConfig, RepoError};
use talos_cilium::gateway_api::{
    self, Channel, GatewayApiIssue, GatewayApiNeed, GatewayApiVersion, INLINE_MANIFEST_NAME,
    TLSROUTE_CRD,
};
use talos_cilium::inline::{InlineFormat, inline_manifest_patch};
use talos_cilium::{CiliumVersion, Severity, TalosVersion};
use tfplugin::{
    Attribute, AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, Mode, Schema, Type, Value,
};

use super::inputs_known;
use crate::provider::{ProviderConfig, SharedConfig};

/// Largest accepted bundle. The experimental-install.yaml of Gateway API v1.3.0 is about
/// 1 MB; the limit leaves room for growth and stops a wrong URL from filling the cache.
pub const MAX_BUNDLE_BYTES: u64 = 16 << 20;

pub struct GatewayApiCrds {
    config: SharedConfig,
}

impl GatewayApiCrds {
    pub fn new(config: SharedConfig) -> GatewayApiCrds {
        GatewayApiCrds { config }
    }

    fn provider_config(&self) -> ProviderConfig {
        match self.config.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

const INPUTS: &[&str] = &[
    "cilium_version",
    "gateway_api_version",
    "channel",
    "sha256",
    "talos_version",
];

/// The inputs, checked, with the defaults filled in.
struct Chosen {
    version: GatewayApiVersion,
    channel: Channel,
    need: Option<GatewayApiNeed>,
    pin: Option<String>,
    format: InlineFormat,
    /// Warnings (and errors) about the combination.
    issues: Vec<GatewayApiIssue>,
}

fn at(severity: Severity, attr: &str, summary: &str, detail: impl AsRef<str>) -> Diagnostic {
    // The attribute starts the detail: Terraform shows read diagnostics on the whole block.
    let detail = format!("{attr}: {}", detail.as_ref());
    let d = match severity {
        Severity::Error => Diagnostic::error(summary, detail),
        Severity::Warning | Severity::Info => Diagnostic::warning(summary, detail),
    };
    d.at(AttributePath::attr(attr))
}

fn err(attr: &str, summary: &str, detail: impl AsRef<str>) -> Diagnostic {
    at(Severity::Error, attr, summary, detail)
}

fn opt_str(config: &Value, name: &str) -> Option<String> {
    config.get(name).and_then(Value::as_str).map(str::to_string)
}

/// Checks the inputs; `Err` holds only errors.
fn choose(config: &Value) -> Result<Chosen, Diagnostics> {
    let mut errors = Vec::new();
    let cilium = match CiliumVersion::parse(&opt_str(config, "cilium_version").unwrap_or_default())
    {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(err(
                "cilium_version",
                "Invalid Cilium version",
                e.to_string(),
            ));
            None
        }
    };
    let need = cilium.as_ref().and_then(gateway_api::gateway_api_for);
    let version = match opt_str(config, "gateway_api_version") {
        Some(v) => match GatewayApiVersion::parse(&v) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(err("gateway_api_version", "Invalid Gateway API version", e));
                None
            }
        },
        None => match (&need, &cilium) {
            (Some(n), _) => Some(n.version.clone()),
            (None, Some(c)) => {
                errors.push(err(
                    "gateway_api_version",
                    "Gateway API version needed",
                    format!(
                        "there is no recorded Gateway API version for Cilium {c} (facts start at {}.{}); set \
                         `gateway_api_version`.",
                        gateway_api::OLDEST_KNOWN_CILIUM.0,
                        gateway_api::OLDEST_KNOWN_CILIUM.1
                    ),
                ));
                None
            }
            (None, None) => None,
        },
    };
    let channel = match opt_str(config, "channel") {
        Some(c) => match Channel::parse(&c) {
            Some(c) => Some(c),
            None => {
                errors.push(err(
                    "channel",
                    "Invalid channel",
                    format!("{c:?} is not a Gateway API release channel: use \"standard\" or \"experimental\"."),
                ));
                None
            }
        },
        None => Some(need.as_ref().map_or(Channel::Standard, |n| n.channel)),
    };
    let pin = opt_str(config, "sha256").map(|s| s.trim().to_ascii_lowercase());
    if let Some(p) = &pin {
        let hex = p.strip_prefix("sha256:").unwrap_or(p);
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            errors.push(err(
                "sha256",
                "Invalid sha256",
                format!("{p:?} is not a sha256 digest (64 hex digits, `sha256:` prefix optional)."),
            ));
        }
    }
    let format = match opt_str(config, "talos_version") {
        Some(t) => match TalosVersion::parse(&t) {
            Ok(t) => InlineFormat::for_talos(&t),
            Err(e) => {
                errors.push(err("talos_version", "Invalid Talos version", e.to_string()));
                InlineFormat::Legacy
            }
        },
        None => InlineFormat::Legacy,
    };
    let (Some(cilium), Some(version), Some(channel)) = (cilium, version, channel) else {
        return Err(errors);
    };
    let issues = gateway_api::check(&cilium, &version, channel);
    errors.extend(
        issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| err(i.attribute, &i.summary, &i.detail)),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Chosen {
        version,
        channel,
        need,
        pin: pin.map(|p| p.trim_start_matches("sha256:").to_string()),
        format,
        issues,
    })
}

/// A download error as a diagnostic at the attribute that fixes it.
fn download_diagnostic(e: &RepoError, url: &str) -> Diagnostic {
    match e {
        RepoError::PinnedDigestMismatch { .. } => err(
            "sha256",
            "Gateway API CRDs do not match the pinned sha256",
            format!(
                "{e}. If {url} changed upstream, review the new file and update `sha256`; otherwise the server (or a \
                 mirror set with `gateway_api_base_url`) serves a different file than the one pinned."
            ),
        ),
        RepoError::OfflineFileMiss { .. } => err(
            "gateway_api_version",
            "Gateway API CRDs are not in the offline cache",
            format!(
                "{e}. Plan once with the provider's `offline = false` (environment `CILIUM_OFFLINE` unset) and the same \
                 `cache_dir`, or set `gateway_api_base_url` to a reachable mirror."
            ),
        ),
        _ => err(
            "gateway_api_version",
            "Cannot download the Gateway API CRDs",
            format!(
                "{e}\n\nCheck that the version is a release of kubernetes-sigs/gateway-api with this channel's file, \
                 that the network is reachable, or set the provider's `gateway_api_base_url` (environment \
                 `CILIUM_GATEWAY_API_BASE_URL`) to a mirror; with `offline = true` only cached files are used."
            ),
        ),
    }
}

impl DataSource for GatewayApiCrds {
    fn type_name(&self) -> &str {
        "cilium_gateway_api_crds"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            "The Gateway API CRDs a Cilium version needs, from the upstream kubernetes-sigs/gateway-api release \
             (`standard-install.yaml` or `experimental-install.yaml`), downloaded once into the provider's cache and \
             ready to be a Talos inline manifest next to Cilium's. The Cilium chart never ships these CRDs, and the \
             Cilium operator needs them before it starts. Defaults per Cilium minor: 1.14 v0.7.0, 1.15 v1.0.0, 1.16 \
             v1.1.0 (experimental channel: these need the TLSRoute CRD, which only the experimental bundle has before \
             v1.5.0), 1.17 v1.2.0 (experimental from 1.17.2, which waits for TLSRoute, cilium/cilium#38420), 1.18 \
             v1.3.0, 1.19 v1.4.0, 1.20 v1.6.1 (standard channel). Known-bad combinations are errors, e.g. Cilium 1.19 \
             with Gateway API v1.5.0+ standard crashes the operator (cilium/cilium#44920). Talos applies the CRDs of \
             inline manifests before their other objects (Namespaces, then CRDs, then the rest), so nothing needs \
             ordering against the Cilium manifest. Without `sha256` the first download of a URL is trusted and reused \
             from the cache from then on (trust on first use); the digest is reported in `sha256` so it can be pinned.",
            vec![
                Attribute::new(
                    "cilium_version",
                    Type::String,
                    Mode::Required,
                    "Cilium version the CRDs are for, e.g. `1.18.5`.",
                ),
                Attribute::new(
                    "gateway_api_version",
                    Type::String,
                    Mode::OptionalComputed,
                    "Gateway API release, e.g. `v1.3.0`. Default: the version the Cilium minor was tested with. Other \
                     versions give a warning, and errors where they are known to break Cilium.",
                ),
                Attribute::new(
                    "channel",
                    Type::String,
                    Mode::OptionalComputed,
                    "`standard` or `experimental`: which release bundle. Default: `experimental` where Cilium needs the \
                     TLSRoute CRD and the Gateway API version has it only there, else `standard`.",
                ),
                Attribute::new(
                    "sha256",
                    Type::String,
                    Mode::OptionalComputed,
                    "sha256 of the bundle file. Set it to pin the download: a cached file with this digest is used \
                     without network, and a download with another digest is an error. Unset: the digest of the file \
                     downloaded (or cached for this URL) is reported here.",
                ),
                Attribute::new(
                    "talos_version",
                    Type::String,
                    Mode::Optional,
                    "Talos version of the control planes (e.g. `v1.13`); selects the patch form: \
                     `cluster.inlineManifests` up to 1.13, a `KubeInlineManifestConfig` document from 1.14. Without it \
                     the legacy form is used, which every Talos 1.x reads.",
                ),
                Attribute::new(
                    "manifest",
                    Type::String,
                    Mode::Computed,
                    "The CRD bundle as published (YAML, several documents).",
                ),
                Attribute::new(
                    "patches",
                    Type::list(Type::String),
                    Mode::Computed,
                    "Talos machine-configuration patches carrying the bundle as the inline manifest \
                     `gateway-api-crds`, for the control planes' `config_patches`.",
                ),
                Attribute::new(
                    "crds",
                    Type::list(Type::String),
                    Mode::Computed,
                    "Names of the CustomResourceDefinitions in the bundle, e.g. \
                     `gatewayclasses.gateway.networking.k8s.io`.",
                ),
                Attribute::new(
                    "url",
                    Type::String,
                    Mode::Computed,
                    "Where the bundle was downloaded from (or would be, when it came from the cache).",
                ),
                Attribute::new(
                    "id",
                    Type::String,
                    Mode::Computed,
                    "`<gateway_api_version>/<channel>/<sha256>`.",
                ),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        // Errors here point at the attribute's line; read() reports warnings.
        if !inputs_known(config, INPUTS) {
            return Vec::new();
        }
        choose(config).err().unwrap_or_default()
    }

    fn read(&self, _ctx: &Ctx, config: Value) -> (Value, Diagnostics) {
        let chosen = match choose(&config) {
            Ok(c) => c,
            Err(d) => return (Value::Null, d),
        };
        let mut diags: Diagnostics = chosen
            .issues
            .iter()
            .map(|i| at(i.severity, i.attribute, &i.summary, &i.detail))
            .collect();
        let cfg = self.provider_config();
        let url =
            gateway_api::bundle_url(&cfg.gateway_api_base_url, &chosen.version, chosen.channel);
        let mut rc = RepoConfig::new(cfg.cache_dir.clone());
        rc.offline = cfg.offline;
        let fetched = RepoClient::new(rc)
            .and_then(|c| c.fetch_url(&url, chosen.pin.as_deref(), MAX_BUNDLE_BYTES));
        let fetched = match fetched {
            Ok(f) => f,
            Err(e) => {
                diags.push(download_diagnostic(&e, &url));
                return (Value::Null, diags);
            }
        };
        let manifest = match std::fs::read(&fetched.path).map(String::from_utf8) {
            Ok(Ok(m)) => m,
            Ok(Err(_)) => {
                diags.push(err(
                    "gateway_api_version",
                    "Gateway API bundle is not text",
                    format!("{url} (sha256 {}) is not UTF-8 YAML.", fetched.sha256),
                ));
                return (Value::Null, diags);
            }
            Err(e) => {
                diags.push(err(
                    "gateway_api_version",
                    "Cannot read the cached Gateway API bundle",
                    format!("{}: {e}", fetched.path.display()),
                ));
                return (Value::Null, diags);
            }
        };
        let crds = gateway_api::crd_names(&manifest);
        if crds.is_empty() {
            diags.push(err(
                "gateway_api_version",
                "Not a Gateway API CRD bundle",
                format!(
                    "{url} (sha256 {}) has no CustomResourceDefinition documents.",
                    fetched.sha256
                ),
            ));
            return (Value::Null, diags);
        }
        if let Some(need) = &chosen.need
            && need.tlsroute_required()
            && !crds.iter().any(|c| c == TLSROUTE_CRD)
        {
            diags.push(err(
                "channel",
                "The bundle lacks the TLSRoute CRD",
                format!(
                    "{} {url} has no {TLSROUTE_CRD}; use `channel = \"experimental\"`.",
                    need.reason
                ),
            ));
            return (Value::Null, diags);
        }
        let patch = inline_manifest_patch(chosen.format, INLINE_MANIFEST_NAME, &manifest);
        let version = chosen.version.to_string();
        let mut state = config;
        state.set("gateway_api_version", Value::string(version.clone()));
        state.set("channel", Value::string(chosen.channel.as_str()));
        state.set("sha256", Value::string(fetched.sha256.clone()));
        state.set("manifest", Value::String(manifest));
        state.set("patches", Value::List(vec![Value::String(patch)]));
        state.set(
            "crds",
            Value::List(crds.into_iter().map(Value::String).collect()),
        );
        state.set("url", Value::String(url));
        state.set(
            "id",
            Value::String(format!(
                "{version}/{}/{}",
                chosen.channel.as_str(),
                fetched.sha256
            )),
        );
        (state, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Value {
        let mut v = Value::object(
            INPUTS
                .iter()
                .chain(["manifest", "patches", "crds", "url", "id"].iter())
                .map(|n| (*n, Value::Null)),
        );
        for (k, val) in pairs {
            v.set(k, Value::string(*val));
        }
        v
    }

    fn paths(d: &Diagnostics) -> Vec<Option<AttributePath>> {
        d.iter().map(|d| d.path.clone()).collect()
    }

    #[test]
    fn defaults_follow_the_facts() {
        let c = choose(&config(&[("cilium_version", "1.16.5")])).unwrap();
        assert_eq!(c.version.to_string(), "v1.1.0");
        assert_eq!(c.channel, Channel::Experimental);
        assert_eq!(c.format, InlineFormat::Legacy);
        let c = choose(&config(&[
            ("cilium_version", "1.18.5"),
            ("talos_version", "v1.14"),
        ]))
        .unwrap();
        assert_eq!(c.channel, Channel::Standard);
        assert_eq!(c.format, InlineFormat::Multidoc);
    }

    #[test]
    fn errors_point_at_their_attribute() {
        let d = GatewayApiCrds::new(std::sync::Arc::new(std::sync::RwLock::new(
            ProviderConfig::from_env(),
        )))
        .validate(
            &Ctx::default(),
            &config(&[
                ("cilium_version", "1.19.2"),
                ("gateway_api_version", "v1.5.0"),
            ]),
        );
        assert_eq!(
            paths(&d),
            [Some(AttributePath::attr("gateway_api_version"))]
        );
        assert!(
            d[0].detail.contains("no matches for kind"),
            "{}",
            d[0].detail
        );
        let d = choose(&config(&[
            ("cilium_version", "1.x"),
            ("channel", "beta"),
            ("sha256", "abc"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            paths(&d),
            [
                Some(AttributePath::attr("cilium_version")),
                Some(AttributePath::attr("channel")),
                Some(AttributePath::attr("sha256")),
            ]
        );
        let d = choose(&config(&[("cilium_version", "1.13.4")]))
            .err()
            .unwrap();
        assert_eq!(
            paths(&d),
            [Some(AttributePath::attr("gateway_api_version"))]
        );
    }
}

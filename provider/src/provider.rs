//! The `cilium` provider: its configuration block and what it offers.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tfplugin::{
    Attribute, Ctx, DataSource, Diagnostic, Diagnostics, Function, Mode, Resource, Schema, Type,
    Value,
};

use crate::data_sources::cilium_gateway_api_crds::GatewayApiCrds;
use crate::data_sources::cilium_l2_announcement_policy::L2AnnouncementPolicy;
use crate::data_sources::cilium_lb_ip_pool::LbIpPool;
use crate::data_sources::cilium_validation::Validation;
use crate::functions::config_format::ConfigFormatFunction;
use crate::resources::cilium_inline_manifest::InlineManifest;
use crate::resources::cilium_talos_patch::TalosPatch;

/// Provider settings, each also readable from an environment variable.
pub struct Setting {
    pub name: &'static str,
    pub env: &'static str,
    pub ty: Type,
    pub description: &'static str,
}

/// The provider block's attributes (one table: schema, env lookup and docs).
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "chart_repository",
        env: "CILIUM_CHART_REPOSITORY",
        ty: Type::String,
        description: "Helm chart repository the Cilium chart is fetched from. Defaults to `https://helm.cilium.io`. \
                      Used by resources that render the chart.",
    },
    Setting {
        name: "cache_dir",
        env: "CILIUM_CACHE_DIR",
        ty: Type::String,
        description: "Directory of the content-addressed download cache (charts, CRD bundles). Defaults to \
                      `$XDG_CACHE_HOME/terraform-provider-cilium` (or `~/.cache/terraform-provider-cilium`).",
    },
    Setting {
        name: "offline",
        env: "CILIUM_OFFLINE",
        ty: Type::Bool,
        description: "When `true`, nothing is downloaded: charts must already be in the cache or given as local paths.",
    },
    Setting {
        name: "gateway_api_base_url",
        env: "CILIUM_GATEWAY_API_BASE_URL",
        ty: Type::String,
        description: "Where Gateway API release bundles are downloaded from: `<base>/<version>/standard-install.yaml` and \
                      `experimental-install.yaml`. Defaults to `https://github.com/kubernetes-sigs/gateway-api/releases/download`; \
                      set it to a mirror with the same layout.",
    },
];

/// Default chart repository of the Cilium project.
/// Source: https://docs.cilium.io/en/stable/installation/k8s-install-helm/
pub const DEFAULT_CHART_REPOSITORY: &str = "https://helm.cilium.io/";

/// The provider configuration after defaults and environment variables.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub chart_repository: String,
    pub cache_dir: PathBuf,
    pub offline: bool,
    pub gateway_api_base_url: String,
}

impl ProviderConfig {
    /// Defaults overridden by environment variables (before `configure` has run, e.g. in
    /// the `template` CLI).
    pub fn from_env() -> ProviderConfig {
        let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        ProviderConfig {
            chart_repository: env("CILIUM_CHART_REPOSITORY")
                .unwrap_or_else(|| DEFAULT_CHART_REPOSITORY.to_string()),
            cache_dir: env("CILIUM_CACHE_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(default_cache_dir),
            offline: env("CILIUM_OFFLINE")
                .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "TRUE" | "True")),
            gateway_api_base_url: env("CILIUM_GATEWAY_API_BASE_URL")
                .unwrap_or_else(|| talos_cilium::gateway_api::DEFAULT_BASE_URL.to_string()),
        }
    }
}

/// `$XDG_CACHE_HOME/terraform-provider-cilium`, else `~/.cache/terraform-provider-cilium`,
/// else a directory under the system temp dir.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir);
    base.join("terraform-provider-cilium")
}

/// Configuration shared by the provider and its resources (set by `configure`).
pub type SharedConfig = Arc<RwLock<ProviderConfig>>;

pub struct CiliumProvider {
    config: SharedConfig,
}

impl CiliumProvider {
    pub fn new() -> CiliumProvider {
        CiliumProvider {
            config: Arc::new(RwLock::new(ProviderConfig::from_env())),
        }
    }
}

impl tfplugin::Provider for CiliumProvider {
    fn type_name(&self) -> &str {
        "cilium"
    }

    fn schema(&self) -> Schema {
        let attrs = SETTINGS
            .iter()
            .map(|s| {
                Attribute::new(
                    s.name,
                    s.ty.clone(),
                    Mode::Optional,
                    &format!("{} Environment variable: `{}`.", s.description, s.env),
                )
            })
            .collect();
        Schema::new(
            0,
            "Settings shared by every resource of the provider.",
            attrs,
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut d = Vec::new();
        if let Some(Value::String(url)) = config.get("chart_repository")
            && !(url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("file://"))
        {
            d.push(
                Diagnostic::error(
                    "Invalid chart repository",
                    format!("{url:?} is not a repository URL: use https://… (or file:// for a local repository)."),
                )
                .at(tfplugin::AttributePath::attr("chart_repository")),
            );
        }
        d
    }

    fn configure(&self, _ctx: &Ctx, _terraform_version: &str, config: &Value) -> Diagnostics {
        let mut c = ProviderConfig::from_env();
        if let Some(Value::String(url)) = config.get("chart_repository") {
            c.chart_repository = url.clone();
        }
        if let Some(Value::String(dir)) = config.get("cache_dir") {
            c.cache_dir = PathBuf::from(dir);
        }
        if let Some(Value::Bool(b)) = config.get("offline") {
            c.offline = *b;
        }
        if let Some(Value::String(url)) = config.get("gateway_api_base_url") {
            c.gateway_api_base_url = url.clone();
        }
        match self.config.write() {
            Ok(mut g) => *g = c,
            Err(p) => *p.into_inner() = c,
        }
        Vec::new()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(TalosPatch),
            Arc::new(InlineManifest::new(self.config.clone())),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(Validation),
            Arc::new(LbIpPool),
            Arc::new(L2AnnouncementPolicy),
            Arc::new(GatewayApiCrds::new(self.config.clone())),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(ConfigFormatFunction)]
    }
}

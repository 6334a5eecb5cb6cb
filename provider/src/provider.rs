//! The `cilium` provider: its configuration block and what it offers.

use std::sync::Arc;

use tfplugin::{
    Attribute, Ctx, DataSource, Diagnostic, Diagnostics, Function, Mode, Resource, Schema, Type,
    Value,
};

use crate::data_sources::cilium_l2_announcement_policy::L2AnnouncementPolicy;
use crate::data_sources::cilium_lb_ip_pool::LbIpPool;
use crate::data_sources::cilium_validation::Validation;
use crate::functions::config_format::ConfigFormatFunction;
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
];

pub struct CiliumProvider;

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

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(TalosPatch)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(Validation),
            Arc::new(LbIpPool),
            Arc::new(L2AnnouncementPolicy),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(ConfigFormatFunction)]
    }
}

//! The traits a provider implements, and the per-call context.

use crate::diag::{Diagnostic, Diagnostics, FunctionError};
use crate::path::AttributePath;
use crate::schema::{FunctionSignature, Schema};
use crate::types::Type;
use crate::value::Value;
use async_trait::async_trait;
use std::any::Any;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub use tokio_util::sync::CancellationToken as Cancellation;

/// What the client (Terraform) said it supports, per call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCapabilities {
    /// The client accepts deferred responses.
    pub deferral_allowed: bool,
    /// The client supports write-only attributes.
    pub write_only_attributes_allowed: bool,
}

/// Why a change is deferred (only when [`ClientCapabilities::deferral_allowed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeferredReason {
    /// Resource configuration is not known yet.
    ResourceConfigUnknown,
    /// Provider configuration is not known yet.
    ProviderConfigUnknown,
    /// A prerequisite is missing.
    AbsentPrereq,
}

/// Data the provider returns from [`Provider::configure`], handed to every later call.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// Per-call context: cancellation, provider data, client capabilities.
#[derive(Clone)]
pub struct Context {
    pub(crate) cancel: CancellationToken,
    pub(crate) provider_data: Option<ProviderData>,
    pub(crate) client_capabilities: ClientCapabilities,
    pub(crate) rpc: &'static str,
}

impl Context {
    /// A context for tests or for calling handlers directly.
    pub fn new(cancel: CancellationToken, provider_data: Option<ProviderData>) -> Self {
        Self {
            cancel,
            provider_data,
            client_capabilities: ClientCapabilities::default(),
            rpc: "direct",
        }
    }

    /// Whether Terraform asked the provider to stop (StopProvider).
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Completes when Terraform asks the provider to stop; use it in `tokio::select!`.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await;
    }

    /// The cancellation token (clone it into spawned tasks).
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Returns an error diagnostic if the call was cancelled; use with `?` between steps.
    pub fn check_cancelled(&self) -> Result<(), Diagnostic> {
        if self.is_cancelled() {
            Err(Diagnostic::error(
                "Operation cancelled",
                "Terraform asked the provider to stop.",
            ))
        } else {
            Ok(())
        }
    }

    /// The data returned by [`Provider::configure`], if it has run and has type `T`.
    pub fn provider_data<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.provider_data
            .as_ref()
            .and_then(|d| Arc::clone(d).downcast::<T>().ok())
    }

    /// The client's capabilities for this call.
    pub fn client_capabilities(&self) -> ClientCapabilities {
        self.client_capabilities
    }

    /// Name of the RPC being served (for logs).
    pub fn rpc(&self) -> &'static str {
        self.rpc
    }
}

/// ConfigureProvider input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfigureRequest {
    /// Terraform's version string.
    pub terraform_version: String,
    /// Provider configuration (may contain unknowns).
    pub config: Value,
}

/// ConfigureProvider output.
#[derive(Default)]
pub struct ConfigureResponse {
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Data handed to all later calls through [`Context::provider_data`].
    pub provider_data: Option<ProviderData>,
}

/// PlanResourceChange input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlanRequest {
    /// State before the change; null on create.
    pub prior_state: Value,
    /// Terraform's proposal: config merged with prior state; null on destroy.
    pub proposed_new_state: Value,
    /// The configuration; null on destroy.
    pub config: Value,
    /// Private bytes stored with the prior state.
    pub prior_private: Vec<u8>,
    /// Provider meta configuration (null when the provider declares none).
    pub provider_meta: Value,
}

/// PlanResourceChange output.
#[derive(Debug, Clone, Default)]
pub struct PlanResponse {
    /// The planned state (unknowns for values known only after apply).
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private bytes carried to apply.
    pub planned_private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Set to defer the change.
    pub deferred: Option<DeferredReason>,
}

/// ApplyResourceChange input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApplyRequest {
    /// State before the change; null on create.
    pub prior_state: Value,
    /// The planned state; null on destroy.
    pub planned_state: Value,
    /// The configuration; null on destroy.
    pub config: Value,
    /// Private bytes from plan.
    pub planned_private: Vec<u8>,
    /// Provider meta configuration.
    pub provider_meta: Value,
}

/// ApplyResourceChange output.
#[derive(Debug, Clone, Default)]
pub struct ApplyResponse {
    /// The new state (null after destroy); must be wholly known.
    pub new_state: Value,
    /// Private bytes stored with the state.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ReadResource input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadRequest {
    /// The stored state.
    pub current_state: Value,
    /// Private bytes stored with the state.
    pub private: Vec<u8>,
    /// Provider meta configuration.
    pub provider_meta: Value,
}

/// ReadResource output.
#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// The refreshed state; null if the object is gone.
    pub new_state: Value,
    /// Private bytes to store.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Set to defer.
    pub deferred: Option<DeferredReason>,
}

/// ImportResourceState input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImportRequest {
    /// The id given to `terraform import` / an import block.
    pub id: String,
}

/// One imported object.
#[derive(Debug, Clone)]
pub struct ImportedResource {
    /// Resource type name.
    pub type_name: String,
    /// Its state (Terraform then calls ReadResource).
    pub state: Value,
    /// Private bytes.
    pub private: Vec<u8>,
}

/// ImportResourceState output.
#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    /// Imported objects.
    pub imported: Vec<ImportedResource>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Set to defer.
    pub deferred: Option<DeferredReason>,
}

/// UpgradeResourceState input: state stored under an older schema version.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpgradeStateRequest {
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state as JSON bytes.
    pub raw_json: Vec<u8>,
}

impl UpgradeStateRequest {
    /// Decodes the raw state with `old_type` (the type of the old schema
    /// version). Attributes absent from the state become null; attributes the
    /// type does not have are ignored.
    pub fn decode(&self, old_type: &Type) -> Result<Value, Diagnostics> {
        crate::codec::decode_state_json(&self.raw_json, old_type).map_err(|e| e.into_diagnostics())
    }

    /// The raw state parsed as generic JSON (numbers beyond f64 precision are rounded; use
    /// [`UpgradeStateRequest::decode`] to keep them exact).
    pub fn json(&self) -> Result<serde_json::Value, Diagnostics> {
        serde_json::from_slice(&self.raw_json)
            .map_err(|e| Diagnostic::error("Stored state is not valid JSON", e.to_string()).into())
    }
}

/// ReadDataSource input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadDataRequest {
    /// The configuration.
    pub config: Value,
    /// Provider meta configuration.
    pub provider_meta: Value,
}

/// ReadDataSource output.
#[derive(Debug, Clone, Default)]
pub struct ReadDataResponse {
    /// The data source's state.
    pub state: Value,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Set to defer.
    pub deferred: Option<DeferredReason>,
}

impl ConfigureRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(terraform_version: impl Into<String>, config: Value) -> Self {
        Self {
            terraform_version: terraform_version.into(),
            config,
        }
    }
}

impl PlanRequest {
    /// A request as Terraform would send it (for calling handlers in tests);
    /// `config` is also used as the proposed new state, private bytes are empty.
    pub fn new(prior_state: Value, config: Value) -> Self {
        Self {
            prior_state,
            proposed_new_state: config.clone(),
            config,
            prior_private: Vec::new(),
            provider_meta: Value::Null,
        }
    }

    /// The same request with an explicit proposed new state.
    #[must_use]
    pub fn with_proposed(mut self, proposed_new_state: Value) -> Self {
        self.proposed_new_state = proposed_new_state;
        self
    }

    /// The same request with prior private bytes.
    #[must_use]
    pub fn with_private(mut self, prior_private: Vec<u8>) -> Self {
        self.prior_private = prior_private;
        self
    }
}

impl ApplyRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(
        prior_state: Value,
        planned_state: Value,
        config: Value,
        planned_private: Vec<u8>,
    ) -> Self {
        Self {
            prior_state,
            planned_state,
            config,
            planned_private,
            provider_meta: Value::Null,
        }
    }
}

impl ReadRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(current_state: Value, private: Vec<u8>) -> Self {
        Self {
            current_state,
            private,
            provider_meta: Value::Null,
        }
    }
}

impl ImportRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }
}

impl ReadDataRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(config: Value) -> Self {
        Self {
            config,
            provider_meta: Value::Null,
        }
    }
}

impl UpgradeStateRequest {
    /// A request as Terraform would send it (for calling handlers in tests).
    pub fn new(version: i64, raw_json: impl Into<Vec<u8>>) -> Self {
        Self {
            version,
            raw_json: raw_json.into(),
        }
    }
}

/// A provider: its own schema and configuration, and the resources, data
/// sources and functions it offers.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider configuration schema.
    fn schema(&self) -> Schema;

    /// The provider_meta schema, if the provider has one.
    fn meta_schema(&self) -> Option<Schema> {
        None
    }

    /// Validates the provider configuration (may contain unknowns).
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures the provider; the returned data reaches all later calls.
    async fn configure(&self, _ctx: &Context, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse::default()
    }

    /// The managed resource types; called once when serving starts.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types; called once when serving starts.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// The provider functions; called once when serving starts.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `example_thing`.
    fn type_name(&self) -> &str;

    /// The current schema (its version is stored with the state).
    fn schema(&self) -> Schema;

    /// Validates configuration (may contain unknowns).
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plans a change. Default: the proposed new state, prior private bytes kept.
    ///
    /// `prior_state` is null on create. Destroy plans are made by Terraform
    /// itself (the server does not announce `plan_destroy`), but a null
    /// `proposed_new_state` should still plan null. When an input of a computed
    /// attribute is unknown, plan that attribute as [`Value::unknown`]; a known
    /// planned value must equal what `apply` returns.
    async fn plan(&self, _ctx: &Context, req: PlanRequest) -> PlanResponse {
        PlanResponse {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }
    }

    /// Applies a planned change. Default: the planned state becomes the new state
    /// (an error if it still holds unknowns).
    ///
    /// A null `planned_state` means destroy: return a null `new_state`. A null
    /// `prior_state` means create.
    async fn apply(&self, _ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let mut diagnostics = Diagnostics::new();
        if !req.planned_state.is_fully_known() {
            diagnostics.error(
                "Planned state has unknown values",
                format!(
                    "Resource {} has no apply step to compute them.",
                    self.type_name()
                ),
            );
        }
        ApplyResponse {
            new_state: req.planned_state,
            private: req.planned_private,
            diagnostics,
        }
    }

    /// Refreshes state. Default: unchanged. A null `new_state` tells Terraform
    /// the object is gone (it will plan to create it again).
    async fn read(&self, _ctx: &Context, req: ReadRequest) -> ReadResponse {
        ReadResponse {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }
    }

    /// Imports an existing object. Default: error "not importable".
    async fn import(&self, _ctx: &Context, _req: ImportRequest) -> ImportResponse {
        ImportResponse {
            diagnostics: Diagnostic::error(
                "Resource not importable",
                format!("{} does not support import.", self.type_name()),
            )
            .into(),
            ..Default::default()
        }
    }

    /// Upgrades state written with an older schema version to a value of the
    /// current schema. Only called when the stored version differs from the
    /// current one. Default: error.
    async fn upgrade_state(
        &self,
        _ctx: &Context,
        req: UpgradeStateRequest,
    ) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Unsupported state version",
            format!(
                "{} cannot upgrade state from schema version {} to {}.",
                self.type_name(),
                req.version,
                self.schema().version
            ),
        )
        .into())
    }
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// Full type name, e.g. `example_lookup`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Validates configuration (may contain unknowns).
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data source.
    async fn read(&self, ctx: &Context, req: ReadDataRequest) -> ReadDataResponse;
}

/// A provider function (`provider::NAME::fn(...)`).
#[async_trait]
pub trait Function: Send + Sync + 'static {
    /// Function name (without the provider prefix).
    fn name(&self) -> &str;

    /// Parameters, return type and documentation.
    fn signature(&self) -> FunctionSignature;

    /// Calls the function. Arguments are positional, variadic ones appended.
    async fn call(&self, ctx: &Context, args: Vec<Value>) -> Result<Value, FunctionError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block};

    struct R;

    #[async_trait]
    impl Resource for R {
        fn type_name(&self) -> &str {
            "t_r"
        }
        fn schema(&self) -> Schema {
            Schema::new(Block::new().attribute(Attribute::required("a", Type::String)))
        }
    }

    #[tokio::test]
    async fn defaults_and_constructors() {
        let ctx = Context::new(CancellationToken::new(), Some(Arc::new(5u32)));
        assert_eq!(ctx.provider_data::<u32>().as_deref(), Some(&5));
        assert!(ctx.provider_data::<String>().is_none());
        let cfg = Value::object([("a", Value::from("x"))]);
        let p = R
            .plan(
                &ctx,
                PlanRequest::new(Value::Null, cfg.clone()).with_private(b"p".to_vec()),
            )
            .await;
        assert_eq!(p.planned_state, cfg);
        assert_eq!(p.planned_private, b"p");
        let a = R
            .apply(
                &ctx,
                ApplyRequest::new(Value::Null, cfg.clone(), cfg.clone(), vec![]),
            )
            .await;
        assert!(a.diagnostics.is_empty());
        assert_eq!(a.new_state, cfg);
        let a = R
            .apply(
                &ctx,
                ApplyRequest::new(
                    Value::Null,
                    Value::object([("a", Value::unknown())]),
                    cfg.clone(),
                    vec![],
                ),
            )
            .await;
        assert!(a.diagnostics.has_errors());
        let r = R
            .read(&ctx, ReadRequest::new(cfg.clone(), b"q".to_vec()))
            .await;
        assert_eq!((r.new_state, r.private), (cfg.clone(), b"q".to_vec()));
        let i = R.import(&ctx, ImportRequest::new("id")).await;
        assert_eq!(
            i.diagnostics.iter().next().unwrap().summary,
            "Resource not importable"
        );
        let u = R
            .upgrade_state(&ctx, UpgradeStateRequest::new(0, "{}"))
            .await;
        assert!(u.is_err());
        let req = UpgradeStateRequest::new(0, r#"{"a":"x","old":1}"#);
        assert_eq!(
            req.decode(&Type::object([("a", Type::String)])).unwrap(),
            cfg
        );
        assert!(req.json().is_ok());
        assert!(ctx.check_cancelled().is_ok());
        ctx.cancellation_token().cancel();
        assert!(ctx.is_cancelled());
        assert!(ctx.check_cancelled().is_err());
    }
}

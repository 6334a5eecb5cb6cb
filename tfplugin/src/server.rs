//! gRPC services: the tfplugin6 provider mapped onto the traits, plus the
//! go-plugin controller, stdio and broker services.

use crate::codec::{self, CodecError};
use crate::diag::{Diagnostic, Diagnostics, FunctionError};
use crate::provider::{
    ApplyRequest, ClientCapabilities, ConfigureRequest, Context, DataSource, DeferredReason,
    Function, ImportRequest, PlanRequest, Provider, ProviderData, ReadDataRequest, ReadRequest,
    Resource, UpgradeStateRequest,
};
use crate::schema::{FunctionSignature, Schema};
use crate::types::Type;
use crate::value::Value;
use futures_util::FutureExt;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use tfplugin_proto::plugin;
use tfplugin_proto::tfplugin6 as pb;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

type Res<T> = Result<Response<T>, Status>;

/// Turns a panic payload into its message.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Runs a handler future, turning a panic into an error message (no backtrace).
async fn guarded<T>(rpc: &str, fut: impl Future<Output = T>) -> Result<T, Diagnostic> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(v) => Ok(v),
        Err(p) => {
            let msg = panic_message(p.as_ref());
            log::error!("internal error in {rpc}: {msg}");
            Err(Diagnostic::error(
                format!("internal error in {rpc}: {msg}"),
                "This is a bug in the provider.",
            ))
        }
    }
}

fn caps(c: Option<&pb::ClientCapabilities>) -> ClientCapabilities {
    c.map(|c| ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

/// Maps a deferral to the wire. Terraform rejects a deferral it did not
/// allow, so one returned without `deferral_allowed` is dropped and turned
/// into an error diagnostic naming the RPC.
fn deferred(
    d: Option<DeferredReason>,
    ctx: &Context,
    diags: &mut Diagnostics,
) -> Option<pb::Deferred> {
    use pb::deferred::Reason;
    let r = d?;
    if !ctx.client_capabilities().deferral_allowed {
        diags.error(
            format!("{}: deferral not allowed", ctx.rpc()),
            "The provider asked to defer this change, but Terraform did not enable deferrals \
             for this operation.",
        );
        return None;
    }
    Some(pb::Deferred {
        reason: match r {
            DeferredReason::ResourceConfigUnknown => Reason::ResourceConfigUnknown,
            DeferredReason::ProviderConfigUnknown => Reason::ProviderConfigUnknown,
            DeferredReason::AbsentPrereq => Reason::AbsentPrereq,
        } as i32,
    })
}

/// Encodes a provider-produced value; failures become an error diagnostic.
fn encode_out(
    v: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match codec::encode_dynamic(v, ty) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    format!("Provider produced an invalid {what}"),
                    format!("{}: {}", e.path, e.message),
                )
                .at(e.path),
            );
            None
        }
    }
}

fn decode_in(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match codec::decode_dynamic(dv, ty) {
        Ok(v) => Some(v),
        Err(CodecError { path, message }) => {
            let d = Diagnostic::error(format!("Invalid {what}"), format!("{path}: {message}"));
            diags.push(if path.is_root() { d } else { d.at(path) });
            None
        }
    }
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {name:?}."),
    )
    .into()
}

struct ResourceEntry {
    imp: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
}

struct DataSourceEntry {
    imp: Arc<dyn DataSource>,
    schema: Schema,
    ty: Type,
}

struct FunctionEntry {
    imp: Arc<dyn Function>,
    sig: FunctionSignature,
}

/// The tfplugin6.Provider service.
pub(crate) struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_type: Type,
    meta_schema: Option<Schema>,
    resources: BTreeMap<String, ResourceEntry>,
    data_sources: BTreeMap<String, DataSourceEntry>,
    functions: BTreeMap<String, FunctionEntry>,
    provider_data: RwLock<Option<ProviderData>>,
    stop: CancellationToken,
}

impl ProviderService {
    /// Collects schemas and implementations; fails if a schema is invalid.
    pub(crate) fn new(
        provider: Arc<dyn Provider>,
        stop: CancellationToken,
    ) -> Result<Self, String> {
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        let meta_schema = provider.meta_schema();
        let resources: BTreeMap<String, ResourceEntry> = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.value_type();
                (
                    r.type_name().to_string(),
                    ResourceEntry { imp: r, schema, ty },
                )
            })
            .collect();
        let data_sources: BTreeMap<String, DataSourceEntry> = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                let ty = schema.value_type();
                (
                    d.type_name().to_string(),
                    DataSourceEntry { imp: d, schema, ty },
                )
            })
            .collect();
        let functions = provider
            .functions()
            .into_iter()
            .map(|f| {
                let sig = f.signature();
                (f.name().to_string(), FunctionEntry { imp: f, sig })
            })
            .collect();
        let mut problems = Vec::new();
        let mut check = |what: &str, schema: &Schema| {
            if let Err(p) = schema.check() {
                problems.extend(p.into_iter().map(|m| format!("{what}: {m}")));
            }
        };
        check("provider", &provider_schema);
        if let Some(m) = &meta_schema {
            check("provider_meta", m);
        }
        for (k, e) in &resources {
            check(&format!("resource {k}"), &e.schema);
        }
        for (k, e) in &data_sources {
            check(&format!("data source {k}"), &e.schema);
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(Self {
            provider,
            provider_schema,
            provider_type,
            meta_schema,
            resources,
            data_sources,
            functions,
            provider_data: RwLock::new(None),
            stop,
        })
    }

    fn ctx(&self, rpc: &'static str, c: Option<&pb::ClientCapabilities>) -> Context {
        Context {
            cancel: self.stop.clone(),
            provider_data: self.provider_data.read().map(|g| g.clone()).unwrap_or(None),
            client_capabilities: caps(c),
            rpc,
        }
    }

    fn meta_type(&self) -> Type {
        self.meta_schema
            .as_ref()
            .map(Schema::value_type)
            .unwrap_or(Type::Dynamic)
    }

    fn decode_meta(&self, dv: Option<&pb::DynamicValue>, diags: &mut Diagnostics) -> Value {
        if self.meta_schema.is_none() {
            return Value::Null;
        }
        decode_in(dv, &self.meta_type(), "provider_meta", diags).unwrap_or(Value::Null)
    }
}

fn log_done(rpc: &str, type_name: &str, start: std::time::Instant, diags: &Diagnostics) {
    log::debug!(
        "{rpc} {type_name}: {} diagnostic(s), {:.1} ms",
        diags.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _r: Request<pb::get_metadata::Request>,
    ) -> Res<pb::get_metadata::Response> {
        use pb::get_metadata::{DataSourceMetadata, FunctionMetadata, ResourceMetadata};
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: vec![],
            data_sources: self
                .data_sources
                .keys()
                .map(|k| DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            resources: self
                .resources
                .keys()
                .map(|k| ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|k| FunctionMetadata { name: k.clone() })
                .collect(),
            ephemeral_resources: vec![],
        }))
    }

    async fn get_provider_schema(
        &self,
        _r: Request<pb::get_provider_schema::Request>,
    ) -> Res<pb::get_provider_schema::Response> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(self.provider_schema.to_proto()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.to_proto()))
                .collect(),
            diagnostics: vec![],
            provider_meta: self.meta_schema.as_ref().map(Schema::to_proto),
            server_capabilities: Some(server_capabilities()),
            functions: self
                .functions
                .iter()
                .map(|(k, e)| (k.clone(), e.sig.to_proto()))
                .collect(),
            ephemeral_resource_schemas: HashMap::new(),
        }))
    }

    async fn validate_provider_config(
        &self,
        r: Request<pb::validate_provider_config::Request>,
    ) -> Res<pb::validate_provider_config::Response> {
        const RPC: &str = "ValidateProviderConfig";
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(cfg) = decode_in(
            r.config.as_ref(),
            &self.provider_type,
            "provider configuration",
            &mut diags,
        ) {
            let ctx = self.ctx(RPC, None);
            match guarded(RPC, self.provider.validate(&ctx, &cfg)).await {
                Ok(d) => diags.extend(d),
                Err(d) => diags.push(d),
            }
        }
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        r: Request<pb::validate_resource_config::Request>,
    ) -> Res<pb::validate_resource_config::Response> {
        const RPC: &str = "ValidateResourceConfig";
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(e) => {
                if let Some(cfg) = decode_in(r.config.as_ref(), &e.ty, "configuration", &mut diags)
                {
                    let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
                    match guarded(RPC, e.imp.validate(&ctx, &cfg)).await {
                        Ok(d) => diags.extend(d),
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        r: Request<pb::validate_data_resource_config::Request>,
    ) -> Res<pb::validate_data_resource_config::Response> {
        const RPC: &str = "ValidateDataResourceConfig";
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        match self.data_sources.get(&r.type_name) {
            None => diags = unknown_type("data source", &r.type_name),
            Some(e) => {
                if let Some(cfg) = decode_in(r.config.as_ref(), &e.ty, "configuration", &mut diags)
                {
                    let ctx = self.ctx(RPC, None);
                    match guarded(RPC, e.imp.validate(&ctx, &cfg)).await {
                        Ok(d) => diags.extend(d),
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        r: Request<pb::upgrade_resource_state::Request>,
    ) -> Res<pb::upgrade_resource_state::Response> {
        const RPC: &str = "UpgradeResourceState";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded = None;
        let raw = r.raw_state.unwrap_or_default();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(_) if raw.json.is_empty() && !raw.flatmap.is_empty() => diags.error(
                "Unsupported state format",
                "Legacy flatmap state is not supported; only JSON state can be upgraded.",
            ),
            Some(e) => {
                let current = e.schema.version;
                let value = if raw.json.is_empty() {
                    Ok(Value::Null)
                } else if r.version == current {
                    codec::decode_state_json(&raw.json, &e.ty).map_err(CodecError::into_diagnostics)
                } else if r.version > current {
                    Err(Diagnostic::error(
                        "State written by a newer provider",
                        format!(
                            "{} state has schema version {}, this provider knows up to {current}. Upgrade the provider.",
                            r.type_name, r.version
                        ),
                    )
                    .into())
                } else {
                    let ctx = self.ctx(RPC, None);
                    let req = UpgradeStateRequest {
                        version: r.version,
                        raw_json: raw.json,
                    };
                    match guarded(RPC, e.imp.upgrade_state(&ctx, req)).await {
                        Ok(v) => v,
                        Err(d) => Err(d.into()),
                    }
                };
                match value {
                    Ok(v) => upgraded = encode_out(&v, &e.ty, "upgraded state", &mut diags),
                    Err(d) => diags.extend(d),
                }
            }
        }
        log_done(RPC, &r.type_name, start, &diags);
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _r: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Res<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: HashMap::new(),
            diagnostics: vec![],
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        _r: Request<pb::upgrade_resource_identity::Request>,
    ) -> Res<pb::upgrade_resource_identity::Response> {
        Err(Status::unimplemented("resource identity is not supported"))
    }

    async fn configure_provider(
        &self,
        r: Request<pb::configure_provider::Request>,
    ) -> Res<pb::configure_provider::Response> {
        const RPC: &str = "ConfigureProvider";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(cfg) = decode_in(
            r.config.as_ref(),
            &self.provider_type,
            "provider configuration",
            &mut diags,
        ) {
            let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
            let req = ConfigureRequest {
                terraform_version: r.terraform_version,
                config: cfg,
            };
            match guarded(RPC, self.provider.configure(&ctx, req)).await {
                Ok(resp) => {
                    diags.extend(resp.diagnostics);
                    if let Ok(mut g) = self.provider_data.write() {
                        *g = resp.provider_data;
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        log_done(RPC, "", start, &diags);
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        r: Request<pb::read_resource::Request>,
    ) -> Res<pb::read_resource::Response> {
        const RPC: &str = "ReadResource";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::read_resource::Response::default();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(e) => {
                let meta = self.decode_meta(r.provider_meta.as_ref(), &mut diags);
                if let Some(state) =
                    decode_in(r.current_state.as_ref(), &e.ty, "current state", &mut diags)
                {
                    let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
                    let req = ReadRequest {
                        current_state: state,
                        private: r.private,
                        provider_meta: meta,
                    };
                    match guarded(RPC, e.imp.read(&ctx, req)).await {
                        Ok(mut resp) => {
                            diags.extend(resp.diagnostics);
                            e.schema.block.null_write_only(&mut resp.new_state);
                            out.new_state =
                                encode_out(&resp.new_state, &e.ty, "new state", &mut diags);
                            out.private = resp.private;
                            out.deferred = deferred(resp.deferred, &ctx, &mut diags);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        log_done(RPC, &r.type_name, start, &diags);
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn plan_resource_change(
        &self,
        r: Request<pb::plan_resource_change::Request>,
    ) -> Res<pb::plan_resource_change::Response> {
        const RPC: &str = "PlanResourceChange";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::plan_resource_change::Response::default();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(e) => {
                let meta = self.decode_meta(r.provider_meta.as_ref(), &mut diags);
                let prior = decode_in(r.prior_state.as_ref(), &e.ty, "prior state", &mut diags);
                let proposed = decode_in(
                    r.proposed_new_state.as_ref(),
                    &e.ty,
                    "proposed new state",
                    &mut diags,
                );
                let config = decode_in(r.config.as_ref(), &e.ty, "configuration", &mut diags);
                if let (Some(prior), Some(proposed), Some(config)) = (prior, proposed, config) {
                    let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
                    let req = PlanRequest {
                        prior_state: prior,
                        proposed_new_state: proposed,
                        config,
                        prior_private: r.prior_private,
                        provider_meta: meta,
                    };
                    match guarded(RPC, e.imp.plan(&ctx, req)).await {
                        Ok(mut resp) => {
                            diags.extend(resp.diagnostics);
                            e.schema.block.null_write_only(&mut resp.planned_state);
                            out.planned_state =
                                encode_out(&resp.planned_state, &e.ty, "planned state", &mut diags);
                            out.requires_replace =
                                resp.requires_replace.iter().map(Into::into).collect();
                            out.planned_private = resp.planned_private;
                            out.deferred = deferred(resp.deferred, &ctx, &mut diags);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        log_done(RPC, &r.type_name, start, &diags);
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn apply_resource_change(
        &self,
        r: Request<pb::apply_resource_change::Request>,
    ) -> Res<pb::apply_resource_change::Response> {
        const RPC: &str = "ApplyResourceChange";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::apply_resource_change::Response::default();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(e) => {
                let meta = self.decode_meta(r.provider_meta.as_ref(), &mut diags);
                let prior = decode_in(r.prior_state.as_ref(), &e.ty, "prior state", &mut diags);
                let planned =
                    decode_in(r.planned_state.as_ref(), &e.ty, "planned state", &mut diags);
                let config = decode_in(r.config.as_ref(), &e.ty, "configuration", &mut diags);
                if let (Some(prior), Some(planned), Some(config)) = (prior, planned, config) {
                    let ctx = self.ctx(RPC, None);
                    let req = ApplyRequest {
                        prior_state: prior,
                        planned_state: planned,
                        config,
                        planned_private: r.planned_private,
                        provider_meta: meta,
                    };
                    match guarded(RPC, e.imp.apply(&ctx, req)).await {
                        Ok(mut resp) => {
                            diags.extend(resp.diagnostics);
                            e.schema.block.null_write_only(&mut resp.new_state);
                            out.new_state =
                                encode_out(&resp.new_state, &e.ty, "new state", &mut diags);
                            out.private = resp.private;
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        log_done(RPC, &r.type_name, start, &diags);
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn import_resource_state(
        &self,
        r: Request<pb::import_resource_state::Request>,
    ) -> Res<pb::import_resource_state::Response> {
        const RPC: &str = "ImportResourceState";
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::import_resource_state::Response::default();
        match self.resources.get(&r.type_name) {
            None => diags = unknown_type("resource", &r.type_name),
            Some(e) => {
                let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
                match guarded(RPC, e.imp.import(&ctx, ImportRequest { id: r.id })).await {
                    Ok(resp) => {
                        diags.extend(resp.diagnostics);
                        out.deferred = deferred(resp.deferred, &ctx, &mut diags);
                        for imp in resp.imported {
                            let Some(target) = self.resources.get(&imp.type_name) else {
                                diags.extend(unknown_type("resource", &imp.type_name));
                                continue;
                            };
                            let state =
                                encode_out(&imp.state, &target.ty, "imported state", &mut diags);
                            out.imported_resources.push(
                                pb::import_resource_state::ImportedResource {
                                    type_name: imp.type_name,
                                    state,
                                    private: imp.private,
                                    identity: None,
                                },
                            );
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn move_resource_state(
        &self,
        r: Request<pb::move_resource_state::Request>,
    ) -> Res<pb::move_resource_state::Response> {
        let r = r.into_inner();
        let diags: Diagnostics = Diagnostic::error(
            "Move not supported",
            format!(
                "{} cannot be moved from {} ({}).",
                r.target_type_name, r.source_type_name, r.source_provider_address
            ),
        )
        .into();
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        r: Request<pb::read_data_source::Request>,
    ) -> Res<pb::read_data_source::Response> {
        const RPC: &str = "ReadDataSource";
        let start = std::time::Instant::now();
        let r = r.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::read_data_source::Response::default();
        match self.data_sources.get(&r.type_name) {
            None => diags = unknown_type("data source", &r.type_name),
            Some(e) => {
                let meta = self.decode_meta(r.provider_meta.as_ref(), &mut diags);
                if let Some(cfg) = decode_in(r.config.as_ref(), &e.ty, "configuration", &mut diags)
                {
                    let ctx = self.ctx(RPC, r.client_capabilities.as_ref());
                    let req = ReadDataRequest {
                        config: cfg,
                        provider_meta: meta,
                    };
                    match guarded(RPC, e.imp.read(&ctx, req)).await {
                        Ok(resp) => {
                            diags.extend(resp.diagnostics);
                            out.state = encode_out(&resp.state, &e.ty, "state", &mut diags);
                            out.deferred = deferred(resp.deferred, &ctx, &mut diags);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        log_done(RPC, &r.type_name, start, &diags);
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        r: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Res<pb::validate_ephemeral_resource_config::Response> {
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: unknown_type("ephemeral resource", &r.into_inner().type_name)
                    .to_proto(),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        r: Request<pb::open_ephemeral_resource::Request>,
    ) -> Res<pb::open_ephemeral_resource::Response> {
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: unknown_type("ephemeral resource", &r.into_inner().type_name).to_proto(),
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        r: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Res<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: unknown_type("ephemeral resource", &r.into_inner().type_name).to_proto(),
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        r: Request<pb::close_ephemeral_resource::Request>,
    ) -> Res<pb::close_ephemeral_resource::Response> {
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: unknown_type("ephemeral resource", &r.into_inner().type_name).to_proto(),
        }))
    }

    async fn get_functions(
        &self,
        _r: Request<pb::get_functions::Request>,
    ) -> Res<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self
                .functions
                .iter()
                .map(|(k, e)| (k.clone(), e.sig.to_proto()))
                .collect(),
            diagnostics: vec![],
        }))
    }

    async fn call_function(
        &self,
        r: Request<pb::call_function::Request>,
    ) -> Res<pb::call_function::Response> {
        const RPC: &str = "CallFunction";
        let r = r.into_inner();
        let fe = |e: FunctionError| pb::FunctionError {
            text: e.text,
            function_argument: e.argument,
        };
        let Some(f) = self.functions.get(&r.name) else {
            return Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(fe(FunctionError::new(format!(
                    "unknown function {:?}",
                    r.name
                )))),
            }));
        };
        let mut args = Vec::with_capacity(r.arguments.len());
        for (i, a) in r.arguments.iter().enumerate() {
            let param = f.sig.parameters.get(i).or(f.sig.variadic.as_ref());
            let Some(param) = param else {
                return Ok(Response::new(pb::call_function::Response {
                    result: None,
                    error: Some(fe(FunctionError::new(format!(
                        "too many arguments: {} takes {}",
                        r.name,
                        f.sig.parameters.len()
                    )))),
                }));
            };
            match codec::decode_dynamic(Some(a), &param.ty) {
                Ok(v) => args.push(v),
                Err(e) => {
                    return Ok(Response::new(pb::call_function::Response {
                        result: None,
                        error: Some(fe(FunctionError::argument(i as i64, e.to_string()))),
                    }));
                }
            }
        }
        if args.len() < f.sig.parameters.len() {
            return Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(fe(FunctionError::new(format!(
                    "not enough arguments: {} takes {}, got {}",
                    r.name,
                    f.sig.parameters.len(),
                    args.len()
                )))),
            }));
        }
        let ctx = self.ctx(RPC, None);
        let outcome = match guarded(RPC, f.imp.call(&ctx, args)).await {
            Ok(x) => x,
            Err(d) => Err(FunctionError::new(d.summary)),
        };
        let resp = match outcome {
            Ok(v) => match codec::encode_dynamic(&v, &f.sig.return_type) {
                Ok(dv) => pb::call_function::Response {
                    result: Some(dv),
                    error: None,
                },
                Err(e) => pb::call_function::Response {
                    result: None,
                    error: Some(fe(FunctionError::new(format!(
                        "function returned an invalid value: {e}"
                    )))),
                },
            },
            Err(e) => pb::call_function::Response {
                result: None,
                error: Some(fe(e)),
            },
        };
        Ok(Response::new(resp))
    }

    async fn stop_provider(
        &self,
        _r: Request<pb::stop_provider::Request>,
    ) -> Res<pb::stop_provider::Response> {
        log::info!("StopProvider: cancelling in-flight operations");
        self.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: false,
        move_resource_state: false,
    }
}

/// plugin.GRPCController: Shutdown asks the whole server to stop.
pub(crate) struct Controller {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _r: Request<plugin::Empty>) -> Res<plugin::Empty> {
        log::debug!("GRPCController.Shutdown: exiting");
        self.shutdown.cancel();
        Ok(Response::new(plugin::Empty {}))
    }
}

type BoxStream<T> = Pin<Box<dyn futures_util::Stream<Item = Result<T, Status>> + Send>>;

/// A stream that yields nothing and ends when `token` is cancelled.
fn idle_until<T: Send + 'static>(token: CancellationToken) -> BoxStream<T> {
    Box::pin(futures_util::stream::unfold(token, |t| async move {
        t.cancelled().await;
        None
    }))
}

/// plugin.GRPCStdio: logs go straight to stderr, so the stream stays open and empty.
pub(crate) struct Stdio {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl plugin::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<plugin::StdioData>;

    async fn stream_stdio(&self, _r: Request<()>) -> Res<Self::StreamStdioStream> {
        Ok(Response::new(idle_until(self.shutdown.clone())))
    }
}

/// plugin.GRPCBroker: Terraform opens the stream but never brokers; keep it open and idle.
pub(crate) struct Broker {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl plugin::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = BoxStream<plugin::ConnInfo>;

    async fn start_stream(
        &self,
        _r: Request<tonic::Streaming<plugin::ConnInfo>>,
    ) -> Res<Self::StartStreamStream> {
        Ok(Response::new(idle_until(self.shutdown.clone())))
    }
}

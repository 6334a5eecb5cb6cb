//! The tfplugin6 Provider service: decodes requests against the schemas, calls
//! the provider's traits on a blocking thread (panics become diagnostics, with
//! no backtrace), and encodes the answers.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tfplugin_proto::tfplugin6 as pb;
use tfplugin_proto::tfplugin6::provider_server::Provider as PbProvider;
use tonic::{Request, Response, Status};

use crate::api::{ApplyRequest, Ctx, DataSource, Function, PlanRequest, Provider, Resource};
use crate::codec;
use crate::diag::{Diagnostic, Diagnostics};
use crate::log;
use crate::value::{Type, Value};

pub(crate) struct Registry {
    provider: Box<dyn Provider>,
    /// GetProviderSchema's answer, built once (Terraform asks many times).
    schema_response: pb::get_provider_schema::Response,
    provider_type: Type,
    resources: BTreeMap<String, Registered<dyn Resource>>,
    data_sources: BTreeMap<String, Registered<dyn DataSource>>,
    functions: BTreeMap<String, Arc<dyn Function>>,
    cancel: Arc<AtomicBool>,
}

/// The implementation, the schema version and the value type.
type Parts<T> = (Arc<T>, i64, Arc<Type>);

/// A resource or data source with what every call needs from its schema,
/// derived once: the schema version and the value type values decode against.
struct Registered<T: ?Sized> {
    imp: Arc<T>,
    version: i64,
    ty: Arc<Type>,
    proto: pb::Schema,
}

impl<T: ?Sized> Registered<T> {
    fn new(imp: Arc<T>, schema: crate::Schema) -> Self {
        Registered {
            version: schema.version,
            ty: Arc::new(schema.value_type()),
            proto: schema.to_proto(),
            imp,
        }
    }
    /// What a handler takes: the implementation, the schema version, the value type.
    fn parts(&self) -> Parts<T> {
        (self.imp.clone(), self.version, self.ty.clone())
    }
}

/// The gRPC service implementation; build it with [`ProviderService::new`].
#[derive(Clone)]
pub struct ProviderService {
    reg: Arc<Registry>,
}

impl ProviderService {
    pub fn new<P: Provider>(provider: P) -> Self {
        let provider_type = provider.schema().value_type();
        let resources: BTreeMap<String, Registered<dyn Resource>> = provider
            .resources()
            .into_iter()
            .map(|r| {
                let s = r.schema();
                (r.type_name().to_string(), Registered::new(r, s))
            })
            .collect();
        let data_sources: BTreeMap<String, Registered<dyn DataSource>> = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let s = d.schema();
                (d.type_name().to_string(), Registered::new(d, s))
            })
            .collect();
        let functions: BTreeMap<String, Arc<dyn Function>> = provider
            .functions()
            .into_iter()
            .map(|f| (f.name().to_string(), f))
            .collect();
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(provider.schema().to_proto()),
            resource_schemas: resources
                .iter()
                .map(|(n, r)| (n.clone(), r.proto.clone()))
                .collect(),
            data_source_schemas: data_sources
                .iter()
                .map(|(n, d)| (n.clone(), d.proto.clone()))
                .collect(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(capabilities()),
            functions: functions
                .iter()
                .map(|(n, f)| (n.clone(), f.signature().to_proto()))
                .collect(),
            ephemeral_resource_schemas: Default::default(),
        };
        ProviderService {
            reg: Arc::new(Registry {
                provider: Box::new(provider),
                schema_response,
                provider_type,
                resources,
                data_sources,
                functions,
                cancel: Arc::new(AtomicBool::new(false)),
            }),
        }
    }

    fn ctx(&self) -> Ctx {
        Ctx::with_flag(self.reg.cancel.clone())
    }

    fn resource(&self, name: &str) -> Result<Parts<dyn Resource>, Diagnostics> {
        self.reg
            .resources
            .get(name)
            .map(Registered::parts)
            .ok_or_else(|| {
                vec![Diagnostic::error(
                    "Unknown resource type",
                    format!("This provider has no resource type {name:?}."),
                )]
            })
    }
    fn data_source(&self, name: &str) -> Result<Parts<dyn DataSource>, Diagnostics> {
        self.reg
            .data_sources
            .get(name)
            .map(Registered::parts)
            .ok_or_else(|| {
                vec![Diagnostic::error(
                    "Unknown data source",
                    format!("This provider has no data source {name:?}."),
                )]
            })
    }
}

/// Runs provider code on a blocking thread; a panic becomes an error diagnostic.
async fn run<R: Send + 'static>(
    rpc: &'static str,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Diagnostics> {
    log::trace("rpc started", &[("rpc", rpc)]);
    let out = tokio::task::spawn_blocking(move || catch_unwind(AssertUnwindSafe(f))).await;
    log::trace("rpc finished", &[("rpc", rpc)]);
    match out {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(payload)) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(vec![Diagnostic::error(
                format!("Internal error in {rpc}"),
                format!(
                    "The provider failed unexpectedly: {msg}\n\nThis is a bug in the provider; please report it."
                ),
            )])
        }
        Err(e) => Err(vec![Diagnostic::error(
            format!("Internal error in {rpc}"),
            e.to_string(),
        )]),
    }
}

fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let r = if !dv.msgpack.is_empty() {
        codec::decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        codec::decode_json(&dv.json, ty)
    } else {
        Ok(Value::Null)
    };
    r.map_err(|e| {
        vec![
            Diagnostic::error(
                format!("Invalid {what}"),
                format!("Could not decode the {what}: {}", e.message),
            )
            .at(e.path),
        ]
    })
}

fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    codec::encode_msgpack(v, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            vec![
                Diagnostic::error(
                    format!("Internal error encoding the {what}"),
                    format!("{}: {}", e.path, e.message),
                )
                .at(e.path),
            ]
        })
}

fn diags(d: &[Diagnostic]) -> Vec<pb::Diagnostic> {
    d.iter().map(Diagnostic::to_proto).collect()
}

/// Returns `$resp` with the diagnostics `$d` (a slice or Vec of Diagnostic).
macro_rules! bail {
    ($resp:expr, $d:expr) => {{
        let mut r = $resp;
        let d: &[Diagnostic] = &$d;
        r.diagnostics = diags(d);
        return Ok(Response::new(r));
    }};
}

macro_rules! tri {
    ($e:expr, $resp:expr) => {
        match $e {
            Ok(v) => v,
            Err(d) => bail!($resp, d),
        }
    };
}

#[tonic::async_trait]
impl PbProvider for ProviderService {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: self
                .reg
                .data_sources
                .keys()
                .map(|n| pb::get_metadata::DataSourceMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            resources: self
                .reg
                .resources
                .keys()
                .map(|n| pb::get_metadata::ResourceMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            functions: self
                .reg
                .functions
                .keys()
                .map(|n| pb::get_metadata::FunctionMetadata { name: n.clone() })
                .collect(),
            ephemeral_resources: Vec::new(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.reg.schema_response.clone()))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::validate_provider_config::Response::default();
        let config = tri!(
            decode(
                req.config.as_ref(),
                &self.reg.provider_type,
                "provider configuration"
            ),
            resp
        );
        let (svc, ctx) = (self.clone(), self.ctx());
        let d = tri!(
            run("ValidateProviderConfig", move || svc
                .reg
                .provider
                .validate(&ctx, &config))
            .await,
            resp
        );
        bail!(resp, d)
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::validate_resource_config::Response::default();
        let (res, _, ty) = tri!(self.resource(&req.type_name), resp);
        let config = tri!(decode(req.config.as_ref(), &ty, "configuration"), resp);
        let ctx = self.ctx();
        let d = tri!(
            run("ValidateResourceConfig", move || res
                .validate(&ctx, &config))
            .await,
            resp
        );
        bail!(resp, d)
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::validate_data_resource_config::Response::default();
        let (ds, _, ty) = tri!(self.data_source(&req.type_name), resp);
        let config = tri!(decode(req.config.as_ref(), &ty, "configuration"), resp);
        let ctx = self.ctx();
        let d = tri!(
            run("ValidateDataResourceConfig", move || ds
                .validate(&ctx, &config))
            .await,
            resp
        );
        bail!(resp, d)
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::upgrade_resource_state::Response::default();
        let (res, version, ty) = tri!(self.resource(&req.type_name), resp);
        let raw = req.raw_state.map(|r| r.json).unwrap_or_default();
        if raw.is_empty() {
            bail!(
                resp,
                [Diagnostic::error(
                    "Unsupported state format",
                    "Only JSON states can be upgraded (flatmap states predate Terraform 0.12)."
                )]
            );
        }
        let json: serde_json::Value = tri!(
            serde_json::from_slice(&raw).map_err(|e| vec![Diagnostic::error(
                "Invalid stored state",
                format!("The stored state is not JSON: {e}")
            )]),
            resp
        );
        let current = version;
        let upgraded = if req.version == current {
            json
        } else if req.version > current {
            bail!(
                resp,
                [Diagnostic::error(
                    "State written by a newer provider",
                    format!(
                        "The state of {} has schema version {}, newer than this provider's {current}. Use the provider version that wrote it.",
                        req.type_name, req.version
                    ),
                )]
            );
        } else {
            let (ctx, version) = (self.ctx(), req.version);
            let r = tri!(
                run("UpgradeResourceState", move || res
                    .upgrade_state(&ctx, version, json))
                .await,
                resp
            );
            tri!(r, resp)
        };
        let value = tri!(
            Value::from_json(&upgraded, &ty).map_err(|e| vec![
                Diagnostic::error(
                    "Invalid stored state",
                    format!(
                        "The upgraded state does not match the schema: {}",
                        e.message
                    )
                )
                .at(e.path)
            ]),
            resp
        );
        let mut r = resp;
        r.upgraded_state = Some(tri!(encode(&value, &ty, "upgraded state"), r));
        Ok(Response::new(r))
    }

    async fn upgrade_resource_identity(
        &self,
        _: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        Err(Status::unimplemented(
            "resource identity is not supported by this provider",
        ))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::configure_provider::Response::default();
        let config = tri!(
            decode(
                req.config.as_ref(),
                &self.reg.provider_type,
                "provider configuration"
            ),
            resp
        );
        let (svc, ctx, tfv) = (self.clone(), self.ctx(), req.terraform_version);
        let d = tri!(
            run("ConfigureProvider", move || svc
                .reg
                .provider
                .configure(&ctx, &tfv, &config))
            .await,
            resp
        );
        bail!(resp, d)
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::read_resource::Response::default();
        let (res, _, ty) = tri!(self.resource(&req.type_name), resp);
        let state = tri!(
            decode(req.current_state.as_ref(), &ty, "current state"),
            resp
        );
        let (ctx, private) = (self.ctx(), req.private);
        let out = tri!(
            run("ReadResource", move || res.read(&ctx, state, private)).await,
            resp
        );
        let mut r = resp;
        r.new_state = Some(tri!(encode(&out.new_state, &ty, "new state"), r));
        r.private = out.private;
        r.diagnostics = diags(&out.diagnostics);
        Ok(Response::new(r))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::plan_resource_change::Response::default();
        let (res, _, ty) = tri!(self.resource(&req.type_name), resp);
        let prior_state = tri!(decode(req.prior_state.as_ref(), &ty, "prior state"), resp);
        let proposed_new_state = tri!(
            decode(req.proposed_new_state.as_ref(), &ty, "proposed new state"),
            resp
        );
        let config = tri!(decode(req.config.as_ref(), &ty, "configuration"), resp);
        let pr = PlanRequest {
            prior_state,
            proposed_new_state,
            config,
            prior_private: req.prior_private,
        };
        let ctx = self.ctx();
        let out = tri!(
            run("PlanResourceChange", move || res.plan(&ctx, pr)).await,
            resp
        );
        let mut r = resp;
        r.planned_state = Some(tri!(encode(&out.planned_state, &ty, "planned state"), r));
        r.planned_private = out.planned_private;
        r.requires_replace = out
            .requires_replace
            .iter()
            .map(crate::AttributePath::to_proto)
            .collect();
        r.diagnostics = diags(&out.diagnostics);
        Ok(Response::new(r))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::apply_resource_change::Response::default();
        let (res, _, ty) = tri!(self.resource(&req.type_name), resp);
        let prior_state = tri!(decode(req.prior_state.as_ref(), &ty, "prior state"), resp);
        let planned_state = tri!(
            decode(req.planned_state.as_ref(), &ty, "planned state"),
            resp
        );
        let config = tri!(decode(req.config.as_ref(), &ty, "configuration"), resp);
        let ar = ApplyRequest {
            prior_state,
            planned_state,
            config,
            planned_private: req.planned_private,
        };
        let ctx = self.ctx();
        let out = tri!(
            run("ApplyResourceChange", move || res.apply(&ctx, ar)).await,
            resp
        );
        let mut r = resp;
        r.new_state = Some(tri!(encode(&out.new_state, &ty, "new state"), r));
        r.private = out.private;
        r.diagnostics = diags(&out.diagnostics);
        Ok(Response::new(r))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::import_resource_state::Response::default();
        let (res, _, ty) = tri!(self.resource(&req.type_name), resp);
        let (ctx, id) = (self.ctx(), req.id);
        let state = tri!(
            tri!(
                run("ImportResourceState", move || res.import(&ctx, &id)).await,
                resp
            ),
            resp
        );
        let mut r = resp;
        let enc = tri!(encode(&state, &ty, "imported state"), r);
        r.imported_resources
            .push(pb::import_resource_state::ImportedResource {
                type_name: req.type_name,
                state: Some(enc),
                private: Vec::new(),
                identity: None,
            });
        Ok(Response::new(r))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = req.into_inner();
        bail!(
            pb::move_resource_state::Response::default(),
            [Diagnostic::error(
                "Move not supported",
                format!(
                    "{} cannot be moved from {}.",
                    req.target_type_name, req.source_type_name
                )
            )]
        )
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let resp = pb::read_data_source::Response::default();
        let (ds, _, ty) = tri!(self.data_source(&req.type_name), resp);
        let config = tri!(decode(req.config.as_ref(), &ty, "configuration"), resp);
        let ctx = self.ctx();
        let (state, d) = tri!(
            run("ReadDataSource", move || ds.read(&ctx, config)).await,
            resp
        );
        let mut r = resp;
        if !crate::diag::has_errors(&d) {
            r.state = Some(tri!(encode(&state, &ty, "data source state"), r));
        }
        r.diagnostics = diags(&d);
        Ok(Response::new(r))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }
    async fn open_ephemeral_resource(
        &self,
        _: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }
    async fn renew_ephemeral_resource(
        &self,
        _: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }
    async fn close_ephemeral_resource(
        &self,
        _: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self
                .reg
                .functions
                .iter()
                .map(|(n, f)| (n.clone(), f.signature().to_proto()))
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        let fail = |text: String, argument: Option<i64>| {
            Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: argument,
                }),
            }))
        };
        let Some(f) = self.reg.functions.get(&req.name).cloned() else {
            return fail(format!("unknown function {:?}", req.name), None);
        };
        let sig = f.signature();
        let mut args = Vec::with_capacity(req.arguments.len());
        for (i, a) in req.arguments.iter().enumerate() {
            let ty = sig
                .parameters
                .get(i)
                .or(sig.variadic.as_ref())
                .map(|p| p.ty.clone())
                .unwrap_or(Type::Dynamic);
            match decode(Some(a), &ty, "argument") {
                Ok(v) => args.push(v),
                Err(d) => return fail(d[0].detail.clone(), Some(i as i64)),
            }
        }
        let ctx = self.ctx();
        let out = match run("CallFunction", move || f.call(&ctx, args)).await {
            Ok(r) => r,
            Err(d) => return fail(d[0].detail.clone(), None),
        };
        match out {
            Ok(v) => match encode(&v, &sig.returns, "function result") {
                Ok(dv) => Ok(Response::new(pb::call_function::Response {
                    result: Some(dv),
                    error: None,
                })),
                Err(d) => fail(d[0].detail.clone(), None),
            },
            Err(e) => fail(e.text, e.argument.map(|a| a as i64)),
        }
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        log::debug("StopProvider received: cancelling in-flight work", &[]);
        self.reg.cancel.store(true, Ordering::SeqCst);
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn capabilities() -> pb::ServerCapabilities {
    // get_provider_schema_optional: Terraform may reuse the schema it already has
    // instead of asking every new provider instance again.
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
    }
}

//! The traits a provider implements. Calls are synchronous and run on a
//! blocking thread; long work should check [`Ctx::is_cancelled`], which turns
//! true when Terraform sends StopProvider (e.g. on Ctrl-C).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diag::{Diagnostic, Diagnostics};
use crate::schema::{FunctionSignature, Schema};
use crate::value::Value;

/// Per-call context.
#[derive(Clone, Debug, Default)]
pub struct Ctx {
    cancelled: Arc<AtomicBool>,
}

impl Ctx {
    /// A context whose cancellation is driven by `flag`.
    pub fn with_flag(flag: Arc<AtomicBool>) -> Self {
        Ctx { cancelled: flag }
    }
    /// True once Terraform asked the provider to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Input of a plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// Null when the resource is being created.
    pub prior_state: Value,
    /// Null when the resource is being destroyed.
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

/// Output of a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub planned_private: Vec<u8>,
    /// Attribute paths whose change forces replacement.
    pub requires_replace: Vec<crate::AttributePath>,
    pub diagnostics: Diagnostics,
}

/// Input of an apply.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub prior_state: Value,
    /// Null when the resource is being destroyed.
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
}

/// Output of an apply (and of a read).
#[derive(Debug, Clone, Default)]
pub struct StateResponse {
    /// Null removes the resource from state.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// A managed resource type.
pub trait Resource: Send + Sync {
    /// Full type name, e.g. `cilium_talos_patch`.
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;

    /// Static checks of a configuration (values may be unknown).
    fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Vec::new()
    }

    /// Plans a change. The default accepts the proposed new state.
    fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        PlanResponse {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }
    }

    /// Carries out a planned change. The default stores the planned state.
    fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> StateResponse {
        StateResponse {
            new_state: req.planned_state,
            private: req.planned_private,
            diagnostics: Vec::new(),
        }
    }

    /// Refreshes the state. The default keeps it unchanged.
    fn read(&self, _ctx: &Ctx, state: Value, private: Vec<u8>) -> StateResponse {
        StateResponse {
            new_state: state,
            private,
            diagnostics: Vec::new(),
        }
    }

    /// Imports an existing object by ID. The default refuses.
    fn import(&self, _ctx: &Ctx, _id: &str) -> Result<Value, Diagnostics> {
        Err(vec![Diagnostic::error(
            "Import not supported",
            format!("The resource type {} cannot be imported.", self.type_name()),
        )])
    }

    /// Rewrites a state stored by schema `version` (JSON) into the current
    /// schema's shape (JSON). Called only when `version` differs from the
    /// current schema version.
    fn upgrade_state(
        &self,
        _ctx: &Ctx,
        version: i64,
        _state: serde_json::Value,
    ) -> Result<serde_json::Value, Diagnostics> {
        Err(vec![Diagnostic::error(
            "Unsupported state version",
            format!(
                "The state of {} was written with schema version {version}, which this provider version cannot upgrade.",
                self.type_name()
            ),
        )])
    }
}

/// A data source type.
pub trait DataSource: Send + Sync {
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Vec::new()
    }
    /// Reads the data; returns the full state object.
    fn read(&self, ctx: &Ctx, config: Value) -> (Value, Diagnostics);
}

/// An error from a provider function, optionally blaming one argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

/// A provider function, called as `provider::NAME::FUNCTION(...)`.
pub trait Function: Send + Sync {
    fn name(&self) -> &str;
    fn signature(&self) -> FunctionSignature;
    fn call(&self, ctx: &Ctx, args: Vec<Value>) -> Result<Value, FunctionError>;
}

/// A provider: its configuration and what it offers.
pub trait Provider: Send + Sync + 'static {
    /// Provider type name, e.g. `cilium`.
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Vec::new()
    }
    fn configure(&self, _ctx: &Ctx, _terraform_version: &str, _config: &Value) -> Diagnostics {
        Vec::new()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
}

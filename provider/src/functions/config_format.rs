//! `provider::cilium::config_format(talos_version)`: which machine-config form
//! a Talos version uses for Kubernetes settings.

use talos_cilium::TalosVersion;
use talos_cilium::facts::talos_multidoc_kube_config;
use tfplugin::{Ctx, Function, FunctionError, FunctionSignature, Parameter, Type, Value};

pub struct ConfigFormatFunction;

impl Function for ConfigFormatFunction {
    fn name(&self) -> &str {
        "config_format"
    }

    fn signature(&self) -> FunctionSignature {
        FunctionSignature {
            parameters: vec![Parameter {
                name: "talos_version".into(),
                ty: Type::String,
                description: "A Talos version such as `v1.13`, `1.14.0` or `v1.14.0-rc.1`.".into(),
                allow_null: false,
                allow_unknown: false,
            }],
            variadic: None,
            returns: Type::String,
            summary: "The machine-config form a Talos version uses for Kubernetes settings".into(),
            description: "Returns `\"legacy\"` for Talos up to 1.13 (the `cluster.*` fields of the v1alpha1 document) \
                          and `\"multidoc\"` from 1.14 (the `Kube*Config` documents)."
                .into(),
            deprecation: String::new(),
        }
    }

    fn call(&self, _ctx: &Ctx, args: Vec<Value>) -> Result<Value, FunctionError> {
        let Some(Value::String(s)) = args.first() else {
            return Err(FunctionError {
                text: "talos_version must be a string".into(),
                argument: Some(0),
            });
        };
        let v = TalosVersion::parse(s).map_err(|e| FunctionError {
            text: e.to_string(),
            argument: Some(0),
        })?;
        Ok(Value::string(if talos_multidoc_kube_config(&v) {
            "multidoc"
        } else {
            "legacy"
        }))
    }
}

//! The environment: registered functions, options and (once parsed) the template set.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use crate::error::{Error, ErrorKind};
use crate::exec::TemplateSet;
use crate::value::Value;

/// A template function. Arguments arrive evaluated (the piped value last); the function
/// returns a value or an [`Error`] (use [`Error::function`]; the engine reports it as
/// `error calling NAME: MESSAGE` with the position of the call).
pub type Function = Rc<dyn Fn(&mut State<'_>, &[Value]) -> Result<Value, Error>>;

/// The Go type of a registered function's parameter. With a [`Signature`] the engine checks
/// arguments as Go's `text/template` does before calling the function: arity
/// (`wrong number of args for F: want 1 got 2`), literals (`expected string; found 12`,
/// `cannot assign nil to string`) and values (`wrong type for value; expected string; got
/// int`), at the argument's position and without `error calling F:`. Integer literals passed
/// as `Int64`/`Float64` parameters arrive converted, as Go's constants do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// `interface {}`: anything.
    Any,
    String,
    Int,
    Int64,
    Float64,
    Bool,
    /// Any other Go type, by its `%T` name (`map[string]interface {}`, `[]interface {}`,
    /// `time.Time`, `*semver.Version`): values must have exactly that type name.
    Named(&'static str),
}

impl ArgType {
    /// Go's name of the type.
    pub fn go_name(self) -> &'static str {
        match self {
            ArgType::Any => "interface {}",
            ArgType::String => "string",
            ArgType::Int => "int",
            ArgType::Int64 => "int64",
            ArgType::Float64 => "float64",
            ArgType::Bool => "bool",
            ArgType::Named(n) => n,
        }
    }

    /// Whether nil is a value of the type (interfaces, pointers, maps, slices).
    pub fn can_be_nil(self) -> bool {
        match self {
            ArgType::Any => true,
            ArgType::Named(n) => n.starts_with(['*', '[']) || n.starts_with("map["),
            _ => false,
        }
    }
}

/// Parameter types of a registered function (see [`ArgType`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature {
    pub params: Vec<ArgType>,
    /// Type of the trailing `...` parameter, if the function is variadic.
    pub variadic: Option<ArgType>,
}

/// What a missing map key evaluates to (Go's `missingkey=` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` / `zero` on `map[string]interface {}`: the key yields nil, and
    /// printing nil as an action's result writes `<no value>`.
    #[default]
    Zero,
    /// `missingkey=error`: `map has no entry for key "x"`.
    Error,
}

/// Engine options and limits. Every limit fails with an [`ErrorKind::Limit`] error.
#[derive(Debug, Clone)]
pub struct Options {
    pub missing_key: MissingKey,
    /// Text written for an action whose value is nil (Go: `<no value>`). Hosts that scrub
    /// `<no value>` afterwards (Helm) may keep Go's text and post-process.
    pub no_value_text: String,
    /// Maximum nesting of `template`/`include` calls during one execution.
    pub max_template_depth: usize,
    /// Maximum nesting of blocks and parentheses while parsing.
    pub max_parse_depth: usize,
    /// Maximum size in bytes of one execution's output.
    pub max_output_bytes: usize,
    pub left_delim: String,
    pub right_delim: String,
}

/// Default `template`/`include` nesting limit. Go allows 100000 and Helm stops `include` at
/// 1000; the default is lower so that evaluation of deeply nested blocks stays within a 2 MiB
/// thread stack in debug builds. A host that wants 1000 must run the render on a thread with a
/// larger stack (about 40 KiB per level with several nested blocks per level in debug builds).
pub const DEFAULT_MAX_TEMPLATE_DEPTH: usize = 100;
/// Default parse nesting limit.
pub const DEFAULT_MAX_PARSE_DEPTH: usize = 100;
/// Default output limit (64 MiB).
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 64 << 20;

impl Default for Options {
    fn default() -> Self {
        Options {
            missing_key: MissingKey::Zero,
            no_value_text: "<no value>".into(),
            max_template_depth: DEFAULT_MAX_TEMPLATE_DEPTH,
            max_parse_depth: DEFAULT_MAX_PARSE_DEPTH,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            left_delim: "{{".into(),
            right_delim: "}}".into(),
        }
    }
}

/// The names Go's text/template defines itself; they are evaluated by the engine (`and`/`or`
/// short-circuit) and cannot be replaced.
pub const BUILTINS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "eq", "ne", "lt", "le", "gt", "ge", "print",
    "printf", "println", "html", "js", "urlquery", "call",
];

/// Builtins evaluated lazily by the engine; they cannot be replaced.
pub const LAZY_BUILTINS: &[&str] = &["and", "or"];

/// Methods of a named map type (Go `type Values map[string]interface{}` with `AsMap`,
/// `YAML`...): asked for `.Name` on a map before its keys, as Go resolves methods first.
/// Returns `None` when the map has no such method (then the key is looked up).
pub type MapMethod = Rc<dyn Fn(&crate::Map, &str) -> Option<Result<Value, Error>>>;

/// Functions, options and templates for a family of templates executed together.
#[derive(Clone, Default)]
pub struct Environment {
    functions: HashMap<String, Function>,
    signatures: HashMap<String, Rc<Signature>>,
    map_method: Option<MapMethod>,
    options: Options,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.functions.keys().collect();
        names.sort();
        f.debug_struct("Environment")
            .field("functions", &names)
            .field("options", &self.options)
            .finish()
    }
}

impl Environment {
    pub fn new() -> Environment {
        Environment::default()
    }

    pub fn with_options(options: Options) -> Environment {
        Environment {
            functions: HashMap::new(),
            signatures: HashMap::new(),
            map_method: None,
            options,
        }
    }

    /// Installs the method resolver for named map types (see [`MapMethod`]).
    pub fn set_map_method(&mut self, f: MapMethod) {
        self.map_method = Some(f);
    }

    pub(crate) fn map_method(&self) -> Option<&MapMethod> {
        self.map_method.as_ref()
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn options_mut(&mut self) -> &mut Options {
        &mut self.options
    }

    /// Registers (or replaces) a function. As in Go, a registered function replaces a builtin
    /// of the same name (sprig replaces `slice`), except `and` and `or`, which must stay lazy
    /// and are refused.
    pub fn add_function<F>(&mut self, name: &str, f: F) -> Result<(), Error>
    where
        F: Fn(&mut State<'_>, &[Value]) -> Result<Value, Error> + 'static,
    {
        if LAZY_BUILTINS.contains(&name) {
            return Err(Error::new(
                ErrorKind::Syntax,
                format!("cannot redefine builtin function {name:?}"),
            ));
        }
        if !is_identifier(name) {
            return Err(Error::new(
                ErrorKind::Syntax,
                format!("function name {name:?} is not a valid identifier"),
            ));
        }
        self.functions.insert(name.to_string(), Rc::new(f));
        self.signatures.remove(name);
        Ok(())
    }

    /// Registers (or replaces) a function whose arguments the engine checks against
    /// `signature` before calling it (see [`ArgType`]).
    pub fn add_function_with_signature<F>(
        &mut self,
        name: &str,
        signature: Signature,
        f: F,
    ) -> Result<(), Error>
    where
        F: Fn(&mut State<'_>, &[Value]) -> Result<Value, Error> + 'static,
    {
        self.add_function(name, f)?;
        self.signatures.insert(name.to_string(), Rc::new(signature));
        Ok(())
    }

    /// The signature a function was registered with, if any.
    pub fn get_signature(&self, name: &str) -> Option<&Rc<Signature>> {
        self.signatures.get(name)
    }

    pub fn get_function(&self, name: &str) -> Option<&Function> {
        self.functions.get(name)
    }

    pub fn has_function(&self, name: &str) -> bool {
        self.functions.contains_key(name) || BUILTINS.contains(&name)
    }
}

/// Go's rule for function names: a letter or `_`, then letters, digits or `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// What a function sees of the running execution: the environment (options, other
/// functions), the template set and the current nesting depth. `include` and `tpl` are
/// written with [`State::execute_template`] and [`State::execute_source`].
pub struct State<'env> {
    env: &'env Environment,
    set: &'env TemplateSet,
    pub(crate) depth: usize,
}

impl<'env> State<'env> {
    /// A state over `env` and `set`.
    pub fn with_set(env: &'env Environment, set: &'env TemplateSet) -> State<'env> {
        State { env, set, depth: 0 }
    }

    pub fn env(&self) -> &'env Environment {
        self.env
    }

    pub fn set(&self) -> &'env TemplateSet {
        self.set
    }

    /// Current `template`/`include` nesting depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Executes the named template of the set with `data` as `.` and returns its output
    /// (Helm's `include`). Fails with a limit error beyond `max_template_depth`.
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        self.exec_named(name, data)
    }

    /// Parses `source` as a new template named `name` into a copy of the current set (so
    /// its `define`s can use and override the set's templates without changing it) and
    /// executes it with `data` (Helm's `tpl`).
    pub fn execute_source(
        &mut self,
        name: &str,
        source: &str,
        data: &Value,
    ) -> Result<String, Error> {
        let mut set = self.set.clone();
        set.add(self.env, name, source)?;
        let mut st = State {
            env: self.env,
            set: &set,
            depth: self.depth,
        };
        st.exec_named(name, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry() {
        let mut env = Environment::new();
        env.add_function("upper", |_st, args| {
            let s = args.first().and_then(Value::as_str).unwrap_or("");
            Ok(Value::from(s.to_uppercase()))
        })
        .unwrap();
        assert!(env.add_function("and", |_, _| Ok(Value::Nil)).is_err());
        assert!(env.add_function("slice", |_, _| Ok(Value::Nil)).is_ok());
        assert!(env.add_function("1x", |_, _| Ok(Value::Nil)).is_err());
        let f = env.get_function("upper").unwrap().clone();
        let set = TemplateSet::default();
        let mut st = State::with_set(&env, &set);
        let out = f(&mut st, &[Value::from("abc")]).unwrap();
        assert_eq!(out.as_str(), Some("ABC"));
        assert!(env.has_function("printf"));
        assert!(!env.has_function("nope"));
    }
}

//! Template execution: Helm's engine over `gotmpl` with the sprig functions and Helm's own
//! (`include`, `tpl`, `required`, `fail`, `toYaml`, `fromYaml`, `toJson`, `lookup`, ...),
//! the render-time objects (`.Values`, `.Release`, `.Chart`, `.Capabilities`, `.Files`,
//! `.Template`) and Helm's parse/execution order.
//!
//! Semantics follow Helm v4's `pkg/engine` (measured with the reference library, see
//! `tests/engine_oracle.rs`): every template of the chart and its subcharts is parsed into
//! one set in `sortTemplates` order, non-partials are executed in that order against one
//! shared top-level map per chart (so `set . "k" v` in one file is seen by the next), and
//! `<no value>` is removed from each file's output (not from `include` results).

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use gotmpl::{Environment, Error, ErrorKind, Kind, Object, Options, State, TemplateSet, Value};
use goyaml::{Map as YMap, Yaml};
use sprig::Generator;

use crate::capabilities::{KubeVersion, chart_object, check_kube_version, release_object};
use crate::chart::Chart;
use crate::files::Files;
use crate::output::{AssembleOptions, Manifest, assemble};
use crate::render::{
    Prepared, RenderOptions, check_schema, coalesce, is_rendered, parse_order, prepare,
    scrub_no_value,
};

/// Helm's Go version string in `.Capabilities.HelmVersion` (the reference library).
const HELM_VERSION: &str = "v4.2";
const HELM_GO_VERSION: &str = "go1.26.6";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.36";

/// Name of the template set; `tpl` parses its text under this name (Helm: `gotpl`).
const SET_NAME: &str = "gotpl";

/// The result of rendering a chart.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `helm template` output.
    pub manifest: String,
    /// The documents of `manifest` in output order, with kind, name and namespace.
    pub manifests: Vec<Manifest>,
    /// Rendered text of every executed template (partials excluded), `<no value>` removed.
    pub files: BTreeMap<String, String>,
    /// The chart's rendered NOTES.txt (not part of `manifest`).
    pub notes: Option<String>,
}

/// Schemas from this size on (Cilium's is 148 KB) are checked on a thread of their own
/// while the templates render; below it, starting the thread costs more than it saves.
const PARALLEL_SCHEMA_BYTES: usize = 32 * 1024;

/// Renders `chart` with `user` values as `helm template` does. Non-deterministic functions
/// (`genCA`, `randAlphaNum`, `now`, ...) draw from `generator`. The error text is Helm's,
/// without the `Error: ` prefix.
pub fn render(
    chart: &Chart,
    user: YMap,
    opts: &RenderOptions,
    generator: Arc<dyn Generator>,
) -> Result<Rendered, String> {
    // Missing dependencies fail first; then subcharts switched off by `condition`/`tags`
    // are dropped and aliases applied, as Helm does before computing values.
    crate::dependencies::check_dependencies(chart)?;
    let pruned = crate::dependencies::enabled_chart(chart, &user)?;
    let chart = pruned.as_ref().unwrap_or(chart);
    let threaded = !opts.skip_schema_validation
        && chart
            .schema
            .as_ref()
            .is_some_and(|s| s.len() >= PARALLEL_SCHEMA_BYTES);
    if !threaded {
        let p = prepare(chart, user, opts)?;
        let (kube, apis) = (&p.kube_version, &p.api_versions);
        return render_values(chart, kube, apis, &p.values, opts, generator);
    }
    let prepared = coalesce(chart, user, opts)?;
    // Schema validation reads the values while the templates render from them, on another
    // thread. Helm validates first, so a schema error wins over any later error.
    let Prepared {
        kube_version,
        api_versions,
        values,
    } = prepared;
    let whole = Yaml::Map(values);
    let Yaml::Map(values) = &whole else {
        unreachable!("built as a map just above")
    };
    let render = || {
        check_kube_version(&chart.metadata, &kube_version).and_then(|()| {
            render_values(chart, &kube_version, &api_versions, values, opts, generator)
        })
    };
    std::thread::scope(|scope| {
        let checker =
            std::thread::Builder::new().spawn_scoped(scope, || check_schema(chart, opts, &whole));
        match checker {
            Ok(checker) => {
                let rendered = render();
                checker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
                rendered
            }
            Err(_) => {
                // No thread: validate first, as Helm does.
                check_schema(chart, opts, &whole)?;
                render()
            }
        }
    })
}

/// Template execution and output assembly from checked, coalesced values.
fn render_values(
    chart: &Chart,
    kube_version: &KubeVersion,
    api_versions: &[String],
    values: &YMap,
    opts: &RenderOptions,
    generator: Arc<dyn Generator>,
) -> Result<Rendered, String> {
    let mut env = Environment::with_options(Options::default());
    sprig::register(&mut env, generator).map_err(|e| e.to_string())?;
    register_helm_functions(&mut env).map_err(|e| e.to_string())?;

    // Every template of the chart and its subcharts, with the chart it belongs to.
    let mut units = Vec::new();
    collect(chart, chart.name().to_string(), values, true, &mut units);

    let caps = Value::object(Capabilities {
        kube: kube_version.clone(),
        api_versions: Rc::new(api_versions.to_vec()),
    });
    // One top-level map per chart, shared by all its files (Helm's `vals`).
    let tops: Vec<gotmpl::Map> = units
        .iter()
        .map(|u| {
            let mut top = BTreeMap::new();
            top.insert(
                "Values".to_string(),
                yaml_to_value(&Yaml::Map(u.values.clone())),
            );
            top.insert(
                "Release".to_string(),
                yaml_to_value(&Yaml::Map(release_object(
                    &opts.release_name,
                    &opts.namespace,
                    opts.is_upgrade,
                ))),
            );
            top.insert(
                "Chart".to_string(),
                yaml_to_value(&Yaml::Map(chart_object(&u.chart.metadata, u.is_root))),
            );
            top.insert("Capabilities".to_string(), caps.clone());
            top.insert(
                "Files".to_string(),
                Value::object(FilesObject(Rc::new(Files::from_chart(u.chart)))),
            );
            top.insert("Subcharts".to_string(), Value::empty_map());
            Rc::new(RefCell::new(top))
        })
        .collect();

    // `.Values` is Helm's `common.Values` (a named map type with methods).
    let values_maps: Vec<gotmpl::Map> = tops
        .iter()
        .filter_map(|t| match t.borrow().get("Values") {
            Some(Value::Map(m)) => Some(m.clone()),
            _ => None,
        })
        .collect();
    env.set_map_method(Rc::new(move |m: &gotmpl::Map, name: &str| {
        if !values_maps.iter().any(|v| Rc::ptr_eq(v, m)) {
            return None;
        }
        values_method(m, name)
    }));

    // Parse every template in Helm's order into one set (or reuse the set parsed earlier
    // from the same sources).
    let mut sources: Vec<(String, &[u8], usize)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        for t in &u.chart.templates {
            sources.push((format!("{}/{}", u.prefix, t.name), &t.data, i));
        }
    }
    let mut names: Vec<String> = sources.iter().map(|s| s.0.clone()).collect();
    parse_order(&mut names);
    let by_name: BTreeMap<&str, (&[u8], usize)> = sources
        .iter()
        .map(|(n, s, i)| (n.as_str(), (*s, *i)))
        .collect();
    let set = parsed_set(&env, &sources, &names, &by_name)?;
    let set: &TemplateSet = &set;

    // Execute the non-partials in the same order.
    let mut files = BTreeMap::new();
    let mut notes = None;
    for name in &names {
        if !is_rendered(name) {
            continue;
        }
        let (_, unit) = by_name[name.as_str()];
        let top = &tops[unit];
        let mut tmpl = BTreeMap::new();
        tmpl.insert("Name".to_string(), Value::from(name.as_str()));
        tmpl.insert(
            "BasePath".to_string(),
            Value::from(format!("{}/templates", units[unit].prefix)),
        );
        top.borrow_mut()
            .insert("Template".to_string(), Value::map(tmpl));
        let out = set
            .execute(&env, name, &Value::Map(top.clone()))
            .map_err(|e| exec_error(name, &e))?;
        let out = scrub_no_value(&out);
        if name.ends_with("/NOTES.txt") {
            if unit == 0 && name == &format!("{}/templates/NOTES.txt", chart.name()) {
                notes = Some(out);
            }
            continue;
        }
        files.insert(name.clone(), out);
    }

    let crds: Vec<(String, String)> = if opts.include_crds {
        units
            .iter()
            .flat_map(|u| {
                u.chart.crds.iter().map(move |c| {
                    (
                        format!("{}/{}", u.prefix, c.name),
                        String::from_utf8_lossy(&c.data).into_owned(),
                    )
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let (manifest, manifests) = assemble(
        &crds,
        &files,
        &AssembleOptions {
            no_hooks: opts.no_hooks,
            skip_tests: opts.skip_tests,
            show_only: opts.show_only.clone(),
        },
    )?;
    Ok(Rendered {
        manifest,
        manifests,
        files,
        notes,
    })
}

/// Parsed template sets kept per thread (a `TemplateSet` shares `Rc`s), most recently used
/// first; each is keyed by every template's full name and bytes, in chart order.
type ParsedSets = Vec<(Vec<(String, Vec<u8>)>, Rc<TemplateSet>)>;

/// How many parsed sets [`parsed_set`] keeps per thread.
const PARSED_SET_CACHE_SIZE: usize = 4;

thread_local! {
    static PARSED_SETS: RefCell<ParsedSets> = const { RefCell::new(Vec::new()) };
}

/// The templates of `sources` parsed into one set in `names` order. Parsing depends on the
/// sources, their names and order, the delimiters and which functions exist; `render`
/// always builds the same environment (default options, sprig and Helm functions), so the
/// sources alone key the cache: a set parsed earlier from byte-identical sources is reused
/// (execution never changes a set; `tpl` parses into a copy). Parse errors are not kept.
fn parsed_set(
    env: &Environment,
    sources: &[(String, &[u8], usize)],
    names: &[String],
    by_name: &BTreeMap<&str, (&[u8], usize)>,
) -> Result<Rc<TemplateSet>, String> {
    let same = |key: &[(String, Vec<u8>)]| {
        key.len() == sources.len()
            && key
                .iter()
                .zip(sources)
                .all(|(k, s)| k.0 == s.0 && k.1 == s.1)
    };
    let hit = PARSED_SETS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let i = cache.iter().position(|(k, _)| same(k))?;
        let entry = cache.remove(i);
        let set = entry.1.clone();
        cache.insert(0, entry);
        Some(set)
    });
    if let Some(set) = hit {
        return Ok(set);
    }
    let mut set = TemplateSet::default();
    for name in names {
        let (src, _) = by_name[name.as_str()];
        set.add(env, name, &String::from_utf8_lossy(src))
            .map_err(|e| parse_error(name, &e))?;
    }
    let set = Rc::new(set);
    let key = sources
        .iter()
        .map(|(n, s, _)| (n.clone(), s.to_vec()))
        .collect();
    PARSED_SETS.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.insert(0, (key, set.clone()));
        cache.truncate(PARSED_SET_CACHE_SIZE);
    });
    Ok(set)
}

struct Unit<'a> {
    chart: &'a Chart,
    prefix: String,
    values: YMap,
    is_root: bool,
}

/// The chart and its subcharts with the values each one sees (a subchart sees the parent's
/// values under its name).
fn collect<'a>(
    chart: &'a Chart,
    prefix: String,
    values: &YMap,
    is_root: bool,
    out: &mut Vec<Unit<'a>>,
) {
    out.push(Unit {
        chart,
        prefix: prefix.clone(),
        values: values.clone(),
        is_root,
    });
    for sub in &chart.dependencies {
        // Coalescing put the subchart's values (its defaults and `global` included) under
        // its name.
        let sv = match values.get(sub.name()) {
            Some(Yaml::Map(m)) => m.clone(),
            _ => YMap::new(),
        };
        collect(
            sub,
            format!("{prefix}/charts/{}", sub.name()),
            &sv,
            false,
            out,
        );
    }
}

/// `parse error at (<file>:<line>): <msg>` as Helm words template syntax errors.
fn parse_error(_name: &str, e: &Error) -> String {
    let text = e.to_string();
    // Go: "template: NAME:LINE: MSG"
    match text
        .strip_prefix("template: ")
        .and_then(|r| r.split_once(": "))
    {
        Some((loc, msg)) => format!("parse error at ({loc}): {msg}"),
        None => text,
    }
}

/// Helm's wording of an execution error of file `name` (v4 `reformatExecErrorMsg`):
/// `required`/`fail` give `execution error at (LOC): MSG`; other errors are shown as a
/// trace, one block per template level (`LOC`, `executing "NAME" at <NODE>:`, message),
/// unless a level cannot be read that way, in which case Go's one-line text is kept.
fn exec_error(name: &str, e: &Error) -> String {
    let text = e.to_string();
    if matches!(e.kind(), ErrorKind::Syntax) {
        return parse_error(name, e);
    }
    let Some(rest) = text.strip_prefix("template: ") else {
        return format!("execution error in ({name}): {text}");
    };
    let Some((loc, tail)) = rest.split_once(": ") else {
        return format!("execution error in ({name}): {text}");
    };
    for f in ["required", "fail"] {
        let marker = format!("error calling {f}: ");
        if let Some(pos) = tail.rfind(&marker) {
            return format!(
                "execution error at ({loc}): {}",
                &tail[pos + marker.len()..]
            );
        }
    }
    match trace(&text) {
        Some(blocks) => {
            let mut out = String::new();
            for b in blocks {
                out.push_str(&b);
            }
            out.trim_matches(|c: char| c.is_ascii_whitespace())
                .to_string()
        }
        None => text,
    }
}

/// The trace blocks of a nested Go template error, outermost first.
fn trace(text: &str) -> Option<Vec<String>> {
    let mut blocks = Vec::new();
    let mut cur = text;
    loop {
        let Some(rest) = cur.strip_prefix("template: ") else {
            blocks.push(format!("{cur}\n"));
            return Some(blocks);
        };
        // `LOC: executing "NAME" at <NODE>: MSG`
        let Some((loc, after)) = rest.split_once(": executing ") else {
            blocks.push(format!("{cur}\n"));
            return Some(blocks);
        };
        let (exec, msg) = split_executing(after)?;
        // A nested error continues after `error calling F: `.
        if let Some(pos) = msg.find("error calling ")
            && let Some((head, inner)) = msg[pos..].split_once(": ")
        {
            if inner.starts_with("template: ") {
                blocks.push(format!(
                    "{loc}\n  executing {exec}:\n    {}{head}:\n",
                    &msg[..pos]
                ));
                cur = inner;
                continue;
            }
            if inner.contains("template: ") {
                // a wrapped error Helm cannot read level by level (e.g. `tpl`)
                return None;
            }
        }
        blocks.push(format!("{loc}\n  executing {exec}:\n    {msg}\n"));
        return Some(blocks);
    }
}

/// Splits `"NAME" at <NODE>: MSG` into (`"NAME" at <NODE>`, `MSG`).
fn split_executing(s: &str) -> Option<(&str, &str)> {
    let at = s.find("\" at <")?;
    let close = s[at..].find(">: ")? + at;
    Some((&s[..close + 1], &s[close + 3..]))
}

// ------------------------------------------------------------------ values <-> Yaml

/// A value tree as template data: numbers keep their Go types (float64 from files, int64
/// from `--set`), maps and lists become shared mutable containers.
pub fn yaml_to_value(y: &Yaml) -> Value {
    match y {
        Yaml::Null => Value::Nil,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Int(i) => Value::Int64(*i),
        Yaml::Uint(u) => Value::Uint64(*u),
        Yaml::Float(f) => Value::Float64(*f),
        Yaml::String(s) => Value::from(s.as_str()),
        Yaml::Seq(s) => Value::list(s.iter().map(yaml_to_value).collect()),
        Yaml::Map(m) => Value::map(
            m.iter()
                .map(|(k, v)| (k.clone(), yaml_to_value(v)))
                .collect(),
        ),
    }
}

/// Maximum nesting when converting template data for `toYaml`/`toJson` (a map that holds
/// itself through `set` would otherwise never end; Go's encoder stops at 1000 with an error).
pub const MAX_MARSHAL_DEPTH: usize = 1000;

/// Template data as `json.Marshal` sees it: the tree `toYaml`/`toJson` print.
pub fn value_to_yaml(v: &Value) -> Result<Yaml, String> {
    to_yaml_at(v, 0)
}

fn to_yaml_at(v: &Value, depth: usize) -> Result<Yaml, String> {
    if depth > MAX_MARSHAL_DEPTH {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    Ok(match v {
        Value::Nil => Yaml::Null,
        Value::Bool(b) => Yaml::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Yaml::Int(*i),
        Value::Uint64(u) => Yaml::Uint(*u),
        Value::Float64(f) => Yaml::Float(*f),
        Value::String(s) => Yaml::String(s.to_string()),
        Value::Bytes(b) => Yaml::String(crate::files::base64_std(b)),
        Value::List(l) => Yaml::Seq(
            l.borrow()
                .iter()
                .map(|x| to_yaml_at(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::StringList(l) => Yaml::Seq(l.iter().map(|s| Yaml::String(s.clone())).collect()),
        Value::Map(m) => Yaml::Map(
            m.borrow()
                .iter()
                .map(|(k, x)| Ok((k.clone(), to_yaml_at(x, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::StringMap(m) => Yaml::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), Yaml::String(x.clone())))
                .collect(),
        ),
        Value::Object(o) => object_to_yaml(o.as_ref(), depth)?,
    })
}

fn object_to_yaml(o: &dyn Object, depth: usize) -> Result<Yaml, String> {
    if let Some(items) = o.range_items() {
        // slices and maps the host exposes (`[]int`, `.Files` results)
        let is_map = matches!(o.kind(), Kind::Map);
        if is_map {
            let mut m = YMap::new();
            for (k, v) in items {
                m.insert(k.to_v_string(), to_yaml_at(&v, depth + 1)?);
            }
            return Ok(Yaml::Map(m));
        }
        return Ok(Yaml::Seq(
            items
                .iter()
                .map(|(_, v)| to_yaml_at(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ));
    }
    if let Some(c) = o.as_any().downcast_ref::<sprig::CertPair>() {
        let mut m = YMap::new();
        m.insert("Cert".to_string(), Yaml::String(c.cert.clone()));
        m.insert("Key".to_string(), Yaml::String(c.key.clone()));
        return Ok(Yaml::Map(m));
    }
    // Types with a text form (`*semver.Version`, `time.Time`) marshal as that string.
    let mut s = String::new();
    o.format_v(&mut s);
    Ok(Yaml::String(s))
}

// ------------------------------------------------------------------ Helm's functions

fn arg_str<'a>(fname: &str, args: &'a [Value], i: usize) -> Result<&'a str, Error> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Nil) | None => Err(Error::function(format!(
            "wrong type for value; expected string; got {}",
            args.get(i)
                .map(|v| v.type_name())
                .unwrap_or_else(|| "<nil>".into())
        ))),
        Some(other) => Err(Error::function(format!(
            "{fname}: wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

fn want_args(args: &[Value], n: usize) -> Result<(), Error> {
    if args.len() != n {
        return Err(Error::function(format!(
            "wrong number of args: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// Registers Helm's own template functions (v4 `funcMap`): `include`, `tpl`, `required`,
/// `fail`, `lookup`, the YAML/JSON/TOML conversions; `env`/`expandenv` stay undefined as in
/// Helm v4.
pub fn register_helm_functions(env: &mut Environment) -> Result<(), Error> {
    env.add_function("include", |st: &mut State<'_>, args: &[Value]| {
        want_args(args, 2)?;
        let name = arg_str("include", args, 0)?.to_string();
        if !st.set().has(&name) {
            return Err(Error::function(format!(
                "template: no template {name:?} associated with template {SET_NAME:?}"
            )));
        }
        st.execute_template(&name, &args[1]).map(Value::from)
    })?;
    env.add_function("tpl", |st: &mut State<'_>, args: &[Value]| {
        want_args(args, 2)?;
        let src = arg_str("tpl", args, 0)?.to_string();
        let out = st.execute_source(SET_NAME, &src, &args[1]).map_err(|e| {
            let what = if e.kind() == ErrorKind::Syntax {
                "cannot parse template"
            } else {
                "error during tpl function execution for"
            };
            Error::function(format!("{what} {src:?}: {e}"))
        })?;
        Ok(Value::from(scrub_no_value(&out)))
    })?;
    env.add_function("required", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 2)?;
        let msg = arg_str("required", args, 0)?;
        match &args[1] {
            Value::Nil => Err(Error::function(msg.to_string())),
            Value::String(s) if s.is_empty() => Err(Error::function(msg.to_string())),
            v => Ok(v.clone()),
        }
    })?;
    env.add_function("fail", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        Err(Error::function(arg_str("fail", args, 0)?.to_string()))
    })?;
    env.add_function("lookup", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 4)?;
        // `helm template` has no cluster: always an empty map (falsy).
        Ok(Value::empty_map())
    })?;
    env.add_function("toYaml", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        Ok(Value::from(
            value_to_yaml(&args[0])
                .ok()
                .and_then(|y| goyaml::to_yaml(&y).ok())
                .unwrap_or_default(),
        ))
    })?;
    env.add_function("mustToYaml", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let y = value_to_yaml(&args[0]).map_err(Error::function)?;
        goyaml::to_yaml(&y)
            .map(Value::from)
            .map_err(|e| Error::function(e.to_string()))
    })?;
    env.add_function("toJson", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        Ok(Value::from(
            value_to_yaml(&args[0])
                .ok()
                .and_then(|y| goyaml::to_json(&y).ok())
                .unwrap_or_default(),
        ))
    })?;
    env.add_function("mustToJson", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let y = value_to_yaml(&args[0]).map_err(Error::function)?;
        goyaml::to_json(&y)
            .map(Value::from)
            .map_err(|e| Error::function(e.to_string()))
    })?;
    env.add_function("toYamlPretty", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        Ok(Value::from(
            value_to_yaml(&args[0])
                .ok()
                .and_then(|y| goyaml::to_yaml_pretty(&y).ok())
                .unwrap_or_default(),
        ))
    })?;
    env.add_function("toToml", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        crate::toml::to_toml(&args[0])
            .map(Value::from)
            .map_err(Error::function)
    })?;
    env.add_function("fromToml", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        Ok(crate::toml::from_toml(arg_str("fromToml", args, 0)?))
    })?;
    env.add_function("fromYaml", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let s = arg_str("fromYaml", args, 0)?;
        Ok(match goyaml::from_yaml_object(s) {
            Ok(m) => yaml_to_value(&Yaml::Map(m)),
            Err(e) => error_map(e.helm_message()),
        })
    })?;
    env.add_function("fromYamlArray", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let s = arg_str("fromYamlArray", args, 0)?;
        Ok(match goyaml::from_yaml(s) {
            Ok(Yaml::Seq(items)) => yaml_to_value(&Yaml::Seq(items)),
            Ok(Yaml::Null) => Value::list(Vec::new()),
            Ok(other) => Value::list(vec![Value::from(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                other.json_type_name()
            ))]),
            Err(e) => Value::list(vec![Value::from(e.helm_message())]),
        })
    })?;
    env.add_function("fromJson", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let s = arg_str("fromJson", args, 0)?;
        let (v, err) = goyaml::unmarshal_json_object(s);
        let out = yaml_to_value(&v);
        if let Some(e) = err {
            let m = match &out {
                Value::Map(m) => m.clone(),
                _ => Rc::new(RefCell::new(BTreeMap::new())),
            };
            m.borrow_mut()
                .insert("Error".to_string(), Value::from(e.go_message()));
            return Ok(Value::Map(m));
        }
        Ok(out)
    })?;
    env.add_function("fromJsonArray", |_st: &mut State<'_>, args: &[Value]| {
        want_args(args, 1)?;
        let s = arg_str("fromJsonArray", args, 0)?;
        Ok(match goyaml::from_json(s) {
            Ok(Yaml::Seq(items)) => yaml_to_value(&Yaml::Seq(items)),
            Ok(Yaml::Null) => Value::Nil,
            Ok(other) => Value::list(vec![Value::from(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                other.json_type_name()
            ))]),
            Err(e) => Value::list(vec![Value::from(e.go_message())]),
        })
    })?;
    Ok(())
}

/// The methods of Helm's `common.Values` reachable as `.Values.NAME` (no arguments).
fn values_method(m: &gotmpl::Map, name: &str) -> Option<Result<Value, Error>> {
    match name {
        // the same map, now typed `map[string]interface {}`
        "AsMap" => Some(Ok(Value::Map(m.clone()))),
        "YAML" => Some(
            value_to_yaml(&Value::Map(m.clone()))
                .and_then(|y| goyaml::to_yaml(&y).map_err(|e| e.to_string()))
                .map(|s| Value::from(s + "\n"))
                .map_err(Error::function),
        ),
        _ => None,
    }
}

fn error_map(msg: String) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), Value::from(msg));
    Value::map(m)
}

// ------------------------------------------------------------------ host objects

/// `.Files` and the results of `.Files.Glob` (Go type `engine.files`, a
/// `map[string][]byte`).
#[derive(Debug)]
struct FilesObject(Rc<Files>);

impl Object for FilesObject {
    fn go_type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Glob" | "Lines" | "AsConfig" | "AsSecrets"
        )
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, Error> {
        let one = |args: &[Value]| -> Result<String, Error> {
            want_args(args, 1)?;
            Ok(arg_str(name, args, 0)?.to_string())
        };
        match name {
            "Get" => Ok(Value::from(self.0.get(&one(args)?))),
            "GetBytes" => Ok(Value::Bytes(self.0.get_bytes(&one(args)?).into())),
            "Glob" => Ok(Value::object(FilesObject(Rc::new(
                self.0.glob(&one(args)?),
            )))),
            "Lines" => Ok(Value::from(self.0.lines(&one(args)?))),
            "AsConfig" => {
                want_args(args, 0)?;
                Ok(Value::from(self.0.as_config().unwrap_or_default()))
            }
            "AsSecrets" => {
                want_args(args, 0)?;
                Ok(Value::from(self.0.as_secrets().unwrap_or_default()))
            }
            _ => Err(Error::function(format!("no method {name}"))),
        }
    }
    fn format_v(&self, f: &mut String) {
        f.push_str("map[");
        for (i, (k, v)) in self.0.entries.iter().enumerate() {
            if i > 0 {
                f.push(' ');
            }
            f.push_str(k);
            f.push(':');
            f.push_str(&format!("{v:?}").replace(',', ""));
        }
        f.push(']');
    }
    fn is_true(&self) -> bool {
        !self.0.entries.is_empty()
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .entries
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), Value::Bytes(Rc::from(&v[..]))))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.entries.len())
    }
    fn index(&self, key: &Value) -> Option<Result<Value, Error>> {
        Some(match key {
            Value::String(k) => Ok(self
                .0
                .entries
                .get(k.as_ref())
                .map(|d| Value::Bytes(Rc::from(&d[..])))
                .unwrap_or(Value::Nil)),
            other => Err(Error::function(format!(
                "value has type {}; should be string",
                other.type_name()
            ))),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities` (Go `*common.Capabilities`).
#[derive(Debug)]
struct Capabilities {
    kube: KubeVersion,
    api_versions: Rc<Vec<String>>,
}

impl Object for Capabilities {
    fn go_type_name(&self) -> String {
        "*common.Capabilities".into()
    }
    fn get_field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::object(KubeVersionObject(self.kube.clone()))),
            "APIVersions" => Some(Value::object(VersionSet(self.api_versions.clone()))),
            "HelmVersion" => {
                let mut m = BTreeMap::new();
                m.insert("Version".to_string(), Value::from(HELM_VERSION));
                m.insert("GitCommit".to_string(), Value::from(""));
                m.insert("GitTreeState".to_string(), Value::from(""));
                m.insert("GoVersion".to_string(), Value::from(HELM_GO_VERSION));
                m.insert(
                    "KubeClientVersion".to_string(),
                    Value::from(HELM_KUBE_CLIENT_VERSION),
                );
                Some(Value::map(m))
            }
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.KubeVersion` (fields `Version`, `Major`, `Minor`; methods `String`,
/// `GitVersion`; prints as its version).
#[derive(Debug)]
struct KubeVersionObject(KubeVersion);

impl Object for KubeVersionObject {
    fn go_type_name(&self) -> String {
        "common.KubeVersion".into()
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn get_field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::from(self.0.version.as_str())),
            "Major" => Some(Value::from(self.0.major.as_str())),
            "Minor" => Some(Value::from(self.0.minor.as_str())),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "String" | "GitVersion")
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, Error> {
        want_args(args, 0)?;
        Ok(Value::from(self.0.version.as_str()))
    }
    fn format_v(&self, f: &mut String) {
        f.push_str(&self.0.version);
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.APIVersions` (Go `common.VersionSet`, a `[]string` with `Has`).
#[derive(Debug)]
struct VersionSet(Rc<Vec<String>>);

impl Object for VersionSet {
    fn go_type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, Error> {
        want_args(args, 1)?;
        let want = arg_str("Has", args, 0)?;
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }
    fn format_v(&self, f: &mut String) {
        f.push('[');
        f.push_str(&self.0.join(" "));
        f.push(']');
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), Value::from(v.as_str())))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

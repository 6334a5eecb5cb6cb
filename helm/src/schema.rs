//! values.schema.json validation: the draft-07 subset chart schemas use (`type` incl.
//! unions, `properties`, `required`, `additionalProperties: false`, `items`, `allOf`,
//! `anyOf`, `oneOf`, `enum`, `const`, `minimum`, `maximum`), with error text shaped like
//! Helm's (santhosh-tekuri/jsonschema v6).

use std::sync::{Arc, Mutex};

use goyaml::Yaml;

/// Deepest schema/value nesting followed before giving up.
pub const MAX_DEPTH: usize = 256;

/// One validation failure; `causes` hold the branch errors of `anyOf`/`oneOf`.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    pub at: String,
    pub message: String,
    pub causes: Vec<SchemaError>,
}

fn json_type(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "null",
        Yaml::Bool(_) => "boolean",
        Yaml::Int(_) | Yaml::Uint(_) | Yaml::Float(_) => "number",
        Yaml::String(_) => "string",
        Yaml::Seq(_) => "array",
        Yaml::Map(_) => "object",
    }
}

fn as_f64(v: &Yaml) -> Option<f64> {
    match v {
        Yaml::Int(i) => Some(*i as f64),
        Yaml::Uint(u) => Some(*u as f64),
        Yaml::Float(f) => Some(*f),
        _ => None,
    }
}

fn type_ok(t: &str, v: &Yaml) -> bool {
    match t {
        "integer" => as_f64(v).is_some_and(|f| f.is_finite() && f.fract() == 0.0),
        "number" => as_f64(v).is_some(),
        other => json_type(v) == other,
    }
}

fn num_text(f: f64) -> String {
    goyaml::format_float_json(f).unwrap_or_else(|| goyaml::format_float_g(f))
}

fn enum_text(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => format!("'{s}'"),
        other => goyaml::to_json(other).unwrap_or_default(),
    }
}

fn values_equal(a: &Yaml, b: &Yaml) -> bool {
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => x == y,
        _ => match (a, b) {
            (Yaml::Seq(x), Yaml::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
            }
            (Yaml::Map(x), Yaml::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
            }
            _ => a == b,
        },
    }
}

fn escape_token(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// Validate `value` against `schema`; every failure, in schema order.
pub fn validate(schema: &Yaml, value: &Yaml) -> Vec<SchemaError> {
    let mut out = Vec::new();
    check(schema, value, "", 0, &mut out);
    // A lone group at the top is shown as its members.
    while out.len() == 1 && out[0].message == GROUP && !out[0].causes.is_empty() {
        out = std::mem::take(&mut out[0].causes);
    }
    out
}

const GROUP: &str = "validation failed";

fn err(at: &str, message: String) -> SchemaError {
    SchemaError {
        at: at.to_string(),
        message,
        causes: Vec::new(),
    }
}

fn check(schema: &Yaml, v: &Yaml, at: &str, depth: usize, out: &mut Vec<SchemaError>) {
    if depth > MAX_DEPTH {
        out.push(err(at, format!("schema nesting deeper than {MAX_DEPTH}")));
        return;
    }
    let Yaml::Map(s) = schema else {
        if matches!(schema, Yaml::Bool(false)) {
            out.push(err(at, "false schema".into()));
        }
        return;
    };
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Yaml::String(x) => vec![x.as_str()],
            Yaml::Seq(xs) => xs.iter().filter_map(|x| x.as_str()).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| type_ok(t, v)) {
            // The validator lists wanted types in its own fixed order, not the schema's.
            const ORDER: [&str; 7] = [
                "null", "boolean", "object", "array", "number", "string", "integer",
            ];
            let mut wanted = types.clone();
            wanted.sort_by_key(|t| ORDER.iter().position(|o| o == t).unwrap_or(ORDER.len()));
            out.push(err(
                at,
                format!("got {}, want {}", json_type(v), wanted.join(" or ")),
            ));
            return;
        }
    }
    if let Some(Yaml::Seq(options)) = s.get("enum")
        && !options.iter().any(|o| values_equal(o, v))
    {
        let list: Vec<String> = options.iter().map(enum_text).collect();
        out.push(err(at, format!("value must be one of {}", list.join(", "))));
    }
    if let Some(c) = s.get("const")
        && !values_equal(c, v)
    {
        out.push(err(at, format!("value must be {}", enum_text(c))));
    }
    if let Some(f) = as_f64(v) {
        if let Some(min) = s.get("minimum").and_then(as_f64)
            && f < min
        {
            out.push(err(
                at,
                format!("minimum: got {}, want {}", num_text(f), num_text(min)),
            ));
        }
        if let Some(max) = s.get("maximum").and_then(as_f64)
            && f > max
        {
            out.push(err(
                at,
                format!("maximum: got {}, want {}", num_text(f), num_text(max)),
            ));
        }
    }
    if let Yaml::Map(m) = v {
        if let Some(Yaml::Seq(req)) = s.get("required") {
            let missing: Vec<String> = req
                .iter()
                .filter_map(|r| r.as_str())
                .filter(|r| !m.contains_key(*r))
                .map(|r| format!("'{r}'"))
                .collect();
            if !missing.is_empty() {
                out.push(err(at, format!("missing property {}", missing.join(", "))));
            }
        }
        let props = s.get("properties").and_then(|p| p.as_map());
        if let Some(props) = props {
            for (k, sub) in props {
                if let Some(child) = m.get(k) {
                    let path = format!("{at}/{}", escape_token(k));
                    let mut e = Vec::new();
                    check(sub, child, &path, depth + 1, &mut e);
                    push_grouped(&path, e, out);
                }
            }
        }
        if let Some(Yaml::Bool(false)) = s.get("additionalProperties") {
            let extra: Vec<String> = m
                .keys()
                .filter(|k| props.is_none_or(|p| !p.contains_key(*k)))
                .map(|k| format!("'{k}'"))
                .collect();
            if !extra.is_empty() {
                out.push(err(
                    at,
                    format!("additional properties {} not allowed", extra.join(", ")),
                ));
            }
        }
    }
    if let (Yaml::Seq(items), Some(sub @ Yaml::Map(_))) = (v, s.get("items")) {
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}/{i}");
            let mut e = Vec::new();
            check(sub, item, &path, depth + 1, &mut e);
            push_grouped(&path, e, out);
        }
    }
    if let Some(Yaml::Seq(all)) = s.get("allOf") {
        for sub in all {
            check(sub, v, at, depth + 1, out);
        }
    }
    if let Some(Yaml::Seq(any)) = s.get("anyOf") {
        let mut causes = Vec::new();
        let mut ok = false;
        for sub in any {
            let mut e = Vec::new();
            check(sub, v, at, depth + 1, &mut e);
            if e.is_empty() {
                ok = true;
                break;
            }
            causes.extend(e);
        }
        if !ok {
            out.push(SchemaError {
                at: at.to_string(),
                message: "'anyOf' failed".into(),
                causes,
            });
        }
    }
    if let Some(Yaml::Seq(one)) = s.get("oneOf") {
        let mut causes = Vec::new();
        let mut matched = Vec::new();
        for (i, sub) in one.iter().enumerate() {
            let mut e = Vec::new();
            check(sub, v, at, depth + 1, &mut e);
            if e.is_empty() {
                matched.push(i.to_string());
            } else {
                causes.extend(e);
            }
        }
        if matched.is_empty() {
            out.push(SchemaError {
                at: at.to_string(),
                message: "'oneOf' failed, none matched".into(),
                causes,
            });
        } else if matched.len() > 1 {
            out.push(err(
                at,
                format!("'oneOf' failed, subschemas {} matched", matched.join(", ")),
            ));
        }
    }
}

/// A subschema with one failure reports it directly; with several, they are grouped
/// under `validation failed` at the subschema's location.
fn push_grouped(at: &str, mut errors: Vec<SchemaError>, out: &mut Vec<SchemaError>) {
    match errors.len() {
        0 => {}
        1 => out.append(&mut errors),
        _ => out.push(SchemaError {
            at: at.to_string(),
            message: GROUP.into(),
            causes: errors,
        }),
    }
}

fn render(e: &SchemaError, indent: usize, out: &mut String) {
    out.push_str(&"  ".repeat(indent));
    out.push_str(&format!("- at '{}': {}\n", e.at, e.message));
    for c in &e.causes {
        render(c, indent + 1, out);
    }
}

/// The per-chart block of Helm's message (`<chart>:\n- at '/x': …\n`).
pub fn format_chart_errors(chart: &str, errors: &[SchemaError]) -> String {
    let mut out = format!("{chart}:\n");
    for e in errors {
        render(e, 0, &mut out);
    }
    out
}

static KEEP_PARSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether parsed schemas are kept for later renders (the default). A process that renders
/// once turns this off, so the parsed schema (about 1.5 MB for Cilium's) is freed right
/// after validation instead of staying alive through the render.
pub fn keep_parsed_schemas(keep: bool) {
    KEEP_PARSED.store(keep, std::sync::atomic::Ordering::Relaxed);
}

/// How many parsed schemas [`parsed_schema`] keeps (most recently used first).
const SCHEMA_CACHE_SIZE: usize = 8;

type SchemaCache = Mutex<Vec<(Arc<[u8]>, Arc<Yaml>)>>;

/// values.schema.json parsed once per distinct content: Cilium's is 148 KB and parsing it
/// took a tenth of a render. Keyed by the whole bytes (compared in full, so a changed file
/// is parsed again); parse errors are not kept.
fn parsed_schema(schema_json: &[u8]) -> Result<Arc<Yaml>, goyaml::Error> {
    if !KEEP_PARSED.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(Arc::new(goyaml::from_json_bytes(schema_json)?));
    }
    static CACHE: SchemaCache = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = cache.iter().position(|(k, _)| **k == *schema_json) {
        let hit = cache.remove(i);
        let schema = hit.1.clone();
        cache.insert(0, hit);
        return Ok(schema);
    }
    let schema = Arc::new(goyaml::from_json_bytes(schema_json)?);
    cache.insert(0, (Arc::from(schema_json), schema.clone()));
    cache.truncate(SCHEMA_CACHE_SIZE);
    Ok(schema)
}

/// Validate coalesced values against a chart's values.schema.json bytes; the error is
/// Helm's whole message.
pub fn validate_chart_values(chart: &str, schema_json: &[u8], values: &Yaml) -> Result<(), String> {
    let schema = parsed_schema(schema_json)
        .map_err(|e| format!("{chart}: invalid values.schema.json: {}", e.go_message()))?;
    let errors = validate(&schema, values);
    if errors.is_empty() {
        return Ok(());
    }
    Err(format!(
        "values don't meet the specifications of the schema(s) in the following chart(s):\n{}",
        format_chart_errors(chart, &errors)
    ))
}

//! Test helpers: loading ../shared/data, a Talos-like strategic merge used to
//! apply our patches to Talos-generated configs, and a small JSON-schema
//! checker for the keywords Talos' config.schema.json uses.
#![allow(dead_code)]

use serde_json::{Map, Value};
use std::path::PathBuf;

/// `$CARGO_MANIFEST_DIR/../../shared/data`, or None (with a printed skip note).
pub fn data_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if p.join("talos-machine-configs").is_dir() {
        Some(p)
    } else {
        println!("skipped: ../shared/data not found");
        None
    }
}

/// Parses a (multi-document) YAML string into JSON values.
pub fn yaml_docs(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for de in serde_yaml_ng::Deserializer::from_str(text) {
        let v: serde_yaml_ng::Value = serde::Deserialize::deserialize(de).expect("valid YAML");
        if v.is_null() {
            continue;
        }
        out.push(serde_json::to_value(v).expect("YAML maps to JSON"));
    }
    out
}

pub const VERSIONS: &[&str] = &[
    "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14", "v1.15",
];

pub fn load_config(data: &std::path::Path, version: &str, file: &str) -> Vec<Value> {
    let p = data.join("talos-machine-configs").join(version).join(file);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    yaml_docs(&text)
}

pub fn is_v1alpha1(doc: &Value) -> bool {
    doc.is_object() && doc.get("kind").is_none()
}

pub fn kind_of(doc: &Value) -> Option<(&str, &str)> {
    Some((doc.get("apiVersion")?.as_str()?, doc.get("kind")?.as_str()?))
}

fn merge_value(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, pv) in p {
                match b.get_mut(k) {
                    Some(bv) if bv.is_object() && pv.is_object() => merge_value(bv, pv),
                    // Lists we patch are merge:"replace" in Talos; scalars replace.
                    _ => {
                        b.insert(k.clone(), pv.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Applies strategic-merge patch documents to a config the way Talos'
/// configpatcher does for the cases our patches use: the v1alpha1 document is
/// deep-merged; a kinded document merges into the document of the same
/// apiVersion/kind (appended when absent); `$patch: delete` removes it.
pub fn apply(config: &[Value], patch_docs: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = config.to_vec();
    for p in patch_docs {
        if is_v1alpha1(p) {
            match out.iter_mut().find(|d| is_v1alpha1(d)) {
                Some(d) => merge_value(d, p),
                None => out.insert(0, p.clone()),
            }
            continue;
        }
        let key = kind_of(p).map(|(a, k)| (a.to_string(), k.to_string()));
        let pos = out
            .iter()
            .position(|d| kind_of(d).map(|(a, k)| (a.to_string(), k.to_string())) == key);
        let delete = p.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => merge_value(&mut out[i], p),
            (None, false) => out.push(p.clone()),
        }
    }
    out
}

/// Follows a dotted path through maps.
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, k| cur.get(k))
}

pub struct Schema {
    root: Value,
}

impl Schema {
    pub fn load(data: &std::path::Path) -> Schema {
        let text = std::fs::read_to_string(data.join("talos-config.schema.json")).expect("schema");
        Schema {
            root: serde_json::from_str(&text).expect("schema JSON"),
        }
    }

    /// The `$defs` entry a document must match, chosen like the schema's
    /// top-level oneOf would: by `kind` (or v1alpha1.Config without kind).
    pub fn def_for(&self, doc: &Value) -> Option<&Value> {
        let defs = self.root.get("$defs")?.as_object()?;
        if is_v1alpha1(doc) {
            return defs.get("v1alpha1.Config");
        }
        let kind = doc.get("kind")?.as_str()?;
        defs.values().find(|d| {
            d.pointer("/properties/kind/enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.iter().any(|k| k.as_str() == Some(kind)))
        })
    }

    fn resolve<'a>(&'a self, s: &'a Value) -> &'a Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .root
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling $ref {r}")),
            None => s,
        }
    }

    /// Validates `v` against `schema`; returns the errors (empty = valid).
    pub fn validate(&self, schema: &Value, v: &Value, path: &str) -> Vec<String> {
        let s = self.resolve(schema);
        let mut errs = Vec::new();
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(x) => vec![x.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let ok = types.iter().any(|t| match *t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "null" => v.is_null(),
                _ => false,
            });
            if !ok {
                errs.push(format!("{path}: {v} is not of type {types:?}"));
                return errs;
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            errs.push(format!("{path}: {v} not in enum {e:?}"));
        }
        if let (Some(p), Some(x)) = (s.get("pattern").and_then(Value::as_str), v.as_str()) {
            let re = regex::Regex::new(p).expect("schema pattern compiles");
            if !re.is_match(x) {
                errs.push(format!("{path}: {x:?} does not match {p}"));
            }
        }
        if let Some(n) = v.as_f64() {
            if let Some(min) = s.get("minimum").and_then(Value::as_f64)
                && n < min
            {
                errs.push(format!("{path}: {n} < minimum {min}"));
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64)
                && n > max
            {
                errs.push(format!("{path}: {n} > maximum {max}"));
            }
        }
        if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
            for (i, x) in a.iter().enumerate() {
                errs.extend(self.validate(items, x, &format!("{path}[{i}]")));
            }
        }
        if let (Some(min), Some(a)) = (s.get("minItems").and_then(Value::as_u64), v.as_array())
            && (a.len() as u64) < min
        {
            errs.push(format!("{path}: fewer than {min} items"));
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            let n = one
                .iter()
                .filter(|o| self.validate(o, v, path).is_empty())
                .count();
            if n != 1 {
                errs.push(format!("{path}: matches {n} of oneOf, expected 1"));
            }
        }
        if let Some(obj) = v.as_object() {
            errs.extend(self.validate_object(s, obj, path));
        }
        errs
    }

    fn validate_object(&self, s: &Value, obj: &Map<String, Value>, path: &str) -> Vec<String> {
        let mut errs = Vec::new();
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    errs.push(format!("{path}: missing required {r:?}"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        let pats: Vec<(regex::Regex, &Value)> = s
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (regex::Regex::new(k).expect("pattern compiles"), v))
                    .collect()
            })
            .unwrap_or_default();
        for (k, v) in obj {
            let p = format!("{path}.{k}");
            let mut matched = false;
            if let Some(ps) = props.and_then(|m| m.get(k)) {
                matched = true;
                errs.extend(self.validate(ps, v, &p));
            }
            for (re, ps) in &pats {
                if re.is_match(k) {
                    matched = true;
                    errs.extend(self.validate(ps, v, &p));
                }
            }
            if !matched {
                match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{p}: unknown key")),
                    Some(ap @ Value::Object(_)) => errs.extend(self.validate(ap, v, &p)),
                    _ => {}
                }
            }
        }
        errs
    }

    /// Validates a whole config document by its kind.
    pub fn validate_doc(&self, doc: &Value) -> Vec<String> {
        match self.def_for(doc) {
            Some(def) => self.validate(def, doc, kind_of(doc).map_or("v1alpha1", |(_, k)| k)),
            None => vec![format!("no schema definition for document {doc}")],
        }
    }
}

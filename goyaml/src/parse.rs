//! Reading YAML the way go-yaml v2 (and sigs.k8s.io/yaml on top of it) does.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use libyaml_safer::{Encoding, EventData, Parser};

use crate::error::{Error, ErrorKind};
use crate::float::format_float_g32;
use crate::resolve::{
    ResolvedScalar, TAG_PREFIX, Tagged, decode_base64, resolve_plain, resolve_tagged,
};
use crate::value::{Map, Yaml};

/// Explicit resource limits for reading YAML.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_input_bytes: usize,
    /// Deepest nesting of collections (also after alias expansion).
    pub max_depth: usize,
    /// Most nodes produced while decoding, counting every alias expansion (billion laughs).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 << 20,
            max_depth: 256,
            max_nodes: 10_000_000,
        }
    }
}

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        tag: Option<String>,
        plain_implicit: bool,
    },
    Seq(Vec<usize>),
    Map(Vec<usize>),
    Alias {
        target: usize,
        name: String,
    },
}

struct Doc {
    nodes: Vec<Node>,
    pos: Vec<(usize, usize)>,
    root: Option<usize>,
}

fn syntax_error(e: &libyaml_safer::Error) -> Error {
    let scanner = e.kind() == libyaml_safer::ErrorKind::Scanner;
    let mut line = 0u64;
    if let Some(pm) = e.problem_mark().filter(|m| m.line != 0) {
        // go-yaml reports the 0-based line for parser errors and the 1-based one for
        // scanner errors; both quirks are reproduced.
        line = pm.line + u64::from(scanner);
    } else if let Some(cm) = e.context_mark().filter(|m| m.line != 0) {
        line = cm.line;
    }
    let msg = if line != 0 {
        format!("yaml: line {line}: {}", e.problem())
    } else {
        format!("yaml: {}", e.problem())
    };
    let err = Error::new(ErrorKind::Syntax, msg);
    match e.problem_mark() {
        Some(m) => err.at(m.line as usize + 1, m.column as usize + 1),
        None => err,
    }
}

/// Compose node trees for up to `max_docs` documents.
fn compose(input: &[u8], limits: &Limits, max_docs: usize) -> Result<Vec<Doc>, Error> {
    if input.len() > limits.max_input_bytes {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "yaml: input of {} bytes exceeds the limit of {} bytes",
                input.len(),
                limits.max_input_bytes
            ),
        ));
    }
    let res = catch_unwind(AssertUnwindSafe(|| compose_inner(input, limits, max_docs)));
    match res {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            ErrorKind::Syntax,
            "yaml: internal parser error on malformed input",
        )),
    }
}

/// UTF-16 text (detected by its byte order mark, as go-yaml does) as UTF-8, so the parser
/// only ever reads UTF-8. Errors use go-yaml's reader messages.
fn utf16_to_utf8(input: &[u8]) -> Option<Result<Vec<u8>, Error>> {
    let big_endian = match input {
        [0xFE, 0xFF, ..] => true,
        [0xFF, 0xFE, ..] => false,
        _ => return None,
    };
    let body = &input[2..];
    let bad = |m: &str| Some(Err(Error::new(ErrorKind::Syntax, format!("yaml: {m}"))));
    if !body.len().is_multiple_of(2) {
        return bad("incomplete UTF-16 character");
    }
    let units = body.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut out = String::with_capacity(body.len());
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => out.push(c),
            Err(e) if (0xDC00..0xE000).contains(&e.unpaired_surrogate()) => {
                return bad("unexpected low surrogate area");
            }
            Err(_) => return bad("expected low surrogate area"),
        }
    }
    Some(Ok(out.into_bytes()))
}

fn compose_inner(input: &[u8], limits: &Limits, max_docs: usize) -> Result<Vec<Doc>, Error> {
    let transcoded;
    let input = match utf16_to_utf8(input) {
        Some(r) => {
            transcoded = r?;
            &transcoded[..]
        }
        None => input,
    };
    let mut parser = Parser::new();
    // The reader takes any leading 0xEF byte for the start of a UTF-8 byte order mark, so
    // text starting with e.g. U+F000 would be refused: strip a real BOM ourselves and
    // declare UTF-8 in that case.
    if input.first() == Some(&0xEF) {
        parser.set_encoding(Encoding::Utf8);
    }
    let input = input.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(input);
    parser.set_input(input);
    let mut docs = Vec::new();
    let mut cur: Option<Doc> = None;
    let mut stack: Vec<usize> = Vec::new();
    let mut anchors: HashMap<String, usize> = HashMap::new();
    loop {
        let ev = parser.parse().map_err(|e| syntax_error(&e))?;
        let line = ev.start_mark.line as usize + 1;
        let col = ev.start_mark.column as usize + 1;
        let (node, anchor, opens) = match ev.data {
            EventData::StreamStart { .. } => continue,
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                cur = Some(Doc {
                    nodes: Vec::new(),
                    pos: Vec::new(),
                    root: None,
                });
                anchors.clear();
                continue;
            }
            EventData::DocumentEnd { .. } => {
                if let Some(d) = cur.take() {
                    docs.push(d);
                }
                if docs.len() >= max_docs {
                    break;
                }
                continue;
            }
            EventData::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(Error::new(
                        ErrorKind::Decode,
                        format!("yaml: unknown anchor '{anchor}' referenced"),
                    )
                    .at(line, col));
                };
                (
                    Node::Alias {
                        target,
                        name: anchor,
                    },
                    None,
                    false,
                )
            }
            EventData::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => (
                Node::Scalar {
                    value,
                    tag,
                    plain_implicit,
                },
                anchor,
                false,
            ),
            EventData::SequenceStart { anchor, .. } => (Node::Seq(Vec::new()), anchor, true),
            EventData::MappingStart { anchor, .. } => (Node::Map(Vec::new()), anchor, true),
            EventData::SequenceEnd | EventData::MappingEnd => {
                let idx = stack.pop().unwrap_or_default();
                attach(&mut cur, &stack, idx);
                continue;
            }
        };
        let Some(doc) = cur.as_mut() else {
            continue;
        };
        let idx = doc.nodes.len();
        doc.nodes.push(node);
        doc.pos.push((line, col));
        if let Some(a) = anchor {
            anchors.insert(a, idx);
        }
        if opens {
            if stack.len() >= limits.max_depth {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!(
                        "yaml: line {line}: exceeded max depth of {}",
                        limits.max_depth
                    ),
                )
                .at(line, col));
            }
            stack.push(idx);
        } else {
            attach(&mut cur, &stack, idx);
        }
    }
    Ok(docs)
}

fn attach(cur: &mut Option<Doc>, stack: &[usize], idx: usize) {
    let Some(doc) = cur.as_mut() else { return };
    match stack.last() {
        Some(&parent) => match &mut doc.nodes[parent] {
            Node::Seq(v) | Node::Map(v) => v.push(idx),
            _ => {}
        },
        None => doc.root = Some(idx),
    }
}

struct Decoder<'a> {
    doc: &'a Doc,
    limits: &'a Limits,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active: HashSet<usize>,
    depth: usize,
    deferred: Option<Error>,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Decoder<'_> {
    fn err(&self, idx: usize, kind: ErrorKind, msg: String) -> Error {
        let (l, c) = self.doc.pos.get(idx).copied().unwrap_or((0, 0));
        Error::new(kind, msg).at(l, c)
    }

    fn count(&mut self, idx: usize) -> Result<(), Error> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(self.err(
                idx,
                ErrorKind::Limit,
                "yaml: document contains excessive aliasing".into(),
            ));
        }
        if self.decode_count > self.limits.max_nodes {
            return Err(self.err(
                idx,
                ErrorKind::Limit,
                format!(
                    "yaml: document expands to more than {} nodes",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn enter(&mut self, idx: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.err(
                idx,
                ErrorKind::Limit,
                format!("yaml: exceeded max depth of {}", self.limits.max_depth),
            ));
        }
        Ok(())
    }

    fn decode(&mut self, idx: usize) -> Result<Yaml, Error> {
        self.count(idx)?;
        let doc = self.doc;
        match &doc.nodes[idx] {
            Node::Scalar {
                value,
                tag,
                plain_implicit,
            } => self.scalar(idx, value, tag.as_deref(), *plain_implicit),
            Node::Seq(items) => {
                self.enter(idx)?;
                let mut out = Vec::with_capacity(items.len());
                for &c in items {
                    out.push(self.decode(c)?);
                }
                self.depth -= 1;
                Ok(Yaml::Seq(out))
            }
            Node::Map(_) => {
                let mut m = Map::new();
                self.map_into(idx, &mut m, false)?;
                Ok(Yaml::Map(m))
            }
            Node::Alias { target, name } => {
                let target = *target;
                self.with_alias(idx, name, |d| d.decode(target))
            }
        }
    }

    fn with_alias<T>(
        &mut self,
        idx: usize,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if !self.active.insert(idx) {
            return Err(self.err(
                idx,
                ErrorKind::Decode,
                format!("yaml: anchor '{name}' value contains itself"),
            ));
        }
        self.alias_depth += 1;
        let r = f(self);
        self.alias_depth -= 1;
        self.active.remove(&idx);
        r
    }

    fn scalar(
        &self,
        idx: usize,
        value: &str,
        tag: Option<&str>,
        plain_implicit: bool,
    ) -> Result<Yaml, Error> {
        let resolved = match tag {
            None if !plain_implicit => return Ok(Yaml::String(value.to_string())),
            None => resolve_plain(value),
            Some(t) => match resolve_tagged(t, value) {
                Ok(Tagged::Value(r)) => r,
                Ok(Tagged::Verbatim) => return Ok(Yaml::String(value.to_string())),
                Ok(Tagged::Binary) => {
                    return match decode_base64(value) {
                        Some(b) => Ok(Yaml::String(String::from_utf8_lossy(&b).into_owned())),
                        None => Err(self.err(
                            idx,
                            ErrorKind::Decode,
                            "yaml: !!binary value contains invalid base64 data".into(),
                        )),
                    };
                }
                Err(m) => return Err(self.err(idx, ErrorKind::Decode, format!("yaml: {m}"))),
            },
        };
        Ok(match resolved {
            ResolvedScalar::Null => Yaml::Null,
            ResolvedScalar::Bool(b) => Yaml::Bool(b),
            ResolvedScalar::Int(i) => Yaml::Int(i),
            ResolvedScalar::Uint(u) => Yaml::Uint(u),
            ResolvedScalar::Float(f) => Yaml::Float(f),
            ResolvedScalar::Timestamp | ResolvedScalar::Str => Yaml::String(value.to_string()),
        })
    }

    fn is_merge_key(&self, idx: usize) -> bool {
        match &self.doc.nodes[idx] {
            Node::Scalar {
                value,
                tag,
                plain_implicit,
            } => {
                value == "<<"
                    && ((*plain_implicit && tag.is_none())
                        || tag.as_deref() == Some(&format!("{TAG_PREFIX}merge")))
            }
            _ => false,
        }
    }

    /// Decode a mapping node (or an alias of one) into `out`, later keys overwriting.
    fn map_into(&mut self, idx: usize, out: &mut Map, counted: bool) -> Result<(), Error> {
        if counted {
            self.count(idx)?;
        }
        let doc = self.doc;
        match &doc.nodes[idx] {
            Node::Map(children) => {
                self.enter(idx)?;
                for pair in children.chunks(2) {
                    let (k, v) = match pair {
                        [k, v] => (*k, *v),
                        _ => continue,
                    };
                    if self.is_merge_key(k) {
                        self.merge(v, out)?;
                        continue;
                    }
                    let key = self.decode(k)?;
                    if matches!(key, Yaml::Seq(_) | Yaml::Map(_)) {
                        return Err(self.err(
                            k,
                            ErrorKind::Decode,
                            format!("yaml: invalid map key: {}", go_sharp_v(&key)),
                        ));
                    }
                    let val = self.decode(v)?;
                    if let Some(key) = self.key_string(k, key, &val) {
                        out.insert(key, val);
                    }
                }
                self.depth -= 1;
                Ok(())
            }
            Node::Alias { target, name } => {
                let target = *target;
                self.with_alias(idx, name, |d| d.map_into(target, out, true))
            }
            _ => Err(self.want_map(idx)),
        }
    }

    fn want_map(&self, idx: usize) -> Error {
        self.err(
            idx,
            ErrorKind::Decode,
            "yaml: map merge requires map or sequence of maps as the value".into(),
        )
    }

    fn alias_target_is_map(&self, idx: usize) -> bool {
        match &self.doc.nodes[idx] {
            Node::Map(_) => true,
            Node::Alias { target, .. } => matches!(self.doc.nodes[*target], Node::Map(_)),
            _ => false,
        }
    }

    fn merge(&mut self, idx: usize, out: &mut Map) -> Result<(), Error> {
        let doc = self.doc;
        match &doc.nodes[idx] {
            Node::Map(_) | Node::Alias { .. } => {
                if !self.alias_target_is_map(idx) {
                    return Err(self.want_map(idx));
                }
                self.map_into(idx, out, true)
            }
            Node::Seq(items) => {
                // Earlier entries take precedence: apply them last.
                for &c in items.iter().rev() {
                    if !self.alias_target_is_map(c) {
                        return Err(self.want_map(c));
                    }
                    self.map_into(c, out, true)?;
                }
                Ok(())
            }
            Node::Scalar { .. } => Err(self.want_map(idx)),
        }
    }

    /// sigs.k8s.io/yaml's conversion of non-string keys. Its errors come after go-yaml has
    /// decoded the whole document, so they are deferred.
    fn key_string(&mut self, idx: usize, key: Yaml, val: &Yaml) -> Option<String> {
        Some(match key {
            Yaml::String(s) => s,
            Yaml::Int(i) => i.to_string(),
            Yaml::Bool(b) => b.to_string(),
            Yaml::Float(f) => match format_float_g32(f).as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                s => s.to_string(),
            },
            other => {
                // Only int, int64, float64, bool and string keys are converted.
                let (ty, shown) = match other {
                    Yaml::Uint(u) => ("uint64".to_string(), format!("0x{u:x}")),
                    _ => ("%!s(<nil>)".to_string(), "<nil>".to_string()),
                };
                if self.deferred.is_none() {
                    self.deferred = Some(self.err(
                        idx,
                        ErrorKind::Json,
                        format!(
                            "unsupported map key of type: {ty}, key: {shown}, value: {}",
                            go_sharp_v(val)
                        ),
                    ));
                }
                return None;
            }
        })
    }
}

/// Approximation of Go's `%#v` for decoded yaml.v2 values (used in an error message).
fn go_sharp_v(v: &Yaml) -> String {
    match v {
        Yaml::Null => "interface {}(nil)".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Uint(u) => format!("0x{u:x}"),
        Yaml::Float(f) => crate::float::format_float_g(*f),
        Yaml::String(s) => format!("{s:?}"),
        Yaml::Seq(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")
        ),
        Yaml::Map(m) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k:?}:{}", go_sharp_v(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn decode_docs(docs: &[Doc], limits: &Limits) -> Result<Vec<Yaml>, Error> {
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let mut d = Decoder {
            doc,
            limits,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active: HashSet::new(),
            depth: 0,
            deferred: None,
        };
        match doc.root {
            Some(r) => out.push(d.decode(r)?),
            None => out.push(Yaml::Null),
        }
        if let Some(e) = d.deferred {
            return Err(e);
        }
    }
    Ok(out)
}

pub(crate) fn parse_documents_bytes(
    input: &[u8],
    limits: &Limits,
    first_only: bool,
) -> Result<Vec<Yaml>, Error> {
    let docs = compose(input, limits, if first_only { 1 } else { usize::MAX })?;
    decode_docs(&docs, limits)
}

/// Every document of a YAML stream, typed as go-yaml v2 decodes into `interface{}` (numbers
/// keep their int/uint/float types; map keys converted to strings as sigs.k8s.io/yaml does).
pub fn parse_documents(input: &[u8], limits: &Limits) -> Result<Vec<Yaml>, Error> {
    parse_documents_bytes(input, limits, false)
}

/// The first document only, as `yaml.Unmarshal` reads it (later documents are not even
/// parsed). `None` for an empty stream.
pub fn parse_first(input: &[u8], limits: &Limits) -> Result<Option<Yaml>, Error> {
    Ok(parse_documents_bytes(input, limits, true)?
        .into_iter()
        .next())
}

/// Convert a go-yaml typed tree into what `json.Marshal` + `json.Unmarshal` give back:
/// every number a float64; Inf/NaN are `json: unsupported value` errors.
pub fn json_normalize(v: Yaml) -> Result<Yaml, Error> {
    fn check(v: &Yaml) -> Result<(), Error> {
        match v {
            Yaml::Float(f) if !f.is_finite() => Err(Error::new(
                ErrorKind::Json,
                format!(
                    "json: unsupported value: {}",
                    crate::float::format_float_g(*f)
                ),
            )),
            Yaml::Seq(s) => s.iter().try_for_each(check),
            Yaml::Map(m) => m.values().try_for_each(check),
            _ => Ok(()),
        }
    }
    check(&v)?;
    Ok(v.normalize_numbers())
}

/// Helm's `fromYaml` / sigs.k8s.io/yaml `Unmarshal` into `interface{}`: first document,
/// YAML 1.1 typing, then the JSON round trip (every number a float64). An empty document
/// gives `Null`.
pub fn from_yaml(input: &str) -> Result<Yaml, Error> {
    let v = parse_first(input.as_bytes(), &Limits::default())?.unwrap_or(Yaml::Null);
    json_normalize(v)
}

/// A values file as Helm reads it (`chartutil.ReadValues`): like [`from_yaml`], but the
/// result must be a map; an empty document is an empty map.
pub fn parse_values(input: &str) -> Result<Map, Error> {
    yaml_object(input, "common.Values")
}

/// Helm's `fromYaml`: like [`parse_values`] with Go's `map[string]interface {}` in the
/// shape error (Helm turns an error into `{"Error": helm_message}`).
pub fn from_yaml_object(input: &str) -> Result<Map, Error> {
    yaml_object(input, "map[string]interface {}")
}

fn yaml_object(input: &str, go_type: &str) -> Result<Map, Error> {
    match from_yaml(input)? {
        Yaml::Null => Ok(Map::new()),
        Yaml::Map(m) => Ok(m),
        other => Err(Error::new(
            ErrorKind::Shape,
            format!(
                "while decoding JSON: json: cannot unmarshal {} into Go value of type {go_type}",
                other.json_type_name()
            ),
        )),
    }
}

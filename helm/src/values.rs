//! Values: reading values files, `MergeMaps`, `CoalesceValues`.

use goyaml::{Map, Yaml};

/// Split a YAML stream the way Kubernetes' YAML reader does (a line starting with `---`
/// followed only by blanks or a comment separates documents).
pub fn split_yaml_stream(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                docs.push(std::mem::take(&mut cur));
                continue;
            }
        }
        cur.push_str(line);
    }
    docs.push(cur);
    docs.retain(|d| !d.trim().is_empty());
    docs
}

/// A values file as Helm v4 reads it: every document read (numbers float64) and merged
/// with [`merge_maps`] in order. Errors carry Helm's message text.
pub fn read_values_stream(text: &str) -> Result<Map, String> {
    let mut out = Map::new();
    for doc in split_yaml_stream(text) {
        let m = goyaml::parse_values(&doc).map_err(|e| e.helm_message())?;
        out = merge_maps(out, m);
    }
    Ok(out)
}

/// Helm's `MergeMaps`: maps merge recursively, anything else from `b` replaces `a`
/// (including `null`).
pub fn merge_maps(mut a: Map, b: Map) -> Map {
    for (k, v) in b {
        match (a.get_mut(&k), v) {
            (Some(Yaml::Map(am)), Yaml::Map(bm)) => {
                let inner = std::mem::take(am);
                *am = merge_maps(inner, bm);
            }
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
    a
}

/// Helm's `CoalesceValues(chart, user)` for one chart: user values win; a user `null`
/// deletes the key; `null`s among the chart defaults are dropped; maps merge recursively,
/// everything else (lists included) is taken whole from the user.
pub fn coalesce(defaults: &Map, user: Map) -> Map {
    let mut out = user;
    coalesce_into(&mut out, defaults);
    out
}

fn coalesce_into(dst: &mut Map, src: &Map) {
    // A user null removes the key when the chart has a default for it; a null with no
    // default is kept.
    let mut deleted = Vec::new();
    for (k, v) in dst.iter() {
        if matches!(v, Yaml::Null) && src.contains_key(k) {
            deleted.push(k.clone());
        }
    }
    for (k, sv) in src {
        match dst.get_mut(k) {
            None => {
                if matches!(sv, Yaml::Null) {
                    continue;
                }
                let mut v = sv.clone();
                if let Yaml::Map(m) = &mut v {
                    drop_nulls(m);
                }
                dst.insert(k.clone(), v);
            }
            Some(Yaml::Null) => {}
            Some(Yaml::Map(dm)) => {
                if let Yaml::Map(sm) = sv {
                    coalesce_into(dm, sm);
                }
            }
            Some(_) => {}
        }
    }
    for k in deleted {
        dst.remove(&k);
    }
}

/// Helm's `CoalesceValues(chart, user)` over a chart and its subcharts: the chart's
/// defaults under the user values ([`coalesce`]), then for every subchart, in load order,
/// its map under the parent's key (created when absent) receives the parent's `global`
/// (`coalesceGlobals`) and then the subchart's own defaults, recursively. The parent's
/// `.Values.<sub>` and the subchart's `.Values` are that same map. A non-map under a
/// subchart's key is Helm's `type mismatch` error.
pub fn coalesce_chart(chart: &crate::Chart, user: Map) -> Result<Map, String> {
    let mut dest = coalesce(&chart.values, user);
    coalesce_deps(chart, &mut dest)?;
    Ok(dest)
}

fn coalesce_deps(chart: &crate::Chart, dest: &mut Map) -> Result<(), String> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let mut dv = match dest.remove(name) {
            None => Map::new(),
            Some(Yaml::Map(m)) => m,
            Some(other) => {
                return Err(format!("type mismatch on {name}: {}", go_verb_t(&other)));
            }
        };
        coalesce_globals(&mut dv, dest);
        coalesce_into(&mut dv, &sub.values);
        coalesce_deps(sub, &mut dv)?;
        dest.insert(name.to_string(), Yaml::Map(dv));
    }
    Ok(())
}

/// Go's `%t` of a value that is not a table (only booleans print plainly).
fn go_verb_t(v: &Yaml) -> String {
    match v {
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "%!t(<nil>)".into(),
        Yaml::String(s) => format!("%!t(string={s})"),
        Yaml::Float(f) => format!("%!t(float64={})", goyaml::format_float_g(*f)),
        Yaml::Int(i) => format!("%!t(int64={i})"),
        Yaml::Uint(u) => format!("%!t(uint64={u})"),
        Yaml::Seq(_) => "%!t([]interface {}=[...])".into(),
        Yaml::Map(_) => "%!t(map[string]interface {}=map[...])".into(),
    }
}

/// Helm's `coalesceGlobals(dest, src)`: the parent's (`src`) `global` entries go into the
/// subchart's (`dest`) `global`. A scalar from the parent replaces the subchart's (unless
/// the subchart has a table there); a table from the parent is copied and the subchart's
/// table fills in what it lacks. Either side's `global` not being a table skips the step.
fn coalesce_globals(dest: &mut Map, src: &Map) {
    let sg = match src.get("global") {
        None => Map::new(),
        Some(Yaml::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let mut dg = match dest.get("global") {
        None => Map::new(),
        Some(Yaml::Map(m)) => m.clone(),
        Some(_) => return,
    };
    for (key, val) in sg {
        match val {
            Yaml::Map(table) => match dg.get(&key) {
                None => {
                    dg.insert(key, Yaml::Map(table));
                }
                Some(Yaml::Map(existing)) => {
                    let mut merged = table;
                    merge_missing(&mut merged, existing);
                    dg.insert(key, Yaml::Map(merged));
                }
                Some(_) => {} // a table cannot replace a non-table: skipped
            },
            other => {
                if !matches!(dg.get(&key), Some(Yaml::Map(_))) {
                    dg.insert(key, other);
                }
            }
        }
    }
    dest.insert("global".into(), Yaml::Map(dg));
}

/// `coalesceTablesFullKey` with merge on: keys of `src` missing from `dst` are added (nulls
/// too), tables on both sides merge recursively, `dst` wins otherwise.
pub(crate) fn merge_missing(dst: &mut Map, src: &Map) {
    for (key, val) in src {
        match (dst.get_mut(key), val) {
            (None, v) => {
                dst.insert(key.clone(), v.clone());
            }
            (Some(Yaml::Map(d)), Yaml::Map(s)) => merge_missing(d, s),
            _ => {}
        }
    }
}

fn drop_nulls(m: &mut Map) {
    m.retain(|_, v| !matches!(v, Yaml::Null));
    for v in m.values_mut() {
        if let Yaml::Map(inner) = v {
            drop_nulls(inner);
        }
    }
}

/// User values assembled the way `helm template` does: `-f` files, then `--set-json`,
/// `--set`, `--set-string`, `--set-file`, `--set-literal`, each parsed into the
/// accumulated map in place.
#[derive(Debug, Clone, Default)]
pub struct ValuesBuilder {
    files: Vec<(String, String)>,
    set_json: Vec<String>,
    set: Vec<String>,
    set_string: Vec<String>,
    set_file: Vec<String>,
    set_literal: Vec<String>,
}

impl ValuesBuilder {
    pub fn new() -> Self {
        Self::default()
    }
    /// A values file's content (`name` is used in error messages).
    pub fn file(mut self, name: impl Into<String>, content: impl Into<String>) -> Self {
        self.files.push((name.into(), content.into()));
        self
    }
    pub fn set(mut self, expr: impl Into<String>) -> Self {
        self.set.push(expr.into());
        self
    }
    pub fn set_string(mut self, expr: impl Into<String>) -> Self {
        self.set_string.push(expr.into());
        self
    }
    pub fn set_json(mut self, expr: impl Into<String>) -> Self {
        self.set_json.push(expr.into());
        self
    }
    pub fn set_file(mut self, expr: impl Into<String>) -> Self {
        self.set_file.push(expr.into());
        self
    }
    pub fn set_literal(mut self, expr: impl Into<String>) -> Self {
        self.set_literal.push(expr.into());
        self
    }

    /// Build the user values; `read_file` serves `--set-file` paths.
    pub fn build(
        &self,
        read_file: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Map, String> {
        use crate::strvals::{Mode, parse_file_into, parse_into};
        let mut base = Map::new();
        for (name, text) in &self.files {
            let m = read_values_stream(text).map_err(|e| {
                format!("failed to parse {name}: cannot unmarshal yaml document: {e}")
            })?;
            base = merge_maps(base, m);
        }
        for e in &self.set_json {
            let t = e.trim();
            if t.starts_with('{') {
                match goyaml::from_json(t) {
                    Ok(Yaml::Map(m)) => base = merge_maps(base, m.into_iter().collect()),
                    _ => return Err(format!("failed parsing --set-json data JSON: {e}")),
                }
            } else {
                parse_into(e, &mut base, Mode::Json)
                    .map_err(|m| format!("failed parsing --set-json data {e}: {m}"))?;
            }
        }
        for e in &self.set {
            parse_into(e, &mut base, Mode::Typed)
                .map_err(|m| format!("failed parsing --set data: {m}"))?;
        }
        for e in &self.set_string {
            parse_into(e, &mut base, Mode::String)
                .map_err(|m| format!("failed parsing --set-string data: {m}"))?;
        }
        for e in &self.set_file {
            parse_file_into(e, &mut base, read_file)
                .map_err(|m| format!("failed parsing --set-file data: {m}"))?;
        }
        for e in &self.set_literal {
            parse_into(e, &mut base, Mode::Literal)
                .map_err(|m| format!("failed parsing --set-literal data: {m}"))?;
        }
        Ok(base)
    }
}

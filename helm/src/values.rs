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

fn drop_nulls(m: &mut Map) {
    m.retain(|_, v| !matches!(v, Yaml::Null));
    for v in m.values_mut() {
        if let Yaml::Map(inner) = v {
            drop_nulls(inner);
        }
    }
}

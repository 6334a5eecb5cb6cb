//! `.Files`: the chart's non-template files with Helm's accessors (`Get`, `Glob`, `Lines`,
//! `AsConfig`, `AsSecrets`). Pure data; the template engine wraps it as a host object.

use std::collections::BTreeMap;
use std::sync::Arc;

use goyaml::Yaml;

/// A set of files keyed by chart-relative path (Go `map[string][]byte`: sorted keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    pub entries: BTreeMap<String, Arc<[u8]>>,
}

impl Files {
    pub fn from_chart(chart: &crate::Chart) -> Files {
        Files {
            entries: chart
                .files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        }
    }

    /// `.Files.Get`: content as a string, `""` when absent (invalid UTF-8 replaced).
    pub fn get(&self, name: &str) -> String {
        self.entries
            .get(name)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    }

    /// `.Files.GetBytes`.
    pub fn get_bytes(&self, name: &str) -> Vec<u8> {
        self.entries
            .get(name)
            .map(|d| d.to_vec())
            .unwrap_or_default()
    }

    /// `.Files.Glob`: files whose path matches (gobwas/glob syntax with `/` as separator:
    /// `*`, `**`, `?`, `[...]`, `{a,b}`). A malformed pattern matches nothing.
    pub fn glob(&self, pattern: &str) -> Files {
        Files {
            entries: self
                .entries
                .iter()
                .filter(|(k, _)| glob_match(pattern, k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// `.Files.Lines`: the content split at `\n`, one trailing newline ignored.
    pub fn lines(&self, name: &str) -> Vec<String> {
        let Some(d) = self.entries.get(name) else {
            return Vec::new();
        };
        let mut s = String::from_utf8_lossy(d).into_owned();
        if s.ends_with('\n') {
            s.pop();
        }
        s.split('\n').map(str::to_string).collect()
    }

    fn by_base(&self, f: impl Fn(&[u8]) -> String) -> Result<String, String> {
        if self.entries.is_empty() {
            return Ok(String::new());
        }
        let mut m = goyaml::Map::new();
        for (k, v) in &self.entries {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(base.to_string(), Yaml::String(f(v)));
        }
        let s = goyaml::marshal_v2(&Yaml::Map(m)).map_err(|e| e.to_string())?;
        Ok(s.strip_suffix('\n').unwrap_or(&s).to_string())
    }

    /// `.AsConfig`: YAML map of base name → content.
    pub fn as_config(&self) -> Result<String, String> {
        self.by_base(|d| String::from_utf8_lossy(d).into_owned())
    }

    /// `.AsSecrets`: YAML map of base name → base64 content.
    pub fn as_secrets(&self) -> Result<String, String> {
        self.by_base(base64_std)
    }
}

/// Standard base64 with padding (Go `encoding/base64.StdEncoding`).
pub(crate) fn base64_std(d: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(d.len().div_ceil(3) * 4);
    for c in d.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Most `{...}` alternatives expanded from one glob pattern.
pub const MAX_GLOB_ALTERNATIVES: usize = 1024;

/// gobwas/glob matching with `/` as the separator.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let mut alts = Vec::new();
    if !expand_braces(pattern, &mut alts) {
        return false;
    }
    let n: Vec<char> = name.chars().collect();
    alts.iter().any(|p| {
        let p: Vec<char> = p.chars().collect();
        m(&p, &n).unwrap_or(false)
    })
}

fn expand_braces(p: &str, out: &mut Vec<String>) -> bool {
    let Some(open) = p.find('{') else {
        out.push(p.to_string());
        return out.len() <= MAX_GLOB_ALTERNATIVES;
    };
    // Find the matching close brace and top-level commas.
    let b = p.as_bytes();
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut start = open + 1;
    let mut close = None;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    parts.push(&p[start..i]);
                    close = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => {
                parts.push(&p[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    let Some(close) = close else { return false };
    for part in parts {
        let s = format!("{}{}{}", &p[..open], part, &p[close + 1..]);
        if !expand_braces(&s, out) {
            return false;
        }
    }
    true
}

fn m(p: &[char], n: &[char]) -> Option<bool> {
    if p.is_empty() {
        return Some(n.is_empty());
    }
    match p[0] {
        '*' if p.get(1) == Some(&'*') => {
            for i in 0..=n.len() {
                if m(&p[2..], &n[i..])? {
                    return Some(true);
                }
            }
            Some(false)
        }
        '*' => {
            let mut i = 0;
            loop {
                if m(&p[1..], &n[i..])? {
                    return Some(true);
                }
                if i >= n.len() || n[i] == '/' {
                    return Some(false);
                }
                i += 1;
            }
        }
        '?' => {
            if n.is_empty() || n[0] == '/' {
                return Some(false);
            }
            m(&p[1..], &n[1..])
        }
        '[' => {
            let end = p.iter().position(|&c| c == ']')?;
            if n.is_empty() {
                return Some(false);
            }
            let mut cls = &p[1..end];
            let neg = matches!(cls.first(), Some('!'));
            if neg {
                cls = &cls[1..];
            }
            let c = n[0];
            let mut hit = false;
            let mut i = 0;
            while i < cls.len() {
                if i + 2 < cls.len() && cls[i + 1] == '-' {
                    hit |= cls[i] <= c && c <= cls[i + 2];
                    i += 3;
                } else {
                    hit |= cls[i] == c;
                    i += 1;
                }
            }
            if hit == neg {
                return Some(false);
            }
            m(&p[end + 1..], &n[1..])
        }
        '\\' => {
            let c = *p.get(1)?;
            if n.first() != Some(&c) {
                return Some(false);
            }
            m(&p[2..], &n[1..])
        }
        c => {
            if n.first() != Some(&c) {
                return Some(false);
            }
            m(&p[1..], &n[1..])
        }
    }
}

//! The repository index (`index.yaml`) and version resolution.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use goyaml::{Limits, Yaml};

use crate::semver::{Constraints, Version};

/// One chart version listed in a repository index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub name: String,
    /// The version as the index spells it.
    pub version: String,
    /// Download URLs, relative to the repository URL or absolute; the first one is used.
    pub urls: Vec<String>,
    /// `digest:` as written (normally the sha256 hex of the archive); empty when absent.
    pub digest: String,
    pub app_version: String,
    pub created: String,
}

/// A parsed `index.yaml`: chart name to versions, in index order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub api_version: String,
    pub entries: BTreeMap<String, Vec<IndexEntry>>,
}

fn scalar(v: Option<&Yaml>) -> String {
    match v {
        Some(Yaml::String(s)) => s.clone(),
        Some(Yaml::Int(i)) => i.to_string(),
        Some(Yaml::Uint(u)) => u.to_string(),
        Some(Yaml::Float(f)) => goyaml::format_float_g(*f),
        Some(Yaml::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

impl Index {
    /// Parse an `index.yaml` (first document). Entries without a version are skipped, as
    /// are entries that are not maps. `max_bytes` bounds the input (and goyaml's limits).
    pub fn parse(data: &[u8], max_bytes: usize) -> Result<Index, String> {
        if data.len() > max_bytes {
            return Err(format!(
                "index is {} bytes, more than the limit of {max_bytes}",
                data.len()
            ));
        }
        let limits = Limits {
            max_input_bytes: max_bytes,
            ..Limits::default()
        };
        let doc = goyaml::parse_first(data, &limits).map_err(|e| e.to_string())?;
        let top = match doc {
            Some(Yaml::Map(m)) => m,
            Some(other) => {
                return Err(format!(
                    "expected a map at the top level, found {}",
                    other.json_type_name()
                ));
            }
            None => return Err("the index is empty".to_string()),
        };
        let api_version = scalar(top.get("apiVersion"));
        if api_version.is_empty() {
            return Err("no apiVersion (is this a Helm repository index?)".to_string());
        }
        let mut entries = BTreeMap::new();
        match top.get("entries") {
            None | Some(Yaml::Null) => {}
            Some(Yaml::Map(m)) => {
                for (name, list) in m {
                    let Yaml::Seq(list) = list else { continue };
                    let mut versions = Vec::with_capacity(list.len());
                    for item in list {
                        let Yaml::Map(e) = item else { continue };
                        let version = scalar(e.get("version"));
                        if version.is_empty() {
                            continue;
                        }
                        let urls = match e.get("urls") {
                            Some(Yaml::Seq(u)) => u
                                .iter()
                                .map(|x| scalar(Some(x)))
                                .filter(|s| !s.is_empty())
                                .collect(),
                            _ => Vec::new(),
                        };
                        versions.push(IndexEntry {
                            name: name.clone(),
                            version,
                            urls,
                            digest: scalar(e.get("digest")),
                            app_version: scalar(e.get("appVersion")),
                            created: scalar(e.get("created")),
                        });
                    }
                    entries.insert(name.clone(), versions);
                }
            }
            Some(other) => {
                return Err(format!(
                    "entries: expected a map, found {}",
                    other.json_type_name()
                ));
            }
        }
        Ok(Index {
            api_version,
            entries,
        })
    }
}

/// What the user asked for: one exact version or a constraint.
#[derive(Debug, Clone)]
pub(crate) enum Wanted {
    /// `1.16.5`, `v1.16.5`, `1.17.0-rc.1`: all three numbers given, no operator.
    Exact(Version),
    Constraint(Constraints),
}

impl Wanted {
    pub(crate) fn parse(input: &str) -> Result<Wanted, String> {
        let s = input.trim();
        if s.is_empty() {
            // Helm: no version means the newest stable one.
            return Constraints::parse("*")
                .map(Wanted::Constraint)
                .map_err(|e| e.to_string());
        }
        if is_exact(s) {
            return Version::parse(s)
                .map(Wanted::Exact)
                .map_err(|e| e.to_string());
        }
        Constraints::parse(s)
            .map(Wanted::Constraint)
            .map_err(|e| e.to_string())
    }
}

fn is_exact(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The key a version is cached under: `MAJOR.MINOR.PATCH[-PRE][+META]`.
pub(crate) fn version_key(v: &Version) -> String {
    v.canonical()
}

/// Why resolution failed.
#[derive(Debug)]
pub(crate) enum ResolveError {
    NoSuchChart { available: Vec<String> },
    NoMatch { newest: Vec<String> },
}

/// How many names / versions error messages list.
pub(crate) const LIST_IN_ERRORS: usize = 5;

/// The entry for `name` matching `wanted`: for an exact version the entry spelled the same
/// (else the one with equal semantic version), for a constraint the newest matching one
/// (prereleases only when the constraint has one).
pub(crate) fn resolve<'a>(
    index: &'a Index,
    name: &str,
    wanted: &Wanted,
) -> Result<&'a IndexEntry, ResolveError> {
    let Some(list) = index.entries.get(name) else {
        return Err(ResolveError::NoSuchChart {
            available: index
                .entries
                .keys()
                .take(LIST_IN_ERRORS * 2)
                .cloned()
                .collect(),
        });
    };
    let parsed: Vec<(&IndexEntry, Version)> = list
        .iter()
        .filter_map(|e| Version::parse(&e.version).ok().map(|v| (e, v)))
        .collect();
    let found = match wanted {
        Wanted::Exact(want) => list
            .iter()
            .find(|e| e.version == want.original)
            .or_else(|| {
                let key = version_key(want);
                parsed
                    .iter()
                    .find(|(_, v)| version_key(v) == key)
                    .map(|(e, _)| *e)
            }),
        Wanted::Constraint(c) => {
            let mut best: Option<&(&IndexEntry, Version)> = None;
            for p in parsed.iter().filter(|(_, v)| c.check(v)) {
                if best.is_none_or(|b| p.1.compare(&b.1) == Ordering::Greater) {
                    best = Some(p);
                }
            }
            best.map(|(e, _)| *e)
        }
    };
    found.ok_or_else(|| ResolveError::NoMatch {
        newest: newest_versions(parsed.iter().map(|(_, v)| v.clone()).collect()),
    })
}

/// The newest few versions, newest first (as originally spelled).
pub(crate) fn newest_versions(mut versions: Vec<Version>) -> Vec<String> {
    versions.sort_by(|a, b| b.compare(a));
    versions.dedup_by(|a, b| a.original == b.original);
    versions
        .into_iter()
        .take(LIST_IN_ERRORS)
        .map(|v| v.original)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_or_constraint() {
        assert!(is_exact("1.16.5"));
        assert!(is_exact("v1.16.5"));
        assert!(is_exact("1.17.0-rc.1"));
        assert!(is_exact("1.17.0+build.1"));
        assert!(!is_exact("1.16"));
        assert!(!is_exact("~1.16.5"));
        assert!(!is_exact("1.16.x"));
        assert!(!is_exact(">=1.15 <1.17"));
        assert!(
            matches!(Wanted::parse("v1.2.3"), Ok(Wanted::Exact(v)) if v.canonical() == "1.2.3")
        );
        assert!(matches!(Wanted::parse(""), Ok(Wanted::Constraint(_))));
        assert!(Wanted::parse("not a version").is_err());
    }

    #[test]
    fn index_shapes() {
        let idx = Index::parse(
            b"apiVersion: v1\nentries:\n  a:\n  - version: 1.0.0\n    urls: [a-1.0.0.tgz]\n    digest: ab\n  - urls: [x]\n  - 3\n",
            1 << 20,
        )
        .unwrap();
        assert_eq!(idx.entries["a"].len(), 1);
        assert_eq!(idx.entries["a"][0].urls, vec!["a-1.0.0.tgz".to_string()]);
        assert_eq!(idx.entries["a"][0].digest, "ab");
        assert_eq!(
            Index::parse(b"- 1\n", 1 << 20).unwrap_err(),
            "expected a map at the top level, found array"
        );
        assert_eq!(
            Index::parse(b"entries: {}\n", 1 << 20).unwrap_err(),
            "no apiVersion (is this a Helm repository index?)"
        );
        assert!(Index::parse(b"apiVersion: v1\n", 4).is_err());
    }
}

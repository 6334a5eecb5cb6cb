//! Chart loading from a directory or a `.tgz` archive, with explicit limits.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

use goyaml::{Map, Yaml};

/// Largest accepted compressed archive, in bytes.
pub const MAX_ARCHIVE_BYTES: u64 = 64 << 20;
/// Largest accepted total of decompressed file contents, in bytes.
pub const MAX_DECOMPRESSED_BYTES: u64 = 256 << 20;
/// Largest accepted single file, in bytes.
pub const MAX_FILE_BYTES: u64 = 16 << 20;
/// Most files accepted in one chart archive or directory.
pub const MAX_FILES: usize = 10_000;
/// Deepest nesting of subcharts (`charts/` inside `charts/`).
pub const MAX_SUBCHART_DEPTH: usize = 8;
/// Most subchart archives (`charts/*.tgz`) expanded in one chart, all levels together.
pub const MAX_SUBCHART_ARCHIVES: usize = 64;

/// Why a chart could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    Io(String),
    /// A limit was hit; the message names it.
    Limit(String),
    /// An unsafe archive entry (traversal, absolute path, link, device).
    Unsafe(String),
    /// Chart.yaml / values.yaml invalid or missing.
    Invalid(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(m)
            | LoadError::Limit(m)
            | LoadError::Unsafe(m)
            | LoadError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for LoadError {}

/// Chart.yaml metadata (the fields Helm knows; everything kept as read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub kube_version: String,
    pub description: String,
    pub chart_type: String,
    pub annotations: BTreeMap<String, String>,
    pub dependencies: Vec<Dependency>,
    /// The whole Chart.yaml as parsed.
    pub raw: Map,
}

/// One entry of `dependencies:` in Chart.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub alias: String,
    /// `tags:` (strings; other entries ignored).
    pub tags: Vec<String>,
    /// `import-values:` as (child path, parent path): a string `x` is
    /// (`exports.x`, `.`); a map gives its `child` and `parent`.
    pub import_values: Vec<(String, String)>,
}

/// A file of the chart: path relative to the chart root (forward slashes) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    /// Shared with `.Files` at render time (no copy per render).
    pub data: std::sync::Arc<[u8]>,
}

/// A loaded chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub metadata: Metadata,
    /// `templates/**` files, paths relative to the chart root.
    pub templates: Vec<File>,
    /// values.yaml (first document merged with the rest, as Helm v4 reads it).
    pub values: Map,
    /// values.schema.json raw bytes, if present.
    pub schema: Option<Vec<u8>>,
    /// Every other file (what `.Files` sees), sorted by name.
    pub files: Vec<File>,
    /// `crds/**` files.
    pub crds: Vec<File>,
    /// Subcharts from `charts/` (directories or `.tgz`).
    pub dependencies: Vec<Chart>,
}

#[derive(Default)]
struct Nesting {
    depth: usize,
    archives: usize,
}

#[derive(Default)]
struct Budget {
    files: usize,
    bytes: u64,
}

impl Budget {
    fn add(&mut self, name: &str, size: u64) -> Result<(), LoadError> {
        if size > MAX_FILE_BYTES {
            return Err(LoadError::Limit(format!(
                "chart file {name} is {size} bytes, more than the limit of {MAX_FILE_BYTES}"
            )));
        }
        self.files += 1;
        if self.files > MAX_FILES {
            return Err(LoadError::Limit(format!(
                "chart has more than {MAX_FILES} files"
            )));
        }
        self.bytes += size;
        if self.bytes > MAX_DECOMPRESSED_BYTES {
            return Err(LoadError::Limit(format!(
                "chart content exceeds {MAX_DECOMPRESSED_BYTES} bytes decompressed"
            )));
        }
        Ok(())
    }
}

impl Chart {
    /// Load a chart from a directory or a `.tgz` file.
    pub fn load(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
        let path = path.as_ref();
        let md = std::fs::metadata(path)
            .map_err(|e| LoadError::Io(format!("{}: {e}", path.display())))?;
        if md.is_dir() {
            let mut budget = Budget::default();
            let mut files = read_dir_files(path, &mut budget)?;
            // `.helmignore` applies when loading a directory (archives were filtered when
            // they were packaged).
            if let Some(f) = files.iter().find(|f| f.name == ".helmignore") {
                let rules = crate::ignore::Rules::parse(&String::from_utf8_lossy(&f.data));
                files.retain(|f| !rules.ignored(&f.name));
            }
            Chart::from_files(files)
        } else {
            if md.len() > MAX_ARCHIVE_BYTES {
                return Err(LoadError::Limit(format!(
                    "chart archive is {} bytes, more than the limit of {MAX_ARCHIVE_BYTES}",
                    md.len()
                )));
            }
            let data = std::fs::read(path)
                .map_err(|e| LoadError::Io(format!("{}: {e}", path.display())))?;
            Chart::load_archive(&data)
        }
    }

    /// Load a chart from the bytes of a `.tgz` archive.
    pub fn load_archive(data: &[u8]) -> Result<Chart, LoadError> {
        Chart::load_archive_nested(data, &mut Nesting::default())
    }

    fn load_archive_nested(data: &[u8], nest: &mut Nesting) -> Result<Chart, LoadError> {
        if data.len() as u64 > MAX_ARCHIVE_BYTES {
            return Err(LoadError::Limit(format!(
                "chart archive is {} bytes, more than the limit of {MAX_ARCHIVE_BYTES}",
                data.len()
            )));
        }
        let files = read_archive_files(data)?;
        // Archives hold one top-level directory (the chart name); strip it.
        let mut stripped = Vec::with_capacity(files.len());
        for f in files {
            match f.name.split_once('/') {
                Some((_, rest)) if !rest.is_empty() => stripped.push(File {
                    name: rest.to_string(),
                    data: f.data,
                }),
                _ => {}
            }
        }
        Chart::from_files_nested(stripped, nest)
    }

    /// Build a chart from its files (paths relative to the chart root).
    pub fn from_files(files: Vec<File>) -> Result<Chart, LoadError> {
        Chart::from_files_nested(files, &mut Nesting::default())
    }

    fn from_files_nested(mut files: Vec<File>, nest: &mut Nesting) -> Result<Chart, LoadError> {
        files.sort_by(|a, b| a.name.cmp(&b.name));

        let chart_yaml = files
            .iter()
            .find(|f| f.name == "Chart.yaml")
            .ok_or_else(|| LoadError::Invalid("Chart.yaml file is missing".into()))?;
        let metadata = parse_metadata(&chart_yaml.data)?;

        let mut values = Map::new();
        let mut schema = None;
        let mut templates = Vec::new();
        let mut crds = Vec::new();
        let mut other = Vec::new();
        let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
        let mut sub_archives = Vec::new();
        for f in files {
            match f.name.as_str() {
                "Chart.yaml" => {}
                "values.yaml" => values = parse_values_file(&f.data, "values.yaml")?,
                "values.schema.json" => schema = Some(f.data.to_vec()),
                n if n.starts_with("templates/") => templates.push(f),
                n if n.starts_with("crds/") => {
                    crds.push(f.clone());
                    other.push(f);
                }
                n if n.starts_with("charts/") => {
                    let rest = &n["charts/".len()..];
                    match rest.split_once('/') {
                        Some((dir, inner)) => {
                            subcharts.entry(dir.to_string()).or_default().push(File {
                                name: inner.to_string(),
                                data: f.data,
                            })
                        }
                        None if rest.ends_with(".tgz") || rest.ends_with(".tar.gz") => {
                            sub_archives.push(f)
                        }
                        None => other.push(f),
                    }
                }
                _ => other.push(f),
            }
        }
        let mut dependencies = Vec::new();
        if !(subcharts.is_empty() && sub_archives.is_empty()) {
            nest.depth += 1;
            if nest.depth > MAX_SUBCHART_DEPTH {
                return Err(LoadError::Limit(format!(
                    "subcharts nested deeper than {MAX_SUBCHART_DEPTH} levels"
                )));
            }
            for (_, sub) in subcharts {
                dependencies.push(Chart::from_files_nested(sub, nest)?);
            }
            for a in sub_archives {
                nest.archives += 1;
                if nest.archives > MAX_SUBCHART_ARCHIVES {
                    return Err(LoadError::Limit(format!(
                        "more than {MAX_SUBCHART_ARCHIVES} subchart archives"
                    )));
                }
                dependencies.push(Chart::load_archive_nested(&a.data, nest)?);
            }
            nest.depth -= 1;
        }
        Ok(Chart {
            metadata,
            templates,
            values,
            schema,
            files: other,
            crds,
            dependencies,
        })
    }

    pub fn name(&self) -> &str {
        &self.metadata.name
    }
}

/// Parse a values file as Helm v4 does: every document, merged in order.
pub fn parse_values_file(data: &[u8], what: &str) -> Result<Map, LoadError> {
    let text = std::str::from_utf8(data)
        .map_err(|_| LoadError::Invalid(format!("{what}: not valid UTF-8")))?;
    crate::values::read_values_stream(text)
        .map_err(|e| LoadError::Invalid(format!("cannot load {what}: {e}")))
}

fn str_field(m: &Map, k: &str) -> String {
    match m.get(k) {
        Some(Yaml::String(s)) => s.clone(),
        Some(Yaml::Float(f)) => goyaml::format_float_g(*f),
        Some(Yaml::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn parse_metadata(data: &[u8]) -> Result<Metadata, LoadError> {
    let text = std::str::from_utf8(data)
        .map_err(|_| LoadError::Invalid("Chart.yaml: not valid UTF-8".into()))?;
    let raw = goyaml::parse_values(text)
        .map_err(|e| LoadError::Invalid(format!("cannot load Chart.yaml: {}", e.helm_message())))?;
    let mut annotations = BTreeMap::new();
    if let Some(Yaml::Map(a)) = raw.get("annotations") {
        for (k, v) in a {
            if let Yaml::String(s) = v {
                annotations.insert(k.clone(), s.clone());
            }
        }
    }
    let mut dependencies = Vec::new();
    if let Some(Yaml::Seq(ds)) = raw.get("dependencies") {
        for d in ds {
            if let Yaml::Map(m) = d {
                dependencies.push(Dependency {
                    name: str_field(m, "name"),
                    version: str_field(m, "version"),
                    repository: str_field(m, "repository"),
                    condition: str_field(m, "condition"),
                    alias: str_field(m, "alias"),
                    tags: match m.get("tags") {
                        Some(Yaml::Seq(ts)) => ts
                            .iter()
                            .filter_map(|t| match t {
                                Yaml::String(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    import_values: match m.get("import-values") {
                        Some(Yaml::Seq(items)) => items
                            .iter()
                            .filter_map(|iv| match iv {
                                Yaml::String(s) => Some((format!("exports.{s}"), ".".into())),
                                Yaml::Map(m) => {
                                    Some((str_field(m, "child"), str_field(m, "parent")))
                                }
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                });
            }
        }
    }
    let md = Metadata {
        api_version: str_field(&raw, "apiVersion"),
        name: str_field(&raw, "name"),
        version: str_field(&raw, "version"),
        app_version: str_field(&raw, "appVersion"),
        kube_version: str_field(&raw, "kubeVersion"),
        description: str_field(&raw, "description"),
        chart_type: str_field(&raw, "type"),
        annotations,
        dependencies,
        raw,
    };
    if md.api_version.is_empty() {
        return Err(LoadError::Invalid(
            "validation: chart.metadata.apiVersion is required".into(),
        ));
    }
    if md.name.is_empty() {
        return Err(LoadError::Invalid(
            "validation: chart.metadata.name is required".into(),
        ));
    }
    if md.version.is_empty() {
        return Err(LoadError::Invalid(
            "validation: chart.metadata.version is required".into(),
        ));
    }
    Ok(md)
}

/// Validate an archive or directory entry path and return it with forward slashes.
fn safe_rel_path(name: &str) -> Result<String, LoadError> {
    let n = name.replace('\\', "/");
    if n.starts_with('/') || (n.len() > 1 && n.as_bytes()[1] == b':') {
        return Err(LoadError::Unsafe(format!(
            "chart entry {name:?} has an absolute path"
        )));
    }
    let mut parts = Vec::new();
    for p in n.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                return Err(LoadError::Unsafe(format!(
                    "chart entry {name:?} leaves the chart directory"
                )));
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

fn read_archive_files(data: &[u8]) -> Result<Vec<File>, LoadError> {
    let gz = flate2::read::GzDecoder::new(data);
    // Cap the decompressed stream itself, so headers and padding count too.
    let limited = gz.take(MAX_DECOMPRESSED_BYTES + 1024 * 1024);
    let mut ar = tar::Archive::new(limited);
    let mut budget = Budget::default();
    let mut out = Vec::new();
    let entries = ar
        .entries()
        .map_err(|e| LoadError::Invalid(format!("reading chart archive: {e}")))?;
    for entry in entries {
        let mut entry =
            entry.map_err(|e| LoadError::Invalid(format!("reading chart archive: {e}")))?;
        let path = entry
            .path()
            .map_err(|e| LoadError::Invalid(format!("reading chart archive: {e}")))?
            .to_string_lossy()
            .into_owned();
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Directory => continue,
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => continue,
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(LoadError::Unsafe(format!(
                    "chart archive entry {path:?} is a link; links are refused"
                )));
            }
            other => {
                return Err(LoadError::Unsafe(format!(
                    "chart archive entry {path:?} has unsupported type {other:?}"
                )));
            }
        }
        let name = safe_rel_path(&path)?;
        let size = entry.header().size().unwrap_or(u64::MAX);
        budget.add(&name, size)?;
        let mut buf = Vec::with_capacity(size.min(MAX_FILE_BYTES) as usize);
        (&mut entry)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| LoadError::Invalid(format!("reading chart archive: {e}")))?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(LoadError::Limit(format!(
                "chart file {name} is more than the limit of {MAX_FILE_BYTES} bytes"
            )));
        }
        out.push(File {
            name,
            data: buf.into(),
        });
    }
    Ok(out)
}

fn read_dir_files(root: &Path, budget: &mut Budget) -> Result<Vec<File>, LoadError> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let rd = std::fs::read_dir(&dir)
            .map_err(|e| LoadError::Io(format!("{}: {e}", dir.display())))?;
        for ent in rd {
            let ent = ent.map_err(|e| LoadError::Io(format!("{}: {e}", dir.display())))?;
            let name = ent.file_name().to_string_lossy().into_owned();
            let relname = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let ft = ent
                .file_type()
                .map_err(|e| LoadError::Io(format!("{relname}: {e}")))?;
            if ft.is_symlink() {
                return Err(LoadError::Unsafe(format!(
                    "chart file {relname} is a symbolic link; links are refused"
                )));
            }
            if ft.is_dir() {
                stack.push((ent.path(), relname));
            } else if ft.is_file() {
                let len = ent
                    .metadata()
                    .map_err(|e| LoadError::Io(format!("{relname}: {e}")))?
                    .len();
                budget.add(&relname, len)?;
                let data = std::fs::read(ent.path())
                    .map_err(|e| LoadError::Io(format!("{relname}: {e}")))?;
                out.push(File {
                    name: relname,
                    data: data.into(),
                });
            } else {
                return Err(LoadError::Unsafe(format!(
                    "chart file {relname} is not a regular file"
                )));
            }
        }
    }
    Ok(out)
}

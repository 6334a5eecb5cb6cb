//! Output assembly of `helm template` (v4): document splitting, hook classification,
//! kind install order, `# Source:` blocks, `--show-only`.

use std::collections::BTreeMap;

/// Kinds in Helm v4's install order; unknown kinds sort after these by name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows; a document naming any other event is dropped.
pub const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || matches!(
        c,
        '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

fn is_re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Helm's `SplitManifests`: regex `(?:^|\s*\n)---\s*` over the left-trimmed text,
/// whitespace-only pieces dropped, each piece left-trimmed.
pub fn split_manifests(text: &str) -> Vec<String> {
    let s = text.trim_start_matches(is_go_space);
    let b = s.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Separator at the very start (`^---\s*`).
    if b.starts_with(b"---") {
        let mut e = 3;
        while e < b.len() && is_re_space(b[e]) {
            e += 1;
        }
        pieces.push(&s[..0]);
        start = e;
        i = e;
    }
    while i < b.len() {
        if b[i] == b'\n' && b[i + 1..].starts_with(b"---") {
            // Leftmost match: extend back over whitespace before this newline, but not
            // before the start of the current piece.
            let mut ms = i;
            while ms > start && is_re_space(b[ms - 1]) {
                ms -= 1;
            }
            let mut e = i + 4;
            while e < b.len() && is_re_space(b[e]) {
                e += 1;
            }
            pieces.push(&s[start..ms]);
            start = e;
            i = e;
            continue;
        }
        i += 1;
    }
    pieces.push(&s[start..]);
    pieces
        .into_iter()
        .filter(|p| !p.trim_matches(is_go_space).is_empty())
        .map(|p| p.trim_start_matches(is_go_space).to_string())
        .collect()
}

/// One document of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// `<chart>/templates/<file>`.
    pub path: String,
    pub content: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// Hook events (lower-cased, `test-success` → `test`); empty for plain manifests.
    pub hook_events: Vec<String>,
}

fn kind_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

fn head(doc: &str, path: &str) -> Result<(String, String, String, Option<String>), String> {
    let v = goyaml::from_yaml(doc)
        .map_err(|e| format!("YAML parse error on {path}: {}", e.helm_message()))?;
    let s = |y: Option<&goyaml::Yaml>| match y {
        Some(goyaml::Yaml::String(s)) => s.clone(),
        _ => String::new(),
    };
    let kind = s(v.get("kind"));
    let md = v.get("metadata");
    let name = s(md.and_then(|m| m.get("name")));
    let ns = s(md.and_then(|m| m.get("namespace")));
    let hook = md
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("helm.sh/hook"))
        .map(|h| match h {
            goyaml::Yaml::String(s) => s.clone(),
            goyaml::Yaml::Bool(b) => b.to_string(),
            goyaml::Yaml::Float(f) => goyaml::format_float_g(*f),
            _ => String::new(),
        });
    Ok((kind, name, ns, hook))
}

/// Helm's `SortManifests`: files in byte order, split into documents, classified into
/// hooks and manifests, each stably sorted by kind. `files` maps `<chart>/templates/<f>`
/// to rendered text (partials and NOTES.txt already removed).
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Manifest>, Vec<Manifest>), String> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    let mut docs: Vec<(&String, String)> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim_matches(is_go_space).is_empty() {
            continue;
        }
        docs.extend(split_manifests(content).into_iter().map(|d| (path, d)));
    }
    // Parsing every document for its head is most of this function's time; the parses are
    // independent, so they are spread over threads. The first error in document order wins,
    // as in the sequential loop.
    let heads = crate::parallel::map(&docs, |d| d.1.len(), |(path, doc)| head(doc, path));
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let (kind, name, namespace, hook) = head?;
        let mut m = Manifest {
            path: path.clone(),
            content: doc,
            kind,
            name,
            namespace,
            hook_events: Vec::new(),
        };
        match hook {
            None => generic.push(m),
            Some(h) => {
                let events: Vec<String> = h.split(',').map(|e| e.trim().to_lowercase()).collect();
                if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                    continue;
                }
                m.hook_events = events
                    .into_iter()
                    .map(|e| {
                        if e == "test-success" {
                            "test".into()
                        } else {
                            e
                        }
                    })
                    .collect();
                hooks.push(m);
            }
        }
    }
    hooks.sort_by(|a, b| kind_rank(&a.kind).cmp(&kind_rank(&b.kind)));
    generic.sort_by(|a, b| kind_rank(&a.kind).cmp(&kind_rank(&b.kind)));
    Ok((hooks, generic))
}

/// Output options that act on rendered text.
#[derive(Debug, Clone, Default)]
pub struct AssembleOptions {
    pub no_hooks: bool,
    pub skip_tests: bool,
    pub show_only: Vec<String>,
}

fn block(path: &str, content: &str) -> String {
    format!("---\n# Source: {path}\n{content}\n")
}

/// Assemble `helm template` output from rendered files and CRD blocks (`(path, text)`,
/// printed first when `--include-crds`).
pub fn assemble(
    crds: &[(String, String)],
    files: &BTreeMap<String, String>,
    opts: &AssembleOptions,
) -> Result<(String, Vec<Manifest>), String> {
    let (hooks, generic) = sort_manifests(files)?;
    let mut text = String::new();
    for (p, c) in crds {
        text.push_str(&block(p, c));
    }
    for m in &generic {
        text.push_str(&block(&m.path, &m.content));
    }
    let mut out = text.trim_matches(is_go_space).to_string();
    out.push('\n');
    let mut listed = generic.clone();
    if !opts.no_hooks {
        for h in hooks {
            if opts.skip_tests && h.hook_events.iter().any(|e| e == "test") {
                continue;
            }
            out.push_str(&block(&h.path, &h.content));
            listed.push(h);
        }
    }
    if !opts.show_only.is_empty() {
        out = show_only(&out, &opts.show_only)?;
        listed.retain(|m| {
            let rel = m.path.split_once('/').map(|x| x.1).unwrap_or(&m.path);
            opts.show_only
                .iter()
                .any(|p| crate::ignore::glob_match(p, rel))
        });
    }
    Ok((out, listed))
}

/// `--show-only`: re-split the output and keep documents whose source (after the chart
/// name) matches a pattern; a pattern matching nothing is an error.
pub fn show_only(text: &str, patterns: &[String]) -> Result<String, String> {
    let docs = split_manifests(text);
    let mut out = String::new();
    for pat in patterns {
        let mut found = false;
        for d in &docs {
            let Some(pos) = d.find("# Source: ") else {
                continue;
            };
            let line = d[pos + 10..].lines().next().unwrap_or("");
            let Some((_, rel)) = line.split_once('/') else {
                continue;
            };
            if crate::ignore::glob_match(pat, rel) {
                out.push_str(&format!("---\n{d}\n"));
                found = true;
            }
        }
        if !found {
            return Err(format!("could not find template {pat} in chart"));
        }
    }
    Ok(out)
}

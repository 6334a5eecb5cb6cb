//! Rendered manifests as Talos inline manifests: the patch form per Talos version, the
//! size of what is delivered against the transports users deliver it over, and checks of
//! Helm values against the chart's own defaults.

use crate::facts;
use crate::finding::{Finding, Severity};
use crate::version::TalosVersion;
use crate::yaml::{self, Node};

/// Which config form carries the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineFormat {
    /// `cluster.inlineManifests: [{name, contents}]` in the v1alpha1 document (all Talos 1.x;
    /// deprecated but still parsed from 1.14).
    Legacy,
    /// A `KubeInlineManifestConfig` document (`name`, `manifest`), Talos 1.14+.
    Multidoc,
}

impl InlineFormat {
    /// The form Talos `version` expects: legacy up to 1.13, the document from 1.14.
    /// Source: https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/website/content/v1.14/reference/configuration/kubernetes/kubeinlinemanifestconfig.md
    pub fn for_talos(version: &TalosVersion) -> InlineFormat {
        if facts::talos_multidoc_kube_config(version) {
            InlineFormat::Multidoc
        } else {
            InlineFormat::Legacy
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InlineFormat::Legacy => "legacy",
            InlineFormat::Multidoc => "multidoc",
        }
    }
}

/// The control-plane patch that carries `manifest` under `name`.
///
/// Talos ≤1.13: `cluster.inlineManifests[].{name, contents}`; Talos 1.14+:
/// `KubeInlineManifestConfig.{name, manifest}` (`manifest`, not `contents`).
/// Sources: https://github.com/siderolabs/talos/blob/v1.13.9/website/content/v1.13/reference/configuration/v1alpha1/config.md
/// (ClusterInlineManifest) and
/// https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/website/content/v1.14/reference/configuration/kubernetes/kubeinlinemanifestconfig.md
pub fn inline_manifest_patch(format: InlineFormat, name: &str, manifest: &str) -> String {
    match format {
        InlineFormat::Legacy => {
            // the block's lines sit deeper than the `contents` key (column 6)
            let body = literal_block(manifest, 8);
            let mut out = String::from("cluster:\n  inlineManifests:\n    - name: ");
            out.push_str(&scalar(name));
            out.push_str("\n      contents:");
            out.push_str(&body);
            out
        }
        InlineFormat::Multidoc => {
            let mut out =
                String::from("apiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: ");
            out.push_str(&scalar(name));
            out.push_str("\nmanifest:");
            out.push_str(&literal_block(manifest, 2));
            out
        }
    }
}

fn scalar(s: &str) -> String {
    let doc = yaml::to_string(&Node::str(s));
    doc.trim_end_matches('\n').to_string()
}

/// ` |` + the text indented by `indent`, or a quoted scalar when a literal block cannot
/// carry the text exactly (control characters, leading space or newline, trailing space).
fn literal_block(text: &str, indent: usize) -> String {
    let literal_ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || (!c.is_control() && c != '\u{feff}'))
        && !text.starts_with(' ')
        && !text.starts_with('\n')
        && !text.ends_with(' ');
    if !literal_ok {
        return format!(" {}\n", scalar(text));
    }
    // clip (`|`) keeps one final newline, keep (`|+`) all of them, strip (`|-`) none
    let (chomp, content) = match text.strip_suffix('\n') {
        Some(c) if c.ends_with('\n') => ("|+", c),
        Some(c) => ("|", c),
        None => ("|-", text),
    };
    let pad = " ".repeat(indent);
    let mut out = format!(" {chomp}\n");
    for line in content.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A way of delivering a machine configuration, with the largest size it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    /// The value of `delivery` that selects it.
    pub delivery: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub limit_bytes: u64,
    /// What the limit counts.
    pub counts: &'static str,
    pub way_out: &'static str,
}

/// Transports users put Talos configs through, with their limits.
pub const TRANSPORTS: &[Transport] = &[
    // OCI instance metadata + extended metadata together: at most 32,000 bytes; user data is
    // read only at launch.
    // Source: https://docs.cloud.oracle.com/en-us/iaas/Content/Compute/Tasks/updatinginstancemetada.htm
    Transport {
        delivery: "oci_user_data",
        code: "size-oci-user-data",
        name: "Oracle Cloud instance user data",
        limit_bytes: 32_000,
        counts: "the whole machine configuration (metadata + extended metadata)",
        way_out: "Launch the instance with a small configuration and apply the full one over the Talos API \
                  (`talos_machine_configuration_apply`), which accepts up to 32 MiB.",
    },
    // Hetzner Cloud server create: user_data is limited to 32 KiB.
    // Source: https://docs.hetzner.cloud/reference/cloud#servers-create-a-server
    Transport {
        delivery: "hcloud_user_data",
        code: "size-hcloud-user-data",
        name: "Hetzner Cloud user data",
        limit_bytes: 32 * 1024,
        counts: "the whole machine configuration",
        way_out: "Boot with a small configuration and apply the full one over the Talos API.",
    },
    // Maintenance mode (apply-config --insecure): reported 4 MiB gRPC limit.
    // Source: https://github.com/siderolabs/omni/issues/2744 (unverified in code)
    Transport {
        delivery: "maintenance_mode",
        code: "size-talos-maintenance-apply",
        name: "Talos API in maintenance mode",
        limit_bytes: 4 * 1024 * 1024,
        counts: "the whole machine configuration",
        way_out: "Apply a smaller configuration first, then the full one once the node has joined.",
    },
    // Talos API gRPC max message 32 MiB since Talos 1.5.
    // Source: https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/constants/constants.go (GRPCMaxMessageSize)
    Transport {
        delivery: "talos_api",
        code: "size-talos-api-apply",
        name: "Talos API",
        limit_bytes: 32 * 1024 * 1024,
        counts: "the whole machine configuration",
        way_out: "Move large components out of inline manifests (e.g. `KubeExternalManifestConfig` or a GitOps tool).",
    },
];

/// The transport a `delivery` value names.
pub fn transport(delivery: &str) -> Option<&'static Transport> {
    TRANSPORTS.iter().find(|t| t.delivery == delivery)
}

/// How the patch size compares with the transports: with `delivery` given, a warning when
/// the patch alone exceeds that transport; without, one for each transport it exceeds, so
/// users learn it at plan time instead of at boot.
pub fn size_findings(patch_bytes: u64, delivery: Option<&str>) -> Vec<Finding> {
    TRANSPORTS
        .iter()
        .filter(|t| delivery.is_none_or(|d| d == t.delivery))
        .filter(|t| patch_bytes > t.limit_bytes)
        .map(|t| Finding {
            code: t.code,
            severity: Severity::Warning,
            summary: format!("Patch too large for {}", t.name),
            detail: format!(
                "The inline manifest patch alone is {patch_bytes} bytes; {} carries at most {} bytes of {}. {}",
                t.name, t.limit_bytes, t.counts, t.way_out
            ),
            path: String::new(),
        })
        .collect()
}

/// Value keys the user set that the chart's own `values.yaml` does not have (the Cilium
/// charts accept unknown keys silently, so a misspelt or removed key does nothing). Only
/// keys under a map that has defaults are checked: an empty or null default (e.g.
/// `podAnnotations: {}`) takes any key. Paths are dotted (`hubble.relay.enabledd`).
pub fn unknown_value_keys(defaults: &serde_json::Value, user: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(defaults, user, String::new(), &mut out, 0);
    out
}

const MAX_WALK_DEPTH: usize = 64;

fn walk(
    d: &serde_json::Value,
    u: &serde_json::Value,
    prefix: String,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let (Some(dm), Some(um)) = (d.as_object(), u.as_object()) else {
        return;
    };
    if dm.is_empty() {
        return;
    }
    for (k, uv) in um {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match dm.get(k) {
            None => out.push(path),
            Some(dv) => walk(dv, uv, path, out, depth + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> TalosVersion {
        TalosVersion::parse(s).unwrap()
    }

    #[test]
    fn format_follows_talos_version() {
        assert_eq!(InlineFormat::for_talos(&v("v1.13.9")), InlineFormat::Legacy);
        assert_eq!(
            InlineFormat::for_talos(&v("v1.14.0")),
            InlineFormat::Multidoc
        );
    }

    #[test]
    fn legacy_patch_is_valid_yaml_with_the_manifest_intact() {
        let m = "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\n\ndata:\n  a: |\n    b\n";
        let p = inline_manifest_patch(InlineFormat::Legacy, "cilium", m);
        assert!(
            p.starts_with("cluster:\n  inlineManifests:\n    - name: cilium\n      contents: |\n")
        );
        assert!(p.contains("\n        ---\n        # Source: x\n"));
        // the blank line stays blank (no trailing spaces)
        assert!(p.contains("kind: ConfigMap\n\n        data:"));
    }

    #[test]
    fn multidoc_patch_uses_manifest_field() {
        let p = inline_manifest_patch(InlineFormat::Multidoc, "cilium", "a: 1\n");
        assert_eq!(
            p,
            "apiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium\nmanifest: |\n  a: 1\n"
        );
        let p = inline_manifest_patch(InlineFormat::Multidoc, "cilium", "a: 1");
        assert!(p.ends_with("manifest: |-\n  a: 1\n"));
        let p = inline_manifest_patch(InlineFormat::Multidoc, "cilium", "a: 1\n\n");
        assert!(p.ends_with("manifest: |+\n  a: 1\n\n"), "{p}");
    }

    #[test]
    fn awkward_text_is_quoted() {
        let p = inline_manifest_patch(InlineFormat::Multidoc, "x", "a\r\nb\n");
        assert!(p.contains("manifest: \""), "{p}");
        let p = inline_manifest_patch(InlineFormat::Multidoc, "x", " leading\n");
        assert!(p.contains("manifest: \""), "{p}");
    }

    #[test]
    fn sizes() {
        assert!(size_findings(31_999, None).is_empty());
        let f = size_findings(32_001, None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "size-oci-user-data");
        let codes: Vec<_> = size_findings(40_000, None).iter().map(|f| f.code).collect();
        assert_eq!(codes, ["size-oci-user-data", "size-hcloud-user-data"]);
        assert_eq!(size_findings(5 << 20, None).len(), 3);
        assert!(size_findings(5 << 20, Some("talos_api")).is_empty());
        assert_eq!(size_findings(40_000, Some("hcloud_user_data")).len(), 1);
        assert!(size_findings(32_001, Some("hcloud_user_data")).is_empty());
        assert_eq!(
            transport("oci_user_data").map(|t| t.limit_bytes),
            Some(32_000)
        );
        assert!(transport("floppy").is_none());
    }

    #[test]
    fn unknown_keys() {
        let d = serde_json::json!({"hubble": {"relay": {"enabled": false}}, "podAnnotations": {}, "extra": null});
        let u = serde_json::json!({"hubble": {"relay": {"enabledd": true, "enabled": true}}, "podAnnotations": {"a": "b"}, "extra": {"x": 1}, "nope": 1});
        assert_eq!(
            unknown_value_keys(&d, &u),
            ["hubble.relay.enabledd", "nope"]
        );
    }
}

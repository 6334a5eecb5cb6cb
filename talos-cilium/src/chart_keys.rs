//! Cilium Helm chart keys that exist only in part of the 1.14–1.20 range.
//!
//! Hand-written from the key inventory of the real chart tarballs
//! (`../shared/design/cilium-keys.json`, `_meta.extra_notes` lines 6–13, taken
//! from <https://github.com/cilium/charts> at 009b5e9, `values.yaml` inside
//! `cilium-<version>.tgz`). Keys present in every chart of the range (and keys
//! that are only commented out, such as `devices` before 1.20, which the chart
//! still reads) are not listed. No build step: the table is plain data.
//!
//! The chart's `values.schema.json` (1.16+) has no `additionalProperties:
//! false`, so Helm accepts a key the chart does not have and ignores it.

use crate::version::CiliumVersion;

/// A key with the chart versions that have it: `added` is the first chart
/// with the key (None: every chart from 1.14), `removed` the first chart
/// without it (None: still present in 1.20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartKey {
    /// Dotted values path.
    pub key: &'static str,
    pub added: Option<(u64, u64, u64)>,
    pub removed: Option<(u64, u64, u64)>,
    /// What happened, and where it is recorded.
    pub note: &'static str,
}

pub const CHART_KEYS: &[ChartKey] = &[
    // cilium-keys.json L6: present up to 1.17.5, removed from 1.17.6 (every 1.17.z tarball checked).
    ChartKey {
        key: "externalIPs.enabled",
        added: None,
        removed: Some((1, 17, 6)),
        note: "removed from the chart in 1.17.6; external IPs are handled by kube-proxy replacement from then on \
               (https://github.com/cilium/cilium/pull/39581 deprecates --enable-external-ips, \
               https://github.com/cilium/cilium/pull/41277 removes it)",
    },
    // cilium-keys.json L7: present up to 1.18.x, absent from 1.19.0.
    ChartKey {
        key: "nodePort.enabled",
        added: None,
        removed: Some((1, 19, 0)),
        note: "removed from the chart in 1.19.0 (cilium/charts values.yaml); NodePort is part of kube-proxy replacement",
    },
    // cilium-keys.json L8: first in 1.16.0, absent in every 1.15.z.
    ChartKey {
        key: "gatewayAPI.enableAlpn",
        added: Some((1, 16, 0)),
        removed: None,
        note: "added in chart 1.16.0 (cilium/charts values.yaml); Talos' tagged v1.10/v1.11 guides set it with \
               chart 1.15.6, where it is silently ignored",
    },
    ChartKey {
        key: "gatewayAPI.enableAppProtocol",
        added: Some((1, 16, 0)),
        removed: None,
        note: "added in chart 1.16.0 (cilium/charts values.yaml)",
    },
    ChartKey {
        key: "gatewayAPI.hostNetwork.enabled",
        added: Some((1, 16, 0)),
        removed: None,
        note: "added in chart 1.16.0 (cilium/charts values.yaml)",
    },
    // cilium-keys.json L13: new in 1.18.0.
    ChartKey {
        key: "k8sServiceHostRef",
        added: Some((1, 18, 0)),
        removed: None,
        note: "added in chart 1.18.0 (ConfigMap-based API server endpoint, cilium/charts values.yaml)",
    },
    // facts.md §6 (routingMode row): the legacy `tunnel` key is in the 1.14 chart only.
    ChartKey {
        key: "tunnel",
        added: None,
        removed: Some((1, 15, 0)),
        note: "the legacy key is in chart 1.14 only; 1.15+ use routingMode and tunnelProtocol \
               (cilium/charts values.yaml, https://github.com/cilium/charts)",
    },
];

/// Oldest chart the table covers; older charts are not checked.
/// Source: cilium-keys.json (1.14.x is the oldest inventoried series).
pub const OLDEST_COVERED: (u64, u64) = (1, 14);

impl ChartKey {
    /// The chart of version `v` has this key. Pre-releases count as their
    /// release (`1.16.0-pre.1` as `1.16.0`).
    pub fn in_chart(&self, v: &CiliumVersion) -> bool {
        let at = (v.major, v.minor, v.patch);
        self.added.is_none_or(|a| at >= a) && self.removed.is_none_or(|r| at < r)
    }

    pub fn path(&self) -> Vec<&'static str> {
        self.key.split('.').collect()
    }
}

/// Keys of the table that the chart of `v` does not have; empty for charts
/// older than [`OLDEST_COVERED`].
pub fn missing_in(v: &CiliumVersion) -> Vec<&'static ChartKey> {
    if v.minor_key() < OLDEST_COVERED {
        return Vec::new();
    }
    CHART_KEYS.iter().filter(|k| !k.in_chart(v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CiliumVersion {
        CiliumVersion::parse(s).unwrap()
    }

    fn keys(v: &str) -> Vec<&'static str> {
        missing_in(&c(v)).iter().map(|k| k.key).collect()
    }

    #[test]
    fn boundaries_from_the_chart_inventory() {
        let ext = &CHART_KEYS[0];
        assert!(ext.in_chart(&c("1.17.5")));
        assert!(!ext.in_chart(&c("1.17.6")));
        assert!(keys("1.15.6").contains(&"gatewayAPI.enableAlpn"));
        assert!(!keys("1.16.0").contains(&"gatewayAPI.enableAlpn"));
        assert!(keys("1.19.0").contains(&"nodePort.enabled"));
        assert!(!keys("1.18.12").contains(&"nodePort.enabled"));
        assert!(keys("1.17.18").contains(&"k8sServiceHostRef"));
        assert!(keys("1.15.0").contains(&"tunnel"));
        assert!(!keys("1.14.19").contains(&"tunnel"));
        assert!(keys("1.13.0").is_empty());
    }
}

//! talos-cilium

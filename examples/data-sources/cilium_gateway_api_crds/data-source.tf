# Gateway API CRDs for Cilium 1.18 (v1.3.0, standard channel by default),
# delivered as a Talos inline manifest next to Cilium's. Talos applies CRDs
# before the other objects of inline manifests.
data "cilium_gateway_api_crds" "this" {
  cilium_version = "1.18.5"
  talos_version  = "v1.13"
  # Pin the bundle once its digest is known (see the `sha256` output):
  # sha256 = "..."
}

output "gateway_api_crds" {
  value = data.cilium_gateway_api_crds.this.crds
}

output "gateway_api_patches" {
  value = data.cilium_gateway_api_crds.this.patches
}

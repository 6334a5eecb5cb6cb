# Cilium 1.18 for a Talos 1.13 cluster: Talos values from cilium_talos_patch, plus
# Hubble and Gateway API. The chart is fetched from the provider's chart_repository once
# and rendered at plan time; certificates are generated once and kept across plans.
resource "cilium_talos_patch" "controlplane" {
  talos_version  = "v1.13"
  machine_type   = "controlplane"
  cilium_version = "1.18.5"
}

resource "cilium_inline_manifest" "this" {
  version       = "1.18.5"
  talos_version = "v1.13"
  values = [
    cilium_talos_patch.controlplane.helm_values,
    yamlencode({
      hubble     = { relay = { enabled = true }, ui = { enabled = true } }
      gatewayAPI = { enabled = true }
    }),
  ]
  set = [
    { name = "operator.replicas", value = "1" },
  ]
}

# With siderolabs/talos, on the control planes only:
# data "talos_machine_configuration" "controlplane" {
#   ...
#   config_patches = concat(
#     cilium_talos_patch.controlplane.patches,
#     cilium_inline_manifest.this.patches,
#   )
# }

output "cilium_objects" {
  value = cilium_inline_manifest.this.objects
}

output "cilium_manifest_sha256" {
  value = cilium_inline_manifest.this.sha256
}

# Any other chart that belongs in the bootstrap goes through the same engine, cache and
# stable secrets (the Talos checks apply to the Cilium chart only).
variable "tailscale_oauth_client_secret" {
  type      = string
  sensitive = true
}

resource "cilium_inline_manifest" "tailscale_operator" {
  repository    = "https://pkgs.tailscale.com/helmcharts"
  chart_name    = "tailscale-operator"
  version       = "1.78.1"
  name          = "tailscale-operator"
  namespace     = "tailscale"
  talos_version = "v1.13"
  set = [
    { name = "oauth.clientId", value = "k123456CNTRL" },
  ]
  set_sensitive = [
    { name = "oauth.clientSecret", value = var.tailscale_oauth_client_secret },
  ]
}

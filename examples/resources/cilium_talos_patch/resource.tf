# Patches for the control plane and the workers of a Talos 1.13 cluster.
resource "cilium_talos_patch" "controlplane" {
  talos_version  = "v1.13"
  machine_type   = "controlplane"
  cilium_version = "1.18.5"
}

resource "cilium_talos_patch" "worker" {
  talos_version = "v1.13"
  machine_type  = "worker"
}

# With siderolabs/talos:
# data "talos_machine_configuration" "controlplane" {
#   ...
#   config_patches = cilium_talos_patch.controlplane.patches
# }

output "cilium_values" {
  value = cilium_talos_patch.controlplane.helm_values
}

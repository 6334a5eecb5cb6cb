# Quickstart: the Talos patches and Cilium values for a cluster on Talos 1.13
# (legacy v1alpha1 fields) and on Talos 1.14 (multi-document Kube*Config kinds).
terraform {
  required_providers {
    cilium = {
      source = "talos-cilium/cilium"
    }
  }
}

provider "cilium" {}

resource "cilium_talos_patch" "controlplane" {
  talos_version  = "v1.13"
  machine_type   = "controlplane"
  cilium_version = "1.18.5"
  kubeprism_port = 7445
}

resource "cilium_talos_patch" "worker" {
  talos_version = "v1.13"
  machine_type  = "worker"
}

resource "cilium_talos_patch" "controlplane_1_14" {
  talos_version = "v1.14.0"
  machine_type  = "controlplane"
}

output "controlplane_patches" {
  value = cilium_talos_patch.controlplane.patches
}

output "worker_patches" {
  value = cilium_talos_patch.worker.patches
}

output "controlplane_1_14_patches" {
  value = cilium_talos_patch.controlplane_1_14.patches
}

output "cilium_values" {
  value = cilium_talos_patch.controlplane.helm_values
}

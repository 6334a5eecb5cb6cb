terraform {
  required_providers {
    cilium = {
      source = "talos-cilium/cilium"
    }
  }
}

provider "cilium" {
  # All settings are optional; each can also come from an environment variable.
  chart_repository = "https://helm.cilium.io" # CILIUM_CHART_REPOSITORY
}

output "format" {
  # "legacy" up to Talos 1.13, "multidoc" from 1.14
  value = provider::cilium::config_format("v1.14.0")
}

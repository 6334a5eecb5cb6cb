# A LoadBalancer address pool for Cilium LB-IPAM. The apiVersion and the list
# field follow cilium_version (cilium.io/v2 with spec.blocks from 1.18).
data "cilium_lb_ip_pool" "default" {
  name           = "default"
  cilium_version = "1.18.5"
  cidrs          = ["10.0.0.240/28"]
  ranges = [
    { start = "10.0.1.100", stop = "10.0.1.120" },
    { start = "10.0.1.200" }, # a single address
  ]
  service_selector = {
    match_labels = { "io.kubernetes.service.namespace" = "ingress" }
  }
}

output "lb_ip_pool" {
  value = data.cilium_lb_ip_pool.default.manifest
}

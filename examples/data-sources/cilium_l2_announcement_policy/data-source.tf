# Announce LB-IPAM addresses with ARP from the worker nodes. Interface regexes
# are anchored by the provider: "ens18" is written as "^ens18$".
data "cilium_l2_announcement_policy" "default" {
  name              = "default"
  cilium_version    = "1.18.5"
  interfaces        = ["ens18", "eth0|eth1"]
  load_balancer_ips = true
  external_ips      = false
  node_selector = {
    match_labels = { "node-role.kubernetes.io/worker" = "" }
  }
}

output "l2_announcement_policy" {
  value = data.cilium_l2_announcement_policy.default.manifest
}

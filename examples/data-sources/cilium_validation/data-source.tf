resource "cilium_talos_patch" "controlplane" {
  talos_version = "v1.13"
  machine_type  = "controlplane"
}

data "cilium_lb_ip_pool" "lb" {
  name           = "lb"
  cilium_version = "1.18.5"
  cidrs          = ["10.0.0.240/28"]
}

# Check the Cilium values, the nodes and the LB pools before anything boots.
data "cilium_validation" "this" {
  talos_version  = "v1.13"
  cilium_version = "1.18.5"
  values = [
    cilium_talos_patch.controlplane.helm_values,
    yamlencode({ l2announcements = { enabled = true } }),
  ]
  # machine_configurations = [data.talos_machine_configuration.controlplane.machine_configuration]
  platform                   = "nocloud"
  nodes                      = [{ address = "10.0.0.11/24", interfaces = ["eth0"] }]
  load_balancer_ip_pools     = [{ cidrs = ["10.0.0.240/28"] }]
  l2_announcement_interfaces = ["^eth0$"]
  manifests                  = [data.cilium_lb_ip_pool.lb.manifest]
  fail_on                    = "error"
}

output "findings" {
  value = data.cilium_validation.this.findings
}

# The ID is TALOS_VERSION/MACHINE_TYPE; the other inputs take their defaults.
terraform import cilium_talos_patch.controlplane v1.13/controlplane

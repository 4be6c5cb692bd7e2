package vsphere

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// SetDRSOverride sets a VM's DRS automation override (drsVmConfig) in the
// cluster of host, the host the VM runs on, through one reconfiguration
// (modify=true) that leaves everything else alone; level "" removes the
// override. VM and host are addressed by their Ref, the cluster as the host's
// parent, so repeated names never pick the wrong object. It returns the
// override the VM had before ("" for none), read from the cluster just
// before the write; an unchanged override is not written again.
func (c *Client) SetDRSOverride(ctx context.Context, vm inventory.VM, host inventory.Host, level inventory.DRSAutomation) (inventory.DRSAutomation, error) {
	vmRef, err := moRef("VirtualMachine", "VM", string(vm.Name), vm.Ref)
	if err != nil {
		return "", err
	}
	hostRef, err := moRef("HostSystem", "host", string(host.Name), host.Ref)
	if err != nil {
		return "", err
	}
	if level != "" && level != inventory.DRSDisabledForVM && DrsBehavior(level) == "" {
		return "", fmt.Errorf("DRS override of VM %q: unknown automation level %q: valid are %s", vm.Name, level, inventory.Strings(inventory.DRSVMAutomations))
	}
	var h mo.HostSystem
	if err := property.DefaultCollector(c.vim).RetrieveOne(ctx, hostRef, []string{"parent"}, &h); err != nil {
		return "", fmt.Errorf("reading the cluster of host %q: %w", host.Name, err)
	}
	if h.Parent == nil || h.Parent.Type != "ClusterComputeResource" {
		return "", fmt.Errorf("DRS override of VM %q: host %q is not in a cluster, and DRS overrides live in a cluster", vm.Name, host.Name)
	}
	cl := object.NewClusterComputeResource(c.vim, *h.Parent)
	cfg, err := cl.Configuration(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the configuration of cluster %q: %w", host.Cluster, err)
	}
	var current *types.ClusterDrsVmConfigInfo
	for i := range cfg.DrsVmConfig {
		if cfg.DrsVmConfig[i].Key == vmRef {
			current = &cfg.DrsVmConfig[i]
		}
	}
	previous := drsOverrideLevel(current)
	if previous == level {
		return previous, nil
	}
	var spec types.ClusterDrsVmConfigSpec
	switch {
	case level == "":
		spec.Operation, spec.RemoveKey = types.ArrayUpdateOperationRemove, vmRef
	case current == nil:
		spec.Operation, spec.Info = types.ArrayUpdateOperationAdd, drsOverrideInfo(vmRef, level)
	default:
		spec.Operation, spec.Info = types.ArrayUpdateOperationEdit, drsOverrideInfo(vmRef, level)
	}
	change := &types.ClusterConfigSpecEx{DrsVmConfigSpec: []types.ClusterDrsVmConfigSpec{spec}}
	if level == "" {
		return previous, c.reconfigure(ctx, cl, change, "removing the DRS override of VM %q in cluster %q", vm.Name, host.Cluster)
	}
	return previous, c.reconfigure(ctx, cl, change, "setting the DRS override of VM %q in cluster %q to %s", vm.Name, host.Cluster, level)
}

// drsOverrideLevel is the estate's reading of one drsVmConfig entry, as the bulk read has it.
func drsOverrideLevel(info *types.ClusterDrsVmConfigInfo) inventory.DRSAutomation {
	switch {
	case info == nil:
		return ""
	case info.Enabled != nil && !*info.Enabled:
		return inventory.DRSDisabledForVM
	default:
		return drsBehaviors[info.Behavior]
	}
}

// drsOverrideInfo is the drsVmConfig entry of a level: "disabled" turns DRS
// off for the VM, any other level enables it with that behavior.
func drsOverrideInfo(vm types.ManagedObjectReference, level inventory.DRSAutomation) *types.ClusterDrsVmConfigInfo {
	if level == inventory.DRSDisabledForVM {
		return &types.ClusterDrsVmConfigInfo{Key: vm, Enabled: types.NewBool(false)}
	}
	return &types.ClusterDrsVmConfigInfo{Key: vm, Enabled: types.NewBool(true), Behavior: DrsBehavior(level)}
}

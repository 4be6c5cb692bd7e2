package lab

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// setVCenterDefaults gives a new cluster the configuration vCenter reports for
// a cluster created without settings; the simulator leaves these empty.
func setVCenterDefaults(cluster *simulator.ClusterComputeResource) {
	cfg := cluster.ConfigurationEx.(*types.ClusterConfigInfoEx)
	cfg.DasConfig.HostMonitoring = string(types.ClusterDasConfigInfoServiceStateEnabled)
	cfg.DasConfig.DefaultVmSettings = &types.ClusterDasVmSettings{
		RestartPriority: string(types.ClusterDasVmSettingsRestartPriorityMedium),
	}
	cfg.DrsConfig.DefaultVmBehavior = types.DrsBehaviorFullyAutomated
}

// configureClusters applies each cluster's HA, DRS, groups, rules and VM
// overrides with one ReconfigureComputeResource_Task, the call a vSphere
// client makes, so seeding goes through the lab's persistence of what the
// simulator drops. It runs once the behaviours are installed.
func configureClusters(ctx context.Context, c *vim25.Client, snap *inventory.Snapshot, s *seeded) error {
	refs := vsphere.Refs{Hosts: s.hosts, VMs: s.vms}
	for _, cl := range snap.Clusters() {
		var vms []inventory.VM
		for _, v := range snap.VMs() {
			if snap.ClusterOf(v.Name) == cl.Name {
				vms = append(vms, v)
			}
		}
		task, err := object.NewClusterComputeResource(c, s.clusters[cl.Name]).Reconfigure(ctx, vsphere.ClusterSpec(cl, vms, refs), true)
		if err == nil {
			err = task.Wait(ctx)
		}
		if err != nil {
			return fmt.Errorf("configuring cluster %q: %w", cl.Name, err)
		}
	}
	return nil
}

package vsphere

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// PutRule adds a VM-VM DRS rule to a cluster, or replaces the cluster's rule
// of the same name (rulesSpec edit), through one reconfiguration that leaves
// everything else alone. The VMs are addressed by their Ref.
func (c *Client) PutRule(ctx context.Context, cluster inventory.ClusterName, r inventory.Rule, vms []inventory.VM) error {
	if r.Kind.VMHost() {
		return fmt.Errorf("rule %q: only VM-VM rules (vm_affinity, vm_anti_affinity) can be written, got %s", r.Name, r.Kind)
	}
	refs := Refs{VMs: map[inventory.VMName]types.ManagedObjectReference{}}
	for _, v := range vms {
		ref, err := moRef("VirtualMachine", "VM", string(v.Name), v.Ref)
		if err != nil {
			return fmt.Errorf("rule %q: %w", r.Name, err)
		}
		refs.VMs[v.Name] = ref
	}
	cl, current, err := c.clusterRules(ctx, cluster)
	if err != nil {
		return err
	}
	info := RuleInfo(r, refs)
	op := types.ArrayUpdateOperationAdd
	if old, ok := current[r.Name]; ok {
		op = types.ArrayUpdateOperationEdit
		info.GetClusterRuleInfo().Key = old.Key
	}
	spec := &types.ClusterConfigSpecEx{RulesSpec: []types.ClusterRuleSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: op}, Info: info}}}
	return c.reconfigure(ctx, cl, spec, "writing DRS rule %q of cluster %q", r.Name, cluster)
}

// RemoveRule removes the cluster's DRS rule of this name; a rule already gone is not an error.
func (c *Client) RemoveRule(ctx context.Context, cluster inventory.ClusterName, name string) error {
	cl, current, err := c.clusterRules(ctx, cluster)
	if err != nil {
		return err
	}
	old, ok := current[name]
	if !ok {
		return nil
	}
	spec := &types.ClusterConfigSpecEx{RulesSpec: []types.ClusterRuleSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{
		Operation: types.ArrayUpdateOperationRemove, RemoveKey: old.Key}}}}
	return c.reconfigure(ctx, cl, spec, "removing DRS rule %q of cluster %q", name, cluster)
}

// clusterRules reads the cluster's rules by name.
func (c *Client) clusterRules(ctx context.Context, cluster inventory.ClusterName) (*object.ClusterComputeResource, map[string]*types.ClusterRuleInfo, error) {
	ref, err := c.findByName(ctx, "ClusterComputeResource", string(cluster))
	if err != nil {
		return nil, nil, err
	}
	cl := object.NewClusterComputeResource(c.vim, ref)
	cfg, err := cl.Configuration(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the configuration of cluster %q: %w", cluster, err)
	}
	out := map[string]*types.ClusterRuleInfo{}
	for _, r := range cfg.Rule {
		info := r.GetClusterRuleInfo()
		out[info.Name] = info
	}
	return cl, out, nil
}

func (c *Client) reconfigure(ctx context.Context, cl *object.ClusterComputeResource, spec *types.ClusterConfigSpecEx, format string, args ...any) error {
	t, err := cl.Reconfigure(ctx, spec, true)
	if err != nil {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	return taskError(t.Wait(ctx), format, args...)
}

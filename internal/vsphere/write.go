package vsphere

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/task"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Writes go through vCenter tasks and report a failed task with the object and
// the fault vCenter gave. Callers invalidate their Cache afterwards.

// MoveVM vMotions a VM to a host (RelocateVM_Task with the host's resource
// pool). Both are addressed by their managed object id (Ref, from the read):
// names may repeat across folders and datacenters, ids do not. Messages use
// the estate names, which carry the id when a name repeats.
func (c *Client) MoveVM(ctx context.Context, vm inventory.VM, to inventory.Host) error {
	vmRef, err := moRef("VirtualMachine", "VM", string(vm.Name), vm.Ref)
	if err != nil {
		return err
	}
	hostRef, err := moRef("HostSystem", "host", string(to.Name), to.Ref)
	if err != nil {
		return err
	}
	h := object.NewHostSystem(c.vim, hostRef)
	pool, err := h.ResourcePool(ctx)
	if err != nil {
		return fmt.Errorf("resource pool of host %q: %w", to.Name, err)
	}
	poolRef := pool.Reference()
	t, err := object.NewVirtualMachine(c.vim, vmRef).Relocate(ctx, types.VirtualMachineRelocateSpec{Host: &hostRef, Pool: &poolRef}, types.VirtualMachineMovePriorityDefaultPriority)
	if err != nil {
		return fmt.Errorf("moving VM %q to host %q: %w", vm.Name, to.Name, err)
	}
	return taskError(t.Wait(ctx), "moving VM %q to host %q", vm.Name, to.Name)
}

// SetMaintenance puts a host into maintenance mode, or takes it out; the host is addressed by its Ref.
func (c *Client) SetMaintenance(ctx context.Context, host inventory.Host, on bool) error {
	ref, err := moRef("HostSystem", "host", string(host.Name), host.Ref)
	if err != nil {
		return err
	}
	h := object.NewHostSystem(c.vim, ref)
	var t *object.Task
	if on {
		t, err = h.EnterMaintenanceMode(ctx, 0, false, nil)
	} else {
		t, err = h.ExitMaintenanceMode(ctx, 0)
	}
	if err != nil {
		return fmt.Errorf("maintenance mode of host %q: %w", host.Name, err)
	}
	return taskError(t.Wait(ctx), "setting maintenance mode of host %q to %t", host.Name, on)
}

// moRef builds the reference of an object read from vCenter; declared
// objects (physical servers, LPARs) have no Ref and cannot be written.
func moRef(kind, what, name, ref string) (types.ManagedObjectReference, error) {
	if ref == "" {
		return types.ManagedObjectReference{}, fmt.Errorf("%s %q has no vCenter managed object id (ref): only objects read from vCenter can be changed there", what, name)
	}
	return types.ManagedObjectReference{Type: kind, Value: ref}, nil
}

// SetHA writes a cluster's HA configuration, admission control included.
func (c *Client) SetHA(ctx context.Context, cluster inventory.ClusterName, ha inventory.HAConfig) error {
	ref, err := c.findByName(ctx, "ClusterComputeResource", string(cluster))
	if err != nil {
		return err
	}
	cl := object.NewClusterComputeResource(c.vim, ref)
	hosts := map[inventory.HostName]types.ManagedObjectReference{}
	for _, name := range ha.AdmissionControl.FailoverHosts {
		h, err := c.findHost(ctx, name)
		if err != nil {
			return err
		}
		hosts[name] = h.Reference()
	}
	das := DasFromHA(ha, hosts)
	t, err := cl.Reconfigure(ctx, &types.ClusterConfigSpecEx{DasConfig: &das}, true)
	if err != nil {
		return fmt.Errorf("configuring HA of cluster %q: %w", cluster, err)
	}
	return taskError(t.Wait(ctx), "configuring HA of cluster %q", cluster)
}

func (c *Client) findHost(ctx context.Context, name inventory.HostName) (*object.HostSystem, error) {
	ref, err := c.findByName(ctx, "HostSystem", string(name))
	if err != nil {
		return nil, err
	}
	return object.NewHostSystem(c.vim, ref), nil
}

// findByName looks an object up by its name anywhere in the inventory.
func (c *Client) findByName(ctx context.Context, kind, name string) (types.ManagedObjectReference, error) {
	v, err := view.NewManager(c.vim).CreateContainerView(ctx, c.vim.ServiceContent.RootFolder, []string{kind}, true)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	defer func() { _ = v.Destroy(context.WithoutCancel(ctx)) }()
	refs, err := v.Find(ctx, []string{kind}, property.Match{"name": name})
	switch {
	case err != nil:
		return types.ManagedObjectReference{}, err
	case len(refs) == 0:
		return types.ManagedObjectReference{}, fmt.Errorf("vCenter %s has no %s named %q", c.Server(), kind, name)
	case len(refs) > 1:
		return types.ManagedObjectReference{}, fmt.Errorf("vCenter %s has %d objects of type %s named %q", c.Server(), len(refs), kind, name)
	}
	return refs[0], nil
}

// taskError names the operation and vCenter's fault of a failed task.
func taskError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if te, ok := err.(task.Error); ok {
		return fmt.Errorf(format+": vCenter refused: %s", append(args, faultName(te.Fault()))...)
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

func faultName(f types.BaseMethodFault) string {
	name := fmt.Sprintf("%T", f)
	if i := len("*types."); len(name) > i && name[:i] == "*types." {
		return name[i:]
	}
	return name
}

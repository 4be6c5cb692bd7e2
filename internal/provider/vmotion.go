package provider

import (
	"context"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// vmotion is the one way this provider moves a VM, whichever resource asks
// (a placement, a host's evacuation, a migration's wave): the apply's move
// coordinator admits it once the target has room and neither host is at
// max_vmotions_per_host (move_coordinator.go), vCenter moves the VM, addressed
// by managed object id (a name may repeat across folders and datacenters),
// and the cached read records it (or, if the task failed, is dropped: where
// the VM is now is vCenter's to say). estate is what the caller knows of the
// live estate: the coordinator counts what hosts commit from it; how says
// whether the move may wait for room (admission).
func (d *providerData) vmotion(ctx context.Context, estate estateFunc, vm inventory.VMName, to inventory.HostName, how admission) (inventory.VM, inventory.Host, error) {
	done, err := d.moves.admit(ctx, estate, vm, to, how)
	if err != nil {
		return inventory.VM{}, inventory.Host{}, err
	}
	defer done()
	s, err := estate(ctx)
	if err != nil {
		return inventory.VM{}, inventory.Host{}, err
	}
	v, _ := s.VM(vm)
	h, _ := s.Host(to)
	// A started task is waited for even after Ctrl-C: its outcome must reach the state.
	if err := d.cache.Client().MoveVM(context.WithoutCancel(ctx), v, h); err != nil {
		d.cache.Invalidate()
		return inventory.VM{}, inventory.Host{}, err
	}
	d.cache.Moved(vm, to)
	v.Host = to
	return v, h, nil
}

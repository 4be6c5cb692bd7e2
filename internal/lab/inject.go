package lab

import (
	"context"
	"fmt"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Injection: what tests and the demo do to the estate behind the provider's back.

// FailHost makes a host stop responding, as vCenter shows a failed host.
func (l *Lab) FailHost(name inventory.HostName) error {
	return l.setConnection(name, types.HostSystemConnectionStateNotResponding)
}

// RestoreHost reconnects a failed host.
func (l *Lab) RestoreHost(name inventory.HostName) error {
	return l.setConnection(name, types.HostSystemConnectionStateConnected)
}

func (l *Lab) setConnection(name inventory.HostName, state types.HostSystemConnectionState) error {
	host, err := l.host(name)
	if err != nil {
		return err
	}
	ctx := l.model.Service.Context
	ctx.WithLock(host, func() {
		ctx.Map.Update(ctx, host, []types.PropertyChange{{Name: "runtime.connectionState", Val: state}})
	})
	return nil
}

// SetVMUsage sets a VM's measured CPU (MHz) and memory (MiB) usage.
func (l *Lab) SetVMUsage(name inventory.VMName, cpuMHz, memoryMB int64) error {
	vm, err := l.vm(name)
	if err != nil {
		return err
	}
	l.model.Service.Context.WithLock(vm, func() { setVMUsage(vm, cpuMHz, memoryMB) })
	return nil
}

// SetHostUsage sets a host's measured CPU (MHz) and memory (MiB) usage.
func (l *Lab) SetHostUsage(name inventory.HostName, cpuMHz, memoryMB int64) error {
	host, err := l.host(name)
	if err != nil {
		return err
	}
	l.model.Service.Context.WithLock(host, func() { setHostUsage(host, cpuMHz, memoryMB) })
	return nil
}

// DRSMove moves a VM as DRS would: a vMotion through the API, recorded as a
// DrsVmMigratedEvent, so the next read sees the VM on its new host.
func (l *Lab) DRSMove(ctx context.Context, name inventory.VMName, to inventory.HostName) error {
	vmRef, ok := l.dc.vms[name]
	if !ok {
		return fmt.Errorf("lab has no VM %q", name)
	}
	hostRef, ok := l.dc.hosts[to]
	if !ok {
		return fmt.Errorf("lab has no host %q", to)
	}
	vm := object.NewVirtualMachine(l.client, vmRef)
	task, err := vm.Migrate(ctx, nil, object.NewHostSystem(l.client, hostRef), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		return err
	}
	if err := task.Wait(ctx); err != nil {
		return fmt.Errorf("DRS move of %q to %q: %w", name, to, err)
	}
	return nil
}

// FailNextTask makes the next task of the named method (for example
// "RelocateVM_Task") on the named object fail with the fault.
func (l *Lab) FailNextTask(method, object string, fault types.BaseMethodFault) {
	l.faults.add(method, object, fault)
}

// Sessions returns the number of sessions logged in to the lab's vCenter, read
// as a client would (the simulator fills sessionList only in a session's view).
func (l *Lab) Sessions() (int, error) {
	var sm mo.SessionManager
	err := property.DefaultCollector(l.client).RetrieveOne(context.Background(), *l.client.ServiceContent.SessionManager, []string{"sessionList"}, &sm)
	return len(sm.SessionList), err
}

func (l *Lab) host(name inventory.HostName) (*simulator.HostSystem, error) {
	ref, ok := l.dc.hosts[name]
	if !ok {
		return nil, fmt.Errorf("lab has no host %q", name)
	}
	return l.model.Map().Get(ref).(*simulator.HostSystem), nil
}

func (l *Lab) vm(name inventory.VMName) (*simulator.VirtualMachine, error) {
	ref, ok := l.dc.vms[name]
	if !ok {
		return nil, fmt.Errorf("lab has no VM %q", name)
	}
	return l.model.Map().Get(ref).(*simulator.VirtualMachine), nil
}

// taskFaults holds injected task failures until a matching task consumes them.
type taskFaults struct {
	mu      sync.Mutex
	pending map[string]types.BaseMethodFault
}

func (f *taskFaults) add(method, object string, fault types.BaseMethodFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = map[string]types.BaseMethodFault{}
	}
	f.pending[method+"\x00"+object] = fault
}

// take returns and forgets the fault injected for this call, if any.
func (f *taskFaults) take(method string, obj mo.Entity) types.BaseMethodFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := method + "\x00" + obj.Entity().Name
	fault := f.pending[key]
	delete(f.pending, key)
	return fault
}

// InsufficientResources is the fault vCenter gives when a host cannot take a VM, for FailNextTask.
var InsufficientResources = types.InsufficientResourcesFault{}

// HostRef returns the managed object id vCenter gave a seeded host (host-42), empty if unknown.
func (l *Lab) HostRef(name inventory.HostName) string { return l.dc.hosts[name].Value }

// VMRef returns the managed object id vCenter gave a seeded VM (vm-42), empty
// if unknown. VMs are created in parallel, so ids differ from run to run.
func (l *Lab) VMRef(name inventory.VMName) string { return l.dc.vms[name].Value }

// ClusterRef returns the managed object id vCenter gave a seeded cluster (domain-c42), empty if unknown.
func (l *Lab) ClusterRef(name inventory.ClusterName) string { return l.dc.clusters[name].Value }

// DatastoreRef returns the managed object id vCenter gave a seeded datastore, empty if unknown.
func (l *Lab) DatastoreRef(name inventory.DatastoreName) string { return l.dc.datastores[name].Value }

// SetDatastoreSpace sets what vCenter reports as a datastore's capacity and
// free space, in MiB, unchecked: real vCenters report impossible figures
// after storage glitches, and the read must cope.
func (l *Lab) SetDatastoreSpace(name inventory.DatastoreName, capacityMB, freeMB int64) error {
	ref, ok := l.dc.datastores[name]
	if !ok {
		return fmt.Errorf("lab has no datastore %q", name)
	}
	ds := l.model.Map().Get(ref).(*simulator.Datastore)
	l.model.Service.Context.WithLock(ds, func() {
		ds.Summary.Capacity, ds.Summary.FreeSpace = capacityMB*mib, freeMB*mib
	})
	return nil
}

// SetVMMemoryReservation sets what vCenter reports as a VM's memory
// reservation, in MiB, unchecked (it may exceed the VM's memory).
func (l *Lab) SetVMMemoryReservation(name inventory.VMName, reservationMB int64) error {
	vm, err := l.vm(name)
	if err != nil {
		return err
	}
	l.model.Service.Context.WithLock(vm, func() {
		vm.Config.MemoryAllocation.Reservation = types.NewInt64(reservationMB)
	})
	l.ledger.sample()
	return nil
}

// SetMaintenance puts a host into (or takes it out of) maintenance mode behind
// the provider's back, whatever runs on it, as an operator can with vCenter's UI
// after moving VMs by hand.
func (l *Lab) SetMaintenance(name inventory.HostName, on bool) error {
	host, err := l.host(name)
	if err != nil {
		return err
	}
	ctx := l.model.Service.Context
	ctx.WithLock(host, func() {
		ctx.Map.Update(ctx, host, []types.PropertyChange{{Name: "runtime.inMaintenanceMode", Val: on}})
	})
	return nil
}

// DeleteVM powers a VM off and deletes it, as a person can out of band.
func (l *Lab) DeleteVM(ctx context.Context, name inventory.VMName) error {
	ref, ok := l.dc.vms[name]
	if !ok {
		return fmt.Errorf("lab has no VM %q", name)
	}
	vm := object.NewVirtualMachine(l.client, ref)
	if t, err := vm.PowerOff(ctx); err == nil {
		_ = t.Wait(ctx) // already off is fine
	}
	t, err := vm.Destroy(ctx)
	if err != nil {
		return err
	}
	if err := t.Wait(ctx); err != nil {
		return fmt.Errorf("deleting VM %q: %w", name, err)
	}
	delete(l.dc.vms, name)
	l.ledger.sample()
	return nil
}

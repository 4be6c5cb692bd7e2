package lab

import (
	"fmt"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"sync/atomic"
)

// The vCenter behaviours govmomi's simulator lacks, added through the
// registry's per-call Handler hook: the registry keeps the simulator's own
// objects (so its type assertions keep working), and only the calls below are
// dispatched to a wrapper. The simulator prefers the caller's session registry
// over the Handler's answer, so the wrapper is put there for the one call and
// removed by the wrapper's method as it starts (release).
//
//   - MigrateVM_Task: absent in the simulator; served as a relocation to the host.
//   - RelocateVM_Task / MigrateVM_Task: refuse a target host that is not
//     connected or is in maintenance (vCenter fails the vMotion), and keep
//     HostSystem.vm consistent (the simulator leaves the VM listed on its old host).
//   - RelocateVM_Task / MigrateVM_Task of a powered-on VM: refuse a target
//     whose committed reservations plus the VM's exceed its capacity
//     (InsufficientResourcesFault), as vCenter's admission control does; hold
//     the VM's reservations on both hosts while it moves, and record the
//     hosts' peaks (instrument.go).
//   - WaitForUpdatesEx: no change, but the lab remembers the property
//     collectors that long-poll so Close can cancel their waits.
//   - EnterMaintenanceMode_Task: refuse while powered-on VMs remain on the host,
//     as vCenter does without DRS evacuation.
//   - ReconfigureComputeResource_Task: persist HA admission control, host
//     monitoring, the default VM settings, the HA advanced options and the
//     DRS settings the simulator drops silently (persist.go).
func installBehaviours(reg *simulator.Registry, faults *taskFaults, g *ledger, polls *longPolls) {
	reg.Handler = func(ctx *simulator.Context, m *simulator.Method) (mo.Reference, types.BaseMethodFault) {
		if m.Name == "WaitForUpdatesEx" && ctx.Session != nil {
			if pc, ok := ctx.Session.Get(m.This).(*simulator.PropertyCollector); ok {
				polls.add(pc)
			}
			return nil, nil
		}
		w := wrapper(ctx, m, faults, g)
		if w != nil && ctx.Session != nil {
			ctx.Session.Registry.Put(w)
		}
		return w, nil
	}
}

// release removes a one-call wrapper from the caller's session registry.
func release(ctx *simulator.Context, ref types.ManagedObjectReference) {
	if ctx.Session != nil {
		ctx.Session.Registry.Remove(ctx, ref)
	}
}

func wrapper(ctx *simulator.Context, m *simulator.Method, faults *taskFaults, g *ledger) mo.Reference {
	obj := ctx.Map.Get(m.This)
	if e, ok := obj.(mo.Entity); ok {
		if fault := faults.take(m.Name, e); fault != nil {
			return &failingTask{e, m.Name, fault}
		}
	}
	switch obj := obj.(type) {
	case *simulator.VirtualMachine:
		if m.Name == "MigrateVM_Task" || m.Name == "RelocateVM_Task" {
			return &labVM{obj, g}
		}
	case *simulator.HostSystem:
		if m.Name == "EnterMaintenanceMode_Task" {
			return &labHost{obj}
		}
	case *simulator.ClusterComputeResource:
		if m.Name == "ReconfigureComputeResource_Task" {
			return &labCluster{obj}
		}
	}
	return nil
}

type labVM struct {
	*simulator.VirtualMachine
	ledger *ledger
}

func (vm *labVM) MigrateVMTask(ctx *simulator.Context, req *types.MigrateVM_Task) soap.HasFault {
	release(ctx, vm.Self)
	spec := types.VirtualMachineRelocateSpec{Host: req.Host, Pool: req.Pool}
	ref := vm.relocate(ctx, spec, "migrateVm")
	return &methods.MigrateVM_TaskBody{Res: &types.MigrateVM_TaskResponse{Returnval: ref}}
}

func (vm *labVM) RelocateVMTask(ctx *simulator.Context, req *types.RelocateVM_Task) soap.HasFault {
	release(ctx, vm.Self)
	ref := vm.relocate(ctx, req.Spec, "relocateVm")
	return &methods.RelocateVM_TaskBody{Res: &types.RelocateVM_TaskResponse{Returnval: ref}}
}

func (vm *labVM) relocate(ctx *simulator.Context, spec types.VirtualMachineRelocateSpec, name string) types.ManagedObjectReference {
	// The simulator locks a task's entity for as long as the task runs, so a
	// vMotion that takes a while (SetVMotionDuration, HoldVMotions) would block
	// every read of the VM's properties, which vCenter serves during a
	// vMotion. The task is made on a stand-in entity, locked instead, and
	// then reports the VM as its entity, as vCenter's does. A second vMotion
	// of the VM meanwhile is refused by the ledger, as vCenter refuses it.
	stand := vmotionOf{vm.Self, vmotions.Add(1)}
	task := simulator.CreateTask(stand, name, func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var target *simulator.HostSystem
		if spec.Host != nil {
			h, ok := ctx.Map.Get(*spec.Host).(*simulator.HostSystem)
			if !ok {
				return nil, &types.ManagedObjectNotFound{Obj: *spec.Host}
			}
			if fault := acceptsVMs(h); fault != nil {
				return nil, fault
			}
			target = h
		}
		source := *vm.Runtime.Host
		if target != nil {
			done, fault := vm.ledger.admit(vm.VirtualMachine, target)
			if fault != nil {
				return nil, fault
			}
			defer done()
			vm.ledger.runVMotion()
		}
		res := vm.VirtualMachine.RelocateVMTask(ctx, &types.RelocateVM_Task{This: vm.Self, Spec: spec}).(*methods.RelocateVM_TaskBody).Res
		inner := ctx.Map.Get(res.Returnval).(*simulator.Task)
		inner.Wait()
		if inner.Info.Error != nil {
			return nil, inner.Info.Error.Fault
		}
		if target != nil && target.Self != source {
			moveHostVM(ctx, vm.Self, source, target.Self)
			leaveCluster(ctx, source, target.Self, vm.Self)
		}
		return nil, nil
	})
	ref := task.Run(ctx)
	ctx.Map.AtomicUpdate(ctx, task, []types.PropertyChange{{Name: "info.entity", Val: &vm.Self}, {Name: "info.entityName", Val: vm.Self.Value}})
	return ref
}

// vmotionOf is the stand-in entity a lab vMotion task locks: a key of its
// own for each vMotion ("vm-42/vmotion-7"), neither the VM's nor another
// vMotion's, so a second vMotion of the VM reaches the ledger, which refuses it.
type vmotionOf struct {
	vm types.ManagedObjectReference
	n  int64
}

var vmotions atomic.Int64

func (v vmotionOf) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: v.vm.Type, Value: fmt.Sprintf("%s/vmotion-%d", v.vm.Value, v.n)}
}

// acceptsVMs is vCenter's check on a vMotion target.
func acceptsVMs(h *simulator.HostSystem) types.BaseMethodFault {
	if h.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
		return &types.HostNotConnected{}
	}
	if h.Runtime.InMaintenanceMode {
		return &types.InvalidState{}
	}
	return nil
}

// moveHostVM keeps HostSystem.vm in step with the VM's runtime.host.
func moveHostVM(ctx *simulator.Context, vm, from, to types.ManagedObjectReference) {
	if src, ok := ctx.Map.Get(from).(*simulator.HostSystem); ok {
		ctx.Map.RemoveReference(ctx, src, &src.Vm, vm)
	}
	if dst, ok := ctx.Map.Get(to).(*simulator.HostSystem); ok {
		ctx.Map.AddReference(ctx, dst, &dst.Vm, vm)
	}
}

type labHost struct{ *simulator.HostSystem }

func (h *labHost) EnterMaintenanceModeTask(ctx *simulator.Context, req *types.EnterMaintenanceMode_Task) soap.HasFault {
	release(ctx, h.Self)
	task := simulator.CreateTask(h.HostSystem, "enterMaintenanceMode", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		for _, obj := range ctx.Map.All("VirtualMachine") {
			vm := obj.(*simulator.VirtualMachine)
			if vm.Runtime.Host != nil && *vm.Runtime.Host == h.Self &&
				vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
				return nil, &types.InvalidState{}
			}
		}
		ctx.Map.Update(ctx, h.HostSystem, []types.PropertyChange{{Name: "runtime.inMaintenanceMode", Val: true}})
		return nil, nil
	})
	return &methods.EnterMaintenanceMode_TaskBody{Res: &types.EnterMaintenanceMode_TaskResponse{Returnval: task.Run(ctx)}}
}

type labCluster struct {
	*simulator.ClusterComputeResource
}

func (c *labCluster) ReconfigureComputeResourceTask(ctx *simulator.Context, req *types.ReconfigureComputeResource_Task) soap.HasFault {
	release(ctx, c.Self)
	if spec, ok := req.Spec.(*types.ClusterConfigSpecEx); ok {
		prepareVMOverrideEdits(c.ConfigurationEx.(*types.ClusterConfigInfoEx), spec)
	}
	body := c.ClusterComputeResource.ReconfigureComputeResourceTask(ctx, req).(*methods.ReconfigureComputeResource_TaskBody)
	inner := ctx.Map.Get(body.Res.Returnval).(*simulator.Task)
	task := simulator.CreateTask(c.ClusterComputeResource, "reconfigureCluster", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		inner.Wait()
		if inner.Info.Error != nil {
			return nil, inner.Info.Error.Fault
		}
		spec, ok := req.Spec.(*types.ClusterConfigSpecEx)
		if ok {
			persistDropped(c.ConfigurationEx.(*types.ClusterConfigInfoEx), spec)
		}
		return nil, nil
	})
	return &methods.ReconfigureComputeResource_TaskBody{Res: &types.ReconfigureComputeResource_TaskResponse{Returnval: task.Run(ctx)}}
}

// failingTask serves one call whose task was told to fail (Lab.FailNextTask):
// the call succeeds and returns a task that ends in the injected fault, as
// vCenter reports a failed vMotion or reconfiguration.
type failingTask struct {
	mo.Entity
	method string
	fault  types.BaseMethodFault
}

func (f *failingTask) run(ctx *simulator.Context) types.ManagedObjectReference {
	release(ctx, f.Entity.Entity().Self)
	return simulator.CreateTask(f.Entity, f.method, func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		return nil, f.fault
	}).Run(ctx)
}

func (f *failingTask) MigrateVMTask(ctx *simulator.Context, _ *types.MigrateVM_Task) soap.HasFault {
	return &methods.MigrateVM_TaskBody{Res: &types.MigrateVM_TaskResponse{Returnval: f.run(ctx)}}
}

func (f *failingTask) RelocateVMTask(ctx *simulator.Context, _ *types.RelocateVM_Task) soap.HasFault {
	return &methods.RelocateVM_TaskBody{Res: &types.RelocateVM_TaskResponse{Returnval: f.run(ctx)}}
}

func (f *failingTask) EnterMaintenanceModeTask(ctx *simulator.Context, _ *types.EnterMaintenanceMode_Task) soap.HasFault {
	return &methods.EnterMaintenanceMode_TaskBody{Res: &types.EnterMaintenanceMode_TaskResponse{Returnval: f.run(ctx)}}
}

func (f *failingTask) ExitMaintenanceModeTask(ctx *simulator.Context, _ *types.ExitMaintenanceMode_Task) soap.HasFault {
	return &methods.ExitMaintenanceMode_TaskBody{Res: &types.ExitMaintenanceMode_TaskResponse{Returnval: f.run(ctx)}}
}

func (f *failingTask) ReconfigureComputeResourceTask(ctx *simulator.Context, _ *types.ReconfigureComputeResource_Task) soap.HasFault {
	return &methods.ReconfigureComputeResource_TaskBody{Res: &types.ReconfigureComputeResource_TaskResponse{Returnval: f.run(ctx)}}
}

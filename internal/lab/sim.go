package lab

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Setters for what the vSphere API cannot set on a simulator object. They
// write the simulator's objects directly; callers hold the object's lock or
// run before the server starts.

const mib = 1024 * 1024

type mo_ComputeResource = mo.ComputeResource

func setHardware(host *simulator.HostSystem, h inventory.Host) {
	hw := *host.Summary.Hardware
	hw.NumCpuCores = int16(h.CPUCores)
	hw.NumCpuThreads = int16(h.CPUCores)
	hw.CpuMhz = int32(h.CPUMHzPerCore)
	hw.MemorySize = h.MemoryMB * mib
	host.Summary.Hardware = &hw
	if host.Hardware != nil {
		full := *host.Hardware
		full.CpuInfo.NumCpuCores = int16(h.CPUCores)
		full.CpuInfo.NumCpuThreads = int16(h.CPUCores)
		full.CpuInfo.Hz = h.CPUMHzPerCore * 1000 * 1000
		full.MemorySize = h.MemoryMB * mib
		host.Hardware = &full
	}
}

func setDatastoreSize(ds *simulator.Datastore, d inventory.Datastore) {
	ds.Summary.Capacity = d.CapacityMB * mib
	ds.Summary.FreeSpace = d.FreeMB * mib
	if info, ok := ds.Info.(*types.LocalDatastoreInfo); ok {
		info.FreeSpace = ds.Summary.FreeSpace
	}
}

func setPower(vm *simulator.VirtualMachine, p inventory.Power) {
	state := types.VirtualMachinePowerStatePoweredOff
	switch p {
	case inventory.PoweredOn:
		state = types.VirtualMachinePowerStatePoweredOn
	case inventory.Suspended:
		state = types.VirtualMachinePowerStateSuspended
	}
	vm.Runtime.PowerState = state
	vm.Summary.Runtime.PowerState = state
}

func setVMUsage(vm *simulator.VirtualMachine, cpuMHz, memoryMB int64) {
	vm.Summary.QuickStats.OverallCpuUsage = int32(cpuMHz)
	vm.Summary.QuickStats.GuestMemoryUsage = int32(memoryMB)
}

func setHostUsage(host *simulator.HostSystem, cpuMHz, memoryMB int64) {
	host.Summary.QuickStats.OverallCpuUsage = int32(cpuMHz)
	host.Summary.QuickStats.OverallMemoryUsage = int32(memoryMB)
}

func connectionState(c inventory.Connection) types.HostSystemConnectionState {
	switch c {
	case inventory.NotResponding:
		return types.HostSystemConnectionStateNotResponding
	case inventory.Disconnected:
		return types.HostSystemConnectionStateDisconnected
	default:
		return types.HostSystemConnectionStateConnected
	}
}

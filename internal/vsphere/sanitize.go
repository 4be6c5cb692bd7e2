package vsphere

import (
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The live read keeps every object vCenter reports even when one of its
// figures cannot be true (negative space or usage, free space above capacity,
// a reservation above the VM's memory — seen after storage or stats glitches).
// Only that figure is corrected, to the nearest value the model accepts, and a
// warning names the object and what vCenter said. Snapshot files stay strictly
// validated: this is for what vCenter reports, not for what users write.

type warnings []string

func (w *warnings) addf(format string, args ...any) { *w = append(*w, fmt.Sprintf(format, args...)) }

// nonNegative zeroes a negative figure.
func (w *warnings) nonNegative(object, field string, v *int64) {
	if *v < 0 {
		w.addf("%s: vCenter reports %s = %d; using 0", object, field, *v)
		*v = 0
	}
}

func (w *warnings) datastore(ref string, d *inventory.Datastore) {
	obj := fmt.Sprintf("datastore %q (%s)", d.Name, ref)
	w.nonNegative(obj, "capacity", &d.CapacityMB)
	w.nonNegative(obj, "free space", &d.FreeMB)
	if d.FreeMB > d.CapacityMB {
		w.addf("%s: vCenter reports free space %d MiB above capacity %d MiB; using free space = capacity", obj, d.FreeMB, d.CapacityMB)
		d.FreeMB = d.CapacityMB
	}
}

func (w *warnings) host(h *inventory.Host) {
	obj := fmt.Sprintf("host %q (%s)", h.Name, h.Ref)
	cores := int64(h.CPUCores)
	w.nonNegative(obj, "CPU cores", &cores)
	h.CPUCores = int(cores)
	w.nonNegative(obj, "MHz per core", &h.CPUMHzPerCore)
	w.nonNegative(obj, "memory MiB", &h.MemoryMB)
	w.nonNegative(obj, "CPU usage MHz", &h.CPUUsageMHz)
	w.nonNegative(obj, "memory usage MiB", &h.MemoryUsageMB)
}

func (w *warnings) vm(v *inventory.VM) {
	obj := fmt.Sprintf("VM %q (%s)", v.Name, v.Ref)
	vcpu := int64(v.VCPU)
	w.nonNegative(obj, "vCPUs", &vcpu)
	v.VCPU = int(vcpu)
	w.nonNegative(obj, "memory MiB", &v.MemoryMB)
	w.nonNegative(obj, "CPU reservation MHz", &v.CPUReservationMHz)
	w.nonNegative(obj, "memory reservation MiB", &v.MemoryReservationMB)
	w.nonNegative(obj, "memory overhead MiB", &v.MemoryOverheadMB)
	w.nonNegative(obj, "CPU usage MHz", &v.CPUUsageMHz)
	w.nonNegative(obj, "memory usage MiB", &v.MemoryUsageMB)
	if v.MemoryReservationMB > v.MemoryMB {
		// vSphere caps a reservation at the configured memory; more cannot be reserved.
		w.addf("%s: vCenter reports a memory reservation of %d MiB above its %d MiB of memory; using %d MiB", obj, v.MemoryReservationMB, v.MemoryMB, v.MemoryMB)
		v.MemoryReservationMB = v.MemoryMB
	}
}

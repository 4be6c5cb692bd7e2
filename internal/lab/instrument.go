package lab

import (
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Instrumentation: what the lab records *during* a change, so tests can assert
// that no host was overloaded at any moment of an apply, not only after it.
//
// A host's committed CPU and memory are the reservations vCenter admits
// against it: for each powered-on VM on the host, its CPU reservation (MHz)
// and its memory reservation plus its memory overhead (MiB) — the reservation
// basis of the analysis. While a vMotion runs, vCenter holds the VM's
// reservations on both hosts (the target admits it at the start, the source
// frees it at the end), and so does the lab.

// Resources is an amount of CPU (MHz) and memory (MiB).
type Resources struct {
	CPUMHz   int64
	MemoryMB int64
}

// HostPeak is the most a host carried since the lab started or since ResetPeaks.
type HostPeak struct {
	// Committed is the peak committed CPU and the peak committed memory (each its own maximum).
	Committed Resources
	// Capacity is the host's hardware: cores × MHz per core, and memory.
	Capacity Resources
	// VMotions is the peak number of concurrent vMotions the host took part in, as source or target.
	VMotions int
}

// flight is a vMotion in progress.
type flight struct {
	source, target types.ManagedObjectReference
	need           Resources
}

// ledger holds the vMotions in flight and the peaks. Its mutex makes the
// admission of a vMotion atomic with the other vMotions' admissions.
type ledger struct {
	mu       sync.Mutex
	reg      *simulator.Registry
	inflight map[types.ManagedObjectReference]flight // by VM
	vmotions map[types.ManagedObjectReference]int    // by host: vMotions in progress
	peaks    map[types.ManagedObjectReference]HostPeak
	duration time.Duration // how long a vMotion takes once admitted (SetVMotionDuration)
	hold     chan struct{} // while set, admitted vMotions wait for it to close (HoldVMotions)
	refused  int           // vMotions refused for want of room (RefusedVMotions)
}

func newLedger(reg *simulator.Registry) *ledger {
	return &ledger{reg: reg, inflight: map[types.ManagedObjectReference]flight{},
		vmotions: map[types.ManagedObjectReference]int{}, peaks: map[types.ManagedObjectReference]HostPeak{}}
}

// reservation is what a VM commits on its host: its reservations when powered on, nothing otherwise.
func reservation(vm *simulator.VirtualMachine) Resources {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn || vm.Config == nil {
		return Resources{}
	}
	var r Resources
	if a := vm.Config.CpuAllocation; a != nil && a.Reservation != nil {
		r.CPUMHz = *a.Reservation
	}
	if a := vm.Config.MemoryAllocation; a != nil && a.Reservation != nil {
		r.MemoryMB = *a.Reservation
	}
	if o := vm.Config.InitialOverhead; o != nil {
		r.MemoryMB += o.InitialMemoryReservation / mib
	}
	return r
}

func capacity(h *simulator.HostSystem) Resources {
	hw := h.Summary.Hardware
	if hw == nil {
		return Resources{}
	}
	return Resources{CPUMHz: int64(hw.NumCpuCores) * int64(hw.CpuMhz), MemoryMB: hw.MemorySize / mib}
}

// committedLocked sums the reservations committed on every host: the
// powered-on VMs it runs, and the VMs of every vMotion from or to it.
func (g *ledger) committedLocked() map[types.ManagedObjectReference]Resources {
	out := map[types.ManagedObjectReference]Resources{}
	add := func(h types.ManagedObjectReference, r Resources) {
		c := out[h]
		c.CPUMHz += r.CPUMHz
		c.MemoryMB += r.MemoryMB
		out[h] = c
	}
	for _, obj := range g.reg.All("VirtualMachine") {
		vm := obj.(*simulator.VirtualMachine)
		if f, ok := g.inflight[vm.Self]; ok {
			add(f.source, f.need)
			add(f.target, f.need)
			continue
		}
		if vm.Runtime.Host != nil {
			add(*vm.Runtime.Host, reservation(vm))
		}
	}
	return out
}

// sampleLocked raises each host's peaks to what it carries now.
func (g *ledger) sampleLocked() {
	committed := g.committedLocked()
	for _, obj := range g.reg.All("HostSystem") {
		h := obj.(*simulator.HostSystem)
		p := g.peaks[h.Self]
		c := committed[h.Self]
		p.Committed.CPUMHz = max(p.Committed.CPUMHz, c.CPUMHz)
		p.Committed.MemoryMB = max(p.Committed.MemoryMB, c.MemoryMB)
		p.Capacity = capacity(h)
		p.VMotions = max(p.VMotions, g.vmotions[h.Self])
		g.peaks[h.Self] = p
	}
}

// admit starts a vMotion of a VM to a host, as vCenter admits it: a powered-on
// VM's reservations must fit in what the target has not committed yet
// (InsufficientResourcesFault otherwise). It returns the function that ends it.
func (g *ledger) admit(vm *simulator.VirtualMachine, target *simulator.HostSystem) (done func(), fault types.BaseMethodFault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, moving := g.inflight[vm.Self]; moving {
		// vCenter refuses an operation on a VM that another task is migrating.
		return nil, &types.InvalidState{}
	}
	source := *vm.Runtime.Host
	need := reservation(vm)
	if source != target.Self {
		have, capa := g.committedLocked()[target.Self], capacity(target)
		if have.CPUMHz+need.CPUMHz > capa.CPUMHz || have.MemoryMB+need.MemoryMB > capa.MemoryMB {
			g.refused++
			return nil, &types.InsufficientResourcesFault{}
		}
	}
	g.inflight[vm.Self] = flight{source: source, target: target.Self, need: need}
	g.vmotions[source]++
	if target.Self != source {
		g.vmotions[target.Self]++
	}
	g.sampleLocked()
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.inflight, vm.Self)
		g.vmotions[source]--
		if target.Self != source {
			g.vmotions[target.Self]--
		}
		g.sampleLocked()
	}, nil
}

// Peaks returns, per host, the peak committed CPU and memory and the peak
// number of concurrent vMotions since the lab started or since ResetPeaks.
// The lab samples at the start and end of every vMotion, at its own injections
// and here, so a change made only through other API calls (a power-on) counts
// from the next sample on.
func (l *Lab) Peaks() map[inventory.HostName]HostPeak {
	g := l.ledger
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sampleLocked()
	out := make(map[inventory.HostName]HostPeak, len(l.dc.hosts))
	for name, ref := range l.dc.hosts {
		out[name] = g.peaks[ref]
	}
	return out
}

// Committed returns what each host carries now (reservations of its powered-on
// VMs and of the vMotions from or to it).
func (l *Lab) Committed() map[inventory.HostName]Resources {
	g := l.ledger
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.committedLocked()
	out := make(map[inventory.HostName]Resources, len(l.dc.hosts))
	for name, ref := range l.dc.hosts {
		out[name] = c[ref]
	}
	return out
}

// ResetPeaks starts the peaks afresh from what the hosts carry now.
func (l *Lab) ResetPeaks() {
	g := l.ledger
	g.mu.Lock()
	defer g.mu.Unlock()
	g.peaks = map[types.ManagedObjectReference]HostPeak{}
	g.refused = 0
	g.sampleLocked()
}

// SetVMotionDuration makes every vMotion admitted from now on take at least d
// (the simulator's take milliseconds), so tests can see vMotions overlap.
func (l *Lab) SetVMotionDuration(d time.Duration) {
	l.ledger.mu.Lock()
	defer l.ledger.mu.Unlock()
	l.ledger.duration = d
}

// HoldVMotions makes every vMotion admitted from now on wait, once admitted
// (its reservations held on both hosts), until release is called, so tests can
// make vMotions overlap without depending on timing. Wait for the overlap with
// VMotionsInFlight. A held VM's properties stay readable, as in vCenter
// (relocate's stand-in entity).
func (l *Lab) HoldVMotions() (release func()) {
	g := l.ledger
	g.mu.Lock()
	defer g.mu.Unlock()
	hold := make(chan struct{})
	g.hold = hold
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.hold == hold {
				g.hold = nil
			}
			close(hold)
		})
	}
}

// RefusedVMotions is the number of vMotions refused because the target could
// not admit the VM's reservations, since the lab started or since ResetPeaks:
// what a client that orders its moves well never meets.
func (l *Lab) RefusedVMotions() int {
	l.ledger.mu.Lock()
	defer l.ledger.mu.Unlock()
	return l.ledger.refused
}

// VMotionsInFlight is the number of vMotions admitted and not yet ended.
func (l *Lab) VMotionsInFlight() int {
	l.ledger.mu.Lock()
	defer l.ledger.mu.Unlock()
	return len(l.ledger.inflight)
}

// runVMotion waits as long as an admitted vMotion takes: the set duration,
// and until a hold is released.
func (g *ledger) runVMotion() {
	g.mu.Lock()
	d, hold := g.duration, g.hold
	g.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
	if hold != nil {
		<-hold
	}
}

// sample records the peaks after a lab injection changed what hosts carry.
func (g *ledger) sample() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sampleLocked()
}

// longPolls are the property collectors that served a WaitForUpdatesEx: the
// simulator's wait loop ignores the request's context, so a long poll holds
// its request open for up to its MaxWaitSeconds (govmomi's task.Wait sends
// none: forever) and the HTTP server's Close waits for it. Close cancels them,
// as CancelWaitForUpdates does.
type longPolls struct {
	mu  sync.Mutex
	pcs map[*simulator.PropertyCollector]struct{}
}

func (p *longPolls) add(pc *simulator.PropertyCollector) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pcs == nil {
		p.pcs = map[*simulator.PropertyCollector]struct{}{}
	}
	p.pcs[pc] = struct{}{}
}

// cancelAll ends every wait in progress.
func (p *longPolls) cancelAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for pc := range p.pcs {
		pc.CancelWaitForUpdates(&types.CancelWaitForUpdates{This: pc.Self})
	}
}

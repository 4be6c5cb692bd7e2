package analysis

import (
	"fmt"
	"sync"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Problem is one reason a planned change cannot go ahead, for plan-time errors.
type Problem struct {
	Field   string `json:"field"` // "vm" or "host": what the user should change
	Message string `json:"message"`
}

// CheckMove checks moving a VM to a host against the live estate, as a
// placement resource checks its own change at plan time: the VM and the host
// exist; the placement rule's static checkers allow the host (connected, not
// in maintenance, not a dedicated HA failover host, mounts the VM's
// datastores, no required VM-Host rule forbids it); and the VM is not larger
// than the whole host under the policy. Keeping a VM where it runs is not a
// change and is not checked. Every problem is reported, not the first.
//
// A per-resource check fails only what is wrong whatever the other planned
// changes are. Whether the host has room *now* depends on them (a swap of two
// VMs between two nearly full hosts fits before and after, not alone), so it
// is a warning (MoveRoomWarnings); the joint verdict is the guard's and the
// set resource's, and at apply the moves wait for each other.
func CheckMove(s *inventory.Snapshot, p Policy, vm inventory.VMName, host inventory.HostName) []Problem {
	v, ok := s.VM(vm)
	if !ok {
		return []Problem{{"vm", fmt.Sprintf("unknown VM %q: %s", vm, inventory.KnownList("VMs", nameSet(s.VMs(), func(v inventory.VM) inventory.VMName { return v.Name })))}}
	}
	h, ok := s.Host(host)
	if !ok {
		return []Problem{{"host", unknownHost(s, v, host)}}
	}
	var out []Problem
	add := func(format string, args ...any) { out = append(out, Problem{"host", fmt.Sprintf(format, args...)}) }
	if v.Host != host {
		// The placement rule's static checkers, as for any migration. VM-VM
		// anti-affinity depends on where the other VMs end up, so it is the
		// guard's joint verdict, not this per-resource check.
		w := staticWorld(s)
		for _, r := range w.staticRefusals(migration, w.vmIdx[vm], w.hostIdx[host]) {
			add("host %q %s", host, r.Reason)
		}
	}
	if v.Host != host && v.PoweredOn() && h.Available() {
		used := loadOf(s, p, h)
		need := p.Demand(v, h)
		for _, d := range need.exceeds(used.Capacity) {
			add("host %q has no room for VM %q: %s requested %d, used %d of %d: more than the whole host holds, whatever else moves", host, vm, d, need.get(d), used.Used.get(d), used.Capacity.get(d))
		}
	}
	return out
}

// MoveRoomWarnings says, with the numbers, when the host has no room for the
// VM now but would have if other VMs left it: the move can go ahead only
// together with planned changes that free the room (the guard checks them
// together; at apply the move waits for them). Empty when the VM fits now, or
// when CheckMove already refuses it.
func MoveRoomWarnings(s *inventory.Snapshot, p Policy, vm inventory.VMName, host inventory.HostName) []string {
	v, ok := s.VM(vm)
	h, hok := s.Host(host)
	if !ok || !hok || v.Host == host || !v.PoweredOn() || !h.Available() {
		return nil
	}
	used := loadOf(s, p, h)
	need := p.Demand(v, h)
	if len(need.exceeds(used.Capacity)) > 0 {
		return nil
	}
	var out []string
	for _, d := range need.exceeds(used.Free()) {
		out = append(out, fmt.Sprintf("host %q has no room for VM %q now: %s requested %d, used %d of %d. The move fits only if other planned changes free %d first: the guard checks the planned changes together, and apply moves the VM once moves of this apply have freed the room",
			host, vm, d, need.get(d), used.Used.get(d), used.Capacity.get(d), satSub(satAdd(need.get(d), used.Used.get(d)), used.Capacity.get(d))))
	}
	return out
}

// unknownHost names the hosts of the VM's cluster, the likely intended targets.
func unknownHost(s *inventory.Snapshot, v inventory.VM, host inventory.HostName) string {
	if c := s.ClusterOf(v.Name); c != "" {
		known := nameSet(s.HostsIn(c), func(h inventory.Host) inventory.HostName { return h.Name })
		return fmt.Sprintf("unknown host %q: %s in cluster %q", host, inventory.KnownList("hosts", known), c)
	}
	return fmt.Sprintf("unknown host %q: %s", host, inventory.KnownList("hosts", nameSet(s.Hosts(), func(h inventory.Host) inventory.HostName { return h.Name })))
}

func nameSet[T any, K comparable](items []T, name func(T) K) map[K]bool {
	out := make(map[K]bool, len(items))
	for _, it := range items {
		out[name(it)] = true
	}
	return out
}

// staticWorld is the indexed estate for the static checkers, shared by the
// CheckMove calls of one plan (each placement resource calls it with the same
// live snapshot; snapshots are immutable). The static checkers only read it.
func staticWorld(s *inventory.Snapshot) *world {
	lastWorld.mu.Lock()
	defer lastWorld.mu.Unlock()
	if lastWorld.snap != s {
		lastWorld.snap, lastWorld.w = s, newWorld(s, DefaultPolicy())
	}
	return lastWorld.w
}

var lastWorld struct {
	mu   sync.Mutex
	snap *inventory.Snapshot
	w    *world
}

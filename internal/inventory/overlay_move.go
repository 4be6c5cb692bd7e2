package inventory

import (
	"maps"
	"slices"
	"strings"
)

// movedWithin is With(MoveVM) for a move that stays in its cluster (or
// between two hosts in no cluster), which leaves the estate valid and sorted
// as it was: only the VM's host changes. It copies what the move touches —
// the VM list, the two hosts' VM lists, the VM's datastores' VM lists — and
// shares the rest with s, where With re-validates and re-indexes the whole
// estate (19 ms at 10,000 VMs; an apply's cache takes one per vMotion).
// It reports false when the move is not of that kind.
func (s *Snapshot) movedWithin(m MoveVM) (*Snapshot, bool) {
	i, ok := s.vmIdx[m.VM]
	if !ok {
		return nil, false
	}
	from := s.estate.VMs[i].Host
	if from == m.To {
		return s, true // nothing moves; snapshots are immutable
	}
	to, ok := s.Host(m.To)
	if !ok {
		return nil, false
	}
	if src, _ := s.Host(from); src.Cluster != to.Cluster {
		return nil, false
	}
	n := *s
	n.estate.VMs = slices.Clone(s.estate.VMs)
	n.estate.VMs[i].Host = m.To
	v := n.estate.VMs[i]
	n.hostVMs = maps.Clone(s.hostVMs)
	n.hostVMs[from] = slices.DeleteFunc(slices.Clone(s.hostVMs[from]), func(x VM) bool { return x.Name == v.Name })
	if len(n.hostVMs[from]) == 0 {
		delete(n.hostVMs, from)
	}
	onTo := slices.Clone(s.hostVMs[m.To])
	at, _ := slices.BinarySearchFunc(onTo, v.Name, func(x VM, name VMName) int { return strings.Compare(string(x.Name), string(name)) })
	n.hostVMs[m.To] = slices.Insert(onTo, at, v)
	n.datastoreVMs = maps.Clone(s.datastoreVMs)
	for _, d := range v.Datastores {
		vms := slices.Clone(s.datastoreVMs[d])
		for j := range vms {
			if vms[j].Name == v.Name {
				vms[j] = v
			}
		}
		n.datastoreVMs[d] = vms
	}
	return &n, true
}

package inventory

import (
	"fmt"
	"slices"
)

// Change is one planned change to an estate. A snapshot never changes; With
// applies changes to a copy, so the live view and the planned view coexist
// (Nomad's "proposed allocations").
type Change interface {
	apply(e *Estate) error
	fmt.Stringer
}

// With returns the planned view: this snapshot with the changes applied in
// order. The result is validated like any snapshot.
func (s *Snapshot) With(changes ...Change) (*Snapshot, error) {
	if len(changes) == 0 {
		return s, nil
	}
	if m, ok := changes[0].(MoveVM); ok && len(changes) == 1 {
		if moved, ok := s.movedWithin(m); ok {
			return moved, nil
		}
	}
	e := s.estate.clone()
	for _, c := range changes {
		if err := c.apply(&e); err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
	}
	return New(e)
}

// MoveVM places a VM on another host.
type MoveVM struct {
	VM VMName
	To HostName
}

func (c MoveVM) String() string { return fmt.Sprintf("move VM %q to host %q", c.VM, c.To) }

func (c MoveVM) apply(e *Estate) error {
	i, err := find(e.VMs, "VM", c.VM, func(v VM) VMName { return v.Name })
	if err != nil {
		return err
	}
	from, to := e.clusterOfHost(e.VMs[i].Host), e.clusterOfHost(c.To)
	e.VMs[i].Host = c.To
	if from != to {
		e.leaveCluster(i, from)
	}
	return nil
}

func (e *Estate) clusterOfHost(h HostName) ClusterName {
	for _, host := range e.Hosts {
		if host.Name == h {
			return host.Cluster
		}
	}
	return ""
}

// leaveCluster drops what a cluster held for VM i when it moves out: its HA
// and DRS overrides (the cluster's dasVmConfig and drsVmConfig) and its DRS
// group and rule memberships ("If a virtual machine is removed from the
// cluster, it loses its DRS group affiliation", vSphere API, ClusterVmGroup).
// A VM-VM rule left with fewer than two VMs is dropped.
func (e *Estate) leaveCluster(i int, from ClusterName) {
	vm := e.VMs[i].Name
	e.VMs[i].RestartPriority, e.VMs[i].DRSAutomation = "", ""
	for c := range e.Clusters {
		cl := &e.Clusters[c]
		if cl.Name != from {
			continue
		}
		for g := range cl.VMGroups {
			cl.VMGroups[g].VMs = slices.DeleteFunc(slices.Clone(cl.VMGroups[g].VMs), func(m VMName) bool { return m == vm })
		}
		rules := cl.Rules[:0:0]
		for _, r := range cl.Rules {
			if len(r.VMs) > 0 {
				r.VMs = slices.DeleteFunc(slices.Clone(r.VMs), func(m VMName) bool { return m == vm })
				if len(r.VMs) < 2 {
					continue
				}
			}
			rules = append(rules, r)
		}
		cl.Rules = rules
	}
}

// SetMaintenance puts a host into maintenance mode or takes it out.
type SetMaintenance struct {
	Host HostName
	On   bool
}

func (c SetMaintenance) String() string {
	return fmt.Sprintf("set maintenance of host %q to %t", c.Host, c.On)
}

func (c SetMaintenance) apply(e *Estate) error {
	i, err := find(e.Hosts, "host", c.Host, func(h Host) HostName { return h.Name })
	if err != nil {
		return err
	}
	e.Hosts[i].Maintenance = c.On
	return nil
}

// SetConnection changes a host's connection state, for example to model a failure.
type SetConnection struct {
	Host  HostName
	State Connection
}

func (c SetConnection) String() string {
	return fmt.Sprintf("set connection of host %q to %s", c.Host, c.State)
}

func (c SetConnection) apply(e *Estate) error {
	i, err := find(e.Hosts, "host", c.Host, func(h Host) HostName { return h.Name })
	if err != nil {
		return err
	}
	e.Hosts[i].Connection = c.State
	return nil
}

// PutHost adds a host, or replaces the host of the same name (declared servers).
type PutHost struct{ Host Host }

func (c PutHost) String() string { return fmt.Sprintf("put host %q", c.Host.Name) }

func (c PutHost) apply(e *Estate) error {
	e.Hosts = put(e.Hosts, c.Host, func(h Host) HostName { return h.Name })
	return nil
}

// PutBusinessSystem adds or replaces a business system.
type PutBusinessSystem struct{ System BusinessSystem }

func (c PutBusinessSystem) String() string {
	return fmt.Sprintf("put business system %q", c.System.Name)
}

func (c PutBusinessSystem) apply(e *Estate) error {
	e.BusinessSystems = put(e.BusinessSystems, c.System, func(b BusinessSystem) SystemName { return b.Name })
	return nil
}

// PutStandbyGroup adds or replaces a standby group.
type PutStandbyGroup struct{ Group StandbyGroup }

func (c PutStandbyGroup) String() string { return fmt.Sprintf("put standby group %q", c.Group.Name) }

func (c PutStandbyGroup) apply(e *Estate) error {
	e.StandbyGroups = put(e.StandbyGroups, c.Group, func(g StandbyGroup) GroupName { return g.Name })
	return nil
}

// SetAdmissionControl replaces a cluster's HA admission-control policy.
type SetAdmissionControl struct {
	Cluster ClusterName
	Policy  AdmissionControl
}

func (c SetAdmissionControl) String() string {
	return fmt.Sprintf("set admission control of cluster %q to %s", c.Cluster, c.Policy.Policy)
}

func (c SetAdmissionControl) apply(e *Estate) error {
	i, err := find(e.Clusters, "cluster", c.Cluster, func(cl Cluster) ClusterName { return cl.Name })
	if err != nil {
		return err
	}
	e.Clusters[i].HA.AdmissionControl = c.Policy
	return nil
}

func find[T any, K ~string](items []T, what string, key K, name func(T) K) (int, error) {
	for i, it := range items {
		if name(it) == key {
			return i, nil
		}
	}
	known := make(map[K]bool, len(items))
	for _, it := range items {
		known[name(it)] = true
	}
	return -1, fmt.Errorf("unknown %s %q: %s", what, key, KnownList(what+"s", known))
}

func put[T any, K ~string](items []T, item T, name func(T) K) []T {
	for i, it := range items {
		if name(it) == name(item) {
			items[i] = item
			return items
		}
	}
	return append(items, item)
}

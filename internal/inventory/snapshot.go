package inventory

import (
	"slices"
	"strings"
)

// Snapshot is an immutable, indexed view of an estate. Build one with New;
// derive a planned view with With. Slices returned by accessors are shared
// with the snapshot and must not be modified.
type Snapshot struct {
	estate Estate

	clusterIdx   map[ClusterName]int
	hostIdx      map[HostName]int
	vmIdx        map[VMName]int
	datastoreIdx map[DatastoreName]int
	systemIdx    map[SystemName]int
	groupIdx     map[GroupName]int

	clusterHosts   map[ClusterName][]Host
	hostVMs        map[HostName][]VM
	datastoreVMs   map[DatastoreName][]VM
	datastoreHosts map[DatastoreName][]HostName
	vmSystems      map[VMName][]SystemName
	hostSystems    map[HostName][]SystemName
}

// New validates an estate and indexes it. The estate is copied, so the caller
// may keep changing its own value. Every problem is reported, not just the first.
func New(e Estate) (*Snapshot, error) {
	e = e.clone()
	e.applyDefaults()
	// Validate before sorting so error paths use the caller's (the file's) indices.
	if err := e.validate(); err != nil {
		return nil, err
	}
	e.sort()
	return index(e), nil
}

// MustNew is New for fixtures known to be valid; it panics on a validation error.
func MustNew(e Estate) *Snapshot {
	s, err := New(e)
	if err != nil {
		panic(err)
	}
	return s
}

func index(e Estate) *Snapshot {
	s := &Snapshot{
		estate:         e,
		clusterIdx:     make(map[ClusterName]int, len(e.Clusters)),
		hostIdx:        make(map[HostName]int, len(e.Hosts)),
		vmIdx:          make(map[VMName]int, len(e.VMs)),
		datastoreIdx:   make(map[DatastoreName]int, len(e.Datastores)),
		systemIdx:      make(map[SystemName]int, len(e.BusinessSystems)),
		groupIdx:       make(map[GroupName]int, len(e.StandbyGroups)),
		clusterHosts:   make(map[ClusterName][]Host),
		hostVMs:        make(map[HostName][]VM, len(e.Hosts)),
		datastoreVMs:   make(map[DatastoreName][]VM),
		datastoreHosts: make(map[DatastoreName][]HostName),
		vmSystems:      make(map[VMName][]SystemName),
		hostSystems:    make(map[HostName][]SystemName),
	}
	for i, c := range e.Clusters {
		s.clusterIdx[c.Name] = i
	}
	for i, h := range e.Hosts {
		s.hostIdx[h.Name] = i
		if h.Cluster != "" {
			s.clusterHosts[h.Cluster] = append(s.clusterHosts[h.Cluster], h)
		}
		for _, d := range h.Datastores {
			s.datastoreHosts[d] = append(s.datastoreHosts[d], h.Name)
		}
	}
	for i, v := range e.VMs {
		s.vmIdx[v.Name] = i
		s.hostVMs[v.Host] = append(s.hostVMs[v.Host], v)
		for _, d := range v.Datastores {
			s.datastoreVMs[d] = append(s.datastoreVMs[d], v)
		}
	}
	for i, d := range e.Datastores {
		s.datastoreIdx[d.Name] = i
	}
	for i, b := range e.BusinessSystems {
		s.systemIdx[b.Name] = i
		for _, v := range b.VMs {
			s.vmSystems[v] = append(s.vmSystems[v], b.Name)
		}
		for _, h := range b.Hosts {
			s.hostSystems[h] = append(s.hostSystems[h], b.Name)
		}
	}
	for i, g := range e.StandbyGroups {
		s.groupIdx[g.Name] = i
	}
	return s
}

// Estate returns a deep copy of the estate behind the snapshot.
func (s *Snapshot) Estate() Estate { return s.estate.clone() }

// Clusters returns all clusters sorted by name.
func (s *Snapshot) Clusters() []Cluster { return s.estate.Clusters }

// Hosts returns all hosts sorted by name.
func (s *Snapshot) Hosts() []Host { return s.estate.Hosts }

// VMs returns all VMs sorted by name.
func (s *Snapshot) VMs() []VM { return s.estate.VMs }

// Datastores returns all datastores sorted by name.
func (s *Snapshot) Datastores() []Datastore { return s.estate.Datastores }

// BusinessSystems returns all business systems sorted by name.
func (s *Snapshot) BusinessSystems() []BusinessSystem { return s.estate.BusinessSystems }

// StandbyGroups returns all standby groups sorted by name.
func (s *Snapshot) StandbyGroups() []StandbyGroup { return s.estate.StandbyGroups }

// Cluster looks a cluster up by name.
func (s *Snapshot) Cluster(n ClusterName) (Cluster, bool) {
	return lookup(s.estate.Clusters, s.clusterIdx, n)
}

// Host looks a host up by name.
func (s *Snapshot) Host(n HostName) (Host, bool) { return lookup(s.estate.Hosts, s.hostIdx, n) }

// VM looks a VM up by name.
func (s *Snapshot) VM(n VMName) (VM, bool) { return lookup(s.estate.VMs, s.vmIdx, n) }

// Datastore looks a datastore up by name.
func (s *Snapshot) Datastore(n DatastoreName) (Datastore, bool) {
	return lookup(s.estate.Datastores, s.datastoreIdx, n)
}

// BusinessSystem looks a business system up by name.
func (s *Snapshot) BusinessSystem(n SystemName) (BusinessSystem, bool) {
	return lookup(s.estate.BusinessSystems, s.systemIdx, n)
}

// StandbyGroup looks a standby group up by name.
func (s *Snapshot) StandbyGroup(n GroupName) (StandbyGroup, bool) {
	return lookup(s.estate.StandbyGroups, s.groupIdx, n)
}

// HostsIn returns the hosts of a cluster sorted by name.
func (s *Snapshot) HostsIn(c ClusterName) []Host { return s.clusterHosts[c] }

// VMsOn returns the VMs registered on a host, sorted by name.
func (s *Snapshot) VMsOn(h HostName) []VM { return s.hostVMs[h] }

// VMsOnDatastore returns the VMs with files on a datastore, sorted by name.
func (s *Snapshot) VMsOnDatastore(d DatastoreName) []VM { return s.datastoreVMs[d] }

// HostsOnDatastore returns the hosts that mount a datastore, sorted by name.
func (s *Snapshot) HostsOnDatastore(d DatastoreName) []HostName { return s.datastoreHosts[d] }

// SystemsOfVM returns the business systems a VM belongs to.
func (s *Snapshot) SystemsOfVM(v VMName) []SystemName { return s.vmSystems[v] }

// SystemsOfHost returns the business systems that list a host (a physical server) as a member.
func (s *Snapshot) SystemsOfHost(h HostName) []SystemName { return s.hostSystems[h] }

// ClusterOf returns the cluster a VM runs in, through its host.
func (s *Snapshot) ClusterOf(v VMName) ClusterName {
	vm, ok := s.VM(v)
	if !ok {
		return ""
	}
	h, _ := s.Host(vm.Host)
	return h.Cluster
}

// RestartPriority is the HA restart priority that applies to a VM: its
// override, else its cluster's default ("medium" outside clusters).
func (s *Snapshot) RestartPriority(v VM) RestartPriority {
	if v.RestartPriority != "" {
		return v.RestartPriority
	}
	if h, ok := s.Host(v.Host); ok {
		if c, ok := s.Cluster(h.Cluster); ok {
			return c.HA.DefaultRestartPriority
		}
	}
	return RestartMedium
}

// HostNames returns the names of the given hosts, or of all hosts when none are given.
func (s *Snapshot) HostNames(hosts ...Host) []HostName {
	if hosts == nil {
		hosts = s.estate.Hosts
	}
	out := make([]HostName, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}

func lookup[T any, K comparable](items []T, idx map[K]int, key K) (T, bool) {
	i, ok := idx[key]
	if !ok {
		var zero T
		return zero, false
	}
	return items[i], true
}

func (e Estate) clone() Estate {
	out := Estate{
		Clusters:        slices.Clone(e.Clusters),
		Hosts:           slices.Clone(e.Hosts),
		VMs:             slices.Clone(e.VMs),
		Datastores:      slices.Clone(e.Datastores),
		BusinessSystems: slices.Clone(e.BusinessSystems),
		StandbyGroups:   slices.Clone(e.StandbyGroups),
	}
	for i := range out.Clusters {
		c := &out.Clusters[i]
		c.HA.AdmissionControl.FailoverHosts = slices.Clone(c.HA.AdmissionControl.FailoverHosts)
		c.VMGroups, c.HostGroups, c.Rules = slices.Clone(c.VMGroups), slices.Clone(c.HostGroups), slices.Clone(c.Rules)
		for j := range c.VMGroups {
			c.VMGroups[j].VMs = slices.Clone(c.VMGroups[j].VMs)
		}
		for j := range c.HostGroups {
			c.HostGroups[j].Hosts = slices.Clone(c.HostGroups[j].Hosts)
		}
		for j := range c.Rules {
			c.Rules[j].VMs = slices.Clone(c.Rules[j].VMs)
		}
	}
	for i := range out.Hosts {
		out.Hosts[i].Datastores = slices.Clone(out.Hosts[i].Datastores)
		out.Hosts[i].Tags = slices.Clone(out.Hosts[i].Tags)
	}
	for i := range out.VMs {
		out.VMs[i].Datastores = slices.Clone(out.VMs[i].Datastores)
		out.VMs[i].Tags = slices.Clone(out.VMs[i].Tags)
	}
	for i := range out.BusinessSystems {
		out.BusinessSystems[i].VMs = slices.Clone(out.BusinessSystems[i].VMs)
		out.BusinessSystems[i].Hosts = slices.Clone(out.BusinessSystems[i].Hosts)
	}
	for i := range out.StandbyGroups {
		out.StandbyGroups[i].Active = slices.Clone(out.StandbyGroups[i].Active)
		out.StandbyGroups[i].Standby = slices.Clone(out.StandbyGroups[i].Standby)
	}
	return out
}

// applyDefaults fills the fields a hand-written snapshot file may omit.
func (e *Estate) applyDefaults() {
	for i := range e.Clusters {
		ha := &e.Clusters[i].HA
		if ha.AdmissionControl.Policy == "" {
			ha.AdmissionControl.Policy = PolicyDisabled
		}
		if ha.HostMonitoring == "" {
			ha.HostMonitoring = HostMonitoringEnabled // vSphere's default
		}
		if ha.DefaultRestartPriority == "" {
			ha.DefaultRestartPriority = RestartMedium // vSphere's default
		}
	}
	for i := range e.Hosts {
		h := &e.Hosts[i]
		if h.Kind == "" {
			h.Kind = KindESXi
		}
		if h.Connection == "" {
			h.Connection = Connected
		}
	}
	for i := range e.VMs {
		if e.VMs[i].Power == "" {
			e.VMs[i].Power = PoweredOn
		}
	}
	for i := range e.StandbyGroups {
		if e.StandbyGroups[i].Takeover == "" {
			e.StandbyGroups[i].Takeover = TakeoverWholeHost
		}
	}
}

// sort orders every collection by name so snapshots, files and reports are deterministic.
func (e *Estate) sort() {
	slices.SortStableFunc(e.Clusters, func(a, b Cluster) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(e.Hosts, func(a, b Host) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(e.VMs, func(a, b VM) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(e.Datastores, func(a, b Datastore) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(e.BusinessSystems, func(a, b BusinessSystem) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(e.StandbyGroups, func(a, b StandbyGroup) int { return strings.Compare(string(a.Name), string(b.Name)) })
}

package lab

import (
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// demoSystem is one business system of the demo estate: its VMs are spread
// round-robin over the hosts of one cluster.
type demoSystem struct {
	name        inventory.SystemName
	criticality inventory.Criticality
	cluster     inventory.ClusterName
	prefix      string
	count       int
	vcpu        int
	memoryMB    int64
	reserveMB   int64 // memory reservation per VM
	reserveMHz  int64
	minHosts    int
}

type demoCluster struct {
	name     inventory.ClusterName
	prefix   string
	hosts    int
	cores    int
	mhz      int64
	memoryMB int64
	ha       inventory.AdmissionControl
}

var demoClusters = []demoCluster{
	{"prod-a", "esx-a", 6, 32, 2600, 524288, inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}},
	{"prod-b", "esx-b", 5, 24, 2400, 393216, inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 25}},
	// dmz is the cluster that is already too full to survive a host failure.
	{"dmz", "esx-c", 4, 16, 2200, 262144, inventory.AdmissionControl{Policy: inventory.PolicyDisabled}},
}

var demoSystems = []demoSystem{
	{"order management", inventory.CriticalityCritical, "prod-a", "om-app", 36, 4, 16384, 8192, 1000, 3},
	{"production control", inventory.CriticalityCritical, "prod-a", "pc-ctl", 30, 4, 12288, 4096, 500, 3},
	{"payroll", inventory.CriticalityHigh, "prod-a", "pay", 24, 2, 8192, 2048, 0, 2},
	{"data warehouse", inventory.CriticalityMedium, "prod-a", "dwh", 40, 8, 32768, 0, 0, 0},
	{"crm", inventory.CriticalityHigh, "prod-b", "crm", 40, 4, 16384, 4096, 500, 2},
	{"mail", inventory.CriticalityMedium, "prod-b", "mail", 30, 2, 8192, 0, 0, 2},
	{"file services", inventory.CriticalityLow, "prod-b", "fs", 30, 2, 4096, 0, 0, 0},
	{"web shop", inventory.CriticalityCritical, "dmz", "web", 36, 4, 16384, 14336, 500, 2},
	{"partner portal", inventory.CriticalityHigh, "dmz", "portal", 24, 4, 16384, 14336, 500, 2},
}

// Demo is the built-in demo estate (docs/guides/lab.md): 3 clusters and 15 ESXi
// hosts with 290 VMs in named business systems, physical database servers,
// an N+1 cold-standby blade group, a required DRS rule (db-not-on-blades) and
// the dmz cluster, whose memory reservations no longer fit on three of its
// four hosts.
func Demo() *inventory.Snapshot {
	var e inventory.Estate
	hostsOf := map[inventory.ClusterName][]inventory.HostName{}
	for _, c := range demoClusters {
		ds := inventory.DatastoreName("san-" + string(c.name))
		e.Datastores = append(e.Datastores, inventory.Datastore{Name: ds, CapacityMB: 16 << 20, FreeMB: 6 << 20})
		e.Clusters = append(e.Clusters, inventory.Cluster{Name: c.name,
			HA:  inventory.HAConfig{Enabled: true, AdmissionControl: c.ha},
			DRS: inventory.DRSConfig{Enabled: true, Behavior: "fullyAutomated"}})
		for i := 1; i <= c.hosts; i++ {
			name := inventory.HostName(fmt.Sprintf("%s%02d", c.prefix, i))
			hostsOf[c.name] = append(hostsOf[c.name], name)
			e.Hosts = append(e.Hosts, inventory.Host{Name: name, Cluster: c.name, Kind: inventory.KindESXi,
				CPUCores: c.cores, CPUMHzPerCore: c.mhz, MemoryMB: c.memoryMB,
				Connection: inventory.Connected, Datastores: []inventory.DatastoreName{ds}})
		}
	}
	next := map[inventory.ClusterName]int{}
	for _, s := range demoSystems {
		sys := inventory.BusinessSystem{Name: s.name, Criticality: s.criticality, MinHosts: s.minHosts}
		hosts := hostsOf[s.cluster]
		for i := 1; i <= s.count; i++ {
			name := inventory.VMName(fmt.Sprintf("%s-%02d", s.prefix, i))
			host := hosts[next[s.cluster]%len(hosts)]
			next[s.cluster]++
			e.VMs = append(e.VMs, inventory.VM{Name: name, Host: host, Power: inventory.PoweredOn,
				VCPU: s.vcpu, MemoryMB: s.memoryMB, CPUReservationMHz: s.reserveMHz,
				MemoryReservationMB: s.reserveMB, MemoryOverheadMB: 64 + s.memoryMB/256,
				Datastores: []inventory.DatastoreName{inventory.DatastoreName("san-" + string(s.cluster))},
				// Membership is also a vSphere tag, as many shops keep it, so the live topology shows it.
				Tags: []string{"system/" + string(s.name)}})
			sys.VMs = append(sys.VMs, name)
		}
		e.BusinessSystems = append(e.BusinessSystems, sys)
	}
	addDemoPhysical(&e)
	addDemoRules(&e)
	return inventory.MustNew(e)
}

// addDemoRules adds the kind of required rule real estates carry for
// licensing: the data warehouse's database VMs are licensed for the rack
// servers of prod-a only, so they must not run on its two blade hosts. The
// VMs already run on rack hosts (esx-a01..a04), as vCenter would insist.
func addDemoRules(e *inventory.Estate) {
	for i := range e.Clusters {
		if e.Clusters[i].Name != "prod-a" {
			continue
		}
		c := &e.Clusters[i]
		c.VMGroups = append(c.VMGroups, inventory.VMGroup{Name: "dwh-databases", VMs: []inventory.VMName{"dwh-01", "dwh-02", "dwh-03", "dwh-04"}})
		c.HostGroups = append(c.HostGroups, inventory.HostGroup{Name: "blade-hosts", Hosts: []inventory.HostName{"esx-a05", "esx-a06"}})
		c.Rules = append(c.Rules, inventory.Rule{Name: "db-not-on-blades", Kind: inventory.RuleMustNotRunOn,
			VMGroup: "dwh-databases", HostGroup: "blade-hosts"})
	}
}

// addDemoPhysical adds the servers vCenter does not manage: two physical
// database servers and a blade chassis with N+1 cold standby.
func addDemoPhysical(e *inventory.Estate) {
	physical := func(name inventory.HostName, cores int, memoryMB int64) inventory.Host {
		return inventory.Host{Name: name, Kind: inventory.KindPhysical, CPUCores: cores, CPUMHzPerCore: 3000,
			MemoryMB: memoryMB, Connection: inventory.Connected}
	}
	e.Hosts = append(e.Hosts,
		physical("db-phys-01", 48, 1048576), physical("db-phys-02", 48, 1048576),
		physical("blade-01", 16, 262144), physical("blade-02", 16, 262144), physical("blade-03", 16, 262144),
		physical("blade-sb", 16, 262144))
	for i := range e.BusinessSystems {
		switch e.BusinessSystems[i].Name {
		case "order management", "production control":
			e.BusinessSystems[i].Hosts = []inventory.HostName{"db-phys-01", "db-phys-02"}
		case "payroll":
			e.BusinessSystems[i].Hosts = []inventory.HostName{"blade-01"}
		}
	}
	e.StandbyGroups = append(e.StandbyGroups, inventory.StandbyGroup{Name: "blades",
		Active: []inventory.HostName{"blade-01", "blade-02", "blade-03"}, Standby: []inventory.HostName{"blade-sb"},
		Tolerate: 1, Takeover: inventory.TakeoverWholeHost})
}

package inventory_test

import (
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func ruleEstate(mut func(c *inventory.Cluster)) inventory.Estate {
	e := inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "c1", HA: inventory.HAConfig{Enabled: true}}, {Name: "c2"}},
		Hosts:    []inventory.Host{{Name: "h1", Cluster: "c1"}, {Name: "h2", Cluster: "c1"}, {Name: "h3", Cluster: "c2"}},
		VMs:      []inventory.VM{{Name: "a", Host: "h1"}, {Name: "b", Host: "h2"}},
	}
	mut(&e.Clusters[0])
	return e
}

func TestRulesValidate(t *testing.T) {
	f := false
	tests := []struct {
		name string
		mut  func(c *inventory.Cluster)
		want string // the whole error, "" for valid
	}{
		{"valid must-not-run rule and anti-affinity", func(c *inventory.Cluster) {
			c.VMGroups = []inventory.VMGroup{{Name: "dbs", VMs: []inventory.VMName{"a"}}}
			c.HostGroups = []inventory.HostGroup{{Name: "blades", Hosts: []inventory.HostName{"h2"}}}
			c.Rules = []inventory.Rule{{Name: "db-not-on-blades", Kind: inventory.RuleMustNotRunOn, VMGroup: "dbs", HostGroup: "blades"},
				{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"a", "b"}, Enabled: &f}}
		}, ""},
		{"host group member of another cluster", func(c *inventory.Cluster) {
			c.HostGroups = []inventory.HostGroup{{Name: "g", Hosts: []inventory.HostName{"h3"}}}
		}, `clusters[0] "c1".host_groups[0] "g".hosts[0]: host "h3" is in cluster "c2", not in "c1": DRS groups hold hosts of their own cluster`},
		{"VM and host group share a name", func(c *inventory.Cluster) {
			c.VMGroups = []inventory.VMGroup{{Name: "g", VMs: []inventory.VMName{"a"}}}
			c.HostGroups = []inventory.HostGroup{{Name: "g", Hosts: []inventory.HostName{"h1"}}}
		}, `clusters[0] "c1".host_groups[0] "g": duplicate group name "g": VM and host groups of a cluster share one namespace`},
		{"VM-Host rule names a VM group as its host group", func(c *inventory.Cluster) {
			c.VMGroups = []inventory.VMGroup{{Name: "g", VMs: []inventory.VMName{"a"}}}
			c.Rules = []inventory.Rule{{Name: "r", Kind: inventory.RuleMustRunOn, VMGroup: "g", HostGroup: "g"}}
		}, `clusters[0] "c1".rules[0] "r".host_group: must name a host group of the cluster, got "g"`},
		{"anti-affinity with one VM, unknown kind", func(c *inventory.Cluster) {
			c.Rules = []inventory.Rule{{Name: "r", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"a"}}, {Name: "s", Kind: "sometimes"}}
		}, `clusters[0] "c1".rules[0] "r".vms: a vm_anti_affinity rule needs at least 2 VMs, got 1` + "\n" +
			`clusters[0] "c1".rules[1] "s".kind: invalid value "sometimes": must be one of vm_affinity, vm_anti_affinity, must_run_on, should_run_on, must_not_run_on, should_not_run_on`},
		{"bad HA settings", func(c *inventory.Cluster) {
			c.HA.HostMonitoring, c.HA.DefaultRestartPriority = "on", "urgent"
		}, `clusters[0] "c1".ha.host_monitoring: invalid value "on": must be one of enabled, disabled` + "\n" +
			`clusters[0] "c1".ha.default_restart_priority: invalid value "urgent": must be one of disabled, lowest, low, medium, high, highest`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inventory.New(ruleEstate(tt.mut))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got error\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDefaultsFollowVSphere(t *testing.T) {
	s := inventory.MustNew(ruleEstate(func(c *inventory.Cluster) {}))
	c, _ := s.Cluster("c1")
	// vSphere's defaults: host monitoring on, restart priority medium,
	// das.respectvmvmantiaffinityrules true, das.vmcpuminmhz 32, das.vmmemoryminmb 0.
	if c.HA.HostMonitoring != inventory.HostMonitoringEnabled || c.HA.DefaultRestartPriority != inventory.RestartMedium ||
		!c.HA.Options.RespectsVMAntiAffinity() || c.HA.Options.MinCPUMHz() != 32 || c.HA.Options.MinMemoryMB() != 0 {
		t.Fatalf("defaults: %+v", c.HA)
	}
	a, _ := s.VM("a")
	if got := s.RestartPriority(a); got != inventory.RestartMedium {
		t.Fatalf("restart priority of a: %s", got)
	}
	var text strings.Builder
	if err := inventory.Encode(&text, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), `"host_monitoring": "enabled"`) {
		t.Fatalf("encoded defaults missing:\n%s", text.String())
	}
}

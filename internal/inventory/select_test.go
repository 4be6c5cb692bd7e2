package inventory_test

import (
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func selectEstate(t *testing.T) *inventory.Snapshot {
	t.Helper()
	host := func(name inventory.HostName, cluster inventory.ClusterName) inventory.Host {
		return inventory.Host{Name: name, Cluster: cluster, Kind: inventory.KindESXi, CPUCores: 8, CPUMHzPerCore: 2000,
			MemoryMB: 65536, Connection: inventory.Connected}
	}
	vm := func(name inventory.VMName, host inventory.HostName, tags ...string) inventory.VM {
		return inventory.VM{Name: name, Host: host, Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 1024, Tags: tags}
	}
	s, err := inventory.New(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "a"}, {Name: "b"}},
		Hosts: []inventory.Host{host("h2", "a"), host("h1", "a"), host("h3", "b"),
			{Name: "phys", Kind: inventory.KindPhysical, CPUCores: 8, CPUMHzPerCore: 2000, MemoryMB: 65536, Connection: inventory.Connected}},
		VMs: []inventory.VM{vm("web-2", "h1", "system/shop"), vm("web-10", "h2", "system/shop"), vm("db-1", "h1", "system/erp"),
			vm("web-1", "h3", "system/shop"), vm("old-web-1", "h1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSelectVMs(t *testing.T) {
	s := selectEstate(t)
	for _, tt := range []struct {
		name   string
		filter inventory.VMFilter
		want   []inventory.VMName
		err    string
	}{
		{"everything, sorted by name", inventory.VMFilter{}, []inventory.VMName{"db-1", "old-web-1", "web-1", "web-10", "web-2"}, ""},
		{"cluster", inventory.VMFilter{Cluster: "a"}, []inventory.VMName{"db-1", "old-web-1", "web-10", "web-2"}, ""},
		{"host", inventory.VMFilter{Host: "h1"}, []inventory.VMName{"db-1", "old-web-1", "web-2"}, ""},
		{"tag", inventory.VMFilter{Tag: "system/shop"}, []inventory.VMName{"web-1", "web-10", "web-2"}, ""},
		{"glob matches the whole name", inventory.VMFilter{NamePattern: "web-*"}, []inventory.VMName{"web-1", "web-10", "web-2"}, ""},
		{"glob class", inventory.VMFilter{NamePattern: "web-[12]"}, []inventory.VMName{"web-1", "web-2"}, ""},
		{"filters combine", inventory.VMFilter{Cluster: "a", Tag: "system/shop", NamePattern: "web-?"}, []inventory.VMName{"web-2"}, ""},
		{"nothing matches", inventory.VMFilter{Cluster: "b", Tag: "system/erp"}, nil, ""},
		{"unknown cluster", inventory.VMFilter{Cluster: "c"}, nil, `unknown cluster "c": known clusters are a, b`},
		{"unknown host", inventory.VMFilter{Cluster: "a", Host: "h9"}, nil, `unknown host "h9": known hosts are h1, h2 in cluster "a"`},
		{"host of another cluster", inventory.VMFilter{Cluster: "a", Host: "h3"}, nil, `host "h3" is in cluster "b", not "a": the filters would select nothing`},
		{"unknown tag", inventory.VMFilter{Tag: "system/sh0p"}, nil, `no VM has tag "system/sh0p" (tags are written category/tag): known VM tags are system/erp, system/shop`},
		{"bad glob", inventory.VMFilter{NamePattern: "web-[1"}, nil, "name_pattern \"web-[1\" is not a valid glob (`*` any characters, `?` one character, `[a-c]` a set, `\\` quotes the next character): syntax error in pattern"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.SelectVMs(tt.filter)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []inventory.VMName
			for _, v := range got {
				names = append(names, v.Name)
			}
			if !equal(names, tt.want) {
				t.Errorf("selected %q, want %q", names, tt.want)
			}
		})
	}
}

func TestSelectHosts(t *testing.T) {
	s := selectEstate(t)
	got, err := s.SelectHosts(inventory.HostFilter{Kind: inventory.KindESXi})
	if err != nil {
		t.Fatal(err)
	}
	var names []inventory.HostName
	for _, h := range got {
		names = append(names, h.Name)
	}
	if want := []inventory.HostName{"h1", "h2", "h3"}; !equal(names, want) {
		t.Errorf("ESXi hosts %q, want %q", names, want)
	}
	got, err = s.SelectHosts(inventory.HostFilter{Cluster: "a", NamePattern: "h[2-9]"})
	if err != nil || len(got) != 1 || got[0].Name != "h2" {
		t.Errorf("cluster a, h[2-9]: %v, %v; want h2", got, err)
	}
	if _, err := s.SelectHosts(inventory.HostFilter{Cluster: "z"}); err == nil || err.Error() != `unknown cluster "z": known clusters are a, b` {
		t.Errorf("unknown cluster: %v", err)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

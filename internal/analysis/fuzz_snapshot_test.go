package analysis_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// FuzzAnalyzeSnapshot feeds snapshot files, as the analyze command reads them,
// to every entry point: no panic, no capacity below zero, and no "safe"
// restart onto a host that the placement would overload.
func FuzzAnalyzeSnapshot(f *testing.F) {
	f.Add([]byte(`{"format":"estate.snapshot/v1","clusters":[{"name":"c","ha":{"enabled":true,"admission_control":{"policy":"slot","host_failures":1}}}],
"hosts":[{"name":"h1","cluster":"c","cpu_cores":8,"cpu_mhz_per_core":2000,"memory_mb":8192},{"name":"h2","cluster":"c","cpu_cores":8,"cpu_mhz_per_core":2000,"memory_mb":8192}],
"vms":[{"name":"a","host":"h1","vcpu":2,"memory_mb":4096,"memory_reservation_mb":2048,"cpu_reservation_mhz":500},{"name":"b","host":"h2","vcpu":1,"memory_mb":9223372036854775807,"memory_reservation_mb":9223372036854775807}],
"business_systems":[{"name":"s","vms":["a","b"],"min_hosts":2}],"standby_groups":[{"name":"g","active":["h1"],"standby":["h2"],"tolerate":1,"takeover":"consolidated"}]}`), uint8(0), 1.0, 0.0)
	f.Add([]byte(`{"format":"estate.snapshot/v1","clusters":[{"name":"c","ha":{"admission_control":{"policy":"percentage","cpu_percent":25,"memory_percent":25}}}],"hosts":[{"name":"h","cluster":"c","cpu_cores":1,"cpu_mhz_per_core":1}],"vms":[]}`), uint8(1), 2.0, 10.0)
	f.Fuzz(func(t *testing.T, doc []byte, basis uint8, overcommit, headroom float64) {
		s, err := inventory.Decode(bytes.NewReader(doc))
		if err != nil {
			return
		}
		p := analysis.Policy{Basis: analysis.Bases[int(basis)%len(analysis.Bases)], CPUOvercommit: overcommit, MemoryOvercommit: overcommit, HeadroomPercent: headroom, Tolerate: 1 + int(basis)%2}
		rep, err := analysis.Analyze(s, analysis.Request{Policy: p})
		if err != nil {
			return // an invalid policy is refused, not analysed
		}
		for _, h := range rep.Hosts {
			if h.Capacity.CPU < 0 || h.Capacity.Memory < 0 {
				t.Fatalf("negative capacity %+v", h)
			}
		}
		for _, sc := range rep.Scenarios {
			if sc.Verdict == analysis.Safe {
				checkRestart(t, s, p, sc)
			}
		}
		if hosts := s.HostNames(); len(hosts) > 0 {
			analysis.Evacuate(s, p, hosts[:1])
			desired := map[inventory.VMName]inventory.HostName{}
			for i, v := range s.VMs() {
				desired[v.Name] = hosts[(i+1)%len(hosts)]
			}
			analysis.SequenceMoves(s, p, desired)
		}
	})
}

// checkRestart: every host ends within its capacity, counted in float64 so
// that int64 wrap-around cannot hide an overload.
func checkRestart(t *testing.T, s *inventory.Snapshot, p analysis.Policy, sc analysis.Scenario) {
	failed := map[inventory.HostName]bool{}
	for _, h := range sc.FailedHosts {
		failed[h] = true
	}
	for _, h := range s.Hosts() {
		if failed[h.Name] {
			continue
		}
		var cpu, mem float64
		add := func(v inventory.VM) {
			d := p.Demand(v, h)
			cpu += float64(d.CPU)
			mem += float64(d.Memory)
		}
		gained := false
		for _, v := range s.VMsOn(h.Name) {
			if v.PoweredOn() {
				add(v)
			}
		}
		for name, to := range sc.RestartPlacement {
			if to == h.Name {
				v, _ := s.VM(name)
				add(v)
				gained = true
			}
		}
		if p.Basis == analysis.BasisUsage && len(s.VMsOn(h.Name)) == 0 {
			cpu += float64(h.CPUUsageMHz)
			mem += float64(h.MemoryUsageMB)
		}
		c := p.Capacity(h)
		if gained && (cpu > float64(c.CPU) || mem > float64(c.Memory)) && cpu < math.MaxInt64/2 {
			t.Fatalf("safe restart onto %s: %g MHz / %g MiB of %+v", h.Name, cpu, mem, c)
		}
	}
}

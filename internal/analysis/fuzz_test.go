package analysis_test

import (
	"math/rand/v2"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// FuzzAnalyze runs every entry point on random estates and policies: no panic,
// and every safe verdict still carries a placement the oracle accepts.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(0), uint8(1), uint8(0))
	f.Add(uint64(7), uint64(9), uint8(1), uint8(2), uint8(50))
	f.Fuzz(func(t *testing.T, a, b uint64, basis, tolerate, headroom uint8) {
		s := randomEstate(rand.New(rand.NewPCG(a, b)))
		p := analysis.Policy{Basis: analysis.Bases[int(basis)%len(analysis.Bases)], CPUOvercommit: 1, MemoryOvercommit: 1,
			HeadroomPercent: float64(headroom % 100), Tolerate: int(tolerate % 4)}
		rep, err := analysis.Analyze(s, analysis.Request{Policy: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range rep.Scenarios {
			if sc.Verdict != analysis.Safe {
				continue
			}
			if o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores, false); len(o.down) > 0 || o.valid(sc.RestartPlacement) != "" {
				t.Fatalf("safe with an invalid placement: %+v", sc)
			}
		}
		hosts := s.HostNames()
		if len(hosts) > 0 {
			analysis.Evacuate(s, p, hosts[:1])
			desired := map[inventory.VMName]inventory.HostName{}
			for i, v := range s.VMs() {
				desired[v.Name] = hosts[i%len(hosts)]
			}
			analysis.SequenceMoves(s, p, desired)
		}
		analysis.Fail(s, p, analysis.Failure{Datastores: []inventory.DatastoreName{"partial"}})
	})
}

package analysis_test

import (
	"math/rand/v2"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// FuzzAnalyze runs every entry point on random estates (both generators: the
// wide one with HA settings, DRS rules and standby groups, and the small
// single-cluster one) and policies, and checks verdicts both ways with the
// independent oracle: every safe scenario carries a placement the oracle
// accepts and leaves nothing down, and every unsafe one with nothing down is
// one the oracle cannot place either. Run it with `make fuzz`.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(0), uint8(1), uint8(0), false)
	f.Add(uint64(7), uint64(9), uint8(1), uint8(2), uint8(50), true)
	f.Add(uint64(42), uint64(7), uint8(2), uint8(2), uint8(10), true)
	f.Fuzz(func(t *testing.T, a, b uint64, basis, tolerate, headroom uint8, wide bool) {
		r := rand.New(rand.NewPCG(a, b))
		var s *inventory.Snapshot
		if wide {
			s = inventory.MustNew(revEstate(r))
		} else {
			s = randomEstate(r)
		}
		p := analysis.Policy{Basis: analysis.Bases[int(basis)%len(analysis.Bases)], CPUOvercommit: 1, MemoryOvercommit: 1,
			HeadroomPercent: float64(headroom % 100), Tolerate: int(tolerate % 4)}
		rep, err := analysis.Analyze(s, analysis.Request{Policy: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range rep.Scenarios {
			o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores, false)
			switch sc.Verdict {
			case analysis.Safe:
				if len(o.down)+len(o.lost) > 0 || o.valid(sc.RestartPlacement) != "" {
					t.Fatalf("safe, but the oracle disagrees (down %v, lost %v, placement %s): %+v", o.down, o.lost, o.valid(sc.RestartPlacement), sc)
				}
			case analysis.Unsafe:
				if len(o.down)+len(o.lost) == 0 && o.search() {
					t.Fatalf("unsafe, but the oracle places every VM: %+v", sc)
				}
			}
		}
		hosts := s.HostNames()
		if len(hosts) > 0 {
			ev := analysis.Evacuate(s, p, hosts[:1])
			o := newRev(s, p, hosts[:1], nil, true)
			if ev.Verdict == analysis.Safe && o.valid(ev.Moves) != "" {
				t.Fatalf("safe evacuation with invalid moves: %+v", ev)
			}
			if ev.Verdict == analysis.Unsafe && o.search() {
				t.Fatalf("unsafe evacuation the oracle can place: %+v", ev)
			}
			desired := map[inventory.VMName]inventory.HostName{}
			for i, v := range s.VMs() {
				desired[v.Name] = hosts[i%len(hosts)]
			}
			analysis.SequenceMoves(s, p, desired)
		}
		analysis.Fail(s, p, analysis.Failure{Datastores: []inventory.DatastoreName{s.Datastores()[0].Name}})
	})
}

package provider_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/provider"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

const migrationRes = "estate_migration.this"

// rebalanceWaves is the order SequenceMoves gives the rebalance: the 15 moves
// onto rb-06 first, then the swaps and the 3-cycle of rb-01..rb-05 (which now
// fit), then the db VMs of the full hosts rb-07..rb-09, untangled by parking
// one VM at a time on rb-01 (P).
var rebalanceWaves = [][]string{
	{"app-01 rb-01 rb-06", "app-02 rb-01 rb-06", "app-07 rb-01 rb-06", "app-09 rb-02 rb-06", "app-10 rb-02 rb-06", "app-14 rb-02 rb-06",
		"app-17 rb-03 rb-06", "app-18 rb-03 rb-06", "app-23 rb-03 rb-06", "app-25 rb-04 rb-06", "app-26 rb-04 rb-06", "app-30 rb-04 rb-06",
		"app-33 rb-05 rb-06", "app-34 rb-05 rb-06", "app-38 rb-05 rb-06"},
	{"app-03 rb-01 rb-02", "app-04 rb-01 rb-02", "app-05 rb-01 rb-05", "app-06 rb-01 rb-02", "app-11 rb-02 rb-01", "app-12 rb-02 rb-01",
		"app-13 rb-02 rb-03", "app-19 rb-03 rb-04", "app-20 rb-03 rb-04", "app-21 rb-03 rb-05", "app-22 rb-03 rb-01", "app-27 rb-04 rb-03",
		"app-28 rb-04 rb-03", "app-29 rb-04 rb-05", "app-37 rb-05 rb-04"},
	{"app-35 rb-05 rb-01", "app-36 rb-05 rb-03"},
	{"db-01 rb-07 rb-01 P"},
	{"db-10 rb-08 rb-07"},
	{"db-01 rb-01 rb-08"},
	{"db-02 rb-07 rb-01 P"},
	{"db-17 rb-09 rb-07"},
	{"db-03 rb-07 rb-09"},
	{"db-18 rb-09 rb-07"},
	{"db-09 rb-08 rb-09"},
	{"db-02 rb-01 rb-08"},
	{"db-11 rb-08 rb-01 P"},
	{"db-19 rb-09 rb-08"},
	{"db-11 rb-01 rb-09"},
}

func parseMove(s string) analysis.Move {
	var m analysis.Move
	var p string
	_, _ = fmt.Sscan(s, &m.VM, &m.From, &m.To, &p)
	m.Parking = p == "P"
	return m
}

// wavesExact is the exact value of the waves attribute.
func wavesExact(waves [][]string) knownvalue.Check {
	out := make([]knownvalue.Check, len(waves))
	for i, w := range waves {
		moves := make([]knownvalue.Check, len(w))
		for j, s := range w {
			m := parseMove(s)
			moves[j] = knownvalue.ObjectExact(map[string]knownvalue.Check{
				"vm": knownvalue.StringExact(string(m.VM)), "from": knownvalue.StringExact(string(m.From)),
				"to": knownvalue.StringExact(string(m.To)), "parking": knownvalue.Bool(m.Parking)})
		}
		out[i] = knownvalue.ListExact(moves)
	}
	return knownvalue.ListExact(out)
}

// replayWithinCapacity replays the waves on the estate as vMotion runs them:
// the VMs of a wave hold their target before their source is released. It
// checks with plain arithmetic (every VM reserves one slot of 8000 MiB) that no
// host is ever above its memory, and with the analysis that each wave, run
// together, is what SequenceMoves accepts on the layout it starts from.
func replayWithinCapacity(hosts []rbHost, waves [][]string) error {
	var e inventory.Estate
	rbEstate(hosts)(&e)
	s := inventory.MustNew(e)
	slots := map[inventory.HostName]int64{}
	held := map[inventory.HostName]int64{}
	for _, h := range hosts {
		slots[h.name] = h.slots
		held[h.name] = int64(len(h.vms))
	}
	for i, w := range waves {
		desired := map[inventory.VMName]inventory.HostName{}
		var changes []inventory.Change
		for _, str := range w {
			m := parseMove(str)
			if v, _ := s.VM(m.VM); v.Host != m.From {
				return fmt.Errorf("wave %d: %s is on %s, not %s", i+1, m.VM, v.Host, m.From)
			}
			held[m.To]++
			if held[m.To] > slots[m.To] {
				return fmt.Errorf("wave %d: %s holds %d VMs of 8000 MiB, more than its %d", i+1, m.To, held[m.To], slots[m.To])
			}
			desired[m.VM] = m.To
			changes = append(changes, inventory.MoveVM{VM: m.VM, To: m.To})
		}
		for _, str := range w {
			held[parseMove(str).From]--
		}
		if seq := analysis.SequenceMoves(s, analysis.DefaultPolicy(), desired); seq.Verdict != analysis.Safe || len(seq.Waves) != 1 {
			return fmt.Errorf("wave %d does not run as one capacity-safe wave: %s %s (%d waves)", i+1, seq.Verdict, seq.Reason, len(seq.Waves))
		}
		var err error
		if s, err = s.With(changes...); err != nil {
			return err
		}
	}
	return nil
}

// liveLayout reads where the lab runs every VM, through its own session.
func liveLayout(l *lab.Lab) (map[string]string, error) {
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close(context.Background()) }()
	t, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, v := range t.Estate.VMs() {
		out[string(v.Name)] = string(v.Host)
	}
	return out, nil
}

func expectLiveLayout(l *lab.Lab, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		live, err := liveLayout(l)
		if err != nil {
			return err
		}
		for _, vm := range slices.Sorted(maps.Keys(want)) {
			if live[vm] != want[vm] {
				return fmt.Errorf("vCenter runs %s on %s, want %s", vm, live[vm], want[vm])
			}
		}
		return nil
	}
}

func initialLayout(hosts []rbHost) map[string]string {
	out := map[string]string{}
	for _, h := range hosts {
		for _, vm := range h.vms {
			out[string(vm)] = string(h.name)
		}
	}
	return out
}

func wavesMoves(waves [][]string, first, last int) map[string]string {
	out := map[string]string{}
	for _, w := range waves[first-1 : last] {
		for _, s := range w {
			m := parseMove(s)
			out[string(m.VM)] = string(m.To)
		}
	}
	return out
}

// stateMap reads a map attribute of the migration from the flatmap state.
func stateMap(s *terraform.State, attr string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[migrationRes]
	if !ok {
		return nil, fmt.Errorf("%s not in state", migrationRes)
	}
	out := map[string]string{}
	prefix := attr + "."
	for k, v := range rs.Primary.Attributes {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix && k != attr+".%" {
			out[k[len(prefix):]] = v
		}
	}
	return out, nil
}

// expectTruthfulState checks the state a stopped apply wrote against vCenter:
// moved holds exactly the VMs that left their initial host, each on the host
// it runs on (except the VMs someone else moved); current is where each VM of
// placements runs.
func expectTruthfulState(l *lab.Lab, initial map[string]string, movedByOthers ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		live, err := liveLayout(l)
		if err != nil {
			return err
		}
		moved, err := stateMap(s, "moved")
		if err != nil {
			return err
		}
		current, err := stateMap(s, "current")
		if err != nil {
			return err
		}
		for vm := range rebalance {
			if slices.Contains(movedByOthers, vm) {
				if moved[vm] != "" {
					return fmt.Errorf("state: moved[%s] = %q, but the migration did not move it", vm, moved[vm])
				}
				continue
			}
			if current[vm] != live[vm] {
				return fmt.Errorf("state: current[%s] = %q, vCenter runs it on %s", vm, current[vm], live[vm])
			}
			if live[vm] != initial[vm] && moved[vm] != live[vm] {
				return fmt.Errorf("state: %s moved to %s but moved[%s] = %q", vm, live[vm], vm, moved[vm])
			}
			if live[vm] == initial[vm] && moved[vm] != "" {
				return fmt.Errorf("state: moved[%s] = %q, but vCenter still runs it on %s", vm, moved[vm], initial[vm])
			}
		}
		return nil
	}
}

// expectPeaksWithin checks the lab's instrumentation: no host ever committed
// more CPU or memory than it has, none took part in more than limit vMotions
// at once, the lab (as vCenter) refused no vMotion for want of room, and the
// busiest host (if named) reached the limit exactly.
func expectPeaksWithin(l *lab.Lab, limit int, busiest inventory.HostName) resource.TestCheckFunc {
	return func(*terraform.State) error {
		peaks := l.Peaks()
		for _, h := range slices.Sorted(maps.Keys(peaks)) {
			p := peaks[h]
			if p.Committed.MemoryMB > p.Capacity.MemoryMB || p.Committed.CPUMHz > p.Capacity.CPUMHz {
				return fmt.Errorf("host %s peaked at %+v, above its capacity %+v", h, p.Committed, p.Capacity)
			}
			if p.VMotions > limit {
				return fmt.Errorf("host %s took part in %d vMotions at once, above the limit %d", h, p.VMotions, limit)
			}
		}
		if n := l.RefusedVMotions(); n != 0 {
			return fmt.Errorf("vCenter refused %d vMotions: their targets had no room", n)
		}
		if got := peaks[busiest].VMotions; busiest != "" && got != limit {
			return fmt.Errorf("host %s peaked at %d concurrent vMotions, want exactly the limit %d", busiest, got, limit)
		}
		return nil
	}
}

// runBeforeApply is a plan check that changes the estate between plan and apply.
type runBeforeApply func() error

func (f runBeforeApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// A rebalance of 41 moves (15 onto a new host, 7 swaps and a 3-cycle between
// full hosts, a 3-cycle and 3 swaps between full hosts only parking untangles)
// plans in 15 waves, applies them, and ends exactly in the planned layout;
// the waves, replayed, never put a host above its capacity. A VM that DRS
// moves away afterwards shows as drift and goes back. Destroy moves nothing.
func TestAccMigrationRebalance(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(rebalanceHosts))
	cfg := providerBlock(l) + migration("rebalance", rebalance, `  cluster = "rb"`)
	if err := replayWithinCapacity(rebalanceHosts, rebalanceWaves); err != nil {
		t.Fatal(err)
	}
	// vMotions that take a while overlap, so the per-host limit is what bounds
	// them; 250 ms, so that 4 started together overlap on a loaded machine too
	// (the test asserts rb-06 reached exactly 4).
	l.SetVMotionDuration(250 * time.Millisecond)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             expectLiveLayout(l, map[string]string{"app-01": "rb-06"}),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(migrationRes, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact(rebalanceWaves)),
					plancheck.ExpectKnownValue(migrationRes, tfjsonpath.New("current"), strMap(rebalance)),
					plancheck.ExpectUnknownValue(migrationRes, tfjsonpath.New("moved")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("id"), knownvalue.StringExact("rebalance")),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact(rebalanceWaves)),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("moved"), strMap(rebalance)),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("current"), strMap(rebalance)),
				},
				Check: resource.ComposeTestCheckFunc(expectLiveLayout(l, rebalance), expectPeaksWithin(l, 4, "rb-06")),
			},
			{
				// Applied: the next plan changes nothing.
				Config: cfg, PlanOnly: true,
			},
			{
				// DRS moves app-01 away: the plan shows one move back, apply makes it.
				PreConfig: func() {
					if err := l.DRSMove(context.Background(), "app-01", "rb-02"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(migrationRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact([][]string{{"app-01 rb-02 rb-06"}})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("moved"), strMap(map[string]string{"app-01": "rb-06"})),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("current"), strMap(rebalance)),
				},
				Check: expectLiveLayout(l, rebalance),
			},
		},
	})
}

// A VM that DRS moves during the apply stops it before the wave that moves
// that VM: waves 1 and 2 ran (30 moves, recorded), nothing of wave 3 started.
func TestAccMigrationEstateChangedUnderApply(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(rebalanceHosts))
	cfg := providerBlock(l) + migration("rebalance", rebalance, `  cluster = "rb"`)
	initial := initialLayout(rebalanceHosts)
	after2 := maps.Clone(initial)
	maps.Copy(after2, wavesMoves(rebalanceWaves, 1, 2))
	after2["app-35"] = "rb-06" // DRS
	var drsErr error
	defer provider.SetBeforeWave(func(wave int) {
		if wave == 3 {
			drsErr = l.DRSMove(context.Background(), "app-35", "rb-06")
		}
	})()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact(rebalanceWaves)),
				}},
				ExpectError: wrapped(`the estate changed under the apply: VM "app-35" is on "rb-06", the plan expected "rb-05"; nothing of wave 3 of 15 was started
Moved: app-01 → rb-06, app-02 → rb-06, app-03 → rb-02,`),
			},
			{
				// The state the stopped apply wrote: the 30 moves of waves 1 and 2, and where every VM runs.
				PreConfig:    func() { provider.SetBeforeWave(nil) },
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return drsErr },
					expectLiveLayout(l, after2),
					expectTruthfulState(l, initial, "app-35"),
					resource.TestCheckResourceAttr(migrationRes, "moved.%", "30"),
					resource.TestCheckResourceAttr(migrationRes, "moved.app-11", "rb-01"),
					resource.TestCheckResourceAttr(migrationRes, "current.app-35", "rb-06"),
					resource.TestCheckResourceAttr(migrationRes, "current.db-01", "rb-07"),
				),
			},
		},
	})
}

// A VM that DRS moves between plan and apply changes the waves: Terraform
// plans again at apply, and the provider's new waves differ from the saved
// plan's, so Terraform stops the apply before anything moves, naming the
// wave entry that changed.
func TestAccMigrationEstateChangedBetweenPlanAndApply(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(rebalanceHosts))
	cfg := providerBlock(l) + migration("rebalance", rebalance, `  cluster = "rb"`)
	unchanged := initialLayout(rebalanceHosts)
	unchanged["app-35"] = "rb-06" // DRS
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact(rebalanceWaves)),
					runBeforeApply(func() error { return l.DRSMove(context.Background(), "app-35", "rb-06") }),
				}},
				ExpectError: wrapped(`.waves[2][0].vm: was cty.StringVal("app-35"), but now cty.StringVal("app-36")`),
			},
			{
				Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
				Check: expectLiveLayout(l, unchanged),
			},
		},
	})
}

// A task that fails in wave 2 stops the apply after the moves already running;
// the state records exactly the moves that happened, and the next apply finishes.
func TestAccMigrationTaskFaultInWave2(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(rebalanceHosts))
	provider := providerBlock(l)
	initial := initialLayout(rebalanceHosts)
	cfg := provider + migration("rebalance", rebalance, `  cluster = "rb"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// A migration that moves nothing yet.
				Config: provider + migration("rebalance", map[string]string{"app-01": "rb-01"}, `  cluster = "rb"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("waves"), wavesExact(nil)),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("moved"), strMap(nil)),
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("current"), strMap(map[string]string{"app-01": "rb-01"})),
				},
			},
			{
				PreConfig:   func() { l.FailNextTask("RelocateVM_Task", "app-11", &lab.InsufficientResources) },
				Config:      cfg,
				ExpectError: wrapped(`wave 2 of 15: moving VM "app-11" to host "rb-01": vCenter refused: InsufficientResourcesFault`),
			},
			{
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					expectTruthfulState(l, initial),
					// Wave 1 completed; app-11 did not move; nothing after wave 2 started.
					expectLiveLayout(l, wavesMoves(rebalanceWaves, 1, 1)),
					expectLiveLayout(l, map[string]string{"app-11": "rb-02", "app-35": "rb-05", "app-36": "rb-05", "db-01": "rb-07", "db-10": "rb-08"}),
					resource.TestCheckResourceAttr(migrationRes, "moved.app-01", "rb-06"),
					resource.TestCheckNoResourceAttr(migrationRes, "moved.app-11"),
				),
			},
			{
				// Applying again finishes what is left.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(migrationRes, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(migrationRes, tfjsonpath.New("current"), strMap(rebalance)),
				},
				Check: expectLiveLayout(l, rebalance),
			},
		},
	})
}

// The hosts of the plan without a safe order: nf-01 and nf-02 full, nf-03
// with room for small-01 only.
var tightHosts = []rbHost{
	{name: "nf-01", slots: 8, vms: vmNames("big", 1, 8), extra: []inventory.VM{{Name: "small-01", Power: inventory.PoweredOn, VCPU: 1,
		MemoryMB: 1024, MemoryReservationMB: 936, MemoryOverheadMB: 64}}},
	{name: "nf-02", slots: 8, vms: vmNames("big", 9, 16)},
	{name: "nf-03", slots: 8, vms: vmNames("big", 17, 24)},
}

// A swap between two full hosts with nowhere to park fails the plan, naming
// the step, the hosts and their shortfalls; so does an end state that does not
// fit, and every bad value, with its attribute.
func TestAccMigrationPlanErrors(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(tightHosts))
	provider := providerBlock(l)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + migration("tight", map[string]string{"big-01": "nf-02", "big-09": "nf-01", "small-01": "nf-03"}, ""),
				ExpectError: wrapped(`No capacity-safe order for migration "tight"`),
			},
			{
				Config: provider + migration("tight", map[string]string{"big-01": "nf-02", "big-09": "nf-01", "small-01": "nf-03"}, ""),
				ExpectError: wrapped(`Step 2 (wave 2) cannot start: the moves left block each other and no host outside their targets has room to park one of them (the waves before it: wave 1: small-01 nf-01 → nf-03).
VM "big-01" nf-01 → nf-02: host "nf-02" has no room for VM "big-01": memory requested 8000 MiB, used 64000 of 65536
VM "big-09" nf-02 → nf-01: host "nf-01" has no room for VM "big-09": memory requested 8000 MiB, used 64000 of 65536
(policy: basis reservation, cpu overcommit 1, memory overcommit 1, headroom 0 %)
Make room on one of these hosts, or move fewer VMs in this change.`),
			},
			{
				Config: provider + migration("tight", map[string]string{"big-01": "nf-02"}, ""),
				ExpectError: wrapped(`The end state (after the last step) puts more on a host than it may carry, so no order of moves reaches it:
host "nf-02" has no room: memory requested 8000 MiB, used 64000 of 65536
(policy: basis reservation, cpu overcommit 1, memory overcommit 1, headroom 0 %)`),
			},
			{
				Config:      provider + migration("tight", map[string]string{"big-01": "nf-9"}, ""),
				ExpectError: wrapped(`placements["big-01"] = "nf-9": unknown host "nf-9": known hosts are nf-01, nf-02, nf-03 in cluster "rb"`),
			},
			{
				Config:      provider + migration("tight", map[string]string{"nope": "nf-01"}, ""),
				ExpectError: wrapped(`placements["nope"] = "nf-01": unknown VM "nope": known VMs are big-01, big-02`),
			},
			{
				Config:      provider + migration("tight", map[string]string{"big-01": "nf-01"}, `  cluster = "prod"`),
				ExpectError: wrapped(`cluster = "prod": vCenter has no such cluster: known clusters are rb.`),
			},
			{
				Config:      provider + migration("tight", map[string]string{}, ""),
				ExpectError: wrapped(`Attribute placements map must contain at least 1 elements, got: 0`),
			},
			{
				Config:      provider + migration("", map[string]string{"big-01": "nf-01"}, ""),
				ExpectError: wrapped(`Attribute name string length must be at least 1, got: 0`),
			},
		},
	})
}

package analysis_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestEvacuate(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).host("h3", "c", 8, 4096).
		vm("a", "h1", 1000, 4096).vm("b", "h1", 1000, 3072).vm("off", "h1", 0, 8000).
		with(func(e *inventory.Estate) { e.VMs[2].Power = inventory.PoweredOff }).snap()
	// Worst fit spreads the load: a (4096) goes where the most stays free (h2:
	// 4096 left, h3 would keep 0); then b (3072) leaves 1024 on either, and the
	// first, h2, takes it.
	e := analysis.Evacuate(s, analysis.DefaultPolicy(), []inventory.HostName{"h1"})
	if e.Verdict != analysis.Safe || !maps.Equal(e.Moves, map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h2"}) {
		t.Errorf("evacuation %s (%s): %v", e.Verdict, e.Reason, e.Moves)
	}
	e = analysis.Evacuate(s, analysis.DefaultPolicy(), []inventory.HostName{"h1", "h2"})
	if e.Verdict != analysis.Unsafe || e.Reason != "the 2 VM(s) to move need at least 7168 MiB of memory and their hosts have 4096 free" {
		t.Errorf("evacuating two hosts: %s: %s", e.Verdict, e.Reason)
	}
}

func TestSequenceMoves(t *testing.T) {
	// h1 and h2 are full; a and b swap hosts: a cycle that needs parking on h3.
	s := newEstate("c", slot1).host("h1", "c", 8, 4096).host("h2", "c", 8, 4096).host("h3", "c", 8, 8192).
		vm("a", "h1", 0, 4096).vm("b", "h2", 0, 4096).vm("c", "h3", 0, 1024).snap()
	seq := analysis.SequenceMoves(s, analysis.DefaultPolicy(), map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h1", "c": "h3"})
	want := [][]analysis.Move{
		{{VM: "a", From: "h1", To: "h3", Parking: true}},
		{{VM: "b", From: "h2", To: "h1"}},
		{{VM: "a", From: "h3", To: "h2"}},
	}
	if seq.Verdict != analysis.Safe || !slices.EqualFunc(seq.Waves, want, slices.Equal) {
		t.Errorf("%s (%s): %+v\nwant %+v", seq.Verdict, seq.Reason, seq.Waves, want)
	}
	// Without room to park, the cycle is reported, not papered over.
	full := newEstate("c", slot1).host("h1", "c", 8, 4096).host("h2", "c", 8, 4096).
		vm("a", "h1", 0, 4096).vm("b", "h2", 0, 4096).snap()
	seq = analysis.SequenceMoves(full, analysis.DefaultPolicy(), map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h1"})
	if seq.Verdict != analysis.Unproven || seq.Reason != "2 move(s) block each other and no host outside their targets has room to park one of them: [a b]" {
		t.Errorf("%s: %s", seq.Verdict, seq.Reason)
	}
	// A swap with room on both sides is one wave: capacity is reserved on the
	// targets, and what the moves free is counted only after the wave.
	roomy := newEstate("c", slot1).host("h1", "c", 8, 4096).host("h2", "c", 8, 4096).
		vm("a", "h1", 0, 1024).vm("b", "h2", 0, 1024).snap()
	seq = analysis.SequenceMoves(roomy, analysis.DefaultPolicy(), map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h1"})
	one := [][]analysis.Move{{{VM: "a", From: "h1", To: "h2"}, {VM: "b", From: "h2", To: "h1"}}}
	if seq.Verdict != analysis.Safe || !slices.EqualFunc(seq.Waves, one, slices.Equal) {
		t.Errorf("%+v\nwant %+v", seq, one)
	}
}

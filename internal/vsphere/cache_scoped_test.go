package vsphere_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// withStandaloneHost is the small estate with esx-05 in no cluster and a VM on it.
func withStandaloneHost(t *testing.T) *lab.Lab {
	t.Helper()
	small, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	e := small.Estate()
	for i := range e.Hosts {
		if e.Hosts[i].Name == "esx-05" {
			e.Hosts[i].Cluster = ""
		}
	}
	e.VMs = append(e.VMs, inventory.VM{Name: "solo-01", Host: "esx-05", Power: inventory.PoweredOn, VCPU: 2, MemoryMB: 4096,
		MemoryReservationMB: 1024, Datastores: []inventory.DatastoreName{"san-dev"}})
	snap, err := inventory.New(e)
	if err != nil {
		t.Fatal(err)
	}
	return startLabWith(t, snap)
}

// callsSince is the SOAP calls by method since before, without the zeros.
func callsSince(c *vsphere.Client, before map[string]int64) map[string]int64 {
	calls := c.Calls()
	for k, v := range before {
		calls[k] -= v
	}
	maps.DeleteFunc(calls, func(_ string, n int64) bool { return n == 0 })
	return calls
}

// TestScopedReadsMergeIntoTheFullRead: a command that reads some clusters in
// scope and then needs everything reads each object once — the index, one
// RetrieveProperties per scoped read, one for the rest — and gets exactly the
// estate and warnings the full read gives: with tags, repeated names over two
// datacenters (named from the index of the whole inventory) and a standalone
// host, which no scoped read covers.
func TestScopedReadsMergeIntoTheFullRead(t *testing.T) {
	twoDC := func(t *testing.T) *lab.Lab { l, _ := twoDatacenters(t); return l }
	for name, start := range map[string]func(*testing.T) *lab.Lab{
		"demo":       func(t *testing.T) *lab.Lab { return startLab(t, "demo") },
		"two sites":  twoDC,
		"standalone": withStandaloneHost,
	} {
		t.Run(name, func(t *testing.T) {
			l := start(t)
			client := connect(t, l)
			ctx := context.Background()
			want, err := client.ReadTopology(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			c := vsphere.NewCache(client)
			before := client.Calls()
			ix, err := c.Index(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			clusters := ix.Clusters()
			first, err := c.Scoped(ctx, ix, clusters[:1])
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Estate.Clusters()) != 1 || first.Estate.Clusters()[0].Name != clusters[0] {
				t.Errorf("the first scoped read has clusters %v, want [%s]", first.Estate.Clusters(), clusters[0])
			}
			second, err := c.Scoped(ctx, ix, clusters[1:2])
			if err != nil {
				t.Fatal(err)
			}
			if len(second.Estate.Clusters()) != 2 {
				t.Errorf("the second scoped read has %d clusters, want both read so far", len(second.Estate.Clusters()))
			}
			if again, _ := c.Scoped(ctx, ix, clusters[:2]); again != second {
				t.Error("a request for clusters already read read again")
			}
			got, err := c.Topology(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if !equalJSON(t, got.Estate.Estate(), want.Estate.Estate()) {
				t.Error("the merged read differs from the full read")
			}
			if !equalJSON(t, got.Warnings, want.Warnings) {
				t.Errorf("warnings %q, want %q", got.Warnings, want.Warnings)
			}
			wantCalls := map[string]int64{"CreateContainerView": 1, "DestroyView": 1, "RetrieveProperties": 4} // index, 2 scoped, the rest
			if calls := callsSince(client, before); !equalJSON(t, calls, wantCalls) {
				t.Errorf("calls %v, want %v", calls, wantCalls)
			}
			// Everything is read: a scoped request is served the full read.
			if s, _ := c.Scoped(ctx, ix, clusters[:1]); s != got {
				t.Error("a scoped request after the full read was not served the full read")
			}
		})
	}
}

// TestScopedReadsAreBounded: once MaxScopedReads were made, a request for
// clusters not read yet reads the rest of the inventory, once; later requests
// cost nothing.
func TestScopedReadsAreBounded(t *testing.T) {
	l := startLab(t, "demo")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	c.SetMaxScopedReads(1)
	before := client.Calls()
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	clusters := ix.Clusters()
	if _, err := c.Scoped(ctx, ix, clusters[:1]); err != nil {
		t.Fatal(err)
	}
	for _, cl := range append(clusters[1:], clusters[0]) {
		topo, err := c.Scoped(ctx, ix, []inventory.ClusterName{cl})
		if err != nil {
			t.Fatal(err)
		}
		if len(topo.Estate.Clusters()) != len(clusters) {
			t.Errorf("request for %s after the bound: %d clusters, want all %d", cl, len(topo.Estate.Clusters()), len(clusters))
		}
	}
	want := map[string]int64{"CreateContainerView": 1, "DestroyView": 1, "RetrieveProperties": 3}
	if calls := callsSince(client, before); !equalJSON(t, calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	if _, err := c.Scoped(ctx, ix, []inventory.ClusterName{"no-such"}); err == nil {
		t.Error("a scope naming an unknown cluster was read")
	}
}

// TestMovedDropsTheScopedReads: a vMotion the provider made changes where VMs
// run, which the index and the scoped reads say: they are dropped, and the
// next request is served a full read that has the VM on its new host.
func TestMovedDropsTheScopedReads(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	scoped, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := scoped.Estate.VM("web-01")
	h, _ := scoped.Estate.Host("esx-03")
	if err := client.MoveVM(ctx, v, h); err != nil {
		t.Fatal(err)
	}
	c.Moved("web-01", "esx-03")
	topo, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := topo.Estate.VM("web-01"); v.Host != "esx-03" || len(topo.Estate.Clusters()) != 2 {
		t.Errorf("after the move: web-01 on %s in a read of %d clusters, want esx-03 in the full read (2)", v.Host, len(topo.Estate.Clusters()))
	}
	if !c.Wide("") {
		t.Error("the read after a move is not the full read")
	}
}

// TestScopedReadSeesMovesTheIndexDoesNot: ReadScoped finds a cluster's VMs
// through its hosts at the time of the call, so VMs moved since the index —
// within the cluster, into it, out of it — are where vCenter says, and a VM
// deleted since is gone: what the full read says of the cluster now. One
// RetrieveProperties.
func TestScopedReadSeesMovesTheIndexDoesNot(t *testing.T) {
	l := startLab(t, "demo")
	client := connect(t, l)
	ctx := context.Background()
	ix, err := client.ReadIndex(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	full, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	cl := full.Estate.Clusters()[0].Name
	before := client.RoundTrips()
	if _, err := client.ReadScoped(ctx, ix, []inventory.ClusterName{cl}); err != nil {
		t.Fatal(err)
	}
	if n := client.RoundTrips() - before; n != 1 {
		t.Errorf("ReadScoped cost %d SOAP calls, want 1", n)
	}

	// Moves since the index: one within cl, one into cl, one out of cl; one VM of cl deleted.
	hosts := full.Estate.HostsIn(cl)
	var other inventory.Host
	for _, h := range full.Estate.Hosts() {
		if h.Cluster != cl && h.Cluster != "" {
			other = h
			break
		}
	}
	within := full.Estate.VMsOn(hosts[0].Name)[0]
	out := full.Estate.VMsOn(hosts[0].Name)[1]
	gone := full.Estate.VMsOn(hosts[1].Name)[0]
	in := full.Estate.VMsOn(other.Name)[0]
	if err := l.DRSMove(ctx, within.Name, hosts[1].Name); err != nil {
		t.Fatal(err)
	}
	if err := client.MoveVM(ctx, out, other); err != nil {
		t.Fatal(err)
	}
	if err := client.MoveVM(ctx, in, hosts[0]); err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteVM(ctx, gone.Name); err != nil {
		t.Fatal(err)
	}
	live, err := client.ReadScoped(ctx, ix, []inventory.ClusterName{cl})
	if err != nil {
		t.Fatal(err)
	}
	for vm, want := range map[inventory.VMName]inventory.HostName{within.Name: hosts[1].Name, in.Name: hosts[0].Name} {
		if v, ok := live.Estate.VM(vm); !ok || v.Host != want {
			t.Errorf("%s: on %q (%v), want %s", vm, v.Host, ok, want)
		}
	}
	for _, vm := range []inventory.VMName{out.Name, gone.Name} {
		if v, ok := live.Estate.VM(vm); ok {
			t.Errorf("%s is in the live read of %s, on %s; it left", vm, cl, v.Host)
		}
	}
	// What the full read says of cl now.
	now, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var want []inventory.VM
	for _, h := range now.Estate.HostsIn(cl) {
		want = append(want, now.Estate.VMsOn(h.Name)...)
	}
	slices.SortFunc(want, func(a, b inventory.VM) int { return strings.Compare(string(a.Name), string(b.Name)) })
	if !equalJSON(t, live.Estate.VMs(), want) {
		t.Errorf("the live read of %s has %d VMs, the full read %d, or they differ", cl, len(live.Estate.VMs()), len(want))
	}
}

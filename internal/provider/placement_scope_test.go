package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func scopeTestData(t *testing.T, l *lab.Lab) (*providerData, *vsphere.Client) {
	t.Helper()
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	p := defaultCheckPolicy()
	p.WarnAbovePercent = 30 // so that the load warning shows
	return &providerData{cache: vsphere.NewCache(c), policy: p, moves: newMoveCoordinator(DefaultMaxVMotionsPerHost, time.Minute)}, c
}

// fullDiags renders diagnostics with everything a user sees of them.
func fullDiags(d diag.Diagnostics) []string {
	var out []string
	for _, x := range d {
		where := ""
		if a, ok := x.(diag.DiagnosticWithPath); ok {
			where = a.Path().String()
		}
		out = append(out, fmt.Sprintf("%s [%s] %s: %s", x.Severity(), where, x.Summary(), x.Detail()))
	}
	return out
}

// checkWith is ModifyPlan's check from a read: the diagnostics and the planned values.
func checkWith(topo *vsphere.Topology, topoDiags diag.Diagnostics, policy checkPolicy, vm inventory.VMName, host inventory.HostName) []string {
	plan := vmPlacementModel{VM: types.StringValue(string(vm)), Host: types.StringValue(string(host))}
	plan.Pin = types.StringValue(string(PinDRSOverride))
	d := topoDiags
	set := checkPlacement(topo.Estate, policy, &plan, &d)
	return append(fullDiags(d), fmt.Sprintf("set=%v id=%s cluster=%s current_host=%s", set, plan.ID, plan.Cluster, plan.CurrentHost))
}

// TestScopedPlacementChecksEqualFullReadChecks: estate_vm_placement's check
// from the read scoped to the clusters of its VM and host says exactly what
// it says from the full read — errors, warnings, their attribute and the
// planned values — for every VM against every host (and an unknown host, an
// unknown VM), and the scoped read is really used (no fallback to the full read).
func TestScopedPlacementChecksEqualFullReadChecks(t *testing.T) {
	for _, estate := range []string{"small", "demo"} {
		t.Run(estate, func(t *testing.T) {
			l := labtest.Start(t, estate)
			ctx := context.Background()
			full, _ := scopeTestData(t, l)
			fullTopo, fd := full.topology(ctx)
			if fd.HasError() {
				t.Fatal(fd)
			}
			vms := []inventory.VMName{"no-such-vm"}
			for _, v := range fullTopo.Estate.VMs() {
				vms = append(vms, v.Name)
			}
			hosts := []inventory.HostName{"no-such-host"}
			for _, h := range fullTopo.Estate.Hosts() {
				hosts = append(hosts, h.Name)
			}
			if len(vms) > 40 { // every cluster pair still shows: VMs are spread over the clusters
				step := len(vms) / 40
				var some []inventory.VMName
				for i := 0; i < len(vms); i += step {
					some = append(some, vms[i])
				}
				vms = some
			}
			checked, scopedUsed, errs, warns := 0, 0, 0, 0
			for _, vm := range vms {
				// One cache per VM, with no bound on its scoped reads: every
				// pair of clusters is read scoped.
				scoped, _ := scopeTestData(t, l)
				scoped.cache.SetMaxScopedReads(len(hosts) + 1)
				// Refresh (Read) reads the VM's cluster only: the VM as the full read has it.
				topo, sd := scoped.scopedTopology(ctx, vm, "")
				if sd.HasError() {
					t.Fatal(sd)
				}
				gotVM, gotOK := topo.Estate.VM(vm)
				wantVM, wantOK := fullTopo.Estate.VM(vm)
				if gotOK != wantOK || fmt.Sprintf("%+v", gotVM) != fmt.Sprintf("%+v", wantVM) {
					t.Errorf("refresh of %s: scoped read has %+v (%v), full read %+v (%v)", vm, gotVM, gotOK, wantVM, wantOK)
				}
				for _, host := range hosts {
					want := checkWith(fullTopo, fd, full.policy, vm, host)
					topo, sd := scoped.scopedTopology(ctx, vm, host)
					if sd.HasError() {
						t.Fatal(sd)
					}
					got := checkWith(topo, sd, scoped.policy, vm, host)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("placement of %s on %s:\nscoped %q\nfull   %q", vm, host, got, want)
					}
					checked++
					for _, line := range want {
						switch {
						case len(line) > 5 && line[:5] == "Error":
							errs++
						case len(line) > 7 && line[:7] == "Warning":
							warns++
						}
					}
					if !scoped.cache.Wide("") {
						scopedUsed++
					}
				}
			}
			// Standalone hosts (or VMs on them) would read everything; these labs have none.
			if scopedUsed != checked {
				t.Errorf("%d of %d checks used a scoped read, want all", scopedUsed, checked)
			}
			if errs == 0 || warns == 0 {
				t.Errorf("the checks gave %d errors and %d warnings: the comparison needs both", errs, warns)
			}
			t.Logf("%d checks, %d from a scoped read, %d errors, %d warnings", checked, scopedUsed, errs, warns)
		})
	}
}

// TestPlacementReadsCostAConstantNumberOfCalls: any number of placements in
// one cluster, planned concurrently as Terraform does, cost the index read
// and one scoped read; placements spread over every cluster cost at most the
// index, vsphere.MaxScopedReads scoped reads, the read of the rest and of
// the VMs no read found.
func TestPlacementReadsCostAConstantNumberOfCalls(t *testing.T) {
	l := labtest.Start(t, "demo")
	ctx := context.Background()
	probe, _ := scopeTestData(t, l)
	all, d := probe.topology(ctx)
	if d.HasError() {
		t.Fatal(d)
	}
	cluster := all.Estate.Clusters()[0].Name
	var inCluster []inventory.VM
	for _, h := range all.Estate.HostsIn(cluster) {
		inCluster = append(inCluster, all.Estate.VMsOn(h.Name)...)
	}
	hostsIn := all.Estate.HostsIn(cluster)
	for _, n := range []int{1, 5, len(inCluster)} {
		data, c := scopeTestData(t, l)
		before := c.RoundTrips()
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				vm := inCluster[i%len(inCluster)]
				if _, d := data.scopedTopology(ctx, vm.Name, hostsIn[i%len(hostsIn)].Name); d.HasError() {
					t.Error(d)
				}
			}()
		}
		wg.Wait()
		if got := c.RoundTrips() - before; got != 4 {
			t.Errorf("%d placements in cluster %s: %d SOAP calls, want 4 (index: 3, one scoped read: 1); calls %v", n, cluster, got, c.Calls())
		}
		if data.cache.Wide("") {
			t.Errorf("%d placements in one cluster read everything", n)
		}
	}
	// Every VM against a host of another cluster: bounded whatever the number.
	data, c := scopeTestData(t, l)
	before := c.RoundTrips()
	clusters := all.Estate.Clusters()
	var wg sync.WaitGroup
	for i, v := range all.Estate.VMs() {
		target := all.Estate.HostsIn(clusters[i%len(clusters)].Name)[0]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, d := data.scopedTopology(ctx, v.Name, target.Name); d.HasError() {
				t.Error(d)
			}
		}()
	}
	wg.Wait()
	if got, most := c.RoundTrips()-before, int64(3+vsphere.MaxScopedReads+2); got > most {
		t.Errorf("%d placements over %d clusters: %d SOAP calls, want at most %d", len(all.Estate.VMs()), len(clusters), got, most)
	}
	// After everything was read, a scoped request is served the full read: no partial estate.
	topo, _ := data.topology(ctx)
	if len(topo.Estate.VMs()) != len(all.Estate.VMs()) {
		t.Errorf("the full read after scoped reads has %d VMs, want %d", len(topo.Estate.VMs()), len(all.Estate.VMs()))
	}
}

package vsphere_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// TestReadClustersEqualsTheFullReadOfThoseClusters: a read scoped to some
// clusters returns exactly what the full read says of them (clusters with
// their rules, hosts, VMs, every datastore), in 4 SOAP calls whatever the scope.
func TestReadClustersEqualsTheFullReadOfThoseClusters(t *testing.T) {
	l := startLab(t, "demo")
	c := connect(t, l)
	ctx := context.Background()
	full, err := c.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	all := full.Estate.Clusters()
	if len(all) < 3 {
		t.Fatalf("demo estate has %d clusters, want at least 3", len(all))
	}
	scopes := [][]inventory.ClusterName{{all[0].Name}, {all[1].Name, all[2].Name}, nil}
	for _, cl := range all {
		scopes[2] = append(scopes[2], cl.Name)
	}
	for _, scope := range scopes {
		got, err := c.ReadClusters(ctx, "", scope)
		if err != nil {
			t.Fatal(err)
		}
		if got.RoundTrips != 4 {
			t.Errorf("scope %v: %d SOAP calls, want 4 (CreateContainerView, 2 RetrieveProperties, DestroyView)", scope, got.RoundTrips)
		}
		var wantClusters []inventory.Cluster
		var wantHosts []inventory.Host
		var wantVMs []inventory.VM
		for _, cl := range full.Estate.Clusters() {
			if slices.Contains(scope, cl.Name) {
				wantClusters = append(wantClusters, cl)
			}
		}
		for _, h := range full.Estate.Hosts() {
			if slices.Contains(scope, h.Cluster) {
				wantHosts = append(wantHosts, h)
				wantVMs = append(wantVMs, full.Estate.VMsOn(h.Name)...)
			}
		}
		slices.SortFunc(wantVMs, func(a, b inventory.VM) int { return strings.Compare(string(a.Name), string(b.Name)) })
		if !equalJSON(t, got.Estate.Clusters(), wantClusters) {
			t.Errorf("scope %v: clusters differ from the full read's", scope)
		}
		if !equalJSON(t, got.Estate.Hosts(), wantHosts) {
			t.Errorf("scope %v: hosts differ from the full read's", scope)
		}
		if !equalJSON(t, got.Estate.VMs(), wantVMs) {
			t.Errorf("scope %v: %d VMs differ from the full read's %d", scope, len(got.Estate.VMs()), len(wantVMs))
		}
		if !equalJSON(t, got.Estate.Datastores(), full.Estate.Datastores()) {
			t.Errorf("scope %v: datastores differ from the full read's", scope)
		}
	}
	if _, err := c.ReadClusters(ctx, "", []inventory.ClusterName{"no-such"}); err == nil || !strings.Contains(err.Error(), `"no-such"`) || !strings.Contains(err.Error(), string(all[0].Name)) {
		t.Errorf("unknown cluster: %v, want an error naming it and the known clusters", err)
	}
}

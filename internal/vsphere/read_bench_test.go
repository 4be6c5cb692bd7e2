package vsphere_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// BenchmarkRead compares the provider's topology read (one RetrieveProperties
// over a ContainerView, decoded into the estate model and validated) with a
// bare govmomi ContainerView.Retrieve of the same properties, on the same lab.
// Both run over HTTPS on loopback, so both include the simulator's time.
func BenchmarkRead(b *testing.B) {
	for _, size := range []struct{ hosts, vms int }{{32, 1000}, {320, 10000}} {
		l, err := lab.Start(context.Background(), lab.Synthetic(size.hosts, size.vms), lab.Options{})
		if err != nil {
			b.Fatal(err)
		}
		c := connect(b, l)
		b.Run(fmt.Sprintf("vms=%d/provider", size.vms), func(b *testing.B) {
			var trips int64
			for b.Loop() {
				topo, err := c.ReadTopology(context.Background(), "")
				if err != nil {
					b.Fatal(err)
				}
				if len(topo.Estate.VMs()) != size.vms {
					b.Fatalf("read %d VMs, want %d", len(topo.Estate.VMs()), size.vms)
				}
				trips = topo.RoundTrips
			}
			b.ReportMetric(float64(trips), "soap-calls/read")
		})
		// One cluster of 16 hosts (lab.Synthetic's clusters), as for a few placements.
		b.Run(fmt.Sprintf("vms=%d/one-cluster", size.vms), func(b *testing.B) {
			var trips int64
			for b.Loop() {
				topo, err := c.ReadClusters(context.Background(), "", []inventory.ClusterName{"cl-000"})
				if err != nil {
					b.Fatal(err)
				}
				if len(topo.Estate.Hosts()) != 16 {
					b.Fatalf("read %d hosts, want 16", len(topo.Estate.Hosts()))
				}
				trips = topo.RoundTrips
			}
			b.ReportMetric(float64(trips), "soap-calls/read")
		})
		b.Run(fmt.Sprintf("vms=%d/bare-govmomi", size.vms), func(b *testing.B) {
			for b.Loop() {
				if n := bareRetrieve(b, c); n != size.vms {
					b.Fatalf("read %d VMs, want %d", n, size.vms)
				}
			}
		})
		l.Close()
	}
}

// bareRetrieve is what a hand-written govmomi read of the same properties looks like.
func bareRetrieve(b *testing.B, c *vsphere.Client) int {
	ctx := context.Background()
	vc := c.VimClient()
	v, err := view.NewManager(vc).CreateContainerView(ctx, vc.ServiceContent.RootFolder,
		[]string{"ClusterComputeResource", "HostSystem", "VirtualMachine", "Datastore"}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = v.Destroy(ctx) }()
	var clusters []mo.ClusterComputeResource
	var hosts []mo.HostSystem
	var vms []mo.VirtualMachine
	var datastores []mo.Datastore
	for _, r := range []struct {
		kind string
		dst  any
	}{{"ClusterComputeResource", &clusters}, {"HostSystem", &hosts}, {"VirtualMachine", &vms}, {"Datastore", &datastores}} {
		if err := v.Retrieve(ctx, []string{r.kind}, vsphere.Properties[r.kind], r.dst); err != nil {
			b.Fatal(err)
		}
	}
	return len(vms)
}

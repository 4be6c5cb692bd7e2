package vsphere

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Topology is one read of vCenter: the estate plus facts about the read.
type Topology struct {
	Estate     *inventory.Snapshot
	Datacenter string // the filter used; empty for all datacenters
	ReadAt     time.Time
	RoundTrips int64 // SOAP calls the read cost
	// Warnings name each value vCenter reported that the estate could not
	// take as is, and what the read used instead (sanitize.go).
	Warnings []string
}

// Properties read per object type. Keeping the list short keeps the read fast;
// it is exported so the benchmark can compare against a bare Retrieve.
var Properties = map[string][]string{
	"ClusterComputeResource": {"name", "configurationEx"},
	"HostSystem": {"name", "parent", "summary.hardware.numCpuCores", "summary.hardware.cpuMhz",
		"summary.hardware.memorySize", "runtime.connectionState", "runtime.inMaintenanceMode",
		"datastore", "summary.quickStats.overallCpuUsage", "summary.quickStats.overallMemoryUsage"},
	"VirtualMachine": {"name", "runtime.host", "runtime.powerState", "config.hardware.numCPU",
		"config.hardware.memoryMB", "config.cpuAllocation.reservation", "config.memoryAllocation.reservation",
		"config.initialOverhead.initialMemoryReservation", "summary.quickStats.overallCpuUsage",
		"summary.quickStats.guestMemoryUsage", "datastore", "config.template"},
	"Datastore": {"name", "summary.capacity", "summary.freeSpace"},
}

// ReadTopology reads the estate in one RetrieveProperties over a
// ContainerView. datacenter limits the read to one datacenter; empty reads all.
// Callers normally go through a Cache.
func (c *Client) ReadTopology(ctx context.Context, datacenter string) (*Topology, error) {
	before := c.roundTrips.Load()
	contents, err := retrieveAll(ctx, c.vim, datacenter)
	if err != nil {
		return nil, fmt.Errorf("reading inventory from vCenter %s: %w", c.Server(), err)
	}
	estate, refs, warnings, err := convert(contents)
	slices.Sort(warnings) // the property collector's order is not stable
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s: %w", c.Server(), err)
	}
	if err := c.readTags(ctx, &estate, refs); err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	snap, err := inventory.New(estate)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s is inconsistent: %w", c.Server(), err)
	}
	return &Topology{Estate: snap, Datacenter: datacenter, ReadAt: time.Now(), RoundTrips: c.roundTrips.Load() - before, Warnings: warnings}, nil
}

// retrieveAll fetches every cluster, host, VM and datastore under the root
// (or one datacenter) in a single RetrieveProperties call.
func retrieveAll(ctx context.Context, c *vim25.Client, datacenter string) ([]types.ObjectContent, error) {
	root := c.ServiceContent.RootFolder
	if datacenter != "" {
		dc, err := find.NewFinder(c).Datacenter(ctx, datacenter)
		if err != nil {
			return nil, fmt.Errorf("datacenter %q: %w", datacenter, err)
		}
		root = dc.Reference()
	}
	kinds := []string{"ClusterComputeResource", "HostSystem", "VirtualMachine", "Datastore"}
	v, err := view.NewManager(c).CreateContainerView(ctx, root, kinds, true)
	if err != nil {
		return nil, err
	}
	defer func() { _ = v.Destroy(context.WithoutCancel(ctx)) }()

	spec := types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{
			Obj:  v.Reference(),
			Skip: types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{
				Type: "ContainerView", Path: "view", Skip: types.NewBool(false),
			}},
		}},
	}
	for _, kind := range kinds {
		spec.PropSet = append(spec.PropSet, types.PropertySpec{Type: kind, PathSet: Properties[kind]})
	}
	res, err := methods.RetrieveProperties(ctx, c, &types.RetrieveProperties{
		This:    c.ServiceContent.PropertyCollector,
		SpecSet: []types.PropertyFilterSpec{spec},
	})
	if err != nil {
		return nil, err
	}
	return res.Returnval, nil
}

// load decodes one object's properties into its mo type.
func load[T any](oc types.ObjectContent) (T, error) {
	var dst T
	err := mo.LoadObjectContent([]types.ObjectContent{oc}, &dst)
	return dst, err
}

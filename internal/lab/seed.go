package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
	"golang.org/x/sync/errgroup"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// seeded maps estate names to the simulator's managed object references.
type seeded struct {
	datacenter types.ManagedObjectReference
	clusters   map[inventory.ClusterName]types.ManagedObjectReference
	hosts      map[inventory.HostName]types.ManagedObjectReference
	vms        map[inventory.VMName]types.ManagedObjectReference
	datastores map[inventory.DatastoreName]types.ManagedObjectReference
	pools      map[inventory.HostName]types.ManagedObjectReference
}

type seeder struct {
	ctx     context.Context
	client  *vim25.Client
	reg     *simulator.Registry
	snap    *inventory.Snapshot
	folders *object.DatacenterFolders
	dir     string
	out     *seeded
}

// seed builds the estate inside the simulator. Objects are created through the
// in-process API so the simulator keeps its own bookkeeping; properties the API
// cannot set on a simulator (hardware size, usage, overhead) are set on the
// simulator objects directly.
func seed(ctx context.Context, c *vim25.Client, reg *simulator.Registry, snap *inventory.Snapshot, datacenter, dir string) (*seeded, error) {
	dc, err := find.NewFinder(c).DefaultDatacenter(ctx)
	if err != nil {
		return nil, err
	}
	if err := rename(ctx, dc.Common, datacenter); err != nil {
		return nil, err
	}
	return seedInto(ctx, c, reg, snap, dc, dir)
}

// seedInto builds the estate inside one datacenter.
func seedInto(ctx context.Context, c *vim25.Client, reg *simulator.Registry, snap *inventory.Snapshot, dc *object.Datacenter, dir string) (*seeded, error) {
	folders, err := dc.Folders(ctx)
	if err != nil {
		return nil, err
	}
	s := &seeder{ctx: ctx, client: c, reg: reg, snap: snap, folders: folders, dir: dir, out: &seeded{
		datacenter: dc.Reference(),
		clusters:   map[inventory.ClusterName]types.ManagedObjectReference{},
		hosts:      map[inventory.HostName]types.ManagedObjectReference{},
		vms:        map[inventory.VMName]types.ManagedObjectReference{},
		datastores: map[inventory.DatastoreName]types.ManagedObjectReference{},
		pools:      map[inventory.HostName]types.ManagedObjectReference{},
	}}
	for _, step := range []func() error{s.clusters, s.hosts, s.datastores, s.vms, s.hostStates} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return s.out, nil
}

func rename(ctx context.Context, obj object.Common, name string) error {
	task, err := obj.Rename(ctx, name)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

func (s *seeder) clusters() error {
	for _, c := range s.snap.Clusters() {
		cluster, err := s.folders.HostFolder.CreateCluster(s.ctx, string(c.Name), types.ClusterConfigSpecEx{})
		if err != nil {
			return fmt.Errorf("cluster %q: %w", c.Name, err)
		}
		s.out.clusters[c.Name] = cluster.Reference()
		setVCenterDefaults(s.reg.Get(cluster.Reference()).(*simulator.ClusterComputeResource))
	}
	// HA settings name failover hosts and rules name VMs, so clusters are
	// configured once everything exists (configureClusters).
	return nil
}

func (s *seeder) hosts() error {
	for _, h := range s.snap.Hosts() {
		if h.Kind != inventory.KindESXi {
			continue
		}
		spec := types.HostConnectSpec{HostName: string(h.Name)}
		var task *object.Task
		var err error
		if h.Cluster != "" {
			cluster := object.NewClusterComputeResource(s.client, s.out.clusters[h.Cluster])
			task, err = cluster.AddHost(s.ctx, spec, true, nil, nil)
		} else {
			task, err = s.folders.HostFolder.AddStandaloneHost(s.ctx, spec, true, nil, nil)
		}
		if err != nil {
			return fmt.Errorf("host %q: %w", h.Name, err)
		}
		info, err := task.WaitForResult(s.ctx, nil)
		if err != nil {
			return fmt.Errorf("host %q: %w", h.Name, err)
		}
		ref := info.Result.(types.ManagedObjectReference)
		s.out.hosts[h.Name] = ref
		host := s.reg.Get(ref).(*simulator.HostSystem)
		setHardware(host, h)
		s.out.pools[h.Name] = rootPool(s.reg, host)
	}
	return nil
}

func rootPool(reg *simulator.Registry, host *simulator.HostSystem) types.ManagedObjectReference {
	switch parent := reg.Get(*host.Parent).(type) {
	case *simulator.ClusterComputeResource:
		return *parent.ResourcePool
	case *mo_ComputeResource:
		return *parent.ResourcePool
	}
	panic(fmt.Sprintf("host %s has unexpected parent %s", host.Name, host.Parent))
}

func (s *seeder) datastores() error {
	for _, d := range s.snap.Datastores() {
		var mounts []inventory.HostName
		for _, h := range s.snap.HostsOnDatastore(d.Name) {
			if _, ok := s.out.hosts[h]; ok {
				mounts = append(mounts, h)
			}
		}
		if len(mounts) == 0 {
			continue // vCenter only knows datastores that some host mounts
		}
		path := filepath.Join(s.dir, string(d.Name))
		if err := os.MkdirAll(path, 0o700); err != nil {
			return err
		}
		for _, h := range mounts {
			dss, err := object.NewHostSystem(s.client, s.out.hosts[h]).ConfigManager().DatastoreSystem(s.ctx)
			if err != nil {
				return err
			}
			ds, err := dss.CreateLocalDatastore(s.ctx, string(d.Name), path)
			if err != nil {
				return fmt.Errorf("datastore %q on host %q: %w", d.Name, h, err)
			}
			if ref := ds.Reference(); ref.Value != "" { // mounting an existing datastore returns no reference
				s.out.datastores[d.Name] = ref
			}
		}
		setDatastoreSize(s.reg.Get(s.out.datastores[d.Name]).(*simulator.Datastore), d)
	}
	return nil
}

// vms creates the VMs in parallel: the simulator serves concurrent in-process
// calls, and creation dominates seeding time for large estates.
func (s *seeder) vms() error {
	var todo []inventory.VM
	for _, v := range s.snap.VMs() {
		if _, ok := s.out.hosts[v.Host]; ok {
			todo = append(todo, v)
		}
	}
	refs := make([]types.ManagedObjectReference, len(todo))
	var g errgroup.Group
	g.SetLimit(64) // the simulator polls each task every 10 ms: overlap the waits
	for i, v := range todo {
		g.Go(func() (err error) {
			refs[i], err = s.createVM(v)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, v := range todo {
		s.out.vms[v.Name] = refs[i]
		s.finishVM(s.reg.Get(refs[i]).(*simulator.VirtualMachine), v)
	}
	return nil
}

func (s *seeder) createVM(v inventory.VM) (types.ManagedObjectReference, error) {
	home, err := s.homeDatastore(v)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	spec := types.VirtualMachineConfigSpec{
		Name:     string(v.Name),
		GuestId:  string(types.VirtualMachineGuestOsIdentifierOtherLinux64Guest),
		NumCPUs:  int32(v.VCPU),
		MemoryMB: v.MemoryMB,
		Files:    &types.VirtualMachineFileInfo{VmPathName: "[" + string(home) + "]"},
		CpuAllocation: &types.ResourceAllocationInfo{
			Reservation: types.NewInt64(v.CPUReservationMHz),
		},
		MemoryAllocation: &types.ResourceAllocationInfo{
			Reservation: types.NewInt64(v.MemoryReservationMB),
		},
	}
	host := s.out.hosts[v.Host]
	res, err := methods.CreateVM_Task(s.ctx, s.client, &types.CreateVM_Task{
		This: s.folders.VmFolder.Reference(), Config: spec, Pool: s.out.pools[v.Host], Host: &host,
	})
	if err != nil {
		return types.ManagedObjectReference{}, fmt.Errorf("VM %q: %w", v.Name, err)
	}
	result, err := s.await(res.Returnval)
	if err != nil {
		return types.ManagedObjectReference{}, fmt.Errorf("VM %q: %w", v.Name, err)
	}
	return result.(types.ManagedObjectReference), nil
}

// await waits on the simulator's task object itself: waiting through the
// property collector costs more than creating the VM.
func (s *seeder) await(ref types.ManagedObjectReference) (types.AnyType, error) {
	task := s.reg.Get(ref).(*simulator.Task)
	task.Wait()
	if e := task.Info.Error; e != nil {
		return nil, fmt.Errorf("%s: %T", e.LocalizedMessage, e.Fault)
	}
	return task.Info.Result, nil
}

// homeDatastore is where the VM's files go: its first datastore, or the first
// datastore of its host. A host without storage gets a local datastore.
func (s *seeder) homeDatastore(v inventory.VM) (inventory.DatastoreName, error) {
	for _, d := range v.Datastores {
		if _, ok := s.out.datastores[d]; ok {
			return d, nil
		}
	}
	h, _ := s.snap.Host(v.Host)
	for _, d := range h.Datastores {
		if _, ok := s.out.datastores[d]; ok {
			return d, nil
		}
	}
	return "", fmt.Errorf("VM %q: neither the VM nor its host %q has a datastore to hold its files", v.Name, v.Host)
}

// finishVM sets what CreateVM cannot: power state, extra datastores, usage and overhead.
func (s *seeder) finishVM(vm *simulator.VirtualMachine, v inventory.VM) {
	for _, d := range v.Datastores {
		ref, ok := s.out.datastores[d]
		if !ok || containsRef(vm.Datastore, ref) {
			continue
		}
		vm.Datastore = append(vm.Datastore, ref)
		ds := s.reg.Get(ref).(*simulator.Datastore)
		ds.Vm = append(ds.Vm, vm.Self)
	}
	setPower(vm, v.Power)
	setVMUsage(vm, v.CPUUsageMHz, v.MemoryUsageMB)
	vm.Config.InitialOverhead = &types.VirtualMachineConfigInfoOverheadInfo{
		InitialMemoryReservation: v.MemoryOverheadMB * mib,
	}
}

// hostStates applies connection and maintenance last: the simulator refuses to
// create VMs on a host in maintenance.
func (s *seeder) hostStates() error {
	for _, h := range s.snap.Hosts() {
		ref, ok := s.out.hosts[h.Name]
		if !ok {
			continue
		}
		host := s.reg.Get(ref).(*simulator.HostSystem)
		host.Runtime.InMaintenanceMode = h.Maintenance
		host.Runtime.ConnectionState = connectionState(h.Connection)
		host.Summary.Runtime = &host.Runtime
		setHostUsage(host, h.CPUUsageMHz, h.MemoryUsageMB)
	}
	return nil
}

func containsRef(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range refs {
		if r == ref {
			return true
		}
	}
	return false
}

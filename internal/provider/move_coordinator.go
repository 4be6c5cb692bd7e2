package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// moveCoordinator orders the vMotions of one apply inside the provider
// process. Terraform applies separate estate_vm_placement resources in
// parallel, each knowing only its own move; without coordination two moves
// between nearly full hosts run at once and, while both are in flight, a host
// holds the reservations of the VM leaving it and of the VM arriving (vCenter
// admits a vMotion on the target before it frees the source).
//
// A move is admitted when its target can take the VM's reservations on top of
// what it commits now — the powered-on VMs the (kept up to date) cached read
// places there, plus the moves admitted to it and not finished — which is the
// admission vCenter does, and when neither host already takes part in
// max_vmotions_per_host moves. Admission is atomic (one mutex), so moves to one
// host are admitted one at a time. A move that does not fit waits until other
// moves of this apply free room, bounded by the timeout; moves that wait for
// each other in a cycle with nothing in flight to break it fail at once,
// naming the VMs.
type moveCoordinator struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced at every change
	inflight map[inventory.VMName]*move
	waiting  map[inventory.VMName]*move
	// limit is max_vmotions_per_host; timeout bounds a wait (api_timeout).
	limit   int
	timeout time.Duration
	// cycleGrace is how long a cycle must stand with nothing changing before it
	// is reported: moves Terraform is about to start may still break it.
	cycleGrace time.Duration
	lastChange time.Time
}

type move struct {
	vm       inventory.VMName
	from, to inventory.HostName
	need     reservation
	cycle    error // set when the move is found in a cycle
}

// reservation is what vCenter's admission counts: CPU reservation (MHz), and
// memory reservation plus overhead (MiB), of a powered-on VM.
type reservation struct{ cpu, mem int64 }

func reservationOf(v inventory.VM) reservation {
	if !v.PoweredOn() {
		return reservation{}
	}
	return reservation{v.CPUReservationMHz, v.MemoryReservationMB + v.MemoryOverheadMB}
}

func newMoveCoordinator(limit int, timeout time.Duration) *moveCoordinator {
	return &moveCoordinator{changed: make(chan struct{}), inflight: map[inventory.VMName]*move{},
		waiting: map[inventory.VMName]*move{}, limit: limit, timeout: timeout, cycleGrace: time.Second, lastChange: time.Now()}
}

func (c *moveCoordinator) changedLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
	c.lastChange = time.Now()
}

// estateFunc returns the live estate as the provider knows it now (the cached read).
type estateFunc func(ctx context.Context) (*inventory.Snapshot, error)

// admission says how a mover waits: for room and for the vMotion limit (a
// separate placement, a host's evacuation), or for the limit only (a planned
// wave of a migration: its order was planned under the provider's policy, so
// a target without room for its reservations now is a change vCenter would
// refuse at once, not something another move of the apply will free).
type admission int

const (
	waitForRoom admission = iota
	plannedWave
)

// admit waits until the VM may move to the host and reserves the room; the
// caller runs the vMotion, updates the cache, then calls done.
func (c *moveCoordinator) admit(ctx context.Context, estate estateFunc, vm inventory.VMName, to inventory.HostName, how admission) (done func(), err error) {
	deadline := time.NewTimer(c.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(c.cycleGrace / 4)
	defer tick.Stop()
	start := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		// The estate may need a read of vCenter: not under the lock, which
		// every other mover's admission and end take.
		c.mu.Unlock()
		s, err := estate(ctx)
		c.mu.Lock()
		if err != nil {
			delete(c.waiting, vm)
			return nil, err
		}
		v, ok := s.VM(vm)
		h, hok := s.Host(to)
		if !ok || !hok {
			delete(c.waiting, vm)
			return nil, fmt.Errorf("vCenter no longer has VM %q or host %q", vm, to)
		}
		m := &move{vm: vm, from: v.Host, to: to, need: reservationOf(v)}
		if w := c.waiting[vm]; w != nil && w.cycle != nil {
			delete(c.waiting, vm)
			c.changedLocked()
			return nil, w.cycle
		}
		if how == plannedWave && c.withinLimitLocked(m) && !c.roomLocked(s, m, h) {
			delete(c.waiting, vm)
			return nil, c.noRoomError(s, m)
		}
		if c.fitsLocked(s, m, h) {
			delete(c.waiting, vm)
			c.inflight[vm] = m
			c.changedLocked()
			return func() {
				c.mu.Lock()
				defer c.mu.Unlock()
				delete(c.inflight, vm)
				c.changedLocked()
			}, nil
		}
		c.waiting[vm] = m
		if cyc := c.cycleLocked(s); cyc != nil {
			continue // m.cycle was set: the next turn returns it
		}
		wake := c.changed
		c.mu.Unlock()
		var timedOut bool
		select {
		case <-wake:
		case <-tick.C:
		case <-deadline.C:
			timedOut = true
		case <-ctx.Done():
			c.mu.Lock()
			delete(c.waiting, vm)
			return nil, ctx.Err()
		}
		c.mu.Lock()
		if timedOut {
			delete(c.waiting, vm)
			c.changedLocked()
			s, _ := estate(ctx)
			return nil, c.timeoutError(s, m, time.Since(start))
		}
	}
}

// committedLocked is what a host commits now: its powered-on VMs in the
// estate, and the moves admitted to it (a VM in flight still counts on its source).
func (c *moveCoordinator) committedLocked(s *inventory.Snapshot, h inventory.HostName) reservation {
	var r reservation
	for _, v := range s.VMsOn(h) {
		n := reservationOf(v)
		r.cpu, r.mem = r.cpu+n.cpu, r.mem+n.mem
	}
	for _, m := range c.inflight {
		if m.to == h {
			r.cpu, r.mem = r.cpu+m.need.cpu, r.mem+m.need.mem
		}
	}
	return r
}

func hostCapacity(h inventory.Host) reservation {
	return reservation{int64(h.CPUCores) * h.CPUMHzPerCore, h.MemoryMB}
}

func (c *moveCoordinator) vmotionsLocked(h inventory.HostName) int {
	n := 0
	for _, m := range c.inflight {
		if m.from == h || m.to == h {
			n++
		}
	}
	return n
}

func (c *moveCoordinator) fitsLocked(s *inventory.Snapshot, m *move, h inventory.Host) bool {
	return m.from == m.to || c.withinLimitLocked(m) && c.roomLocked(s, m, h)
}

// withinLimitLocked: neither host takes part in max_vmotions_per_host vMotions.
func (c *moveCoordinator) withinLimitLocked(m *move) bool {
	return c.vmotionsLocked(m.from) < c.limit && c.vmotionsLocked(m.to) < c.limit
}

// roomLocked: the target can admit the VM's reservations on top of what it commits.
func (c *moveCoordinator) roomLocked(s *inventory.Snapshot, m *move, h inventory.Host) bool {
	have, capa := c.committedLocked(s, m.to), hostCapacity(h)
	return have.cpu+m.need.cpu <= capa.cpu && have.mem+m.need.mem <= capa.mem
}

// noRoomError says why a planned wave's move cannot start.
func (c *moveCoordinator) noRoomError(s *inventory.Snapshot, m *move) error {
	h, _ := s.Host(m.to)
	have, capa := c.committedLocked(s, m.to), hostCapacity(h)
	return fmt.Errorf("host %q cannot admit VM %q's reservations now (needs %d MHz and %d MiB; the host commits %d of %d MHz and %d of %d MiB, counting the vMotions in flight to it): vCenter would refuse the vMotion. "+
		"The wave was planned under the provider's policy, whose basis or overcommit does not count reservations as vCenter's admission does, or the host filled since",
		clip(string(m.to)), clip(string(m.vm)), m.need.cpu, m.need.mem, have.cpu, capa.cpu, have.mem, capa.mem)
}

// cycleLocked finds waiting moves that wait for each other in a cycle — each
// one's target is the source of the next — while no move in flight frees any
// of their targets and nothing has changed for cycleGrace. It marks them and
// wakes them, and returns the cycle's error.
func (c *moveCoordinator) cycleLocked(s *inventory.Snapshot) error {
	if time.Since(c.lastChange) < c.cycleGrace {
		return nil
	}
	if len(c.inflight) > 0 {
		return nil // a move in flight changes what the hosts commit when it ends
	}
	names := slices.Sorted(mapKeys(c.waiting))
	for _, start := range names {
		path := []*move{c.waiting[start]}
		seen := map[inventory.VMName]bool{start: true}
		if cyc := c.walkLocked(path, seen); cyc != nil {
			err := cycleError(s, cyc)
			for _, m := range cyc {
				m.cycle = err
			}
			c.changedLocked()
			return err
		}
	}
	return nil
}

// walkLocked extends path by waiting moves off the last one's target until it
// returns to the first.
func (c *moveCoordinator) walkLocked(path []*move, seen map[inventory.VMName]bool) []*move {
	last := path[len(path)-1]
	for _, name := range slices.Sorted(mapKeys(c.waiting)) {
		next := c.waiting[name]
		if next.from != last.to {
			continue
		}
		if next == path[0] {
			return path
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		if cyc := c.walkLocked(append(path, next), seen); cyc != nil {
			return cyc
		}
	}
	return nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func cycleError(s *inventory.Snapshot, cyc []*move) error {
	// Start the description at the smallest VM name, so every member reports the same text.
	first := 0
	for i, m := range cyc {
		if m.vm < cyc[first].vm {
			first = i
		}
	}
	cyc = append(cyc[first:], cyc[:first]...)
	var parts, vms []string
	for i, m := range cyc {
		next := cyc[(i+1)%len(cyc)]
		parts = append(parts, fmt.Sprintf("VM %q to host %q waits for VM %q to leave it", clip(string(m.vm)), clip(string(m.to)), clip(string(next.vm))))
		vms = append(vms, fmt.Sprintf("%q", clip(string(m.vm))))
	}
	return fmt.Errorf("the moves of VMs %s wait for each other in a cycle: %s. Each host is too full to admit its VM's reservations while the VM leaving it is still there, and vCenter holds a moving VM's reservations on both hosts, so no order of these moves alone can run. "+
		"Apply them as one estate_migration resource, which plans the moves in waves through hosts with free room, or free room on one of the hosts first",
		strings.Join(vms, ", "), strings.Join(parts, "; "))
}

func (c *moveCoordinator) timeoutError(s *inventory.Snapshot, m *move, waited time.Duration) error {
	var off []string
	for _, w := range c.waiting {
		if w.from == m.to && w.vm != m.vm {
			off = append(off, fmt.Sprintf("%q", clip(string(w.vm))))
		}
	}
	for _, w := range c.inflight {
		if w.from == m.to {
			off = append(off, fmt.Sprintf("%q", clip(string(w.vm))))
		}
	}
	slices.Sort(off)
	room := ""
	if s != nil {
		if h, ok := s.Host(m.to); ok {
			have, capa := c.committedLocked(s, m.to), hostCapacity(h)
			room = fmt.Sprintf(" (needs %d MHz and %d MiB of reservations; the host commits %d of %d MHz and %d of %d MiB)", m.need.cpu, m.need.mem, have.cpu, capa.cpu, have.mem, capa.mem)
		}
	}
	waitedFor := "no move of this apply frees room there"
	if len(off) > 0 {
		waitedFor = "it waited for the moves of VMs " + strings.Join(off, ", ") + " off that host, which did not free enough room in time"
	}
	return fmt.Errorf("VM %q waited %s for room on host %q%s: %s. Free room on the host, or apply the moves as one estate_migration resource",
		clip(string(m.vm)), waited.Round(time.Second), clip(string(m.to)), room, waitedFor)
}

package vsphere

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Cache holds one topology read per datacenter filter, kept up to date by the
// provider's own vMotions (Moved). The provider makes one
// per configured provider instance, which Terraform creates once per command:
// every resource and data source of a plan reads the same snapshot, so the
// vCenter round trips of a plan do not grow with the number of resources.
type Cache struct {
	client *Client
	mu     sync.Mutex
	topo   map[string]*Topology

	// The scoped reads (docs/design/topology-cache.md): the index and reads of
	// some clusters, for the per-resource checks that need only those. smu is
	// never held while mu is taken.
	smu    sync.Mutex
	scoped map[string]*scopedState
	// fullOnce records the datacenter filters read in full: once something
	// needed everything, scoped requests use the full read too (Wide).
	fullOnce map[string]bool
	limits   *scopedLimits // nil: MaxScopedReads, MaxScopedShare
}

type scopedLimits struct {
	reads int
	share float64
}

// SetScopedLimits replaces MaxScopedReads and MaxScopedShare for this cache (tests).
func (c *Cache) SetScopedLimits(reads int, share float64) {
	c.smu.Lock()
	defer c.smu.Unlock()
	c.limits = &scopedLimits{reads, share}
}

// NewCache starts an empty cache over a session.
func NewCache(c *Client) *Cache {
	return &Cache{client: c, topo: map[string]*Topology{}}
}

// Client returns the session behind the cache.
func (c *Cache) Client() *Client { return c.client }

// Topology returns the cached read, reading vCenter on first use.
func (c *Cache) Topology(ctx context.Context, datacenter string) (*Topology, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.topo[datacenter]; ok {
		return t, nil
	}
	t, err := c.client.ReadTopology(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	c.topo[datacenter] = t
	if c.fullOnce == nil {
		c.fullOnce = map[string]bool{}
	}
	c.fullOnce[datacenter] = true
	return t, nil
}

// Moved records a vMotion that vCenter completed: every cached read gets the
// VM on its new host through the estate's overlay (inventory.MoveVM), instead
// of being discarded and read again, so an apply of N moves costs one full read
// and the moves' own calls. A read the overlay cannot apply to (the VM or the
// host is not in it, as with a datacenter filter) is dropped and read afresh
// on next use.
func (c *Cache) Moved(vm inventory.VMName, to inventory.HostName) {
	c.dropScoped() // the index and the scoped reads locate VMs: read afresh
	c.mu.Lock()
	defer c.mu.Unlock()
	for dc, t := range c.topo {
		after, err := t.Estate.With(inventory.MoveVM{VM: vm, To: to})
		if err != nil {
			delete(c.topo, dc)
			continue
		}
		moved := *t
		moved.Estate = after
		c.topo[dc] = &moved
	}
}

// Invalidate drops the cached reads; writes call it so the next read is fresh.
func (c *Cache) Invalidate() {
	c.dropScoped()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.topo = map[string]*Topology{}
}

// MaxScopedReads bounds the scoped reads of one configured provider instance
// per datacenter filter: a request no cached scoped read covers once that many
// were made is refused (ErrScopeExhausted), and the caller uses the full read,
// which then serves every later request. With the index read (3 calls) and the
// full read (3), a command costs a constant number of SOAP calls whatever its
// resources ask for.
const MaxScopedReads = 2

// MaxScopedShare bounds the clusters the scoped reads of a command may cover
// together, as a share of the inventory's clusters (at least one cluster): a
// request that would take them beyond it is refused (ErrScopeExhausted) and
// the full read serves it. Scoped reads of many clusters cost more than the
// full read they stand for, on top of the index (docs/performance.md).
const MaxScopedShare = 0.25

// ErrScopeExhausted says a request is for the full read: the scoped reads are
// used up (MaxScopedReads, MaxScopedShare) or their index was dropped.
var ErrScopeExhausted = errors.New("the scoped reads of this command are used up: read everything")

// scopedState is the scoped reads of one datacenter filter.
type scopedState struct {
	index   *Index
	reads   []scopedTopology
	made    int
	covered map[inventory.ClusterName]bool // the clusters read or being read
	flight  *scopedBatch                   // the read in flight
	next    *scopedBatch                   // requests waiting for the read after the one in flight
	reading bool
}

type scopedTopology struct {
	clusters map[inventory.ClusterName]bool
	topo     *Topology
}

// scopedBatch is the requests served by one scoped read: those that arrive
// while another read is in flight share the next one, of their union.
type scopedBatch struct {
	clusters map[inventory.ClusterName]bool
	done     chan struct{}
	topo     *Topology
	err      error
}

// allow reports whether the scoped reads may cover the clusters too
// (MaxScopedShare), and counts them if so.
func (st *scopedState) allow(ix *Index, clusters []inventory.ClusterName, share float64) bool {
	if st.covered == nil {
		st.covered = map[inventory.ClusterName]bool{}
	}
	n := len(st.covered)
	for _, cl := range clusters {
		if !st.covered[cl] {
			n++
		}
	}
	if n > max(1, int(share*float64(len(ix.idx.clusters)))) {
		return false
	}
	for _, cl := range clusters {
		st.covered[cl] = true
	}
	return true
}

func covers(have map[inventory.ClusterName]bool, want []inventory.ClusterName) bool {
	for _, c := range want {
		if !have[c] {
			return false
		}
	}
	return true
}

// Wide reports whether this cache has read datacenter in full (the read may
// have been invalidated since): a read of everything serves every later
// request, so scoped requests then use Topology too, and a command whose
// writes invalidate the cache pays for one kind of read, not both. It waits
// for a full read in flight.
func (c *Cache) Wide(datacenter string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fullOnce[datacenter]
}

// Index returns the index read (ReadIndex), reading it on first use; writes
// and moves drop it (Moved, Invalidate).
func (c *Cache) Index(ctx context.Context, datacenter string) (*Index, error) {
	c.smu.Lock()
	defer c.smu.Unlock()
	st := c.scopedOf(datacenter)
	if st.index != nil {
		return st.index, nil
	}
	ix, err := c.client.ReadIndex(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	st.index = ix
	return ix, nil
}

func (c *Cache) scopedOf(datacenter string) *scopedState {
	if c.scoped == nil {
		c.scoped = map[string]*scopedState{}
	}
	st, ok := c.scoped[datacenter]
	if !ok {
		st = &scopedState{}
		c.scoped[datacenter] = st
	}
	return st
}

// Scoped returns a read that covers the given clusters of ix (from
// Cache.Index): a cached scoped read that has them all, or a new one. Requests
// that arrive while a scoped read is in flight wait for it and share the next
// read, of their union. Beyond MaxScopedReads reads or MaxScopedShare of the
// clusters, or with an index dropped since, it returns ErrScopeExhausted. It
// never returns the full read: callers check Wide first, and a full read is
// never made of scoped reads (Topology reads its own).
func (c *Cache) Scoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	c.smu.Lock()
	st := c.scopedOf(ix.Datacenter)
	if st.index != ix {
		c.smu.Unlock()
		return nil, ErrScopeExhausted // the index was dropped by a write since: read everything
	}
	for _, r := range st.reads {
		if covers(r.clusters, clusters) {
			c.smu.Unlock()
			return r.topo, nil
		}
	}
	if f := st.flight; f != nil && covers(f.clusters, clusters) {
		c.smu.Unlock()
		return waitBatch(ctx, f)
	}
	reads, share := MaxScopedReads, MaxScopedShare
	if c.limits != nil {
		reads, share = c.limits.reads, c.limits.share
	}
	if st.made >= reads || !st.allow(ix, clusters, share) {
		c.smu.Unlock()
		return nil, ErrScopeExhausted
	}
	if st.next == nil {
		st.next = &scopedBatch{clusters: map[inventory.ClusterName]bool{}, done: make(chan struct{})}
	}
	b := st.next
	for _, cl := range clusters {
		b.clusters[cl] = true
	}
	if st.reading {
		c.smu.Unlock()
		return waitBatch(ctx, b)
	}
	st.reading = true
	for st.next != nil {
		batch := st.next
		st.next, st.flight = nil, batch
		st.made++
		c.smu.Unlock()
		want := make([]inventory.ClusterName, 0, len(batch.clusters))
		for cl := range batch.clusters {
			want = append(want, cl)
		}
		slices.Sort(want)
		t, err := c.client.ReadScoped(ctx, ix, want)
		c.smu.Lock()
		batch.topo, batch.err = t, err
		if err == nil && st.index == ix {
			st.reads = append(st.reads, scopedTopology{clusters: batch.clusters, topo: t})
		}
		st.flight = nil
		close(batch.done)
	}
	st.reading = false
	c.smu.Unlock()
	<-b.done
	return b.topo, b.err
}

func waitBatch(ctx context.Context, b *scopedBatch) (*Topology, error) {
	select {
	case <-b.done:
		return b.topo, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dropScoped forgets the index and the scoped reads; the count of reads made stays.
func (c *Cache) dropScoped() {
	c.smu.Lock()
	defer c.smu.Unlock()
	for _, st := range c.scoped {
		st.index, st.reads = nil, nil
	}
}

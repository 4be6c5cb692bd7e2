package vsphere

import (
	"context"
	"maps"
	"sync"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Cache holds the reads of one configured provider instance, which Terraform
// creates once per command, per datacenter filter: the full read (Topology)
// that most resources use, and the scoped reads (Index, Scoped) of the
// per-resource checks that need only some clusters
// (docs/design/topology-cache.md). Every object is read at most once per
// command: the scoped reads are merged into one estate, and the full read
// after them reads only the objects they did not. The provider's own
// vMotions update the reads (Moved) instead of discarding them, so the vCenter
// round trips of a command do not grow with the number of resources.
type Cache struct {
	client *Client
	mu     sync.Mutex // guards dcs and what they hold; never held during a read
	dcs    map[string]*dcCache
	// maxScoped is the most scoped reads per datacenter filter (MaxScopedReads).
	maxScoped int
}

// MaxScopedReads bounds the scoped reads of one command per datacenter
// filter: a request for clusters not read yet, once that many were made, is
// served by the full read (which reads only what the scoped reads did not).
// With the index (3 calls) and that full read (1), a command costs a constant
// number of SOAP calls whatever its resources ask for.
const MaxScopedReads = 3

// dcCache is the reads of one datacenter filter. sem lets one read of vCenter
// run at a time, so requests that arrive meanwhile share the next one.
type dcCache struct {
	sem   chan struct{}
	full  *Topology
	wide  bool // the full read was needed once: later scoped requests use it
	scope *scopeCache
	gen   int // bumped by Invalidate: a read started before it is not kept
	// scopeGen is bumped whenever the scoped reads are dropped: an index read
	// started before is not kept.
	scopeGen int
	// moved is every vMotion the provider completed (Moved), so a full read
	// that ran meanwhile gets them too.
	moved []inventory.MoveVM
}

// scopeCache is the index and the clusters read in scope, merged.
type scopeCache struct {
	index  *Index
	tags   tagAttachments // fetched with the first scoped read
	objs   decoded        // the objects read so far (no datastores: the index has them)
	read   map[inventory.ClusterName]bool
	merged *Topology // the clusters read so far, one estate
	reads  int
	next   *scopedBatch // requests waiting for the next scoped read
}

// scopedBatch is the requests one scoped read serves: those that arrive while
// another read runs share the next one, of the union of their clusters.
type scopedBatch struct {
	clusters map[inventory.ClusterName]bool
	done     chan struct{}
	topo     *Topology
	err      error
}

// NewCache starts an empty cache over a session.
func NewCache(c *Client) *Cache {
	return &Cache{client: c, dcs: map[string]*dcCache{}, maxScoped: MaxScopedReads}
}

// SetMaxScopedReads replaces MaxScopedReads for this cache (tests).
func (c *Cache) SetMaxScopedReads(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maxScoped = n
}

// Client returns the session behind the cache.
func (c *Cache) Client() *Client { return c.client }

func (c *Cache) dcOf(datacenter string) *dcCache {
	d, ok := c.dcs[datacenter]
	if !ok {
		d = &dcCache{sem: make(chan struct{}, 1)}
		c.dcs[datacenter] = d
	}
	return d
}

// acquire waits for the datacenter's read slot.
func (c *Cache) acquire(ctx context.Context, datacenter string) (*dcCache, error) {
	c.mu.Lock()
	d := c.dcOf(datacenter)
	c.mu.Unlock()
	select {
	case d.sem <- struct{}{}:
		return d, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Topology returns the full read, reading vCenter on first use. After scoped
// reads it reads only the objects they did not (and merges); otherwise it is
// one RetrieveProperties over a ContainerView (ReadTopology).
func (c *Cache) Topology(ctx context.Context, datacenter string) (*Topology, error) {
	d, err := c.acquire(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	defer func() { <-d.sem }()
	return c.topologyHeld(ctx, d, datacenter)
}

// topologyHeld is Topology for a caller that holds the read slot.
func (c *Cache) topologyHeld(ctx context.Context, d *dcCache, datacenter string) (*Topology, error) {
	c.mu.Lock()
	d.wide = true
	full, s, gen, movedBefore := d.full, d.scope, d.gen, len(d.moved)
	c.mu.Unlock()
	if full != nil {
		return full, nil
	}
	var t *Topology
	var err error
	if s != nil {
		if t, err = c.readRest(ctx, s); err != nil {
			// Something the index has is gone, or the scoped reads cannot be
			// completed: read everything afresh, as without them.
			c.dropScope(d, s)
		}
	}
	if s == nil || err != nil {
		t, err = c.client.ReadTopology(ctx, datacenter)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d.gen != gen {
		return t, nil // invalidated meanwhile: not kept
	}
	// vMotions the provider completed while this read ran: the read may
	// predate them.
	kept := t
	for _, m := range d.moved[movedBefore:] {
		if kept, err = moveIn(kept, m); err != nil {
			return t, nil // the read cannot take the move (a datacenter filter): not kept
		}
	}
	d.full = kept
	return kept, nil
}

func moveIn(t *Topology, m inventory.MoveVM) (*Topology, error) {
	after, err := t.Estate.With(m)
	if err != nil {
		return nil, err
	}
	moved := *t
	moved.Estate = after
	return &moved, nil
}

// readRest completes the scoped reads into the full read: the clusters not
// read yet and the standalone hosts, through their hosts' VM lists, then the
// VMs the index has that no read found (moved between two reads, or deleted),
// by reference.
func (c *Cache) readRest(ctx context.Context, s *scopeCache) (*Topology, error) {
	before := c.client.roundTrips.Load()
	rest := map[inventory.ClusterName]bool{}
	for _, cl := range s.index.Clusters() {
		if !s.read[cl] {
			rest[cl] = true
		}
	}
	t, err := c.readMore(ctx, s, rest, true)
	if err != nil {
		return nil, err
	}
	t.RoundTrips = s.index.RoundTrips + c.client.roundTrips.Load() - before
	return t, nil
}

// readMore reads the clusters into the scope (with all, the standalone hosts
// too, and the VMs no read found) and returns the merged estate; the caller
// holds the read slot. An object read again replaces what an earlier read said.
func (c *Cache) readMore(ctx context.Context, s *scopeCache, clusters map[inventory.ClusterName]bool, all bool) (*Topology, error) {
	ix := s.index
	more, err := c.client.readScope(ctx, ix, clusters, all)
	if err != nil {
		return nil, err
	}
	merged := s.objs.newer(more)
	if all {
		found, err := c.client.readVMs(ctx, ix.unseenVMs(merged))
		if err != nil {
			return nil, err
		}
		merged = onHostsRead(merged.newer(found))
	}
	c.mu.Lock()
	tags := s.tags
	c.mu.Unlock()
	if tags == nil {
		if tags, err = c.client.fetchTags(ctx); err != nil {
			return nil, err
		}
	}
	t, err := c.client.assemble(ix, merged, tags)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s.tags, s.objs, s.merged = tags, merged, t
	maps.Copy(s.read, clusters)
	s.reads++
	return t, nil
}

// dropScope forgets the scoped reads s, if they are still the current ones.
func (c *Cache) dropScope(d *dcCache, s *scopeCache) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d.scope == s {
		d.scope = nil
		d.scopeGen++
	}
}

// Wide reports whether this cache has needed the full read of datacenter
// (it may have been invalidated since): a read of everything serves every
// later request, so scoped requests then use Topology, and a command whose
// writes invalidate the cache pays for one kind of read, not both.
func (c *Cache) Wide(datacenter string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dcOf(datacenter).wide
}

// Index returns the index read (ReadIndex), reading it on first use; moves
// and writes drop it (Moved, Invalidate).
func (c *Cache) Index(ctx context.Context, datacenter string) (*Index, error) {
	d, err := c.acquire(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	defer func() { <-d.sem }()
	c.mu.Lock()
	s, gen, scopeGen := d.scope, d.gen, d.scopeGen
	c.mu.Unlock()
	if s != nil {
		return s.index, nil
	}
	ix, err := c.client.ReadIndex(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d.gen == gen && d.scopeGen == scopeGen && d.full == nil {
		d.scope = &scopeCache{index: ix, read: map[inventory.ClusterName]bool{}}
	}
	return ix, nil
}

// Scoped returns a read that has the given clusters of ix (from Index) in
// full: the scoped reads so far, merged, reading the clusters they lack; the
// full read once there is one, once MaxScopedReads were made, or when ix was
// dropped since (a move or a write). Requests that arrive while a read runs
// share the next one.
func (c *Cache) Scoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	if _, err := ix.clusterSet(clusters); err != nil {
		return nil, err
	}
	c.mu.Lock()
	d := c.dcOf(ix.Datacenter)
	s := d.scope
	switch {
	case d.full != nil:
		defer c.mu.Unlock()
		return d.full, nil
	case s == nil || s.index != ix || d.wide:
		c.mu.Unlock()
		return c.Topology(ctx, ix.Datacenter)
	case s.merged != nil && covers(s.read, clusters):
		defer c.mu.Unlock()
		return s.merged, nil
	}
	if s.next == nil {
		s.next = &scopedBatch{clusters: map[inventory.ClusterName]bool{}, done: make(chan struct{})}
	}
	b := s.next
	for _, cl := range clusters {
		b.clusters[cl] = true
	}
	c.mu.Unlock()
	for {
		select {
		case <-b.done:
			return b.topo, b.err
		case <-ctx.Done():
			return nil, ctx.Err()
		case d.sem <- struct{}{}:
			c.serveNext(ctx, d, s)
			<-d.sem
		}
	}
}

// serveNext makes the scoped read of the waiting batch, if any; the caller
// holds the read slot.
func (c *Cache) serveNext(ctx context.Context, d *dcCache, s *scopeCache) {
	c.mu.Lock()
	b := s.next
	s.next = nil
	if b == nil {
		c.mu.Unlock()
		return
	}
	full, current, over := d.full, d.scope == s && !d.wide, s.reads >= c.maxScoped
	missing := map[inventory.ClusterName]bool{}
	for cl := range b.clusters {
		if !s.read[cl] {
			missing[cl] = true
		}
	}
	merged := s.merged
	c.mu.Unlock()
	defer close(b.done)
	switch {
	case full != nil:
		b.topo = full
	case len(missing) == 0 && merged != nil:
		b.topo = merged
	case !current || over:
		b.topo, b.err = c.topologyHeld(ctx, d, s.index.Datacenter)
	default:
		if b.topo, b.err = c.readMore(ctx, s, missing, false); b.err != nil {
			// Whatever failed, the plain full read can still answer.
			c.dropScope(d, s)
			b.topo, b.err = c.topologyHeld(ctx, d, s.index.Datacenter)
		}
	}
}

func covers(have map[inventory.ClusterName]bool, want []inventory.ClusterName) bool {
	for _, c := range want {
		if !have[c] {
			return false
		}
	}
	return true
}

// Moved records a vMotion that vCenter completed: the full read gets the VM on
// its new host through the estate's overlay (inventory.MoveVM), instead of
// being discarded and read again, so an apply of N moves costs one full read
// and the moves' own calls. A full read the overlay cannot apply to (the VM
// or the host is not in it, as with a datacenter filter) is dropped and read
// afresh on next use. The index and the scoped reads locate VMs: they are
// dropped (an index read running meanwhile is not kept either), and later
// requests use the full read or, if there is none, a new index.
func (c *Cache) Moved(vm inventory.VMName, to inventory.HostName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := inventory.MoveVM{VM: vm, To: to}
	for _, d := range c.dcs {
		d.scope = nil
		d.scopeGen++
		d.moved = append(d.moved, m)
		if d.full == nil {
			continue
		}
		moved, err := moveIn(d.full, m)
		if err != nil {
			d.full = nil
			d.gen++ // a read running meanwhile may not take the move either
			continue
		}
		d.full = moved
	}
}

// Invalidate drops the cached reads; writes call it so the next read is fresh.
// A read running meanwhile is not kept.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.dcs {
		d.full, d.scope, d.moved = nil, nil, nil
		d.gen++
		d.scopeGen++
	}
}

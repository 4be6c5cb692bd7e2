package vsphere

import (
	"context"
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
	return t, nil
}

// Moved records a vMotion that vCenter completed: every cached read gets the
// VM on its new host through the estate's overlay (inventory.MoveVM), instead
// of being discarded and read again, so an apply of N moves costs one full read
// and the moves' own calls. A read the overlay cannot apply to (the VM or the
// host is not in it, as with a datacenter filter) is dropped and read afresh
// on next use.
func (c *Cache) Moved(vm inventory.VMName, to inventory.HostName) {
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
	c.mu.Lock()
	defer c.mu.Unlock()
	c.topo = map[string]*Topology{}
}

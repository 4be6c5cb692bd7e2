package vsphere

import (
	"context"
	"sync"
)

// Cache holds one topology read per datacenter filter. The provider makes one
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

// Invalidate drops the cached reads; writes call it so the next read is fresh.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.topo = map[string]*Topology{}
}

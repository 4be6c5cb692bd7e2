package vsphere

import (
	"context"
	"errors"
	"sync"
)

// The provider is configured anew for every Terraform command, and Terraform
// may run several commands against one provider process (and tests run many
// in one process). Sessions are shared per configuration so a process holds
// at most one per vCenter login, and CloseShared logs them all out when the
// process ends, so sessions do not pile up on vCenter.
var shared = struct {
	mu      sync.Mutex
	clients map[string]*Client
}{clients: map[string]*Client{}}

// Shared returns the process's session for this configuration, logging in on first use.
func Shared(ctx context.Context, cfg Config) (*Client, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if c, ok := shared.clients[cfg.key()]; ok {
		return c, nil
	}
	c, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	shared.clients[cfg.key()] = c
	return c, nil
}

// CloseShared logs out every shared session.
func CloseShared(ctx context.Context) error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	var errs []error
	for k, c := range shared.clients {
		errs = append(errs, c.Close(ctx))
		delete(shared.clients, k)
	}
	return errors.Join(errs...)
}

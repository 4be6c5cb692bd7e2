package vsphere

import (
	"context"
	"net/url"
	"slices"

	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// readTags attaches vSphere tags ("category/tag") to hosts and VMs. The number
// of vAPI calls grows with the number of tags and categories, not with the
// number of VMs: one call lists every object attached to every tag.
func (c *Client) readTags(ctx context.Context, e *inventory.Estate, n names) error {
	t, err := c.fetchTags(ctx)
	if err != nil {
		return err
	}
	t.apply(e, n)
	return nil
}

// tagAttachments is every tag attachment of the inventory, by object: what
// readTags fetches, kept by the cache so the scoped reads of one command
// fetch it once.
type tagAttachments map[types.ManagedObjectReference][]string

func (c *Client) fetchTags(ctx context.Context) (tagAttachments, error) {
	if err := c.loginREST(ctx); err != nil {
		return nil, err
	}
	m := tags.NewManager(c.rest)
	all, err := m.GetTags(ctx)
	if err != nil || len(all) == 0 {
		return tagAttachments{}, err
	}
	categories, err := m.GetCategories(ctx)
	if err != nil {
		return nil, err
	}
	categoryName := map[string]string{}
	for _, cat := range categories {
		categoryName[cat.ID] = cat.Name
	}
	ids := make([]string, len(all))
	label := map[string]string{}
	for i, t := range all {
		ids[i] = t.ID
		label[t.ID] = categoryName[t.CategoryID] + "/" + t.Name
	}
	attached, err := m.ListAttachedObjectsOnTags(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := tagAttachments{}
	for _, a := range attached {
		for _, obj := range a.ObjectIDs {
			ref := obj.Reference()
			out[ref] = append(out[ref], label[a.TagID])
		}
	}
	return out, nil
}

// apply sets the tags of the estate's hosts and VMs.
func (t tagAttachments) apply(e *inventory.Estate, n names) {
	if len(t) == 0 {
		return
	}
	hostTags := map[inventory.HostName][]string{}
	vmTags := map[inventory.VMName][]string{}
	for ref, labels := range t {
		if h, ok := n.hosts[ref]; ok {
			hostTags[h] = append(hostTags[h], labels...)
		}
		if v, ok := n.vms[ref]; ok {
			vmTags[v] = append(vmTags[v], labels...)
		}
	}
	for i := range e.Hosts {
		e.Hosts[i].Tags = sorted(hostTags[e.Hosts[i].Name])
	}
	for i := range e.VMs {
		e.VMs[i].Tags = sorted(vmTags[e.VMs[i].Name])
	}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func (c *Client) loginREST(ctx context.Context) error {
	c.restMu.Lock()
	defer c.restMu.Unlock()
	if c.rest != nil {
		return nil
	}
	rc := rest.NewClient(c.vim)
	rc.Timeout = c.cfg.timeout() // vAPI calls get the same bound as SOAP ones
	if err := rc.Login(ctx, url.UserPassword(c.cfg.User, c.cfg.Password)); err != nil {
		return err
	}
	c.rest = rc
	return nil
}

package vsphere

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Tag writes go through the vAPI tagging service with the session's vAPI
// login; every call is bounded by the client's timeout (loginREST). Callers
// invalidate their Cache afterwards: the topology read carries the tags.

// TagAssociableTypes are the object types the estate's tag categories apply to.
var TagAssociableTypes = []string{"HostSystem", "VirtualMachine"}

// TagInfo is what vCenter keeps of one tag besides its attachments.
type TagInfo struct {
	Category    string
	Name        string
	Description string
}

// SetTag makes the tag category/name exist (the category with cardinality
// MULTIPLE for hosts and VMs, created if missing) and be attached to exactly
// the given hosts and VMs: attached where missing, detached from every other
// object. Hosts and VMs are addressed by their Ref; declared hosts (no Ref)
// cannot carry a vSphere tag and are refused.
func (c *Client) SetTag(ctx context.Context, t TagInfo, hosts []inventory.Host, vms []inventory.VM) error {
	want := map[types.ManagedObjectReference]bool{}
	for _, h := range hosts {
		ref, err := moRef("HostSystem", "host", string(h.Name), h.Ref)
		if err != nil {
			return fmt.Errorf("tag %s/%s: %w", t.Category, t.Name, err)
		}
		want[ref] = true
	}
	for _, v := range vms {
		ref, err := moRef("VirtualMachine", "VM", string(v.Name), v.Ref)
		if err != nil {
			return fmt.Errorf("tag %s/%s: %w", t.Category, t.Name, err)
		}
		want[ref] = true
	}
	m, err := c.tagManager(ctx)
	if err != nil {
		return err
	}
	catID, err := ensureCategory(ctx, m, t.Category)
	if err != nil {
		return err
	}
	tag, err := findTag(ctx, m, catID, t.Name)
	if err != nil {
		return fmt.Errorf("tag %s/%s: %w", t.Category, t.Name, err)
	}
	if tag == nil {
		id, err := m.CreateTag(ctx, &tags.Tag{Name: t.Name, Description: t.Description, CategoryID: catID})
		if err != nil {
			return fmt.Errorf("creating tag %s/%s: %w", t.Category, t.Name, err)
		}
		tag = &tags.Tag{ID: id, Name: t.Name, Description: t.Description, CategoryID: catID}
	} else if tag.Description != t.Description {
		if err := m.UpdateTag(ctx, &tags.Tag{ID: tag.ID, Name: tag.Name, Description: t.Description}); err != nil {
			return fmt.Errorf("updating tag %s/%s: %w", t.Category, t.Name, err)
		}
	}
	attached, err := m.ListAttachedObjects(ctx, tag.ID)
	if err != nil {
		return fmt.Errorf("listing objects of tag %s/%s: %w", t.Category, t.Name, err)
	}
	have := map[types.ManagedObjectReference]bool{}
	for _, obj := range attached {
		ref := obj.Reference()
		have[ref] = true
		if !want[ref] {
			if err := m.DetachTag(ctx, tag.ID, ref); err != nil {
				return fmt.Errorf("detaching tag %s/%s from %s: %w", t.Category, t.Name, ref.Value, err)
			}
		}
	}
	var add []mo.Reference
	for ref := range want {
		if !have[ref] {
			add = append(add, ref)
		}
	}
	slices.SortFunc(add, func(a, b mo.Reference) int { return compareRefs(a.Reference(), b.Reference()) })
	if len(add) > 0 {
		if err := m.AttachTagToMultipleObjects(ctx, tag.ID, add); err != nil {
			return fmt.Errorf("attaching tag %s/%s: %w", t.Category, t.Name, err)
		}
	}
	return nil
}

// Tag reads the tag category/name; found is false when the category or the tag does not exist.
func (c *Client) Tag(ctx context.Context, category, name string) (TagInfo, bool, error) {
	m, err := c.tagManager(ctx)
	if err != nil {
		return TagInfo{}, false, err
	}
	catID, err := findCategory(ctx, m, category)
	if err != nil || catID == "" {
		return TagInfo{}, false, err
	}
	tag, err := findTag(ctx, m, catID, name)
	if err != nil || tag == nil {
		return TagInfo{}, false, err
	}
	return TagInfo{Category: category, Name: tag.Name, Description: tag.Description}, true, nil
}

// DeleteTag deletes the tag category/name, which detaches it from every
// object; the category stays (other tags use it). A tag already gone is not an error.
func (c *Client) DeleteTag(ctx context.Context, category, name string) error {
	m, err := c.tagManager(ctx)
	if err != nil {
		return err
	}
	catID, err := findCategory(ctx, m, category)
	if err != nil || catID == "" {
		return err
	}
	tag, err := findTag(ctx, m, catID, name)
	if err != nil || tag == nil {
		return err
	}
	if err := m.DeleteTag(ctx, tag); err != nil && !rest.IsStatusError(err, http.StatusNotFound) {
		return fmt.Errorf("deleting tag %s/%s: %w", category, name, err)
	}
	return nil
}

func (c *Client) tagManager(ctx context.Context) (*tags.Manager, error) {
	if err := c.loginREST(ctx); err != nil {
		return nil, fmt.Errorf("logging in to the vAPI of vCenter %s: %w", c.Server(), err)
	}
	return tags.NewManager(c.rest), nil
}

// findCategory returns the id of the category with this name, or "".
func findCategory(ctx context.Context, m *tags.Manager, name string) (string, error) {
	all, err := m.GetCategories(ctx)
	if err != nil {
		return "", fmt.Errorf("tag category %q: %w", name, err)
	}
	for _, cat := range all {
		if cat.Name == name {
			return cat.ID, nil
		}
	}
	return "", nil
}

// ensureCategory returns the category's id, creating it when missing. An
// existing category must allow several tags per object and apply to hosts and VMs.
func ensureCategory(ctx context.Context, m *tags.Manager, name string) (string, error) {
	id, err := existingCategory(ctx, m, name)
	if id != "" || err != nil {
		return id, err
	}
	id, err = m.CreateCategory(ctx, &tags.Category{Name: name, Cardinality: "MULTIPLE",
		Description: "Business systems managed by the estate Terraform provider", AssociableTypes: TagAssociableTypes})
	if err != nil {
		// Terraform creates resources in parallel: another business system of
		// the same apply may have created the category since it was looked up.
		if again, _ := existingCategory(ctx, m, name); again != "" {
			return again, nil
		}
		return "", fmt.Errorf("creating tag category %q: %w", name, err)
	}
	return id, nil
}

// existingCategory returns the id of the category with this name, or "" when
// there is none; an existing category must allow several tags per object and
// apply to hosts and VMs.
func existingCategory(ctx context.Context, m *tags.Manager, name string) (string, error) {
	all, err := m.GetCategories(ctx)
	if err != nil {
		return "", fmt.Errorf("tag category %q: %w", name, err)
	}
	for _, cat := range all {
		if cat.Name != name {
			continue
		}
		for _, kind := range TagAssociableTypes {
			if len(cat.AssociableTypes) > 0 && !slices.Contains(cat.AssociableTypes, kind) {
				return "", fmt.Errorf("tag category %q exists but does not apply to %s objects (it applies to %v): add %s to it in vCenter or choose another category", name, kind, cat.AssociableTypes, kind)
			}
		}
		if cat.Cardinality != "MULTIPLE" {
			return "", fmt.Errorf("tag category %q exists with cardinality %s: a VM may belong to several business systems, so it must be MULTIPLE", name, cat.Cardinality)
		}
		return cat.ID, nil
	}
	return "", nil
}

// findTag returns the category's tag with this name, or nil.
// A tag listed a moment ago may be gone when it is fetched: another resource
// of the same apply (Terraform destroys in parallel) deleted it. Such a tag is
// skipped, not an error.
func findTag(ctx context.Context, m *tags.Manager, categoryID, name string) (*tags.Tag, error) {
	ids, err := m.ListTagsForCategory(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := m.GetTag(ctx, id)
		switch {
		case rest.IsStatusError(err, http.StatusNotFound):
			continue
		case err != nil:
			return nil, err
		case t.Name == name:
			return t, nil
		}
	}
	return nil, nil
}

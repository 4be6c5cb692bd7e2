package lab

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// seedTags creates the estate's "category/tag" labels through the vAPI, which
// the simulator serves only over HTTP, so it runs once the server is up.
func (l *Lab) seedTags(ctx context.Context, snap *inventory.Snapshot) error {
	attach := map[string][]mo.Reference{}
	for _, h := range snap.Hosts() {
		if ref, ok := l.dc.hosts[h.Name]; ok {
			for _, t := range h.Tags {
				attach[t] = append(attach[t], ref)
			}
		}
	}
	for _, v := range snap.VMs() {
		if ref, ok := l.dc.vms[v.Name]; ok {
			for _, t := range v.Tags {
				attach[t] = append(attach[t], ref)
			}
		}
	}
	if len(attach) == 0 {
		return nil
	}
	rc, logout, err := l.restClient(ctx)
	if err != nil {
		return err
	}
	defer logout()
	m := tags.NewManager(rc)
	categories := map[string]string{}
	for label, refs := range attach {
		category, name, ok := strings.Cut(label, "/")
		if !ok {
			return fmt.Errorf("tag %q: write tags as category/name", label)
		}
		if _, ok := categories[category]; !ok {
			id, err := m.CreateCategory(ctx, &tags.Category{Name: category, Cardinality: "MULTIPLE",
				AssociableTypes: []string{"HostSystem", "VirtualMachine"}})
			if err != nil {
				return fmt.Errorf("tag category %q: %w", category, err)
			}
			categories[category] = id
		}
		id, err := m.CreateTag(ctx, &tags.Tag{Name: name, CategoryID: categories[category]})
		if err != nil {
			return fmt.Errorf("tag %q: %w", label, err)
		}
		if err := m.AttachTagToMultipleObjects(ctx, id, refs); err != nil {
			return fmt.Errorf("attaching tag %q: %w", label, err)
		}
	}
	return nil
}

// restClient logs in to the lab's vAPI over HTTPS, trusting the lab's CA.
func (l *Lab) restClient(ctx context.Context) (*rest.Client, func(), error) {
	sc := soap.NewClient(l.URL, false)
	if err := sc.SetRootCAs(l.CAFile); err != nil {
		return nil, nil, err
	}
	vc, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	rc := rest.NewClient(vc)
	if err := rc.Login(ctx, url.UserPassword(l.User, l.Password)); err != nil {
		return nil, nil, err
	}
	return rc, func() { _ = rc.Logout(context.WithoutCancel(ctx)) }, nil
}

// DetachTag detaches the tag "category/name" from a VM or host by hand, as a
// person would in the vSphere Client.
func (l *Lab) DetachTag(ctx context.Context, label string, object string) error {
	return l.tagByHand(ctx, label, object, false)
}

// AttachTag attaches the existing tag "category/name" to a VM or host by hand.
func (l *Lab) AttachTag(ctx context.Context, label string, object string) error {
	return l.tagByHand(ctx, label, object, true)
}

func (l *Lab) tagByHand(ctx context.Context, label, object string, attach bool) error {
	category, name, ok := strings.Cut(label, "/")
	if !ok {
		return fmt.Errorf("tag %q: write tags as category/name", label)
	}
	var ref mo.Reference
	if r, ok := l.dc.vms[inventory.VMName(object)]; ok {
		ref = r
	} else if r, ok := l.dc.hosts[inventory.HostName(object)]; ok {
		ref = r
	} else {
		return fmt.Errorf("lab has no VM or host %q", object)
	}
	rc, logout, err := l.restClient(ctx)
	if err != nil {
		return err
	}
	defer logout()
	m := tags.NewManager(rc)
	tag, err := m.GetTagForCategory(ctx, name, category)
	if err != nil {
		return fmt.Errorf("tag %q: %w", label, err)
	}
	if attach {
		return m.AttachTag(ctx, tag.ID, ref)
	}
	return m.DetachTag(ctx, tag.ID, ref)
}

// CreateTagCategory creates a tag category by hand, as a person would in the vSphere Client.
func (l *Lab) CreateTagCategory(ctx context.Context, name, cardinality string, types []string) error {
	rc, logout, err := l.restClient(ctx)
	if err != nil {
		return err
	}
	defer logout()
	_, err = tags.NewManager(rc).CreateCategory(ctx, &tags.Category{Name: name, Cardinality: cardinality, AssociableTypes: types})
	return err
}

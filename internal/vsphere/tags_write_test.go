package vsphere_test

import (
	"context"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// tagged lists, from a fresh bulk read, the hosts and VMs carrying the label.
func tagged(t *testing.T, c *vsphere.Client, label string) []string {
	t.Helper()
	topo, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range topo.Estate.Hosts() {
		if slices.Contains(h.Tags, label) {
			out = append(out, string(h.Name))
		}
	}
	for _, v := range topo.Estate.VMs() {
		if slices.Contains(v.Tags, label) {
			out = append(out, string(v.Name))
		}
	}
	return out
}

// SetTag creates the category and the tag and attaches it to exactly the
// given objects; a second call with other members attaches and detaches;
// DeleteTag removes it; declared hosts are refused.
func TestSetTagExactMembership(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	ctx := context.Background()
	topo, err := c.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	live := topo.Estate
	vm := func(name inventory.VMName) inventory.VM { v, _ := live.VM(name); return v }
	host := func(name inventory.HostName) inventory.Host { h, _ := live.Host(name); return h }
	info := vsphere.TagInfo{Category: "estate-business-system", Name: "web shop", Description: "the shop"}

	if err := c.SetTag(ctx, info, []inventory.Host{host("esx-03")}, []inventory.VM{vm("web-01"), vm("web-02")}); err != nil {
		t.Fatal(err)
	}
	label := "estate-business-system/web shop"
	if got, want := tagged(t, c, label), []string{"esx-03", "web-01", "web-02"}; !slices.Equal(got, want) {
		t.Errorf("after SetTag tagged = %v, want %v", got, want)
	}
	got, found, err := c.Tag(ctx, "estate-business-system", "web shop")
	if err != nil || !found || got != info {
		t.Errorf("Tag = %+v, %t, %v; want %+v", got, found, err, info)
	}

	info.Description = "the web shop"
	if err := c.SetTag(ctx, info, nil, []inventory.VM{vm("web-02"), vm("db-01")}); err != nil {
		t.Fatal(err)
	}
	if got, want := tagged(t, c, label), []string{"db-01", "web-02"}; !slices.Equal(got, want) {
		t.Errorf("after the second SetTag tagged = %v, want %v", got, want)
	}
	if got, _, _ := c.Tag(ctx, "estate-business-system", "web shop"); got.Description != "the web shop" {
		t.Errorf("description = %q, want the web shop", got.Description)
	}
	// The tags seeded in the lab are untouched.
	if got, want := tagged(t, c, "tier/web"), []string{"web-01", "web-02"}; !slices.Equal(got, want) {
		t.Errorf("tier/web = %v, want %v", got, want)
	}

	// Detached by hand, as in the vSphere Client: the read shows it.
	if err := l.DetachTag(ctx, label, "db-01"); err != nil {
		t.Fatal(err)
	}
	if got, want := tagged(t, c, label), []string{"web-02"}; !slices.Equal(got, want) {
		t.Errorf("after DetachTag tagged = %v, want %v", got, want)
	}

	err = c.SetTag(ctx, info, []inventory.Host{{Name: "db-phys-01", Kind: inventory.KindPhysical}}, nil)
	want := `tag estate-business-system/web shop: host "db-phys-01" has no vCenter managed object id (ref): only objects read from vCenter can be changed there`
	if err == nil || err.Error() != want {
		t.Errorf("declared host: got %v, want %s", err, want)
	}

	if err := c.DeleteTag(ctx, "estate-business-system", "web shop"); err != nil {
		t.Fatal(err)
	}
	if got := tagged(t, c, label); len(got) != 0 {
		t.Errorf("after DeleteTag tagged = %v, want none", got)
	}
	if _, found, err := c.Tag(ctx, "estate-business-system", "web shop"); found || err != nil {
		t.Errorf("Tag after DeleteTag: found %t, %v", found, err)
	}
	if err := c.DeleteTag(ctx, "estate-business-system", "web shop"); err != nil {
		t.Errorf("deleting a deleted tag: %v", err)
	}
	if err := c.DeleteTag(ctx, "no-such-category", "x"); err != nil {
		t.Errorf("deleting in a missing category: %v", err)
	}
}

// A category created by hand with cardinality SINGLE cannot hold business
// systems (a VM may belong to several): SetTag refuses it with the reason.
func TestSetTagRefusesSingleCardinality(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	// The lab's seeded categories are MULTIPLE and apply to hosts and VMs; "env" is one of them.
	if err := c.SetTag(context.Background(), vsphere.TagInfo{Category: "env", Name: "x"}, nil, nil); err != nil {
		t.Fatalf("MULTIPLE category: %v", err)
	}
	if err := l.CreateTagCategory(context.Background(), "single", "SINGLE", []string{"VirtualMachine"}); err != nil {
		t.Fatal(err)
	}
	err := c.SetTag(context.Background(), vsphere.TagInfo{Category: "single", Name: "x"}, nil, nil)
	want := `tag category "single" exists but does not apply to HostSystem objects (it applies to [VirtualMachine]): add HostSystem to it in vCenter or choose another category`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

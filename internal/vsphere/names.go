package vsphere

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// uniqueNames gives every object a name that is unique within its kind.
// vCenter allows equal names in different folders and datacenters; the estate
// needs unique ones. Of the objects sharing a name, the oldest — the lowest
// managed object id, vCenter hands ids out in increasing order — keeps the
// plain name and the others become `name (id)`. So an object keeps its name
// when a namesake appears later, and the result does not depend on the order
// the property collector returned the objects in (docs/design/names.md).
func uniqueNames(objects map[types.ManagedObjectReference]string) map[types.ManagedObjectReference]string {
	byName := map[string][]types.ManagedObjectReference{}
	for ref, name := range objects {
		byName[name] = append(byName[name], ref)
	}
	out := make(map[types.ManagedObjectReference]string, len(objects))
	for name, refs := range byName {
		slices.SortFunc(refs, compareRefs)
		for i, ref := range refs {
			out[ref] = name
			if i > 0 {
				out[ref] = fmt.Sprintf("%s (%s)", name, ref.Value)
			}
		}
	}
	return out
}

// compareRefs orders managed object ids as vCenter issued them: by prefix,
// then by the number after the last dash (vm-9 before vm-10).
func compareRefs(a, b types.ManagedObjectReference) int {
	pa, na := splitID(a.Value)
	pb, nb := splitID(b.Value)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb), strings.Compare(a.Value, b.Value))
}

func splitID(id string) (string, int64) {
	i := strings.LastIndex(id, "-")
	if i < 0 {
		return id, 0
	}
	n, err := strconv.ParseInt(id[i+1:], 10, 64)
	if err != nil {
		return id, 0
	}
	return id[:i], n
}

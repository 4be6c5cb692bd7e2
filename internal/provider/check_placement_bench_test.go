package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// BenchmarkCheckPlacement is what one estate_vm_placement's ModifyPlan
// computes from the read, on the 10,000-VM synthetic estate (the plan-cost
// benchmark's 1,000 placements: each VM to the next host of its cluster).
func BenchmarkCheckPlacement(b *testing.B) {
	estate := lab.Synthetic(320, 10000)
	policy := defaultCheckPolicy()
	b.ResetTimer()
	for i := range b.N {
		n := i % 1000
		h := n % 320
		plan := vmPlacementModel{VM: types.StringValue(fmt.Sprintf("vm-%06d", n)),
			Host: types.StringValue(fmt.Sprintf("esx-%05d", h/16*16+(h%16+1)%16))}
		var d diagnostics
		if !checkPlacement(estate, policy, &plan, &d) {
			b.Fatal(d)
		}
	}
}

package provider_test

import (
	"context"
	"fmt"
	"os"
	stdstrings "strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// TestProfilePlan plans 1,000 placements on the 10,000-VM synthetic lab with
// the provider in this process, so a CPU profile shows the provider's own
// share of a plan (docs/performance.md). It is a profiling harness, not a
// test: it runs only with ESTATE_PLAN_PROFILE=1.
//
//	ESTATE_PLAN_PROFILE=1 go test -count=1 -run TestProfilePlan -cpuprofile /tmp/plan.out ./internal/provider
func TestProfilePlan(t *testing.T) {
	if os.Getenv("ESTATE_PLAN_PROFILE") == "" {
		t.Skip("profiling harness: set ESTATE_PLAN_PROFILE=1 to run")
	}
	l, err := lab.Start(context.Background(), lab.Synthetic(320, 10000), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var b stdstrings.Builder
	for i := 0; i < 1000; i++ {
		h := i % 320
		fmt.Fprintf(&b, "resource \"estate_vm_placement\" \"p%d\" {\n  vm = %q\n  host = %q\n}\n", i, fmt.Sprintf("vm-%06d", i), fmt.Sprintf("esx-%05d", h/16*16+(h%16+1)%16))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{{Config: providerBlock(l) + b.String(), PlanOnly: true, ExpectNonEmptyPlan: true}},
	})
}

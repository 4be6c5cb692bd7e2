package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// Destroy and refresh never fail on the checks meant for creating or
// changing things: the live estate may have made a placement invalid since
// it was applied (the VM deleted out of band, its host put into maintenance).
func TestAccDestroyAfterTheLiveEstateInvalidatedThePlacement(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, l *lab.Lab)
	}{
		{"VM deleted out of band", func(t *testing.T, l *lab.Lab) {
			if err := l.DeleteVM(context.Background(), "web-01"); err != nil {
				t.Fatal(err)
			}
		}},
		{"host put into maintenance", func(t *testing.T, l *lab.Lab) {
			if err := l.SetMaintenance("esx-02", true); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, provider := startLab(t, "small")
			config := provider + guard(`  fail_on = ["overloaded"]`)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{Config: config},
					{
						// The change happens behind Terraform's back; then destroy refreshes and plans.
						PreConfig: func() { tt.change(t, l) },
						Config:    config,
						Destroy:   true,
					},
				},
				CheckDestroy: func(s *terraform.State) error { return nil },
			})
		})
	}
}

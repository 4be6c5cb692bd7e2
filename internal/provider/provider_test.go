package provider_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/provider"
)

// testAccProviders serves the provider in-process to the real terraform CLI.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"estate": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// startLab runs a lab for one test and returns the provider block that connects to it.
func startLab(t *testing.T, estate string) (*lab.Lab, string) {
	l := labtest.Start(t, estate)
	return l, providerBlock(l)
}

func providerBlock(l *lab.Lab) string {
	return fmt.Sprintf(`
provider "estate" {
  server   = %q
  user     = %q
  password = %q
  ca_file  = %q
}
`, l.Server(), l.User, l.Password, l.CAFile)
}

func TestMain(m *testing.M) {
	// Acceptance tests drive the real terraform CLI against the in-process lab;
	// they are the point of this package, so they always run.
	if os.Getenv("TF_ACC") == "" {
		_ = os.Setenv("TF_ACC", "1")
	}
	// Session files of the tests' labs stay out of the user's cache.
	dir, err := os.MkdirTemp("", "estate-sessions-")
	if err != nil {
		panic(err)
	}
	_ = os.Setenv("ESTATE_SESSION_DIR", dir)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

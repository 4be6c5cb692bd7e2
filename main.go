// Command terraform-provider-estate serves the estate Terraform provider, or
// runs one of its subcommands: lab, snapshot, analyze.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
	"github.com/estate-tf/terraform-provider-estate/internal/provider"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

// Address is the provider's registry address.
const Address = "registry.terraform.io/estate-tf/estate"

func main() {
	if len(os.Args) > 1 {
		if run, ok := cli.Commands[os.Args[1]]; ok {
			os.Exit(run(os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: %s [-debug] | %s\n", os.Args[0], cli.Usage())
		flag.PrintDefaults()
	}
	flag.Parse()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{Address: Address, Debug: debug})
	// Terraform has shut the plugin down: log out so sessions do not pile up on vCenter.
	_ = vsphere.CloseShared(context.Background())
	if err != nil {
		log.Fatal(err)
	}
}

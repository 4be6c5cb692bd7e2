// Command terraform-provider-estate serves the estate Terraform provider, or
// runs one of its subcommands: lab, snapshot, analyze.
package main

import (
	"context"
	"errors"
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
	// Every failure that is not a finding exits 1 (2 means findings for analyze).
	fs := flag.NewFlagSet(os.Args[0], flag.ContinueOnError)
	debug := fs.Bool("debug", false, "run the provider with support for debuggers like delve")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: %s [-debug] | %s\n", os.Args[0], cli.Usage())
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(cli.ExitOK)
		}
		os.Exit(cli.ExitBadInput)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "Error: unknown command %q: use %s\n", fs.Arg(0), cli.Usage())
		os.Exit(cli.ExitBadInput)
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{Address: Address, Debug: *debug})
	// Terraform has shut the plugin down: log out so sessions do not pile up on vCenter.
	_ = vsphere.CloseShared(context.Background())
	if err != nil {
		log.Fatal(err)
	}
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// Snapshot reads vCenter and writes an estate.snapshot/v1 file.
func Snapshot(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", os.Getenv("VSPHERE_SERVER"), "vCenter server (default $VSPHERE_SERVER)")
	user := fs.String("user", os.Getenv("VSPHERE_USER"), "vCenter user (default $VSPHERE_USER)")
	caFile := fs.String("ca-file", os.Getenv("VSPHERE_CA_FILE"), "PEM file of CAs to trust (default $VSPHERE_CA_FILE)")
	insecure := fs.Bool("allow-unverified-ssl", envBool("VSPHERE_ALLOW_UNVERIFIED_SSL"), "skip TLS verification (labs only)")
	datacenter := fs.String("datacenter", os.Getenv("VSPHERE_DATACENTER"), "read only this datacenter")
	output := fs.String("output", "-", "file to write, - for stdout")
	timeout := fs.String("api-timeout", os.Getenv("VSPHERE_API_TIMEOUT"), "how long to wait for vCenter on each call, e.g. 90s or 5m (default $VSPHERE_API_TIMEOUT, else 5m)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	log := logger("snapshot", stderr)
	ctx := context.Background()
	var apiTimeout time.Duration
	if *timeout != "" {
		d, err := vsphere.ParseTimeout(*timeout)
		if err != nil {
			return fail(stderr, fmt.Errorf("--api-timeout %w", err))
		}
		apiTimeout = d
	}
	// The password comes only from the environment, never from a flag that shows in ps.
	c, err := vsphere.Connect(ctx, vsphere.Config{Server: *server, User: *user, Password: os.Getenv("VSPHERE_PASSWORD"), CAFile: *caFile, Insecure: *insecure, Timeout: apiTimeout})
	if err != nil {
		return fail(stderr, err)
	}
	defer func() { _ = c.Close(ctx) }()
	topo, err := c.ReadTopology(ctx, *datacenter)
	if err != nil {
		return fail(stderr, err)
	}
	for _, w := range topo.Warnings {
		fmt.Fprintln(stderr, "Warning:", oneLine(w))
	}
	log.Info("read topology", "server", c.Server(), "hosts", len(topo.Estate.Hosts()), "vms", len(topo.Estate.VMs()), "round_trips", topo.RoundTrips)
	if err := writeSnapshot(*output, stdout, topo.Estate); err != nil {
		return fail(stderr, err)
	}
	return ExitOK
}

func writeSnapshot(path string, stdout io.Writer, s *inventory.Snapshot) error {
	if path == "-" {
		return inventory.Encode(stdout, s)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := inventory.Encode(f, s); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

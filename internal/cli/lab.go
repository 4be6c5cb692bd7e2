package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// Lab runs the embedded vCenter simulator until interrupted.
func Lab(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	estate := fs.String("estate", "demo", "built-in estate ("+strings.Join(lab.BuiltInNames(), ", ")+") or a snapshot file")
	listen := fs.String("listen", "127.0.0.1:0", "address to serve on")
	dir := fs.String("dir", "", "directory for the CA file and lab.env (default: a temporary directory)")
	export := fs.String("export", "", "write the estate as an estate.snapshot/v1 file and exit (for analyze)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	log := logger("lab", stderr)
	snap, err := loadEstate(*estate)
	if err != nil {
		return fail(stderr, err)
	}
	if *export != "" {
		if err := writeSnapshot(*export, stdout, snap); err != nil {
			return fail(stderr, err)
		}
		return ExitOK
	}
	if *dir != "" {
		// A lab.env left by an earlier lab would point scripts at a server that is gone.
		_ = os.Remove(filepath.Join(*dir, "lab.env"))
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			return fail(stderr, err)
		}
	}
	// Registered before the lab starts: a SIGTERM sent once lab.env exists must stop the lab, not kill it
	// with the files it wrote left behind.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	l, err := lab.Start(context.Background(), snap, lab.Options{Listen: *listen, Dir: *dir})
	if err != nil {
		return fail(stderr, err)
	}
	defer l.Close()
	log.Info("lab started", "url", l.URL.String(), "hosts", len(snap.Hosts()), "vms", len(snap.VMs()))
	env := envLines(l.Env())
	if *dir != "" {
		// Written last: its presence tells scripts the lab is ready.
		if err := os.WriteFile(filepath.Join(*dir, "lab.env"), []byte(env), 0o600); err != nil {
			return fail(stderr, err)
		}
	}
	esxi := 0
	for _, h := range snap.Hosts() {
		if h.Kind == inventory.KindESXi {
			esxi++
		}
	}
	fmt.Fprintf(stdout, "# estate lab: vCenter simulator at %s (%d ESXi hosts; %d declared servers are not vCenter objects)\n# Connect with:\n%s# Ctrl-C stops the lab.\n",
		l.URL, esxi, len(snap.Hosts())-esxi, env)
	<-stop
	// Sessions still open now were leaked by a client: the provider logs out when Terraform stops it.
	if n, err := l.Sessions(); err == nil {
		fmt.Fprintf(stdout, "# lab stopped; vCenter sessions left open by clients: %d\n", n)
	}
	// Close (deferred) returns within seconds even while clients hold long polls open (lab.Close).
	log.Info("lab stopped")
	return ExitOK
}

func loadEstate(name string) (*inventory.Snapshot, error) {
	if _, err := os.Stat(name); err == nil {
		return inventory.DecodeFile(name)
	}
	return lab.BuiltIn(name)
}

func envLines(env map[string]string) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s=%q\n", k, env[k])
	}
	return b.String()
}

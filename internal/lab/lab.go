// Package lab runs govmomi's vCenter simulator over HTTPS on loopback, seeded
// from an estate snapshot, with the vCenter behaviours the product depends on
// that the simulator lacks (see behaviours.go). It serves the demo, the
// acceptance tests and the benchmarks.
package lab

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"

	_ "github.com/vmware/govmomi/vapi/simulator" // registers the vAPI endpoints (tags)

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Defaults for Options.
const (
	DefaultUser       = "administrator@vsphere.local"
	DefaultDatacenter = "dc1"
)

// Options configure a lab.
type Options struct {
	// Listen is host:port; empty means 127.0.0.1 on a free port.
	Listen string
	// Dir receives the CA file; empty means a new temporary directory, removed on Close.
	Dir        string
	User       string
	Password   string
	Datacenter string
}

// Lab is a running simulated vCenter.
type Lab struct {
	URL        *url.URL // https://host:port/sdk, without credentials
	CAFile     string
	User       string
	Password   string
	Datacenter string

	model     *simulator.Model
	server    *simulator.Server
	client    *vim25.Client // in-process, for seeding and injection
	dc        *seeded
	faults    taskFaults
	ledger    *ledger   // vMotions in flight and the hosts' peaks (instrument.go)
	polls     longPolls // property collectors that long-poll, cancelled by Close
	closeOnce sync.Once
	tempDir   string // removed on Close when the lab made it
	dataDir   string // the datastores' files
}

// Start seeds a simulator from the snapshot and serves it over HTTPS.
// Declared hosts (kind other than esxi) and their VMs are not vCenter objects
// and are left out.
func Start(ctx context.Context, snap *inventory.Snapshot, opts Options) (*Lab, error) {
	opts = withDefaults(opts)
	l := &Lab{User: opts.User, Password: opts.Password, Datacenter: opts.Datacenter}
	if err := l.start(ctx, snap, opts); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func withDefaults(o Options) Options {
	if o.User == "" {
		o.User = DefaultUser
	}
	if o.Password == "" {
		o.Password = randomPassword()
	}
	if o.Datacenter == "" {
		o.Datacenter = DefaultDatacenter
	}
	return o
}

func (l *Lab) start(ctx context.Context, snap *inventory.Snapshot, opts Options) error {
	certs, err := newCertificates()
	if err != nil {
		return fmt.Errorf("lab certificates: %w", err)
	}
	if opts.Dir == "" {
		if opts.Dir, err = os.MkdirTemp("", "estate-lab-"); err != nil {
			return err
		}
		l.tempDir = opts.Dir
	}
	if l.CAFile, err = certs.writeCA(opts.Dir); err != nil {
		return fmt.Errorf("writing lab CA file: %w", err)
	}

	l.model = emptyVPX()
	if err := l.model.Create(); err != nil {
		return fmt.Errorf("creating simulator: %w", err)
	}
	if l.client, err = vim25.NewClient(ctx, l.model.Service); err != nil {
		return err
	}
	if l.dataDir, err = os.MkdirTemp("", "estate-lab-datastores-"); err != nil {
		return err
	}
	if l.dc, err = seed(ctx, l.client, l.model.Map(), snap, opts.Datacenter, l.dataDir); err != nil {
		return fmt.Errorf("seeding lab: %w", err)
	}
	l.ledger = newLedger(l.model.Map())
	installBehaviours(l.model.Map(), &l.faults, l.ledger, &l.polls)
	if err := configureClusters(ctx, l.client, snap, l.dc); err != nil {
		return fmt.Errorf("seeding lab: %w", err)
	}

	svc := l.model.Service
	svc.RegisterEndpoints = true
	svc.TLS = &tls.Config{Certificates: []tls.Certificate{certs.server}, MinVersion: tls.VersionTLS12}
	addr := listenAddr(opts.Listen)
	svc.Listen = &url.URL{Host: addr, User: url.UserPassword(opts.User, opts.Password)}
	if l.server, err = newServer(svc, addr); err != nil {
		return err
	}
	u := *l.server.URL
	u.User = nil
	l.URL = &u
	if err := l.seedTags(ctx, snap); err != nil {
		return fmt.Errorf("seeding lab tags: %w", err)
	}
	l.ResetPeaks()
	return nil
}

// newServer starts the simulator's server. The simulator panics when it cannot
// listen; a busy or invalid address is the user's to fix, so it is an error
// that names the address and the reason.
func newServer(svc *simulator.Service, addr string) (srv *simulator.Server, err error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("cannot listen on %q: %v (want host:port, for example 127.0.0.1:8989)", addr, err)
	}
	// Listen once here for a clear error (address in use, no such interface,
	// permission denied); the simulator listens again right after.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %v", addr, listenReason(err))
	}
	_ = ln.Close()
	defer func() {
		if r := recover(); r != nil {
			srv, err = nil, fmt.Errorf("cannot listen on %s: %v", addr, r)
		}
	}()
	return svc.NewServer(), nil
}

// listenReason drops the "listen tcp ADDR:" prefix that repeats the address.
func listenReason(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

func listenAddr(a string) string {
	if a == "" {
		return "127.0.0.1:0"
	}
	return a
}

// emptyVPX is a vCenter model with one datacenter and nothing in it; seed adds the estate.
func emptyVPX() *simulator.Model {
	m := simulator.VPX()
	m.Datacenter = 1
	m.Cluster, m.ClusterHost, m.Host = 0, 0, 0
	m.Machine, m.Datastore, m.Portgroup, m.Pool, m.App, m.Pod, m.Folder = 0, 0, 0, 0, 0, 0, 0
	return m
}

// Server returns the host:port the lab listens on.
func (l *Lab) Server() string { return l.URL.Host }

// Env returns the environment variables that point the provider and the CLI at the lab.
func (l *Lab) Env() map[string]string {
	return map[string]string{
		"VSPHERE_SERVER":   l.URL.Host,
		"VSPHERE_USER":     l.User,
		"VSPHERE_PASSWORD": l.Password,
		"VSPHERE_CA_FILE":  l.CAFile,
	}
}

// closeWait bounds how long Close waits for requests in progress to finish.
const closeWait = 5 * time.Second

// Close stops the server and removes what the lab wrote. It returns promptly
// even while clients hold long polls (WaitForUpdatesEx) open: the server's
// Close waits for every request in progress, and the simulator's wait loop
// ignores the request's context, so Close cancels the waits (as
// CancelWaitForUpdates does) until the server is down, and after closeWait
// closes the clients' connections and stops waiting.
func (l *Lab) Close() { l.closeOnce.Do(l.close) }

func (l *Lab) close() {
	if l.server != nil {
		closed := make(chan struct{})
		go func() {
			l.server.Close()
			close(closed)
		}()
		tick := time.NewTicker(20 * time.Millisecond)
		deadline := time.NewTimer(closeWait)
	wait:
		for {
			l.polls.cancelAll()
			select {
			case <-closed:
				break wait
			case <-tick.C:
			case <-deadline.C:
				l.server.CloseClientConnections()
				break wait
			}
		}
		tick.Stop()
		deadline.Stop()
	}
	if l.model != nil {
		l.model.Remove()
	}
	for _, dir := range []string{l.tempDir, l.dataDir} {
		if dir != "" {
			_ = os.RemoveAll(dir)
		}
	}
}

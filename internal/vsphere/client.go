// Package vsphere talks to vCenter through govmomi: one session per provider
// process, a bulk read of the whole inventory into an inventory.Snapshot
// (cached per plan, see Cache), and the writes the provider needs.
package vsphere

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/session/keepalive"
	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// Config says how to reach and log in to vCenter.
type Config struct {
	Server   string // host, host:port or https URL
	User     string
	Password string
	Insecure bool   // skip TLS verification (allow_unverified_ssl)
	CAFile   string // PEM file of CAs to trust in addition to the system's
	// Timeout bounds every call to vCenter (api_timeout); 0 means DefaultTimeout.
	// The TCP connect and the TLS handshake get at most 30s of it.
	Timeout time.Duration
	// SessionDir keeps the session's cookie so a run killed before it could
	// log out leaves a session the next run reuses (see sessionfile.go); "" disables it.
	SessionDir string
}

// key identifies a session; the password is part of it so a changed password logs in anew.
func (c Config) key() string {
	return strings.Join([]string{c.Server, c.User, c.Password, fmt.Sprint(c.Insecure), c.CAFile, c.timeout().String(), c.SessionDir}, "\x00")
}

// Client is a logged-in vCenter session. It is safe for concurrent use.
type Client struct {
	cfg        Config
	vim        *vim25.Client
	restMu     sync.Mutex // guards rest: caches of several provider instances share a client
	rest       *rest.Client
	keepalive  *keepalive.HandlerSOAP
	roundTrips atomic.Int64
	callsMu    sync.Mutex
	calls      map[string]int64 // SOAP calls by method, for tests that count what an apply costs
	session    *sessionFile // the locked file of this session, when SessionDir is set
	reused     bool
}

// countingRoundTripper counts SOAP calls so tests and logs can show that a
// read costs a constant number of round trips.
type countingRoundTripper struct {
	soap.RoundTripper
	c *Client
}

func (c countingRoundTripper) RoundTrip(ctx context.Context, req, res soap.HasFault) error {
	c.c.roundTrips.Add(1)
	c.c.callsMu.Lock()
	if c.c.calls == nil {
		c.c.calls = map[string]int64{}
	}
	c.c.calls[methodName(req)]++
	c.c.callsMu.Unlock()
	return c.RoundTripper.RoundTrip(ctx, req, res)
}

// Calls returns the number of SOAP calls made through this client, by method.
func (c *Client) Calls() map[string]int64 {
	c.callsMu.Lock()
	defer c.callsMu.Unlock()
	out := make(map[string]int64, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// Connect logs in to vCenter. Errors name the server and say what to fix;
// they never include the password.
func Connect(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Server == "" {
		return nil, errors.New("no vCenter server configured: set server in the provider block or VSPHERE_SERVER")
	}
	u, err := ParseServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	sc := soap.NewClient(u, cfg.Insecure)
	withTimeouts(sc, cfg)
	if cfg.CAFile != "" {
		if err := sc.SetRootCAs(cfg.CAFile); err != nil {
			return nil, fmt.Errorf("reading ca_file %q: %v", cfg.CAFile, err)
		}
	}
	c := &Client{cfg: cfg}
	rt := deadlineRoundTripper{next: sc, server: u.Host, timeout: cfg.timeout()}
	// vim25.NewClient needs the *soap.Client itself; its one call (the service
	// content) gets the same deadline here.
	vc, err := func() (*vim25.Client, error) {
		st := &stage{}
		cctx, cancel := context.WithTimeout(context.WithValue(ctx, stageKey{}, st), cfg.timeout())
		defer cancel()
		vc, err := vim25.NewClient(cctx, sc)
		if err != nil && ctx.Err() == nil && (errors.Is(cctx.Err(), context.DeadlineExceeded) || isTimeout(err)) {
			var te *TimeoutError
			if !errors.As(err, &te) {
				name := st.get()
				if name == "" {
					name = "RetrieveServiceContent"
				}
				te = &TimeoutError{Stage: name, After: cfg.timeout()}
			}
			out := *te
			out.Server = u.Host
			return nil, &out
		}
		return vc, err
	}()
	if err != nil {
		return nil, connectError(cfg, u.Host, err)
	}
	// The keep-alive handler starts its ticker when it sees the Login go through
	// it, and stops it at Logout, so it wraps the client before logging in.
	c.keepalive = keepalive.NewHandlerSOAP(countingRoundTripper{RoundTripper: rt, c: c}, 5*time.Minute, nil)
	vc.RoundTripper = c.keepalive
	if cfg.SessionDir != "" {
		if c.session = reuseSession(ctx, cfg, u, sc, vc); c.session != nil {
			c.reused = true
			c.keepalive.Start()
			c.vim = vc
			return c, nil
		}
	}
	if err := session.NewManager(vc).Login(ctx, url.UserPassword(cfg.User, cfg.Password)); err != nil {
		c.keepalive.Stop()
		return nil, connectError(cfg, u.Host, err)
	}
	c.vim = vc
	if cfg.SessionDir != "" {
		// Without the file the run still works; only a kill would then leave the session behind.
		c.session, _ = saveSession(cfg, u, sc)
	}
	return c, nil
}

// ParseServer reads a vCenter server setting: host, host:port or an https URL.
// http is refused (vCenter serves its API over https only, and plain http
// fails later with confusing errors), as is anything that is not a host.
func ParseServer(server string) (*url.URL, error) {
	s := strings.TrimSpace(server)
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		switch strings.ToLower(scheme) {
		case "https":
		case "http":
			return nil, fmt.Errorf("vCenter server %q uses http: vCenter's API is served over https; use https://%s or just %s", server, rest, strings.TrimSuffix(strings.SplitN(rest, "/", 2)[0], ":80"))
		default:
			return nil, fmt.Errorf("invalid vCenter server %q: scheme %q is not https; use host, host:port or https://host", server, scheme)
		}
	}
	u, err := soap.ParseURL(s)
	if err != nil || u == nil || u.Host == "" || strings.ContainsAny(u.Host, " \t\r\n/\\") || u.Hostname() == "" {
		return nil, fmt.Errorf("invalid vCenter server %q: not a host, host:port or https:// URL", server)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("invalid vCenter server %q: port %q is not a number from 1 to 65535", server, p)
		}
	}
	u.User = nil
	return u, nil
}

func connectError(cfg Config, host string, err error) error {
	var netErr *net.OpError
	msg := err.Error()
	if te := connecting(err); te != nil {
		return te
	}
	switch {
	case isNotAuthenticated(err):
		return fmt.Errorf("cannot log in to vCenter %s as %q: incorrect user name or password", host, cfg.User)
	case strings.Contains(msg, "x509:") || strings.Contains(msg, "tls:"):
		return fmt.Errorf("cannot verify the TLS certificate of vCenter %s: %s; set ca_file to the CA that signed it (or, only for a lab, allow_unverified_ssl = true)", host, tlsReason(msg))
	case errors.As(err, &netErr):
		return fmt.Errorf("cannot reach vCenter %s: %v", host, netErr.Err)
	default:
		return fmt.Errorf("cannot connect to vCenter %s: %v", host, err)
	}
}

func isNotAuthenticated(err error) bool {
	if !soap.IsSoapFault(err) {
		return false
	}
	_, ok := soap.ToSoapFault(err).VimFault().(types.InvalidLogin)
	return ok
}

// tlsReason keeps the x509 explanation and drops the URL and Post noise around it.
func tlsReason(msg string) string {
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "tls: "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// Reused reports whether this client took over a session left by a run that was killed.
func (c *Client) Reused() bool { return c.reused }

// RoundTrips returns the number of SOAP calls made through this client.
func (c *Client) RoundTrips() int64 { return c.roundTrips.Load() }

// Server returns the host:port of the vCenter this client is logged in to.
func (c *Client) Server() string { return c.vim.URL().Host }

// Close logs out of vCenter and the vAPI endpoint.
func (c *Client) Close(ctx context.Context) error {
	if c.keepalive != nil {
		c.keepalive.Stop()
	}
	var errs []error
	c.restMu.Lock()
	defer c.restMu.Unlock()
	if c.rest != nil {
		errs = append(errs, c.rest.Logout(ctx))
	}
	if c.vim != nil {
		errs = append(errs, session.NewManager(c.vim).Logout(ctx))
	}
	c.session.release(true)
	return errors.Join(errs...)
}

// VimClient exposes the underlying govmomi client, for benchmarks that compare against bare govmomi.
func (c *Client) VimClient() *vim25.Client { return c.vim }

package vsphere

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// DefaultTimeout bounds every call to vCenter when the configuration sets no
// api_timeout: long enough for the bulk read of a large estate, short enough
// that a server that stopped answering fails the command instead of hanging it.
const DefaultTimeout = 5 * time.Minute

// maxConnectTimeout bounds the TCP connect and the TLS handshake: a live vCenter
// completes both in well under a second, whatever the size of the estate.
const maxConnectTimeout = 30 * time.Second

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c Config) connectTimeout() time.Duration { return min(c.timeout(), maxConnectTimeout) }

// TimeoutError says which server did not answer, at which stage, within how long.
type TimeoutError struct {
	Server string        // host:port
	Stage  string        // "TCP connect", "TLS handshake", "login", or the SOAP method
	After  time.Duration // the timeout that expired
	// Connecting is true while logging in: the message then reads "connecting to vCenter …".
	Connecting bool
}

func (e *TimeoutError) Error() string {
	if e.Connecting {
		return fmt.Sprintf("connecting to vCenter %s: %s timed out after %s", e.Server, e.Stage, e.After)
	}
	return fmt.Sprintf("vCenter %s did not answer %s within %s: raise api_timeout (VSPHERE_API_TIMEOUT) if vCenter is only slow", e.Server, e.Stage, e.After)
}

// stage records what a request is doing while it dials, so a timeout can say
// whether the TCP connect, the TLS handshake or the call itself hung. The
// transport keeps a request context's values when it dials, not its deadline.
type stage struct {
	mu   sync.Mutex
	name string
}

func (s *stage) set(name string) {
	if s != nil {
		s.mu.Lock()
		s.name = name
		s.mu.Unlock()
	}
}

func (s *stage) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

type stageKey struct{}

func stageFrom(ctx context.Context) *stage {
	s, _ := ctx.Value(stageKey{}).(*stage)
	return s
}

// withTimeouts makes the SOAP client's transport dial and handshake within the
// connect timeout and wait for response headers no longer than the api
// timeout. govmomi's own TLS dial ignores both the context and
// TLSHandshakeTimeout, so it is replaced (this provider does not use its
// thumbprint fallback).
func withTimeouts(sc *soap.Client, cfg Config) {
	t := sc.DefaultTransport()
	d := &net.Dialer{Timeout: cfg.connectTimeout(), KeepAlive: 30 * time.Second}
	connect := cfg.connectTimeout()
	t.DialContext = d.DialContext
	t.TLSHandshakeTimeout = connect
	t.ResponseHeaderTimeout = cfg.timeout()
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		st := stageFrom(ctx)
		st.set("TCP connect")
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			if isTimeout(err) {
				return nil, &TimeoutError{Server: addr, Stage: "TCP connect", After: connect}
			}
			return nil, err
		}
		st.set("TLS handshake")
		conf := t.TLSClientConfig.Clone() // read now: SetRootCAs fills it after the transport is made
		if conf.ServerName == "" {
			conf.ServerName, _, _ = net.SplitHostPort(addr)
		}
		conn := tls.Client(raw, conf)
		_ = raw.SetDeadline(time.Now().Add(connect))
		if err := conn.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			if isTimeout(err) {
				return nil, &TimeoutError{Server: addr, Stage: "TLS handshake", After: connect}
			}
			return nil, err
		}
		_ = raw.SetDeadline(time.Time{})
		st.set("")
		return conn, nil
	}
}

// deadlineRoundTripper gives every SOAP call a deadline, and turns an expired
// one into a TimeoutError naming the server and the call.
type deadlineRoundTripper struct {
	next    soap.RoundTripper
	server  string
	timeout time.Duration
}

func (d deadlineRoundTripper) RoundTrip(ctx context.Context, req, res soap.HasFault) error {
	req = d.boundLongPoll(req)
	st := &stage{}
	cctx, cancel := context.WithTimeout(context.WithValue(ctx, stageKey{}, st), d.timeout)
	defer cancel()
	err := d.next.RoundTrip(cctx, req, res)
	if err == nil || ctx.Err() != nil {
		return err // the caller's own cancellation or deadline is the caller's to report
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		out := *te
		out.Server = d.server
		return &out
	}
	if errors.Is(cctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		name, after := st.get(), d.timeout
		if name == "" {
			name = methodName(req)
		}
		return &TimeoutError{Server: d.server, Stage: name, After: after}
	}
	return err
}

// methodName is the SOAP method of a request body: *methods.LoginBody → Login.
func methodName(req soap.HasFault) string {
	t := reflect.TypeOf(req)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a call"
	}
	return strings.TrimSuffix(t.Name(), "Body")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, http.ErrHandlerTimeout) || (errors.As(err, &ne) && ne.Timeout())
}

// connecting marks a timeout during Connect, naming its stage as users know it.
func connecting(err error) error {
	var te *TimeoutError
	if !errors.As(err, &te) {
		return nil
	}
	out := *te
	out.Connecting = true
	switch out.Stage {
	case "RetrieveServiceContent":
		out.Stage = "the first request (RetrieveServiceContent)"
	case "Login":
		out.Stage = "login"
	}
	return &out
}

// MaxTimeout is the largest api_timeout accepted: longer means "never" in practice.
const MaxTimeout = 24 * time.Hour

// ParseTimeout reads an api_timeout setting: a Go duration such as "90s", "5m"
// or "1h", from 1s to 24h. The error says what is valid; callers name the setting.
func ParseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration: use a number with a unit, like \"90s\", \"5m\" or \"1h\" (default %s)", s, shortDuration(DefaultTimeout))
	case d < time.Second || d > MaxTimeout:
		return 0, fmt.Errorf("%q is out of range: use a duration from 1s to 24h (default %s)", s, shortDuration(DefaultTimeout))
	}
	return d, nil
}

func shortDuration(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// boundLongPoll gives a WaitForUpdatesEx without a wait limit (govmomi's
// task.Wait) one of half the timeout: vCenter then answers an idle long poll
// with an empty result, which the caller retries, instead of holding it past
// the deadline while a long task runs. The caller's request is not changed:
// govmomi reads a nil MaxWaitSeconds as "retry on an empty result".
func (d deadlineRoundTripper) boundLongPoll(req soap.HasFault) soap.HasFault {
	b, ok := req.(*methods.WaitForUpdatesExBody)
	if !ok || b.Req == nil || (b.Req.Options != nil && b.Req.Options.MaxWaitSeconds != nil) {
		return req
	}
	r := *b.Req
	var o types.WaitOptions
	if r.Options != nil {
		o = *r.Options
	}
	secs := int32(max(time.Second, d.timeout/2) / time.Second)
	o.MaxWaitSeconds = &secs
	r.Options = &o
	return &methods.WaitForUpdatesExBody{Req: &r}
}

package vsphere_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

const shortTimeout = 500 * time.Millisecond

// silentTCP accepts connections and never writes a byte.
func silentTCP(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; _ = c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// hangingTLS completes TLS handshakes, then answers nothing, or only what
// answer lets through (to an upstream vCenter).
func hangingTLS(t *testing.T, upstream *url.URL, pass func(body string) bool) string {
	done := make(chan struct{})
	var proxy *httputil.ReverseProxy
	if upstream != nil {
		proxy = httputil.NewSingleHostReverseProxy(&url.URL{Scheme: upstream.Scheme, Host: upstream.Host})
		proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if proxy != nil && pass(string(body)) {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.Host = upstream.Host
			proxy.ServeHTTP(w, r)
			return
		}
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	ts.StartTLS()
	t.Cleanup(func() { close(done); ts.Close() })
	return ts.Listener.Addr().String()
}

func connectWithin(t *testing.T, cfg vsphere.Config, want string) {
	t.Helper()
	start := time.Now()
	c, err := vsphere.Connect(context.Background(), cfg)
	if err == nil {
		_ = c.Close(context.Background())
	}
	if took := time.Since(start); took > cfg.Timeout+2*time.Second {
		t.Errorf("Connect took %s with a timeout of %s", took, cfg.Timeout)
	}
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestConnectToASilentServerTimesOutNamingTheStage(t *testing.T) {
	t.Run("accepts TCP, never answers TLS", func(t *testing.T) {
		addr := silentTCP(t)
		connectWithin(t, vsphere.Config{Server: addr, User: "u", Password: "p", Timeout: shortTimeout},
			fmt.Sprintf("connecting to vCenter %s: TLS handshake timed out after 500ms", addr))
	})
	t.Run("completes TLS, never answers HTTP", func(t *testing.T) {
		addr := hangingTLS(t, nil, nil)
		connectWithin(t, vsphere.Config{Server: addr, User: "u", Password: "p", Insecure: true, Timeout: shortTimeout},
			fmt.Sprintf("connecting to vCenter %s: the first request (RetrieveServiceContent) timed out after 500ms", addr))
	})
	t.Run("answers until the login", func(t *testing.T) {
		l := startLab(t, "small")
		addr := hangingTLS(t, l.URL, func(body string) bool { return !strings.Contains(body, "<Login") })
		connectWithin(t, vsphere.Config{Server: addr, User: l.User, Password: l.Password, Insecure: true, Timeout: shortTimeout},
			fmt.Sprintf("connecting to vCenter %s: login timed out after 500ms", addr))
	})
}

func TestEveryCallHasADeadline(t *testing.T) {
	l := startLab(t, "small")
	hang := make(chan bool, 1)
	hang <- false
	addr := hangingTLS(t, l.URL, func(body string) bool {
		h := <-hang
		hang <- h
		return !h
	})
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: addr, User: l.User, Password: l.Password, Insecure: true, Timeout: shortTimeout})
	if err != nil {
		t.Fatal(err)
	}
	<-hang
	hang <- true // vCenter stops answering after the login
	_, err = c.ReadTopology(context.Background(), "")
	want := fmt.Sprintf("vCenter %s did not answer ", addr)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), " within 500ms: raise api_timeout (VSPHERE_API_TIMEOUT) if vCenter is only slow") {
		t.Errorf("got %v\nwant %s<method> within 500ms: …", err, want)
	}
	<-hang
	hang <- false
	_ = c.Close(context.Background())
}

func TestServerSettingIsHTTPSOrAHost(t *testing.T) {
	for _, tt := range []struct{ server, want string }{
		{"http://vc.example.com/sdk", `vCenter server "http://vc.example.com/sdk" uses http: vCenter's API is served over https; use https://vc.example.com/sdk or just vc.example.com`},
		{"ftp://vc", `invalid vCenter server "ftp://vc": scheme "ftp" is not https; use host, host:port or https://host`},
		{"vc example", `invalid vCenter server "vc example": not a host, host:port or https:// URL`},
		{"https://[::1", `invalid vCenter server "https://[::1": not a host, host:port or https:// URL`},
		{"vc:99999", `invalid vCenter server "vc:99999": port "99999" is not a number from 1 to 65535`},
	} {
		_, err := vsphere.Connect(context.Background(), vsphere.Config{Server: tt.server, User: "u", Password: "p"})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\ngot  %v\nwant %s", tt.server, err, tt.want)
		}
	}
	for _, ok := range []string{"vc.example.com", "vc.example.com:8443", "https://vc.example.com/sdk", "10.0.0.1", "[::1]:443"} {
		if _, err := vsphere.ParseServer(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

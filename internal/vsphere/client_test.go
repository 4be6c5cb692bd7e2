package vsphere_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func TestConnectErrorsNameTheServerAndTheFix(t *testing.T) {
	l := startLab(t, "small")
	closed := closedPort(t)
	tests := []struct {
		name string
		cfg  vsphere.Config
		want string
	}{
		{"wrong password", vsphere.Config{Server: l.Server(), User: l.User, Password: "wrong", CAFile: l.CAFile},
			fmt.Sprintf(`cannot log in to vCenter %s as %q: incorrect user name or password`, l.Server(), l.User)},
		{"unreachable", vsphere.Config{Server: closed, User: "u", Password: "p"},
			fmt.Sprintf(`cannot reach vCenter %s: connect: connection refused`, closed)},
		{"untrusted certificate", vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password},
			fmt.Sprintf(`cannot verify the TLS certificate of vCenter %s: x509: certificate signed by unknown authority; set ca_file to the CA that signed it (or, only for a lab, allow_unverified_ssl = true)`, l.Server())},
		{"no server", vsphere.Config{User: "u", Password: "p"},
			`no vCenter server configured: set server in the provider block or VSPHERE_SERVER`},
		{"missing CA file", vsphere.Config{Server: l.Server(), CAFile: "/nonexistent/ca.pem"},
			`reading ca_file "/nonexistent/ca.pem": open /nonexistent/ca.pem: no such file or directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := vsphere.Connect(context.Background(), tt.cfg)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), l.Password) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestUnverifiedSSLIsAnOptIn(t *testing.T) {
	l := startLab(t, "small")
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close(context.Background())
}

func TestSharedSessionsAreReusedAndLoggedOut(t *testing.T) {
	l := startLab(t, "small")
	ctx := context.Background()
	cfg := vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile}
	a, err := vsphere.Shared(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vsphere.Shared(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same configuration logged in twice")
	}
	if got, _ := l.Sessions(); got != 1 {
		t.Errorf("sessions on vCenter = %d, want 1", got)
	}
	if err := vsphere.CloseShared(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Sessions(); got != 0 {
		t.Errorf("sessions after CloseShared = %d, want 0", got)
	}
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

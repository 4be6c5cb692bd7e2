package provider_test

import (
	"context"
	"fmt"
	"net"
	"regexp"
	stdstrings "strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func TestAccProviderConfigErrors(t *testing.T) {
	l, _ := startLab(t, "small")
	t.Setenv("VSPHERE_SERVER", "")
	t.Setenv("VSPHERE_USER", "")
	t.Setenv("VSPHERE_PASSWORD", "")
	t.Setenv("VSPHERE_CA_FILE", "")
	tests := []struct {
		name     string
		provider string
		env      map[string]string
		want     *regexp.Regexp
	}{
		{"wrong password",
			fmt.Sprintf(`provider "estate" {
  server = %q
  user = %q
  password = "nope"
  ca_file = %q
}`, l.Server(), l.User, l.CAFile), nil,
			wrapped(fmt.Sprintf(`cannot log in to vCenter %s as "%s": incorrect user name or password`, l.Server(), l.User))},
		{"untrusted certificate",
			fmt.Sprintf(`provider "estate" {
  server = %q
  user = %q
  password = %q
}`, l.Server(), l.User, l.Password), nil,
			wrapped(fmt.Sprintf(`cannot verify the TLS certificate of vCenter %s: x509: certificate signed by unknown authority`, l.Server()))},
		{"unknown datacenter",
			fmt.Sprintf(`provider "estate" {
  server = %q
  user = %q
  password = %q
  ca_file = %q
  datacenter = "dc9"
}`, l.Server(), l.User, l.Password, l.CAFile), nil,
			wrapped(fmt.Sprintf(`reading inventory from vCenter %s: datacenter "dc9": datacenter 'dc9' not found`, l.Server()))},
		{"missing server", `provider "estate" {
  user = "u"
  password = "p"
}`, nil,
			wrapped(`Set server in the provider block or the VSPHERE_SERVER environment variable.`)},
		{"bad boolean in the environment", `provider "estate" {}`,
			map[string]string{"VSPHERE_SERVER": l.Server(), "VSPHERE_USER": "u", "VSPHERE_PASSWORD": "p", "VSPHERE_ALLOW_UNVERIFIED_SSL": "yes please"},
			wrapped(`VSPHERE_ALLOW_UNVERIFIED_SSL="yes please" is not a boolean: use true or false`)},
	}
	silent := silentServer(t)
	tests = append(tests, []struct {
		name     string
		provider string
		env      map[string]string
		want     *regexp.Regexp
	}{
		{"server that never answers", fmt.Sprintf(`provider "estate" {
  server = %q
  user = "u"
  password = "p"
  api_timeout = "1s"
}`, silent), nil,
			wrapped(fmt.Sprintf(`connecting to vCenter %s: TLS handshake timed out after 1s`, silent))},
		{"http server", `provider "estate" {
  server = "http://vc.example.com"
  user = "u"
  password = "p"
}`, nil,
			wrapped(`vCenter server "http://vc.example.com" uses http: vCenter's API is served over https; use https://vc.example.com or just vc.example.com`)},
		{"bad api_timeout", `provider "estate" {
  api_timeout = "5 minutes"
}`, nil,
			wrapped(`api_timeout = "5 minutes" is not a duration: use a number with a unit, like "90s", "5m" or "1h" (default 5m)`)},
		{"api_timeout out of range", `provider "estate" {
  api_timeout = "10ms"
}`, nil,
			wrapped(`api_timeout = "10ms" is out of range: use a duration from 1s to 24h (default 5m)`)},
		{"max_vmotions_per_host above vSphere's host limit", `provider "estate" {
  max_vmotions_per_host = 9
}`, nil,
			wrapped(`Attribute max_vmotions_per_host value must be between 1 and 8, got: 9`)},
		{"max_vmotions_per_host zero", `provider "estate" {
  max_vmotions_per_host = 0
}`, nil,
			wrapped(`Attribute max_vmotions_per_host value must be between 1 and 8, got: 0`)},
		{"bad api timeout in the environment", `provider "estate" {}`,
			map[string]string{"VSPHERE_SERVER": l.Server(), "VSPHERE_USER": "u", "VSPHERE_PASSWORD": "p", "VSPHERE_API_TIMEOUT": "soon"},
			wrapped(`VSPHERE_API_TIMEOUT = "soon" is not a duration`)},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      tt.provider + "\ndata \"estate_topology\" \"live\" {}",
					ExpectError: tt.want,
				}},
			})
		})
	}
}

// TestAccProviderFromEnvironmentSharesOneSession: every Terraform command of a
// test configures the provider anew; they share one vCenter session, which is
// logged out at the end, so sessions do not pile up.
func TestAccProviderFromEnvironmentSharesOneSession(t *testing.T) {
	l, _ := startLab(t, "small")
	for k, v := range l.Env() {
		t.Setenv(k, v)
	}
	check := func(want int) func() {
		return func() {
			if got, err := l.Sessions(); err != nil || got != want {
				t.Errorf("sessions on vCenter = %d (%v), want %d", got, err, want)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: `data "estate_topology" "live" {}`},
			{PreConfig: check(1), Config: `data "estate_topology" "live" { cluster = "prod" }`},
		},
	})
	check(1)()
	// Sessions of earlier tests' labs, already stopped, fail to log out; only this lab's count matters.
	_ = vsphere.CloseShared(context.Background())
	check(0)()
}

// silentServer accepts TCP connections and never answers.
func silentServer(t *testing.T) string {
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

// wrapped matches a message however Terraform wraps its lines.
func wrapped(msg string) *regexp.Regexp {
	return regexp.MustCompile(stdstrings.Join(stdstrings.Fields(regexp.QuoteMeta(msg)), `\s+`))
}

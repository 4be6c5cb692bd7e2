package cli_test

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

func startLab(t *testing.T) *lab.Lab { return labtest.Start(t, "small") }

func TestSnapshotWritesTheLiveEstate(t *testing.T) {
	l := startLab(t)
	for k, v := range l.Env() {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	if code := cli.Snapshot(nil, &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	s, err := inventory.Decode(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Hosts()) != 5 || len(s.VMs()) != 5 || len(s.Clusters()) != 2 || len(s.Datastores()) != 2 {
		t.Errorf("snapshot has %d hosts, %d VMs, %d clusters, %d datastores; want 5, 5, 2, 2",
			len(s.Hosts()), len(s.VMs()), len(s.Clusters()), len(s.Datastores()))
	}
	if v, _ := s.VM("db-01"); v.Host != "esx-03" || v.MemoryReservationMB != 32768 || v.MemoryOverheadMB != 512 {
		t.Errorf("db-01 = %+v", v)
	}
}

func TestSnapshotBadPasswordExitsOneWithOneClearLine(t *testing.T) {
	l := startLab(t)
	for k, v := range l.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("VSPHERE_PASSWORD", "wrong")
	var stdout, stderr bytes.Buffer
	code := cli.Snapshot(nil, &stdout, &stderr)
	want := `Error: cannot log in to vCenter ` + l.Server() + ` as "` + l.User + `": incorrect user name or password` + "\n"
	if code != cli.ExitBadInput || stderr.String() != want {
		t.Errorf("exit %d, stderr %q\nwant exit 1, %q", code, stderr.String(), want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}

func TestLabRejectsAnUnknownEstate(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli.Lab([]string{"--estate", "nowhere"}, &stdout, &stderr)
	if code != cli.ExitBadInput || !strings.Contains(stderr.String(), `unknown built-in estate "nowhere": built-in estates are demo, small`) {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestSnapshotOfASilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer func() { _ = c.Close() }()
		}
	}()
	t.Setenv("VSPHERE_SERVER", ln.Addr().String())
	t.Setenv("VSPHERE_USER", "u")
	t.Setenv("VSPHERE_PASSWORD", "p")
	var stdout, stderr bytes.Buffer
	code := cli.Snapshot([]string{"--api-timeout", "1s"}, &stdout, &stderr)
	want := "Error: connecting to vCenter " + ln.Addr().String() + ": TLS handshake timed out after 1s\n"
	if code != cli.ExitBadInput || stderr.String() != want {
		t.Errorf("exit %d, stderr %q\nwant 1, %q", code, stderr.String(), want)
	}
	stderr.Reset()
	code = cli.Snapshot([]string{"--api-timeout", "forever"}, &stdout, &stderr)
	want = "Error: --api-timeout \"forever\" is not a duration: use a number with a unit, like \"90s\", \"5m\" or \"1h\" (default 5m)\n"
	if code != cli.ExitBadInput || stderr.String() != want {
		t.Errorf("exit %d, stderr %q\nwant 1, %q", code, stderr.String(), want)
	}
}

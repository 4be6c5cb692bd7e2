package cli_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
)

// TestLabStopsPromptlyOnSIGTERMWithLongPollOpen: scripts/demo.sh sends SIGTERM
// and waits for the lab; a client's open WaitForUpdatesEx used to keep it for
// half an hour.
func TestLabStopsPromptlyOnSIGTERMWithLongPollOpen(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- cli.Commands["lab"]([]string{"--estate", "small", "--dir", dir}, &stdout, &stderr) }()
	env := map[string]string{}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, "lab.env"))
		if err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
				env[k], _ = strconv.Unquote(v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lab did not start: %s", stderr.String())
		}
	}
	ctx := context.Background()
	u := &url.URL{Scheme: "https", Host: env["VSPHERE_SERVER"], Path: "/sdk"}
	sc := soap.NewClient(u, false)
	if err := sc.SetRootCAs(env["VSPHERE_CA_FILE"]); err != nil {
		t.Fatal(err)
	}
	vc, err := vim25.NewClient(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := session.NewManager(vc).Login(ctx, url.UserPassword(env["VSPHERE_USER"], env["VSPHERE_PASSWORD"])); err != nil {
		t.Fatal(err)
	}
	polling := make(chan struct{})
	go func() {
		first := true
		_ = property.Wait(ctx, property.DefaultCollector(vc), vc.ServiceContent.RootFolder, []string{"name"}, func([]types.PropertyChange) bool {
			if first {
				first = false
				close(polling)
			}
			return false
		})
	}()
	<-polling
	time.Sleep(200 * time.Millisecond) // the long poll is open in the lab now
	start := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != cli.ExitOK {
			t.Errorf("lab exited %d, want 0: %s", c, stderr.String())
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("lab took %s to stop after SIGTERM, want under 3s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("lab still running 10s after SIGTERM with a long poll open")
	}
	if !strings.Contains(stdout.String(), "# lab stopped; vCenter sessions left open by clients: 1\n") {
		t.Errorf("stdout does not report the session the client left open:\n%s", stdout.String())
	}
}

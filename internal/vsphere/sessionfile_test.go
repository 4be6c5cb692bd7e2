package vsphere_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// A run killed with SIGKILL cannot log out; the next run takes over its
// session instead of adding one, and runs that overlap never share one.
func TestSessionsOfKilledRunsAreReused(t *testing.T) {
	l := startLab(t, "small")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "sessions")
	cfg := vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile, SessionDir: dir}
	sessions := func(want int) {
		t.Helper()
		if got, err := l.Sessions(); err != nil || got != want {
			t.Errorf("sessions on vCenter = %d (%v), want %d", got, err, want)
		}
	}
	for run := 1; run <= 3; run++ {
		c, err := vsphere.Connect(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reused() != (run > 1) {
			t.Errorf("run %d: reused = %t", run, c.Reused())
		}
		if _, err := c.ReadTopology(ctx, ""); err != nil {
			t.Fatalf("run %d reads with its session: %v", run, err)
		}
		sessions(1)
		c.Abandon() // killed: no logout
	}
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("session directory %v, mode %v: want 0700", err, info.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.session"))
	if len(files) != 1 {
		t.Fatalf("session files %v, want 1", files)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("session file mode %v, want 0600", fi.Mode().Perm())
	}

	// Two runs at once: the second cannot take the first one's session.
	a, err := vsphere.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vsphere.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Reused() || b.Reused() {
		t.Errorf("a reused %t, b reused %t; want true, false", a.Reused(), b.Reused())
	}
	sessions(2)
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	sessions(0)
	if files, _ := filepath.Glob(filepath.Join(dir, "*.session")); len(files) != 0 {
		t.Errorf("session files left after clean exits: %v", files)
	}
	// A session vCenter no longer knows (expired) is not reused: its file goes.
	c, err := vsphere.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Abandon()
	files, _ = filepath.Glob(filepath.Join(dir, "*.session"))
	if err := os.WriteFile(files[0], []byte("expired\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := vsphere.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.Reused() {
		t.Error("reused a session vCenter does not know")
	}
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.session")); len(files) != 0 {
		t.Errorf("session files left: %v", files)
	}
}

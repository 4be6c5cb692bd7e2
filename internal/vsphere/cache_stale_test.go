package vsphere_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// TestFullReadAfterScopedReadsSurvivesADeletedVM: a VM deleted after the
// index read (out of band, or by the vsphere provider in the same apply)
// does not make the command's reads fail, as it does not fail the plain full
// read (a ContainerView): the merged read equals the plain one. (Reads once
// listed objects by reference from the index, and RetrieveProperties failed
// whole with ManagedObjectNotFound, for the rest of the command.)
func TestFullReadAfterScopedReadsSurvivesADeletedVM(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"}); err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteVM(ctx, "test-01"); err != nil { // in dev, not read yet
		t.Fatal(err)
	}
	want, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatalf("the plain full read fails: %v", err)
	}
	for i := range 2 {
		got, err := c.Topology(ctx, "")
		if err != nil {
			t.Errorf("full read %d after scoped reads: %v (the plain full read succeeds)", i+1, err)
			continue
		}
		if !equalJSON(t, got.Estate.Estate(), want.Estate.Estate()) {
			t.Errorf("full read %d differs from the plain full read", i+1)
		}
	}
}

// TestScopedReadSurvivesADeletedVM: the same, for the scoped read of the
// deleted VM's cluster and the full read after it.
func TestScopedReadSurvivesADeletedVM(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteVM(ctx, "batch-01"); err != nil { // in prod
		t.Fatal(err)
	}
	if _, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"}); err != nil {
		t.Errorf("scoped read of prod after a VM of prod was deleted: %v", err)
	}
	if _, err := c.Topology(ctx, ""); err != nil {
		t.Errorf("full read after a VM was deleted: %v", err)
	}
}

// gatedProxy forwards TCP to target; while closed, responses wait.
type gatedProxy struct {
	addr string
	mu   sync.Mutex
	open chan struct{}
}

func newGatedProxy(t *testing.T, target string) *gatedProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	p := &gatedProxy{addr: ln.Addr().String(), open: make(chan struct{})}
	close(p.open)
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
			go func() { // responses wait while the gate is closed
				buf := make([]byte, 64<<10)
				for {
					n, err := out.Read(buf)
					if n > 0 {
						p.mu.Lock()
						gate := p.open
						p.mu.Unlock()
						<-gate
						if _, werr := in.Write(buf[:n]); werr != nil {
							return
						}
					}
					if err != nil {
						_ = in.Close()
						return
					}
				}
			}()
		}
	}()
	return p
}

func (p *gatedProxy) close() { p.mu.Lock(); p.open = make(chan struct{}); p.mu.Unlock() }
func (p *gatedProxy) release() {
	p.mu.Lock()
	close(p.open)
	p.mu.Unlock()
}

// TestIndexReadDuringAMoveIsNotKept: Moved drops the index (it locates VMs),
// and an index read that was running when the move was recorded is not kept
// either: the next request reads a new index, and its scoped read has the VM
// where the move put it.
func TestIndexReadDuringAMoveIsNotKept(t *testing.T) {
	l := startLab(t, "small")
	direct := connect(t, l)
	ctx := context.Background()
	before, err := direct.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	p := newGatedProxy(t, l.Server())
	client, err := vsphere.Connect(ctx, vsphere.Config{Server: p.addr, User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close(context.Background()) })
	c := vsphere.NewCache(client)

	p.close()
	done := make(chan *vsphere.Index)
	go func() {
		ix, err := c.Index(ctx, "")
		if err != nil {
			t.Error(err)
		}
		done <- ix
	}()
	time.Sleep(300 * time.Millisecond) // the index read is answered; the answer waits in the proxy
	v, _ := before.Estate.VM("web-01")
	h, _ := before.Estate.Host("esx-03")
	if err := direct.MoveVM(ctx, v, h); err != nil {
		t.Fatal(err)
	}
	c.Moved("web-01", "esx-03")
	p.release()
	ix := <-done
	if ix == nil {
		return
	}
	again, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if again == ix {
		t.Error("after Moved, Index serves the index whose read was running when the move was recorded")
	}
	topo, err := c.Scoped(ctx, again, []inventory.ClusterName{"prod"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := topo.Estate.VM("web-01"); v.Host != "esx-03" {
		t.Errorf("after Moved, a scoped request has web-01 on %q, want esx-03", v.Host)
	}
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// peaks runs a wave with a mover that takes a while and records, per host,
// the most moves in flight at once (as source or target). A move ends only
// once limit moves have been in flight together (or after 10 s), so the
// overlap does not depend on how fast goroutines start on a busy machine.
func peaks(t *testing.T, ctx context.Context, wave []analysis.Move, limit int, fail inventory.VMName, cancelAfter int, cancel func()) (map[inventory.HostName]int, []waveResult, []analysis.Move) {
	t.Helper()
	var mu sync.Mutex
	now, peak := map[inventory.HostName]int{}, map[inventory.HostName]int{}
	var results []waveResult
	started, running := 0, 0
	full, closed := make(chan struct{}), false
	notStarted := runWave(ctx, wave, limit, func(m analysis.Move) error {
		mu.Lock()
		started++
		if started == cancelAfter {
			cancel()
		}
		for _, h := range []inventory.HostName{m.From, m.To} {
			now[h]++
			peak[h] = max(peak[h], now[h])
		}
		if running++; running == limit && !closed {
			closed = true
			close(full)
		}
		mu.Unlock()
		select {
		case <-full:
		case <-time.After(10 * time.Second):
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		running--
		now[m.From]--
		now[m.To]--
		mu.Unlock()
		if m.VM == fail {
			return errors.New("refused")
		}
		return nil
	}, func(r waveResult) { results = append(results, r) })
	return peak, results, notStarted
}

func moves(n int, from, to inventory.HostName) []analysis.Move {
	var out []analysis.Move
	for i := range n {
		out = append(out, analysis.Move{VM: inventory.VMName(fmt.Sprintf("%s-%02d", from, i)), From: from, To: to})
	}
	return out
}

// 15 moves onto one host with a limit of 4 never run more than 4 at once on
// it, and do run 4 at once; the sources (3 moves each) reach 3.
func TestRunWaveHoldsThePerHostLimit(t *testing.T) {
	var wave []analysis.Move
	for _, src := range []inventory.HostName{"rb-01", "rb-02", "rb-03", "rb-04", "rb-05"} {
		wave = append(wave, moves(3, src, "rb-06")...)
	}
	peak, results, notStarted := peaks(t, context.Background(), wave, 4, "", 0, nil)
	if peak["rb-06"] != 4 {
		t.Errorf("rb-06 ran %d vMotions at once, want exactly the limit 4", peak["rb-06"])
	}
	for _, src := range []inventory.HostName{"rb-01", "rb-02", "rb-03", "rb-04", "rb-05"} {
		if peak[src] > 3 {
			t.Errorf("%s ran %d vMotions at once, it has 3 to do", src, peak[src])
		}
	}
	if len(results) != 15 || len(notStarted) != 0 {
		t.Errorf("%d moves ended and %d were not started, want 15 and 0", len(results), len(notStarted))
	}
	// A limit of 1 serialises every host.
	peak, _, _ = peaks(t, context.Background(), wave, 1, "", 0, nil)
	for h, n := range peak {
		if n != 1 {
			t.Errorf("limit 1: %s ran %d at once", h, n)
		}
	}
}

// After a failure no further move starts, and every started one is waited for.
func TestRunWaveStopsAfterAFailure(t *testing.T) {
	wave := moves(10, "a", "b")
	_, results, notStarted := peaks(t, context.Background(), wave, 1, "a-02", 0, nil)
	if len(results) != 3 || len(notStarted) != 7 {
		t.Fatalf("%d moves ended, %d not started; want 3 (a-00, a-01, failed a-02) and 7", len(results), len(notStarted))
	}
	if results[2].Move.VM != "a-02" || results[2].Err == nil || results[0].Err != nil || results[1].Err != nil {
		t.Errorf("results %+v: want a-00 and a-01 done, a-02 failed", results)
	}
	if notStarted[0].VM != "a-03" {
		t.Errorf("first move not started is %s, want a-03", notStarted[0].VM)
	}
}

// Once the context is cancelled no move starts; the ones running finish and are reported.
func TestRunWaveCancelledWaitsForRunningMoves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wave := moves(8, "a", "b")
	// The first move cancels the context while it runs.
	_, results, notStarted := peaks(t, ctx, wave, 1, "", 1, cancel)
	if len(results) != 1 || len(notStarted) != 7 {
		t.Fatalf("%d moves ended, %d not started; want the 1 started and 7", len(results), len(notStarted))
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v, want completed", r.Move.VM, r.Err)
		}
	}
}

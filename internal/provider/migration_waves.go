package provider

import (
	"context"
	"slices"
	"sync"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// waveResult is the outcome of one move of a wave.
type waveResult struct {
	Move analysis.Move
	Err  error
}

// runWave runs the moves of one wave in parallel, never more than limit at
// once on any host (as source or target). After the first failure, or once
// ctx is cancelled, it starts no further move but waits for those running, so
// every started task's outcome is known. done is called, serialised, as each
// move ends; runWave returns the moves it never started, in wave order.
func runWave(ctx context.Context, wave []analysis.Move, limit int, move func(analysis.Move) error, done func(waveResult)) []analysis.Move {
	if limit < 1 {
		limit = 1
	}
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		busy    = map[inventory.HostName]int{}
		stop    bool
		pending = slices.Clone(wave)
	)
	cond := sync.NewCond(&mu)
	mu.Lock()
	for len(pending) > 0 && !stop && ctx.Err() == nil {
		i := slices.IndexFunc(pending, func(m analysis.Move) bool { return busy[m.From] < limit && busy[m.To] < limit })
		if i < 0 {
			// Some host is at its limit, so a move is running and its end wakes us.
			cond.Wait()
			continue
		}
		mv := pending[i]
		pending = slices.Delete(pending, i, i+1)
		busy[mv.From]++
		busy[mv.To]++
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := move(mv)
			mu.Lock()
			defer mu.Unlock()
			busy[mv.From]--
			busy[mv.To]--
			if err != nil {
				stop = true
			}
			done(waveResult{Move: mv, Err: err})
			cond.Broadcast()
		}()
	}
	mu.Unlock()
	wg.Wait()
	return pending
}
